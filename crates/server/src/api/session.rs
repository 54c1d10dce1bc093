//! Sign-in and sign-out for staff (JSON; the web form in `web::login` uses the same functions).

use std::net::{IpAddr, SocketAddr};

use axum::Json;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use oneseal_domain::org::StaffId;
use serde::Deserialize;
use serde_json::json;

use crate::AppState;
use crate::edge::auth::{self, Auth, NewSession};
use crate::edge::throttle::Gate;
use crate::error::{ApiError, ApiJson};

#[derive(Debug, Deserialize)]
pub struct Credentials {
    pub staff_id: String,
    pub password: String,
}

/// Verifies credentials (with throttling, see `throttle`) and opens a session. The password is
/// checked on the bounded pool, off the store's writer; only a success writes (the session).
pub async fn sign_in(
    state: &AppState,
    creds: Credentials,
    client: IpAddr,
) -> Result<NewSession, ApiError> {
    // A NUL cannot be in a stored id or password (and PostgreSQL refuses it in a query).
    if creds.staff_id.len() > 64
        || creds.password.len() > 256
        || creds.staff_id.contains('\0')
        || creds.password.contains('\0')
    {
        return Err(wrong_credentials());
    }
    let now = state.clock.now().unix_timestamp();
    let throttle = &state.sign_in;
    match throttle.begin(&creds.staff_id, client, now) {
        Gate::Check => {}
        Gate::Refuse => return Err(wrong_credentials()),
        Gate::Busy => return Err(ApiError::TooManyRequests),
    }
    let id = creds.staff_id.clone();
    let hash = state
        .store
        .lookup(move |c| auth::password_hash(c, &id).map_err(ApiError::from))
        .await?;
    if !throttle.verify(creds.password, hash).await? {
        return Err(wrong_credentials());
    }
    throttle.succeeded(&creds.staff_id, client);
    let staff = StaffId::parse(&creds.staff_id).map_err(|_| wrong_credentials())?;
    state
        .store
        .write(move |tx| auth::create_session(tx.conn(), &staff, now))
        .await
}

/// The one answer for an unknown id, a wrong password and an id that is backing off: the
/// answer must not reveal which staff ids exist.
fn wrong_credentials() -> ApiError {
    ApiError::BadRequest {
        code: "wrong_credentials",
        zh: "工号或密码错误，或尝试过于频繁，请稍后再试".into(),
        en: "Wrong staff id or password, or too many attempts: try again later".into(),
        details: None,
    }
}

/// The client's address for throttling (see `net::Net::client_addr`).
#[derive(Clone, Copy, Debug)]
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        Ok(ClientAddr(
            state
                .net
                .client_addr(peer, &parts.headers)
                .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED)),
        ))
    }
}

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

/// Deletes the session named by the request's cookie.
pub async fn end_session(
    state: &AppState,
    headers: &axum::http::HeaderMap,
) -> Result<(), ApiError> {
    let token = auth::cookie_value(headers, auth::session_cookie_name(&state.net));
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
