//! Background work is incremental (issue #17, item 3): a server's rule runner keeps its
//! engines and feeds them only new entries, yet what it records over many runs, time-driven
//! alerts included (deadlines passing with no new entry), is exactly what one fold of the whole
//! log proves (`rules replay`); the linkage runner visits only the pushes whose dates have come
//! and counts its digests again only when a log has grown.

use std::sync::Arc;

use oneseal_domain::calendar::Calendar;
use oneseal_server::background::linkage_runner::{DigestMemo, run_due};
use oneseal_server::background::rules_runner::{RuleEngines, run};
use oneseal_testkit::{START, TestApp};
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime, Time};

use crate::cases::{applicant, case_ready_for_decision, step};

fn at(day: i64, hour: u8) -> OffsetDateTime {
    (START + Duration::days(day)).replace_time(Time::from_hms(hour, 0, 0).unwrap())
}

/// Receives a case at the window and leaves it there: only the calendar moves it on.
async fn received_and_left(app: &TestApp) -> String {
    let (_, items) = app
        .clerk()
        .await
        .get_json("/api/v1/catalog/items?per_page=5&category=licensing")
        .await;
    let code = items["items"][0]["basic_code"].as_str().unwrap().to_owned();
    let r = app
        .clerk()
        .await
        .post(
            "/api/v1/cases",
            &json!({"item_code": code, "channel": "window", "applicant": applicant()}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    v["case_number"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_kept_engine_over_a_growing_history_raises_what_one_fold_of_the_log_proves() {
    let app = TestApp::spawn_history(120, 40, 17).await;
    let kept = RuleEngines::default();
    // The first run folds the whole generated history, whose alerts are recorded already.
    let first = kept.run(&app.store, at(0, 9)).await.unwrap();
    assert_eq!(first.raised, 0, "{first:?}");
    let mut raised = 0;
    let mut left = Vec::new();
    // Ten days of work after the history: each day a case received and left alone (its notice
    // window runs out with no new entry on it) and a decision after office hours; the kept
    // engine runs in the morning, at noon and at night, reading only what was appended.
    for day in 0..10 {
        app.clock.set(at(day, 10));
        left.push(received_and_left(&app).await);
        raised += kept.run(&app.store, at(day, 12)).await.unwrap().raised;
        let number = case_ready_for_decision(&app).await;
        app.clock.set(at(day, 21));
        step(
            &app.approver().await,
            &number,
            json!({"action": "decide", "decision": {"outcome": "approve"}}),
        )
        .await;
        raised += kept.run(&app.store, at(day, 22)).await.unwrap().raised;
        raised += kept.run(&app.store, at(day + 1, 8)).await.unwrap().raised;
    }
    assert!(raised >= 10, "one off-hours alert a day at least: {raised}");
    // Time-driven: the first cases left alone were alerted on their sixth working day.
    app.clock.set(at(10, 9));
    let (_, body) = app
        .inspector()
        .await
        .get_json("/api/v1/alerts?limit=200")
        .await;
    let notice: Vec<&str> = body["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["rule_id"] == "notice_deadline")
        .filter_map(|a| a["subject"].as_str())
        .collect();
    assert!(
        notice.contains(&format!("case:{}", left[0]).as_str()),
        "{notice:?}"
    );
    // One fold of the whole log finds nothing left to record, and the re-proof agrees alert
    // by alert with what the incremental runner recorded.
    let fresh = run(&app.store, at(10, 9)).await.unwrap();
    assert_eq!(fresh.raised, 0, "{fresh:?}");
    let findings = app.replay_findings().await;
    assert!(findings.is_empty(), "{findings:?}");
}

#[tokio::test]
async fn the_linkage_runner_digests_once_a_day_and_recounts_only_after_the_logs_grow() {
    let app = TestApp::spawn_history(80, 30, 5).await;
    let memo = Arc::new(DigestMemo::default());
    let calendar = || Arc::new(Calendar::builtin().unwrap());
    // Monday after 17:00 China time: the day's digests.
    let first = memo
        .run_due(&app.store, calendar(), at(0, 18))
        .await
        .unwrap();
    assert!(first.digests > 0, "{first:?}");
    // Nothing is issued twice, whether the memo skips the count or not.
    for minute in [1, 2, 3] {
        let now = at(0, 18) + Duration::minutes(minute);
        let again = memo.run_due(&app.store, calendar(), now).await.unwrap();
        assert_eq!(again.digests, 0, "{again:?}");
    }
    let plain = run_due(&app.store, calendar(), at(0, 19)).await.unwrap();
    assert_eq!(plain.digests, 0, "{plain:?}");
    // The next working day, after 17:00, the remembered quiet day no longer holds.
    let next = memo
        .run_due(&app.store, calendar(), at(1, 18))
        .await
        .unwrap();
    assert!(next.digests > 0, "{next:?}");
    assert!(app.ledger_findings().await.is_empty());
}

#[tokio::test]
async fn a_restarted_server_continues_from_its_snapshot_and_raises_what_a_fold_raises() {
    let app = TestApp::spawn_history(60, 20, 3).await;
    let first = RuleEngines::persisted();
    let full = first.run(&app.store, at(0, 9)).await.unwrap().read;
    assert!(full > 500, "the first run folds the history: {full}");
    // An off-hours decision, then a "restart": new engines, continued from the stored snapshot.
    let number = case_ready_for_decision(&app).await;
    app.clock.set(at(0, 21));
    step(
        &app.approver().await,
        &number,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    let restarted = RuleEngines::persisted();
    let r = restarted.run(&app.store, at(0, 22)).await.unwrap();
    assert_eq!(r.raised, 1, "{r:?}");
    assert!(
        r.read < 100,
        "only what was appended since the snapshot: {r:?}"
    );
    // A snapshot that does not end at an entry of this log is not continued from.
    app.store
        .write(|tx| {
            for (log, _) in oneseal_store::rules::log_sizes(tx.conn())? {
                if let Some(mut s) = oneseal_store::rule_snapshots::load(tx.conn(), &log)? {
                    s.last_entry = "0".repeat(64);
                    oneseal_store::rule_snapshots::save(tx.conn(), &log, &s, "forged")?;
                }
            }
            Ok::<_, oneseal_store::StoreError>(())
        })
        .await
        .unwrap();
    let third = RuleEngines::persisted();
    let r = third.run(&app.store, at(1, 9)).await.unwrap();
    assert!(r.read > full, "folded again: {r:?}");
    assert_eq!(run(&app.store, at(1, 10)).await.unwrap().raised, 0);
    assert!(app.replay_findings().await.is_empty());
}
