//! Personal data under fire (PIPL; DESIGN.md §10): cases of a natural person and of an
//! organisation with recognisable identifiers go from intake to delivery, the log is checkpointed
//! and cosigned, and then every public surface — each ledger entry of every log, the entry tiles,
//! checkpoints, receipts, the public pages and API, the sealed bundle — and the server's own log
//! output are searched for each identifier. Then what each staff role sees of the applicant.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use base64::Engine;
use oneseal_domain::case::IdNumber;
use oneseal_ledger::tile::new_entry_bundles;
use oneseal_testkit::{Actor, TestApp};
use serde_json::{Value, json};

use crate::cases::{
    case_ready_for_decision_by, case_ready_for_decision_in, expert_review_item, step,
};

/// A natural person's name, unlike any in the demo data.
const NAME: &str = "欧阳隐秘";
const PHONE: &str = "15963217408";
const ORG_PHONE: &str = "18653107294";
const NAME_2: &str = "司马密存";
const PHONE_2: &str = "17705319862";

/// A valid GB 11643 number (born 1988-02-14) with its computed check character.
pub(crate) fn id_number(body: &str) -> String {
    let check = IdNumber::compute_check_character(body).unwrap();
    let id = format!("{body}{check}");
    IdNumber::parse(&id).unwrap();
    id
}

fn secrets() -> Vec<String> {
    vec![
        NAME.into(),
        PHONE.into(),
        ORG_PHONE.into(),
        NAME_2.into(),
        PHONE_2.into(),
        id_number("37010219880214735"),
        id_number("37010319920530482"),
    ]
}

fn person() -> Value {
    json!({"type": "natural_person", "name": NAME, "id_number": id_number("37010219880214735"), "phone": PHONE})
}

fn organisation() -> Value {
    let uscc =
        oneseal_domain::catalog::UnifiedSocialCreditCode::with_check_character("91370100MA3C0PKT8")
            .unwrap();
    json!({"type": "organisation", "name": "济南保密测试有限公司", "uscc": uscc.as_str(), "contact_phone": ORG_PHONE})
}

/// Everything the server process logs at DEBUG, from the first call on (one subscriber per
/// process). Without `LOG_PRIVACY_DIRECTIVES` this found tokio-postgres logging the applicants'
/// data with every statement's parameters (on PostgreSQL only).
pub(crate) fn captured_logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let sink = buf.clone();
        // DEBUG everywhere, with the directives `oneseal serve` applies after ONESEAL_LOG.
        let mut filter = tracing_subscriber::EnvFilter::new("debug");
        for d in oneseal_server::LOG_PRIVACY_DIRECTIVES {
            filter = filter.add_directive(d.parse().unwrap());
        }
        tracing_subscriber::fmt()
            .with_ansi(false)
            .with_env_filter(filter)
            .with_writer(move || Sink(sink.clone()))
            .try_init()
            .expect("no other test installs a global subscriber");
        buf
    })
    .clone()
}

struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What a public surface showed, with base64 strings inside JSON decoded (a sealed document
/// travels base64-encoded), so that encoding cannot hide a leak.
pub(crate) struct Seen {
    pub(crate) surfaces: Vec<(String, String)>,
}

impl Seen {
    pub(crate) fn add(&mut self, what: &str, body: &[u8]) {
        let text = String::from_utf8_lossy(body).into_owned();
        let mut decoded = String::new();
        if let Ok(v) = serde_json::from_slice::<Value>(body) {
            decode_strings(&v, &mut decoded);
        }
        self.surfaces.push((what.to_owned(), text + &decoded));
    }

    pub(crate) async fn get(&mut self, actor: &Actor, path: &str) -> u16 {
        let r = actor.get(path).await;
        let status = r.status().as_u16();
        let body = r.bytes().await.unwrap();
        self.add(path, &body);
        status
    }

    fn assert_clean(&self) {
        self.assert_free_of(&secrets());
    }

    /// No surface holds any of `secrets`.
    pub(crate) fn assert_free_of(&self, secrets: &[String]) {
        for secret in secrets {
            for (what, text) in &self.surfaces {
                assert!(
                    !text.contains(secret.as_str()),
                    "{secret} appears in {what}"
                );
            }
        }
    }
}

fn decode_strings(v: &Value, out: &mut String) {
    match v {
        Value::String(s) if s.len() >= 16 => {
            if let Ok(b) = base64::engine::general_purpose::STANDARD.decode(s) {
                out.push_str(&String::from_utf8_lossy(&b));
            }
        }
        Value::Array(a) => a.iter().for_each(|x| decode_strings(x, out)),
        Value::Object(m) => m.values().for_each(|x| decode_strings(x, out)),
        _ => {}
    }
}

pub(crate) struct Seeded {
    /// (case number, query code).
    pub(crate) cases: Vec<(String, String)>,
    pub(crate) licences: Vec<String>,
}

/// Intake, acceptance, two reviews, an approval and delivery for the natural person and the
/// organisation; a second person's application stops at a one-time notice.
async fn seed(app: &TestApp) -> Seeded {
    let code = expert_review_item(app).await;
    let mut out = Seeded {
        cases: Vec::new(),
        licences: Vec::new(),
    };
    for applicant in [person(), organisation()] {
        let (number, query) = case_ready_for_decision_in(app, "", &code, applicant).await;
        let decided = step(
            &app.approver().await,
            &number,
            json!({"action": "decide", "decision": {"outcome": "approve"}}),
        )
        .await;
        out.licences
            .push(decided["sealed"]["license_id"].as_str().unwrap().to_owned());
        let clerk = app.clerk().await;
        step(
            &clerk,
            &number,
            json!({"action": "deliver", "method": "window"}),
        )
        .await;
        out.cases.push((number, query));
    }
    let clerk = app.clerk().await;
    let second = json!({"type": "natural_person", "name": NAME_2, "id_number": id_number("37010319920530482"), "phone": PHONE_2});
    let created: Value = clerk
        .post(
            "/api/v1/cases",
            &json!({"item_code": code, "channel": "online", "applicant": second, "materials": []}),
        )
        .await
        .json()
        .await
        .unwrap();
    let number = created["case_number"].as_str().unwrap().to_owned();
    step(&clerk, &number, json!({"action": "one_time_notice", "items": [{"material": "申请书", "problem": "missing", "detail": "缺少申请书"}]})).await;
    out.cases
        .push((number, created["query_code"].as_str().unwrap().to_owned()));
    // A rejected intake: a wrong check character must not be echoed into the logs either.
    let mut wrong = id_number("37010319920530482");
    let last = if wrong.ends_with('1') { '2' } else { '1' };
    wrong.pop();
    wrong.push(last);
    let r = clerk
        .post("/api/v1/cases", &json!({"item_code": code, "channel": "window", "applicant": {"type": "natural_person", "name": NAME_2, "id_number": wrong, "phone": PHONE_2}}))
        .await;
    assert_eq!(r.status(), 400);
    out
}

/// Every log's entries one by one, its entry tiles, checkpoint, receipts, keys and policy.
pub(crate) async fn scan_ledger(app: &TestApp, seen: &mut Seen) -> usize {
    let anon = app.anonymous();
    let r = anon.get("/log").await;
    let body = r.bytes().await.unwrap();
    seen.add("/log", &body);
    let logs: Value = serde_json::from_slice(&body).unwrap();
    let mut entries = 0;
    for l in logs["logs"].as_array().unwrap() {
        let j = l["jurisdiction"].as_str().unwrap();
        for p in ["checkpoint", "vkeys", "policy"] {
            seen.get(&anon, &format!("/log/{j}/{p}")).await;
        }
        let mut i = 0;
        while seen
            .get(&anon, &format!("/api/v1/log/{j}/entries/{i}"))
            .await
            == 200
        {
            seen.get(&anon, &format!("/api/v1/log/{j}/receipt/{i}"))
                .await;
            i += 1;
        }
        entries += i;
        let size = l["checkpoint_size"].as_u64().unwrap_or(0);
        for t in new_entry_bundles(0, size) {
            let status = seen.get(&anon, &format!("/log/{j}/{}", t.path())).await;
            assert_eq!(status, 200, "{}", t.path());
        }
    }
    entries
}

/// The public pages and API, as anyone can reach them with a case number, query code or
/// licence id.
pub(crate) async fn scan_public(app: &TestApp, seeded: &Seeded, seen: &mut Seen) {
    let anon = app.anonymous();
    for path in [
        "/",
        "/login",
        "/guide",
        "/guide/990100001000",
        "/api/v1/public/items?limit=200",
        "/api/v1/public/items/990100001000",
        "/catalog",
        "/api/v1/catalog/items?per_page=500",
        "/api/v1/seals/trust",
        "/openapi.json",
        "/api/docs",
        "/healthz",
        "/metrics",
    ] {
        seen.get(&anon, path).await;
    }
    for (number, code) in &seeded.cases {
        let page = format!("/progress?case={number}&code={code}");
        let api = format!("/api/v1/public/progress?case={number}&code={code}");
        assert_eq!(seen.get(&anon, &page).await, 200);
        assert_eq!(seen.get(&anon, &api).await, 200);
    }
    for licence in &seeded.licences {
        assert_eq!(seen.get(&anon, &format!("/verify/{licence}")).await, 200);
        seen.get(&anon, &format!("/api/v1/licences/{licence}"))
            .await;
        let bundle = anon
            .get(&format!("/api/v1/verify/bundle/{licence}"))
            .await
            .bytes()
            .await
            .unwrap();
        seen.add("the sealed bundle", &bundle);
        let r = anon.post_bytes("/api/v1/verify", bundle.to_vec()).await;
        let body = r.bytes().await.unwrap();
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["valid"], true, "{v}");
        seen.add("the verification result", &body);
    }
}

