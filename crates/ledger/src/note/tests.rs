use super::*;
use proptest::prelude::*;

// The worked example of c2sp.org/signed-note (verifier key and note), used as data.
const SPEC_VKEY: &str = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
const SPEC_NOTE: &str = "This is an example message.\n\n\u{2014} example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";

// The test key and note of golang.org/x/mod/sumdb/note, used as data. Ed25519 is deterministic,
// so signing the same text with the same key must give the same signature.
const GO_SKEY: &str =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const GO_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const GO_TEXT: &str = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_SIG_LINE: &str = "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

fn signer(name: &str, seed: u8) -> Ed25519Signer {
    Ed25519Signer::from_seed(name, &[seed; 32]).unwrap()
}

fn signed(text: &str, signers: &[&Ed25519Signer]) -> String {
    let mut n = Note::new(text).unwrap();
    for s in signers {
        n.sign(*s).unwrap();
    }
    n.to_text()
}

#[test]
fn spec_vkey_parses_with_its_key_id_and_round_trips() {
    let vkey = VerifierKey::parse(SPEC_VKEY).unwrap();
    assert_eq!(vkey.name(), "example.com/foo");
    assert_eq!(vkey.key_id(), 0x530d_903a);
    assert_eq!(vkey.sig_type(), SIG_TYPE_ED25519);
    let hex: String = vkey
        .public_key()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        hex,
        "e932791ae6e7a840a46164c904786426d5e7821dd8b29a00d61cae72afdd4da4"
    );
    assert_eq!(vkey.to_string(), SPEC_VKEY);
}

#[test]
fn spec_example_note_verifies() {
    let vkey = VerifierKey::parse(SPEC_VKEY).unwrap();
    let verifier = vkey.verifier().unwrap();
    let opened = open(SPEC_NOTE.as_bytes(), &[verifier.as_ref()]).unwrap();
    assert_eq!(opened.text, "This is an example message.\n");
    assert!(opened.is_signed_by("example.com/foo", 0x530d_903a));
    assert_eq!(
        Note::parse(SPEC_NOTE.as_bytes()).unwrap().to_text(),
        SPEC_NOTE
    );
    // The same note with one changed letter fails under the known key.
    let tampered = SPEC_NOTE.replace("example message", "example massage");
    assert_eq!(
        open(tampered.as_bytes(), &[verifier.as_ref()]),
        Err(NoteError::InvalidSignature {
            name: "example.com/foo".into(),
            key_id: 0x530d_903a
        })
    );
}

#[test]
fn go_private_key_signs_the_go_test_note_byte_for_byte() {
    let s = Ed25519Signer::from_skey(GO_SKEY).unwrap();
    assert_eq!(s.verifier_key().to_string(), GO_VKEY);
    assert_eq!(s.to_skey(), GO_SKEY);
    let note = signed(GO_TEXT, &[&s]);
    assert_eq!(note, format!("{GO_TEXT}\n{GO_SIG_LINE}"));
    let v = VerifierKey::parse(GO_VKEY).unwrap().verifier().unwrap();
    assert!(open(note.as_bytes(), &[v.as_ref()]).is_ok());
}

#[test]
fn bad_private_keys_are_refused() {
    assert_eq!(
        Ed25519Signer::from_skey(
            "PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
        )
        .unwrap_err(),
        VkeyError::KeyIdMismatch
    );
    assert!(Ed25519Signer::from_skey(GO_VKEY).is_err());
    assert!(Ed25519Signer::from_skey("PRIVATE+KEY+a+00000000+AQ==").is_err());
    // The Debug form never shows the key.
    let s = Ed25519Signer::from_skey(GO_SKEY).unwrap();
    assert!(!format!("{s:?}").contains("AYEK"));
}

