use super::*;
use crate::testing::{TestRng, key};

/// GB/T 32918.2 / GM/T 0003 example key on the recommended curve; the public key was
/// also checked with `openssl ec -text` on this machine.
const STANDARD_D: &str = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8";
const STANDARD_PUB: &str = "0409f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020\
                            ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13";

#[test]
fn standard_example_private_key_yields_standard_public_key() {
    let sk = SealPrivateKey::from_bytes(&hex::decode(STANDARD_D).unwrap()).unwrap();
    assert_eq!(hex::encode(sk.public_key().to_sec1_bytes()), STANDARD_PUB);
}

#[test]
fn signature_verifies_and_fails_for_other_message_or_key() {
    let sk = key("a");
    let sig = sk.sign(b"approve case 1").unwrap();
    assert_eq!(sk.public_key().verify(b"approve case 1", &sig), Ok(()));
    assert_eq!(
        sk.public_key().verify(b"approve case 2", &sig),
        Err(KeyError::VerificationFailed)
    );
    assert_eq!(
        key("b").public_key().verify(b"approve case 1", &sig),
        Err(KeyError::VerificationFailed)
    );
}

#[test]
fn signing_is_deterministic() {
    let sk = key("a");
    assert_eq!(sk.sign(b"m").unwrap(), sk.sign(b"m").unwrap());
}

#[test]
fn der_and_raw_signature_forms_round_trip() {
    let sig = key("a").sign(b"m").unwrap();
    let der = sig.to_der();
    assert_eq!(der.first(), Some(&0x30));
    assert_eq!(Sm2Signature::from_der(&der).unwrap(), sig);
    let raw = sig.to_raw();
    assert_eq!(Sm2Signature::from_raw(&raw).unwrap(), sig);
    assert_eq!(
        Sm2Signature::from_raw(&raw[..63]),
        Err(KeyError::InvalidSignatureEncoding)
    );
    assert_eq!(
        Sm2Signature::from_der(&raw),
        Err(KeyError::InvalidSignatureEncoding)
    );
}

#[test]
fn raw_signature_is_r_then_s_of_the_der_form() {
    let sig = key("a").sign(b"m").unwrap();
    let raw = sig.to_raw();
    let der = sig.to_der();
    // DER INTEGERs drop leading zeros and add one before a high bit; compare values.
    let ints = der_integers(&der);
    assert_eq!(strip(&ints[0]), strip(&raw[..32]));
    assert_eq!(strip(&ints[1]), strip(&raw[32..]));
}

fn der_integers(der: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut i = 2;
    while i < der.len() {
        assert_eq!(der[i], 0x02);
        let len = der[i + 1] as usize;
        out.push(der[i + 2..i + 2 + len].to_vec());
        i += 2 + len;
    }
    out
}

fn strip(b: &[u8]) -> &[u8] {
    let first = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    &b[first..]
}

#[test]
fn private_key_pkcs8_der_and_pem_round_trip() {
    let sk = key("a");
    let der = sk.to_pkcs8_der().unwrap();
    let back = SealPrivateKey::from_pkcs8_der(&der).unwrap();
    assert_eq!(*back.to_bytes(), *sk.to_bytes());
    let pem = sk.to_pkcs8_pem().unwrap();
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    let back = SealPrivateKey::from_pkcs8_pem(&pem).unwrap();
    assert_eq!(back.public_key(), sk.public_key());
}

#[test]
fn pkcs8_carries_the_sm2_curve_oid() {
    let der = key("a").to_pkcs8_der().unwrap();
    // 06 08 2A 81 1C CF 55 01 82 2D = OID 1.2.156.10197.1.301
    let oid = [0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x82, 0x2d];
    assert!(der.windows(oid.len()).any(|w| w == oid));
}

#[test]
fn public_key_sec1_spki_and_pem_round_trip() {
    let pk = key("a").public_key();
    let sec1 = pk.to_sec1_bytes();
    assert_eq!(sec1.len(), 65);
    assert_eq!(sec1[0], 0x04);
    assert_eq!(SealPublicKey::from_sec1_bytes(&sec1).unwrap(), pk);
    let spki = pk.to_spki_der();
    assert_eq!(SealPublicKey::from_spki_der(&spki).unwrap(), pk);
    let pem = pk.to_pem().unwrap();
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"));
    assert_eq!(SealPublicKey::from_pem(&pem).unwrap(), pk);
}

#[test]
fn hand_built_spki_equals_the_spki_crate_encoding() {
    let pk = key("a").public_key();
    let library = pk.inner.to_public_key_der().unwrap();
    assert_eq!(pk.to_spki_der(), library.as_bytes());
}

#[test]
fn invalid_key_material_is_rejected_with_typed_errors() {
    assert_eq!(
        SealPrivateKey::from_bytes(&[0u8; 32]).unwrap_err(),
        KeyError::InvalidPrivateKey
    );
    assert_eq!(
        SealPrivateKey::from_bytes(&[0xffu8; 32]).unwrap_err(),
        KeyError::InvalidPrivateKey
    );
    assert_eq!(
        SealPrivateKey::from_bytes(&[1u8; 31]).unwrap_err(),
        KeyError::InvalidPrivateKey
    );
    assert_eq!(
        SealPrivateKey::from_pkcs8_der(b"junk").unwrap_err(),
        KeyError::InvalidPkcs8
    );
    let mut sec1 = key("a").public_key().to_sec1_bytes();
    sec1[64] ^= 1; // no longer on the curve
    assert_eq!(
        SealPublicKey::from_sec1_bytes(&sec1),
        Err(KeyError::InvalidPublicKey)
    );
    assert_eq!(
        SealPublicKey::from_pem("-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n"),
        Err(KeyError::InvalidPublicKey)
    );
}

#[test]
fn debug_of_private_key_shows_no_key_material() {
    let sk = SealPrivateKey::from_bytes(&hex::decode(STANDARD_D).unwrap()).unwrap();
    let debug = format!("{sk:?}");
    assert!(debug.contains("SealPrivateKey"));
    assert!(!debug.to_lowercase().contains(STANDARD_D));
    assert!(!debug.to_lowercase().contains(&STANDARD_D[..8]));
    let pem = sk.to_pkcs8_pem().unwrap();
    let body: String = pem.lines().nth(1).unwrap().chars().take(16).collect();
    assert!(!debug.contains(&body));
}

#[test]
fn seeded_keys_are_reproducible_and_seed_dependent() {
    let a = SealPrivateKey::from_seed(&[7u8; 32]).unwrap();
    let b = SealPrivateKey::from_seed(&[7u8; 32]).unwrap();
    let c = SealPrivateKey::from_seed(&[8u8; 32]).unwrap();
    assert_eq!(a.public_key(), b.public_key());
    assert_ne!(a.public_key(), c.public_key());
}

#[test]
fn generated_keys_differ_per_rng_stream() {
    let mut rng = TestRng::new("gen");
    let a = SealPrivateKey::generate(&mut rng).unwrap();
    let b = SealPrivateKey::generate(&mut rng).unwrap();
    assert_ne!(a.public_key(), b.public_key());
}

#[test]
fn sm3_matches_the_standard_abc_vector() {
    // GB/T 32905-2016 Annex A.1: SM3("abc").
    assert_eq!(
        hex::encode(sm3_digest(b"abc")),
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    );
}

#[test]
fn fingerprint_is_sm3_of_the_spki() {
    let pk = key("a").public_key();
    assert_eq!(pk.fingerprint(), sm3_digest(&pk.to_spki_der()));
}
