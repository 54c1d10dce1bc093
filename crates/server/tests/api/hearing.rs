//! Issue #21 item 5 over HTTP: interested parties and a requested hearing (Licensing Law
//! Art. 36, 45–48) from the finding to the decision on the record, with the parties'
//! statements kept off the public ledger and shown on the case page only to those who weigh
//! them, the 听证通知书, and `rules replay` agreeing with the alerts raised.

use oneseal_testkit::{Actor, TestApp, error_code};
use serde_json::{Value, json};

use crate::cases::{applicant, step};
use crate::privacy::{Seen, scan_ledger};

/// 食品经营许可: the general rules.
const FOOD: &str = "990100001000";
const PARTY: &str = "相邻住户代表甲";
const STATEMENT: &str = "油烟排放口正对我家窗户，请求调整位置";

async fn hearing(actor: &Actor, number: &str, act: Value) -> reqwest::Response {
    let mut body = json!({"action": "hearing"});
    for (k, v) in act.as_object().unwrap() {
        body[k] = v.clone();
    }
    actor
        .post(&format!("/api/v1/cases/{number}/actions"), &body)
        .await
}

async fn ok(actor: &Actor, number: &str, act: Value) {
    let r = hearing(actor, number, act.clone()).await;
    let status = r.status();
    let body: Value = r.json().await.unwrap();
    assert_eq!(status, 200, "{act} → {body}");
}

async fn refused(actor: &Actor, number: &str, act: Value) -> String {
    let r = hearing(actor, number, act).await;
    let status = r.status();
    let body: Value = r.json().await.unwrap();
    assert_eq!(status, 400, "{body}");
    error_code(&body).to_owned()
}

