//! Free text in the permanent public log (issue #15, item 4): what staff and departments type —
//! a licence change's `what`, a withdrawal's reason, a penalty's `decision_ref`, a policy
//! change's law and articles — and the ids a department sends for things that do not exist may
//! hold personal data. None of it may reach a public ledger entry; it stays in the private body
//! behind the salted commitment, and the log still verifies.

use oneseal_testkit::{TestApp, error_code};
use serde_json::{Value, json};

use crate::cases::approved_and_cosigned_licence;
use crate::privacy::{Seen, id_number, scan_ledger};

const NAME: &str = "诸葛密录";
const PHONE: &str = "13812349876";

fn secrets() -> Vec<String> {
    vec![NAME.into(), PHONE.into(), id_number("11010519491231002")]
}

/// Recognisable personal data, as a careless clerk or department would type it.
fn pii() -> String {
    format!(
        "{NAME}（身份证{}，电话{PHONE}）",
        id_number("11010519491231002")
    )
}

#[tokio::test]
async fn attacks_free_text_and_unknown_ids_never_reach_the_public_log() {
    let app = TestApp::spawn_demo_witnessed().await;
    let licence = approved_and_cosigned_licence(&app).await;
    let approver = app.approver().await;
    let fg = app
        .department_token("FG", &["claim_push", "view_pushes", "submit_feedback"])
        .await;
    let id = id_number("11010519491231002");

    let r = approver
        .post(
            &format!("/api/v1/licences/{licence}/actions"),
            &json!({"action": "change", "what": pii()}),
        )
        .await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    for body in [
        json!({"type": "penalty", "licence_id": licence, "decision_ref": pii(), "summary": pii(), "revokes": false}),
        json!({"type": "policy_change", "law": format!("《{NAME}{PHONE}条例》"), "articles": [id.clone()], "summary": pii(), "effective_on": "2026-12-01"}),
        json!({"type": "violation_notice", "subject": pii(), "summary": pii()}),
    ] {
        let r = fg
            .post(
                "/api/v1/linkage/feedback",
                &json!({"external_ref": format!("R-{}", body["type"]), "body": body}),
            )
            .await;
        assert_eq!(r.status(), 200, "{:?}", r.text().await);
    }
    // Refused attempts on ids that do not exist, carrying the data in the id itself.
    let r = fg
        .post(
            &format!("/api/v1/linkage/pushes/{id}{PHONE}/claim"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), 404);
    let r = fg
        .post(
            "/api/v1/linkage/feedback",
            &json!({"external_ref": "R-x", "body": {"type": "supervision_record", "licence_id": pii(),
                    "inspected_on": "2026-11-30", "result": "compliant", "summary": "检查"}}),
        )
        .await;
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "unknown_licence", "{body}");
    let r = approver
        .post(
            &format!("/api/v1/licences/{licence}/actions"),
            &json!({"action": "withdraw", "reason": pii()}),
        )
        .await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);

    app.checkpoint_and_cosign().await;
    let mut seen = Seen {
        surfaces: Vec::new(),
    };
    scan_ledger(&app, &mut seen).await;
    seen.get(&app.anonymous(), &format!("/api/v1/licences/{licence}"))
        .await;
    seen.assert_free_of(&secrets());
    let refused: Vec<&(String, String)> = seen
        .surfaces
        .iter()
        .filter(|(_, t)| t.contains("linkage.attempt_refused"))
        .collect();
    assert!(
        refused
            .iter()
            .any(|(_, t)| t.contains("push:unknown:len=29:sha256="))
            && refused
                .iter()
                .any(|(_, t)| t.contains("licence:unknown:len=")),
        "the refused attempts are recorded, by length and salted hash: {refused:?}"
    );

    // The text went in: the bureau reads it, the private bodies still open, the tables replay.
    let (_, feedback) = app.head().await.get_json("/api/v1/linkage/feedback").await;
    assert!(feedback.to_string().contains(PHONE), "{feedback}");
    app.assert_consistent();
}
