//! Issue #21's remaining gaps over HTTP: the notice of an extension after the head's approval
//! and its rule (Art. 42), a non-acceptance for false materials and its ban (Art. 78), and the
//! start of work under a construction permit with its rule (建筑法 Art. 9).

use oneseal_server::background::rules_runner::run;
use oneseal_testkit::{Actor, TestApp, error_code};
use serde_json::{Value, json};
use time::macros::datetime;

use crate::cases::{case_ready_for_decision_by, step};

/// 食品经营许可: the general rules (+10 working days), bears on health (`public_safety`).
const FOOD: &str = "990100001000";
/// 建筑工程施工许可: start within 3 months (建筑法 Art. 9).
const CONSTRUCTION_PERMIT: &str = "990100011000";

pub(crate) fn organisation(name: &str, uscc: &str) -> Value {
    json!({"type": "organisation", "name": name, "uscc": uscc, "contact_phone": "13812345678"})
}

fn company() -> Value {
    organisation("济南告知延期食品有限公司", "91370100MA3C0RT1XH")
}

async fn kinds(actor: &Actor, number: &str) -> Vec<String> {
    let (_, case) = actor.get_json(&format!("/api/v1/cases/{number}")).await;
    case["allowed_actions"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| x["action"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) async fn alerts(app: &TestApp) -> String {
    let (_, alerts) = app
        .inspector()
        .await
        .get_json("/api/v1/alerts?limit=200")
        .await;
    alerts.to_string()
}

fn untold_extension() -> Value {
    json!({"action": "extend", "authority": {"head": "bureau_head"}, "working_days": 5,
           "reason": "需组织专家论证"})
}

#[tokio::test]
async fn art42_the_notice_of_an_extension_follows_the_approval_as_its_own_step() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(datetime!(2026-11-24 09:00 +8));
    let number = case_ready_for_decision_by(&app, FOOD, company()).await;
    step(&app.head().await, &number, untold_extension()).await;
    let reviewer = app.reviewer().await;
    assert!(
        kinds(&reviewer, &number)
            .await
            .contains(&"notify_extension".to_owned())
    );
    let (_, case) = reviewer.get_json(&format!("/api/v1/cases/{number}")).await;
    assert!(case.to_string().contains("尚未告知申请人"), "{case}");
    let page = reviewer
        .get(&format!("/cases/{number}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("data-action=\"notify_extension\""), "{page}");
    app.clock.set(datetime!(2026-11-25 09:00 +8));
    let reviewer = app.reviewer().await;
    step(&reviewer, &number, json!({"action": "notify_extension"})).await;
    let (_, case) = reviewer.get_json(&format!("/api/v1/cases/{number}")).await;
    let events = case["events"].to_string();
    assert!(events.contains("extension_notified"), "{case}");
    assert!(
        case.to_string().contains("已于2026-11-25告知申请人"),
        "{case}"
    );
    assert!(
        !kinds(&reviewer, &number)
            .await
            .contains(&"notify_extension".to_owned())
    );
    // Nothing is left to notify: a typed 400.
    let r = reviewer
        .post(
            &format!("/api/v1/cases/{number}/actions"),
            &json!({"action": "notify_extension"}),
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "no_extension_to_notify", "{body}");
    // Told in time: the rule stays quiet.
    app.clock.set(datetime!(2026-12-28 10:00 +8));
    run(&app.store, datetime!(2026-12-28 10:00 +8))
        .await
        .unwrap();
    assert!(!alerts(&app).await.contains("extension_notice"));
}

#[tokio::test]
async fn art42_an_extension_in_effect_with_the_applicant_untold_raises_a_card() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(datetime!(2026-11-24 09:00 +8));
    let number = case_ready_for_decision_by(&app, FOOD, company()).await;
    step(&app.head().await, &number, untold_extension()).await;
    // Past the original 20 working days, still untold.
    app.clock.set(datetime!(2026-12-28 10:00 +8));
    run(&app.store, datetime!(2026-12-28 10:00 +8))
        .await
        .unwrap();
    let text = alerts(&app).await;
    assert!(
        text.contains("extension_notice") && text.contains(&number),
        "{text}"
    );
    assert!(text.contains("尚未告知申请人"), "{text}");
}

fn false_materials() -> Value {
    json!({"action": "refuse_acceptance", "outcome": {"ground": "false_materials",
        "reasons": ["营业执照系伪造"],
        "remedies": {"reconsideration": "济南市人民政府", "litigation": "济南市中级人民法院"}}})
}

