//! The working-day calendar the server computes with: the years shipped in the binary plus the
//! years administrators imported (each import is a ledger event), swapped in atomically so a
//! request always sees one whole calendar.
//!
//! A year already in force is history up to today: it changes only through a correction of the
//! days ahead (`domain::calendar::Correction`), proposed by the city's administrator and put in
//! force by the bureau head (`api::calendar`). The calendar keeps the years corrections replaced,
//! so a case decided before a correction keeps its dates.

use std::sync::{Arc, RwLock};

use oneseal_domain::calendar::{Calendar, Correction, CorrectionError, YearCalendar};
use oneseal_domain::case::{Case, CaseNumber};
use oneseal_domain::event::MovingDeadline;
use oneseal_store::projection::load_case_events;
use oneseal_store::{Conn, StoreError, params};
use time::{Date, OffsetDateTime};

use crate::error::ApiError;

#[derive(Debug)]
pub struct CalendarStore {
    current: RwLock<Arc<Calendar>>,
}

impl Default for CalendarStore {
    fn default() -> Self {
        let builtin = Calendar::builtin().unwrap_or_else(|e| {
            tracing::error!(error = %e, "built-in calendar does not load; deadlines will fail");
            Calendar::new()
        });
        Self::new(builtin)
    }
}

impl CalendarStore {
    pub fn new(calendar: Calendar) -> Self {
        Self {
            current: RwLock::new(Arc::new(calendar)),
        }
    }

    /// A consistent snapshot for one request.
    pub fn current(&self) -> Arc<Calendar> {
        self.current
            .read()
            .map_or_else(|e| e.into_inner().clone(), |c| c.clone())
    }

    pub fn replace(&self, calendar: Calendar) {
        match self.current.write() {
            Ok(mut c) => *c = Arc::new(calendar),
            Err(e) => *e.into_inner() = Arc::new(calendar),
        }
    }

    /// The shipped years plus every imported one (an import of a shipped year replaces it).
    pub fn load(conn: &mut dyn Conn) -> Result<Self, StoreError> {
        let store = Self::default();
        store.reload(conn)?;
        Ok(store)
    }

    /// Rebuilds the calendar from the shipped years and the stored imports: how a server picks
    /// up a year another server process imported.
    pub fn reload(&self, conn: &mut dyn Conn) -> Result<(), StoreError> {
        self.replace(stored(conn)?);
        Ok(())
    }
}

/// The calendar as the database holds it: the shipped years, the imported and corrected ones,
/// and the years the approved corrections replaced.
pub fn stored(conn: &mut dyn Conn) -> Result<Calendar, StoreError> {
    let corrupt = |e: &dyn std::fmt::Display| StoreError::Corrupt(format!("stored calendar: {e}"));
    let mut cal = (*CalendarStore::default().current()).clone();
    for r in conn.query("SELECT json FROM calendar_years ORDER BY year", &[])? {
        cal.load_year_json(&r.text(0)?).map_err(|e| corrupt(&e))?;
    }
    let approved = conn.query(
        "SELECT base_json, approved_at FROM calendar_corrections WHERE status = 'approved'",
        &[],
    )?;
    for r in approved {
        let base = YearCalendar::from_json(&r.text(0)?).map_err(|e| corrupt(&e))?;
        let at = OffsetDateTime::parse(&r.text(1)?, &time::format_description::well_known::Rfc3339)
            .map_err(|e| corrupt(&e))?;
        cal.remember_superseded(base, at);
    }
    Ok(cal)
}

/// What loading `year` would do to the calendar the database holds.
pub enum Amendment {
    /// The year is not in force yet: an import.
    New(YearCalendar),
    /// The year in force is the same: nothing to do.
    Unchanged,
    /// Only days after today change: a correction, for the bureau head to approve.
    Correction(Correction),
}

/// Classifies `year` against the year in force, refusing any change to a day up to `today`.
///
/// # Errors
/// 409 `calendar_history_immutable` naming the first such day.
pub fn amendment(
    conn: &mut dyn Conn,
    year: YearCalendar,
    today: Date,
) -> Result<Amendment, ApiError> {
    let Some(current) = stored(conn)?.year(year.year()).cloned() else {
        return Ok(Amendment::New(year));
    };
    let correction = Correction::check(&current, year, today).map_err(correction_error)?;
    Ok(if correction.change().is_empty() {
        Amendment::Unchanged
    } else {
        Amendment::Correction(correction)
    })
}

/// A refused change of a year in force, as a typed 409.
pub fn correction_error(e: CorrectionError) -> ApiError {
    match e {
        CorrectionError::HistoryImmutable { first, today } => ApiError::conflict(
            "calendar_history_immutable",
            format!(
                "{today}及以前的工作日历已经生效，不能更改（{first}有变动）；只能更正今后的日期"
            ),
            format!(
                "The working-day calendar up to {today} is history and cannot change ({first} differs); only later days can be corrected"
            ),
        ),
        CorrectionError::YearMismatch { .. } => {
            ApiError::bad_request("bad_calendar", format!("日历年份不符：{e}"), e.to_string())
        }
    }
}

/// The deadlines of open cases (every jurisdiction: the calendar is shared) that the change
/// from `before` to `after` moves on `today`.
pub fn moving_deadlines(
    conn: &mut dyn Conn,
    before: &Calendar,
    after: &Calendar,
    today: Date,
) -> Result<Vec<MovingDeadline>, ApiError> {
    let numbers = conn.query(
        "SELECT case_number FROM cases WHERE closed = 0 ORDER BY case_number",
        params![],
    )?;
    let mut out = Vec::new();
    for r in numbers {
        let number = CaseNumber::parse(&r.text(0)?)
            .map_err(|e| ApiError::Internal(format!("stored case number: {e}")))?;
        let events = load_case_events(conn, number.as_str())?;
        let case = Case::apply(&events)
            .map_err(|e| ApiError::Internal(format!("stored case does not replay: {e}")))?;
        out.extend(case.moving_deadlines(before, after, today));
    }
    Ok(out)
}
