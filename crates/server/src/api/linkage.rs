//! Approval–supervision linkage over HTTP: pushes and claims, feedback, the department's feed,
//! and the bureau's mapping, settings and tracking counts (the webhook is in `webhooks`).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use oneseal_domain::access::{Action, Target};
use oneseal_domain::case::legal_date;
use oneseal_domain::event::{Actor, Event};
use oneseal_domain::linkage::{Claimant, FeedbackBody, LinkageSettings};
use oneseal_domain::org::{DepartmentCode, DivisionCode, Role, StaffId};
use oneseal_store::{Conn, params};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::Digest;

use crate::AppState;
use crate::edge::auth::Auth;
use crate::error::{ApiError, ApiJson};
use crate::services::commands::Meta;
use crate::services::linkage::refusals::Aim;
use crate::services::linkage::{self as lk, linkage_error};

/// A principal that is only a department (a department user or a department's API token).
fn department_of(auth: &Auth) -> Option<DepartmentCode> {
    let p = &auth.principal;
    p.roles
        .iter()
        .all(|r| *r == Role::DepartmentSupervisor)
        .then(|| p.department.clone())
}

/// The department a department-only principal acts for, once it may take `action` there.
pub(super) fn own_department(
    auth: &Auth,
    action: Action,
) -> Result<(DivisionCode, DepartmentCode), ApiError> {
    let j = auth.principal.jurisdiction.clone();
    let d = department_of(auth).ok_or(ApiError::Forbidden(
        oneseal_domain::access::Denied::Role(action),
    ))?;
    auth.require(action, &Target::department(&j, &d))?;
    Ok((j, d))
}

fn claimant(auth: &Auth) -> Claimant {
    match (&auth.principal.staff, &auth.principal.token) {
        (Some(s), _) => Claimant::Staff(s.clone()),
        (None, Some(t)) => Claimant::Token(t.clone()),
        (None, None) => Claimant::Token("unknown".into()),
    }
}

fn meta(state: &AppState, auth: &Auth, j: &DivisionCode) -> Meta {
    Meta {
        time: state.clock.now(),
        jurisdiction: j.clone(),
        actor: match (&auth.principal.staff, department_of(auth)) {
            (Some(s), _) => Actor::Staff(s.clone()),
            (None, Some(d)) => Actor::Department(d),
            (None, None) => Actor::System("api".into()),
        },
    }
}

/// Records a department's refused attempt (see [`lk::refusals`]).
async fn refused<T>(
    state: &AppState,
    auth: &Auth,
    aim: Aim,
    r: Result<T, ApiError>,
) -> Result<T, ApiError> {
    let j = &auth.principal.jurisdiction;
    lk::refusals::refused(state, j, department_of(auth), aim, r).await
}

#[derive(Debug, Default, Deserialize)]
pub struct PushFilter {
    pub status: Option<String>,
    pub department: Option<String>,
}

/// One push as the lists show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PushRow {
    pub push_id: String,
    pub jurisdiction: String,
    pub kind: String,
    pub case_number: String,
    pub licence_id: Option<String>,
    pub item_code: String,
    pub item_name: String,
    pub department: Option<String>,
    pub responsible: Option<String>,
    pub status: String,
    pub overdue: bool,
    pub pushed_on: String,
    pub claim_due: Option<String>,
    pub escalate_on: Option<String>,
    pub reminded_on: Option<String>,
    pub escalated_on: Option<String>,
    pub claimed_on: Option<String>,
    pub claimed_by: Option<String>,
}

impl PushRow {
    fn from_row(r: &oneseal_store::Row, today: &str) -> Result<Self, ApiError> {
        let claim_due = r.opt_text(11)?;
        let status = r.text(9)?;
        Ok(PushRow {
            overdue: status == "awaiting_claim" && claim_due.as_deref().is_some_and(|d| d < today),
            push_id: r.text(0)?,
            jurisdiction: r.text(1)?,
            kind: r.text(2)?,
            case_number: r.text(3)?,
            licence_id: r.opt_text(4)?,
            item_code: r.text(5)?,
            item_name: r.text(6)?,
            department: r.opt_text(7)?,
            responsible: r.opt_text(8)?,
            status,
            pushed_on: r.text(10)?,
            claim_due,
            escalate_on: r.opt_text(12)?,
            reminded_on: r.opt_text(13)?,
            escalated_on: r.opt_text(14)?,
            claimed_on: r.opt_text(15)?,
            claimed_by: r.opt_text(16)?,
        })
    }

