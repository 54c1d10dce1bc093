//! Lying witnesses and early readers (issue #22, items 3 and 6): a witness that answers
//! add-checkpoint with garbage, repeats or a zeroed line in an honest witness's name gets
//! nothing published, and the log serves nothing past the checkpoint the witnesses vouched for.

use axum::Router;
use axum::routing::post;
use oneseal_ledger::checkpoint::Checkpoint;
use oneseal_ledger::cosignature::cosignature_time;
use oneseal_ledger::note::{Note, Signature, VerifierKey};
use oneseal_ledger::policy::Policy;
use oneseal_server::witness::{Serving, serve, submit};
use oneseal_testkit::{Actor, TestApp};
use serde_json::{Value, json};

const CITY: &str = "370100";
/// Nothing listens on the discard port: a witness that is down.
const DOWN: &str = "http://127.0.0.1:9";

/// A "witness" on 127.0.0.1 that answers every add-checkpoint with `reply`.
async fn lying_witness(reply: String) -> (String, Serving) {
    let app = Router::new().route(
        "/add-checkpoint",
        post(move || {
            let reply = reply.clone();
            async move { reply }
        }),
    );
    let serving = serve(app, ([127, 0, 0, 1], 0).into()).await.unwrap();
    (format!("http://{}", serving.addr), serving)
}

