//! The applicant's sign-in through OpenID Connect against a real provider: the npm package
//! `oidc-provider` run from `scripts/oidc-provider/server.mjs` on a free port, with one client
//! (client_secret_basic, PKCE required) and its development interactions (a login form that
//! takes any name, a consent form), which this test fills in as a browser would, over plain
//! HTTP with the provider's cookies in a jar.
//!
//! The test runs `npm ci` in `scripts/oidc-provider` when its `node_modules` is missing. Without
//! node and npm it prints SKIPPED and passes, except under `CI=true`, where that is a failure.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use oneseal_server::services::applicant_identity::oidc::{Oidc, OidcConfig};
use oneseal_testkit::TestApp;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};

const CLIENT_ID: &str = "oneseal-test";
const CLIENT_SECRET: &str = "oneseal-test-client-secret-0123456789";
const FLOW_COOKIE: &str = "oneseal_oidc";
const APPLICANT_COOKIE: &str = "oneseal_applicant";

/// The running provider, stopped on drop.
struct Provider {
    child: Child,
    issuer: String,
    log: PathBuf,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

fn provider_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/oidc-provider")
}

/// Whether node and npm are here; under `CI=true` their absence fails the test.
fn node_available() -> bool {
    let ok = |tool: &str| {
        Command::new(tool)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if ok("node") && ok("npm") {
        return true;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but node or npm is missing: the OpenID Connect test needs them"
    );
    eprintln!("SKIPPED: node and npm are needed to run oidc-provider");
    false
}

/// `npm ci` in the provider's directory, once.
fn install() {
    let dir = provider_dir();
    if dir
        .join("node_modules/oidc-provider/package.json")
        .is_file()
    {
        return;
    }
    let out = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&dir)
        .output()
        .expect("running npm ci");
    assert!(
        out.status.success(),
        "npm ci in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap()
}

/// Starts the provider on `port` with the client registered for `redirect_uri`.
async fn start_provider(port: u16, redirect_uri: &str) -> Provider {
    let log = std::env::temp_dir().join(format!("oneseal-oidc-{}-{port}.log", std::process::id()));
    let file = std::fs::File::create(&log).unwrap();
    let child = Command::new("node")
        .arg("server.mjs")
        .current_dir(provider_dir())
        .env("PORT", port.to_string())
        .env("REDIRECT_URI", redirect_uri)
        .env("CLIENT_ID", CLIENT_ID)
        .env("CLIENT_SECRET", CLIENT_SECRET)
        .stdout(Stdio::null())
        .stderr(file)
        .spawn()
        .expect("starting node");
    let provider = Provider {
        child,
        issuer: format!("http://127.0.0.1:{port}"),
        log,
    };
    let discovery = format!("{}/.well-known/openid-configuration", provider.issuer);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(r) = reqwest::get(&discovery).await
            && r.status() == StatusCode::OK
        {
            return provider;
        }
        assert!(
            Instant::now() < deadline,
            "oidc-provider did not start: {}",
            std::fs::read_to_string(&provider.log).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The browser at the provider: its cookies in a jar, redirects followed by hand.
fn provider_browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A client without cookies: oneseal's cookies are sent by hand.
fn plain() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The answer's `Location`, as written (oneseal's own are paths).
fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get(LOCATION)
        .unwrap_or_else(|| panic!("no Location in a {} answer", r.status()))
        .to_str()
        .unwrap()
        .to_owned()
}

/// Where the answer sends the browser: its `Location` resolved against the request's URL (the
/// provider writes paths).
fn next_url(r: &reqwest::Response) -> String {
    r.url().join(&location(r)).unwrap().to_string()
}

/// The value of the cookie `name` that `r` sets.
fn set_cookie(r: &reqwest::Response, name: &str) -> Option<String> {
    r.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next()?.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// `GET /my/login/oidc`: the provider's authorization URL and the flow cookie.
async fn begin(app: &TestApp) -> (String, String) {
    let r = plain().get(app.url("/my/login/oidc")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cookie = set_cookie(&r, FLOW_COOKIE).expect("the flow cookie");
    let all: Vec<_> = r.headers().get_all(SET_COOKIE).iter().collect();
    let flow = all
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(FLOW_COOKIE))
        .unwrap();
    assert!(
        flow.contains("HttpOnly") && flow.contains("SameSite=Lax") && flow.contains("Max-Age=600"),
        "{flow}"
    );
    (location(&r), cookie)
}

/// Walks the provider's pages from `authorize` as a browser would: the login form (any name),
/// then the consent form, or — with `decline` — the abort link; returns the URL the provider
/// sends the browser back to.
async fn through_provider(browser: &reqwest::Client, authorize: &str, decline: bool) -> String {
    let mut url = authorize.to_owned();
    for _ in 0..12 {
        let r = browser.get(&url).send().await.unwrap();
        if r.status() == StatusCode::SEE_OTHER || r.status() == StatusCode::FOUND {
            url = next_url(&r);
            if url.contains("/my/login/oidc/callback") {
                return url;
            }
            continue;
        }
        assert_eq!(r.status(), StatusCode::OK, "{url}");
        let page = r.text().await.unwrap();
        let next = if decline {
            browser.get(format!("{url}/abort")).send().await.unwrap()
        } else if page.contains(r#"name="prompt" value="login""#) {
            browser
                .post(&url)
                .form(&[
                    ("prompt", "login"),
                    ("login", "applicant-7"),
                    ("password", "x"),
                ])
                .send()
                .await
                .unwrap()
        } else if page.contains(r#"name="prompt" value="consent""#) {
            browser
                .post(&url)
                .form(&[("prompt", "consent")])
                .send()
                .await
                .unwrap()
        } else {
            panic!("an unexpected provider page at {url}: {page}");
        };
        assert_eq!(next.status(), StatusCode::SEE_OTHER, "{url}");
        url = next_url(&next);
        if url.contains("/my/login/oidc/callback") {
            return url;
        }
    }
    panic!("the provider never sent the browser back");
}

/// The callback, with the flow cookie if given: status, the applicant cookie, the page.
async fn callback(url: &str, flow: Option<&str>) -> (StatusCode, Option<String>, String) {
    let mut req = plain().get(url);
    if let Some(flow) = flow {
        req = req.header(COOKIE, format!("{FLOW_COOKIE}={flow}"));
    }
    let r = req.send().await.unwrap();
    let status = r.status();
    let session = set_cookie(&r, APPLICANT_COOKIE);
    if status == StatusCode::SEE_OTHER {
        assert_eq!(location(&r), "/my");
    }
    (status, session, r.text().await.unwrap_or_default())
}

/// A query parameter of `url` replaced (or added).
fn with_param(url: &str, name: &str, value: &str) -> String {
    let mut u = reqwest::Url::parse(url).unwrap();
    let pairs: Vec<(String, String)> = u
        .query_pairs()
        .filter(|(k, _)| k != name)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    u.query_pairs_mut()
        .clear()
        .extend_pairs(pairs)
        .append_pair(name, value);
    u.to_string()
}

fn assert_refused(got: &(StatusCode, Option<String>, String), status: u16, code: &str) {
    assert_eq!(got.0.as_u16(), status, "{code}: {}", got.2);
    assert!(got.1.is_none(), "{code}: a session was set");
    assert!(got.2.contains(code), "{code} not on the page: {}", got.2);
}

#[tokio::test]
async fn applicants_sign_in_through_a_real_openid_provider() {
    if !node_available() {
        return;
    }
    tokio::task::spawn_blocking(install).await.unwrap();
    let port = free_port();
    let oidc = Oidc::new(OidcConfig {
        issuer: format!("http://127.0.0.1:{port}"),
        client_id: CLIENT_ID.into(),
        client_secret: Some(CLIENT_SECRET.into()),
        redirect_url: None,
    })
    .unwrap();
    let app = TestApp::spawn_demo_with_oidc(Arc::new(oidc)).await;
    let provider = start_provider(port, &app.url("/my/login/oidc/callback")).await;

    // /my offers the button.
    let my = plain().get(app.url("/my")).send().await.unwrap();
    let page = my.text().await.unwrap();
    assert!(page.contains("/my/login/oidc") && page.contains("统一身份认证登录"));

    // A whole sign-in: the session works on the applicant's API and names nobody.
    let browser = provider_browser();
    let (authorize, flow) = begin(&app).await;
    assert!(authorize.starts_with(&provider.issuer), "{authorize}");
    for part in [
        "code_challenge_method=S256",
        "code_challenge=",
        "state=",
        "nonce=",
        "scope=openid",
    ] {
        assert!(authorize.contains(part), "{part} missing from {authorize}");
    }
    let back = through_provider(&browser, &authorize, false).await;
    let signed_in = callback(&back, Some(&flow)).await;
    assert_eq!(signed_in.0, StatusCode::SEE_OTHER, "{}", signed_in.2);
    let session = signed_in.1.clone().expect("the applicant cookie");
    let mine = plain()
        .get(app.url("/api/v1/applicant/applications"))
        .header(COOKIE, format!("{APPLICANT_COOKIE}={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(mine.status(), StatusCode::OK);
    let my = plain()
        .get(app.url("/my"))
        .header(COOKIE, format!("{APPLICANT_COOKIE}={session}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(my.contains("统一身份认证用户"), "{my}");
    assert!(
        !my.contains("applicant-7"),
        "the provider's subject shows on /my"
    );
    // Without a session the same API refuses: the 200 above is the cookie's doing.
    let anonymous = plain()
        .get(app.url("/api/v1/applicant/applications"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    // The same callback again: the provider refuses a spent code.
    assert_refused(
        &callback(&back, Some(&flow)).await,
        400,
        "oidc_code_refused",
    );

    // A fresh flow's callback with another state, a forged code, without the flow cookie
    // (a stolen callback URL), with a forged flow cookie: each refused, and the real one still
    // works after them (the checks come before the code is spent).
    let (authorize, flow) = begin(&app).await;
    let back = through_provider(&browser, &authorize, false).await;
    assert_refused(
        &callback(&with_param(&back, "state", "another-state"), Some(&flow)).await,
        400,
        "oidc_state_mismatch",
    );
    assert_refused(&callback(&back, None).await, 400, "oidc_flow_missing");
    let forged_flow = format!("{flow}x");
    assert_refused(
        &callback(&back, Some(&forged_flow)).await,
        400,
        "oidc_flow_invalid",
    );
    assert_refused(
        &callback(
            &with_param(&back, "code", "forged-code-0123456789"),
            Some(&flow),
        )
        .await,
        400,
        "oidc_code_refused",
    );
    let (status, session, _) = callback(&back, Some(&flow)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(session.is_some());

    // A flow begun with another server's cookie is not this one's: the state is in the cookie.
    let (_, other_flow) = begin(&app).await;
    let (authorize, _) = begin(&app).await;
    let back = through_provider(&browser, &authorize, false).await;
    assert_refused(
        &callback(&back, Some(&other_flow)).await,
        400,
        "oidc_state_mismatch",
    );

    // The applicant declines at the provider: 403.
    let (authorize, flow) = begin(&app).await;
    let back = through_provider(&provider_browser(), &authorize, true).await;
    assert!(back.contains("error=access_denied"), "{back}");
    assert_refused(&callback(&back, Some(&flow)).await, 403, "oidc_denied");

    // A flow finished after its ten minutes: refused before the code is used.
    let (authorize, flow) = begin(&app).await;
    let back = through_provider(&browser, &authorize, false).await;
    app.clock.advance(time::Duration::minutes(11));
    assert_refused(
        &callback(&back, Some(&flow)).await,
        400,
        "oidc_flow_expired",
    );

    // The provider gone: a flow begun before cannot be finished, 503.
    let (authorize, flow) = begin(&app).await;
    let back = through_provider(&browser, &authorize, false).await;
    drop(provider);
    assert_refused(&callback(&back, Some(&flow)).await, 503, "oidc_unavailable");
}

#[tokio::test]
async fn without_a_provider_the_oidc_sign_in_is_not_there() {
    let app = TestApp::spawn().await;
    let r = plain().get(app.url("/my/login/oidc")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = plain()
        .get(app.url("/my/login/oidc/callback?code=x&state=y"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let my = plain()
        .get(app.url("/my"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!my.contains("/my/login/oidc"));
}
