//! Who is asking: password hashes, sessions and API tokens turned into a `Principal`.
//!
//! Passwords are Argon2id PHC strings. Session and API tokens are random 256-bit values; only
//! their SHA-256 reaches the store, so a database leak yields no usable token. The HTTP side
//! (cookies, CSRF, throttling) is `edge::auth`'s; this module knows only the store and the domain.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use base64::Engine;
use oneseal_domain::access::{Action, Principal};
use oneseal_domain::org::{DepartmentCode, DivisionCode, Role, StaffId};
use oneseal_store::sessions::{self, NewSessionRow};
use oneseal_store::{Conn, StoreError};
use sha2::{Digest, Sha256};

/// How long a browser session lasts.
pub const SESSION_SECONDS: i64 = 8 * 3600;

/// How stale a token's recorded last use may get before a request records it again (so a busy
/// department system does not queue a write behind every call).
const LAST_USE_GRANULARITY: i64 = 60;

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("password hashing: {0}")]
    Hashing(String),
    #[error("randomness: {0}")]
    Randomness(String),
    /// A stored identity row that no longer parses is our fault, not the caller's.
    #[error("stored identity row: {0}")]
    StoredIdentity(String),
}

fn stored(e: impl std::fmt::Display) -> SessionError {
    SessionError::StoredIdentity(e.to_string())
}

pub fn hash_password(password: &str) -> Result<String, SessionError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| SessionError::Hashing(e.to_string()))
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), phc)
        .is_ok()
}

/// An Argon2id hash of a random password, for equal-time rejection of unknown accounts.
pub(crate) const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$J2Bl0OS0u9bI2Bq3iKDr8zzJOWWVjkN0/X6dK6Bm9ao";

/// A fresh random token (URL-safe base64 of 32 random bytes).
pub fn random_token() -> Result<String, SessionError> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| SessionError::Randomness(e.to_string()))?;
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
/// (see `edge::throttle`).
pub fn password_hash(conn: &mut dyn Conn, staff_id: &str) -> Result<Option<String>, StoreError> {
    sessions::password_hash(conn, staff_id)
}

/// Creates a session; a new session id on every sign-in defeats session fixation.
pub fn create_session(
    conn: &mut dyn Conn,
    staff: &StaffId,
    now: i64,
) -> Result<NewSession, SessionError> {
    let token = random_token()?;
    let csrf = random_token()?;
    sessions::insert_session(
        conn,
        &NewSessionRow {
            token_hash: &token_hash(&token),
            staff_id: staff.as_str(),
            csrf: &csrf,
            created_at: now,
            expires_at: now + SESSION_SECONDS,
        },
    )?;
    Ok(NewSession { token, csrf })
}

pub fn delete_session(conn: &mut dyn Conn, token: &str) -> Result<(), StoreError> {
    sessions::delete_session(conn, &token_hash(token))
}

/// A signed-in member of staff: who they are, their session's CSRF token, their display name.
#[derive(Clone, Debug)]
pub struct StaffSession {
    pub principal: Principal,
    pub csrf: String,
    pub display_name: String,
}

fn staff_principal(
    conn: &mut dyn Conn,
    staff_id: &str,
) -> Result<Option<(Principal, String)>, SessionError> {
    let Some(r) = oneseal_store::org::staff_identity(conn, staff_id)? else {
        return Ok(None);
    };
    let roles = r
        .roles
        .split(',')
        .filter(|s| !s.is_empty())
        .map(Role::parse)
        .collect::<Result<Vec<_>, _>>()
        .map_err(stored)?;
    let principal = Principal {
        staff: Some(StaffId::parse(&r.id).map_err(stored)?),
        token: None,
        jurisdiction: DivisionCode::parse(&r.jurisdiction).map_err(stored)?,
        department: DepartmentCode::parse(&r.department).map_err(stored)?,
        roles,
        scopes: None,
    };
    Ok(Some((principal, r.name)))
}

/// The staff member behind a session token, unless the session expired or they left.
pub fn session_identity(
    conn: &mut dyn Conn,
    token: &str,
    now: i64,
) -> Result<Option<StaffSession>, SessionError> {
    let Some(s) = sessions::live_session(conn, &token_hash(token), now)? else {
        return Ok(None);
    };
    Ok(
        staff_principal(conn, &s.staff_id)?.map(|(principal, display_name)| StaffSession {
            principal,
            csrf: s.csrf,
            display_name,
        }),
    )
}

/// The principal of a token that is neither revoked nor expired, and whether its last use
/// should be recorded. Read from the database on every request, never cached: a revocation
/// takes effect at once on every server sharing the database.
pub fn token_identity(
    conn: &mut dyn Conn,
    token: &str,
    now: i64,
) -> Result<Option<(Principal, bool)>, SessionError> {
    let Some(r) = sessions::live_token(conn, &token_hash(token), now)? else {
        return Ok(None);
    };
    let scopes = r
        .scopes
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            serde_json::from_value::<Action>(serde_json::Value::String(s.to_owned()))
                .map_err(stored)
        })
        .collect::<Result<Vec<_>, _>>()?;
    // A platform's token (scope `intake`, `services::platform`) has the platform's role, which
    // admits nothing else; a department's token acts as its supervising department.
    let role = if scopes.contains(&Action::PlatformIntake) {
        Role::Platform
    } else {
        Role::DepartmentSupervisor
    };
    let stale = r
        .last_used_at
        .is_none_or(|t| now - t >= LAST_USE_GRANULARITY);
    Ok(Some((
        Principal {
            staff: None,
            token: Some(r.id),
            jurisdiction: DivisionCode::parse(&r.jurisdiction).map_err(stored)?,
            department: DepartmentCode::parse(&r.department).map_err(stored)?,
            roles: vec![role],
            scopes: Some(scopes),
        },
        stale,
    )))
}

/// Records a token's use in the background: the request does not wait for the writer.
pub fn record_token_use(store: &oneseal_store::Store, id: String, now: i64) {
    let store = store.clone();
    tokio::spawn(async move {
        let r = store
            .write(move |tx| sessions::record_token_use(tx.conn(), &id, now))
            .await;
        if let Err(e) = r {
            tracing::warn!(error = %e, "recording an API token's last use");
        }
    });
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
    fn tokens_are_random_and_hash_to_hex() {
        let a = random_token().unwrap();
        let b = random_token().unwrap();
        assert_ne!(a, b);
        assert_eq!(token_hash(&a).len(), 64);
    }
}
