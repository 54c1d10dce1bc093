//! Approval–supervision linkage end to end: a decision pushed to the supervising department,
//! reminded and escalated on the working-day calendar, claimed late; a penalty cancelling the
//! licence; a policy change listing exactly what it touches; feed, bad input (webhooks: see
//! `webhooks`).

use std::collections::BTreeSet;
use std::sync::Arc;

use oneseal_domain::calendar::Calendar;
use oneseal_server::background::linkage_runner::{RunReport, run_due};
use oneseal_testkit::{Actor, TestApp, error_code, peek};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::datetime;

use crate::cases::{approved_and_cosigned_licence, case_ready_for_decision_on, step};

async fn run(app: &TestApp, at: OffsetDateTime) -> RunReport {
    app.clock.set(at);
    run_due(&app.store, Arc::new(Calendar::builtin().unwrap()), at)
        .await
        .unwrap()
}

async fn pushes(actor: &Actor) -> Vec<Value> {
    let (status, body) = actor.get_json("/api/v1/linkage/pushes").await;
    assert_eq!(status, 200, "{body}");
    body["pushes"].as_array().unwrap().clone()
}

async fn fg(app: &TestApp) -> Actor {
    app.department_token("FG", &["claim_push", "view_pushes", "submit_feedback"])
        .await
}

async fn refusals(app: &TestApp) -> i64 {
    app.store
        .read(|c| peek::linkage_refusal_attempts(c))
        .await
        .unwrap()
}

fn post_claim(actor: &Actor, push: &str, key: Option<&str>) -> reqwest::RequestBuilder {
    let r = actor.request(
        reqwest::Method::POST,
        &format!("/api/v1/linkage/pushes/{push}/claim"),
    );
    match key {
        Some(k) => r.header("Idempotency-Key", k),
        None => r,
    }
}

