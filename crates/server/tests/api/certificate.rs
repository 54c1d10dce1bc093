//! The licence's address and real scope (issue #18 item 4): an address given at intake, a
//! scope granted by the approver, both sealed in the decision and printed on the decision and
//! the certificate, shown by the licence's JSON and its verification page; a natural person's
//! address on the papers handed to them only, never in the ledger, a public page, a sealed
//! document or the licence record.

use oneseal_testkit::{Actor, TestApp, error_code};
use serde_json::{Value, json};

use crate::cases::{applicant, case_ready_for_decision_in, expert_review_item, step};
use crate::privacy::{Seeded, Seen, id_number, scan_ledger, scan_public};

const ORG_ADDRESS: &str = "济南市历下区泉城路188号";
const PERSON_ADDRESS: &str = "济南市市中区隐秘巷7号2单元";
const SCOPE: &str = "预包装食品（含冷藏冷冻食品）销售；热食类食品制售";

fn organisation() -> Value {
    let mut a = applicant();
    a["address"] = json!(format!("  {ORG_ADDRESS} "));
    a
}

fn person() -> Value {
    json!({"type": "natural_person", "name": "公孙证照", "id_number": id_number("37010219880214735"),
        "phone": "15963217409", "address": PERSON_ADDRESS})
}

