//! The applicant's side, whole (issue #19 items 4–6, issue #20 item 2): a 告知承诺 signed online
//! and its verification in plain words on "my applications"; a "one thing" application online
//! with every case's status, documents and rating; a licence held for 容缺 materials released
//! online reaching the supervising department, the inbox and the documents list.

use oneseal_testkit::{Actor, TestApp, error_code};
use serde_json::{Value, json};
use time::macros::datetime;

use crate::applicant::upload_file;
use crate::cases::step;
use crate::materials::PDF;

/// 食品经营许可: under 告知承诺制 (two months to verify) and on the 容缺 list; SCJG supervises it.
const FOOD: &str = "990100001000";
/// 市场主体登记: not under 告知承诺制.
const MARKET_ENTITY: &str = "990100008000";
/// The 容缺 material of 食品经营许可.
const RULES: &str = "食品安全自查、从业人员健康管理等食品安全管理制度";

fn person(phone: &str) -> Value {
    json!({"type": "natural_person", "name": "赵整件", "id_number": "11010519491231002X", "phone": phone})
}

async fn mine(a: &Actor) -> Vec<Value> {
    let (status, v) = a.get_json("/api/v1/applicant/applications").await;
    assert_eq!(status, 200, "{v}");
    v["applications"].as_array().unwrap().clone()
}

