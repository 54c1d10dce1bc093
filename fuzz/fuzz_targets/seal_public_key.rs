//! SM2 public key import: DER SubjectPublicKeyInfo, PEM `PUBLIC KEY`, and SEC1 points. An
//! accepted key exports to an SPKI that imports back to the same key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oneseal_seal::SealPublicKey;

fn check_round_trip(key: &SealPublicKey) {
    let again = SealPublicKey::from_spki_der(&key.to_spki_der());
    assert!(
        again.is_ok_and(|k| &k == key),
        "SPKI export does not import back"
    );
    let pem = key.to_pem();
    assert!(pem.is_ok_and(|p| SealPublicKey::from_pem(&p).is_ok_and(|k| &k == key)));
}

fuzz_target!(|data: &[u8]| {
    if let Ok(key) = SealPublicKey::from_spki_der(data) {
        check_round_trip(&key);
    }
    if let Ok(key) = SealPublicKey::from_sec1_bytes(data) {
        check_round_trip(&key);
    }
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(key) = SealPublicKey::from_pem(text)
    {
        check_round_trip(&key);
    }
});
