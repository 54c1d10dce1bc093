//! The public log: checkpoints, proofs, tiles, receipts; and tamper detection.

use oneseal_ledger::checkpoint::open_checkpoint;
use oneseal_ledger::hash::hash_from_base64;
use oneseal_ledger::note::{NoteVerifier, VerifierKey};
use oneseal_ledger::receipt::Receipt;
use oneseal_ledger::tile::decode_bundle;
use oneseal_ledger::{leaf_hash, verify_consistency, verify_inclusion};
use oneseal_server::background::checkpointer::{CheckpointError, sign_if_due};
use oneseal_server::services::ledger::audit::Finding;
use oneseal_testkit::{TestApp, peek, tamper};
use serde_json::{Value, json};

const CITY: &str = "370100";

fn hashes(v: &Value) -> Vec<[u8; 32]> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|h| hash_from_base64(h.as_str().unwrap()).unwrap())
        .collect()
}

async fn vkeys(app: &TestApp) -> Vec<Box<dyn NoteVerifier>> {
    let text = app
        .anonymous()
        .get(&format!("/log/{CITY}/vkeys"))
        .await
        .text()
        .await
        .unwrap();
    text.lines()
        .filter_map(|l| VerifierKey::parse(l).ok())
        .filter(|k| k.sig_type() == 0x01)
        .map(|k| k.verifier().unwrap())
        .collect()
}

#[tokio::test]
async fn checkpoint_is_signed_by_the_published_key_and_covers_the_log() {
    let app = TestApp::spawn_demo().await;
    assert_eq!(
        app.anonymous()
            .get(&format!("/log/{CITY}/checkpoint"))
            .await
            .status(),
        404,
        "nothing signed yet"
    );
    let signed = app.checkpoint().await;
    assert_eq!(signed.len(), 4, "one checkpoint per jurisdiction");
    let note = app
        .anonymous()
        .get(&format!("/log/{CITY}/checkpoint"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        note.starts_with("oneseal.example/370100/approvals\n"),
        "{note}"
    );
    let keys = vkeys(&app).await;
    let refs: Vec<&dyn NoteVerifier> = keys.iter().map(AsRef::as_ref).collect();
    let opened = open_checkpoint(note.as_bytes(), &refs).unwrap();
    let (_, health) = app.anonymous().get_json("/healthz").await;
    assert_eq!(
        opened.checkpoint.size(),
        health["logs"][CITY].as_u64().unwrap()
    );
    assert_eq!(
        note.matches("\n— ").count(),
        2,
        "an Ed25519 and an SM2 signature line: {note}"
    );
    assert!(
        app.checkpoint().await.is_empty(),
        "an unchanged log is not signed again before the heartbeat"
    );
}

#[tokio::test]
async fn inclusion_and_consistency_proofs_verify() {
    let app = TestApp::spawn_demo().await;
    let first = app.checkpoint_of(CITY).await;
    let admin = app.admin().await;
    admin
        .post(
            "/api/v1/staff/CLERK/transfer",
            &json!({"to_department": "SCJG", "on": "2026-11-23"}),
        )
        .await;
    let second = app.checkpoint_of(CITY).await;
    assert_eq!(second.size, first.size + 1);
    let anon = app.anonymous();
    for index in [0, first.size / 2, second.size - 1] {
        let (status, p) = anon
            .get_json(&format!("/api/v1/log/{CITY}/proof/inclusion?index={index}"))
            .await;
        assert_eq!(status, 200, "{p}");
        let entry = anon
            .get(&format!("/api/v1/log/{CITY}/entries/{index}"))
            .await
            .bytes()
            .await
            .unwrap();
        verify_inclusion(
            &leaf_hash(&entry),
            index,
            second.size,
            &hashes(&p["proof"]),
            &second.root,
        )
        .unwrap();
    }
    let (_, c) = anon
        .get_json(&format!(
            "/api/v1/log/{CITY}/proof/consistency?from={}&to={}",
            first.size, second.size
        ))
        .await;
    verify_consistency(
        first.size,
        second.size,
        &hashes(&c["proof"]),
        &first.root,
        &second.root,
    )
    .unwrap();
    let (status, body) = anon
        .get_json(&format!(
            "/api/v1/log/{CITY}/proof/inclusion?index={}",
            second.size
        ))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("out_of_range"))
    );
}

