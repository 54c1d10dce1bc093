//! The case desk's finishing work (issue #18): the catalog import's template and dry run, the
//! queue's named assignee filter, the licensee beside feedback, the files chosen at intake kept
//! in the material store, and the extension and special-procedure notices sealed.

use oneseal_domain::catalog::{Item, export_csv, import_csv};
use oneseal_testkit::{Actor, TestApp};
use serde_json::{Value, json};

use crate::cases::{applicant, approved_and_cosigned_licence, step};
use crate::materials::{PDF, multipart};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn template(actor: &Actor) -> Vec<u8> {
    let r = actor.get("/api/v1/catalog/template.xlsx").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], XLSX);
    r.bytes().await.unwrap().to_vec()
}

async fn import(admin: &Actor, format: &str, dry: bool, file: Vec<u8>) -> (u16, Value) {
    let dry = if dry { "&dry_run=true" } else { "" };
    let r = admin
        .post_bytes(
            &format!("/api/v1/catalog/import?format={format}{dry}"),
            file,
        )
        .await;
    (r.status().as_u16(), r.json().await.unwrap())
}

async fn versions(actor: &Actor, code: &str) -> Value {
    let (status, body) = actor
        .get_json(&format!("/api/v1/catalog/items/{code}"))
        .await;
    assert_eq!(status, 200, "{body}");
    body["versions"].clone()
}

#[tokio::test]
async fn the_template_has_chinese_headers_and_its_sample_row_passes_a_dry_run() {
    let app = TestApp::spawn_demo().await;
    let admin = app.admin().await;
    let file = template(&admin).await;
    // The header row is Chinese: the shared strings of the sheet hold the labels.
    let sample = oneseal_domain::catalog::real_items()
        .unwrap()
        .into_iter()
        .find(|i| i.related_items.is_empty())
        .unwrap();
    let items = oneseal_domain::catalog::import_xlsx(&file).unwrap();
    assert_eq!(items, vec![sample.clone()]);
    let (status, preview) = import(&admin, "xlsx", true, file).await;
    assert_eq!(status, 200, "{preview}");
    assert_eq!(preview["dry_run"], true);
    let counted = ["added", "changed", "retired", "unchanged"]
        .iter()
        .map(|k| preview[k].as_u64().unwrap())
        .sum::<u64>();
    assert_eq!(counted, 1, "{preview}");
    // Clerks and departments may fetch the template; the public may not.
    template(&app.clerk().await).await;
    let r = app.anonymous().get("/api/v1/catalog/template.xlsx").await;
    assert_eq!(r.status(), 401);
    // Nothing was written by the dry run.
    assert_eq!(
        versions(&admin, sample.basic_code.as_str()).await,
        json!([1])
    );
}

