//! The administrator's side of a provincial platform (issue #19 item 7): the platform's callback
//! secret rotates as a department's webhook secret does (shown once; both sign for a day, then
//! the new one alone), through a route only the token administrator of the token's jurisdiction
//! may call; and the token list names a platform's token as the platform's.

use oneseal_server::WallClock;
use oneseal_testkit::{Actor, TestApp, error_code};
use serde_json::{Value, json};

use crate::platform::{application, forward, platform_token};
use crate::webhooks::{deliver, header, receiver, verify};

async fn rotate(actor: &Actor, token: &str) -> (u16, Value) {
    let r = actor
        .post(
            &format!("/api/v1/tokens/{token}/callback/rotate"),
            &json!({}),
        )
        .await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_platform_callback_secret_rotates_with_both_valid_for_a_day_then_only_the_new() {
    let app = TestApp::spawn_demo_witnessed_private_webhooks().await;
    app.clock.set(time::macros::datetime!(2026-09-07 09:00 +8));
    let (url, received) = receiver(0).await;
    let (platform, issued) = platform_token(&app, "sdzwfw", Some(&url)).await;
    let old = issued["callback_secret"].as_str().unwrap().to_owned();
    let token = issued["id"].as_str().unwrap().to_owned();
    let (status, body, _) = forward(&platform, &application("SD-0001", "申请书")).await;
    assert_eq!(status, 200, "{body}");

    let admin = app.admin().await;
    let (status, rotated) = rotate(&admin, &token).await;
    assert_eq!(status, 200, "{rotated}");
    let new = rotated["callback_secret"].as_str().unwrap().to_owned();
    let now = app.clock.now();
    assert!(new.starts_with("whsec_") && new != old, "{rotated}");
    assert_eq!(rotated["platform"], "sdzwfw");
    assert_eq!(
        rotated["previous_secret_valid_until"],
        now.unix_timestamp() + 24 * 3600
    );
    assert!(
        rotated["signature"]
            .as_str()
            .unwrap()
            .contains("HMAC-SHA256")
    );

    // Within the day the callback carries both signatures: either secret verifies it.
    assert_eq!(deliver(&app, now).await, 1);
    // After the day a new callback is signed by the new secret alone.
    let after = now + time::Duration::seconds(24 * 3600 + 1);
    app.clock.set(after);
    let (status, body, _) = forward(&platform, &application("SD-0002", "申请书")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(deliver(&app, after).await, 1);
    let snapshot = received.lock().unwrap().clone();
    assert_eq!(snapshot.len(), 2);
    let (h, body) = &snapshot[0];
    assert_eq!(header(h, "webhook-signature").split(' ').count(), 2);
    verify(&old, h, body, now.unix_timestamp()).unwrap();
    verify(&new, h, body, now.unix_timestamp()).unwrap();
    let (h, body) = &snapshot[1];
    assert!(String::from_utf8_lossy(body).contains("SD-0002"));
    assert_eq!(header(h, "webhook-signature").split(' ').count(), 1);
    verify(&new, h, body, after.unix_timestamp()).unwrap();
    assert_eq!(
        verify(&old, h, body, after.unix_timestamp()),
        Err("no valid signature")
    );

    // Rotating again (signed in afresh: a day has passed): the secret just replaced signs
    // beside the newest; the first never again.
    let admin = app.admin().await;
    let (status, again) = rotate(&admin, &token).await;
    assert_eq!(status, 200, "{again}");
    let newest = again["callback_secret"].as_str().unwrap().to_owned();
    let (status, body, _) = forward(&platform, &application("SD-0003", "申请书")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(deliver(&app, after).await, 1);
    let snapshot = received.lock().unwrap().clone();
    let (h, body) = &snapshot[2];
    let t = after.unix_timestamp();
    verify(&newest, h, body, t).unwrap();
    verify(&new, h, body, t).unwrap();
    assert_eq!(verify(&old, h, body, t), Err("no valid signature"));
}

#[tokio::test]
async fn only_the_token_administrator_of_its_jurisdiction_rotates_a_platform_callback() {
    let app = TestApp::spawn_demo_witnessed_private_webhooks().await;
    app.clock.set(time::macros::datetime!(2026-09-07 09:00 +8));
    let (url, _received) = receiver(0).await;
    let (platform, issued) = platform_token(&app, "sdzwfw", Some(&url)).await;
    let token = issued["id"].as_str().unwrap().to_owned();
    let department = app.department_token("SCJG", &["view_pushes"]).await;
    // Neither the platform itself, a department's system, the window nor another
    // jurisdiction's administrator.
    for actor in [
        platform,
        department,
        app.clerk().await,
        app.sign_in("PY-ADMIN").await,
    ] {
        let (status, body) = rotate(&actor, &token).await;
        assert_eq!(status, 403, "{body}");
    }
    let admin = app.admin().await;
    let (status, body) = rotate(&admin, "tok-nosuchtoken").await;
    assert_eq!((status, error_code(&body)), (404, "not_found"), "{body}");
    // A platform without a callback address, and a department's token, have nothing to rotate.
    let (_, quiet) = platform_token(&app, "wxpt", None).await;
    let r = admin
        .post(
            "/api/v1/tokens",
            &json!({"department": "SCJG", "scopes": ["view_pushes"]}),
        )
        .await;
    let dept: Value = r.json().await.unwrap();
    for id in [&quiet["id"], &dept["id"]] {
        let (status, body) = rotate(&admin, id.as_str().unwrap()).await;
        assert_eq!(
            (status, error_code(&body)),
            (404, "not_found"),
            "{id}: {body}"
        );
    }
    // The rotation leaves the token working.
    let (status, body) = rotate(&admin, &token).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn the_token_list_names_a_platform_token_as_the_platform_s_not_a_department_s() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(time::macros::datetime!(2026-09-07 09:00 +8));
    let (_, issued) = platform_token(&app, "sdzwfw", None).await;
    let admin = app.admin().await;
    let r = admin
        .post(
            "/api/v1/tokens",
            &json!({"department": "SCJG", "scopes": ["view_pushes"]}),
        )
        .await;
    let dept: Value = r.json().await.unwrap();
    let (status, list) = admin.get_json("/api/v1/tokens").await;
    assert_eq!(status, 200, "{list}");
    let find = |id: &Value| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == *id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} not in {list}"))
    };
    let p = find(&issued["id"]);
    assert_eq!(p["kind"], "platform", "{p}");
    assert_eq!(p["platform"], "sdzwfw", "{p}");
    assert!(p["department"].is_null(), "{p}");
    assert_eq!(p["scopes"], json!(["intake"]), "{p}");
    let d = find(&dept["id"]);
    assert_eq!(d["kind"], "department", "{d}");
    assert_eq!(d["department"], "SCJG", "{d}");
    assert!(d["platform"].is_null(), "{d}");
    assert!(!list.to_string().contains("PLATFORM"), "{list}");
}
