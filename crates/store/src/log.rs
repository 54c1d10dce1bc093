//! The Merkle log's storage: leaves in `ledger_entries`, complete subtree hashes in
//! `ledger_nodes`, the integrated size and root in `ledger_head`.
//!
//! A proof needs O(log n) node rows, fetched in one query; the right edge (frontier) is rebuilt
//! from O(log n) rows when a writer starts or finds that another process moved the head.

use oneseal_ledger::{EMPTY_ROOT, Frontier, Hash, NodeId};

use crate::sql::{Backend, Conn, Value};
use crate::{StoreError, params};

pub(crate) struct PendingLeaf {
    pub hash: Hash,
}

/// Takes the single-writer lock on the head row and reads it.
pub(crate) fn lock_head(conn: &mut dyn Conn) -> Result<(u64, Hash), StoreError> {
    let sql = match conn.backend() {
        Backend::Sqlite => "SELECT size, root FROM ledger_head WHERE id = 1",
        Backend::Postgres => "SELECT size, root FROM ledger_head WHERE id = 1 FOR UPDATE",
    };
    read_head_with(conn, sql)
}

pub fn read_head(conn: &mut dyn Conn) -> Result<(u64, Hash), StoreError> {
    read_head_with(conn, "SELECT size, root FROM ledger_head WHERE id = 1")
}

fn read_head_with(conn: &mut dyn Conn, sql: &str) -> Result<(u64, Hash), StoreError> {
    let row = conn
        .query_one(sql, &[])?
        .ok_or_else(|| StoreError::Corrupt("ledger_head row is missing".into()))?;
    Ok((row.u64(0)?, row.hash(1)?))
}

/// Fetches the given nodes, failing if any is missing.
pub fn read_nodes(conn: &mut dyn Conn, ids: &[NodeId]) -> Result<Vec<Hash>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = String::from("SELECT level, idx, hash FROM ledger_nodes WHERE ");
    let mut params = Vec::with_capacity(ids.len() * 2);
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            sql.push_str(" OR ");
        }
        sql.push_str("(level = ? AND idx = ?)");
        params.push(Value::from(i64::from(id.level)));
        params.push(Value::from(id.index));
    }
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
        .map(|id| {
            found.get(id).copied().ok_or_else(|| {
                StoreError::Ledger(format!(
                    "node level {} index {} is missing",
                    id.level, id.index
                ))
            })
        })
        .collect()
}

pub(crate) fn load_frontier(conn: &mut dyn Conn, size: u64) -> Result<Frontier, StoreError> {
    if size == 0 {
        return Ok(Frontier::empty());
    }
    let ids = Frontier::ids_for(size);
    let hashes = read_nodes(conn, &ids)?;
    Frontier::from_nodes(size, &hashes).map_err(|e| StoreError::Ledger(e.to_string()))
}

/// Adds the batch's leaves to the tree: stores every node that became complete and moves the head.
pub(crate) fn integrate(
    conn: &mut dyn Conn,
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
        let mut sql = String::from("INSERT INTO ledger_nodes (level, idx, hash) VALUES ");
        let mut params = Vec::with_capacity(chunk.len() * 3);
        for (i, (id, hash)) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            sql.push_str("(?, ?, ?)");
            params.push(Value::from(i64::from(id.level)));
            params.push(Value::from(id.index));
            params.push(Value::from(hash.to_vec()));
        }
        conn.execute(&sql, &params)?;
    }
    let root = frontier.root();
    conn.execute(
        "UPDATE ledger_head SET size = ?, root = ? WHERE id = 1",
        params![frontier.size(), root.to_vec()],
    )?;
    Ok(())
}

/// The stored public entry at `idx`.
pub fn entry(conn: &mut dyn Conn, idx: u64) -> Result<Option<Vec<u8>>, StoreError> {
    conn.query_one(
        "SELECT entry FROM ledger_entries WHERE idx = ?",
        params![idx],
    )?
    .map(|r| r.blob(0))
    .transpose()
}

/// Public entries in `[from, to)`, in index order.
pub fn entries(conn: &mut dyn Conn, from: u64, to: u64) -> Result<Vec<(u64, Vec<u8>)>, StoreError> {
    conn.query(
        "SELECT idx, entry FROM ledger_entries WHERE idx >= ? AND idx < ? ORDER BY idx",
        params![from, to],
    )?
    .into_iter()
    .map(|r| Ok((r.u64(0)?, r.blob(1)?)))
    .collect()
}

pub fn empty_root() -> Hash {
    EMPTY_ROOT
}

fn proof_error(e: oneseal_ledger::ProofError<StoreError>) -> StoreError {
    match e {
        oneseal_ledger::ProofError::Read(e) => e,
        other => StoreError::Ledger(other.to_string()),
    }
}

/// The RFC 9162 inclusion proof of leaf `index` in the tree of `size` leaves.
pub fn inclusion_proof(
    conn: &mut dyn Conn,
    index: u64,
    size: u64,
) -> Result<Vec<Hash>, StoreError> {
    oneseal_ledger::inclusion_proof(index, size, |ids| read_nodes(conn, ids)).map_err(proof_error)
}

/// The RFC 9162 consistency proof between the trees of `m` and `n` leaves.
pub fn consistency_proof(conn: &mut dyn Conn, m: u64, n: u64) -> Result<Vec<Hash>, StoreError> {
    oneseal_ledger::consistency_proof(m, n, |ids| read_nodes(conn, ids)).map_err(proof_error)
}