    /// The status in Chinese, for pages.
    pub fn status_zh(&self) -> &'static str {
        match self.status.as_str() {
            "unmapped" => "未配置监管部门",
            "awaiting_claim" if self.overdue => "逾期未认领",
            "awaiting_claim" => "待认领",
            "claimed" => "已认领",
            _ => "逾期认领",
        }
    }

    pub fn kind_zh(&self) -> &'static str {
        serde_json::from_value::<oneseal_domain::linkage::PushKind>(Value::String(
            self.kind.clone(),
        ))
        .map_or("", |k| k.name_zh())
    }

    pub fn opt(v: &Option<String>) -> &str {
        v.as_deref().unwrap_or("—")
    }
}

const PUSH_COLUMNS: &str = "push_id, jurisdiction, kind, case_number, licence_id, item_code, item_name, department, responsible, \
     status, pushed_on, claim_due, escalate_on, reminded_on, escalated_on, claimed_on, claimed_by";

/// Pushes visible to the caller: a department sees its own; the bureau sees its jurisdiction's.
pub fn query_pushes(
    c: &mut dyn Conn,
    j: &DivisionCode,
    department: Option<&str>,
    status: Option<&str>,
    today: &str,
) -> Result<Vec<PushRow>, ApiError> {
    let rows = c.query(
        &format!(
            "SELECT {PUSH_COLUMNS} FROM pushes WHERE jurisdiction = ? AND (CAST(? AS TEXT) IS NULL OR department = ?) \
             AND (CAST(? AS TEXT) IS NULL OR status = ?) ORDER BY push_id DESC LIMIT 500"
        ),
        params![j.as_str(), department, department, status, status],
    )?;
    rows.iter().map(|r| PushRow::from_row(r, today)).collect()
}

pub async fn list_pushes(
    State(state): State<AppState>,
    auth: Auth,
    Query(f): Query<PushFilter>,
) -> Result<Json<Value>, ApiError> {
    let j = auth.principal.jurisdiction.clone();
    let department = match department_of(&auth) {
        Some(d) => {
            auth.require(Action::ViewPushes, &Target::department(&j, &d))?;
            Some(d.to_string())
        }
        None => {
            auth.require_here(Action::ViewPushes)?;
            f.department
        }
    };
    let today = legal_date(state.clock.now()).to_string();
    let pushes = state
        .store
        .read(move |c| query_pushes(c, &j, department.as_deref(), f.status.as_deref(), &today))
        .await?;
    Ok(Json(json!({ "pushes": pushes })))
}

pub async fn get_push(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (push, j) = state.store.read(move |c| lk::load_push(c, &id)).await?;
    let target = Target {
        jurisdiction: j,
        department: push.department.clone(),
    };
    auth.require(Action::ViewPushes, &target)?;
    Ok(Json(
        json!({ "push": push, "status": push.status().code(), "status_zh": push.status().name_zh() }),
    ))
}

/// The claim; with an `Idempotency-Key` header a retry returns the first answer.
/// The longest idempotency key a client may send (documented in /openapi.json).
const MAX_IDEMPOTENCY_KEY: usize = 128;

