//! Issue #19 (items 1, 2, 8): the public portal at `/`, the service guides (`/guide`,
//! `/guide/{code}`, `GET /api/v1/public/items[/{code}]`), and the plain-words public pages.

use oneseal_testkit::{TestApp, error_code};
use serde_json::{Value, json};

use crate::cases::{applicant, case_ready_for_decision_in};

const FOOD: &str = "990100001000";
/// Demo staff names: none may reach a public page.
const STAFF_NAMES: [&str; 4] = ["林晓窗", "周审安", "郑批文", "陈局衡"];

fn codes(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_public_lands_on_the_portal_and_staff_on_their_desk() {
    let app = TestApp::spawn_demo().await;
    let r = app.anonymous().get("/").await;
    assert_eq!(r.status(), 200);
    let home = r.text().await.unwrap();
    for part in [
        "action=\"/guide\"",
        "href=\"/guide\"",
        ">办事指南<",
        "href=\"/progress\"",
        "action=\"/verify\"",
        "href=\"/stats\"",
        "href=\"/licences\"",
        "href=\"/login\"",
        "工作人员登录",
        "12345",
    ] {
        assert!(home.contains(part), "{part} missing from the portal");
    }
    assert!(STAFF_NAMES.iter().all(|n| !home.contains(n)));
    let clerk = app.clerk().await;
    let desk = clerk.get("/").await.text().await.unwrap();
    assert!(desk.contains("工作台") && !desk.contains("工作人员登录"));
}

#[tokio::test]
async fn popular_items_are_the_most_received_from_the_tallies() {
    let app = TestApp::spawn_demo().await;
    let before = app.anonymous().get("/").await.text().await.unwrap();
    assert!(before.contains("近期暂无收件"), "a fresh demo has no cases");
    for _ in 0..2 {
        case_ready_for_decision_in(&app, "", FOOD, applicant()).await;
    }
    // The home is cached for five minutes (`services::guide::cached`).
    app.clock.advance(time::Duration::minutes(5));
    let home = app.anonymous().get("/").await.text().await.unwrap();
    assert!(
        home.contains(&format!("href=\"/guide/{FOOD}\">食品经营许可</a>")),
        "{home}"
    );
    assert!(home.contains("近90天收件 2"), "{home}");
    // Nothing about the applicant reaches the portal.
    assert!(!home.contains("13812345678") && !home.contains("个人申请人"));
}

#[tokio::test]
async fn the_public_item_list_pages_searches_and_refuses_bad_input() {
    let app = TestApp::spawn_demo().await;
    let public = app.anonymous();
    let (status, first) = public.get_json("/api/v1/public/items?limit=3").await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["jurisdiction"], "370100");
    assert_eq!(codes(&first).len(), 3);
    // The catalog's order: real items first, by code.
    assert_eq!(codes(&first)[0], FOOD);
    assert_eq!(first["items"][0]["statutory_limit"], "法定 20个工作日");
    assert_eq!(first["items"][0]["promised_limit"], "承诺 10个工作日");
    assert_eq!(first["items"][0]["department"], "市场监督管理局");
    let next = first["next_cursor"].as_str().unwrap();
    assert!(first["prev_cursor"].is_null());
    let (_, second) = public
        .get_json(&format!("/api/v1/public/items?limit=3&cursor={next}"))
        .await;
    assert_eq!(codes(&second).len(), 3);
    assert!(codes(&second).iter().all(|c| !codes(&first).contains(c)));
    let prev = second["prev_cursor"].as_str().unwrap();
    let (_, back) = public
        .get_json(&format!("/api/v1/public/items?limit=3&cursor={prev}"))
        .await;
    assert_eq!(codes(&back), codes(&first));
    // Every page of 200 reaches the generated items after the real ones, each item once.
    let (mut seen, mut cursor) = (Vec::new(), String::new());
    loop {
        let (status, page) = public
            .get_json(&format!("/api/v1/public/items?limit=200&cursor={cursor}"))
            .await;
        assert_eq!(status, 200, "{page}");
        seen.extend(codes(&page));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => break,
        }
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len());
    assert!(seen.len() > 300, "{}", seen.len());
    // Search: name or code, literally.
    let (_, found) = public
        .get_json("/api/v1/public/items?q=%E9%A3%9F%E5%93%81%E7%BB%8F%E8%90%A5")
        .await;
    assert!(codes(&found).contains(&FOOD.to_owned()), "{found}");
    assert!(
        found["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["name"].as_str().unwrap().contains("食品经营"))
    );
    let (_, none) = public.get_json("/api/v1/public/items?q=50%25").await;
    assert!(codes(&none).is_empty());
    // A county's catalog.
    let (status, county) = public
        .get_json("/api/v1/public/items?j=370124&limit=1")
        .await;
    assert_eq!(
        (status, county["jurisdiction"].as_str()),
        (200, Some("370124"))
    );
    // Typed refusals.
    for (query, status, code) in [
        ("cursor=xyz", 400, "bad_cursor"),
        ("cursor=YTp4MTI", 400, "bad_cursor"),
        ("limit=0", 400, "bad_limit"),
        ("limit=201", 400, "bad_limit"),
        ("j=abc", 400, "bad_filter"),
        ("j=999999", 404, "not_found"),
    ] {
        let (s, body) = public
            .get_json(&format!("/api/v1/public/items?{query}"))
            .await;
        assert_eq!((s, error_code(&body)), (status, code), "{query}: {body}");
    }
    let long = "食".repeat(101);
    let (s, body) = public
        .get_json(&format!("/api/v1/public/items?q={long}"))
        .await;
    assert_eq!((s, error_code(&body)), (400, "bad_filter"));
}

