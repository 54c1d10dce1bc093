//! The public log explorer (`/ledger`) and statistics (`/stats`): open to anyone, showing the
//! published checkpoint, the witnesses, the entries and the counts, and never personal data.

use oneseal_ledger::checkpoint::Checkpoint;
use oneseal_ledger::hash::hash_to_base64;
use oneseal_ledger::note::Note;
use oneseal_testkit::{Actor, TestApp};
use serde_json::{Value, json};
use time::Duration;

use crate::cases::{expert_review_item, step};

const NAME: &str = "王小明";
const ID_NUMBER: &str = "11010519491231002X";
const PHONE: &str = "13912345678";

/// Registers a case for a natural person (name, ID number and phone are personal data).
async fn register(app: &TestApp, item: &str) -> String {
    let person =
        json!({"type": "natural_person", "name": NAME, "id_number": ID_NUMBER, "phone": PHONE});
    let created: Value = app
        .clerk()
        .await
        .post(
            "/api/v1/cases",
            &json!({"item_code": item, "channel": "online", "applicant": person}),
        )
        .await
        .json()
        .await
        .unwrap();
    created["case_number"].as_str().unwrap().to_owned()
}

async fn page(actor: &Actor, path: &str) -> String {
    let r = actor.get(path).await;
    assert_eq!(r.status(), 200, "GET {path}");
    r.text().await.unwrap()
}

fn assert_no_personal_data(page: &str) {
    for secret in [NAME, ID_NUMBER, PHONE] {
        assert!(!page.contains(secret), "{secret} on a public page");
    }
}

#[tokio::test]
async fn the_log_explorer_shows_the_cosigned_checkpoint_its_witnesses_and_the_entries() {
    let app = TestApp::spawn_demo_witnessed().await;
    let item = expert_review_item(&app).await;
    let number = register(&app, &item).await;
    let cosigned = app.checkpoint_and_cosign().await;
    assert!(
        cosigned.iter().any(|(log, n)| log == "370100" && *n >= 2),
        "{cosigned:?}"
    );
    // One more entry after the checkpoint: counted, but not listed until published.
    register(&app, &item).await;

    let anon = app.anonymous();
    let note = anon
        .get("/log/370100/checkpoint")
        .await
        .text()
        .await
        .unwrap();
    let note = Note::parse(note.as_bytes()).unwrap();
    let cp = Checkpoint::parse_text(note.text()).unwrap();
    let html = page(&anon, "/ledger").await;
    assert!(html.contains("最新检查点"), "{html}");
    assert!(
        html.contains(&format!("<strong class=\"cp-size\">{}</strong>", cp.size())),
        "the page shows the published size {}",
        cp.size()
    );
    assert!(html.contains(&hash_to_base64(cp.root())), "the root hash");
    assert!(html.contains("已达见证法定数"), "cosigned to the quorum");
    for w in &app.witnesses {
        let row = html
            .split(&format!("<td>{}</td>", w.label))
            .nth(1)
            .unwrap_or_else(|| panic!("witness {} is listed", w.label));
        let row = row.split("</tr>").next().unwrap();
        assert!(
            row.contains(&w.name) && row.contains(":"),
            "{} shows its key name and a cosignature time: {row}",
            w.label
        );
    }
    // The newest entry first, with its links; the case is named by number only.
    let last = cp.size() - 1;
    assert!(html.contains(&format!("case={number}")), "{html}");
    assert!(html.contains(&format!("href=\"/api/v1/log/370100/entries/{last}\"")));
    assert!(html.contains(&format!("href=\"/api/v1/log/370100/receipt/{last}\"")));
    assert!(html.contains(&format!("class=\"verify-entry\" data-index=\"{last}\"")));
    assert!(
        html.contains("尚未纳入已发布检查点的新条目"),
        "the entry after the checkpoint is counted"
    );
    assert!(!html.contains(&format!("data-index=\"{}\"", cp.size())));
    assert!(!html.contains("data-tamper"));
    assert_no_personal_data(&html);

    // A county's log, the demonstration flag, paging back, and an unknown log.
    let county = page(&anon, "/ledger?j=370114").await;
    assert!(county.contains("data-log=\"370114\""), "{county}");
    let tamper = page(&anon, "/ledger?tamper=1").await;
    assert!(tamper.contains("data-tamper=\"1\"") && tamper.contains("演示模式"));
    let older = page(&anon, "/ledger?before=5").await;
    assert!(older.contains("data-index=\"4\"") && !older.contains("data-index=\"5\""));
    assert_eq!(anon.get("/ledger?j=999999").await.status(), 404);
}

#[tokio::test]
async fn the_statistics_page_counts_cases_per_item_and_department_without_personal_data() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(time::macros::datetime!(2026-09-07 09:00 +8));
    let item = expert_review_item(&app).await;
    let decided = register(&app, &item).await;
    register(&app, &item).await;
    let clerk = app.clerk().await;
    step(&clerk, &decided, json!({"action": "accept"})).await;
    // Seen before the decision: the figures are kept until the log grows, then recomputed.
    let before = page(&app.anonymous(), "/stats").await;
    assert!(
        before.contains("<td class=\"decided\">0</td>"),
        "nothing decided yet: {before}"
    );
    // Accepted on Monday 7 September, decided on Thursday the 10th: three working days.
    app.clock.advance(Duration::days(3));
    let reviewer = app.reviewer().await;
    step(&reviewer, &decided, json!({"action": "review", "step": "initial_review", "opinion": "材料齐全", "substantive": true})).await;
    let reviewer2 = app.sign_in("REVIEW2").await;
    step(
        &reviewer2,
        &decided,
        json!({"action": "review", "step": "review", "opinion": "符合条件", "substantive": true}),
    )
    .await;
    let approver = app.approver().await;
    step(
        &approver,
        &decided,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;

    let anon = app.anonymous();
    let html = page(&anon, "/stats").await;
    let row = html
        .split(&format!("<tr data-item=\"{item}\">"))
        .nth(1)
        .unwrap_or_else(|| panic!("a row for {item}: {html}"));
    let row = row.split("</tr>").next().unwrap();
    for cell in [
        "<td class=\"received\">2</td>",
        "<td class=\"decided\">1</td>",
        "<td class=\"average\">3.0</td>",
        "<td class=\"on-time\">100.0%</td>",
    ] {
        assert!(row.contains(cell), "{cell} in {row}");
    }
    assert!(row.contains("工作日"), "the statutory limit: {row}");
    let (_, item_json) = app
        .clerk()
        .await
        .get_json(&format!("/api/v1/catalog/items/{item}"))
        .await;
    let department = item_json["item"]["original_department"].as_str().unwrap();
    let (_, depts) = app
        .clerk()
        .await
        .get_json("/api/v1/departments?jurisdiction=370100")
        .await;
    let dept_name = depts
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == department)
        .map(|d| d["name_zh"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("department {department} in {depts}"));
    assert!(row.contains(&dept_name), "{dept_name} in {row}");
    assert!(
        html.contains("id=\"stats-departments\"")
            && html.contains(&format!("<td>{dept_name}</td>"))
    );
    assert!(
        html.contains("<dd class=\"total-received\">2</dd>"),
        "{html}"
    );
    assert!(
        !html.contains(&decided),
        "no case numbers on the statistics page"
    );
    assert_no_personal_data(&html);

    // A county with no cases, and a jurisdiction that does not exist.
    let county = page(&anon, "/stats?j=370114").await;
    assert!(county.contains("暂无办件"));
    assert_eq!(anon.get("/stats?j=999999").await.status(), 404);
}
