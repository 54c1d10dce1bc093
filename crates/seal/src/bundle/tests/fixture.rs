//! Builders for end-to-end bundles: real SM2 keys, a real seal and signature, a real RFC 6962
//! ledger with an Ed25519-signed checkpoint and witness cosignatures, and a tlog-proof receipt.

use std::collections::BTreeMap;

use oneseal_ledger::checkpoint::Checkpoint;
use oneseal_ledger::cosignature::CosignatureSigner;
use oneseal_ledger::note::Ed25519Signer;
use oneseal_ledger::receipt::Receipt;
use oneseal_ledger::{Frontier, Hash, NodeId, inclusion_proof, leaf_hash, mth};
use serde_json::{Value, json};

use super::super::*;
use crate::key::SealPrivateKey;
use crate::ses::{Seal, sign_document};
use crate::testing::SealInfoBuilder;

pub(super) const ORIGIN: &str = "ledger.jinan.example/approvals";
pub(super) const COSIGN_TIME: u64 = 1_789_461_060;
pub(super) const DOCUMENT: &str = r#"{"decision":"准予行政许可","number":"济审批许字〔2026〕1号"}"#;
pub(super) const ACTIVE_ID: &str = "37010000000001";
pub(super) const FORMER_ID: &str = "37010000000002";
pub(super) const REVOKING_ORDER: &str = "济审批〔2026〕12号";

pub(super) fn t(year: u16, month: u8, day: u8, hour: u8) -> SealTime {
    SealTime::from_utc(year, month, day, hour, 0, 0).unwrap()
}

pub(super) fn key(seed: u8) -> SealPrivateKey {
    SealPrivateKey::from_seed(&[seed; 32]).unwrap()
}

pub(super) struct Bureau {
    pub(super) signer: SealPrivateKey,
    pub(super) seal: Seal,
    pub(super) former_signer: SealPrivateKey,
    pub(super) former_seal: Seal,
    pub(super) log: Ed25519Signer,
    pub(super) witnesses: Vec<CosignatureSigner>,
}

pub(super) fn make_seal(
    es_id: &str,
    name: &str,
    signer: &SealPrivateKey,
    maker: &SealPrivateKey,
) -> Seal {
    SealInfoBuilder::new(signer)
        .es_id(es_id)
        .name(name)
        .dates(t(2019, 12, 20, 0), t(2020, 1, 1, 0), t(2030, 12, 31, 0))
        .make(maker)
}

pub(super) fn bureau() -> Bureau {
    let maker = key(1);
    let signer = key(2);
    let former_signer = key(3);
    Bureau {
        seal: make_seal(
            ACTIVE_ID,
            "济南市行政审批服务局行政审批专用章",
            &signer,
            &maker,
        ),
        former_seal: make_seal(
            FORMER_ID,
            "济南市市场监督管理局行政审批专用章",
            &former_signer,
            &maker,
        ),
        signer,
        former_signer,
        log: Ed25519Signer::from_seed(ORIGIN, &[7; 32]).unwrap(),
        witnesses: (1..=3)
            .map(|i| CosignatureSigner::from_seed(&format!("w{i}.example"), &[40 + i; 32]).unwrap())
            .collect(),
    }
}

pub(super) fn registered(seal: &Seal, signer: &SealPrivateKey) -> TrustedSeal {
    TrustedSeal {
        es_id: seal.es_id().into(),
        name: seal.name().into(),
        public_key_pem: signer.public_key().to_pem().unwrap(),
        valid_start: t(2020, 1, 1, 0),
        valid_end: t(2030, 12, 31, 0),
        status: SealStatus::Active,
        revoked_at: None,
        revocation_order: None,
    }
}

