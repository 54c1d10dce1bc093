use oneseal_testkit::{TestApp, error_code};
use serde_json::json;

#[tokio::test]
async fn wrong_password_is_a_typed_error_in_both_languages() {
    let app = TestApp::spawn_demo().await;
    let r = app
        .anonymous()
        .post(
            "/api/v1/session",
            &json!({"staff_id": "CLERK", "password": "nope"}),
        )
        .await;
    assert_eq!(r.status(), 400);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "wrong_credentials");
    assert!(
        body["error"]["message_zh"]
            .as_str()
            .unwrap()
            .contains("密码")
    );
    assert!(
        body["error"]["message_en"]
            .as_str()
            .unwrap()
            .contains("password")
    );
}

#[tokio::test]
async fn five_failed_sign_ins_back_off_that_address_even_for_the_right_password() {
    let app = TestApp::spawn_demo().await;
    let anon = app.anonymous();
    let anon = &anon;
    let attempt = |password: &'static str| async move {
        let body = json!({"staff_id": "REVIEW", "password": password});
        anon.post("/api/v1/session", &body).await
    };
    for _ in 0..5 {
        assert_eq!(attempt("x").await.status(), 400);
    }
    let r = attempt(oneseal_testkit::DEMO_PASSWORD).await;
    assert_eq!(r.status(), 400, "the address backs off");
    assert_eq!(error_code(&r.json().await.unwrap()), "wrong_credentials");
    app.clock.advance(time::Duration::minutes(6));
    app.reviewer().await;
}

#[tokio::test]
async fn session_cookie_is_http_only_and_renewed_at_each_sign_in() {
    let app = TestApp::spawn_demo().await;
    let anon = app.anonymous();
    let body = json!({"staff_id": "CLERK", "password": oneseal_testkit::DEMO_PASSWORD});
    let c1 = anon.post("/api/v1/session", &body).await.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    let c2 = anon.post("/api/v1/session", &body).await.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(c1.contains("HttpOnly") && c1.contains("SameSite=Lax"));
    assert_ne!(
        c1, c2,
        "a new sign-in must issue a new session id (no fixation)"
    );
}

#[tokio::test]
async fn state_change_without_csrf_token_is_refused() {
    let app = TestApp::spawn_demo().await;
    let mut admin = app.admin().await;
    admin.csrf = None;
    let r = admin
        .post(
            "/api/v1/tokens",
            &json!({"department": "SCJG", "scopes": ["claim_push"]}),
        )
        .await;
    assert_eq!(r.status(), 403);
    assert_eq!(error_code(&r.json().await.unwrap()), "csrf");
    admin.csrf = Some("forged".into());
    let r = admin
        .post(
            "/api/v1/tokens",
            &json!({"department": "SCJG", "scopes": ["claim_push"]}),
        )
        .await;
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn signed_out_session_no_longer_works() {
    let app = TestApp::spawn_demo().await;
    let clerk = app.clerk().await;
    assert_eq!(clerk.get("/api/v1/me").await.status(), 200);
    let r = clerk
        .request(reqwest::Method::DELETE, "/api/v1/session")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(clerk.get("/api/v1/me").await.status(), 401);
}