#[test]
fn unknown_signatures_are_ignored_and_kept() {
    let log = signer("log.example/a", 1);
    let other = signer("other.example/b", 2);
    let note = signed("hello\n", &[&other, &log]);
    let v = log.verifier();
    let opened = open(note.as_bytes(), &[&v]).unwrap();
    assert_eq!(opened.verified.len(), 1);
    assert_eq!(opened.unknown.len(), 1);
    assert_eq!(opened.unknown[0].name, "other.example/b");
}

#[test]
fn same_name_or_same_id_alone_does_not_make_a_key_known() {
    let log = signer("log.example/a", 1);
    let impostor_same_name = signer("log.example/a", 9);
    let note = signed("hello\n", &[&impostor_same_name]);
    assert_eq!(
        open(note.as_bytes(), &[&log.verifier()]),
        Err(NoteError::NoKnownSignature)
    );
    // Same key ID under another name: forge the ID on a signature line.
    let mut n = Note::new("hello\n").unwrap();
    n.add_signature(Signature {
        name: "elsewhere.example".into(),
        key_id: log.key_id(),
        bytes: vec![0; 64],
    })
    .unwrap();
    n.sign(&log).unwrap();
    assert!(open(n.to_text().as_bytes(), &[&log.verifier()]).is_ok());
}

#[test]
fn a_failing_known_signature_rejects_the_note_even_beside_a_good_one() {
    let a = signer("a.example", 1);
    let b = signer("b.example", 2);
    let mut n = Note::new("hello\n").unwrap();
    n.sign(&a).unwrap();
    n.add_signature(Signature {
        name: "b.example".into(),
        key_id: b.key_id(),
        bytes: vec![1; 64],
    })
    .unwrap();
    let (va, vb) = (a.verifier(), b.verifier());
    assert!(matches!(
        open(n.to_text().as_bytes(), &[&va, &vb]),
        Err(NoteError::InvalidSignature { .. })
    ));
    assert!(open(n.to_text().as_bytes(), &[&va]).is_ok());
}

#[test]
fn no_known_signature_is_an_error() {
    let a = signer("a.example", 1);
    let note = signed("hello\n", &[&a]);
    assert_eq!(open(note.as_bytes(), &[]), Err(NoteError::NoKnownSignature));
}

#[test]
fn sixteen_signatures_are_accepted_and_more_than_the_cap_refused() {
    let signers: Vec<Ed25519Signer> = (0..16)
        .map(|i| signer(&format!("k{i}.example"), i))
        .collect();
    let refs: Vec<&Ed25519Signer> = signers.iter().collect();
    let note = signed("text\n", &refs);
    let verifiers: Vec<Ed25519Verifier> = signers.iter().map(Ed25519Signer::verifier).collect();
    let dyns: Vec<&dyn NoteVerifier> = verifiers.iter().map(|v| v as &dyn NoteVerifier).collect();
    assert_eq!(open(note.as_bytes(), &dyns).unwrap().verified.len(), 16);

    let line = SPEC_NOTE.split_once("\n\n").unwrap().1;
    let many = format!("text\n\n{}", line.repeat(MAX_SIGNATURES + 1));
    assert_eq!(
        Note::parse(many.as_bytes()),
        Err(NoteError::TooManySignatures(MAX_SIGNATURES + 1))
    );
}

#[test]
fn text_may_contain_blank_lines_and_splits_at_the_last_one() {
    let a = signer("a.example", 1);
    let text = "para one\n\npara two\n";
    let note = signed(text, &[&a]);
    let opened = open(note.as_bytes(), &[&a.verifier()]).unwrap();
    assert_eq!(opened.text, text);
}

