use super::*;
use crate::testing::{TestRng, key};
use proptest::prelude::*;

const PASS: &[u8] = "印章口令 correct horse".as_bytes();

fn sealed() -> (SealPrivateKey, Vec<u8>) {
    let sk = key("ks");
    let blob =
        encrypt_private_key(&sk, PASS, KdfParams::FAST_INSECURE, &mut TestRng::new("ks")).unwrap();
    (sk, blob)
}

#[test]
fn encrypted_key_round_trips() {
    let (sk, blob) = sealed();
    let back = decrypt_private_key(&blob, PASS).unwrap();
    assert_eq!(*back.to_bytes(), *sk.to_bytes());
}

#[test]
fn recommended_parameters_round_trip() {
    let sk = key("ks");
    let blob =
        encrypt_private_key(&sk, PASS, KdfParams::RECOMMENDED, &mut TestRng::new("r")).unwrap();
    assert_eq!(kdf_params_of(&blob).unwrap(), KdfParams::RECOMMENDED);
    assert_eq!(
        decrypt_private_key(&blob, PASS).unwrap().public_key(),
        sk.public_key()
    );
}

#[test]
fn wrong_passphrase_is_reported_as_such() {
    let (_, blob) = sealed();
    assert_eq!(
        decrypt_private_key(&blob, b"wrong").unwrap_err(),
        KeystoreError::WrongPassphrase
    );
}

#[test]
fn flipped_ciphertext_byte_is_reported_as_tampering() {
    let (_, blob) = sealed();
    let header_len = parse(&blob).unwrap().header.len();
    for i in header_len..blob.len() {
        let mut bad = blob.clone();
        bad[i] ^= 0x01;
        assert_eq!(
            decrypt_private_key(&bad, PASS).unwrap_err(),
            KeystoreError::Tampered,
            "byte {i}"
        );
    }
}

#[test]
fn flipped_nonce_or_check_byte_never_decrypts() {
    let (_, blob) = sealed();
    let header_len = parse(&blob).unwrap().header.len();
    // nonce and check value: the 44 bytes before the ciphertext
    for i in header_len - NONCE_LEN - CHECK_LEN..header_len {
        let mut bad = blob.clone();
        bad[i] ^= 0x80;
        let err = decrypt_private_key(&bad, PASS).unwrap_err();
        assert!(
            matches!(
                err,
                KeystoreError::Tampered | KeystoreError::WrongPassphrase
            ),
            "byte {i}: {err:?}"
        );
    }
}

#[test]
fn header_fields_are_checked_with_typed_errors() {
    let (_, blob) = sealed();
    let mut bad = blob.clone();
    bad[0] = b'X';
    assert_eq!(
        decrypt_private_key(&bad, PASS).unwrap_err(),
        KeystoreError::BadMagic
    );
    let mut bad = blob.clone();
    bad[8] = 2;
    assert_eq!(
        decrypt_private_key(&bad, PASS).unwrap_err(),
        KeystoreError::UnsupportedVersion(2)
    );
    let mut bad = blob.clone();
    bad[9] = 7;
    assert_eq!(
        decrypt_private_key(&bad, PASS).unwrap_err(),
        KeystoreError::UnsupportedKdf(7)
    );
    let mut bad = blob.clone();
    bad[10] = 0x7f; // m_cost ~ 2 TiB
    assert!(matches!(
        decrypt_private_key(&bad, PASS).unwrap_err(),
        KeystoreError::KdfParamsOutOfRange { .. }
    ));
    let mut bad = blob.clone();
    bad[22] = 3;
    assert_eq!(
        decrypt_private_key(&bad, PASS).unwrap_err(),
        KeystoreError::BadSaltLength(3)
    );
    let mut bad = blob.clone();
    bad[23 + SALT_LEN] = 9;
    assert_eq!(
        decrypt_private_key(&bad, PASS).unwrap_err(),
        KeystoreError::UnsupportedAead(9)
    );
}

