//! The `oneseal` binary end to end (one test binary for the cli crate; add further modules
//! here rather than new files).
//!
//! `cert`: a bundle and a trust file are built with the libraries (real SM2 seal, a real
//! RFC 6962 ledger with a signed, cosigned checkpoint), written to a temporary directory and
//! checked by the built binary, then the exported signature is checked by OpenSSL as an
//! independent oracle (skipped with a message when `openssl` is not on PATH).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "cli/backup_restore.rs"]
mod backup_restore;
#[path = "cli/demo_generate.rs"]
mod demo_generate;
#[path = "cli/serve_demo.rs"]
mod serve_demo;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use oneseal_ledger::checkpoint::Checkpoint;
use oneseal_ledger::cosignature::CosignatureSigner;
use oneseal_ledger::note::Ed25519Signer;
use oneseal_ledger::receipt::Receipt;
use oneseal_ledger::{Frontier, Hash, NodeId, inclusion_proof, leaf_hash};
use oneseal_seal::bundle::{
    LedgerTrust, SealStatus, SealedBundle, TRUST_FORMAT, TrustFile, TrustedSeal,
    sealing_entry_public,
};
use oneseal_seal::testing::SealInfoBuilder;
use oneseal_seal::{SealPrivateKey, SealTime, sign_document};
use serde_json::json;

const ORIGIN: &str = "ledger.jinan.example/approvals";
const DOCUMENT: &str = r#"{"decision":"准予行政许可","number":"济审批许字〔2026〕1号"}"#;

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!("oneseal-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn oneseal(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oneseal"))
        .args(args)
        .env("ONESEAL_LOG", "warn")
        .output()
        .expect("run oneseal")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn time(year: u16, month: u8, day: u8, hour: u8) -> SealTime {
    SealTime::from_utc(year, month, day, hour, 0, 0).unwrap()
}

