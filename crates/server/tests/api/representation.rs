//! 委托代理 and 帮办代办 at intake (issue #19 item 3): an agent files with an authorisation
//! recorded on the receipt, hall staff file for a walk-in applicant with the applicant's
//! consent; the typed refusals; the agent's ID masked for all but the clerk and absent from
//! public pages; the window form and the receipt PDF; an online application filed by an agent.

use oneseal_domain::catalog::UnifiedSocialCreditCode;
use oneseal_testkit::{Actor, TestApp, error_code};
use reqwest::Method;
use serde_json::{Value, json};

use crate::applicant::upload_file;
use crate::materials::{PDF, multipart};

const ITEM: &str = "990100001000";
const APPLICANT_ID: &str = "11010519491231002X";
/// The agent's ID (a valid GB 11643 number).
const AGENT_ID: &str = "370102198001011237";
const AGENT_NAME: &str = "李代理";

fn company() -> Value {
    let uscc = UnifiedSocialCreditCode::with_check_character("91370100MA3C0RT1X").unwrap();
    json!({"type": "organisation", "name": "济南泉城餐饮有限公司", "uscc": uscc.as_str(), "contact_phone": "13800138000"})
}

fn person() -> Value {
    json!({"type": "natural_person", "name": "王大爷", "id_number": APPLICANT_ID, "phone": "13800138000"})
}

fn agent(sha: &str) -> Value {
    json!({"kind": "agent", "agent_name": AGENT_NAME, "agent_id_number": AGENT_ID, "authorisation_sha256": sha})
}

async fn create(actor: &Actor, applicant: Value, rep: Value) -> (u16, Value) {
    let r = actor
        .post(
            "/api/v1/cases",
            &json!({"item_code": ITEM, "channel": "window", "applicant": applicant, "representation": rep}),
        )
        .await;
    (r.status().as_u16(), r.json().await.unwrap())
}

