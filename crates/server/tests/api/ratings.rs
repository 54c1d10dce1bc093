//! Service ratings (好差评): once per closed case with its query code; a bad rating opens a
//! rectification due in 15 working days, closed by the bureau head; the comment stays private.

use oneseal_testkit::{TestApp, error_code};
use serde_json::{Value, json};

use crate::cases::{applicant, case_ready_for_decision_in, expert_review_item, step};

#[tokio::test]
async fn a_closed_case_is_rated_once_and_a_bad_rating_is_rectified() {
    let app = TestApp::spawn_demo().await;
    let item = expert_review_item(&app).await;
    // The query code as given to the applicant at receipt.
    let (number, code) = case_ready_for_decision_in(&app, "", &item, applicant()).await;
    let anon = app.anonymous();
    let rate = |code: &str, level: &str| json!({"case": number, "code": code, "level": level, "channel": "online", "comment": "窗口人员王某态度差"});
    let r = anon
        .post("/api/v1/public/ratings", &rate(&code, "very_unsatisfied"))
        .await;
    assert_eq!(error_code(&r.json().await.unwrap()), "case_not_closed");
    step(
        &app.approver().await,
        &number,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    step(
        &app.clerk().await,
        &number,
        json!({"action": "deliver", "method": "window"}),
    )
    .await;
    let r = anon
        .post("/api/v1/public/ratings", &rate("WRONG123", "satisfied"))
        .await;
    assert_eq!(r.status(), 404);
    let page = anon
        .get(&format!("/progress?case={number}&code={code}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("服务评价") && page.contains("提交评价"),
        "{page}"
    );
    let r = anon
        .post("/api/v1/public/ratings", &rate(&code, "very_unsatisfied"))
        .await;
    let body: Value = r.json().await.unwrap();
    // Rated Monday 23 November 2026: 15 working days later is Monday 14 December.
    assert_eq!(body["rectification_due"], "2026-12-14", "{body}");
    let idx = body["ledger_index"].as_u64().unwrap();
    let r = anon
        .post("/api/v1/public/ratings", &rate(&code, "satisfied"))
        .await;
    assert_eq!(error_code(&r.json().await.unwrap()), "already_rated");
    let page = anon
        .get(&format!("/progress?case={number}&code={code}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("已评价") && !page.contains("提交评价"),
        "{page}"
    );
    // The public ledger entry has the level, never the comment (served once published).
    app.checkpoint().await;
    let (_, entry) = anon
        .get_json(&format!("/api/v1/log/370100/entries/{idx}"))
        .await;
    let text = entry.to_string();
    assert!(
        text.contains("very_unsatisfied") && !text.contains("王某"),
        "{text}"
    );

    let head = app.head().await;
    let (_, list) = head.get_json("/api/v1/ratings").await;
    assert_eq!(list["ratings"][0]["rectification_status"], "open", "{list}");
    assert!(
        !list.to_string().contains("王某"),
        "comments are not listed"
    );
    let (_, dash) = head.get_json("/api/v1/dashboard").await;
    assert_eq!(
        (
            dash["rectifications_open"].as_u64(),
            dash["ratings"][4][1].as_u64()
        ),
        (Some(1), Some(1)),
        "{dash}"
    );
    let path = format!("/api/v1/ratings/{number}/rectify");
    let r = head.post(&path, &json!({"explanation": "好"})).await;
    assert_eq!(r.status(), 400);
    let r = app
        .clerk()
        .await
        .post(&path, &json!({"explanation": "已约谈窗口人员"}))
        .await;
    assert_eq!(r.status(), 403);
    let r = head
        .post(&path, &json!({"explanation": "已约谈窗口人员并回访申请人"}))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        head.post(&path, &json!({"explanation": "再次整改完成"}))
            .await
            .status(),
        409
    );
    let page = head.get("/ratings").await.text().await.unwrap();
    assert!(
        page.contains("非常不满意") && page.contains("已整改"),
        "{page}"
    );
}