#[test]
fn malformed_notes_are_refused_with_typed_errors() {
    let sig = SPEC_NOTE.split_once("\n\n").unwrap().1;
    let cases: Vec<(Vec<u8>, NoteError)> = vec![
        (b"\xff\n\n".to_vec(), NoteError::NotUtf8),
        (
            format!("a\tb\n\n{sig}").into_bytes(),
            NoteError::ControlCharacter,
        ),
        (
            format!("a\r\n\n{sig}").into_bytes(),
            NoteError::ControlCharacter,
        ),
        (
            format!("a\n\n{}", sig.trim_end()).into_bytes(),
            NoteError::BadText,
        ),
        (
            format!("a\n{sig}").into_bytes(),
            NoteError::MissingSignatureBlock,
        ),
        (b"a\n\n".to_vec(), NoteError::NoSignatures),
        (
            format!("a\n\n{sig}\n").into_bytes(),
            NoteError::NoSignatures,
        ),
        (
            format!("a\n\n{}", sig.replace('\u{2014}', "-")).into_bytes(),
            NoteError::BadSignatureLine { line: 0 },
        ),
        (
            b"a\n\n\xe2\x80\x94 example.com/foo\n".to_vec(),
            NoteError::BadSignatureLine { line: 0 },
        ),
        (
            format!("a\n\n{sig}\u{2014} k AAAA\n").into_bytes(),
            NoteError::BadSignatureLine { line: 1 },
        ),
        (
            format!("a\n\n{sig}\u{2014} k AAAAAA==\n").into_bytes(),
            NoteError::BadSignatureLine { line: 1 },
        ),
        (
            b"a\n\n\xe2\x80\x94 k not-base64\n".to_vec(),
            NoteError::BadSignatureLine { line: 0 },
        ),
        (
            b"a\n\n\xe2\x80\x94 k+x AAAAAAA=\n".to_vec(),
            NoteError::BadKeyName,
        ),
        (
            "a\n\n\u{2014} k\u{a0}x AAAAAAA=\n".as_bytes().to_vec(),
            NoteError::BadKeyName,
        ),
        (
            b"a\n\n\xe2\x80\x94  AAAAAAA=\n".to_vec(),
            NoteError::BadKeyName,
        ),
    ];
    for (bytes, want) in cases {
        assert_eq!(
            Note::parse(&bytes),
            Err(want.clone()),
            "{:?}",
            String::from_utf8_lossy(&bytes)
        );
    }
}

#[test]
fn notes_cannot_be_built_from_bad_text_or_names() {
    assert_eq!(Note::new(""), Err(NoteError::BadText));
    assert_eq!(Note::new("no newline"), Err(NoteError::BadText));
    assert_eq!(Note::new("bell\u{7}\n"), Err(NoteError::ControlCharacter));
    assert!(Ed25519Signer::from_seed("has space", &[1; 32]).is_err());
    assert!(Ed25519Signer::from_seed("has+plus", &[1; 32]).is_err());
    assert!(Ed25519Signer::from_seed("", &[1; 32]).is_err());
}

#[test]
fn vkey_with_uppercase_key_id_is_refused_as_non_canonical() {
    // Found by the ledger_round_trip fuzz target: `Display` writes the key ID in lowercase, so
    // an uppercase ID parsed but did not re-encode to the same text.
    assert_eq!(
        VerifierKey::parse(&SPEC_VKEY.replace("530d903a", "530D903A")),
        Err(VkeyError::BadKeyId)
    );
    assert_eq!(
        VerifierKey::parse("AQEBl+b234db2A+bYq7"),
        Err(VkeyError::BadKeyId)
    );
    assert_eq!(
        VerifierKey::parse(SPEC_VKEY).unwrap().to_string(),
        SPEC_VKEY
    );
    // The private key text shares the `name+keyid+base64` layout.
    assert_eq!(
        Ed25519Signer::from_skey(&GO_SKEY.replace("c74f20a3", "C74F20A3")).err(),
        Some(VkeyError::BadKeyId)
    );
    assert!(Ed25519Signer::from_skey(GO_SKEY).is_ok());
}

