//! End-to-end bundle verification: the valid case, each refusal reason, and the trust file.
//! Builders live in [`fixture`]; the byte-flip sweep in [`tamper`].

mod fixture;
mod tamper;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use oneseal_ledger::VerifyError;
use oneseal_ledger::cosignature::CosignatureSigner;
use oneseal_ledger::note::{Ed25519Signer, VkeyError};
use oneseal_ledger::receipt::{Receipt, ReceiptError};
use serde_json::{Value, json};

use super::*;
use crate::key::{SealPublicKey, Sm2Signature};
use crate::ses::{Seal, SesError, sign_document};
use fixture::*;

/// Which refusals a case accepts.
type ErrorFamily = fn(&BundleError) -> bool;

#[test]
fn valid_bundle_verifies_and_reports_what_it_proves() {
    let b = bureau();
    let verdict = verify_bundle(&valid_bundle(&b), &trust(&b)).unwrap();
    assert_eq!(verdict.es_id, ACTIVE_ID);
    assert_eq!(verdict.seal_name, "济南市行政审批服务局行政审批专用章");
    assert_eq!(verdict.seal_status, SealStatus::Active);
    assert_eq!(verdict.signing_time, t(2026, 9, 15, 8));
    assert_eq!(verdict.property_info, "JN-2026-0001");
    assert_eq!(verdict.document_sm3, sm3_digest(DOCUMENT.as_bytes()));
    assert_eq!(verdict.ledger_index, 4);
    assert_eq!(verdict.checkpoint_origin, ORIGIN);
    assert_eq!(verdict.checkpoint_size, 7);
    let names: Vec<&str> = verdict.cosigners.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["w1.example", "w2.example"]);
    assert!(verdict.cosigners.iter().all(|c| c.time == COSIGN_TIME));
    assert!(verdict.entry_binds_signature);
    assert_eq!(verdict.revocation, None);
    assert!(verdict.summary_en().starts_with("VALID"));
    assert!(verdict.summary_zh().starts_with("有效"));
}

#[test]
fn bundle_json_uses_the_documented_fields_and_round_trips() {
    let b = bureau();
    let bundle = valid_bundle(&b);
    let text = bundle.to_json().unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["document", "format", "ledger_entry", "receipt", "signature"]
    );
    assert_eq!(value["format"], "oneseal-bundle/1");
    assert_eq!(value["document"], STANDARD.encode(DOCUMENT));
    assert!(
        value["receipt"]
            .as_str()
            .unwrap()
            .starts_with("c2sp.org/tlog-proof@v1\n")
    );
    assert_eq!(SealedBundle::from_json(text.as_bytes()).unwrap(), bundle);

    let mut extra = value.clone();
    extra["comment"] = json!("x");
    assert!(matches!(
        SealedBundle::from_json(extra.to_string().as_bytes()),
        Err(BundleError::Malformed { .. })
    ));
    let mut other = value;
    other["format"] = json!("oneseal-bundle/2");
    assert_eq!(
        SealedBundle::from_json(other.to_string().as_bytes()),
        Err(BundleError::UnsupportedFormat {
            found: "oneseal-bundle/2".into()
        })
    );
}

#[test]
fn trust_file_json_round_trips_and_uses_rfc3339_times() {
    let b = bureau();
    let trust = trust(&b);
    let text = trust.to_json().unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["format"], "oneseal-trust/1");
    assert_eq!(value["seals"][1]["status"], "revoked");
    assert_eq!(value["seals"][1]["revoked_at"], "2026-06-01T00:00:00Z");
    assert_eq!(value["seals"][0]["valid_end"], "2030-12-31T00:00:00Z");
    assert!(value["seals"][0].get("revoked_at").is_none());
    assert_eq!(value["ledger"]["keys"]["quorum"], 2);
    assert_eq!(TrustFile::from_json(text.as_bytes()).unwrap(), trust);
}

#[test]
fn revoked_seal_signed_before_revocation_is_valid_and_says_so() {
    let b = bureau();
    let mut sealing = Sealing::active(&b);
    sealing.seal = &b.former_seal;
    sealing.signer = &b.former_signer;
    sealing.time = SealTime::from_utc(2026, 5, 31, 23, 59, 59).unwrap();
    let verdict = verify_bundle(&seal_document(&b, &sealing), &trust(&b)).unwrap();
    assert_eq!(verdict.es_id, FORMER_ID);
    assert_eq!(verdict.seal_status, SealStatus::Revoked);
    let note = verdict.revocation.clone().unwrap();
    assert_eq!(note.revoked_at, t(2026, 6, 1, 0));
    assert_eq!(note.order, REVOKING_ORDER);
    assert!(note.en().contains("signed before revocation on 2026-06-01"));
    assert!(note.zh().contains("撤销前签署"));
    assert!(verdict.summary_zh().contains("撤销前签署"));
    assert!(verdict.summary_en().contains("signed before revocation"));
}