/// A sealed bundle and the trust file that vouches for it.
fn bundle_and_trust() -> (SealedBundle, TrustFile) {
    let maker = SealPrivateKey::from_seed(&[1; 32]).unwrap();
    let signer = SealPrivateKey::from_seed(&[2; 32]).unwrap();
    let seal = SealInfoBuilder::new(&signer).make(&maker);
    let document = DOCUMENT.as_bytes().to_vec();
    let signature = sign_document(
        &seal,
        &signer,
        &oneseal_seal::sm3_digest(&document),
        "JN-2026-0001",
        time(2026, 9, 15, 8),
    )
    .unwrap();
    let entry = serde_json::to_vec(&json!({
        "v": 1,
        "kind": "seal.document_sealed",
        "time": "2026-09-15T08:00:01Z",
        "public": sealing_entry_public(&document, &signature).unwrap(),
    }))
    .unwrap();

    let mut entries: Vec<Vec<u8>> = (0..3)
        .map(|i| format!(r#"{{"kind":"case.accepted","n":{i}}}"#).into_bytes())
        .collect();
    entries.push(entry.clone());
    let mut frontier = Frontier::empty();
    let mut nodes = BTreeMap::new();
    for e in &entries {
        nodes.extend(frontier.push(leaf_hash(e)));
    }
    let proof = inclusion_proof(
        3,
        frontier.size(),
        |ids: &[NodeId]| -> Result<Vec<Hash>, ()> { Ok(ids.iter().map(|id| nodes[id]).collect()) },
    )
    .unwrap();
    let log = Ed25519Signer::from_seed(ORIGIN, &[7; 32]).unwrap();
    let witnesses: Vec<CosignatureSigner> = (1..=2)
        .map(|i| CosignatureSigner::from_seed(&format!("w{i}.example"), &[40 + i; 32]).unwrap())
        .collect();
    let mut note = Checkpoint::new(ORIGIN, frontier.size(), frontier.root())
        .unwrap()
        .sign(&[&log])
        .unwrap();
    for w in &witnesses {
        w.cosign_note(&mut note, 1_789_461_060).unwrap();
    }
    let receipt = Receipt {
        extra: None,
        index: 3,
        proof,
        note,
    };
    let bundle = SealedBundle::new(
        document,
        signature.to_der().to_vec(),
        entry,
        receipt.to_text(),
    );
    let trust = TrustFile {
        format: TRUST_FORMAT.into(),
        seals: vec![TrustedSeal {
            es_id: seal.es_id().into(),
            name: seal.name().into(),
            public_key_pem: signer.public_key().to_pem().unwrap(),
            valid_start: time(2026, 1, 1, 0),
            valid_end: time(2028, 12, 31, 0),
            status: SealStatus::Active,
            revoked_at: None,
            revocation_order: None,
        }],
        ledger: LedgerTrust::Keys {
            log_vkeys: vec![log.verifier_key().to_string()],
            witness_vkeys: witnesses
                .iter()
                .map(|w| w.verifier_key().to_string())
                .collect(),
            quorum: 2,
        },
    };
    (bundle, trust)
}

fn write_bundle(dir: &TempDir, name: &str, bundle: &SealedBundle) -> PathBuf {
    let path = dir.path(name);
    std::fs::write(&path, bundle.to_json().unwrap()).unwrap();
    path
}

fn verify(bundle: &Path, trust: &Path) -> Output {
    oneseal(&[
        "cert",
        "verify",
        bundle.to_str().unwrap(),
        "--trust",
        trust.to_str().unwrap(),
    ])
}

#[test]
fn cert_verify_accepts_a_valid_bundle_and_rejects_a_flipped_byte() {
    let dir = TempDir::new("verify");
    let (bundle, trust) = bundle_and_trust();
    let trust_path = dir.path("trust.json");
    std::fs::write(&trust_path, trust.to_json().unwrap()).unwrap();

    let good = verify(&write_bundle(&dir, "good.json", &bundle), &trust_path);
    let out = text(&good);
    assert_eq!(good.status.code(), Some(0), "{out}");
    assert!(out.contains("有效"), "{out}");
    assert!(out.contains("VALID"), "{out}");
    assert!(out.contains("37010000000001"), "{out}");

    let mut flipped = bundle.clone();
    let middle = flipped.document.len() / 2;
    flipped.document[middle] ^= 0x01;
    let bad = verify(&write_bundle(&dir, "bad.json", &flipped), &trust_path);
    let out = text(&bad);
    assert_eq!(bad.status.code(), Some(1), "{out}");
    assert!(out.contains("无效"), "{out}");
    assert!(out.contains("INVALID"), "{out}");
    assert!(out.contains("SM3"), "{out}");

    let mut wrong_index = bundle;
    wrong_index.receipt = wrong_index.receipt.replace("index 3", "index 2");
    let bad = verify(
        &write_bundle(&dir, "bad-receipt.json", &wrong_index),
        &trust_path,
    );
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad));
}

#[test]
fn cert_verify_fails_on_a_missing_file() {
    let dir = TempDir::new("missing");
    let out = verify(&dir.path("nope.json"), &dir.path("trust.json"));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
}