pub async fn claim_push(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if key.as_ref().is_some_and(|k| k.len() > MAX_IDEMPOTENCY_KEY) {
        return Err(crate::edge::limits::too_long(
            "Idempotency-Key",
            MAX_IDEMPOTENCY_KEY,
        ));
    }
    let principal = claimant(&auth).label();
    let request = hex::encode(sha2::Sha256::digest(format!("claim:{id}").as_bytes()));
    let now = state.clock.now();
    let (a, id2) = (auth.clone(), id.clone());
    let st = state.clone();
    let r = state
        .store
        .write(move |tx| {
            if let Some(k) = &key
                && let Some(prev) = idempotent(tx.conn(), &principal, k, &request)?
            {
                return Ok(prev);
            }
            let (push, j) = lk::load_push(tx.conn(), &id2)?;
            let target = Target {
                jurisdiction: j.clone(),
                department: push.department.clone(),
            };
            a.require(Action::ClaimPush, &target)?;
            let department = push.department.clone().ok_or_else(|| linkage_error(
                oneseal_domain::linkage::LinkageError::Unmapped,
            ))?;
            let mut m = meta(&st, &a, &j);
            m.time = now;
            let (idx, event) = lk::claim(tx, &m, &push, &department, claimant(&a))?;
            let late = matches!(event, oneseal_domain::linkage::PushEvent::Claimed { late: true, .. });
            let body = json!({
                "push_id": id2, "status": if late { "claimed_late" } else { "claimed" }, "late": late,
                "receipt": { "ledger_index": idx, "log": j, "claimed_by": claimant(&a).label(),
                             "claimed_at": now.unix_timestamp(),
                             "proof": format!("/api/v1/log/{j}/receipt/{idx}") },
            });
            if let Some(k) = &key {
                tx.conn().execute(
                    "INSERT INTO idempotency_keys (principal, idem_key, request_sha256, response) VALUES (?, ?, ?, ?)",
                    params![principal.as_str(), k.as_str(), request.as_str(), body.to_string()],
                )?;
            }
            Ok::<_, ApiError>(body)
        })
        .await;
    refused(&state, &auth, Aim::new("push", id), r)
        .await
        .map(Json)
}

fn idempotent(
    c: &mut dyn Conn,
    principal: &str,
    key: &str,
    request: &str,
) -> Result<Option<Value>, ApiError> {
    if key.is_empty() || key.len() > 200 {
        return Err(ApiError::bad_request(
            "invalid_idempotency_key",
            "Idempotency-Key 应为1至200个字符",
            "Idempotency-Key must be 1 to 200 characters",
        ));
    }
    let Some(r) = c.query_one(
        "SELECT request_sha256, response FROM idempotency_keys WHERE principal = ? AND idem_key = ?",
        params![principal, key],
    )?
    else {
        return Ok(None);
    };
    if r.text(0)? != request {
        return Err(ApiError::conflict(
            "idempotency_key_reused",
            "该 Idempotency-Key 已用于另一请求",
            "This Idempotency-Key was used for a different request",
        ));
    }
    let mut v: Value =
        serde_json::from_str(&r.text(1)?).map_err(|e| ApiError::Internal(e.to_string()))?;
    if let Some(m) = v.as_object_mut() {
        m.insert("replayed".into(), Value::Bool(true));
    }
    Ok(Some(v))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    pub department: String,
}

fn department_here(
    c: &mut dyn Conn,
    j: &DivisionCode,
    code: &str,
) -> Result<DepartmentCode, ApiError> {
    let bad = || {
        ApiError::bad_request(
            "unknown_department",
            "本辖区没有该部门",
            "No such department in this jurisdiction",
        )
    };
    let d = DepartmentCode::parse(code).map_err(|_| bad())?;
    c.query_one(
        "SELECT 1 FROM departments WHERE jurisdiction = ? AND code = ? AND kind <> 'bureau'",
        params![j.as_str(), d.as_str()],
    )?
    .ok_or_else(bad)?;
    Ok(d)
}

