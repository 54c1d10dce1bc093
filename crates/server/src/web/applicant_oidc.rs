//! The applicant's sign-in through the unified identity service (OpenID Connect, issue #19
//! item 3): `GET /my/login/oidc` sends the browser to the provider with a new flow in the flow
//! cookie, `GET /my/login/oidc/callback` finishes it and sets the applicant cookie exactly as
//! the one-time code's sign-in does, then sends the browser to `/my`. Pages, not JSON API: a
//! browser follows them; a refusal is an error page with its reason and code.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Response};

use super::WebError;
use crate::AppState;
use crate::edge::applicant::{
    applicant_cookie, clear_oidc_flow_cookie, oidc_flow_cookie, oidc_flow_cookie_name,
};
use crate::edge::auth::cookie_value;
use crate::error::ApiError;
use crate::services::applicant_identity::oidc::{Callback, Finish, OidcError};

/// `GET /my/login/oidc`: 303 to the provider (404 when none is configured).
pub async fn oidc_start(State(state): State<AppState>) -> Result<Response, WebError> {
    let oidc = state
        .oidc
        .clone()
        .ok_or_else(|| ApiError::from(OidcError::NotConfigured))?;
    let secrets = state.case_secrets()?;
    let now = state.clock.now().unix_timestamp();
    let begun = oidc
        .begin(&secrets, state.net.base_url(), now)
        .await
        .map_err(ApiError::from)?;
    Ok((
        StatusCode::SEE_OTHER,
        AppendHeaders([
            (header::LOCATION, begun.authorize_url),
            (
                header::SET_COOKIE,
                oidc_flow_cookie(&state.net, &begun.cookie),
            ),
        ]),
    )
        .into_response())
}

/// `GET /my/login/oidc/callback`: 303 to `/my` signed in; the flow cookie is cleared either way.
pub async fn oidc_callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(callback): Query<Callback>,
) -> Response {
    let clear = AppendHeaders([(header::SET_COOKIE, clear_oidc_flow_cookie(&state.net))]);
    match finish(&state, &headers, &callback).await {
        Ok(token) => (
            StatusCode::SEE_OTHER,
            clear,
            AppendHeaders([
                (header::LOCATION, "/my".to_owned()),
                (header::SET_COOKIE, applicant_cookie(&state.net, &token)),
            ]),
        )
            .into_response(),
        Err(e) => (clear, e).into_response(),
    }
}

async fn finish(
    state: &AppState,
    headers: &HeaderMap,
    callback: &Callback,
) -> Result<String, WebError> {
    let oidc = state
        .oidc
        .clone()
        .ok_or_else(|| ApiError::from(OidcError::NotConfigured))?;
    let secrets = state.case_secrets()?;
    let cookie = cookie_value(headers, oidc_flow_cookie_name(&state.net));
    let session = oidc
        .finish(Finish {
            store: &state.store,
            secrets: &secrets,
            base: state.net.base_url(),
            cookie: cookie.as_deref(),
            callback,
            now: state.clock.now().unix_timestamp(),
        })
        .await
        .map_err(ApiError::from)?;
    Ok(session.token)
}
