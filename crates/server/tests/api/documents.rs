//! A case's documents as PDF (#18.4, #21.7): the list, each download, the same bytes for the
//! same case, who may fetch them, the applicant's copies behind the query code, and what the
//! papers say (read back with `pdftotext` where it is installed; CI installs it).

use oneseal_testkit::{Actor, TestApp};
use serde_json::{Value, json};

use crate::cases::{case_ready_for_decision_in, step};

/// The PDF's text, or `None` when `pdftotext` is not installed (outside CI only).
pub(crate) fn pdf_text(pdf: &[u8]) -> Option<String> {
    let dir =
        std::env::temp_dir().join(format!("oneseal-doc-{}-{}", std::process::id(), pdf.len()));
    std::fs::write(&dir, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&dir)
        .arg("-")
        .output();
    let _ = std::fs::remove_file(&dir);
    match out {
        Ok(o) if o.status.success() => Some(String::from_utf8(o.stdout).unwrap()),
        Ok(o) => panic!("pdftotext failed: {}", String::from_utf8_lossy(&o.stderr)),
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "pdftotext is missing in CI (poppler-utils): {e}"
            );
            eprintln!("pdftotext not installed: text checks skipped");
            None
        }
    }
}

/// Text as `pdftotext` gives it, without the line breaks the layout put in.
fn flat(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

async fn pdf(actor: &Actor, path: &str) -> (u16, Vec<u8>) {
    let r = actor.get(path).await;
    let status = r.status().as_u16();
    if status == 200 {
        assert_eq!(
            r.headers()["content-type"].to_str().unwrap(),
            "application/pdf"
        );
    }
    let bytes = r.bytes().await.unwrap().to_vec();
    // ONESEAL_DOC_SAMPLES=<dir> keeps every PDF fetched, to look at (pdftoppm -png).
    if let (Some(dir), 200) = (std::env::var_os("ONESEAL_DOC_SAMPLES"), status) {
        let name = path
            .rsplit('/')
            .next()
            .unwrap_or("doc")
            .split('?')
            .next()
            .unwrap_or("doc");
        let file = std::path::Path::new(&dir).join(format!("{name}-{}.pdf", bytes.len()));
        std::fs::write(file, &bytes).unwrap();
    }
    (status, bytes)
}

fn kinds(list: &Value) -> Vec<&str> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect()
}

fn refusal() -> Value {
    json!({"action": "decide", "decision": {"outcome": "refuse", "reasons": ["经营场所面积不足"],
        "remedies": {"reconsideration": "济南市人民政府", "litigation": "济南市中级人民法院"}}})
}

#[tokio::test]
async fn a_refused_case_lists_its_documents_and_the_refusal_states_the_remedies_and_their_limits() {
    let app = TestApp::spawn_demo().await;
    let code = crate::cases::expert_review_item(&app).await;
    let (number, query_code) =
        case_ready_for_decision_in(&app, "", &code, crate::cases::applicant()).await;
    let approver = app.approver().await;
    step(&approver, &number, refusal()).await;

    let (status, list) = approver
        .get_json(&format!("/api/v1/cases/{number}/documents"))
        .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(
        kinds(&list),
        ["receipt", "acceptance", "decision"],
        "{list}"
    );
    let decision = &list["items"][2];
    assert_eq!(decision["title"], "不予行政许可决定书");
    assert_eq!(decision["sealed"], true);
    let url = decision["url"].as_str().unwrap();
    assert_eq!(url, format!("/api/v1/cases/{number}/documents/decision"));

    let (status, first) = pdf(&approver, url).await;
    assert_eq!(status, 200);
    assert!(first.starts_with(b"%PDF-"));
    let (_, again) = pdf(&approver, url).await;
    assert_eq!(first, again, "the same case gives the same bytes");
    let (_, receipt) = pdf(
        &approver,
        &format!("/api/v1/cases/{number}/documents/receipt"),
    )
    .await;
    assert_ne!(first, receipt);

    if let Some(text) = pdf_text(&first).map(|t| flat(&t)) {
        for want in [
            "不予行政许可决定书",
            "济南泉城建设发展有限公司",
            &number,
            "经营场所面积不足",
            "第三十八条第二款",
            "六十日内向济南市人民政府申请行政复议",
            "六个月内向济南市中级人民法院提起行政诉讼",
            "济南市行政审批服务局",
        ] {
            assert!(text.contains(want), "{want} missing: {text}");
        }
        assert!(!text.contains("准予行政许可"), "{text}");
        assert!(
            !text.contains(&query_code),
            "the staff copy has no query code"
        );
    }
    // The refusal's sealed bytes carry the statement too, not only the print.
    let (_, case) = approver.get_json(&format!("/api/v1/cases/{number}")).await;
    assert_eq!(case["status"].as_u64(), Some(13), "{case}");
}

