//! The bureau's one seal on case documents: sealed decisions verify and a changed byte does not,
//! a revoked seal signs nothing more, rotation keeps old decisions verifiable, and signatures
//! made ahead of the write are recorded only for the very document the writer seals.

use oneseal_testkit::{TestApp, error_code, peek};
use serde_json::{Value, json};
use time::Duration;

use crate::cases::{approved_and_cosigned_licence, case_ready_for_decision, step};

#[tokio::test]
async fn a_sealed_decision_verifies_online_and_one_changed_byte_fails() {
    let app = TestApp::spawn_demo_witnessed().await;
    let license = approved_and_cosigned_licence(&app).await;
    let anon = app.anonymous();
    let page = anon
        .get(&format!("/verify/{license}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("✓ 有效") && page.contains("<svg"), "{page}");
    assert!(!page.contains("13812345678"));
    let bundle = sealed_bundle(&app, &license).await;
    let r = verify_bundle(&app, bundle.clone()).await;
    assert_eq!(r["valid"], true, "{r}");
    // One changed byte in the sealed document.
    let mut b: Value = serde_json::from_slice(&bundle).unwrap();
    let doc = b["document"].as_str().unwrap().to_owned();
    use base64::Engine;
    let mut bytes = base64::engine::general_purpose::STANDARD
        .decode(doc)
        .unwrap();
    bytes[10] ^= 1;
    b["document"] = json!(base64::engine::general_purpose::STANDARD.encode(bytes));
    let r = verify_bundle(&app, serde_json::to_vec(&b).unwrap()).await;
    assert_eq!(r["valid"], false, "{r}");
    assert!(r["reason_zh"].as_str().is_some_and(|s| !s.is_empty()));
}

/// Records the revocation of the demo bureau's approval seal (city), effective `at`.
async fn revoke_bureau_seal(app: &TestApp, at: time::OffsetDateTime) {
    use oneseal_domain::event::{Actor as EventActor, Event};
    use oneseal_domain::seal::Revocation;
    let j = oneseal_domain::org::DivisionCode::parse("370100").unwrap();
    app.store
        .write(move |tx| {
            tx.record(
                &Event::SealRevoked {
                    es_id: "3701000000000001".into(),
                    revocation: Revocation {
                        order_ref: "测试撤销令".into(),
                        at,
                        archived: true,
                    },
                },
                at,
                &j,
                &EventActor::System("test".into()),
            )
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn a_revoked_seal_cannot_seal_a_decision_and_the_attempt_is_recorded() {
    let app = TestApp::spawn_demo().await;
    let number = case_ready_for_decision(&app).await;
    revoke_bureau_seal(&app, time::macros::datetime!(2026-11-01 00:00 UTC)).await;
    let r = app
        .approver()
        .await
        .post(
            &format!("/api/v1/cases/{number}/actions"),
            &json!({"action": "decide", "decision": {"outcome": "approve"}}),
        )
        .await;
    assert_eq!(r.status(), 409);
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "seal_revoked");
    assert!(
        body["error"]["message_zh"]
            .as_str()
            .unwrap()
            .contains("撤销")
    );
    let (_, case) = app
        .clerk()
        .await
        .get_json(&format!("/api/v1/cases/{number}"))
        .await;
    assert!(
        case["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["kind"] != "decided"),
        "the decision rolled back"
    );
    let refused = app
        .store
        .read(|c| peek::entries_of_kind(c, "seal.use_refused"))
        .await
        .unwrap();
    assert_eq!(refused.len(), 1, "the refused attempt is on the ledger");
}

#[tokio::test]
async fn after_seal_rotation_old_decisions_still_verify_and_new_ones_use_the_new_seal() {
    let app = TestApp::spawn_demo_witnessed().await;
    let first = case_ready_for_decision(&app).await;
    let old = step(
        &app.approver().await,
        &first,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    app.clock.advance(Duration::hours(1));
    let (store, now) = (app.store.clone(), app.clock_now());
    let (new_id, key) = tokio::task::spawn_blocking(move || {
        let j = oneseal_domain::org::DivisionCode::parse("370100").unwrap();
        let at = time::OffsetDateTime::from_unix_timestamp(now).unwrap();
        oneseal_server::services::sealing::rotate_bureau_seal(
            &store,
            &oneseal_testkit::test_master_key(),
            &j,
            "济政字〔2026〕99号（测试）",
            at,
        )
    })
    .await
    .unwrap()
    .unwrap();
    app.seal_keys.insert(&new_id, key);
    let second = case_ready_for_decision(&app).await;
    let new = step(
        &app.approver().await,
        &second,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    assert_eq!(new["sealed"]["es_id"], new_id.as_str());
    assert_ne!(old["sealed"]["es_id"], new["sealed"]["es_id"]);
    app.checkpoint_and_cosign().await;
    for (decided, before_revocation) in [(&old, true), (&new, false)] {
        let license = decided["sealed"]["license_id"].as_str().unwrap();
        let r = verify_licence(&app, license).await;
        assert_eq!(r["valid"], true, "{r}");
        assert_eq!(
            r["summary_zh"].as_str().unwrap().contains("撤销前"),
            before_revocation,
            "{r}"
        );
    }
}

/// The approving official acting at `now`, as the HTTP handler builds it.
async fn approver_at(
    app: &TestApp,
    now: time::OffsetDateTime,
) -> oneseal_server::services::cases::Acting {
    let calendar = app
        .store
        .read(|c| oneseal_server::services::calendar::CalendarStore::load(c))
        .await
        .unwrap();
    oneseal_server::services::cases::Acting {
        staff: oneseal_domain::org::StaffId::parse("APPROVE").unwrap(),
        roles: vec![oneseal_domain::org::Role::Approver],
        now,
        calendar: calendar.current(),
        jurisdiction: oneseal_domain::org::DivisionCode::parse("370100").unwrap(),
        secrets: app.case_secrets.clone(),
    }
}

/// Decides `number` through the writer with the given signatures made ahead; returns whether
/// the sealed decision verifies.
async fn decide_with(
    app: &TestApp,
    who: oneseal_server::services::cases::Acting,
    number: &str,
    presigned: oneseal_server::services::cases::Presign,
) -> bool {
    let n = oneseal_domain::case::CaseNumber::parse(number).unwrap();
    let keys = app.seal_keys.clone();

    let outcome = app
        .store
        .write(move |tx| {
            oneseal_server::services::cases::act(tx, &who, &n, approve(), &keys, presigned)
        })
        .await
        .unwrap();
    let license = outcome.sealed.unwrap().license_id.unwrap();
    app.checkpoint_and_cosign().await;
    verify_licence(app, &license).await["valid"] == true
}

/// A licence's sealed bundle, as anyone may download it.
async fn sealed_bundle(app: &TestApp, license: &str) -> Vec<u8> {
    app.anonymous()
        .get(&format!("/api/v1/verify/bundle/{license}"))
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec()
}

/// What the public verification says of a bundle.
async fn verify_bundle(app: &TestApp, bundle: Vec<u8>) -> Value {
    app.anonymous()
        .post_bytes("/api/v1/verify", bundle)
        .await
        .json()
        .await
        .unwrap()
}

/// What the public verification says of a licence's sealed bundle.
async fn verify_licence(app: &TestApp, license: &str) -> Value {
    verify_bundle(app, sealed_bundle(app, license).await).await
}

/// The approving official's decision to approve, as the domain command.
fn approve() -> oneseal_domain::case::Command {
    serde_json::from_value(json!({"action": "decide", "decision": {"outcome": "approve"}})).unwrap()
}

/// A step's document signed before its write (off the writer thread) is used only if the
/// writer's own draft is the same document at the same second; a stale one is never recorded.
#[tokio::test]
async fn a_signature_made_ahead_of_the_write_is_used_only_for_the_same_document() {
    use oneseal_server::wall_clock::WallClock;
    let app = TestApp::spawn_demo_witnessed().await;
    let decide = approve();
    for stale in [false, true] {
        let number = case_ready_for_decision(&app).await;
        let n = oneseal_domain::case::CaseNumber::parse(&number).unwrap();
        let t0 = app.clock.now();
        let ahead = approver_at(&app, t0).await;
        let (keys, cmd) = (app.seal_keys.clone(), decide.clone());
        let presigned = app
            .store
            .read(move |c| oneseal_server::services::cases::presign(c, &ahead, &n, cmd, &keys))
            .await
            .unwrap();
        assert_eq!(presigned.signed(), 1, "a decision seals one document");
        // A stale signature: the write happens two seconds later, so the document differs.
        let at = if stale { t0 + Duration::seconds(2) } else { t0 };
        let who = approver_at(&app, at).await;
        assert!(
            decide_with(&app, who, &number, presigned).await,
            "stale: {stale}: the recorded seal does not verify"
        );
    }
}

/// The writer reuses the case presigning folded only while no event was appended since: a
/// decision recorded between the presign and the write makes the second one fail (its first
/// event's place in the case's history is taken), never a second decision on the stale read;
/// `write_step` then runs it again on the case as it stands, where it is a refused repeat.
#[tokio::test]
async fn a_case_read_ahead_of_the_write_is_not_reused_once_the_case_moved_on() {
    use oneseal_server::wall_clock::WallClock;
    let app = TestApp::spawn_demo().await;
    let number = case_ready_for_decision(&app).await;
    let n = oneseal_domain::case::CaseNumber::parse(&number).unwrap();
    let now = app.clock.now();
    let (ahead, keys, n1) = (
        approver_at(&app, now).await,
        app.seal_keys.clone(),
        n.clone(),
    );
    let (ahead_again, keys_again, n_again) = (ahead.clone(), keys.clone(), n1.clone());
    let stale = app
        .store
        .read(move |c| oneseal_server::services::cases::presign(c, &ahead, &n1, approve(), &keys))
        .await
        .unwrap();
    let number_again = n_again.clone();
    let stale_again = app
        .store
        .read(move |c| {
            oneseal_server::services::cases::presign(
                c,
                &ahead_again,
                &n_again,
                approve(),
                &keys_again,
            )
        })
        .await
        .unwrap();
    let (first, keys, n2) = (
        approver_at(&app, now).await,
        app.seal_keys.clone(),
        n.clone(),
    );
    app.store
        .write(move |tx| {
            oneseal_server::services::cases::act(
                tx,
                &first,
                &n2,
                approve(),
                &keys,
                Default::default(),
            )
        })
        .await
        .unwrap();
    let (second, keys) = (approver_at(&app, now).await, app.seal_keys.clone());
    let repeated = app
        .store
        .write(move |tx| {
            oneseal_server::services::cases::act(tx, &second, &n, approve(), &keys, stale)
        })
        .await;
    assert!(repeated.is_err(), "a stale read decided the case twice");
    let (third, keys) = (approver_at(&app, now).await, app.seal_keys.clone());
    let retried = oneseal_server::services::cases::write_step(
        &app.store,
        &keys,
        third,
        number_again,
        approve(),
        stale_again,
    )
    .await;
    assert!(
        matches!(
            retried,
            Err(oneseal_server::services::cases::CaseServiceError::Refused(
                oneseal_domain::case::CaseError::AlreadyDecided { .. }
            ))
        ),
        "not run again on the case as it stands: {retried:?}"
    );
    let (_, case) = app
        .sign_in("APPROVE")
        .await
        .get_json(&format!("/api/v1/cases/{number}"))
        .await;
    let decided = case["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "decided")
        .count();
    assert_eq!(decided, 1, "one decision on the case: {case}");
}

/// A step's time is taken when its request arrives. A revocation recorded while the step waited
/// for the writer, even one dated after that time, still stops the seal.
#[tokio::test]
async fn a_seal_revoked_while_a_decision_waits_for_the_writer_does_not_sign_it() {
    use oneseal_server::wall_clock::WallClock;
    let app = TestApp::spawn_demo().await;
    let number = case_ready_for_decision(&app).await;
    let arrived = app.clock.now();
    revoke_bureau_seal(&app, arrived + Duration::seconds(5)).await;
    let who = approver_at(&app, arrived).await;
    let n = oneseal_domain::case::CaseNumber::parse(&number).unwrap();
    let keys = app.seal_keys.clone();

    let refused = app
        .store
        .write(move |tx| {
            oneseal_server::services::cases::act(tx, &who, &n, approve(), &keys, Default::default())
        })
        .await
        .map_err(oneseal_server::error::ApiError::from);
    match refused {
        Err(oneseal_server::error::ApiError::Conflict { code, .. }) => {
            assert_eq!(code, "seal_revoked");
        }
        other => panic!("the revoked seal signed or failed otherwise: {other:?}"),
    }
}
