//! Jurisdictions, departments, staff and department API tokens over HTTP (`services::org`).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
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
use crate::services::org::{self, DepartmentView, JurisdictionView, target_jurisdiction};
use crate::services::paging::{PageLinks, parse_limit};

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

/// A paged list's query: the jurisdiction, `?cursor=` and `?limit=`.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub jurisdiction: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<String>,
}

/// The page's rows as a JSON array (as before paging, so existing clients keep working) with
/// the pages either side in a `Link` header (RFC 8288: `rel="next"`, `rel="prev"`).
fn paged<T: serde::Serialize>(
    path: &str,
    jurisdiction: Option<String>,
    limit: u32,
    rows: Vec<T>,
    links: &PageLinks,
) -> Response {
    // The jurisdiction has parsed (six digits) and a cursor is base64url: nothing to escape.
    let href = |cursor: &str| {
        let j = jurisdiction
            .as_deref()
            .map(|j| format!("jurisdiction={j}&"))
            .unwrap_or_default();
        format!("<{path}?{j}limit={limit}&cursor={cursor}>")
    };
    let link = [
        links
            .next_cursor
            .as_deref()
            .map(|c| format!("{}; rel=\"next\"", href(c))),
        links
            .prev_cursor
            .as_deref()
            .map(|c| format!("{}; rel=\"prev\"", href(c))),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    let mut response = Json(rows).into_response();
    if !link.is_empty()
        && let Ok(v) = HeaderValue::from_str(&link)
    {
        response.headers_mut().insert(header::LINK, v);
    }
    response
}

/// `GET /api/v1/staff`: a jurisdiction's active staff by id, a page at a time.
pub async fn list_staff(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let j = target_jurisdiction(&auth.principal, q.jurisdiction.as_deref())?;
    auth.require(Action::ViewOrganisation, &Target::jurisdiction(&j))?;
    let cursor = org::parse_staff_cursor(q.cursor.as_deref())?;
    let limit = parse_limit(q.limit.as_deref())?;
    let named = q.jurisdiction.as_ref().map(|_| j.to_string());
    let page = state
        .store
        .read(move |c| org::staff_page(c, &j, cursor.as_ref(), limit))
        .await?;
    Ok(paged("/api/v1/staff", named, limit, page.rows, &page.links))
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
    /// A department's token; or
    pub department: Option<String>,
    /// a provincial service platform's (scope `intake`, `api::platform`).
    pub platform: Option<String>,
    pub jurisdiction: Option<String>,
    pub scopes: Vec<Action>,
    /// Days until the token expires: 1 to 365, a year when absent.
    pub expires_in_days: Option<i64>,
    /// A platform's callback address (its signing secret is answered once).
    pub callback_url: Option<String>,
}

/// Issues an API token for a department's own system, or a provincial platform's (see
/// `api::platform`); the secret is shown once.
pub async fn issue_token(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(req): ApiJson<TokenRequest>,
) -> Result<Json<Value>, ApiError> {
    let j = target_jurisdiction(&auth.principal, req.jurisdiction.as_deref())?;
    auth.require(Action::IssueApiToken, &Target::jurisdiction(&j))?;
    let department = match (&req.department, &req.platform, &req.callback_url) {
        (Some(d), None, None) => DepartmentCode::parse(d).map_err(bad_department)?,
        (None, Some(platform), _) => {
            let req = super::platform::PlatformTokenRequest {
                platform: platform.clone(),
                scopes: req.scopes,
                expires_in_days: req.expires_in_days,
                callback_url: req.callback_url,
            };
            return super::platform::issue_token(&state, &auth, j, req).await;
        }
        _ => {
            return Err(ApiError::bad_request(
                "department_or_platform",
                "请指定 department（部门令牌）或 platform（平台令牌）之一；callback_url 仅用于平台令牌",
                "Name either a department or a platform; callback_url is for a platform's token only",
            ));
        }
    };
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
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let j = target_jurisdiction(&auth.principal, q.jurisdiction.as_deref())?;
    auth.require(Action::IssueApiToken, &Target::jurisdiction(&j))?;
    let key = org::parse_token_cursor(q.cursor.as_deref())?;
    let limit = parse_limit(q.limit.as_deref())?;
    let now = state.clock.now().unix_timestamp();
    let named = q.jurisdiction.as_ref().map(|_| j.to_string());
    let page = state
        .store
        .read(move |c| org::tokens_page(c, &j, now, key.as_ref(), limit))
        .await?;
    Ok(paged(
        "/api/v1/tokens",
        named,
        limit,
        page.rows,
        &page.links,
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
