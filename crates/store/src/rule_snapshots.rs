//! The rule runner's snapshots (migration 41): one per log, its engine's state after the log's
//! first `size` entries, compressed. Written and read only by `background::rules_runner`, which
//! decides whether a snapshot may be continued from.

use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;

use crate::sql::Conn;
use crate::{StoreError, params};

/// No snapshot opens to more than this (a damaged row must not exhaust memory).
const MAX_OPENED: u64 = 8 << 30;

/// A snapshot as stored, opened.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// How many entries of the log the engine had read.
    pub size: u64,
    /// How many of the engine's alerts were recorded when it was taken.
    pub recorded: u64,
    /// The build that wrote it (a snapshot of other code is not continued from).
    pub build: String,
    /// SHA-256 (hex) of the log's entry at `size - 1`, as the runner read it.
    pub last_entry: String,
    /// The engine's state (JSON).
    pub body: Vec<u8>,
}

/// The stored snapshot of `log`, if any.
pub fn load(conn: &mut dyn Conn, log: &str) -> Result<Option<Snapshot>, StoreError> {
    let Some(r) = conn.query_one(
        "SELECT size, recorded, build, last_entry, body FROM rule_snapshots WHERE log = ?",
        params![log],
    )?
    else {
        return Ok(None);
    };
    let mut body = Vec::new();
    DeflateDecoder::new(r.blob(4)?.as_slice())
        .take(MAX_OPENED)
        .read_to_end(&mut body)
        .map_err(|e| StoreError::Corrupt(format!("rule snapshot of {log}: {e}")))?;
    Ok(Some(Snapshot {
        size: r.u64(0)?,
        recorded: r.u64(1)?,
        build: r.text(2)?,
        last_entry: r.text(3)?,
        body,
    }))
}

/// Replaces the snapshot of `log`.
pub fn save(
    conn: &mut dyn Conn,
    log: &str,
    s: &Snapshot,
    taken_at: &str,
) -> Result<(), StoreError> {
    let mut z = DeflateEncoder::new(Vec::new(), Compression::fast());
    let packed = z
        .write_all(&s.body)
        .and_then(|()| z.finish())
        .map_err(|e| StoreError::Corrupt(format!("rule snapshot of {log}: {e}")))?;
    conn.execute("DELETE FROM rule_snapshots WHERE log = ?", params![log])?;
    conn.execute(
        "INSERT INTO rule_snapshots (log, size, recorded, build, last_entry, taken_at, body) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
        params![
            log,
            s.size,
            s.recorded,
            s.build.as_str(),
            s.last_entry.as_str(),
            taken_at,
            packed
        ],
    )?;
    Ok(())
}
