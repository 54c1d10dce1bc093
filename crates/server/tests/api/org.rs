use oneseal_testkit::{TestApp, error_code, peek};
use serde_json::{Value, json};

#[tokio::test]
async fn demo_has_a_city_with_three_counties_and_their_departments() {
    let app = TestApp::spawn_demo().await;
    let admin = app.admin().await;
    let (_, js) = admin.get_json("/api/v1/jurisdictions").await;
    let codes: Vec<&str> = js
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["370100", "370114", "370124", "370126"]);
    assert!(
        js.as_array().unwrap()[1..]
            .iter()
            .all(|j| j["parent"] == "370100")
    );
    let (_, ds) = admin
        .get_json("/api/v1/departments?jurisdiction=370124")
        .await;
    let kinds: Vec<&str> = ds
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    for k in ["bureau", "licensing", "vertical", "utility", "intermediary"] {
        assert!(kinds.contains(&k), "missing {k}");
    }
}

#[tokio::test]
async fn transfer_keeps_the_posting_history_and_is_on_the_ledger() {
    let app = TestApp::spawn_demo().await;
    let admin = app.admin().await;
    let r = admin
        .post(
            "/api/v1/staff/CLERK/transfer",
            &json!({"to_department": "SCJG", "on": "2026-11-23"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let idx = r.json::<Value>().await.unwrap()["ledger_index"]
        .as_u64()
        .unwrap();
    let postings = app
        .store
        .read(|c| peek::staff_postings(c, "CLERK"))
        .await
        .unwrap();
    assert_eq!(postings.len(), 2);
    assert_eq!(postings[0].department, "SPJ");
    assert_eq!(postings[0].until.as_deref(), Some("2026-11-23"));
    assert_eq!(postings[1].department, "SCJG");
    let entry = app
        .store
        .read(move |c| oneseal_store::log::entry(c, "370100", idx))
        .await
        .unwrap()
        .unwrap();
    let entry: Value = serde_json::from_slice(&entry).unwrap();
    assert_eq!(entry["kind"], "org.staff_transferred");
    assert_eq!(entry["actor"], "staff:ADMIN");
}

#[tokio::test]
async fn transfer_to_an_unknown_department_or_bad_date_changes_nothing() {
    let app = TestApp::spawn_demo().await;
    let admin = app.admin().await;
    let before = ledger_size(&app).await;
    let r = admin
        .post(
            "/api/v1/staff/CLERK/transfer",
            &json!({"to_department": "NOPE", "on": "2026-11-23"}),
        )
        .await;
    assert_eq!(
        (
            r.status().as_u16(),
            error_code(&r.json().await.unwrap()).to_owned()
        ),
        (400, "unknown_department".to_owned())
    );
    let r = admin
        .post(
            "/api/v1/staff/CLERK/transfer",
            &json!({"to_department": "SCJG", "on": "23/11/2026"}),
        )
        .await;
    assert_eq!(error_code(&r.json().await.unwrap()), "bad_date");
    let r = admin
        .post(
            "/api/v1/staff/NOBODY/transfer",
            &json!({"to_department": "SCJG", "on": "2026-11-23"}),
        )
        .await;
    assert_eq!(r.status(), 404);
    assert_eq!(ledger_size(&app).await, before);
}

#[tokio::test]
async fn public_ledger_entries_hold_no_staff_names() {
    let app = TestApp::spawn_demo().await;
    let (names, entries) = app
        .store
        .read(|c| {
            let names = peek::staff_names(c)?;
            let mut entries = Vec::new();
            for (log, size, _) in oneseal_store::log::heads(c)? {
                entries.extend(oneseal_store::log::entries(c, &log, 0, size)?);
            }
            Ok::<_, oneseal_store::StoreError>((names, entries))
        })
        .await
        .unwrap();
    assert!(names.len() >= 9);
    for (_, e) in entries {
        let text = String::from_utf8(e).unwrap();
        for n in &names {
            assert!(
                !text.contains(n.as_str()),
                "staff name {n} leaked into {text}"
            );
        }
    }
}

async fn ledger_size(app: &TestApp) -> u64 {
    app.store
        .read(|c| oneseal_store::log::read_head(c, "370100"))
        .await
        .unwrap()
        .0
}

#[tokio::test]
async fn api_tokens_expire_are_listed_with_their_last_use_and_can_be_revoked() {
    let app = TestApp::spawn_demo().await;
    let admin = app.admin().await;
    let admin = &admin;
    let issue = |body: Value| async move { admin.post("/api/v1/tokens", &body).await };
    for days in [0, 366, -1] {
        let r = issue(
            json!({"department": "SCJG", "scopes": ["view_pushes"], "expires_in_days": days}),
        )
        .await;
        assert_eq!(r.status(), 400);
        assert_eq!(error_code(&r.json().await.unwrap()), "bad_expiry");
    }
    let r =
        issue(json!({"department": "SCJG", "scopes": ["view_pushes"], "expires_in_days": 1})).await;
    assert_eq!(r.status(), 200);
    let short: Value = r.json().await.unwrap();
    assert_eq!(short["expires_at"], app.clock_now() + 86_400);
    let year: Value = issue(json!({"department": "SCJG", "scopes": ["view_pushes"]}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        year["expires_at"],
        app.clock_now() + 365 * 86_400,
        "a year by default"
    );
    let as_token = |t: &Value| {
        let mut a = app.anonymous();
        a.token = t["token"].as_str().map(str::to_owned);
        a
    };
    let (short_user, year_user) = (as_token(&short), as_token(&year));
    assert_eq!(short_user.get("/api/v1/linkage/pushes").await.status(), 200);

    // The list shows expiry and last use, never a secret.
    let mut listed = Value::Null;
    for _ in 0..50 {
        listed = admin.get_json("/api/v1/tokens").await.1;
        if listed
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == short["id"] && !t["last_used_at"].is_null())
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let entry = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == short["id"])
        .unwrap_or_else(|| panic!("{listed}"));
    assert_eq!(entry["last_used_at"], app.clock_now(), "{listed}");
    assert_eq!(
        (entry["revoked"].clone(), entry["expired"].clone()),
        (json!(false), json!(false))
    );
    let text = listed.to_string();
    assert!(!text.contains(short["token"].as_str().unwrap()) && !text.contains("token_hash"));

    // Expired: refused at once.
    app.clock.advance(time::Duration::days(1));
    assert_eq!(short_user.get("/api/v1/linkage/pushes").await.status(), 401);
    assert_eq!(year_user.get("/api/v1/linkage/pushes").await.status(), 200);

    // Revoked: refused at once, recorded in the ledger, not twice.
    // (The administrator's session has expired meanwhile.)
    let admin = app.admin().await;
    let revoke = |id: &str| {
        admin
            .request(reqwest::Method::DELETE, &format!("/api/v1/tokens/{id}"))
            .send()
    };
    let r = revoke(year["id"].as_str().unwrap()).await.unwrap();
    assert_eq!(r.status(), 200);
    let idx = r.json::<Value>().await.unwrap()["ledger_index"]
        .as_u64()
        .unwrap();
    assert_eq!(year_user.get("/api/v1/linkage/pushes").await.status(), 401);
    let r = revoke(year["id"].as_str().unwrap()).await.unwrap();
    assert_eq!(r.status(), 409);
    assert_eq!(error_code(&r.json().await.unwrap()), "token_revoked");
    assert_eq!(revoke("tok-nosuchtoken").await.unwrap().status(), 404);
    let (_, listed) = admin.get_json("/api/v1/tokens").await;
    let entry = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == year["id"])
        .unwrap();
    assert_eq!(entry["revoked"], true);
    let entry = app
        .store
        .read(move |c| oneseal_store::log::entry(c, "370100", idx))
        .await
        .unwrap()
        .unwrap();
    let entry: Value = serde_json::from_slice(&entry).unwrap();
    assert_eq!(entry["kind"], "access.api_token_revoked");
    assert_eq!(entry["actor"], "staff:ADMIN");
}
