//! The working-day calendar's stored state: imported years, correction proposals, and the
//! deadlines of open cases that imports and corrections moved.

use oneseal_domain::calendar::{Calendar, YearCalendar};
use oneseal_domain::event::{DeadlineKind, MovingDeadline};
use time::OffsetDateTime;

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

fn deadline_code(kind: DeadlineKind) -> &'static str {
    match kind {
        DeadlineKind::Notice => "notice",
        DeadlineKind::Statutory => "statutory",
        DeadlineKind::Promised => "promised",
        DeadlineKind::Delivery => "delivery",
    }
}

/// Records the deadlines one import (`source` = `import:YYYY`) or approved correction (its id)
/// of `year` moved. A source already recorded (a year imported again after a rebuild) replaces
/// its rows.
pub fn record_moves(
    conn: &mut dyn Conn,
    source: &str,
    year: i32,
    moving: &[MovingDeadline],
) -> Result<(), StoreError> {
    conn.execute(
        "DELETE FROM calendar_moves WHERE source = ?",
        params![source],
    )?;
    for m in moving {
        conn.execute(
            "INSERT INTO calendar_moves (source, year, case_number, deadline, old_due, new_due) \
             VALUES (?, ?, ?, ?, ?, ?)",
            params![
                source,
                i64::from(year),
                m.case_number.as_str(),
                deadline_code(m.deadline),
                m.old_due.to_string(),
                m.new_due.to_string()
            ],
        )?;
    }
    Ok(())
}

/// One moved deadline as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MoveRow {
    /// `import:YYYY` or a correction id.
    pub source: String,
    pub year: i64,
    pub case_number: String,
    /// `notice`, `statutory`, `promised` or `delivery`.
    pub deadline: String,
    pub old_due: String,
    pub new_due: String,
}

/// The moved deadlines, newest year first, then by case; `case_prefix` limits them to the cases
/// of one jurisdiction (case numbers start with its division code).
pub fn moves(
    conn: &mut dyn Conn,
    case_prefix: Option<&str>,
    limit: i64,
) -> Result<Vec<MoveRow>, StoreError> {
    let pattern = format!("{}%", case_prefix.unwrap_or_default());
    conn.query(
        "SELECT source, year, case_number, deadline, old_due, new_due FROM calendar_moves \
         WHERE case_number LIKE ? ORDER BY year DESC, source, case_number, deadline LIMIT ?",
        params![pattern.as_str(), limit],
    )?
    .into_iter()
    .map(|r| {
        Ok(MoveRow {
            source: r.text(0)?,
            year: r.int(1)?,
            case_number: r.text(2)?,
            deadline: r.text(3)?,
            old_due: r.text(4)?,
            new_due: r.text(5)?,
        })
    })
    .collect()
}

/// The calendar as the database holds it: the shipped years, the imported and corrected ones,
/// and the years approved corrections replaced: what the server loads at start and after
/// another process imported a year, and what the counters and `ledger verify` time steps with.
pub fn stored(conn: &mut dyn Conn) -> Result<Calendar, StoreError> {
    let corrupt = |e: &dyn std::fmt::Display| StoreError::Corrupt(format!("stored calendar: {e}"));
    let mut cal = Calendar::builtin().map_err(|e| corrupt(&e))?;
    for json in imported_years(conn)? {
        cal.load_year_json(&json).map_err(|e| corrupt(&e))?;
    }
    for r in approved_corrections(conn)? {
        let base = YearCalendar::from_json(&r.base_json).map_err(|e| corrupt(&e))?;
        let at = OffsetDateTime::parse(
            &r.approved_at,
            &time::format_description::well_known::Rfc3339,
        )
        .map_err(|e| corrupt(&e))?;
        cal.remember_superseded(base, at);
    }
    Ok(cal)
}
