//! The Merkle logs' storage (one log per jurisdiction): leaves in `ledger_entries` (each row also
//! holds the entry's private payload, never served), complete subtree hashes in `ledger_nodes`,
//! the integrated size and root in `ledger_heads`.
//!
//! A proof needs O(log n) node rows, fetched in one query; the right edge (frontier) is rebuilt
//! from O(log n) rows when a writer starts or finds that another process moved the head.
//!
//! Row keys: each log has a small number (`ledger_heads.id`); an entry's key is
//! `(log id << 47) + idx` and a node's `(log id << 47) + node_seq`, the order in which nodes are
//! completed. So a commit's entries and nodes are appended at the end of their log's key range
//! (on SQLite these are rowids, one b-tree per table and no secondary index), which is what keeps
//! the pages a commit writes close to the plain-INSERT baseline.

use oneseal_ledger::{EMPTY_ROOT, Frontier, Hash, NodeId};

use crate::codec::{self, Part};
use crate::sql::{Backend, Conn, Value};
use crate::{StoreError, params};

/// Bits of a row key below the log's number.
const LOG_SHIFT: u32 = 47;

/// Logs a database may hold: keeps every row key within 63 bits.
pub const MAX_LOGS: i64 = 1 << 15;

/// Takes the single-writer lock on a log's head row (creating the log if new) and reads it;
/// returns its size, root and number. Two processes creating *different* logs at once may pick
/// the same number: the unique index refuses the second, whose batch fails and can be retried.
pub(crate) fn lock_head(conn: &mut dyn Conn, log: &str) -> Result<(u64, Hash, i64), StoreError> {
    let sql = match conn.backend() {
        Backend::Sqlite => "SELECT size, root, id FROM ledger_heads WHERE log = ?",
        Backend::Postgres => "SELECT size, root, id FROM ledger_heads WHERE log = ? FOR UPDATE",
    };
    if let Some(head) = locked_head(conn, sql, log)? {
        return Ok(head);
    }
    let next = conn
        .query_one("SELECT COALESCE(MAX(id), 0) + 1 FROM ledger_heads", &[])?
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(1);
    if next >= MAX_LOGS {
        return Err(StoreError::Ledger(format!(
            "no room for log {log}: a database holds at most {MAX_LOGS} logs"
        )));
    }
    conn.execute(
        "INSERT INTO ledger_heads (log, size, root, id) VALUES (?, 0, ?, ?) ON CONFLICT (log) DO NOTHING",
        params![log, EMPTY_ROOT.to_vec(), next],
    )?;
    locked_head(conn, sql, log)?
        .ok_or_else(|| StoreError::Ledger(format!("log {log}: the head row vanished")))
}

fn locked_head(
    conn: &mut dyn Conn,
    sql: &str,
    log: &str,
) -> Result<Option<(u64, Hash, i64)>, StoreError> {
    conn.query_one(sql, params![log])?
        .map(|row| Ok((row.u64(0)?, row.hash(1)?, log_number(row.int(2)?)?)))
        .transpose()
}

fn log_number(id: i64) -> Result<i64, StoreError> {
    if (1..MAX_LOGS).contains(&id) {
        Ok(id)
    } else {
        Err(StoreError::Corrupt(format!("log number {id} out of range")))
    }
}

/// The number of a log, if it exists.
pub fn log_id(conn: &mut dyn Conn, log: &str) -> Result<Option<i64>, StoreError> {
    conn.query_one("SELECT id FROM ledger_heads WHERE log = ?", params![log])?
        .map(|r| log_number(r.int(0)?))
        .transpose()
}

/// The row key of entry `idx` in the log numbered `log_id`.
pub fn entry_key(log_id: i64, idx: u64) -> Result<i64, StoreError> {
    if idx > MAX_LOG_SIZE {
        return Err(StoreError::Ledger(format!(
            "entry {idx} lies beyond the {MAX_LOG_SIZE} entries a log may hold"
        )));
    }
    Ok((log_number(log_id)? << LOG_SHIFT) + i64::try_from(idx).unwrap_or(i64::MAX))
}

