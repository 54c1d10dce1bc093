//! Jurisdictions, departments, staff and department API tokens over HTTP (`services::org`).

use axum::Json;
use axum::extract::{Path, Query, State};
use oneseal_domain::access::{Action, Target};
use oneseal_domain::event::Actor;
use oneseal_domain::org::{DepartmentCode, StaffId};
use serde::Deserialize;
use serde_json::{Value, json};
use time::Date;

use crate::AppState;
use crate::edge::auth::Auth;
use crate::edge::json::ApiJson;
use crate::error::ApiError;
use crate::services::org::{
    self, DepartmentView, JurisdictionView, StaffView, TokenView, target_jurisdiction,
};

#[derive(Debug, Deserialize)]
pub struct JurisdictionQuery {
    pub jurisdiction: Option<String>,
}

pub async fn list_jurisdictions(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<JurisdictionView>>, ApiError> {
    auth.require_here(Action::ViewCatalog)?;
    Ok(Json(state.store.read(org::jurisdictions).await?))
}

pub async fn list_departments(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<JurisdictionQuery>,
) -> Result<Json<Vec<DepartmentView>>, ApiError> {
    let j = target_jurisdiction(&auth.principal, q.jurisdiction.as_deref())?;
    auth.require(Action::ViewCatalog, &Target::jurisdiction(&j))?;
    Ok(Json(
        state.store.read(move |c| org::departments(c, &j)).await?,
    ))
}

pub async fn list_staff(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<JurisdictionQuery>,
) -> Result<Json<Vec<StaffView>>, ApiError> {
    let j = target_jurisdiction(&auth.principal, q.jurisdiction.as_deref())?;
    auth.require(Action::ViewOrganisation, &Target::jurisdiction(&j))?;
    Ok(Json(state.store.read(move |c| org::staff(c, &j)).await?))
}

#[derive(Debug, Deserialize)]
pub struct TransferRequest {
    pub to_department: String,
    pub on: String,
}

fn bad_department(e: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(
        "bad_department",
        format!("部门代码无效：{e}"),
        e.to_string(),
    )
}

/// Moves a member of staff to another department, keeping the posting history.
pub async fn transfer_staff(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<TransferRequest>,
) -> Result<Json<Value>, ApiError> {
    let staff = StaffId::parse(&id).map_err(|e| {
        ApiError::bad_request("bad_staff_id", format!("工号无效：{e}"), e.to_string())
    })?;
    let to = DepartmentCode::parse(&req.to_department).map_err(bad_department)?;
    let on = Date::parse(
        &req.on,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|e| {
        ApiError::bad_request(
            "bad_date",
            format!("日期格式应为 YYYY-MM-DD：{e}"),
            e.to_string(),
        )
    })?;
    let time = state.clock.now();
    let by = auth.staff_for(Action::ManageStaff)?;
    let principal = auth.principal;
    let idx = state
        .store
        .write(move |tx| org::transfer_staff(tx, &principal, by, time, staff, to, on))
        .await?;
    Ok(Json(json!({ "ledger_index": idx })))
}

#[derive(Debug, Deserialize)]
pub struct TokenRequest {
    pub department: String,
    pub jurisdiction: Option<String>,
    pub scopes: Vec<Action>,
    /// Days until the token expires: 1 to 365, a year when absent.
    pub expires_in_days: Option<i64>,
}

/// Issues an API token for a department's own system; the secret is shown once.
pub async fn issue_token(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(req): ApiJson<TokenRequest>,
) -> Result<Json<Value>, ApiError> {
    let j = target_jurisdiction(&auth.principal, req.jurisdiction.as_deref())?;
    auth.require(Action::IssueApiToken, &Target::jurisdiction(&j))?;
    let department = DepartmentCode::parse(&req.department).map_err(bad_department)?;
    let grant = org::grant_token(&req.scopes, req.expires_in_days)?;
    let by = Actor::Staff(auth.staff_id().cloned().ok_or(ApiError::Unauthenticated)?);
    let (id, secret) = (grant.id.clone(), grant.secret.clone());
    let time = state.clock.now();
    let (idx, expires_at) = state
        .store
        .write(move |tx| org::issue_token(tx, &j, department, grant, &by, time))
        .await?;
    Ok(Json(
        json!({ "id": id, "token": secret, "expires_at": expires_at, "ledger_index": idx }),
    ))
}

/// `GET /api/v1/tokens`: a jurisdiction's tokens with their expiry and last use.
pub async fn list_tokens(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<JurisdictionQuery>,
) -> Result<Json<Vec<TokenView>>, ApiError> {
    let j = target_jurisdiction(&auth.principal, q.jurisdiction.as_deref())?;
    auth.require(Action::IssueApiToken, &Target::jurisdiction(&j))?;
    let now = state.clock.now().unix_timestamp();
    Ok(Json(
        state.store.read(move |c| org::tokens(c, &j, now)).await?,
    ))
}

/// `DELETE /api/v1/tokens/{id}`: revokes a token, recorded in the ledger.
pub async fn revoke_token(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let by = auth.staff_for(Action::IssueApiToken)?;
    let time = state.clock.now();
    let principal = auth.principal;
    let idx = state
        .store
        .write(move |tx| org::revoke_token(tx, &principal, by, time, id))
        .await?;
    Ok(Json(json!({ "revoked": true, "ledger_index": idx })))
}
