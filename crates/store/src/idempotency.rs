//! Idempotency keys: the first answer to a create, found again by the caller's key.
//!
//! Callers run [`find`] and [`insert`] inside the same writer command as the create itself.
//! The writer runs commands one at a time, and on PostgreSQL every batch first takes the writer
//! lock, so two servers on one database never both miss the key; the primary key on
//! (`principal`, `idem_key`) would refuse a second row anyway. The table is the one the linkage
//! claims use (`linkage::pushes::remembered`); their rows have no expiry, these do.

use crate::sql::Conn;
use crate::{StoreError, params};

/// A stored first answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredResponse {
    /// Digest of the request that made it.
    pub request_digest: String,
    /// The answer, as JSON text.
    pub response: String,
}

/// The answer stored under `scope` and `key`, unless it expired by `now`.
pub fn find(
    conn: &mut dyn Conn,
    scope: &str,
    key: &str,
    now: i64,
) -> Result<Option<StoredResponse>, StoreError> {
    conn.query_one(
        "SELECT request_sha256, response FROM idempotency_keys \
         WHERE principal = ? AND idem_key = ? AND (expires_at IS NULL OR expires_at > ?)",
        params![scope, key, now],
    )?
    .map(|r| {
        Ok(StoredResponse {
            request_digest: r.text(0)?,
            response: r.text(1)?,
        })
    })
    .transpose()
}

/// A first answer to keep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewResponse<'a> {
    pub scope: &'a str,
    pub key: &'a str,
    pub request_digest: &'a str,
    pub response: &'a str,
    pub created_at: i64,
    pub expires_at: i64,
}

/// Keeps a first answer, replacing an expired one under the same key.
pub fn insert(conn: &mut dyn Conn, r: &NewResponse<'_>) -> Result<(), StoreError> {
    conn.execute(
        "DELETE FROM idempotency_keys WHERE principal = ? AND idem_key = ? AND expires_at <= ?",
        params![r.scope, r.key, r.created_at],
    )?;
    conn.execute(
        "INSERT INTO idempotency_keys \
         (principal, idem_key, request_sha256, response, created_at, expires_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
        params![
            r.scope,
            r.key,
            r.request_digest,
            r.response,
            r.created_at,
            r.expires_at
        ],
    )?;
    Ok(())
}

/// Forgets answers that expired by `now` (at most `limit` of them, so one purge stays short);
/// returns how many.
pub fn purge_expired(conn: &mut dyn Conn, now: i64, limit: i64) -> Result<u64, StoreError> {
    conn.execute(
        "DELETE FROM idempotency_keys WHERE (principal, idem_key) IN \
         (SELECT principal, idem_key FROM idempotency_keys WHERE expires_at <= ? LIMIT ?)",
        params![now, limit],
    )
}
