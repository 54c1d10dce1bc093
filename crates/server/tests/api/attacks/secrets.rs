//! Secrets against public hashes and the data at rest (issue #15 item 1, issue #22 item 7).
//!
//! The rule: no secret (a query code, personal data, a credential) stands in bytes whose hash
//! or content is public unless those bytes carry a salt of at least 128 bits that is never
//! public. A sealed document's SM3 is on the public ledger, so every sealed document is checked
//! here, whatever its kind; and the query code must not be readable from the database without
//! the master key.

use base64::Engine;
use oneseal_testkit::{TestApp, peek};
use serde_json::{Value, json};

use crate::cases::{applicant, case_ready_for_decision_in, expert_review_item, step};

const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

/// Every string in `v`, and the text of those that are base64, appended to `out`.
fn strings_and_decoded(v: &Value, out: &mut String) {
    match v {
        Value::String(s) => {
            out.push_str(s);
            out.push('\n');
            if let Ok(b) = base64::engine::general_purpose::STANDARD.decode(s) {
                out.push_str(&String::from_utf8_lossy(&b));
                out.push('\n');
            }
        }
        Value::Array(a) => a.iter().for_each(|x| strings_and_decoded(x, out)),
        Value::Object(m) => m.values().for_each(|x| strings_and_decoded(x, out)),
        _ => {}
    }
}