#[tokio::test]
async fn tiles_hold_the_leaf_hashes_of_the_entry_bundles_and_missing_tiles_are_404() {
    let app = TestApp::spawn_demo().await;
    let cp = app.checkpoint_of(CITY).await;
    let anon = app.anonymous();
    let full = anon.get(&format!("/log/{CITY}/tile/0/000")).await;
    assert_eq!(full.status(), 200);
    assert!(
        full.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let tile = full.bytes().await.unwrap();
    assert_eq!(tile.len(), 256 * 32);
    let bundle = anon
        .get(&format!("/log/{CITY}/tile/entries/000"))
        .await
        .bytes()
        .await
        .unwrap();
    let entries = decode_bundle(&bundle).unwrap();
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(&tile[i * 32..(i + 1) * 32], leaf_hash(e).as_slice());
    }
    let beyond = (cp.size / 256) + 1;
    assert_eq!(
        anon.get(&format!("/log/{CITY}/tile/0/{beyond:03}"))
            .await
            .status(),
        404
    );
    assert_eq!(
        anon.get(&format!("/log/{CITY}/tile/0/..%2F..%2Fetc"))
            .await
            .status(),
        400
    );
    assert_eq!(anon.get("/log/999999/checkpoint").await.status(), 404);
}

#[tokio::test]
async fn receipt_verifies_offline_against_the_log_key() {
    let app = TestApp::spawn_demo().await;
    app.checkpoint().await;
    let anon = app.anonymous();
    let text = anon
        .get(&format!("/api/v1/log/{CITY}/receipt/5"))
        .await
        .text()
        .await
        .unwrap();
    let receipt = Receipt::parse(text.as_bytes()).unwrap();
    let entry = anon
        .get(&format!("/api/v1/log/{CITY}/entries/5"))
        .await
        .bytes()
        .await
        .unwrap();
    let keys = vkeys(&app).await;
    let refs: Vec<&dyn NoteVerifier> = keys.iter().map(AsRef::as_ref).collect();
    receipt.verify(&entry, &refs, &[], 0).unwrap();
    assert!(receipt.verify(b"another entry", &refs, &[], 0).is_err());
}

#[tokio::test]
async fn ledger_verify_passes_on_an_untouched_database() {
    let app = TestApp::spawn_demo().await;
    app.checkpoint().await;
    assert_eq!(app.ledger_findings().await, vec![]);
}

#[tokio::test]
async fn a_projection_row_edited_in_sql_is_found_with_table_key_and_column() {
    let app = TestApp::spawn_demo().await;
    app.expect_corrupted();
    app.store
        .write(|tx| tamper::set_staff_roles(tx.conn(), "CLERK", "approver"))
        .await
        .unwrap();
    let findings = app.ledger_findings().await;
    assert_eq!(
        findings,
        vec![Finding::Row {
            table: "staff".into(),
            key: "\"CLERK\"".into(),
            column: "roles".into(),
            expected: "\"clerk\"".into(),
            found: "\"approver\"".into(),
        }]
    );
}

#[tokio::test]
async fn a_deleted_or_added_row_is_found() {
    let app = TestApp::spawn_demo().await;
    app.expect_corrupted();
    app.store
        .write(|tx| {
            tamper::delete_hall_window(tx.conn(), CITY, "W01")?;
            tamper::insert_department(
                tx.conn(),
                &tamper::GhostDepartment {
                    jurisdiction: CITY,
                    code: "GHOST",
                    name_zh: "幽灵局",
                    name_en: "Ghost",
                    kind: "licensing",
                },
            )
        })
        .await
        .unwrap();
    let text = app.ledger_finding_texts().await;
    assert_eq!(text.len(), 2, "{text:?}");
    assert!(
        text.iter().any(|t| t.contains("hall_windows")
            && t.contains("W01")
            && t.contains("found (no row)")),
        "{text:?}"
    );
    assert!(
        text.iter().any(|t| t.contains("departments")
            && t.contains("GHOST")
            && t.contains("no event explains")),
        "{text:?}"
    );
}

/// The audit compares the stored tree a page of entries at a time: a node changed, deleted or
/// added behind the writer's back is still found, each with its place.
#[tokio::test]
async fn an_altered_missing_or_stray_tree_node_is_found() {
    let app = TestApp::spawn_demo().await;
    app.expect_corrupted();
    let size = app
        .store
        .read(|c| oneseal_store::log::read_head(c, CITY))
        .await
        .unwrap()
        .0;
    assert!(size > 8, "the demo log is too short for this test ({size})");
    app.store
        .write(move |tx| {
            tamper::replace_node(tx.conn(), CITY, 1, 1, [9u8; 32])?;
            tamper::delete_node(tx.conn(), CITY, 0, 5)?;
            tamper::insert_stray_leaf(tx.conn(), CITY, size + 10)
        })
        .await
        .unwrap();
    let text = app.ledger_finding_texts().await;
    let has = |s: &str| text.iter().any(|t| t.contains(s));
    assert!(has("stored node level 1 index 1 differs"), "{text:?}");
    assert!(has("node level 0 index 5 is missing"), "{text:?}");
    assert!(has("1 stored nodes lie beyond the head size"), "{text:?}");
    assert_eq!(text.len(), 3, "{text:?}");
}

