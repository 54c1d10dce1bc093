//! oneseal-testkit: start the real server on a random port against a real, fresh database, and
//! hand tests ready actors (a signed-in clerk, a department with a token, the anonymous public).
//!
//! The backend comes from the environment: `ONESEAL_TEST_DATABASE_URL=postgres://…` runs every
//! test in its own PostgreSQL schema; without it each test gets its own SQLite file. CI runs the
//! suite both ways.
//!
//! Every `TestApp` ends with an end check: when it drops, `ledger verify` and `rules replay` run on
//! its database (see [`end_check`]), and the test fails if either finds a difference. A test that
//! corrupts the database on purpose says so with [`TestApp::expect_corrupted`]; then the end
//! check must find a difference instead.
//!
//! The fixtures' one home: this crate (apps and actors), `oneseal_seal::testing` (keys, seals),
//! `oneseal_store::testing` (rows edited or read behind the ledger's back; re-exported here as
//! [`tamper`] and [`peek`]).

// A test helper's job is to stop the test loudly when the world is not as it needs.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

pub mod end_check;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use oneseal_seal::KdfParams;
use oneseal_server::background::checkpointer::{Checkpointer, Signed};
use oneseal_server::background::cosign::cosign;
use oneseal_server::services::applicant_identity::oidc::Oidc;
use oneseal_server::services::case_secrets::CaseSecrets;
use oneseal_server::services::history;
use oneseal_server::services::ledger::anchor::Anchors;
use oneseal_server::services::ledger::audit::{Finding, verify};
use oneseal_server::services::ledger::keys::MasterKey;
use oneseal_server::services::ledger::{DEFAULT_LOG_HOST, Logs, WitnessInfo, open_logs};
use oneseal_server::services::linkage::webhooks::TargetPolicy;
use oneseal_server::services::rules::{ReplayFinding, replay};
use oneseal_server::services::sealing::{SealKeys, seed_demo_seals};
use oneseal_server::services::seed;
use oneseal_server::witness::{DEMO_WITNESSES, RunningWitness, spawn_in_process};
use oneseal_server::{AppState, FixedClock, Running};

pub use oneseal_server::edge::net::{Net, ProxyNet, PublicUrl};
use oneseal_store::scratch::ScratchDb;
use oneseal_store::{Database, Store};
use reqwest::{Method, RequestBuilder, Response};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::datetime;

pub use oneseal_server::services::seed::DEMO_PASSWORD;
pub use oneseal_store::testing::{peek, tamper};

pub use end_check::{Differences, end_check};

/// The moment every test starts at (a Monday, a working day).
pub const START: OffsetDateTime = datetime!(2026-11-23 09:00 +8);

pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub clock: FixedClock,
    /// The logs' keys (present after `spawn_demo`).
    pub logs: Arc<Logs>,
    /// The rollback guard's directory.
    pub anchors: Anchors,
    /// The running server's decrypted seal keys (tests add a rotated seal's key here).
    pub seal_keys: Arc<SealKeys>,
    /// The keys of query-code digests and document salts.
    pub case_secrets: Arc<CaseSecrets>,
    running: Running,
    /// In-process witnesses (with `spawn_demo_witnessed`), kept alive with the app.
    pub witnesses: Vec<RunningWitness>,
    dir: PathBuf,
    /// Set by `expect_corrupted`: the end check must find a difference instead of none.
    corrupted: AtomicBool,
    _db: ScratchDb,
}

/// Which database the tests run against (a PostgreSQL URL, or `None` for SQLite).
pub fn test_backend() -> Option<String> {
    oneseal_store::scratch::test_postgres_url()
}

impl TestApp {
    /// A server on an empty (migrated) database.
    pub async fn spawn() -> Self {
        Self::spawn_with(false, false, TargetPolicy::PublicOnly).await
    }

    /// A server with the demo city seeded (staff accounts of every role, the catalog) and the
    /// logs' keys loaded; no background tasks: tests call `checkpoint()` when they need one.
    pub async fn spawn_demo() -> Self {
        Self::spawn_with(true, false, TargetPolicy::PublicOnly).await
    }

