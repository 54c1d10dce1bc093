//! Sign-in at the HTTP edge: credentials (throttled per id and client address), session
//! cookies, CSRF, bearer tokens; turns a request into a `Principal` through `services::sessions`.
//!
//! A cookie-authenticated request that changes state must echo the session's CSRF token in the
//! `X-CSRF-Token` header; token-authenticated requests carry no ambient authority and need none.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use oneseal_domain::access::{Action, Denied, Principal, Target, authorize};
use oneseal_domain::org::StaffId;
use serde::Deserialize;

use crate::AppState;
use crate::edge::net::Net;
use crate::edge::throttle::Gate;
use crate::error::ApiError;
use crate::services::commands::Meta;
use crate::services::sessions::{self, SESSION_SECONDS};

pub const SESSION_COOKIE: &str = "oneseal_session";
pub const SECURE_SESSION_COOKIE: &str = "__Host-oneseal_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

pub use crate::services::sessions::{NewSession, hash_password};

/// A request's authenticated identity.
#[derive(Clone, Debug)]
pub struct Auth {
    pub principal: Principal,
    /// Present for cookie sessions (the UI embeds it in pages for htmx to send back).
    pub csrf: Option<String>,
    /// The staff member's display name (for the UI; never logged).
    pub display_name: String,
}

impl Auth {
    /// Asks the one authorization function whether this principal may act on `target`.
    pub fn require(&self, action: Action, target: &Target) -> Result<(), ApiError> {
        authorize(&self.principal, action, target).map_err(ApiError::from)
    }

    /// Shorthand for an action in the principal's own jurisdiction.
    pub fn require_here(&self, action: Action) -> Result<(), ApiError> {
        self.require(action, &Target::jurisdiction(&self.principal.jurisdiction))
    }

    /// A signed-in member of staff acting in their own jurisdiction now: who, and the meta of
    /// their events (an API token is not a person, so it is refused as unauthenticated).
    pub fn staff_meta(&self, time: time::OffsetDateTime) -> Result<(StaffId, Meta), ApiError> {
        let staff = self.staff_id().cloned().ok_or(ApiError::Unauthenticated)?;
        let meta = Meta {
            time,
            jurisdiction: self.principal.jurisdiction.clone(),
            actor: oneseal_domain::event::Actor::Staff(staff.clone()),
        };
        Ok((staff, meta))
    }

    /// The signed-in member of staff acting now on a case of `jurisdiction` (the JSON API's
    /// steps and the desk's confirmations alike); an API token is not a person and is refused
    /// as unauthenticated.
    pub fn acting(
        &self,
        state: &AppState,
        jurisdiction: oneseal_domain::org::DivisionCode,
    ) -> Result<crate::services::cases::Acting, ApiError> {
        Ok(crate::services::cases::Acting {
            staff: self.staff_id().cloned().ok_or(ApiError::Unauthenticated)?,
            roles: self.principal.roles.clone(),
            now: state.clock.now(),
            calendar: state.calendar.current(),
            jurisdiction,
            secrets: state.case_secrets()?,
        })
    }

    /// The signed-in person asking to take a step on a case: authorized by the step's service
    /// (`services::cases::take_step`), not here.
    pub fn asking(&self, state: &AppState) -> crate::services::cases::Asking {
        crate::services::cases::Asking {
            principal: self.principal.clone(),
            now: state.clock.now(),
            calendar: state.calendar.current(),
            secrets: state.case_secrets.clone(),
        }
    }

    pub fn staff_id(&self) -> Option<&StaffId> {
        self.principal.staff.as_ref()
    }

    /// The member of staff taking `action`. An API token is a department's system, not a
    /// person: it is authenticated, so it is refused the action (403 `forbidden_role`), not
    /// told to sign in.
    pub fn staff_for(&self, action: Action) -> Result<StaffId, ApiError> {
        self.staff_id()
            .cloned()
            .ok_or(ApiError::Forbidden(Denied::Role(action)))
    }
}

pub fn cookie_value(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

fn bearer(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(|t| t.trim().to_owned())
}

/// Resolves the session cookie (if any) to an identity; used by pages that also serve anonymous users.
pub async fn session_auth(state: &AppState, token: String) -> Result<Option<Auth>, ApiError> {
    let now = state.clock.now().unix_timestamp();
    let found = state
        .store
        .lookup(move |conn| sessions::session_identity(conn, &token, now))
        .await?;
    Ok(found.map(|s| Auth {
        principal: s.principal,
        csrf: Some(s.csrf),
        display_name: s.display_name,
    }))
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(token) = bearer(parts) {
            let now = state.clock.now().unix_timestamp();
            let (principal, stale) = state
                .store
                .lookup(move |conn| sessions::token_identity(conn, &token, now))
                .await?
                .ok_or(ApiError::Unauthenticated)?;
            if let (true, Some(id)) = (stale, principal.token.clone()) {
                sessions::record_token_use(&state.store, id, now);
            }
            let display_name = format!("API:{}", principal.department);
            return Ok(Auth {
                principal,
                csrf: None,
                display_name,
            });
        }
        let token = cookie_value(&parts.headers, session_cookie_name(&state.net))
            .ok_or(ApiError::Unauthenticated)?;
        let auth = session_auth(state, token)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let sent = parts.headers.get(CSRF_HEADER).map(|v| v.as_bytes());
            if !csrf_matches(sent, auth.csrf.as_deref()) {
                return Err(ApiError::Csrf);
            }
        }
        Ok(auth)
    }
}

