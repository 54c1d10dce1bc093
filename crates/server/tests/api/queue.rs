//! The case queue a page at a time (issue #17): keyset pages that neither skip nor repeat a case
//! while cases arrive, the filters, the staff search by number, identifier and name piece, the
//! search's jurisdiction scoping, and typed refusals of bad paging parameters.

use std::collections::BTreeSet;

use oneseal_domain::case::IdNumber;
use oneseal_domain::catalog::UnifiedSocialCreditCode;
use oneseal_testkit::{Actor, TestApp, error_code, tamper};
use serde_json::{Value, json};

use crate::cases::step;

/// A valid ID card number born on `birth` (`YYYYMMDD`) with sequence `seq`.
fn id_number(birth: &str, seq: u32) -> String {
    let body = format!("370102{birth}{seq:03}");
    let check = IdNumber::compute_check_character(&body).unwrap();
    format!("{body}{check}")
}

fn person(name: &str, id: &str) -> Value {
    json!({"type": "natural_person", "name": name, "id_number": id, "phone": "13912345678"})
}

fn company(name: &str, uscc: &str) -> Value {
    json!({"type": "organisation", "name": name, "uscc": uscc, "contact_phone": "13812345678"})
}

/// A licensing item of the actor's own catalog.
async fn item_of(actor: &Actor) -> String {
    let (_, page) = actor
        .get_json("/api/v1/catalog/items?per_page=5&category=licensing")
        .await;
    page["items"][0]["basic_code"].as_str().unwrap().to_owned()
}

async fn intake(clerk: &Actor, item: &str, channel: &str, applicant: Value) -> String {
    let r = clerk
        .post(
            "/api/v1/cases",
            &json!({"item_code": item, "channel": channel, "applicant": applicant, "materials": []}),
        )
        .await;
    let v: Value = r.json().await.unwrap();
    v["case_number"]
        .as_str()
        .unwrap_or_else(|| panic!("{v}"))
        .to_owned()
}

fn numbers(page: &Value) -> Vec<String> {
    page["cases"]
        .as_array()
        .unwrap_or_else(|| panic!("{page}"))
        .iter()
        .map(|c| c["case_number"].as_str().unwrap().to_owned())
        .collect()
}

/// The case numbers a search finds (every page).
async fn found(actor: &Actor, q: &str) -> BTreeSet<String> {
    let (status, page) = actor
        .get_json(&format!("/api/v1/cases?limit=200&q={}", encode(q)))
        .await;
    assert_eq!(status, 200, "{q}: {page}");
    assert!(page["next_cursor"].is_null(), "one page is enough here");
    numbers(&page).into_iter().collect()
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn set(items: &[&String]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).clone()).collect()
}

#[tokio::test]
async fn pages_neither_skip_nor_repeat_a_case_while_cases_arrive() {
    let app = TestApp::spawn_demo().await;
    let clerk = app.clerk().await;
    let item = item_of(&clerk).await;
    let company_code = UnifiedSocialCreditCode::with_check_character("91370100MA3C0RT1X").unwrap();
    let applicant = company("济南泉城建设发展有限公司", company_code.as_str());
    let mut before = Vec::new();
    for _ in 0..7 {
        before.push(intake(&clerk, &item, "window", applicant.clone()).await);
    }
    let mut seen: Vec<String> = Vec::new();
    let mut pages: Vec<Vec<String>> = Vec::new();
    let mut added = Vec::new();
    let mut url = "/api/v1/cases?limit=3".to_owned();
    loop {
        let (status, page) = clerk.get_json(&url).await;
        assert_eq!(status, 200, "{page}");
        let rows = numbers(&page);
        assert!(rows.len() <= 3);
        seen.extend(rows.iter().cloned());
        pages.push(rows);
        match page["next_cursor"].as_str() {
            Some(c) => url = format!("/api/v1/cases?limit=3&cursor={c}"),
            None => break,
        }
        // Cases keep arriving between the clerk's clicks.
        if added.len() < 4 {
            added.push(intake(&clerk, &item, "online", applicant.clone()).await);
        }
        assert!(pages.len() < 20, "the pages never end");
    }
    // In order, each case once: nothing repeated.
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
    // Every case that was there at the start is found, and so is every case that arrived.
    for n in before.iter().chain(&added) {
        assert!(seen.contains(n), "{n} was skipped: {seen:?}");
    }
    // Going back from the last page gives the page before it.
    let (_, last) = clerk.get_json(&url).await;
    let prev = last["prev_cursor"].as_str().unwrap();
    let (_, back) = clerk
        .get_json(&format!("/api/v1/cases?limit=3&cursor={prev}"))
        .await;
    assert_eq!(numbers(&back), pages[pages.len() - 2]);
}

