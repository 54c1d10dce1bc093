//! The applicant's side of "one thing" applications and 告知承诺, closing issue #19's gaps: each
//! case of a bundle answers its own one-time notice and 容缺 list online; each item of a bundle
//! under 告知承诺制 is signed on its own case; a commitment's verification names the licence once
//! a held licence is released, so a false commitment revokes that licence; the printed decision
//! quotes the commitment.

use oneseal_testkit::{Actor, TestApp, error_code};
use serde_json::{Value, json};
use time::macros::datetime;

use crate::applicant::upload_file;
use crate::cases::{applicant, step};
use crate::documents::pdf_text;
use crate::materials::PDF;

/// 食品经营许可: under 告知承诺制 (two months), on the 容缺 list; SCJG supervises it.
const FOOD: &str = "990100001000";
/// 药品零售企业许可: not under 告知承诺制.
const PHARMACY: &str = "990100002000";
/// 我要开药店: 药品零售企业许可, 食品经营许可 (second), 户外广告设置.
const OPEN_PHARMACY: &str = "open-pharmacy";
/// The 容缺 material of 食品经营许可.
const RULES: &str = "食品安全自查、从业人员健康管理等食品安全管理制度";
const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

fn person(phone: &str) -> Value {
    json!({"type": "natural_person", "name": "钱一件", "id_number": "11010519491231002X", "phone": phone})
}

async fn mine(a: &Actor) -> Vec<Value> {
    let (status, v) = a.get_json("/api/v1/applicant/applications").await;
    assert_eq!(status, 200, "{v}");
    v["applications"].as_array().unwrap().clone()
}

