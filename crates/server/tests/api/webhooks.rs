//! Department webhooks from the receiver's side: deliveries are CloudEvents signed as the
//! Standard Webhooks specification says, checked here by a receiver written from the
//! specification (not from the server's code), which refuses replays; secrets rotate with both
//! valid for a day.

use std::sync::{Arc, Mutex};

use axum::http::HeaderMap;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{KeyInit, Mac};
use oneseal_server::WallClock;
use oneseal_server::background::webhook_delivery::{self as webhooks, Deliverer};
use oneseal_server::services::linkage::webhooks::{SecretBox, TargetPolicy};
use oneseal_testkit::{Actor, TestApp, error_code, peek, tamper};
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::cases::approved_and_cosigned_licence;

/// How old a delivery a receiver accepts, as the specification suggests.
const TOLERANCE_SECS: i64 = 5 * 60;

/// A receiver's check of a delivery, per the Standard Webhooks specification: the timestamp is
/// within the tolerance of the receiver's clock, and one of the space-separated `v1,` signatures
/// is the HMAC-SHA256, under the base64 key after `whsec_`, of `id.timestamp.body`.
pub(crate) fn verify(
    secret: &str,
    headers: &HeaderMap,
    body: &[u8],
    now: i64,
) -> Result<(), &'static str> {
    let header = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .ok_or("missing header")
    };
    let (id, ts, sigs) = (
        header("webhook-id")?,
        header("webhook-timestamp")?,
        header("webhook-signature")?,
    );
    let ts: i64 = ts.parse().map_err(|_| "bad timestamp")?;
    if (now - ts).abs() > TOLERANCE_SECS {
        return Err("timestamp outside the tolerance");
    }
    let key = B64
        .decode(secret.strip_prefix("whsec_").ok_or("not a whsec_ secret")?)
        .map_err(|_| "secret not base64")?;
    for sig in sigs.split(' ') {
        let Some(Ok(sig)) = sig.strip_prefix("v1,").map(|b| B64.decode(b)) else {
            continue;
        };
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
        mac.update(format!("{id}.{ts}.").as_bytes());
        mac.update(body);
        if mac.verify_slice(&sig).is_ok() {
            return Ok(());
        }
    }
    Err("no valid signature")
}

/// What the test's receiver got: headers and body per delivery.
pub(crate) type Received = Arc<Mutex<Vec<(HeaderMap, Vec<u8>)>>>;

/// A receiver on 127.0.0.1 that records each delivery and fails the first `failures`.
pub(crate) async fn receiver(failures: usize) -> (String, Received) {
    let got: Received = Arc::default();
    let g = got.clone();
    let router = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |h: HeaderMap, body: axum::body::Bytes| {
            let g = g.clone();
            async move {
                let mut v = g.lock().unwrap();
                v.push((h, body.to_vec()));
                if v.len() <= failures {
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    axum::http::StatusCode::OK
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    (format!("http://{addr}/hook"), got)
}

async fn fg(app: &TestApp) -> Actor {
    app.department_token("FG", &["claim_push", "view_pushes", "submit_feedback"])
        .await
}

pub(crate) async fn register(actor: &Actor, url: &str) -> (u16, Value) {
    let r = actor
        .request(reqwest::Method::PUT, "/api/v1/dept/webhook")
        .json(&json!({ "url": url }))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Puts one entry on FG's feed (and, with a webhook, on its delivery queue).
pub(crate) async fn feed_entry(app: &TestApp, idx: u64) {
    let now = app.clock.now();
    app.store
        .write(move |tx| {
            oneseal_server::services::linkage::enqueue(
                tx,
                &oneseal_domain::org::DivisionCode::parse("370100").unwrap(),
                idx,
                &oneseal_domain::org::DepartmentCode::parse("FG").unwrap(),
                "push.created",
                "P-TEST",
                &json!({"push_id": "P-TEST"}),
                now,
            )
        })
        .await
        .unwrap();
}

pub(crate) fn secret_box() -> Arc<SecretBox> {
    Arc::new(SecretBox::new(Arc::new(oneseal_testkit::test_master_key())))
}

/// The webhook secret as the table holds it.
async fn stored_secret(app: &TestApp) -> String {
    app.store
        .read(|c| peek::webhook_secret(c))
        .await
        .unwrap()
        .unwrap()
}

pub(crate) async fn deliver(app: &TestApp, at: OffsetDateTime) -> usize {
    let deliverer = Deliverer::new(TargetPolicy::AllowPrivate).unwrap();
    webhooks::deliver_due(&app.store, &secret_box(), &deliverer, at)
        .await
        .unwrap()
}

pub(crate) fn header<'a>(h: &'a HeaderMap, name: &str) -> &'a str {
    h.get(name).unwrap().to_str().unwrap()
}

#[tokio::test]
async fn webhooks_are_signed_cloud_events_retried_and_their_state_is_visible() {
    let app = TestApp::spawn_demo_witnessed_private_webhooks().await;
    let fg = fg(&app).await;
    let (status, body) = register(&fg, "ftp://example/x").await;
    assert_eq!(status, 400);
    assert_eq!(error_code(&body), "invalid_webhook_url");

    let (url, got) = receiver(1).await;
    let (status, reg) = register(&fg, &url).await;
    assert_eq!(status, 200, "{reg}");
    let secret = reg["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"), "{secret}");
    // At rest the secret is encrypted under the master key, never stored as given.
    let stored = stored_secret(&app).await;
    assert!(
        stored.starts_with("enc1:") && !stored.contains(&secret),
        "{stored}"
    );

    approved_and_cosigned_licence(&app).await;
    let now = app.clock.now();
    assert_eq!(deliver(&app, now).await, 0);
    // Not due again before its backoff.
    assert_eq!(deliver(&app, now).await, 0);
    let later = now + time::Duration::seconds(6);
    assert_eq!(deliver(&app, later).await, 1);
    let (_, status) = fg.get_json("/api/v1/dept/webhook").await;
    let d = &status["deliveries"][0];
    assert_eq!(
        (d["state"].as_str(), d["attempts"].as_i64()),
        (Some("delivered"), Some(2)),
        "{status}"
    );
    assert!(status.get("secret").is_none());

    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 2);
    let times = [now.unix_timestamp(), later.unix_timestamp()];
    for ((h, body), at) in got.iter().zip(times) {
        verify(&secret, h, body, at).unwrap();
        assert_eq!(header(h, "webhook-timestamp"), at.to_string());
        assert!(header(h, "content-type").starts_with("application/cloudevents+json"));
        let e: Value = serde_json::from_slice(body).unwrap();
        assert_eq!(e["specversion"], "1.0");
        assert_eq!(e["id"], header(h, "webhook-id"));
        assert_eq!(e["type"], "cn.gov.approval.push.created");
        assert_eq!(e["datacontenttype"], "application/json");
        assert!(e["source"].as_str().unwrap().contains("370100"), "{e}");
        let time = OffsetDateTime::parse(
            e["time"].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap();
        assert!(time <= now, "the time the entry was made: {time}");
        assert_eq!(e["data"]["kind"], "push.created");
        assert_eq!(e["data"]["ref_id"], e["data"]["body"]["push_id"], "{e}");
    }
    // The message id is the same on the retry, so a receiver can drop the duplicate.
    assert_eq!(
        header(&got[0].0, "webhook-id"),
        header(&got[1].0, "webhook-id")
    );
    // A captured delivery replayed more than five minutes later is refused, and its timestamp
    // cannot be refreshed without the secret.
    let (h, body) = &got[1];
    let replay_at = later.unix_timestamp() + TOLERANCE_SECS + 1;
    assert_eq!(
        verify(&secret, h, body, replay_at),
        Err("timestamp outside the tolerance")
    );
    let mut refreshed = h.clone();
    refreshed.insert("webhook-timestamp", replay_at.to_string().parse().unwrap());
    assert_eq!(
        verify(&secret, &refreshed, body, replay_at),
        Err("no valid signature")
    );
    assert!(verify(&secret, h, b"{}", later.unix_timestamp()).is_err());

    // A secret an earlier version stored in plain text is encrypted at the next start.
    app.store
        .write(|tx| tamper::set_webhook_secrets(tx.conn(), "legacy-plain"))
        .await
        .unwrap();
    let (sb, st) = (secret_box(), app.store.clone());
    let sealed = tokio::task::spawn_blocking(move || sb.seal_stored(&st))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sealed, 1);
    let stored = stored_secret(&app).await;
    assert!(stored.starts_with("enc1:"), "{stored}");
    assert_eq!(secret_box().open(&stored).unwrap(), "legacy-plain");
}