#[tokio::test]
async fn filters_narrow_the_queue_and_closed_cases_need_asking_for() {
    let app = TestApp::spawn_demo().await;
    let clerk = app.clerk().await;
    let item = item_of(&clerk).await;
    let a = intake(
        &clerk,
        &item,
        "window",
        person("王小明", &id_number("19800101", 11)),
    )
    .await;
    let b = intake(
        &clerk,
        &item,
        "online",
        person("李四", &id_number("19800101", 12)),
    )
    .await;
    let c = intake(
        &clerk,
        &item,
        "window",
        person("赵五", &id_number("19800101", 13)),
    )
    .await;
    step(&clerk, &b, json!({"action": "accept"})).await;
    step(&clerk, &c, json!({"action": "withdraw"})).await;
    let q = |s: &str| {
        let clerk = &clerk;
        let url = format!("/api/v1/cases?{s}");
        async move {
            let (status, page) = clerk.get_json(&url).await;
            assert_eq!(status, 200, "{url}: {page}");
            numbers(&page).into_iter().collect::<BTreeSet<_>>()
        }
    };
    assert_eq!(q("").await, set(&[&a, &b]), "open cases only by default");
    assert_eq!(q("include_closed=true").await, set(&[&a, &b, &c]));
    assert_eq!(q("channel=online").await, set(&[&b]));
    assert_eq!(q("status=3").await, set(&[&b]));
    assert_eq!(q(&format!("item={item}")).await, set(&[&a, &b]));
    assert!(q("item=000000000000").await.is_empty());
    let today = &a[6..14];
    let iso = format!("{}-{}-{}", &today[..4], &today[4..6], &today[6..]);
    assert_eq!(
        q(&format!("received_from={iso}&received_to={iso}")).await,
        set(&[&a, &b])
    );
    assert!(q("received_to=2020-01-01").await.is_empty());
    assert!(
        q("decided_from=2020-01-01").await.is_empty(),
        "nothing decided yet"
    );
    assert!(
        q("assignee=REVIEW").await.is_empty(),
        "nothing transferred yet"
    );
    let (_, page) = clerk.get_json("/api/v1/cases").await;
    let row = &page["cases"][0];
    assert_eq!(
        row["applicant"], "个人申请人",
        "no personal data in the list"
    );
    assert!(!page.to_string().contains("王小明"));
}

