//! Hostile and broken input: bodies over the limit, malformed, mistyped, nested without end,
//! not UTF-8, holding NUL; SQL metacharacters in every text field of the main commands.
//! Always a typed 4xx or the text stored verbatim; never a 5xx; nothing changed by a refusal.

use oneseal_domain::catalog::UnifiedSocialCreditCode;
use oneseal_server::MAX_BODY_BYTES;
use oneseal_testkit::{Actor, TestApp, error_code, peek};
use reqwest::Method;
use serde_json::{Value, json};

use super::{holds_string, ledger_size, raw_http, raw_session};
use crate::cases::{expert_review_item, step};

fn assert_typed(status: u16, body: &Value, what: &str) {
    assert!(
        (400..500).contains(&status),
        "{what}: expected a 4xx, got {status} {body}"
    );
    assert!(
        !error_code(body).is_empty() && body["error"]["message_zh"].is_string(),
        "{what}: {status} without a typed error body: {body}"
    );
}

async fn send_bytes(
    actor: &Actor,
    method: Method,
    path: &str,
    ctype: &str,
    body: Vec<u8>,
) -> (u16, Value) {
    let r = actor
        .request(method, path)
        .header("content-type", ctype)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn attacks_bodies_over_the_limit_get_a_typed_413_whatever_their_framing() {
    let app = TestApp::spawn_demo().await;
    let before = ledger_size(&app).await;
    let big = vec![b' '; MAX_BODY_BYTES + 1];
    // Declared length (refused before reading), into a JSON command, an upload and a public form.
    let clerk = app.clerk().await;
    let (s, b) = send_bytes(
        &clerk,
        Method::POST,
        "/api/v1/cases",
        "application/json",
        big.clone(),
    )
    .await;
    assert_eq!(s, 413, "{b}");
    assert_eq!(error_code(&b), "body_too_large");
    let admin = app.admin().await;
    let (s, b) = send_bytes(
        &admin,
        Method::POST,
        "/api/v1/calendar/years",
        "application/json",
        big.clone(),
    )
    .await;
    assert_eq!((s, error_code(&b)), (413, "body_too_large"), "{b}");
    let (s, b) = send_bytes(
        &app.anonymous(),
        Method::POST,
        "/api/v1/public/ratings",
        "application/json",
        big.clone(),
    )
    .await;
    assert_eq!((s, error_code(&b)), (413, "body_too_large"), "{b}");

    // Chunked (no length announced: the limit is hit while reading).
    let (token, csrf) = raw_session(&app, "CLERK").await;
    let mut req = format!(
        "POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nCookie: oneseal_session={token}\r\n\
         X-CSRF-Token: {csrf}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    .into_bytes();
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..=(MAX_BODY_BYTES >> 20) {
        req.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        req.extend_from_slice(&chunk);
        req.extend_from_slice(b"\r\n");
    }
    req.extend_from_slice(b"0\r\n\r\n");
    let (status, head, body) = raw_http(&app, req).await;
    assert_eq!(status, 413, "{head}");
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    assert_eq!(error_code(&body), "body_too_large", "{head}");
    assert_eq!(ledger_size(&app).await, before);
}

/// Broken bodies, each sent to every state-changing JSON route.
fn broken_bodies() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let deep_array = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_object = format!("{}1{}", "{\"a\":".repeat(5_000), "}".repeat(5_000));
    vec![
        (
            "truncated",
            "application/json",
            b"{\"item_code\": \"a".to_vec(),
        ),
        ("not JSON", "application/json", b"{not json".to_vec()),
        ("empty", "application/json", Vec::new()),
        ("null", "application/json", b"null".to_vec()),
        ("a bare string", "application/json", b"\"x\"".to_vec()),
        ("wrong content type", "text/plain", b"{}".to_vec()),
        (
            "form encoded",
            "application/x-www-form-urlencoded",
            b"a=1&b=2".to_vec(),
        ),
        (
            "deeply nested array",
            "application/json",
            deep_array.into_bytes(),
        ),
        (
            "deeply nested object",
            "application/json",
            deep_object.into_bytes(),
        ),
        (
            "invalid UTF-8",
            "application/json",
            b"{\"name\": \"\xff\xfe\xc3\x28\"}".to_vec(),
        ),
        (
            "lone surrogate",
            "application/json",
            b"{\"name\": \"\\ud800\"}".to_vec(),
        ),
        (
            "NUL in a string",
            "application/json",
            b"{\"a\": \"x\\u0000y\", \"b\": [\"\\u0000\"]}".to_vec(),
        ),
        (
            "raw NUL byte",
            "application/json",
            b"{\"a\": \"x\x00y\"}".to_vec(),
        ),
        (
            "huge number",
            "application/json",
            format!("{{\"working_days\": 1{}}}", "0".repeat(400)).into_bytes(),
        ),
        (
            "duplicate keys",
            "application/json",
            b"{\"action\": \"accept\", \"action\": \"withdraw\"}".to_vec(),
        ),
    ]
}

#[tokio::test]
async fn attacks_malformed_bodies_are_typed_4xx_on_every_route_and_change_nothing() {
    let app = TestApp::spawn_demo().await;
    let admin = app.admin().await;
    let anonymous = app.anonymous();
    let before = ledger_size(&app).await;
    let (_, doc) = anonymous.get_json("/openapi.json").await;
    let mut tried = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            if method == "get" || method == "delete" {
                continue;
            }
            let public = op["security"].as_array().is_some_and(Vec::is_empty);
            let actor = if public { &anonymous } else { &admin };
            let concrete = path
                .replace("{number}", "37010020261123000001")
                .replace("{id}", "X1")
                .replace("{code}", "X1")
                .replace("{case}", "37010020261123000001")
                .replace("{rule}", "X1");
            // A sign-in body that parses would count towards the lockout of no one; still typed.
            for (what, ctype, body) in broken_bodies() {
                let m: Method = method.to_uppercase().parse().unwrap();
                let (status, b) = send_bytes(actor, m, &concrete, ctype, body).await;
                assert!(status < 500, "{what} → {method} {path}: {status} {b}");
                if (400..500).contains(&status) {
                    assert_typed(status, &b, &format!("{what} → {method} {path}"));
                }
                tried += 1;
            }
        }
    }
    assert!(tried > 300, "{tried}");
    assert_eq!(
        ledger_size(&app).await,
        before,
        "a broken body changed the ledger"
    );
    // The raw uploads (calendar, catalog) refuse binary garbage with a typed error too.
    for (path, ctype) in [
        ("/api/v1/calendar/years", "application/json"),
        ("/api/v1/catalog/import?format=csv", "text/csv"),
        (
            "/api/v1/catalog/import?format=xlsx",
            "application/octet-stream",
        ),
    ] {
        let (s, b) = send_bytes(
            &admin,
            Method::POST,
            path,
            ctype,
            b"\xff\xfe\x00\x01PK\x03\x04garbage".to_vec(),
        )
        .await;
        assert_typed(s, &b, path);
    }
    assert_eq!(ledger_size(&app).await, before);
}