#[tokio::test]
async fn a_decision_is_pushed_reminded_escalated_and_claimed_late() {
    let app = TestApp::spawn_demo_witnessed().await;
    let licence = approved_and_cosigned_licence(&app).await;
    let head = app.head().await;
    let list = pushes(&head).await;
    assert_eq!(list.len(), 1, "{list:?}");
    let p = &list[0];
    let id = p["push_id"].as_str().unwrap().to_owned();
    // Approved on Monday 2026-11-23: due Wednesday (2 working days), escalated Friday (2 more).
    assert_eq!(
        (
            p["kind"].as_str(),
            p["department"].as_str(),
            p["status"].as_str(),
            p["claim_due"].as_str(),
            p["escalate_on"].as_str(),
            p["licence_id"].as_str()
        ),
        (
            Some("approval"),
            Some("FG"),
            Some("awaiting_claim"),
            Some("2026-11-25"),
            Some("2026-11-27"),
            Some(licence.as_str())
        )
    );
    let fg = fg(&app).await;
    let (_, feed) = fg.get_json("/api/v1/dept/feed").await;
    assert_eq!(feed["entries"][0]["kind"], "push.created", "{feed}");
    let cursor = feed["next"].as_u64().unwrap();

    assert_eq!(run(&app, datetime!(2026-11-24 10:00 +8)).await.reminded, 0);
    let r = run(&app, datetime!(2026-11-25 10:00 +8)).await;
    assert_eq!((r.reminded, r.escalated), (1, 0));
    assert_eq!(run(&app, datetime!(2026-11-25 11:00 +8)).await.reminded, 0);
    assert_eq!(run(&app, datetime!(2026-11-26 10:00 +8)).await.escalated, 0);
    let r = run(&app, datetime!(2026-11-27 10:00 +8)).await;
    assert_eq!(r.escalated, 1);
    // Sessions last a working day: sign in again after the clock moved.
    let head = app.head().await;
    let (_, one) = head.get_json(&format!("/api/v1/linkage/pushes/{id}")).await;
    assert_eq!(one["push"]["reminded_on"], "2026-11-25", "{one}");
    assert_eq!(one["push"]["escalated_on"], "2026-11-27", "{one}");
    let (_, feed) = fg
        .get_json(&format!("/api/v1/dept/feed?after={cursor}"))
        .await;
    let kinds: Vec<_> = feed["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds, ["push.reminded", "push.escalated"]);
    let (_, stats) = head.get_json("/api/v1/linkage/stats").await;
    assert_eq!(stats["departments"][0]["overdue"], 1, "{stats}");

    // Another department may not claim it; the attempt is recorded.
    let scjg = app
        .department_token("SCJG", &["claim_push", "view_pushes"])
        .await;
    let r = post_claim(&scjg, &id, None).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(refusals(&app).await, 1);

    // The next Monday: claimed late, once; a retry with the same key answers the same.
    app.clock.set(datetime!(2026-11-30 09:30 +8));
    let r = post_claim(&fg, &id, Some("claim-1")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let first: Value = r.json().await.unwrap();
    assert_eq!(first["late"], true, "{first}");
    let again: Value = post_claim(&fg, &id, Some("claim-1"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again["receipt"], first["receipt"]);
    assert_eq!(again["replayed"], true);
    let dup = post_claim(&fg, &id, None).send().await.unwrap();
    assert_eq!(dup.status(), 409);
    assert_eq!(
        error_code(&dup.json().await.unwrap()),
        "push_already_claimed"
    );
    let head = app.head().await;
    let p = &pushes(&head).await[0];
    assert_eq!(
        (p["status"].as_str(), p["claimed_on"].as_str()),
        (Some("claimed_late"), Some("2026-11-30"))
    );

    // The working day's digest after 17:00, once.
    let r = run(&app, datetime!(2026-11-30 17:30 +8)).await;
    assert_eq!(r.digests, 1);
    assert_eq!(run(&app, datetime!(2026-11-30 18:00 +8)).await.digests, 0);
    let (_, feed) = fg.get_json("/api/v1/dept/feed?after=0&limit=500").await;
    let digest = feed["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "digest")
        .cloned()
        .unwrap();
    assert_eq!(
        (
            digest["body"]["claimed_today"].as_u64(),
            digest["body"]["awaiting"].as_u64(),
            digest["body"]["overdue_this_month"].as_u64()
        ),
        (Some(1), Some(0), Some(1)),
        "{digest}"
    );
    app.assert_consistent();
}

#[tokio::test]
async fn a_penalty_cancels_the_licence_and_a_policy_change_lists_what_it_touches() {
    let app = TestApp::spawn_demo_witnessed().await;
    let licence = approved_and_cosigned_licence(&app).await;
    let fg = fg(&app).await;
    let clerk = app.clerk().await;

    // The approved item's legal basis, read from the public catalog.
    let (_, l) = clerk.get_json(&format!("/api/v1/licences/{licence}")).await;
    let item_code = l["events"][0]["item_code"].as_str().unwrap().to_owned();
    let (_, item) = clerk
        .get_json(&format!("/api/v1/catalog/items/{item_code}"))
        .await;
    let basis = &item["item"]["legal_basis"][0];
    let (law, article) = (
        basis["law"].as_str().unwrap().to_owned(),
        basis["article"].as_str().map(str::to_owned),
    );
    // An open case on the same item.
    let open = case_ready_for_decision_on(&app, &item_code).await;

    let change = json!({"external_ref": "FG-ZC-2026-01", "body": {"type": "policy_change",
        "law": format!("《{law}》"), "articles": article.iter().collect::<Vec<_>>(), "summary": "条文修订", "effective_on": "2026-12-01"}});
    let r = fg.post("/api/v1/linkage/feedback", &change).await;
    assert_eq!(r.status(), 200);
    let out: Value = r.json().await.unwrap();
    // The expected impact, computed from the public catalog and the case queue.
    let (_, all) = clerk.get_json("/api/v1/catalog/items?per_page=500").await;
    let cited: BTreeSet<String> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| {
            i["legal_basis"].as_array().unwrap().iter().any(|b| {
                b["law"].as_str() == Some(law.as_str())
                    && (article.is_none() || b["article"].as_str() == article.as_deref())
            })
        })
        .map(|i| i["basic_code"].as_str().unwrap().to_owned())
        .collect();
    let (_, queue) = app.head().await.get_json("/api/v1/cases").await;
    let open_cases: BTreeSet<String> = queue["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| cited.contains(c["item_code"].as_str().unwrap()))
        .map(|c| c["case_number"].as_str().unwrap().to_owned())
        .collect();
    let set = |v: &Value| -> BTreeSet<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(set(&out["impact"]["items"]), cited);
    assert_eq!(set(&out["impact"]["open_cases"]), open_cases);
    assert!(open_cases.contains(&open));
    assert_eq!(
        set(&out["impact"]["valid_licences"]),
        BTreeSet::from([licence.clone()])
    );
    // The bureau closes its review.
    let head = app.head().await;
    let fid = out["feedback_id"].as_str().unwrap();
    let path = format!("/api/v1/linkage/feedback/{fid}/close-review");
    let r = head.post(&path, &json!({"explanation": ""})).await;
    assert_eq!(r.status(), 400);
    let r = head
        .post(&path, &json!({"explanation": "已逐件复核，无需调整"}))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        head.post(&path, &json!({"explanation": "again"}))
            .await
            .status(),
        409
    );

    // Penalty: revoked by the department, cancelled by the bureau at once; idempotent.
    let penalty = json!({"external_ref": "济发改罚〔2026〕3号", "body": {"type": "penalty",
        "licence_id": licence, "decision_ref": "济发改罚〔2026〕3号", "summary": "吊销", "revokes": true}});
    let r = fg.post("/api/v1/linkage/feedback", &penalty).await;
    let out: Value = r.json().await.unwrap();
    assert_eq!(out["licence_status"], "已注销", "{out}");
    let again: Value = fg
        .post("/api/v1/linkage/feedback", &penalty)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (again["duplicate"].as_bool(), &again["feedback_id"]),
        (Some(true), &out["feedback_id"])
    );
    let mut changed = penalty.clone();
    changed["body"]["summary"] = json!("另一内容");
    let r = fg.post("/api/v1/linkage/feedback", &changed).await;
    assert_eq!(r.status(), 409);
    let page = app
        .anonymous()
        .get(&format!("/verify/{licence}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("证照状态：已注销"), "{page}");

    // Feedback on an unknown licence: typed error, nothing stored, the attempt recorded.
    let before = refusals(&app).await;
    let r = fg
        .post(
            "/api/v1/linkage/feedback",
            &json!({"external_ref": "X-1", "body": {"type": "supervision_record", "licence_id": "1.2.156.nope",
                "inspected_on": "2026-11-24", "result": "compliant", "summary": "检查"}}),
        )
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(error_code(&r.json().await.unwrap()), "unknown_licence");
    assert_eq!(refusals(&app).await, before + 1);
    app.assert_consistent();
}

/// Re-publishes the expert-review item with a supervising department that is not registered in
/// the demo city (as a catalog import by the administrator would); returns its code.
async fn unmapped_item(app: &TestApp) -> String {
    let code = crate::cases::expert_review_item(app).await;
    let admin = app.admin().await;
    let csv = admin
        .get("/api/v1/catalog/export?format=csv")
        .await
        .text()
        .await
        .unwrap();
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (code_col, dept_col) = (col("basic_code"), col("supervising_department"));
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(&header).unwrap();
    for rec in reader.records() {
        let mut fields: Vec<String> = rec.unwrap().iter().map(str::to_owned).collect();
        if fields[code_col] == code {
            fields[dept_col] = "QXJ".into();
            out.write_record(&fields).unwrap();
        }
    }
    let r = admin
        .post_bytes(
            "/api/v1/catalog/import?format=csv",
            out.into_inner().unwrap(),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let (_, m) = admin.get_json("/api/v1/linkage/mappings").await;
    let row = m["mappings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["item_code"] == code.as_str())
        .cloned()
        .unwrap();
    assert!(row["department"].is_null(), "{row}");
    code
}

#[tokio::test]
async fn an_unmapped_decision_is_flagged_then_assigned_and_settings_are_checked() {
    let app = TestApp::spawn_demo().await;
    let admin = app.admin().await;
    let r = admin
        .request(reqwest::Method::PUT, "/api/v1/linkage/settings")
        .json(&json!({"claim_days": 0, "escalate_days": 2}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = admin
        .request(reqwest::Method::PUT, "/api/v1/linkage/settings")
        .json(&json!({"claim_days": 3, "escalate_days": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let code = unmapped_item(&app).await;
    let number = case_ready_for_decision_on(&app, &code).await;
    step(
        &app.approver().await,
        &number,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    let head = app.head().await;
    let p = pushes(&head).await[0].clone();
    assert_eq!(
        (p["status"].as_str(), p["department"].as_str()),
        (Some("unmapped"), None)
    );
    assert!(run(&app, datetime!(2026-12-31 10:00 +8)).await.reminded == 0);
    app.clock.set(oneseal_testkit::START);
    let admin = app.admin().await;
    let id = p["push_id"].as_str().unwrap();
    let path = format!("/api/v1/linkage/pushes/{id}/assign");
    let r = admin.post(&path, &json!({"department": "NOPE"})).await;
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "unknown_department", "{body}");
    let r = admin.post(&path, &json!({"department": "SCJG"})).await;
    assert_eq!(r.status(), 200);
    let p = pushes(&head).await[0].clone();
    // Assigned on Monday 2026-11-23 with the jurisdiction's 3 + 1 working days.
    assert_eq!(
        (
            p["status"].as_str(),
            p["claim_due"].as_str(),
            p["escalate_on"].as_str()
        ),
        (
            Some("awaiting_claim"),
            Some("2026-11-26"),
            Some("2026-11-27")
        )
    );
    let r = admin.post(&path, &json!({"department": "ZJ"})).await;
    assert_eq!(error_code(&r.json().await.unwrap()), "push_already_mapped");
    // From now on the item maps explicitly, with a responsible user.
    let r = admin
        .request(
            reqwest::Method::PUT,
            &format!("/api/v1/linkage/mappings/{code}"),
        )
        .json(&json!({"department": "SCJG", "responsible": "SCJG"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let (_, m) = admin.get_json("/api/v1/linkage/mappings").await;
    let row = m["mappings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["item_code"] == code.as_str())
        .unwrap()
        .clone();
    assert_eq!(
        (row["department"].as_str(), row["explicit"].as_bool()),
        (Some("SCJG"), Some(true))
    );
    // The department user claims in time.
    let scjg = app.sign_in("SCJG").await;
    let r = post_claim(&scjg, id, None).send().await.unwrap();
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["late"], false, "{body}");
}

#[tokio::test]
async fn the_department_inbox_and_the_bureau_view_show_the_push() {
    let app = TestApp::spawn_demo_witnessed().await;
    approved_and_cosigned_licence(&app).await;
    let head = app.head().await;
    let page = head.get("/linkage").await.text().await.unwrap();
    assert!(
        page.contains("审管互动跟踪") && page.contains("FG") && page.contains("待认领"),
        "{page}"
    );
    // SCJG's inbox does not show FG's push; the linkage link leads there.
    let scjg = app.sign_in("SCJG").await;
    let page = scjg.get("/dept").await.text().await.unwrap();
    assert!(
        page.contains("没有待认领的推送") && page.contains("href=\"/dept\""),
        "{page}"
    );
    // A clerk has neither page.
    let clerk = app.clerk().await;
    assert_eq!(clerk.get("/dept").await.status(), 403);
    assert_eq!(clerk.get("/linkage").await.status(), 403);
    let anon = app.anonymous();
    let r = anon.get("/dept").await;
    assert_eq!(r.status(), 303, "anonymous visitors are sent to sign in");
}

/// A department hammering unknown ids grows the public log by at most
/// `REFUSALS_PER_MINUTE` entries a minute; beyond that it is told to slow down.
#[tokio::test]
async fn refused_attempts_are_recorded_at_a_bounded_rate() {
    use oneseal_server::services::linkage::REFUSALS_PER_MINUTE;
    let app = TestApp::spawn_demo().await;
    let scjg = app
        .department_token("SCJG", &["claim_push", "view_pushes"])
        .await;
    let size = |app: &TestApp| {
        let store = app.store.clone();
        async move {
            store
                .read(|c| oneseal_store::log::read_head(c, "370100"))
                .await
                .unwrap()
                .0
        }
    };
    let before = size(&app).await;
    let limit = REFUSALS_PER_MINUTE as usize;
    let mut statuses = Vec::new();
    for i in 0..limit + 5 {
        let r = post_claim(&scjg, &format!("P-nonexistent-{i}"), None)
            .send()
            .await
            .unwrap();
        statuses.push(r.status().as_u16());
    }
    assert!(statuses[..limit].iter().all(|s| *s == 404), "{statuses:?}");
    assert!(statuses[limit..].iter().all(|s| *s == 429), "{statuses:?}");
    assert_eq!(refusals(&app).await, limit as i64);
    assert_eq!(
        size(&app).await - before,
        limit as u64,
        "one entry per recorded refusal"
    );
    // The next minute the department's attempts are recorded again.
    app.clock.advance(time::Duration::minutes(1));
    let r = post_claim(&scjg, "P-nonexistent-again", None)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(refusals(&app).await, limit as i64 + 1);
}