async fn published_note(anon: &Actor) -> (u16, String) {
    let r = anon.get(&format!("/log/{CITY}/checkpoint")).await;
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn ledger_page(anon: &Actor) -> String {
    anon.get(&format!("/ledger?j={CITY}"))
        .await
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn attacks_a_lying_witness_gets_no_unverified_cosignature_published_or_counted() {
    let app = TestApp::spawn_demo_witnessed().await;
    let anon = app.anonymous();
    let signed = app.checkpoint_of(CITY).await;
    let vkey = |i: usize| VerifierKey::parse(&app.logs.witnesses[i].vkey).unwrap();
    // A genuine cosignature by the first witness, which the liar replays.
    let honest = submit(
        &reqwest::Client::new(),
        &app.witnesses[0].url,
        0,
        &[],
        &signed.note,
    )
    .await
    .unwrap();
    assert_eq!(honest.len(), 1);
    let garbage = Signature {
        name: "evil.example/witness".into(),
        key_id: 0x0102_0304,
        bytes: vec![0xab; 72],
    };
    let zeroed = Signature {
        name: vkey(1).name().to_owned(),
        key_id: vkey(1).key_id(),
        bytes: vec![0; 72],
    };
    let reply: String = [&garbage, &garbage, &honest[0], &honest[0], &zeroed]
        .iter()
        .map(|s| s.to_line())
        .collect();
    let (liar, _serving) = lying_witness(reply).await;

    // The liar answers for the first two witnesses; the third is down. Only the replayed line
    // of the first verifies: one witness, below the quorum of two, so nothing is published.
    let logs = app.logs_with_witness_urls(&[&liar, &liar, DOWN]);
    assert_eq!(app.cosign_with(&logs, &signed).await, 1);
    let (status, body) = published_note(&anon).await;
    assert_eq!(status, 409, "{body}");
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["error"]["code"], "not_yet_cosigned", "{body}");
    assert!(
        body["error"]["message_zh"]
            .as_str()
            .unwrap()
            .contains("已签名，尚待见证联署")
    );
    let page = ledger_page(&anon).await;
    assert!(!page.contains("已达见证法定数"), "{page}");

    // The third witness comes back: two distinct verified witnesses, and only their lines.
    let logs = app.logs_with_witness_urls(&[&liar, &liar, &app.witnesses[2].url]);
    assert_eq!(app.cosign_with(&logs, &signed).await, 2);
    let (status, text) = published_note(&anon).await;
    assert_eq!(status, 200, "{text}");
    let note = Note::parse(text.as_bytes()).unwrap();
    let cosigners: Vec<&str> = note
        .signatures()
        .iter()
        .filter(|s| cosignature_time(s).is_some())
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(
        cosigners,
        [vkey(0).name(), vkey(2).name()],
        "one line per verified witness, nothing else: {text}"
    );
    assert!(!text.contains("evil.example") && !text.contains(&zeroed.to_line()));
    assert_eq!(
        Checkpoint::parse_text(note.text()).unwrap().size(),
        signed.size
    );
    // The note passes a signed-note verifier holding every witness key (a zeroed line under a
    // known key would make it reject the whole note), and the page counts what verifies.
    let policy = anon
        .get(&format!("/log/{CITY}/policy"))
        .await
        .text()
        .await
        .unwrap();
    let checked = Policy::parse(policy.as_bytes())
        .unwrap()
        .verify_note(&note)
        .unwrap();
    assert_eq!(checked.cosigned_by.len(), 2);
    let page = ledger_page(&anon).await;
    assert!(
        page.contains("已达见证法定数（<span class=\"cosigners\">2</span>/2）"),
        "{page}"
    );
}

async fn code(anon: &Actor, path: &str) -> (u16, String) {
    let (status, body) = anon.get_json(path).await;
    let code = body["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    (status, code)
}

#[tokio::test]
async fn attacks_entries_and_proofs_past_the_published_checkpoint_are_not_served() {
    let app = TestApp::spawn_demo_witnessed().await;
    let anon = app.anonymous();
    app.checkpoint_and_cosign().await;
    let (_, body) = anon.get_json("/log").await;
    let published = body["logs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["jurisdiction"] == CITY)
        .unwrap()["checkpoint_size"]
        .as_u64()
        .unwrap();
    app.admin()
        .await
        .post(
            "/api/v1/staff/CLERK/transfer",
            &json!({"to_department": "SCJG", "on": "2026-11-23"}),
        )
        .await;
    let api = format!("/api/v1/log/{CITY}");
    let head = published + 1;
    let reads = |size: u64| {
        [
            format!("{api}/entries/{}", size - 1),
            format!("{api}/receipt/{}", size - 1),
            format!("{api}/proof/inclusion?index=0&size={size}"),
            format!("{api}/proof/consistency?from=1&to={size}"),
        ]
    };
    // Logged, not yet signed.
    for path in reads(head) {
        assert_eq!(
            code(&anon, &path).await,
            (409, "not_yet_checkpointed".into()),
            "{path}"
        );
    }
    // Signed, not yet cosigned: said so.
    let signed = app.checkpoint_of(CITY).await;
    assert_eq!(signed.size, head);
    for path in reads(head) {
        assert_eq!(
            code(&anon, &path).await,
            (409, "not_yet_cosigned".into()),
            "{path}"
        );
    }
    // What the published checkpoint covers is served; past the head is out of range.
    for path in reads(published) {
        assert_eq!(anon.get(&path).await.status(), 200, "{path}");
    }
    assert_eq!(code(&anon, &format!("{api}/entries/{head}")).await.0, 404);
    assert_eq!(
        code(
            &anon,
            &format!("{api}/proof/inclusion?index=0&size={}", head + 1)
        )
        .await,
        (400, "out_of_range".into())
    );
    // Once cosigned, all of it.
    assert_eq!(app.cosign_with(&app.logs, &signed).await, 3);
    for path in reads(head) {
        assert_eq!(anon.get(&path).await.status(), 200, "{path}");
    }
}

#[tokio::test]
async fn attacks_without_witnesses_entries_past_the_signed_checkpoint_are_not_served() {
    let app = TestApp::spawn_demo().await;
    let anon = app.anonymous();
    let size = app.checkpoint_of(CITY).await.size;
    let path = format!("/api/v1/log/{CITY}/entries/{size}");
    assert_eq!(code(&anon, &path).await.0, 404, "past the head");
    app.admin()
        .await
        .post(
            "/api/v1/staff/CLERK/transfer",
            &json!({"to_department": "SCJG", "on": "2026-11-23"}),
        )
        .await;
    assert_eq!(
        code(&anon, &path).await,
        (409, "not_yet_checkpointed".into())
    );
    app.checkpoint().await;
    assert_eq!(anon.get(&path).await.status(), 200);
}
