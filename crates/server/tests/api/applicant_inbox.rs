//! The applicant's inbox and rating from the account (issue #19 item 4): a message at every
//! public step of their case (once each, plain words, no personal data), the text message
//! through the sender (the number forgotten once handed over), marking read, and a closed case
//! rated once from `/my` under the public rating's rules. A window case reaches the inbox of
//! its contact mobile's account only once that account exists.

use std::sync::Arc;

use oneseal_server::services::applicant_identity::{DemoOutbox, DemoSender};
use oneseal_server::services::inbox;
use oneseal_testkit::{Actor, TestApp, error_code};
use serde_json::{Value, json};

use crate::applicant::upload_file;
use crate::cases::{expert_review_item, step};
use crate::materials::PDF;

const PHONE: &str = "13912340001";
const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

fn person(phone: &str) -> Value {
    json!({"type": "natural_person", "name": "李信箱", "id_number": "11010519491231002X", "phone": phone})
}

async fn inbox_of(a: &Actor) -> Value {
    let (status, body) = a.get_json("/api/v1/applicant/messages").await;
    assert_eq!(status, 200, "{body}");
    body
}

fn steps(inbox: &Value) -> Vec<String> {
    inbox["messages"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|m| m["step"].as_str().unwrap().to_owned())
        .collect()
}

