//! Idempotency keys: a create sent twice with one key creates once.
//!
//! Why: a clerk double-clicks, a department's system retries after a timeout; either way the
//! second request must answer what the first did, not register a second case. The caller names
//! the attempt with a key (the API's `Idempotency-Key` header, a form's hidden one-time token);
//! the first answer is stored under (scope, key) in the same writer command as the create, so
//! the key and what it created commit together or not at all. The store keeps the answer for
//! [`LIFETIME_SECONDS`], in the database: it survives restarts, and servers sharing one
//! PostgreSQL database see each other's keys because the writer lock serialises their batches
//! (`store::idempotency`).
//!
//! The same key with a different request is the caller's mistake ([`IdempotencyError::Reused`]),
//! never a silent second create nor a silent replay of something else.

use oneseal_store::idempotency::{self, NewResponse};
use oneseal_store::{Conn, StoreError};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// How long a first answer is kept: a day covers every retry and every reload of a form.
pub const LIFETIME_SECONDS: i64 = 24 * 3600;

/// Most characters of a key (a UUID has 36; room for a prefix).
pub const MAX_KEY_CHARS: usize = 128;

/// Expired answers removed per create, so the table stays small without a background job.
const PURGE_PER_CREATE: i64 = 64;

#[derive(Debug, thiserror::Error)]
pub enum IdempotencyError {
    /// A key that is empty, too long or not printable ASCII.
    #[error("an idempotency key is 1 to {MAX_KEY_CHARS} printable ASCII characters")]
    BadKey,
    /// The key was already used for a different request.
    #[error("the idempotency key was already used for a different request")]
    Reused,
    /// A stored answer that does not decode.
    #[error("stored idempotent response is corrupt: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A caller's key, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// A key of 1 to [`MAX_KEY_CHARS`] visible ASCII characters (RFC 9110 field value, no
    /// spaces at either end).
    ///
    /// # Errors
    /// [`IdempotencyError::BadKey`].
    pub fn parse(s: &str) -> Result<Self, IdempotencyError> {
        let ok = !s.is_empty()
            && s.len() <= MAX_KEY_CHARS
            && s.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
            && s.trim() == s;
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(IdempotencyError::BadKey)
        }
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One keyed attempt at a create: who (`scope`), the key, and the digest of the request.
pub struct Attempt<'a> {
    pub scope: &'a str,
    pub key: &'a IdempotencyKey,
    /// Keyed digest of the checked request (`CaseSecrets::request_digest`).
    pub digest: &'a str,
    /// Unix seconds.
    pub now: i64,
}

impl Attempt<'_> {
    /// The first answer to this key, if one is stored and the request is the same.
    ///
    /// # Errors
    /// [`IdempotencyError::Reused`] when the key answered a different request.
    pub fn replay<T: DeserializeOwned>(
        &self,
        conn: &mut dyn Conn,
    ) -> Result<Option<T>, IdempotencyError> {
        let Some(stored) = idempotency::find(conn, self.scope, self.key.as_str(), self.now)? else {
            return Ok(None);
        };
        if stored.request_digest != self.digest {
            return Err(IdempotencyError::Reused);
        }
        serde_json::from_str(&stored.response)
            .map(Some)
            .map_err(|e| IdempotencyError::Corrupt(e.to_string()))
    }

    /// Keeps `response` as the answer to this key (call in the create's own writer command).
    ///
    /// # Errors
    /// A store failure.
    pub fn remember<T: Serialize>(
        &self,
        conn: &mut dyn Conn,
        response: &T,
    ) -> Result<(), IdempotencyError> {
        let text = serde_json::to_string(response)
            .map_err(|e| IdempotencyError::Corrupt(e.to_string()))?;
        idempotency::purge_expired(conn, self.now, PURGE_PER_CREATE)?;
        idempotency::insert(
            conn,
            &NewResponse {
                scope: self.scope,
                key: self.key.as_str(),
                request_digest: self.digest,
                response: &text,
                created_at: self.now,
                expires_at: self.now + LIFETIME_SECONDS,
            },
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_short_printable_ascii() {
        assert!(IdempotencyKey::parse("3f2b6c1e-8d4a-4b7e-9c0a-1234567890ab").is_ok());
        assert!(IdempotencyKey::parse("form:abc def").is_ok());
        for bad in ["", " x", "x ", "钥匙", "a\u{7f}", "a\nb"] {
            assert!(IdempotencyKey::parse(bad).is_err(), "{bad:?}");
        }
        assert!(IdempotencyKey::parse(&"k".repeat(MAX_KEY_CHARS)).is_ok());
        assert!(IdempotencyKey::parse(&"k".repeat(MAX_KEY_CHARS + 1)).is_err());
    }
}
