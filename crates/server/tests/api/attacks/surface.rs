//! The public surface: path traversal through tile, entry and static paths (sent raw, so no
//! client normalises the dots away), and the security headers and script policy of every kind
//! of answer.

use oneseal_testkit::{Actor, TestApp};
use serde_json::{Value, json};

use super::matrix::fixture;
use super::raw_http;

/// The address suffix of the city log's first tile under its published checkpoint: `000` when
/// the checkpoint covers a full tile, `000.p/<size>` otherwise.
async fn first_tile(app: &TestApp) -> String {
    let text = app
        .anonymous()
        .get("/log/370100/checkpoint")
        .await
        .text()
        .await
        .unwrap();
    let size: u64 = text.lines().nth(1).unwrap().parse().unwrap();
    if size >= 256 {
        "000".into()
    } else {
        format!("000.p/{size}")
    }
}

/// Paths that try to climb out of the tile tree, the entries API or the static assets.
const TRAVERSALS: &[&str] = &[
    "/log/370100/tile/../../../../etc/passwd",
    "/log/370100/tile/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/log/370100/tile/..%2f..%2f..%2fetc%2fpasswd",
    "/log/370100/tile/0/000/../../../../Cargo.toml",
    "/log/370100/tile//etc/passwd",
    "/log/370100/tile/%2fetc%2fpasswd",
    "/log/370100/tile/entries/../../../etc/passwd",
    "/log/370100/tile/entries/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/log/370100/tile/entries/000.p/../../../../etc/passwd",
    "/log/370100/tile/0/99999999999999999999999999999999",
    "/log/370100/tile/0/x999/x999/x999/x999/x999/x999/x999/x999/x999/x999/999",
    "/log/370100/tile/0/18446744073709551616",
    "/log/370100/tile/99/000",
    "/log/370100/tile/0/000.p/0",
    "/log/370100/tile/0/000.p/99999",
    "/log/370100/tile/-1/000",
    "/log/370100/tile/entries/%00",
    "/log/..%2f..%2fetc/checkpoint",
    "/log/%2e%2e/tile/0/000",
    "/log/../Cargo.toml",
    "/log/370100/../../etc/passwd",
    "/api/v1/log/370100/entries/../../../etc/passwd",
    "/api/v1/log/370100/entries/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/api/v1/log/370100/entries/99999999999999999999999999",
    "/api/v1/log/370100/entries/18446744073709551615",
    "/api/v1/log/370100/entries/-1",
    "/api/v1/log/370100/entries/1e3",
    "/api/v1/log/%2e%2e/entries/0",
    "/api/v1/log/370100/receipt/18446744073709551615",
    "/api/v1/verify/bundle/..%2f..%2fetc%2fpasswd",
    "/static/../Cargo.toml",
    "/static/..%2fCargo.toml",
    "/static/%2e%2e%2f%2e%2e%2fCargo.toml",
    "/static/..%5c..%5cCargo.toml",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/app.js%00.txt",
    "/static/C:%5cWindows%5cwin.ini",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/../../etc/passwd",
    "/catalog/..%2f..%2fetc%2fpasswd",
];

