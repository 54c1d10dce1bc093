//! Independent check of our SM2 signatures and DER with the OpenSSL command line.
//!
//! The `sm2` crate signs deterministically, but expected bytes computed by our own code
//! would prove nothing; OpenSSL is the oracle. When `openssl` is not on PATH the test prints
//! "skipped: openssl missing" and passes; when it is present every check is a hard assertion.

// Test helpers may unwrap (the workspace lint allows it only inside #[test] functions).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use oneseal_seal::testing::SealInfoBuilder;
use oneseal_seal::{
    Seal, SealPrivateKey, SealPublicKey, SealTime, Sm2Signature, sign_document, sm3_digest,
    verify_signature,
};

/// GB/T 32918.2 example private key (fixed key for a reproducible run).
const SIGNER_D: &str = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8";
const DISTID: &str = "distid:1234567812345678";

fn openssl_available() -> bool {
    Command::new("openssl")
        .arg("version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn openssl(dir: &Path, args: &[&str]) -> Output {
    Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run openssl")
}

fn verify_with_openssl(dir: &Path, pem: &str, sig: &str, data: &str, distid: &str) -> Output {
    openssl(
        dir,
        &[
            "dgst",
            "-sm3",
            "-verify",
            pem,
            "-sigopt",
            distid,
            "-signature",
            sig,
            data,
        ],
    )
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!("oneseal-seal-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    fn write(&self, name: &str, bytes: &[u8]) {
        std::fs::write(self.0.join(name), bytes).unwrap();
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn fixed_seal() -> (SealPrivateKey, SealPrivateKey, Seal) {
    let maker = SealPrivateKey::from_seed(&[1u8; 32]).unwrap();
    let signer = SealPrivateKey::from_bytes(&hex::decode(SIGNER_D).unwrap()).unwrap();
    let seal = SealInfoBuilder::new(&signer)
        .valid_until(SealTime::from_utc(2028, 12, 31, 23, 59, 59).unwrap())
        .round_picture()
        .make(&maker);
    (maker, signer, seal)
}

#[test]
fn openssl_verifies_our_document_and_seal_signatures() {
    if !openssl_available() {
        eprintln!("skipped: openssl missing");
        return;
    }
    let (maker, signer, seal) = fixed_seal();
    let document = "准予行政许可决定书 济审批许字〔2026〕1号".as_bytes();
    let sig = sign_document(
        &seal,
        &signer,
        &sm3_digest(document),
        "JN-2026-0001",
        SealTime::from_utc(2026, 9, 15, 8, 30, 0).unwrap(),
    )
    .unwrap();
    assert!(
        verify_signature(sig.to_der())
            .unwrap()
            .covers_document(document)
    );

    let dir = TempDir::new("dgst");
    dir.write("pk.pem", signer.public_key().to_pem().unwrap().as_bytes());
    dir.write("sig.der", &sig.signature_der());
    dir.write("tbs.der", sig.tbs_der());
    let out = verify_with_openssl(&dir.0, "pk.pem", "sig.der", "tbs.der", DISTID);
    assert!(
        out.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Verified OK"));

    // Negative controls: OpenSSL must also reject what is wrong.
    let out = verify_with_openssl(
        &dir.0,
        "pk.pem",
        "sig.der",
        "tbs.der",
        "distid:ALICE123@YAHOO.COM",
    );
    assert!(!out.status.success(), "wrong distid accepted");
    let mut tampered = sig.tbs_der().to_vec();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    dir.write("tbs-bad.der", &tampered);
    let out = verify_with_openssl(&dir.0, "pk.pem", "sig.der", "tbs-bad.der", DISTID);
    assert!(!out.status.success(), "tampered TBS accepted");

    // The seal maker's signature over eSealInfo.
    dir.write("maker.pem", maker.public_key().to_pem().unwrap().as_bytes());
    dir.write("maker-sig.der", &seal.maker_signature_der());
    dir.write("sealinfo.der", &seal.seal_info_der().unwrap());
    let out = verify_with_openssl(&dir.0, "maker.pem", "maker-sig.der", "sealinfo.der", DISTID);
    assert!(
        out.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn we_verify_openssl_signatures_made_with_our_pkcs8_key() {
    if !openssl_available() {
        eprintln!("skipped: openssl missing");
        return;
    }
    let signer = SealPrivateKey::from_bytes(&hex::decode(SIGNER_D).unwrap()).unwrap();
    let dir = TempDir::new("sign");
    dir.write("sk.pem", signer.to_pkcs8_pem().unwrap().as_bytes());
    dir.write("msg.bin", b"message signed by openssl");
    let out = openssl(
        &dir.0,
        &[
            "dgst", "-sm3", "-sign", "sk.pem", "-sigopt", DISTID, "-out", "ext.der", "msg.bin",
        ],
    );
    assert!(
        out.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ext = std::fs::read(dir.0.join("ext.der")).unwrap();
    let sig = Sm2Signature::from_der(&ext).unwrap();
    signer
        .public_key()
        .verify(b"message signed by openssl", &sig)
        .unwrap();
    assert!(
        signer
            .public_key()
            .verify(b"another message", &sig)
            .is_err()
    );

    // OpenSSL derives the same public key from our PKCS#8 export.
    let out = openssl(&dir.0, &["pkey", "-in", "sk.pem", "-pubout"]);
    assert!(out.status.success());
    let theirs = SealPublicKey::from_pem(&String::from_utf8(out.stdout).unwrap()).unwrap();
    assert_eq!(theirs, signer.public_key());
}

#[test]
fn openssl_parses_our_ses_signature_der() {
    if !openssl_available() {
        eprintln!("skipped: openssl missing");
        return;
    }
    let (_, signer, seal) = fixed_seal();
    let sig = sign_document(
        &seal,
        &signer,
        &[0xab; 32],
        "JN-2026-0002",
        SealTime::from_utc(2027, 3, 1, 0, 0, 0).unwrap(),
    )
    .unwrap();
    let dir = TempDir::new("asn1");
    dir.write("ses.der", sig.to_der());
    let out = openssl(&dir.0, &["asn1parse", "-inform", "DER", "-in", "ses.der"]);
    assert!(
        out.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("GENERALIZEDTIME"), "{text}");
    assert!(text.contains(":ES"), "{text}");
    assert!(text.contains("JN-2026-0002"), "{text}");
    // SM2-with-SM3 appears twice: in SESeal and in SES_Signature.
    let sm2_sm3 = text
        .lines()
        .filter(|l| {
            l.contains("OBJECT")
                && (l.contains("SM2-with-SM3") || l.contains("1.2.156.10197.1.501"))
        })
        .count();
    assert_eq!(sm2_sm3, 2, "{text}");
}
