//! A case from online intake to delivery through HTTP, with a one-time notice, an expert-review
//! pause and an approved extension; every step on the ledger; the decision sealed.

use oneseal_domain::catalog::UnifiedSocialCreditCode;
use oneseal_testkit::{Actor, TestApp, error_code, tamper};
use serde_json::{Value, json};
use time::Duration;

pub(crate) async fn expert_review_item(app: &TestApp) -> String {
    let clerk = app.clerk().await;
    let (_, page) = clerk
        .get_json("/api/v1/catalog/items?per_page=500&category=licensing")
        .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| {
            i["special_procedures"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["kind"] == "expert_review")
        })
        .map(|i| i["basic_code"].as_str().unwrap().to_owned())
        .expect("a catalog item that allows expert review")
}

pub(crate) async fn step(actor: &Actor, number: &str, body: Value) -> Value {
    let r = actor
        .post(&format!("/api/v1/cases/{number}/actions"), &body)
        .await;
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert_eq!(status, 200, "{body} → {v}");
    v
}

pub(crate) fn applicant() -> Value {
    let uscc = UnifiedSocialCreditCode::with_check_character("91370100MA3C0RT1X").unwrap();
    json!({"type": "organisation", "name": "济南泉城建设发展有限公司", "uscc": uscc.as_str(), "contact_phone": "13812345678"})
}

const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

