//! Construction projects (工程建设项目) over HTTP: register, list and read projects, link a case
//! to a stage, complete a stage, request and record utilities' connections. Each handler
//! authorizes in the principal's own jurisdiction and calls `services::projects`: the window
//! clerk (who receives the cases) registers and links; every case worker reads.

use axum::Json;
use axum::extract::{Path, Query, State};
use oneseal_domain::access::Action;
use oneseal_domain::case::legal_date;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::edge::auth::Auth;
use crate::edge::json::ApiJson;
use crate::error::ApiError;
use crate::services::paging::parse_limit;
use crate::services::projects::{self as projects, NewProject};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectBody {
    pub name: String,
    pub owner: String,
    pub kind: String,
    pub industry: String,
    #[serde(default)]
    pub with_design_plan: bool,
}

/// Registers a project; its code.
pub async fn register_project(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<ProjectBody>,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::IntakeCase)?;
    let (_, meta) = auth.staff_meta(state.clock.now())?;
    let p = auth.principal.clone();
    let new = NewProject {
        name: b.name,
        owner: b.owner,
        kind: b.kind,
        industry: b.industry,
        with_design_plan: b.with_design_plan,
    };
    let r = state
        .store
        .write(move |tx| projects::register(tx, &meta, &p, new))
        .await?;
    Ok(Json(json!(r)))
}

#[derive(Debug, Default, Deserialize)]
pub struct ProjectFilter {
    pub limit: Option<String>,
}

/// The jurisdiction's projects, newest first.
pub async fn list_projects(
    State(state): State<AppState>,
    auth: Auth,
    Query(f): Query<ProjectFilter>,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::ViewCases)?;
    let limit = parse_limit(f.limit.as_deref())?;
    let today = legal_date(state.clock.now());
    let rows = projects::list(
        &state.store,
        auth.principal.clone(),
        limit,
        state.calendar.current(),
        today,
    )
    .await?;
    Ok(Json(json!({ "projects": rows })))
}

/// One project: its stages, cases, utilities and timeline.
pub async fn get_project(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::ViewCases)?;
    let now = state.clock.now();
    let v = projects::get(
        &state.store,
        auth.principal.clone(),
        code,
        state.calendar.current(),
        legal_date(now),
    )
    .await?;
    Ok(Json(json!(v)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkBody {
    pub case_number: String,
    pub stage: String,
}

/// Links a case to a stage of the project.
pub async fn link_case(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<LinkBody>,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::IntakeCase)?;
    let (_, meta) = auth.staff_meta(state.clock.now())?;
    let p = auth.principal.clone();
    let calendar = state.calendar.current();
    let index = state
        .store
        .write(move |tx| projects::link(tx, &meta, &p, &calendar, &code, &b.case_number, &b.stage))
        .await?;
    Ok(Json(json!({ "ledger_index": index })))
}

/// Completes a stage once its items are granted.
pub async fn complete_stage(
    State(state): State<AppState>,
    auth: Auth,
    Path((code, stage)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::IntakeCase)?;
    let (_, meta) = auth.staff_meta(state.clock.now())?;
    let p = auth.principal.clone();
    let calendar = state.calendar.current();
    let (index, late) = state
        .store
        .write(move |tx| projects::complete_stage(tx, &meta, &p, &calendar, &code, &stage))
        .await?;
    Ok(Json(json!({ "ledger_index": index, "late": late })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UtilityBody {
    pub utility: String,
}

/// Requests a utility's connection (报装).
pub async fn request_utility(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<UtilityBody>,
) -> Result<Json<Value>, ApiError> {
    utility_step(state, auth, code, b.utility, false).await
}

/// Records a utility connected (接入).
pub async fn utility_connected(
    State(state): State<AppState>,
    auth: Auth,
    Path((code, utility)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    utility_step(state, auth, code, utility, true).await
}

async fn utility_step(
    state: AppState,
    auth: Auth,
    code: String,
    utility: String,
    connected: bool,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::IntakeCase)?;
    let (_, meta) = auth.staff_meta(state.clock.now())?;
    let p = auth.principal.clone();
    let index = state
        .store
        .write(move |tx| projects::utility(tx, &meta, &p, &code, &utility, connected))
        .await?;
    Ok(Json(json!({ "ledger_index": index })))
}
