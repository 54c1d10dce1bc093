//! The statements about cases outside their projection: the case numbers a bureau hands out, the
//! queue (one page at a time, in `queue`), the public lookups of the progress query, and where each step and sealed document sits
//! on the log. The case's rows themselves change only through `projection`.

use crate::sql::Conn;
use crate::{StoreError, params};

mod queue;

pub use queue::{CaseSearch, Cursor, QueueFilter, QueuePage, QueueRow, queue_page};

/// The highest case number between `first` and `last` (both inclusive), if any: case numbers
/// sort by serial within a bureau's day, so the day's last number is found on the primary key.
pub fn latest_number_between(
    conn: &mut dyn Conn,
    first: &str,
    last: &str,
) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_one(
            "SELECT MAX(case_number) FROM cases WHERE case_number >= ? AND case_number <= ?",
            params![first, last],
        )?
        .map(|r| r.opt_text(0))
        .transpose()?
        .flatten())
}

/// The lookup key of a case's query code (its keyed digest), if the case exists.
pub fn query_code_key(conn: &mut dyn Conn, number: &str) -> Result<Option<String>, StoreError> {
    conn.query_one(
        "SELECT query_code_hash FROM cases WHERE case_number = ?",
        params![number],
    )?
    .map(|r| r.text(0))
    .transpose()
}

/// Whether a case is closed (an unknown case is not).
pub fn is_closed(conn: &mut dyn Conn, number: &str) -> Result<bool, StoreError> {
    Ok(conn
        .query_one(
            "SELECT closed FROM cases WHERE case_number = ?",
            params![number],
        )?
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(0)
        != 0)
}

/// How many cases the database holds, open and closed.
pub fn count(conn: &mut dyn Conn) -> Result<u64, StoreError> {
    Ok(conn
        .query_one("SELECT COUNT(*) FROM cases", &[])?
        .map(|r| r.u64(0))
        .transpose()?
        .unwrap_or(0))
}

/// How many events a case has (its row's count, kept by the projection in the step's
/// transaction): a writer compares it with a case folded before the write, off the writer.
pub fn event_count(conn: &mut dyn Conn, number: &str) -> Result<Option<u64>, StoreError> {
    conn.query_one(
        "SELECT events FROM cases WHERE case_number = ?",
        params![number],
    )?
    .map(|r| r.int(0).map(|n| u64::try_from(n).unwrap_or(0)))
    .transpose()
}

/// The code of the rating the applicant gave a case, if any.
pub fn rating_level(conn: &mut dyn Conn, number: &str) -> Result<Option<String>, StoreError> {
    conn.query_one(
        "SELECT level FROM ratings WHERE case_number = ?",
        params![number],
    )?
    .map(|r| r.text(0))
    .transpose()
}

/// Where one step of a case sits on its log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepEntry {
    /// The step's place in the case's history, from 1.
    pub seq: i64,
    /// The case event's `kind` tag.
    pub kind: String,
    pub log: String,
    pub index: u64,
}

/// The public steps' ledger places, in order: internal hand-overs and returns left out.
pub fn public_steps(conn: &mut dyn Conn, number: &str) -> Result<Vec<StepEntry>, StoreError> {
    conn.query(
        "SELECT seq, kind, log, idx FROM case_entries WHERE case_number = ? \
         AND kind NOT IN ('transferred', 'returned') ORDER BY seq",
        params![number],
    )?
    .into_iter()
    .map(|r| {
        Ok(StepEntry {
            seq: r.int(0)?,
            kind: r.text(1)?,
            log: r.text(2)?,
            index: r.u64(3)?,
        })
    })
    .collect()
}
