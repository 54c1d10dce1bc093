//! Construction projects in parallel stages (工程建设项目审批制度改革, issue #20 item 3) over HTTP:
//! a project registered, its cases linked stage by stage with the items of a stage in parallel,
//! the stages completed once their items are granted, utilities requested and connected; the
//! order and the items enforced with typed answers; the page with its timeline; the limits'
//! rule; the names kept out of the public ledger.

use oneseal_testkit::{Actor, TestApp, error_code, peek};
use serde_json::{Value, json};
use time::macros::datetime;

use crate::cases::{case_ready_for_decision_on, step};

const PROJECTS: &str = "/api/v1/projects";
/// The project's name: it must not reach a public ledger entry.
const NAME: &str = "泉城机密安置房建设项目";

async fn post(actor: &Actor, path: &str, body: Value) -> (u16, Value) {
    let r = actor.post(path, &body).await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn project_body() -> Value {
    json!({"name": NAME, "owner": "济南泉城建设发展有限公司", "kind": "approval", "industry": "47"})
}

/// A case of `item` ready for a decision, approved when `approve`.
async fn case_of(app: &TestApp, item: &str, approve: bool) -> String {
    let number = case_ready_for_decision_on(app, item).await;
    if approve {
        approve_case(app, &number).await;
    }
    number
}

async fn approve_case(app: &TestApp, number: &str) {
    step(
        &app.approver().await,
        number,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
}

async fn register(app: &TestApp) -> String {
    let (status, r) = post(&app.clerk().await, PROJECTS, project_body()).await;
    assert_eq!(status, 200, "{r}");
    r["code"].as_str().unwrap().to_owned()
}

async fn link(clerk: &Actor, code: &str, case: &str, stage: &str) -> (u16, Value) {
    post(
        clerk,
        &format!("{PROJECTS}/{code}/cases"),
        json!({"case_number": case, "stage": stage}),
    )
    .await
}

async fn complete(clerk: &Actor, code: &str, stage: &str) -> (u16, Value) {
    post(
        clerk,
        &format!("{PROJECTS}/{code}/stages/{stage}/complete"),
        json!({}),
    )
    .await
}

#[tokio::test]
async fn a_project_goes_through_its_stages_in_order_with_parallel_items_and_utilities() {
    let app = TestApp::spawn_demo().await;
    let clerk = app.clerk().await;
    let code = register(&app).await;
    assert!(code.starts_with("2026-370100-47-01-"), "{code}");

    // 立项用地规划许可: two items in parallel, one granted, one still under review.
    let c1 = case_of(&app, "990100009000", true).await;
    let c2 = case_of(&app, "990100014000", false).await;
    for c in [&c1, &c2] {
        let (status, r) = link(&clerk, &code, c, "land_planning").await;
        assert_eq!(status, 200, "{r}");
    }
    let (status, r) = link(&clerk, &code, &c1, "land_planning").await;
    assert_eq!((status, error_code(&r)), (409, "case_already_linked"));
    // 施工许可's item in the first stage; the next stage before the first is complete.
    let c3 = case_of(&app, "990100011000", true).await;
    let (status, r) = link(&clerk, &code, &c3, "land_planning").await;
    assert_eq!((status, error_code(&r)), (422, "item_not_in_stage"));
    let (status, r) = link(&clerk, &code, &c3, "construction_permit").await;
    assert_eq!((status, error_code(&r)), (409, "previous_stage_open"));
    let (status, r) = complete(&clerk, &code, "land_planning").await;
    assert_eq!((status, error_code(&r)), (409, "stage_items_not_granted"));
    assert!(
        r["error"]["message_zh"].as_str().unwrap().contains(&c2),
        "{r}"
    );

    approve_case(&app, &c2).await;
    let (status, r) = complete(&clerk, &code, "land_planning").await;
    assert_eq!((status, r["late"].as_bool()), (200, Some(false)), "{r}");
    let (status, r) = complete(&clerk, &code, "land_planning").await;
    assert_eq!((status, error_code(&r)), (409, "stage_completed"));

    // Utilities wait for the construction permit stage.
    let (status, r) = post(
        &clerk,
        &format!("{PROJECTS}/{code}/utilities"),
        json!({"utility": "power"}),
    )
    .await;
    assert_eq!((status, error_code(&r)), (409, "utility_too_early"));

    let c4 = case_of(&app, "990100019000", true).await;
    let (status, r) = link(&clerk, &code, &c4, "engineering_permit").await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(complete(&clerk, &code, "engineering_permit").await.0, 200);
    assert_eq!(link(&clerk, &code, &c3, "construction_permit").await.0, 200);
    assert_eq!(complete(&clerk, &code, "construction_permit").await.0, 200);
    for u in ["power", "water"] {
        let (status, r) = post(
            &clerk,
            &format!("{PROJECTS}/{code}/utilities"),
            json!({"utility": u}),
        )
        .await;
        assert_eq!(status, 200, "{r}");
    }
    let (status, r) = post(
        &clerk,
        &format!("{PROJECTS}/{code}/utilities/power/connected"),
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{r}");
    let (status, r) = post(
        &clerk,
        &format!("{PROJECTS}/{code}/utilities/gas/connected"),
        json!({}),
    )
    .await;
    assert_eq!((status, error_code(&r)), (409, "utility_not_requested"));

    // A case of another project cannot join this one.
    let other = register(&app).await;
    let (status, r) = link(&clerk, &other, &c1, "land_planning").await;
    assert_eq!((status, error_code(&r)), (409, "case_in_other_project"));

    let (status, v) = app
        .reviewer()
        .await
        .get_json(&format!("{PROJECTS}/{code}"))
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["name"], NAME);
    assert_eq!(v["status"], "in_progress");
    assert_eq!(v["whole_working_days"], 120);
    let stages = v["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 4);
    assert_eq!(stages[0]["cases"].as_array().unwrap().len(), 2);
    assert!(stages[2]["completed_on"].is_string(), "{v}");
    assert!(stages[3]["opened_on"].is_null(), "{v}");
    assert_eq!(v["utilities"].as_array().unwrap().len(), 2);
    // Three stages, four cases and two utilities on the timeline.
    assert_eq!(v["timeline"]["bars"].as_array().unwrap().len(), 9, "{v}");

    let (_, list) = clerk.get_json(PROJECTS).await;
    let codes: Vec<&str> = list["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec![other.as_str(), code.as_str()]);

    // Every step on the ledger; the name in none of the public entries.
    let steps = app
        .store
        .read(|c| peek::entries_of_kind(c, "project.event"))
        .await
        .unwrap();
    assert!(steps.len() >= 14, "{}", steps.len());
    for e in app.store.read(|c| peek::all_entries(c)).await.unwrap() {
        let text = String::from_utf8_lossy(&e);
        assert!(!text.contains("机密"), "the project's name in {text}");
    }
    app.assert_consistent();
}

#[tokio::test]
async fn bad_project_requests_get_typed_answers() {
    let app = TestApp::spawn_demo().await;
    let clerk = app.clerk().await;
    for (body, code) in [
        (
            json!({"name": NAME, "owner": "某公司", "kind": "other", "industry": "47"}),
            "bad_project_kind",
        ),
        (
            json!({"name": " ", "owner": "某公司", "kind": "filing", "industry": "47"}),
            "empty_field",
        ),
        (
            json!({"name": NAME, "owner": "某公司", "kind": "filing", "industry": "4x"}),
            "bad_industry",
        ),
        (
            json!({"name": "名".repeat(101), "owner": "某公司", "kind": "filing", "industry": "47"}),
            "too_long",
        ),
    ] {
        let (status, r) = post(&clerk, PROJECTS, body).await;
        assert_eq!((status, error_code(&r)), (400, code), "{r}");
        assert!(r["error"]["message_zh"].is_string(), "{r}");
    }
    let (status, _) = post(&app.reviewer().await, PROJECTS, project_body()).await;
    assert_eq!(status, 403);
    let code = register(&app).await;
    let (status, r) = link(&clerk, &code, "37010020260101000001", "land_planning").await;
    assert_eq!((status, error_code(&r)), (404, "not_found"), "{r}");
    let (status, r) = link(&clerk, &code, "37010020260101000001", "stage9").await;
    assert_eq!((status, error_code(&r)), (400, "bad_stage"));
    let (status, r) = post(
        &clerk,
        &format!("{PROJECTS}/{code}/utilities"),
        json!({"utility": "steam"}),
    )
    .await;
    assert_eq!((status, error_code(&r)), (400, "bad_utility"));
    let (status, r) = complete(&clerk, &code, "land_planning").await;
    assert_eq!((status, error_code(&r)), (409, "stage_not_opened"));
    for missing in ["2026-370100-47-01-999999", "not-a-code"] {
        let (status, _) = clerk.get_json(&format!("{PROJECTS}/{missing}")).await;
        assert_eq!(status, 404, "{missing}");
    }
    // A county's clerk does not see the city's project.
    let county = app.sign_in("PY-CLERK").await;
    let (status, _) = county.get_json(&format!("{PROJECTS}/{code}")).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_project_page_draws_its_timeline_and_the_limits_rule_watches_the_stages() {
    let app = TestApp::spawn_demo().await;
    let clerk = app.clerk().await;
    let code = register(&app).await;
    let c1 = case_of(&app, "990100009000", false).await;
    assert_eq!(link(&clerk, &code, &c1, "land_planning").await.0, 200);

    let html = clerk
        .get(&format!("/projects/{code}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"project-timeline\""), "{html}");
    assert!(html.contains("立项用地规划许可"), "{html}");
    assert!(html.contains(&c1), "{html}");
    let list = clerk.get("/projects").await.text().await.unwrap();
    assert!(list.contains(&code) && list.contains(NAME), "{list}");

    // Received on Monday 23 November: 20 working days, due 21 December; on the 22nd the stage
    // is overdue and the rule says so, for the clerk who registered the project.
    let at = datetime!(2026-12-22 10:00 +8);
    app.clock.set(at);
    oneseal_server::background::rules_runner::run(&app.store, at)
        .await
        .unwrap();
    let (_, alerts) = app
        .inspector()
        .await
        .get_json("/api/v1/alerts?status=open")
        .await;
    let subject = format!("project_stage:{code}:land_planning");
    let alert = alerts["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["subject"] == subject.as_str())
        .unwrap_or_else(|| panic!("{alerts}"));
    assert_eq!(alert["rule_id"], "project_stage_overdue");
    assert!(
        !alerts.to_string().contains(&format!("project:{code}\"")),
        "the whole is not overdue yet"
    );
}

/// A case of `item` received by the city's clerk now, told at once to correct its materials.
async fn case_told_to_correct(app: &TestApp, item: &str) -> String {
    let clerk = app.clerk().await;
    let created: Value = clerk
        .post(
            "/api/v1/cases",
            &json!({"item_code": item, "channel": "window", "applicant": crate::cases::applicant()}),
        )
        .await
        .json()
        .await
        .unwrap();
    let number = created["case_number"].as_str().unwrap().to_owned();
    step(&clerk, &number, json!({"action": "one_time_notice", "items": [{"material": "申请书", "problem": "missing", "detail": "请补充申请书"}]})).await;
    number
}

async fn dashboard(app: &TestApp) -> Value {
    let (status, d) = app
        .sign_in("HEAD")
        .await
        .get_json("/api/v1/dashboard")
        .await;
    assert_eq!(status, 200, "{d}");
    d["projects"].clone()
}

async fn stage_of(app: &TestApp, code: &str, stage: &str) -> Value {
    let (status, p) = app
        .clerk()
        .await
        .get_json(&format!("{PROJECTS}/{code}"))
        .await;
    assert_eq!(status, 200, "{p}");
    p["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["stage"] == stage)
        .unwrap()
        .clone()
}

#[tokio::test]
async fn the_stage_clock_leaves_out_the_applicants_correction_and_the_dashboard_counts_projects() {
    let app = TestApp::spawn_demo().await;
    // Monday 2 November 2026: 立项用地规划许可's 20 working days run to 30 November.
    app.clock.set(datetime!(2026-11-02 09:00 +8));
    let before = dashboard(&app).await;
    let count = |v: &Value, k: &str| v[k].as_u64().unwrap();

    // Project A: its one case waits on the applicant's supplement for a week, then is granted.
    let a = register(&app).await;
    let corrected = case_told_to_correct(&app, "990100009000").await;
    let clerk = app.clerk().await;
    assert_eq!(link(&clerk, &a, &corrected, "land_planning").await.0, 200);
    // Project B: a case with the bureau all along. Project C: one whose correction is awaited.
    let b = register(&app).await;
    let busy = case_of(&app, "990100009000", false).await;
    assert_eq!(link(&clerk, &b, &busy, "land_planning").await.0, 200);
    let c = register(&app).await;
    let awaited = case_told_to_correct(&app, "990100009000").await;
    assert_eq!(link(&clerk, &c, &awaited, "land_planning").await.0, 200);

    // Monday 9 November: the supplement is in (the applicant's were the 3rd to the 6th, four
    // working days); granted the same day.
    app.clock.set(datetime!(2026-11-09 10:00 +8));
    let clerk = app.clerk().await;
    step(
        &clerk,
        &corrected,
        json!({"action": "supplement", "materials": [{"name": "申请书", "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}]}),
    )
    .await;
    step(&clerk, &corrected, json!({"action": "accept"})).await;
    for r in ["REVIEW", "REVIEW2"] {
        step(&app.sign_in(r).await, &corrected, json!({"action": "review", "step": "review", "opinion": "符合条件", "substantive": true})).await;
    }
    approve_case(&app, &corrected).await;
    let s = stage_of(&app, &a, "land_planning").await;
    assert_eq!(s["used_working_days"], 5, "gross: {s}");
    assert_eq!(s["applicant_working_days"], 4, "{s}");
    assert_eq!(s["net_working_days"], 1, "{s}");
    assert!(
        s["net_due"].as_str().unwrap() > s["due"].as_str().unwrap(),
        "{s}"
    );
    let (status, r) = complete(&clerk, &a, "land_planning").await;
    assert_eq!((status, r["late"].as_bool()), (200, Some(false)), "{r}");
    let s = stage_of(&app, &b, "land_planning").await;
    assert_eq!(s["applicant_working_days"], 0, "{s}");
    assert_eq!(s["net_working_days"], s["used_working_days"], "{s}");

    // Tuesday 1 December: B is past its 20 working days; C is not, its applicant still owes
    // the supplement.
    app.clock.set(datetime!(2026-12-01 10:00 +8));
    assert_eq!(stage_of(&app, &b, "land_planning").await["overdue"], true);
    let s = stage_of(&app, &c, "land_planning").await;
    assert_eq!(s["overdue"], false, "{s}");
    assert_eq!(s["net_working_days"], 0, "{s}");
    let page = app
        .clerk()
        .await
        .get(&format!("/projects/{c}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("毛计") && page.contains("净计"),
        "both figures, labelled"
    );

    let after = dashboard(&app).await;
    assert_eq!(count(&after, "open"), count(&before, "open") + 3, "{after}");
    assert_eq!(
        count(&after, "stages_overdue"),
        count(&before, "stages_overdue") + 1,
        "{after}"
    );
    assert_eq!(
        count(&after, "stages_completed"),
        count(&before, "stages_completed") + 1,
        "{after}"
    );
    let completed = count(&after, "stages_completed") as f64;
    let average = after["average_net_working_days"].as_f64().unwrap();
    assert!(
        (average - count(&after, "net_working_days") as f64 / completed).abs() < 1e-9,
        "{after}"
    );
    let page = app
        .sign_in("HEAD")
        .await
        .get("/dashboard")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("id=\"kpi-projects\""),
        "the dashboard's project figure"
    );
}

/// The list page's row of project `code`, from its `<tr` to its `</tr>`.
fn list_row(page: &str, code: &str) -> String {
    let at = page
        .find(&format!("data-project=\"{code}\""))
        .unwrap_or_else(|| panic!("{code} not listed: {page}"));
    let start = page[..at].rfind("<tr").unwrap();
    let end = at + page[at..].find("</tr>").unwrap();
    page[start..end].to_owned()
}

#[tokio::test]
async fn the_project_list_counts_a_stage_overdue_net_of_the_applicants_correction() {
    let app = TestApp::spawn_demo().await;
    // Monday 2 November 2026: 立项用地规划许可's 20 working days run, gross, to 30 November.
    app.clock.set(datetime!(2026-11-02 09:00 +8));
    let clerk = app.clerk().await;
    // Waiting: its one case has waited on the applicant's correction since the day it came.
    let waiting = register(&app).await;
    let awaited = case_told_to_correct(&app, "990100009000").await;
    assert_eq!(
        link(&clerk, &waiting, &awaited, "land_planning").await.0,
        200
    );
    // Late: its case has been with the bureau all along.
    let late = register(&app).await;
    let busy = case_of(&app, "990100009000", false).await;
    assert_eq!(link(&clerk, &late, &busy, "land_planning").await.0, 200);

    // Tuesday 1 December: both stages are past their gross due date; only the late one is
    // past its net one.
    app.clock.set(datetime!(2026-12-01 10:00 +8));
    let clerk = app.clerk().await;
    let (status, list) = clerk.get_json(PROJECTS).await;
    assert_eq!(status, 200, "{list}");
    let listed = |code: &str| {
        list["projects"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["code"] == code)
            .cloned()
            .unwrap_or_else(|| panic!("{code}: {list}"))
    };
    let (w, l) = (listed(&waiting), listed(&late));
    for p in [&w, &l] {
        assert_eq!(p["stage"], "land_planning", "{p}");
        assert_eq!(p["stage_due"], "2026-11-30", "{p}");
    }
    assert_eq!(
        (w["stage_overdue"].as_bool(), w["overdue"].as_bool()),
        (Some(false), Some(false)),
        "{w}"
    );
    assert!(
        w["stage_net_due"].as_str().unwrap() > "2026-12-01",
        "the applicant's days push the due date out: {w}"
    );
    assert_eq!(
        (l["stage_overdue"].as_bool(), l["overdue"].as_bool()),
        (Some(true), Some(true)),
        "{l}"
    );
    assert_eq!(l["stage_net_due"], "2026-11-30", "{l}");
    // The same as the project's own page says.
    assert_eq!(
        stage_of(&app, &waiting, "land_planning").await["overdue"],
        false
    );
    assert_eq!(
        stage_of(&app, &late, "land_planning").await["overdue"],
        true
    );

    let page = clerk.get("/projects").await.text().await.unwrap();
    let row = list_row(&page, &waiting);
    assert!(
        !row.contains("card-red") && !row.contains("data-overdue") && !row.contains("超期"),
        "{row}"
    );
    let row = list_row(&page, &late);
    assert!(
        row.contains("card-red") && row.contains("阶段超期") && row.contains("至 2026-11-30"),
        "{row}"
    );
}
