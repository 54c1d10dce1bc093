//! The counts of the home page's "my work" card, each counted as its queue counts it.

use crate::sql::{Conn, Value};
use crate::{StoreError, params};

fn count(conn: &mut dyn Conn, sql: &str, args: &[Value]) -> Result<i64, StoreError> {
    Ok(conn
        .query_one(sql, args)?
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(0))
}

pub fn open_cases(conn: &mut dyn Conn, j: &str) -> Result<i64, StoreError> {
    count(
        conn,
        "SELECT COUNT(*) FROM cases WHERE jurisdiction = ? AND closed = 0",
        params![j],
    )
}

/// Open red-card alerts (cases past their legal deadline).
pub fn open_red_cards(conn: &mut dyn Conn, j: &str) -> Result<i64, StoreError> {
    count(
        conn,
        "SELECT COUNT(*) FROM alerts WHERE jurisdiction = ? AND status = 'open' AND rule_id = 'red_card'",
        params![j],
    )
}

pub fn pushes_awaiting_claim(
    conn: &mut dyn Conn,
    j: &str,
    department: &str,
) -> Result<i64, StoreError> {
    count(
        conn,
        "SELECT COUNT(*) FROM pushes WHERE jurisdiction = ? AND department = ? AND status = 'awaiting_claim'",
        params![j, department],
    )
}

/// Pushes awaiting a claim whose claim date is before `today` (`YYYY-MM-DD`).
pub fn pushes_late_for_claim(
    conn: &mut dyn Conn,
    j: &str,
    department: &str,
    today: &str,
) -> Result<i64, StoreError> {
    count(
        conn,
        "SELECT COUNT(*) FROM pushes WHERE jurisdiction = ? AND department = ? AND status = 'awaiting_claim' AND claim_due < ?",
        params![j, department, today],
    )
}

pub fn open_alerts(conn: &mut dyn Conn, j: &str) -> Result<i64, StoreError> {
    count(
        conn,
        "SELECT COUNT(*) FROM alerts WHERE jurisdiction = ? AND status = 'open'",
        params![j],
    )
}

pub fn open_rectifications(conn: &mut dyn Conn, j: &str) -> Result<i64, StoreError> {
    count(
        conn,
        "SELECT COUNT(*) FROM ratings WHERE jurisdiction = ? AND rectification_status = 'open'",
        params![j],
    )
}

/// Open rectifications due before `today` (`YYYY-MM-DD`).
pub fn late_rectifications(conn: &mut dyn Conn, j: &str, today: &str) -> Result<i64, StoreError> {
    count(
        conn,
        "SELECT COUNT(*) FROM ratings WHERE jurisdiction = ? AND rectification_status = 'open' AND rectification_due < ?",
        params![j, today],
    )
}

/// Pushes waiting for a supervision mapping.
pub fn unmapped_pushes(conn: &mut dyn Conn, j: &str) -> Result<i64, StoreError> {
    count(
        conn,
        "SELECT COUNT(*) FROM pushes WHERE jurisdiction = ? AND status = 'unmapped'",
        params![j],
    )
}
