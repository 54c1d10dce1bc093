use oneseal_server::api::ROUTES;
use oneseal_testkit::TestApp;
use serde_json::Value;

#[tokio::test]
async fn healthz_reports_the_backend_and_ledger_size() {
    let app = TestApp::spawn_demo().await;
    let (status, body) = app.anonymous().get_json("/healthz").await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
    let expected = if oneseal_testkit::test_backend().is_some() {
        "postgres"
    } else {
        "sqlite"
    };
    assert_eq!(body["backend"], expected);
    assert!(body["ledger_size"].as_u64().unwrap() > 300, "{body}");
    assert_eq!(
        body["logs"].as_object().unwrap().len(),
        4,
        "one log per jurisdiction: {body}"
    );
}

#[tokio::test]
async fn openapi_document_describes_every_route() {
    let app = TestApp::spawn().await;
    let (status, doc) = app.anonymous().get_json("/openapi.json").await;
    assert_eq!(status, 200);
    for (method, path) in ROUTES {
        assert!(
            doc["paths"][path][method].is_object(),
            "openapi.json lacks {method} {path}"
        );
    }
    let documented: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_object().unwrap().len())
        .sum();
    assert_eq!(
        documented,
        ROUTES.len(),
        "openapi.json documents routes the server does not have"
    );
}

#[tokio::test]
async fn metrics_count_requests_by_route_template() {
    let app = TestApp::spawn().await;
    let anon = app.anonymous();
    anon.get("/healthz").await;
    let text = anon.get("/metrics").await.text().await.unwrap();
    assert!(
        text.contains(
            "oneseal_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"
        ),
        "{text}"
    );
    assert!(
        text.contains("# TYPE oneseal_ledger_entries gauge"),
        "{text}"
    );
    assert!(
        !text.contains("oneseal_ledger_entries{"),
        "an empty store has no logs yet: {text}"
    );
}

/// The single writer's counters, which `bench e2e` reads: a sign-in is a command (its session
/// row), and every command costs at least one round trip to the database.
#[tokio::test]
async fn metrics_count_the_writers_commands_and_round_trips() {
    let app = TestApp::spawn_demo().await;
    let read = |text: &str, name: &str| -> u64 {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or_else(|| panic!("{name} missing: {text}"))
    };
    let anon = app.anonymous();
    let before = anon.get("/metrics").await.text().await.unwrap();
    app.clerk().await;
    let after = anon.get("/metrics").await.text().await.unwrap();
    let commands = read(&after, "oneseal_writer_commands_total")
        - read(&before, "oneseal_writer_commands_total");
    let trips = read(&after, "oneseal_writer_round_trips_total")
        - read(&before, "oneseal_writer_round_trips_total");
    assert!(commands >= 1, "the sign-in wrote nothing: {after}");
    assert!(
        trips >= commands,
        "{trips} round trips for {commands} commands"
    );
    assert!(read(&after, "oneseal_writer_batches_total") >= 1, "{after}");
}

#[tokio::test]
async fn responses_carry_security_headers() {
    let app = TestApp::spawn().await;
    let r = app.anonymous().get("/login").await;
    let h = r.headers();
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors 'none'")
            && csp.contains("script-src 'self'")
            && !csp.contains("unsafe-inline")
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn unknown_api_path_is_404_and_malformed_json_is_a_4xx() {
    let app = TestApp::spawn_demo().await;
    let anon = app.anonymous();
    assert_eq!(anon.get("/api/v1/nope").await.status(), 404);
    let r = anon
        .request(reqwest::Method::POST, "/api/v1/session")
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    let _: Option<Value> = r.json().await.ok();
}
