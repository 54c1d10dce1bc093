//! The applicant's side (issue #19 items 3–4): sign-in with a one-time code from the demo's
//! outbox (expiry, single use, limits, hashed storage), an applicant session that never reaches
//! staff routes, and online applications from draft to a case received at its submission time,
//! a one-time notice answered online, and withdrawal.

use oneseal_testkit::{Actor, TestApp, error_code, peek};
use reqwest::Method;
use serde_json::{Value, json};

use crate::cases::{expert_review_item, step};
use crate::materials::{PDF, multipart};

const PHONE: &str = "13912345678";

async fn code_for(a: &Actor, phone: &str) -> String {
    let (status, outbox) = a
        .get_json(&format!("/api/v1/demo/outbox?phone={phone}"))
        .await;
    assert_eq!(status, 200, "{outbox}");
    outbox["messages"][0]["code"].as_str().unwrap().to_owned()
}

async fn sign_in(a: &Actor, phone: &str, code: &str) -> (u16, Value) {
    let r = a
        .post(
            "/api/v1/applicant/session",
            &json!({"phone": phone, "code": code}),
        )
        .await;
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn an_applicant_signs_in_with_a_one_time_code_used_once() {
    let app = TestApp::spawn_demo().await;
    let a = app.anonymous();
    let r = a
        .post("/api/v1/applicant/otp", &json!({"phone": "139 1234 5678"}))
        .await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["sent_to"], "139****5678");
    let code = code_for(&a, PHONE).await;
    assert_eq!(code.len(), 6);
    // The outbox masks the number; the code is stored only as a keyed digest.
    let (_, all) = a.get_json("/api/v1/demo/outbox").await;
    assert!(!all.to_string().contains(PHONE), "{all}");
    let texts = app
        .store
        .read(|c| peek::applicant_sign_in_texts(c))
        .await
        .unwrap();
    let dump = format!("{texts:?}");
    assert!(!dump.contains(PHONE) && !dump.contains(&code), "{dump}");

    let (status, session) = sign_in(&a, PHONE, &code).await;
    assert_eq!(status, 200, "{session}");
    assert!(session["csrf"].as_str().unwrap().len() > 20);
    let (status, me) = a.get_json("/api/v1/applicant/me").await;
    assert_eq!(status, 200);
    assert_eq!(me["label"], "139****5678");

    // Single use: the same code again is refused.
    let b = app.anonymous();
    let (status, again) = sign_in(&b, PHONE, &code).await;
    assert_eq!(status, 400);
    assert_eq!(error_code(&again), "wrong_code");
}

