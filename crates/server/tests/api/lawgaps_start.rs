//! 建筑法 Art. 9 over HTTP: the issuing body's answer to a request to start later (twice at
//! most, three months each), the lapse of a permit not started in time in words (the licence,
//! its page, the public verification page) and the rules' cards.

use oneseal_server::background::rules_runner::run;
use oneseal_testkit::{Actor, TestApp, error_code};
use serde_json::{Value, json};
use time::macros::datetime;

use crate::lawgaps::{alerts, organisation, permit};

async fn act(actor: &Actor, licence: &str, body: Value) -> (u16, Value) {
    let r = actor
        .post(&format!("/api/v1/licences/{licence}/actions"), &body)
        .await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn grant(new_start_by: &str) -> Value {
    json!({"action": "decide_start_extension", "granted": true, "new_start_by": new_start_by})
}

#[tokio::test]
async fn construction_law_art9_two_extensions_are_granted_a_third_is_refused_and_the_dates_are_public()
 {
    let app = TestApp::spawn_demo().await;
    app.clock.set(datetime!(2026-11-24 09:00 +8));
    let id = permit(
        &app,
        organisation("济南延期开工建设有限公司", "91370100MA3C0RT1XH"),
    )
    .await;
    app.clock.set(datetime!(2027-02-10 09:00 +8));
    let approver = app.approver().await;
    // Nothing to decide yet.
    let (status, body) = act(&approver, &id, grant("2027-05-24")).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(error_code(&body), "no_start_extension_pending", "{body}");
    let (status, body) = act(&approver, &id, json!({"action": "request_start_extension"})).await;
    assert_eq!(status, 200, "{body}");
    // The window's clerk does not decide.
    let (status, body) = act(&app.clerk().await, &id, grant("2027-05-24")).await;
    assert_eq!(status, 403, "{body}");
    // At most three months after the current deadline (2027-02-24), and later than it.
    for too_far in ["2027-05-25", "2027-02-24"] {
        // A date outside the law's bounds is a malformed request: 400, not a state conflict.
        let (status, body) = act(&approver, &id, grant(too_far)).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(error_code(&body), "start_extension_date", "{body}");
        assert!(
            body["error"]["message_zh"]
                .as_str()
                .unwrap()
                .contains("三个月"),
            "{body}"
        );
    }
    let (status, body) = act(
        &approver,
        &id,
        json!({"action": "decide_start_extension", "granted": true}),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(error_code(&body), "start_extension_decision", "{body}");
    let (status, body) = act(&approver, &id, grant("2027-05-24")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["licence"]["start_by"], "2027-05-24", "{body}");
    assert_eq!(body["licence"]["start_extensions_granted"], 1, "{body}");
    assert!(body["licence"]["start_extension_requested_on"].is_null());
    // The second, from the extended deadline.
    app.clock.set(datetime!(2027-05-20 09:00 +8));
    let approver = app.approver().await;
    let (status, _) = act(&approver, &id, json!({"action": "request_start_extension"})).await;
    assert_eq!(status, 200);
    let page = approver
        .get(&format!("/licences/{id}/manage"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("licence-start-grant")
            && page.contains(r#"max="2027-08-24""#)
            && page.contains("1 / 2"),
        "{page}"
    );
    let (status, body) = act(&approver, &id, grant("2027-08-24")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["licence"]["start_extensions_granted"], 2, "{body}");
    // 延期以两次为限.
    let (status, body) = act(&approver, &id, json!({"action": "request_start_extension"})).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(error_code(&body), "start_extensions_exhausted", "{body}");
    assert!(
        body["error"]["message_zh"]
            .as_str()
            .unwrap()
            .contains("第九条"),
        "{body}"
    );
    // The register (the ledger's public view) shows the grants' dates.
    let (_, lic) = app
        .anonymous()
        .get_json(&format!("/api/v1/licences/{id}"))
        .await;
    let granted: Vec<&Value> = lic["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "start_extension_granted")
        .collect();
    assert_eq!(granted.len(), 2, "{lic}");
    assert_eq!(granted[1]["start_by"], "2027-08-24", "{lic}");
    let page = approver
        .get(&format!("/licences/{id}/manage"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("2 / 2") && !page.contains(r#"id="licence-start-extension""#),
        "{page}"
    );
    // The extended deadline is the one the rule reads: nothing past the first two.
    app.clock.set(datetime!(2027-06-01 10:00 +8));
    run(&app.store, datetime!(2027-06-01 10:00 +8))
        .await
        .unwrap();
    assert!(
        !alerts(&app).await.contains(&format!("licence:{id}")),
        "a card on an extended permit"
    );
    assert!(app.replay_findings().await.is_empty());
}

#[tokio::test]
async fn construction_law_art9_a_refused_request_leaves_the_deadline_and_the_permit_lapses_in_words()
 {
    let app = TestApp::spawn_demo().await;
    app.clock.set(datetime!(2026-11-24 09:00 +8));
    let refused = permit(
        &app,
        organisation("济南不予延期建设有限公司", "91370100MA3C0RT1XH"),
    )
    .await;
    let waiting = permit(
        &app,
        organisation("济南待决定建设有限公司", "91370100MA3C0RT4XL"),
    )
    .await;
    app.clock.set(datetime!(2027-02-10 09:00 +8));
    let approver = app.approver().await;
    for id in [&refused, &waiting] {
        let (status, body) = act(&approver, id, json!({"action": "request_start_extension"})).await;
        assert_eq!(status, 200, "{body}");
    }
    let refuse = |reasons: &str| json!({"action": "decide_start_extension", "granted": false, "reasons": reasons});
    let (status, body) = act(&approver, &refused, refuse(" ")).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(error_code(&body), "reasons_missing", "{body}");
    assert!(
        body["error"]["message_zh"]
            .as_str()
            .unwrap()
            .contains("理由"),
        "{body}"
    );
    let (status, body) = act(
        &approver,
        &refused,
        refuse("施工现场尚不具备开工条件的理由不成立"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["licence"]["start_by"], "2027-02-24", "{body}");
    assert_eq!(body["licence"]["start_extension_refused_on"], "2027-02-10");
    // The staff's reasons stay off the public register.
    let (_, lic) = app
        .anonymous()
        .get_json(&format!("/api/v1/licences/{refused}"))
        .await;
    assert!(
        lic["events"]
            .to_string()
            .contains("start_extension_refused")
            && !lic.to_string().contains("理由不成立"),
        "{lic}"
    );
    assert_eq!(lic["start_lapsed"], false, "{lic}");
    // After the deadline: lapsed by law, in words on the licence, its page and the public page.
    app.clock.set(datetime!(2027-02-25 10:00 +8));
    let (_, lic) = app
        .anonymous()
        .get_json(&format!("/api/v1/licences/{refused}"))
        .await;
    assert_eq!(lic["start_lapsed"], true, "{lic}");
    assert!(
        lic["status_zh"].as_str().unwrap().contains("已自行废止"),
        "{lic}"
    );
    let approver = app.approver().await;
    let page = approver
        .get(&format!("/licences/{refused}/manage"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("已自行废止"), "{page}");
    let public = app
        .anonymous()
        .get(&format!("/verify/{refused}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        public.contains("已自行废止") && !public.contains("理由不成立"),
        "{public}"
    );
    // The request still undecided keeps its permit alive past the deadline.
    let (_, lic) = app
        .anonymous()
        .get_json(&format!("/api/v1/licences/{waiting}"))
        .await;
    assert_eq!(lic["start_lapsed"], false, "{lic}");
    run(&app.store, datetime!(2027-02-25 10:00 +8))
        .await
        .unwrap();
    let text = alerts(&app).await;
    assert!(
        text.contains(&format!("licence:{refused}\"")) && text.contains("start_deadline"),
        "{text}"
    );
    assert!(!text.contains(&format!("licence:{waiting}\"")), "{text}");
    // … but left undecided past the bureau's ten working days, it raises its own card.
    assert!(
        text.contains("start_extension_undecided")
            && text.contains(&format!("licence:{waiting}:start-extension:1")),
        "{text}"
    );
    // `rules replay` proves both cards from the log.
    assert!(app.replay_findings().await.is_empty());
    // A start dated after the lapse is refused; the bureau cancels on Art. 70(6).
    let (status, body) = act(
        &approver,
        &refused,
        json!({"action": "record_work_start", "started_on": "2027-02-25", "by_holder": true}),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(error_code(&body), "start_lapsed", "{body}");
    let (status, body) = act(
        &approver,
        &refused,
        json!({"action": "cancel", "reason": "other_statutory"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["licence"]["status"], "cancelled", "{body}");
}

#[tokio::test]
async fn a_malformed_licence_request_is_400_with_its_code_and_a_refusing_state_stays_409() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(datetime!(2026-11-24 09:00 +8));
    let id = permit(
        &app,
        organisation("济南输入校验建设有限公司", "91370100MA3C0RT1XH"),
    )
    .await;
    app.clock.set(datetime!(2026-12-10 09:00 +8));
    let approver = app.approver().await;
    for (body, code) in [
        // A start after today.
        (
            json!({"action": "record_work_start", "started_on": "2026-12-11"}),
            "start_date",
        ),
        // Deception named, with a ground that is not one.
        (
            json!({"action": "revoke", "reason": "以欺骗手段取得许可", "fraud": true,
                   "ground": "abuse_of_power"}),
            "revocation_ground",
        ),
        (
            json!({"action": "revoke", "reason": "  "}),
            "reasons_missing",
        ),
        (
            json!({"action": "withdraw", "reason": ""}),
            "reasons_missing",
        ),
        (json!({"action": "change", "what": ""}), "reasons_missing"),
        // A ground the law does not have does not parse.
        (
            json!({"action": "revoke", "reason": "理由", "ground": "whim"}),
            "invalid_body",
        ),
    ] {
        let (status, answer) = act(&approver, &id, body.clone()).await;
        assert_eq!(
            (status, error_code(&answer)),
            (400, code),
            "{body}: {answer}"
        );
        let zh = answer["error"]["message_zh"].as_str().unwrap_or_default();
        assert!(
            zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{answer}"
        );
    }
    // Nothing of it changed the licence; the same well-formed revocation then succeeds once,
    // and again is the licence's state refusing it: 409.
    let revoke =
        json!({"action": "revoke", "reason": "违反法定程序作出", "ground": "procedure_violated"});
    let (status, body) = act(&approver, &id, revoke.clone()).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = act(&approver, &id, revoke).await;
    assert_eq!(
        (status, error_code(&body)),
        (409, "licence_not_valid"),
        "{body}"
    );
}