#[test]
fn revoked_seal_signed_at_or_after_revocation_is_invalid() {
    let b = bureau();
    for time in [t(2026, 6, 1, 0), t(2026, 9, 15, 8)] {
        let mut sealing = Sealing::active(&b);
        sealing.seal = &b.former_seal;
        sealing.signer = &b.former_signer;
        sealing.time = time;
        let err = verify_bundle(&seal_document(&b, &sealing), &trust(&b)).unwrap_err();
        assert_eq!(
            err,
            BundleError::SignedAfterRevocation {
                signing_time: time,
                revoked_at: t(2026, 6, 1, 0),
                order: REVOKING_ORDER.into(),
            }
        );
        assert!(err.reason_zh().contains("撤销"));
    }
}

#[test]
fn checkpoint_without_the_witness_quorum_fails() {
    let b = bureau();
    for cosigners in [&[][..], &[2][..]] {
        let mut sealing = Sealing::active(&b);
        sealing.cosigners = cosigners;
        let err = verify_bundle(&seal_document(&b, &sealing), &trust(&b)).unwrap_err();
        assert_eq!(
            err,
            BundleError::Receipt(ReceiptError::NotEnoughCosignatures {
                need: 2,
                got: cosigners.len()
            })
        );
        assert!(err.reason_zh().contains("见证人联署不足"));
    }
}

#[test]
fn checkpoint_signed_by_another_log_key_fails() {
    let b = bureau();
    let mut trust = trust(&b);
    let impostor = Ed25519Signer::from_seed(ORIGIN, &[8; 32]).unwrap();
    if let LedgerTrust::Keys { log_vkeys, .. } = &mut trust.ledger {
        *log_vkeys = vec![impostor.verifier_key().to_string()];
    }
    let err = verify_bundle(&valid_bundle(&b), &trust).unwrap_err();
    assert_eq!(err, BundleError::Receipt(ReceiptError::NoLogSignature));
}

#[test]
fn seal_missing_from_the_trust_file_is_unknown() {
    let b = bureau();
    let mut trust = trust(&b);
    trust.seals.retain(|s| s.es_id != ACTIVE_ID);
    assert_eq!(
        verify_bundle(&valid_bundle(&b), &trust),
        Err(BundleError::UnknownSeal {
            es_id: ACTIVE_ID.into()
        })
    );
}

#[test]
fn seal_registered_with_another_key_or_name_or_window_fails() {
    let b = bureau();
    let bundle = valid_bundle(&b);
    let mut other_key = trust(&b);
    other_key.seals[0].public_key_pem = key(9).public_key().to_pem().unwrap();
    assert_eq!(
        verify_bundle(&bundle, &other_key),
        Err(BundleError::SignerNotRegistered {
            es_id: ACTIVE_ID.into()
        })
    );
    let mut other_name = trust(&b);
    other_name.seals[0].name = "济南市行政审批服务局".into();
    assert!(matches!(
        verify_bundle(&bundle, &other_name),
        Err(BundleError::SealNameMismatch { .. })
    ));
    let mut later = trust(&b);
    later.seals[0].valid_start = t(2026, 9, 15, 9);
    assert!(matches!(
        verify_bundle(&bundle, &later),
        Err(BundleError::OutsideRegisteredValidity { .. })
    ));
}

#[test]
fn policy_text_trust_checks_the_quorum_like_the_key_list() {
    let b = bureau();
    let policy = format!(
        "log {}\nwitness a {}\nwitness b {}\nwitness c {}\ngroup departments 2 a b c\nquorum departments\n",
        b.log.verifier_key(),
        b.witnesses[0].verifier_key(),
        b.witnesses[1].verifier_key(),
        b.witnesses[2].verifier_key(),
    );
    let mut trust = trust(&b);
    trust.ledger = LedgerTrust::Policy(policy);
    let verdict = verify_bundle(&valid_bundle(&b), &trust).unwrap();
    let names: Vec<&str> = verdict.cosigners.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);

    let mut sealing = Sealing::active(&b);
    sealing.cosigners = &[1];
    let err = verify_bundle(&seal_document(&b, &sealing), &trust).unwrap_err();
    assert!(matches!(err, BundleError::Receipt(ReceiptError::Policy(_))));
    assert!(has_cjk(&err.reason_zh()));
}

