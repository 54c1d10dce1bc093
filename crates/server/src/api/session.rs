//! Sign-in and sign-out for staff (JSON; the web form in `web::pages` uses the same functions
//! of `edge::auth`).

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::AppState;
use crate::edge::auth::{self, Auth, ClientAddr, Credentials, end_session, sign_in};
use crate::edge::json::ApiJson;
use crate::error::ApiError;

pub async fn create_session(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    ApiJson(creds): ApiJson<Credentials>,
) -> Result<Response, ApiError> {
    let s = sign_in(&state, creds, client).await?;
    Ok((
        [(
            header::SET_COOKIE,
            auth::session_cookie(&state.net, &s.token),
        )],
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
        [(header::SET_COOKIE, auth::clear_session_cookie(&state.net))],
        Json(json!({ "signed_out": true })),
    )
        .into_response())
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