/// One changed, one retired and one new item: the dry run names each with its changed
/// columns and writes nothing; the import then publishes exactly those three.
#[tokio::test]
async fn a_dry_run_shows_added_changed_and_retired_items_field_by_field_and_writes_nothing() {
    let app = TestApp::spawn_demo().await;
    let admin = app.admin().await;
    let exported = admin
        .get("/api/v1/catalog/export?format=csv")
        .await
        .bytes()
        .await
        .unwrap();
    let all = import_csv(&exported).unwrap();
    // Generated related items: no related items of their own, so each row stands alone.
    let pick = |n: usize| -> Item {
        all.iter()
            .filter(|i| i.generated && i.related_items.is_empty())
            .nth(n)
            .unwrap()
            .clone()
    };
    let (a, b, c) = (pick(0), pick(1), pick(2));
    let mut changed = a.spec().clone();
    changed.name = format!("{}（变更）", changed.name);
    let mut retired = b.spec().clone();
    retired.cancel_date = Some(retired.effective_date.next_day().unwrap());
    let file = export_csv(&[
        Item::new(changed).unwrap(),
        Item::new(retired).unwrap(),
        c.clone(),
    ])
    .unwrap();
    // The third row becomes a new item: its basic code (also the tail of its implementation
    // code) replaced on its own line only.
    let text = String::from_utf8(file).unwrap();
    let (head, last) = text.trim_end().rsplit_once("\r\n").unwrap();
    let new_code = "990299999999";
    let file = format!(
        "{head}\r\n{}\r\n",
        last.replace(c.basic_code.as_str(), new_code)
    )
    .into_bytes();

    let (status, preview) = import(&admin, "csv", true, file.clone()).await;
    assert_eq!(status, 200, "{preview}");
    for (key, n) in [
        ("added", 1),
        ("changed", 1),
        ("retired", 1),
        ("unchanged", 0),
    ] {
        assert_eq!(preview[key], n, "{key}: {preview}");
    }
    assert!(preview["not_in_file"].as_u64().unwrap() > 300, "{preview}");
    let entry = |code: &str| {
        preview["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["basic_code"] == code)
            .cloned()
            .unwrap_or_else(|| panic!("{code} not in {preview}"))
    };
    let name_change = entry(a.basic_code.as_str());
    assert_eq!(name_change["change"], "changed");
    assert_eq!(name_change["fields"][0]["field"], "name");
    assert_eq!(name_change["fields"][0]["field_zh"], "事项名称");
    assert_eq!(name_change["fields"][0]["before"], a.name.as_str());
    let retirement = entry(b.basic_code.as_str());
    assert_eq!(retirement["change"], "retired");
    assert_eq!(retirement["fields"][0]["field"], "cancel_date");
    assert_eq!(retirement["fields"][0]["before"], "");
    assert_eq!(entry(new_code)["change"], "added");
    // Written nowhere.
    assert_eq!(versions(&admin, a.basic_code.as_str()).await, json!([1]));
    let (status, _) = admin
        .get_json(&format!("/api/v1/catalog/items/{new_code}"))
        .await;
    assert_eq!(status, 404);

    let (status, report) = import(&admin, "csv", false, file).await;
    assert_eq!(
        (status, report["published"].clone()),
        (200, json!(3)),
        "{report}"
    );
    assert_eq!(versions(&admin, a.basic_code.as_str()).await, json!([1, 2]));
    // A bad file's dry run refuses like the import, row by row.
    let (status, body) = import(&admin, "csv", true, b"basic_code\n1\n".to_vec()).await;
    assert_eq!(status, 400, "{body}");
    // Only the administrator may run one.
    let r = app
        .clerk()
        .await
        .post_bytes(
            "/api/v1/catalog/import?format=csv&dry_run=true",
            b"x".to_vec(),
        )
        .await;
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn the_import_page_offers_the_template_and_the_catalog_writes_limits_one_way() {
    let app = TestApp::spawn_demo().await;
    let admin = app.admin().await;
    let page = admin.get("/catalog/import").await.text().await.unwrap();
    assert!(page.contains("/api/v1/catalog/template.xlsx"), "{page}");
    assert!(page.contains("校验并预览"), "{page}");
    let list = admin
        .get("/catalog?category=licensing&q=演示生成")
        .await
        .text()
        .await
        .unwrap();
    assert!(list.contains("法定 20个工作日 / 承诺 10个工作日"), "{list}");
    assert!(!list.contains("20日 /"), "{list}");
}

#[tokio::test]
async fn the_queue_filters_by_a_named_member_of_staff() {
    let app = TestApp::spawn_demo().await;
    let clerk = app.clerk().await;
    let page = clerk.get("/cases").await.text().await.unwrap();
    let select = page
        .split("<select name=\"assignee\">")
        .nth(1)
        .and_then(|s| s.split("</select>").next())
        .unwrap_or_else(|| panic!("no assignee select in {page}"));
    assert!(select.contains("<option value=\"REVIEW\">"), "{select}");
    assert!(select.contains("，REVIEW）"), "{select}");
    assert!(!select.contains("value=\"CLERK\""), "{select}");
    let filtered = clerk
        .get("/cases?assignee=REVIEW2")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        filtered.contains("<option value=\"REVIEW2\" selected>"),
        "{filtered}"
    );
}

#[tokio::test]
async fn feedback_lists_show_the_licensee_never_a_persons_name() {
    let app = TestApp::spawn_demo_witnessed().await;
    let licence = approved_and_cosigned_licence(&app).await;
    let fg = app
        .department_token("FG", &["claim_push", "view_pushes", "submit_feedback"])
        .await;
    let r = fg
        .post(
            "/api/v1/linkage/feedback",
            &json!({"external_ref": "FG-JC-0001", "body": {"type": "supervision_record",
                "licence_id": licence, "inspected_on": "2026-11-24", "result": "compliant", "summary": "现场检查合格"}}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let (_, list) = fg.get_json("/api/v1/linkage/feedback").await;
    let row = &list["feedback"][0];
    assert_eq!(row["licence_id"], licence.as_str(), "{list}");
    assert_eq!(row["licensee"], applicant()["name"], "{list}");
    // The bureau's view shows it too.
    let head = app.head().await;
    let page = head.get("/linkage").await.text().await.unwrap();
    assert!(
        page.contains(&format!(
            "<td class=\"licensee\">{}</td>",
            applicant()["name"].as_str().unwrap()
        )),
        "{page}"
    );
}

/// The one-time token and CSRF token of a fresh intake form.
async fn form_tokens(clerk: &Actor) -> (String, String) {
    let page = clerk.get("/cases/new").await.text().await.unwrap();
    assert!(page.contains("enctype=\"multipart/form-data\""), "{page}");
    let value = |name: &str| {
        let at = page
            .find(&format!("name=\"{name}\" value=\""))
            .unwrap_or_else(|| panic!("no {name} in {page}"));
        page[at..].split('"').nth(3).unwrap().to_owned()
    };
    (value("csrf"), value("token"))
}

async fn post_intake(clerk: &Actor, item: &str, files: &[(&str, &[u8])]) -> (u16, String) {
    let (csrf, token) = form_tokens(clerk).await;
    let who = applicant();
    let (name, uscc) = (who["name"].as_str().unwrap(), who["uscc"].as_str().unwrap());
    let mut parts: Vec<(&str, Option<&str>, &[u8])> = vec![
        ("csrf", None, csrf.as_bytes()),
        ("token", None, token.as_bytes()),
        ("item", None, item.as_bytes()),
        ("channel", None, b"window"),
        ("applicant_type", None, b"organisation"),
        ("applicant_name", None, name.as_bytes()),
        ("applicant_code", None, uscc.as_bytes()),
        ("applicant_phone", None, b"13812345678"),
    ];
    for (name, bytes) in files {
        parts.push(("files", Some(name), bytes));
    }
    let (ctype, body) = multipart(&parts);
    let r = clerk
        .client
        .post(format!("{}/cases/new", clerk.base))
        .header("content-type", ctype)
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn case_count(clerk: &Actor) -> usize {
    let (_, q) = clerk.get_json("/api/v1/cases?limit=200").await;
    q["cases"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn files_chosen_at_intake_are_kept_in_the_material_store() {
    let app = TestApp::spawn_demo().await;
    let clerk = app.clerk().await;
    let item = crate::cases::expert_review_item(&app).await;
    let before = case_count(&clerk).await;
    // A file that is not PDF, OFD, JPEG or PNG: the form comes back, nothing is registered.
    let (status, page) = post_intake(&clerk, &item, &[("申请书.txt", b"plain text")]).await;
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("id=\"e-materials\""), "{page}");
    assert!(page.contains("申请书.txt"), "{page}");
    assert_eq!(case_count(&clerk).await, before);

    let (status, page) = post_intake(&clerk, &item, &[("申请书.pdf", PDF)]).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("id=\"materials-stored\""), "{page}");
    let number = page
        .split("id=\"case-number\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap()
        .to_owned();
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(PDF));
    let r = clerk
        .get(&format!("/api/v1/cases/{number}/materials/{sha}"))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().as_ref(), PDF);
    // The case lists it as received at intake, so no second upload is needed.
    let (_, case) = clerk.get_json(&format!("/api/v1/cases/{number}")).await;
    assert!(case.to_string().contains(&sha), "{case}");
}

#[tokio::test]
async fn extension_and_special_procedure_notices_are_sealed() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(time::macros::datetime!(2026-09-07 09:00 +8));
    let code = crate::cases::expert_review_item(&app).await;
    let clerk = app.clerk().await;
    let created: Value = clerk
        .post("/api/v1/cases", &json!({"item_code": code, "channel": "window", "applicant": applicant(),
            "materials": [{"name": "申请书", "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}]}))
        .await
        .json()
        .await
        .unwrap();
    let number = created["case_number"].as_str().unwrap().to_owned();
    step(&clerk, &number, json!({"action": "accept"})).await;
    step(&app.reviewer().await, &number, json!({"action": "review", "step": "initial_review", "opinion": "材料齐全", "substantive": true})).await;
    for n in 1..=2 {
        let reviewer = app.reviewer().await;
        let started = step(&reviewer, &number, json!({"action": "start_special_procedure", "procedure": "expert_review", "notice_reference": format!("专家评审告知书〔2026〕{n}号")})).await;
        assert!(started["sealed"]["es_id"].is_string(), "{started}");
        app.clock.advance(time::Duration::days(1));
        let reviewer = app.reviewer().await;
        step(
            &reviewer,
            &number,
            json!({"action": "end_special_procedure"}),
        )
        .await;
    }
    step(
        &app.sign_in("REVIEW2").await,
        &number,
        json!({"action": "review", "step": "review", "opinion": "符合条件", "substantive": true}),
    )
    .await;
    let extended = step(
        &app.head().await,
        &number,
        json!({"action": "extend", "authority": {"head": "bureau_head"}, "working_days": 5,
        "reason": "专家意见需补充论证", "applicant_notified_on": "2026-09-09"}),
    )
    .await;
    assert_eq!(
        extended["sealed"]["document_kind"], "extension_notice",
        "{extended}"
    );
    let clerk = app.clerk().await;
    let (_, list) = clerk
        .get_json(&format!("/api/v1/cases/{number}/documents"))
        .await;
    let sealed: Vec<(String, bool)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["kind"].as_str().unwrap().to_owned(), d["sealed"] == true))
        .collect();
    for kind in [
        "special_procedure_notice",
        "special_procedure_notice_2",
        "extension_notice",
    ] {
        assert!(sealed.contains(&(kind.to_owned(), true)), "{kind}: {list}");
        let r = clerk
            .get(&format!("/api/v1/cases/{number}/documents/{kind}"))
            .await;
        assert_eq!(r.status(), 200, "{kind}");
    }
    // No notice is listed a second time unsealed.
    assert!(
        !sealed
            .iter()
            .any(|(k, s)| !s && (k.starts_with("extension") || k.starts_with("special"))),
        "{list}"
    );
}