    /// The demo with three in-process witnesses (quorum 2), as `serve --demo` runs them.
    pub async fn spawn_demo_witnessed() -> Self {
        Self::spawn_with(true, true, TargetPolicy::PublicOnly).await
    }

    /// The witnessed demo as `serve --demo --webhook-allow-private` runs it: webhooks may reach
    /// private addresses, so a test's receiver on 127.0.0.1 can be registered.
    pub async fn spawn_demo_witnessed_private_webhooks() -> Self {
        Self::spawn_full(true, true, Net::default(), TargetPolicy::AllowPrivate).await
    }

    /// The demo with network settings (`serve --public-url`, `--trusted-proxy`).
    pub async fn spawn_demo_with_net(net: Net) -> Self {
        Self::spawn_full(true, false, net, TargetPolicy::PublicOnly).await
    }

    async fn spawn_with(demo: bool, witnessed: bool, webhook_policy: TargetPolicy) -> Self {
        Self::spawn_full(demo, witnessed, Net::default(), webhook_policy).await
    }

    /// The demo city with a generated history of `cases` applications over the `days` days
    /// that end at [`START`] (as `serve --demo` has, smaller), the monitoring rules run over it.
    pub async fn spawn_history(cases: u32, days: u32, seed: u64) -> Self {
        let options = history::Options {
            cases,
            seed,
            days,
            end: START,
            batch: 500,
            cache_mib: 0,
        };
        let app = Self::spawn_inner(
            true,
            false,
            Net::default(),
            TargetPolicy::PublicOnly,
            Some(options),
            None,
            None,
        )
        .await;
        oneseal_server::background::rules_runner::run(&app.store, START)
            .await
            .expect("the rules over the history");
        app
    }

    /// Any combination: demo data, witnesses, network settings, webhook targets.
    pub async fn spawn_full(
        demo: bool,
        witnessed: bool,
        net: Net,
        webhook_policy: TargetPolicy,
    ) -> Self {
        Self::spawn_inner(demo, witnessed, net, webhook_policy, None, None, None).await
    }

    /// The demo with its case materials kept in `materials` (another store or other limits
    /// than the default: a directory of the test's own, 20 MiB a file, 100 MiB a case).
    pub async fn spawn_demo_with_materials(
        materials: Arc<oneseal_server::services::materials::Materials>,
    ) -> Self {
        Self::spawn_inner(
            true,
            false,
            Net::default(),
            TargetPolicy::PublicOnly,
            None,
            Some(materials),
            None,
        )
        .await
    }

    /// The demo whose applicants may sign in through `oidc` (`serve --oidc-issuer …`).
    pub async fn spawn_demo_with_oidc(oidc: Arc<Oidc>) -> Self {
        Self::spawn_inner(
            true,
            false,
            Net::default(),
            TargetPolicy::PublicOnly,
            None,
            None,
            Some(oidc),
        )
        .await
    }

