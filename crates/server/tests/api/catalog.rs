use oneseal_testkit::{TestApp, error_code};
use serde_json::Value;

async fn count(app: &TestApp, query: &str) -> u64 {
    let a = app.clerk().await;
    let (status, body) = a
        .get_json(&format!("/api/v1/catalog/items?per_page=1&{query}"))
        .await;
    assert_eq!(status, 200, "{body}");
    body["total"].as_u64().unwrap()
}

#[tokio::test]
async fn demo_catalog_has_the_reform_scale() {
    let app = TestApp::spawn_demo().await;
    assert_eq!(
        count(&app, "category=licensing&place=transferred").await,
        190
    );
    assert_eq!(count(&app, "category=related&place=transferred").await, 81);
    assert_eq!(count(&app, "place=hall_window").await, 90);
    assert_eq!(count(&app, "place=department").await, 10);
    assert!(count(&app, "q=食品经营许可").await >= 1);
}

/// `%`, `_` and `\` are searched for literally: no demo item's name or code holds one, so each
/// finds nothing (a LIKE wildcard would list every item).
#[tokio::test]
async fn search_text_with_like_wildcards_is_taken_literally() {
    let app = TestApp::spawn_demo().await;
    for q in ["%25", "_", "%5C", "食品%25", "9901_0"] {
        assert_eq!(count(&app, &format!("q={q}")).await, 0, "q={q}");
    }
    assert!(count(&app, "q=9901").await > 0);
}

#[tokio::test]
async fn item_detail_has_codes_basis_and_limits() {
    let app = TestApp::spawn_demo().await;
    let a = app.clerk().await;
    let (_, page) = a
        .get_json("/api/v1/catalog/items?q=食品经营许可&per_page=5")
        .await;
    let code = page["items"][0]["basic_code"].as_str().unwrap().to_owned();
    let (status, body) = a.get_json(&format!("/api/v1/catalog/items/{code}")).await;
    assert_eq!(status, 200);
    let item = &body["item"];
    assert_eq!(item["implementation_code"].as_str().unwrap().len(), 31);
    assert!(
        item["implementation_code"]
            .as_str()
            .unwrap()
            .ends_with(&code)
    );
    assert!(!item["legal_basis"].as_array().unwrap().is_empty());
    assert_eq!(body["versions"], serde_json::json!([1]));
    let (status, body) = a.get_json("/api/v1/catalog/items/000000000000").await;
    assert_eq!((status, error_code(&body)), (404, "not_found"));
}

#[tokio::test]
async fn export_then_import_round_trips_without_new_versions() {
    let app = TestApp::spawn_demo().await;
    let admin = app.admin().await;
    for format in ["csv", "xlsx"] {
        let file = admin
            .get(&format!("/api/v1/catalog/export?format={format}"))
            .await
            .bytes()
            .await
            .unwrap();
        let r = admin
            .post_bytes(
                &format!("/api/v1/catalog/import?format={format}"),
                file.to_vec(),
            )
            .await;
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["published"], 0, "{format}: {body}");
        assert_eq!(
            body["unchanged"].as_u64().unwrap(),
            count(&app, "").await,
            "{format}"
        );
    }
}

#[tokio::test]
async fn import_with_one_bad_row_writes_nothing_and_names_row_and_column() {
    let app = TestApp::spawn_demo().await;
    let admin = app.admin().await;
    let csv = admin
        .get("/api/v1/catalog/export?format=csv")
        .await
        .text()
        .await
        .unwrap();
    let csv = csv.trim_start_matches('\u{feff}');
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let name_col = header
        .iter()
        .position(|h| h == "name")
        .expect("name column");
    let limit_col = header
        .iter()
        .position(|h| h == "statutory_limit")
        .expect("statutory_limit column");
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(&header).unwrap();
    // Rename every item (so a good import would publish new versions) and break the time limit
    // in the third data record, which a spreadsheet shows as row 4.
    for (i, rec) in reader.records().enumerate() {
        let mut fields: Vec<String> = rec.unwrap().iter().map(str::to_owned).collect();
        fields[name_col] = format!("{}（改）", fields[name_col]);
        if i == 2 {
            fields[limit_col] = "twenty days".into();
        }
        out.write_record(&fields).unwrap();
    }
    let file = out.into_inner().unwrap();
    let before_head = app.anonymous().get_json("/healthz").await.1["ledger_size"].clone();
    let r = admin
        .post_bytes("/api/v1/catalog/import?format=csv", file)
        .await;
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "import_rejected");
    let errors = body["error"]["details"]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["row"], 4);
    assert_eq!(errors[0]["column"], "statutory_limit");
    assert_eq!(errors[0]["value"], "twenty days");
    assert_eq!(
        app.anonymous().get_json("/healthz").await.1["ledger_size"],
        before_head,
        "nothing may be written"
    );
    assert_eq!(count(&app, "q=（改）").await, 0);
}
