//! 容缺受理 over HTTP (issue #19 item 6, issue #21 item 11): a clerk accepts a listed item with
//! listed materials to follow by an agreed date; the grant is decided but its licence held and
//! its delivery refused until they arrive (at the window or online); then the licence is issued.
//! The agreed date passing raises the `deferred_materials` rule.

use oneseal_server::background::rules_runner::run;
use oneseal_testkit::{Actor, TestApp, error_code};
use serde_json::{Value, json};
use time::macros::datetime;

use crate::applicant::upload_file;
use crate::cases::{applicant, step};
use crate::materials::PDF;

/// 食品经营许可: on the 容缺 list.
const FOOD: &str = "990100001000";
/// Its material that may follow.
const RULES: &str = "食品安全自查、从业人员健康管理等食品安全管理制度";
/// 排污许可 (no 容缺).
const NOT_LISTED: &str = "990100024000";
const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

async fn received(clerk: &Actor, item: &str) -> (String, String) {
    let r = clerk
        .post(
            "/api/v1/cases",
            &json!({"item_code": item, "channel": "window", "applicant": applicant(),
                    "materials": [{"name": "食品经营许可申请书", "sha256": SHA}]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    (
        v["case_number"].as_str().unwrap().to_owned(),
        v["query_code"].as_str().unwrap().to_owned(),
    )
}

async fn refused(actor: &Actor, number: &str, body: Value) -> (u16, String) {
    let r = actor
        .post(&format!("/api/v1/cases/{number}/actions"), &body)
        .await;
    let status = r.status().as_u16();
    let v: Value = r.json().await.unwrap();
    (status, error_code(&v).to_owned())
}

fn accept(materials: &[&str], due: &str) -> Value {
    json!({"action": "deferral", "act": "accept", "materials": materials, "due": due})
}

fn deferral_offer(case: &Value) -> Option<Value> {
    case["allowed_actions"]
        .as_array()?
        .iter()
        .find(|a| a["action"] == "deferral")
        .cloned()
}

async fn review_and_grant(app: &TestApp, number: &str) -> Value {
    for r in ["REVIEW", "REVIEW2"] {
        let reviewer = app.sign_in(r).await;
        step(&reviewer, number, json!({"action": "review", "step": "review", "opinion": "符合条件", "substantive": true})).await;
    }
    step(
        &app.approver().await,
        number,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await
}

#[tokio::test]
async fn rongque_the_licence_of_a_grant_is_held_until_the_deferred_material_arrives() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(datetime!(2026-09-07 09:00 +8));
    let clerk = app.clerk().await;
    let (number, query_code) = received(&clerk, FOOD).await;
    let (_, case) = clerk.get_json(&format!("/api/v1/cases/{number}")).await;
    let offer = deferral_offer(&case).expect("容缺 offered on a listed item");
    assert_eq!(offer["may_follow"], json!([RULES]), "{offer}");
    assert_eq!(offer["latest_due"], "2026-10-07");

    // Bad input is typed and records nothing.
    for (body, code) in [
        (
            accept(&["食品经营许可申请书"], "2026-09-14"),
            "deferral_material_not_listed",
        ),
        (accept(&[RULES], "2026-12-31"), "deferral_due_date"),
        (accept(&[], "2026-09-14"), "deferral_bad_list"),
    ] {
        assert_eq!(refused(&clerk, &number, body).await, (400, code.to_owned()));
    }
    let (status, _) = refused(&clerk, &number, accept(&[RULES], "next week")).await;
    assert_eq!(status, 400);

    let done = step(&clerk, &number, accept(&[RULES], "2026-09-14")).await;
    assert_eq!(done["status"], 3, "{done}");
    assert_eq!(done["sealed"]["document_kind"], "acceptance");
    let (_, case) = clerk.get_json(&format!("/api/v1/cases/{number}")).await;
    let kinds: Vec<&str> = case["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["received", "deferral", "accepted"], "{case}");

    // Decided, but the licence is held: none issued, delivery refused with the reason.
    let decided = review_and_grant(&app, &number).await;
    let licence = decided["sealed"]["license_id"].as_str().unwrap().to_owned();
    let (status, _) = clerk.get_json(&format!("/api/v1/licences/{licence}")).await;
    assert_eq!(status, 404, "no licence before the materials arrive");
    let (status, code) = refused(
        &clerk,
        &number,
        json!({"action": "deliver", "method": "window"}),
    )
    .await;
    assert_eq!((status, code.as_str()), (400, "licence_held"));
    let page = clerk
        .get(&format!("/cases/{number}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("id=\"deferral\"") && page.contains("补齐并经窗口核验后发放证照"),
        "the desk says why"
    );
    assert!(
        page.contains("id=\"deferral-receive\""),
        "and offers the receipt"
    );
    assert!(!page.contains("id=\"manage-licence\""));

    // The public progress says it too, with no personal data.
    let anon = app.anonymous();
    let (status, progress) = anon
        .get_json(&format!(
            "/api/v1/public/progress?case={number}&code={query_code}"
        ))
        .await;
    assert_eq!(status, 200, "{progress}");
    assert_eq!(progress["deferral"]["outstanding"], json!([RULES]));
    assert_eq!(progress["deferral"]["licence_held"], true);
    let text = progress.to_string();
    assert!(!text.contains("13812345678"), "{text}");
    let page = anon
        .get(&format!("/progress?case={number}&code={query_code}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"deferral-progress\""), "{page}");

    // Only what is owed is received; then the licence is issued and may be delivered.
    let (status, code) = refused(
        &clerk,
        &number,
        json!({"action": "deferral", "act": "receive", "materials": [{"name": "营业执照", "sha256": SHA}]}),
    )
    .await;
    assert_eq!((status, code.as_str()), (400, "deferral_not_owed"));
    app.clock.set(datetime!(2026-09-10 09:00 +8));
    let clerk = app.clerk().await;
    step(
        &clerk,
        &number,
        json!({"action": "deferral", "act": "receive", "materials": [{"name": RULES, "sha256": SHA}]}),
    )
    .await;
    let (status, issued) = clerk.get_json(&format!("/api/v1/licences/{licence}")).await;
    assert_eq!(status, 200, "{issued}");
    assert!(
        issued.to_string().contains("2026-09-10"),
        "valid from the release: {issued}"
    );
    step(
        &clerk,
        &number,
        json!({"action": "deliver", "method": "window"}),
    )
    .await;
}

#[tokio::test]
async fn rongque_an_item_off_the_list_is_not_offered_and_refused() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(datetime!(2026-09-07 09:00 +8));
    let clerk = app.clerk().await;
    let (number, _) = received(&clerk, NOT_LISTED).await;
    let (_, case) = clerk.get_json(&format!("/api/v1/cases/{number}")).await;
    assert!(deferral_offer(&case).is_none(), "{case}");
    let (status, code) = refused(&clerk, &number, accept(&[RULES], "2026-09-14")).await;
    assert_eq!((status, code.as_str()), (400, "deferral_not_listed"));
    // A reviewer may not take it (the clerk's step).
    let (number, _) = received(&clerk, FOOD).await;
    let (status, _) = refused(
        &app.reviewer().await,
        &number,
        accept(&[RULES], "2026-09-14"),
    )
    .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn rongque_the_applicant_uploads_the_deferred_material_online() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(datetime!(2026-09-07 09:00 +8));
    let a = app.applicant("13912345678").await;
    let (_, file) = upload_file(&a, "食品经营许可申请书", PDF).await;
    let body = json!({"item_code": FOOD, "applicant": applicant(),
                      "materials": [{"name": "食品经营许可申请书", "sha256": file["sha256"]}]});
    let r = a.post("/api/v1/applicant/applications", &body).await;
    assert_eq!(r.status(), 200);
    let id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let clerk = app.clerk().await;
    let r = clerk
        .post(
            &format!("/api/v1/online-applications/{id}/receive"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let number = r.json::<Value>().await.unwrap()["case_number"]
        .as_str()
        .unwrap()
        .to_owned();
    step(&clerk, &number, accept(&[RULES], "2026-09-14")).await;

    let (_, mine) = a.get_json("/api/v1/applicant/applications").await;
    let row = &mine["applications"][0];
    assert_eq!(
        row["progress"]["deferral"]["outstanding"],
        json!([RULES]),
        "{row}"
    );
    let page = a.get("/my").await.text().await.unwrap();
    assert!(
        page.contains("提交容缺材料") && page.contains(RULES),
        "{page}"
    );

    // Only an owed material is sent.
    let (_, rules) = upload_file(&a, RULES, PDF).await;
    let r = a
        .post(
            &format!("/api/v1/applicant/applications/{id}/supplement"),
            &json!({"materials": [{"name": "营业执照", "sha256": rules["sha256"]}]}),
        )
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(error_code(&r.json().await.unwrap()), "deferral_not_owed");
    let r = a
        .post(
            &format!("/api/v1/applicant/applications/{id}/supplement"),
            &json!({"materials": [{"name": RULES, "sha256": rules["sha256"]}]}),
        )
        .await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    let r = clerk
        .post(
            &format!("/api/v1/online-applications/{id}/receive"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    let (_, case) = clerk.get_json(&format!("/api/v1/cases/{number}")).await;
    let last = case["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["kind"].as_str(), last["act"].as_str()),
        (Some("deferral"), Some("receive")),
        "{last}"
    );
    let (_, mine) = a.get_json("/api/v1/applicant/applications").await;
    assert_eq!(
        mine["applications"][0]["progress"]["deferral"]["outstanding"],
        json!([])
    );
}

async fn alerts(app: &TestApp) -> String {
    let (_, a) = app
        .inspector()
        .await
        .get_json("/api/v1/alerts?limit=200")
        .await;
    a.to_string()
}

#[tokio::test]
async fn rongque_the_agreed_date_passing_raises_the_rule() {
    use oneseal_server::WallClock;
    // Dated from the demo's own start: the runner folds the log in order, and the demo's
    // entries are stamped when it starts.
    let app = TestApp::spawn_demo().await;
    let start = app.clock.now();
    let day = |n: i64| start + time::Duration::days(n);
    let clerk = app.clerk().await;
    let (number, _) = received(&clerk, FOOD).await;
    let due = oneseal_domain::case::legal_date(day(7)).to_string();
    step(&clerk, &number, accept(&[RULES], &due)).await;
    app.clock.set(day(7));
    run(&app.store, day(7)).await.unwrap();
    assert!(!alerts(&app).await.contains("deferred_materials"));
    app.clock.set(day(8));
    run(&app.store, day(8)).await.unwrap();
    let text = alerts(&app).await;
    assert!(
        text.contains("deferred_materials") && text.contains(&number),
        "{text}"
    );
}