    async fn spawn_inner(
        demo: bool,
        witnessed: bool,
        net: Net,
        webhook_policy: TargetPolicy,
        history: Option<history::Options>,
        materials: Option<Arc<oneseal_server::services::materials::Materials>>,
        oidc: Option<Arc<Oidc>>,
    ) -> Self {
        let scratch = tokio::task::spawn_blocking(ScratchDb::new)
            .await
            .expect("database setup thread")
            .expect("a scratch database (is PostgreSQL reachable?)");
        let store = open_store(scratch.database.clone()).await;
        let clock = FixedClock::new(START);
        // A history's organisation is recorded at its opening, before its first case.
        let opening = history.as_ref().map_or(START, history::opening);
        if demo {
            seed::seed_demo(&store, opening)
                .await
                .expect("seeding the demo");
        }
        let dir = std::env::temp_dir().join(format!("oneseal-app-{}", scratch_suffix()));
        std::fs::create_dir_all(&dir).expect("test directory");
        let master = test_master_key();
        let s2 = store.clone();
        let (mut logs, seal_keys, case_secrets) = tokio::task::spawn_blocking(move || {
            let logs = open_logs(&s2, &master, DEFAULT_LOG_HOST, START.unix_timestamp())
                .expect("log keys");
            if demo {
                seed_demo_seals(&s2, &master, opening).expect("demo seals");
            }
            let keys = Arc::new(SealKeys::load(&s2, &master).expect("seal keys"));
            let secrets = Arc::new(
                CaseSecrets::load_or_create(&s2, &master, START.unix_timestamp())
                    .expect("case secrets"),
            );
            if let Some(options) = history {
                let calendar = s2
                    .read_blocking(|c| oneseal_server::services::calendar::CalendarStore::load(c))
                    .expect("calendar");
                let keys = history::Keys {
                    seals: keys.clone(),
                    secrets: secrets.clone(),
                    calendar: calendar.current(),
                };
                history::generate(&s2, &keys, &options).expect("the history");
            }
            (logs, keys, secrets)
        })
        .await
        .expect("key thread");
        let mut witnesses = Vec::new();
        if witnessed {
            let vkeys: Vec<_> = logs
                .keys
                .values()
                .map(|k| k.ed25519.verifier_key())
                .collect();
            let clock: Arc<dyn oneseal_server::WallClock> = Arc::new(clock.clone());
            witnesses = spawn_in_process(&dir.join("witnesses"), &DEMO_WITNESSES, &vkeys, clock)
                .await
                .expect("witnesses");
            for w in &witnesses {
                logs.witnesses.push(WitnessInfo {
                    label: w.label.clone(),
                    url: w.url.clone(),
                    vkey: w.vkey.to_string(),
                });
            }
            logs.quorum = 2;
        }
        let logs = Arc::new(logs);
        let anchors = Anchors::new(&dir.join("anchors"));
        let state = AppState::new(store.clone(), Arc::new(clock.clone()))
            .with_master_key(Arc::new(test_master_key()))
            .with_webhook_policy(webhook_policy)
            .with_logs(logs.clone())
            .with_seal_keys(seal_keys.clone())
            .with_case_secrets(case_secrets.clone())
            .with_calendar(Arc::new(
                store
                    .read(|c| oneseal_server::services::calendar::CalendarStore::load(c))
                    .await
                    .expect("calendar"),
            ))
            .with_net(net)
            .with_materials(materials.unwrap_or_else(|| {
                oneseal_server::services::materials::Materials::new(
                    oneseal_server::services::materials::MaterialStore::Local(
                        oneseal_server::services::materials::LocalDir::new(dir.join("materials")),
                    ),
                    oneseal_server::services::materials::MaterialLimits::default(),
                )
            }));
        // As `serve --demo`: applicants' codes go to the outbox.
        let state = if demo {
            state.with_demo_outbox()
        } else {
            state
        };
        let state = match oidc {
            Some(oidc) => state.with_oidc(oidc),
            None => state,
        };
        let running = start_on_any_port(state).await;
        TestApp {
            base: format!("http://{}", running.addr),
            store,
            clock,
            logs,
            anchors,
            seal_keys,
            case_secrets,
            running,
            witnesses,
            dir,
            corrupted: AtomicBool::new(false),
            _db: scratch,
        }
    }

    /// A second server process on this app's database (its own store and connection pool, as
    /// another machine of a PostgreSQL deployment would have), sharing the test clock.
    pub async fn spawn_peer(&self) -> Peer {
        let store = open_store(self.store.database().clone()).await;
        // The keys and calendar another machine would load from the same database and key file,
        // so that it can take staff requests (intake among them) as well as public ones.
        let calendar = store
            .read(|c| oneseal_server::services::calendar::CalendarStore::load(c))
            .await
            .expect("calendar");
        let state = AppState::new(store.clone(), Arc::new(self.clock.clone()))
            .with_master_key(Arc::new(test_master_key()))
            .with_case_secrets(self.case_secrets.clone())
            .with_calendar(Arc::new(calendar));
        let running = start_on_any_port(state).await;
        Peer {
            base: format!("http://{}", running.addr),
            store,
            running,
        }
    }

