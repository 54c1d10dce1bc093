//! Server-side request forgery through department webhooks (issue #15, item 2): a department
//! chooses the URL the server POSTs to, from inside the bureau's network. Targets inside it are
//! refused at registration and again at delivery (on the address connected to, after name
//! resolution), redirects are not followed, and the delivery status says no more than a coarse
//! category, so it cannot be used to scan ports.

use std::sync::{Arc, Mutex};

use oneseal_server::WallClock;
use oneseal_server::background::webhook_delivery::{self as webhooks, Deliverer};
use oneseal_server::services::linkage::webhooks::TargetPolicy;
use oneseal_server::services::linkage::webhooks::target::{Lookup, LookupFuture};
use oneseal_testkit::{Actor, TestApp, error_code};
use serde_json::Value;

use crate::webhooks::{feed_entry, register, secret_box};

async fn fg(app: &TestApp) -> Actor {
    app.department_token("FG", &["claim_push", "view_pushes"])
        .await
}

#[tokio::test]
async fn attacks_webhook_targets_inside_the_bureau_network_are_refused_at_registration() {
    let app = TestApp::spawn_demo().await;
    let fg = fg(&app).await;
    let hostile = [
        "http://127.0.0.1:5432/",
        "http://127.1/",
        "http://2130706433/",
        "http://0x7f.1/",
        "http://0x7f000001/",
        "http://0177.0.0.1/",
        "http://0.0.0.0:8080/",
        "http://0/",
        "http://localhost:8080/admin",
        "http://LOCALHOST./",
        "http://metrics.localhost/",
        "http://169.254.169.254/latest/meta-data/iam/",
        "http://10.0.0.1/",
        "http://172.16.0.1/",
        "http://192.168.0.1/",
        "http://100.64.0.1/",
        "http://224.0.0.1/",
        "http://255.255.255.255/",
        "http://192.0.2.10/",
        "http://198.51.100.1/",
        "http://[::1]:8080/",
        "http://[::]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:a9fe:a9fe]/",
        "http://[64:ff9b::7f00:1]/",
        "http://[fd12:3456::1]/",
        "http://[fe80::1]/",
        "http://[ff02::1]/",
        "http://[2001:db8::1]/",
        "https://[fc00::1]:8443/hook",
    ];
    let mut wrong = Vec::new();
    for url in hostile {
        let (status, body) = register(&fg, url).await;
        let typed = error_code(&body) == "webhook_target_not_allowed"
            && body["error"]["message_zh"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
            && body["error"]["message_en"]
                .as_str()
                .is_some_and(|m| !m.is_empty());
        if status != 400 || !typed {
            wrong.push(format!("{url}: {status} {body}"));
        }
    }
    assert!(wrong.is_empty(), "accepted or untyped: {wrong:#?}");
    let (_, status) = fg.get_json("/api/v1/dept/webhook").await;
    assert_eq!(
        status["url"],
        Value::Null,
        "nothing was registered: {status}"
    );
    // A public target is accepted.
    let (status, body) = register(&fg, "https://dept.example.gov.cn/hook").await;
    assert_eq!(status, 200, "{body}");
    assert!(body["secret"].as_str().unwrap().starts_with("whsec_"));
}

/// A listener on 127.0.0.1 that counts the connections it accepts and answers each request
/// with `status` and, if given, a `Location`.
async fn receiver(status: u16, location: Option<String>) -> (String, Arc<Mutex<usize>>) {
    let hits: Arc<Mutex<usize>> = Arc::default();
    let h = hits.clone();
    let router = axum::Router::new().fallback(move || {
        let (h, location) = (h.clone(), location.clone());
        async move {
            *h.lock().unwrap() += 1;
            let mut r = axum::http::Response::builder().status(status);
            if let Some(l) = location {
                r = r.header("location", l);
            }
            r.body(axum::body::Body::empty()).unwrap()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    (format!("http://{addr}"), hits)
}

/// The latest delivery as the department sees it.
async fn last_delivery(fg: &Actor) -> Value {
    let (_, status) = fg.get_json("/api/v1/dept/webhook").await;
    status["deliveries"][0].clone()
}

#[tokio::test]
async fn attacks_webhook_redirects_are_not_followed_and_failures_show_no_network_detail() {
    // Receivers on 127.0.0.1 need private targets allowed, as on an intranet.
    let app = TestApp::spawn_demo_witnessed_private_webhooks().await;
    let fg = fg(&app).await;
    let deliverer = Deliverer::new(TargetPolicy::AllowPrivate).unwrap();
    let (inside, inside_hits) = receiver(200, None).await;
    let (redirector, _) = receiver(307, Some(format!("{inside}/steal"))).await;
    let (status, body) = register(&fg, &format!("{redirector}/hook")).await;
    assert_eq!(status, 200, "{body}");
    feed_entry(&app, 9_000_001).await;
    let now = app.clock.now();
    let n = webhooks::deliver_due(&app.store, &secret_box(), &deliverer, now)
        .await
        .unwrap();
    assert_eq!(n, 0);
    assert_eq!(*inside_hits.lock().unwrap(), 0, "the redirect was followed");
    let d = last_delivery(&fg).await;
    assert_eq!(
        (d["state"].as_str(), d["last_error"].as_str()),
        (Some("retrying"), Some("redirect_not_followed")),
        "{d}"
    );

    // A closed port reads as "unreachable", without the error text that would tell a refused
    // connection from a filtered one.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    register(&fg, &format!("http://{closed}/hook")).await;
    feed_entry(&app, 9_000_002).await;
    webhooks::deliver_due(&app.store, &secret_box(), &deliverer, now)
        .await
        .unwrap();
    let d = last_delivery(&fg).await;
    assert_eq!(d["last_error"], "unreachable", "{d}");
    let shown = d.to_string().to_lowercase();
    for detail in [
        "127.0.0.1",
        &closed.port().to_string(),
        "connect",
        "refused",
        "tcp",
        "os error",
    ] {
        assert!(!shown.contains(detail), "{detail} in {shown}");
    }
}

#[tokio::test]
async fn attacks_webhook_delivery_checks_the_address_connected_to() {
    // Registered while private targets were allowed; the server now runs without the flag.
    let app = TestApp::spawn_demo_witnessed_private_webhooks().await;
    let fg = fg(&app).await;
    let public_only = Deliverer::new(TargetPolicy::PublicOnly).unwrap();
    let (inside, hits) = receiver(200, None).await;
    register(&fg, &format!("{inside}/hook")).await;
    feed_entry(&app, 9_000_003).await;
    let now = app.clock.now();
    webhooks::deliver_due(&app.store, &secret_box(), &public_only, now)
        .await
        .unwrap();
    assert_eq!(*hits.lock().unwrap(), 0, "an IP literal was connected to");
    assert_eq!(last_delivery(&fg).await["last_error"], "refused_by_policy");

    // A name that resolves to loopback at delivery (DNS rebinding: it may have resolved to a
    // public address at registration) is refused by the resolver, before any connection.
    let port = inside.rsplit(':').next().unwrap().to_owned();
    let (status, body) = register(&fg, &format!("http://rebind.example:{port}/hook")).await;
    assert_eq!(status, 200, "{body}");
    let to_loopback: Lookup = Arc::new(|_name: String| -> LookupFuture {
        Box::pin(async { Ok(vec!["127.0.0.1".parse().unwrap()]) })
    });
    let rebinding = Deliverer::with_lookup(TargetPolicy::PublicOnly, to_loopback).unwrap();
    feed_entry(&app, 9_000_004).await;
    webhooks::deliver_due(&app.store, &secret_box(), &rebinding, now)
        .await
        .unwrap();
    assert_eq!(*hits.lock().unwrap(), 0, "a rebound name was connected to");
    assert_eq!(last_delivery(&fg).await["last_error"], "refused_by_policy");
}