/// The identity if signed in, `None` otherwise (for pages that render for both).
#[derive(Clone, Debug)]
pub struct MaybeAuth(pub Option<Auth>);

impl FromRequestParts<AppState> for MaybeAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match cookie_value(&parts.headers, session_cookie_name(&state.net)) {
            Some(token) => Ok(MaybeAuth(session_auth(state, token).await?)),
            None => Ok(MaybeAuth(None)),
        }
    }
}

/// Whether the CSRF token sent equals the session's, compared in constant time: the time an
/// answer takes must not tell a guesser how many leading characters were right.
pub fn csrf_matches(sent: Option<&[u8]>, expected: Option<&str>) -> bool {
    use subtle::ConstantTimeEq;
    match (sent, expected) {
        (Some(s), Some(e)) => bool::from(s.ct_eq(e.as_bytes())),
        _ => false,
    }
}

/// Over HTTPS the cookie carries the `__Host-` prefix: the browser then accepts it only with
/// `Secure`, `Path=/` and no `Domain`, so neither a sibling host nor plain HTTP can plant one.
pub fn session_cookie_name(net: &Net) -> &'static str {
    if net.https() {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

fn cookie_attributes(net: &Net) -> &'static str {
    if net.https() {
        "Path=/; Secure; HttpOnly; SameSite=Lax"
    } else {
        "Path=/; HttpOnly; SameSite=Lax"
    }
}

pub fn session_cookie(net: &Net, token: &str) -> String {
    format!(
        "{}={token}; {}; Max-Age={SESSION_SECONDS}",
        session_cookie_name(net),
        cookie_attributes(net)
    )
}

pub fn clear_session_cookie(net: &Net) -> String {
    format!(
        "{}=; {}; Max-Age=0",
        session_cookie_name(net),
        cookie_attributes(net)
    )
}

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
        .lookup(move |c| sessions::password_hash(c, &id))
        .await?;
    if !throttle.verify(creds.password, hash).await? {
        return Err(wrong_credentials());
    }
    throttle.succeeded(&creds.staff_id, client);
    let staff = StaffId::parse(&creds.staff_id).map_err(|_| wrong_credentials())?;
    Ok(state
        .store
        .write(move |tx| sessions::create_session(tx.conn(), &staff, now))
        .await?)
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

/// Deletes the session named by the request's cookie.
pub async fn end_session(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let token = cookie_value(headers, session_cookie_name(&state.net));
    if let Some(token) = token {
        state
            .store
            .write(move |tx| sessions::delete_session(tx.conn(), &token))
            .await?;
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use oneseal_domain::org::{DepartmentCode, DivisionCode, Role};

    use super::*;

    #[test]
    fn an_api_token_asking_for_a_staff_action_is_forbidden_not_unauthenticated() {
        let token = Auth {
            principal: Principal {
                staff: None,
                token: Some("tok-1".into()),
                jurisdiction: DivisionCode::parse("370100").unwrap(),
                department: DepartmentCode::parse("SCJG").unwrap(),
                roles: vec![Role::DepartmentSupervisor],
                scopes: None,
            },
            csrf: None,
            display_name: "API:SCJG".into(),
        };
        let e = token.staff_for(Action::DecideCase).unwrap_err();
        assert_eq!(e.status(), axum::http::StatusCode::FORBIDDEN);
        assert_eq!(e.parts().0, "forbidden_role");
    }

    #[test]
    fn csrf_tokens_match_only_in_full() {
        assert!(csrf_matches(Some(b"abc"), Some("abc")));
        assert!(!csrf_matches(Some(b"abd"), Some("abc")));
        assert!(!csrf_matches(Some(b"ab"), Some("abc")));
        assert!(!csrf_matches(None, Some("abc")));
        assert!(!csrf_matches(Some(b""), None));
    }

    #[test]
    fn over_https_the_session_cookie_is_host_prefixed_and_secure() {
        let plain = Net::default();
        assert!(session_cookie(&plain, "t").starts_with("oneseal_session=t;"));
        let https = Net {
            public_url: Some(crate::edge::net::PublicUrl::parse("https://a.example").unwrap()),
            ..Net::default()
        };
        let c = session_cookie(&https, "t");
        assert!(c.starts_with("__Host-oneseal_session=t;"), "{c}");
        assert!(c.contains("; Secure;") && c.contains("Path=/") && !c.contains("Domain"));
        assert!(clear_session_cookie(&https).contains("Secure"));
    }
}
