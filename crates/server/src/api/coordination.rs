//! Leadership coordination (领导协调) over HTTP: raise a matter, list and read matters, the
//! leader's decision, tasks and closing, a holder's report. Each handler authorizes and calls
//! `services::coordination` (a department acts for itself only, by `Target::department`).

use axum::Json;
use axum::extract::{Path, Query, State};
use oneseal_domain::access::{Action, Target};
use oneseal_domain::case::legal_date;
use oneseal_domain::event::Actor;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::edge::auth::Auth;
use crate::edge::json::ApiJson;
use crate::error::ApiError;
use crate::services::commands::Meta;
use crate::services::coordination::{self as coord, NewMatter, NewTask, department_of};
use crate::services::paging::parse_limit;

/// Authorizes `action` where the principal acts: its jurisdiction, or its own department there.
fn require(auth: &Auth, action: Action) -> Result<(), ApiError> {
    let p = &auth.principal;
    match department_of(p) {
        Some(d) => auth.require(action, &Target::department(&p.jurisdiction, &d)),
        None => auth.require_here(action),
    }
}

/// Who the ledger names, and when.
fn meta(state: &AppState, auth: &Auth) -> Meta {
    let p = &auth.principal;
    let actor = match (&p.staff, department_of(p)) {
        (Some(s), _) => Actor::Staff(s.clone()),
        (None, Some(d)) => Actor::Department(d),
        (None, None) => Actor::System("api".into()),
    };
    Meta {
        time: state.clock.now(),
        jurisdiction: p.jurisdiction.clone(),
        actor,
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatterBody {
    pub kind: String,
    pub title: String,
    pub description: String,
    #[serde(default)]
    pub departments: Vec<String>,
    #[serde(default)]
    pub push_id: Option<String>,
    #[serde(default)]
    pub leader: Option<String>,
    pub due_working_days: u32,
}

/// Raises a matter; the bureau's staff or a department.
pub async fn raise_matter(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<MatterBody>,
) -> Result<Json<Value>, ApiError> {
    require(&auth, Action::RaiseCoordination)?;
    let meta = meta(&state, &auth);
    let p = auth.principal.clone();
    let calendar = state.calendar.current();
    let new = NewMatter {
        kind: b.kind,
        title: b.title,
        description: b.description,
        departments: b.departments,
        push_id: b.push_id,
        leader: b.leader,
        due_working_days: b.due_working_days,
    };
    let raised = state
        .store
        .write(move |tx| coord::raise(tx, &meta, &p, &calendar, new))
        .await?;
    Ok(Json(json!(raised)))
}

#[derive(Debug, Default, Deserialize)]
pub struct MatterFilter {
    pub status: Option<String>,
    pub limit: Option<String>,
}

/// The matters the caller may see, newest first.
pub async fn list_matters(
    State(state): State<AppState>,
    auth: Auth,
    Query(f): Query<MatterFilter>,
) -> Result<Json<Value>, ApiError> {
    require(&auth, Action::ViewCoordination)?;
    let limit = parse_limit(f.limit.as_deref())?;
    let status = f.status.filter(|s| !s.trim().is_empty());
    if let Some(s) = &status
        && !matches!(s.as_str(), "open" | "decided" | "closed")
    {
        return Err(ApiError::bad_request(
            "bad_status",
            "状态应为open、decided或closed",
            "status is one of open, decided, closed",
        ));
    }
    let today = legal_date(state.clock.now());
    let rows = coord::list(&state.store, auth.principal.clone(), status, limit, today).await?;
    Ok(Json(json!({ "matters": rows })))
}

/// One matter with its decision, tasks and reports.
pub async fn get_matter(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    require(&auth, Action::ViewCoordination)?;
    let today = legal_date(state.clock.now());
    let view = coord::get(&state.store, auth.principal.clone(), id, today).await?;
    Ok(Json(json!(view)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    #[serde(default)]
    pub meeting_on: Option<String>,
    pub decision: String,
}

/// The leader records the coordination meeting's decision.
pub async fn decide_matter(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<DecisionBody>,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::LeadCoordination)?;
    let meta = meta(&state, &auth);
    let p = auth.principal.clone();
    let (idx, late) = state
        .store
        .write(move |tx| coord::decide(tx, &meta, &p, &id, b.meeting_on.as_deref(), b.decision))
        .await?;
    Ok(Json(json!({ "ledger_index": idx, "late": late })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskBody {
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub staff: Option<String>,
    pub description: String,
    pub due_working_days: u32,
}

/// The leader assigns a task of the decision to a department or a member of staff.
pub async fn assign_task(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<TaskBody>,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::LeadCoordination)?;
    let meta = meta(&state, &auth);
    let p = auth.principal.clone();
    let calendar = state.calendar.current();
    let task = NewTask {
        department: b.department,
        staff: b.staff,
        description: b.description,
        due_working_days: b.due_working_days,
    };
    let (task_id, due, idx) = state
        .store
        .write(move |tx| coord::assign(tx, &meta, &p, &calendar, &id, task))
        .await?;
    Ok(Json(
        json!({ "task_id": task_id, "due": due.to_string(), "ledger_index": idx }),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportBody {
    pub report: String,
}

/// The task's holder (its department, or the member of staff) reports it done.
pub async fn complete_task(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ReportBody>,
) -> Result<Json<Value>, ApiError> {
    require(&auth, Action::CompleteCoordinationTask)?;
    let meta = meta(&state, &auth);
    let p = auth.principal.clone();
    let (idx, late) = state
        .store
        .write(move |tx| coord::complete(tx, &meta, &p, &id, b.report))
        .await?;
    Ok(Json(json!({ "ledger_index": idx, "late": late })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloseBody {
    pub summary: String,
}

/// The leader closes the matter once every task is done.
pub async fn close_matter(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<CloseBody>,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::LeadCoordination)?;
    let meta = meta(&state, &auth);
    let p = auth.principal.clone();
    let idx = state
        .store
        .write(move |tx| coord::close(tx, &meta, &p, &id, b.summary))
        .await?;
    Ok(Json(json!({ "ledger_index": idx })))
}
