//! What every part of the rules service starts from: the log's entries opened for the engine,
//! the calendar the rules count with, and the service's error. A module of its own so that the
//! service, the replay and the report share it without importing one another.

use oneseal_domain::calendar::Calendar;
use oneseal_domain::event::Event;
use oneseal_domain::org::DivisionCode;
use oneseal_domain::rules::{ExpressionRefusal, LogItem};
use oneseal_store::{Conn, StoreError};
use time::OffsetDateTime;

use crate::services::commands::MIN_EXPLANATION;

/// Why a rules command or query was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("no such alert")]
    AlertNotFound,
    #[error("the alert is already closed")]
    AlertClosed,
    /// Closing an alert needs a written reason of at least [`MIN_EXPLANATION`] characters.
    #[error("an explanation of at least {MIN_EXPLANATION} characters is required")]
    ExplanationRequired,
    #[error("no such rule: {0}")]
    UnknownRule(String),
    /// The rule parameters are out of range (the domain's reason, in Chinese).
    #[error("rule parameters out of range: {0}")]
    BadParams(String),
    #[error("expression rule refused: {}", .0.message_en())]
    Expression(ExpressionRefusal),
    /// A report query names no grouping, period or format the report knows (what is expected).
    #[error("bad report query: {0}")]
    BadReportQuery(&'static str),
    #[error("calendar: {0}")]
    Calendar(String),
    #[error("report export: {0}")]
    Export(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Entries read per query while folding a log.
const PAGE: u64 = 2_000;

/// Every entry of `log` below `size`, opened (public entry + private body).
pub fn read_log(conn: &mut dyn Conn, log: &str, size: u64) -> Result<Vec<LogItem>, StoreError> {
    read_log_range(conn, log, 0, size)
}

/// The entries `from..to` of `log`, opened.
pub fn read_log_range(
    conn: &mut dyn Conn,
    log: &str,
    from: u64,
    size: u64,
) -> Result<Vec<LogItem>, StoreError> {
    let mut out = Vec::new();
    let mut next = from;
    while next < size {
        let to = (next + PAGE).min(size);
        for (idx, entry, salt, body) in oneseal_store::rules::read_entries(conn, log, next, to)? {
            let (envelope, event) = Event::open(&entry, &salt, &body)
                .map_err(|e| StoreError::Corrupt(format!("log {log} entry {idx}: {e}")))?;
            let time = OffsetDateTime::parse(
                &envelope.time,
                &time::format_description::well_known::Rfc3339,
            )
            .map_err(|e| StoreError::Corrupt(format!("log {log} entry {idx}: time: {e}")))?;
            out.push(LogItem {
                index: idx,
                time,
                actor: envelope.actor,
                event,
            });
        }
        next = to;
    }
    Ok(out)
}

/// Every jurisdiction's log with its size (logs not named by a division code are skipped).
pub fn jurisdictions(conn: &mut dyn Conn) -> Result<Vec<(DivisionCode, u64)>, StoreError> {
    Ok(oneseal_store::rules::log_sizes(conn)?
        .into_iter()
        .filter_map(|(l, s)| DivisionCode::parse(&l).ok().map(|j| (j, s)))
        .collect())
}

/// The calendar the rules count working days with.
pub fn builtin_calendar() -> Result<Calendar, RulesError> {
    Calendar::builtin().map_err(|e| RulesError::Calendar(e.to_string()))
}