fn field_codes(v: &Value) -> Vec<(String, String)> {
    v["error"]["details"]["errors"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or_default().to_owned(),
                e["code"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn an_organisations_agent_files_with_the_authorisation_on_the_receipt() {
    let app = TestApp::spawn_demo().await;
    let clerk = app.clerk().await;
    // The digest of the scan the clerk uploads afterwards.
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(PDF));
    let (status, v) = create(&clerk, company(), agent(&sha)).await;
    assert_eq!(status, 200, "{v}");
    let number = v["case_number"].as_str().unwrap().to_owned();
    let (_, case) = clerk.get_json(&format!("/api/v1/cases/{number}")).await;
    let rep = &case["events"][0]["representation"];
    assert_eq!(rep["kind"], "agent", "{case}");
    assert_eq!(rep["name"], AGENT_NAME);
    assert_eq!(rep["id_number"], AGENT_ID, "the clerk sees it in full");
    assert_eq!(rep["authorisation"], sha.as_str());
    // A reviewer sees the agent's ID masked, as the applicant's.
    let reviewer = app.reviewer().await;
    let (_, case) = reviewer.get_json(&format!("/api/v1/cases/{number}")).await;
    let id = case["events"][0]["representation"]["id_number"]
        .as_str()
        .unwrap();
    assert_ne!(id, AGENT_ID);
    assert!(id.starts_with("3701") && id.contains('*'), "{id}");
    // The staff case page shows who filed, the scan not yet uploaded.
    let page = clerk
        .get(&format!("/cases/{number}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(AGENT_NAME), "{page}");
    assert!(page.contains("委托代理（凭授权委托书）"));
    assert!(page.contains("未上传扫描件"));
    // Uploading the scan under its digest marks it kept.
    let (status, stored) = crate::materials::upload(&clerk, &number, "授权委托书", PDF).await;
    assert_eq!(status, 200, "{stored}");
    let page = clerk
        .get(&format!("/cases/{number}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("已存入材料库"), "{page}");
    // Nothing of the agent reaches the public ledger (every entry, tile and receipt).
    app.checkpoint().await;
    let mut seen = crate::privacy::Seen {
        surfaces: Vec::new(),
    };
    assert!(crate::privacy::scan_ledger(&app, &mut seen).await > 0);
    seen.assert_free_of(&[AGENT_NAME.to_owned(), AGENT_ID.to_owned()]);
}

#[tokio::test]
async fn art29_every_agent_needs_the_authorisation_and_is_not_the_applicant() {
    let app = TestApp::spawn_demo().await;
    let clerk = app.clerk().await;
    // A natural person's agent needs the authorisation too.
    let (status, v) = create(&clerk, person(), agent("")).await;
    assert_eq!(status, 400, "{v}");
    assert_eq!(
        field_codes(&v),
        [(
            "representation.authorisation_sha256".to_owned(),
            "authorisation_required".to_owned()
        )]
    );
    assert!(
        v["error"]["details"]["errors"][0]["message_zh"]
            .as_str()
            .unwrap()
            .contains("授权委托书")
    );
    // Nobody is their own agent.
    let mut own = agent(&"ab".repeat(32));
    own["agent_id_number"] = json!(APPLICANT_ID);
    let (status, v) = create(&clerk, person(), own).await;
    assert_eq!(status, 400);
    assert_eq!(field_codes(&v)[0].1, "agent_is_applicant");
    // An unknown kind, and an over-long name, are typed refusals.
    let (status, v) = create(&clerk, person(), json!({"kind": "proxy"})).await;
    assert_eq!(
        (status, field_codes(&v)[0].1.as_str()),
        (400, "invalid_choice")
    );
    let mut long = agent(&"ab".repeat(32));
    long["agent_name"] = json!("名".repeat(101));
    let (status, v) = create(&clerk, person(), long).await;
    assert_eq!((status, field_codes(&v)[0].1.as_str()), (400, "too_long"));
    let (_, list) = clerk.get_json("/api/v1/cases?include_closed=true").await;
    assert!(
        list["cases"].as_array().unwrap().is_empty(),
        "nothing registered"
    );
}

#[tokio::test]
async fn staff_file_on_behalf_only_with_the_applicants_consent() {
    let app = TestApp::spawn_demo().await;
    let clerk = app.clerk().await;
    let (status, v) = create(&clerk, person(), json!({"kind": "on_behalf"})).await;
    assert_eq!(status, 400, "{v}");
    assert_eq!(
        field_codes(&v),
        [(
            "representation.consent".to_owned(),
            "consent_required".to_owned()
        )]
    );
    // Online applications are the applicant's own.
    let r = clerk
        .post(
            "/api/v1/cases",
            &json!({"item_code": ITEM, "channel": "online", "applicant": person(),
                    "representation": {"kind": "on_behalf", "consent": "signed_form"}}),
        )
        .await;
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(field_codes(&v)[0].1, "on_behalf_window_only");

    let before = app.clock_now();
    let (status, v) = create(
        &clerk,
        person(),
        json!({"kind": "on_behalf", "consent": "verbal_at_window"}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let number = v["case_number"].as_str().unwrap().to_owned();
    let code = v["query_code"].as_str().unwrap().to_owned();
    let (_, case) = clerk.get_json(&format!("/api/v1/cases/{number}")).await;
    let rep = &case["events"][0]["representation"];
    assert_eq!(rep["kind"], "on_behalf");
    assert_eq!(rep["consent"], "verbal_at_window");
    assert_eq!(rep["filed_by"], "CLERK");
    let at = time::OffsetDateTime::parse(
        rep["consented_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert!(at.unix_timestamp() >= before - 1, "recorded with its time");
    let page = clerk
        .get(&format!("/cases/{number}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("申请人在窗口当面口头同意"), "{page}");
    assert!(page.contains("帮办代办"));
    // The applicant's receipt (with the query code) says who filed and how they consented.
    let r = app
        .anonymous()
        .get(&format!(
            "/progress/documents/receipt?case={number}&code={code}"
        ))
        .await;
    assert_eq!(r.status(), 200);
    let pdf = r.bytes().await.unwrap();
    if let Some(text) = crate::documents::pdf_text(&pdf) {
        let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(flat.contains("帮办代办"), "{flat}");
        assert!(flat.contains("申请人在窗口当面口头同意"), "{flat}");
    }
}

#[tokio::test]
async fn the_window_form_files_on_behalf_and_keeps_an_agents_authorisation_scan() {
    let app = TestApp::spawn_demo().await;
    let clerk = app.clerk().await;
    let page = clerk.get("/cases/new").await.text().await.unwrap();
    assert!(page.contains("name=\"representation\"") && page.contains("name=\"consent\""));
    let csrf = clerk.csrf.clone().unwrap();
    let post = |parts: Vec<(&'static str, Option<&'static str>, Vec<u8>)>| {
        let clerk = &clerk;
        async move {
            let parts: Vec<(&str, Option<&str>, &[u8])> = parts
                .iter()
                .map(|(a, b, c)| (*a, *b, c.as_slice()))
                .collect();
            let (ctype, body) = multipart(&parts);
            let r = clerk
                .request(Method::POST, "/cases/new")
                .header("content-type", ctype)
                .body(body)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let base = |token: &'static str, rep: &'static str, consent: &'static str| {
        vec![
            ("csrf", None, csrf.clone().into_bytes()),
            ("token", None, token.as_bytes().to_vec()),
            ("item", None, ITEM.as_bytes().to_vec()),
            ("channel", None, b"window".to_vec()),
            ("applicant_type", None, b"natural_person".to_vec()),
            ("applicant_name", None, "王大爷".as_bytes().to_vec()),
            ("applicant_code", None, APPLICANT_ID.as_bytes().to_vec()),
            ("applicant_phone", None, b"13800138000".to_vec()),
            ("representation", None, rep.as_bytes().to_vec()),
            ("consent", None, consent.as_bytes().to_vec()),
        ]
    };
    // No consent chosen: the form comes back with the problem beside its field.
    let (status, page) = post(base("form-rep-1", "on_behalf", "")).await;
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("id=\"e-consent\""), "{page}");
    let (status, page) = post(base("form-rep-2", "on_behalf", "signed_form")).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("id=\"case-number\""));
    // An agent with the authorisation's scan chosen on the form: kept in the material store.
    let mut parts = base("form-rep-3", "agent", "");
    parts.push(("agent_name", None, AGENT_NAME.as_bytes().to_vec()));
    parts.push(("agent_id_number", None, AGENT_ID.as_bytes().to_vec()));
    parts.push(("authorisation", Some("weituo.pdf"), PDF.to_vec()));
    let (status, page) = post(parts).await;
    assert_eq!(status, 200, "{page}");
    let number = page
        .split("id=\"case-number\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap()
        .to_owned();
    let page = clerk
        .get(&format!("/cases/{number}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(AGENT_NAME), "{page}");
    assert!(page.contains("已存入材料库"), "{page}");
}

#[tokio::test]
async fn an_online_application_names_its_agent_and_uploads_the_authorisation() {
    let app = TestApp::spawn_demo().await;
    let a = app.applicant("13712345678").await;
    let (status, file) = upload_file(&a, "授权委托书", PDF).await;
    assert_eq!(status, 200, "{file}");
    let sha = file["sha256"].as_str().unwrap().to_owned();
    // An authorisation the applicant did not upload is refused.
    let body = json!({"item_code": ITEM, "channel": "online", "applicant": company(),
                      "representation": agent(&"0".repeat(64))});
    let r = a.post("/api/v1/applicant/applications", &body).await;
    assert_eq!(r.status(), 400);
    assert_eq!(error_code(&r.json().await.unwrap()), "unknown_file");
    let body = json!({"item_code": ITEM, "channel": "online", "applicant": company(),
                      "representation": agent(&sha)});
    let r = a.post("/api/v1/applicant/applications", &body).await;
    let sent: Value = r.json().await.unwrap();
    assert_eq!(sent["status"], "submitted", "{sent}");
    let id = sent["id"].as_str().unwrap().to_owned();
    let clerk = app.clerk().await;
    let r = clerk
        .post(
            &format!("/api/v1/online-applications/{id}/receive"),
            &json!({}),
        )
        .await;
    let received: Value = r.json().await.unwrap();
    assert_eq!(received["received"], "registered", "{received}");
    assert_eq!(
        received["stored"], 1,
        "the authorisation is kept on the case"
    );
    let number = received["case_number"].as_str().unwrap();
    let (_, case) = clerk.get_json(&format!("/api/v1/cases/{number}")).await;
    assert_eq!(
        case["events"][0]["representation"]["authorisation"],
        sha.as_str()
    );
}