#[tokio::test]
async fn an_approval_prints_the_decision_and_the_licence_certificate() {
    let app = TestApp::spawn_demo().await;
    let code = crate::cases::expert_review_item(&app).await;
    let (number, _) = case_ready_for_decision_in(&app, "", &code, crate::cases::applicant()).await;
    let approver = app.approver().await;
    let decided = step(
        &approver,
        &number,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    let licence = decided["sealed"]["license_id"].as_str().unwrap().to_owned();
    let (_, list) = approver
        .get_json(&format!("/api/v1/cases/{number}/documents"))
        .await;
    assert_eq!(
        kinds(&list),
        ["receipt", "acceptance", "decision", "licence"],
        "{list}"
    );
    assert_eq!(list["items"][2]["title"], "准予行政许可决定书");
    let (status, cert) = pdf(
        &approver,
        &format!("/api/v1/cases/{number}/documents/licence"),
    )
    .await;
    assert_eq!(status, 200);
    if let Some(text) = pdf_text(&cert).map(|t| flat(&t)) {
        for want in [
            "行政许可证",
            "持证主体",
            "济南泉城建设发展有限公司",
            "许可事项",
            "许可范围",
            "有效期限",
            &licence,
        ] {
            assert!(text.contains(want), "{want} missing: {text}");
        }
    }
    // The case page names the decision and links both papers.
    let page = approver
        .get(&format!("/cases/{number}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("<h2 id=\"decision\">准予行政许可决定书</h2>"),
        "{page}"
    );
    assert!(page.contains(&format!("/api/v1/cases/{number}/documents/licence")));
}

#[tokio::test]
async fn documents_are_for_the_case_staff_and_the_applicant_with_the_code_only() {
    let app = TestApp::spawn_demo().await;
    let code = crate::cases::expert_review_item(&app).await;
    let (number, query_code) =
        case_ready_for_decision_in(&app, "", &code, crate::cases::applicant()).await;
    let list = format!("/api/v1/cases/{number}/documents");
    let doc = format!("{list}/acceptance");

    let county = app.sign_in("PY-CLERK").await;
    assert_eq!(county.get_json(&list).await.0, 403);
    assert_eq!(pdf(&county, &doc).await.0, 403);
    let nobody = app.anonymous();
    assert_eq!(nobody.get_json(&list).await.0, 401);
    assert_eq!(pdf(&nobody, &doc).await.0, 401);
    let clerk = app.clerk().await;
    assert_eq!(pdf(&clerk, &format!("{list}/decision")).await.0, 404);
    assert_eq!(pdf(&clerk, &format!("{list}/nonsense")).await.0, 404);

    // The applicant's copy: behind the query code, and carrying it.
    let wrong = format!("/progress/documents/acceptance?case={number}&code=WRONGCODE1");
    assert_eq!(pdf(&nobody, &wrong).await.0, 404);
    let mine = format!("/progress/documents/acceptance?case={number}&code={query_code}");
    let (status, copy) = pdf(&nobody, &mine).await;
    assert_eq!(status, 200);
    let (_, staff) = pdf(&clerk, &doc).await;
    assert_ne!(
        copy, staff,
        "the applicant's copy differs by the query code"
    );
    if let Some(text) = pdf_text(&copy).map(|t| flat(&t)) {
        assert!(text.contains("受理通知书"), "{text}");
        assert!(text.contains(&query_code), "{text}");
    }
    let progress = nobody
        .get(&format!("/progress?case={number}&code={query_code}"))
        .await
        .text()
        .await
        .unwrap();
    // The page links with the code as it reads it: separators dropped, upper case.
    let plain: String = query_code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    assert!(
        progress.contains(&format!(
            "/progress/documents/receipt?case={number}&amp;code={plain}"
        )),
        "{progress}"
    );
}

#[tokio::test]
async fn a_notice_a_special_procedure_and_an_extension_each_print_their_paper() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(time::macros::datetime!(2026-09-07 09:00 +8));
    let code = crate::cases::expert_review_item(&app).await;
    let clerk = app.clerk().await;
    let created: Value = clerk
        .post("/api/v1/cases", &json!({"item_code": code, "channel": "online", "applicant": crate::cases::applicant(),
            "materials": [{"name": "申请书", "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}]}))
        .await
        .json()
        .await
        .unwrap();
    let number = created["case_number"].as_str().unwrap().to_owned();
    step(&clerk, &number, json!({"action": "one_time_notice", "items": [{"material": "消防设计文件", "problem": "missing", "detail": "缺少消防设计文件"}]})).await;
    app.clock.advance(time::Duration::days(1));
    let clerk = app.clerk().await;
    step(&clerk, &number, json!({"action": "supplement", "materials": [{"name": "消防设计文件", "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}]})).await;
    step(&clerk, &number, json!({"action": "accept"})).await;
    let reviewer = app.reviewer().await;
    step(&reviewer, &number, json!({"action": "review", "step": "initial_review", "opinion": "材料齐全", "substantive": true})).await;
    step(&reviewer, &number, json!({"action": "start_special_procedure", "procedure": "expert_review", "notice_reference": "专家评审告知书〔2026〕1号"})).await;
    app.clock.advance(time::Duration::days(7));
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
    step(
        &app.head().await,
        &number,
        json!({"action": "extend", "authority": {"head": "bureau_head"}, "working_days": 10,
        "reason": "专家意见需补充论证", "applicant_notified_on": "2026-09-15"}),
    )
    .await;

    let clerk = app.clerk().await;
    let (_, list) = clerk
        .get_json(&format!("/api/v1/cases/{number}/documents"))
        .await;
    assert_eq!(
        kinds(&list),
        [
            "receipt",
            "one_time_notice",
            "acceptance",
            "special_procedure_notice",
            "extension_notice"
        ],
        "{list}"
    );
    for (kind, wants) in [
        (
            "one_time_notice",
            vec![
                "一次性告知",
                "消防设计文件（缺少）：缺少消防设计文件",
                "第三十二条",
            ],
        ),
        (
            "extension_notice",
            vec![
                "延长办理期限告知书",
                "专家意见需补充论证",
                "延长10个工作日",
                "第四十二条",
            ],
        ),
        (
            "special_procedure_notice",
            vec!["特别程序告知书", "第四十五条", "2026年9月8日"],
        ),
        (
            "receipt",
            vec!["收件凭证", "网上申请", "申请书", "2026年9月7日"],
        ),
    ] {
        let (status, bytes) =
            pdf(&clerk, &format!("/api/v1/cases/{number}/documents/{kind}")).await;
        assert_eq!(status, 200, "{kind}");
        if let Some(text) = pdf_text(&bytes).map(|t| flat(&t)) {
            for want in wants {
                assert!(text.contains(want), "{kind}: {want} missing: {text}");
            }
        }
    }
}
