//! One changed byte anywhere in a bundle's decoded parts must be refused, with a reason in
//! both languages.

use oneseal_ledger::receipt::ReceiptError;

use super::super::*;
use super::fixture::*;

/// Flips bits of byte `i` of one decoded part (via `check`) and expects a refusal of the
/// right family, with an English and a Chinese reason.
fn assert_every_byte_matters(
    part: &str,
    len: usize,
    check: impl Fn(usize, u8) -> Result<BundleVerdict, BundleError>,
    family: impl Fn(&BundleError) -> bool,
) {
    // Every position for small parts; a stride that still visits every region otherwise.
    let stride = len.div_ceil(2048).max(1);
    let mut checked = 0;
    for i in (0..len).step_by(stride) {
        for mask in [0x01u8, 0x20] {
            let err = check(i, mask)
                .err()
                .unwrap_or_else(|| panic!("{part}: byte {i} ^ {mask:#04x} still verifies"));
            assert!(family(&err), "{part}: byte {i}: unexpected {err:?}");
            assert!(!err.to_string().is_empty());
            assert!(has_cjk(&err.reason_zh()), "{part}: {}", err.reason_zh());
            checked += 1;
        }
    }
    assert!(checked >= len.min(2048), "{part}: only {checked} checks");
}

/// A valid bundle and its trust file, edited by `edit` before verification.
struct Fixture {
    bundle: SealedBundle,
    trust: TrustFile,
}

impl Fixture {
    fn new(b: &Bureau) -> Self {
        Self {
            bundle: valid_bundle(b),
            trust: trust(b),
        }
    }

    fn verify_edited(
        &self,
        edit: impl Fn(&mut SealedBundle),
    ) -> Result<BundleVerdict, BundleError> {
        let mut bundle = self.bundle.clone();
        edit(&mut bundle);
        verify_bundle(&bundle, &self.trust)
    }
}

#[test]
fn one_changed_byte_in_the_document_fails() {
    let f = Fixture::new(&bureau());
    assert_every_byte_matters(
        "document",
        DOCUMENT.len(),
        |i, m| f.verify_edited(|bundle| bundle.document[i] ^= m),
        |e| matches!(e, BundleError::DocumentHashMismatch { .. }),
    );
}

#[test]
fn one_changed_byte_in_the_signature_der_fails() {
    let f = Fixture::new(&bureau());
    assert_every_byte_matters(
        "signature",
        f.bundle.signature.len(),
        |i, m| f.verify_edited(|bundle| bundle.signature[i] ^= m),
        |e| matches!(e, BundleError::Signature(_)),
    );
}

#[test]
fn one_changed_byte_in_the_ledger_entry_fails() {
    let f = Fixture::new(&bureau());
    assert_every_byte_matters(
        "entry",
        f.bundle.ledger_entry.len(),
        |i, m| f.verify_edited(|bundle| bundle.ledger_entry[i] ^= m),
        |e| {
            matches!(
                e,
                BundleError::EntryMalformed { .. }
                    | BundleError::EntryWrongKind { .. }
                    | BundleError::EntryDocumentMismatch { .. }
                    | BundleError::EntrySealMismatch { .. }
                    | BundleError::EntrySignatureMismatch { .. }
                    | BundleError::Receipt(ReceiptError::Inclusion(_))
            )
        },
    );
}

/// The bundle's JSON with `receipt` written as raw bytes (JSON-escaped like serde_json does),
/// so that a receipt that is no longer UTF-8 reaches the parser as it would from a file.
fn bundle_json_with_receipt(bundle: &SealedBundle, receipt: &[u8]) -> Vec<u8> {
    let placeholder = SealedBundle {
        receipt: "@RECEIPT@".into(),
        ..bundle.clone()
    };
    let text = placeholder.to_json().unwrap();
    let (before, after) = text.split_once("\"@RECEIPT@\"").unwrap();
    let mut out = before.as_bytes().to_vec();
    out.push(b'"');
    for &c in receipt {
        match c {
            b'\n' => out.extend_from_slice(b"\\n"),
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            c if c < 0x20 => out.extend_from_slice(format!("\\u{c:04x}").as_bytes()),
            c => out.push(c),
        }
    }
    out.push(b'"');
    out.extend_from_slice(after.as_bytes());
    out
}

#[test]
fn one_changed_byte_in_the_receipt_fails() {
    let b = bureau();
    let bundle = valid_bundle(&b);
    let trust = trust(&b);
    let untouched = bundle_json_with_receipt(&bundle, bundle.receipt.as_bytes());
    assert_eq!(
        SealedBundle::from_json(&untouched).unwrap(),
        bundle,
        "the JSON path itself must be faithful"
    );
    assert_every_byte_matters(
        "receipt",
        bundle.receipt.len(),
        |i, m| {
            let mut receipt = bundle.receipt.clone().into_bytes();
            receipt[i] ^= m;
            let json = bundle_json_with_receipt(&bundle, &receipt);
            SealedBundle::from_json(&json).and_then(|bad| verify_bundle(&bad, &trust))
        },
        |e| {
            matches!(
                e,
                BundleError::Receipt(_)
                    | BundleError::ReceiptExtraData
                    | BundleError::Malformed { .. }
            )
        },
    );
}
