//! The working-day calendar the server computes with: the years shipped in the binary plus the
//! years administrators imported (each import is a ledger event), swapped in atomically so a
//! request always sees one whole calendar.
//!
//! A year already in force is history up to today: it changes only through a correction of the
//! days ahead (`domain::calendar::Correction`), proposed by the city's administrator and put in
//! force by the bureau head (`import_year`, `propose_correction`, `approve_correction` below). The calendar keeps the years corrections replaced,
//! so a case decided before a correction keeps its dates.

use std::sync::{Arc, RwLock};

use oneseal_domain::calendar::{Calendar, Correction, CorrectionError, YearCalendar};
use oneseal_domain::case::{Case, CaseNumber};
use oneseal_domain::event::MovingDeadline;
use oneseal_store::projection::load_case_events;
use oneseal_store::{Conn, StoreError};
use time::{Date, OffsetDateTime};

use oneseal_domain::case::legal_date;
use oneseal_domain::event::{Actor, CalendarCorrection, CorrectionApproval, Event};
use oneseal_domain::org::{DivisionCode, StaffId};
use oneseal_store::Store;

/// Why a calendar import, proposal or approval was refused (or failed).
#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    #[error("the calendar file is not UTF-8")]
    NotUtf8,
    /// The year file does not parse or validate; the message is clipped to 300 characters.
    #[error("bad calendar file: {0}")]
    BadYear(String),
    /// A change of a day up to today, or a year that does not match.
    #[error(transparent)]
    Correction(#[from] CorrectionError),
    /// An import of a year in force that changes later days: that needs a correction.
    #[error(
        "the {year} calendar is in force; changing later days (from {first}) needs a correction"
    )]
    CorrectionRequired { year: i32, first: String },
    #[error("the {year} calendar is not in force yet: import it instead")]
    NotInForce { year: i32 },
    #[error("the {year} calendar would not change")]
    Unchanged { year: i32 },
    /// A reason or source that is empty, too long or holds control characters.
    #[error("{name} must be 1–{max} characters of text")]
    BadText { name: &'static str, max: usize },
    #[error("no such calendar correction")]
    CorrectionNotFound,
    #[error("this correction is no longer pending")]
    NotPending,
    #[error("the proposer of a correction may not approve it")]
    OwnProposal,
    #[error("the year changed since the correction was proposed")]
    Stale,
    /// Stored state that does not load, a task that died: our fault.
    #[error("{0}")]
    Internal(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

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

/// The calendar as the database holds it (`oneseal_store::calendar::stored`): the shipped years,
/// the imported and corrected ones, and the years the approved corrections replaced.
pub fn stored(conn: &mut dyn Conn) -> Result<Calendar, StoreError> {
    oneseal_store::calendar::stored(conn)
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
/// `CalendarError::Correction` (`HistoryImmutable`) naming the first such day.
pub fn amendment(
    conn: &mut dyn Conn,
    year: YearCalendar,
    today: Date,
) -> Result<Amendment, CalendarError> {
    let Some(current) = stored(conn)?.year(year.year()).cloned() else {
        return Ok(Amendment::New(year));
    };
    let correction = Correction::check(&current, year, today)?;
    Ok(if correction.change().is_empty() {
        Amendment::Unchanged
    } else {
        Amendment::Correction(correction)
    })
}

/// The deadlines of open cases (every jurisdiction: the calendar is shared) that the change
/// from `before` to `after` moves on `today`.
pub fn moving_deadlines(
    conn: &mut dyn Conn,
    before: &Calendar,
    after: &Calendar,
    today: Date,
) -> Result<Vec<MovingDeadline>, CalendarError> {
    let mut out = Vec::new();
    for n in oneseal_store::calendar::open_case_numbers(conn)? {
        let number = CaseNumber::parse(&n)
            .map_err(|e| CalendarError::Internal(format!("stored case number: {e}")))?;
        let events = load_case_events(conn, number.as_str())?;
        let case = Case::apply(&events)
            .map_err(|e| CalendarError::Internal(format!("stored case does not replay: {e}")))?;
        out.extend(case.moving_deadlines(before, after, today));
    }
    Ok(out)
}

/// At most 300 characters of a parser's message, so the answer stays small whatever it quotes.
fn clip(message: &str) -> String {
    const MAX: usize = 300;
    match message.char_indices().nth(MAX) {
        None => message.to_owned(),
        Some((end, _)) => format!("{}…", &message[..end]),
    }
}

fn bad_year(e: oneseal_domain::calendar::YearDataError) -> CalendarError {
    // The parser's message may quote the file (an unknown `kind` is repeated in full).
    CalendarError::BadYear(clip(&e.to_string()))
}

fn internal(e: impl std::fmt::Display) -> CalendarError {
    CalendarError::Internal(e.to_string())
}

fn stored_correction(e: impl std::fmt::Display) -> CalendarError {
    CalendarError::Internal(format!("stored correction: {e}"))
}

/// Reads a year file: UTF-8, then parsed and validated off the async workers, as catalog files
/// are (issue #22, item 2): a body of the full size limit takes a while. Returns the year and
/// its text (the text is what the ledger records).
pub async fn parse_year_file(body: Vec<u8>) -> Result<(YearCalendar, String), CalendarError> {
    let text = String::from_utf8(body).map_err(|_| CalendarError::NotUtf8)?;
    let (year, text) = tokio::task::spawn_blocking(move || (YearCalendar::from_json(&text), text))
        .await
        .map_err(internal)?;
    Ok((year.map_err(bad_year)?, text))
}

/// Rereads the calendar the database holds and swaps it in.
async fn reload(store: &Store, calendars: &CalendarStore) -> Result<(), CalendarError> {
    let cal = store.read(|c| stored(c)).await?;
    calendars.replace(cal);
    Ok(())
}

fn first_day(c: &Correction) -> String {
    c.change()
        .days()
        .first()
        .map_or_else(|| "—".to_owned(), ToString::to_string)
}

/// The ledger event that imports `year` (with the open cases' deadlines it moves, typically
/// provisional dates replaced by the notice's), or `None` when the year in force is the same.
/// A change of a past day is refused, a change of later days needs a correction. Shared by the
/// API and the CLI so both record the same thing. Run inside the import's write: it also
/// recounts, in that transaction, the step counters of the decisions dated from that year on
/// (`aggregates::recount_decisions`), which were timed with the provisional days, and rewrites
/// every open case's projected due date (`case_due::rebuild`).
///
/// # Errors
/// [`CalendarError::CorrectionRequired`], [`CalendarError::Correction`], or the store's.
pub fn import_event(
    conn: &mut dyn Conn,
    year: YearCalendar,
    text: String,
    today: Date,
) -> Result<Option<Event>, CalendarError> {
    let number = year.year();
    match amendment(conn, year, today)? {
        Amendment::New(year) => {
            let before = stored(conn)?;
            let mut after = before.clone();
            after.insert_year(year);
            let moving = moving_deadlines(conn, &before, &after, today)?;
            // The decisions already counted with the provisional days of this year (or a later
            // one) are recounted with the notice's, as `ledger verify` will count them.
            let from = format!("{number:04}-01-01");
            oneseal_store::aggregates::recount_decisions(conn, &from, &before, &after)?;
            // Every open case's projected due date, counted with the new year.
            oneseal_store::case_due::rebuild(conn, &after)?;
            Ok(Some(Event::CalendarYearImported {
                year: number,
                json: text,
                moving,
            }))
        }
        Amendment::Unchanged => Ok(None),
        Amendment::Correction(c) => Err(CalendarError::CorrectionRequired {
            year: number,
            first: first_day(&c),
        }),
    }
}

/// A recorded import.
#[derive(Debug)]
pub struct Imported {
    pub ledger_index: u64,
    pub moving: Vec<MovingDeadline>,
}

/// Records `year` when it is not in force yet and swaps the new calendar in, so every open
/// case's deadlines are recounted from now on; `None` when the year in force is the same.
pub async fn import_year(
    store: &Store,
    calendars: &CalendarStore,
    (year, text): (YearCalendar, String),
    jurisdiction: DivisionCode,
    actor: Actor,
    now: OffsetDateTime,
) -> Result<Option<Imported>, CalendarError> {
    let today = legal_date(now);
    let out = store
        .write(move |tx| -> Result<_, CalendarError> {
            let Some(event) = import_event(tx.conn(), year, text, today)? else {
                return Ok(None);
            };
            let ledger_index = tx.record(&event, now, &jurisdiction, &actor)?;
            let moving = match event {
                Event::CalendarYearImported { moving, .. } => moving,
                _ => Vec::new(),
            };
            Ok(Some(Imported {
                ledger_index,
                moving,
            }))
        })
        .await?;
    if out.is_some() {
        reload(store, calendars).await?;
    }
    Ok(out)
}

/// What importing a year file would do, shown before it is done.
#[derive(Debug, serde::Serialize)]
pub struct Preview {
    pub year: i32,
    pub source: oneseal_domain::calendar::SourceNotice,
    /// `import` (not in force yet), `unchanged`, `correction_required` (later days of a year
    /// in force change) or `refused` (a day up to today changes).
    pub action: &'static str,
    /// The notice's holidays, consecutive days of one name grouped.
    pub holidays: Vec<HolidayRange>,
    /// The notice's make-up workdays.
    pub makeup_workdays: Vec<String>,
    /// How the notice differs from the provisional year it would replace (`None` outside the
    /// statutory table).
    pub versus_provisional: Option<oneseal_domain::calendar::provisional::NoticeDifference>,
    /// The open cases' deadlines the import would move.
    pub moving: Vec<MovingDeadline>,
}

#[derive(Debug, serde::Serialize)]
pub struct HolidayRange {
    pub name: String,
    pub from: String,
    pub to: String,
    pub days: u32,
}

fn holiday_ranges(year: &YearCalendar) -> Vec<HolidayRange> {
    let mut out: Vec<(String, Date, Date, u32)> = Vec::new();
    let holidays = year
        .overrides()
        .filter(|(_, o)| o.kind == oneseal_domain::calendar::OverrideKind::Holiday);
    for (date, o) in holidays {
        let name = o.name.clone().unwrap_or_default();
        match out.last_mut() {
            Some(last) if last.0 == name && last.2.next_day() == Some(date) => {
                last.2 = date;
                last.3 += 1;
            }
            _ => out.push((name, date, date, 1)),
        }
    }
    out.into_iter()
        .map(|(name, from, to, days)| HolidayRange {
            name,
            from: from.to_string(),
            to: to.to_string(),
            days,
        })
        .collect()
}

/// Reads what importing `year` would do on `today`, recording nothing.
///
/// # Errors
/// The store's, or `Internal` for a stored case that does not replay.
pub fn preview(
    conn: &mut dyn Conn,
    year: YearCalendar,
    today: Date,
) -> Result<Preview, CalendarError> {
    let (action, moving) = match amendment(conn, year.clone(), today) {
        Ok(Amendment::New(y)) => {
            let before = stored(conn)?;
            let mut after = before.clone();
            after.insert_year(y);
            ("import", moving_deadlines(conn, &before, &after, today)?)
        }
        Ok(Amendment::Unchanged) => ("unchanged", Vec::new()),
        Ok(Amendment::Correction(_)) => ("correction_required", Vec::new()),
        // A change of a day up to today: the import would be refused.
        Err(CalendarError::Correction(_)) => ("refused", Vec::new()),
        Err(e) => return Err(e),
    };
    Ok(Preview {
        year: year.year(),
        source: year.source().clone(),
        action,
        holidays: holiday_ranges(&year),
        makeup_workdays: year
            .overrides()
            .filter(|(_, o)| o.kind == oneseal_domain::calendar::OverrideKind::MakeupWorkday)
            .map(|(d, _)| d.to_string())
            .collect(),
        versus_provisional: oneseal_domain::calendar::provisional::compare(&year),
        moving,
    })
}

/// The moved deadlines a principal of `jurisdiction` may see: a city's cover its counties (the
/// calendar is the city's), a county's only its own cases.
pub fn moves(
    conn: &mut dyn Conn,
    jurisdiction: &DivisionCode,
) -> Result<Vec<oneseal_store::calendar::MoveRow>, CalendarError> {
    const MAX_ROWS: i64 = 500;
    let code = jurisdiction.as_str();
    let prefix = if *jurisdiction == jurisdiction.city() {
        code.get(..4).unwrap_or(code)
    } else {
        code
    };
    Ok(oneseal_store::calendar::moves(
        conn,
        Some(prefix),
        MAX_ROWS,
    )?)
}

/// Free text limits: a reason is a paragraph, a source a notice's title or number.
const MAX_REASON_CHARS: usize = 2000;
const MAX_SOURCE_CHARS: usize = 300;

fn text_field(name: &'static str, v: &str, max: usize) -> Result<String, CalendarError> {
    let t = v.trim();
    if t.is_empty() || t.chars().count() > max || t.chars().any(char::is_control) {
        return Err(CalendarError::BadText { name, max });
    }
    Ok(t.to_owned())
}

/// A proposed correction as recorded.
#[derive(Debug)]
pub struct Proposed {
    pub correction_id: String,
    pub year: i32,
    pub days: Vec<Date>,
    pub moving: Vec<MovingDeadline>,
    pub ledger_index: u64,
}

/// Proposes correcting days after today in a year in force (`calendar` is the whole year as it
/// should be, in the import layout): recorded on the ledger as proposed with the open cases
/// whose deadlines move, without effect until the head approves.
pub async fn propose_correction(
    store: &Store,
    city: DivisionCode,
    staff: StaffId,
    calendar: &str,
    reason: &str,
    source: &str,
    now: OffsetDateTime,
) -> Result<Proposed, CalendarError> {
    let reason = text_field("reason", reason, MAX_REASON_CHARS)?;
    let source = text_field("source", source, MAX_SOURCE_CHARS)?;
    let year = YearCalendar::from_json(calendar).map_err(bad_year)?;
    let today = legal_date(now);
    let number = year.year();
    let actor = Actor::Staff(staff.clone());
    store
        .write(move |tx| {
            let correction = match amendment(tx.conn(), year, today)? {
                Amendment::Correction(c) => c,
                Amendment::New(_) => return Err(CalendarError::NotInForce { year: number }),
                Amendment::Unchanged => return Err(CalendarError::Unchanged { year: number }),
            };
            let before = stored(tx.conn())?;
            let base_json = before.to_year_json(number).map_err(internal)?;
            let mut after = before.clone();
            after.correct(correction.clone(), now).map_err(internal)?;
            let moving = moving_deadlines(tx.conn(), &before, &after, today)?;
            let seq = oneseal_store::calendar::correction_count(tx.conn())?;
            let proposal = CalendarCorrection {
                correction_id: format!("CC{number}-{:04}", seq + 1),
                year: number,
                proposed_by: staff,
                json: correction.replacement().to_json().map_err(internal)?,
                base_json,
                days: correction.change().days().to_vec(),
                reason,
                source,
                moving,
            };
            let event = Event::CalendarCorrectionProposed {
                correction: Box::new(proposal.clone()),
            };
            let ledger_index = tx.record(&event, now, &city, &actor)?;
            Ok(Proposed {
                correction_id: proposal.correction_id,
                year: number,
                days: proposal.days,
                moving: proposal.moving,
                ledger_index,
            })
        })
        .await
}

/// An approved correction as recorded.
#[derive(Debug)]
pub struct Approved {
    pub correction_id: String,
    pub year: i32,
    pub moving: Vec<MovingDeadline>,
    pub ledger_index: u64,
}

/// The bureau head puts a proposed correction of `city`'s calendar in force, checked again
/// against today and the year as it now is; the open cases' deadlines move from this instant.
pub async fn approve_correction(
    store: &Store,
    calendars: &CalendarStore,
    city: DivisionCode,
    staff: StaffId,
    id: String,
    now: OffsetDateTime,
) -> Result<Approved, CalendarError> {
    let today = legal_date(now);
    let actor = Actor::Staff(staff.clone());
    let out = store
        .write(move |tx| {
            let row = oneseal_store::calendar::correction(tx.conn(), &id)?
                .ok_or(CalendarError::CorrectionNotFound)?;
            if row.jurisdiction != city.as_str() {
                return Err(CalendarError::CorrectionNotFound);
            }
            let proposal: CalendarCorrection =
                serde_json::from_str(&row.body).map_err(stored_correction)?;
            if row.status != "proposed" {
                return Err(CalendarError::NotPending);
            }
            if proposal.proposed_by == staff {
                return Err(CalendarError::OwnProposal);
            }
            let before = stored(tx.conn())?;
            let base = YearCalendar::from_json(&proposal.base_json).map_err(stored_correction)?;
            if before.year(proposal.year) != Some(&base) {
                return Err(CalendarError::Stale);
            }
            let replacement = YearCalendar::from_json(&proposal.json).map_err(stored_correction)?;
            let correction = Correction::check(&base, replacement, today)?;
            let mut after = before.clone();
            after.correct(correction, now).map_err(internal)?;
            let moving = moving_deadlines(tx.conn(), &before, &after, today)?;
            oneseal_store::case_due::rebuild(tx.conn(), &after)?;
            let approval = CorrectionApproval {
                correction_id: proposal.correction_id.clone(),
                year: proposal.year,
                json: proposal.json,
                approved_by: staff,
                approved_at: now,
                moving,
            };
            let event = Event::CalendarCorrectionApproved {
                approval: Box::new(approval.clone()),
            };
            let ledger_index = tx.record(&event, now, &city, &actor)?;
            Ok(Approved {
                correction_id: approval.correction_id,
                year: approval.year,
                moving: approval.moving,
                ledger_index,
            })
        })
        .await?;
    reload(store, calendars).await?;
    Ok(out)
}
