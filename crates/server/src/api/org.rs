//! Jurisdictions, departments, staff and department API tokens.

use axum::Json;
use axum::extract::{Path, Query, State};
use oneseal_domain::access::{Action, Target};
use oneseal_domain::event::{Actor, Event};
use oneseal_domain::org::{DepartmentCode, DivisionCode, StaffId};
use oneseal_store::{Conn, StoreError, params};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::Date;

use crate::AppState;
use crate::edge::auth::{self, Auth};
use crate::error::{ApiError, ApiJson};
use crate::services::commands::Meta;

#[derive(Debug, Deserialize)]
pub struct JurisdictionQuery {
    pub jurisdiction: Option<String>,
}

/// The jurisdiction a request is about: the one named, or the caller's own.
pub fn target_jurisdiction(auth: &Auth, named: Option<&str>) -> Result<DivisionCode, ApiError> {
    match named {
        None | Some("") => Ok(auth.principal.jurisdiction.clone()),
        Some(s) => DivisionCode::parse(s).map_err(|e| {
            ApiError::bad_request(
                "bad_jurisdiction",
                format!("辖区代码无效：{e}"),
                e.to_string(),
            )
        }),
    }
}

#[derive(Debug, Serialize)]
pub struct JurisdictionView {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub parent: Option<String>,
    pub bureau_uscc: String,
}

pub fn jurisdictions(conn: &mut dyn Conn) -> Result<Vec<JurisdictionView>, StoreError> {
    conn.query(
        "SELECT code, name_zh, name_en, parent, bureau_uscc FROM jurisdictions ORDER BY code",
        &[],
    )?
    .into_iter()
    .map(|r| {
        Ok(JurisdictionView {
            code: r.text(0)?,
            name_zh: r.text(1)?,
            name_en: r.text(2)?,
            parent: r.opt_text(3)?,
            bureau_uscc: r.text(4)?,
        })
    })
    .collect()
}

pub async fn list_jurisdictions(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<JurisdictionView>>, ApiError> {
    auth.require_here(Action::ViewCatalog)?;
    Ok(Json(
        state
            .store
            .read(|c| jurisdictions(c).map_err(ApiError::from))
            .await?,
    ))
}

pub async fn list_departments(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<JurisdictionQuery>,
) -> Result<Json<Vec<Value>>, ApiError> {
    let j = target_jurisdiction(&auth, q.jurisdiction.as_deref())?;
    auth.require(Action::ViewCatalog, &Target::jurisdiction(&j))?;
    let rows = state
        .store
        .read(move |c| {
            c.query(
                "SELECT code, name_zh, name_en, kind FROM departments WHERE jurisdiction = ? ORDER BY code",
                params![j.as_str()],
            )
            .map_err(ApiError::from)
        })
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(json!({ "code": r.text(0)?, "name_zh": r.text(1)?, "name_en": r.text(2)?, "kind": r.text(3)? }))
        })
        .collect::<Result<_, StoreError>>()
        .map(Json)
        .map_err(ApiError::from)
}

pub async fn list_staff(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<JurisdictionQuery>,
) -> Result<Json<Vec<Value>>, ApiError> {
    let j = target_jurisdiction(&auth, q.jurisdiction.as_deref())?;
    auth.require(Action::ViewOrganisation, &Target::jurisdiction(&j))?;
    let rows = state
        .store
        .read(move |c| {
            c.query(
                "SELECT id, department, name, roles FROM staff WHERE jurisdiction = ? AND active = 1 ORDER BY id",
                params![j.as_str()],
            )
            .map_err(ApiError::from)
        })
        .await?;
    rows.into_iter()
        .map(|r| {
            let roles: Vec<String> = r.text(3)?.split(',').map(str::to_owned).collect();
            Ok(json!({ "id": r.text(0)?, "department": r.text(1)?, "name": r.text(2)?, "roles": roles }))
        })
        .collect::<Result<_, StoreError>>()
        .map(Json)
        .map_err(ApiError::from)
}

