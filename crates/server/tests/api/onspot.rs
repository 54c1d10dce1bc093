//! Issue #21 items 9–10 over HTTP: an online application is received when submitted on the
//! platform (Art. 33), and an item whose law allows it is decided on the spot (Art. 34(2)).

use oneseal_testkit::{TestApp, error_code};
use serde_json::{Value, json};

use crate::cases::{applicant, step};

/// 市场主体登记: 《市场主体登记管理条例》第十九条, registered on the spot.
const MARKET_ENTITY: &str = "990100008000";
/// 食品经营许可: no on-the-spot decision.
const FOOD: &str = "990100001000";
const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

async fn intake(app: &TestApp, body: Value) -> reqwest::Response {
    app.clerk().await.post("/api/v1/cases", &body).await
}

async fn received(app: &TestApp, item: &str, channel: &str) -> String {
    let r = intake(
        app,
        json!({"item_code": item, "channel": channel, "applicant": applicant(),
               "materials": [{"name": "申请书", "sha256": SHA}]}),
    )
    .await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    v["case_number"].as_str().unwrap().to_owned()
}

fn offered<'a>(case: &'a Value, action: &str) -> Option<&'a Value> {
    case["allowed_actions"]
        .as_array()?
        .iter()
        .find(|a| a["action"] == action)
}

#[tokio::test]
async fn art34_2_an_item_that_allows_it_is_accepted_and_granted_on_the_spot() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(time::macros::datetime!(2026-09-07 09:00 +8));
    let number = received(&app, MARKET_ENTITY, "window").await;
    let approver = app.approver().await;
    let (_, case) = approver.get_json(&format!("/api/v1/cases/{number}")).await;
    let action = offered(&case, "decide_on_spot").expect("offered on the spot");
    assert_eq!(action["confirm"], true);
    assert!(
        action["source"]
            .as_str()
            .unwrap()
            .contains("市场主体登记管理条例"),
        "{action}"
    );
    // The clerk is offered the ordinary acceptance, not the decision.
    let (_, as_clerk) = app
        .clerk()
        .await
        .get_json(&format!("/api/v1/cases/{number}"))
        .await;
    assert!(offered(&as_clerk, "decide_on_spot").is_none());

    let done = step(&approver, &number, json!({"action": "decide_on_spot"})).await;
    assert_eq!(done["status"], 11, "{done}");
    assert_eq!(done["ledger_indexes"].as_array().unwrap().len(), 3);
    assert!(done["sealed"]["license_id"].is_string(), "{done}");
    let (_, case) = approver.get_json(&format!("/api/v1/cases/{number}")).await;
    let kinds: Vec<&str> = case["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        ["received", "on_the_spot", "accepted", "decided"],
        "{case}"
    );
    let clock = &case["clock"];
    assert_eq!(clock["decision"]["accepted_on"], "2026-09-07", "{clock}");
    assert_eq!(clock["decision"]["decided_on"], "2026-09-07", "{clock}");
    assert!(
        clock["delivery"].is_object(),
        "a grant is delivered (Art. 44)"
    );
    // The documents say it: the acceptance and the grant, both sealed that day, on the spot.
    let page = approver
        .get(&format!("/cases/{number}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("当场"), "{page}");
    assert!(page.contains("第三十四条第二款"), "{page}");
    app.assert_consistent();
}

#[tokio::test]
async fn art34_2_an_item_without_it_is_not_decided_on_the_spot() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(time::macros::datetime!(2026-09-07 09:00 +8));
    let number = received(&app, FOOD, "window").await;
    let approver = app.approver().await;
    let (_, case) = approver.get_json(&format!("/api/v1/cases/{number}")).await;
    assert!(offered(&case, "decide_on_spot").is_none(), "{case}");
    let r = approver
        .post(
            &format!("/api/v1/cases/{number}/actions"),
            &json!({"action": "decide_on_spot"}),
        )
        .await;
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "on_the_spot_not_allowed", "{body}");
    // A clerk may not take it even where the item allows it: the access matrix refuses.
    let number = received(&app, MARKET_ENTITY, "window").await;
    let r = app
        .clerk()
        .await
        .post(
            &format!("/api/v1/cases/{number}/actions"),
            &json!({"action": "decide_on_spot"}),
        )
        .await;
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn art33_an_online_application_is_received_when_submitted() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(time::macros::datetime!(2026-09-07 09:00 +8));
    let body = |channel: &str, at: &str| {
        json!({"item_code": FOOD, "channel": channel, "applicant": applicant(),
               "materials": [{"name": "申请书", "sha256": SHA}], "submitted_at": at})
    };
    // Submitted on the platform on Friday evening, registered on Monday morning.
    let r = intake(&app, body("online", "2026-09-04T20:30:00+08:00")).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    let number = v["case_number"].as_str().unwrap();
    assert!(
        number.contains("20260907"),
        "numbered on registration: {number}"
    );
    let (_, case) = app
        .clerk()
        .await
        .get_json(&format!("/api/v1/cases/{number}"))
        .await;
    assert_eq!(
        case["clock"]["notice"]["received_on"], "2026-09-04",
        "{case}"
    );
    // The receipt shows both times.
    let page = app
        .clerk()
        .await
        .get(&format!("/cases/{number}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("2026-09-04") || page.contains("2026年9月4日"),
        "{page}"
    );

    for (channel, at, code) in [
        (
            "window",
            "2026-09-04T20:30:00+08:00",
            "submitted_at_not_online",
        ),
        (
            "online",
            "2026-09-07T12:00:00+08:00",
            "submitted_at_in_future",
        ),
        (
            "online",
            "2026-07-01T12:00:00+08:00",
            "submitted_at_too_old",
        ),
        ("online", "2026-09-04 20:30", "submitted_at_format"),
    ] {
        let r = intake(&app, body(channel, at)).await;
        assert_eq!(r.status(), 400, "{channel} {at}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(error_code(&v), code, "{v}");
        assert!(
            v.to_string().contains("提交时间") || v.to_string().contains("网上申请"),
            "{v}"
        );
    }
}
