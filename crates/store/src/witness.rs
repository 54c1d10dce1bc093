//! The witness's own state file (`witness_heads`): per origin, the latest checkpoint it
//! cosigned. It is a SQLite file of its own, apart from the bureau's database (the witness is
//! run by another body); the server's `witness::state` holds the transaction contract, this
//! module the statements.

use std::path::Path;

use crate::sql::Conn;
use crate::{SqliteConn, StoreError, params};

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS witness_heads (
    origin TEXT PRIMARY KEY,
    size BIGINT NOT NULL,
    root BLOB NOT NULL,
    note TEXT NOT NULL,
    updated_at BIGINT NOT NULL
)";

/// Opens (creating the table if needed) the witness state file at `path`.
pub fn open(path: &Path) -> Result<SqliteConn, StoreError> {
    let mut conn = SqliteConn::open(path)?;
    conn.batch(SCHEMA)?;
    Ok(conn)
}

/// Starts the one transaction that reads, decides and writes a head; it also keeps out a
/// second process opened on the same file.
pub fn begin(conn: &mut dyn Conn) -> Result<(), StoreError> {
    conn.batch("BEGIN IMMEDIATE")
}

pub fn commit(conn: &mut dyn Conn) -> Result<(), StoreError> {
    conn.batch("COMMIT")
}

/// Rolls back the open transaction (an error only means none was open).
pub fn rollback(conn: &mut dyn Conn) -> Result<(), StoreError> {
    conn.batch("ROLLBACK")
}

/// A stored head: the size, the root, the note returned to monitors and when it was cosigned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeadRow {
    pub size: u64,
    pub root: [u8; 32],
    pub note: String,
    pub updated_at: i64,
}

/// The stored head for `origin`, if the witness ever cosigned one.
pub fn head(conn: &mut dyn Conn, origin: &str) -> Result<Option<HeadRow>, StoreError> {
    conn.query_one(
        "SELECT size, root, note, updated_at FROM witness_heads WHERE origin = ?",
        params![origin],
    )?
    .map(|row| {
        Ok(HeadRow {
            size: row.u64(0)?,
            root: row.hash(1)?,
            note: row.text(2)?,
            updated_at: row.int(3)?,
        })
    })
    .transpose()
}

/// Stores the new head for `origin` (replacing the old one).
pub fn put_head(
    conn: &mut dyn Conn,
    origin: &str,
    size: i64,
    root: &[u8; 32],
    note: &str,
    updated_at: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO witness_heads (origin, size, root, note, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root = excluded.root,
         note = excluded.note, updated_at = excluded.updated_at",
        params![origin, size, root.to_vec(), note, updated_at],
    )?;
    Ok(())
}