/// The active seal, and the former department seal revoked on 2026-06-01 by order.
pub(super) fn trust(b: &Bureau) -> TrustFile {
    let mut former = registered(&b.former_seal, &b.former_signer);
    former.status = SealStatus::Revoked;
    former.revoked_at = Some(t(2026, 6, 1, 0));
    former.revocation_order = Some(REVOKING_ORDER.into());
    TrustFile {
        format: TRUST_FORMAT.into(),
        seals: vec![registered(&b.seal, &b.signer), former],
        ledger: LedgerTrust::Keys {
            log_vkeys: vec![b.log.verifier_key().to_string()],
            witness_vkeys: b
                .witnesses
                .iter()
                .map(|w| w.verifier_key().to_string())
                .collect(),
            quorum: 2,
        },
    }
}

pub(super) type EntryEdit<'a> = &'a dyn Fn(&mut Value);
pub(super) type TrustEdit<'a> = &'a dyn Fn(&mut TrustFile);

/// One sealing act: which seal and key, when, how the entry looks and who cosigns.
pub(super) struct Sealing<'a> {
    pub(super) seal: &'a Seal,
    pub(super) signer: &'a SealPrivateKey,
    pub(super) time: SealTime,
    pub(super) edit_entry: EntryEdit<'a>,
    pub(super) cosigners: &'a [usize],
}

impl<'a> Sealing<'a> {
    pub(super) fn active(b: &'a Bureau) -> Self {
        Self {
            seal: &b.seal,
            signer: &b.signer,
            time: t(2026, 9, 15, 8),
            edit_entry: &|_| {},
            cosigners: &[0, 1],
        }
    }
}

pub(super) fn other_entry(i: usize) -> Vec<u8> {
    format!(r#"{{"kind":"case.accepted","public":{{"case":"JN-2026-{i:04}"}},"v":1}}"#).into_bytes()
}

/// A log of 7 entries with `entry` at index 4, its checkpoint signed by the log and cosigned.
pub(super) fn receipt_for(b: &Bureau, entry: &[u8], cosigners: &[usize]) -> Receipt {
    let mut entries: Vec<Vec<u8>> = (0..4).map(other_entry).collect();
    entries.push(entry.to_vec());
    entries.extend((5..7).map(other_entry));
    let leaves: Vec<Hash> = entries.iter().map(|e| leaf_hash(e)).collect();
    let mut frontier = Frontier::empty();
    let mut nodes = BTreeMap::new();
    for leaf in &leaves {
        nodes.extend(frontier.push(*leaf));
    }
    assert_eq!(frontier.root(), mth(&leaves));
    let proof = inclusion_proof(
        4,
        frontier.size(),
        |ids: &[NodeId]| -> Result<Vec<Hash>, ()> { Ok(ids.iter().map(|id| nodes[id]).collect()) },
    )
    .unwrap();
    let checkpoint = Checkpoint::new(ORIGIN, frontier.size(), frontier.root()).unwrap();
    let mut note = checkpoint.sign(&[&b.log]).unwrap();
    for &w in cosigners {
        b.witnesses[w].cosign_note(&mut note, COSIGN_TIME).unwrap();
    }
    Receipt {
        extra: None,
        index: 4,
        proof,
        note,
    }
}

pub(super) fn seal_document(b: &Bureau, s: &Sealing<'_>) -> SealedBundle {
    let document = DOCUMENT.as_bytes().to_vec();
    let signature = sign_document(
        s.seal,
        s.signer,
        &sm3_digest(&document),
        "JN-2026-0001",
        s.time,
    )
    .unwrap();
    let mut entry = json!({
        "v": 1,
        "kind": "seal.document_sealed",
        "time": "2026-09-15T08:00:01Z",
        "jurisdiction": "370100",
        "actor": "staff:S-0001",
        "subject": {"case": "JN-2026-0001"},
        "payload": "00".repeat(32),
        "public": sealing_entry_public(&document, &signature).unwrap(),
    });
    (s.edit_entry)(&mut entry);
    let entry = serde_json::to_vec(&entry).unwrap();
    let receipt = receipt_for(b, &entry, s.cosigners);
    SealedBundle::new(
        document,
        signature.to_der().to_vec(),
        entry,
        receipt.to_text(),
    )
}

pub(super) fn valid_bundle(b: &Bureau) -> SealedBundle {
    seal_document(b, &Sealing::active(b))
}

pub(super) fn has_cjk(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}
