//! Each role's allowed and forbidden actions, through HTTP.

use oneseal_testkit::{TestApp, error_code};
use serde_json::json;

const ROLES: &[&str] = &[
    "CLERK", "REVIEW", "APPROVE", "HEAD", "ADMIN", "INSPECT", "SCJG",
];

#[tokio::test]
async fn every_role_reads_the_catalog() {
    let app = TestApp::spawn_demo().await;
    for id in ROLES {
        let a = app.sign_in(id).await;
        let (status, _) = a.get_json("/api/v1/catalog/items?per_page=1").await;
        assert_eq!(status, 200, "{id} should read the catalog");
    }
    assert_eq!(
        app.anonymous().get("/api/v1/catalog/items").await.status(),
        401
    );
}

#[tokio::test]
async fn only_the_administrator_imports_the_catalog() {
    let app = TestApp::spawn_demo().await;
    for id in ROLES {
        let a = app.sign_in(id).await;
        let r = a
            .post_bytes("/api/v1/catalog/import?format=csv", b"x".to_vec())
            .await;
        if *id == "ADMIN" {
            // Allowed: the (bad) file is then rejected on its merits.
            assert_eq!(r.status(), 400, "{id}");
        } else {
            assert_eq!(r.status(), 403, "{id} must not import");
            assert_eq!(error_code(&r.json().await.unwrap()), "forbidden_role");
        }
    }
}

#[tokio::test]
async fn staff_list_is_for_administrator_head_and_inspector_only() {
    let app = TestApp::spawn_demo().await;
    for id in ROLES {
        let a = app.sign_in(id).await;
        let (status, _) = a.get_json("/api/v1/staff").await;
        let allowed = matches!(*id, "ADMIN" | "HEAD" | "INSPECT");
        assert_eq!(status, if allowed { 200 } else { 403 }, "{id}");
    }
}

#[tokio::test]
async fn only_the_administrator_issues_api_tokens() {
    let app = TestApp::spawn_demo().await;
    for id in ROLES {
        let a = app.sign_in(id).await;
        let r = a
            .post(
                "/api/v1/tokens",
                &json!({"department": "SCJG", "scopes": ["claim_push"]}),
            )
            .await;
        assert_eq!(r.status(), if *id == "ADMIN" { 200 } else { 403 }, "{id}");
    }
}

#[tokio::test]
async fn county_clerk_cannot_reach_another_county_but_city_inspector_can() {
    let app = TestApp::spawn_demo().await;
    let county_admin = app.sign_in("PY-ADMIN").await;
    let (status, body) = county_admin
        .get_json("/api/v1/staff?jurisdiction=370126")
        .await;
    assert_eq!(status, 403);
    assert_eq!(error_code(&body), "forbidden_jurisdiction");
    let (status, _) = county_admin
        .get_json("/api/v1/staff?jurisdiction=370100")
        .await;
    assert_eq!(status, 403, "a county may not reach up to the city");
    let inspector = app.inspector().await;
    let (status, body) = inspector
        .get_json("/api/v1/staff?jurisdiction=370124")
        .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn department_token_is_limited_to_its_scopes() {
    let app = TestApp::spawn_demo().await;
    let dept = app.department_token("SCJG", &["view_pushes"]).await;
    let (status, _) = dept.get_json("/api/v1/staff").await;
    assert_eq!(status, 403);
    let (status, body) = dept.get_json("/api/v1/catalog/items").await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(error_code(&body), "forbidden_scope");
    let mut forged = app.anonymous();
    forged.token = Some("osk_not-a-real-token".into());
    assert_eq!(forged.get("/api/v1/me").await.status(), 401);
}
