//! Writes the seed corpora under `fuzz/corpus/<target>/` from the crates' own public API, so
//! every seed is a valid input that its parser accepts (checked here before writing), except
//! the hostile catalog files, which must be refused.
//!
//!     cargo run --manifest-path fuzz/Cargo.toml --example gen_corpus -- fuzz/corpus
//!
//! Deterministic: fixed seeds for every key and a counter RNG, so re-running rewrites the same
//! bytes. The fuzzer's own finds are added by `cargo fuzz cmin`, not by this program.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::error::Error;
use std::path::{Path, PathBuf};

use oneseal_domain::calendar::YearCalendar;
use oneseal_domain::catalog::interchange::hostile::hostile_files;
use oneseal_domain::catalog::{Item, export_csv, export_xlsx, import_csv, import_xlsx, real_items};
use oneseal_domain::fuzz::{ExpressionOutcome, rule_expression, sample_step_variables};
use oneseal_ledger::checkpoint::Checkpoint;
use oneseal_ledger::cosignature::CosignatureSigner;
use oneseal_ledger::fuzz;
use oneseal_ledger::hash::format_hash_lines;
use oneseal_ledger::note::Ed25519Signer;
use oneseal_ledger::receipt::Receipt;
use oneseal_ledger::tile::{Tile, encode_bundle, encode_tile};
use oneseal_ledger::witness::AddCheckpointRequest;
use oneseal_ledger::{Frontier, Hash, NodeId, inclusion_proof, leaf_hash};
use oneseal_seal::bundle::{
    LedgerTrust, SealStatus, SealedBundle, TRUST_FORMAT, TrustFile, TrustedSeal,
    sealing_entry_public, verify_bundle,
};
use oneseal_seal::keystore::{decrypt_private_key, encrypt_private_key};
use oneseal_seal::rand_core::{TryCryptoRng, TryRng};
use oneseal_seal::{
    KdfParams, Seal, SealInfo, SealPicture, SealPrivateKey, SealPublicKey, SealTime, SesSignature,
    sign_document, sm3_digest, verify_signature,
};

type Res<T = ()> = Result<T, Box<dyn Error>>;

const ORIGIN: &str = "oneseal.example/approvals/2026h1";
const CALENDAR_2025: &str = include_str!("../../crates/domain/data/calendar/2025.json");
const CALENDAR_2026: &str = include_str!("../../crates/domain/data/calendar/2026.json");

fn main() -> Res {
    let root = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "fuzz/corpus".into()),
    );
    let mut out = Corpus { root, written: 0 };
    ledger(&mut out)?;
    seal(&mut out)?;
    bundle(&mut out)?;
    catalog(&mut out)?;
    calendar(&mut out)?;
    rules(&mut out)?;
    println!(
        "wrote {} seed files under {}",
        out.written,
        out.root.display()
    );
    Ok(())
}

struct Corpus {
    root: PathBuf,
    written: usize,
}

impl Corpus {
    /// Writes `data` as `corpus/<target>/<name>` after checking that `accepted` holds for it.
    fn seed(&mut self, target: &str, name: &str, data: &[u8], accepted: bool) -> Res {
        if !accepted {
            return Err(format!("seed {target}/{name} is not accepted by its parser").into());
        }
        let dir = self.root.join(target);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(Path::new(&dir).join(name), data)?;
        self.written += 1;
        Ok(())
    }
}