#[tokio::test]
async fn the_search_finds_cases_by_number_identifier_and_any_piece_of_a_name() {
    let app = TestApp::spawn_demo().await;
    let clerk = app.clerk().await;
    let item = item_of(&clerk).await;
    let zhang_id = id_number("19900315", 21);
    let zhang = intake(&clerk, &item, "window", person("张三", &zhang_id)).await;
    let li_zhang = intake(
        &clerk,
        &item,
        "window",
        person("李张三", &id_number("19900315", 22)),
    )
    .await;
    let ouyang = intake(
        &clerk,
        &item,
        "online",
        person("欧阳小明", &id_number("19900315", 23)),
    )
    .await;
    let uscc = UnifiedSocialCreditCode::with_check_character("91370100MA3C0RT2X").unwrap();
    let firm = intake(
        &clerk,
        &item,
        "window",
        company("济南泉城建设发展有限公司", uscc.as_str()),
    )
    .await;
    // The 张三 case is closed: the search still finds it.
    step(&clerk, &zhang, json!({"action": "withdraw"})).await;

    assert_eq!(found(&clerk, &zhang).await, set(&[&zhang]), "by number");
    assert_eq!(
        found(&clerk, &zhang_id).await,
        set(&[&zhang]),
        "by ID number"
    );
    assert_eq!(
        found(&clerk, &zhang_id.to_lowercase()).await,
        set(&[&zhang]),
        "x or X"
    );
    assert_eq!(
        found(&clerk, uscc.as_str()).await,
        set(&[&firm]),
        "by credit code"
    );
    // Two characters: wherever they stand in the name.
    assert_eq!(found(&clerk, "张三").await, set(&[&zhang, &li_zhang]));
    assert_eq!(
        found(&clerk, "阳小").await,
        set(&[&ouyang]),
        "in the middle"
    );
    assert_eq!(found(&clerk, "小明").await, set(&[&ouyang]), "at the end");
    // Three or more: through the trigram index.
    assert_eq!(found(&clerk, "李张三").await, set(&[&li_zhang]));
    assert_eq!(found(&clerk, "欧阳小明").await, set(&[&ouyang]));
    assert_eq!(found(&clerk, "泉城建设").await, set(&[&firm]));
    assert_eq!(found(&clerk, "有限公司").await, set(&[&firm]));
    assert!(found(&clerk, "王五六").await.is_empty());
    // Pattern characters are text, not wildcards.
    assert!(found(&clerk, "张%").await.is_empty());
    assert!(found(&clerk, "%%%").await.is_empty());
    let (status, body) = clerk.get_json("/api/v1/cases?q=%E5%BC%A0").await;
    assert_eq!((status, error_code(&body)), (400, "search_too_short"));
    // The answer names nobody.
    let (_, page) = clerk.get_json("/api/v1/cases?q=%E5%BC%A0%E4%B8%89").await;
    assert!(!page.to_string().contains("张三"), "{page}");
}

#[tokio::test]
async fn a_county_clerk_never_finds_a_city_case() {
    let app = TestApp::spawn_demo().await;
    let city = app.clerk().await;
    let county = app.sign_in("PY-CLERK").await;
    let same_id = id_number("19751201", 31);
    let city_case = intake(
        &city,
        &item_of(&city).await,
        "window",
        person("张三丰", &same_id),
    )
    .await;
    let county_case = intake(
        &county,
        &item_of(&county).await,
        "window",
        person("张三丰", &same_id),
    )
    .await;
    for q in ["张三", "张三丰", same_id.as_str()] {
        assert_eq!(found(&county, q).await, set(&[&county_case]), "{q}");
        assert_eq!(found(&city, q).await, set(&[&city_case]), "{q}");
    }
    assert!(found(&county, &city_case).await.is_empty());
    assert!(found(&city, &county_case).await.is_empty());
    // The city's head oversees the counties, but the queue is the head's own bureau's.
    assert_eq!(found(&app.head().await, "张三丰").await, set(&[&city_case]));
    assert_eq!(
        app.sign_in("SCJG")
            .await
            .get("/api/v1/cases?q=%E5%BC%A0%E4%B8%89")
            .await
            .status(),
        403
    );
}