/// A case with a one-time notice, and one accepted, reviewed and approved: the three kinds of
/// sealed document a case issues on the way. Returns (case number, query code) of each.
async fn cases_with_every_document(app: &TestApp) -> Vec<(String, String)> {
    let item = expert_review_item(app).await;
    let clerk = app.clerk().await;
    let created: Value = clerk
        .post(
            "/api/v1/cases",
            &json!({"item_code": item, "channel": "online", "applicant": applicant(), "materials": [{"name": "申请书", "sha256": SHA}]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let noticed = created["case_number"].as_str().unwrap().to_owned();
    step(&clerk, &noticed, json!({"action": "one_time_notice", "items": [{"material": "消防设计文件", "problem": "missing", "detail": "缺少消防设计文件"}]})).await;
    let noticed_code = created["query_code"].as_str().unwrap().to_owned();
    let (decided, code) = case_ready_for_decision_in(app, "", &item, applicant()).await;
    step(
        &app.approver().await,
        &decided,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    vec![(noticed, noticed_code), (decided, code)]
}

#[tokio::test]
async fn attacks_no_sealed_document_carries_the_query_code_and_each_has_a_private_salt() {
    let app = TestApp::spawn_demo().await;
    let cases = cases_with_every_document(&app).await;
    // 60 bits, grouped for reading out: e.g. 7KQM-2XPD-R4HV.
    for (_, code) in &cases {
        assert_eq!(code.len(), 14, "{code}");
        assert_eq!(code.matches('-').count(), 2, "{code}");
    }
    let rows = app.store.read(|c| peek::sealed_documents(c)).await.unwrap();
    let public: String = app
        .store
        .read(|c| peek::all_entries(c))
        .await
        .unwrap()
        .iter()
        .map(|e| String::from_utf8_lossy(e).into_owned())
        .collect();
    let mut kinds = Vec::new();
    for r in rows {
        let (number, kind, sm3) = (r.case_number, r.document_kind, r.document_sm3);
        let Some((_, code)) = cases.iter().find(|(n, _)| *n == number) else {
            continue;
        };
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(r.document)
            .unwrap();
        assert_eq!(hex::encode(oneseal_seal::sm3_digest(&bytes)), sm3);
        let text = String::from_utf8(bytes).unwrap();
        let raw = code.replace('-', "");
        assert!(
            !text.contains(&raw) && !text.contains(code.as_str()),
            "the {kind} document of {number} carries the query code: {text}"
        );
        let doc: Value = serde_json::from_str(&text).unwrap();
        let salt = doc["salt"].as_str().unwrap_or_default();
        assert!(
            salt.len() == 32 && salt.chars().all(|c| c.is_ascii_hexdigit()),
            "the {kind} document of {number} has no 128-bit salt: {text}"
        );
        // The salt is never public: not in any public ledger entry.
        assert!(
            !public.contains(salt),
            "the salt of {number}'s {kind} is public"
        );
        kinds.push(kind);
    }
    kinds.sort();
    assert_eq!(kinds, ["acceptance", "decision", "one_time_notice"]);
}

#[tokio::test]
async fn attacks_the_query_code_is_not_in_the_database_and_the_progress_query_still_finds_it() {
    let app = TestApp::spawn_demo().await;
    let cases = cases_with_every_document(&app).await;
    // What someone reading the data directory or a backup without the master key sees.
    let mut at_rest = String::new();
    for text in app
        .store
        .read(|c| peek::case_texts_at_rest(c))
        .await
        .unwrap()
    {
        strings_and_decoded(&Value::String(text), &mut at_rest);
    }
    for body in app.store.read(|c| peek::all_bodies(c)).await.unwrap() {
        let body = String::from_utf8(body).unwrap();
        at_rest.push_str(&body);
        if let Ok(v) = serde_json::from_str::<Value>(&body) {
            strings_and_decoded(&v, &mut at_rest);
        }
    }
    let anon = app.anonymous();
    for (number, code) in &cases {
        let raw = code.replace('-', "");
        assert!(
            !at_rest.contains(&raw),
            "the query code of {number} is readable at rest"
        );
        // The applicant's code still works, as printed, without hyphens or in lower case.
        for typed in [code.clone(), raw.clone(), raw.to_lowercase()] {
            let (status, body) = anon
                .get_json(&format!(
                    "/api/v1/public/progress?case={number}&code={typed}"
                ))
                .await;
            assert_eq!(status, 200, "{typed}: {body}");
        }
        let mut wrong = raw.clone();
        let last = if wrong.ends_with('Z') { 'Y' } else { 'Z' };
        wrong.pop();
        wrong.push(last);
        let (status, _) = anon
            .get_json(&format!(
                "/api/v1/public/progress?case={number}&code={wrong}"
            ))
            .await;
        assert_eq!(status, 404);
    }
}

#[tokio::test]
async fn attacks_a_client_that_keeps_guessing_query_codes_is_stopped_until_the_window_ends() {
    use oneseal_server::edge::guesses::FAILURES_PER_WINDOW;
    let app = TestApp::spawn_demo().await;
    let cases = cases_with_every_document(&app).await;
    let (number, code) = &cases[1];
    let guesser = app.anonymous();
    let wrong = |i: u32| {
        format!("2222-2222-{i:04}")
            .replace('0', "2")
            .replace('1', "3")
    };
    for i in 0..FAILURES_PER_WINDOW {
        let (status, _) = guesser
            .get_json(&format!(
                "/api/v1/public/progress?case={number}&code={}",
                wrong(i)
            ))
            .await;
        assert_eq!(status, 404, "guess {i}");
    }
    // Now even the right code is not looked at from this address, through the API, the rating
    // and the page alike.
    let (status, body) = guesser
        .get_json(&format!(
            "/api/v1/public/progress?case={number}&code={code}"
        ))
        .await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(oneseal_testkit::error_code(&body), "too_many_attempts");
    let r = guesser
        .post(
            "/api/v1/public/ratings",
            &json!({"case": number, "code": code, "level": "satisfied", "channel": "online", "comment": ""}),
        )
        .await;
    assert_eq!(r.status(), 429);
    let page = guesser
        .get(&format!("/progress?case={number}&code={code}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("查询失败次数过多"), "{page}");
    // The test's clients all come from 127.0.0.1, so the window's end is what frees it.
    app.clock.advance(time::Duration::seconds(
        oneseal_server::edge::guesses::WINDOW_SECONDS,
    ));
    let (status, body) = guesser
        .get_json(&format!(
            "/api/v1/public/progress?case={number}&code={code}"
        ))
        .await;
    assert_eq!(status, 200, "{body}");
}
