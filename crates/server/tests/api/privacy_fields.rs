//! Personal data in every field (issue #15, item 4): driven by /openapi.json, every string
//! property of every JSON request body gets recognisable personal data — a name, an 18-digit ID
//! number with its check character, a mobile number — one field at a time, sent by whichever
//! role the route admits. Then the public surfaces (each ledger entry, the entry tiles,
//! checkpoints, receipts, the public licence register, progress and verification pages) and the
//! server's log are searched: none may hold any of it, and no request may be a 5xx.

use oneseal_testkit::{Actor, TestApp};
use reqwest::Method;
use serde_json::{Value, json};

use crate::cases::{
    applicant, approved_and_cosigned_licence, case_ready_for_decision_in, expert_review_item, step,
};
use crate::privacy::{Seen, captured_logs, id_number, scan_ledger};

const NAME: &str = "慕容私录";
const PHONE: &str = "13712345690";
const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

fn id() -> String {
    id_number("44030419850612301")
}

fn secrets() -> Vec<String> {
    vec![NAME.into(), PHONE.into(), id()]
}

/// The most recognisable personal data that fits `max` characters.
fn pii(max: usize) -> String {
    let full = format!("{NAME}{}{PHONE}", id());
    [full, id(), PHONE.to_owned(), NAME.to_owned()]
        .into_iter()
        .find(|c| c.chars().count() <= max)
        .unwrap_or_else(|| NAME.chars().take(max).collect())
}

/// Fields that are public by design, with why.
const PUBLIC_BY_DESIGN: &[(&str, &str)] = &[
    // A local monitoring rule's name and CEL source are published so that anyone may see what
    // is checked; they are configuration an administrator writes, not anyone's data.
    ("/api/v1/rules/expressions/{code}", "name_zh"),
    ("/api/v1/rules/expressions/{code}", "expression"),
];

#[derive(Clone, Debug)]
enum Seg {
    Key(String),
    Index,
}

/// Every string leaf the schema lists for a body shaped like `base` (the `oneOf` alternative
/// that matches it), with its documented maximum.
fn leaves(schema: &Value, base: &Value, at: &[Seg], out: &mut Vec<(Vec<Seg>, usize)>) {
    if let Some(alts) = schema["oneOf"].as_array() {
        let fits = |alt: &Value| {
            alt["properties"].as_object().is_none_or(|props| {
                props.iter().all(|(k, p)| {
                    p["enum"]
                        .as_array()
                        .is_none_or(|e| base[k].is_null() || e.contains(&base[k]))
                })
            })
        };
        if let Some(alt) = alts.iter().find(|a| fits(a)) {
            leaves(alt, base, at, out);
        }
        return;
    }
    if let Some(props) = schema["properties"].as_object() {
        for (k, p) in props {
            let mut next = at.to_vec();
            next.push(Seg::Key(k.clone()));
            leaves(p, &base[k], &next, out);
        }
        return;
    }
    if schema["type"] == "array" {
        let mut next = at.to_vec();
        next.push(Seg::Index);
        leaves(&schema["items"], &base[0], &next, out);
        return;
    }
    let free = schema["type"] == "string"
        && schema["enum"].is_null()
        && !matches!(schema["format"].as_str(), Some("date" | "binary"));
    if free {
        let max = schema["maxLength"].as_u64().unwrap_or(2000) as usize;
        out.push((at.to_vec(), max));
    }
}

fn set(v: &mut Value, at: &[Seg], x: Value) {
    let Some((first, rest)) = at.split_first() else {
        *v = x;
        return;
    };
    match first {
        Seg::Key(k) => {
            if !v.is_object() {
                *v = json!({});
            }
            set(
                v.as_object_mut()
                    .unwrap()
                    .entry(k.clone())
                    .or_insert(Value::Null),
                rest,
                x,
            );
        }
        Seg::Index => {
            if !v.is_array() || v.as_array().unwrap().is_empty() {
                *v = json!([Value::Null]);
            }
            set(&mut v.as_array_mut().unwrap()[0], rest, x);
        }
    }
}