/// The bureau routes a push whose item had no supervising department.
pub async fn assign_push(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AssignBody>,
) -> Result<Json<Value>, ApiError> {
    let staff = auth.staff_for(Action::EditCatalog)?;
    let calendar = state.calendar.current();
    let st = state.clone();
    let r = state
        .store
        .write(move |tx| {
            let (push, j) = lk::load_push(tx.conn(), &id)?;
            auth.require(Action::EditCatalog, &Target::jurisdiction(&j))?;
            let d = department_here(tx.conn(), &j, &body.department)?;
            let m = meta(&st, &auth, &j);
            let today = legal_date(m.time);
            let deadlines = lk::settings(tx.conn(), &j)?
                .deadlines(&calendar, today)
                .map_err(|e| {
                    ApiError::conflict("calendar_year_missing", e.to_string(), e.to_string())
                })?;
            let e = push
                .assign(d.clone(), staff, today, deadlines)
                .map_err(linkage_error)?;
            let idx = lk::record_push(tx, &m, &id, e, Some(&d))?;
            Ok::<_, ApiError>(json!({ "push_id": id, "department": d, "ledger_index": idx }))
        })
        .await?;
    Ok(Json(r))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappingBody {
    pub department: String,
    #[serde(default)]
    pub responsible: Option<String>,
    #[serde(default)]
    pub push_refusals: bool,
}

pub async fn list_mappings(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::ViewCatalog)?;
    let j = auth.principal.jurisdiction.clone();
    let rows = state
        .store
        .read(move |c| {
            c.query(
                "SELECT i.basic_code, i.name, COALESCE(m.department, d.code), m.responsible, COALESCE(m.push_refusals, 0), \
                   m.department IS NOT NULL FROM items i \
                 LEFT JOIN supervision_mappings m ON m.jurisdiction = i.jurisdiction AND m.item_code = i.basic_code \
                 LEFT JOIN departments d ON d.jurisdiction = i.jurisdiction AND d.code = i.supervising_department AND d.kind <> 'bureau' \
                 WHERE i.jurisdiction = ? AND i.current = 1 ORDER BY i.basic_code",
                params![j.as_str()],
            )?
            .into_iter()
            .map(|r| {
                Ok(json!({
                    "item_code": r.text(0)?, "item_name": r.text(1)?, "department": r.opt_text(2)?,
                    "responsible": r.opt_text(3)?, "push_refusals": r.int(4)? != 0, "explicit": r.int(5)? != 0,
                }))
            })
            .collect::<Result<Vec<_>, ApiError>>()
        })
        .await?;
    let unmapped = rows.iter().filter(|r| r["department"].is_null()).count();
    Ok(Json(json!({ "mappings": rows, "unmapped": unmapped })))
}

pub async fn put_mapping(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<MappingBody>,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::EditCatalog)?;
    let j = auth.principal.jurisdiction.clone();
    let m = meta(&state, &auth, &j);
    let idx = state
        .store
        .write(move |tx| {
            tx.conn()
                .query_one(
                    "SELECT 1 FROM items WHERE jurisdiction = ? AND basic_code = ? AND current = 1",
                    params![j.as_str(), code.as_str()],
                )?
                .ok_or(ApiError::NotFound("item"))?;
            let d = department_here(tx.conn(), &j, &body.department)?;
            let responsible = match body.responsible.as_deref().filter(|s| !s.is_empty()) {
                None => None,
                Some(s) => {
                    let bad = || ApiError::bad_request("unknown_staff", "责任人不是该部门的在岗人员", "The responsible user is not active staff of that department");
                    let id = StaffId::parse(s).map_err(|_| bad())?;
                    tx.conn()
                        .query_one(
                            "SELECT 1 FROM staff WHERE id = ? AND jurisdiction = ? AND department = ? AND active = 1",
                            params![id.as_str(), j.as_str(), d.as_str()],
                        )?
                        .ok_or_else(bad)?;
                    Some(id)
                }
            };
            m.record(
                tx,
                &Event::SupervisionMapped {
                    item_code: code,
                    department: d,
                    responsible,
                    push_refusals: body.push_refusals,
                },
            )
        })
        .await?;
    Ok(Json(json!({ "ledger_index": idx })))
}

pub async fn get_settings(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::ViewPushes)?;
    let j = auth.principal.jurisdiction.clone();
    let s = state.store.read(move |c| lk::settings(c, &j)).await?;
    Ok(Json(json!({ "settings": s })))
}

