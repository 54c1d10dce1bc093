//! The case desk's final steps: the page shows the review opinions and the materials, a final
//! step's form leads to a preview of what will be decided and sealed, and only the second
//! submit (a plain form carrying the session's CSRF token) takes the step.

use oneseal_testkit::{Actor, TestApp};
use reqwest::Method;

use crate::cases::case_ready_for_decision;

async fn html(actor: &Actor, path: &str) -> (u16, String) {
    let r = actor.get(path).await;
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn confirm(actor: &Actor, number: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    actor
        .request(Method::POST, &format!("/cases/{number}/confirm"))
        .form(fields)
        .send()
        .await
        .unwrap()
}

async fn status(actor: &Actor, number: &str) -> u64 {
    let (_, case) = actor.get_json(&format!("/api/v1/cases/{number}")).await;
    case["status"].as_u64().unwrap()
}

#[tokio::test]
async fn the_approver_sees_every_opinion_and_a_decision_is_taken_only_once_confirmed() {
    let app = TestApp::spawn_demo().await;
    let number = case_ready_for_decision(&app).await;
    let approver = app.approver().await;

    let (_, page) = html(&approver, &format!("/cases/{number}")).await;
    assert!(page.contains("审查意见") && page.contains("申请材料") && page.contains("申请书"));
    assert_eq!(page.matches("符合条件").count(), 2, "both opinions: {page}");
    assert!(page.contains("REVIEW2"));
    assert!(page.contains(&format!("action=\"/cases/{number}/confirm\"")));

    let (code, preview) = html(
        &approver,
        &format!("/cases/{number}/confirm?action=decide&outcome=approve"),
    )
    .await;
    assert_eq!(code, 200, "{preview}");
    for text in [
        "行政许可决定书",
        "准予行政许可",
        "济南市行政审批服务局",
        "法人或其他组织",
        "济南泉城建设发展有限公司",
        "1.2.156.3005.2.",
        "3701000000000001",
        "id=\"confirm-step\"",
    ] {
        assert!(preview.contains(text), "{text} missing: {preview}");
    }
    assert_eq!(
        status(&approver, &number).await,
        8,
        "a preview decides nothing"
    );

    // The session's token must come in the form: the header alone does not do.
    let fields = [("action", "decide"), ("outcome", "approve")];
    let r = confirm(&approver, &number, &fields).await;
    assert_eq!(r.status(), 403);
    let wrong = [("action", "decide"), ("outcome", "approve"), ("csrf", "x")];
    assert_eq!(confirm(&approver, &number, &wrong).await.status(), 403);
    assert_eq!(status(&approver, &number).await, 8);

    let csrf = approver.csrf.clone().unwrap();
    let ok = [
        ("action", "decide"),
        ("outcome", "approve"),
        ("csrf", csrf.as_str()),
    ];
    let r = confirm(&approver, &number, &ok).await;
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(to, format!("/cases/{number}?done=decide"));
    assert_eq!(status(&approver, &number).await, 11);
    let (_, page) = html(&approver, &to).await;
    assert!(page.contains("已办理") && !page.contains("准予并签章"));

    // The same confirmation again is refused in the step's own words, and changes nothing.
    let (_, again) = html(
        &approver,
        &format!("/cases/{number}/confirm?action=decide&outcome=approve"),
    )
    .await;
    assert!(again.contains("作出决定") && !again.contains("id=\"confirm-step\""));
    let r = confirm(&approver, &number, &ok).await;
    assert_eq!(r.status(), 409);
    app.assert_consistent();
}

#[tokio::test]
async fn a_refusal_is_previewed_with_its_reasons_and_remedies_and_blank_reasons_are_refused() {
    let app = TestApp::spawn_demo().await;
    let number = case_ready_for_decision(&app).await;
    let approver = app.approver().await;
    let query = "action=decide&outcome=refuse&reasons=%E5%9C%BA%E6%89%80%E9%9D%A2%E7%A7%AF%E4%B8%8D%E8%B6%B3%0A%E8%AE%BE%E5%A4%87%E4%B8%8D%E9%BD%90&reconsideration=%E6%B5%8E%E5%8D%97%E5%B8%82%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C&litigation=%E6%B5%8E%E5%8D%97%E5%B8%82%E4%B8%AD%E7%BA%A7%E4%BA%BA%E6%B0%91%E6%B3%95%E9%99%A2";
    let (code, preview) = html(&approver, &format!("/cases/{number}/confirm?{query}")).await;
    assert_eq!(code, 200, "{preview}");
    for text in [
        "不予行政许可",
        "1. 场所面积不足",
        "2. 设备不齐",
        "济南市人民政府申请行政复议",
        "济南市中级人民法院提起行政诉讼",
    ] {
        assert!(preview.contains(text), "{text} missing: {preview}");
    }
    assert!(
        !preview.contains("1.2.156.3005.2."),
        "a refusal issues no licence"
    );
    let (code, page) = html(
        &approver,
        &format!("/cases/{number}/confirm?action=decide&outcome=refuse&reasons=&reconsideration=a&litigation=b"),
    )
    .await;
    assert_eq!(code, 400, "{page}");
    assert!(page.contains("理由"), "{page}");
    assert_eq!(status(&approver, &number).await, 8);
}

#[tokio::test]
async fn only_final_steps_are_confirmed_here_and_only_by_those_who_may_take_them() {
    let app = TestApp::spawn_demo().await;
    let number = case_ready_for_decision(&app).await;
    let clerk = app.clerk().await;
    let (code, _) = html(&clerk, &format!("/cases/{number}/confirm?action=accept")).await;
    assert_eq!(code, 400);
    let (code, _) = html(
        &clerk,
        &format!("/cases/{number}/confirm?action=decide&outcome=approve"),
    )
    .await;
    assert_eq!(code, 403);

    let (code, preview) = html(&clerk, &format!("/cases/{number}/confirm?action=withdraw")).await;
    assert_eq!(code, 200, "{preview}");
    assert!(preview.contains("本步骤不出具盖章文书") && preview.contains("已撤件"));
    let csrf = clerk.csrf.clone().unwrap();
    let r = confirm(
        &clerk,
        &number,
        &[("action", "withdraw"), ("csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(status(&clerk, &number).await, 2);
    let (_, page) = html(&clerk, &format!("/cases/{number}")).await;
    assert!(
        !page.contains("confirm-step") && page.contains("id=\"no-actions\""),
        "a closed case offers nothing, and says so"
    );
}

#[tokio::test]
async fn a_confirmation_posted_from_another_site_is_refused_even_with_the_token() {
    let app = TestApp::spawn_demo().await;
    let number = case_ready_for_decision(&app).await;
    let clerk = app.clerk().await;
    let csrf = clerk.csrf.clone().unwrap();
    let r = clerk
        .request(Method::POST, &format!("/cases/{number}/confirm"))
        .header("Origin", "https://evil.example")
        .header("Sec-Fetch-Site", "cross-site")
        .form(&[("action", "withdraw"), ("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(status(&clerk, &number).await, 8, "nothing was withdrawn");
}

#[tokio::test]
async fn the_confirmation_needs_a_session() {
    let app = TestApp::spawn_demo().await;
    let number = case_ready_for_decision(&app).await;
    let r = app
        .anonymous()
        .request(Method::POST, &format!("/cases/{number}/confirm"))
        .form(&[("action", "withdraw"), ("csrf", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/login");
}

#[tokio::test]
async fn openapi_names_every_kind_of_step_an_allowed_action_may_carry() {
    let app = TestApp::spawn().await;
    let (_, doc) = app.anonymous().get_json("/openapi.json").await;
    let schema = &doc["components"]["schemas"]["AllowedAction"]["properties"];
    let documented: Vec<&str> = schema["action"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let kinds: Vec<&str> = oneseal_domain::case::CommandKind::ALL
        .iter()
        .map(|k| k.code())
        .collect();
    assert_eq!(documented, kinds);
    let case = &doc["paths"]["/api/v1/cases/{number}"]["get"]["responses"]["200"];
    assert_eq!(
        case["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Case"
    );
}
