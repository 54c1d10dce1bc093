//! Issue #21 over HTTP: the item's own law decides extensions (Art. 42), the catalog shows each
//! setting with its source, and grants are public on a searchable, paged register (Art. 40).

use oneseal_domain::catalog::UnifiedSocialCreditCode;
use oneseal_testkit::{TestApp, error_code};
use serde_json::{Value, json};

use crate::cases::{case_ready_for_decision_by, step};

/// 建筑工程施工许可 in the embedded catalog.
const CONSTRUCTION_PERMIT: &str = "990100011000";
/// 食品经营许可: the general rules.
const FOOD: &str = "990100001000";

fn organisation(name: &str, serial: &str) -> Value {
    let uscc =
        UnifiedSocialCreditCode::with_check_character(&format!("91370100MA3C0{serial}")).unwrap();
    json!({"type": "organisation", "name": name, "uscc": uscc.as_str(), "contact_phone": "13812345678"})
}

async fn offered_kinds(actor: &oneseal_testkit::Actor, number: &str) -> Vec<String> {
    let (_, case) = actor.get_json(&format!("/api/v1/cases/{number}")).await;
    case["allowed_actions"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| x["action"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn art42_the_head_is_refused_an_extension_of_the_construction_permit() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(time::macros::datetime!(2026-09-07 09:00 +8));
    let number = case_ready_for_decision_by(
        &app,
        CONSTRUCTION_PERMIT,
        organisation("济南泉城建设发展有限公司", "RT1X"),
    )
    .await;
    let head = app.head().await;
    assert!(
        !offered_kinds(&head, &number)
            .await
            .contains(&"extend".to_owned())
    );
    let r = head
        .post(
            &format!("/api/v1/cases/{number}/actions"),
            &json!({"action": "extend", "authority": {"head": "bureau_head"}, "working_days": 1,
                    "reason": "情况复杂", "applicant_notified_on": "2026-09-07"}),
        )
        .await;
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "extension_not_allowed", "{body}");
    assert!(body.to_string().contains("建筑法"), "{body}");
    // The case page says why: the item's own law, and that it counts from receipt.
    let page = head
        .get(&format!("/cases/{number}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("不得延长") && page.contains("《中华人民共和国建筑法》第八条"));
    assert!(page.contains("自收到申请之日起计算"));

    // Compliant: a general item offers the head 10 working days, citing Art. 42.
    let food =
        case_ready_for_decision_by(&app, FOOD, organisation("济南示例食品有限公司", "RT2X")).await;
    let (_, case) = head.get_json(&format!("/api/v1/cases/{food}")).await;
    let extend = case["allowed_actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == "extend")
        .cloned()
        .unwrap();
    assert_eq!(extend["max_working_days"], 10);
    assert_eq!(extend["allowance_source"], "《行政许可法》第四十二条");
    let page = head
        .get(&format!("/cases/{food}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("可延长10个工作日"),
        "the head's form states the allowance"
    );
}

#[tokio::test]
async fn art42_the_catalog_shows_each_legal_setting_with_its_source() {
    let app = TestApp::spawn_demo().await;
    let clerk = app.clerk().await;
    let (status, item) = clerk
        .get_json(&format!("/api/v1/catalog/items/{CONSTRUCTION_PERMIT}"))
        .await;
    assert_eq!(status, 200);
    let legal = &item["item"]["legal"];
    assert_eq!(legal["extension"]["value"]["working_days"], 0, "{item}");
    assert_eq!(
        legal["extension"]["source"],
        "《中华人民共和国建筑法》第八条"
    );
    assert_eq!(legal["clock_start"]["value"], "receipt");
    let page = clerk
        .get(&format!("/catalog/{CONSTRUCTION_PERMIT}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"legal-settings\"") && page.contains("特别法另有规定"));
    assert!(page.contains("《中华人民共和国建筑法》第八条"));
    let food = clerk
        .get(&format!("/catalog/{FOOD}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(food.contains("《行政许可法》第四十二条") && !food.contains("按行政许可法的一般规定"));
}

#[tokio::test]
async fn art40_the_public_register_lists_grants_to_organisations_searchable_and_paged() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(time::macros::datetime!(2026-09-07 09:00 +8));
    let holders = [
        ("济南甲食品有限公司", "RT3X"),
        ("济南乙食品有限公司", "RT4X"),
        ("济南丙建设有限公司", "RT5X"),
    ];
    let mut numbers = Vec::new();
    for (name, serial) in holders {
        numbers.push(case_ready_for_decision_by(&app, FOOD, organisation(name, serial)).await);
    }
    let person = json!({"type": "natural_person", "name": "王小明", "id_number": "11010519491231002X", "phone": "13912345678"});
    numbers.push(case_ready_for_decision_by(&app, FOOD, person).await);
    let approver = app.approver().await;
    for n in &numbers {
        step(
            &approver,
            n,
            json!({"action": "decide", "decision": {"outcome": "approve"}}),
        )
        .await;
    }
    let public = app.anonymous();
    let (status, all) = public.get_json("/api/v1/public/licences").await;
    assert_eq!(status, 200, "{all}");
    let rows = all["licences"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "organisations only: {all}");
    let text = all.to_string();
    assert!(
        !text.contains("王小明") && !text.contains("个人申请人"),
        "{text}"
    );
    for r in rows {
        assert_eq!(r["status"], "valid");
        assert_eq!(r["granted_on"], "2026-09-07");
        // Dates as people read them, the food licence's five-year term from its law.
        assert_eq!(r["valid_until"], "2031-09-07", "{r}");
        assert_eq!(r["item_name"], "食品经营许可");
    }
    // Paged: two pages of two and one, no row twice, the way back.
    let (_, first) = public.get_json("/api/v1/public/licences?limit=2").await;
    let next = first["next_cursor"].as_str().unwrap();
    let (_, second) = public
        .get_json(&format!("/api/v1/public/licences?limit=2&cursor={next}"))
        .await;
    let ids = |v: &Value| -> Vec<String> {
        v["licences"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["licence_id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(&first).len(), 2);
    assert_eq!(ids(&second).len(), 1);
    assert!(ids(&second).iter().all(|i| !ids(&first).contains(i)));
    assert!(second["next_cursor"].is_null());
    let prev = second["prev_cursor"].as_str().unwrap();
    let (_, back) = public
        .get_json(&format!("/api/v1/public/licences?limit=2&cursor={prev}"))
        .await;
    assert_eq!(ids(&back), ids(&first));
    // Searchable: by holder, literally.
    let (_, found) = public
        .get_json("/api/v1/public/licences?q=%E4%B8%99%E5%BB%BA%E8%AE%BE")
        .await;
    assert_eq!(ids(&found).len(), 1, "{found}");
    assert_eq!(found["licences"][0]["holder"], "济南丙建设有限公司");
    let (_, none) = public.get_json("/api/v1/public/licences?q=50%25").await;
    assert_eq!(ids(&none).len(), 0);
    // Typed refusals.
    let (status, bad) = public.get_json("/api/v1/public/licences?cursor=xyz").await;
    assert_eq!((status, error_code(&bad)), (400, "bad_cursor"));
    let long = "食".repeat(101);
    let (status, bad) = public
        .get_json(&format!("/api/v1/public/licences?q={long}"))
        .await;
    assert_eq!((status, error_code(&bad)), (400, "bad_filter"));
    // The page, and one licence's dates.
    let page = public
        .get("/licences?q=%E7%94%B2")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("济南甲食品有限公司") && !page.contains("济南乙食品有限公司"));
    let id = &ids(&found)[0];
    let (_, one) = public.get_json(&format!("/api/v1/licences/{id}")).await;
    assert_eq!(one["licence"]["valid_until"], "2031-09-07", "{one}");
    assert_eq!(one["events"][0]["valid_from"], "2026-09-07", "{one}");
}
