//! The applicant's principal at the HTTP edge (issue #19 item 3): its own cookie, apart from
//! the staff session's, so that an applicant's session can never be read as a member of
//! staff's (`edge::auth::Auth` reads only the staff cookie) nor a staff session as an
//! applicant's. A state-changing request must echo the session's CSRF token, as staff's do.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};

use crate::AppState;
use crate::edge::auth::{CSRF_HEADER, cookie_value, csrf_matches, session_cookie_name};
use crate::edge::net::Net;
use crate::error::ApiError;
use crate::services::applicant_identity::{self, APPLICANT_SESSION_SECONDS};

pub const APPLICANT_COOKIE: &str = "oneseal_applicant";
pub const SECURE_APPLICANT_COOKIE: &str = "__Host-oneseal_applicant";

/// The applicant cookie's name (`__Host-` over HTTPS, as the staff cookie's).
pub fn applicant_cookie_name(net: &Net) -> &'static str {
    if net.https() {
        SECURE_APPLICANT_COOKIE
    } else {
        APPLICANT_COOKIE
    }
}

fn attributes(net: &Net) -> &'static str {
    if net.https() {
        "Path=/; Secure; HttpOnly; SameSite=Lax"
    } else {
        "Path=/; HttpOnly; SameSite=Lax"
    }
}

pub fn applicant_cookie(net: &Net, token: &str) -> String {
    format!(
        "{}={token}; {}; Max-Age={APPLICANT_SESSION_SECONDS}",
        applicant_cookie_name(net),
        attributes(net)
    )
}

pub fn clear_applicant_cookie(net: &Net) -> String {
    format!(
        "{}=; {}; Max-Age=0",
        applicant_cookie_name(net),
        attributes(net)
    )
}

pub const OIDC_FLOW_COOKIE: &str = "oneseal_oidc";
pub const SECURE_OIDC_FLOW_COOKIE: &str = "__Host-oneseal_oidc";

/// The OpenID Connect flow cookie's name (`__Host-` over HTTPS).
pub fn oidc_flow_cookie_name(net: &Net) -> &'static str {
    if net.https() {
        SECURE_OIDC_FLOW_COOKIE
    } else {
        OIDC_FLOW_COOKIE
    }
}

/// The flow cookie (`services::applicant_identity::oidc`): Lax, so the provider's redirect back
/// (a top-level navigation from another site) carries it, and no longer than a flow lives.
pub fn oidc_flow_cookie(net: &Net, value: &str) -> String {
    format!(
        "{}={value}; {}; Max-Age={}",
        oidc_flow_cookie_name(net),
        attributes(net),
        applicant_identity::oidc::FLOW_SECONDS
    )
}

pub fn clear_oidc_flow_cookie(net: &Net) -> String {
    format!(
        "{}=; {}; Max-Age=0",
        oidc_flow_cookie_name(net),
        attributes(net)
    )
}

/// A signed-in applicant.
#[derive(Clone, Debug)]
pub struct ApplicantAuth(pub applicant_identity::Applicant);

/// The applicant of the request's cookie, if any (for pages that render for both).
pub async fn applicant_of(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<applicant_identity::Applicant>, ApiError> {
    let Some(token) = cookie_value(headers, applicant_cookie_name(&state.net)) else {
        return Ok(None);
    };
    let now = state.clock.now().unix_timestamp();
    Ok(state
        .store
        .lookup(move |c| applicant_identity::session_applicant(c, &token, now))
        .await?)
}

/// The refusal of a staff session or an API token on an applicant's route: authenticated, but
/// not as an applicant.
fn not_an_applicant() -> ApiError {
    ApiError::Refused {
        status: StatusCode::FORBIDDEN,
        code: "not_an_applicant",
        zh: "此功能仅供申请人使用，请以申请人身份登录".into(),
        en: "For applicants only: sign in as an applicant".into(),
        details: None,
    }
}

impl FromRequestParts<AppState> for ApplicantAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(applicant) = applicant_of(state, &parts.headers).await? else {
            let staff = parts.headers.contains_key(header::AUTHORIZATION)
                || cookie_value(&parts.headers, session_cookie_name(&state.net)).is_some();
            return Err(if staff {
                not_an_applicant()
            } else {
                ApiError::Unauthenticated
            });
        };
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let sent = parts.headers.get(CSRF_HEADER).map(|v| v.as_bytes());
            if !csrf_matches(sent, Some(&applicant.csrf)) {
                return Err(ApiError::Csrf);
            }
        }
        Ok(ApplicantAuth(applicant))
    }
}
