//! Inputs that gave a 500 (issue #15, item 8): a public ledger entry holds at most 65,535 bytes,
//! so a 25,000-character law or a 70,000-character id in a path failed the write. Every string
//! now has a documented maximum in /openapi.json and over it is the typed 400 `too_long` naming
//! the field and the limit; names must show something; the 413 names the limit that applies.

use oneseal_server::MAX_BODY_BYTES;
use oneseal_testkit::{Actor, TestApp, error_code};
use reqwest::Method;
use serde_json::{Value, json};

use super::ledger_size;
use crate::cases::{applicant, approved_and_cosigned_licence, expert_review_item};

async fn post(actor: &Actor, path: &str, body: &Value) -> (u16, Value) {
    let r = actor.post(path, body).await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn attacks_overlong_strings_and_ids_are_a_typed_400_naming_field_and_limit() {
    let app = TestApp::spawn_demo_witnessed().await;
    let licence = approved_and_cosigned_licence(&app).await;
    let fg = app
        .department_token("FG", &["claim_push", "view_pushes", "submit_feedback"])
        .await;
    let before = ledger_size(&app).await;

    // The finding's two cases.
    let law = "法".repeat(25_000);
    let (s, b) = post(
        &fg,
        "/api/v1/linkage/feedback",
        &json!({"external_ref": "R-1", "body": {"type": "policy_change", "law": law,
                "articles": [], "summary": "变更", "effective_on": "2026-12-01"}}),
    )
    .await;
    assert_eq!((s, error_code(&b)), (400, "too_long"), "{b}");
    assert_eq!(b["error"]["details"]["field"], "body.body.law", "{b}");
    assert_eq!(b["error"]["details"]["max_chars"], 200, "{b}");
    // Just under what hyper itself accepts in a request line (it answers longer ones alone).
    let long_id = "P".repeat(60_000);
    let (s, b) = post(
        &fg,
        &format!("/api/v1/linkage/pushes/{long_id}/claim"),
        &json!({}),
    )
    .await;
    assert_eq!((s, error_code(&b)), (400, "too_long"), "{b}");
    assert_eq!(b["error"]["details"]["field"], "path", "{b}");
    // A header the API documents is bounded too.
    let r = fg
        .request(Method::POST, "/api/v1/linkage/pushes/P-1/claim")
        .header("Idempotency-Key", "k".repeat(129))
        .send()
        .await
        .unwrap();
    let b: Value = r.json().await.unwrap();
    assert_eq!(error_code(&b), "too_long", "{b}");

    // Each documented bound, one over, on the routes of this finding: a typed 400 naming it.
    let approver = app.approver().await;
    let over = |n: usize| "字".repeat(n + 1);
    let cases: Vec<(&Actor, String, Value, &str, u64)> = vec![
        (
            &approver,
            format!("/api/v1/licences/{licence}/actions"),
            json!({"action": "change", "what": over(2000)}),
            "body.what",
            2000,
        ),
        (
            &approver,
            format!("/api/v1/licences/{licence}/actions"),
            json!({"action": "revoke", "reason": over(2000), "fraud": false}),
            "body.reason",
            2000,
        ),
        (
            &fg,
            format!("/api/v1/licences/{licence}/penalty"),
            json!({"decision_ref": over(100)}),
            "body.decision_ref",
            100,
        ),
        (
            &fg,
            "/api/v1/linkage/feedback".into(),
            json!({"external_ref": over(100), "body": {"type": "violation_notice", "subject": "x", "summary": "y"}}),
            "body.external_ref",
            100,
        ),
        (
            &fg,
            "/api/v1/linkage/feedback".into(),
            json!({"external_ref": "R-2", "body": {"type": "policy_change", "law": "《某法》",
                   "articles": [over(50)], "summary": "y", "effective_on": "2026-12-01"}}),
            "body.body.articles[0]",
            50,
        ),
    ];
    for (actor, path, body, field, max) in cases {
        let (s, b) = post(actor, &path, &body).await;
        assert_eq!((s, error_code(&b)), (400, "too_long"), "{path} {b}");
        assert_eq!(b["error"]["details"]["field"], field, "{b}");
        assert_eq!(b["error"]["details"]["max_chars"], max, "{b}");
    }
    // A string no schema describes still has the default bound.
    let (s, b) = post(
        &approver,
        &format!("/api/v1/licences/{licence}/actions"),
        &json!({"action": "change", "what": "x", "extra": over(2000)}),
    )
    .await;
    assert_eq!((s, error_code(&b)), (400, "too_long"), "{b}");
    assert_eq!(ledger_size(&app).await, before, "nothing was written");
}

#[tokio::test]
async fn attacks_names_of_only_invisible_or_bidi_characters_are_refused() {
    let app = TestApp::spawn_demo().await;
    let code = expert_review_item(&app).await;
    let clerk = app.clerk().await;
    for name in [
        "\u{202E}\u{2066}\u{2069}",
        "\u{200B}\u{200D}\u{FEFF}",
        "\u{3000} \u{3164}",
    ] {
        let mut who = applicant();
        who["name"] = json!(name);
        let (s, b) = post(
            &clerk,
            "/api/v1/cases",
            &json!({"item_code": code, "channel": "window", "applicant": who}),
        )
        .await;
        assert_eq!((s, error_code(&b)), (400, "invisible_name"), "{name:?} {b}");
        assert_eq!(b["error"]["details"]["field"], "body.applicant.name");
    }
    let admin = app.admin().await;
    let r = admin
        .request(Method::PUT, "/api/v1/rules/expressions/blank_name")
        .json(&json!({"name_zh": "\u{200F}\u{200E}", "expression": "true", "active": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let b: Value = r.json().await.unwrap();
    assert_eq!(error_code(&b), "invisible_name", "{b}");
    // A name with a visible character beside a bidi control is a name.
    let mut who = applicant();
    who["name"] = json!("\u{202E}王五");
    let (s, b) = post(
        &clerk,
        "/api/v1/cases",
        &json!({"item_code": code, "channel": "window", "applicant": who, "materials": []}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
}

#[tokio::test]
async fn attacks_the_413_names_the_limit_that_applies_to_every_route() {
    let app = TestApp::spawn_demo().await;
    // Between the extractors' old 2 MB default and the limit: not refused as too large.
    let body = vec![b' '; 3 << 20];
    let r = app
        .anonymous()
        .request(Method::POST, "/api/v1/verify")
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_ne!(r.status(), 413, "3 MiB is under the documented limit");
    let r = app
        .anonymous()
        .request(Method::POST, "/api/v1/verify")
        .header("content-type", "application/json")
        .body(vec![b' '; MAX_BODY_BYTES + 1])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    let b: Value = r.json().await.unwrap();
    let limit = format!("{} MiB", MAX_BODY_BYTES >> 20);
    assert!(
        b["error"]["message_en"].as_str().unwrap().contains(&limit),
        "{b}"
    );
}
