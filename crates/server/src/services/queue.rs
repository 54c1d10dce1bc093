//! The case queue a page at a time, for the JSON API and the `/cases` page alike: the query's
//! parameters checked into a filter, one page read in case-number order, and each row's legal
//! clock (one fold per row, for the rows shown only, their events read in one statement).
//!
//! The search (`q`) decides what it was given: a whole case number, an ID card number or a
//! credit code (exact, checked by their check characters), otherwise a piece of a name of at
//! least two characters. Its scoping is the queue's: the principal's own jurisdiction, which
//! the caller passes in after `authorize`; the store adds it to every statement, so no search
//! reaches another bureau's cases.

use oneseal_domain::calendar::Calendar;
use oneseal_domain::case::{Case, CaseClock, CaseNumber, CaseStatus, IdNumber};
use oneseal_domain::catalog::{UnifiedSocialCreditCode, date_format};
use oneseal_domain::org::DivisionCode;
use oneseal_store::Conn;
use oneseal_store::case_due::DueRange;
use oneseal_store::case_rows::load_events_of;
use oneseal_store::cases::{CaseSearch, Cursor, QueueFilter, QueueRow, queue_page};

use crate::services::cases::CaseServiceError;
use crate::services::paging::{
    Direction, ListQueryError, PageCursor, PageLinks, PagingError, parse_cursor, parse_limit,
};

/// The longest search text: longer than any registered name.
pub const MAX_SEARCH_CHARS: usize = 100;
/// Codes (item, department, staff) are short ASCII.
const MAX_CODE: usize = 64;

/// The queue's parameters as they arrive, all text, so that a bad value is refused with our
/// own typed error rather than the framework's.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct QueueParams {
    pub cursor: Option<String>,
    pub limit: Option<String>,
    pub q: Option<String>,
    pub status: Option<String>,
    pub item: Option<String>,
    pub department: Option<String>,
    pub channel: Option<String>,
    pub received_from: Option<String>,
    pub received_to: Option<String>,
    pub decided_from: Option<String>,
    pub decided_to: Option<String>,
    pub assignee: Option<String>,
    pub include_closed: Option<String>,
    /// `overdue | today | soon | later` ([`DueBand`]).
    pub due: Option<String>,
}

impl QueueParams {
    /// The filter parameters that are set, in a fixed order (for the page's links), without
    /// the cursor and limit.
    #[must_use]
    pub fn filters(&self) -> Vec<(&'static str, &str)> {
        [
            ("q", &self.q),
            ("status", &self.status),
            ("item", &self.item),
            ("department", &self.department),
            ("channel", &self.channel),
            ("received_from", &self.received_from),
            ("received_to", &self.received_to),
            ("decided_from", &self.decided_from),
            ("decided_to", &self.decided_to),
            ("assignee", &self.assignee),
            ("include_closed", &self.include_closed),
            ("due", &self.due),
        ]
        .into_iter()
        .filter_map(|(k, v)| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| (k, v))
        })
        .collect()
    }
}

/// A checked queue request.
#[derive(Debug, Clone)]
pub struct QueueRequest {
    pub filter: QueueFilter,
    pub cursor: Option<PageCursor>,
    pub limit: u32,
    /// The due band asked for, turned into due dates on the day the page is read.
    pub due: Option<DueBand>,
}

/// Working days ahead that count as "soon".
pub const SOON_WORKING_DAYS: u32 = 3;

/// Where an undecided case's statutory due date falls, counted in working days from today
/// (`?due=`). Only cases whose decision clock runs have a band: accepted (or deemed accepted
/// once the notice window ran out) and not in a special procedure, whose clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueBand {
    /// Past the statutory due date (red card).
    Overdue,
    /// Due today.
    Today,
    /// Due within the next [`SOON_WORKING_DAYS`] working days.
    Soon,
    /// Due after that.
    Later,
}

impl DueBand {
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "overdue" => Some(DueBand::Overdue),
            "today" => Some(DueBand::Today),
            "soon" => Some(DueBand::Soon),
            "later" => Some(DueBand::Later),
            _ => None,
        }
    }

    /// The due dates of the band on `today`.
    #[must_use]
    pub fn range(self, calendar: &Calendar, today: time::Date) -> DueRange {
        let soon_end = calendar
            .deadline(
                today,
                oneseal_domain::calendar::TimeLimit::working_days(SOON_WORKING_DAYS),
                &[],
            )
            .map_or(today + time::Duration::days(7), |d| d.due);
        let day = |d: time::Date| Some(d.to_string());
        let (from, to) = match self {
            DueBand::Overdue => (None, today.previous_day().and_then(day)),
            DueBand::Today => (day(today), day(today)),
            DueBand::Soon => (today.next_day().and_then(day), day(soon_end)),
            DueBand::Later => (soon_end.next_day().and_then(day), None),
        };
        DueRange {
            today: today.to_string(),
            from,
            to,
        }
    }
}

