//! Sessions under attack: fixation, sign-out, CSRF on every cookie-authenticated state change,
//! cross-origin form posts, and brute force through the web form.

use oneseal_testkit::{DEMO_PASSWORD, Net, ProxyNet, TestApp, error_code};
use reqwest::Method;
use reqwest::header::{COOKIE, SET_COOKIE};
use serde_json::{Value, json};

use super::matrix::{fixture, request};
use super::{ledger_size, private_routes, send};

const ATTACKER_TOKEN: &str = "attacker-chosen-session-id-0000000000000000";

/// A client with no cookie jar: the tests set and read cookies by hand.
fn bare() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The session token a response sets, if any.
fn session_set(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("oneseal_session="))
        .map(|c| c.split(';').next().unwrap_or("").to_owned())
}

async fn me_with(app: &TestApp, token: &str) -> u16 {
    bare()
        .get(app.url("/api/v1/me"))
        .header(COOKIE, format!("oneseal_session={token}"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn attacks_a_session_id_planted_before_sign_in_is_never_adopted_and_sign_out_ends_it() {
    let app = TestApp::spawn_demo().await;
    let planted = format!("oneseal_session={ATTACKER_TOKEN}");
    assert_eq!(me_with(&app, ATTACKER_TOKEN).await, 401);

    // JSON sign-in with the planted cookie: a fresh id is issued, the planted one stays dead.
    let r = bare()
        .post(app.url("/api/v1/session"))
        .header(COOKIE, &planted)
        .json(&json!({"staff_id": "CLERK", "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let issued = session_set(&r).expect("sign-in sets a session cookie");
    let csrf = r.json::<Value>().await.unwrap()["csrf"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(issued, ATTACKER_TOKEN);
    assert_eq!(
        me_with(&app, ATTACKER_TOKEN).await,
        401,
        "planted id adopted"
    );
    assert_eq!(me_with(&app, &issued).await, 200);

    // The web form likewise.
    let r = bare()
        .post(app.url("/login"))
        .header(COOKIE, &planted)
        .form(&[("staff_id", "REVIEW"), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "the form signs in and redirects");
    let form_issued = session_set(&r).expect("the form sets a session cookie");
    assert_ne!(form_issued, ATTACKER_TOKEN);
    assert_eq!(me_with(&app, ATTACKER_TOKEN).await, 401);

    // Signing out (API) ends the session on the server, not only in the browser.
    let r = bare()
        .delete(app.url("/api/v1/session"))
        .header(COOKIE, format!("oneseal_session={issued}"))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()[SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(
        me_with(&app, &issued).await,
        401,
        "signed-out id still works"
    );

    // And the page's sign-out button (POST /logout, with the page's CSRF token).
    let (_, me) = {
        let r = bare()
            .get(app.url("/api/v1/me"))
            .header(COOKIE, format!("oneseal_session={form_issued}"))
            .send()
            .await
            .unwrap();
        (r.status(), r.json::<Value>().await.unwrap())
    };
    let r = bare()
        .post(app.url("/logout"))
        .header(COOKIE, format!("oneseal_session={form_issued}"))
        .header("x-csrf-token", me["csrf"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(me_with(&app, &form_issued).await, 401);
}

#[tokio::test]
async fn attacks_every_cookie_state_change_needs_the_session_csrf_token() {
    let app = TestApp::spawn_demo().await;
    let fx = fixture(&app).await;
    let before = ledger_size(&app).await;
    let mut staff = app.admin().await;
    let good = staff.csrf.clone();
    // The applicant's routes are tried with an applicant's session (a staff session is refused
    // there before its token is looked at).
    let mut applicant = app.applicant("13900000002").await;
    let mut tried = 0;
    for (method, path) in private_routes(&app).await {
        if method == "get" {
            continue;
        }
        let admin = if path.starts_with("/api/v1/applicant/") {
            &mut applicant
        } else {
            &mut staff
        };
        let variant = if path.ends_with("/actions") && path.starts_with("/api/v1/cases") {
            "accept"
        } else {
            ""
        };
        let r = request(&fx, &method, &path, variant, "370100")
            .unwrap_or_else(|| panic!("no request for {method} {path}"));
        for csrf in [None, Some("forged-token".to_owned())] {
            admin.csrf = csrf.clone();
            let (status, body) = send(admin, &r).await;
            assert_eq!(
                (status, error_code(&body)),
                (403, "csrf"),
                "{method} {path} with CSRF token {csrf:?}: {body}"
            );
            tried += 1;
        }
        // A form post, as a page on another site would send it, carries the cookie but can set
        // no header at all.
        admin.csrf = None;
        let resp = admin
            .request(r.method.clone(), &r.path)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("department=SCJG&scopes=claim_push")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 403, "form post to {method} {path}");
    }
    assert!(tried >= 2 * 20, "only {tried} refusals checked");
    staff.csrf = good;
    assert_eq!(
        staff.get("/api/v1/me").await.status(),
        200,
        "session intact"
    );
    assert_eq!(
        ledger_size(&app).await,
        before,
        "a refused request changed the ledger"
    );
}

#[tokio::test]
async fn attacks_cross_origin_posts_are_refused_even_with_a_valid_token() {
    let app = TestApp::spawn_demo().await;
    let before = ledger_size(&app).await;
    // A sign-in form on an attacker's page (login CSRF: the victim would work in the
    // attacker's account).
    for headers in [
        [
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "cross-site"),
        ],
        [("origin", "https://evil.example"), ("x-none", "")],
        [("origin", "null"), ("x-none", "")],
        [("sec-fetch-site", "same-site"), ("x-none", "")],
    ] {
        let mut b = bare()
            .post(app.url("/login"))
            .form(&[("staff_id", "CLERK"), ("password", DEMO_PASSWORD)]);
        for (k, v) in headers {
            b = b.header(k, v);
        }
        let r = b.send().await.unwrap();
        assert_eq!(r.status(), 403, "{headers:?}");
        assert!(session_set(&r).is_none(), "{headers:?} signed in");
        assert_eq!(error_code(&r.json().await.unwrap()), "csrf");
    }
    // The same form from the site itself works.
    let r = bare()
        .post(app.url("/login"))
        .header("origin", app.base.clone())
        .header("sec-fetch-site", "same-origin")
        .form(&[("staff_id", "CLERK"), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    // A stolen CSRF token does not make a cross-site request acceptable.
    let admin = app.admin().await;
    let r = admin
        .request(Method::POST, "/api/v1/tokens")
        .header("origin", "https://evil.example")
        .json(&json!({"department": "SCJG", "scopes": ["claim_push"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // A non-browser client (no Origin, no Sec-Fetch-Site) with the token is fine.
    let r = admin
        .post(
            "/api/v1/tokens",
            &json!({"department": "SCJG", "scopes": ["claim_push"]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(ledger_size(&app).await, before + 1);
}

#[tokio::test]
async fn attacks_guessing_through_the_web_form_backs_off_and_unknown_ids_look_the_same() {
    let app = TestApp::spawn_demo().await;
    let form = |id: &'static str, pw: &'static str| {
        bare()
            .post(app.url("/login"))
            .form(&[("staff_id", id), ("password", pw)])
            .send()
    };
    let unknown = form("NO-SUCH-STAFF", "guess").await.unwrap();
    let wrong = form("APPROVE", "guess").await.unwrap();
    assert_eq!(unknown.status(), wrong.status());
    assert_eq!(unknown.status(), 400);
    let (u, w) = (unknown.text().await.unwrap(), wrong.text().await.unwrap());
    assert_eq!(
        u.replace("NO-SUCH-STAFF", "ID"),
        w.replace("APPROVE", "ID"),
        "the answer reveals whether the id exists"
    );
    for _ in 0..3 {
        assert_eq!(form("APPROVE", "guess").await.unwrap().status(), 400);
    }
    // Backing off now (from this address), and the page says nothing new.
    let locked = form("APPROVE", "guess").await.unwrap();
    assert_eq!(locked.status(), 400);
    assert_eq!(locked.text().await.unwrap(), w);
    // Backing off for the API too, even with the right password, with the one answer.
    let r = app
        .anonymous()
        .post(
            "/api/v1/session",
            &json!({"staff_id": "APPROVE", "password": DEMO_PASSWORD}),
        )
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(error_code(&r.json().await.unwrap()), "wrong_credentials");
    // SQL in the id is just a wrong id.
    let r = app
        .anonymous()
        .post(
            "/api/v1/session",
            &json!({"staff_id": "' OR '1'='1' --", "password": "' OR '1'='1' --"}),
        )
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(error_code(&r.json().await.unwrap()), "wrong_credentials");
}

/// A sign-in from `addr` (as a trusted proxy would forward it): (status, body text).
async fn sign_in_from(app: &TestApp, addr: &str, id: &str, password: &str) -> (u16, String) {
    let r = bare()
        .post(app.url("/api/v1/session"))
        .header("x-forwarded-for", addr)
        .json(&json!({"staff_id": id, "password": password}))
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The server behind a reverse proxy on the loopback (the tests' client), as operations run it.
async fn behind_proxy() -> TestApp {
    TestApp::spawn_demo_with_net(Net {
        trusted_proxies: vec![ProxyNet::parse("127.0.0.1").unwrap()],
        ..Net::default()
    })
    .await
}

#[tokio::test]
async fn attacks_a_guesser_cannot_lock_a_real_account_out_nor_learn_which_ids_exist() {
    let app = behind_proxy().await;
    let guesser = "203.0.113.9";
    let mut backing_off = Vec::new();
    for id in ["APPROVE", "NO-SUCH-STAFF"] {
        for _ in 0..5 {
            assert_eq!(sign_in_from(&app, guesser, id, "guess").await.0, 400);
        }
        // Even the right password is refused from the guesser's address, with the same answer.
        let (status, body) = sign_in_from(&app, guesser, id, DEMO_PASSWORD).await;
        assert_eq!(status, 400, "{body}");
        backing_off.push(body.replace(id, "ID"));
    }
    let (status, wrong) = sign_in_from(&app, "198.51.100.4", "APPROVE", "guess").await;
    assert_eq!(status, 400);
    assert_eq!(
        backing_off[0], backing_off[1],
        "a real id backs off unlike an unknown one"
    );
    assert_eq!(
        backing_off[0], wrong,
        "backing off is told apart from a wrong password"
    );
    assert_eq!(
        error_code(&serde_json::from_str(&wrong).unwrap()),
        "wrong_credentials"
    );
    // The staff member at their own desk signs in all along.
    let (status, body) = sign_in_from(&app, "10.0.0.7", "APPROVE", DEMO_PASSWORD).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn attacks_a_forged_forwarded_for_from_an_untrusted_peer_does_not_dodge_the_back_off() {
    // No --trusted-proxy: the header is the client's own words and counts for nothing.
    let app = TestApp::spawn_demo().await;
    for i in 0..5 {
        let (status, _) = sign_in_from(&app, &format!("192.0.2.{i}"), "REVIEW", "x").await;
        assert_eq!(status, 400);
    }
    let (status, body) = sign_in_from(&app, "192.0.2.99", "REVIEW", DEMO_PASSWORD).await;
    assert_eq!(status, 400, "{body}");
    // Five minutes on, the back-off is over.
    app.clock.advance(time::Duration::minutes(6));
    app.reviewer().await;
}

#[tokio::test]
async fn attacks_an_address_guessing_many_ids_is_shut_out_and_others_are_not() {
    let app = behind_proxy().await;
    let guesser = "203.0.113.50";
    for i in 0..oneseal_server::edge::throttle::ADDRESS_FAILURES {
        let (status, _) = sign_in_from(&app, guesser, &format!("GUESS{i}"), "x").await;
        assert_eq!(status, 400);
    }
    let (status, body) = sign_in_from(&app, guesser, "CLERK", DEMO_PASSWORD).await;
    assert_eq!(status, 429, "{body}");
    let (status, _) = sign_in_from(&app, "198.51.100.8", "CLERK", DEMO_PASSWORD).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn attacks_wrong_passwords_are_checked_off_the_writer_and_write_nothing() {
    let app = behind_proxy().await;
    let stats = app.store.stats();
    let before = stats.commands.load(std::sync::atomic::Ordering::SeqCst);
    let mut attempts = tokio::task::JoinSet::new();
    for i in 0..8 {
        let url = app.url("/api/v1/session");
        attempts.spawn(async move {
            bare()
                .post(url)
                .header("x-forwarded-for", format!("203.0.113.{i}"))
                .json(&json!({"staff_id": "HEAD", "password": "guess"}))
                .send()
                .await
                .unwrap()
                .status()
        });
    }
    while let Some(status) = attempts.join_next().await {
        assert_eq!(status.unwrap(), 400);
    }
    assert_eq!(
        stats.commands.load(std::sync::atomic::Ordering::SeqCst),
        before,
        "a wrong password went through the store's single writer"
    );
}
