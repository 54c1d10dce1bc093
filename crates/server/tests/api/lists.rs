//! The other lists a page at a time (issue #17): alerts, pushes and ratings, by keyset cursor, with typed refusals
//! of cursors and limits that are not theirs.

use std::collections::BTreeSet;

use oneseal_server::background::rules_runner::run;
use oneseal_testkit::{TestApp, error_code};
use serde_json::{Value, json};
use time::macros::datetime;

use crate::cases::{applicant, case_ready_for_decision, step};

/// Cases left unhandled long enough for the rules to raise an alert about each.
async fn unhandled_cases(app: &TestApp, n: usize) {
    let clerk = app.clerk().await;
    let (_, page) = clerk
        .get_json("/api/v1/catalog/items?per_page=5&category=licensing")
        .await;
    let item = page["items"][0]["basic_code"].as_str().unwrap().to_owned();
    for _ in 0..n {
        let r = clerk
            .post(
                "/api/v1/cases",
                &json!({"item_code": item, "channel": "window", "applicant": applicant(), "materials": []}),
            )
            .await;
        assert_eq!(r.status(), 200);
    }
    // Received Monday 23 November: the notice window ends Monday 30 November.
    let raised = run(&app.store, datetime!(2026-12-01 09:00 +8))
        .await
        .unwrap()
        .raised;
    assert!(raised >= n, "{raised} alerts for {n} cases");
    app.clock.set(datetime!(2026-12-01 09:00 +8));
}

fn ids(page: &Value) -> Vec<String> {
    page["alerts"]
        .as_array()
        .unwrap_or_else(|| panic!("{page}"))
        .iter()
        .map(|a| a["alert_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn alerts_page_through_every_alert_once_and_back() {
    let app = TestApp::spawn_demo().await;
    unhandled_cases(&app, 4).await;
    let inspector = app.inspector().await;
    let (_, all) = inspector.get_json("/api/v1/alerts?limit=200").await;
    let total = all["open"].as_i64().unwrap() + all["closed"].as_i64().unwrap();
    let everything = ids(&all);
    assert_eq!(everything.len() as i64, total);
    let mut seen = Vec::new();
    let mut pages = Vec::new();
    let mut url = "/api/v1/alerts?limit=2".to_owned();
    loop {
        let (status, page) = inspector.get_json(&url).await;
        assert_eq!(status, 200, "{page}");
        seen.extend(ids(&page));
        pages.push(ids(&page));
        match page["next_cursor"].as_str() {
            Some(c) => url = format!("/api/v1/alerts?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(
        seen, everything,
        "the pages are the whole list, in order, once"
    );
    assert_eq!(seen.iter().collect::<BTreeSet<_>>().len(), seen.len());
    if pages.len() > 1 {
        let (_, last) = inspector.get_json(&url).await;
        let prev = last["prev_cursor"].as_str().unwrap();
        let (_, back) = inspector
            .get_json(&format!("/api/v1/alerts?limit=2&cursor={prev}"))
            .await;
        assert_eq!(ids(&back), pages[pages.len() - 2]);
    }
    // The page links to the next page and keeps its size.
    let html = inspector.get("/alerts?limit=2").await.text().await.unwrap();
    assert!(
        html.contains("下一页") && html.contains("limit=2"),
        "{html}"
    );
}

#[tokio::test]
async fn alert_lists_refuse_cursors_and_limits_that_are_not_theirs() {
    let app = TestApp::spawn_demo().await;
    let inspector = app.inspector().await;
    // A case queue's cursor (base64url of "a:37010020261206000001") is not an alert's.
    for (query, code) in [
        ("cursor=YTozNzAxMDAyMDI2MTIwNjAwMDAwMQ", "bad_cursor"),
        ("cursor=%25%25", "bad_cursor"),
        ("limit=0", "bad_limit"),
        ("limit=1000", "bad_limit"),
        ("status=maybe", "bad_filter"),
    ] {
        let (status, body) = inspector.get_json(&format!("/api/v1/alerts?{query}")).await;
        assert_eq!((status, error_code(&body)), (400, code), "{query}: {body}");
    }
    assert_eq!(inspector.get("/alerts?cursor=%25%25").await.status(), 400);
}

#[tokio::test]
async fn pushes_and_ratings_page_and_refuse_cursors_that_are_not_theirs() {
    let app = TestApp::spawn_demo().await;
    let mut pushed = Vec::new();
    for _ in 0..3 {
        let number = case_ready_for_decision(&app).await;
        let decided = step(
            &app.approver().await,
            &number,
            json!({"action": "decide", "decision": {"outcome": "approve"}}),
        )
        .await;
        pushed.push(decided["pushes"][0].as_str().unwrap().to_owned());
    }
    let head = app.head().await;
    let mut seen = Vec::new();
    let mut url = "/api/v1/linkage/pushes?limit=2".to_owned();
    loop {
        let (status, page) = head.get_json(&url).await;
        assert_eq!(status, 200, "{page}");
        for p in page["pushes"].as_array().unwrap() {
            seen.push(p["push_id"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => url = format!("/api/v1/linkage/pushes?limit=2&cursor={c}"),
            None => break,
        }
    }
    pushed.reverse();
    assert_eq!(seen, pushed, "newest first, each once");
    let (status, page) = head.get_json("/api/v1/ratings?limit=5").await;
    assert_eq!(status, 200, "{page}");
    assert!(page["ratings"].as_array().unwrap().is_empty() && page["next_cursor"].is_null());
    // base64url of "a:37010020261206000001": a case's cursor, neither a push's nor a rating's.
    for path in ["/api/v1/linkage/pushes", "/api/v1/ratings"] {
        for (query, code) in [
            ("cursor=YTozNzAxMDAyMDI2MTIwNjAwMDAwMQ", "bad_cursor"),
            ("limit=0", "bad_limit"),
            ("limit=201", "bad_limit"),
        ] {
            let (status, body) = head.get_json(&format!("{path}?{query}")).await;
            assert_eq!(
                (status, error_code(&body)),
                (400, code),
                "{path}?{query}: {body}"
            );
        }
    }
    assert_eq!(head.get("/ratings?limit=0").await.status(), 400);
}
