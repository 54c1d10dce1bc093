//! Issue #21 item 5's remainder over HTTP: an item whose own law requires a hearing (Licensing
//! Law Art. 46), set through the catalog's `hearing_required` column with its source and pinned
//! on the case, and the postponement of a noticed hearing (Art. 47, 48(1)(1)), whose reason stays
//! off the public ledger.

use oneseal_testkit::{Actor, TestApp, error_code};
use serde_json::{Value, json};

use crate::cases::{applicant, step};
use crate::privacy::{Seen, scan_ledger};

/// 食品经营许可.
const FOOD: &str = "990100001000";
const SOURCE: &str = "《某省食品经营许可条例》第十条";
const REASON: &str = "听证主持人突发疾病需延期";

async fn act(actor: &Actor, number: &str, body: Value) -> (u16, Value) {
    let r = actor
        .post(&format!("/api/v1/cases/{number}/actions"), &body)
        .await;
    (r.status().as_u16(), r.json().await.unwrap())
}

async fn hearing(actor: &Actor, number: &str, mut body: Value) -> (u16, Value) {
    body["action"] = json!("hearing");
    act(actor, number, body).await
}

async fn offered(actor: &Actor, number: &str) -> Vec<Value> {
    let (_, case) = actor.get_json(&format!("/api/v1/cases/{number}")).await;
    case["allowed_actions"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Received, accepted and reviewed by two on the app's day.
async fn reviewed(app: &TestApp) -> String {
    let clerk = app.clerk().await;
    let created: Value = clerk
        .post("/api/v1/cases", &json!({"item_code": FOOD, "channel": "window", "applicant": applicant(),
            "materials": [{"name": "申请书", "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}]}))
        .await
        .json()
        .await
        .unwrap();
    let number = created["case_number"].as_str().unwrap().to_owned();
    step(&clerk, &number, json!({"action": "accept"})).await;
    let reviewer = app.reviewer().await;
    step(&reviewer, &number, json!({"action": "review", "step": "initial_review", "opinion": "符合条件", "substantive": true})).await;
    let reviewer2 = app.sign_in("REVIEW2").await;
    step(
        &reviewer2,
        &number,
        json!({"action": "review", "step": "review", "opinion": "同意", "substantive": true}),
    )
    .await;
    number
}

/// Imports the exported catalog with `FOOD`'s `hearing_required` cell set to `cell`.
async fn set_hearing_required(app: &TestApp, cell: &str) -> (u16, Value) {
    let admin = app.admin().await;
    let csv = admin
        .get("/api/v1/catalog/export?format=csv")
        .await
        .text()
        .await
        .unwrap();
    let csv = csv.trim_start_matches('\u{feff}');
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (code, required) = (col("basic_code"), col("hearing_required"));
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(&header).unwrap();
    for rec in reader.records() {
        let mut fields: Vec<String> = rec.unwrap().iter().map(str::to_owned).collect();
        if fields[code] == FOOD {
            fields[required] = cell.to_owned();
        }
        out.write_record(&fields).unwrap();
    }
    let r = admin
        .post_bytes(
            "/api/v1/catalog/import?format=csv",
            out.into_inner().unwrap(),
        )
        .await;
    (r.status().as_u16(), r.json().await.unwrap())
}

#[tokio::test]
async fn art46_an_item_whose_law_requires_a_hearing_is_decided_only_on_a_hearings_record() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(time::macros::datetime!(2026-09-07 09:00 +8));
    // The column takes `yes|source`; a flag without its source is refused, naming the column.
    let (status, body) = set_hearing_required(&app, "yes").await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(error_code(&body), "import_rejected");
    assert!(body.to_string().contains("hearing_required"), "{body}");
    let (status, body) = set_hearing_required(&app, &format!("yes|{SOURCE}")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["published"], 1, "{body}");

    let number = reviewed(&app).await;
    let approver = app.approver().await;
    // Violating: decided without a hearing. Refused, and not offered.
    assert!(
        !offered(&approver, &number)
            .await
            .iter()
            .any(|a| a["action"] == "decide")
    );
    let (status, body) = act(
        &approver,
        &number,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    assert_eq!(
        (status, error_code(&body)),
        (400, "hearing_required_by_law"),
        "{body}"
    );
    assert!(body.to_string().contains(SOURCE), "{body}");
    // The case page names the setting and its source.
    let page = approver
        .get(&format!("/cases/{number}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("依法应当听证") && page.contains(SOURCE));

    // Compliant: announced, noticed 7 days ahead, held, the record signed, then decided.
    let reviewer = app.reviewer().await;
    let ok = |(status, body): (u16, Value)| assert_eq!(status, 200, "{body}");
    ok(hearing(&reviewer, &number, json!({"act": "announce", "ground": "law_requires", "notice_reference": "济审听公〔2026〕1号"})).await);
    ok(hearing(&reviewer, &number, json!({"act": "schedule", "presiding": "HEAD", "held_on": "2026-09-14",
        "place": "本局三楼听证室", "open_to_public": true, "notice_reference": "济审听通〔2026〕1号"})).await);
    app.clock.set(time::macros::datetime!(2026-09-14 10:00 +8));
    let (reviewer, approver) = (app.reviewer().await, app.approver().await);
    ok(hearing(
        &reviewer,
        &number,
        json!({"act": "close_record", "record_reference": "笔录1号", "signed": true}),
    )
    .await);
    step(
        &approver,
        &number,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    assert!(app.replay_findings().await.is_empty());
}

#[tokio::test]
async fn art48_a_postponed_hearing_is_noticed_again_and_its_reason_stays_private() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(time::macros::datetime!(2026-09-07 09:00 +8));
    let number = reviewed(&app).await;
    let reviewer = app.reviewer().await;
    let ok = |(status, body): (u16, Value)| assert_eq!(status, 200, "{body}");
    ok(hearing(&reviewer, &number, json!({"act": "announce", "ground": "public_interest", "notice_reference": "济审听公〔2026〕2号"})).await);
    ok(hearing(&reviewer, &number, json!({"act": "schedule", "presiding": "HEAD", "held_on": "2026-09-14",
        "place": "本局三楼听证室", "open_to_public": true, "notice_reference": "济审听通〔2026〕2号"})).await);
    // Three days later the hearing is postponed: offered, with its bounds.
    app.clock.set(time::macros::datetime!(2026-09-10 09:00 +8));
    let reviewer = app.reviewer().await;
    let offer = offered(&reviewer, &number)
        .await
        .into_iter()
        .find(|a| a["action"] == "hearing")
        .unwrap();
    assert!(offer["acts"].to_string().contains("reschedule"), "{offer}");
    assert_eq!(offer["held_from"], "2026-09-17", "{offer}");
    let postpone = |day: &str, reason: &str| {
        json!({"act": "reschedule", "held_on": day, "place": "本局五楼听证室", "reason": reason,
               "notice_reference": "济审听通〔2026〕3号"})
    };
    for (day, reason, code) in [
        ("2026-09-16", REASON, "hearing_notice_too_short"),
        ("2026-09-14", REASON, "hearing_not_postponed"),
        ("2026-09-17", " ", "blank_text"),
    ] {
        let (status, body) = hearing(&reviewer, &number, postpone(day, reason)).await;
        assert_eq!((status, error_code(&body)), (400, code), "{day}: {body}");
    }
    ok(hearing(&reviewer, &number, postpone("2026-09-17", REASON)).await);
    // The 听证通知书 is the new notice.
    let pdf = reviewer
        .get(&format!("/api/v1/cases/{number}/documents/hearing_notice"))
        .await;
    assert_eq!(pdf.status(), 200);
    // The old day is no hearing day any more; the new one is.
    app.clock.set(time::macros::datetime!(2026-09-14 10:00 +8));
    let reviewer = app.reviewer().await;
    let close = json!({"act": "close_record", "record_reference": "笔录2号", "signed": true});
    let (status, body) = hearing(&reviewer, &number, close.clone()).await;
    assert_eq!((status, error_code(&body)), (400, "hearing_not_held"));
    app.clock.set(time::macros::datetime!(2026-09-17 10:00 +8));
    let reviewer = app.reviewer().await;
    ok(hearing(&reviewer, &number, close).await);
    // The reason was typed by staff: never on the public ledger.
    let mut seen = Seen {
        surfaces: Vec::new(),
    };
    scan_ledger(&app, &mut seen).await;
    seen.assert_free_of(&[REASON.to_owned()]);
    assert!(app.replay_findings().await.is_empty());
}

#[tokio::test]
async fn art48_the_demo_history_leaves_one_hearing_to_hold_today_and_decide_on_its_record() {
    // `serve --demo`'s history, smaller: it ends on the hearing day of its staged case.
    let app = TestApp::spawn_history(40, 20, 3).await;
    let reviewer = app.reviewer().await;
    let (status, page) = reviewer
        .get_json("/api/v1/cases?limit=200&q=%E5%90%AC%E8%AF%81%E7%A4%BA%E8%8C%83")
        .await;
    assert_eq!(status, 200, "{page}");
    let found = page["cases"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{page}");
    let number = found[0]["case_number"].as_str().unwrap().to_owned();
    // Noticed at least 7 days ahead by the reviewer, presided over by the head, held today.
    let offer = offered(&reviewer, &number)
        .await
        .into_iter()
        .find(|a| a["action"] == "hearing")
        .unwrap();
    assert!(
        offer["acts"].to_string().contains("close_record"),
        "{offer}"
    );
    let approver = app.approver().await;
    assert!(
        !offered(&approver, &number)
            .await
            .iter()
            .any(|a| a["action"] == "decide")
    );
    let (status, body) = hearing(
        &reviewer,
        &number,
        json!({"act": "close_record", "record_reference": "笔录3号", "signed": true}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    step(
        &approver,
        &number,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    assert!(app.replay_findings().await.is_empty());
}
