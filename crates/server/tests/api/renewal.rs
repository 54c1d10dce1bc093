//! Issue #21 items 1 and 12 over HTTP: renewal, change and cancellation as cases linked to their
//! licence (only the holder applies; decided, refused with reasons and remedies, sealed), a
//! renewal deemed granted when undecided at expiry (Art. 50) and its alert, revocation with its
//! Art. 69 ground, and the bans of Art. 78–79 checked at intake.

use oneseal_server::background::rules_runner::run;
use oneseal_testkit::{Actor, TestApp, error_code};
use serde_json::{Value, json};
use time::macros::datetime;

use crate::cases::{case_ready_for_decision_by, step};

/// 食品经营许可: 60-month term, renewal 30 days ahead, bears on health, cancellation on
/// application allowed (the embedded catalog's legal settings).
const FOOD: &str = "990100001000";

fn holder() -> Value {
    json!({"type": "organisation", "name": "济南续证食品有限公司", "uscc": "91370100MA3C0RT1XH", "contact_phone": "13812345678"})
}

/// A food licence granted on 2026-09-07 (valid until 2031-09-07) to [`holder`].
async fn granted(app: &TestApp) -> String {
    granted_to(app, holder()).await
}

async fn granted_to(app: &TestApp, applicant: Value) -> String {
    app.clock.set(datetime!(2026-09-07 09:00 +8));
    let number = case_ready_for_decision_by(app, FOOD, applicant).await;
    let out = step(
        &app.approver().await,
        &number,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    out["sealed"]["license_id"].as_str().unwrap().to_owned()
}

async fn apply(clerk: &Actor, licence: &str, body: Value) -> (u16, Value) {
    let r = clerk
        .post(&format!("/api/v1/licences/{licence}/applications"), &body)
        .await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn renewal() -> Value {
    json!({"purpose": "renewal", "channel": "window", "applicant": holder()})
}

async fn accepted_and_reviewed(app: &TestApp, number: &str) {
    step(&app.clerk().await, number, json!({"action": "accept"})).await;
    for r in ["REVIEW", "REVIEW2"] {
        let reviewer = app.sign_in(r).await;
        step(
            &reviewer,
            number,
            json!({"action": "review", "step": "review", "opinion": "经审查", "substantive": true}),
        )
        .await;
    }
}

fn refusal(false_materials: bool) -> Value {
    json!({"action": "decide", "decision": {"outcome": "refuse", "reasons": ["经营场所已不符合条件"],
        "remedies": {"reconsideration": "济南市人民政府", "litigation": "济南市中级人民法院"},
        "false_materials": false_materials}})
}

#[tokio::test]
async fn art50_a_renewal_is_a_case_of_the_holder_that_may_be_refused_and_is_sealed_as_a_refusal() {
    let app = TestApp::spawn_demo().await;
    let licence = granted(&app).await;
    app.clock.set(datetime!(2031-07-01 09:00 +8));
    let clerk = app.clerk().await;
    // Only the holder: another organisation is refused.
    let mut other = renewal();
    other["applicant"]["uscc"] = json!("91370100MA3C0RT4XL");
    let (status, body) = apply(&clerk, &licence, other).await;
    assert_eq!(
        (status, error_code(&body)),
        (409, "not_licence_holder"),
        "{body}"
    );
    let (status, body) = apply(&clerk, &licence, renewal()).await;
    assert_eq!(status, 200, "{body}");
    let number = body["case_number"].as_str().unwrap().to_owned();
    assert!(body["query_code"].is_string());
    // One application at a time.
    let (status, body) = apply(&clerk, &licence, renewal()).await;
    assert_eq!(
        (status, error_code(&body)),
        (409, "application_pending"),
        "{body}"
    );
    // The case runs under the licence's own item and names the licence.
    let (_, case) = clerk.get_json(&format!("/api/v1/cases/{number}")).await;
    assert!(case.to_string().contains(FOOD), "{case}");
    accepted_and_reviewed(&app, &number).await;
    let out = step(&app.approver().await, &number, refusal(false)).await;
    assert!(
        out["sealed"]["license_id"].is_null(),
        "no new licence: {out}"
    );
    let (_, lic) = app
        .anonymous()
        .get_json(&format!("/api/v1/licences/{licence}"))
        .await;
    assert_eq!(lic["licence"]["valid_until"], "2031-09-07", "{lic}");
    assert_eq!(lic["licence"]["renewal_refused_on"], "2031-07-01", "{lic}");
    assert!(lic.to_string().contains("renewal_refused"), "{lic}");
    // The staff page shows it.
    let page = clerk
        .get(&format!("/licences/{licence}/manage"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("renewal-refused") && page.contains("不予延续"),
        "{page}"
    );
    // Later than the lead time (30 days before 2031-09-07), a new renewal is refused.
    app.clock.set(datetime!(2031-08-20 09:00 +8));
    let clerk = app.clerk().await;
    let (status, body) = apply(&clerk, &licence, renewal()).await;
    assert_eq!(
        (status, error_code(&body)),
        (409, "renewal_too_late"),
        "{body}"
    );
    // After the refusal, the licence ends at its expiry: never deemed renewed.
    app.clock.set(datetime!(2031-09-09 09:00 +8));
    let (_, lic) = app
        .anonymous()
        .get_json(&format!("/api/v1/licences/{licence}"))
        .await;
    assert_eq!(lic["licence"]["valid_until"], "2031-09-07", "{lic}");
    // Too late to renew now: a new application is refused.
    let clerk = app.clerk().await;
    let (status, body) = apply(&clerk, &licence, renewal()).await;
    assert_eq!(
        (status, error_code(&body)),
        (409, "licence_expired"),
        "{body}"
    );
}

#[tokio::test]
async fn art50_a_renewal_undecided_at_expiry_is_deemed_granted_alerted_and_cannot_be_refused() {
    let app = TestApp::spawn_demo().await;
    let licence = granted(&app).await;
    app.clock.set(datetime!(2031-07-01 09:00 +8));
    let clerk = app.clerk().await;
    let (_, body) = apply(&clerk, &licence, renewal()).await;
    let number = body["case_number"].as_str().unwrap().to_owned();
    accepted_and_reviewed(&app, &number).await;
    app.clock.set(datetime!(2031-09-08 10:00 +8));
    run(&app.store, datetime!(2031-09-08 10:00 +8))
        .await
        .unwrap();
    let (_, alerts) = app
        .inspector()
        .await
        .get_json("/api/v1/alerts?limit=200")
        .await;
    let text = alerts.to_string();
    assert!(
        text.contains("deemed_renewal") && text.contains(&number),
        "{alerts}"
    );
    assert!(text.contains("视为准予延续"), "{alerts}");
    let approver = app.approver().await;
    let r = approver
        .post(&format!("/api/v1/cases/{number}/actions"), &refusal(false))
        .await;
    assert_eq!(r.status().as_u16(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "renewal_deemed_granted", "{body}");
    step(
        &approver,
        &number,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    let (_, lic) = app
        .anonymous()
        .get_json(&format!("/api/v1/licences/{licence}"))
        .await;
    // The item's 60-month term added to the old expiry, recorded as deemed (Art. 50).
    assert_eq!(lic["licence"]["valid_until"], "2036-09-07", "{lic}");
    assert!(
        lic["events"].to_string().contains("\"deemed\":true"),
        "{lic}"
    );
}

#[tokio::test]
async fn art69_art79_a_licence_revoked_for_deception_bans_its_holder_for_three_years() {
    let app = TestApp::spawn_demo().await;
    let licence = granted(&app).await;
    let approver = app.approver().await;
    let r = approver
        .post(
            &format!("/api/v1/licences/{licence}/actions"),
            &json!({"action": "revoke", "reason": "经查以欺骗手段取得", "ground": "deception", "rights_harmed": true}),
        )
        .await;
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["licence"]["status"], "revoked", "{body}");
    let (_, lic) = app
        .anonymous()
        .get_json(&format!("/api/v1/licences/{licence}"))
        .await;
    let text = lic.to_string();
    assert!(
        text.contains("\"ground\":\"deception\"") && text.contains("\"compensation\":false"),
        "{lic}"
    );
    assert!(
        !text.contains("经查"),
        "the typed reason stays private: {lic}"
    );
    // A new application by the same organisation for the same item is refused (Art. 79).
    app.clock.set(datetime!(2027-03-01 09:00 +8));
    let clerk = app.clerk().await;
    let r = clerk
        .post(
            "/api/v1/cases",
            &json!({"item_code": FOOD, "channel": "window", "applicant": holder()}),
        )
        .await;
    assert_eq!(r.status().as_u16(), 409);
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "applicant_banned", "{body}");
    let msg = body["error"]["message_zh"].as_str().unwrap();
    assert!(
        msg.contains("2029-09-07") && msg.contains("第七十九条"),
        "{msg}"
    );
    assert!(!body.to_string().contains("91370100MA3C0RT1XH"), "{body}");
    // Another item is not barred; nor is the same item after three years.
    let r = clerk
        .post(
            "/api/v1/cases",
            &json!({"item_code": "990100003000", "channel": "window", "applicant": holder()}),
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    app.clock.set(datetime!(2029-09-07 09:00 +8));
    let r = app
        .clerk()
        .await
        .post(
            "/api/v1/cases",
            &json!({"item_code": FOOD, "channel": "window", "applicant": holder()}),
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
}

#[tokio::test]
async fn art78_a_refusal_for_false_materials_bans_the_applicant_for_a_year() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(datetime!(2026-09-07 09:00 +8));
    let number = case_ready_for_decision_by(&app, FOOD, holder()).await;
    step(&app.approver().await, &number, refusal(true)).await;
    let other = json!({"type": "organisation", "name": "济南另一食品有限公司", "uscc": "91370100MA3C0RT4XL", "contact_phone": "13812345678"});
    let n2 = case_ready_for_decision_by(&app, FOOD, other.clone()).await;
    step(&app.approver().await, &n2, refusal(false)).await;
    app.clock.set(datetime!(2027-09-06 09:00 +8));
    let clerk = app.clerk().await;
    let r = clerk
        .post(
            "/api/v1/cases",
            &json!({"item_code": FOOD, "channel": "window", "applicant": holder()}),
        )
        .await;
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "applicant_banned", "{body}");
    assert!(
        body["error"]["message_zh"]
            .as_str()
            .unwrap()
            .contains("2027-09-07")
    );
    // A refusal on other grounds bans nobody.
    let r = clerk
        .post(
            "/api/v1/cases",
            &json!({"item_code": FOOD, "channel": "window", "applicant": other}),
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
}

#[tokio::test]
async fn art70_a_cancellation_on_application_is_a_case_and_cancels_when_granted() {
    let app = TestApp::spawn_demo().await;
    let licence = granted(&app).await;
    let other = granted_to(
        &app,
        json!({"type": "organisation", "name": "济南另一食品有限公司", "uscc": "91370100MA3C0RT4XL", "contact_phone": "13812345678"}),
    )
    .await;
    app.clock.set(datetime!(2026-10-12 09:00 +8));
    let clerk = app.clerk().await;
    let (status, body) = apply(
        &clerk,
        &licence,
        json!({"purpose": "cancellation", "channel": "window", "applicant": holder()}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let number = body["case_number"].as_str().unwrap().to_owned();
    accepted_and_reviewed(&app, &number).await;
    step(
        &app.approver().await,
        &number,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    let (_, lic) = app
        .anonymous()
        .get_json(&format!("/api/v1/licences/{licence}"))
        .await;
    assert_eq!(lic["licence"]["status"], "cancelled", "{lic}");
    assert!(lic.to_string().contains("holder_application"), "{lic}");
    // Typed by staff instead, the holder's application is refused: it is a case.
    let r = app
        .approver()
        .await
        .post(
            &format!("/api/v1/licences/{other}/actions"),
            &json!({"action": "cancel", "reason": "holder_application"}),
        )
        .await;
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "through_case", "{body}");
}