/// The row keys `[lo, hi)` of the entries `[from, to)` of `log` (empty if the log is unknown),
/// for scans such as the audit's.
pub fn entry_keys(
    conn: &mut dyn Conn,
    log: &str,
    from: u64,
    to: u64,
) -> Result<(i64, i64), StoreError> {
    match log_id(conn, log)? {
        Some(id) => Ok((
            entry_key(id, from.min(MAX_LOG_SIZE))?,
            entry_key(id, to.min(MAX_LOG_SIZE))?,
        )),
        None => Ok((0, 0)),
    }
}

/// The row keys `[lo, hi)` of all nodes of `log` (empty if the log is unknown), for full scans
/// such as the audit's.
pub fn node_keys(conn: &mut dyn Conn, log: &str) -> Result<(i64, i64), StoreError> {
    match log_id(conn, log)? {
        Some(id) => Ok((id << LOG_SHIFT, (id + 1) << LOG_SHIFT)),
        None => Ok((0, 0)),
    }
}

/// The row keys `[lo, hi)` of the nodes of `log` that became complete as the tree grew from `from`
/// to `to` leaves (empty if the log is unknown). Node keys sort by the size at which a node was
/// completed, so these are the nodes the frontier emits for those leaves, in its order: an audit
/// compares them page by page without holding the tree.
pub fn node_keys_grown(
    conn: &mut dyn Conn,
    log: &str,
    from: u64,
    to: u64,
) -> Result<(i64, i64), StoreError> {
    let Some(id) = log_id(conn, log)? else {
        return Ok((0, 0));
    };
    let base = log_number(id)? << LOG_SHIFT;
    // Completed at size s, any level: (s << 6) + level, level < 64.
    let at = |size: u64| base + (i64::try_from(size.min(MAX_LOG_SIZE) + 1).unwrap_or(0) << 6);
    Ok((at(from), at(to)))
}

/// The row key of a node of the log numbered `log_id`.
pub fn node_key(log_id: i64, id: &NodeId) -> Result<i64, StoreError> {
    Ok((log_number(log_id)? << LOG_SHIFT) + node_seq(id)?)
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

/// Leaves a log may hold: keeps every node's `seq` within 63 bits.
pub const MAX_LOG_SIZE: u64 = 1 << 40;

/// The storage key of a node within its log: the tree size at which it became complete, then its
/// level. Nodes are created in this order, so a batch's nodes are adjacent in the b-tree.
pub fn node_seq(id: &NodeId) -> Result<i64, StoreError> {
    // A level above 40 alone exceeds the bound (and would overflow the shift).
    let completed_at = (u128::from(id.index) + 1) << id.level.min(41);
    if completed_at > u128::from(MAX_LOG_SIZE) {
        return Err(StoreError::Ledger(format!(
            "node level {} index {} lies beyond the {MAX_LOG_SIZE} leaves a log may hold",
            id.level, id.index
        )));
    }
    i64::try_from((completed_at << 6) + u128::from(id.level))
        .map_err(|_| StoreError::Ledger("node key out of range".into()))
}

/// Fetches the given nodes of a log, failing if any is missing. SQLite answers one point
/// lookup per node on the row key (microseconds each, in process); PostgreSQL gets a single
/// round trip.
pub fn read_nodes(conn: &mut dyn Conn, log: &str, ids: &[NodeId]) -> Result<Vec<Hash>, StoreError> {
    let missing = |id: &NodeId| {
        StoreError::Ledger(format!(
            "log {log}: node level {} index {} is missing",
            id.level, id.index
        ))
    };
    let Some(first) = ids.first() else {
        return Ok(Vec::new());
    };
    let log_id = log_id(conn, log)?.ok_or_else(|| missing(first))?;
    if conn.backend() == Backend::Sqlite {
        return ids
            .iter()
            .map(|id| {
                conn.query_one(
                    "SELECT hash FROM ledger_nodes WHERE id = ?",
                    params![node_key(log_id, id)?],
                )?
                .ok_or_else(|| missing(id))?
                .hash(0)
            })
            .collect();
    }
    let mut sql = String::from("SELECT id, hash FROM ledger_nodes WHERE id IN (");
    let mut params = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        sql.push_str(if i == 0 { "?" } else { ", ?" });
        params.push(Value::from(node_key(log_id, id)?));
    }
    sql.push(')');
    let mut found = std::collections::HashMap::with_capacity(ids.len());
    for r in conn.query(&sql, &params)? {
        found.insert(r.int(0)?, r.hash(1)?);
    }
    ids.iter()
        .map(|id| {
            found
                .get(&node_key(log_id, id)?)
                .copied()
                .ok_or_else(|| missing(id))
        })
        .collect()
}