fn text(v: Option<&String>) -> Option<&str> {
    v.map(|s| s.trim()).filter(|s| !s.is_empty())
}

fn code(name: &'static str, v: Option<&String>) -> Result<Option<String>, ListQueryError> {
    match text(v) {
        None => Ok(None),
        Some(s)
            if s.len() <= MAX_CODE
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) =>
        {
            Ok(Some(s.to_owned()))
        }
        Some(_) => Err(ListQueryError::BadFilter(name)),
    }
}

fn date(name: &'static str, v: Option<&String>) -> Result<Option<time::Date>, ListQueryError> {
    text(v)
        .map(|s| date_format::parse(s).map_err(|_| ListQueryError::BadFilter(name)))
        .transpose()
}

/// What a search text is: a case number, an identifier, or a piece of a name.
fn search(q: &str) -> Result<CaseSearch, ListQueryError> {
    if q.chars().count() > MAX_SEARCH_CHARS {
        return Err(ListQueryError::BadFilter("q"));
    }
    if let Ok(n) = CaseNumber::parse(q) {
        return Ok(CaseSearch::Number(n.as_str().to_owned()));
    }
    if let Ok(id) = IdNumber::parse(q) {
        return Ok(CaseSearch::Identifier(id.as_str().to_owned()));
    }
    if let Ok(code) = UnifiedSocialCreditCode::parse(&q.to_ascii_uppercase()) {
        return Ok(CaseSearch::Identifier(code.as_str().to_owned()));
    }
    if q.chars().count() < 2 {
        return Err(ListQueryError::SearchTooShort);
    }
    Ok(CaseSearch::Name(q.to_owned()))
}

/// Checks the queue's parameters for the principal's `jurisdiction`.
///
/// # Errors
/// [`ListQueryError`] naming the first parameter that does not parse.
pub fn parse_queue(
    p: &QueueParams,
    jurisdiction: &DivisionCode,
) -> Result<QueueRequest, ListQueryError> {
    let cursor = parse_cursor(p.cursor.as_deref())?;
    if let Some(c) = &cursor
        && CaseNumber::parse(&c.key).is_err()
    {
        return Err(PagingError::BadCursor.into());
    }
    let limit = parse_limit(p.limit.as_deref())?;
    let status = text(p.status.as_ref())
        .map(|s| {
            s.parse::<u8>()
                .ok()
                .and_then(CaseStatus::from_code)
                .map(|s| i64::from(s.code()))
                .ok_or(ListQueryError::BadFilter("status"))
        })
        .transpose()?;
    let channel = match text(p.channel.as_ref()) {
        None => None,
        Some(c @ ("window" | "online")) => Some(c.to_owned()),
        Some(_) => return Err(ListQueryError::BadFilter("channel")),
    };
    let include_closed = match text(p.include_closed.as_ref()) {
        None | Some("false" | "0") => false,
        Some("true" | "1" | "on") => true,
        Some(_) => return Err(ListQueryError::BadFilter("include_closed")),
    };
    let compact =
        |d: time::Date| format!("{:04}{:02}{:02}", d.year(), u8::from(d.month()), d.day());
    let iso = |d: time::Date| d.to_string();
    let filter = QueueFilter {
        jurisdiction: jurisdiction.as_str().to_owned(),
        include_closed,
        status,
        item_code: code("item", p.item.as_ref())?,
        department: code("department", p.department.as_ref())?,
        channel,
        received_from: date("received_from", p.received_from.as_ref())?.map(compact),
        received_to: date("received_to", p.received_to.as_ref())?.map(compact),
        decided_from: date("decided_from", p.decided_from.as_ref())?.map(iso),
        decided_to: date("decided_to", p.decided_to.as_ref())?.map(iso),
        assignee: code("assignee", p.assignee.as_ref())?,
        search: text(p.q.as_ref()).map(search).transpose()?,
        due: None,
    };
    let due = text(p.due.as_ref())
        .map(|s| DueBand::parse(s).ok_or(ListQueryError::BadFilter("due")))
        .transpose()?;
    Ok(QueueRequest {
        filter,
        cursor,
        limit,
        due,
    })
}

/// One row of the queue with its clocks as of the day asked.
pub struct QueueEntry {
    pub row: QueueRow,
    pub clock: Option<CaseClock>,
    /// Working days left to the statutory deadline, once the case is accepted.
    pub remaining: Option<i64>,
}

