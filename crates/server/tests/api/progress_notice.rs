//! The public progress page names the materials a one-time notice asks for (issue #19 item 8):
//! those ticked from the item's published checklist, in plain words; what staff typed (a
//! material written by hand, the note) stays on the notice itself.

use oneseal_testkit::TestApp;
use serde_json::{Value, json};

use crate::cases::{applicant, step};

const FOOD: &str = "990100001000";
const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

#[tokio::test]
async fn the_progress_page_names_the_ticked_materials_and_not_the_typed_words() {
    let app = TestApp::spawn_demo().await;
    let (_, guide) = app
        .anonymous()
        .get_json(&format!("/api/v1/public/items/{FOOD}"))
        .await;
    let listed = guide["materials"][1]["name"].as_str().unwrap().to_owned();
    let clerk = app.clerk().await;
    let created: Value = clerk
        .post(
            "/api/v1/cases",
            &json!({"item_code": FOOD, "channel": "window", "applicant": applicant(), "materials": []}),
        )
        .await
        .json()
        .await
        .unwrap();
    let number = created["case_number"].as_str().unwrap().to_owned();
    let code = created["query_code"].as_str().unwrap().to_owned();
    let progress = format!("/progress?case={number}&code={code}");
    let before = app.anonymous().get(&progress).await.text().await.unwrap();
    assert!(!before.contains("missing-materials"), "no notice yet");

    step(
        &clerk,
        &number,
        json!({"action": "one_time_notice", "items": [
            {"material": listed, "problem": "incorrect", "detail": "欧阳补正说明 13812345678"},
            {"material": "上官手写材料", "problem": "missing", "detail": "请补交"},
        ]}),
    )
    .await;
    let page = app.anonymous().get(&progress).await.text().await.unwrap();
    assert!(page.contains("id=\"missing-materials\""), "{page}");
    assert!(
        page.contains(&format!(
            "<strong>{listed}</strong>：不符合要求，请更正后重新提交"
        )),
        "{page}"
    );
    assert!(page.contains("另有其他需补正的内容"), "{page}");
    for typed in ["欧阳", "13812345678", "上官手写材料"] {
        assert!(!page.contains(typed), "{typed} on the public page");
    }

    // Once the supplement arrives, the list is gone.
    step(
        &clerk,
        &number,
        json!({"action": "supplement", "materials": [{"name": listed, "sha256": SHA}]}),
    )
    .await;
    let after = app.anonymous().get(&progress).await.text().await.unwrap();
    assert!(!after.contains("missing-materials"), "{after}");
}
