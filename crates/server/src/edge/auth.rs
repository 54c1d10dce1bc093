//! Sign-in, sessions, CSRF and API tokens; turns a request into a `Principal`.
//!
//! Passwords are Argon2id PHC strings (hashed off the async runtime). Session and API tokens are
//! random 256-bit values; only their SHA-256 is stored, so a database leak yields no usable token.
//! A cookie-authenticated request that changes state must echo the session's CSRF token in the
//! `X-CSRF-Token` header; token-authenticated requests carry no ambient authority and need none.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, header};
use base64::Engine;
use oneseal_domain::access::{Action, Denied, Principal, Target, authorize};
use oneseal_domain::org::{DepartmentCode, DivisionCode, Role, StaffId};
use oneseal_store::{Conn, StoreError, params};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::edge::net::Net;
use crate::error::ApiError;

pub const SESSION_COOKIE: &str = "oneseal_session";
pub const SECURE_SESSION_COOKIE: &str = "__Host-oneseal_session";
pub const CSRF_HEADER: &str = "x-csrf-token";
const SESSION_SECONDS: i64 = 8 * 3600;

pub fn hash_password(password: &str) -> Result<String, ApiError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| ApiError::Internal(format!("password hashing: {e}")))
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), phc)
        .is_ok()
}

/// A fresh random token (URL-safe base64 of 32 random bytes).
pub fn random_token() -> Result<String, ApiError> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| ApiError::Internal(format!("randomness: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b))
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The result of a successful sign-in.
#[derive(Debug)]
pub struct NewSession {
    pub token: String,
    pub csrf: String,
}

/// The stored password hash of an active staff member (`None` for an unknown or inactive id).
/// A plain read: checking the password and counting failures happen off the store's writer
/// (see `throttle`).
pub fn password_hash(conn: &mut dyn Conn, staff_id: &str) -> Result<Option<String>, StoreError> {
    conn.query_one(
        "SELECT c.password_hash FROM credentials c \
         JOIN staff s ON s.id = c.staff_id WHERE c.staff_id = ? AND s.active = 1",
        params![staff_id],
    )?
    .map(|r| r.text(0))
    .transpose()
}

/// An Argon2id hash of a random password, for equal-time rejection of unknown accounts.
pub(crate) const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$J2Bl0OS0u9bI2Bq3iKDr8zzJOWWVjkN0/X6dK6Bm9ao";

/// Creates a session; a new session id on every sign-in defeats session fixation.
pub fn create_session(
    conn: &mut dyn Conn,
    staff: &StaffId,
    now: i64,
) -> Result<NewSession, ApiError> {
    let token = random_token()?;
    let csrf = random_token()?;
    conn.execute(
        "INSERT INTO sessions (token_hash, staff_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
        params![token_hash(&token), staff.as_str(), &csrf, now, now + SESSION_SECONDS],
    )?;
    Ok(NewSession { token, csrf })
}

pub fn delete_session(conn: &mut dyn Conn, token: &str) -> Result<(), StoreError> {
    conn.execute(
        "DELETE FROM sessions WHERE token_hash = ?",
        params![token_hash(token)],
    )?;
    Ok(())
}

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

/// A stored row that no longer parses is our fault, not the caller's.
fn stored(e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(format!("stored identity row: {e}"))
}

fn load_staff_principal(
    conn: &mut dyn Conn,
    staff_id: &str,
) -> Result<Option<(Principal, String)>, ApiError> {
    let Some(r) = conn.query_one(
        "SELECT id, jurisdiction, department, roles, name FROM staff WHERE id = ? AND active = 1",
        params![staff_id],
    )?
    else {
        return Ok(None);
    };
    let roles = r
        .text(3)?
        .split(',')
        .filter(|s| !s.is_empty())
        .map(Role::parse)
        .collect::<Result<Vec<_>, _>>()
        .map_err(stored)?;
    let principal = Principal {
        staff: Some(StaffId::parse(&r.text(0)?).map_err(stored)?),
        token: None,
        jurisdiction: DivisionCode::parse(&r.text(1)?).map_err(stored)?,
        department: DepartmentCode::parse(&r.text(2)?).map_err(stored)?,
        roles,
        scopes: None,
    };
    Ok(Some((principal, r.text(4)?)))
}

/// How stale a token's recorded last use may get before a request records it again (so a busy
/// department system does not queue a write behind every call).
const LAST_USE_GRANULARITY: i64 = 60;

/// The principal of a token that is neither revoked nor expired, and whether its last use
/// should be recorded. Read from the database on every request, never cached: a revocation
/// takes effect at once on every server sharing the database.
fn load_token_principal(
    conn: &mut dyn Conn,
    token: &str,
    now: i64,
) -> Result<Option<(Principal, bool)>, ApiError> {
    let Some(r) = conn.query_one(
        "SELECT id, jurisdiction, department, scopes, last_used_at FROM api_tokens \
         WHERE token_hash = ? AND revoked = 0 AND expires_at > ?",
        params![token_hash(token), now],
    )?
    else {
        return Ok(None);
    };
    let scopes = r
        .text(3)?
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            serde_json::from_value::<Action>(serde_json::Value::String(s.to_owned()))
                .map_err(stored)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let stale = r
        .opt_int(4)?
        .is_none_or(|t| now - t >= LAST_USE_GRANULARITY);
    Ok(Some((
        Principal {
            staff: None,
            token: Some(r.text(0)?),
            jurisdiction: DivisionCode::parse(&r.text(1)?).map_err(stored)?,
            department: DepartmentCode::parse(&r.text(2)?).map_err(stored)?,
            roles: vec![Role::DepartmentSupervisor],
            scopes: Some(scopes),
        },
        stale,
    )))
}

/// Records a token's use in the background: the request does not wait for the writer.
fn record_token_use(state: &AppState, id: String, now: i64) {
    let store = state.store.clone();
    tokio::spawn(async move {
        let r = store
            .write(move |tx| {
                tx.conn().execute(
                    "UPDATE api_tokens SET last_used_at = ? WHERE id = ?",
                    params![now, &id],
                )
            })
            .await;
        if let Err(e) = r {
            tracing::warn!(error = %e, "recording an API token's last use");
        }
    });
}

/// Resolves the session cookie (if any) to an identity; used by pages that also serve anonymous users.
pub async fn session_auth(state: &AppState, token: String) -> Result<Option<Auth>, ApiError> {
    let now = state.clock.now().unix_timestamp();
    state
        .store
        .lookup(move |conn| {
            let Some(s) = conn.query_one(
                "SELECT staff_id, csrf FROM sessions WHERE token_hash = ? AND expires_at > ?",
                params![token_hash(&token), now],
            )?
            else {
                return Ok(None);
            };
            let csrf = s.text(1)?;
            Ok(
                load_staff_principal(conn, &s.text(0)?)?.map(|(principal, display_name)| Auth {
                    principal,
                    csrf: Some(csrf),
                    display_name,
                }),
            )
        })
        .await
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(token) = bearer(parts) {
            let now = state.clock.now().unix_timestamp();
            let (principal, stale) = state
                .store
                .lookup(move |conn| load_token_principal(conn, &token, now))
                .await?
                .ok_or(ApiError::Unauthenticated)?;
            if let (true, Some(id)) = (stale, principal.token.clone()) {
                record_token_use(state, id, now);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("correct horsf", &h));
    }

    #[test]
    fn dummy_hash_is_a_valid_phc_string_that_rejects() {
        assert!(argon2::PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!verify_password("", DUMMY_HASH));
    }

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

    #[test]
    fn tokens_are_random_and_hash_to_hex() {
        let a = random_token().unwrap();
        let b = random_token().unwrap();
        assert_ne!(a, b);
        assert_eq!(token_hash(&a).len(), 64);
    }
}