/// Submits `body` (materials added) and has the clerk receive it: (application id, answer).
async fn applied_and_received(app: &TestApp, a: &Actor, mut body: Value) -> (String, Value) {
    let (_, file) = upload_file(a, "食品经营许可申请书", PDF).await;
    if body.get("materials").is_none() {
        body["materials"] = json!([{"name": "食品经营许可申请书", "sha256": file["sha256"]}]);
    }
    let r = a.post("/api/v1/applicant/applications", &body).await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    let id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .clerk()
        .await
        .post(
            &format!("/api/v1/online-applications/{id}/receive"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    (id, r.json().await.unwrap())
}

async fn reviewed(app: &TestApp, number: &str) {
    for r in ["REVIEW", "REVIEW2"] {
        let reviewer = app.sign_in(r).await;
        step(&reviewer, number, json!({"action": "review", "step": "review", "opinion": "符合条件", "substantive": true})).await;
    }
}

fn kinds(docs: &Value) -> Vec<String> {
    docs.as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_commitment_signed_online_shows_with_its_verification_in_plain_words() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(datetime!(2026-11-25 09:00 +8));
    let phone = "13712340101";
    let a = app.applicant(phone).await;

    // The form offers the item's commitment text and the tick box; an item off the regime not.
    let page = a
        .get(&format!("/my?item={FOOD}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("id=\"apply-commitment\"") && page.contains("告知承诺书（"),
        "{page}"
    );
    assert!(
        page.contains("国办发〔2020〕42号"),
        "the text names its source"
    );
    let page = a
        .get(&format!("/my?item={MARKET_ENTITY}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"apply-form\"") && !page.contains("id=\"apply-commitment\""));

    // Not ticked: the ordinary procedure, no commitment.
    let (_, plain) = applied_and_received(
        &app,
        &a,
        json!({"item_code": FOOD, "applicant": person(phone)}),
    )
    .await;
    assert!(mine(&a).await[0]["commitment"].is_null());

    // Ticked: signed with the receipt, decided at once, verified by the department.
    let (id, got) = applied_and_received(
        &app,
        &a,
        json!({"item_code": FOOD, "applicant": person(phone), "commitment": true}),
    )
    .await;
    let number = got["case_number"].as_str().unwrap().to_owned();
    assert_ne!(got["case_number"], plain["case_number"]);
    let row = mine(&a)
        .await
        .into_iter()
        .find(|r| r["id"] == id.as_str())
        .unwrap();
    assert_eq!(row["commitment"]["status"], "signed", "{row}");
    assert!(
        row["commitment"]["summary_zh"]
            .as_str()
            .unwrap()
            .contains("2个月"),
        "{row}"
    );
    let done = step(
        &app.approver().await,
        &number,
        json!({"action": "decide_on_spot"}),
    )
    .await;
    assert_eq!(done["status"], 11, "{done}");
    let row = mine(&a)
        .await
        .into_iter()
        .find(|r| r["id"] == id.as_str())
        .unwrap();
    assert_eq!(row["commitment"]["status"], "awaiting", "{row}");
    assert_eq!(row["commitment"]["due_on"], "2027-01-25");
    assert!(
        row["commitment"]["summary_zh"]
            .as_str()
            .unwrap()
            .contains("2027-01-25")
    );

    let finding = "现场核查：经营场所与承诺相符";
    let r = app
        .sign_in("SCJG")
        .await
        .post(
            &format!("/api/v1/dept/commitments/{number}/verdict"),
            &json!({"verdict": "verified", "finding": finding}),
        )
        .await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    let row = mine(&a)
        .await
        .into_iter()
        .find(|r| r["id"] == id.as_str())
        .unwrap();
    assert_eq!(row["commitment"]["status"], "verified", "{row}");
    let text = row.to_string();
    assert!(text.contains("承诺属实"), "{text}");
    assert!(
        !text.contains(finding) && !text.contains("SCJG"),
        "the department's finding and name stay with the bureau: {text}"
    );
    let page = a.get("/my").await.text().await.unwrap();
    assert!(
        page.contains("class=\"commitment-status\"") && page.contains("承诺属实"),
        "{page}"
    );
}

#[tokio::test]
async fn a_bundle_online_lists_every_case_with_its_documents_and_rates_each() {
    let app = TestApp::spawn_demo().await;
    let phone = "13712340102";
    let a = app.applicant(phone).await;
    let mut materials = Vec::new();
    for (i, name) in ["营业执照", "食品经营许可申请书", "户外广告设置申请书"]
        .iter()
        .enumerate()
    {
        let bytes = format!("%PDF-1.4\n% whole {i}\n%%EOF\n");
        let (status, file) = upload_file(&a, name, bytes.as_bytes()).await;
        assert_eq!(status, 200, "{file}");
        materials.push(json!({"name": name, "sha256": file["sha256"]}));
    }
    let (id, got) = applied_and_received(
        &app,
        &a,
        json!({"bundle": "open-restaurant", "applicant": person(phone), "materials": materials}),
    )
    .await;
    let cases: Vec<String> = got["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(cases.len(), 3, "{got}");

    // Every case is listed with its status and its receipt.
    let row = &mine(&a).await[0];
    let listed = row["bundle"]["cases"].as_array().unwrap();
    let numbers: Vec<&str> = listed
        .iter()
        .map(|c| c["case_number"].as_str().unwrap())
        .collect();
    assert_eq!(
        numbers,
        cases.iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert_eq!(row["bundle"]["code"], "open-restaurant");
    assert!(
        listed.iter().all(|c| kinds(&c["documents"]) == ["receipt"]),
        "{row}"
    );

    // The second case is granted and delivered: its decision and licence are offered, it is rated.
    let second = cases[1].as_str();
    step(&app.clerk().await, second, json!({"action": "accept"})).await;
    reviewed(&app, second).await;
    step(
        &app.approver().await,
        second,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    step(
        &app.clerk().await,
        second,
        json!({"action": "deliver", "method": "window"}),
    )
    .await;
    let row = &mine(&a).await[0];
    let case = &row["bundle"]["cases"][1];
    let docs = kinds(&case["documents"]);
    assert!(
        docs.contains(&"decision".to_owned()) && docs.contains(&"licence".to_owned()),
        "{case}"
    );
    assert_eq!(case["rateable"], true, "{case}");
    assert_eq!(row["bundle"]["cases"][0]["rateable"], false);
    let url = case["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "licence")
        .unwrap()["url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(url.ends_with(&format!("?case={second}")), "{url}");
    let r = a.get(&url).await;
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"%PDF"));

    // A case the application did not open is unknown, to documents and to the rating alike.
    let other = app.applicant("13712340103").await;
    let (_, foreign) = applied_and_received(
        &app,
        &other,
        json!({"item_code": FOOD, "applicant": person("13712340103")}),
    )
    .await;
    let foreign = foreign["case_number"].as_str().unwrap();
    let r = a
        .get(&format!(
            "/api/v1/applicant/applications/{id}/documents/receipt?case={foreign}"
        ))
        .await;
    assert_eq!(r.status(), 404);
    let rate = |case: &str| json!({"level": "very_satisfied", "case_number": case});
    let rated = |body: Value| {
        let a = &a;
        let id = id.clone();
        async move {
            let r = a
                .post(
                    &format!("/api/v1/applicant/applications/{id}/rating"),
                    &body,
                )
                .await;
            (
                r.status().as_u16(),
                r.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    assert_eq!(rated(rate(foreign)).await.0, 404);
    let (status, body) = rated(rate(&cases[0])).await;
    assert_eq!((status, error_code(&body)), (409, "case_not_closed"));
    let (status, body) = rated(rate(second)).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = rated(rate(second)).await;
    assert_eq!((status, error_code(&body)), (409, "already_rated"));
    let row = &mine(&a).await[0];
    assert_eq!(row["bundle"]["cases"][1]["rated"], true);
    assert_eq!(row["bundle"]["cases"][1]["rateable"], false);

    // The page shows each case, its documents, and no form for the rated one.
    let page = a.get("/my").await.text().await.unwrap();
    for n in &cases {
        assert!(page.contains(&format!("data-case=\"{n}\"")), "{n}: {page}");
    }
    assert!(page.contains(&format!("documents/licence?case={second}")));
    assert!(!page.contains(&format!(
        "class=\"rating-form intake\" data-id=\"{id}\" data-case=\"{second}\""
    )));
}

#[tokio::test]
async fn a_held_licence_released_online_is_pushed_told_and_offered() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(datetime!(2026-09-07 09:00 +8));
    let phone = "13712340104";
    let a = app.applicant(phone).await;
    let (id, got) = applied_and_received(
        &app,
        &a,
        json!({"item_code": FOOD, "applicant": person(phone)}),
    )
    .await;
    let number = got["case_number"].as_str().unwrap().to_owned();
    let clerk = app.clerk().await;
    step(
        &clerk,
        &number,
        json!({"action": "deferral", "act": "accept", "materials": [RULES], "due": "2026-09-14"}),
    )
    .await;
    reviewed(&app, &number).await;
    let decided = step(
        &app.approver().await,
        &number,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    let licence = decided["sealed"]["license_id"].as_str().unwrap().to_owned();

    // Held: the department's push names no licence, nobody is told of one, none is offered.
    let scjg = app.sign_in("SCJG").await;
    let (_, feed) = scjg.get_json("/api/v1/dept/feed?after=0&limit=500").await;
    assert!(
        feed.to_string().contains(&number),
        "the decision is pushed: {feed}"
    );
    assert!(!feed.to_string().contains(&licence), "{feed}");
    let steps = |inbox: &Value| -> Vec<String> {
        inbox["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["step"].as_str().unwrap().to_owned())
            .collect()
    };
    let (_, inbox) = a.get_json("/api/v1/applicant/messages").await;
    assert!(
        !steps(&inbox).contains(&"licence_issued".to_owned()),
        "{inbox}"
    );
    assert!(!kinds(&mine(&a).await[0]["documents"]).contains(&"licence".to_owned()));

    // The last material arrives online and the clerk receives it: the licence is issued.
    app.clock.set(datetime!(2026-09-10 09:00 +8));
    let a = app.applicant(phone).await;
    let (_, file) = upload_file(&a, RULES, PDF).await;
    let r = a
        .post(
            &format!("/api/v1/applicant/applications/{id}/supplement"),
            &json!({"materials": [{"name": RULES, "sha256": file["sha256"]}]}),
        )
        .await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    let r = app
        .clerk()
        .await
        .post(
            &format!("/api/v1/online-applications/{id}/receive"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);

    // (a) the supervising department is pushed the licence (审管互动), once.
    let scjg = app.sign_in("SCJG").await;
    let (_, feed) = scjg.get_json("/api/v1/dept/feed?after=0&limit=500").await;
    let naming: Vec<&Value> = feed["entries"]
        .as_array()
        .or_else(|| feed["items"].as_array())
        .expect("the feed's entries")
        .iter()
        .filter(|e| e.to_string().contains(&licence))
        .collect();
    assert_eq!(naming.len(), 1, "{feed}");
    assert!(naming[0].to_string().contains("licence_issued"), "{feed}");
    // (b) the applicant is told, (c) and offered the licence.
    let (_, inbox) = a.get_json("/api/v1/applicant/messages").await;
    assert_eq!(steps(&inbox)[0], "licence_issued", "{inbox}");
    assert!(
        inbox["messages"][0]["text"]
            .as_str()
            .unwrap()
            .contains("许可证已制发")
    );
    let docs = &mine(&a).await[0]["documents"];
    assert!(kinds(docs).contains(&"licence".to_owned()), "{docs}");
    let r = a
        .get(&format!(
            "/api/v1/applicant/applications/{id}/documents/licence"
        ))
        .await;
    assert_eq!(r.status(), 200);
}