/// The PDF's text without line breaks, or `None` without `pdftotext` (outside CI only).
async fn pdf_text(actor: &Actor, path: &str) -> (Vec<u8>, Option<String>) {
    let r = actor.get(path).await;
    assert_eq!(r.status(), 200, "{path}");
    let pdf = r.bytes().await.unwrap().to_vec();
    let file = std::env::temp_dir().join(format!(
        "oneseal-certaddr-{}-{}.pdf",
        std::process::id(),
        pdf.len()
    ));
    std::fs::write(&file, &pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output();
    let _ = std::fs::remove_file(&file);
    let text = match out {
        Ok(o) if o.status.success() => Some(
            String::from_utf8(o.stdout)
                .unwrap()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect(),
        ),
        _ => {
            assert!(std::env::var_os("CI").is_none(), "pdftotext is missing");
            None
        }
    };
    (pdf, text)
}

fn flat(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

async fn decide(app: &TestApp, number: &str, decision: Value) -> String {
    let decided = step(
        &app.approver().await,
        number,
        json!({"action": "decide", "decision": decision}),
    )
    .await;
    decided["sealed"]["license_id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_organisations_licence_shows_its_address_and_the_granted_scope_everywhere() {
    let app = TestApp::spawn_demo().await;
    let code = expert_review_item(&app).await;
    let (number, _) = case_ready_for_decision_in(&app, "", &code, organisation()).await;
    // The clerk sees the address as given (trimmed).
    let (_, case) = app
        .clerk()
        .await
        .get_json(&format!("/api/v1/cases/{number}"))
        .await;
    assert_eq!(case["events"][0]["address"], ORG_ADDRESS, "{case}");
    // The staff case page shows it to the clerk and to the approver alike.
    for staff in [app.clerk().await, app.approver().await] {
        let page = staff.get(&format!("/cases/{number}")).await.text().await;
        let page = page.unwrap();
        assert!(
            page.contains("applicant-address") && page.contains(ORG_ADDRESS),
            "the case page shows the address"
        );
    }
    let licence = decide(
        &app,
        &number,
        json!({"outcome": "approve", "scope": format!(" {SCOPE} ")}),
    )
    .await;
    let approver = app.approver().await;
    let (_, case) = approver.get_json(&format!("/api/v1/cases/{number}")).await;
    let decided = case["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "decided")
        .unwrap();
    assert_eq!(decided["decision"]["scope"], SCOPE, "{decided}");

    // The licence's JSON (a public register) carries both.
    let (status, json) = app
        .anonymous()
        .get_json(&format!("/api/v1/licences/{licence}"))
        .await;
    assert_eq!(status, 200, "{json}");
    assert_eq!(json["licence"]["scope"], SCOPE, "{json}");
    assert_eq!(json["licence"]["address"], ORG_ADDRESS, "{json}");

    // The verification page shows them from the sealed decision.
    let page = app
        .anonymous()
        .get(&format!("/verify/{licence}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(SCOPE) && page.contains(ORG_ADDRESS), "{page}");

    // The decision and the certificate print them; the same case gives the same bytes.
    let base = format!("/api/v1/cases/{number}/documents");
    let (decision_pdf, text) = pdf_text(&approver, &format!("{base}/decision")).await;
    if let Some(text) = text {
        for want in ["许可范围", &flat(SCOPE), "住所/经营场所", ORG_ADDRESS] {
            assert!(text.contains(want), "{want} missing: {text}");
        }
    }
    let (cert, text) = pdf_text(&approver, &format!("{base}/licence")).await;
    if let Some(text) = text {
        for want in [
            "持证主体",
            "济南泉城建设发展有限公司",
            "住所/经营场所",
            ORG_ADDRESS,
            "许可事项",
            "许可范围",
            &flat(SCOPE),
            "有效期限",
            &licence,
        ] {
            assert!(text.contains(want), "{want} missing: {text}");
        }
        assert!(!text.contains("核准的内容为准"), "{text}");
    }
    assert_eq!(
        pdf_text(&approver, &format!("{base}/licence")).await.0,
        cert
    );
    assert_eq!(
        pdf_text(&approver, &format!("{base}/decision")).await.0,
        decision_pdf
    );
}

#[tokio::test]
async fn a_grant_without_a_scope_prints_the_items_default() {
    let app = TestApp::spawn_demo().await;
    let code = expert_review_item(&app).await;
    let (number, _) = case_ready_for_decision_in(&app, "", &code, applicant()).await;
    let licence = decide(&app, &number, json!({"outcome": "approve"})).await;
    let (_, json) = app
        .anonymous()
        .get_json(&format!("/api/v1/licences/{licence}"))
        .await;
    let scope = json["licence"]["scope"].as_str().unwrap().to_owned();
    let item = json["licence"]["item_name"].as_str().unwrap();
    assert_eq!(scope, format!("{item}（按申请事项准予）"));
    assert!(json["licence"].get("address").is_none(), "{json}");
    let (_, text) = pdf_text(
        &app.approver().await,
        &format!("/api/v1/cases/{number}/documents/licence"),
    )
    .await;
    if let Some(text) = text {
        assert!(text.contains(&flat(&scope)), "{text}");
        assert!(!text.contains("住所/经营场所"), "no address given: {text}");
    }
}

#[tokio::test]
async fn a_bad_address_or_scope_is_a_field_error() {
    let app = TestApp::spawn_demo().await;
    let code = expert_review_item(&app).await;
    let clerk = app.clerk().await;
    let mut a = applicant();
    a["address"] = json!("路".repeat(201));
    let r = clerk
        .post(
            "/api/v1/cases",
            &json!({"item_code": code, "channel": "window", "applicant": a, "materials": []}),
        )
        .await;
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert!(body.to_string().contains("applicant.address"), "{body}");

    let (number, _) = case_ready_for_decision_in(&app, "", &code, applicant()).await;
    let r = app
        .approver()
        .await
        .post(
            &format!("/api/v1/cases/{number}/actions"),
            &json!({"action": "decide", "decision": {"outcome": "approve", "scope": "项".repeat(501)}}),
        )
        .await;
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert!(
        ["scope_too_long", "too_long"].contains(&error_code(&body)),
        "{body}"
    );
}

#[tokio::test]
async fn a_natural_persons_address_is_printed_for_them_and_published_nowhere() {
    let app = TestApp::spawn_demo_witnessed().await;
    let code = expert_review_item(&app).await;
    let (number, query) = case_ready_for_decision_in(&app, "", &code, person()).await;
    let licence = decide(&app, &number, json!({"outcome": "approve", "scope": SCOPE})).await;
    let (org_number, org_query) = case_ready_for_decision_in(&app, "", &code, organisation()).await;
    let org_licence = decide(&app, &org_number, json!({"outcome": "approve"})).await;
    app.checkpoint_and_cosign().await;

    // The certificate handed to the person (the applicant's copy, behind the query code).
    let anon = app.anonymous();
    let (_, text) = pdf_text(
        &anon,
        &format!("/progress/documents/licence?case={number}&code={query}"),
    )
    .await;
    if let Some(text) = text {
        assert!(text.contains(PERSON_ADDRESS), "{text}");
        assert!(text.contains(&flat(SCOPE)), "{text}");
    }

    // Nowhere public: the ledger, the public pages, the licence JSON, the sealed bundle.
    let mut seen = Seen {
        surfaces: Vec::new(),
    };
    scan_ledger(&app, &mut seen).await;
    let seeded = Seeded {
        cases: vec![(number.clone(), query), (org_number, org_query)],
        licences: vec![licence.clone(), org_licence.clone()],
    };
    scan_public(&app, &seeded, &mut seen).await;
    seen.assert_free_of(&[PERSON_ADDRESS.to_owned(), "隐秘巷".to_owned()]);
    // …which did read the organisation's address where it belongs, and the person's scope.
    let shown = |what: &str, needle: &str| {
        seen.surfaces
            .iter()
            .any(|(w, t)| w.contains(what) && t.contains(needle))
    };
    assert!(shown(&format!("/verify/{org_licence}"), ORG_ADDRESS));
    assert!(shown(&format!("/verify/{licence}"), SCOPE));
    assert!(
        !shown("/api/v1/log/", SCOPE),
        "a typed scope stays off the public ledger"
    );
}