#[test]
fn altered_salt_is_not_accepted() {
    let (_, blob) = sealed();
    let mut bad = blob.clone();
    bad[23] ^= 1;
    assert_eq!(
        decrypt_private_key(&bad, PASS).unwrap_err(),
        KeystoreError::WrongPassphrase
    );
}

#[test]
fn truncation_at_every_length_is_an_error() {
    let (_, blob) = sealed();
    for len in 0..blob.len() {
        assert!(
            decrypt_private_key(&blob[..len], PASS).is_err(),
            "len {len}"
        );
    }
}

#[test]
fn empty_passphrase_is_refused_both_ways() {
    let (sk, blob) = sealed();
    assert_eq!(
        encrypt_private_key(&sk, b"", KdfParams::FAST_INSECURE, &mut TestRng::new("e"))
            .unwrap_err(),
        KeystoreError::EmptyPassphrase
    );
    assert_eq!(
        decrypt_private_key(&blob, b"").unwrap_err(),
        KeystoreError::EmptyPassphrase
    );
}

#[test]
fn same_key_encrypts_differently_with_fresh_randomness() {
    let sk = key("ks");
    let a =
        encrypt_private_key(&sk, PASS, KdfParams::FAST_INSECURE, &mut TestRng::new("1")).unwrap();
    let b =
        encrypt_private_key(&sk, PASS, KdfParams::FAST_INSECURE, &mut TestRng::new("2")).unwrap();
    assert_ne!(a, b);
}

#[test]
fn ciphertext_does_not_contain_the_private_scalar() {
    let (sk, blob) = sealed();
    let secret = sk.to_bytes();
    assert!(!blob.windows(8).any(|w| w == &secret[..8]));
}

#[test]
fn pem_armour_round_trips_and_checks_the_label() {
    let sk = key("ks");
    let pem = encrypt_private_key_pem(&sk, PASS, KdfParams::FAST_INSECURE, &mut TestRng::new("p"))
        .unwrap();
    assert!(pem.starts_with("-----BEGIN ONESEAL ENCRYPTED SM2 PRIVATE KEY-----\n"));
    assert_eq!(
        decrypt_private_key_pem(&pem, PASS).unwrap().public_key(),
        sk.public_key()
    );
    let relabelled = pem.replace("ONESEAL ENCRYPTED SM2 PRIVATE KEY", "PRIVATE KEY");
    assert_eq!(
        decrypt_private_key_pem(&relabelled, PASS).unwrap_err(),
        KeystoreError::Pem
    );
}

#[test]
fn kdf_params_are_range_checked() {
    assert!(KdfParams::new(8, 1, 1).is_ok());
    assert!(KdfParams::new(7, 1, 1).is_err());
    assert!(KdfParams::new(15, 1, 2).is_err());
    assert!(KdfParams::new(16, 1, 2).is_ok());
    assert!(KdfParams::new(MAX_M_COST_KIB + 1, 1, 1).is_err());
    assert!(KdfParams::new(8, 0, 1).is_err());
    assert!(KdfParams::new(8, MAX_T_COST + 1, 1).is_err());
    assert!(KdfParams::new(1024, 1, MAX_P_COST + 1).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        // Cheap KDF parameters keep this fast; the parser must reject or fail cleanly.
        let _ = decrypt_private_key(&bytes, PASS);
        let _ = kdf_params_of(&bytes);
    }

    #[test]
    fn arbitrary_bytes_after_a_valid_header_never_panic(
        tail in proptest::collection::vec(any::<u8>(), 0..120)
    ) {
        let (_, blob) = sealed();
        let header_len = parse(&blob).unwrap().header.len();
        let mut bytes = blob[..header_len].to_vec();
        bytes.extend_from_slice(&tail);
        prop_assert!(decrypt_private_key(&bytes, PASS).is_err());
    }
}
