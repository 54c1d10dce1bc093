//! The authorization matrix through HTTP: every private route of openapi.json × every kind of
//! principal × own / other jurisdiction (city and counties) × own / other department where a
//! route acts on one department's business.
//!
//! The expectation is written below as data from the product's rules (DESIGN.md §1 and §10, the
//! roles of `domain::access`), not from what the server answers. "Allowed" means the request
//! got past authorization: a 2xx, or a 400/409 on the merits of the (deliberately harmless)
//! body; "denied" means 403 or 404; the anonymous public gets 401 everywhere here.

use std::collections::BTreeSet;

use oneseal_testkit::{Actor, TestApp, error_code};
use reqwest::Method;
use serde_json::{Value, json};

use super::{private_routes, send};
use crate::cases::{applicant, case_ready_for_decision_in, expert_review_item, step};

const CITY: &str = "370100";
/// The county the county principals belong to (平阴县) and the city's county fixtures are in.
const COUNTY: &str = "370124";
/// Another county of the city (商河县): a sibling for the county principals.
const SIBLING: &str = "370126";
/// The department supervising the fixture's item (its push and licence are this department's).
const SUPERVISOR: &str = "SCJG";

/// How far a route reaches from the principal's own jurisdiction.
#[derive(Clone, Copy, Debug)]
enum Reach {
    /// The request names no jurisdiction: it acts in the principal's own.
    Here,
    /// The jurisdiction named (or the resource's): the own one, and for the city's principals
    /// the city's counties (oversight and administration).
    Down,
    /// Like `Down`, but only the listed roles reach the counties (reading a county's cases with
    /// its applicants is for the city's oversight, not its case workers).
    DownFor(&'static str),
    /// Only the principal's own jurisdiction, the city's included (case work).
    Own,
    /// Only the city's principals: the resource is shared by the city and all its counties.
    City,
    /// A resource of one department (the push and licence of an item supervised by
    /// `SUPERVISOR`, in the city and in the county): a department principal only for its own
    /// department in its own jurisdiction; the bureau's roles as `Down`.
    Department,
}
use Reach::*;

/// Who may, by role letter: C window clerk · R reviewer · A approving official · H bureau head ·
/// I inspector · M administrator · D department user (staff of a supervising department) ·
/// T department API token (scopes claim_push, submit_feedback, view_pushes) · G provincial
/// platform's API token (scope intake) · P an applicant signed in with a one-time code · `*`
/// anyone signed in as staff or with a token (never an applicant). The anonymous public is never
/// allowed on these routes.
///
/// (method, route as in openapi.json, variant of the request, who may, reach)
#[rustfmt::skip]
const MATRIX: &[(&str, &str, &str, &str, Reach)] = &[
    ("delete", "/api/v1/session",                            "",        "*",             Here),
    ("get",    "/api/v1/me",                                 "",        "*",             Here),
    ("get",    "/api/v1/jurisdictions",                      "",        "C R A H I M D", Here),
    ("get",    "/api/v1/departments",                        "",        "C R A H I M D", Down),
    ("get",    "/api/v1/staff",                              "",        "H I M",         Down),
    ("post",   "/api/v1/staff/{id}/transfer",                "",        "M",             Down),
    ("post",   "/api/v1/tokens",                             "",        "M",             Down),
    ("get",    "/api/v1/tokens",                             "",        "M",             Down),
    ("delete", "/api/v1/tokens/{id}",                        "",        "M",             Down),
    ("post",   "/api/v1/tokens/{id}/callback/rotate",        "",        "M",             Down),
    ("get",    "/api/v1/catalog/items",                      "",        "C R A H I M D", Down),
    ("get",    "/api/v1/catalog/items/{code}",               "",        "C R A H I M D", Down),
    ("post",   "/api/v1/catalog/import",                     "",        "M",             Down),
    ("get",    "/api/v1/catalog/export",                     "",        "C R A H I M D", Down),
    ("get",    "/api/v1/catalog/template.xlsx",              "",        "C R A H I M D", Here),
    ("get",    "/api/v1/cases",                              "",        "C R A H I",     Here),
    ("post",   "/api/v1/cases",                              "",        "C",             Here),
    ("post",   "/api/v1/intake",                             "",        "G",             Here),
    ("get",    "/api/v1/cases/{number}",                     "",        "C R A H I",     DownFor("H I")),
    ("post",   "/api/v1/cases/{number}/actions",             "accept",  "C",             Own),
    ("post",   "/api/v1/cases/{number}/actions",             "review",  "R",             Own),
    ("post",   "/api/v1/cases/{number}/actions",             "decide",  "A",             Own),
    ("post",   "/api/v1/cases/{number}/actions",             "decide_on_spot", "A",      Own),
    ("post",   "/api/v1/cases/{number}/actions",             "extend",  "H",             Own),
    ("post",   "/api/v1/cases/{number}/actions",             "hearing", "R",             Own),
    ("post",   "/api/v1/cases/{number}/materials",           "",        "C",             Own),
    ("get",    "/api/v1/cases/{number}/materials/{sha256}",  "",        "C R A H I",     DownFor("H I")),
    ("get",    "/api/v1/cases/{number}/documents",           "",        "C R A H I",     DownFor("H I")),
    ("get",    "/api/v1/cases/{number}/documents/{kind}",    "",        "C R A H I",     DownFor("H I")),
    ("post",   "/api/v1/licences/{id}/actions",              "",        "A",             Own),
    ("post",   "/api/v1/licences/{id}/penalty",              "",        "D T",           Department),
    ("post",   "/api/v1/licences/{id}/applications",         "",        "C",             Own),
    ("get",    "/api/v1/calendar/years",                     "",        "C R A H I M D", Here),
    ("post",   "/api/v1/calendar/years",                     "",        "M",             City),
    ("post",   "/api/v1/calendar/preview",                   "",        "M",             City),
    ("get",    "/api/v1/calendar/moves",                     "",        "H M",           City),
    ("post",   "/api/v1/calendar/corrections",               "",        "M",             City),
    ("post",   "/api/v1/calendar/corrections/{id}/approve",  "",        "H",             City),
    ("get",    "/api/v1/linkage/pushes",                     "",        "H I D T",       Here),
    ("get",    "/api/v1/linkage/pushes/{id}",                "",        "H I D T",       Department),
    ("get",    "/api/v1/linkage/pushes/{id}/case",           "",        "H I D T",       Department),
    ("post",   "/api/v1/linkage/pushes/{id}/claim",          "",        "D T",           Department),
    ("post",   "/api/v1/linkage/pushes/{id}/assign",         "",        "M",             Down),
    ("get",    "/api/v1/linkage/mappings",                   "",        "C R A H I M D", Here),
    ("put",    "/api/v1/linkage/mappings/{code}",            "",        "M",             Here),
    ("get",    "/api/v1/linkage/settings",                   "",        "H I",           Here),
    ("put",    "/api/v1/linkage/settings",                   "",        "M",             Here),
    ("get",    "/api/v1/linkage/feedback",                   "",        "H I D T",       Here),
    ("post",   "/api/v1/linkage/feedback",                   "",        "D T",           Here),
    ("post",   "/api/v1/linkage/feedback/{id}/close-review", "",        "H A",           Here),
    ("get",    "/api/v1/linkage/stats",                      "",        "H I",           Here),
    ("get",    "/api/v1/dept/feed",                          "",        "D T",           Here),
    // Joint review (#20 item 1): the fixture tokens lack the scope answer_consultation.
    ("get",    "/api/v1/dept/consultations",                 "",        "D",             Here),
    ("get",    "/api/v1/cases/{number}/consultations",       "",        "C R A H I",     DownFor("H I")),
    ("post",   "/api/v1/cases/{number}/consultations",       "",        "R",             Own),
    ("post",   "/api/v1/consultations/{id}/opinion",         "",        "D",             Here),
    ("post",   "/api/v1/consultations/{id}/attachments",     "",        "D",             Here),
    // 告知承诺 (#19 item 5): the department's verification tasks ride submit_feedback.
    ("get",    "/api/v1/dept/commitments",                   "",        "D T",           Here),
    ("post",   "/api/v1/dept/commitments/{number}/verdict",  "",        "D T",           Here),
    ("get",    "/api/v1/commitments",                        "",        "C R A H I",     Here),
    ("get",    "/api/v1/cases/{number}/commitment",          "",        "C R A H I",     DownFor("H I")),
    ("get",    "/api/v1/dept/webhook",                       "",        "D T",           Here),
    ("put",    "/api/v1/dept/webhook",                       "",        "D T",           Here),
    ("post",   "/api/v1/dept/webhook/rotate",                "",        "D T",           Here),
    ("get",    "/api/v1/ratings",                            "",        "H I M",         Here),
    ("post",   "/api/v1/ratings/{case}/rectify",             "",        "H",             Here),
    ("get",    "/api/v1/alerts",                             "",        "H I",           Here),
    ("post",   "/api/v1/alerts/{id}/close",                  "",        "I",             Here),
    ("get",    "/api/v1/dashboard",                          "",        "H I M",         Down),
    ("get",    "/api/v1/rules",                              "",        "H I",           Here),
    ("post",   "/api/v1/rules/run",                          "",        "I",             Here),
    ("put",    "/api/v1/rules/expressions/{code}",           "",        "I",             Here),
    ("put",    "/api/v1/rules/{rule}",                       "",        "I",             Here),
    ("get",    "/api/v1/reports/accountability",             "",        "H I",           Here),
    ("get",    "/api/v1/coordination/matters",               "",        "C R A H I D",   Here),
    ("post",   "/api/v1/coordination/matters",               "",        "C R A H I D",   Here),
    ("get",    "/api/v1/coordination/matters/{id}",          "",        "C R A H I D",   Here),
    ("post",   "/api/v1/coordination/matters/{id}/decision", "",        "H A",           Here),
    ("post",   "/api/v1/coordination/matters/{id}/tasks",    "",        "H A",           Here),
    ("post",   "/api/v1/coordination/matters/{id}/close",    "",        "H A",           Here),
    ("post",   "/api/v1/coordination/tasks/{id}/done",       "",        "C R A H I D",   Here),
    ("post",   "/api/v1/bundles/{code}/cases",               "",        "C",             Here),
    ("get",    "/api/v1/bundles/applications/{number}",      "",        "C R A H I",     DownFor("H I")),
    ("get",    "/api/v1/bundles/stats",                      "",        "H I M",         Down),
    // The applicant's side (issue #19): only an applicant session (P), which reaches nothing
    // above (`*` is anyone signed in as staff or a token, never an applicant).
    ("delete", "/api/v1/applicant/session",                  "",        "P",             Here),
    ("get",    "/api/v1/applicant/me",                       "",        "P",             Here),
    ("post",   "/api/v1/applicant/files",                    "",        "P",             Here),
    ("get",    "/api/v1/applicant/applications",             "",        "P",             Here),
    ("post",   "/api/v1/applicant/applications",             "",        "P",             Here),
    ("put",    "/api/v1/applicant/applications/{id}",        "",        "P",             Here),
    ("post",   "/api/v1/applicant/applications/{id}/withdraw", "",      "P",             Here),
    ("post",   "/api/v1/applicant/applications/{id}/supplement", "",    "P",             Here),
    ("get",    "/api/v1/applicant/applications/{id}/documents/{kind}", "", "P",          Here),
    ("post",   "/api/v1/applicant/applications/{id}/rating", "",        "P",             Here),
    ("get",    "/api/v1/applicant/messages",                 "",        "P",             Here),
    ("post",   "/api/v1/applicant/messages/read",            "",        "P",             Here),
    ("post",   "/api/v1/applicant/messages/{id}/read",       "",        "P",             Here),
    ("get",    "/api/v1/online-applications",                "",        "C",             Here),
    ("post",   "/api/v1/online-applications/{id}/receive",   "",        "C",             Here),
    // Construction projects (issue #20 item 3): the case staff read, the window clerk acts.
    ("get",    "/api/v1/projects",                           "",        "C R A H I",     Here),
    ("post",   "/api/v1/projects",                           "",        "C",             Here),
    ("get",    "/api/v1/projects/{code}",                    "",        "C R A H I",     Here),
    ("post",   "/api/v1/projects/{code}/cases",              "",        "C",             Here),
    ("post",   "/api/v1/projects/{code}/stages/{stage}/complete", "",   "C",             Here),
    ("post",   "/api/v1/projects/{code}/utilities",          "",        "C",             Here),
    ("post",   "/api/v1/projects/{code}/utilities/{utility}/connected", "", "C",         Here),
];

/// A principal: who it is, its role letter, home jurisdiction and department.
pub(super) struct Who {
    pub label: &'static str,
    pub letter: &'static str,
    pub home: &'static str,
    pub dept: &'static str,
    pub actor: Actor,
}

/// The concrete resources the routes' parameters are filled from.
pub(super) struct Fixture {
    /// (jurisdiction, case number): the city's case is decided; the county's is fresh.
    pub cases: Vec<(&'static str, String)>,
    /// (jurisdiction, staff id) of a reviewer to transfer.
    pub staff: Vec<(&'static str, &'static str)>,
    /// (jurisdiction, a current catalog item code).
    pub items: Vec<(&'static str, String)>,
    /// (jurisdiction, licence of a decided case on an item supervised by `SUPERVISOR`): one in
    /// the city and one in the county, so a department's reach across jurisdictions is tried.
    pub licences: Vec<(&'static str, String)>,
    /// (jurisdiction, the push of that decision to `SUPERVISOR`).
    pub pushes: Vec<(&'static str, String)>,
    /// The item of the city's decided case (mapped to `SUPERVISOR`).
    pub item: String,
    /// (jurisdiction, id of an API token no principal uses): the one to revoke.
    pub tokens: Vec<(&'static str, String)>,
}

impl Fixture {
    /// The city's licence.
    pub fn licence(&self) -> &str {
        lookup(&self.licences, CITY).unwrap_or_default()
    }
}

mod requests;
use requests::lookup;
pub(super) use requests::{Req, request};

/// Whether the product's rules allow `who` this row against jurisdiction `target`.
fn expected_allowed(who: &Who, roles: &str, reach: Reach, target: &str) -> bool {
    if who.letter == "-" {
        return false;
    }
    let role_ok =
        (roles == "*" && who.letter != "P") || roles.split_whitespace().any(|l| l == who.letter);
    let governed = who.home == CITY && target != CITY;
    let reach_ok = match reach {
        Here | Own => target == who.home,
        City => who.home == CITY && target == who.home,
        Down => target == who.home || governed,
        DownFor(r) => {
            target == who.home || (governed && r.split_whitespace().any(|l| l == who.letter))
        }
        Department if matches!(who.letter, "D" | "T") => {
            target == who.home && who.dept == SUPERVISOR
        }
        Department => target == who.home || governed,
    };
    role_ok && reach_ok
}

/// The jurisdictions a row is tried against from a principal's seat.
fn targets(reach: Reach, who: &Who) -> Vec<&'static str> {
    match reach {
        Here | City => vec![who.home],
        _ => vec![CITY, COUNTY, SIBLING],
    }
}

async fn sign_in_all(app: &TestApp) -> Vec<Who> {
    let staff: &[(&str, &str, &str, &str)] = &[
        ("CLERK", "C", CITY, "SPJ"),
        ("REVIEW", "R", CITY, "SPJ"),
        ("APPROVE", "A", CITY, "SPJ"),
        ("HEAD", "H", CITY, "SPJ"),
        ("INSPECT", "I", CITY, "JW"),
        ("ADMIN", "M", CITY, "SPJ"),
        ("SCJG", "D", CITY, "SCJG"),
        ("ZJ", "D", CITY, "ZJ"),
        ("PY-CLERK", "C", COUNTY, "SPJ"),
        ("PY-REVIEW", "R", COUNTY, "SPJ"),
        ("PY-APPROVE", "A", COUNTY, "SPJ"),
        ("PY-HEAD", "H", COUNTY, "SPJ"),
        ("PY-ADMIN", "M", COUNTY, "SPJ"),
    ];
    let mut out = Vec::new();
    for (id, letter, home, dept) in staff {
        out.push(Who {
            label: id,
            letter,
            home,
            dept,
            actor: app.sign_in(id).await,
        });
    }
    let scopes = ["claim_push", "submit_feedback", "view_pushes"];
    for (label, dept) in [("token SCJG", SUPERVISOR), ("token ZJ", "ZJ")] {
        out.push(Who {
            label,
            letter: "T",
            home: CITY,
            dept,
            actor: app.department_token(dept, &scopes).await,
        });
    }
    let county_admin = app.sign_in("PY-ADMIN").await;
    let r = county_admin
        .post(
            "/api/v1/tokens",
            &json!({"department": SUPERVISOR, "scopes": scopes}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let mut county_token = app.anonymous();
    county_token.token = r.json::<Value>().await.unwrap()["token"]
        .as_str()
        .map(str::to_owned);
    out.push(Who {
        label: "PY token SCJG",
        letter: "T",
        home: COUNTY,
        dept: SUPERVISOR,
        actor: county_token,
    });
    let r = app
        .admin()
        .await
        .post(
            "/api/v1/tokens",
            &json!({"platform": "sdzwfw", "scopes": ["intake"]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let mut platform = app.anonymous();
    platform.token = r.json::<Value>().await.unwrap()["token"]
        .as_str()
        .map(str::to_owned);
    out.push(Who {
        label: "platform token",
        letter: "G",
        home: CITY,
        dept: "",
        actor: platform,
    });
    out.push(Who {
        label: "applicant",
        letter: "P",
        home: CITY,
        dept: "",
        actor: app.applicant("13900000001").await,
    });
    out.push(Who {
        label: "anonymous",
        letter: "-",
        home: CITY,
        dept: "",
        actor: app.anonymous(),
    });
    out
}

/// In the jurisdiction whose staff ids start with `prefix`: a case on `item` (mapped to
/// `SUPERVISOR` first) decided, so a licence and a push to `SUPERVISOR`; returns (case number,
/// licence, push).
async fn decided_with_push(app: &TestApp, prefix: &str, item: &str) -> (String, String, String) {
    let admin = app.sign_in(&format!("{prefix}ADMIN")).await;
    let r = admin
        .request(Method::PUT, &format!("/api/v1/linkage/mappings/{item}"))
        .json(&json!({"department": SUPERVISOR}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{:?}", r.text().await);
    let (number, _) = case_ready_for_decision_in(app, prefix, item, applicant()).await;
    let decided = step(
        &app.sign_in(&format!("{prefix}APPROVE")).await,
        &number,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    let licence = decided["sealed"]["license_id"].as_str().unwrap().to_owned();
    let head = app.sign_in(&format!("{prefix}HEAD")).await;
    let (_, pushes) = head.get_json("/api/v1/linkage/pushes").await;
    let push = pushes["pushes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["department"] == SUPERVISOR && p["case_number"] == number.as_str())
        .unwrap_or_else(|| panic!("a push to {SUPERVISOR}: {pushes}"))["push_id"]
        .as_str()
        .unwrap()
        .to_owned();
    (number, licence, push)
}

/// A decided case on an item mapped to `SUPERVISOR` (so a licence and a push) in the city and in
/// the county, and a fresh county case.
pub(super) async fn fixture(app: &TestApp) -> Fixture {
    let item = expert_review_item(app).await;
    let admin = app.admin().await;
    let (number, licence, push) = decided_with_push(app, "", &item).await;
    let county_clerk = app.sign_in("PY-CLERK").await;
    let mut items = Vec::new();
    for j in [CITY, COUNTY, SIBLING] {
        let (_, page) = admin
            .get_json(&format!(
                "/api/v1/catalog/items?jurisdiction={j}&per_page=1"
            ))
            .await;
        let code = page["items"][0]["basic_code"].as_str().unwrap().to_owned();
        items.push((j, code));
    }
    let created: Value = county_clerk
        .post(
            "/api/v1/cases",
            &json!({"item_code": items[1].1, "channel": "window", "applicant": applicant()}),
        )
        .await
        .json()
        .await
        .unwrap();
    let county_case = created["case_number"]
        .as_str()
        .unwrap_or_else(|| panic!("{created}"))
        .to_owned();
    let (_, county_licence, county_push) = decided_with_push(app, "PY-", &items[1].1).await;
    let mut tokens = Vec::new();
    for (j, issuer) in [(CITY, &admin), (COUNTY, &app.sign_in("PY-ADMIN").await)] {
        let r = issuer
            .post(
                "/api/v1/tokens",
                &json!({"department": SUPERVISOR, "jurisdiction": j, "scopes": ["view_pushes"]}),
            )
            .await;
        assert_eq!(r.status(), 200);
        let id = r.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        tokens.push((j, id));
    }
    Fixture {
        tokens,
        cases: vec![(CITY, number), (COUNTY, county_case)],
        staff: vec![(CITY, "REVIEW2"), (COUNTY, "PY-REVIEW2")],
        items,
        licences: vec![(CITY, licence), (COUNTY, county_licence)],
        pushes: vec![(CITY, push), (COUNTY, county_push)],
        item,
    }
}

#[tokio::test]
async fn attacks_every_role_reaches_exactly_what_the_matrix_allows() {
    let app = TestApp::spawn_demo().await;
    let fx = fixture(&app).await;
    let who = sign_in_all(&app).await;

    // The matrix covers every private route of the published API, and nothing else.
    let documented: BTreeSet<(String, String)> = private_routes(&app).await.into_iter().collect();
    let covered: BTreeSet<(String, String)> = MATRIX
        .iter()
        .map(|(m, p, ..)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(
        documented, covered,
        "openapi.json's private routes and the matrix differ: add the new route's row"
    );

    let mut wrong = Vec::new();
    let mut tried = 0;
    // Signing out comes last, so each principal keeps its session for the other rows.
    // (The applicant's sign-out before staff's: a staff member still signed in is refused it.)
    let sign_out = |path: &'static str| {
        move |r: &&(&str, &str, &str, &str, Reach)| r.0 == "delete" && r.1 == path
    };
    let (applicant_out, staff_out) = (
        sign_out("/api/v1/applicant/session"),
        sign_out("/api/v1/session"),
    );
    let rows = MATRIX
        .iter()
        .filter(|r| !applicant_out(r) && !staff_out(r))
        .chain(MATRIX.iter().filter(applicant_out))
        .chain(MATRIX.iter().filter(staff_out));
    for (method, path, variant, roles, reach) in rows {
        for w in &who {
            for target in targets(*reach, w) {
                let Some(r) = request(&fx, method, path, variant, target) else {
                    continue;
                };
                tried += 1;
                let (status, body) = send(&w.actor, &r).await;
                let allowed = expected_allowed(w, roles, *reach, target);
                let ok = match status {
                    // An applicant is nobody to a staff route: unauthenticated there.
                    401 => w.letter == "-" || (w.letter == "P" && !allowed),
                    403 => !allowed && w.letter != "-" && error_code(&body) != "csrf",
                    404 if r.absent => allowed,
                    404 => !allowed && w.letter != "-",
                    s if s >= 500 => false,
                    _ => allowed,
                };
                if !ok {
                    wrong.push(format!(
                        "{} {path} [{variant}] by {} → {target}: expected {}, got {status} {body}",
                        method.to_uppercase(),
                        w.label,
                        if allowed { "allowed" } else { "denied" },
                    ));
                }
            }
        }
    }
    assert!(tried > 500, "only {tried} requests were tried");
    assert!(
        wrong.is_empty(),
        "{} of {tried} answers differ from the matrix:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