fn ledger(out: &mut Corpus) -> Res {
    let log = Ed25519Signer::from_seed(ORIGIN, &[1; 32])?;
    let witness =
        |i: u8| CosignatureSigner::from_seed(&format!("witness{i}.example"), &[10 + i; 32]);
    let cp = Checkpoint::new(ORIGIN, 11, [4; 32])?.with_extension("extension line")?;
    let plain = Checkpoint::new(ORIGIN, 2, [7; 32])?;
    let mut note = cp.sign(&[&log])?;
    witness(1)?.cosign_note(&mut note, 1_767_225_600)?;
    witness(2)?.cosign_note(&mut note, 1_767_225_601)?;
    let proof = vec![[5; 32], [6; 32], [8; 32]];
    let request = AddCheckpointRequest::new(3, proof.clone(), note.clone())?;
    let empty_proof = AddCheckpointRequest::new(0, Vec::new(), plain.sign(&[&log])?)?;
    let receipt = Receipt {
        extra: Some(b"case JN-2026-0001".to_vec()),
        index: 7,
        proof: proof.clone(),
        note: note.clone(),
    };
    let cosignatures: String = note
        .signatures()
        .iter()
        .skip(1)
        .map(|s| s.to_line())
        .collect();
    let w = |i: u8| witness(i).map(|s| s.verifier_key().to_string());
    let policy = format!(
        "# two of three departments\nlog {log} https://log.example/\nwitness A {a}\nwitness B {b} https://b.example/\nwitness C {c}\ngroup departments 2 A B C\nquorum departments\n",
        log = log.verifier_key(),
        a = w(1)?,
        b = w(2)?,
        c = w(3)?,
    );

    let note_text = note.to_text();
    out.seed(
        "ledger_note",
        "cosigned",
        note_text.as_bytes(),
        fuzz::note(note_text.as_bytes()).is_ok(),
    )?;
    for (name, c) in [("extension", &cp), ("plain", &plain)] {
        let t = c.to_text();
        out.seed(
            "ledger_checkpoint",
            name,
            t.as_bytes(),
            fuzz::checkpoint(t.as_bytes()).is_ok(),
        )?;
    }
    let lines = format_hash_lines(&proof);
    out.seed(
        "ledger_proof_lines",
        "three",
        lines.as_bytes(),
        fuzz::proof_lines(lines.as_bytes()).is_ok(),
    )?;
    for (name, tile) in [
        ("hash_full", Tile::hashes(0, 1_234_067, 256)?),
        ("hash_partial", Tile::hashes(2, 5, 112)?),
        ("entries_partial", Tile::entries(1000, 3)?),
    ] {
        let p = tile.path();
        out.seed(
            "ledger_tile_path",
            name,
            p.as_bytes(),
            fuzz::tile_path(p.as_bytes()).is_ok(),
        )?;
    }
    let bundle = encode_bundle(&[b"entry one".as_slice(), b"", b"third"])?;
    out.seed(
        "ledger_entry_bundle",
        "three",
        &bundle,
        fuzz::entry_bundle(&bundle).is_ok(),
    )?;
    let tile = encode_tile(&proof);
    out.seed(
        "ledger_tile_hashes",
        "three",
        &tile,
        fuzz::tile_hashes(&tile).is_ok(),
    )?;
    for (name, r) in [("with_proof", &request), ("from_zero", &empty_proof)] {
        let b = r.to_body();
        out.seed(
            "ledger_witness_request",
            name,
            b.as_bytes(),
            fuzz::witness_request(b.as_bytes()).is_ok(),
        )?;
    }
    let c = cosignatures.as_bytes();
    out.seed(
        "ledger_witness_response",
        "two",
        c,
        fuzz::witness_response(c).is_ok(),
    )?;
    let r = receipt.to_text();
    out.seed(
        "ledger_receipt",
        "with_extra",
        r.as_bytes(),
        fuzz::receipt(r.as_bytes()).is_ok(),
    )?;
    out.seed(
        "ledger_policy",
        "two_of_three",
        policy.as_bytes(),
        fuzz::policy(policy.as_bytes()).is_ok(),
    )?;
    for (name, k) in [("log", log.verifier_key().to_string()), ("witness", w(1)?)] {
        out.seed(
            "ledger_vkey",
            name,
            k.as_bytes(),
            fuzz::vkey(k.as_bytes()).is_ok(),
        )?;
    }
    // The round-trip target sees every kind of input.
    let (plain_text, body) = (plain.to_text(), request.to_body());
    let log_vkey = log.verifier_key().to_string();
    let all: [(&str, &[u8]); 9] = [
        ("note", note_text.as_bytes()),
        ("checkpoint", plain_text.as_bytes()),
        ("proof_lines", lines.as_bytes()),
        ("bundle", &bundle),
        ("tile", &tile),
        ("request", body.as_bytes()),
        ("receipt", r.as_bytes()),
        ("policy", policy.as_bytes()),
        ("vkey", log_vkey.as_bytes()),
    ];
    for (name, data) in all {
        out.seed(
            "ledger_round_trip",
            name,
            data,
            fuzz::round_trip_failures(data).is_empty(),
        )?;
    }
    out.seed(
        "ledger_round_trip",
        "tile_path",
        b"tile/0/x001/x234/067.p/112",
        true,
    )?;
    Ok(())
}

/// SM3-free counter RNG: only for reproducible seed files, never for real keys.
struct CounterRng(u64);

