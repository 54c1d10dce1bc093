//! Leadership coordination (领导协调, issue #20 item 4) over HTTP: a matter raised, decided by
//! its leader, its tasks reported done by a department and a member of staff, closed; who sees
//! what; an escalated push taken up as a matter; the overdue rules and the dashboard; typed text
//! kept out of the public ledger.

use std::sync::Arc;

use oneseal_domain::calendar::Calendar;
use oneseal_server::background::linkage_runner::run_due;
use oneseal_testkit::{Actor, TestApp, error_code, peek};
use serde_json::{Value, json};
use time::macros::datetime;

use crate::cases::approved_and_cosigned_licence;

const MATTERS: &str = "/api/v1/coordination/matters";
/// Words typed into the matter: none may reach a public ledger entry.
const SECRET: &str = "申请人欧阳机密反映燃气管道审批无人受理";

async fn post(actor: &Actor, path: &str, body: Value) -> (u16, Value) {
    let r = actor.post(path, &body).await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn raise_body(departments: &[&str]) -> Value {
    json!({
        "kind": "competence_dispute", "title": "燃气管道审批职责争议（机密标题）", "description": SECRET,
        "departments": departments, "due_working_days": 3,
    })
}

#[tokio::test]
async fn a_matter_is_raised_decided_tasked_reported_and_closed() {
    let app = TestApp::spawn_demo().await;
    let reviewer = app.reviewer().await;
    let (status, raised) = post(&reviewer, MATTERS, raise_body(&["SCJG", "ZJ"])).await;
    assert_eq!(status, 200, "{raised}");
    let id = raised["matter_id"].as_str().unwrap().to_owned();
    assert_eq!(id, "XT-370100-00001");
    // Raised Monday 23 November: three working days, and the bureau head leads by default.
    assert_eq!(raised["due"], "2026-11-26");
    assert_eq!(raised["leader"], "HEAD");

    // The departments concerned see it; another department's system does not.
    let scjg = app.sign_in("SCJG").await;
    let (_, list) = scjg.get_json(MATTERS).await;
    assert_eq!(list["matters"][0]["matter_id"], id.as_str(), "{list}");
    let fg = app
        .department_token("FG", &["view_coordination", "complete_coordination_task"])
        .await;
    let (status, list) = fg.get_json(MATTERS).await;
    assert_eq!(
        (status, list["matters"].as_array().unwrap().len()),
        (200, 0)
    );
    let (status, _) = fg.get_json(&format!("{MATTERS}/{id}")).await;
    assert_eq!(status, 403);

    // Only the leader (or the bureau head) decides; tasks wait for the decision.
    let head = app.head().await;
    let approver = app.approver().await;
    let (status, body) = post(
        &approver,
        &format!("{MATTERS}/{id}/decision"),
        json!({"decision": "由市场监管局牵头"}),
    )
    .await;
    assert_eq!((status, error_code(&body)), (403, "not_matter_leader"));
    let task = |who: &str| json!({"department": who, "description": "五个工作日内完成现场核查（机密任务）", "due_working_days": 5});
    let (status, body) = post(&head, &format!("{MATTERS}/{id}/tasks"), task("SCJG")).await;
    assert_eq!((status, error_code(&body)), (409, "matter_not_decided"));
    let (status, body) = post(
        &head,
        &format!("{MATTERS}/{id}/decision"),
        json!({"meeting_on": "2026-11-23", "decision": "由市场监管局牵头，住建局配合（机密决定）"}),
    )
    .await;
    assert_eq!(
        (status, body["late"].as_bool()),
        (200, Some(false)),
        "{body}"
    );
    let (status, body) = post(
        &head,
        &format!("{MATTERS}/{id}/decision"),
        json!({"decision": "再议"}),
    )
    .await;
    assert_eq!((status, error_code(&body)), (409, "matter_already_decided"));

    let (status, t1) = post(&head, &format!("{MATTERS}/{id}/tasks"), task("SCJG")).await;
    assert_eq!(status, 200, "{t1}");
    assert_eq!(t1["task_id"], format!("{id}-T1"));
    assert_eq!(t1["due"], "2026-11-30");
    let (status, t2) = post(
        &head,
        &format!("{MATTERS}/{id}/tasks"),
        json!({"staff": "REVIEW", "description": "补充办件材料", "due_working_days": 2}),
    )
    .await;
    assert_eq!(status, 200, "{t2}");
    let (status, body) = post(
        &head,
        &format!("{MATTERS}/{id}/tasks"),
        json!({"department": "SCJG", "staff": "REVIEW", "description": "x", "due_working_days": 2}),
    )
    .await;
    assert_eq!((status, error_code(&body)), (400, "bad_assignee"));
    let (status, body) = post(
        &head,
        &format!("{MATTERS}/{id}/close"),
        json!({"summary": "争议已解决"}),
    )
    .await;
    assert_eq!((status, error_code(&body)), (409, "matter_tasks_open"));

    // Only the holder reports its task done: the department (its user or its token), the
    // member of staff.
    let done = |t: &Value| {
        format!(
            "/api/v1/coordination/tasks/{}/done",
            t["task_id"].as_str().unwrap()
        )
    };
    let zj = app.sign_in("ZJ").await;
    let (status, body) = post(&zj, &done(&t1), json!({"report": "已核查"})).await;
    assert_eq!((status, error_code(&body)), (403, "not_task_assignee"));
    let (status, body) = post(
        &scjg,
        &done(&t1),
        json!({"report": "已完成现场核查（机密报告）"}),
    )
    .await;
    assert_eq!(
        (status, body["late"].as_bool()),
        (200, Some(false)),
        "{body}"
    );
    let (status, body) = post(&scjg, &done(&t1), json!({"report": "再报"})).await;
    assert_eq!((status, error_code(&body)), (409, "task_already_done"));
    let (status, body) = post(&reviewer, &done(&t2), json!({"report": "材料已补齐"})).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = post(
        &head,
        &format!("{MATTERS}/{id}/close"),
        json!({"summary": "争议已解决，办件继续办理（机密办结）"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let (status, view) = scjg.get_json(&format!("{MATTERS}/{id}")).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["status"], "closed");
    assert_eq!(view["matter"]["raised"]["description"], SECRET);
    assert_eq!(view["matter"]["tasks"].as_array().unwrap().len(), 2);

    // Seven steps on the ledger; the typed words in none of the public entries.
    let kinds = app
        .store
        .read(|c| peek::entries_of_kind(c, "coordination.matter"))
        .await
        .unwrap();
    assert_eq!(kinds.len(), 7);
    let entries = app.store.read(|c| peek::all_entries(c)).await.unwrap();
    for e in entries {
        let text = String::from_utf8_lossy(&e);
        assert!(!text.contains("机密"), "typed text in {text}");
    }
    app.assert_consistent();
}

#[tokio::test]
async fn bad_matters_are_refused_with_typed_answers() {
    let app = TestApp::spawn_demo().await;
    let clerk = app.clerk().await;
    let cases = [
        (
            json!({"kind": "quarrel", "title": "t", "description": "d", "due_working_days": 3}),
            "bad_matter_kind",
        ),
        (
            json!({"kind": "other", "title": " ", "description": "d", "due_working_days": 3}),
            "missing_field",
        ),
        (
            json!({"kind": "other", "title": "t", "description": "d", "due_working_days": 61}),
            "bad_due_working_days",
        ),
        (
            json!({"kind": "other", "title": "t", "description": "d", "departments": ["NOPE"], "due_working_days": 3}),
            "unknown_department",
        ),
        (
            json!({"kind": "escalated_push", "title": "t", "description": "d", "due_working_days": 3}),
            "push_required",
        ),
        (
            json!({"kind": "other", "title": "t", "description": "d", "leader": "CLERK", "due_working_days": 3}),
            "bad_leader",
        ),
    ];
    for (body, code) in cases {
        let (status, answer) = post(&clerk, MATTERS, body).await;
        assert_eq!((status, error_code(&answer)), (400, code), "{answer}");
    }
    let (status, _) = clerk.get_json(&format!("{MATTERS}/XT-370100-09999")).await;
    assert_eq!(status, 404);
    // The administrator runs the system; it takes no part in coordination.
    let (status, _) = app.admin().await.get_json(MATTERS).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn an_escalated_push_becomes_a_matter_and_overdue_rules_and_the_dashboard_see_it() {
    let app = TestApp::spawn_demo_witnessed().await;
    approved_and_cosigned_licence(&app).await;
    let head = app.head().await;
    let (_, pushes) = head.get_json("/api/v1/linkage/pushes").await;
    let push = pushes["pushes"][0]["push_id"].as_str().unwrap().to_owned();
    let body = |days: u32| {
        json!({"kind": "escalated_push", "title": "推送逾期未认领", "description": "发改委逾期未认领",
               "push_id": push, "due_working_days": days})
    };
    let (status, answer) = post(&head, MATTERS, body(1)).await;
    assert_eq!((status, error_code(&answer)), (409, "push_not_escalated"));

    // Escalated on Friday 27 November (claim due Wednesday, two working days more).
    let at = datetime!(2026-11-27 10:00 +8);
    app.clock.set(at);
    let r = run_due(&app.store, Arc::new(Calendar::builtin().unwrap()), at)
        .await
        .unwrap();
    assert_eq!(r.escalated, 1);
    let head = app.head().await;
    let (status, raised) = post(&head, MATTERS, body(1)).await;
    assert_eq!(status, 200, "{raised}");
    let id = raised["matter_id"].as_str().unwrap().to_owned();
    assert_eq!(raised["due"], "2026-11-30");
    let (status, answer) = post(&head, MATTERS, body(1)).await;
    assert_eq!((status, error_code(&answer)), (409, "push_already_raised"));
    // The push's department is concerned, so it sees the matter.
    let fg = app.department_token("FG", &["view_coordination"]).await;
    let (_, view) = fg.get_json(&format!("{MATTERS}/{id}")).await;
    assert_eq!(
        view["matter"]["raised"]["departments"],
        json!(["FG"]),
        "{view}"
    );
    assert_eq!(view["matter"]["raised"]["push_id"], push.as_str());

    // Tuesday 1 December: undecided past its due date — the rule and the dashboard say so.
    let at = datetime!(2026-12-01 10:00 +8);
    app.clock.set(at);
    oneseal_server::background::rules_runner::run(&app.store, at)
        .await
        .unwrap();
    let inspector = app.inspector().await;
    let (_, alerts) = inspector.get_json("/api/v1/alerts?status=open").await;
    let rules: Vec<(&str, &str)> = alerts["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["rule_id"].as_str().unwrap(),
                a["subject"].as_str().unwrap(),
            )
        })
        .collect();
    let subject = format!("coordination:{id}");
    assert!(
        rules.contains(&("coordination_overdue", subject.as_str())),
        "{rules:?}"
    );
    let head = app.head().await;
    let (_, dash) = head.get_json("/api/v1/dashboard").await;
    assert_eq!(
        (
            dash["coordination_open"].as_i64(),
            dash["coordination_overdue"].as_i64()
        ),
        (Some(1), Some(1)),
        "{dash}"
    );

    // Decided late; a task for the department, one working day, not done by Thursday.
    let (_, d) = post(
        &head,
        &format!("{MATTERS}/{id}/decision"),
        json!({"decision": "发改委当日认领并说明原因"}),
    )
    .await;
    assert_eq!(d["late"], true, "{d}");
    let (status, t) = post(
        &head,
        &format!("{MATTERS}/{id}/tasks"),
        json!({"department": "FG", "description": "认领推送并书面说明", "due_working_days": 1}),
    )
    .await;
    assert_eq!(
        (status, t["due"].as_str()),
        (200, Some("2026-12-02")),
        "{t}"
    );
    let at = datetime!(2026-12-03 10:00 +8);
    app.clock.set(at);
    oneseal_server::background::rules_runner::run(&app.store, at)
        .await
        .unwrap();
    let (_, alerts) = app
        .inspector()
        .await
        .get_json("/api/v1/alerts?status=open")
        .await;
    let task_alert = alerts["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["rule_id"] == "coordination_task_overdue")
        .unwrap_or_else(|| panic!("{alerts}"));
    assert_eq!(task_alert["responsible_department"], "FG", "{task_alert}");
    let (_, dash) = app.head().await.get_json("/api/v1/dashboard").await;
    assert_eq!(
        dash["coordination_tasks_overdue"].as_i64(),
        Some(1),
        "{dash}"
    );
    assert!(app.replay_findings().await.is_empty());
    app.assert_consistent();
}
