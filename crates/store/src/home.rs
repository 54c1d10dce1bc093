//! The counts of the home page's "my work" card, each counted as its queue counts it.
//!
//! Every count is one index range over open things only, never over the history (issue #17:
//! the home page is read at every sign-in, and closed cases, alerts, pushes and rectifications
//! only grow):
//! - open cases: `cases_queue (jurisdiction, closed, …)` at `closed = 0`;
//! - open alerts: `alerts_open (jurisdiction, status)` (or `alerts_page`, same first columns);
//! - open red cards: the partial index `alerts_open_rule (jurisdiction, rule_id) WHERE status =
//!   'open'` (migration 64); with `alerts_open` alone the rule of every open alert was looked up;
//! - pushes awaiting a claim: `pushes_department (jurisdiction, department, status)`; the late
//!   ones also `pushes_awaiting (jurisdiction, claim_due, department) WHERE status =
//!   'awaiting_claim'`;
//! - unmapped pushes: the partial index `pushes_unmapped (jurisdiction) WHERE status =
//!   'unmapped'` (migration 64); `pushes_department` has the department between jurisdiction and
//!   status, so without it the count read every push of the jurisdiction;
//! - open and late rectifications: `ratings_rectification (jurisdiction, rectification_status,
//!   rectification_due)`.
//!
//! The `status = '…'` of each statement is a literal so that both databases match it with the
//! partial indexes' predicates. The test below asks SQLite's planner (`EXPLAIN QUERY PLAN`).

use crate::sql::{Conn, Value};
use crate::{StoreError, params};

const OPEN_CASES: &str = "SELECT COUNT(*) FROM cases WHERE jurisdiction = ? AND closed = 0";
const OPEN_RED_CARDS: &str = "SELECT COUNT(*) FROM alerts WHERE jurisdiction = ? AND status = 'open' AND rule_id = 'red_card'";
const PUSHES_AWAITING: &str = "SELECT COUNT(*) FROM pushes WHERE jurisdiction = ? AND department = ? AND status = 'awaiting_claim'";
const PUSHES_LATE: &str = "SELECT COUNT(*) FROM pushes WHERE jurisdiction = ? AND department = ? AND status = 'awaiting_claim' AND claim_due < ?";
const OPEN_ALERTS: &str = "SELECT COUNT(*) FROM alerts WHERE jurisdiction = ? AND status = 'open'";
const OPEN_RECTIFICATIONS: &str =
    "SELECT COUNT(*) FROM ratings WHERE jurisdiction = ? AND rectification_status = 'open'";
const LATE_RECTIFICATIONS: &str = "SELECT COUNT(*) FROM ratings WHERE jurisdiction = ? AND rectification_status = 'open' AND rectification_due < ?";
const UNMAPPED_PUSHES: &str =
    "SELECT COUNT(*) FROM pushes WHERE jurisdiction = ? AND status = 'unmapped'";

fn count(conn: &mut dyn Conn, sql: &str, args: &[Value]) -> Result<i64, StoreError> {
    Ok(conn
        .query_one(sql, args)?
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(0))
}

pub fn open_cases(conn: &mut dyn Conn, j: &str) -> Result<i64, StoreError> {
    count(conn, OPEN_CASES, params![j])
}

/// Open red-card alerts (cases past their legal deadline).
pub fn open_red_cards(conn: &mut dyn Conn, j: &str) -> Result<i64, StoreError> {
    count(conn, OPEN_RED_CARDS, params![j])
}

pub fn pushes_awaiting_claim(
    conn: &mut dyn Conn,
    j: &str,
    department: &str,
) -> Result<i64, StoreError> {
    count(conn, PUSHES_AWAITING, params![j, department])
}

/// Pushes awaiting a claim whose claim date is before `today` (`YYYY-MM-DD`).
pub fn pushes_late_for_claim(
    conn: &mut dyn Conn,
    j: &str,
    department: &str,
    today: &str,
) -> Result<i64, StoreError> {
    count(conn, PUSHES_LATE, params![j, department, today])
}

pub fn open_alerts(conn: &mut dyn Conn, j: &str) -> Result<i64, StoreError> {
    count(conn, OPEN_ALERTS, params![j])
}

pub fn open_rectifications(conn: &mut dyn Conn, j: &str) -> Result<i64, StoreError> {
    count(conn, OPEN_RECTIFICATIONS, params![j])
}

/// Open rectifications due before `today` (`YYYY-MM-DD`).
pub fn late_rectifications(conn: &mut dyn Conn, j: &str, today: &str) -> Result<i64, StoreError> {
    count(conn, LATE_RECTIFICATIONS, params![j, today])
}

/// Pushes waiting for a supervision mapping.
pub fn unmapped_pushes(conn: &mut dyn Conn, j: &str) -> Result<i64, StoreError> {
    count(conn, UNMAPPED_PUSHES, params![j])
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Each count is a range of an index over open things (a `SEARCH`, never a `SCAN` of the
    /// table or of a jurisdiction's whole history), on SQLite's planner.
    #[test]
    fn every_count_is_an_index_range_over_open_things() {
        let mut c = crate::sqlite::SqliteConn::open_in_memory().unwrap();
        crate::migrate::run(&mut c).unwrap();
        let cases: [(&str, &[&str], &[&str]); 8] = [
            (OPEN_CASES, &["370100"], &["cases_queue", "cases_open"]),
            (OPEN_RED_CARDS, &["370100"], &["alerts_open_rule"]),
            (PUSHES_AWAITING, &["370100", "SCJG"], &["pushes_department"]),
            (
                PUSHES_LATE,
                &["370100", "SCJG", "2026-11-23"],
                &["pushes_department", "pushes_awaiting"],
            ),
            (OPEN_ALERTS, &["370100"], &["alerts_open", "alerts_page"]),
            (OPEN_RECTIFICATIONS, &["370100"], &["ratings_rectification"]),
            (
                LATE_RECTIFICATIONS,
                &["370100", "2026-11-23"],
                &["ratings_rectification"],
            ),
            (UNMAPPED_PUSHES, &["370100"], &["pushes_unmapped"]),
        ];
        let mut wrong = Vec::new();
        for (sql, args, indexes) in cases {
            let args: Vec<Value> = args.iter().map(|a| Value::from(*a)).collect();
            let plan = c.plan(sql, &args);
            let ranged = plan.len() == 1
                && plan[0].starts_with("SEARCH ")
                && indexes
                    .iter()
                    .any(|i| plan[0].contains(&format!("INDEX {i} ")));
            if !ranged {
                wrong.push(format!("{sql}: {plan:?}"));
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }
}