fn openssl_available() -> bool {
    Command::new("openssl")
        .arg("version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

#[test]
fn cert_export_writes_parts_that_openssl_verifies() {
    let dir = TempDir::new("export");
    let (bundle, _) = bundle_and_trust();
    let path = write_bundle(&dir, "bundle.json", &bundle);
    let out_dir = dir.path("parts");
    let out = oneseal(&[
        "cert",
        "export",
        path.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    for name in [
        "document.json",
        "tbs.der",
        "signature.der",
        "seal-public.pem",
        "seal.der",
        "entry.json",
        "receipt.txt",
    ] {
        assert!(out_dir.join(name).is_file(), "{name} missing");
    }
    assert_eq!(
        std::fs::read(out_dir.join("document.json")).unwrap(),
        DOCUMENT.as_bytes()
    );
    assert_eq!(
        std::fs::read(out_dir.join("entry.json")).unwrap(),
        bundle.ledger_entry
    );

    if !openssl_available() {
        eprintln!("skipped: openssl missing");
        return;
    }
    let openssl_verify = |data: &str| {
        Command::new("openssl")
            .current_dir(&out_dir)
            .args([
                "dgst",
                "-sm3",
                "-verify",
                "seal-public.pem",
                "-sigopt",
                "distid:1234567812345678",
                "-signature",
                "signature.der",
                data,
            ])
            .output()
            .unwrap()
    };
    let ok = openssl_verify("tbs.der");
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("Verified OK"));

    // The oracle must be able to say no: one flipped bit of the signed bytes.
    let mut tbs = std::fs::read(out_dir.join("tbs.der")).unwrap();
    let last = tbs.len() - 1;
    tbs[last] ^= 0x01;
    std::fs::write(out_dir.join("tbs-flipped.der"), tbs).unwrap();
    let refused = openssl_verify("tbs-flipped.der");
    assert!(!refused.status.success(), "{}", text(&refused));

    // The exported seal parses as DER for OpenSSL too.
    let asn1 = Command::new("openssl")
        .current_dir(&out_dir)
        .args(["asn1parse", "-inform", "DER", "-in", "seal.der"])
        .output()
        .unwrap();
    assert!(asn1.status.success(), "{}", text(&asn1));
    assert!(String::from_utf8_lossy(&asn1.stdout).contains("37010000000001"));
}

/// `calendar import` writes straight into the database, so it keeps the API's rule: a year in
/// force is history up to today (issue #22, item 4); 2025 with every holiday removed is refused
/// and nothing is recorded.
#[test]
fn calendar_import_refuses_to_rewrite_a_year_in_force() {
    let dir = TempDir::new("calendar");
    let mut year: serde_json::Value =
        serde_json::from_str(include_str!("../../domain/data/calendar/2025.json")).unwrap();
    year["overrides"] = json!([]);
    let file = dir.path("2025.json");
    std::fs::write(&file, year.to_string()).unwrap();
    let data = dir.path("data");
    std::fs::create_dir_all(&data).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_oneseal"))
        .args(["calendar", "import"])
        .arg(&file)
        .arg("--data")
        .arg(&data)
        .env_remove("ONESEAL_DATABASE_URL")
        .env("ONESEAL_LOG", "warn")
        .output()
        .expect("run oneseal");
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("calendar_history_immutable"),
        "{}",
        text(&out)
    );
}

/// `calendar deadline` counts a year whose notice is not loaded from its statutory holidays and
/// says so on the first line; `--year FILE` counts with that year's notice instead (issue #18).
#[test]
fn calendar_deadline_marks_provisional_dates_and_reads_year_files() {
    let deadline = |extra: &[&std::ffi::OsStr]| {
        Command::new(env!("CARGO_BIN_EXE_oneseal"))
            .args([
                "calendar",
                "deadline",
                "--start",
                "2026-12-20",
                "--days",
                "20",
            ])
            .args(extra)
            .output()
            .expect("run oneseal")
    };
    // Sun 2026-12-20: 12-21..12-31 → 9; Fri 2027-01-01 New Year's Day; 01-04..01-15 → 19;
    // Mon 01-18 → 20.
    let out = deadline(&[]);
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(stdout.lines().next(), Some("2027-01-18 暂定 / provisional"));
    assert!(
        stdout.contains("暂定：2027年的国务院放假通知尚未导入"),
        "{stdout}"
    );

    // A notice that also rests on Monday 01-04 moves the 20th working day to Tue 01-19, and the
    // date is no longer provisional.
    let dir = TempDir::new("calendar-deadline");
    let file = dir.path("2027.json");
    let notice = json!({
        "year": 2027,
        "source": {"title": "测试用2027年放假通知", "issued_on": "2026-11-20"},
        "overrides": [
            {"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
            {"date": "2027-01-04", "kind": "holiday", "name": "元旦"},
        ],
    });
    std::fs::write(&file, notice.to_string()).unwrap();
    let out = deadline(&["--year".as_ref(), file.as_os_str()]);
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(stdout.lines().next(), Some("2027-01-19"), "{stdout}");
    assert!(!stdout.contains("暂定"), "{stdout}");

    // A bad year file is refused, naming the file.
    let bad = dir.path("bad.json");
    std::fs::write(&bad, "{\"year\": 2027}").unwrap();
    let out = deadline(&["--year".as_ref(), bad.as_os_str()]);
    assert!(!out.status.success());
    assert!(text(&out).contains("bad.json"), "{}", text(&out));
}
