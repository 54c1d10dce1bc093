//! Issue #20 item 1 over HTTP: joint review (会签 / 联合审查). A reviewer asks two departments
//! for their opinion on a case under review; each sees its own request and answers it; another
//! department, the bureau's staff and unknown ids are refused with typed errors; the approver
//! reads the opinions on the case; an unanswered request is reminded, escalated and alerted; the
//! question and the opinions' text never reach the public ledger.

use std::sync::Arc;

use oneseal_domain::calendar::Calendar;
use oneseal_server::background::linkage_runner::run_due;
use oneseal_testkit::{Actor, TestApp, error_code, peek};
use serde_json::{Value, json};
use time::macros::datetime;

use crate::cases::{applicant, case_ready_for_decision_on, step};
use crate::privacy::{Seen, scan_ledger};

/// 食品经营许可: the general rules.
const FOOD: &str = "990100001000";
const QUESTION: &str = "请现场核查申请人经营场所的油烟净化设施是否到位";
const CONDITIONS: &str = "油烟净化设施须在开业前安装并经验收";

async fn ask(actor: &Actor, number: &str, body: Value) -> (u16, Value) {
    let r = actor
        .post(&format!("/api/v1/cases/{number}/consultations"), &body)
        .await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

async fn answer(actor: &Actor, id: &str, body: Value) -> (u16, Value) {
    let r = actor
        .post(&format!("/api/v1/consultations/{id}/opinion"), &body)
        .await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

async fn dept_list(actor: &Actor) -> Vec<Value> {
    let (status, body) = actor.get_json("/api/v1/dept/consultations").await;
    assert_eq!(status, 200, "{body}");
    body["consultations"].as_array().unwrap().clone()
}

async fn token(app: &TestApp, dept: &str) -> Actor {
    app.department_token(dept, &["answer_consultation", "view_pushes"])
        .await
}

/// A case accepted and reviewed on Monday 2026-11-23, asked of SCJG and ZJ with 3 working days
/// (due Thursday the 26th); returns (case number, SCJG's id, ZJ's id).
async fn asked_of_two(app: &TestApp) -> (String, String, String) {
    app.clock.set(datetime!(2026-11-23 09:00 +8));
    let number = case_ready_for_decision_on(app, FOOD).await;
    let reviewer = app.reviewer().await;
    let (status, body) = ask(
        &reviewer,
        &number,
        json!({"departments": ["SCJG", "ZJ"], "question": QUESTION, "due_working_days": 3}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let made = body["consultations"].as_array().unwrap();
    assert_eq!(made.len(), 2, "{body}");
    assert_eq!(body["due_on"], "2026-11-26");
    assert_eq!(
        body["clock_paused"], false,
        "an opinion does not stop the clock"
    );
    assert_eq!(body["beyond_decision_due"], false, "{body}");
    assert!(
        body["clock_note_zh"]
            .as_str()
            .unwrap()
            .contains("第四十五条")
    );
    let id = |d: &str| {
        made.iter().find(|c| c["department"] == d).unwrap()["consultation_id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    (number, id("SCJG"), id("ZJ"))
}

#[tokio::test]
async fn a_consultation_is_asked_answered_by_the_asked_department_only_and_shown_to_the_approver() {
    let app = TestApp::spawn_demo().await;
    let (number, scjg_id, zj_id) = asked_of_two(&app).await;

    // Each department sees its own request, with the question, and nothing of the other's.
    let scjg = app.sign_in("SCJG").await;
    let mine = dept_list(&scjg).await;
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!(
        (
            mine[0]["consultation_id"].as_str(),
            mine[0]["question"].as_str(),
            mine[0]["status"].as_str()
        ),
        (Some(scjg_id.as_str()), Some(QUESTION), Some("awaiting"))
    );
    let zj = token(&app, "ZJ").await;
    let theirs = dept_list(&zj).await;
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0]["consultation_id"], zj_id.as_str());
    // The request is on the department's feed too.
    let (_, feed) = scjg.get_json("/api/v1/dept/feed").await;
    assert!(
        feed["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "consultation.asked" && e["ref_id"] == scjg_id.as_str()),
        "{feed}"
    );

    // Only the asked department may answer.
    let before = app
        .store
        .read(|c| peek::linkage_refusal_attempts(c))
        .await
        .unwrap();
    let (status, body) = answer(&zj, &scjg_id, json!({"opinion": "agree"})).await;
    assert_eq!(
        (status, error_code(&body)),
        (403, "forbidden_department"),
        "{body}"
    );
    let (status, body) = answer(&zj, "ZX3701009999999", json!({"opinion": "agree"})).await;
    assert_eq!((status, error_code(&body)), (404, "not_found"), "{body}");
    let after = app
        .store
        .read(|c| peek::linkage_refusal_attempts(c))
        .await
        .unwrap();
    assert_eq!(after, before + 2, "both refused attempts are on the ledger");
    let approver = app.approver().await;
    let (status, body) = answer(&approver, &scjg_id, json!({"opinion": "agree"})).await;
    assert_eq!(
        (status, error_code(&body)),
        (403, "forbidden_role"),
        "{body}"
    );
    let view_only = app.department_token("SCJG", &["view_pushes"]).await;
    let (status, body) = answer(&view_only, &scjg_id, json!({"opinion": "agree"})).await;
    assert_eq!(
        (status, error_code(&body)),
        (403, "forbidden_scope"),
        "{body}"
    );

    // Conditions and reasons are written down; one answer each.
    let (status, body) = answer(
        &scjg,
        &scjg_id,
        json!({"opinion": "conditional", "text": " "}),
    )
    .await;
    assert_eq!(
        (status, error_code(&body)),
        (400, "missing_field"),
        "{body}"
    );
    // Two days on (sessions signed in before are idle too long: sign in again).
    app.clock.set(datetime!(2026-11-25 10:00 +8));
    let scjg = app.sign_in("SCJG").await;
    let approver = app.approver().await;
    let (status, body) = answer(
        &scjg,
        &scjg_id,
        json!({"opinion": "conditional", "text": CONDITIONS}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["status"].as_str(), body["late"].as_bool()),
        (Some("answered"), Some(false))
    );
    let (status, body) = answer(&scjg, &scjg_id, json!({"opinion": "agree"})).await;
    assert_eq!(
        (status, error_code(&body)),
        (409, "consultation_already_answered"),
        "{body}"
    );
    let (status, body) = answer(&zj, &zj_id, json!({"opinion": "agree"})).await;
    assert_eq!(status, 200, "{body}");

    // The approver reads both opinions on the case, and why the clock ran on.
    let (status, body) = approver
        .get_json(&format!("/api/v1/cases/{number}/consultations"))
        .await;
    assert_eq!(status, 200, "{body}");
    let rows = body["consultations"].as_array().unwrap();
    let opinions: Vec<_> = rows
        .iter()
        .map(|r| r["opinion"].as_str().unwrap())
        .collect();
    assert_eq!(opinions, ["conditional", "agree"], "{body}");
    assert_eq!(rows[0]["answer_text"], CONDITIONS);
    let page = approver
        .get(&format!("/cases/{number}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("id=\"consultations\""),
        "the joint-review section"
    );
    assert!(page.contains(CONDITIONS) && page.contains("有条件同意"));
    assert!(page.contains("不暂停计时"), "the clock is explained");
    assert!(
        !page.contains("id=\"ask-consultation\""),
        "the approver does not ask"
    );
    let reviewer_page = app
        .reviewer()
        .await
        .get(&format!("/cases/{number}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        reviewer_page.contains("id=\"ask-consultation\""),
        "the reviewer may ask more"
    );

    // A department's inbox page lists its request and its answer.
    let inbox = scjg.get("/dept").await.text().await.unwrap();
    assert!(
        inbox.contains(&scjg_id) && inbox.contains(CONDITIONS),
        "the department's page"
    );

    // Neither the question nor the opinion's text is on the public ledger.
    let mut seen = Seen {
        surfaces: Vec::new(),
    };
    scan_ledger(&app, &mut seen).await;
    seen.assert_free_of(&[QUESTION.to_owned(), CONDITIONS.to_owned()]);
    assert!(app.replay_findings().await.is_empty());
}

#[tokio::test]
async fn asking_needs_a_reviewer_a_case_under_review_and_sound_terms() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(datetime!(2026-11-23 09:00 +8));
    let clerk = app.clerk().await;
    let created: Value = clerk
        .post("/api/v1/cases", &json!({"item_code": FOOD, "channel": "window", "applicant": applicant(), "materials": []}))
        .await
        .json()
        .await
        .unwrap();
    let fresh = created["case_number"].as_str().unwrap().to_owned();
    let good = json!({"departments": ["SCJG"], "question": QUESTION, "due_working_days": 5});
    let reviewer = app.reviewer().await;
    let (status, body) = ask(&reviewer, &fresh, good.clone()).await;
    assert_eq!(
        (status, error_code(&body)),
        (409, "case_not_under_review"),
        "{body}"
    );
    let (status, body) = ask(&clerk, &fresh, good.clone()).await;
    assert_eq!(
        (status, error_code(&body)),
        (403, "forbidden_role"),
        "{body}"
    );

    step(&clerk, &fresh, json!({"action": "accept"})).await;
    for (body, code) in [
        (
            json!({"departments": ["NOPE"], "question": "q", "due_working_days": 5}),
            "unknown_department",
        ),
        (
            json!({"departments": [], "question": "q", "due_working_days": 5}),
            "consultation_no_departments",
        ),
        (
            json!({"departments": ["SCJG", "SCJG"], "question": "q", "due_working_days": 5}),
            "consultation_duplicate_department",
        ),
        (
            json!({"departments": ["SPJ"], "question": "q", "due_working_days": 5}),
            "consultation_own_bureau",
        ),
        (
            json!({"departments": ["SCJG"], "question": "  ", "due_working_days": 5}),
            "missing_field",
        ),
        (
            json!({"departments": ["SCJG"], "question": "q", "due_working_days": 0}),
            "bad_due_working_days",
        ),
        (
            json!({"departments": ["SCJG"], "question": "q", "due_working_days": 31}),
            "bad_due_working_days",
        ),
    ] {
        let (status, got) = ask(&reviewer, &fresh, body.clone()).await;
        assert_eq!((status, error_code(&got)), (400, code), "{body} → {got}");
    }
    let (status, body) = ask(&reviewer, &fresh, good).await;
    assert_eq!(status, 200, "{body}");
    // A county's reviewer does not ask about the city's case.
    let county = app.sign_in("PY-REVIEW").await;
    let (status, body) = ask(
        &county,
        &fresh,
        json!({"departments": ["SCJG"], "question": "q", "due_working_days": 5}),
    )
    .await;
    assert_eq!(
        (status, error_code(&body)),
        (403, "forbidden_jurisdiction"),
        "{body}"
    );
}

#[tokio::test]
async fn an_unanswered_opinion_is_reminded_escalated_and_alerted_after_its_due_date() {
    let app = TestApp::spawn_demo().await;
    let (_, scjg_id, zj_id) = asked_of_two(&app).await;
    let zj = token(&app, "ZJ").await;
    app.clock.set(datetime!(2026-11-24 10:00 +8));
    let (status, body) = answer(&zj, &zj_id, json!({"opinion": "agree"})).await;
    assert_eq!(status, 200, "{body}");
    let calendar = Arc::new(Calendar::builtin().unwrap());
    let run = |at| {
        app.clock.set(at);
        run_due(&app.store, calendar.clone(), at)
    };
    // Due Thursday 26th: reminded that day; escalated two working days later (Monday 30th).
    let r = run(datetime!(2026-11-25 09:00 +8)).await.unwrap();
    assert_eq!(
        (r.consultations.reminded, r.consultations.escalated),
        (0, 0)
    );
    let r = run(datetime!(2026-11-26 09:00 +8)).await.unwrap();
    assert_eq!(
        (r.consultations.reminded, r.consultations.escalated),
        (1, 0),
        "only the unanswered one"
    );
    let r = run(datetime!(2026-11-26 15:00 +8)).await.unwrap();
    assert_eq!(r.consultations.reminded, 0, "once");
    let r = run(datetime!(2026-11-30 09:00 +8)).await.unwrap();
    assert_eq!(
        (r.consultations.reminded, r.consultations.escalated),
        (0, 1)
    );
    let scjg = app.sign_in("SCJG").await;
    let row = &dept_list(&scjg).await[0];
    assert_eq!(
        (row["reminded_on"].as_str(), row["escalated_on"].as_str()),
        (Some("2026-11-26"), Some("2026-11-30"))
    );
    let (_, feed) = scjg.get_json("/api/v1/dept/feed").await;
    let kinds: Vec<_> = feed["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"consultation.reminded") && kinds.contains(&"consultation.escalated"),
        "{kinds:?}"
    );

    // The rule: alerted the day after the due date, to the department, once.
    oneseal_server::background::rules_runner::run(&app.store, datetime!(2026-11-27 09:00 +8))
        .await
        .unwrap();
    oneseal_server::background::rules_runner::run(&app.store, datetime!(2026-11-30 09:30 +8))
        .await
        .unwrap();
    let (_, alerts) = app.inspector().await.get_json("/api/v1/alerts").await;
    let ours: Vec<_> = alerts["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["rule_id"] == "consultation_overdue")
        .collect();
    assert_eq!(ours.len(), 1, "{alerts}");
    assert_eq!(ours[0]["subject"], format!("consultation:{scjg_id}"));
    assert_eq!(ours[0]["responsible_department"], "SCJG");

    // A late answer says so.
    let (status, body) = answer(
        &scjg,
        &scjg_id,
        json!({"opinion": "disagree", "text": "场所不符合要求"}),
    )
    .await;
    assert_eq!(
        (status, body["late"].as_bool()),
        (200, Some(true)),
        "{body}"
    );
    assert!(app.replay_findings().await.is_empty());
}

#[tokio::test]
async fn a_case_decided_before_the_opinion_stops_its_reminders_and_alert() {
    let app = TestApp::spawn_demo().await;
    let (number, _, _) = asked_of_two(&app).await;
    step(
        &app.approver().await,
        &number,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    let calendar = Arc::new(Calendar::builtin().unwrap());
    for at in [
        datetime!(2026-11-26 09:00 +8),
        datetime!(2026-11-30 09:00 +8),
    ] {
        app.clock.set(at);
        let r = run_due(&app.store, calendar.clone(), at).await.unwrap();
        assert_eq!(
            (r.consultations.reminded, r.consultations.escalated),
            (0, 0),
            "the case is decided"
        );
    }
    oneseal_server::background::rules_runner::run(&app.store, datetime!(2026-11-30 09:30 +8))
        .await
        .unwrap();
    let (_, alerts) = app.inspector().await.get_json("/api/v1/alerts").await;
    assert!(
        !alerts.to_string().contains("consultation_overdue"),
        "{alerts}"
    );
    assert!(app.replay_findings().await.is_empty());
}

/// Posts one file to a consultation's attachments.
async fn attach(actor: &Actor, id: &str, bytes: &[u8]) -> (u16, Value) {
    let (ctype, body) = crate::materials::multipart(&[("file", Some("report.pdf"), bytes)]);
    let r = actor
        .request(
            reqwest::Method::POST,
            &format!("/api/v1/consultations/{id}/attachments"),
        )
        .header("content-type", ctype)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_asked_department_attaches_its_own_report_which_the_approver_downloads() {
    use crate::materials::{PDF, PNG};
    let app = TestApp::spawn_demo().await;
    let (number, scjg_id, zj_id) = asked_of_two(&app).await;
    let scjg = app.sign_in("SCJG").await;

    // Only the asked department's staff, with a file the materials would take.
    let zj = app.sign_in("ZJ").await;
    let (status, body) = attach(&zj, &scjg_id, PDF).await;
    assert_eq!(
        (status, error_code(&body)),
        (403, "forbidden_department"),
        "{body}"
    );
    let (status, body) = attach(&zj, "ZX3701009999999", PDF).await;
    assert_eq!((status, error_code(&body)), (404, "not_found"), "{body}");
    let (status, body) = attach(&app.reviewer().await, &scjg_id, PDF).await;
    assert_eq!(
        (status, error_code(&body)),
        (403, "forbidden_role"),
        "{body}"
    );
    let (status, body) = attach(&token(&app, "SCJG").await, &scjg_id, PDF).await;
    assert_eq!(
        (status, error_code(&body)),
        (403, "forbidden_role"),
        "a system's token hands in no file: {body}"
    );
    let (status, body) = attach(&scjg, &scjg_id, b"not a report").await;
    assert_eq!(
        (status, error_code(&body)),
        (415, "unsupported_material_type"),
        "{body}"
    );
    let (status, body) = attach(&scjg, &scjg_id, &[]).await;
    assert!(
        matches!(status, 400 | 415),
        "an empty file is no report: {body}"
    );

    let (status, body) = attach(&scjg, &scjg_id, PDF).await;
    assert_eq!(status, 200, "{body}");
    let sha = body["sha256"].as_str().unwrap().to_owned();
    assert_eq!(sha.len(), 64);
    assert_eq!(body["case_number"], number.as_str());
    let name = body["name"].as_str().unwrap().to_owned();
    assert!(name.starts_with("会签意见附件（"), "{name}");
    assert!(name.contains("市场"), "the department's name: {name}");
    let (status, photo) = attach(&scjg, &scjg_id, PNG).await;
    assert_eq!(status, 200, "{photo}");

    // The case lists the file under the department's name; the opinion cites both.
    let (status, body) = answer(
        &scjg,
        &scjg_id,
        json!({"opinion": "conditional", "text": CONDITIONS,
               "attachments": [sha, photo["sha256"]]}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = attach(&scjg, &scjg_id, PNG).await;
    assert_eq!(
        (status, error_code(&body)),
        (409, "consultation_already_answered"),
        "{body}"
    );
    let approver = app.approver().await;
    let (_, rows) = approver
        .get_json(&format!("/api/v1/cases/{number}/consultations"))
        .await;
    let cited = rows["consultations"][0]["attachments"].as_array().unwrap();
    assert_eq!(cited.len(), 2, "{rows}");
    let r = approver
        .get(&format!("/api/v1/cases/{number}/materials/{sha}"))
        .await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.bytes().await.unwrap().as_ref(), PDF);
    let page = approver
        .get(&format!("/cases/{number}"))
        .await
        .text()
        .await
        .unwrap();
    let link = format!("/api/v1/cases/{number}/materials/{sha}");
    let section = &page[page.find("id=\"consultations\"").unwrap()..];
    assert!(section.contains(&link), "the opinion links its file");
    assert!(section.contains(&name), "under the department's name");

    // The other department's request is still open: its own file goes to the same case.
    let zj = app.sign_in("ZJ").await;
    let (status, body) = attach(&zj, &zj_id, PDF).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["duplicate"], true, "the same bytes are stored once");
}