async fn review_and_decide(app: &TestApp, number: &str) -> Value {
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

async fn rate(a: &Actor, id: &str, body: &Value) -> (u16, Value) {
    let r = a
        .post(&format!("/api/v1/applicant/applications/{id}/rating"), body)
        .await;
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn an_online_applicant_is_told_every_public_step_once_and_rates_the_closed_case() {
    let app = TestApp::spawn_demo().await;
    let item = expert_review_item(&app).await;
    let a = app.applicant(PHONE).await;
    let (_, file) = upload_file(&a, "申请书", PDF).await;
    let body = json!({"item_code": item, "applicant": person(PHONE),
        "materials": [{"name": "申请书", "sha256": file["sha256"]}]});
    let r = a.post("/api/v1/applicant/applications", &body).await;
    assert_eq!(r.status(), 200);
    let id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Submitted is the applicant's own act: nothing to tell until the bureau receives it.
    assert_eq!(inbox_of(&a).await["unread"], 0);

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
    let got = inbox_of(&a).await;
    assert_eq!(steps(&got), ["received"], "told once: {got}");
    let text = got["messages"][0]["text"].as_str().unwrap();
    assert!(text.contains(&number) && text.contains("已收到"), "{text}");
    assert!(
        !text.contains(PHONE) && !text.contains("李信箱") && !text.contains("received"),
        "plain words, no personal data: {text}"
    );

    // Not closed yet: the rating waits, as the public one does.
    let (status, err) = rate(&a, &id, &json!({"level": "satisfied"})).await;
    assert_eq!((status, error_code(&err)), (409, "case_not_closed"));

    step(&clerk, &number, json!({"action": "one_time_notice", "items": [{"material": "营业执照", "problem": "missing", "detail": "请补充营业执照"}]})).await;
    let (_, file) = upload_file(&a, "营业执照", b"%PDF-1.4\n% licence\n%%EOF\n").await;
    let r = a
        .post(
            &format!("/api/v1/applicant/applications/{id}/supplement"),
            &json!({"materials": [{"name": "营业执照", "sha256": file["sha256"]}]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let r = clerk
        .post(
            &format!("/api/v1/online-applications/{id}/receive"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), 200);
    step(&clerk, &number, json!({"action": "accept"})).await;
    review_and_decide(&app, &number).await;
    step(
        &clerk,
        &number,
        json!({"action": "deliver", "method": "window"}),
    )
    .await;
    let got = inbox_of(&a).await;
    assert_eq!(
        steps(&got),
        [
            "received",
            "one_time_notice",
            "supplement_received",
            "accepted",
            "decided",
            "licence_issued",
            "delivered"
        ],
        "every public step once, none of the reviews: {got}"
    );
    assert_eq!(got["unread"], 7);
    // Another applicant sees none of it.
    let b = app.applicant("13612340002").await;
    assert_eq!(inbox_of(&b).await["messages"], json!([]));

    // The text messages: each step once to the contact mobile, masked in the outbox; the
    // number is forgotten once handed over, so a second run sends nothing.
    let outbox = Arc::new(DemoOutbox::default());
    let sender = DemoSender(outbox.clone());
    let now = app.clock_now();
    assert_eq!(
        inbox::deliver_due(&app.store, &sender, now).await.unwrap(),
        7
    );
    assert_eq!(
        inbox::deliver_due(&app.store, &sender, now).await.unwrap(),
        0
    );
    let sent = serde_json::to_value(outbox.messages(None)).unwrap();
    assert_eq!(sent.as_array().unwrap().len(), 7, "{sent}");
    assert!(sent.to_string().contains("139****0001") && !sent.to_string().contains(PHONE));
    assert_eq!(sent[0]["kind"], "message");

    // Read: one (not another's), then all; the header shows the count until then.
    let page = a.get("/my").await.text().await.unwrap();
    assert!(page.contains("id=\"header-unread\"") && page.contains(&number));
    let first = got["messages"][0]["id"].as_str().unwrap();
    let r = b
        .post(
            &format!("/api/v1/applicant/messages/{first}/read"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), 404);
    let r = a
        .post(
            &format!("/api/v1/applicant/messages/{first}/read"),
            &json!({}),
        )
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["unread"], 6);
    let r = a.post("/api/v1/applicant/messages/read", &json!({})).await;
    assert_eq!(r.status(), 200);
    assert_eq!(inbox_of(&a).await["unread"], 0);
    let page = a.get("/my").await.text().await.unwrap();
    assert!(!page.contains("id=\"header-unread\"") && page.contains("id=\"header-inbox\""));

    // The rating from the account: a level is required, another's case is unknown, once.
    let page = a.get("/my").await.text().await.unwrap();
    assert!(
        page.contains("class=\"rating-form"),
        "closed: the form shows"
    );
    let (status, err) = rate(&a, &id, &json!({"comment": "很好"})).await;
    assert_eq!((status, error_code(&err)), (400, "rating_level_required"));
    let (status, _) = rate(&b, &id, &json!({"level": "satisfied"})).await;
    assert_eq!(status, 404);
    let (status, done) = rate(&a, &id, &json!({"level": "satisfied", "comment": "很好"})).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["level_zh"], "满意");
    let (status, err) = rate(&a, &id, &json!({"level": "very_unsatisfied"})).await;
    assert_eq!((status, error_code(&err)), (409, "already_rated"));
    let mine = a.get_json("/api/v1/applicant/applications").await.1;
    assert_eq!(mine["applications"][0]["rated"], true);
    assert_eq!(mine["applications"][0]["rateable"], false);
    // The bureau sees it among its ratings, on the online channel.
    let (_, list) = app.head().await.get_json("/api/v1/ratings").await;
    assert!(list.to_string().contains(&number), "{list}");
}

#[tokio::test]
async fn a_window_case_reaches_the_inbox_of_its_contact_mobile_once_that_account_exists() {
    let app = TestApp::spawn_demo().await;
    let item = expert_review_item(&app).await;
    let clerk = app.clerk().await;
    let phone = "13712340003";
    let intake = |p: &str| json!({"item_code": item, "channel": "window", "applicant": person(p), "materials": [{"name": "申请书", "sha256": SHA}]});
    let r = clerk.post("/api/v1/cases", &intake(phone)).await;
    assert_eq!(r.status(), 200);
    let number = r.json::<Value>().await.unwrap()["case_number"]
        .as_str()
        .unwrap()
        .to_owned();
    step(&clerk, &number, json!({"action": "accept"})).await;
    // Another's case (a different mobile) is received after the account exists.
    let a = app.applicant(phone).await;
    assert_eq!(
        inbox_of(&a).await["messages"],
        json!([]),
        "no account yet: nothing kept for later"
    );
    let r = clerk.post("/api/v1/cases", &intake("13712340004")).await;
    assert_eq!(r.status(), 200);
    review_and_decide(&app, &number).await;
    let got = inbox_of(&a).await;
    assert_eq!(steps(&got), ["decided", "licence_issued"], "{got}");
    assert!(
        got["messages"][0]["text"]
            .as_str()
            .unwrap()
            .contains(&number)
    );
    // A later window case for the same mobile is told from its receipt.
    let r = clerk.post("/api/v1/cases", &intake(phone)).await;
    let second = r.json::<Value>().await.unwrap()["case_number"]
        .as_str()
        .unwrap()
        .to_owned();
    let got = inbox_of(&a).await;
    assert_eq!(got["messages"][0]["case_number"], second.as_str());
    assert_eq!(got["messages"][0]["step"], "received");
    assert_eq!(got["unread"], 3);
}

#[tokio::test]
async fn a_bundle_applied_for_online_opens_one_linked_case_per_item_received_when_submitted() {
    let app = TestApp::spawn_demo().await;
    let phone = "13712340005";
    let a = app.applicant(phone).await;
    let mut materials = Vec::new();
    for (i, name) in ["营业执照", "食品经营许可申请书", "户外广告设置申请书"]
        .iter()
        .enumerate()
    {
        let bytes = format!("%PDF-1.4\n% {i}\n%%EOF\n");
        let (status, file) = upload_file(&a, name, bytes.as_bytes()).await;
        assert_eq!(status, 200, "{file}");
        materials.push(json!({"name": name, "sha256": file["sha256"]}));
    }
    let body =
        json!({"bundle": "open-restaurant", "applicant": person(phone), "materials": materials});
    // An unknown bundle, or a bundle code that is no text, is refused typed.
    let r = a
        .post(
            "/api/v1/applicant/applications",
            &json!({"bundle": "no-such-bundle", "applicant": person(phone), "materials": materials}),
        )
        .await;
    assert_eq!(r.status(), 404);
    let r = a
        .post("/api/v1/applicant/applications", &json!({"bundle": 7}))
        .await;
    let (status, err) = (r.status().as_u16(), r.json::<Value>().await.unwrap());
    assert_eq!((status, error_code(&err)), (400, "bad_bundle"));
    let submitted_at = app.clock_now();
    let r = a.post("/api/v1/applicant/applications", &body).await;
    assert_eq!(r.status(), 200);
    let id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    app.clock.advance(time::Duration::hours(1));
    let clerk = app.clerk().await;
    let r = clerk
        .post(
            &format!("/api/v1/online-applications/{id}/receive"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let received: Value = r.json().await.unwrap();
    let cases: Vec<String> = received["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(cases.len(), 3, "one case per item: {received}");
    assert_eq!(received["case_number"], cases[0].as_str());
    assert!(received["stored"].as_u64().unwrap() >= 3, "{received}");
    let (status, whole) = clerk
        .get_json(&format!("/api/v1/bundles/applications/{}", cases[0]))
        .await;
    assert_eq!(status, 200, "{whole}");
    assert_eq!(whole["cases"].as_array().unwrap().len(), 3);
    for number in &cases {
        let (_, case) = clerk.get_json(&format!("/api/v1/cases/{number}")).await;
        let at = time::OffsetDateTime::parse(
            case["events"][0]["received_at"].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap();
        assert_eq!(at.unix_timestamp(), submitted_at, "Art. 33: {number}");
    }
    // Each receipt, and later each case's own steps, reach the applicant's inbox.
    let got = inbox_of(&a).await;
    assert_eq!(steps(&got), ["received", "received", "received"], "{got}");
    step(&clerk, &cases[2], json!({"action": "accept"})).await;
    let got = inbox_of(&a).await;
    assert_eq!(got["messages"][0]["case_number"], cases[2].as_str());
    assert_eq!(got["messages"][0]["step"], "accepted");
    let mine = a.get_json("/api/v1/applicant/applications").await.1;
    assert_eq!(mine["applications"][0]["status"], "registered");
    assert_eq!(mine["applications"][0]["case_number"], cases[0].as_str());
    // The guide offers it online; the form names the bundle.
    let guide = app
        .anonymous()
        .get("/guide/bundles/open-restaurant")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        guide.contains("/my?bundle=open-restaurant"),
        "the guide links the form"
    );
    let page = a
        .get("/my?bundle=open-restaurant")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("data-bundle=\"open-restaurant\"") && page.contains("户外广告设置申请书")
    );
}