#[derive(Debug, Deserialize)]
pub struct TransferRequest {
    pub to_department: String,
    pub on: String,
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
    let to = DepartmentCode::parse(&req.to_department).map_err(|e| {
        ApiError::bad_request(
            "bad_department",
            format!("部门代码无效：{e}"),
            e.to_string(),
        )
    })?;
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
    let meta = Meta {
        time: state.clock.now(),
        jurisdiction: auth.principal.jurisdiction.clone(),
        actor: Actor::Staff(auth.staff_for(Action::ManageStaff)?),
    };
    let idx = state
        .store
        .write(move |tx| {
            let row = tx.conn().query_one(
                "SELECT jurisdiction, department FROM staff WHERE id = ? AND active = 1",
                params![staff.as_str()],
            )?;
            let Some(row) = row else {
                return Err(ApiError::NotFound("staff"));
            };
            let j = DivisionCode::parse(&row.text(0)?)
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            auth.require(Action::ManageStaff, &Target::jurisdiction(&j))?;
            let known = tx.conn().query_one(
                "SELECT 1 FROM departments WHERE jurisdiction = ? AND code = ?",
                params![j.as_str(), to.as_str()],
            )?;
            if known.is_none() {
                return Err(ApiError::bad_request(
                    "unknown_department",
                    "该辖区没有此部门",
                    "No such department in that jurisdiction",
                ));
            }
            if row.text(1)? == to.as_str() {
                return Err(ApiError::conflict(
                    "same_department",
                    "已在该部门",
                    "Already in that department",
                ));
            }
            let meta = Meta {
                jurisdiction: j,
                ..meta
            };
            meta.record(tx, &Event::StaffTransferred { staff, to, on })
        })
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

/// The longest (and default) lifetime of an API token: a department's system is re-issued a
/// token at least once a year, so a leaked one does not work for ever.
pub const MAX_TOKEN_DAYS: i64 = 365;

/// Issues an API token for a department's own system; the secret is shown once.
pub async fn issue_token(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(req): ApiJson<TokenRequest>,
) -> Result<Json<Value>, ApiError> {
    let j = target_jurisdiction(&auth, req.jurisdiction.as_deref())?;
    auth.require(Action::IssueApiToken, &Target::jurisdiction(&j))?;
    let department = DepartmentCode::parse(&req.department).map_err(|e| {
        ApiError::bad_request(
            "bad_department",
            format!("部门代码无效：{e}"),
            e.to_string(),
        )
    })?;
    let allowed = [
        Action::ClaimPush,
        Action::SubmitFeedback,
        Action::ViewPushes,
    ];
    if req.scopes.is_empty() || req.scopes.iter().any(|s| !allowed.contains(s)) {
        return Err(ApiError::bad_request(
            "bad_scopes",
            "令牌范围只能是 claim_push、submit_feedback、view_pushes",
            "Token scopes must be among claim_push, submit_feedback, view_pushes",
        ));
    }
    let days = req.expires_in_days.unwrap_or(MAX_TOKEN_DAYS);
    if !(1..=MAX_TOKEN_DAYS).contains(&days) {
        return Err(ApiError::bad_request(
            "bad_expiry",
            format!("令牌有效期应为1至{MAX_TOKEN_DAYS}天"),
            format!("A token's lifetime must be 1 to {MAX_TOKEN_DAYS} days"),
        ));
    }
    let id = format!("tok-{}", &auth::random_token()?[..12]);
    let secret = format!("osk_{}", auth::random_token()?);
    let scopes: Vec<String> = req
        .scopes
        .iter()
        .filter_map(|s| {
            serde_json::to_value(s)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
        })
        .collect();
    let meta = Meta {
        time: state.clock.now(),
        jurisdiction: j.clone(),
        actor: Actor::Staff(auth.staff_id().cloned().ok_or(ApiError::Unauthenticated)?),
    };
    let (tid, hash, now) = (
        id.clone(),
        auth::token_hash(&secret),
        meta.time.unix_timestamp(),
    );
    let expires_at = now + days * 86_400;
    let idx = state
        .store
        .write(move |tx| {
            let known = tx.conn().query_one(
                "SELECT 1 FROM departments WHERE jurisdiction = ? AND code = ?",
                params![j.as_str(), department.as_str()],
            )?;
            if known.is_none() {
                return Err(ApiError::bad_request("unknown_department", "该辖区没有此部门", "No such department in that jurisdiction"));
            }
            tx.conn().execute(
                "INSERT INTO api_tokens (id, token_hash, jurisdiction, department, scopes, created_at, revoked, expires_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
                params![&tid, hash, j.as_str(), department.as_str(), scopes.join(","), now, expires_at],
            )?;
            meta.record(tx, &Event::ApiTokenIssued { id: tid, department, scopes })
        })
        .await?;
    Ok(Json(
        json!({ "id": id, "token": secret, "expires_at": expires_at, "ledger_index": idx }),
    ))
}

/// A token as the administrator sees it: never its secret.
#[derive(Debug, Serialize)]
pub struct TokenView {
    pub id: String,
    pub jurisdiction: String,
    pub department: String,
    pub scopes: Vec<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked: bool,
    pub expired: bool,
}

/// `GET /api/v1/tokens`: a jurisdiction's tokens with their expiry and last use.
pub async fn list_tokens(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<JurisdictionQuery>,
) -> Result<Json<Vec<TokenView>>, ApiError> {
    let j = target_jurisdiction(&auth, q.jurisdiction.as_deref())?;
    auth.require(Action::IssueApiToken, &Target::jurisdiction(&j))?;
    let now = state.clock.now().unix_timestamp();
    let rows = state
        .store
        .read(move |c| {
            c.query(
                "SELECT id, jurisdiction, department, scopes, created_at, expires_at, last_used_at, revoked \
                 FROM api_tokens WHERE jurisdiction = ? ORDER BY created_at, id",
                params![j.as_str()],
            )
            .map_err(ApiError::from)
        })
        .await?;
    rows.into_iter()
        .map(|r| {
            let expires_at = r.opt_int(5)?.unwrap_or(0);
            Ok(TokenView {
                id: r.text(0)?,
                jurisdiction: r.text(1)?,
                department: r.text(2)?,
                scopes: r.text(3)?.split(',').map(str::to_owned).collect(),
                created_at: r.int(4)?,
                expires_at,
                last_used_at: r.opt_int(6)?,
                revoked: r.int(7)? != 0,
                expired: expires_at <= now,
            })
        })
        .collect::<Result<_, StoreError>>()
        .map(Json)
        .map_err(ApiError::from)
}

/// `DELETE /api/v1/tokens/{id}`: revokes a token, recorded in the ledger. The token check reads
/// the database on every request, so the token is refused at once on every server.
pub async fn revoke_token(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let staff = auth.staff_for(Action::IssueApiToken)?;
    let time = state.clock.now();
    let idx = state
        .store
        .write(move |tx| {
            let row = tx.conn().query_one(
                "SELECT jurisdiction, revoked FROM api_tokens WHERE id = ?",
                params![&id],
            )?;
            let Some(row) = row else {
                return Err(ApiError::NotFound("token"));
            };
            let j = DivisionCode::parse(&row.text(0)?)
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            auth.require(Action::IssueApiToken, &Target::jurisdiction(&j))?;
            if row.int(1)? != 0 {
                return Err(ApiError::conflict(
                    "token_revoked",
                    "该令牌已撤销",
                    "The token is already revoked",
                ));
            }
            tx.conn().execute(
                "UPDATE api_tokens SET revoked_at = ? WHERE id = ?",
                params![time.unix_timestamp(), &id],
            )?;
            let meta = Meta {
                time,
                jurisdiction: j,
                actor: Actor::Staff(staff),
            };
            meta.record(tx, &Event::ApiTokenRevoked { id })
        })
        .await?;
    Ok(Json(json!({ "revoked": true, "ledger_index": idx })))
}
