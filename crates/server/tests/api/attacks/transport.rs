//! Transport and host: a forged `Host:` reaches nothing the server publishes, the session cookie
//! is `__Host-` and `Secure` over HTTPS, a browser's `Origin` must be the public URL, and a
//! revoked or expired API token is refused at once by every server on the database.

use oneseal_server::services::linkage::webhooks::TargetPolicy;
use oneseal_testkit::{Net, PublicUrl, TestApp, error_code};
use reqwest::Method;
use reqwest::header::{COOKIE, SET_COOKIE};
use serde_json::{Value, json};

const PUBLIC: &str = "https://approval.example.gov.cn";

fn public_net() -> Net {
    Net {
        public_url: Some(PublicUrl::parse(PUBLIC).unwrap()),
        ..Net::default()
    }
}

fn bare() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn attacks_a_forged_host_reaches_neither_the_cacheable_policy_nor_witness_addresses() {
    let app = TestApp::spawn_full(true, true, public_net(), TargetPolicy::PublicOnly).await;
    let r = bare()
        .get(app.url("/log/370100/policy"))
        .header("host", "evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let policy = r.text().await.unwrap();
    assert!(policy.contains(&format!("{PUBLIC}/log/370100")), "{policy}");
    assert!(!policy.contains("evil.example"), "{policy}");
    // The witnesses' addresses are where this server submits, not for the public.
    for w in &app.witnesses {
        assert!(!policy.contains(&w.url), "{policy}");
    }
    assert!(!policy.contains("127.0.0.1"), "{policy}");
    let parsed = oneseal_ledger::policy::Policy::parse(policy.as_bytes()).unwrap();
    assert_eq!(parsed.witnesses().len(), 3);
    // Without --public-url the listening address stands in, still never the Host: header.
    let plain = TestApp::spawn_demo().await;
    let policy = bare()
        .get(plain.url("/log/370100/policy"))
        .header("host", "evil.example")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        policy.contains(&format!("{}/log/370100", plain.base)),
        "{policy}"
    );
    assert!(!policy.contains("evil.example"), "{policy}");
}

#[tokio::test]
async fn attacks_over_https_the_session_cookie_is_host_prefixed_and_the_origin_must_be_public() {
    let app = TestApp::spawn_full(true, false, public_net(), TargetPolicy::PublicOnly).await;
    let r = bare()
        .post(app.url("/api/v1/session"))
        .json(&json!({"staff_id": "ADMIN", "password": oneseal_testkit::DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["strict-transport-security"].to_str().unwrap(),
        "max-age=31536000"
    );
    let cookie = r.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("__Host-oneseal_session="), "{cookie}");
    assert!(
        cookie.contains("; Secure;") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Domain"), "{cookie}");
    let pair = cookie.split(';').next().unwrap().to_owned();
    let csrf = r.json::<Value>().await.unwrap()["csrf"]
        .as_str()
        .unwrap()
        .to_owned();
    // The unprefixed name no longer opens a session.
    let token = pair.split_once('=').unwrap().1;
    let r = bare()
        .get(app.url("/api/v1/me"))
        .header(COOKIE, format!("oneseal_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let post = |origin: &str, host: &str| {
        bare()
            .post(app.url("/api/v1/tokens"))
            .header(COOKIE, &pair)
            .header("x-csrf-token", &csrf)
            .header("origin", origin)
            .header("host", host)
            .json(&json!({"department": "SCJG", "scopes": ["claim_push"]}))
            .send()
    };
    // An Origin that matches the Host: it sent is not enough: it must be the public URL.
    let r = post("http://evil.example", "evil.example").await.unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(error_code(&r.json().await.unwrap()), "csrf");
    let r = post("http://approval.example.gov.cn", "approval.example.gov.cn")
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "plain HTTP is another origin");
    let r = post(PUBLIC, "approval.example.gov.cn").await.unwrap();
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
}

#[tokio::test]
async fn attacks_a_revoked_or_expired_token_is_refused_at_once_by_every_server() {
    let app = TestApp::spawn_demo().await;
    // Another server process on the same database (another machine of a PostgreSQL deployment).
    let peer = app.spawn_peer().await;
    let admin = app.admin().await;
    let admin = &admin;
    let issue = |days: i64| async move {
        let body =
            json!({"department": "SCJG", "scopes": ["view_pushes"], "expires_in_days": days});
        admin.post("/api/v1/tokens", &body).await
    };
    let long: Value = issue(365).await.json().await.unwrap();
    let short: Value = issue(1).await.json().await.unwrap();
    let on_peer = |t: &Value| {
        let mut a = peer.anonymous();
        a.token = t["token"].as_str().map(str::to_owned);
        a
    };
    let (long_user, short_user) = (on_peer(&long), on_peer(&short));
    assert_eq!(long_user.get("/api/v1/linkage/pushes").await.status(), 200);
    assert_eq!(short_user.get("/api/v1/linkage/pushes").await.status(), 200);
    let r = admin
        .request(
            Method::DELETE,
            &format!("/api/v1/tokens/{}", long["id"].as_str().unwrap()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        long_user.get("/api/v1/linkage/pushes").await.status(),
        401,
        "the other server still honours a revoked token"
    );
    app.clock.advance(time::Duration::days(1));
    assert_eq!(short_user.get("/api/v1/linkage/pushes").await.status(), 401);
}
