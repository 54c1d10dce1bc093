//! Monitoring rules over the real server and database: alerts raised from the log, assigned to
//! the responsible person and superior, closed by an inspector, reported, and re-proved by
//! replay; an alert row deleted behind the system's back is named by replay and ledger verify.

use oneseal_server::background::rules_runner::run;
use oneseal_server::services::rules::ReplayFinding;
use oneseal_testkit::{TestApp, error_code, tamper};
use serde_json::{Value, json};
use time::macros::datetime;

use crate::cases::{case_ready_for_decision, step};

#[tokio::test]
async fn an_off_hours_decision_is_alerted_closed_reported_and_replayed() {
    let app = TestApp::spawn_demo().await;
    let number = case_ready_for_decision(&app).await;
    app.clock.set(datetime!(2026-11-23 21:30 +8));
    step(
        &app.approver().await,
        &number,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    let r = run(&app.store, datetime!(2026-11-23 21:40 +8))
        .await
        .unwrap();
    // The demo seed put the built-in rules in force; a new day gets its tick.
    assert_eq!(r.installed, 0, "{r:?}");
    assert_eq!(r.raised, 1, "{r:?}");
    // Running again raises nothing new.
    assert_eq!(
        run(&app.store, datetime!(2026-11-23 21:50 +8))
            .await
            .unwrap()
            .raised,
        0
    );
    let inspector = app.inspector().await;
    let (status, body) = inspector.get_json("/api/v1/alerts?status=open").await;
    assert_eq!(status, 200, "{body}");
    let alerts = body["alerts"].as_array().unwrap();
    assert_eq!(alerts.len(), 1, "{body}");
    let a = &alerts[0];
    assert_eq!(
        (
            a["rule_id"].as_str(),
            a["subject"].as_str(),
            a["responsible"].as_str(),
            a["superior"].as_str()
        ),
        (
            Some("off_hours_decision"),
            Some(format!("case:{number}").as_str()),
            Some("APPROVE"),
            Some("HEAD")
        )
    );
    assert_eq!(a["rule_hash"].as_str().unwrap().len(), 64);
    assert!(app.replay_findings().await.is_empty());

    // Reports, by person: the approver's decided case and its alert.
    let (_, rep) = inspector
        .get_json("/api/v1/reports/accountability?by=person&from=2026-11-01&to=2026-11-30")
        .await;
    let row = rep["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "APPROVE")
        .cloned()
        .unwrap();
    assert_eq!(
        (
            row["decided"].as_u64(),
            row["alerts_by_rule"]["off_hours_decision"].as_u64()
        ),
        (Some(1), Some(1)),
        "{rep}"
    );
    let csv = inspector
        .get("/api/v1/reports/accountability?by=department&format=csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        csv.contains("off_hours_decision") && csv.contains("SPJ"),
        "{csv}"
    );
    let xlsx = inspector
        .get("/api/v1/reports/accountability?by=rule&format=xlsx")
        .await
        .bytes()
        .await
        .unwrap();
    assert!(xlsx.starts_with(b"PK"), "an XLSX (zip) file");
    let r = inspector
        .get("/api/v1/reports/accountability?by=mood")
        .await;
    assert_eq!(error_code(&r.json().await.unwrap()), "bad_report_query");

    // Closing: only an inspector, only with an explanation, only once.
    let id = a["alert_id"].as_str().unwrap();
    let path = format!("/api/v1/alerts/{id}/close");
    let clerk = app.clerk().await;
    let r = clerk
        .post(
            &path,
            &json!({"outcome": "justified", "explanation": "夜间值班审批"}),
        )
        .await;
    assert_eq!(r.status(), 403);
    let r = inspector
        .post(&path, &json!({"outcome": "justified", "explanation": ""}))
        .await;
    assert_eq!(error_code(&r.json().await.unwrap()), "explanation_required");
    let r = inspector
        .post(
            &path,
            &json!({"outcome": "rectified", "explanation": "已提醒审批人在工作时间审批"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let r = inspector
        .post(
            &path,
            &json!({"outcome": "rectified", "explanation": "再次关闭"}),
        )
        .await;
    assert_eq!(r.status(), 409);
    let (_, closed) = inspector.get_json("/api/v1/alerts?status=closed").await;
    assert_eq!(closed["alerts"][0]["closed_by"], "INSPECT", "{closed}");

    // A new version of a rule; bad parameters refused.
    let put = |body: Value| {
        inspector
            .request(reqwest::Method::PUT, "/api/v1/rules/decision_volume")
            .json(&body)
            .send()
    };
    let bad = json!({"active": true, "params": {"notice_days": 5, "delivery_days": 10, "office_start_hour": 19, "office_end_hour": 18, "max_decisions_per_day": 30}});
    assert_eq!(put(bad).await.unwrap().status(), 400);
    let good = json!({"active": true, "params": {"notice_days": 5, "delivery_days": 10, "office_start_hour": 8, "office_end_hour": 18, "max_decisions_per_day": 50}});
    let r: Value = put(good).await.unwrap().json().await.unwrap();
    assert_eq!(r["version"], 2, "{r}");
    // Thresholds per item or department travel with the version; a bad scope is refused.
    let scoped = json!({"active": true, "params": {"notice_days": 5, "delivery_days": 10, "office_start_hour": 8, "office_end_hour": 18, "max_decisions_per_day": 50, "overrides": {"dept:SPJ": {"max_decisions_per_day": 80}}}});
    let r: Value = put(scoped).await.unwrap().json().await.unwrap();
    assert_eq!(r["version"], 3, "{r}");
    let bad_scope = json!({"active": true, "params": {"notice_days": 5, "delivery_days": 10, "office_start_hour": 8, "office_end_hour": 18, "max_decisions_per_day": 50, "overrides": {"staff:APPROVE": {"max_decisions_per_day": 1}}}});
    assert_eq!(put(bad_scope).await.unwrap().status(), 400);
    let (_, rules) = inspector.get_json("/api/v1/rules").await;
    assert!(rules["rules"].as_array().unwrap().len() >= 18);

    // An alert row deleted in SQL: replay and ledger verify both name it.
    let gone = id.to_owned();
    let g = gone.clone();
    app.expect_corrupted();
    app.store
        .write(move |tx| tamper::delete_alert(tx.conn(), &g))
        .await
        .unwrap();
    let findings = app.replay_findings().await;
    assert!(
        matches!(&findings[..], [ReplayFinding::Missing { alert, .. }] if alert.alert_id == gone),
        "{findings:?}"
    );
    assert!(findings[0].to_string().contains(&gone));
    let ledger = app.ledger_findings().await;
    assert!(
        ledger.iter().any(|f| {
            let s = f.to_string();
            s.contains("alerts") && s.contains(&gone)
        }),
        "{ledger:?}"
    );
}

/// A server keeps its engines between runs and feeds them only new entries: what such a runner
/// records over several runs is exactly what one fold of the whole log proves.
#[tokio::test]
async fn a_kept_engine_raises_what_a_fold_of_the_whole_log_raises() {
    use oneseal_server::background::rules_runner::RuleEngines;
    let app = TestApp::spawn_demo().await;
    let kept = RuleEngines::default();
    let first = kept
        .run(&app.store, datetime!(2026-11-23 20:00 +8))
        .await
        .unwrap();
    assert_eq!(first.raised, 0, "{first:?}");
    let mut raised = 0;
    for minute in [10, 20] {
        let number = case_ready_for_decision(&app).await;
        app.clock
            .set(datetime!(2026-11-23 21:00 +8) + time::Duration::minutes(minute));
        step(
            &app.approver().await,
            &number,
            json!({"action": "decide", "decision": {"outcome": "approve"}}),
        )
        .await;
        let r = kept
            .run(
                &app.store,
                datetime!(2026-11-23 21:40 +8) + time::Duration::minutes(minute),
            )
            .await
            .unwrap();
        raised += r.raised;
    }
    assert_eq!(raised, 2, "one off-hours alert per decision");
    // A fresh engine folds the whole log and finds nothing left to record.
    let fresh = run(&app.store, datetime!(2026-11-23 22:30 +8))
        .await
        .unwrap();
    assert_eq!(fresh.raised, 0, "{fresh:?}");
    assert!(app.replay_findings().await.is_empty());
}

#[tokio::test]
async fn a_case_left_without_notice_is_alerted_to_its_clerk_on_the_sixth_working_day() {
    let app = TestApp::spawn_demo().await;
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
            &json!({"item_code": code, "channel": "window", "applicant": {"type": "organisation",
                "name": "济南示例科技有限公司", "uscc": "91370100MA3C0RT1XH", "contact_phone": "13812345678"}}),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    // Received Monday 23 November: five working days run to Monday 30 November.
    let r = run(&app.store, datetime!(2026-11-30 18:00 +8))
        .await
        .unwrap();
    assert_eq!(r.raised, 0);
    let r = run(&app.store, datetime!(2026-12-01 09:00 +8))
        .await
        .unwrap();
    assert_eq!(r.raised, 1);
    app.clock.set(datetime!(2026-12-01 09:00 +8));
    let (_, body) = app.inspector().await.get_json("/api/v1/alerts").await;
    let a = &body["alerts"][0];
    assert_eq!(
        (a["rule_id"].as_str(), a["responsible"].as_str()),
        (Some("notice_deadline"), Some("CLERK"))
    );
    assert!(app.replay_findings().await.is_empty());
    // A forged alert row is not proved by the log.
    app.expect_corrupted();
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
                    raised_on: "2026-12-01",
                },
            )
        })
        .await
        .unwrap();
    let findings = app.replay_findings().await;
    assert!(
        findings.iter().any(
            |f| matches!(f, ReplayFinding::Unexpected { alert_id, .. } if alert_id == "ALforged")
        ),
        "{findings:?}"
    );
}

#[tokio::test]
async fn the_inspector_pages_show_alerts_rules_and_reports() {
    let app = TestApp::spawn_demo().await;
    let number = case_ready_for_decision(&app).await;
    app.clock.set(datetime!(2026-11-23 21:30 +8));
    step(
        &app.approver().await,
        &number,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    run(&app.store, datetime!(2026-11-23 21:40 +8))
        .await
        .unwrap();
    let inspector = app.inspector().await;
    let page = inspector.get("/alerts").await.text().await.unwrap();
    assert!(
        page.contains("非工作时间作出审批决定")
            && page.contains("关闭预警")
            && page.contains(&number),
        "{page}"
    );
    let page = inspector.get("/rules").await.text().await.unwrap();
    assert!(
        // Two reviewers are the bureau's policy, not the law (issue #21 item 10).
        page.contains("本局审批制度（两人审查，非法定要求）") && page.contains("decision_volume"),
        "{page}"
    );
    let page = inspector
        .get("/reports?by=person&from=2026-11-01&to=2026-11-30")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("APPROVE") && page.contains("off_hours_decision"),
        "{page}"
    );
    // The head sees the queue but cannot close alerts; a clerk sees neither.
    let head = app.head().await;
    let page = head.get("/alerts").await.text().await.unwrap();
    assert!(
        page.contains("非工作时间") && !page.contains("关闭预警"),
        "{page}"
    );
    assert_eq!(app.clerk().await.get("/alerts").await.status(), 403);
    assert_eq!(app.anonymous().get("/alerts").await.status(), 303);
}

#[tokio::test]
async fn the_dashboard_counts_decisions_on_time_and_open_cases() {
    let app = TestApp::spawn_demo().await;
    let number = case_ready_for_decision(&app).await;
    // A second case is left open (received only).
    let open = case_ready_for_decision(&app).await;
    step(
        &app.approver().await,
        &number,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    let head = app.head().await;
    let (status, d) = head
        .get_json("/api/v1/dashboard?from=2026-11-01&to=2026-11-30")
        .await;
    assert_eq!(status, 200, "{d}");
    let day = d["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["day"] == "2026-11-23")
        .unwrap();
    assert_eq!(
        (
            day["received"].as_u64(),
            day["accepted"].as_u64(),
            day["decided"].as_u64()
        ),
        (Some(2), Some(2), Some(1)),
        "{d}"
    );
    assert_eq!(d["open_cases"], 1, "{open}: {d}");
    let dept = &d["by_department"][0];
    assert_eq!(
        (dept["decided"].as_u64(), dept["on_time"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        d["unclaimed_pushes"][0][1], 1,
        "the approval's push awaits its claim"
    );
    // The city head may look at all jurisdictions; a clerk may not look at all.
    let (status, all) = head.get_json("/api/v1/dashboard?jurisdiction=all").await;
    assert_eq!(
        (status, all["jurisdictions"].as_array().unwrap().len()),
        (200, 4)
    );
    let (status, _) = app.clerk().await.get_json("/api/v1/dashboard").await;
    assert_eq!(status, 403);
    let (status, bad) = head
        .get_json("/api/v1/dashboard?from=2026-12-01&to=2026-11-01")
        .await;
    assert_eq!((status, error_code(&bad)), (400, "bad_period"));
    let page = head.get("/dashboard").await.text().await.unwrap();
    assert!(
        page.contains("<svg class=\"chart\"")
            && page.contains("按部门按时办结率")
            && page.contains("100%（1/1）"),
        "{page}"
    );
}

#[tokio::test]
async fn a_local_expression_rule_is_recorded_raises_and_replays() {
    let app = TestApp::spawn_demo().await;
    let inspector = app.inspector().await;
    let put = |code: &str, body: Value| {
        inspector
            .request(
                reqwest::Method::PUT,
                &format!("/api/v1/rules/expressions/{code}"),
            )
            .json(&body)
            .send()
    };
    let r = put(
        "decided_quickly",
        json!({"name_zh": "当日决定", "expression": "kind == 'decided' &&", "active": true}),
    )
    .await
    .unwrap();
    assert_eq!(error_code(&r.json().await.unwrap()), "bad_expression");
    let r = put(
        "Bad Code",
        json!({"name_zh": "x", "expression": "true", "active": true}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 400);
    let r: Value = put(
        "decided_quickly",
        json!({"name_zh": "受理当日即作出决定", "expression": "kind == 'decided' && case.working_days_since_receipt == 0", "active": true}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(r["version"], 1, "{r}");
    let number = case_ready_for_decision(&app).await;
    step(
        &app.approver().await,
        &number,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    let report = run(&app.store, datetime!(2026-11-23 11:00 +8))
        .await
        .unwrap();
    assert_eq!(report.raised, 1, "{report:?}");
    let (_, alerts) = inspector.get_json("/api/v1/alerts").await;
    let a = &alerts["alerts"][0];
    assert_eq!(
        (
            a["rule_id"].as_str(),
            a["subject"].as_str(),
            a["responsible"].as_str()
        ),
        (
            Some("expression"),
            Some(format!("case:{number}").as_str()),
            Some("APPROVE")
        )
    );
    assert!(
        a["message_zh"]
            .as_str()
            .unwrap()
            .contains("受理当日即作出决定")
    );
    assert!(app.replay_findings().await.is_empty());
    let (_, rules) = inspector.get_json("/api/v1/rules").await;
    assert_eq!(
        rules["expressions"][0]["code"], "decided_quickly",
        "{rules}"
    );
    let page = inspector.get("/rules").await.text().await.unwrap();
    assert!(
        page.contains("decided_quickly") && page.contains("本地表达式规则"),
        "{page}"
    );
}
