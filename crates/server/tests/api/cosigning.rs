//! Cosigning over time (issue #22, item 5): the published checkpoint only grows, a heartbeat
//! adds cosignatures and never removes them, and a round that falls short is retried with
//! back-off until the witnesses answer.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use oneseal_server::background::cosign::{Backoff, Cosigner};
use oneseal_server::background::leadership::Leadership;
use oneseal_server::witness::{Serving, serve};
use oneseal_testkit::TestApp;
use serde_json::json;

const CITY: &str = "370100";

async fn fetch(anon: &oneseal_testkit::Actor, path: &str) -> (u16, Vec<u8>) {
    let r = anon.get(path).await;
    (r.status().as_u16(), r.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn witnesses_down_a_heartbeat_keeps_the_published_checkpoint_and_its_cosignatures() {
    use oneseal_ledger::cosignature::cosignature_time;
    use oneseal_ledger::note::Note;
    use oneseal_server::background::checkpointer::HEARTBEAT_SECONDS;
    let app = TestApp::spawn_demo_witnessed().await;
    let anon = app.anonymous();
    app.checkpoint_and_cosign().await;
    app.admin()
        .await
        .post(
            "/api/v1/staff/CLERK/transfer",
            &json!({"to_department": "SCJG", "on": "2026-11-23"}),
        )
        .await;
    assert_eq!(
        app.checkpoint_and_cosign().await,
        vec![(CITY.to_owned(), 3)]
    );
    let checkpoint = fetch(&anon, &format!("/log/{CITY}/checkpoint")).await;
    let note = Note::parse(&checkpoint.1).unwrap();
    let size = oneseal_ledger::checkpoint::Checkpoint::parse_text(note.text())
        .unwrap()
        .size();
    use oneseal_ledger::tile::{new_entry_bundles, tiles_for_size};
    let mut served = vec![
        format!("/log/{CITY}/checkpoint"),
        format!("/api/v1/log/{CITY}/receipt/{}", size - 1),
    ];
    // The partial tiles at this size: the ones a smaller published size would take away.
    served.extend(
        tiles_for_size(size)
            .into_iter()
            .chain(new_entry_bundles(0, size))
            .filter(|t| !t.is_full())
            .map(|t| format!("/log/{CITY}/{}", t.path())),
    );
    assert!(served.len() > 2, "{served:?}");
    let mut before = Vec::new();
    for path in &served {
        let got = fetch(&anon, path).await;
        assert_eq!(got.0, 200, "{path}");
        before.push(got);
    }
    // Idle for a heartbeat while every witness is down: the log re-signs the same size, and
    // nothing served goes back.
    let down = app.logs_with_witness_urls(&["http://127.0.0.1:9"; 3]);
    app.clock
        .advance(time::Duration::seconds(HEARTBEAT_SECONDS + 1));
    let heartbeat = app.checkpoint_of(CITY).await;
    assert_eq!(heartbeat.size, size);
    assert_eq!(app.cosign_with(&down, &heartbeat).await, 0);
    for (path, was) in served.iter().zip(&before) {
        let now = fetch(&anon, path).await;
        assert!(now == *was, "{path} changed: {} → {}", was.0, now.0);
    }
    // One witness back: its fresh cosignature replaces its old one; the others keep theirs.
    let times = |text: &[u8]| -> Vec<u64> {
        Note::parse(text)
            .unwrap()
            .signatures()
            .iter()
            .filter_map(cosignature_time)
            .collect()
    };
    let old = times(&checkpoint.1);
    assert_eq!(old.len(), 3);
    let one = app.logs_with_witness_urls(&[
        &app.witnesses[0].url,
        "http://127.0.0.1:9",
        "http://127.0.0.1:9",
    ]);
    assert_eq!(app.cosign_with(&one, &heartbeat).await, 1);
    let now = times(&fetch(&anon, &served[0]).await.1);
    assert_eq!(now.len(), 3);
    assert!(now[0] > old[0] && now[1..] == old[1..], "{old:?} → {now:?}");
    let receipt = fetch(&anon, &served[1]).await;
    assert_eq!(receipt.0, 200);
}

/// A witness that is down for its first `failures` requests (503), then forwards to `target`.
async fn flaky(target: String, failures: usize) -> (String, Arc<AtomicUsize>, Serving) {
    let seen = Arc::new(AtomicUsize::new(0));
    let app = Router::new()
        .route(
            "/add-checkpoint",
            post(
                move |State((seen, target)): State<(Arc<AtomicUsize>, String)>, body: Bytes| async move {
                    if seen.fetch_add(1, Ordering::SeqCst) < failures {
                        return (StatusCode::SERVICE_UNAVAILABLE, String::new());
                    }
                    let r = reqwest::Client::new()
                        .post(format!("{target}/add-checkpoint"))
                        .body(body)
                        .send()
                        .await
                        .unwrap();
                    let status = StatusCode::from_u16(r.status().as_u16()).unwrap();
                    (status, r.text().await.unwrap())
                },
            ),
        )
        .with_state((seen.clone(), target));
    let serving = serve(app, ([127, 0, 0, 1], 0).into()).await.unwrap();
    (format!("http://{}", serving.addr), seen, serving)
}

async fn published_size(app: &TestApp) -> Option<u64> {
    let (_, body) = app.anonymous().get_json("/log").await;
    body["logs"]
        .as_array()?
        .iter()
        .find(|l| l["jurisdiction"] == CITY)?["checkpoint_size"]
        .as_u64()
}

async fn wait_for_size(app: &TestApp, size: u64) {
    for _ in 0..200 {
        if published_size(app).await == Some(size) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "size {size} not published within 20 s (published: {:?})",
        published_size(app).await
    );
}

#[tokio::test]
async fn cosigning_that_falls_short_is_retried_with_backoff_until_the_witnesses_answer() {
    let app = TestApp::spawn_demo_witnessed().await;
    // Signed before the cosigner starts (a restart): it picks the checkpoint up itself.
    let first = app.checkpoint_of(CITY).await;
    assert_eq!(published_size(&app).await, None);
    // Each witness is down for two rounds' worth of requests (3 attempts per round).
    let mut proxies = Vec::new();
    for w in &app.witnesses {
        proxies.push(flaky(w.url.clone(), 6).await);
    }
    let urls: Vec<&str> = proxies.iter().map(|p| p.0.as_str()).collect();
    // Only the city's log, so that every request a proxy counts is one of its rounds.
    let mut logs = app.logs_with_witness_urls(&urls);
    logs.keys.retain(|j, _| j == CITY);
    let (to_cosign, task) = Cosigner {
        store: app.store.clone(),
        logs: Arc::new(logs),
        client: reqwest::Client::new(),
        backoff: Backoff {
            first: Duration::from_millis(50),
            max: Duration::from_millis(200),
        },
    }
    .spawn(Leadership::default());
    wait_for_size(&app, first.size).await;
    for (_, seen, _) in &proxies {
        assert!(seen.load(Ordering::SeqCst) > 6, "retried past the outage");
    }
    // A newer checkpoint is handed over as the server does after each signing round.
    app.admin()
        .await
        .post(
            "/api/v1/staff/CLERK/transfer",
            &json!({"to_department": "SCJG", "on": "2026-11-23"}),
        )
        .await;
    for s in app.checkpoint().await {
        to_cosign.send(s).unwrap();
    }
    wait_for_size(&app, first.size + 1).await;
    drop(to_cosign);
    tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .expect("the cosigner ends with its sender")
        .unwrap();
}
