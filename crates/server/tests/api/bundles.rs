//! Issue #20 item 2 over HTTP: "one thing" bundles (一件事一次办, GB/T 45836—2025) — the public
//! list and guides, one application at the window opening one linked case per item (each with
//! its own clock and seal, the link on the ledger), the application's overall status, the
//! refusal rule, and the statistics per bundle.

use oneseal_testkit::{Actor, TestApp, error_code};
use serde_json::{Value, json};

use crate::cases::{applicant, step};

const CITY: &str = "370100";
const RESTAURANT: &str = "open-restaurant";
const SCHOOL: &str = "open-private-school";
const FOOD: &str = "990100001000";
const SEWAGE: &str = "990100016000";
const SIGN: &str = "990100021000";
const SHA1: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const SHA2: &str = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752";
const SHA3: &str = "fd61a03af4f77d870fc21e05e7e80678095c92d808cfb3b5c279ee04c74aca13";

async fn apply(clerk: &Actor, code: &str, body: &Value, key: Option<&str>) -> (u16, Value, bool) {
    let mut r = clerk
        .request(
            reqwest::Method::POST,
            &format!("/api/v1/bundles/{code}/cases"),
        )
        .json(body);
    if let Some(k) = key {
        r = r.header("Idempotency-Key", k);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    let replayed = r.headers().get("idempotent-replayed").is_some();
    (status, r.json().await.unwrap_or(Value::Null), replayed)
}

fn restaurant_body() -> Value {
    json!({"channel": "window", "applicant": applicant(), "materials": [
        {"name": "营业执照", "sha256": SHA1},
        {"name": "食品经营许可申请书", "sha256": SHA2},
        {"name": "户外广告设置申请书", "sha256": SHA3},
    ]})
}

fn numbers(answer: &Value) -> Vec<String> {
    answer["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["case_number"].as_str().unwrap().to_owned())
        .collect()
}

async fn ready(app: &TestApp, number: &str) {
    step(&app.clerk().await, number, json!({"action": "accept"})).await;
    for r in ["REVIEW", "REVIEW2"] {
        let reviewer = app.sign_in(r).await;
        step(&reviewer, number, json!({"action": "review", "step": "review", "opinion": "符合条件", "substantive": true})).await;
    }
}

fn approval() -> Value {
    json!({"action": "decide", "decision": {"outcome": "approve"}})
}

fn refusal() -> Value {
    json!({"action": "decide", "decision": {"outcome": "refuse", "reasons": ["办学场所不符合设置标准"],
        "remedies": {"reconsideration": "济南市人民政府", "litigation": "济南市中级人民法院"}}})
}

async fn application(app: &TestApp, number: &str) -> Value {
    let (status, v) = app
        .clerk()
        .await
        .get_json(&format!("/api/v1/bundles/applications/{number}"))
        .await;
    assert_eq!(status, 200, "{v}");
    v
}

#[tokio::test]
async fn the_public_list_and_guides_show_the_demo_bundles_with_shared_materials_once() {
    let app = TestApp::spawn_demo().await;
    let anon = app.anonymous();
    let (status, list) = anon.get_json("/api/v1/public/bundles").await;
    assert_eq!(status, 200, "{list}");
    let bundles = list["bundles"].as_array().unwrap();
    assert!(bundles.len() >= 3, "{list}");
    for b in bundles {
        assert!(b["code"].is_string() && b["name"].is_string(), "{b}");
        assert!(b["items"].as_array().unwrap().len() >= 2, "{b}");
    }
    let restaurant = bundles.iter().find(|b| b["code"] == RESTAURANT).unwrap();
    let codes: Vec<&str> = restaurant["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, [FOOD, SEWAGE, SIGN]);

    let (status, guide) = anon
        .get_json(&format!("/api/v1/public/bundles/{RESTAURANT}"))
        .await;
    assert_eq!(status, 200, "{guide}");
    let licence: Vec<&Value> = guide["materials"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["name"] == "营业执照")
        .collect();
    assert_eq!(licence.len(), 1, "the business licence is listed once");
    assert_eq!(licence[0]["shared"], true);
    assert_eq!(
        guide["materials_separately"].as_u64().unwrap(),
        guide["materials"].as_array().unwrap().len() as u64 + 1
    );
    let (status, body) = anon.get_json("/api/v1/public/bundles/no-such-bundle").await;
    assert_eq!(status, 404, "{body}");

    let page = anon
        .get(&format!("/guide/bundles/{RESTAURANT}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("我要开餐馆") && page.contains("共享"),
        "{page}"
    );
    let home = anon.get("/").await.text().await.unwrap();
    assert!(
        home.contains(&format!("/guide/bundles/{RESTAURANT}")),
        "the public home lists the bundles"
    );
}

#[tokio::test]
async fn one_application_opens_one_linked_case_per_item_each_with_its_own_clock_and_seal() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(time::macros::datetime!(2026-09-07 09:00 +8));
    let clerk = app.clerk().await;
    let (status, answer, replayed) = apply(&clerk, RESTAURANT, &restaurant_body(), None).await;
    assert_eq!(status, 200, "{answer}");
    assert!(!replayed);
    let cases = numbers(&answer);
    assert_eq!(cases.len(), 3, "{answer}");
    assert_eq!(answer["application"], cases[0].as_str());
    let code = answer["query_code"].as_str().unwrap().to_owned();

    // The materials given once went to every item that lists them.
    let mut materials = Vec::new();
    for n in &cases {
        let (_, case) = clerk.get_json(&format!("/api/v1/cases/{n}")).await;
        let received = &case["events"][0];
        let names: Vec<String> = serde_json::to_string(received)
            .map(|s| {
                ["营业执照", "食品经营许可申请书", "户外广告设置申请书"]
                    .iter()
                    .filter(|m| s.contains(*m))
                    .map(|m| (*m).to_owned())
                    .collect()
            })
            .unwrap();
        materials.push(names);
    }
    assert_eq!(
        materials,
        [
            vec!["营业执照".to_owned(), "食品经营许可申请书".to_owned()],
            vec!["营业执照".to_owned()],
            vec!["户外广告设置申请书".to_owned()],
        ]
    );

    // The link is on the public ledger, in each receipt.
    app.checkpoint_and_cosign().await;
    let anon = app.anonymous();
    for (k, c) in answer["cases"].as_array().unwrap().iter().enumerate() {
        let index = c["ledger_index"].as_u64().unwrap();
        let (status, entry) = anon
            .get_json(&format!("/api/v1/log/{CITY}/entries/{index}"))
            .await;
        assert_eq!(status, 200, "{entry}");
        let link = &entry["public"]["bundle"];
        assert_eq!(link["code"], RESTAURANT, "{entry}");
        assert_eq!(link["application"], cases[0].as_str());
        assert_eq!(link["position"], k as u64 + 1);
        assert_eq!(link["of"], 3);
        assert_eq!(link["blocks"], false);
    }

    let view = application(&app, &cases[1]).await;
    assert_eq!(view["status"], "in_progress");
    assert_eq!(view["application"], cases[0].as_str());
    assert_eq!(view["promised_working_days"], 10);
    assert!(view["promised_due"].is_string(), "{view}");

    // Each case is decided on its own, each sealed with its own licence.
    let approver = app.approver().await;
    let mut licences = Vec::new();
    for n in &cases {
        ready(&app, n).await;
        let decided = step(&approver, n, approval()).await;
        licences.push(decided["sealed"]["license_id"].as_str().unwrap().to_owned());
    }
    licences.sort();
    licences.dedup();
    assert_eq!(licences.len(), 3);
    let view = application(&app, &cases[0]).await;
    assert_eq!(view["status"], "completed", "{view}");

    // The applicant's progress shows the cases together with the overall status.
    let page = anon
        .get(&format!("/progress?case={}&code={code}", cases[2]))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("bundle-progress") && page.contains("全部办结（准予）"));
    for n in &cases {
        assert!(page.contains(n.as_str()));
    }

    // Statistics per bundle.
    let (status, stats) = app
        .sign_in("HEAD")
        .await
        .get_json("/api/v1/bundles/stats")
        .await;
    assert_eq!(status, 200, "{stats}");
    let s = stats["bundles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == RESTAURANT)
        .unwrap();
    assert_eq!(
        (
            &s["applications"],
            &s["cases"],
            &s["completed"],
            &s["granted_cases"]
        ),
        (&json!(1), &json!(3), &json!(1), &json!(3))
    );
    let page = clerk.get("/bundles").await.text().await.unwrap();
    assert!(page.contains(&cases[0]) && page.contains("全部办结（准予）"));
}

#[tokio::test]
async fn the_same_key_answers_the_first_application_and_registers_nothing_more() {
    let app = TestApp::spawn_demo().await;
    let clerk = app.clerk().await;
    let (s1, first, r1) = apply(&clerk, RESTAURANT, &restaurant_body(), Some("bundle-key-1")).await;
    let (s2, second, r2) =
        apply(&clerk, RESTAURANT, &restaurant_body(), Some("bundle-key-1")).await;
    assert_eq!((s1, s2, r1, r2), (200, 200, false, true), "{second}");
    assert_eq!(first, second);
    let mut other = restaurant_body();
    other["materials"] = json!([{"name": "营业执照", "sha256": SHA2}]);
    let (status, body, _) = apply(&clerk, RESTAURANT, &other, Some("bundle-key-1")).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(error_code(&body), "idempotency_key_reused");
    let (_, list) = clerk.get_json("/api/v1/cases?include_closed=true").await;
    let ours = list["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| numbers(&first).contains(&c["case_number"].as_str().unwrap().to_owned()))
        .count();
    assert_eq!(ours, 3);
}

#[tokio::test]
async fn a_material_no_item_lists_is_refused_and_nothing_is_registered() {
    let app = TestApp::spawn_demo().await;
    let clerk = app.clerk().await;
    let mut body = restaurant_body();
    body["materials"] = json!([
        {"name": "营业执照", "sha256": SHA1},
        {"name": "不相干的材料", "sha256": SHA2},
    ]);
    let (status, answer, _) = apply(&clerk, RESTAURANT, &body, None).await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(error_code(&answer), "not_in_bundle");
    assert_eq!(answer["error"]["field"], "materials[1].name", "{answer}");
    let (status, answer, _) = apply(&clerk, "no-such-bundle", &restaurant_body(), None).await;
    assert_eq!(status, 404, "{answer}");
    // Only the window clerk applies.
    let (status, _, _) = apply(&app.approver().await, RESTAURANT, &restaurant_body(), None).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn one_refused_item_does_not_block_the_others_unless_the_bundle_says_so() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(time::macros::datetime!(2026-09-07 09:00 +8));
    let clerk = app.clerk().await;
    let approver = app.approver().await;

    // A restaurant: the refused sign leaves the food licence grantable.
    let (_, answer, _) = apply(&clerk, RESTAURANT, &restaurant_body(), None).await;
    let cases = numbers(&answer);
    for n in &cases {
        ready(&app, n).await;
    }
    step(&approver, &cases[2], refusal()).await;
    step(&approver, &cases[0], approval()).await;
    assert_eq!(application(&app, &cases[0]).await["status"], "in_progress");
    step(&approver, &cases[1], approval()).await;
    assert_eq!(
        application(&app, &cases[0]).await["status"],
        "partly_granted"
    );

    // A private school: without the approval, the registration may not be granted.
    let body = json!({"channel": "window", "applicant": applicant(), "materials": [
        {"name": "筹设或设立申请报告", "sha256": SHA1}, {"name": "登记申请书", "sha256": SHA2}]});
    let (status, answer, _) = apply(&clerk, SCHOOL, &body, None).await;
    assert_eq!(status, 200, "{answer}");
    let school = numbers(&answer);
    for n in &school {
        ready(&app, n).await;
    }
    step(&approver, &school[0], refusal()).await;
    let r = approver
        .post(&format!("/api/v1/cases/{}/actions", school[1]), &approval())
        .await;
    assert_eq!(r.status(), 409);
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "bundle_blocked", "{body}");
    let view = application(&app, &school[1]).await;
    assert_eq!(view["status"], "blocked", "{view}");
    assert_eq!(
        view["cases"][1]["status"], 8,
        "nothing was recorded: {view}"
    );
    // A refusal of the blocked item is still possible.
    step(&approver, &school[1], refusal()).await;
    let (_, stats) = app
        .sign_in("HEAD")
        .await
        .get_json("/api/v1/bundles/stats")
        .await;
    let s = stats["bundles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == SCHOOL)
        .unwrap();
    assert_eq!((&s["blocked"], &s["refused_cases"]), (&json!(1), &json!(2)));
}

#[tokio::test]
async fn the_combined_form_at_the_window_lists_each_material_once() {
    let app = TestApp::spawn_demo().await;
    let clerk = app.clerk().await;
    let page = clerk
        .get(&format!("/bundles/{RESTAURANT}/apply"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(page.matches("name=\"file-").count(), 9, "{page}");
    assert_eq!(page.matches(">营业执照").count(), 1);
    let list = clerk.get("/bundles").await.text().await.unwrap();
    assert!(list.contains(&format!("/bundles/{RESTAURANT}/apply")));
    // A reviewer sees the list, not the form.
    let reviewer = app.sign_in("REVIEW").await;
    let list = reviewer.get("/bundles").await.text().await.unwrap();
    assert!(list.contains("我要开餐馆") && !list.contains("/apply"));
    assert_eq!(
        reviewer
            .get(&format!("/bundles/{RESTAURANT}/apply"))
            .await
            .status(),
        403
    );
}
