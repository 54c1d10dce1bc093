//! The signed checkpoints of each log (`checkpoints`): the note the log's keys signed and, once
//! the witnesses answered, the same note with their cosignatures. One root per size: inserting
//! a checkpoint is the checkpointer's compare-and-swap.

use oneseal_ledger::Hash;

use crate::sql::{Conn, Row};
use crate::{StoreError, params};

/// A stored checkpoint.
#[derive(Clone, Debug)]
pub struct StoredCheckpoint {
    pub size: u64,
    pub root: Hash,
    /// The note signed by the log's keys.
    pub note: String,
    /// The same note with the witnesses' cosignatures, once they answered.
    pub cosigned: Option<String>,
    pub signed_at: i64,
}

impl StoredCheckpoint {
    /// What to publish: the cosigned note when witnesses answered, else the signed one.
    pub fn published(self) -> String {
        self.cosigned.unwrap_or(self.note)
    }
}

fn stored(r: &Row) -> Result<StoredCheckpoint, StoreError> {
    Ok(StoredCheckpoint {
        size: r.u64(0)?,
        root: r.hash(1)?,
        note: r.text(2)?,
        cosigned: r.opt_text(3)?,
        signed_at: r.int(4)?,
    })
}

/// The latest signed checkpoint of a log.
pub fn latest(conn: &mut dyn Conn, log: &str) -> Result<Option<StoredCheckpoint>, StoreError> {
    conn.query_one(
        "SELECT size, root, note, cosigned, signed_at FROM checkpoints WHERE log = ? ORDER BY size DESC LIMIT 1",
        params![log],
    )?
    .as_ref()
    .map(stored)
    .transpose()
}

/// The latest checkpoint of a log that carries witness cosignatures.
pub fn latest_cosigned(
    conn: &mut dyn Conn,
    log: &str,
) -> Result<Option<StoredCheckpoint>, StoreError> {
    conn.query_one(
        "SELECT size, root, note, cosigned, signed_at FROM checkpoints \
         WHERE log = ? AND cosigned IS NOT NULL ORDER BY size DESC LIMIT 1",
        params![log],
    )?
    .as_ref()
    .map(stored)
    .transpose()
}

/// The root signed for `size`, if any.
pub fn root_at(conn: &mut dyn Conn, log: &str, size: u64) -> Result<Option<Hash>, StoreError> {
    conn.query_one(
        "SELECT root FROM checkpoints WHERE log = ? AND size = ?",
        params![log, size],
    )?
    .map(|r| r.hash(0))
    .transpose()
}

/// A heartbeat: the same tree signed again (the note text is unchanged, so collected
/// cosignatures stay valid).
pub fn resign(
    conn: &mut dyn Conn,
    log: &str,
    size: u64,
    note: &str,
    signed_at: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE checkpoints SET note = ?, signed_at = ? WHERE log = ? AND size = ?",
        params![note, signed_at, log, size],
    )?;
    Ok(())
}

/// A new checkpoint, not yet cosigned.
pub fn insert(
    conn: &mut dyn Conn,
    log: &str,
    size: u64,
    root: &Hash,
    note: &str,
    signed_at: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO checkpoints (log, size, root, note, cosigned, signed_at) VALUES (?, ?, ?, ?, NULL, ?)",
        params![log, size, root.to_vec(), note, signed_at],
    )?;
    Ok(())
}

/// The signed note and the cosigned one (if any) of the checkpoint (log, size, root).
pub fn notes(
    conn: &mut dyn Conn,
    log: &str,
    size: u64,
    root: &Hash,
) -> Result<Option<(String, Option<String>)>, StoreError> {
    conn.query_one(
        "SELECT note, cosigned FROM checkpoints WHERE log = ? AND size = ? AND root = ?",
        params![log, size, root.to_vec()],
    )?
    .map(|r| Ok((r.text(0)?, r.opt_text(1)?)))
    .transpose()
}

/// Publishes the cosigned note of the checkpoint (log, size, root).
pub fn set_cosigned(
    conn: &mut dyn Conn,
    log: &str,
    size: u64,
    root: &Hash,
    cosigned: &str,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE checkpoints SET cosigned = ? WHERE log = ? AND size = ? AND root = ?",
        params![cosigned, log, size, root.to_vec()],
    )?;
    Ok(())
}

/// The cosigned notes of the newest `limit` cosigned checkpoints of a log, newest first.
pub fn recent_cosigned(
    conn: &mut dyn Conn,
    log: &str,
    limit: u64,
) -> Result<Vec<String>, StoreError> {
    conn.query(
        "SELECT cosigned FROM checkpoints WHERE log = ? AND cosigned IS NOT NULL ORDER BY size DESC LIMIT ?",
        params![log, limit],
    )?
    .into_iter()
    .map(|r| r.text(0))
    .collect()
}

/// Every checkpoint of a log as `(size, root, note)`, in size order (for `ledger verify`).
pub fn all(conn: &mut dyn Conn, log: &str) -> Result<Vec<(u64, Hash, String)>, StoreError> {
    conn.query(
        "SELECT size, root, note FROM checkpoints WHERE log = ? ORDER BY size",
        params![log],
    )?
    .into_iter()
    .map(|r| Ok((r.u64(0)?, r.hash(1)?, r.text(2)?)))
    .collect()
}