#[tokio::test]
async fn bad_paging_and_filter_values_are_typed_400s() {
    let app = TestApp::spawn_demo().await;
    let clerk = app.clerk().await;
    // base64url of "a:not-a-case-number" and of "x:37010020261206000001".
    for (query, code) in [
        ("limit=0", "bad_limit"),
        ("limit=201", "bad_limit"),
        ("limit=ten", "bad_limit"),
        ("limit=-1", "bad_limit"),
        ("cursor=%21%21", "bad_cursor"),
        ("cursor=YTpub3QtYS1jYXNlLW51bWJlcg", "bad_cursor"),
        ("cursor=eDozNzAxMDAyMDI2MTIwNjAwMDAwMQ", "bad_cursor"),
        ("status=99", "bad_filter"),
        ("channel=fax", "bad_filter"),
        ("received_from=2026-02-30", "bad_filter"),
        ("include_closed=maybe", "bad_filter"),
        ("item=%3Cscript%3E", "bad_filter"),
    ] {
        let (status, body) = clerk.get_json(&format!("/api/v1/cases?{query}")).await;
        assert_eq!((status, error_code(&body)), (400, code), "{query}: {body}");
        assert!(body["error"]["message_zh"].as_str().is_some());
    }
    assert_eq!(clerk.get("/cases?limit=0").await.status(), 400);
    let (status, _) = clerk.get_json("/api/v1/cases?limit=200").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn the_queue_page_has_a_filter_form_and_links_to_the_next_page() {
    let app = TestApp::spawn_demo().await;
    let clerk = app.clerk().await;
    let item = item_of(&clerk).await;
    let mut made = Vec::new();
    for i in 0..3 {
        made.push(
            intake(
                &clerk,
                &item,
                "window",
                person("孙小红", &id_number("19881010", 40 + i)),
            )
            .await,
        );
    }
    let page = clerk.get("/cases?limit=2").await.text().await.unwrap();
    assert!(page.contains("name=\"q\"") && page.contains("name=\"received_from\""));
    assert!(page.contains(&made[0]) && page.contains(&made[1]) && !page.contains(&made[2]));
    let next = page
        .split("href=\"")
        .filter_map(|s| s.split('"').next())
        .find(|h| h.contains("cursor="))
        .expect("a link to the next page")
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    let second = clerk.get(&next).await.text().await.unwrap();
    assert!(second.contains(&made[2]) && !second.contains(&made[0]));
    assert!(second.contains("上一页"));
    // A search from the form keeps its text in the field, and the page names nobody else.
    let searched = clerk
        .get("/cases?q=%E5%B0%8F%E7%BA%A2")
        .await
        .text()
        .await
        .unwrap();
    assert!(searched.contains("value=\"小红\"") && searched.contains(&made[2]));
}

#[tokio::test]
async fn the_migration_backfills_cases_written_before_it_as_the_projection_would() {
    let app = TestApp::spawn_demo().await;
    let clerk = app.clerk().await;
    let item = item_of(&clerk).await;
    let id = id_number("19660606", 51);
    let a = intake(&clerk, &item, "online", person("周末末", &id)).await;
    step(&clerk, &a, json!({"action": "accept"})).await;
    let b = intake(
        &clerk,
        &item,
        "window",
        person("吴六", &id_number("19660606", 52)),
    )
    .await;
    app.store
        .write(|tx| tamper::forget_case_queue_columns(tx.conn()))
        .await
        .unwrap();
    // Verify sees the emptied columns, and says so without naming anyone.
    let text = app.end_check().unwrap_err().to_string();
    assert!(
        text.contains("applicant_name") && text.contains("search_key"),
        "{text}"
    );
    assert!(!text.contains("周末末") && !text.contains(&id), "{text}");
    app.store
        .write(|tx| oneseal_store::case_rows::backfill(tx.conn()))
        .await
        .unwrap();
    app.assert_consistent();
    assert_eq!(found(&clerk, "周末末").await, set(&[&a]));
    assert_eq!(found(&clerk, "吴六").await, set(&[&b]));
    assert_eq!(found(&clerk, &id).await, set(&[&a]));
    let (_, online) = clerk.get_json("/api/v1/cases?channel=online").await;
    assert_eq!(numbers(&online), [a]);
}