#[tokio::test]
async fn webhook_secrets_rotate_with_both_valid_for_a_day() {
    let app = TestApp::spawn_demo_witnessed_private_webhooks().await;
    let fg = fg(&app).await;
    let rotate = |actor: &Actor| {
        actor
            .request(reqwest::Method::POST, "/api/v1/dept/webhook/rotate")
            .send()
    };
    let r = rotate(&fg).await.unwrap();
    assert_eq!(r.status(), 404, "nothing to rotate before registering");

    let (url, got) = receiver(0).await;
    let (_, reg) = register(&fg, &url).await;
    let old = reg["secret"].as_str().unwrap().to_owned();
    let r = rotate(&fg).await.unwrap();
    assert_eq!(r.status(), 200);
    let rotated: Value = r.json().await.unwrap();
    let new = rotated["secret"].as_str().unwrap().to_owned();
    let now = app.clock.now();
    let until = now.unix_timestamp() + 24 * 3600;
    assert!(new.starts_with("whsec_") && new != old);
    assert_eq!(rotated["previous_secret_valid_until"], until);
    let (_, status) = fg.get_json("/api/v1/dept/webhook").await;
    assert_eq!(status["previous_secret_valid_until"], until, "{status}");

    // During the overlap every delivery carries both signatures: either secret verifies it.
    feed_entry(&app, 9_100_001).await;
    assert_eq!(deliver(&app, now).await, 1);
    let after = now + time::Duration::seconds(24 * 3600 + 1);
    app.clock.set(after);
    feed_entry(&app, 9_100_002).await;
    assert_eq!(deliver(&app, after).await, 1);
    let got = got.lock().unwrap().clone();
    let (h, body) = &got[0];
    assert_eq!(header(h, "webhook-signature").split(' ').count(), 2);
    verify(&old, h, body, now.unix_timestamp()).unwrap();
    verify(&new, h, body, now.unix_timestamp()).unwrap();
    // After it only the new secret signs.
    let (h, body) = &got[1];
    assert_eq!(header(h, "webhook-signature").split(' ').count(), 1);
    verify(&new, h, body, after.unix_timestamp()).unwrap();
    assert_eq!(
        verify(&old, h, body, after.unix_timestamp()),
        Err("no valid signature")
    );
    let (_, status) = fg.get_json("/api/v1/dept/webhook").await;
    assert_eq!(status["previous_secret_valid_until"], Value::Null);
}
