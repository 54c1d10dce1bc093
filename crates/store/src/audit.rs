//! What `oneseal ledger verify` reads: the stored entries with their private payloads, the
//! stored tree nodes, and every projection table row by row. The server's `ledger::audit`
//! compares them with what it recomputes; this module only reads.

use crate::projection::Projected;
use crate::sql::{Backend, Conn, Value};
use crate::{StoreError, params};

/// A stored entry: its index, the public entry bytes, and the private salt and body (`None`
/// when missing or not bytes: the audit reports it).
#[derive(Debug, Clone)]
pub struct StoredEntry {
    pub idx: u64,
    pub entry: Vec<u8>,
    pub salt: Option<Vec<u8>>,
    pub body: Option<Vec<u8>>,
}

/// The stored entries with row keys in `lo..hi` (see `log::entry_keys`), in order.
pub fn entries(conn: &mut dyn Conn, lo: i64, hi: i64) -> Result<Vec<StoredEntry>, StoreError> {
    conn.query(
        "SELECT idx, entry, salt, body FROM ledger_entries WHERE id >= ? AND id < ? ORDER BY id",
        params![lo, hi],
    )?
    .into_iter()
    .map(|r| {
        Ok(StoredEntry {
            idx: r.u64(0)?,
            entry: r.blob(1)?,
            salt: r.blob(2).ok(),
            body: r.blob(3).ok(),
        })
    })
    .collect()
}

/// How many entries are stored with row keys in `lo..hi`.
pub fn count_entries(conn: &mut dyn Conn, lo: i64, hi: i64) -> Result<i64, StoreError> {
    Ok(conn
        .query_one(
            "SELECT COUNT(*) FROM ledger_entries WHERE id >= ? AND id < ?",
            params![lo, hi],
        )?
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(0))
}

/// The stored nodes with row keys in `lo..hi` (see `log::node_keys`) as `(level, index, hash)`.
pub fn nodes(
    conn: &mut dyn Conn,
    lo: i64,
    hi: i64,
) -> Result<Vec<(i64, u64, Vec<u8>)>, StoreError> {
    conn.query(
        "SELECT level, idx, hash FROM ledger_nodes WHERE id >= ? AND id < ? ORDER BY level, idx",
        params![lo, hi],
    )?
    .iter()
    .map(|r| Ok((r.int(0)?, r.u64(1)?, r.blob(2)?)))
    .collect()
}

/// One row of a projection table: the values of its key, then those of its columns.
#[derive(Debug, Clone)]
pub struct ProjectedRow {
    pub key: Vec<Value>,
    pub columns: Vec<Value>,
}

/// Every row of a projection table, ordered by its key.
pub fn projected_rows(conn: &mut dyn Conn, p: &Projected) -> Result<Vec<ProjectedRow>, StoreError> {
    let cols: Vec<&str> = p.key.iter().chain(p.columns).copied().collect();
    let sql = format!(
        "SELECT {} FROM {} ORDER BY {}",
        cols.join(", "),
        p.table,
        p.key.join(", ")
    );
    Ok(conn
        .query(&sql, &[])?
        .into_iter()
        .map(|mut r| {
            let columns = r.0.split_off(p.key.len().min(r.0.len()));
            ProjectedRow { key: r.0, columns }
        })
        .collect())
}

/// Why SQLite's name index (`case_names`, FTS5 over `cases.applicant_name`) disagrees with the
/// rows it indexes, if it does: FTS5's own check, content included. PostgreSQL keeps its
/// trigram index itself, so there is nothing to check there. The text is SQLite's and holds no
/// indexed value.
pub fn name_index_problem(conn: &mut dyn Conn) -> Result<Option<String>, StoreError> {
    if conn.backend() != Backend::Sqlite {
        return Ok(None);
    }
    Ok(conn
        .execute(
            "INSERT INTO case_names (case_names, rank) VALUES ('integrity-check', 1)",
            &[],
        )
        .err()
        .map(|e| e.to_string()))
}
