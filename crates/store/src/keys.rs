//! The bureau's keys at rest (`keys`): each purpose's public half and encrypted secret. The
//! encryption is the server's (`seal::keystore`); this module only stores and reads the bytes.

use crate::sql::Conn;
use crate::{StoreError, params};

/// The encrypted secret stored for `purpose`.
pub fn encrypted(conn: &mut dyn Conn, purpose: &str) -> Result<Option<Vec<u8>>, StoreError> {
    conn.query_one(
        "SELECT encrypted FROM keys WHERE purpose = ?",
        params![purpose],
    )?
    .map(|r| r.blob(0))
    .transpose()
}

/// The public half stored for `purpose` (a vkey or a PEM).
pub fn public(conn: &mut dyn Conn, purpose: &str) -> Result<Option<String>, StoreError> {
    conn.query_one(
        "SELECT public FROM keys WHERE purpose = ?",
        params![purpose],
    )?
    .map(|r| r.text(0))
    .transpose()
}

/// Stores a new key (the caller checked, in the same transaction, that none exists).
pub fn insert(
    conn: &mut dyn Conn,
    purpose: &str,
    public: &str,
    encrypted: &[u8],
    created_at: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO keys (purpose, public, encrypted, created_at) VALUES (?, ?, ?, ?)",
        params![purpose, public, encrypted, created_at],
    )?;
    Ok(())
}

/// The code of every registered jurisdiction, in order: each has a log and its log keys.
pub fn jurisdiction_codes(conn: &mut dyn Conn) -> Result<Vec<String>, StoreError> {
    conn.query("SELECT code FROM jurisdictions ORDER BY code", &[])?
        .into_iter()
        .map(|r| r.text(0))
        .collect()
}
