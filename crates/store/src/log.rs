//! The Merkle logs' storage (one log per jurisdiction): leaves in `ledger_entries`, complete
//! subtree hashes in `ledger_nodes`, the integrated size and root in `ledger_heads`.
//!
//! A proof needs O(log n) node rows, fetched in one query; the right edge (frontier) is rebuilt
//! from O(log n) rows when a writer starts or finds that another process moved the head.

use oneseal_ledger::{EMPTY_ROOT, Frontier, Hash, NodeId};

use crate::sql::{Backend, Conn, Value};
use crate::{StoreError, params};

/// Takes the single-writer lock on a log's head row (creating the log if new) and reads it.
pub(crate) fn lock_head(conn: &mut dyn Conn, log: &str) -> Result<(u64, Hash), StoreError> {
    conn.execute(
        "INSERT INTO ledger_heads (log, size, root) VALUES (?, 0, ?) ON CONFLICT (log) DO NOTHING",
        params![log, EMPTY_ROOT.to_vec()],
    )?;
    let sql = match conn.backend() {
        Backend::Sqlite => "SELECT size, root FROM ledger_heads WHERE log = ?",
        Backend::Postgres => "SELECT size, root FROM ledger_heads WHERE log = ? FOR UPDATE",
    };
    Ok(read_head_with(conn, sql, log)?.unwrap_or((0, EMPTY_ROOT)))
}

/// The integrated size and root of a log (an unknown log is empty).
pub fn read_head(conn: &mut dyn Conn, log: &str) -> Result<(u64, Hash), StoreError> {
    Ok(read_head_with(
        conn,
        "SELECT size, root FROM ledger_heads WHERE log = ?",
        log,
    )?
    .unwrap_or((0, EMPTY_ROOT)))
}

fn read_head_with(
    conn: &mut dyn Conn,
    sql: &str,
    log: &str,
) -> Result<Option<(u64, Hash)>, StoreError> {
    conn.query_one(sql, params![log])?
        .map(|row| Ok((row.u64(0)?, row.hash(1)?)))
        .transpose()
}

/// Every log with its size, in name order.
pub fn heads(conn: &mut dyn Conn) -> Result<Vec<(String, u64, Hash)>, StoreError> {
    conn.query("SELECT log, size, root FROM ledger_heads ORDER BY log", &[])?
        .into_iter()
        .map(|r| Ok((r.text(0)?, r.u64(1)?, r.hash(2)?)))
        .collect()
}

/// Fetches the given nodes of a log, failing if any is missing. SQLite answers one point
/// lookup per node on the primary key (microseconds each, in process); PostgreSQL gets a single
/// round trip (its planner turns the OR of key conditions into index scans).
pub fn read_nodes(conn: &mut dyn Conn, log: &str, ids: &[NodeId]) -> Result<Vec<Hash>, StoreError> {
    let missing = |id: &NodeId| {
        StoreError::Ledger(format!(
            "log {log}: node level {} index {} is missing",
            id.level, id.index
        ))
    };
    if conn.backend() == Backend::Sqlite {
        return ids
            .iter()
            .map(|id| {
                conn.query_one(
                    "SELECT hash FROM ledger_nodes WHERE log = ? AND level = ? AND idx = ?",
                    params![log, i64::from(id.level), id.index],
                )?
                .ok_or_else(|| missing(id))?
                .hash(0)
            })
            .collect();
    }
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = String::from("SELECT level, idx, hash FROM ledger_nodes WHERE log = ? AND (");
    let mut params = Vec::with_capacity(ids.len() * 2 + 1);
    params.push(Value::from(log));
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            sql.push_str(" OR ");
        }
        sql.push_str("(level = ? AND idx = ?)");
        params.push(Value::from(i64::from(id.level)));
        params.push(Value::from(id.index));
    }
    sql.push(')');
    let rows = conn.query(&sql, &params)?;
    let mut found = std::collections::HashMap::with_capacity(rows.len());
    for r in rows {
        let level = u8::try_from(r.int(0)?)
            .map_err(|_| StoreError::Corrupt("node level out of range".into()))?;
        found.insert(
            NodeId {
                level,
                index: r.u64(1)?,
            },
            r.hash(2)?,
        );
    }
    ids.iter()
        .map(|id| found.get(id).copied().ok_or_else(|| missing(id)))
        .collect()
}

/// The stored leaf hashes of `[from, to)` in index order (one range scan).
pub fn read_leaf_range(
    conn: &mut dyn Conn,
    log: &str,
    from: u64,
    to: u64,
) -> Result<Vec<(u64, Hash)>, StoreError> {
    conn.query(
        "SELECT idx, hash FROM ledger_nodes WHERE log = ? AND level = 0 AND idx >= ? AND idx < ? ORDER BY idx",
        params![log, from, to],
    )?
    .into_iter()
    .map(|r| Ok((r.u64(0)?, r.hash(1)?)))
    .collect()
}

pub(crate) fn load_frontier(
    conn: &mut dyn Conn,
    log: &str,
    size: u64,
) -> Result<Frontier, StoreError> {
    if size == 0 {
        return Ok(Frontier::empty());
    }
    let ids = Frontier::ids_for(size);
    let hashes = read_nodes(conn, log, &ids)?;
    Frontier::from_nodes(size, &hashes).map_err(|e| StoreError::Ledger(e.to_string()))
}

