//! The working-day calendar's stored state: imported years and correction proposals.

use crate::sql::Conn;
use crate::{StoreError, params};

/// The JSON of every imported (or corrected) year, by year.
pub fn imported_years(conn: &mut dyn Conn) -> Result<Vec<String>, StoreError> {
    conn.query("SELECT json FROM calendar_years ORDER BY year", &[])?
        .into_iter()
        .map(|r| r.text(0))
        .collect()
}

/// A correction in force: the year it replaced and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApprovedCorrection {
    /// The replaced year's JSON.
    pub base_json: String,
    /// RFC 3339.
    pub approved_at: String,
}

pub fn approved_corrections(conn: &mut dyn Conn) -> Result<Vec<ApprovedCorrection>, StoreError> {
    conn.query(
        "SELECT base_json, approved_at FROM calendar_corrections WHERE status = 'approved'",
        &[],
    )?
    .into_iter()
    .map(|r| {
        Ok(ApprovedCorrection {
            base_json: r.text(0)?,
            approved_at: r.text(1)?,
        })
    })
    .collect()
}

/// How many corrections were ever proposed (numbers the next one).
pub fn correction_count(conn: &mut dyn Conn) -> Result<i64, StoreError> {
    Ok(conn
        .query_one("SELECT COUNT(*) FROM calendar_corrections", &[])?
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(0))
}

/// A stored correction proposal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorrectionRow {
    pub jurisdiction: String,
    /// The proposal as recorded (`event::CalendarCorrection` JSON).
    pub body: String,
    pub status: String,
}

pub fn correction(conn: &mut dyn Conn, id: &str) -> Result<Option<CorrectionRow>, StoreError> {
    conn.query_one(
        "SELECT jurisdiction, body, status FROM calendar_corrections WHERE correction_id = ?",
        params![id],
    )?
    .map(|r| {
        Ok(CorrectionRow {
            jurisdiction: r.text(0)?,
            body: r.text(1)?,
            status: r.text(2)?,
        })
    })
    .transpose()
}

/// The numbers of every open case in every jurisdiction (the calendar is shared), in order.
pub fn open_case_numbers(conn: &mut dyn Conn) -> Result<Vec<String>, StoreError> {
    conn.query(
        "SELECT case_number FROM cases WHERE closed = 0 ORDER BY case_number",
        params![],
    )?
    .into_iter()
    .map(|r| r.text(0))
    .collect()
}