pub async fn put_settings(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(settings): ApiJson<LinkageSettings>,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::EditCatalog)?;
    settings.validate().map_err(linkage_error)?;
    let j = auth.principal.jurisdiction.clone();
    let m = meta(&state, &auth, &j);
    let idx = state
        .store
        .write(move |tx| m.record(tx, &Event::LinkageSettingsChanged { settings }))
        .await?;
    Ok(Json(json!({ "settings": settings, "ledger_index": idx })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackRequest {
    pub external_ref: String,
    pub body: FeedbackBody,
}

/// Feedback from a department (idempotent on its `external_ref`).
pub async fn submit_feedback(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(req): ApiJson<FeedbackRequest>,
) -> Result<Json<Value>, ApiError> {
    let (j, d) = own_department(&auth, Action::SubmitFeedback)?;
    let m = meta(&state, &auth, &j);
    let target = req.body.licence_id().map_or_else(
        || Aim::new("feedback", req.body.kind()),
        |l| Aim::new("licence", l),
    );
    let d2 = d.clone();
    let r = state
        .store
        .write(move |tx| lk::submit_feedback(tx, &m, &d2, &req.external_ref, req.body))
        .await;
    let out = refused(&state, &auth, target, r).await?;
    Ok(Json(
        serde_json::to_value(out).map_err(|e| ApiError::Internal(e.to_string()))?,
    ))
}

/// One piece of feedback as the lists show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FeedbackRow {
    pub feedback_id: String,
    pub department: String,
    pub external_ref: String,
    pub kind: String,
    pub licence_id: Option<String>,
    pub body: Option<FeedbackBody>,
    pub impact: Option<oneseal_domain::linkage::Impact>,
    pub review_status: Option<String>,
    pub review_explanation: Option<String>,
    pub reviewed_by: Option<String>,
}

impl FeedbackRow {
    pub fn kind_zh(&self) -> &'static str {
        self.body.as_ref().map_or("", FeedbackBody::name_zh)
    }
    /// A one-line summary for lists (no personal data beyond what the department sent).
    pub fn summary(&self) -> String {
        match &self.body {
            Some(FeedbackBody::SupervisionRecord { summary, .. })
            | Some(FeedbackBody::Penalty { summary, .. })
            | Some(FeedbackBody::ViolationNotice { summary, .. }) => summary.clone(),
            Some(FeedbackBody::PolicyChange {
                law,
                articles,
                summary,
                ..
            }) => {
                format!(
                    "《{}》{}：{summary}",
                    law.trim_matches(['《', '》']),
                    articles.join("、")
                )
            }
            None => String::new(),
        }
    }
    pub fn review_open(&self) -> bool {
        self.review_status.as_deref() == Some("open")
    }
}

pub fn query_feedback(
    c: &mut dyn Conn,
    j: &DivisionCode,
    department: Option<&str>,
) -> Result<Vec<FeedbackRow>, ApiError> {
    c.query(
        "SELECT feedback_id, department, external_ref, kind, licence_id, body, impact, review_status, review_explanation, reviewed_by \
         FROM feedback WHERE jurisdiction = ? AND (CAST(? AS TEXT) IS NULL OR department = ?) ORDER BY feedback_id DESC LIMIT 500",
        params![j.as_str(), department, department],
    )?
    .into_iter()
    .map(|r| {
        Ok(FeedbackRow {
            feedback_id: r.text(0)?,
            department: r.text(1)?,
            external_ref: r.text(2)?,
            kind: r.text(3)?,
            licence_id: r.opt_text(4)?,
            body: serde_json::from_str(&r.text(5)?).ok(),
            impact: r.opt_text(6)?.and_then(|s| serde_json::from_str(&s).ok()),
            review_status: r.opt_text(7)?,
            review_explanation: r.opt_text(8)?,
            reviewed_by: r.opt_text(9)?,
        })
    })
    .collect()
}