#[tokio::test]
async fn an_altered_ledger_entry_is_found() {
    let app = TestApp::spawn_demo().await;
    app.expect_corrupted();
    app.checkpoint().await;
    app.store
        .write(|tx| {
            let e = oneseal_store::log::entry(tx.conn(), CITY, 3)?.unwrap();
            let v = oneseal_domain::event::ENVELOPE_VERSION;
            let forged = String::from_utf8(e)
                .unwrap()
                .replace(&format!("\"v\":{v}"), &format!("\"v\":{}", v + 1));
            tamper::replace_entry(tx.conn(), CITY, 3, forged.into_bytes())
        })
        .await
        .unwrap();
    let text = app.ledger_finding_texts().await;
    assert!(
        text.iter()
            .any(|t| t.contains("log 370100: tree: head root")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("stored node level 0 index 3 differs")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("checkpoint") && t.contains("entries give")),
        "{text:?}"
    );
    // The served entry no longer matches its proof, so any client notices too.
    let anon = app.anonymous();
    let entry = anon
        .get(&format!("/api/v1/log/{CITY}/entries/3"))
        .await
        .bytes()
        .await
        .unwrap();
    let (_, p) = anon
        .get_json(&format!("/api/v1/log/{CITY}/proof/inclusion?index=3"))
        .await;
    let root = hash_from_base64(p["root"].as_str().unwrap()).unwrap();
    let size = p["size"].as_u64().unwrap();
    assert!(verify_inclusion(&leaf_hash(&entry), 3, size, &hashes(&p["proof"]), &root).is_err());
}

#[tokio::test]
async fn a_truncated_ledger_is_found_and_the_server_refuses_to_start() {
    let app = TestApp::spawn_demo().await;
    app.expect_corrupted();
    let cp = app.checkpoint_of(CITY).await;
    // Simulate a restore from an older backup: the last 10 entries and their nodes are gone.
    let keep = cp.size - 10;
    app.store
        .write(move |tx| tamper::roll_back_log(tx.conn(), CITY, keep))
        .await
        .unwrap();
    let anchors = app.anchors.clone();
    let refused = app
        .store
        .read(move |c| Ok::<_, oneseal_store::StoreError>(anchors.check(c)))
        .await
        .unwrap();
    let msg = refused.unwrap_err().to_string();
    assert!(
        msg.contains("370100") && msg.contains("refusing to start"),
        "{msg}"
    );
    assert!(!app.ledger_findings().await.is_empty());
}

#[tokio::test]
async fn entries_beyond_the_head_are_found() {
    let app = TestApp::spawn_demo().await;
    app.expect_corrupted();
    // A head moved back by two entries, as a botched restore would leave it.
    app.store
        .write(|tx| tamper::shrink_head(tx.conn(), CITY, 2))
        .await
        .unwrap();
    let text = app.ledger_finding_texts().await;
    assert!(
        text.iter().any(
            |t| t.contains("log 370100") && t.contains("2 entries stored beyond the head size")
        ),
        "{text:?}"
    );
}

#[tokio::test]
async fn the_checkpointer_never_signs_a_second_root_for_a_signed_size() {
    let app = TestApp::spawn_demo().await;
    app.expect_corrupted();
    let cp = app.checkpoint_of(CITY).await;
    // Rewrite the stored head as a forked writer would (same size, other root).
    app.store
        .write(|tx| tamper::set_head_root(tx.conn(), CITY, [7u8; 32]))
        .await
        .unwrap();
    app.clock.advance(time::Duration::minutes(10));
    let keys = app.logs.keys.get(CITY).unwrap().clone();
    let now = app.clock_now();
    let err = app
        .store
        .write(move |tx| sign_if_due(tx.conn(), &keys, CITY, now))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            CheckpointError::Mismatch { .. } | CheckpointError::Fork { .. }
        ),
        "{err}"
    );
    let note = app
        .anonymous()
        .get(&format!("/log/{CITY}/checkpoint"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        note.contains(&format!("\n{}\n", cp.size)),
        "the published checkpoint is unchanged"
    );
}

#[tokio::test]
async fn an_altered_private_payload_no_longer_opens_against_its_entry() {
    let app = TestApp::spawn_demo().await;
    app.expect_corrupted();
    app.store
        .write(|tx| {
            let (idx, body) =
                peek::first_body_of_kind(tx.conn(), CITY, "org.jurisdiction_registered")?.unwrap();
            let forged = String::from_utf8(body).unwrap().replace("济南市", "济南县");
            tamper::replace_body(tx.conn(), CITY, idx, forged.into_bytes())
        })
        .await
        .unwrap();
    let text = app.ledger_finding_texts().await;
    assert!(
        text.iter()
            .any(|t| t.contains("payload does not open against the entry")),
        "{text:?}"
    );
}

