//! The end check every `TestApp` runs when it drops (`ledger verify` and `rules replay` on its
//! database) bites: a corrupted projection fails it, and the opt-out is no free pass.

use std::panic::{AssertUnwindSafe, catch_unwind};

use oneseal_server::services::ledger::audit::Finding;
use oneseal_testkit::{TestApp, tamper};

/// Drops the app as the end of a test would; `true` when that failed the test.
fn drop_fails(app: TestApp) -> bool {
    catch_unwind(AssertUnwindSafe(move || drop(app))).is_err()
}

#[tokio::test]
async fn a_projection_row_edited_without_opting_out_fails_the_end_check() {
    let app = TestApp::spawn_demo().await;
    app.checkpoint().await;
    assert!(app.end_check().is_ok(), "the seeded demo holds");
    app.store
        .write(|tx| tamper::set_staff_roles(tx.conn(), "CLERK", "approver"))
        .await
        .unwrap();
    let found = app.end_check().unwrap_err();
    assert_eq!(
        found.ledger,
        vec![Finding::Row {
            table: "staff".into(),
            key: "\"CLERK\"".into(),
            column: "roles".into(),
            expected: "\"clerk\"".into(),
            found: "\"approver\"".into(),
        }]
    );
    assert!(found.replay.is_empty() && found.failed.is_none(), "{found}");
    assert!(drop_fails(app), "the app's drop fails the test");
}

#[tokio::test]
async fn a_forged_alert_fails_the_end_check_through_rules_replay() {
    let app = TestApp::spawn_demo().await;
    app.store
        .write(|tx| {
            tamper::insert_alert(
                tx.conn(),
                &tamper::ForgedAlert {
                    alert_id: "ALforged",
                    jurisdiction: "370100",
                    rule_id: "red_card",
                    subject: "case:1",
                    message_zh: "伪造",
                    raised_on: "2026-11-23",
                },
            )
        })
        .await
        .unwrap();
    let found = app.end_check().unwrap_err();
    assert!(
        found
            .replay
            .iter()
            .any(|f| f.to_string().contains("ALforged")),
        "{found}"
    );
    assert!(drop_fails(app));
}

#[tokio::test]
async fn an_app_that_expects_corruption_and_has_it_ends_quietly() {
    let app = TestApp::spawn_demo().await;
    app.expect_corrupted();
    app.store
        .write(|tx| tamper::delete_hall_window(tx.conn(), "370100", "W01"))
        .await
        .unwrap();
    assert!(!drop_fails(app));
}

#[tokio::test]
async fn expect_corrupted_on_an_intact_database_fails_the_test() {
    let app = TestApp::spawn_demo().await;
    app.expect_corrupted();
    assert!(drop_fails(app), "an opt-out without corruption is refused");
}
