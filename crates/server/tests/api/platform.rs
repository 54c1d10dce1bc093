//! Intake from the provincial service platform (issue #19 item 7): the administrator issues the
//! platform a token with a callback address; the platform forwards an application once per
//! reference; a retry answers the same case, another body under the same reference is refused;
//! the platform's token does nothing else and no one else forwards; the case's public steps
//! reach the platform as signed callbacks carrying no personal data.

use oneseal_server::WallClock;
use oneseal_testkit::{Actor, TestApp, error_code};
use serde_json::{Value, json};

use crate::cases::{applicant, step};
use crate::webhooks::{deliver, receiver, verify};

const CITY: &str = "370100";
const FOOD: &str = "990100001000";
const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

/// The administrator issues platform `name` a token (with `callback`, if given); returns the
/// platform's actor and the answer.
pub(crate) async fn platform_token(
    app: &TestApp,
    name: &str,
    callback: Option<&str>,
) -> (Actor, Value) {
    let mut body = json!({"platform": name, "scopes": ["intake"]});
    if let Some(url) = callback {
        body["callback_url"] = url.into();
    }
    let r = app.admin().await.post("/api/v1/tokens", &body).await;
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert_eq!(status, 200, "{v}");
    let mut a = app.anonymous();
    a.token = v["token"].as_str().map(str::to_owned);
    (a, v)
}

pub(crate) fn application(platform_ref: &str, material: &str) -> Value {
    json!({"platform_ref": platform_ref, "item_code": FOOD, "applicant": applicant(),
           "materials": [{"name": material, "sha256": SHA}],
           "submitted_at": "2026-09-04T20:30:00+08:00"})
}

pub(crate) async fn forward(actor: &Actor, body: &Value) -> (u16, Value, bool) {
    let r = actor.post("/api/v1/intake", body).await;
    let status = r.status().as_u16();
    let replayed = r.headers().get("idempotent-replayed").is_some();
    (status, r.json().await.unwrap_or(Value::Null), replayed)
}

/// The public log entry at `index`, as text.
async fn entry(app: &TestApp, index: u64) -> String {
    let bytes = app
        .anonymous()
        .get(&format!("/api/v1/log/{CITY}/entries/{index}"))
        .await
        .bytes()
        .await
        .unwrap();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[tokio::test]
async fn a_platform_forwards_an_application_once_per_reference_and_hears_of_each_public_step() {
    let app = TestApp::spawn_demo_witnessed_private_webhooks().await;
    app.clock.set(time::macros::datetime!(2026-09-07 09:00 +8));
    let (url, got) = receiver(0).await;
    let (platform, issued) = platform_token(&app, "sdzwfw", Some(&url)).await;
    let secret = issued["callback_secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"), "{issued}");
    assert_eq!(issued["scopes"], json!(["intake"]));
    let (status, first, replayed) = forward(&platform, &application("SD-0001", "申请书")).await;
    assert_eq!(status, 200, "{first}");
    assert!(!replayed && first["replayed"] == false);
    let number = first["case_number"].as_str().unwrap().to_owned();

    // A retry (the platform lost the answer) answers the same case and code.
    let (status, again, replayed) = forward(&platform, &application("SD-0001", "申请书")).await;
    assert_eq!(status, 200, "{again}");
    assert!(replayed && again["replayed"] == true);
    assert_eq!(
        (
            &again["case_number"],
            &again["query_code"],
            &again["ledger_index"]
        ),
        (
            &first["case_number"],
            &first["query_code"],
            &first["ledger_index"]
        )
    );
    // The same reference with another body is refused, and nothing is registered.
    let (status, other, _) = forward(&platform, &application("SD-0001", "营业执照")).await;
    assert_eq!(status, 409, "{other}");
    assert_eq!(error_code(&other), "platform_ref_reused");
    // Another reference is another case.
    let (status, second, _) = forward(&platform, &application("SD-0002", "申请书")).await;
    assert_eq!(status, 200, "{second}");
    assert_ne!(second["case_number"], first["case_number"]);

    // Online, received when submitted on the platform (Art. 33), by the platform.
    let clerk = app.clerk().await;
    let (_, case) = clerk.get_json(&format!("/api/v1/cases/{number}")).await;
    assert_eq!(
        case["clock"]["notice"]["received_on"], "2026-09-04",
        "{case}"
    );
    // Accepted at the window: the platform hears of the receipt and of the acceptance.
    step(&clerk, &number, json!({"action": "accept"})).await;
    let now = app.clock.now();
    assert_eq!(
        deliver(&app, now).await,
        3,
        "two receipts and one acceptance"
    );
    let got = got.lock().unwrap().clone();
    let mut steps = Vec::new();
    for (headers, body) in &got {
        verify(&secret, headers, body, now.unix_timestamp()).unwrap();
        let text = String::from_utf8_lossy(body);
        assert!(
            !text.contains("济南泉城") && !text.contains("13812345678"),
            "{text}"
        );
        let e: Value = serde_json::from_slice(body).unwrap();
        let data = &e["data"];
        assert_eq!(data["platform"], "sdzwfw", "{e}");
        assert_eq!(
            e["type"],
            format!("cn.gov.approval.{}", data["kind"].as_str().unwrap())
        );
        if data["platform_ref"] == "SD-0001" {
            assert_eq!(data["body"]["case_number"], number.as_str(), "{e}");
            steps.push(data["body"]["step"].as_str().unwrap().to_owned());
        }
    }
    steps.sort();
    assert_eq!(steps, ["accepted", "received"]);

    // The ledger (served once published) holds the token's issue without its secrets, and
    // the binding of reference and case with codes only.
    app.checkpoint_and_cosign().await;
    let issue = entry(&app, issued["ledger_index"].as_u64().unwrap()).await;
    assert!(issue.contains("access.platform_token_issued") && issue.contains("sdzwfw"));
    assert!(!issue.contains(issued["token"].as_str().unwrap()) && !issue.contains(&secret));

    let bound = entry(&app, first["ledger_index"].as_u64().unwrap() + 1).await;
    assert!(
        bound.contains("case.platform_intake") && bound.contains("SD-0001"),
        "{bound}"
    );
    assert!(!bound.contains("济南泉城") && !bound.contains("13812345678"));
}