#[tokio::test]
async fn a_case_goes_from_online_intake_to_delivery_with_notice_pause_and_extension() {
    let app = TestApp::spawn_demo().await;
    // Early September, so every deadline (across the National Day holidays) falls in 2026, the
    // last year whose official holiday notice is shipped.
    app.clock.set(time::macros::datetime!(2026-09-07 09:00 +8));
    let code = expert_review_item(&app).await;
    let clerk = app.clerk().await;
    let r = clerk
        .post(
            "/api/v1/cases",
            &json!({"item_code": code, "channel": "online", "applicant": applicant(), "materials": [{"name": "申请书", "sha256": SHA}]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let created: Value = r.json().await.unwrap();
    let number = created["case_number"].as_str().unwrap().to_owned();
    let query_code = created["query_code"].as_str().unwrap().to_owned();
    assert!(number.starts_with("37010020260907"), "{number}");

    step(&clerk, &number, json!({"action": "one_time_notice", "items": [{"material": "消防设计文件", "problem": "missing", "detail": "缺少消防设计文件"}]})).await;
    // Sessions last a working day: after the clock moves on, people sign in again.
    app.clock.advance(Duration::days(1));
    let clerk = app.clerk().await;
    step(
        &clerk,
        &number,
        json!({"action": "supplement", "materials": [{"name": "消防设计文件", "sha256": SHA}]}),
    )
    .await;
    let accepted = step(&clerk, &number, json!({"action": "accept"})).await;
    assert_eq!(accepted["status"], 3);

    let reviewer = app.reviewer().await;
    step(&reviewer, &number, json!({"action": "review", "step": "initial_review", "opinion": "材料齐全", "substantive": true})).await;
    step(&reviewer, &number, json!({"action": "start_special_procedure", "procedure": "expert_review", "notice_reference": "专家评审告知书〔2026〕1号"})).await;
    app.clock.advance(Duration::days(7));
    let (reviewer, reviewer2) = (app.reviewer().await, app.sign_in("REVIEW2").await);
    step(
        &reviewer,
        &number,
        json!({"action": "end_special_procedure"}),
    )
    .await;
    step(
        &reviewer2,
        &number,
        json!({"action": "review", "step": "review", "opinion": "符合条件", "substantive": true}),
    )
    .await;

    let head = app.head().await;
    step(&head, &number, json!({"action": "extend", "authority": {"head": "bureau_head"}, "working_days": 10, "reason": "专家意见需补充论证", "applicant_notified_on": "2026-09-15"})).await;

    let (_, before) = app
        .clerk()
        .await
        .get_json(&format!("/api/v1/cases/{number}"))
        .await;
    let explanation = before["explanation_zh"]
        .as_str()
        .unwrap_or_else(|| panic!("{before}"));
    assert!(
        explanation.contains("暂停") || explanation.contains("专家"),
        "{explanation}"
    );

    let approver = app.approver().await;
    let decided = step(
        &approver,
        &number,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    assert_eq!(decided["status"], 11);
    let sealed = &decided["sealed"];
    assert!(
        sealed["license_id"]
            .as_str()
            .unwrap()
            .starts_with("1.2.156.3005.2.")
    );
    assert_eq!(sealed["es_id"], "3701000000000001");

    let clerk = app.clerk().await;
    step(
        &clerk,
        &number,
        json!({"action": "deliver", "method": "window"}),
    )
    .await;

    // Every step is on the ledger, with its actor, and the case replays from the log.
    let (_, case) = clerk.get_json(&format!("/api/v1/cases/{number}")).await;
    let kinds: Vec<&str> = case["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "received",
            "one_time_notice_issued",
            "supplement_received",
            "accepted",
            "review_step",
            "special_procedure_started",
            "special_procedure_ended",
            "review_step",
            "extension_approved",
            "decided",
            "delivered"
        ]
    );
    let entries = app
        .store
        .read(|c| {
            let (size, _) = oneseal_store::log::read_head(c, "370100")?;
            oneseal_store::log::entries(c, "370100", 0, size)
        })
        .await
        .unwrap();
    let case_entries: Vec<Value> = entries
        .iter()
        .map(|(_, e)| serde_json::from_slice::<Value>(e).unwrap())
        .filter(|e| e["subject"]["case"] == number)
        .collect();
    assert_eq!(
        case_entries.len(),
        16,
        "11 case events + the sealed one-time notice, acceptance voucher, special-procedure \
         and extension notices and decision"
    );
    let sealed_kinds: Vec<&str> = case_entries
        .iter()
        .filter(|e| e["kind"] == "seal.document_sealed")
        .map(|e| e["public"]["document_kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        sealed_kinds,
        [
            "one_time_notice",
            "acceptance",
            "special_procedure_notice",
            "extension_notice",
            "decision"
        ]
    );
    assert!(case_entries.iter().any(|e| e["kind"] == "seal.document_sealed" && e["public"]["document_sm3"].is_string()));
    for e in &case_entries {
        let text = e.to_string();
        assert!(
            !text.contains("13812345678") && !text.contains(&query_code),
            "personal data in a public entry: {text}"
        );
        assert!(e["actor"].as_str().unwrap().starts_with("staff:"));
    }
    app.assert_consistent();

    // The public progress query needs the query code and shows no personal data.
    let anon = app.anonymous();
    let (status, progress) = anon
        .get_json(&format!(
            "/api/v1/public/progress?case={number}&code={query_code}"
        ))
        .await;
    assert_eq!(status, 200, "{progress}");
    assert!(!progress.to_string().contains("13812345678"));
    let (status, _) = anon
        .get_json(&format!(
            "/api/v1/public/progress?case={number}&code=AAAAAAAA"
        ))
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn illegal_steps_and_wrong_roles_get_typed_errors_and_change_nothing() {
    let app = TestApp::spawn_demo().await;
    let code = expert_review_item(&app).await;
    let clerk = app.clerk().await;
    let created: Value = clerk
        .post("/api/v1/cases", &json!({"item_code": code, "channel": "window", "applicant": applicant(), "materials": []}))
        .await
        .json()
        .await
        .unwrap();
    let number = created["case_number"].as_str().unwrap();
    let approver = app.approver().await;
    // Deciding before acceptance.
    let r = approver
        .post(
            &format!("/api/v1/cases/{number}/actions"),
            &json!({"action": "decide", "decision": {"outcome": "approve"}}),
        )
        .await;
    assert_eq!(r.status(), 400);
    // A clerk may not decide at all.
    let r = clerk
        .post(
            &format!("/api/v1/cases/{number}/actions"),
            &json!({"action": "decide", "decision": {"outcome": "approve"}}),
        )
        .await;
    assert_eq!(
        (
            r.status().as_u16(),
            error_code(&r.json().await.unwrap()).to_owned()
        ),
        (403, "forbidden_role".to_owned())
    );
    // A refusal without reasons does not even parse.
    step(&clerk, number, json!({"action": "accept"})).await;
    let r = approver
        .post(&format!("/api/v1/cases/{number}/actions"), &json!({"action": "decide", "decision": {"outcome": "refuse", "reasons": [], "remedies": {}}}))
        .await;
    assert_eq!(r.status(), 400);
    // Fewer than two substantive reviewers (Art. 34).
    let reviewer = app.reviewer().await;
    step(
        &reviewer,
        number,
        json!({"action": "review", "step": "review", "opinion": "符合", "substantive": true}),
    )
    .await;
    let r = approver
        .post(
            &format!("/api/v1/cases/{number}/actions"),
            &json!({"action": "decide", "decision": {"outcome": "approve"}}),
        )
        .await;
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "too_few_reviewers", "{body}");
    // Wrong item code, invalid credit code, malformed case number.
    let r = clerk
        .post(
            "/api/v1/cases",
            &json!({"item_code": "000000000000", "channel": "window", "applicant": applicant()}),
        )
        .await;
    assert_eq!(error_code(&r.json().await.unwrap()), "unknown_item");
    let bad = json!({"type": "organisation", "name": "某公司", "uscc": "91370100MA3C0RT1XZ", "contact_phone": "13812345678"});
    let r = clerk
        .post(
            "/api/v1/cases",
            &json!({"item_code": code, "channel": "window", "applicant": bad}),
        )
        .await;
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "invalid_uscc", "{body}");
    assert_eq!(body["error"]["field"], "applicant.uscc");
    let r = clerk.get("/api/v1/cases/123").await;
    assert_eq!(r.status(), 400);
    // A county clerk cannot act on a city case.
    let county = app.sign_in("PY-CLERK").await;
    let r = county
        .post(
            &format!("/api/v1/cases/{number}/actions"),
            &json!({"action": "withdraw"}),
        )
        .await;
    assert_eq!(r.status(), 403);
    let (_, case) = clerk.get_json(&format!("/api/v1/cases/{number}")).await;
    assert_eq!(
        case["events"].as_array().unwrap().len(),
        3,
        "only intake, acceptance and one review happened"
    );
}

/// Accepts and reviews a fresh case so that it is ready for a decision; returns its number.
pub(crate) async fn case_ready_for_decision(app: &TestApp) -> String {
    let code = expert_review_item(app).await;
    case_ready_for_decision_on(app, &code).await
}

/// Accepts and reviews a fresh case on the item `code`; returns its number.
pub(crate) async fn case_ready_for_decision_on(app: &TestApp, code: &str) -> String {
    case_ready_for_decision_by(app, code, applicant()).await
}

/// Accepts and reviews a fresh case of `applicant` on the item `code`; returns its number.
pub(crate) async fn case_ready_for_decision_by(
    app: &TestApp,
    code: &str,
    applicant: Value,
) -> String {
    case_ready_for_decision_in(app, "", code, applicant).await.0
}

/// Like [`case_ready_for_decision_by`], by the staff of the jurisdiction whose demo ids start
/// with `prefix` (`""` for the city, `"PY-"` for 平阴县 …); returns (case number, query code as
/// given at receipt, the only time it is shown).
pub(crate) async fn case_ready_for_decision_in(
    app: &TestApp,
    prefix: &str,
    code: &str,
    applicant: Value,
) -> (String, String) {
    let clerk = app.sign_in(&format!("{prefix}CLERK")).await;
    let created: Value = clerk
        .post("/api/v1/cases", &json!({"item_code": code, "channel": "window", "applicant": applicant, "materials": [{"name": "申请书", "sha256": SHA}]}))
        .await
        .json()
        .await
        .unwrap();
    let number = created["case_number"].as_str().unwrap().to_owned();
    let query_code = created["query_code"].as_str().unwrap().to_owned();
    step(&clerk, &number, json!({"action": "accept"})).await;
    for r in ["REVIEW", "REVIEW2"] {
        let reviewer = app.sign_in(&format!("{prefix}{r}")).await;
        step(&reviewer, &number, json!({"action": "review", "step": "review", "opinion": "符合条件", "substantive": true})).await;
    }
    (number, query_code)
}

/// Approves a fresh case, lets the witnesses cosign the log, and returns the licence id.
pub(crate) async fn approved_and_cosigned_licence(app: &TestApp) -> String {
    let number = case_ready_for_decision(app).await;
    let decided = step(
        &app.approver().await,
        &number,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    app.checkpoint_and_cosign().await;
    decided["sealed"]["license_id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn case_pages_render_for_each_role() {
    let app = TestApp::spawn_demo().await;
    let number = case_ready_for_decision(&app).await;
    let clerk = app.clerk().await;
    let queue = clerk.get("/cases").await.text().await.unwrap();
    assert!(queue.contains(&number) && queue.contains("新建收件"));
    assert!(
        clerk
            .get("/cases/new")
            .await
            .text()
            .await
            .unwrap()
            .contains("窗口收件")
    );
    let page = clerk
        .get(&format!("/cases/{number}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("value=\"withdraw\"")
            && !page.contains("data-action=\"one_time_notice\"")
            && !page.contains("data-action=\"accept\"")
            && !page.contains("准予许可"),
        "after acceptance a clerk is offered the withdrawal only"
    );
    let page = app
        .approver()
        .await
        .get(&format!("/cases/{number}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("准予许可") && page.contains("不予许可"));
    assert_eq!(app.sign_in("SCJG").await.get("/cases").await.status(), 403);
}

#[tokio::test]
async fn the_public_progress_page_needs_the_query_code_and_shows_no_personal_data() {
    let app = TestApp::spawn_demo().await;
    let code = expert_review_item(&app).await;
    let person = json!({"type": "natural_person", "name": "王小明", "id_number": "11010519491231002X", "phone": "13912345678"});
    let created: Value = app
        .clerk()
        .await
        .post(
            "/api/v1/cases",
            &json!({"item_code": code, "channel": "online", "applicant": person}),
        )
        .await
        .json()
        .await
        .unwrap();
    let (number, query) = (
        created["case_number"].as_str().unwrap(),
        created["query_code"].as_str().unwrap(),
    );
    let anon = app.anonymous();
    let page = anon
        .get(&format!("/progress?case={number}&code={query}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("已接件") && page.contains("个人申请人"),
        "{page}"
    );
    for secret in ["王小明", "11010519491231002X", "13912345678"] {
        assert!(!page.contains(secret), "{secret} on a public page");
    }
    let wrong = anon
        .get(&format!("/progress?case={number}&code=ZZZZZZZZ"))
        .await
        .text()
        .await
        .unwrap();
    assert!(wrong.contains("未找到") && !wrong.contains("已接件"));
}

#[tokio::test]
async fn a_penalty_by_the_supervising_department_revokes_the_licence_and_the_bureau_cancels_it() {
    let app = TestApp::spawn_demo_witnessed().await;
    let licence = approved_and_cosigned_licence(&app).await;
    let anon = app.anonymous();
    let (status, l) = anon.get_json(&format!("/api/v1/licences/{licence}")).await;
    assert_eq!(
        (status, l["status_zh"].as_str()),
        (200, Some("有效")),
        "{l}"
    );
    // The item's supervising department is 发展和改革委员会 (FG) — another department may not penalise.
    let wrong = app.sign_in("SCJG").await;
    let r = wrong
        .post(
            &format!("/api/v1/licences/{licence}/penalty"),
            &json!({"decision_ref": "济市监罚〔2026〕9号"}),
        )
        .await;
    assert_eq!(r.status(), 403, "{}", r.text().await.unwrap());
    let fg = app.department_token("FG", &["submit_feedback"]).await;
    let r = fg
        .post(
            &format!("/api/v1/licences/{licence}/penalty"),
            &json!({"decision_ref": "济发改罚〔2026〕3号"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    // The bureau's cancellation (注销, Art. 70(4)) followed at once; nothing more can happen.
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["status_zh"], "已注销", "{body}");
    let approver = app.approver().await;
    let r = approver
        .post(
            &format!("/api/v1/licences/{licence}/actions"),
            &json!({"action": "change", "what": "地址变更"}),
        )
        .await;
    assert_eq!(error_code(&r.json().await.unwrap()), "licence_cancelled");
    let page = anon
        .get(&format!("/verify/{licence}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("证照状态：已注销") && !page.contains("有效 Valid"),
        "{page}"
    );
    app.assert_consistent();
}

/// A second server process on the same database keeps its own calendar and seal keys in
/// memory; the refresh brings in what the first one registered.
#[tokio::test]
async fn another_server_process_picks_up_an_imported_year_and_the_seal_keys() {
    use oneseal_server::services::calendar::CalendarStore;
    use oneseal_server::services::sealing::SealKeys;
    let app = TestApp::spawn_demo().await;
    let peer =
        oneseal_server::AppState::new(app.store.clone(), std::sync::Arc::new(app.clock.clone()))
            .with_calendar(std::sync::Arc::new(CalendarStore::default()))
            .with_seal_keys(std::sync::Arc::new(SealKeys::default()));
    let first_monday = time::macros::date!(2027 - 01 - 04);
    assert!(peer.calendar.current().is_provisional(2027));
    let r = app
        .admin()
        .await
        .post_bytes(
            "/api/v1/calendar/years",
            include_bytes!("data/test-2027.json").to_vec(),
        )
        .await;
    assert_eq!(r.status(), 200);
    let p = peer.clone();
    let added = tokio::task::spawn_blocking(move || {
        oneseal_server::background::peers::refresh_once(&p, &oneseal_testkit::test_master_key())
    })
    .await
    .unwrap()
    .unwrap();
    assert!(added > 0, "the demo's seal keys are loaded");
    assert!(!peer.calendar.current().is_provisional(2027));
    assert_eq!(
        peer.calendar.current().is_working_day(first_monday),
        Ok(true)
    );
    let p = peer.clone();
    let again = tokio::task::spawn_blocking(move || {
        oneseal_server::background::peers::refresh_once(&p, &oneseal_testkit::test_master_key())
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(again, 0, "keys already held are not decrypted again");
}

/// Separation of duties: neither the accepting clerk nor a reviewer of the case decides it.
#[tokio::test]
async fn a_reviewer_of_the_case_may_not_decide_it_even_with_the_approver_role() {
    let app = TestApp::spawn_demo().await;
    let number = case_ready_for_decision(&app).await;
    // REVIEW (who reviewed this case) is also made an approving official, in the table only.
    app.expect_corrupted();
    app.store
        .write(|tx| tamper::set_staff_roles(tx.conn(), "REVIEW", "reviewer,approver"))
        .await
        .unwrap();
    let both = app.sign_in("REVIEW").await;
    let decide = json!({"action": "decide", "decision": {"outcome": "approve"}});
    let actions = format!("/api/v1/cases/{number}/actions");
    let r = both.post(&actions, &decide).await;
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(error_code(&body), "separation_of_duties_reviewer", "{body}");
    assert!(
        body["error"]["message_zh"]
            .as_str()
            .unwrap()
            .contains("审批分离")
    );
    let offered = |v: &Value| kinds(v).contains(&"decide");
    let (_, case) = both.get_json(&format!("/api/v1/cases/{number}")).await;
    assert!(!offered(&case), "{case}");
    let (_, case) = app
        .approver()
        .await
        .get_json(&format!("/api/v1/cases/{number}"))
        .await;
    assert!(offered(&case), "{case}");
    let r = app.approver().await.post(&actions, &decide).await;
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
}

/// The `action` tags of a case's `allowed_actions`.
pub(crate) fn kinds(case: &Value) -> Vec<&str> {
    case["allowed_actions"]
        .as_array()
        .unwrap_or_else(|| panic!("no allowed_actions: {case}"))
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect()
}

async fn offered(actor: &Actor, number: &str) -> Value {
    let (status, case) = actor.get_json(&format!("/api/v1/cases/{number}")).await;
    assert_eq!(status, 200, "{case}");
    case
}

fn action<'a>(case: &'a Value, kind: &str) -> &'a Value {
    case["allowed_actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == kind)
        .unwrap_or_else(|| panic!("{kind} not offered: {case}"))
}

/// `allowed_actions` follows the case through every role: only the steps the caller may take
/// now, each of which then succeeds.
#[tokio::test]
async fn each_role_is_offered_only_the_steps_it_may_take_now() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(time::macros::datetime!(2026-09-07 09:00 +8));
    let code = expert_review_item(&app).await;
    let (clerk, reviewer, reviewer2) = (
        app.clerk().await,
        app.reviewer().await,
        app.sign_in("REVIEW2").await,
    );
    let (approver, head, inspector) = (
        app.approver().await,
        app.head().await,
        app.inspector().await,
    );
    let created: Value = clerk
        .post("/api/v1/cases", &json!({"item_code": code, "channel": "window", "applicant": applicant(), "materials": [{"name": "申请书", "sha256": SHA}]}))
        .await
        .json()
        .await
        .unwrap();
    let number = created["case_number"].as_str().unwrap().to_owned();

    let case = offered(&clerk, &number).await;
    assert_eq!(
        kinds(&case),
        ["one_time_notice", "accept", "refuse_acceptance", "withdraw"]
    );
    let refuse = action(&case, "refuse_acceptance");
    assert_eq!(
        (&refuse["name_zh"], &refuse["confirm"]),
        (&json!("不予受理"), &json!(true))
    );
    assert_eq!(
        refuse["grounds"],
        json!(["no_licence_needed", "not_competent", "false_materials"])
    );
    assert_eq!(action(&case, "accept")["deemed"], false);
    assert_eq!(action(&case, "accept")["confirm"], false);
    for other in [&reviewer, &approver, &head, &inspector] {
        assert_eq!(kinds(&offered(other, &number).await), Vec::<&str>::new());
    }

    step(&clerk, &number, json!({"action": "accept"})).await;
    assert_eq!(kinds(&offered(&clerk, &number).await), ["withdraw"]);
    // A step no longer offered is refused in its own words, not as a second acceptance.
    let r = clerk
        .post(
            &format!("/api/v1/cases/{number}/actions"),
            &json!({"action": "one_time_notice", "items": [{"material": "图纸", "problem": "missing", "detail": "缺少图纸"}]}),
        )
        .await;
    assert_eq!(r.status(), 409);
    let body: Value = r.json().await.unwrap();
    let zh = body["error"]["message_zh"].as_str().unwrap();
    assert_eq!(error_code(&body), "already_accepted");
    assert!(
        zh.contains("一次性告知补正") && !zh.contains("重复受理"),
        "{zh}"
    );

    let case = offered(&reviewer, &number).await;
    assert_eq!(
        kinds(&case),
        // Interested parties and hearings (Art. 36, 46–48): the finding or an announcement.
        ["review", "transfer", "start_special_procedure", "hearing"]
    );
    assert_eq!(
        action(&case, "review")["steps"],
        json!(["initial_review", "review", "site_inspection", "countersign"])
    );
    assert_eq!(action(&case, "transfer")["not_to"], json!(["REVIEW"]));
    let procedures = action(&case, "start_special_procedure")["procedures"].clone();
    assert!(
        procedures
            .as_array()
            .unwrap()
            .contains(&json!("expert_review")),
        "{procedures}"
    );
    let case = offered(&head, &number).await;
    assert_eq!(kinds(&case), ["extend"]);
    assert_eq!(
        action(&case, "extend"),
        &json!({"action": "extend", "name_zh": "批准延期", "confirm": false, "authority": "bureau_head",
                "max_working_days": 10, "allowance_source": "《行政许可法》第四十二条",
                "notified_from": "2026-09-07", "notified_to": "2026-09-07"})
    );
    assert_eq!(
        kinds(&offered(&approver, &number).await),
        Vec::<&str>::new()
    );

    for r in [&reviewer, &reviewer2] {
        step(r, &number, json!({"action": "review", "step": "review", "opinion": "符合条件", "substantive": true})).await;
    }
    let case = offered(&reviewer, &number).await;
    assert_eq!(
        kinds(&case),
        [
            "review",
            "transfer",
            "return",
            "start_special_procedure",
            "hearing"
        ]
    );
    assert_eq!(action(&case, "return")["to_steps"], json!(["review"]));
    let case = offered(&approver, &number).await;
    assert_eq!(kinds(&case), ["decide"]);
    let decide = action(&case, "decide");
    assert_eq!(
        (&decide["name_zh"], &decide["confirm"]),
        (&json!("作出审批决定"), &json!(true))
    );
    assert_eq!(decide["outcomes"], json!(["approve", "refuse"]));
    step(
        &approver,
        &number,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;

    let case = offered(&clerk, &number).await;
    assert_eq!(kinds(&case), ["deliver"]);
    assert_eq!(
        action(&case, "deliver")["methods"],
        json!(["window", "post", "electronic"])
    );
    for other in [&reviewer, &approver, &head] {
        assert_eq!(kinds(&offered(other, &number).await), Vec::<&str>::new());
    }
    step(
        &clerk,
        &number,
        json!({"action": "deliver", "method": "post"}),
    )
    .await;
    assert_eq!(kinds(&offered(&clerk, &number).await), Vec::<&str>::new());
}
