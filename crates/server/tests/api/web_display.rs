//! The display switches (English, large text), print-friendly pages and the API docs page.

use oneseal_testkit::TestApp;

#[tokio::test]
async fn pages_are_chinese_by_default_and_english_with_the_cookie() {
    let app = TestApp::spawn_demo().await;
    let zh = app.anonymous().get("/login").await.text().await.unwrap();
    assert!(zh.contains(r#"<html lang="zh-CN">"#), "{zh}");
    assert!(zh.contains("工作人员登录") && !zh.contains("Staff sign-in"));

    let en = app
        .anonymous()
        .request(reqwest::Method::GET, "/login")
        .header("Cookie", "oneseal_lang=en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains(r#"<html lang="en">"#), "{en}");
    assert!(
        en.contains("Staff sign-in") && en.contains("Password"),
        "{en}"
    );
    assert!(!en.contains("工作人员登录"), "the heading is translated");
    assert!(
        en.contains(">中文</a>"),
        "the switch offers the way back to Chinese"
    );
}

#[tokio::test]
async fn the_language_switch_sets_the_cookie_for_a_signed_in_clerk() {
    let app = TestApp::spawn_demo().await;
    let clerk = app.clerk().await;
    let r = clerk.get("/prefs?lang=en&next=/cases%3Fx%3D1").await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/cases?x=1");
    let set = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(set.starts_with("oneseal_lang=en;"), "{set}");

    let cases = clerk.get("/cases").await.text().await.unwrap();
    assert!(
        cases.contains("Case queue") && cases.contains("Sign out"),
        "{cases}"
    );
    let new = clerk.get("/cases/new").await.text().await.unwrap();
    assert!(
        new.contains("Register an application (收件)"),
        "domain terms keep their Chinese"
    );

    clerk.get("/prefs?lang=zh&next=/").await;
    let home = clerk.get("/").await.text().await.unwrap();
    assert!(
        home.contains("工作台") && !home.contains(">Home<"),
        "{home}"
    );
}

#[tokio::test]
async fn the_switches_never_redirect_to_another_site() {
    let app = TestApp::spawn().await;
    for next in [
        "//evil.example/",
        "https://evil.example/",
        "/%5Cevil.example",
    ] {
        let r = app
            .anonymous()
            .get(&format!("/prefs?lang=en&next={next}"))
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/", "next={next}");
    }
    // A header injection attempt comes back encoded, in the path, not as a header.
    let r = app
        .anonymous()
        .get("/prefs?lang=en&next=/x%0D%0ASet-Cookie:%20a=b")
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/x%0D%0ASet-Cookie:%20a=b");
    assert_eq!(r.headers().get_all("set-cookie").iter().count(), 1);
    let r = app.anonymous().get("/prefs?lang=fr&next=/").await;
    assert!(
        r.headers().get("set-cookie").is_none(),
        "unknown languages are ignored"
    );
}

#[tokio::test]
async fn large_text_mode_marks_the_page_and_the_stylesheet_styles_it() {
    let app = TestApp::spawn().await;
    let anon = app.anonymous();
    let normal = anon.get("/progress").await.text().await.unwrap();
    assert!(!normal.contains("large-text"));
    assert_eq!(
        anon.get("/prefs?text=large&next=/progress").await.status(),
        303
    );
    let large = anon.get("/progress").await.text().await.unwrap();
    assert!(large.contains(r#"<body class="large-text">"#), "{large}");
    let css = anon.get("/static/app.css").await.text().await.unwrap();
    assert!(css.contains("body.large-text"));
    assert!(css.contains("@media print") && css.contains(".no-print"));
}

#[tokio::test]
async fn api_docs_page_lists_every_path_of_the_openapi_document() {
    let app = TestApp::spawn().await;
    let anon = app.anonymous();
    let (_, doc) = anon.get_json("/openapi.json").await;
    let r = anon.get("/api/docs").await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() > 10);
    for (path, item) in paths {
        assert!(
            page.contains(&format!("<code>{path}</code>")),
            "{path} missing"
        );
        for (method, op) in item.as_object().unwrap() {
            let summary = op["summary"].as_str().unwrap_or_default();
            let escaped = summary
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&#34;")
                .replace('\'', "&#39;");
            assert!(page.contains(&escaped), "{method} {path}: {summary}");
        }
    }
    assert!(page.contains("Error"), "shared schemas are listed");
    assert!(
        !page.contains("<script>") && !page.contains("cdn"),
        "no inline script, no CDN"
    );
}