pub async fn list_feedback(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Value>, ApiError> {
    let j = auth.principal.jurisdiction.clone();
    let department = match department_of(&auth) {
        Some(d) => {
            auth.require(Action::ViewPushes, &Target::department(&j, &d))?;
            Some(d.to_string())
        }
        None => {
            auth.require_here(Action::ViewPushes)?;
            None
        }
    };
    let rows = state
        .store
        .read(move |c| query_feedback(c, &j, department.as_deref()))
        .await?;
    Ok(Json(json!({ "feedback": rows })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloseReview {
    pub explanation: String,
}

/// The bureau has reviewed what a policy change touches (the marks on items are lifted).
pub async fn close_review(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CloseReview>,
) -> Result<Json<Value>, ApiError> {
    let staff = auth.staff_for(Action::ReviewPolicyChange)?;
    auth.require_here(Action::ReviewPolicyChange)?;
    crate::services::commands::require_explanation(&body.explanation, "政策变更复核")?;
    let j = auth.principal.jurisdiction.clone();
    let m = meta(&state, &auth, &j);
    let idx = state
        .store
        .write(move |tx| {
            crate::services::commands::require_open(
                tx.conn(),
                "SELECT review_status FROM feedback WHERE feedback_id = ? AND jurisdiction = ?",
                params![id.as_str(), j.as_str()],
                "feedback",
                ApiError::conflict(
                    "review_not_open",
                    "该反馈没有待办复核",
                    "No open review for this feedback",
                ),
            )?;
            m.record(
                tx,
                &Event::PolicyReviewClosed {
                    feedback_id: id,
                    by: staff,
                    explanation: body.explanation,
                },
            )
        })
        .await?;
    Ok(Json(json!({ "ledger_index": idx })))
}

#[derive(Debug, Deserialize)]
pub struct FeedQuery {
    #[serde(default)]
    pub after: Option<u64>,
    #[serde(default)]
    pub limit: Option<u32>,
}

/// The department's pull feed: entries after the cursor (a ledger index), oldest first.
pub async fn dept_feed(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<FeedQuery>,
) -> Result<Json<Value>, ApiError> {
    let (j, d) = own_department(&auth, Action::ViewPushes)?;
    let limit = i64::from(q.limit.unwrap_or(100).clamp(1, 500));
    let after = q.after.map_or(-1, |a| i64::try_from(a).unwrap_or(i64::MAX));
    let entries = state
        .store
        .read(move |c| {
            c.query(
                "SELECT idx, kind, ref_id, body FROM dept_feed WHERE jurisdiction = ? AND department = ? AND idx > ? ORDER BY idx LIMIT ?",
                params![j.as_str(), d.as_str(), after, limit],
            )?
            .into_iter()
            .map(|r| {
                Ok(json!({
                    "cursor": r.u64(0)?, "kind": r.text(1)?, "ref_id": r.text(2)?,
                    "body": serde_json::from_str::<Value>(&r.text(3)?).unwrap_or(Value::Null),
                }))
            })
            .collect::<Result<Vec<_>, ApiError>>()
        })
        .await?;
    let next = entries
        .last()
        .map(|e| e["cursor"].clone())
        .unwrap_or(json!(q.after));
    Ok(Json(json!({ "entries": entries, "next": next })))
}

/// Push counts of one department.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StatRow {
    pub department: String,
    pub pushed: i64,
    pub awaiting: i64,
    pub overdue: i64,
    pub claimed: i64,
    pub claimed_late: i64,
    pub unmapped: i64,
}

/// Counts per department for the bureau's tracking view and the leadership dashboard.
pub fn stats(c: &mut dyn Conn, j: &DivisionCode, today: &str) -> Result<Vec<StatRow>, ApiError> {
    c.query(
        "SELECT COALESCE(department, ''), COUNT(*), \
           CAST(SUM(CASE WHEN status = 'awaiting_claim' THEN 1 ELSE 0 END) AS BIGINT), \
           CAST(SUM(CASE WHEN status = 'awaiting_claim' AND claim_due < ? THEN 1 ELSE 0 END) AS BIGINT), \
           CAST(SUM(CASE WHEN status = 'claimed' THEN 1 ELSE 0 END) AS BIGINT), \
           CAST(SUM(CASE WHEN status = 'claimed_late' THEN 1 ELSE 0 END) AS BIGINT), \
           CAST(SUM(CASE WHEN status = 'unmapped' THEN 1 ELSE 0 END) AS BIGINT) \
         FROM pushes WHERE jurisdiction = ? GROUP BY COALESCE(department, '') ORDER BY 1",
        params![today, j.as_str()],
    )?
    .into_iter()
    .map(|r| {
        Ok(StatRow {
            department: r.text(0)?,
            pushed: r.int(1)?,
            awaiting: r.int(2)?,
            overdue: r.int(3)?,
            claimed: r.int(4)?,
            claimed_late: r.int(5)?,
            unmapped: r.int(6)?,
        })
    })
    .collect()
}

pub async fn linkage_stats(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::ViewPushes)?;
    let j = auth.principal.jurisdiction.clone();
    let today = legal_date(state.clock.now()).to_string();
    let rows = state.store.read(move |c| stats(c, &j, &today)).await?;
    Ok(Json(json!({ "departments": rows })))
}
