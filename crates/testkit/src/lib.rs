//! oneseal-testkit: start the real server on a random port against a real, fresh database, and
//! hand tests ready actors (a signed-in clerk, a department with a token, the anonymous public).
//!
//! The backend comes from the environment: `ONESEAL_TEST_DATABASE_URL=postgres://…` runs every
//! test in its own PostgreSQL schema; without it each test gets its own SQLite file. CI runs the
//! suite both ways.

// A test helper's job is to stop the test loudly when the world is not as it needs.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use oneseal_server::{AppState, FixedClock, Running, seed};
use oneseal_store::Store;
use oneseal_store::scratch::ScratchDb;
use reqwest::{Method, RequestBuilder, Response};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::datetime;

pub use oneseal_server::seed::DEMO_PASSWORD;

/// The moment every test starts at (a Monday, a working day).
pub const START: OffsetDateTime = datetime!(2026-11-23 09:00 +8);

pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub clock: FixedClock,
    running: Running,
    _db: ScratchDb,
}

/// Which database the tests run against (a PostgreSQL URL, or `None` for SQLite).
pub fn test_backend() -> Option<String> {
    oneseal_store::scratch::test_postgres_url()
}

impl TestApp {
    /// A server on an empty (migrated) database.
    pub async fn spawn() -> Self {
        let scratch = tokio::task::spawn_blocking(ScratchDb::new)
            .await
            .expect("database setup thread")
            .expect("a scratch database (is PostgreSQL reachable?)");
        let db = scratch.database.clone();
        let store = tokio::task::spawn_blocking(move || Store::open(db))
            .await
            .unwrap_or_else(|e| panic!("store thread: {e}"))
            .unwrap_or_else(|e| panic!("opening the store: {e}"));
        let clock = FixedClock::new(START);
        let state = AppState::new(store.clone(), Arc::new(clock.clone()));
        let running = oneseal_server::start(
            state,
            "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}")),
        )
        .await
        .unwrap_or_else(|e| panic!("binding: {e}"));
        TestApp {
            base: format!("http://{}", running.addr),
            store,
            clock,
            running,
            _db: scratch,
        }
    }

    /// A server with the demo city seeded (staff accounts of every role, the catalog).
    pub async fn spawn_demo() -> Self {
        let app = Self::spawn().await;
        seed::seed_demo(&app.store, START)
            .await
            .unwrap_or_else(|e| panic!("seeding the demo: {e}"));
        app
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Someone with no session.
    pub fn anonymous(&self) -> Actor {
        Actor {
            base: self.base.clone(),
            client: client(),
            csrf: None,
            token: None,
        }
    }

    /// A staff member signed in with the demo password.
    pub async fn sign_in(&self, staff_id: &str) -> Actor {
        let mut a = self.anonymous();
        let resp = a
            .post(
                "/api/v1/session",
                &json!({ "staff_id": staff_id, "password": DEMO_PASSWORD }),
            )
            .await;
        assert_eq!(resp.status(), 200, "sign-in of {staff_id} failed");
        let body: Value = resp.json().await.unwrap_or_default();
        a.csrf = body["csrf"].as_str().map(str::to_owned);
        a
    }

    pub async fn clerk(&self) -> Actor {
        self.sign_in("CLERK").await
    }
    pub async fn reviewer(&self) -> Actor {
        self.sign_in("REVIEW").await
    }
    pub async fn approver(&self) -> Actor {
        self.sign_in("APPROVE").await
    }
    pub async fn head(&self) -> Actor {
        self.sign_in("HEAD").await
    }
    pub async fn admin(&self) -> Actor {
        self.sign_in("ADMIN").await
    }
    pub async fn inspector(&self) -> Actor {
        self.sign_in("INSPECT").await
    }

    /// A department's system holding an API token issued by the administrator.
    pub async fn department_token(&self, department: &str, scopes: &[&str]) -> Actor {
        let admin = self.admin().await;
        let resp = admin
            .post(
                "/api/v1/tokens",
                &json!({ "department": department, "scopes": scopes }),
            )
            .await;
        assert_eq!(resp.status(), 200, "issuing a token for {department}");
        let body: Value = resp.json().await.unwrap_or_default();
        let mut a = self.anonymous();
        a.token = body["token"].as_str().map(str::to_owned);
        a
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.running.task.abort();
        self.store.close();
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_else(|e| panic!("http client: {e}"))
}

/// A user of the system as the server sees it: cookies, CSRF token or API token.
pub struct Actor {
    pub base: String,
    pub client: reqwest::Client,
    pub csrf: Option<String>,
    pub token: Option<String>,
}

impl Actor {
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let mut r = self
            .client
            .request(method, format!("{}{}", self.base, path));
        if let Some(c) = &self.csrf {
            r = r.header("X-CSRF-Token", c);
        }
        if let Some(t) = &self.token {
            r = r.bearer_auth(t);
        }
        r
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.request(Method::POST, path)
            .json(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"))
    }

    pub async fn post_bytes(&self, path: &str, body: Vec<u8>) -> Response {
        self.request(Method::POST, path)
            .body(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"))
    }

    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        let r = self.get(path).await;
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }
}

/// The machine-readable error code of a response body.
pub fn error_code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}
