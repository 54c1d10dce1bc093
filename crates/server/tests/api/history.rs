//! The generated history (`oneseal demo generate`, `serve --demo`): it verifies and replays like
//! real work (the app's end check runs `ledger verify` and `rules replay` when it drops), it has
//! every kind of case a newcomer should see, and one seed always gives the same cases.

use oneseal_testkit::{TestApp, peek};

/// The generated lines without what must differ between two databases: the receipt's keyed
/// query-code digest (a per-database secret).
fn contents(lines: Vec<String>) -> Vec<String> {
    lines
        .into_iter()
        .map(|l| {
            let Some(body) = l.strip_prefix("event ").and_then(|r| r.split_once(" {")) else {
                return l;
            };
            let mut v: serde_json::Value =
                serde_json::from_str(&format!("{{{}", body.1)).expect("event body");
            if let Some(o) = v.as_object_mut() {
                o.remove("query_code");
            }
            format!("event {} {v}", body.0)
        })
        .collect()
}

async fn history_lines(app: &TestApp) -> Vec<String> {
    contents(app.store.read(peek::history_contents).await.unwrap())
}

#[tokio::test]
async fn a_generated_history_verifies_replays_and_shows_a_working_bureau() {
    let app = TestApp::spawn_history(160, 45, 7).await;
    let lines = history_lines(&app).await;
    let count = |p: &str| lines.iter().filter(|l| l.starts_with(p)).count();
    assert!(count("case ") >= 150, "{} cases", count("case "));
    for kind in [
        "\"one_time_notice_issued\"",
        "\"not_accepted\"",
        "\"decided\"",
        "\"delivered\"",
        "\"withdrawn\"",
    ] {
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("event ") && l.contains(kind)),
            "no {kind} in the history"
        );
    }
    assert!(
        count("push ") > 20
            && lines
                .iter()
                .any(|l| l.starts_with("push ") && l.contains("claimed"))
    );
    assert!(count("rating ") > 10);
    // Some cases are still open at the end, as in a living bureau, and most are closed.
    let closed: Vec<bool> = lines
        .iter()
        .filter(|l| l.starts_with("case "))
        .map(|l| l.split_whitespace().rev().nth(1) == Some("1"))
        .collect();
    assert!(closed.iter().any(|c| !c) && closed.iter().filter(|c| **c).count() > closed.len() / 2);
    let alerts = app
        .store
        .read(|c| peek::entries_of_kind(c, "rules.alert_raised"))
        .await
        .unwrap();
    assert!(
        !alerts.is_empty(),
        "no alert over a month and a half of cases"
    );
}

#[tokio::test]
async fn one_seed_gives_the_same_cases_and_another_seed_others() {
    let a = TestApp::spawn_history(40, 20, 11).await;
    let b = TestApp::spawn_history(40, 20, 11).await;
    let c = TestApp::spawn_history(40, 20, 12).await;
    let (la, lb, lc) = (
        history_lines(&a).await,
        history_lines(&b).await,
        history_lines(&c).await,
    );
    assert!(la.len() > 40);
    assert_eq!(la, lb);
    assert_ne!(la, lc);
}