/// The stored leaf hashes of `[from, to)` in index order (one range scan: the leaves' keys lie
/// between those of leaf `from` and leaf `to`, among the nodes completed meanwhile).
pub fn read_leaf_range(
    conn: &mut dyn Conn,
    log: &str,
    from: u64,
    to: u64,
) -> Result<Vec<(u64, Hash)>, StoreError> {
    let to = to.min(MAX_LOG_SIZE - 1);
    if from >= to {
        return Ok(Vec::new());
    }
    let Some(log_id) = log_id(conn, log)? else {
        return Ok(Vec::new());
    };
    let key = |index| node_key(log_id, &NodeId { level: 0, index });
    // A leaf's key has level 0 in its low six bits (migration 58 keeps only the key and hash).
    conn.query(
        "SELECT id, hash FROM ledger_nodes WHERE id >= ? AND id < ? AND (id & 63) = 0 ORDER BY id",
        params![key(from)?, key(to)?],
    )?
    .into_iter()
    .map(|r| Ok((node_of_key(r.int(0)?)?.1, r.hash(1)?)))
    .collect()
}

/// The level and index of the node stored under row key `key` (the inverse of [`node_key`],
/// whatever the log): since migration 58 a node's row holds only its key and hash.
pub fn node_of_key(key: i64) -> Result<(u8, u64), StoreError> {
    let seq = u64::try_from(key & ((1 << LOG_SHIFT) - 1))
        .map_err(|_| StoreError::Corrupt(format!("node key {key} out of range")))?;
    let level = u8::try_from(seq & 63).unwrap_or(u8::MAX);
    let completed_at = seq >> 6;
    if level > 40 || completed_at == 0 || completed_at & ((1 << level) - 1) != 0 {
        return Err(StoreError::Corrupt(format!("node key {key} names no node")));
    }
    Ok((level, (completed_at >> level) - 1))
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
    log_id: i64,
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
    for chunk in nodes.chunks(rows_per_insert(conn.backend())) {
        // Key and hash only: the key encodes the log, level and index (migration 58).
        let mut sql = String::from("INSERT INTO ledger_nodes (id, hash) VALUES ");
        let mut params = Vec::with_capacity(chunk.len() * 2);
        for (i, (id, hash)) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            sql.push_str("(?, ?)");
            params.push(Value::from(node_key(log_id, id)?));
            params.push(Value::from(hash.to_vec()));
        }
        // Pipelined on PostgreSQL: the batch's COMMIT reads the replies.
        conn.write(&sql, &params)?;
    }
    let root = frontier.root();
    conn.write(
        "UPDATE ledger_heads SET size = ?, root = ? WHERE log = ?",
        params![frontier.size(), root.to_vec(), log],
    )?;
    Ok(())
}

/// An appended entry on its way into the database.
pub(crate) struct EntryRow {
    pub key: i64,
    pub log: String,
    pub idx: u64,
    pub entry: Vec<u8>,
    pub kind: String,
    pub salt: Vec<u8>,
    pub body: Vec<u8>,
}

/// Rows per INSERT statement. PostgreSQL: many, each statement is a round trip (64 keeps well
/// under its parameter limit and bounds the distinct statement texts it prepares). SQLite runs in
/// process, where one cached single-row statement executed per row is cheapest: no SQL text to
/// build, parse or look up per batch.
fn rows_per_insert(backend: Backend) -> usize {
    match backend {
        Backend::Sqlite => 1,
        Backend::Postgres => 64,
    }
}

