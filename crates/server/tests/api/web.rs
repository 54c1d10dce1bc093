use oneseal_testkit::TestApp;

#[tokio::test]
async fn anonymous_home_is_the_public_portal_with_a_sign_in_link() {
    let app = TestApp::spawn_demo().await;
    let r = app.anonymous().get("/").await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("href=\"/login\""));
}

#[tokio::test]
async fn signing_in_through_the_form_opens_the_home_page() {
    let app = TestApp::spawn_demo().await;
    let anon = app.anonymous();
    let r = anon
        .request(reqwest::Method::POST, "/login")
        .form(&[
            ("staff_id", "CLERK"),
            ("password", oneseal_testkit::DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let home = anon.get("/").await.text().await.unwrap();
    assert!(home.contains("工作台") && home.contains("济南市"), "{home}");
    assert!(
        !home.contains("<script>"),
        "no inline scripts under the CSP"
    );
}

#[tokio::test]
async fn wrong_password_in_the_form_shows_the_error_in_chinese() {
    let app = TestApp::spawn_demo().await;
    let r = app
        .anonymous()
        .request(reqwest::Method::POST, "/login")
        .form(&[("staff_id", "CLERK"), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("工号或密码错误"));
}

#[tokio::test]
async fn catalog_page_lists_and_searches_items() {
    let app = TestApp::spawn_demo().await;
    let clerk = app.clerk().await;
    let page = clerk
        .get("/catalog?q=%E9%A3%9F%E5%93%81")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("食品经营许可"),
        "search for 食品 should list 食品经营许可"
    );
    assert!(!page.contains("娱乐场所经营许可"), "search must filter");
    let detail = clerk.get("/catalog").await.text().await.unwrap();
    let href = detail
        .split("href=\"/catalog/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&");
    let item = clerk.get(&format!("/catalog/{href}")).await;
    assert_eq!(item.status(), 200);
    assert!(item.text().await.unwrap().contains("法定办结时限"));
}

#[tokio::test]
async fn import_page_is_for_administrators() {
    let app = TestApp::spawn_demo().await;
    assert_eq!(app.clerk().await.get("/catalog/import").await.status(), 403);
    assert_eq!(app.admin().await.get("/catalog/import").await.status(), 200);
}

#[tokio::test]
async fn static_assets_are_served_locally() {
    let app = TestApp::spawn().await;
    let r = app.anonymous().get("/static/htmx.min.js").await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
    assert_eq!(
        app.anonymous().get("/static/../Cargo.toml").await.status(),
        404
    );
}
