//! How cases lie on disk (issue #17 item 5): case events are stored packed (migration 59), tree
//! nodes as key and hash (migration 58). What is read back is what was written; rows written
//! before the migrations stay readable, and `ledger verify` compares what rows hold, not how
//! they are packed.

use oneseal_testkit::{TestApp, peek, tamper};
use serde_json::Value;

/// The clerk's first page of cases, by number.
async fn queue_numbers(app: &TestApp) -> Vec<String> {
    let (status, page) = app.clerk().await.get_json("/api/v1/cases?limit=50").await;
    assert_eq!(status, 200, "{page}");
    page["cases"]
        .as_array()
        .unwrap_or_else(|| panic!("{page}"))
        .iter()
        .filter_map(|c| c["case_number"].as_str().map(str::to_owned))
        .collect()
}

/// A case as the clerk's API gives it (which folds its stored events).
async fn case_json(app: &TestApp, number: &str) -> Value {
    let (status, case) = app
        .clerk()
        .await
        .get_json(&format!("/api/v1/cases/{number}"))
        .await;
    assert_eq!(status, 200, "{number}: {case}");
    case
}

#[tokio::test]
async fn case_events_written_plain_before_migration_59_are_read_verified_and_packed_by_it() {
    let app = TestApp::spawn_history(40, 30, 5).await;
    let lines = app.store.read(peek::history_contents).await.unwrap();
    let (packed, plain, packed_bytes) = app.store.read(peek::case_event_storage).await.unwrap();
    assert!(packed > 100 && plain == 0, "{packed} packed, {plain} plain");
    let numbers = queue_numbers(&app).await;
    assert!(!numbers.is_empty());
    let case = case_json(&app, &numbers[0]).await;

    // A database written before the migration: every body plain.
    app.store
        .write(|tx| tamper::unpack_case_events(tx.conn()))
        .await
        .unwrap();
    let (none, old, plain_bytes) = app.store.read(peek::case_event_storage).await.unwrap();
    assert_eq!((none, old), (0, packed));
    assert!(
        packed_bytes * 2 < plain_bytes,
        "packed {packed_bytes} bytes against {plain_bytes} plain"
    );
    // Read as before: the same events, the same case, the same queue; verify compares the
    // replay's packed rows with the plain ones by what they hold.
    assert_eq!(app.store.read(peek::history_contents).await.unwrap(), lines);
    assert_eq!(case_json(&app, &numbers[0]).await, case);
    assert_eq!(queue_numbers(&app).await, numbers);
    app.assert_consistent();

    // The migration packs them again, to the same bytes the projection writes.
    let applied = app.migrate_again();
    assert_eq!(applied, [59]);
    assert_eq!(
        app.store.read(peek::case_event_storage).await.unwrap(),
        (packed, 0, packed_bytes)
    );
    assert_eq!(app.store.read(peek::history_contents).await.unwrap(), lines);
    assert_eq!(case_json(&app, &numbers[0]).await, case);
    app.assert_consistent();
}

#[tokio::test]
async fn verify_finds_a_packed_case_event_edited_behind_the_systems_back() {
    let app = TestApp::spawn_history(20, 10, 3).await;
    let number = queue_numbers(&app).await.remove(0);
    app.assert_consistent();
    // The receipt's time moved by a decade: the bytes stay packed, only unpacking shows it.
    let n = number.clone();
    app.store
        .write(move |tx| tamper::edit_case_event(tx.conn(), &n, 1, "\"20", "\"19"))
        .await
        .unwrap();
    app.expect_corrupted();
    let findings = app.ledger_finding_texts().await;
    assert!(
        findings
            .iter()
            .any(|f| f.contains("case_events") && f.contains(&number) && f.contains("body")),
        "{findings:?}"
    );
}