/// Writes entries, each with its private payload in the same row, with multi-row INSERTs: both
/// packed (`codec`), the blobs their bodies refer to first, in the same transaction.
pub(crate) fn insert_entries(conn: &mut dyn Conn, rows: &[EntryRow]) -> Result<(), StoreError> {
    for chunk in rows.chunks(rows_per_insert(conn.backend())) {
        let packed: Vec<(codec::Packed, codec::Packed)> = chunk
            .iter()
            .map(|r| {
                (
                    codec::pack(&r.kind, Part::Entry, &r.entry),
                    codec::pack(&r.kind, Part::Body, &r.body),
                )
            })
            .collect();
        let mut blobs: Vec<&codec::Blob> = Vec::new();
        for b in packed.iter().flat_map(|(_, body)| &body.blobs) {
            if !blobs.iter().any(|known| known.0 == b.0) {
                blobs.push(b);
            }
        }
        codec::store_blobs(conn, &blobs)?;
        let mut sql = String::from(
            "INSERT INTO ledger_entries (id, log, idx, entry, kind, salt, body) VALUES ",
        );
        let mut params = Vec::with_capacity(chunk.len() * 7);
        for (i, (r, (entry, body))) in chunk.iter().zip(&packed).enumerate() {
            sql.push_str(if i == 0 {
                "(?, ?, ?, ?, ?, ?, ?)"
            } else {
                ", (?, ?, ?, ?, ?, ?, ?)"
            });
            params.extend([
                Value::from(r.key),
                Value::from(r.log.as_str()),
                Value::from(r.idx),
                Value::from(entry.bytes.as_slice()),
                Value::from(r.kind.as_str()),
                Value::from(r.salt.as_slice()),
                Value::from(body.bytes.as_slice()),
            ]);
        }
        conn.write(&sql, &params)?;
    }
    Ok(())
}

/// The stored public entry at `idx` of `log`.
pub fn entry(conn: &mut dyn Conn, log: &str, idx: u64) -> Result<Option<Vec<u8>>, StoreError> {
    let (lo, hi) = entry_keys(conn, log, idx, idx.saturating_add(1))?;
    if lo >= hi {
        return Ok(None);
    }
    let Some(stored) = conn
        .query_one("SELECT entry FROM ledger_entries WHERE id = ?", params![lo])?
        .map(|r| r.blob(0))
        .transpose()?
    else {
        return Ok(None);
    };
    codec::open(conn, &stored, Part::Entry).map(Some)
}

/// Public entries of `log` in `[from, to)`, in index order.
pub fn entries(
    conn: &mut dyn Conn,
    log: &str,
    from: u64,
    to: u64,
) -> Result<Vec<(u64, Vec<u8>)>, StoreError> {
    let (lo, hi) = entry_keys(conn, log, from, to)?;
    if lo >= hi {
        return Ok(Vec::new());
    }
    conn.query(
        "SELECT idx, entry FROM ledger_entries WHERE id >= ? AND id < ? ORDER BY id",
        params![lo, hi],
    )?
    .into_iter()
    .map(|r| Ok((r.u64(0)?, codec::open(conn, &r.blob(1)?, Part::Entry)?)))
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
        let (_, _, log_id) = lock_head(conn, log)?;
        let leaves: Vec<Hash> = (done..end)
            .map(|i| oneseal_ledger::leaf_hash(&i.to_be_bytes()))
            .collect();
        integrate(conn, log, log_id, &mut frontier, &leaves)?;
        conn.batch("COMMIT")?;
        done = end;
    }
    Ok(frontier.root())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key order is the creation order, which is what keeps a batch's nodes together.
    #[test]
    #[allow(clippy::unwrap_used)]
    fn node_keys_grow_in_the_order_nodes_are_completed() {
        let mut frontier = Frontier::empty();
        let mut last = -1;
        for i in 0u64..5000 {
            for (id, _) in frontier.push(oneseal_ledger::leaf_hash(&i.to_be_bytes())) {
                let key = node_seq(&id).unwrap();
                assert!(key > last, "{id:?}: {key} after {last}");
                let stored = node_key(3, &id).unwrap();
                assert_eq!(node_of_key(stored).unwrap(), (id.level, id.index));
                last = key;
            }
        }
        assert!(
            node_seq(&NodeId {
                level: 0,
                index: MAX_LOG_SIZE - 1
            })
            .is_ok()
        );
        assert!(
            node_seq(&NodeId {
                level: 40,
                index: 0
            })
            .is_ok()
        );
        assert!(
            node_seq(&NodeId {
                level: 0,
                index: MAX_LOG_SIZE
            })
            .is_err()
        );
        assert!(
            node_seq(&NodeId {
                level: 63,
                index: 1
            })
            .is_err()
        );
    }
}