#[test]
fn entry_must_be_the_sealing_event_of_this_document_seal_and_signature() {
    let b = bureau();
    let trust = trust(&b);
    let cases: [(EntryEdit<'_>, ErrorFamily); 5] = [
        (&|e| e["kind"] = json!("case.accepted"), |e| {
            matches!(e, BundleError::EntryWrongKind { .. })
        }),
        (
            &|e| e["public"]["document_sm3"] = json!(hex::encode(sm3_digest(b"other"))),
            |e| matches!(e, BundleError::EntryDocumentMismatch { .. }),
        ),
        (&|e| e["public"]["es_id"] = json!(FORMER_ID), |e| {
            matches!(e, BundleError::EntrySealMismatch { .. })
        }),
        (
            &|e| e["public"]["signature_sm3"] = json!(hex::encode(sm3_digest(b"other"))),
            |e| matches!(e, BundleError::EntrySignatureMismatch { .. }),
        ),
        (
            &|e| {
                e["public"].as_object_mut().unwrap().remove("es_id");
            },
            |e| matches!(e, BundleError::EntryMalformed { .. }),
        ),
    ];
    for (edit, family) in cases {
        let mut sealing = Sealing::active(&b);
        sealing.edit_entry = edit;
        let err = verify_bundle(&seal_document(&b, &sealing), &trust).unwrap_err();
        assert!(family(&err), "{err:?}");
    }
}

#[test]
fn entry_without_signature_hash_binds_document_and_seal_only() {
    let b = bureau();
    let mut sealing = Sealing::active(&b);
    sealing.edit_entry = &|e| {
        e["public"].as_object_mut().unwrap().remove("signature_sm3");
    };
    let verdict = verify_bundle(&seal_document(&b, &sealing), &trust(&b)).unwrap();
    assert!(!verdict.entry_binds_signature);
}

#[test]
fn entry_naming_a_field_twice_is_refused() {
    let b = bureau();
    let bundle = valid_bundle(&b);
    let entry = String::from_utf8(bundle.ledger_entry.clone()).unwrap();
    let doubled = entry.replacen("\"kind\":", "\"kind\":\"case.accepted\",\"kind\":", 1);
    assert_ne!(doubled, entry);
    let receipt = receipt_for(&b, doubled.as_bytes(), &[0, 1]);
    let bad = SealedBundle::new(
        bundle.document.clone(),
        bundle.signature.clone(),
        doubled.into_bytes(),
        receipt.to_text(),
    );
    assert!(matches!(
        verify_bundle(&bad, &trust(&b)),
        Err(BundleError::EntryMalformed { .. })
    ));
}

#[test]
fn receipt_with_extra_data_is_refused() {
    let b = bureau();
    let bundle = valid_bundle(&b);
    let mut receipt = Receipt::parse(bundle.receipt.as_bytes()).unwrap();
    receipt.extra = Some(b"case JN-2026-0001".to_vec());
    let bad = SealedBundle {
        receipt: receipt.to_text(),
        ..bundle
    };
    assert_eq!(
        verify_bundle(&bad, &trust(&b)),
        Err(BundleError::ReceiptExtraData)
    );
}

#[test]
fn receipt_for_another_entry_fails_inclusion() {
    let b = bureau();
    let bundle = valid_bundle(&b);
    let other = receipt_for(&b, b"{\"kind\":\"other\"}", &[0, 1]);
    let bad = SealedBundle {
        receipt: other.to_text(),
        ..bundle
    };
    assert_eq!(
        verify_bundle(&bad, &trust(&b)),
        Err(BundleError::Receipt(ReceiptError::Inclusion(
            VerifyError::RootMismatch
        )))
    );
}

#[test]
fn signature_lines_from_unlisted_keys_are_ignored_as_c2sp_requires() {
    let b = bureau();
    let bundle = valid_bundle(&b);
    let mut receipt = Receipt::parse(bundle.receipt.as_bytes()).unwrap();
    let stranger = CosignatureSigner::from_seed("stranger.example", &[99; 32]).unwrap();
    stranger
        .cosign_note(&mut receipt.note, COSIGN_TIME)
        .unwrap();
    let with_stranger = SealedBundle {
        receipt: receipt.to_text(),
        ..bundle
    };
    let verdict = verify_bundle(&with_stranger, &trust(&b)).unwrap();
    assert_eq!(verdict.cosigners.len(), 2);
}

#[test]
fn document_that_is_not_json_is_refused_even_when_signed() {
    let b = bureau();
    let document = b"not json".to_vec();
    let signature = sign_document(
        &b.seal,
        &b.signer,
        &sm3_digest(&document),
        "JN-2026-0001",
        t(2026, 9, 15, 8),
    )
    .unwrap();
    let bundle = SealedBundle::new(
        document,
        signature.to_der().to_vec(),
        Vec::new(),
        String::new(),
    );
    assert_eq!(
        verify_bundle(&bundle, &trust(&b)),
        Err(BundleError::DocumentNotJson)
    );
}

#[test]
fn invalid_trust_files_are_refused_with_reasons() {
    let b = bureau();
    let bundle = valid_bundle(&b);
    let edits: [(TrustEdit<'_>, TrustError); 6] = [
        (
            &|t| t.format = "x".into(),
            TrustError::UnsupportedFormat { found: "x".into() },
        ),
        (
            &|t| t.seals[1].revoked_at = None,
            TrustError::RevocationIncomplete {
                es_id: FORMER_ID.into(),
            },
        ),
        (
            &|t| t.seals[0].revocation_order = Some("x".into()),
            TrustError::RevocationUnexpected {
                es_id: ACTIVE_ID.into(),
            },
        ),
        (
            &|t| t.seals[0].public_key_pem = "junk".into(),
            TrustError::BadPublicKey {
                es_id: ACTIVE_ID.into(),
            },
        ),
        (
            &|t| t.seals[1].es_id = ACTIVE_ID.into(),
            TrustError::DuplicateSeal {
                es_id: ACTIVE_ID.into(),
            },
        ),
        (
            &|t| {
                if let LedgerTrust::Keys { quorum, .. } = &mut t.ledger {
                    *quorum = 4;
                }
            },
            TrustError::BadQuorum {
                quorum: 4,
                witnesses: 3,
            },
        ),
    ];
    for (edit, want) in edits {
        let mut trust = trust(&b);
        edit(&mut trust);
        assert_eq!(trust.check(), Err(want.clone()));
        let err = verify_bundle(&bundle, &trust).unwrap_err();
        assert_eq!(err, BundleError::Trust(want));
        assert!(has_cjk(&err.reason_zh()));
    }
}

#[test]
fn witness_key_of_the_wrong_type_is_refused() {
    let b = bureau();
    let mut trust = trust(&b);
    if let LedgerTrust::Keys { witness_vkeys, .. } = &mut trust.ledger {
        witness_vkeys[0] = b.log.verifier_key().to_string();
    }
    assert!(matches!(
        trust.check(),
        Err(TrustError::BadVkey {
            role: "witness",
            source: VkeyError::UnsupportedType(0x01),
            ..
        })
    ));
}

#[test]
fn export_gives_the_signed_bytes_the_signature_and_the_key() {
    let b = bureau();
    let bundle = valid_bundle(&b);
    let export = export_bundle(&bundle).unwrap();
    let key = SealPublicKey::from_pem(&export.signer_public_key_pem).unwrap();
    assert_eq!(key, b.signer.public_key());
    let signature = Sm2Signature::from_der(&export.signature_value_der).unwrap();
    key.verify(&export.tbs_der, &signature).unwrap();
    assert!(key.verify(b"other bytes", &signature).is_err());
    assert_eq!(Seal::from_der(&export.seal_der).unwrap().es_id(), ACTIVE_ID);
    assert_eq!(export.document, DOCUMENT.as_bytes());
    assert_eq!(export.ledger_entry, bundle.ledger_entry);
    assert_eq!(export.receipt, bundle.receipt);
}

#[test]
fn sealing_entry_public_refuses_a_document_the_signature_does_not_cover() {
    let b = bureau();
    let signature = sign_document(
        &b.seal,
        &b.signer,
        &sm3_digest(b"one"),
        "JN-2026-0001",
        t(2026, 9, 15, 8),
    )
    .unwrap();
    assert!(matches!(
        sealing_entry_public(b"two", &signature),
        Err(BundleError::DocumentHashMismatch { .. })
    ));
    let public = sealing_entry_public(b"one", &signature).unwrap();
    assert_eq!(public["es_id"], ACTIVE_ID);
    assert_eq!(public["document_sm3"], hex::encode(sm3_digest(b"one")));
    assert_eq!(
        public["signature_sm3"],
        hex::encode(sm3_digest(signature.to_der()))
    );
    assert_eq!(public.as_object().unwrap().len(), 3);
}

#[test]
fn signature_errors_keep_their_cause() {
    let b = bureau();
    let mut bundle = valid_bundle(&b);
    let last = bundle.signature.len() - 1;
    bundle.signature[last] ^= 1;
    let err = verify_bundle(&bundle, &trust(&b)).unwrap_err();
    assert!(matches!(
        err,
        BundleError::Signature(SesError::DocumentSignatureInvalid)
            | BundleError::Signature(SesError::InvalidSignatureValue { .. })
    ));
}