async fn offered(actor: &Actor, number: &str) -> Vec<Value> {
    let (_, case) = actor.get_json(&format!("/api/v1/cases/{number}")).await;
    case["allowed_actions"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn hearing_acts(offered: &[Value]) -> Vec<String> {
    offered
        .iter()
        .find(|a| a["action"] == "hearing")
        .and_then(|a| a["acts"].as_array())
        .map(|a| {
            a.iter()
                .map(|x| x.as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn art36_art47_art48_a_requested_hearing_runs_from_the_finding_to_the_decision() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(time::macros::datetime!(2026-09-07 09:00 +8));
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

    // Before the finding, only the finding and an announcement are offered.
    let acts = hearing_acts(&offered(&reviewer, &number).await);
    assert_eq!(acts, ["find_major_interests", "announce"], "{acts:?}");
    assert_eq!(
        refused(
            &reviewer,
            &number,
            json!({"act": "notify_right", "notice_reference": "告知书"})
        )
        .await,
        "hearing_no_major_interests"
    );
    ok(&reviewer, &number, json!({"act": "find_major_interests"})).await;
    ok(&reviewer, &number, json!({"act": "notify_parties", "parties": [PARTY], "notice_reference": "济审告〔2026〕1号"})).await;
    ok(
        &reviewer,
        &number,
        json!({"act": "record_statement", "party": PARTY, "statement": STATEMENT}),
    )
    .await;
    ok(
        &reviewer,
        &number,
        json!({"act": "notify_right", "notice_reference": "济审听告〔2026〕1号"}),
    )
    .await;
    ok(&reviewer, &number, json!({"act": "request", "requester": "interested_party", "notice_reference": "济审听不计〔2026〕1号"})).await;

    // The clock is paused; the approver is offered no decision.
    let approver = app.approver().await;
    assert!(
        !offered(&approver, &number)
            .await
            .iter()
            .any(|a| a["action"] == "decide")
    );
    let schedule = offered(&reviewer, &number)
        .await
        .into_iter()
        .find(|a| a["action"] == "hearing")
        .unwrap();
    assert_eq!(schedule["held_from"], "2026-09-14", "{schedule}");
    assert_eq!(schedule["not_presiding"], json!(["REVIEW"]));
    // Art. 48: a reviewer of the case does not preside; notice 7 days ahead.
    let at = |presiding: &str, day: &str| {
        json!({"act": "schedule", "presiding": presiding, "held_on": day, "place": "本局三楼听证室",
               "open_to_public": true, "notice_reference": "济审听通〔2026〕1号"})
    };
    assert_eq!(
        refused(&reviewer, &number, at("REVIEW", "2026-09-14")).await,
        "hearing_reviewer_presiding"
    );
    assert_eq!(
        refused(&reviewer, &number, at("HEAD", "2026-09-13")).await,
        "hearing_notice_too_short"
    );
    ok(&reviewer, &number, at("HEAD", "2026-09-14")).await;

    // The 听证通知书 is among the case's documents.
    let (_, docs) = reviewer
        .get_json(&format!("/api/v1/cases/{number}/documents"))
        .await;
    assert!(docs.to_string().contains("hearing_notice"), "{docs}");
    let pdf = reviewer
        .get(&format!("/api/v1/cases/{number}/documents/hearing_notice"))
        .await;
    assert_eq!(pdf.status(), 200);

    // The hearing day: the record, signed, ends the pause; then the second review and the
    // decision on the record.
    // Sessions last 8 hours: a new day, a new sign-in.
    app.clock.set(time::macros::datetime!(2026-09-14 10:00 +8));
    let (clerk, reviewer, approver) = (
        app.clerk().await,
        app.reviewer().await,
        app.approver().await,
    );
    assert_eq!(
        refused(
            &reviewer,
            &number,
            json!({"act": "close_record", "record_reference": "笔录1号", "signed": false})
        )
        .await,
        "hearing_record_unsigned"
    );
    ok(
        &reviewer,
        &number,
        json!({"act": "close_record", "record_reference": "笔录1号", "signed": true}),
    )
    .await;
    let reviewer2 = app.sign_in("REVIEW2").await;
    step(&reviewer2, &number, json!({"action": "review", "step": "review", "opinion": "听证后仍符合条件", "substantive": true})).await;
    step(
        &approver,
        &number,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;

    // The case page: statements to the reviewer and the approver, not to the clerk.
    for (actor, shows) in [(&reviewer, true), (&approver, true), (&clerk, false)] {
        let page = actor
            .get(&format!("/cases/{number}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("id=\"hearing\""), "the hearing section");
        assert!(page.contains("听证笔录签署完毕"));
        assert_eq!(page.contains(STATEMENT), shows);
    }
    // The public progress and the ledger never carry the party or the statement.
    let mut seen = Seen {
        surfaces: Vec::new(),
    };
    scan_ledger(&app, &mut seen).await;
    seen.assert_free_of(&[PARTY.to_owned(), STATEMENT.to_owned()]);
    assert!(app.replay_findings().await.is_empty());
}

#[tokio::test]
async fn art47_the_decision_waits_for_the_request_window() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(time::macros::datetime!(2026-09-07 09:00 +8));
    let number = crate::cases::case_ready_for_decision_on(&app, FOOD).await;
    let reviewer = app.reviewer().await;
    ok(&reviewer, &number, json!({"act": "find_major_interests"})).await;
    let approver = app.approver().await;
    let r = approver
        .post(
            &format!("/api/v1/cases/{number}/actions"),
            &json!({"action": "decide", "decision": {"outcome": "approve"}}),
        )
        .await;
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "decision_without_parties_notice");
    ok(
        &reviewer,
        &number,
        json!({"act": "notify_parties", "parties": [PARTY], "notice_reference": "告知书"}),
    )
    .await;
    ok(
        &reviewer,
        &number,
        json!({"act": "notify_right", "notice_reference": "告知书"}),
    )
    .await;
    // Within the 5 working days (to 2026-09-14): no decision offered.
    assert!(
        !offered(&approver, &number)
            .await
            .iter()
            .any(|a| a["action"] == "decide")
    );
    // After them, nobody asked: the decision is offered and taken.
    app.clock.set(time::macros::datetime!(2026-09-15 10:00 +8));
    let approver = app.approver().await;
    assert!(
        offered(&approver, &number)
            .await
            .iter()
            .any(|a| a["action"] == "decide")
    );
    step(
        &approver,
        &number,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    assert!(app.replay_findings().await.is_empty());
}