    /// The checkpointer as the server runs it, on this app's store, keys and clock.
    pub fn checkpointer(&self) -> Checkpointer {
        Checkpointer {
            store: self.store.clone(),
            keys: Arc::new(self.logs.keys.clone()),
            anchors: Some(self.anchors.clone()),
            clock: Arc::new(self.clock.clone()),
        }
    }

    /// The test clock's current time as Unix seconds.
    pub fn clock_now(&self) -> i64 {
        use oneseal_server::WallClock;
        self.clock.now().unix_timestamp()
    }

    /// Signs a checkpoint of every log that grew (one checkpointer round).
    pub async fn checkpoint(&self) -> Vec<Signed> {
        self.checkpointer()
            .tick()
            .await
            .expect("checkpointer round")
    }

    /// One checkpointer round; the checkpoint it signed of `log` (which must have grown).
    pub async fn checkpoint_of(&self, log: &str) -> Signed {
        self.checkpoint()
            .await
            .into_iter()
            .find(|s| s.log == log)
            .unwrap_or_else(|| panic!("no checkpoint of {log} signed"))
    }

    /// One checkpointer round, then the witnesses' cosignatures, as the server does after it.
    /// Returns (log, cosignatures collected) per signed checkpoint.
    pub async fn checkpoint_and_cosign(&self) -> Vec<(String, usize)> {
        let client = reqwest::Client::new();
        let mut out = Vec::new();
        for s in self.checkpoint().await {
            let n = cosign(&self.store, &self.logs, &client, &s).await;
            out.push((s.log.clone(), n));
        }
        out
    }

    /// The app's logs with the witnesses' URLs replaced in order (same keys, labels and
    /// quorum): a witness that is down, or an impostor answering in its name.
    pub fn logs_with_witness_urls(&self, urls: &[&str]) -> Logs {
        Logs {
            host: self.logs.host.clone(),
            keys: self.logs.keys.clone(),
            witnesses: self
                .logs
                .witnesses
                .iter()
                .zip(urls)
                .map(|(w, url)| WitnessInfo {
                    url: (*url).to_owned(),
                    ..w.clone()
                })
                .collect(),
            quorum: self.logs.quorum,
        }
    }