async fn received(clerk: &Actor, applicant: &Value) -> (u16, Value) {
    let r = clerk
        .post(
            "/api/v1/cases",
            &json!({"item_code": FOOD, "channel": "window", "applicant": applicant}),
        )
        .await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn art78_a_non_acceptance_for_false_materials_bans_the_applicant_for_a_year() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(datetime!(2026-11-24 09:00 +8));
    let clerk = app.clerk().await;
    let (_, created) = received(&clerk, &company()).await;
    let number = created["case_number"].as_str().unwrap().to_owned();
    let (_, case) = clerk.get_json(&format!("/api/v1/cases/{number}")).await;
    assert!(
        case["allowed_actions"]
            .to_string()
            .contains("false_materials"),
        "{case}"
    );
    step(&clerk, &number, false_materials()).await;
    // Another applicant refused acceptance on another ground is not banned.
    let other = organisation("济南另一食品有限公司", "91370100MA3C0RT4XL");
    let (_, created) = received(&clerk, &other).await;
    let n2 = created["case_number"].as_str().unwrap().to_owned();
    step(
        &clerk,
        &n2,
        json!({"action": "refuse_acceptance", "outcome": {"ground": "not_competent",
            "reasons": ["属省级权限"], "competent_authority": "山东省市场监督管理局",
            "remedies": {"reconsideration": "济南市人民政府", "litigation": "济南市中级人民法院"}}}),
    )
    .await;
    app.clock.set(datetime!(2027-11-23 09:00 +8));
    let clerk = app.clerk().await;
    let (status, body) = received(&clerk, &company()).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(error_code(&body), "applicant_banned", "{body}");
    assert!(body.to_string().contains("2027-11-24"), "{body}");
    let (status, body) = received(&clerk, &other).await;
    assert_eq!(status, 200, "{body}");
    // A year later the applicant may apply again.
    app.clock.set(datetime!(2027-11-24 09:00 +8));
    let clerk = app.clerk().await;
    let (status, body) = received(&clerk, &company()).await;
    assert_eq!(status, 200, "{body}");
}

pub(crate) async fn permit(app: &TestApp, applicant: Value) -> String {
    let number = case_ready_for_decision_by(app, CONSTRUCTION_PERMIT, applicant).await;
    let out = step(
        &app.approver().await,
        &number,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    out["sealed"]["license_id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn construction_law_art9_a_permit_not_started_in_time_raises_a_card_and_a_start_keeps_it_quiet()
 {
    let app = TestApp::spawn_demo().await;
    app.clock.set(datetime!(2026-11-24 09:00 +8));
    let idle = permit(
        &app,
        organisation("济南未开工建设有限公司", "91370100MA3C0RT1XH"),
    )
    .await;
    let started = permit(
        &app,
        organisation("济南已开工建设有限公司", "91370100MA3C0RT4XL"),
    )
    .await;
    let (_, lic) = app
        .anonymous()
        .get_json(&format!("/api/v1/licences/{idle}"))
        .await;
    assert_eq!(lic["licence"]["start_by"], "2027-02-24", "{lic}");
    app.clock.set(datetime!(2026-12-10 09:00 +8));
    let approver = app.approver().await;
    let r = approver
        .post(
            &format!("/api/v1/licences/{started}/actions"),
            &json!({"action": "record_work_start", "started_on": "2026-12-09", "by_holder": true}),
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["licence"]["work_started_on"], "2026-12-09", "{body}");
    // Twice is refused, typed.
    let r = approver
        .post(
            &format!("/api/v1/licences/{started}/actions"),
            &json!({"action": "record_work_start", "started_on": "2026-12-10"}),
        )
        .await;
    assert_eq!(r.status().as_u16(), 409);
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "work_already_started", "{body}");
    // The licence page shows the deadline and offers the forms while the start is missing.
    let page = approver
        .get(&format!("/licences/{idle}/manage"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("licence-start-form") && page.contains("2027-02-24"),
        "{page}"
    );
    app.clock.set(datetime!(2027-02-25 10:00 +8));
    run(&app.store, datetime!(2027-02-25 10:00 +8))
        .await
        .unwrap();
    let text = alerts(&app).await;
    assert!(
        text.contains("start_deadline") && text.contains(&idle),
        "{text}"
    );
    assert!(!text.contains(&format!("licence:{started}")), "{text}");
    // After the deadline a later start can no longer be asked for.
    let approver = app.approver().await;
    let r = approver
        .post(
            &format!("/api/v1/licences/{idle}/actions"),
            &json!({"action": "request_start_extension"}),
        )
        .await;
    assert_eq!(r.status().as_u16(), 409);
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "start_deadline_passed", "{body}");
}