fn name_of(at: &[Seg]) -> String {
    at.iter()
        .map(|s| match s {
            Seg::Key(k) => k.clone(),
            Seg::Index => "[]".into(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// The facts the baselines need: licences in several states, a delivered case, a push, a
/// policy change under review.
struct World {
    item: String,
    case: String,
    query: String,
    licences: Vec<String>,
    push: String,
    feedback: String,
}

async fn world(app: &TestApp) -> World {
    // A case approved and delivered (its licence is the first), then two more licences.
    let item = expert_review_item(app).await;
    // The query code as given at receipt, the only time it is shown.
    let (number, query) = case_ready_for_decision_in(app, "", &item, applicant()).await;
    let decided = step(
        &app.approver().await,
        &number,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    let mut licences = vec![decided["sealed"]["license_id"].as_str().unwrap().to_owned()];
    let clerk = app.clerk().await;
    step(
        &clerk,
        &number,
        json!({"action": "deliver", "method": "window"}),
    )
    .await;
    for _ in 0..2 {
        licences.push(approved_and_cosigned_licence(app).await);
    }
    let head = app.head().await;
    let (_, pushes) = head.get_json("/api/v1/linkage/pushes").await;
    let push = pushes["pushes"][0]["push_id"].as_str().unwrap().to_owned();
    let fg = app.department_token("FG", &["submit_feedback"]).await;
    let r: Value = fg
        .post(
            "/api/v1/linkage/feedback",
            &json!({"external_ref": "W-1", "body": {"type": "policy_change", "law": "《某某条例》",
                    "articles": ["第一条"], "summary": "修订", "effective_on": "2026-12-01"}}),
        )
        .await
        .json()
        .await
        .unwrap();
    World {
        item: expert_review_item(app).await,
        case: number,
        query,
        licences,
        push,
        feedback: r["feedback_id"].as_str().unwrap_or("F-X").to_owned(),
    }
}

/// (method, route, concrete path, a valid body) per operation, in the order they are sent (a
/// withdrawal ends what a licence can do, so it comes after the other changes).
fn baselines(w: &World) -> Vec<(&'static str, &'static str, String, Value)> {
    let (l0, l1, l2) = (&w.licences[0], &w.licences[1], &w.licences[2]);
    let person = json!({"type": "natural_person", "name": "王五", "id_number": id_number("37010219900101002"), "phone": "13900001111"});
    let uscc =
        oneseal_domain::catalog::UnifiedSocialCreditCode::with_check_character("91370100MA3C0PKT8")
            .unwrap();
    let org = json!({"type": "organisation", "name": "济南某某有限公司", "uscc": uscc.as_str(), "contact_phone": "13900002222"});
    vec![
        (
            "post",
            "/api/v1/session",
            "/api/v1/session".into(),
            json!({"staff_id": "CLERK", "password": "wrong password"}),
        ),
        (
            "post",
            "/api/v1/cases",
            "/api/v1/cases".into(),
            json!({"item_code": w.item, "channel": "window", "applicant": person, "materials": [{"name": "申请书", "sha256": SHA}]}),
        ),
        (
            "post",
            "/api/v1/cases",
            "/api/v1/cases".into(),
            json!({"item_code": w.item, "channel": "online", "applicant": org, "materials": []}),
        ),
        (
            "post",
            "/api/v1/cases/{number}/actions",
            format!("/api/v1/cases/{}/actions", w.case),
            json!({"action": "accept"}),
        ),
        (
            "post",
            "/api/v1/linkage/feedback",
            "/api/v1/linkage/feedback".into(),
            json!({"external_ref": "B-1", "body": {"type": "supervision_record", "licence_id": l2, "inspected_on": "2026-11-30", "result": "compliant", "summary": "检查合格"}}),
        ),
        (
            "post",
            "/api/v1/linkage/feedback",
            "/api/v1/linkage/feedback".into(),
            json!({"external_ref": "B-2", "body": {"type": "penalty", "licence_id": l2, "decision_ref": "济发改罚〔2026〕1号", "summary": "罚款", "revokes": false}}),
        ),
        (
            "post",
            "/api/v1/linkage/feedback",
            "/api/v1/linkage/feedback".into(),
            json!({"external_ref": "B-3", "body": {"type": "violation_notice", "subject": "某公司", "item_code": w.item, "summary": "抄告"}}),
        ),
        (
            "post",
            "/api/v1/linkage/feedback",
            "/api/v1/linkage/feedback".into(),
            json!({"external_ref": "B-4", "body": {"type": "policy_change", "law": "《某某办法》", "articles": ["第二条"], "summary": "修订", "effective_on": "2026-12-01"}}),
        ),
        (
            "post",
            "/api/v1/linkage/feedback/{id}/close-review",
            format!("/api/v1/linkage/feedback/{}/close-review", w.feedback),
            json!({"explanation": "已复核完毕"}),
        ),
        (
            "post",
            "/api/v1/linkage/pushes/{id}/assign",
            format!("/api/v1/linkage/pushes/{}/assign", w.push),
            json!({"department": "FG"}),
        ),
        (
            "put",
            "/api/v1/linkage/mappings/{code}",
            format!("/api/v1/linkage/mappings/{}", w.item),
            json!({"department": "FG", "push_refusals": false}),
        ),
        (
            "post",
            "/api/v1/licences/{id}/actions",
            format!("/api/v1/licences/{l0}/actions"),
            json!({"action": "change", "what": "地址变更"}),
        ),
        (
            "post",
            "/api/v1/licences/{id}/actions",
            format!("/api/v1/licences/{l0}/actions"),
            json!({"action": "withdraw", "reason": "法律修改"}),
        ),
        (
            "post",
            "/api/v1/licences/{id}/actions",
            format!("/api/v1/licences/{l1}/actions"),
            json!({"action": "revoke", "reason": "违法许可", "fraud": false}),
        ),
        (
            "post",
            "/api/v1/licences/{id}/penalty",
            format!("/api/v1/licences/{l2}/penalty"),
            json!({"decision_ref": "济发改罚〔2026〕2号"}),
        ),
        (
            "post",
            "/api/v1/public/ratings",
            "/api/v1/public/ratings".into(),
            json!({"case": w.case, "code": w.query, "level": "unsatisfied", "channel": "window", "comment": "慢"}),
        ),
        (
            "post",
            "/api/v1/ratings/{case}/rectify",
            format!("/api/v1/ratings/{}/rectify", w.case),
            json!({"explanation": "已整改完毕"}),
        ),
        (
            "post",
            "/api/v1/alerts/{id}/close",
            "/api/v1/alerts/ALERT-X/close".into(),
            json!({"outcome": "justified", "explanation": "情况属实"}),
        ),
        (
            "post",
            "/api/v1/staff/{id}/transfer",
            "/api/v1/staff/REVIEW2/transfer".into(),
            json!({"to_department": "FG", "on": "2026-12-01"}),
        ),
    ]
}

/// Sends `body` as the first of `actors` the route admits; returns the status.
async fn send(actors: &[Actor], method: &str, path: &str, body: &Value) -> u16 {
    let m = Method::from_bytes(method.to_ascii_uppercase().as_bytes()).unwrap();
    let mut last = 0;
    for a in actors {
        let r = a.request(m.clone(), path).json(body).send().await.unwrap();
        last = r.status().as_u16();
        if last != 401 && last != 403 {
            return last;
        }
    }
    last
}

#[tokio::test]
async fn personal_data_in_every_documented_string_field_reaches_no_public_surface() {
    let logs = captured_logs();
    let app = TestApp::spawn_demo_witnessed().await;
    let w = world(&app).await;
    let (_, doc) = app.anonymous().get_json("/openapi.json").await;
    let actors = vec![
        app.approver().await,
        app.head().await,
        app.admin().await,
        app.clerk().await,
        app.inspector().await,
        app.department_token("FG", &["claim_push", "view_pushes", "submit_feedback"])
            .await,
        app.anonymous(),
    ];
    let mut table = baselines(&w);
    // Every other operation with a JSON body is filled from an empty body.
    for (route, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let json_body = !op["requestBody"]["content"]["application/json"].is_null();
            if json_body && !table.iter().any(|(m, r, ..)| m == method && r == route) {
                let path = route
                    .split('/')
                    .map(|s| if s.starts_with('{') { "X1" } else { s })
                    .collect::<Vec<_>>()
                    .join("/");
                let (m, r): (&'static str, &'static str) =
                    (method.clone().leak(), route.clone().leak());
                table.push((m, r, path, json!({})));
            }
        }
    }
    let (mut sent, mut accepted) = (0, 0);
    for (method, route, path, base) in &table {
        let schema =
            &doc["paths"][*route][*method]["requestBody"]["content"]["application/json"]["schema"];
        let mut found = Vec::new();
        leaves(schema, base, &[], &mut found);
        for (at, max) in found {
            let field = name_of(&at);
            if PUBLIC_BY_DESIGN.contains(&(*route, field.as_str())) {
                continue;
            }
            let mut body = base.clone();
            set(&mut body, &at, json!(pii(max)));
            let status = send(&actors, method, path, &body).await;
            assert!(status < 500, "{method} {path} with {field}: {status}");
            sent += 1;
            if status < 300 {
                accepted += 1;
            }
        }
    }
    assert!(sent >= 40, "only {sent} fields were filled");
    assert!(
        accepted >= 10,
        "only {accepted} of {sent} requests were accepted"
    );

    app.checkpoint_and_cosign().await;
    let mut seen = Seen {
        surfaces: Vec::new(),
    };
    let entries = scan_ledger(&app, &mut seen).await;
    assert!(entries > 30, "only {entries} entries");
    let anon = app.anonymous();
    for l in &w.licences {
        for p in [
            format!("/api/v1/licences/{l}"),
            format!("/verify/{l}"),
            format!("/api/v1/verify/bundle/{l}"),
        ] {
            seen.get(&anon, &p).await;
        }
    }
    for p in [
        format!("/progress?case={}&code={}", w.case, w.query),
        format!("/api/v1/public/progress?case={}&code={}", w.case, w.query),
        "/".into(),
        "/catalog".into(),
        "/api/v1/catalog/items?per_page=500".into(),
        "/metrics".into(),
    ] {
        seen.get(&anon, &p).await;
    }
    seen.assert_free_of(&secrets());
    // The data went in where it belongs: the bureau reads it.
    let (_, feedback) = app.head().await.get_json("/api/v1/linkage/feedback").await;
    assert!(feedback.to_string().contains(PHONE), "{feedback}");

    let text = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    for secret in secrets() {
        let line = text.lines().find(|l| l.contains(&secret));
        assert!(line.is_none(), "{secret} in the server's log: {line:?}");
    }
}