#[tokio::test]
async fn no_personal_data_reaches_the_ledger_public_pages_bundles_or_server_logs() {
    let logs = captured_logs();
    let app = TestApp::spawn_demo_witnessed().await;
    let seeded = seed(&app).await;
    let cosigned = app.checkpoint_and_cosign().await;
    assert!(cosigned.iter().all(|(_, n)| *n >= 2), "{cosigned:?}");
    let mut seen = Seen {
        surfaces: Vec::new(),
    };
    let entries = scan_ledger(&app, &mut seen).await;
    assert!(entries > 20, "only {entries} entries were read");
    scan_public(&app, &seeded, &mut seen).await;
    // The scan is only worth something if the data went in: the clerk sees it.
    let (_, case) = app
        .clerk()
        .await
        .get_json(&format!("/api/v1/cases/{}", seeded.cases[0].0))
        .await;
    assert_eq!(case["applicant_contact"]["phone"], PHONE);
    // …and the scan reads what it should: the decoded sealed document names the applicant
    // only by the public label.
    assert!(
        seen.surfaces
            .iter()
            .any(|(w, t)| w == "the sealed bundle" && t.contains("\"applicant\":\"个人申请人\"")),
        "the bundle's document is decoded and scanned"
    );
    seen.assert_clean();

    let text = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    assert!(
        text.contains("checkpoint signed") && text.contains("request"),
        "the log capture works: {} bytes",
        text.len()
    );
    for secret in secrets() {
        let line = text.lines().find(|l| l.contains(&secret));
        assert!(line.is_none(), "{secret} in the server's log: {line:?}");
    }
}

/// A natural person's case ready for a decision; returns its number.
async fn person_case(app: &TestApp) -> String {
    let code = expert_review_item(app).await;
    case_ready_for_decision_by(app, &code, person()).await
}

/// What `actor` sees of the applicant, in the case API and on the case page.
async fn applicant_seen_by(actor: &Actor, number: &str) -> (Value, String) {
    let r = actor.get(&format!("/api/v1/cases/{number}")).await;
    assert_eq!(r.status(), 200);
    let body = r.text().await.unwrap();
    let page = actor
        .get(&format!("/cases/{number}"))
        .await
        .text()
        .await
        .unwrap();
    let v: Value = serde_json::from_str(&body).unwrap();
    assert!(page.contains(NAME), "the name is shown: {page}");
    (v, body + &page)
}

fn assert_masked(v: &Value, everything: &str) {
    let id = id_number("37010219880214735");
    let c = &v["applicant_contact"];
    assert_eq!(c["masked"], true, "{c}");
    assert_eq!(c["id_number"], format!("3701**********{}", &id[14..]));
    assert_eq!(c["phone"], "159****7408");
    assert_eq!(v["events"][0]["applicant"]["phone"], "159****7408");
    assert!(
        v["events"][0].get("query_code").is_none(),
        "{}",
        v["events"][0]
    );
    for secret in [id.as_str(), PHONE] {
        assert!(!everything.contains(secret), "{secret} shown in full");
    }
    assert!(
        everything.contains("159****7408"),
        "the page shows the mask"
    );
}

#[tokio::test]
async fn the_window_clerk_sees_the_applicants_numbers_in_full() {
    let app = TestApp::spawn_demo().await;
    let number = person_case(&app).await;
    let (v, everything) = applicant_seen_by(&app.clerk().await, &number).await;
    let c = &v["applicant_contact"];
    assert_eq!(c["masked"], false);
    assert_eq!(c["id_number"], id_number("37010219880214735"));
    assert_eq!(c["phone"], PHONE);
    // The code is shown once, at receipt: not even the clerk reads it back (the case keeps
    // only its keyed digest).
    assert!(
        v["events"][0].get("query_code").is_none(),
        "{}",
        v["events"][0]
    );
    assert!(everything.matches(PHONE).count() >= 2, "API and page");
}

#[tokio::test]
async fn a_reviewer_sees_masked_numbers() {
    let app = TestApp::spawn_demo().await;
    let number = person_case(&app).await;
    let (v, everything) = applicant_seen_by(&app.reviewer().await, &number).await;
    assert_masked(&v, &everything);
}

#[tokio::test]
async fn the_approving_official_sees_masked_numbers() {
    let app = TestApp::spawn_demo().await;
    let number = person_case(&app).await;
    let (v, everything) = applicant_seen_by(&app.approver().await, &number).await;
    assert_masked(&v, &everything);
}

#[tokio::test]
async fn the_bureau_head_sees_masked_numbers() {
    let app = TestApp::spawn_demo().await;
    let number = person_case(&app).await;
    let (v, everything) = applicant_seen_by(&app.head().await, &number).await;
    assert_masked(&v, &everything);
}

#[tokio::test]
async fn an_inspector_sees_masked_numbers() {
    let app = TestApp::spawn_demo().await;
    let number = person_case(&app).await;
    let (v, everything) = applicant_seen_by(&app.inspector().await, &number).await;
    assert_masked(&v, &everything);
}

#[tokio::test]
async fn the_anonymous_public_and_a_department_cannot_open_a_case() {
    let app = TestApp::spawn_demo().await;
    let number = person_case(&app).await;
    let path = format!("/api/v1/cases/{number}");
    assert_eq!(app.anonymous().get(&path).await.status(), 401);
    let admin = app.admin().await;
    let r = admin.get(&path).await;
    assert_eq!(r.status(), 403);
    assert!(!r.text().await.unwrap().contains(PHONE));
}
