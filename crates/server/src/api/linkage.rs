//! Approval–supervision linkage over HTTP: pushes and claims, feedback, the department's feed,
//! and the bureau's mapping, settings and tracking counts (the webhook is in `webhooks`). Each
//! handler authorizes and calls `services::linkage`.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use oneseal_domain::access::{Action, Target};
use oneseal_domain::case::legal_date;
use oneseal_domain::event::Actor;
use oneseal_domain::linkage::{Claimant, FeedbackBody, LinkageSettings};
use oneseal_domain::org::{DepartmentCode, DivisionCode, Role};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::edge::auth::Auth;
use crate::edge::json::ApiJson;
use crate::error::ApiError;
use crate::services::commands::Meta;
use crate::services::linkage::bureau::{self, MappingRequest};
use crate::services::linkage::pushes::{self, Assignment, ClaimRequest};
use crate::services::linkage::refusals::Aim;
use crate::services::linkage::{self as lk, LinkageError, feedback};
use crate::services::paging::parse_limit;

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

/// Who the ledger names for the caller's act.
fn actor(auth: &Auth) -> Actor {
    match (&auth.principal.staff, department_of(auth)) {
        (Some(s), _) => Actor::Staff(s.clone()),
        (None, Some(d)) => Actor::Department(d),
        (None, None) => Actor::System("api".into()),
    }
}

fn meta(state: &AppState, auth: &Auth, j: &DivisionCode) -> Meta {
    Meta {
        time: state.clock.now(),
        jurisdiction: j.clone(),
        actor: actor(auth),
    }
}

/// Records a department's refused attempt (see [`lk::refusals`]).
async fn refused<T>(
    state: &AppState,
    auth: &Auth,
    aim: Aim,
    r: Result<T, LinkageError>,
) -> Result<T, ApiError> {
    let j = &auth.principal.jurisdiction;
    let now = state.clock.now();
    Ok(lk::refusals::refused(
        &state.store,
        &state.refusals,
        now,
        j,
        department_of(auth),
        aim,
        r,
    )
    .await?)
}

#[derive(Debug, Default, Deserialize)]
pub struct PushFilter {
    pub status: Option<String>,
    pub department: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<String>,
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
    let q = pushes::PushListQuery {
        department,
        status: f.status,
        cursor: pushes::parse_push_cursor(f.cursor.as_deref())?,
        limit: parse_limit(f.limit.as_deref())?,
    };
    let view = pushes::list(&state.store, j, q, today).await?;
    Ok(Json(json!({
        "pushes": view.rows,
        "next_cursor": view.links.next_cursor,
        "prev_cursor": view.links.prev_cursor,
    })))
}

pub async fn get_push(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (push, j) = pushes::find(&state.store, id).await?;
    let target = Target {
        jurisdiction: j,
        department: push.department.clone(),
    };
    auth.require(Action::ViewPushes, &target)?;
    Ok(Json(
        json!({ "push": push, "status": push.status().code(), "status_zh": push.status().name_zh() }),
    ))
}

/// The summary of the case behind a push, for the department it was pushed to (and the
/// bureau's staff who follow pushes); another department's push is refused (403).
pub async fn push_case(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let today = legal_date(state.clock.now()).to_string();
    let summary =
        lk::summary::case_summary(&state.store, auth.principal.clone(), id, today).await?;
    Ok(Json(
        serde_json::to_value(summary).map_err(|e| ApiError::Internal(e.to_string()))?,
    ))
}

/// The longest idempotency key a client may send (documented in /openapi.json).
const MAX_IDEMPOTENCY_KEY: usize = 128;

/// The claim; with an `Idempotency-Key` header a retry returns the first answer.
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
    let req = ClaimRequest {
        push_id: id.clone(),
        idempotency_key: key,
        claimant: claimant(&auth),
        actor: actor(&auth),
        now: state.clock.now(),
    };
    let principal = auth.principal.clone();
    let r = state
        .store
        .write(move |tx| pushes::claim_push(tx, &principal, req))
        .await;
    refused(&state, &auth, Aim::new("push", id), r)
        .await
        .map(Json)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    pub department: String,
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
    let a = Assignment {
        push_id: id.clone(),
        department: body.department,
        staff,
        actor: actor(&auth),
        now: state.clock.now(),
    };
    let principal = auth.principal.clone();
    let (d, idx) = state
        .store
        .write(move |tx| pushes::assign(tx, &principal, &calendar, a))
        .await
        .map_err(ApiError::from)?;
    Ok(Json(
        json!({ "push_id": id, "department": d, "ledger_index": idx }),
    ))
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
    let rows: Vec<Value> = bureau::mappings(&state.store, j)
        .await?
        .into_iter()
        .map(|m| {
            json!({
                "item_code": m.item_code, "item_name": m.item_name, "department": m.department,
                "responsible": m.responsible, "push_refusals": m.push_refusals, "explicit": m.explicit,
            })
        })
        .collect();
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
    let req = MappingRequest {
        item_code: code,
        department: body.department,
        responsible: body.responsible,
        push_refusals: body.push_refusals,
    };
    let idx = state
        .store
        .write(move |tx| bureau::map_item(tx, &m, req))
        .await
        .map_err(ApiError::from)?;
    Ok(Json(json!({ "ledger_index": idx })))
}

pub async fn get_settings(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::ViewPushes)?;
    let j = auth.principal.jurisdiction.clone();
    let s = bureau::read_settings(&state.store, j).await?;
    Ok(Json(json!({ "settings": s })))
}

pub async fn put_settings(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(settings): ApiJson<LinkageSettings>,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::EditCatalog)?;
    let j = auth.principal.jurisdiction.clone();
    let m = meta(&state, &auth, &j);
    let idx = bureau::change_settings(&state.store, m, settings).await?;
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
    let r = state
        .store
        .write(move |tx| feedback::submit_feedback(tx, &m, &d, &req.external_ref, req.body))
        .await;
    let out = refused(&state, &auth, target, r).await?;
    Ok(Json(
        serde_json::to_value(out).map_err(|e| ApiError::Internal(e.to_string()))?,
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct FeedbackPageQuery {
    pub cursor: Option<String>,
    pub limit: Option<String>,
}

/// One page of feedback, newest first (a department sees its own only).
pub async fn list_feedback(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<FeedbackPageQuery>,
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
    let cursor = feedback::parse_feedback_cursor(q.cursor.as_deref())?;
    let limit = parse_limit(q.limit.as_deref())?;
    let view = feedback::page(&state.store, j, department, cursor, limit).await?;
    Ok(Json(json!({
        "feedback": view.rows,
        "next_cursor": view.links.next_cursor,
        "prev_cursor": view.links.prev_cursor,
    })))
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
        .write(move |tx| feedback::close_review(tx, &m, id, staff, body.explanation))
        .await
        .map_err(ApiError::from)?;
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
    let entries = feedback::feed(&state.store, j, d, q.after, q.limit).await?;
    let next = entries.last().map_or(json!(q.after), |e| json!(e.cursor));
    Ok(Json(json!({ "entries": entries, "next": next })))
}

pub async fn linkage_stats(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::ViewPushes)?;
    let j = auth.principal.jurisdiction.clone();
    let today = legal_date(state.clock.now()).to_string();
    let rows = bureau::read_stats(&state.store, j, today).await?;
    Ok(Json(json!({ "departments": rows })))
}
