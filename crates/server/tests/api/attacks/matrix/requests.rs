//! The request the matrix sends for each row: a body an allowed principal gets past
//! authorization with, aimed at a fixture of the target jurisdiction.

use super::*;

pub(super) fn lookup<'a, T: AsRef<str>>(v: &'a [(&str, T)], j: &str) -> Option<&'a str> {
    v.iter().find(|(k, _)| *k == j).map(|(_, x)| x.as_ref())
}

/// One request of the matrix.
pub(in crate::attacks) struct Req {
    pub method: Method,
    pub path: String,
    pub body: Option<Value>,
    /// A raw body instead of JSON (a CSV upload).
    pub raw: Option<Vec<u8>>,
    /// The resource does not exist (no alert, no open review …): an allowed principal gets 404,
    /// so a denied one must get 403.
    pub absent: bool,
}

fn req(method: &str, path: String, body: Option<Value>) -> Option<Req> {
    Some(Req {
        method: method.to_uppercase().parse().unwrap(),
        path,
        body,
        raw: None,
        absent: false,
    })
}

fn absent(method: &str, path: String, body: Option<Value>) -> Option<Req> {
    req(method, path, body).map(|r| Req { absent: true, ..r })
}

/// A project code no jurisdiction has.
const NO_PROJECT: &str = "/api/v1/projects/2026-370100-47-01-999999";

const EXPLANATION: &str = "已核实情况并完成整改，记录在案备查。";

