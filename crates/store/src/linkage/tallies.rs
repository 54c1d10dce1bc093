//! The push counters (`push_tallies`, migration 61, issue #17 item 2): how many pushes each
//! department of a jurisdiction holds in each status, kept by the push projection in the push
//! event's own transaction, so that the tracking view and the dashboard read a few rows instead
//! of grouping every push of the history per request.
//!
//! A row is exactly what `GROUP BY jurisdiction, COALESCE(department, ''), status` over `pushes`
//! gives (a row that falls to zero is deleted, as the `GROUP BY` would not show it): the table
//! is projected (`ledger verify` replays and compares it), migration 61 fills it with that
//! `GROUP BY`, and the tests compare it with [`grouped`].

use std::collections::BTreeMap;

use crate::counters::Counter;
use crate::sql::Conn;
use crate::{StoreError, params};

/// Where a push counts: its department ('' while unmapped) and its status code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Slot {
    pub department: String,
    pub status: String,
}

/// The push counter table.
pub static PUSHES: Counter = Counter {
    table: "push_tallies",
    key: &["jurisdiction", "department", "status"],
    counts: &["pushes"],
    drop_at_zero: true,
};

/// Moves one push from `from` (`None`: a new push) to `to`, in the caller's transaction; a row
/// that falls to zero is deleted.
pub(crate) fn move_push(
    conn: &mut dyn Conn,
    j: &str,
    from: Option<&Slot>,
    to: &Slot,
) -> Result<(), StoreError> {
    if from == Some(to) {
        return Ok(());
    }
    let key = |s: &Slot| vec![j.to_owned(), s.department.clone(), s.status.clone()];
    if let Some(f) = from {
        conn.add_counts(&PUSHES, key(f), &[-1])?;
    }
    conn.add_counts(&PUSHES, key(to), &[1])
}

/// One jurisdiction's counters as stored.
pub fn stored(conn: &mut dyn Conn, j: &str) -> Result<BTreeMap<Slot, i64>, StoreError> {
    collect(conn.query(
        "SELECT department, status, pushes FROM push_tallies WHERE jurisdiction = ?",
        params![j],
    )?)
}

/// One jurisdiction's counts grouped from every push (what the counters must equal: tests, and
/// the definition the counters keep).
pub fn grouped(conn: &mut dyn Conn, j: &str) -> Result<BTreeMap<Slot, i64>, StoreError> {
    collect(conn.query(
        "SELECT COALESCE(department, ''), status, COUNT(*) FROM pushes WHERE jurisdiction = ? \
         GROUP BY COALESCE(department, ''), status",
        params![j],
    )?)
}

fn collect(rows: Vec<crate::Row>) -> Result<BTreeMap<Slot, i64>, StoreError> {
    rows.into_iter()
        .map(|r| {
            Ok((
                Slot {
                    department: r.text(0)?,
                    status: r.text(1)?,
                },
                r.int(2)?,
            ))
        })
        .collect()
}

/// Per department ('' for none), how many of the pushes awaiting their claim are not overdue on
/// `today`: due today or later, or without a due date. Index `pushes_awaiting` (migration 61)
/// gives the range from `today` on, which only the recent pushes reach.
pub fn awaiting_not_overdue(
    conn: &mut dyn Conn,
    j: &str,
    today: &str,
) -> Result<BTreeMap<String, i64>, StoreError> {
    let mut out = BTreeMap::new();
    let due_later = conn.query(
        "SELECT COALESCE(department, ''), COUNT(*) FROM pushes \
         WHERE status = 'awaiting_claim' AND jurisdiction = ? AND claim_due >= ? \
         GROUP BY COALESCE(department, '')",
        params![j, today],
    )?;
    let undated = conn.query(
        "SELECT COALESCE(department, ''), COUNT(*) FROM pushes \
         WHERE status = 'awaiting_claim' AND jurisdiction = ? AND claim_due IS NULL \
         GROUP BY COALESCE(department, '')",
        params![j],
    )?;
    for r in due_later.iter().chain(&undated) {
        *out.entry(r.text(0)?).or_insert(0) += r.int(1)?;
    }
    Ok(out)
}
