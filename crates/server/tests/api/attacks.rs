//! The attack and bad-input suite (issue #9, item 3): what an attacker or a careless client can
//! send, through HTTP, against the real server. Test names start with `attacks_` so that
//! `cargo test -p oneseal-server --test api attacks` runs exactly this suite.
//!
//! - `bounds`: every string over its documented maximum, overlong path ids, invisible names, the
//!   413's named limit (issue #15, item 8).
//! - `calendar`: rewriting the working-day calendar's history; corrections need the head.
//! - `cosign`: lying witnesses; log reads past the published checkpoint.
//! - `free_text`: typed text and unknown ids never reach the public log (issue #15, item 4).
//! - `imports`: hostile catalog files (declared counts, huge strings, junk rows), parsing off
//!   the async workers, formula text in exports.
//! - `input`: oversized, malformed and hostile bodies; SQL metacharacters in text fields.
//! - `matrix`: role × endpoint × own/other jurisdiction and department.
//! - `rules_cost`: inspectors' CEL rules over their cost budget, when recorded and at run time.
//! - `secrets`: no query code in sealed documents (whose SM3 is public) or at rest; every sealed
//!   document salted; query-code guessing throttled.
//! - `session`: session fixation, sign-out, CSRF on every cookie route, cross-origin posts.
//! - `slow`: headers and bodies sent too slowly are cut off by read timeouts.
//! - `surface`: path traversal in tiles, entries and static files; security headers and no
//!   inline script on every kind of page.
//! - `transport`: forged `Host:`, the HTTPS cookie and origin, token revocation across servers.
//! - `webhooks`: server-side request forgery through department webhooks.

mod bounds;
mod calendar;
mod cosign;
mod free_text;
mod imports;
mod input;
mod matrix;
mod rules_cost;
mod secrets;
mod session;
mod slow;
mod surface;
mod transport;
mod webhooks;

use oneseal_testkit::{Actor, TestApp};
use serde_json::Value;

use matrix::Req;

/// Every operation of openapi.json that needs a session or a token, as (method, route).
async fn private_routes(app: &TestApp) -> Vec<(String, String)> {
    let (status, doc) = app.anonymous().get_json("/openapi.json").await;
    assert_eq!(status, 200);
    let mut out = Vec::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let public = op["security"].as_array().is_some_and(Vec::is_empty);
            if !public {
                out.push((method.clone(), path.clone()));
            }
        }
    }
    out
}

/// Sends one request of the suite; returns the status and the JSON body (or `Null`).
async fn send(actor: &Actor, r: &Req) -> (u16, Value) {
    let mut b = actor.request(r.method.clone(), &r.path);
    if let Some(body) = &r.body {
        b = b.json(body);
    }
    if let Some(raw) = &r.raw {
        b = b.header("content-type", "text/csv").body(raw.clone());
    }
    let resp = b
        .send()
        .await
        .unwrap_or_else(|e| panic!("{} {}: {e}", r.method, r.path));
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// The number of ledger entries across all logs (from `/healthz`).
async fn ledger_size(app: &TestApp) -> u64 {
    let (status, body) = app.anonymous().get_json("/healthz").await;
    assert_eq!(status, 200, "{body}");
    body["ledger_size"].as_u64().unwrap()
}

/// A raw HTTP/1.1 exchange over TCP: the request bytes go out exactly as given (no URL
/// normalisation, any body framing); returns the status, the headers block and the body.
async fn raw_http(app: &TestApp, request: Vec<u8>) -> (u16, String, Vec<u8>) {
    use std::io::{Read, Write};
    let addr = app.base.trim_start_matches("http://").to_owned();
    tokio::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        let t = Some(std::time::Duration::from_secs(20));
        s.set_read_timeout(t).unwrap();
        s.set_write_timeout(t).unwrap();
        // The server may answer (and stop reading) before the whole body is sent.
        let _ = s.write_all(&request);
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        let split = out
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no HTTP answer: {:?}", String::from_utf8_lossy(&out)));
        let head = String::from_utf8_lossy(&out[..split]).into_owned();
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        (status, head, out[split + 4..].to_vec())
    })
    .await
    .unwrap()
}

/// Whether any string in a JSON document equals `s` exactly.
fn holds_string(v: &Value, s: &str) -> bool {
    match v {
        Value::String(x) => x == s,
        Value::Array(a) => a.iter().any(|x| holds_string(x, s)),
        Value::Object(m) => m.values().any(|x| holds_string(x, s)),
        _ => false,
    }
}

/// Signs in by hand; returns the session token (the cookie's value) and the CSRF token.
async fn raw_session(app: &TestApp, staff_id: &str) -> (String, String) {
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/session"))
        .json(
            &serde_json::json!({"staff_id": staff_id, "password": oneseal_testkit::DEMO_PASSWORD}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let token = r
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("oneseal_session="))
        .map(|c| c.split(';').next().unwrap_or("").to_owned())
        .unwrap();
    let csrf = r.json::<Value>().await.unwrap()["csrf"]
        .as_str()
        .unwrap()
        .to_owned();
    (token, csrf)
}
