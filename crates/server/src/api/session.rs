//! Sign-in and sign-out for staff (JSON; the web form in `web::login` uses the same functions).

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::AppState;
use crate::auth::{self, Auth, LoginOutcome, NewSession};
use crate::error::{ApiError, ApiJson};

#[derive(Debug, Deserialize)]
pub struct Credentials {
    pub staff_id: String,
    pub password: String,
}

/// Verifies credentials (with throttling) and opens a session.
pub async fn sign_in(state: &AppState, creds: Credentials) -> Result<NewSession, ApiError> {
    // A NUL cannot be in a stored id or password (and PostgreSQL refuses it in a query).
    if creds.staff_id.len() > 64
        || creds.password.len() > 256
        || creds.staff_id.contains('\0')
        || creds.password.contains('\0')
    {
        return Err(wrong_credentials());
    }
    let now = state.clock.now().unix_timestamp();
    // The throttle counter must persist, so the check goes through the writer.
    let outcome = state
        .store
        .write(move |tx| {
            auth::check_login(tx.conn(), &creds.staff_id, &creds.password, now)
                .map_err(ApiError::from)
        })
        .await?;
    match outcome {
        LoginOutcome::Ok(staff) => {
            state
                .store
                .write(move |tx| auth::create_session(tx.conn(), &staff, now))
                .await
        }
        LoginOutcome::Wrong => Err(wrong_credentials()),
        LoginOutcome::Locked => Err(ApiError::TooManyRequests),
    }
}

fn wrong_credentials() -> ApiError {
    ApiError::BadRequest {
        code: "wrong_credentials",
        zh: "工号或密码错误".into(),
        en: "Wrong staff id or password".into(),
        details: None,
    }
}

pub async fn create_session(
    State(state): State<AppState>,
    ApiJson(creds): ApiJson<Credentials>,
) -> Result<Response, ApiError> {
    let s = sign_in(&state, creds).await?;
    Ok((
        [(header::SET_COOKIE, auth::session_cookie(&s.token))],
        Json(json!({ "csrf": s.csrf })),
    )
        .into_response())
}

pub async fn delete_session(
    State(state): State<AppState>,
    _auth: Auth,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    end_session(&state, &headers).await?;
    Ok((
        [(header::SET_COOKIE, auth::clear_session_cookie())],
        Json(json!({ "signed_out": true })),
    )
        .into_response())
}

/// Deletes the session named by the request's cookie.
pub async fn end_session(
    state: &AppState,
    headers: &axum::http::HeaderMap,
) -> Result<(), ApiError> {
    let token = auth::cookie_value(headers, auth::SESSION_COOKIE);
    if let Some(token) = token {
        state
            .store
            .write(move |tx| auth::delete_session(tx.conn(), &token).map_err(ApiError::from))
            .await?;
    }
    Ok(())
}

pub async fn me(auth: Auth) -> Json<serde_json::Value> {
    let p = &auth.principal;
    Json(json!({
        "staff_id": p.staff,
        "jurisdiction": p.jurisdiction,
        "department": p.department,
        "roles": p.roles,
        "csrf": auth.csrf,
    }))
}