/// One page of the queue and the cursors of its neighbours.
pub struct QueueView {
    pub entries: Vec<QueueEntry>,
    pub links: PageLinks,
}

/// Reads one page of the queue, in case-number order.
///
/// # Errors
/// A store error, or a stored case that does not replay.
pub fn queue(
    conn: &mut dyn Conn,
    req: &QueueRequest,
    calendar: &Calendar,
    today: time::Date,
) -> Result<QueueView, CaseServiceError> {
    let cursor = req.cursor.as_ref().map(|c| match c.direction {
        Direction::After => Cursor::After(c.key.clone()),
        Direction::Before => Cursor::Before(c.key.clone()),
    });
    let mut filter = req.filter.clone();
    filter.due = req.due.map(|b| b.range(calendar, today));
    let page = queue_page(conn, &filter, cursor.as_ref(), req.limit)?;
    let numbers: Vec<String> = page.rows.iter().map(|r| r.case_number.clone()).collect();
    let mut histories = load_events_of(conn, &numbers)?.into_iter();
    let mut entries = Vec::with_capacity(page.rows.len());
    for row in page.rows {
        // Both are in case-number order: each row's history is the next one.
        let events = match histories.next() {
            Some((n, events)) if n == row.case_number => events,
            _ => return Err(CaseServiceError::NotFound),
        };
        let case = Case::apply(&events)
            .map_err(|e| CaseServiceError::Corrupt(format!("stored case does not replay: {e}")))?;
        let clock = case.clock(calendar, today).ok();
        let remaining = clock
            .as_ref()
            .and_then(|c| c.decision.as_ref())
            .map(|d| d.remaining_statutory);
        entries.push(QueueEntry {
            row,
            clock,
            remaining,
        });
    }
    let first = entries.first().map(|e| e.row.case_number.as_str());
    let last = entries.last().map(|e| e.row.case_number.as_str());
    let links = PageLinks::new(first, last, page.more_before, page.more_after);
    Ok(QueueView { entries, links })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> QueueParams {
        let mut p = QueueParams::default();
        for (k, v) in pairs {
            let v = Some((*v).to_owned());
            match *k {
                "q" => p.q = v,
                "status" => p.status = v,
                "channel" => p.channel = v,
                "received_from" => p.received_from = v,
                "limit" => p.limit = v,
                "cursor" => p.cursor = v,
                "item" => p.item = v,
                "due" => p.due = v,
                _ => unreachable!(),
            }
        }
        p
    }

    fn j() -> DivisionCode {
        DivisionCode::parse("370100").unwrap()
    }

    #[test]
    fn a_search_is_a_number_an_identifier_or_a_name() {
        let s = |q: &str| parse_queue(&params(&[("q", q)]), &j()).map(|r| r.filter.search);
        assert_eq!(
            s("37010020261206000001"),
            Ok(Some(CaseSearch::Number("37010020261206000001".into())))
        );
        assert_eq!(
            s("11010519491231002x"),
            Ok(Some(CaseSearch::Identifier("11010519491231002X".into())))
        );
        assert_eq!(s("张三"), Ok(Some(CaseSearch::Name("张三".into()))));
        assert_eq!(s("  "), Ok(None));
        assert_eq!(s("张"), Err(ListQueryError::SearchTooShort));
        assert_eq!(s(&"张".repeat(101)), Err(ListQueryError::BadFilter("q")));
    }

    #[test]
    fn bad_filters_name_their_parameter() {
        for (k, v) in [
            ("status", "99"),
            ("status", "x"),
            ("channel", "fax"),
            ("received_from", "2026-13-01"),
            ("item", "a b"),
            ("due", "tomorrow"),
        ] {
            let e = parse_queue(&params(&[(k, v)]), &j()).unwrap_err();
            assert!(
                matches!(e, ListQueryError::BadFilter(n) if n == k),
                "{k}={v}: {e:?}"
            );
        }
        let e = parse_queue(&params(&[("limit", "0")]), &j()).unwrap_err();
        assert_eq!(e, ListQueryError::Paging(PagingError::BadLimit));
        // A well-formed cursor around something that is not a case number.
        let c = PageCursor::after("not-a-number").encode();
        let e = parse_queue(&params(&[("cursor", &c)]), &j()).unwrap_err();
        assert_eq!(e, ListQueryError::Paging(PagingError::BadCursor));
    }

    #[test]
    fn receipt_dates_become_the_date_inside_case_numbers() {
        let r = parse_queue(&params(&[("received_from", "2026-12-06")]), &j()).unwrap();
        assert_eq!(r.filter.received_from.as_deref(), Some("20261206"));
    }
}