impl TryRng for CounterRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        self.try_next_u64().map(|v| (v >> 32) as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        // SplitMix64.
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Ok(z ^ (z >> 31))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(8) {
            let v = self.try_next_u64()?.to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
        Ok(())
    }
}

impl TryCryptoRng for CounterRng {}

fn seal(out: &mut Corpus) -> Res {
    let maker = SealPrivateKey::from_seed(&[21; 32])?;
    let signer = SealPrivateKey::from_seed(&[22; 32])?;
    let t = |y, m, d| SealTime::from_utc(y, m, d, 0, 0, 0);
    let info = SealInfo {
        es_id: "37010000000001".into(),
        vendor_id: "oneseal".into(),
        seal_type: 1,
        name: "济南市行政审批服务局行政审批专用章".into(),
        signers: vec![signer.public_key()],
        create_date: t(2025, 12, 20)?,
        valid_start: t(2026, 1, 1)?,
        valid_end: t(2028, 12, 31)?,
        picture: SealPicture {
            format: "SVG".into(),
            data: b"<svg/>".to_vec(),
            width_mm: 42,
            height_mm: 42,
        },
        extensions: Vec::new(),
    };
    let seal = Seal::make(&info, &maker)?;
    let hash = sm3_digest(b"decision JN-2026-0001");
    let signature = sign_document(
        &seal,
        &signer,
        &hash,
        "JN-2026-0001",
        SealTime::from_utc(2026, 9, 15, 8, 30, 0)?,
    )?;
    let sig = signature.to_der();
    out.seed(
        "seal_verify_signature",
        "signed",
        sig,
        verify_signature(sig).is_ok(),
    )?;
    out.seed(
        "seal_ses_signature",
        "signed",
        sig,
        SesSignature::from_der(sig).is_ok(),
    )?;
    out.seed(
        "seal_seal",
        "seal",
        seal.to_der(),
        Seal::from_der(seal.to_der()).is_ok(),
    )?;

    let mut rng = CounterRng(1);
    for (name, pass) in [
        ("passphrase_x", b"x".as_slice()),
        ("other_passphrase", b"other"),
    ] {
        let blob = encrypt_private_key(&signer, pass, KdfParams::FAST_INSECURE, &mut rng)?;
        let opens = decrypt_private_key(&blob, pass).is_ok();
        out.seed("seal_keystore", name, &blob, opens)?;
    }

    let public = maker.public_key();
    let spki = public.to_spki_der();
    out.seed(
        "seal_public_key",
        "spki",
        &spki,
        SealPublicKey::from_spki_der(&spki).is_ok(),
    )?;
    let pem = public.to_pem()?;
    out.seed(
        "seal_public_key",
        "pem",
        pem.as_bytes(),
        SealPublicKey::from_pem(&pem).is_ok(),
    )?;
    let sec1 = public.to_sec1_bytes();
    out.seed(
        "seal_public_key",
        "sec1",
        &sec1,
        SealPublicKey::from_sec1_bytes(&sec1).is_ok(),
    )?;
    Ok(())
}

fn catalog(out: &mut Corpus) -> Res {
    // A few items that stand alone (no related-item references), so a small file is valid.
    let items: Vec<Item> = real_items()?
        .into_iter()
        .filter(|i| i.spec().related_items.is_empty())
        .take(3)
        .collect();
    let one = items.get(..1).unwrap_or_default();
    for (name, slice) in [("one_item", one), ("three_items", &items[..])] {
        let csv = export_csv(slice)?;
        out.seed(
            "catalog_csv",
            name,
            &csv,
            import_csv(&csv).is_ok_and(|i| i == slice),
        )?;
        let xlsx = export_xlsx(slice, time::OffsetDateTime::UNIX_EPOCH)?;
        out.seed(
            "catalog_xlsx",
            name,
            &xlsx,
            import_xlsx(&xlsx).is_ok_and(|i| i == slice),
        )?;
    }
    // Issue #22, item 2: a few kilobytes each that aborted the process or took gigabytes
    // before `interchange::limits`; now each must be refused (and quickly: the fuzzer's memory
    // and time limits catch a regression).
    for file in hostile_files()? {
        let refused = if file.xlsx {
            import_xlsx(&file.bytes).is_err()
        } else {
            import_csv(&file.bytes).is_err()
        };
        let target = if file.xlsx { "catalog_xlsx" } else { "catalog_csv" };
        out.seed(target, file.name, &file.bytes, refused)?;
    }
    Ok(())
}

