//! 告知承诺制 over HTTP (issue #19 item 5): the applicant's commitment signed at intake, the
//! decision at once, the verification task pushed to the supervising department, its answer,
//! the revocation a false commitment calls for (Art. 69 para 2), the credit record and the
//! rules that watch the two duties.

use oneseal_testkit::{Actor, TestApp, error_code};
use serde_json::{Value, json};
use time::macros::datetime;

use crate::cases::{applicant, step};

/// 食品经营许可: under 告知承诺制 in the demo catalog (two months to verify), supervised by SCJG.
const FOOD: &str = "990100001000";
/// 市场主体登记: not under the regime.
const MARKET_ENTITY: &str = "990100008000";
const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const FINDING: &str = "现场核查：经营场所与承诺不符，未设食品安全管理人员";

/// A committed application for the food licence, decided on the spot; (case, licence).
async fn granted_on_commitment(app: &TestApp) -> (String, String) {
    let r = app
        .clerk()
        .await
        .post(
            "/api/v1/cases",
            &json!({"item_code": FOOD, "channel": "window", "applicant": applicant(),
                    "materials": [{"name": "申请书", "sha256": SHA}], "commitment": true}),
        )
        .await;
    let v: Value = r.json().await.unwrap();
    let number = v["case_number"].as_str().expect("registered").to_owned();
    let approver = app.approver().await;
    let (_, case) = approver.get_json(&format!("/api/v1/cases/{number}")).await;
    let offered = case["allowed_actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == "decide_on_spot")
        .unwrap_or_else(|| panic!("a signed commitment is decided at once: {case}"));
    assert!(
        offered["source"]
            .as_str()
            .unwrap()
            .contains("国办发〔2020〕42号"),
        "{offered}"
    );
    let done = step(&approver, &number, json!({"action": "decide_on_spot"})).await;
    assert_eq!(done["status"], 11, "{done}");
    let licence = done["sealed"]["license_id"].as_str().unwrap().to_owned();
    (number, licence)
}

async fn verdict(dept: &Actor, number: &str, body: Value) -> (u16, Value) {
    let r = dept
        .post(&format!("/api/v1/dept/commitments/{number}/verdict"), &body)
        .await;
    (r.status().as_u16(), r.json().await.unwrap())
}

#[tokio::test]
async fn commitment_signed_at_intake_is_sealed_decided_at_once_and_verified_by_its_department() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(datetime!(2026-11-25 09:00 +8));
    let (number, licence) = granted_on_commitment(&app).await;

    // The staff see what was signed and the task it gave the supervising department.
    let (status, c) = app
        .reviewer()
        .await
        .get_json(&format!("/api/v1/cases/{number}/commitment"))
        .await;
    assert_eq!(status, 200, "{c}");
    let text = c["signed"]["text"].as_str().unwrap();
    assert!(
        text.contains("食品经营许可") && text.contains("2个月"),
        "{text}"
    );
    let digest = c["signed"]["text_sha256"].as_str().unwrap().to_owned();
    let task = &c["verification"];
    assert_eq!(task["status"], "awaiting", "{c}");
    assert_eq!(task["department"], "SCJG");
    assert_eq!(task["licence_id"], licence.as_str());
    assert_eq!(task["due_on"], "2027-01-25", "two months after the grant");
    assert!(
        task["push_id"].is_string(),
        "rides the grant's push: {task}"
    );

    // The sealed decision quotes the commitment.
    app.checkpoint_and_cosign().await;
    let bytes = app
        .anonymous()
        .get(&format!("/api/v1/verify/bundle/{licence}"))
        .await
        .bytes()
        .await
        .unwrap();
    let bundle = oneseal_seal::bundle::SealedBundle::from_json(&bytes).unwrap();
    let document: Value = serde_json::from_slice(&bundle.document).unwrap();
    let sealed = document.to_string();
    assert!(
        sealed.contains(&digest) && sealed.contains("告知承诺书"),
        "{document}"
    );

    // The department sees the task on its list and its feed.
    let scjg = app.sign_in("SCJG").await;
    let (_, list) = scjg.get_json("/api/v1/dept/commitments").await;
    assert!(list.to_string().contains(&number), "{list}");
    let (_, feed) = scjg.get_json("/api/v1/dept/feed").await;
    assert!(feed.to_string().contains("commitment.asked"), "{feed}");

    // Only the asked department answers; bureau staff and another department are refused.
    let other = app.department_token("ZJ", &["submit_feedback"]).await;
    let (status, body) = verdict(&other, &number, json!({"verdict": "verified"})).await;
    assert_eq!((status, error_code(&body)), (403, "forbidden_department"));
    let (status, _) = verdict(
        &app.approver().await,
        &number,
        json!({"verdict": "verified"}),
    )
    .await;
    assert_eq!(status, 403);
    let (status, body) = verdict(&scjg, &number, json!({"verdict": "maybe"})).await;
    assert!((400..500).contains(&status), "{body}");

    app.clock.set(datetime!(2026-12-01 10:00 +8));
    let scjg = app.sign_in("SCJG").await;
    let (status, body) = verdict(&scjg, &number, json!({"verdict": "verified"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "verified");
    assert_eq!(body["late"], false);
    assert_eq!(body["revocation_required"], false);
    let (status, body) = verdict(
        &scjg,
        &number,
        json!({"verdict": "false", "finding": FINDING}),
    )
    .await;
    assert_eq!(
        (status, error_code(&body)),
        (409, "commitment_already_answered")
    );
    let (_, open) = scjg
        .get_json("/api/v1/dept/commitments?status=awaiting")
        .await;
    assert!(!open.to_string().contains(&number), "{open}");
    app.assert_consistent();
}

#[tokio::test]
async fn art69_2_a_false_commitment_calls_for_revocation_and_keeps_a_staff_only_credit_record() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(datetime!(2026-11-25 09:00 +8));
    let (number, licence) = granted_on_commitment(&app).await;
    app.clock.set(datetime!(2026-12-01 10:00 +8));
    let scjg = app.sign_in("SCJG").await;
    let (status, body) = verdict(&scjg, &number, json!({"verdict": "false"})).await;
    assert_eq!(
        (status, error_code(&body)),
        (400, "missing_field"),
        "{body}"
    );
    let (status, body) = verdict(
        &scjg,
        &number,
        json!({"verdict": "false", "finding": FINDING}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["revocation_required"], true);
    let idx = body["receipt"]["ledger_index"].as_u64().unwrap();

    // The finding stays off the public ledger entry.
    app.checkpoint().await;
    let (_, entry) = app
        .anonymous()
        .get_json(&format!("/api/v1/log/370100/entries/{idx}"))
        .await;
    let public = entry.to_string();
    assert!(public.contains("commitment"), "{entry}");
    assert!(!public.contains("经营场所与承诺不符"), "{entry}");

    // The credit record: for staff, not for the applicant's public side.
    let head = app.head().await;
    let (status, records) = head.get_json("/api/v1/commitments?status=false").await;
    assert_eq!(status, 200, "{records}");
    let row = records["commitments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["case_number"] == number.as_str())
        .unwrap_or_else(|| panic!("{records}"));
    assert_eq!(row["finding"], FINDING);
    assert_eq!(row["licence_status"], "valid");
    let (status, body) = head.get_json("/api/v1/commitments?status=maybe").await;
    assert_eq!((status, error_code(&body)), (400, "bad_filter"));
    let (status, _) = app
        .anonymous()
        .get_json("/api/v1/commitments?status=false")
        .await;
    assert_eq!(status, 401);
    let (status, _) = scjg.get_json("/api/v1/commitments?status=false").await;
    assert_eq!(
        status, 403,
        "a department does not read the bureau's credit records"
    );

    // Not revoked ten working days on: the rule tells the bureau head.
    run_rules(&app, datetime!(2026-12-16 09:00 +8)).await;
    let alerts = rule_alerts(&app, "commitment_revocation_missing").await;
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0]["subject"], format!("commitment:{number}"));
    assert!(!alerts[0].to_string().contains("经营场所与承诺不符"));

    // The bureau revokes on Art. 69 para 2: no compensation; the record shows it.
    let r = app
        .approver()
        .await
        .post(
            &format!("/api/v1/licences/{licence}/actions"),
            &json!({"action": "revoke", "reason": "告知承诺经核查不实", "ground": "false_commitment", "rights_harmed": true}),
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
        text.contains("\"ground\":\"false_commitment\"") && text.contains("\"compensation\":false"),
        "{lic}"
    );
    let (_, records) = app
        .head()
        .await
        .get_json("/api/v1/commitments?status=false")
        .await;
    assert!(
        records
            .to_string()
            .contains("\"licence_status\":\"revoked\""),
        "{records}"
    );
    app.assert_consistent();
}

/// Runs the rules on `at` (the clock set there too, as the runner would see it).
async fn run_rules(app: &TestApp, at: time::OffsetDateTime) {
    app.clock.set(at);
    oneseal_server::background::rules_runner::run(&app.store, at)
        .await
        .unwrap();
}

async fn rule_alerts(app: &TestApp, rule: &str) -> Vec<Value> {
    let (_, alerts) = app.inspector().await.get_json("/api/v1/alerts").await;
    alerts["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["rule_id"] == rule)
        .cloned()
        .collect()
}

#[tokio::test]
async fn a_verification_left_unanswered_past_its_due_date_is_alerted_to_the_department() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(datetime!(2026-11-25 09:00 +8));
    let (number, _) = granted_on_commitment(&app).await;
    run_rules(&app, datetime!(2027-01-25 09:00 +8)).await;
    assert!(
        rule_alerts(&app, "commitment_verification_overdue")
            .await
            .is_empty(),
        "due today: not late yet"
    );
    run_rules(&app, datetime!(2027-01-26 09:00 +8)).await;
    let alerts = rule_alerts(&app, "commitment_verification_overdue").await;
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0]["subject"], format!("commitment:{number}"));
    assert_eq!(alerts[0]["responsible_department"], "SCJG");
    // A late answer says so.
    app.clock.set(datetime!(2027-01-27 10:00 +8));
    let scjg = app.sign_in("SCJG").await;
    let (status, body) = verdict(&scjg, &number, json!({"verdict": "verified"})).await;
    assert_eq!(
        (status, body["late"].as_bool()),
        (200, Some(true)),
        "{body}"
    );
    app.assert_consistent();
}