#[tokio::test]
async fn a_platform_token_only_forwards_and_only_a_platform_token_forwards() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(time::macros::datetime!(2026-09-07 09:00 +8));
    let (platform, _) = platform_token(&app, "sdzwfw", None).await;
    for path in [
        "/api/v1/cases",
        "/api/v1/catalog/items",
        "/api/v1/linkage/pushes",
        "/api/v1/dept/feed",
    ] {
        let (status, body) = platform.get_json(path).await;
        assert_eq!(status, 403, "{path}: {body}");
        assert_eq!(error_code(&body), "forbidden_role", "{path}");
    }
    let r = platform
        .post(
            "/api/v1/cases",
            &json!({"item_code": FOOD, "channel": "online", "applicant": applicant()}),
        )
        .await;
    assert_eq!(
        r.status(),
        403,
        "a platform does not use the window's intake"
    );

    // Neither staff nor a department's system forwards applications.
    let department = app.department_token("SCJG", &["view_pushes"]).await;
    for actor in [app.clerk().await, app.admin().await, department] {
        let (status, body, _) = forward(&actor, &application("SD-9", "申请书")).await;
        assert_eq!(status, 403, "{body}");
        assert_eq!(error_code(&body), "forbidden_role");
    }

    // Its requests are checked as the window's are.
    let mut no_time = application("SD-1", "申请书");
    no_time.as_object_mut().unwrap().remove("submitted_at");
    let (status, body, _) = forward(&platform, &no_time).await;
    assert_eq!((status, error_code(&body)), (400, "missing_submitted_at"));
    let (status, body, _) = forward(&platform, &application("SD 1", "申请书")).await;
    assert_eq!((status, error_code(&body)), (400, "bad_platform_ref"));
    let mut window = application("SD-1", "申请书");
    window["channel"] = "window".into();
    let (status, body, _) = forward(&platform, &window).await;
    assert_eq!(
        (status, error_code(&body)),
        (400, "submitted_at_not_online"),
        "{body}"
    );
    let mut bad = application("SD-1", "申请书");
    bad["applicant"]["uscc"] = "123".into();
    let (status, body, _) = forward(&platform, &bad).await;
    assert_eq!(status, 400, "{body}");

    // Tokens: a platform's scopes are exactly intake; a department's never include it.
    let admin = app.admin().await;
    for (body, code) in [
        (
            json!({"platform": "sdzwfw", "scopes": ["view_pushes"]}),
            "bad_scopes",
        ),
        (
            json!({"platform": "SDZWFW", "scopes": ["intake"]}),
            "bad_platform",
        ),
        (
            json!({"department": "SCJG", "scopes": ["intake"]}),
            "bad_scopes",
        ),
        (
            json!({"department": "SCJG", "platform": "sdzwfw", "scopes": ["intake"]}),
            "department_or_platform",
        ),
        (json!({"scopes": ["intake"]}), "department_or_platform"),
        (
            json!({"platform": "sdzwfw", "scopes": ["intake"], "callback_url": "http://127.0.0.1:9/x"}),
            "webhook_target_not_allowed",
        ),
    ] {
        let r = admin.post("/api/v1/tokens", &body).await;
        let status = r.status();
        let v: Value = r.json().await.unwrap();
        assert_eq!((status.as_u16(), error_code(&v)), (400, code), "{body}");
    }
    let r = app
        .clerk()
        .await
        .post(
            "/api/v1/tokens",
            &json!({"platform": "sdzwfw", "scopes": ["intake"]}),
        )
        .await;
    assert_eq!(r.status(), 403);
}