fn calendar(out: &mut Corpus) -> Res {
    let minimal = r#"{"year": 2027, "source": {"title": "t", "document_number": null, "issued_on": "2026-11-01"}, "overrides": [{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}]}"#;
    for (name, json) in [
        ("2025", CALENDAR_2025),
        ("2026", CALENDAR_2026),
        ("minimal", minimal),
    ] {
        out.seed(
            "calendar_year",
            name,
            json.as_bytes(),
            YearCalendar::from_json(json).is_ok(),
        )?;
    }
    Ok(())
}

/// Sealed bundles, each preceded by the trust file it verifies against and a NUL byte (the
/// `seal_bundle` input format): keys with a quorum, the same as a tlog-policy, and a bundle
/// sealed with a department's former seal before it was revoked.
fn bundle(out: &mut Corpus) -> Res {
    const ORIGIN: &str = "ledger.jinan.example/approvals";
    let t = |y, m, d, h| SealTime::from_utc(y, m, d, h, 0, 0);
    let maker = SealPrivateKey::from_seed(&[31; 32])?;
    let signer = SealPrivateKey::from_seed(&[32; 32])?;
    let former_signer = SealPrivateKey::from_seed(&[33; 32])?;
    let make_seal = |es_id: &str, name: &str, signer: &SealPrivateKey| -> Res<Seal> {
        let info = SealInfo {
            es_id: es_id.into(),
            vendor_id: "oneseal".into(),
            seal_type: 1,
            name: name.into(),
            signers: vec![signer.public_key()],
            create_date: t(2019, 12, 20, 0)?,
            valid_start: t(2020, 1, 1, 0)?,
            valid_end: t(2030, 12, 31, 0)?,
            picture: SealPicture {
                format: "SVG".into(),
                data: b"<svg/>".to_vec(),
                width_mm: 42,
                height_mm: 42,
            },
            extensions: Vec::new(),
        };
        Ok(Seal::make(&info, &maker)?)
    };
    let seal = make_seal(
        "37010000000001",
        "济南市行政审批服务局行政审批专用章",
        &signer,
    )?;
    let former = make_seal(
        "37010000000002",
        "济南市市场监督管理局行政审批专用章",
        &former_signer,
    )?;
    let log = Ed25519Signer::from_seed(ORIGIN, &[37; 32])?;
    let witnesses = (1..=3u8)
        .map(|i| CosignatureSigner::from_seed(&format!("w{i}.example"), &[40 + i; 32]))
        .collect::<Result<Vec<_>, _>>()?;
    let registered = |seal: &Seal, signer: &SealPrivateKey| -> Res<TrustedSeal> {
        Ok(TrustedSeal {
            es_id: seal.es_id().into(),
            name: seal.name().into(),
            public_key_pem: signer.public_key().to_pem()?,
            valid_start: t(2020, 1, 1, 0)?,
            valid_end: t(2030, 12, 31, 0)?,
            status: SealStatus::Active,
            revoked_at: None,
            revocation_order: None,
        })
    };
    let mut former_entry = registered(&former, &former_signer)?;
    former_entry.status = SealStatus::Revoked;
    former_entry.revoked_at = Some(t(2026, 6, 1, 0)?);
    former_entry.revocation_order = Some("济审批〔2026〕12号".into());
    let seals = vec![registered(&seal, &signer)?, former_entry];
    let witness_vkeys: Vec<String> = witnesses
        .iter()
        .map(|w| w.verifier_key().to_string())
        .collect();
    let keys = TrustFile {
        format: TRUST_FORMAT.into(),
        seals: seals.clone(),
        ledger: LedgerTrust::Keys {
            log_vkeys: vec![log.verifier_key().to_string()],
            witness_vkeys: witness_vkeys.clone(),
            quorum: 2,
        },
    };
    let policy = TrustFile {
        format: TRUST_FORMAT.into(),
        seals,
        ledger: LedgerTrust::Policy(format!(
            "log {}\nwitness w1 {}\nwitness w2 {}\nwitness w3 {}\ngroup bureau 2 w1 w2 w3\nquorum bureau\n",
            log.verifier_key(),
            witness_vkeys[0],
            witness_vkeys[1],
            witness_vkeys[2],
        )),
    };

    // One sealing: the signature, its ledger entry at index 4 of a 7-entry log, and a receipt
    // whose checkpoint the log signed and two witnesses cosigned.
    let seal_document = |seal: &Seal,
                         signer: &SealPrivateKey,
                         time: SealTime|
     -> Res<SealedBundle> {
        let document = r#"{"decision":"准予行政许可","number":"济审批许字〔2026〕1号"}"#
            .as_bytes()
            .to_vec();
        let signature = sign_document(seal, signer, &sm3_digest(&document), "JN-2026-0001", time)?;
        let entry = serde_json::to_vec(&serde_json::json!({
            "v": 1,
            "kind": "seal.document_sealed",
            "time": "2026-09-15T08:00:01Z",
            "jurisdiction": "370100",
            "actor": "staff:S-0001",
            "subject": {"case": "JN-2026-0001"},
            "payload": "00".repeat(32),
            "public": sealing_entry_public(&document, &signature)?,
        }))?;
        let other = |i: usize| {
            format!(r#"{{"kind":"case.accepted","public":{{"case":"JN-2026-{i:04}"}},"v":1}}"#)
                .into_bytes()
        };
        let mut entries: Vec<Vec<u8>> = (0..4).map(other).collect();
        entries.push(entry.clone());
        entries.extend((5..7).map(other));
        let mut frontier = Frontier::empty();
        let mut nodes: BTreeMap<NodeId, Hash> = BTreeMap::new();
        for e in &entries {
            nodes.extend(frontier.push(leaf_hash(e)));
        }
        let proof = inclusion_proof(4, frontier.size(), |ids: &[NodeId]| {
            ids.iter()
                .map(|id| nodes.get(id).copied().ok_or(MissingNode))
                .collect()
        })?;
        let mut note = Checkpoint::new(ORIGIN, frontier.size(), frontier.root())?.sign(&[&log])?;
        for w in &witnesses[..2] {
            w.cosign_note(&mut note, 1_789_461_060)?;
        }
        let receipt = Receipt {
            extra: None,
            index: 4,
            proof,
            note,
        };
        Ok(SealedBundle::new(
            document,
            signature.to_der().to_vec(),
            entry,
            receipt.to_text(),
        ))
    };
    let active = seal_document(&seal, &signer, t(2026, 9, 15, 8)?)?;
    let before_revocation = seal_document(&former, &former_signer, t(2026, 3, 2, 9)?)?;
    for (name, trust, bundle) in [
        ("keys", &keys, &active),
        ("policy", &policy, &active),
        ("signed_before_revocation", &keys, &before_revocation),
    ] {
        let mut data = trust.to_json()?.into_bytes();
        data.push(0);
        data.extend_from_slice(bundle.to_json()?.as_bytes());
        let verifies = verify_bundle(bundle, trust).is_ok();
        out.seed("seal_bundle", name, &data, verifies)?;
    }
    Ok(())
}

/// A proof node the seed ledger did not store (cannot happen: every node is kept).
#[derive(Debug)]
struct MissingNode;

impl std::fmt::Display for MissingNode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("missing proof node")
    }
}

