//! Intake as clerks and systems meet it (issue #18, item 6): every bad field named, in Chinese,
//! beside its input; landlines with area code and extension; one case per idempotency key, from
//! the API's `Idempotency-Key` header and from the form's one-time token, also when the two
//! requests race or land on two servers sharing the database; an item picker with nothing chosen.

use oneseal_domain::catalog::UnifiedSocialCreditCode;
use oneseal_testkit::{Actor, TestApp, error_code};
use serde_json::{Value, json};

/// A licensing item of the demo catalog.
const ITEM: &str = "990100001000";
/// GB 11643's worked example (check character X).
const ID: &str = "11010519491231002X";

fn company(phone: &str) -> Value {
    let uscc = UnifiedSocialCreditCode::with_check_character("91370100MA3C0RT1X").unwrap();
    json!({"type": "organisation", "name": "济南泉城餐饮有限公司", "uscc": uscc.as_str(), "contact_phone": phone})
}

fn person(id: &str, phone: &str) -> Value {
    json!({"type": "natural_person", "name": "张三", "id_number": id, "phone": phone})
}

fn body(applicant: Value) -> Value {
    json!({"item_code": ITEM, "channel": "window", "applicant": applicant})
}

async fn create(actor: &Actor, body: &Value, key: Option<&str>) -> (u16, Value, bool) {
    let mut r = actor
        .request(reqwest::Method::POST, "/api/v1/cases")
        .json(body);
    if let Some(k) = key {
        r = r.header("Idempotency-Key", k);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    let replayed = r.headers().get("idempotent-replayed").is_some();
    (status, r.json().await.unwrap(), replayed)
}

async fn case_count(actor: &Actor) -> usize {
    let (status, v) = actor.get_json("/api/v1/cases?include_closed=true").await;
    assert_eq!(status, 200, "{v}");
    v["cases"].as_array().unwrap().len()
}

#[tokio::test]
async fn every_bad_field_is_named_with_a_chinese_message_and_nothing_is_registered() {
    let app = TestApp::spawn_demo().await;
    let clerk = app.clerk().await;
    let bad = json!({"item_code": "000000000000", "channel": "window",
        "applicant": person("110105194912310028", "8600 1234"),
        "materials": [{"name": "申请书", "sha256": "xyz"}]});
    let (status, v, _) = create(&clerk, &bad, None).await;
    assert_eq!(status, 400, "{v}");
    let e = &v["error"];
    assert_eq!(error_code(&v), "unknown_item", "{v}");
    assert_eq!(e["field"], "item_code");
    let errors = e["details"]["errors"].as_array().unwrap();
    let fields: Vec<&str> = errors
        .iter()
        .map(|x| x["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "item_code",
            "applicant.id_number",
            "applicant.phone",
            "materials[0].sha256"
        ]
    );
    assert_eq!(errors[1]["code"], "invalid_id_number");
    assert_eq!(
        errors[1]["message_zh"],
        "居民身份证号码校验码为“8”，按其余各位计算应为“X”"
    );
    assert_eq!(
        errors[2]["message_zh"],
        "联系电话：固定电话须加区号，例如 0531-86001234"
    );
    for x in errors {
        let zh = x["message_zh"].as_str().unwrap();
        assert!(
            !zh.split(|c: char| !c.is_ascii_alphabetic())
                .any(|w| w.len() > 3 && w != "SHA"),
            "English inside the Chinese message: {zh}"
        );
    }
    assert_eq!(case_count(&clerk).await, 0, "nothing was registered");

    // A body of the wrong shape names its field too.
    let (status, v, _) = create(&clerk, &json!({"item_code": 7}), None).await;
    assert_eq!((status, error_code(&v)), (400, "invalid_body"), "{v}");
    assert_eq!(v["error"]["field"], "item_code");
    assert!(
        !v["error"]["message_zh"]
            .as_str()
            .unwrap()
            .contains("invalid type")
    );
}

#[tokio::test]
async fn landlines_with_area_code_and_extension_are_accepted_and_kept_normalised() {
    let app = TestApp::spawn_demo().await;
    let clerk = app.clerk().await;
    let reviewer = app.reviewer().await;
    for (applicant, stored, masked) in [
        (
            person(ID, "0531 8600 1234 转 802"),
            "0531-86001234-802",
            "0531-****1234",
        ),
        (company("(0531)86001234"), "0531-86001234", "0531-****1234"),
        (
            company("010-12345678-123"),
            "010-12345678-123",
            "010-****5678",
        ),
        (person(ID, "138 0013 8000"), "13800138000", "138****8000"),
    ] {
        let (status, v, _) = create(&clerk, &body(applicant), None).await;
        assert_eq!(status, 200, "{v}");
        let number = v["case_number"].as_str().unwrap();
        let (_, case) = clerk.get_json(&format!("/api/v1/cases/{number}")).await;
        assert_eq!(case["applicant_contact"]["phone"], stored, "{case}");
        let (_, seen) = reviewer.get_json(&format!("/api/v1/cases/{number}")).await;
        assert_eq!(seen["applicant_contact"]["phone"], masked, "{seen}");
    }
}

#[tokio::test]
async fn the_same_idempotency_key_twice_answers_the_first_case() {
    let app = TestApp::spawn_demo().await;
    let clerk = app.clerk().await;
    let b = body(company("0531-86001234"));
    let (s1, first, replayed1) = create(&clerk, &b, Some("retry-7f3a")).await;
    let (s2, second, replayed2) = create(&clerk, &b, Some("retry-7f3a")).await;
    assert_eq!((s1, s2), (200, 200), "{first} {second}");
    assert_eq!(
        first, second,
        "the repeat answers the first result, query code included"
    );
    assert!(!replayed1 && replayed2);
    assert_eq!(case_count(&clerk).await, 1);
    // The code the repeat gave is the case's real code: the public query accepts it.
    let (status, progress) = app
        .anonymous()
        .get_json(&format!(
            "/api/v1/public/progress?case={}&code={}",
            first["case_number"].as_str().unwrap(),
            first["query_code"].as_str().unwrap()
        ))
        .await;
    assert_eq!(status, 200, "{progress}");

    // Same key, different application: refused, typed, nothing created.
    let (status, v, _) = create(&clerk, &body(company("0531-86001235")), Some("retry-7f3a")).await;
    assert_eq!(
        (status, error_code(&v)),
        (409, "idempotency_key_reused"),
        "{v}"
    );
    assert_eq!(case_count(&clerk).await, 1);
    // The same number written another way is the same application.
    let (status, again, _) = create(
        &clerk,
        &body(company("(0531) 8600 1234")),
        Some("retry-7f3a"),
    )
    .await;
    assert_eq!((status, &again), (200, &first));
    // A new key is a new case; a malformed key is a typed 400.
    let (status, _, _) = create(&clerk, &b, Some("retry-7f3b")).await;
    assert_eq!(status, 200);
    let (status, v, _) = create(&clerk, &b, Some(&"k".repeat(200))).await;
    assert_eq!(
        (status, error_code(&v)),
        (400, "invalid_idempotency_key"),
        "{v}"
    );
    assert_eq!(case_count(&clerk).await, 2);
}

#[tokio::test]
async fn a_key_is_kept_for_a_day_and_then_forgotten() {
    let app = TestApp::spawn_demo().await;
    let clerk = app.clerk().await;
    let b = body(company("0531-86001234"));
    let (_, first, _) = create(&clerk, &b, Some("daily")).await;
    app.clock.advance(time::Duration::hours(23));
    let clerk = app.clerk().await;
    let (_, again, replayed) = create(&clerk, &b, Some("daily")).await;
    assert_eq!(
        (&again, replayed),
        (&first, true),
        "still the first answer after 23 hours"
    );
    app.clock.advance(time::Duration::hours(2));
    let clerk = app.clerk().await;
    let (status, later, replayed) = create(&clerk, &b, Some("daily")).await;
    assert_eq!((status, replayed), (200, false), "{later}");
    assert_ne!(
        later["case_number"], first["case_number"],
        "an expired key registers anew"
    );
    // Another clerk's key of the same text is another key.
    let other = app.sign_in("PY-CLERK").await;
    let (status, _, replayed) =
        create(&other, &body(company("0531-86001234")), Some("daily")).await;
    assert_eq!((status, replayed), (200, false));
}

#[tokio::test]
async fn a_concurrent_double_submit_registers_one_case() {
    let app = TestApp::spawn_demo().await;
    let clerk = app.clerk().await;
    let b = body(person(ID, "13800138000"));
    let results = futures_join(&clerk, &b, "double-click-1", 4).await;
    let numbers: Vec<&Value> = results
        .iter()
        .map(|(s, v)| {
            assert_eq!(*s, 200, "{v}");
            &v["case_number"]
        })
        .collect();
    assert!(numbers.windows(2).all(|w| w[0] == w[1]), "{numbers:?}");
    assert_eq!(case_count(&clerk).await, 1);
}

/// `n` identical requests at once.
async fn futures_join(actor: &Actor, body: &Value, key: &str, n: usize) -> Vec<(u16, Value)> {
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let r = actor
                .request(reqwest::Method::POST, "/api/v1/cases")
                .header("Idempotency-Key", key)
                .json(body)
                .send();
            tokio::spawn(async move {
                let r = r.await.unwrap();
                (r.status().as_u16(), r.json::<Value>().await.unwrap())
            })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

#[tokio::test]
async fn two_servers_on_one_database_agree_on_a_key() {
    let app = TestApp::spawn_demo().await;
    let peer = app.spawn_peer().await;
    let clerk = app.clerk().await;
    // The same session on the other server (sessions live in the shared database).
    let other = Actor {
        base: peer.base.clone(),
        client: clerk.client.clone(),
        csrf: clerk.csrf.clone(),
        token: None,
    };
    let b = body(company("0531-86001234"));
    let (here, there) = tokio::join!(
        create(&clerk, &b, Some("two-servers")),
        create(&other, &b, Some("two-servers"))
    );
    assert_eq!((here.0, there.0), (200, 200), "{} {}", here.1, there.1);
    assert_eq!(here.1, there.1);
    assert_eq!(case_count(&clerk).await, 1);
    // And a key stored by one server is known to the other afterwards.
    let (_, first, _) = create(&other, &body(company("13800138000")), Some("later")).await;
    let (_, again, replayed) = create(&clerk, &body(company("13800138000")), Some("later")).await;
    assert_eq!((first, replayed), (again, true));
}

/// The one-time token and CSRF token of a fresh intake form.
async fn form_tokens(clerk: &Actor) -> (String, String) {
    let page = clerk.get("/cases/new").await.text().await.unwrap();
    let value = |name: &str| {
        let at = page
            .find(&format!("name=\"{name}\" value=\""))
            .unwrap_or_else(|| panic!("no {name} in {page}"));
        page[at..].split('"').nth(3).unwrap().to_owned()
    };
    (value("csrf"), value("token"))
}

/// Posts the form as a browser without script would: urlencoded, no X-CSRF-Token header.
async fn post_form(clerk: &Actor, fields: &[(&str, &str)]) -> (u16, String) {
    let r = clerk
        .client
        .post(format!("{}/cases/new", clerk.base))
        .form(fields)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn the_form_comes_back_with_the_values_kept_and_each_error_beside_its_field() {
    let app = TestApp::spawn_demo().await;
    let clerk = app.clerk().await;
    let (csrf, token) = form_tokens(&clerk).await;
    let fields = [
        ("csrf", csrf.as_str()),
        ("token", token.as_str()),
        ("item", "许可"),
        ("channel", "window"),
        ("applicant_type", "natural_person"),
        ("applicant_name", "李四"),
        ("applicant_code", "110105194912310028"),
        ("applicant_phone", "0531-8600"),
    ];
    let (status, page) = post_form(&clerk, &fields).await;
    assert_eq!(status, 400, "{page}");
    for kept in [
        "value=\"李四\"",
        "value=\"110105194912310028\"",
        "value=\"0531-8600\"",
        "value=\"许可\"",
    ] {
        assert!(page.contains(kept), "{kept} not kept");
    }
    let beside = |input: &str, text: &str| {
        let at = page.find(&format!("id=\"f-{input}\"")).unwrap();
        let error = page[at..]
            .find(&format!("id=\"e-{input}\""))
            .unwrap_or_else(|| {
                panic!(
                    "no error beside {input}: {}",
                    page.split("error-summary").nth(2).unwrap_or("")
                )
            });
        let next_field = page[at..].find("<div class=\"field").unwrap_or(usize::MAX);
        assert!(error < next_field, "{input}'s error is not beside it");
        assert!(
            page[at + error..]
                .split("</p>")
                .next()
                .unwrap()
                .contains(text),
            "{input}: {text}"
        );
    };
    beside("applicant_code", "校验码为“8”，按其余各位计算应为“X”");
    beside(
        "applicant_phone",
        "区号0531的固定电话号码应为7–8位，实际为4位",
    );
    beside("item", "有多个事项符合");
    assert!(
        page.contains(&format!("value=\"{token}\"")),
        "the token stays for the corrected form"
    );
    assert_eq!(case_count(&clerk).await, 0);

    // Without the form's CSRF field the post is refused.
    let (status, _) = post_form(&clerk, &fields[1..]).await;
    assert_eq!(status, 403);

    // In English, the errors are English.
    clerk.get("/prefs?lang=en&next=/").await;
    let (_, page) = post_form(&clerk, &fields).await;
    assert!(page.contains("check character"), "{page}");
}

#[tokio::test]
async fn a_double_click_on_the_form_registers_one_case() {
    let app = TestApp::spawn_demo().await;
    let clerk = app.clerk().await;
    let (csrf, token) = form_tokens(&clerk).await;
    let label = format!("（{ITEM}）");
    let fields = vec![
        ("csrf", csrf.as_str()),
        ("token", token.as_str()),
        ("item", label.as_str()),
        ("channel", "window"),
        ("applicant_type", "natural_person"),
        ("applicant_name", "王五"),
        ("applicant_code", ID),
        ("applicant_phone", "0531 8600 1234 转 802"),
    ];
    let (a, b) = tokio::join!(post_form(&clerk, &fields), post_form(&clerk, &fields));
    assert_eq!((a.0, b.0), (200, 200), "{} {}", a.1, b.1);
    let number = |page: &str| {
        let at = page.find("id=\"case-number\">").unwrap();
        page[at + 17..at + 37].to_owned()
    };
    assert_eq!(number(&a.1), number(&b.1));
    assert!(
        a.1.contains("没有重复登记") || b.1.contains("没有重复登记"),
        "the second answer says it is the first one's"
    );
    assert_eq!(case_count(&clerk).await, 1);
    // Back in the browser, the same form changed and sent again: refused, with a fresh token.
    let mut changed = fields.clone();
    changed[5] = ("applicant_name", "赵六");
    let (status, page) = post_form(&clerk, &changed).await;
    assert_eq!(status, 409, "{page}");
    assert!(page.contains("已经登记过另一份申请") && !page.contains(&format!("value=\"{token}\"")));
    assert_eq!(case_count(&clerk).await, 1);
}

#[tokio::test]
async fn the_item_picker_offers_every_licensing_item_and_chooses_none() {
    let app = TestApp::spawn_demo().await;
    let clerk = app.clerk().await;
    let (_, items) = clerk
        .get_json("/api/v1/catalog/items?per_page=500&category=licensing")
        .await;
    let n = items["items"].as_array().unwrap().len();
    assert!(n > 200, "{n}");
    let page = clerk.get("/cases/new").await.text().await.unwrap();
    let list = page.split("<datalist id=\"item-list\">").nth(1).unwrap();
    let list = list.split("</datalist>").next().unwrap();
    assert_eq!(list.matches("<option").count(), n);
    assert!(!list.contains("selected"));
    assert!(
        page.contains("id=\"f-item\" name=\"item\" list=\"item-list\" value=\"\""),
        "the picker starts empty"
    );
    assert!(
        !page.contains("<select name=\"item_code\""),
        "no 218-entry dropdown"
    );
}