#[test]
fn malformed_vkeys_are_refused() {
    let cases = [
        ("", VkeyError::Malformed),
        ("name", VkeyError::Malformed),
        ("name+530d903a", VkeyError::Malformed),
        (
            "example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
            VkeyError::KeyIdMismatch,
        ),
        (
            "example.com/bar+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
            VkeyError::KeyIdMismatch,
        ),
        (
            "example.com/foo+530d903+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
            VkeyError::BadKeyId,
        ),
        (
            "example.com/foo+530d903g+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
            VkeyError::BadKeyId,
        ),
        ("example.com/foo+530d903a+Aeky!", VkeyError::Base64),
        ("example.com/foo+530d903a+AQ==", VkeyError::KeyLength),
        ("example.com/foo+530d903a+", VkeyError::KeyLength),
        (" x+530d903a+AQ==", VkeyError::BadName),
    ];
    for (text, want) in cases {
        assert_eq!(VerifierKey::parse(text), Err(want), "{text:?}");
    }
    // A key with a '+' in its base64 parses (transparency-dev/formats test key, used as data).
    assert!(
        VerifierKey::parse("TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6").is_ok()
    );
    // Unknown types parse but have no built-in verifier.
    let custom = VerifierKey::new("sm2.example", SIG_TYPE_CUSTOM, b"\x01sm2key").unwrap();
    let parsed = VerifierKey::parse(&custom.to_string()).unwrap();
    assert_eq!(parsed, custom);
    assert!(matches!(
        parsed.verifier(),
        Err(VkeyError::UnsupportedType(0xff))
    ));
}

/// A custom signer, as the server's SM2 line will be: any algorithm fits the traits.
struct XorSigner;
impl NoteSigner for XorSigner {
    fn name(&self) -> &str {
        "sm2.example"
    }
    fn key_id(&self) -> u32 {
        key_id("sm2.example", SIG_TYPE_CUSTOM, b"test")
    }
    fn sign(&self, text: &[u8]) -> Result<Vec<u8>, NoteError> {
        Ok(vec![text.iter().fold(0, |a, b| a ^ b)])
    }
}
impl NoteVerifier for XorSigner {
    fn name(&self) -> &str {
        "sm2.example"
    }
    fn key_id(&self) -> u32 {
        NoteSigner::key_id(self)
    }
    fn verify(&self, text: &[u8], signature: &[u8]) -> bool {
        signature == [text.iter().fold(0, |a, b| a ^ b)]
    }
}

#[test]
fn custom_signature_types_plug_into_the_traits() {
    let ed = signer("log.example", 3);
    let mut n = Note::new("log.example\n1\nAAAA\n").unwrap();
    n.sign(&ed).unwrap();
    n.sign(&XorSigner).unwrap();
    let text = n.to_text();
    // A verifier that only knows Ed25519 ignores the custom line...
    assert!(open(text.as_bytes(), &[&ed.verifier()]).is_ok());
    // ...and one that knows both checks both.
    let both = open(text.as_bytes(), &[&ed.verifier(), &XorSigner]).unwrap();
    assert_eq!(both.verified.len(), 2);
}

#[test]
fn signature_block_parses_alone() {
    let sig = SPEC_NOTE.split_once("\n\n").unwrap().1;
    let sigs = parse_signature_lines(&sig.repeat(3)).unwrap();
    assert_eq!(sigs.len(), 3);
    assert_eq!(parse_signature_lines(""), Err(NoteError::NoSignatures));
    assert!(parse_signature_lines(sig.trim_end()).is_err());
}

proptest! {
    #[test]
    fn parse_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = Note::parse(&bytes);
    }

    #[test]
    fn signed_notes_round_trip(text in "[a-zA-Z0-9 \n\u{4e00}-\u{4e10}]{0,80}\n", seed in any::<u8>()) {
        let s = signer("k.example", seed);
        let note = signed(&text, &[&s]);
        prop_assert_eq!(Note::parse(note.as_bytes()).unwrap().to_text(), note.clone());
        let opened = open(note.as_bytes(), &[&s.verifier()]).unwrap();
        prop_assert_eq!(opened.text, text);
    }
}