#[tokio::test]
async fn an_items_guide_says_everything_art_30_asks_for() {
    let app = TestApp::spawn_demo().await;
    let public = app.anonymous();
    let (status, g) = public
        .get_json(&format!("/api/v1/public/items/{FOOD}"))
        .await;
    assert_eq!(status, 200, "{g}");
    assert_eq!(g["name"], "食品经营许可");
    assert_eq!(g["statutory_limit"], "法定 20个工作日");
    assert_eq!(g["promised_limit"], "承诺 10个工作日");
    assert_eq!(g["tolerates_missing"], true);
    // Under 告知承诺制 too since issue #19 item 5 (its catalog row's `commitment` setting).
    assert_eq!(g["commitment"], true);
    assert!(!g["conditions"].as_array().unwrap().is_empty());
    assert_eq!(g["legal_basis"][0]["law"], "中华人民共和国食品安全法");
    let materials = g["materials"].as_array().unwrap();
    assert_eq!(materials.len(), 4, "the catalog's checklist: {g}");
    assert_eq!(materials[0]["name"], "食品经营许可申请书");
    assert_eq!(g["forms"], json!([]));
    assert_eq!(g["fees"], json!([]));
    let procedure: Vec<&str> = g["procedure"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(procedure[0].starts_with("申请"));
    assert!(
        procedure
            .iter()
            .any(|s| s.contains("法定20个工作日") && s.contains("承诺10个工作日")),
        "{procedure:?}"
    );
    assert_eq!(g["where"]["hall"]["hall"], "济南市政务服务中心");
    assert!(
        g["where"]["hall"]["hours"]
            .as_str()
            .unwrap()
            .contains("周一至周五")
    );
    assert_eq!(
        g["where"]["windows"],
        json!(["综合受理窗口 1", "综合受理窗口 2"])
    );
    assert_eq!(g["supervising_department"], "市场监督管理局");
    assert_eq!(g["consultation_phone"], "12345");
    let settings = g["legal_settings"].as_array().unwrap();
    assert!(
        settings
            .iter()
            .any(|s| s["source"].as_str().unwrap().contains("食品安全法实施条例")),
        "{settings:?}"
    );
    // Unknown items and jurisdictions.
    for path in [
        "/api/v1/public/items/990199999999",
        "/api/v1/public/items/x'1",
        "/api/v1/public/items/990100001000?j=999999",
    ] {
        let (s, body) = public.get_json(path).await;
        assert_eq!((s, error_code(&body)), (404, "not_found"), "{path}");
    }
    // No staff, no applicant.
    let text = g.to_string();
    assert!(STAFF_NAMES.iter().all(|n| !text.contains(n)));
}

#[tokio::test]
async fn the_guide_pages_are_public_searchable_and_printable() {
    let app = TestApp::spawn_demo().await;
    let public = app.anonymous();
    let r = public.get("/guide?q=%E9%A3%9F%E5%93%81").await;
    assert_eq!(r.status(), 200);
    let index = r.text().await.unwrap();
    assert!(
        index.contains(&format!("href=\"/guide/{FOOD}\"")),
        "{index}"
    );
    let all = public.get("/guide").await.text().await.unwrap();
    assert!(all.contains("rel=\"next\""), "paged");
    let r = public.get(&format!("/guide/{FOOD}")).await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    for part in [
        "申请条件",
        "设定依据",
        "申请材料",
        "食品经营许可申请书",
        "暂无可下载的空白表格和示范样表",
        "法定 20个工作日 / 承诺 10个工作日",
        "办理流程",
        "济南市政务服务中心",
        "综合受理窗口 1",
        "容缺受理",
        "监管部门",
        "12345",
        "法定期限设置",
        "data-print",
    ] {
        assert!(page.contains(part), "{part} missing from the guide");
    }
    assert!(STAFF_NAMES.iter().all(|n| !page.contains(n)));
    assert_eq!(public.get("/guide/990199999999").await.status(), 404);
    assert_eq!(public.get("/guide?cursor=xyz").await.status(), 400);
}

#[tokio::test]
async fn progress_reads_codes_as_people_type_them_and_speaks_plainly() {
    let app = TestApp::spawn_demo().await;
    let (number, code) = case_ready_for_decision_in(&app, "", FOOD, applicant()).await;
    let spaced: String = number
        .chars()
        .enumerate()
        .flat_map(|(i, c)| (i % 4 == 0 && i > 0).then_some(' ').into_iter().chain([c]))
        .collect();
    let lower = code.to_lowercase();
    let page = app
        .anonymous()
        .get(&format!(
            "/progress?case={}&code=%20{lower}%20",
            spaced.replace(' ', "+")
        ))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"plain-status\""), "{page}");
    // Reviewed: the platform says 部门开始办理, the applicant reads 正在审查.
    assert!(page.contains(">正在审查<"), "{page}");
    for raw in [
        "补正(开始)",
        "部门开始办理",
        "<code>accepted</code>",
        "review_step",
    ] {
        assert!(!page.contains(raw), "{raw} on the public page");
    }
}

#[tokio::test]
async fn the_verification_form_leads_to_the_licences_page() {
    let app = TestApp::spawn_demo().await;
    let r = app.anonymous().get("/verify?id=%201.2.156.3005%20").await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/verify/1.2.156.3005");
    let r = app.anonymous().get("/verify?id=").await;
    assert_eq!(r.headers()["location"], "/#verify");
}