impl Error for MissingNode {}

/// Inspectors' rule expressions over the variables of a case step, each valid and evaluated.
fn rules(out: &mut Corpus) -> Res {
    let vars = sample_step_variables();
    for (name, source) in [
        (
            "afternoon_decision",
            "kind == 'decided' && hour >= 12 && case.reviewers >= 2",
        ),
        ("few_reviewers", "case.decided && case.reviewers < 2"),
        ("off_hours", "!working_day || hour < 9 || hour >= 17"),
        (
            "slow_case",
            "case.working_days_since_receipt > 15 && case.item.startsWith('0001')",
        ),
        (
            "deferred_materials",
            "event.decision.outcome == 'approve_with_deferred_materials' && size(event.decision.materials) > 1",
        ),
        (
            "macros",
            "event.decision.materials.exists(m, m.contains('证明')) && [1, 2, 3].all(x, x > 0)",
        ),
        (
            "in_map",
            "'approver' in event && actor.endsWith(event.approver) ? case.steps * 2 > 10 : false",
        ),
        (
            "arithmetic",
            "double(case.steps) / 4.0 > 1.0 && uint(hour) % 2u == 0u && string(hour) + 'h' == '14h'",
        ),
        ("missing_field", "case.nothing > 1"),
    ] {
        let outcome = rule_expression(source, &vars);
        out.seed(
            "rules_expression",
            name,
            source.as_bytes(),
            matches!(outcome, ExpressionOutcome::Evaluated(_)),
        )?;
    }
    Ok(())
}