/// Text an attacker tries in every field: quotes, comment markers, LIKE wildcards, escapes,
/// and Unicode that is easy to get wrong.
const HOSTILE: &[&str] = &[
    "'",
    "\";--",
    "' OR '1'='1",
    "'); DROP TABLE cases; --",
    "%",
    "_",
    "\\",
    "\\'; SELECT 1; --",
    "%' AND 1=1 --",
    "罗伯特'); DELETE FROM staff; --",
    "Ünïcødé ＦＵＬＬＷＩＤＴＨ",
    "emoji 🦀 and RTL \u{202e}abc",
    "line\nbreak\ttab",
    "\u{200b}zero width",
];

#[tokio::test]
async fn attacks_sql_metacharacters_are_stored_verbatim_or_refused_never_executed() {
    let app = TestApp::spawn_demo().await;
    let code = expert_review_item(&app).await;
    let clerk = app.clerk().await;
    let reviewer = app.reviewer().await;
    let dept = app
        .department_token("SCJG", &["claim_push", "view_pushes", "submit_feedback"])
        .await;
    let uscc = UnifiedSocialCreditCode::with_check_character("91370100MA3C0RT1X").unwrap();
    let mut stored = 0;
    for (i, text) in HOSTILE.iter().enumerate() {
        // Intake: the applicant's name and a material's name.
        let body = json!({
            "item_code": code, "channel": "window",
            "applicant": {"type": "organisation", "name": text, "uscc": uscc.as_str(), "contact_phone": "13812345678"},
            "materials": [{"name": text, "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}],
        });
        let r = clerk.post("/api/v1/cases", &body).await;
        let status = r.status().as_u16();
        let created: Value = r.json().await.unwrap();
        if status != 200 {
            assert_typed(status, &created, &format!("intake with {text:?}"));
            continue;
        }
        stored += 1;
        let number = created["case_number"].as_str().unwrap().to_owned();
        step(&clerk, &number, json!({"action": "accept"})).await;
        // A review opinion.
        let r = reviewer
            .post(
                &format!("/api/v1/cases/{number}/actions"),
                &json!({"action": "review", "step": "initial_review", "opinion": text, "substantive": true}),
            )
            .await;
        let status = r.status().as_u16();
        let b: Value = r.json().await.unwrap();
        assert!(
            status == 200 || (400..500).contains(&status),
            "{text:?}: {status} {b}"
        );
        let (status, case) = clerk.get_json(&format!("/api/v1/cases/{number}")).await;
        assert_eq!(status, 200, "{case}");
        assert_eq!(
            case["applicant_contact"]["name"], *text,
            "applicant name changed"
        );
        assert!(
            holds_string(&case["events"], text),
            "{text:?} not read back: {case}"
        );
        // A department's feedback: its reference, subject and summary.
        let ext = format!("REF-{i}-{text}");
        let fb = json!({"external_ref": ext, "body": {"type": "violation_notice", "subject": text, "item_code": null, "summary": text}});
        let r = dept.post("/api/v1/linkage/feedback", &fb).await;
        let status = r.status().as_u16();
        let b: Value = r.json().await.unwrap();
        if status == 200 {
            let (_, list) = dept.get_json("/api/v1/linkage/feedback").await;
            let row = list["feedback"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["external_ref"] == ext.as_str())
                .unwrap_or_else(|| panic!("feedback {ext:?} not read back: {list}"));
            assert_eq!(row["body"]["subject"], *text);
            assert_eq!(row["body"]["summary"], *text);
        } else {
            assert_typed(status, &b, &format!("feedback with {text:?}"));
        }
        // Searches, path parameters and query values never reach SQL as code.
        for path in [
            format!("/api/v1/catalog/items?q={}", urlencode(text)),
            format!("/api/v1/catalog/items?category={}", urlencode(text)),
            format!("/api/v1/cases/{}", urlencode(text)),
            format!("/api/v1/catalog/items/{}", urlencode(text)),
            format!("/api/v1/staff?jurisdiction={}", urlencode(text)),
        ] {
            let (status, b) = clerk.get_json(&path).await;
            assert!(status < 500, "{path}: {status} {b}");
        }
        for path in [
            format!("/api/v1/linkage/pushes/{}", urlencode(text)),
            format!("/api/v1/licences/{}", urlencode(text)),
            format!(
                "/api/v1/public/progress?case={}&code={}",
                urlencode(text),
                urlencode(text)
            ),
        ] {
            let (status, b) = dept.get_json(&path).await;
            assert!(status < 500, "{path}: {status} {b}");
        }
    }
    assert!(
        stored >= HOSTILE.len() - 2,
        "only {stored} of {} hostile names were accepted and read back",
        HOSTILE.len()
    );
    // NUL is refused everywhere with one typed error.
    let r = clerk
        .post(
            "/api/v1/cases",
            &json!({"item_code": code, "channel": "window",
                "applicant": {"type": "organisation", "name": "a\u{0}b", "uscc": uscc.as_str(), "contact_phone": "13812345678"}}),
        )
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(error_code(&r.json().await.unwrap()), "nul_character");
    for path in [
        "/api/v1/catalog/items?q=a%00b",
        "/api/v1/linkage/pushes/a%00b",
        "/api/v1/cases/3701%00",
    ] {
        let (status, b) = clerk.get_json(path).await;
        assert_eq!((status, error_code(&b)), (400, "nul_character"), "{path}");
    }
    // The tables are all there, and the ledger still proves them.
    let (status, page) = clerk.get_json("/api/v1/catalog/items?per_page=1").await;
    assert_eq!(status, 200);
    assert!(page["total"].as_u64().unwrap() > 100, "{page}");
    assert_eq!(
        app.sign_in("CLERK").await.get("/api/v1/me").await.status(),
        200
    );
    app.assert_consistent();
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn attacks_sql_metacharacters_in_licence_changes_and_rule_names_are_stored_verbatim() {
    let app = TestApp::spawn_demo().await;
    let fx = super::matrix::fixture(&app).await;
    let approver = app.approver().await;
    let inspector = app.inspector().await;
    for (i, text) in HOSTILE.iter().enumerate() {
        // A licence change (变更) records what changed.
        let r = approver
            .post(
                &format!("/api/v1/licences/{}/actions", fx.licence()),
                &json!({"action": "change", "what": text}),
            )
            .await;
        let status = r.status().as_u16();
        let b: Value = r.json().await.unwrap();
        assert_eq!(status, 200, "change {text:?}: {b}");
        // Stored verbatim in the licence's history (private: the public register shows the
        // change, not its text).
        let id = fx.licence().to_owned();
        let stored: Vec<Value> = app
            .store
            .read(move |c| peek::licence_event_bodies(c, &id))
            .await
            .unwrap()
            .iter()
            .map(|b| serde_json::from_str(b).unwrap())
            .collect();
        assert!(
            holds_string(&Value::Array(stored), text),
            "{text:?} is stored"
        );
        let (status, licence) = app
            .anonymous()
            .get_json(&format!("/api/v1/licences/{}", fx.licence()))
            .await;
        assert_eq!(status, 200);
        assert!(
            !holds_string(&licence["events"], text),
            "{text:?} is not public: {licence}"
        );
        // A local rule's name.
        let r = inspector
            .request(Method::PUT, &format!("/api/v1/rules/expressions/sql_{i}"))
            .json(&json!({"name_zh": text, "expression": "true", "active": false}))
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let b: Value = r.json().await.unwrap();
        if status == 200 {
            let (_, rules) = inspector.get_json("/api/v1/rules").await;
            let rule = rules["expressions"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["code"] == format!("sql_{i}").as_str())
                .unwrap_or_else(|| panic!("rule sql_{i} not read back: {rules}"));
            assert_eq!(rule["name_zh"], *text);
        } else {
            assert_typed(status, &b, &format!("rule name {text:?}"));
        }
    }
}