async fn receive(app: &TestApp, id: &str) -> Value {
    let r = app
        .clerk()
        .await
        .post(
            &format!("/api/v1/online-applications/{id}/receive"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    r.json().await.unwrap()
}

/// The pharmacy bundle applied for online (`extra` merged into the body) and received: (id,
/// the cases in order).
async fn pharmacy_online(
    app: &TestApp,
    a: &Actor,
    phone: &str,
    extra: Value,
) -> (String, Vec<String>) {
    let mut materials = Vec::new();
    for (i, name) in ["营业执照", "药品经营许可申请书", "食品经营许可申请书"]
        .iter()
        .enumerate()
    {
        let bytes = format!("%PDF-1.4\n% answers {i}\n%%EOF\n");
        let (status, file) = upload_file(a, name, bytes.as_bytes()).await;
        assert_eq!(status, 200, "{file}");
        materials.push(json!({"name": name, "sha256": file["sha256"]}));
    }
    let mut body =
        json!({"bundle": OPEN_PHARMACY, "applicant": person(phone), "materials": materials});
    if let (Some(m), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        m.extend(e.clone());
    }
    let r = a.post("/api/v1/applicant/applications", &body).await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    let id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let got = receive(app, &id).await;
    let cases = got["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect::<Vec<_>>();
    assert_eq!(cases.len(), 3, "{got}");
    (id, cases)
}

async fn reviewed(app: &TestApp, number: &str) {
    for r in ["REVIEW", "REVIEW2"] {
        let reviewer = app.sign_in(r).await;
        step(&reviewer, number, json!({"action": "review", "step": "review", "opinion": "符合条件", "substantive": true})).await;
    }
}

async fn supplement(a: &Actor, id: &str, body: &Value) -> (u16, Value) {
    let r = a
        .post(
            &format!("/api/v1/applicant/applications/{id}/supplement"),
            body,
        )
        .await;
    (
        r.status().as_u16(),
        r.json::<Value>().await.unwrap_or(Value::Null),
    )
}

async fn events(app: &TestApp, number: &str) -> String {
    let (status, case) = app
        .clerk()
        .await
        .get_json(&format!("/api/v1/cases/{number}"))
        .await;
    assert_eq!(status, 200, "{case}");
    case.to_string()
}

#[tokio::test]
async fn the_second_case_of_a_bundle_answers_its_own_notice_and_deferral_online() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(datetime!(2026-09-07 09:00 +8));
    let phone = "13712340201";
    let a = app.applicant(phone).await;
    let (id, cases) = pharmacy_online(&app, &a, phone, json!({})).await;
    let (first, second) = (cases[0].as_str(), cases[1].as_str());
    let clerk = app.clerk().await;

    // The second case (食品经营许可) gets a one-time notice; "my applications" shows it there.
    step(&clerk, second, json!({"action": "one_time_notice", "items": [{"material": "食品经营许可申请书", "problem": "incorrect", "detail": "请补签申请人签名"}]})).await;
    let row = &mine(&a).await[0];
    let listed = &row["bundle"]["cases"];
    assert_eq!(
        listed[1]["notice"][0]["material"], "食品经营许可申请书",
        "{row}"
    );
    assert!(listed[0]["notice"].as_array().unwrap().is_empty(), "{row}");
    assert!(
        row["notice"].as_array().unwrap().is_empty(),
        "the first case has none"
    );
    let page = a.get("/my").await.text().await.unwrap();
    assert!(
        page.contains(&format!(
            "class=\"supplement-form intake\" data-id=\"{id}\" data-case=\"{second}\""
        )),
        "{page}"
    );
    assert!(!page.contains(&format!(
        "data-case=\"{first}\">\n  <div class=\"field\"><label for=\"sup-"
    )));

    // Answering the first case (no notice) is refused; a case of another application is unknown.
    let (_, file) = upload_file(&a, "食品经营许可申请书", b"%PDF-1.4\n% signed\n%%EOF\n").await;
    let answer = |case: &str| json!({"case_number": case, "materials": [{"name": "食品经营许可申请书", "sha256": file["sha256"]}]});
    let (status, body) = supplement(&a, &id, &answer(first)).await;
    assert_eq!(
        (status, error_code(&body)),
        (409, "no_open_notice"),
        "{body}"
    );
    let b = app.applicant("13712340202").await;
    let (other_id, other) = pharmacy_online(&app, &b, "13712340202", json!({})).await;
    let (status, _) = supplement(&a, &id, &answer(&other[1])).await;
    assert_eq!(status, 404, "a case another application opened");
    let (status, _) = supplement(&b, &other_id, &answer(second)).await;
    assert_eq!(status, 404, "not the other applicant's case");

    // Answered for the second case: it is that case the clerk's receipt records it on.
    let (status, body) = supplement(&a, &id, &answer(second)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["case_number"], second);
    let row = &mine(&a).await[0];
    assert_eq!(row["bundle"]["cases"][1]["supplement_sent"], true, "{row}");
    assert_eq!(row["bundle"]["cases"][0]["supplement_sent"], false);
    let (_, waiting) = clerk.get_json("/api/v1/online-applications").await;
    let w = waiting["applications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"] == id.as_str())
        .unwrap_or_else(|| panic!("{waiting}"));
    assert_eq!(w["case_number"], second, "{w}");
    assert_eq!(w["supplement"][0]["case_number"], second, "{w}");
    let got = receive(&app, &id).await;
    assert_eq!(got["received"], "supplement", "{got}");
    assert_eq!(got["case_number"], second, "{got}");
    assert!(events(&app, second).await.contains("supplement_received"));
    assert!(
        !events(&app, first).await.contains("supplement"),
        "the first case is untouched"
    );
    assert!(
        mine(&a).await[0]["bundle"]["cases"][1]["notice"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // The second case is accepted with its 容缺 material to follow and granted: licence held.
    step(
        &clerk,
        second,
        json!({"action": "deferral", "act": "accept", "materials": [RULES], "due": "2026-09-14"}),
    )
    .await;
    reviewed(&app, second).await;
    let decided = step(
        &app.approver().await,
        second,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    let licence = decided["sealed"]["license_id"].as_str().unwrap().to_owned();
    let row = &mine(&a).await[0];
    let owed = &row["bundle"]["cases"][1]["deferral"];
    assert_eq!(owed["outstanding"][0], RULES, "{row}");
    assert_eq!(owed["licence_held"], true, "{row}");
    assert!(row["bundle"]["cases"][0]["deferral"].is_null(), "{row}");
    let page = a.get("/my").await.text().await.unwrap();
    assert!(page.contains(&format!("id=\"def-{second}-1\"")), "{page}");

    // A material the case does not owe is refused; the owed one reaches the second case.
    let (_, wrong) = upload_file(&a, "营业执照", b"%PDF-1.4\n% not owed\n%%EOF\n").await;
    let (status, body) = supplement(
        &a,
        &id,
        &json!({"case_number": second, "materials": [{"name": "营业执照", "sha256": wrong["sha256"]}]}),
    )
    .await;
    assert_eq!(
        (status, error_code(&body)),
        (400, "deferral_not_owed"),
        "{body}"
    );
    app.clock.set(datetime!(2026-09-10 09:00 +8));
    let a = app.applicant(phone).await;
    let (_, rules) = upload_file(&a, RULES, PDF).await;
    let (status, body) = supplement(
        &a,
        &id,
        &json!({"case_number": second, "materials": [{"name": RULES, "sha256": rules["sha256"]}]}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let got = receive(&app, &id).await;
    assert_eq!(got["case_number"], second, "{got}");

    // The second case proceeds: its licence is issued and delivered; the first is still open.
    let (_, lic) = app
        .anonymous()
        .get_json(&format!("/api/v1/licences/{licence}"))
        .await;
    assert_eq!(lic["licence"]["status"], "valid", "{lic}");
    step(
        &app.clerk().await,
        second,
        json!({"action": "deliver", "method": "window"}),
    )
    .await;
    let row = &mine(&a).await[0];
    let case = &row["bundle"]["cases"][1];
    assert!(
        case["deferral"]["outstanding"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{case}"
    );
    assert!(case.to_string().contains("\"kind\":\"licence\""), "{case}");
    assert_eq!(case["rateable"], true, "{case}");
    assert_eq!(row["bundle"]["cases"][0]["closed"], false);
    app.assert_consistent();
}

#[tokio::test]
async fn each_item_of_a_bundle_under_the_regime_is_signed_on_its_own_case() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(datetime!(2026-11-25 09:00 +8));
    let phone = "13712340203";
    let a = app.applicant(phone).await;

    // The online form and the window's combined form show the item's own text and a box.
    let page = a
        .get(&format!("/my?bundle={OPEN_PHARMACY}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("告知承诺书（食品经营许可）")
            && page.contains(&format!("data-item=\"{FOOD}\""))
            && !page.contains("告知承诺书（药品零售企业许可）"),
        "{page}"
    );
    let clerk = app.clerk().await;
    let form = clerk
        .get(&format!("/bundles/{OPEN_PHARMACY}/apply"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        form.contains("告知承诺书（食品经营许可）")
            && form.contains(&format!("name=\"commitment\" value=\"{FOOD}\"")),
        "{form}"
    );

    // Refused: an item off the regime, one not in the bundle, the single-item flag.
    let window = |extra: Value| {
        let mut body = json!({"channel": "window", "applicant": applicant(),
                              "materials": [{"name": "营业执照", "sha256": SHA}]});
        if let (Some(m), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            m.extend(e.clone());
        }
        body
    };
    for (extra, code, field) in [
        (
            json!({"commitments": [PHARMACY]}),
            "commitment_not_offered",
            "commitments[0]",
        ),
        (
            json!({"commitments": [FOOD, "990100024000"]}),
            "not_in_bundle",
            "commitments[1]",
        ),
        (
            json!({"commitment": true}),
            "commitment_per_item",
            "commitments[0]",
        ),
    ] {
        let r = clerk
            .post(
                &format!("/api/v1/bundles/{OPEN_PHARMACY}/cases"),
                &window(extra),
            )
            .await;
        let status = r.status().as_u16();
        let body: Value = r.json().await.unwrap();
        assert_eq!((status, error_code(&body)), (400, code), "{body}");
        assert_eq!(body["error"]["field"], field, "{body}");
    }
    let r = clerk
        .post(
            "/api/v1/cases",
            &json!({"item_code": FOOD, "channel": "window", "applicant": applicant(),
                    "materials": [{"name": "营业执照", "sha256": SHA}], "commitments": [FOOD]}),
        )
        .await;
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "commitments_bundle_only", "{body}");

    // At the window: the food case alone is signed.
    let r = clerk
        .post(
            &format!("/api/v1/bundles/{OPEN_PHARMACY}/cases"),
            &window(json!({"commitments": [FOOD]})),
        )
        .await;
    let got: Value = r.json().await.unwrap();
    let signed = |n: &str| {
        let n = n.to_owned();
        let app = &app;
        async move {
            let (_, c) = app
                .reviewer()
                .await
                .get_json(&format!("/api/v1/cases/{n}/commitment"))
                .await;
            c
        }
    };
    let window_cases: Vec<&str> = got["cases"]
        .as_array()
        .unwrap_or_else(|| panic!("{got}"))
        .iter()
        .map(|c| c["case_number"].as_str().unwrap())
        .collect();
    let c = signed(window_cases[1]).await;
    assert!(
        c["signed"]["text"]
            .as_str()
            .unwrap()
            .contains("食品经营许可"),
        "{c}"
    );
    assert!(signed(window_cases[0]).await["signed"].is_null());

    // Online: signed on the second case, decided at once, its verification asked of SCJG.
    let (id, cases) = pharmacy_online(&app, &a, phone, json!({"commitments": [FOOD]})).await;
    let c = signed(&cases[1]).await;
    assert!(c["signed"]["text_sha256"].is_string(), "{c}");
    assert!(signed(&cases[0]).await["signed"].is_null());
    assert!(signed(&cases[2]).await["signed"].is_null());
    let row = mine(&a)
        .await
        .into_iter()
        .find(|r| r["id"] == id.as_str())
        .unwrap();
    assert_eq!(
        row["bundle"]["cases"][1]["commitment"]["status"], "signed",
        "{row}"
    );
    assert!(row["bundle"]["cases"][0]["commitment"].is_null());
    let done = step(
        &app.approver().await,
        &cases[1],
        json!({"action": "decide_on_spot"}),
    )
    .await;
    assert_eq!(done["status"], 11, "{done}");
    let task = &signed(&cases[1]).await["verification"];
    assert_eq!(task["department"], "SCJG", "{task}");
    assert_eq!(task["licence_id"], done["sealed"]["license_id"], "{task}");
    let page = a.get("/my").await.text().await.unwrap();
    assert!(page.contains("class=\"commitment-status\""), "{page}");
    app.assert_consistent();
}

/// The verification task of `number` as the bureau's staff read it.
async fn task(app: &TestApp, number: &str) -> Value {
    let (status, c) = app
        .reviewer()
        .await
        .get_json(&format!("/api/v1/cases/{number}/commitment"))
        .await;
    assert_eq!(status, 200, "{c}");
    c["verification"].clone()
}

#[tokio::test]
async fn a_commitment_with_a_held_licence_names_the_licence_once_released_and_revokes_it_when_false()
 {
    let app = TestApp::spawn_demo().await;
    app.clock.set(datetime!(2026-09-07 09:00 +8));
    let clerk = app.clerk().await;
    let r = clerk
        .post(
            "/api/v1/cases",
            &json!({"item_code": FOOD, "channel": "window", "applicant": applicant(),
                    "materials": [{"name": "食品经营许可申请书", "sha256": SHA}], "commitment": true}),
        )
        .await;
    let v: Value = r.json().await.unwrap();
    let number = v["case_number"]
        .as_str()
        .unwrap_or_else(|| panic!("{v}"))
        .to_owned();
    step(
        &clerk,
        &number,
        json!({"action": "deferral", "act": "accept", "materials": [RULES], "due": "2026-09-14"}),
    )
    .await;
    reviewed(&app, &number).await;
    let decided = step(
        &app.approver().await,
        &number,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    let licence = decided["sealed"]["license_id"].as_str().unwrap().to_owned();

    // Held: the task is asked, naming no licence (none is issued), as the decision's push.
    let asked = task(&app, &number).await;
    assert_eq!(asked["status"], "awaiting", "{asked}");
    assert!(asked["licence_id"].is_null(), "{asked}");
    let scjg = app.sign_in("SCJG").await;
    let (_, list) = scjg.get_json("/api/v1/dept/commitments").await;
    assert!(!list.to_string().contains(&licence), "{list}");

    // The material arrives: the licence is issued and the task, and the department, name it.
    app.clock.set(datetime!(2026-09-10 09:00 +8));
    step(
        &app.clerk().await,
        &number,
        json!({"action": "deferral", "act": "receive", "materials": [{"name": RULES, "sha256": SHA}]}),
    )
    .await;
    let released = task(&app, &number).await;
    assert_eq!(released["licence_id"], licence.as_str(), "{released}");
    assert_eq!(released["licence_status"], "valid", "{released}");
    assert_eq!(
        released["due_on"], asked["due_on"],
        "the period runs from the grant"
    );
    let scjg = app.sign_in("SCJG").await;
    let (_, list) = scjg.get_json("/api/v1/dept/commitments").await;
    let row = list["commitments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["case_number"] == number.as_str())
        .unwrap_or_else(|| panic!("{list}"));
    assert_eq!(row["licence_id"], licence.as_str(), "{row}");
    let (_, feed) = scjg.get_json("/api/v1/dept/feed?after=0&limit=500").await;
    let entries = feed["entries"]
        .as_array()
        .or_else(|| feed["items"].as_array())
        .expect("the feed's entries");
    assert!(
        entries.iter().any(|e| {
            let t = e.to_string();
            t.contains("commitment.licence") && t.contains(&licence)
        }),
        "{feed}"
    );

    // Found false: the revocation on Art. 69 para 2 hits that licence, and the record shows it.
    let r = scjg
        .post(
            &format!("/api/v1/dept/commitments/{number}/verdict"),
            &json!({"verdict": "false", "finding": "现场核查：未设食品安全管理人员"}),
        )
        .await;
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["licence_id"], licence.as_str(), "{body}");
    assert_eq!(body["revocation_required"], true, "{body}");
    let r = app
        .approver()
        .await
        .post(
            &format!("/api/v1/licences/{licence}/actions"),
            &json!({"action": "revoke", "reason": "告知承诺经核查不实", "ground": "false_commitment", "rights_harmed": true}),
        )
        .await;
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["licence"]["status"], "revoked", "{body}");
    let (_, records) = app
        .head()
        .await
        .get_json("/api/v1/commitments?status=false")
        .await;
    let row = records["commitments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["case_number"] == number.as_str())
        .unwrap_or_else(|| panic!("{records}"));
    assert_eq!(row["licence_id"], licence.as_str());
    assert_eq!(row["licence_status"], "revoked", "{row}");
    app.assert_consistent();
}

#[tokio::test]
async fn the_printed_decision_quotes_the_commitment_the_applicant_signed() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(datetime!(2026-11-25 09:00 +8));
    let clerk = app.clerk().await;
    let mut numbers = Vec::new();
    for commitment in [true, false] {
        let r = clerk
            .post(
                "/api/v1/cases",
                &json!({"item_code": FOOD, "channel": "window", "applicant": applicant(),
                        "materials": [{"name": "食品经营许可申请书", "sha256": SHA}], "commitment": commitment}),
            )
            .await;
        let v: Value = r.json().await.unwrap();
        numbers.push(v["case_number"].as_str().unwrap().to_owned());
    }
    let approver = app.approver().await;
    let done = step(&approver, &numbers[0], json!({"action": "decide_on_spot"})).await;
    let licence = done["sealed"]["license_id"].as_str().unwrap().to_owned();
    step(&clerk, &numbers[1], json!({"action": "accept"})).await;
    reviewed(&app, &numbers[1]).await;
    step(
        &approver,
        &numbers[1],
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;

    // The sealed decision holds the commitment (its text and digest).
    app.checkpoint_and_cosign().await;
    let bytes = app
        .anonymous()
        .get(&format!("/api/v1/verify/bundle/{licence}"))
        .await
        .bytes()
        .await
        .unwrap();
    let bundle = oneseal_seal::bundle::SealedBundle::from_json(&bytes).unwrap();
    let sealed: Value = serde_json::from_slice(&bundle.document).unwrap();
    let digest = sealed["commitment"]["text_sha256"]
        .as_str()
        .unwrap_or_else(|| panic!("{sealed}"));
    assert!(
        sealed["commitment"]["text"]
            .as_str()
            .unwrap()
            .contains("申请人承诺")
    );

    // The printed decision says it too; one without a commitment says nothing of it.
    let pdf = |n: &str| {
        let path = format!("/api/v1/cases/{n}/documents/decision");
        let clerk = &clerk;
        async move {
            let r = clerk.get(&path).await;
            assert_eq!(r.status(), 200, "{path}");
            r.bytes().await.unwrap().to_vec()
        }
    };
    let Some(text) = pdf_text(&pdf(&numbers[0]).await) else {
        return;
    };
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for needle in [
        "申请人承诺：",
        "告知承诺书（食品经营许可）",
        "第六十九条第二款",
        "核查期限：准予许可后2个月内由主管部门核查",
        "签署时间：2026年11月25日",
        digest,
    ] {
        assert!(flat.contains(needle), "{needle}: {text}");
    }
    let plain = pdf_text(&pdf(&numbers[1]).await).unwrap();
    assert!(
        !plain.contains("申请人承诺") && !plain.contains("告知承诺书"),
        "{plain}"
    );
}
