//! The case's material files (issue #18 item 2): a clerk uploads PDF, OFD, JPEG or PNG files
//! (told from their bytes) within the per-file and per-case limits, each upload is a ledger
//! event whose public entry holds neither the digest nor a typed name, and whoever may view the
//! case downloads them with their sniffed type and a policy that keeps them inert.
//!
//! The same checks run against every material store: the local directory here, the
//! S3-compatible one in `materials_s3` (against a real `s3s-fs`).

use std::sync::Arc;

use oneseal_server::services::materials::{LocalDir, MaterialLimits, MaterialStore, Materials};
use oneseal_testkit::{Actor, TestApp, error_code};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::Digest;

use crate::cases::{applicant, step};

pub(crate) const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
/// A 1×1 PNG.
pub(crate) const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x60, 0x00, 0x02, 0x00,
    0x00, 0x05, 0x00, 0x01, 0xE9, 0xFA, 0xDC, 0xD8, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44,
    0xAE, 0x42, 0x60, 0x82,
];

fn hex_sha(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

/// A multipart body with the given (field, file name, bytes) parts, and its content type.
pub(crate) fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----oneseal-test-7d9a1c";
    let mut body = Vec::new();
    for (field, file, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some(f) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{field}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{field}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub(crate) async fn upload(actor: &Actor, number: &str, name: &str, bytes: &[u8]) -> (u16, Value) {
    let (ctype, body) = multipart(&[
        ("name", None, name.as_bytes()),
        ("file", Some("f.bin"), bytes),
    ]);
    send(actor, number, ctype, body).await
}

async fn send(actor: &Actor, number: &str, ctype: String, body: Vec<u8>) -> (u16, Value) {
    let r = actor
        .request(Method::POST, &format!("/api/v1/cases/{number}/materials"))
        .header("content-type", ctype)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// A fresh case received by the city's clerk; returns its number and the catalog checklist's
/// first material name.
pub(crate) async fn new_case(app: &TestApp) -> (String, String) {
    let code = crate::cases::expert_review_item(app).await;
    let clerk = app.clerk().await;
    let (_, item) = clerk
        .get_json(&format!("/api/v1/catalog/items/{code}"))
        .await;
    let listed = item["item"]["materials"][0]["name"]
        .as_str()
        .unwrap()
        .to_owned();
    let created: Value = clerk
        .post(
            "/api/v1/cases",
            &json!({"item_code": code, "channel": "window", "applicant": applicant()}),
        )
        .await
        .json()
        .await
        .unwrap();
    (created["case_number"].as_str().unwrap().to_owned(), listed)
}

/// Uploads, lists, downloads and the public entry, for any store.
pub(crate) async fn uploads_are_stored_listed_and_served(app: &TestApp) {
    let (number, listed) = new_case(app).await;
    let clerk = app.clerk().await;
    let (code, pdf) = upload(&clerk, &number, &listed, PDF).await;
    assert_eq!(code, 200, "{pdf}");
    assert_eq!(pdf["duplicate"], false);
    assert_eq!(pdf["material"]["media_type"], "pdf");
    assert_eq!(pdf["material"]["listed"], true);
    assert_eq!(pdf["material"]["sha256"], hex_sha(PDF));
    assert_eq!(pdf["material"]["size"], PDF.len());
    assert_eq!(pdf["material"]["uploaded_by"], "CLERK");
    let typed = "张三提供的现场照片";
    let (code, png) = upload(&clerk, &number, typed, PNG).await;
    assert_eq!(code, 200, "{png}");
    assert_eq!(png["material"]["listed"], false);
    assert_eq!(png["material"]["media_type"], "png");

    // The same file again records nothing new.
    let (code, again) = upload(&clerk, &number, &listed, PDF).await;
    assert_eq!(code, 200);
    assert_eq!(again["duplicate"], true);
    assert!(again["ledger_index"].is_null());

    let reviewer = app.reviewer().await;
    let (_, case) = reviewer.get_json(&format!("/api/v1/cases/{number}")).await;
    let files = case["materials"].as_array().unwrap();
    assert_eq!(files.len(), 2, "{case}");
    let href = pdf["material"]["href"].as_str().unwrap();
    assert!(files.iter().any(|f| f["href"] == href));

    for (v, bytes, ctype, inline) in [
        (&pdf, PDF, "application/pdf", true),
        (&png, PNG, "image/png", true),
    ] {
        let r = reviewer.get(v["material"]["href"].as_str().unwrap()).await;
        assert_eq!(r.status(), 200);
        let h = r.headers().clone();
        assert_eq!(h["content-type"], ctype);
        assert_eq!(h["x-content-type-options"], "nosniff");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'none'"), "{csp}");
        assert!(!csp.contains("script-src"), "{csp}");
        let disposition = h["content-disposition"].to_str().unwrap();
        assert_eq!(disposition.starts_with("inline"), inline, "{disposition}");
        assert_eq!(r.bytes().await.unwrap().as_ref(), bytes);
    }

    // The public entry names the checklist material, never the typed name or a digest.
    app.checkpoint().await;
    let anon = app.anonymous();
    for (v, public_name) in [(&pdf, Some(listed.as_str())), (&png, None)] {
        let i = v["ledger_index"].as_u64().unwrap();
        let r = anon.get(&format!("/api/v1/log/370100/entries/{i}")).await;
        assert_eq!(r.status(), 200);
        let entry = String::from_utf8(r.bytes().await.unwrap().to_vec()).unwrap();
        assert!(entry.contains("case.material_stored"), "{entry}");
        assert!(entry.contains(&number));
        assert!(
            !entry.contains(&hex_sha(PDF)) && !entry.contains(&hex_sha(PNG)),
            "{entry}"
        );
        assert!(!entry.contains(typed), "{entry}");
        if let Some(n) = public_name {
            assert!(entry.contains(n), "{entry}");
        }
    }
}

#[tokio::test]
async fn a_clerk_stores_files_on_disk_and_whoever_may_view_the_case_downloads_them() {
    let dir = std::env::temp_dir().join(format!("oneseal-mat-{}", std::process::id()));
    let materials = Materials::new(
        MaterialStore::Local(LocalDir::new(&dir)),
        MaterialLimits::default(),
    );
    let app = TestApp::spawn_demo_with_materials(materials).await;
    uploads_are_stored_listed_and_served(&app).await;
    let sha = hex_sha(PDF);
    let on_disk = dir.join("sha256").join(&sha[..2]).join(&sha);
    assert_eq!(std::fs::read(on_disk).unwrap(), PDF);
    drop(app);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Who may do what: the access matrix of the case decides.
pub(crate) async fn only_the_cases_staff_reach_its_files(app: &TestApp) {
    let (number, listed) = new_case(app).await;
    let clerk = app.clerk().await;
    let (_, pdf) = upload(&clerk, &number, &listed, PDF).await;
    let href = pdf["material"]["href"].as_str().unwrap().to_owned();

    // A reviewer views cases but does not receive materials; a county's clerk reaches neither.
    let (code, body) = upload(&app.reviewer().await, &number, &listed, PNG).await;
    assert_eq!((code, error_code(&body)), (403, "forbidden_role"), "{body}");
    let county = app.sign_in("PY-CLERK").await;
    let (code, _) = upload(&county, &number, &listed, PNG).await;
    assert_eq!(code, 403);
    assert_eq!(county.get(&href).await.status(), 403);
    assert_eq!(app.anonymous().get(&href).await.status(), 401);
    let dept = app.department_token("SCJG", &["view_pushes"]).await;
    assert!(matches!(dept.get(&href).await.status().as_u16(), 401 | 403));
    for a in [
        app.approver().await,
        app.head().await,
        app.inspector().await,
    ] {
        assert_eq!(a.get(&href).await.status(), 200);
    }
    // A file is reached through the case that lists it only.
    let (other, _) = new_case(app).await;
    let r = clerk
        .get(&format!("/api/v1/cases/{other}/materials/{}", hex_sha(PDF)))
        .await;
    assert_eq!(r.status(), 404);
    let (code, body) = clerk
        .get_json(&format!("/api/v1/cases/{number}/materials/xyz"))
        .await;
    assert_eq!((code, error_code(&body)), (400, "bad_sha256"));
}

#[tokio::test]
async fn only_the_cases_staff_reach_its_files_on_disk() {
    let app = TestApp::spawn_demo().await;
    only_the_cases_staff_reach_its_files(&app).await;
}

/// Everything a clerk can get wrong, each with its code, and nothing recorded.
pub(crate) async fn bad_uploads_are_refused_with_typed_errors(app: &TestApp) {
    let (number, listed) = new_case(app).await;
    let clerk = app.clerk().await;
    let cases = [
        (
            &b"<html><script>alert(1)</script>"[..],
            415,
            "unsupported_material_type",
        ),
        (&b"GIF89a...."[..], 415, "unsupported_material_type"),
        (&b""[..], 415, "unsupported_material_type"),
    ];
    for (bytes, status, code) in cases {
        let (s, body) = upload(&clerk, &number, &listed, bytes).await;
        assert_eq!((s, error_code(&body)), (status, code), "{body}");
        assert!(
            body["error"]["message_zh"]
                .as_str()
                .unwrap()
                .contains("PDF")
        );
    }
    let (s, body) = upload(&clerk, &number, "  ", PDF).await;
    assert_eq!((s, error_code(&body)), (400, "bad_material_name"));
    let (ctype, only_name) = multipart(&[("name", None, listed.as_bytes())]);
    let (s, body) = send(&clerk, &number, ctype, only_name).await;
    assert_eq!((s, error_code(&body)), (400, "material_missing"));
    let (ctype, extra) = multipart(&[
        ("name", None, listed.as_bytes()),
        ("file", Some("a.pdf"), PDF),
        ("file", Some("b.pdf"), PDF),
    ]);
    let (s, body) = send(&clerk, &number, ctype, extra).await;
    assert_eq!((s, error_code(&body)), (400, "bad_upload"));
    let (s, body) = send(&clerk, &number, "text/plain".into(), PDF.to_vec()).await;
    assert_eq!((s, error_code(&body)), (400, "bad_upload"), "{body}");
    let (s, body) = upload(&clerk, "12", &listed, PDF).await;
    assert_eq!((s, error_code(&body)), (400, "bad_case_number"));
    let (_, case) = clerk.get_json(&format!("/api/v1/cases/{number}")).await;
    assert_eq!(case["materials"].as_array().unwrap().len(), 0);

    // A closed case takes no more files.
    step(&clerk, &number, json!({"action": "withdraw"})).await;
    let (s, body) = upload(&clerk, &number, &listed, PDF).await;
    assert_eq!((s, error_code(&body)), (409, "case_closed"));
}

#[tokio::test]
async fn bad_uploads_are_refused_with_typed_errors_on_disk() {
    let app = TestApp::spawn_demo().await;
    bad_uploads_are_refused_with_typed_errors(&app).await;
}

/// Small limits: 1 KiB a file, 2 KiB a case.
pub(crate) fn small_limits() -> MaterialLimits {
    MaterialLimits {
        max_file: 1024,
        max_case: 2048,
    }
}

/// With [`small_limits`]: a file over the limit is refused (413) whether its size is announced
/// or found while reading, and a case over its total is refused (400).
pub(crate) async fn limits_hold_per_file_and_per_case(app: &TestApp) {
    let (number, listed) = new_case(app).await;
    let clerk = app.clerk().await;
    let pdf_of = |n: usize, fill: u8| {
        let mut b = PDF.to_vec();
        b.resize(n, fill);
        b
    };
    let (s, body) = upload(&clerk, &number, &listed, &pdf_of(1025, b' ')).await;
    assert_eq!(
        (s, error_code(&body)),
        (413, "material_too_large"),
        "{body}"
    );
    assert_eq!(body["error"]["details"]["max_bytes"], 1024);
    // Far over the request limit: refused from its Content-Length, before it is read.
    let (s, body) = upload(&clerk, &number, &listed, &pdf_of(300 << 10, b' ')).await;
    assert_eq!(
        (s, error_code(&body)),
        (413, "material_too_large"),
        "{body}"
    );
    for fill in [b'a', b'b'] {
        let (s, body) = upload(&clerk, &number, &listed, &pdf_of(1000, fill)).await;
        assert_eq!(s, 200, "{body}");
    }
    let (s, body) = upload(&clerk, &number, &listed, &pdf_of(100, b'c')).await;
    assert_eq!(
        (s, error_code(&body)),
        (400, "case_materials_full"),
        "{body}"
    );
    assert_eq!(body["error"]["details"]["used_bytes"], 2000);
}

#[tokio::test]
async fn limits_hold_per_file_and_per_case_on_disk() {
    let dir = std::env::temp_dir().join(format!("oneseal-mat-small-{}", std::process::id()));
    let materials = Materials::new(MaterialStore::Local(LocalDir::new(&dir)), small_limits());
    let app = TestApp::spawn_demo_with_materials(materials).await;
    limits_hold_per_file_and_per_case(&app).await;
    drop(app);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Keeps `Arc` in use for the S3 module's constructors.
pub(crate) fn materials_with(store: MaterialStore, limits: MaterialLimits) -> Arc<Materials> {
    Materials::new(store, limits)
}