    /// One cosigning round of `signed` against `logs`' witnesses, as the server runs it;
    /// returns how many distinct witnesses cosigned.
    pub async fn cosign_with(&self, logs: &Logs, signed: &Signed) -> usize {
        cosign(&self.store, logs, &reqwest::Client::new(), signed).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Someone with no session.
    pub fn anonymous(&self) -> Actor {
        Actor::anonymous_at(&self.base)
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

    /// An applicant signed in with a one-time code from the demo's outbox (`phone`: a mobile).
    pub async fn applicant(&self, phone: &str) -> Actor {
        let mut a = self.anonymous();
        let r = a
            .post("/api/v1/applicant/otp", &json!({ "phone": phone }))
            .await;
        assert_eq!(r.status(), 200, "sending a code to {phone}");
        let (_, outbox) = a
            .get_json(&format!("/api/v1/demo/outbox?phone={phone}"))
            .await;
        // The newest code (the outbox also carries case messages, which have none).
        let code = outbox["messages"]
            .as_array()
            .and_then(|m| m.iter().find_map(|m| m["code"].as_str()))
            .unwrap_or_else(|| panic!("no code in the outbox: {outbox}"))
            .to_owned();
        let r = a
            .post(
                "/api/v1/applicant/session",
                &json!({ "phone": phone, "code": code }),
            )
            .await;
        assert_eq!(r.status(), 200, "applicant sign-in of {phone}");
        let body: Value = r.json().await.unwrap_or_default();
        a.csrf = body["csrf"].as_str().map(str::to_owned);
        a
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

/// A second server on a TestApp's database (see `TestApp::spawn_peer`).
pub struct Peer {
    pub base: String,
    pub store: Store,
    running: Running,
}

impl Peer {
    /// Someone with no session, talking to this server.
    pub fn anonymous(&self) -> Actor {
        Actor::anonymous_at(&self.base)
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.running.task.abort();
        self.store.close();
    }
}

impl TestApp {
    /// This test corrupts the database on purpose (an attack, a tamper test): the end check then
    /// must find a difference, and fails the test if it finds none (so the opt-out cannot
    /// outlive the tampering that needed it).
    pub fn expect_corrupted(&self) {
        self.corrupted.store(true, Ordering::Relaxed);
    }

    /// Runs the end check now: `ledger verify` and `rules replay` on this app's database.
    pub fn end_check(&self) -> Result<(), Differences> {
        end_check(self.store.database())
    }

    /// Fails the test unless the end check finds nothing now (mid-test; the drop checks again).
    pub fn assert_consistent(&self) {
        if let Err(d) = self.end_check() {
            panic!("the database no longer matches its ledger:\n{d}");
        }
    }

    /// What `ledger verify` finds on this app's database now.
    pub async fn ledger_findings(&self) -> Vec<Finding> {
        self.store
            .read(|c| verify(c, &mut |_, _, _| ()))
            .await
            .unwrap_or_else(|e| panic!("ledger verify: {e}"))
            .findings
    }

    /// What `ledger verify` finds now, as the lines the CLI prints.
    pub async fn ledger_finding_texts(&self) -> Vec<String> {
        self.ledger_findings()
            .await
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    /// Runs the migrations on this app's database as a new binary would at start (on a
    /// connection of its own, off the async runtime); the versions it applied.
    pub fn migrate_again(&self) -> Vec<i64> {
        let db = self.store.database().clone();
        std::thread::spawn(move || {
            let mut conn = db.connect().unwrap_or_else(|e| panic!("connect: {e}"));
            oneseal_store::migrate::run(conn.as_mut()).unwrap_or_else(|e| panic!("migrate: {e}"))
        })
        .join()
        .unwrap_or_else(|_| panic!("the migration thread panicked"))
    }

    /// What `rules replay` finds on this app's database now.
    pub async fn replay_findings(&self) -> Vec<ReplayFinding> {
        self.store
            .read(|c| replay(c))
            .await
            .unwrap_or_else(|e| panic!("rules replay: {e:?}"))
            .findings
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.running.task.abort();
        self.store.close();
        // A test that already failed keeps its own message (and a second panic would abort).
        if !std::thread::panicking() {
            let outcome = end_check(self.store.database());
            let corrupted = self.corrupted.load(Ordering::Relaxed);
            match outcome {
                Err(d) if !corrupted => {
                    let _ = std::fs::remove_dir_all(&self.dir);
                    panic!(
                        "end check: the test left the database inconsistent with its ledger \
                         (call app.expect_corrupted() if that is the test's point):\n{d}"
                    );
                }
                Ok(()) if corrupted => {
                    let _ = std::fs::remove_dir_all(&self.dir);
                    panic!(
                        "end check: the test said expect_corrupted(), but ledger verify and \
                         rules replay found nothing to report"
                    );
                }
                _ => {}
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Opens (and migrates) a store off the async workers.
async fn open_store(db: Database) -> Store {
    tokio::task::spawn_blocking(move || Store::open(db))
        .await
        .unwrap_or_else(|e| panic!("store thread: {e}"))
        .unwrap_or_else(|e| panic!("opening the store: {e}"))
}

/// Serves `state` on a free port of 127.0.0.1.
async fn start_on_any_port(state: AppState) -> Running {
    oneseal_server::start(
        state,
        "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}")),
    )
    .await
    .unwrap_or_else(|e| panic!("binding: {e}"))
}

/// The master key every TestApp's keys are encrypted with.
pub fn test_master_key() -> MasterKey {
    MasterKey::new(b"test master passphrase".to_vec(), KdfParams::FAST_INSECURE)
}

fn scratch_suffix() -> String {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).expect("randomness");
    b.iter().map(|x| format!("{x:02x}")).collect()
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
    /// Someone with no session, talking to the server at `base`.
    pub fn anonymous_at(base: &str) -> Self {
        Actor {
            base: base.to_owned(),
            client: client(),
            csrf: None,
            token: None,
        }
    }

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
