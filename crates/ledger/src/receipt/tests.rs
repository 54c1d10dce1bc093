use super::*;
use crate::cosignature::CosignatureSigner;
use crate::node::{Frontier, NodeId};
use crate::note::Ed25519Signer;
use crate::proof::inclusion_proof;
use std::collections::BTreeMap;

const ORIGIN: &str = "example.com/approvals/2026h1";

fn entries() -> Vec<Vec<u8>> {
    (0..13)
        .map(|i| format!("{{\"event\":{i}}}").into_bytes())
        .collect()
}

fn log_signer() -> Ed25519Signer {
    Ed25519Signer::from_seed(ORIGIN, &[1; 32]).unwrap()
}

fn cosigner(i: u8) -> CosignatureSigner {
    CosignatureSigner::from_seed(&format!("w{i}.example"), &[20 + i; 32]).unwrap()
}

fn receipt(index: u64, witnesses: &[u8]) -> Receipt {
    let mut f = Frontier::empty();
    let mut nodes = BTreeMap::new();
    for e in entries() {
        nodes.extend(f.push(leaf_hash(&e)));
    }
    let proof = inclusion_proof(index, f.size(), |ids: &[NodeId]| -> Result<Vec<Hash>, ()> {
        Ok(ids.iter().map(|id| nodes[id]).collect())
    })
    .unwrap();
    let cp = Checkpoint::new(ORIGIN, f.size(), f.root()).unwrap();
    let mut note = cp.sign(&[&log_signer()]).unwrap();
    for w in witnesses {
        cosigner(*w).cosign_note(&mut note, 1_780_000_000).unwrap();
    }
    Receipt {
        extra: None,
        index,
        proof,
        note,
    }
}

#[test]
fn receipt_round_trips_and_verifies_against_log_and_cosigner_keys() {
    let r = receipt(6, &[1, 2]);
    let text = r.to_text();
    assert!(text.starts_with("c2sp.org/tlog-proof@v1\nindex 6\n"));
    let parsed = Receipt::parse(text.as_bytes()).unwrap();
    assert_eq!(parsed, r);
    let log = log_signer().verifier();
    let (c1, c2) = (cosigner(1).verifier(), cosigner(2).verifier());
    let ok = parsed
        .verify(&entries()[6], &[&log], &[&c1, &c2], 2)
        .unwrap();
    assert_eq!(ok.index, 6);
    assert_eq!(ok.checkpoint.size(), 13);
    assert_eq!(ok.cosigned_by.len(), 2);
}

#[test]
fn receipt_for_another_entry_or_index_fails() {
    let r = receipt(6, &[1]);
    let log = log_signer().verifier();
    let c1 = cosigner(1).verifier();
    assert!(matches!(
        r.verify(&entries()[5], &[&log], &[&c1], 1),
        Err(ReceiptError::Inclusion(_))
    ));
    let mut moved = r.clone();
    moved.index = 7;
    assert!(moved.verify(&entries()[6], &[&log], &[&c1], 1).is_err());
}

#[test]
fn receipt_without_enough_cosignatures_fails() {
    let r = receipt(0, &[1]);
    let log = log_signer().verifier();
    let (c1, c2) = (cosigner(1).verifier(), cosigner(2).verifier());
    assert_eq!(
        r.verify(&entries()[0], &[&log], &[&c1, &c2], 2),
        Err(ReceiptError::NotEnoughCosignatures { need: 2, got: 1 })
    );
}

#[test]
fn receipt_from_an_untrusted_log_fails() {
    let r = receipt(0, &[1]);
    let stranger = Ed25519Signer::from_seed(ORIGIN, &[2; 32])
        .unwrap()
        .verifier();
    let c1 = cosigner(1).verifier();
    assert_eq!(
        r.verify(&entries()[0], &[&stranger], &[&c1], 1),
        Err(ReceiptError::NoLogSignature)
    );
}

#[test]
fn receipt_verifies_under_a_policy() {
    let policy = format!(
        "log {}\nwitness A {}\nwitness B {}\nwitness C {}\ngroup departments 2 A B C\nquorum departments\n",
        log_signer().verifier_key(),
        cosigner(1).verifier_key(),
        cosigner(2).verifier_key(),
        cosigner(3).verifier_key(),
    );
    let policy = Policy::parse(policy.as_bytes()).unwrap();
    let r = receipt(12, &[1, 3]);
    assert!(r.verify_with_policy(&entries()[12], &policy).is_ok());
    let r = receipt(12, &[3]);
    assert_eq!(
        r.verify_with_policy(&entries()[12], &policy),
        Err(ReceiptError::Policy(PolicyError::QuorumNotMet))
    );
}

#[test]
fn spec_example_layout_with_extra_parses() {
    let mut r = receipt(3, &[]);
    r.extra = Some(b"age-v1.2.1-darwin-arm64.tar.gz".to_vec());
    let text = r.to_text();
    let lines: Vec<&str> = text.lines().take(3).collect();
    assert_eq!(lines[0], RECEIPT_HEADER);
    assert!(lines[1].starts_with("extra "));
    assert_eq!(lines[2], "index 3");
    assert_eq!(Receipt::parse(text.as_bytes()).unwrap(), r);
}

#[test]
fn malformed_receipts_are_refused() {
    let good = receipt(3, &[]).to_text();
    let body = good.split_once("index 3\n").unwrap().1;
    let note = receipt(3, &[]).note.to_text();
    // 64 proof lines are the most a receipt can need.
    let max = format!(
        "{RECEIPT_HEADER}\nindex 3\n{}\n{note}",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n".repeat(64)
    );
    assert_eq!(Receipt::parse(max.as_bytes()).unwrap().proof.len(), 64);
    let cases = [
        String::new(),
        good.replacen(RECEIPT_HEADER, "c2sp.org/tlog-proof@v2", 1),
        good.replacen("index 3", "index 03", 1),
        good.replacen("index 3", "index -3", 1),
        good.replacen("index 3\n", "", 1),
        format!("{RECEIPT_HEADER}\nextra !!\nindex 3\n{body}"),
        format!("{RECEIPT_HEADER}\nindex 3\nAAAA\n{body}"),
        format!("{RECEIPT_HEADER}\nindex 3\n"),
        format!(
            "{RECEIPT_HEADER}\nindex 3\n{}\n{note}",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n".repeat(65)
        ),
        good.trim_end().to_owned(),
    ];
    for text in cases {
        assert!(Receipt::parse(text.as_bytes()).is_err(), "{text:?}");
    }
    assert!(Receipt::parse(b"\xff").is_err());
}