#[tokio::test]
async fn codes_expire_are_rate_limited_and_lock_after_five_wrong_guesses() {
    let app = TestApp::spawn_demo().await;
    let a = app.anonymous();
    let send = |phone: &'static str| {
        let a = &a;
        async move {
            let r = a
                .post("/api/v1/applicant/otp", &json!({"phone": phone}))
                .await;
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    assert_eq!(send(PHONE).await.0, 200);
    // A second code within the minute: a typed 429 saying how long to wait.
    let (status, body) = send(PHONE).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(error_code(&body), "otp_rate_limited");
    assert!(
        body["error"]["details"]["retry_after_seconds"]
            .as_i64()
            .unwrap()
            > 0
    );
    // Expiry: five minutes on, the code is refused.
    let code = code_for(&a, PHONE).await;
    app.clock.advance(time::Duration::seconds(301));
    let (status, body) = sign_in(&a, PHONE, &code).await;
    assert_eq!((status, error_code(&body)), (400, "wrong_code"));
    // Five codes an hour.
    for _ in 0..4 {
        assert_eq!(send(PHONE).await.0, 200);
        app.clock.advance(time::Duration::seconds(61));
    }
    let (status, body) = send(PHONE).await;
    assert_eq!((status, error_code(&body)), (429, "otp_rate_limited"));
    // Five wrong guesses spend the code, even the right one after them.
    let other = "13712345678";
    assert_eq!(send(other).await.0, 200);
    let code = code_for(&a, other).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for i in 0..5 {
        let (status, body) = sign_in(&a, other, wrong).await;
        let expected = if i < 4 { 400 } else { 429 };
        assert_eq!(status, expected, "guess {i}: {body}");
    }
    let (status, body) = sign_in(&a, other, &code).await;
    assert_eq!((status, error_code(&body)), (429, "otp_locked"));
    // Bad input is typed.
    let (status, body) = send("0531-86001234").await;
    assert_eq!((status, error_code(&body)), (400, "bad_phone"));
    let (status, body) = sign_in(&a, other, "12ab").await;
    assert_eq!((status, error_code(&body)), (400, "bad_code"));
}

#[tokio::test]
async fn an_applicant_session_never_reaches_staff_routes_nor_staff_applicant_routes() {
    let app = TestApp::spawn_demo().await;
    let applicant = app.applicant(PHONE).await;
    for path in [
        "/api/v1/me",
        "/api/v1/cases",
        "/api/v1/catalog/items",
        "/api/v1/online-applications",
    ] {
        let (status, body) = applicant.get_json(path).await;
        assert_eq!(status, 401, "{path}: {body}");
    }
    let r = applicant
        .post(
            "/api/v1/cases",
            &json!({"item_code": "X", "channel": "online"}),
        )
        .await;
    assert_eq!(r.status(), 401);
    let clerk = app.clerk().await;
    let (status, body) = clerk.get_json("/api/v1/applicant/applications").await;
    assert_eq!((status, error_code(&body)), (403, "not_an_applicant"));
    let (status, _) = app
        .anonymous()
        .get_json("/api/v1/applicant/applications")
        .await;
    assert_eq!(status, 401);
    // A state change without the CSRF token is refused.
    let r = applicant
        .client
        .post(format!("{}/api/v1/applicant/applications", app.base))
        .json(&json!({"draft": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // Signing out ends the session.
    let r = applicant
        .request(Method::DELETE, "/api/v1/applicant/session")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(applicant.get_json("/api/v1/applicant/me").await.0, 401);
}

#[tokio::test]
async fn without_demo_there_is_no_outbox_and_no_sender() {
    let app = TestApp::spawn().await;
    let a = app.anonymous();
    assert_eq!(a.get_json("/api/v1/demo/outbox").await.0, 404);
}

pub(crate) async fn upload_file(a: &Actor, name: &str, bytes: &[u8]) -> (u16, Value) {
    let (ctype, body) = multipart(&[
        ("name", None, name.as_bytes()),
        ("file", Some("f.pdf"), bytes),
    ]);
    let r = a
        .request(Method::POST, "/api/v1/applicant/files")
        .header("content-type", ctype)
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

fn person() -> Value {
    json!({"type": "natural_person", "name": "张三", "id_number": "11010519491231002X", "phone": PHONE})
}

async fn mine(a: &Actor) -> Vec<Value> {
    let (status, body) = a.get_json("/api/v1/applicant/applications").await;
    assert_eq!(status, 200, "{body}");
    body["applications"].as_array().unwrap().clone()
}

#[tokio::test]
async fn an_online_application_goes_from_draft_to_a_case_received_when_submitted() {
    let app = TestApp::spawn_demo().await;
    let item = expert_review_item(&app).await;
    let a = app.applicant(PHONE).await;
    let (status, file) = upload_file(&a, "申请书", PDF).await;
    assert_eq!(status, 200, "{file}");
    let sha = file["sha256"].as_str().unwrap().to_owned();
    let (status, body) = upload_file(&a, "申请书", b"not a document").await;
    assert_eq!(
        (status, error_code(&body)),
        (415, "unsupported_material_type")
    );

    // A draft is kept unchecked, then submitted.
    let r = a
        .post(
            "/api/v1/applicant/applications",
            &json!({"draft": true, "item_code": item}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let draft: Value = r.json().await.unwrap();
    assert_eq!(draft["status"], "draft");
    let id = draft["id"].as_str().unwrap().to_owned();
    // Submitting an incomplete form names every missing field.
    let r = a
        .request(Method::PUT, &format!("/api/v1/applicant/applications/{id}"))
        .json(&json!({"item_code": item}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // A file the applicant did not upload is refused.
    let other = "0".repeat(64);
    let body = json!({"item_code": item, "applicant": person(), "materials": [{"name": "申请书", "sha256": other}]});
    let r = a
        .request(Method::PUT, &format!("/api/v1/applicant/applications/{id}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(error_code(&r.json().await.unwrap()), "unknown_file");
    let submitted_at = app.clock_now();
    let body = json!({"item_code": item, "applicant": person(), "materials": [{"name": "申请书", "sha256": sha}]});
    let r = a
        .request(Method::PUT, &format!("/api/v1/applicant/applications/{id}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let sent: Value = r.json().await.unwrap();
    assert_eq!(sent["status"], "submitted");
    // Another applicant sees none of it.
    let b = app.applicant("13612345678").await;
    assert!(mine(&b).await.is_empty());
    let r = b
        .request(Method::PUT, &format!("/api/v1/applicant/applications/{id}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // The clerk receives it the next hour: the case's receipt time is the submission.
    app.clock.advance(time::Duration::hours(1));
    let clerk = app.clerk().await;
    let (status, waiting) = clerk.get_json("/api/v1/online-applications").await;
    assert_eq!(status, 200);
    assert_eq!(waiting["applications"][0]["id"], id.as_str());
    let r = clerk
        .post(
            &format!("/api/v1/online-applications/{id}/receive"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let received: Value = r.json().await.unwrap();
    assert_eq!(received["received"], "registered");
    assert_eq!(received["stored"], 1);
    let number = received["case_number"].as_str().unwrap().to_owned();
    let r = clerk
        .post(
            &format!("/api/v1/online-applications/{id}/receive"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), 409, "received once");
    let (_, case) = clerk.get_json(&format!("/api/v1/cases/{number}")).await;
    let received_at = case["events"][0]["received_at"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let at =
        time::OffsetDateTime::parse(&received_at, &time::format_description::well_known::Rfc3339)
            .unwrap_or_else(|_| panic!("received_at in {case}"));
    assert_eq!(
        at.unix_timestamp(),
        submitted_at,
        "Art. 33: received when submitted"
    );

    // My applications: the case's status, deadlines and documents.
    let list = mine(&a).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["status"], "registered");
    assert_eq!(list[0]["case_number"], number.as_str());
    assert!(
        list[0]["progress"]["status_name"].is_string(),
        "{}",
        list[0]
    );
    let docs = list[0]["documents"].as_array().unwrap();
    assert!(!docs.is_empty(), "the receipt at least: {}", list[0]);
    let url = docs[0]["url"].as_str().unwrap();
    let r = a.get(url).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(b.get(url).await.status(), 404, "not another applicant's");

    // A one-time notice answered online, recorded by the clerk.
    step(&clerk, &number, json!({"action": "one_time_notice", "items": [{"material": "营业执照", "problem": "missing", "detail": "请补充营业执照"}]})).await;
    let list = mine(&a).await;
    assert_eq!(list[0]["notice"][0]["material"], "营业执照");
    let (_, file) = upload_file(&a, "营业执照", b"%PDF-1.4\n% licence\n%%EOF\n").await;
    let r = a
        .post(
            &format!("/api/v1/applicant/applications/{id}/supplement"),
            &json!({"materials": [{"name": "营业执照", "sha256": file["sha256"]}]}),
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
    assert_ne!(case["status"], "supplement_started", "{}", case["status"]);
    assert!(mine(&a).await[0]["notice"].as_array().unwrap().is_empty());

    // Withdrawal: not once registered (the clerk records it then); a fresh submission may be.
    let r = a
        .post(
            &format!("/api/v1/applicant/applications/{id}/withdraw"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), 409);
    let r = a.post("/api/v1/applicant/applications", &body).await;
    let second: Value = r.json().await.unwrap();
    let second = second["id"].as_str().unwrap();
    let r = a
        .post(
            &format!("/api/v1/applicant/applications/{second}/withdraw"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let (_, waiting) = clerk.get_json("/api/v1/online-applications").await;
    assert!(
        waiting["applications"].as_array().unwrap().is_empty(),
        "{waiting}"
    );
}

#[tokio::test]
async fn the_my_page_signs_in_lists_and_offers_the_form_from_the_guide() {
    let app = TestApp::spawn_demo().await;
    let item = expert_review_item(&app).await;
    let anon = app.anonymous();
    let guide = anon
        .get(&format!("/guide/{item}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        guide.contains(&format!("/my?item={item}")),
        "the guide links to the form"
    );
    let page = anon.get("/my").await.text().await.unwrap();
    assert!(page.contains("id=\"otp-form\"") && !page.contains("apply-form"));
    let a = app.applicant(PHONE).await;
    let r = a
        .post(
            "/api/v1/applicant/applications",
            &json!({"draft": true, "item_code": item, "applicant": person()}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let page = a
        .get(&format!("/my?item={item}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"apply-form\"") && page.contains("type=\"file\""));
    assert!(page.contains("草稿") && page.contains("139****5678"));
    // The page shows the applicant's own data only: their name is not on it (only the form's
    // field), nor on another applicant's page.
    let b = app.applicant("13612345678").await;
    let other = b.get("/my").await.text().await.unwrap();
    assert!(!other.contains("草稿") && !other.contains("139****5678"));
}