#[tokio::test]
async fn witnesses_cosign_and_the_published_checkpoint_meets_the_policy_quorum() {
    use oneseal_ledger::policy::Policy;
    let app = TestApp::spawn_demo_witnessed().await;
    let round = app.checkpoint_and_cosign().await;
    assert!(
        round.iter().all(|(_, n)| *n == 3),
        "every witness cosigns every log: {round:?}"
    );
    let anon = app.anonymous();
    let policy_text = anon
        .get(&format!("/log/{CITY}/policy"))
        .await
        .text()
        .await
        .unwrap();
    let policy = Policy::parse(policy_text.as_bytes()).unwrap();
    assert_eq!(policy.witnesses().len(), 3, "{policy_text}");
    let note = anon
        .get(&format!("/log/{CITY}/checkpoint"))
        .await
        .text()
        .await
        .unwrap();
    let checked = policy
        .verify_note(&oneseal_ledger::note::Note::parse(note.as_bytes()).unwrap())
        .unwrap();
    assert_eq!(checked.cosigned_by.len(), 3);
    // The log grows; witnesses accept the new checkpoint through a consistency proof.
    let admin = app.admin().await;
    admin
        .post(
            "/api/v1/staff/CLERK/transfer",
            &json!({"to_department": "SCJG", "on": "2026-11-23"}),
        )
        .await;
    let round = app.checkpoint_and_cosign().await;
    assert_eq!(round, vec![(CITY.to_owned(), 3)]);
    // A receipt verifies offline with the policy (log key + 2-of-3 witnesses).
    let receipt = anon
        .get(&format!("/api/v1/log/{CITY}/receipt/0"))
        .await
        .text()
        .await
        .unwrap();
    let entry = anon
        .get(&format!("/api/v1/log/{CITY}/entries/0"))
        .await
        .bytes()
        .await
        .unwrap();
    let verified = Receipt::parse(receipt.as_bytes())
        .unwrap()
        .verify_with_policy(&entry, &policy)
        .unwrap();
    assert!(verified.cosigned_by.len() >= 2);
}

#[tokio::test]
async fn a_witness_refuses_a_forked_checkpoint_for_a_size_it_cosigned() {
    let app = TestApp::spawn_demo_witnessed().await;
    let signed = app.checkpoint_of(CITY).await;
    let client = reqwest::Client::new();
    let w = &app.witnesses[0];
    oneseal_server::witness::client::submit(&client, &w.url, 0, &[], &signed.note)
        .await
        .unwrap();
    // The same size with another root, signed by the real log key (a compromised signer).
    let keys = app.logs.keys.get(CITY).unwrap();
    let fork =
        oneseal_ledger::checkpoint::Checkpoint::new(&keys.origin, signed.size, [9u8; 32]).unwrap();
    let signers: [&dyn oneseal_ledger::note::NoteSigner; 1] = [&keys.ed25519];
    let fork = fork.sign(&signers).unwrap().to_text();
    let err = oneseal_server::witness::client::submit(&client, &w.url, signed.size, &[], &fork)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(422), "{err}");
}

#[tokio::test]
async fn demo_registry_has_one_active_bureau_seal_and_revoked_department_seals() {
    use oneseal_domain::seal::SealKind;
    let app = TestApp::spawn_demo().await;
    let seals = app
        .store
        .read(|c| oneseal_server::services::sealing::registry(c, CITY))
        .await
        .unwrap();
    let at = time::macros::datetime!(2026-11-23 09:00 +8);
    let active: Vec<_> = seals.iter().filter(|s| s.is_active_at(at)).collect();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0].record.kind, SealKind::BureauApproval);
    assert!(active[0].check_can_sign(at).is_ok());
    let former: Vec<_> = seals
        .iter()
        .filter(|s| s.record.kind == SealKind::DepartmentApproval)
        .collect();
    assert!(former.len() >= 10);
    for s in former {
        let e = s.check_can_sign(at).unwrap_err();
        assert_eq!(e.code(), "seal_revoked");
        // What it signed before the revocation stays verifiable: it was active then.
        assert!(s.is_active_at(time::macros::datetime!(2015-06-01 00:00 UTC)));
        // The stored SES_Seal is a well-formed, maker-signed GB/T 38540 seal.
        use base64::Engine;
        let der = base64::engine::general_purpose::STANDARD
            .decode(&s.record.ses_seal)
            .unwrap();
        let seal = oneseal_seal::Seal::from_der(&der).unwrap();
        seal.verify_maker_signature().unwrap();
        assert_eq!(seal.es_id(), s.record.es_id);
    }
    assert!(
        app.ledger_findings().await.is_empty(),
        "seal registrations and revocations replay into the same table"
    );
}