#[tokio::test]
async fn attacks_path_traversal_never_leaves_the_tile_tree_the_entries_or_the_assets() {
    let app = TestApp::spawn_demo().await;
    app.checkpoint().await;
    let mut wrong = Vec::new();
    for path in TRAVERSALS {
        let req = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        let (status, head, body) = raw_http(&app, req.into_bytes()).await;
        let text = String::from_utf8_lossy(&body);
        let leaked = [
            "root:",
            "[package]",
            "[workspace]",
            "[fonts]",
            "pub fn ",
            "#!/",
        ]
        .iter()
        .any(|m| text.contains(m));
        // A page route asks the anonymous visitor to sign in first; that serves no file either.
        let page = !["/log", "/api", "/static"]
            .iter()
            .any(|p| path.starts_with(p));
        let refused = matches!(status, 400 | 404) || (page && status == 401);
        if !refused || leaked {
            wrong.push(format!(
                "{path}: {status}\n{head}\n{}",
                &text[..text.len().min(200)]
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
    // The real ones still work.
    let tile = first_tile(&app).await;
    for path in [
        "/log/370100/checkpoint".to_owned(),
        format!("/log/370100/tile/entries/{tile}"),
        format!("/log/370100/tile/0/{tile}"),
        "/static/app.js".to_owned(),
    ] {
        let r = app.anonymous().get(&path).await;
        assert_eq!(r.status(), 200, "{path}");
    }
}

/// The pages of the web UI, each with who can see it (so that it renders, not redirects).
fn pages(case: &str, licence: &str, item: &str) -> Vec<(String, &'static str)> {
    [
        ("/", "CLERK"),
        ("/", ""),
        ("/login", ""),
        ("/guide", ""),
        (&format!("/guide/{item}"), ""),
        ("/catalog", "CLERK"),
        ("/catalog/import", "ADMIN"),
        ("/calendar", "ADMIN"),
        (&format!("/catalog/{item}"), "CLERK"),
        ("/cases", "CLERK"),
        ("/cases/new", "CLERK"),
        (&format!("/cases/{case}"), "CLERK"),
        (&format!("/verify/{licence}"), ""),
        ("/progress", ""),
        ("/ledger", ""),
        ("/stats", ""),
        ("/dept", "SCJG"),
        ("/linkage", "HEAD"),
        ("/alerts", "INSPECT"),
        ("/dashboard", "HEAD"),
        ("/ratings", "HEAD"),
        ("/rules", "INSPECT"),
        ("/reports", "INSPECT"),
        ("/api/docs", ""),
        ("/cases/37010020991231999999", "CLERK"),
    ]
    .into_iter()
    .map(|(p, who)| (p.to_owned(), who))
    .collect()
}

fn check_headers(what: &str, r: &reqwest::Response) -> Vec<String> {
    let mut wrong = Vec::new();
    let h = r.headers();
    let csp = h
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let directive = |name: &str| {
        csp.split(';')
            .map(str::trim)
            .find(|d| d.starts_with(name))
            .unwrap_or("")
            .to_owned()
    };
    let script = directive("script-src");
    let script = if script.is_empty() {
        directive("default-src")
    } else {
        script
    };
    if script.is_empty() || script.contains("'unsafe-inline'") || script.contains("'unsafe-eval'") {
        wrong.push(format!("{what}: script policy {script:?} in {csp:?}"));
    }
    if directive("frame-ancestors") != "frame-ancestors 'none'" {
        wrong.push(format!("{what}: no frame-ancestors 'none' in {csp:?}"));
    }
    if h.get("x-content-type-options")
        .and_then(|v| v.to_str().ok())
        != Some("nosniff")
    {
        wrong.push(format!("{what}: no X-Content-Type-Options: nosniff"));
    }
    if h.get("content-type").is_none() && r.status() != 303 && r.status() != 302 {
        wrong.push(format!("{what}: no Content-Type"));
    }
    wrong
}

/// Inline script in an HTML page: a `<script>` with content or without `src`, an event-handler
/// attribute, or a `javascript:` URL.
fn inline_script(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut rest = lower.as_str();
    while let Some(i) = rest.find("<script") {
        let tag_end = rest[i..].find('>').map_or(rest.len(), |e| i + e);
        let tag = &rest[i..tag_end];
        let close = rest[tag_end..]
            .find("</script>")
            .map_or(tag_end, |c| tag_end + c);
        let content = rest.get(tag_end + 1..close).unwrap_or("").trim();
        if !tag.contains(" src=") || !content.is_empty() {
            found.push(format!("inline <script>: {}", &rest[i..close.min(i + 120)]));
        }
        rest = &rest[close.max(i + 7)..];
    }
    for attr in [
        " onclick=",
        " onload=",
        " onerror=",
        " onsubmit=",
        " onchange=",
        " oninput=",
        " onmouseover=",
        " onfocus=",
    ] {
        if lower.contains(attr) {
            found.push(format!("event handler attribute{attr}"));
        }
    }
    if lower.contains("javascript:") {
        found.push("javascript: URL".into());
    }
    found
}

#[tokio::test]
async fn attacks_every_kind_of_answer_has_the_security_headers_and_no_page_has_inline_script() {
    let app = TestApp::spawn_demo().await;
    let fx = fixture(&app).await;
    app.checkpoint().await;
    let mut actors: Vec<(&str, Actor)> = vec![("", app.anonymous())];
    for id in ["CLERK", "ADMIN", "SCJG", "HEAD", "INSPECT"] {
        actors.push((id, app.sign_in(id).await));
    }
    let actor = |who: &str| &actors.iter().find(|(w, _)| *w == who).unwrap().1;
    let city_case = &fx.cases[0].1;
    let mut wrong = Vec::new();
    let mut html_pages = 0;
    // Every page in Chinese, then in English (the language is a cookie set by /prefs).
    for (lang, tag) in [("zh", "zh-CN"), ("en", "en")] {
        for (_, a) in &actors {
            let r = a.get(&format!("/prefs?lang={lang}&next=/login")).await;
            assert!(r.status().is_redirection(), "/prefs: {}", r.status());
        }
        for (path, who) in pages(city_case, fx.licence(), &fx.item) {
            let r = actor(who).get(&path).await;
            let status = r.status().as_u16();
            wrong.extend(check_headers(&path, &r));
            let ctype = r.headers()["content-type"]
                .to_str()
                .unwrap_or("")
                .to_owned();
            let html = r.text().await.unwrap();
            if status >= 500 || !ctype.starts_with("text/html") {
                wrong.push(format!("{path} as {who:?}: {status} {ctype}"));
                continue;
            }
            if !html.contains(&format!("<html lang=\"{tag}\"")) {
                wrong.push(format!("{path} as {who:?}: not in {lang}"));
            }
            html_pages += 1;
            for s in inline_script(&html) {
                wrong.push(format!("{path} ({lang}): {s}"));
            }
        }
    }
    // The other kinds: API JSON (answers and errors), plain text, tiles and bundles, static
    // assets, proofs, a redirect, an unknown path.
    let clerk = actor("CLERK");
    let anon = actor("");
    let others = [
        (clerk, "/api/v1/me"),
        (clerk, "/api/v1/catalog/items?per_page=1"),
        (anon, "/api/v1/me"),
        (anon, "/api/v1/nope"),
        (anon, "/healthz"),
        (anon, "/metrics"),
        (anon, "/openapi.json"),
        (anon, "/log"),
        (anon, "/log/370100/checkpoint"),
        (anon, "/log/370100/vkeys"),
        (anon, "/log/370100/policy"),
        (anon, "/log/370100/tile/9/999"),
        (anon, "/api/v1/log/370100/entries/0"),
        (anon, "/api/v1/log/370100/proof/inclusion?index=0"),
        (anon, "/static/htmx.min.js"),
        (anon, "/static/app.js"),
        (anon, "/static/app.css"),
        (anon, "/static/nope.js"),
        (anon, "/favicon.ico"),
        (anon, "/cases"),
        (anon, "/prefs?lang=en"),
        (anon, "/no/such/page"),
    ];
    for (a, path) in others {
        let r = a.get(path).await;
        assert!(r.status().as_u16() < 500, "{path}: {}", r.status());
        wrong.extend(check_headers(path, &r));
    }
    let tile = first_tile(&app).await;
    for path in [
        format!("/log/370100/tile/0/{tile}"),
        format!("/log/370100/tile/entries/{tile}"),
    ] {
        let r = anon.get(&path).await;
        assert_eq!(r.status(), 200, "{path}");
        wrong.extend(check_headers(&path, &r));
    }
    let licence = fx.licence();
    let r = anon.get(&format!("/api/v1/verify/bundle/{licence}")).await;
    wrong.extend(check_headers("bundle", &r));
    let r = anon
        .post("/api/v1/verify", &json!({"bundle": "not a bundle"}))
        .await;
    wrong.extend(check_headers("POST /api/v1/verify", &r));
    let _: Value = r.json().await.unwrap_or(Value::Null);
    assert!(html_pages >= 40, "only {html_pages} pages rendered");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn attacks_the_inline_script_scan_can_fail() {
    assert!(inline_script(r#"<script src="/static/app.js"></script>"#).is_empty());
    assert_eq!(inline_script("<script>alert(1)</script>").len(), 1);
    assert_eq!(
        inline_script(r#"<script src="/x.js">alert(1)</script>"#).len(),
        1
    );
    assert_eq!(
        inline_script(r#"<a href="javascript:x()" onclick="y()">"#).len(),
        2
    );
}