/// The request of a route (and variant) aimed at jurisdiction `j`, if the fixture has one there.
/// Bodies are valid (so that authorization, not parsing, decides) and harmless when allowed.
pub(in crate::attacks) fn request(
    fx: &Fixture,
    method: &str,
    path: &str,
    variant: &str,
    j: &str,
) -> Option<Req> {
    let case = lookup(&fx.cases, j);
    let city = j == CITY;
    match (method, path) {
        ("delete" | "get", "/api/v1/session" | "/api/v1/me" | "/api/v1/jurisdictions") => {
            req(method, path.into(), None)
        }
        ("get", "/api/v1/departments" | "/api/v1/staff" | "/api/v1/catalog/items") => {
            req(method, format!("{path}?jurisdiction={j}"), None)
        }
        ("get", "/api/v1/catalog/export") => {
            req(method, format!("{path}?jurisdiction={j}&format=csv"), None)
        }
        ("post", "/api/v1/staff/{id}/transfer") => req(
            method,
            format!("/api/v1/staff/{}/transfer", lookup(&fx.staff, j)?),
            Some(json!({"to_department": "ZZ", "on": "2026-11-23"})),
        ),
        ("get", "/api/v1/tokens") => req(method, format!("{path}?jurisdiction={j}"), None),
        ("delete", "/api/v1/tokens/{id}") => req(
            method,
            format!("/api/v1/tokens/{}", lookup(&fx.tokens, j)?),
            None,
        ),
        // A department's token has no platform callback: an allowed administrator gets 404.
        ("post", "/api/v1/tokens/{id}/callback/rotate") => absent(
            method,
            format!("/api/v1/tokens/{}/callback/rotate", lookup(&fx.tokens, j)?),
            None,
        ),
        ("post", "/api/v1/tokens") => req(
            method,
            path.into(),
            Some(json!({"department": "ZZ", "jurisdiction": j, "scopes": ["view_pushes"]})),
        ),
        ("get", "/api/v1/catalog/items/{code}") => req(
            method,
            format!(
                "/api/v1/catalog/items/{}?jurisdiction={j}",
                lookup(&fx.items, j)?
            ),
            None,
        ),
        ("post", "/api/v1/catalog/import") => Some(Req {
            raw: Some(b"x".to_vec()),
            ..req(method, format!("{path}?jurisdiction={j}&format=csv"), None)?
        }),
        ("get", "/api/v1/catalog/template.xlsx")
        | ("get", "/api/v1/cases" | "/api/v1/calendar/years" | "/api/v1/linkage/pushes")
        | ("get", "/api/v1/calendar/moves")
        | ("get", "/api/v1/linkage/mappings" | "/api/v1/linkage/settings")
        | ("get", "/api/v1/linkage/feedback" | "/api/v1/linkage/stats" | "/api/v1/dept/feed")
        | ("get", "/api/v1/dept/webhook" | "/api/v1/ratings" | "/api/v1/alerts")
        | ("get", "/api/v1/rules" | "/api/v1/reports/accountability")
        | ("post", "/api/v1/rules/run") => req(method, path.into(), None),
        // An unknown item: an allowed platform is told so (400), nothing is registered.
        ("post", "/api/v1/intake") => req(
            method,
            path.into(),
            Some(
                json!({"platform_ref": "matrix-1", "item_code": "000000000000000000",
                        "applicant": applicant(), "submitted_at": "2026-11-23T09:00:00+08:00"}),
            ),
        ),
        ("post", "/api/v1/cases") => req(
            method,
            path.into(),
            Some(
                json!({"item_code": "000000000000000000", "channel": "window", "applicant": applicant()}),
            ),
        ),
        ("get", "/api/v1/cases/{number}") => req(method, format!("/api/v1/cases/{}", case?), None),
        ("get", "/api/v1/cases/{number}/documents") => {
            req(method, format!("/api/v1/cases/{}/documents", case?), None)
        }
        // Every registered case has its 收件凭证.
        ("get", "/api/v1/cases/{number}/documents/{kind}") => req(
            method,
            format!("/api/v1/cases/{}/documents/receipt", case?),
            None,
        ),
        ("post", "/api/v1/cases/{number}/actions") => {
            let body = match variant {
                "accept" => json!({"action": "accept"}),
                "review" => {
                    json!({"action": "review", "step": "review", "opinion": "符合条件", "substantive": true})
                }
                "decide" => json!({"action": "decide", "decision": {"outcome": "approve"}}),
                // Issue #21 item 10: the approving official's step, like the decision.
                "decide_on_spot" => json!({"action": "decide_on_spot"}),
                "extend" => {
                    json!({"action": "extend", "authority": {"head": "bureau_head"}, "working_days": 10, "reason": "需补充论证", "applicant_notified_on": "2026-11-23"})
                }
                // No hearing to close: an allowed reviewer is refused by the lifecycle (400),
                // nothing is recorded.
                "hearing" => {
                    json!({"action": "hearing", "act": "close_record", "record_reference": "笔录", "signed": true})
                }
                other => panic!("no case action variant {other}"),
            };
            req(
                method,
                format!("/api/v1/cases/{}/actions", case?),
                Some(body),
            )
        }
        // Not multipart: an allowed clerk is told the upload is bad (400), nothing is stored.
        ("post", "/api/v1/cases/{number}/materials") => Some(Req {
            raw: Some(b"x".to_vec()),
            ..req(method, format!("/api/v1/cases/{}/materials", case?), None)?
        }),
        // Not a digest: an allowed viewer is told so (400) rather than not found.
        ("get", "/api/v1/cases/{number}/materials/{sha256}") => req(
            method,
            format!("/api/v1/cases/{}/materials/not-a-digest", case?),
            None,
        ),
        ("post", "/api/v1/licences/{id}/actions") => req(
            method,
            format!("/api/v1/licences/{}/actions", lookup(&fx.licences, j)?),
            Some(json!({"action": "renew"})),
        ),
        // No applicant: an allowed clerk is told which fields are missing (400).
        ("post", "/api/v1/licences/{id}/applications") => req(
            method,
            format!("/api/v1/licences/{}/applications", lookup(&fx.licences, j)?),
            Some(json!({"purpose": "renewal"})),
        ),
        ("post", "/api/v1/licences/{id}/penalty") => req(
            method,
            format!("/api/v1/licences/{}/penalty", lookup(&fx.licences, j)?),
            Some(json!({"decision_ref": "济市监罚〔2026〕1号"})),
        ),
        ("post", "/api/v1/calendar/years" | "/api/v1/calendar/preview") => {
            req(method, path.into(), Some(json!({})))
        }
        // The shipped year unchanged: an allowed administrator is told nothing would change.
        ("post", "/api/v1/calendar/corrections") => req(
            method,
            path.into(),
            Some(json!({
                "calendar": serde_json::from_str::<Value>(include_str!("../../../../../domain/data/calendar/2026.json")).unwrap(),
                "reason": "矩阵测试", "source": "矩阵测试"
            })),
        ),
        ("post", "/api/v1/calendar/corrections/{id}/approve") => absent(
            method,
            "/api/v1/calendar/corrections/CC2026-9999/approve".into(),
            None,
        ),
        ("get", "/api/v1/linkage/pushes/{id}") => req(
            method,
            format!("/api/v1/linkage/pushes/{}", lookup(&fx.pushes, j)?),
            None,
        ),
        ("get", "/api/v1/linkage/pushes/{id}/case") => req(
            method,
            format!("/api/v1/linkage/pushes/{}/case", lookup(&fx.pushes, j)?),
            None,
        ),
        ("post", "/api/v1/linkage/pushes/{id}/claim") => req(
            method,
            format!("/api/v1/linkage/pushes/{}/claim", lookup(&fx.pushes, j)?),
            None,
        ),
        ("post", "/api/v1/linkage/pushes/{id}/assign") => req(
            method,
            format!("/api/v1/linkage/pushes/{}/assign", lookup(&fx.pushes, j)?),
            Some(json!({"department": SUPERVISOR})),
        ),
        ("put", "/api/v1/linkage/mappings/{code}") => req(
            method,
            format!("/api/v1/linkage/mappings/{}", fx.item),
            Some(json!({"department": SUPERVISOR})),
        ),
        ("put", "/api/v1/linkage/settings") => req(
            method,
            path.into(),
            Some(json!({"claim_days": 2, "escalate_days": 1})),
        ),
        ("post", "/api/v1/linkage/feedback") => req(
            method,
            path.into(),
            Some(
                json!({"external_ref": "matrix-1", "body": {"type": "violation_notice", "subject": "某商户", "item_code": null, "summary": "无证经营"}}),
            ),
        ),
        ("post", "/api/v1/linkage/feedback/{id}/close-review") => absent(
            method,
            "/api/v1/linkage/feedback/FB-NONE/close-review".into(),
            Some(json!({"explanation": EXPLANATION})),
        ),
        ("put", "/api/v1/dept/webhook") => req(
            method,
            path.into(),
            Some(json!({"url": "https://dept.example/hook"})),
        ),
        // Rotating needs a registered webhook: a department without one gets 404.
        ("post", "/api/v1/dept/webhook/rotate") => absent(method, path.into(), None),
        ("post", "/api/v1/ratings/{case}/rectify") => absent(
            method,
            format!("/api/v1/ratings/{}/rectify", lookup(&fx.cases, CITY)?),
            Some(json!({"explanation": EXPLANATION})),
        ),
        ("get", "/api/v1/dept/consultations") => req(method, path.into(), None),
        ("get", "/api/v1/cases/{number}/consultations") => req(
            method,
            format!("/api/v1/cases/{}/consultations", case?),
            None,
        ),
        // The city's case is decided and the county's not yet accepted: an allowed reviewer is
        // told the case is not under review (409), nothing is recorded.
        ("post", "/api/v1/cases/{number}/consultations") => req(
            method,
            format!("/api/v1/cases/{}/consultations", case?),
            Some(json!({"departments": [SUPERVISOR], "question": "请核查", "due_working_days": 3})),
        ),
        ("post", "/api/v1/consultations/{id}/opinion") => absent(
            method,
            "/api/v1/consultations/ZX3701009999999/opinion".into(),
            Some(json!({"opinion": "agree"})),
        ),
        // A file for a consultation nobody asked: the asked department is told so (404).
        ("post", "/api/v1/consultations/{id}/attachments") => Some(Req {
            raw: Some(b"x".to_vec()),
            ..absent(
                method,
                "/api/v1/consultations/ZX3701009999999/attachments".into(),
                None,
            )?
        }),
        ("get", "/api/v1/dept/commitments" | "/api/v1/commitments") => {
            req(method, path.into(), None)
        }
        // A case with no verification task: an allowed department is told so (404).
        ("post", "/api/v1/dept/commitments/{number}/verdict") => absent(
            method,
            "/api/v1/dept/commitments/37010020260101000999/verdict".into(),
            Some(json!({"verdict": "verified"})),
        ),
        ("get", "/api/v1/cases/{number}/commitment") => {
            req(method, format!("/api/v1/cases/{}/commitment", case?), None)
        }
        ("post", "/api/v1/alerts/{id}/close") => absent(
            method,
            "/api/v1/alerts/AL-NONE/close".into(),
            Some(json!({"outcome": "justified", "explanation": EXPLANATION})),
        ),
        ("get", "/api/v1/dashboard") => req(method, format!("{path}?jurisdiction={j}"), None),
        // An unknown bundle: an allowed clerk is told it does not exist (404), nothing is written.
        ("post", "/api/v1/bundles/{code}/cases") => absent(
            method,
            "/api/v1/bundles/no-such-bundle/cases".into(),
            Some(json!({"channel": "window", "applicant": applicant()})),
        ),
        ("get", "/api/v1/bundles/applications/{number}") => absent(
            method,
            format!("/api/v1/bundles/applications/{j}20260101999999"),
            None,
        ),
        ("get", "/api/v1/bundles/stats") => req(method, format!("{path}?jurisdiction={j}"), None),
        ("put", "/api/v1/rules/expressions/{code}") => req(
            method,
            "/api/v1/rules/expressions/LOCAL-MATRIX".into(),
            Some(json!({"name_zh": "矩阵", "expression": "(", "active": false})),
        ),
        ("put", "/api/v1/rules/{rule}") => req(
            method,
            "/api/v1/rules/no-such-rule".into(),
            Some(
                json!({"params": {"notice_days": 5, "delivery_days": 10, "office_start_hour": 8, "office_end_hour": 18, "max_decisions_per_day": 50}, "active": false}),
            ),
        ),
        ("get", "/api/v1/coordination/matters") => req(method, path.into(), None),
        // No working days: an allowed principal is told so (400), nothing is recorded.
        ("post", "/api/v1/coordination/matters") => req(
            method,
            path.into(),
            Some(
                json!({"kind": "other", "title": "矩阵", "description": "矩阵测试", "due_working_days": 0}),
            ),
        ),
        ("get", "/api/v1/coordination/matters/{id}") => {
            absent(method, "/api/v1/coordination/matters/XT-NONE".into(), None)
        }
        ("post", "/api/v1/coordination/matters/{id}/decision") => absent(
            method,
            "/api/v1/coordination/matters/XT-NONE/decision".into(),
            Some(json!({"decision": "矩阵测试"})),
        ),
        ("post", "/api/v1/coordination/matters/{id}/tasks") => absent(
            method,
            "/api/v1/coordination/matters/XT-NONE/tasks".into(),
            Some(
                json!({"department": SUPERVISOR, "description": "矩阵测试", "due_working_days": 5}),
            ),
        ),
        ("post", "/api/v1/coordination/matters/{id}/close") => absent(
            method,
            "/api/v1/coordination/matters/XT-NONE/close".into(),
            Some(json!({"summary": EXPLANATION})),
        ),
        ("post", "/api/v1/coordination/tasks/{id}/done") => absent(
            method,
            "/api/v1/coordination/tasks/XT-NONE-T1/done".into(),
            Some(json!({"report": EXPLANATION})),
        ),
        ("delete", "/api/v1/applicant/session")
        | ("get", "/api/v1/applicant/me" | "/api/v1/applicant/applications")
        | ("get", "/api/v1/applicant/messages")
        | ("post", "/api/v1/applicant/messages/read")
        | ("get", "/api/v1/online-applications") => req(method, path.into(), None),
        // Valid JSON, not a multipart upload: an applicant gets past authorization to a 400.
        ("post", "/api/v1/applicant/files") => req(method, path.into(), Some(json!({}))),
        // A draft: harmless.
        ("post", "/api/v1/applicant/applications") => {
            req(method, path.into(), Some(json!({"draft": true})))
        }
        // Nobody's application: past authorization, an applicant or a clerk finds none.
        ("put", "/api/v1/applicant/applications/{id}") => absent(
            method,
            "/api/v1/applicant/applications/OA-none".into(),
            Some(json!({"draft": true})),
        ),
        ("post", "/api/v1/applicant/applications/{id}/withdraw") => absent(
            method,
            "/api/v1/applicant/applications/OA-none/withdraw".into(),
            None,
        ),
        ("post", "/api/v1/applicant/applications/{id}/supplement") => absent(
            method,
            "/api/v1/applicant/applications/OA-none/supplement".into(),
            Some(json!({"materials": []})),
        ),
        ("get", "/api/v1/applicant/applications/{id}/documents/{kind}") => absent(
            method,
            "/api/v1/applicant/applications/OA-none/documents/receipt".into(),
            None,
        ),
        ("post", "/api/v1/applicant/applications/{id}/rating") => absent(
            method,
            "/api/v1/applicant/applications/OA-none/rating".into(),
            Some(json!({"level": "satisfied"})),
        ),
        ("post", "/api/v1/applicant/messages/{id}/read") => absent(
            method,
            "/api/v1/applicant/messages/MSG-none/read".into(),
            None,
        ),
        ("post", "/api/v1/online-applications/{id}/receive") => absent(
            method,
            "/api/v1/online-applications/OA-none/receive".into(),
            None,
        ),
        ("get", "/api/v1/projects") => req(method, path.into(), None),
        // A two-letter industry: an allowed clerk is told so (400), nothing is recorded.
        ("post", "/api/v1/projects") => req(
            method,
            path.into(),
            Some(json!({"name": "矩阵", "owner": "矩阵", "kind": "filing", "industry": "4x"})),
        ),
        // No such project: past authorization, an allowed principal finds none.
        ("get", "/api/v1/projects/{code}") => absent(method, NO_PROJECT.into(), None),
        ("post", "/api/v1/projects/{code}/cases") => absent(
            method,
            format!("{NO_PROJECT}/cases"),
            Some(json!({"case_number": "x", "stage": "land_planning"})),
        ),
        ("post", "/api/v1/projects/{code}/stages/{stage}/complete") => absent(
            method,
            format!("{NO_PROJECT}/stages/land_planning/complete"),
            None,
        ),
        ("post", "/api/v1/projects/{code}/utilities") => absent(
            method,
            format!("{NO_PROJECT}/utilities"),
            Some(json!({"utility": "power"})),
        ),
        ("post", "/api/v1/projects/{code}/utilities/{utility}/connected") => absent(
            method,
            format!("{NO_PROJECT}/utilities/power/connected"),
            None,
        ),
        // The sibling county has no licence or push: a target without a fixture is skipped.
        _ if !city => None,
        // Every route is tried against the city, so a row without a request fails here.
        _ => panic!("the matrix has no request for {method} {path}"),
    }
}