/// Adds the batch's leaves to the tree: stores every node that became complete and moves the head.
pub(crate) fn integrate(
    conn: &mut dyn Conn,
    log: &str,
    frontier: &mut Frontier,
    leaves: &[Hash],
) -> Result<(), StoreError> {
    if leaves.is_empty() {
        return Ok(());
    }
    let mut nodes = Vec::with_capacity(leaves.len() * 2);
    for leaf in leaves {
        nodes.extend(frontier.push(*leaf));
    }
    for chunk in nodes.chunks(200) {
        let mut sql = String::from("INSERT INTO ledger_nodes (log, level, idx, hash) VALUES ");
        let mut params = Vec::with_capacity(chunk.len() * 4);
        for (i, (id, hash)) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            sql.push_str("(?, ?, ?, ?)");
            params.push(Value::from(log));
            params.push(Value::from(i64::from(id.level)));
            params.push(Value::from(id.index));
            params.push(Value::from(hash.to_vec()));
        }
        conn.execute(&sql, &params)?;
    }
    let root = frontier.root();
    conn.execute(
        "UPDATE ledger_heads SET size = ?, root = ? WHERE log = ?",
        params![frontier.size(), root.to_vec(), log],
    )?;
    Ok(())
}

/// An appended entry on its way into the database.
pub(crate) struct EntryRow {
    pub log: String,
    pub idx: u64,
    pub entry: Vec<u8>,
    pub kind: String,
    pub salt: Vec<u8>,
    pub body: Vec<u8>,
}

/// Rows per multi-row INSERT: well under both databases' parameter limits, and few distinct
/// statement texts for the statement caches.
const ROWS_PER_INSERT: usize = 64;

/// Writes entries and their private payloads with multi-row INSERTs.
pub(crate) fn insert_entries(conn: &mut dyn Conn, rows: &[EntryRow]) -> Result<(), StoreError> {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let values =
            |n: usize| vec![format!("({})", vec!["?"; n].join(", ")); chunk.len()].join(", ");
        let mut params = Vec::with_capacity(chunk.len() * 3);
        for r in chunk {
            params.extend([
                Value::from(r.log.as_str()),
                Value::from(r.idx),
                Value::from(r.entry.as_slice()),
            ]);
        }
        conn.execute(
            &format!(
                "INSERT INTO ledger_entries (log, idx, entry) VALUES {}",
                values(3)
            ),
            &params,
        )?;
        let mut params = Vec::with_capacity(chunk.len() * 5);
        for r in chunk {
            params.extend([
                Value::from(r.log.as_str()),
                Value::from(r.idx),
                Value::from(r.kind.as_str()),
                Value::from(r.salt.as_slice()),
                Value::from(r.body.as_slice()),
            ]);
        }
        conn.execute(
            &format!(
                "INSERT INTO event_payloads (log, idx, kind, salt, body) VALUES {}",
                values(5)
            ),
            &params,
        )?;
    }
    Ok(())
}

/// The stored public entry at `idx` of `log`.
pub fn entry(conn: &mut dyn Conn, log: &str, idx: u64) -> Result<Option<Vec<u8>>, StoreError> {
    conn.query_one(
        "SELECT entry FROM ledger_entries WHERE log = ? AND idx = ?",
        params![log, idx],
    )?
    .map(|r| r.blob(0))
    .transpose()
}

/// Public entries of `log` in `[from, to)`, in index order.
pub fn entries(
    conn: &mut dyn Conn,
    log: &str,
    from: u64,
    to: u64,
) -> Result<Vec<(u64, Vec<u8>)>, StoreError> {
    conn.query(
        "SELECT idx, entry FROM ledger_entries WHERE log = ? AND idx >= ? AND idx < ? ORDER BY idx",
        params![log, from, to],
    )?
    .into_iter()
    .map(|r| Ok((r.u64(0)?, r.blob(1)?)))
    .collect()
}

fn proof_error(e: oneseal_ledger::ProofError<StoreError>) -> StoreError {
    match e {
        oneseal_ledger::ProofError::Read(e) => e,
        other => StoreError::Ledger(other.to_string()),
    }
}

/// The RFC 9162 inclusion proof of leaf `index` in the tree of `size` leaves of `log`.
pub fn inclusion_proof(
    conn: &mut dyn Conn,
    log: &str,
    index: u64,
    size: u64,
) -> Result<Vec<Hash>, StoreError> {
    oneseal_ledger::inclusion_proof(index, size, |ids| read_nodes(conn, log, ids))
        .map_err(proof_error)
}

/// The RFC 9162 consistency proof between the trees of `m` and `n` leaves of `log`.
pub fn consistency_proof(
    conn: &mut dyn Conn,
    log: &str,
    m: u64,
    n: u64,
) -> Result<Vec<Hash>, StoreError> {
    oneseal_ledger::consistency_proof(m, n, |ids| read_nodes(conn, log, ids)).map_err(proof_error)
}

/// The root of the first `size` leaves of `log`, recomputed from stored nodes.
pub fn root_at(conn: &mut dyn Conn, log: &str, size: u64) -> Result<Hash, StoreError> {
    oneseal_ledger::root_at(size, |ids| read_nodes(conn, log, ids)).map_err(proof_error)
}

/// Fills `log` with `n` synthetic leaves directly (nodes and head only, no entries), in
/// transactions of 100,000 leaves: the setup of the proof and restart benchmarks, where building
/// ten million entries through the command path would only measure what `bench ledger` already does.
pub fn bulk_fill_nodes(conn: &mut dyn Conn, log: &str, n: u64) -> Result<Hash, StoreError> {
    let mut frontier = Frontier::empty();
    let mut done = 0;
    while done < n {
        let end = (done + 100_000).min(n);
        conn.batch("BEGIN")?;
        lock_head(conn, log)?;
        let leaves: Vec<Hash> = (done..end)
            .map(|i| oneseal_ledger::leaf_hash(&i.to_be_bytes()))
            .collect();
        integrate(conn, log, &mut frontier, &leaves)?;
        conn.batch("COMMIT")?;
        done = end;
    }
    Ok(frontier.root())
}