#[tokio::test]
async fn commitment_for_an_item_not_under_the_regime_is_refused_and_an_unsigned_case_is_not_tasked()
{
    let app = TestApp::spawn_demo().await;
    app.clock.set(datetime!(2026-11-25 09:00 +8));
    let clerk = app.clerk().await;
    let r = clerk
        .post(
            "/api/v1/cases",
            &json!({"item_code": MARKET_ENTITY, "channel": "window", "applicant": applicant(),
                    "materials": [{"name": "申请书", "sha256": SHA}], "commitment": true}),
        )
        .await;
    let status = r.status().as_u16();
    let body: Value = r.json().await.unwrap();
    assert!((400..500).contains(&status), "{body}");
    assert_eq!(error_code(&body), "commitment_not_offered", "{body}");

    // The same food item without the signature: ordinary procedure, no task, no on-the-spot.
    let r = clerk
        .post(
            "/api/v1/cases",
            &json!({"item_code": FOOD, "channel": "window", "applicant": applicant(),
                    "materials": [{"name": "申请书", "sha256": SHA}]}),
        )
        .await;
    let v: Value = r.json().await.unwrap();
    let number = v["case_number"].as_str().unwrap().to_owned();
    let approver = app.approver().await;
    let r = approver
        .post(
            &format!("/api/v1/cases/{number}/actions"),
            &json!({"action": "decide_on_spot"}),
        )
        .await;
    assert!(r.status().is_client_error());
    let (status, c) = approver
        .get_json(&format!("/api/v1/cases/{number}/commitment"))
        .await;
    assert_eq!(status, 200);
    assert!(c["signed"].is_null() && c["verification"].is_null(), "{c}");
    let (status, body) = verdict(
        &app.sign_in("SCJG").await,
        &number,
        json!({"verdict": "verified"}),
    )
    .await;
    assert_eq!(status, 404, "{body}");
}
