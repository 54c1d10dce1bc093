//! What `oneseal ledger verify` reads: the stored entries with their private payloads, the
//! stored tree nodes, and every projection table row by row. The server's `ledger::audit`
//! compares them with what it recomputes; this module reads them, and keeps the record of each
//! run (`ledger_audits`) an incremental run starts from.

use crate::codec::{Part, open};
use crate::projection::Projected;
use crate::sql::{Backend, Conn, Value};
use crate::{StoreError, params};

/// A stored entry: its index, the public entry bytes, and the private salt and body (`None`
/// when missing, not bytes or not unpacked: the audit reports it), both unpacked.
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
        // An entry that does not unpack stays as stored: its leaf then differs from the
        // stored tree, which the audit reports; a body that does not is reported missing.
        let stored = r.blob(1)?;
        let entry = open(conn, &stored, Part::Entry).unwrap_or(stored);
        Ok(StoredEntry {
            idx: r.u64(0)?,
            entry,
            salt: r.blob(2).ok(),
            body: r.blob(3).ok().and_then(|b| open(conn, &b, Part::Body).ok()),
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

/// The stored nodes with row keys in `lo..hi` (see `log::node_keys_grown`) as
/// `(level, index, hash)`, in key order: the order in which the tree completed them.
pub fn nodes(
    conn: &mut dyn Conn,
    lo: i64,
    hi: i64,
) -> Result<Vec<(i64, u64, Vec<u8>)>, StoreError> {
    conn.query(
        "SELECT id, hash FROM ledger_nodes WHERE id >= ? AND id < ? ORDER BY id",
        params![lo, hi],
    )?
    .iter()
    .map(|r| {
        let key = r.int(0)?;
        // The level and index are the key's (migration 58); a key that names no node is
        // reported as a stray at level -1, not an error that would stop the audit.
        let (level, idx) = match crate::log::node_of_key(key) {
            Ok((level, idx)) => (i64::from(level), idx),
            Err(_) => (-1, u64::try_from(key).unwrap_or(0)),
        };
        Ok((level, idx, r.blob(1)?))
    })
    .collect()
}

/// How many nodes are stored with row keys in `lo..hi`.
pub fn count_nodes(conn: &mut dyn Conn, lo: i64, hi: i64) -> Result<i64, StoreError> {
    Ok(conn
        .query_one(
            "SELECT COUNT(*) FROM ledger_nodes WHERE id >= ? AND id < ?",
            params![lo, hi],
        )?
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(0))
}

/// One row of a projection table: the values of its key, then those of its columns.
#[derive(Debug, Clone)]
pub struct ProjectedRow {
    pub key: Vec<Value>,
    pub columns: Vec<Value>,
}

fn split_row(p: &Projected, mut r: crate::sql::Row) -> ProjectedRow {
    let columns = r.0.split_off(p.key.len().min(r.0.len()));
    ProjectedRow { key: r.0, columns }
}

fn select_list(p: &Projected) -> String {
    let cols: Vec<&str> = p.key.iter().chain(p.columns).copied().collect();
    cols.join(", ")
}

/// `(k1, k2, …)`: the key as an SQL row value (plain for a one-column key).
fn key_tuple(p: &Projected) -> String {
    match p.key {
        [one] => (*one).to_owned(),
        many => format!("({})", many.join(", ")),
    }
}

fn placeholders(n: usize) -> String {
    match n {
        1 => "?".to_owned(),
        n => format!("({})", vec!["?"; n].join(", ")),
    }
}

/// Up to `limit` rows of a projection table after the key `after` (from the start when `None`),
/// ordered by key as this database orders it: an audit walks a table page by page.
pub fn projected_page(
    conn: &mut dyn Conn,
    p: &Projected,
    after: Option<&[Value]>,
    limit: u32,
) -> Result<Vec<ProjectedRow>, StoreError> {
    let filter = match after {
        Some(_) => format!("WHERE {} > {}", key_tuple(p), placeholders(p.key.len())),
        None => String::new(),
    };
    let sql = format!(
        "SELECT {} FROM {} {filter} ORDER BY {} LIMIT {limit}",
        select_list(p),
        p.table,
        p.key.join(", ")
    );
    Ok(conn
        .query(&sql, after.unwrap_or_default())?
        .into_iter()
        .map(|r| split_row(p, r))
        .collect())
}

/// The rows of a projection table whose keys are among `keys` (in no particular order).
pub fn projected_by_keys(
    conn: &mut dyn Conn,
    p: &Projected,
    keys: &[Vec<Value>],
) -> Result<Vec<ProjectedRow>, StoreError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let one = placeholders(p.key.len());
    let list = vec![one.as_str(); keys.len()].join(", ");
    let sql = match p.key.len() {
        1 => format!(
            "SELECT {} FROM {} WHERE {} IN ({list})",
            select_list(p),
            p.table,
            key_tuple(p)
        ),
        // A list of row values: SQLite takes it only as a VALUES subquery, PostgreSQL only as
        // a plain list (where the comparison types the parameters).
        _ => {
            let list = match conn.backend() {
                crate::Backend::Sqlite => format!("VALUES {list}"),
                crate::Backend::Postgres => list,
            };
            format!(
                "SELECT {} FROM {} WHERE {} IN ({list})",
                select_list(p),
                p.table,
                key_tuple(p)
            )
        }
    };
    let params: Vec<Value> = keys.iter().flatten().cloned().collect();
    Ok(conn
        .query(&sql, &params)?
        .into_iter()
        .map(|r| split_row(p, r))
        .collect())
}

/// How many rows a projection table holds.
pub fn count_projected(conn: &mut dyn Conn, p: &Projected) -> Result<u64, StoreError> {
    Ok(conn
        .query_one(&format!("SELECT COUNT(*) FROM {}", p.table), &[])?
        .map(|r| r.u64(0))
        .transpose()?
        .unwrap_or(0))
}

/// One run of `ledger verify` over one log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub log: String,
    /// RFC 3339, UTC.
    pub checked_at: String,
    /// `full` or `incremental`.
    pub mode: String,
    /// The entries checked: `from_size..to_size`.
    pub from_size: u64,
    pub to_size: u64,
    /// The largest signed checkpoint the run covered (0 when none): where the next incremental
    /// run starts.
    pub checkpoint_size: u64,
    pub findings: u64,
}

/// Records one run.
pub fn record_audit(conn: &mut dyn Conn, r: &AuditRecord) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO ledger_audits (log, checked_at, mode, from_size, to_size, checkpoint_size, \
         findings) VALUES (?, ?, ?, ?, ?, ?, ?)",
        params![
            r.log.as_str(),
            r.checked_at.as_str(),
            r.mode.as_str(),
            r.from_size,
            r.to_size,
            r.checkpoint_size,
            r.findings
        ],
    )?;
    Ok(())
}

/// The runs recorded for `log`, newest first, at most `limit`.
pub fn audits(conn: &mut dyn Conn, log: &str, limit: u32) -> Result<Vec<AuditRecord>, StoreError> {
    conn.query(
        &format!(
            "SELECT log, checked_at, mode, from_size, to_size, checkpoint_size, findings \
             FROM ledger_audits WHERE log = ? ORDER BY checked_at DESC LIMIT {limit}"
        ),
        params![log],
    )?
    .into_iter()
    .map(|r| {
        Ok(AuditRecord {
            log: r.text(0)?,
            checked_at: r.text(1)?,
            mode: r.text(2)?,
            from_size: r.u64(3)?,
            to_size: r.u64(4)?,
            checkpoint_size: r.u64(5)?,
            findings: r.u64(6)?,
        })
    })
    .collect()
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
