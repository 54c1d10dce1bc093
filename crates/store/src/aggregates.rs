//! Counters of case steps per day × jurisdiction × item × person (`case_tallies`, issue #17
//! item 2): what the dashboard, the public statistics and the accountability report sum over a
//! date range, so that none of them folds every case of a jurisdiction per request.
//!
//! A step adds its counts in its own transaction (`Tx::record_case_step` calls
//! [`record_step`]): increments, never a fold. The counts of a decision rest on the legal clock,
//! which needs the working-day calendar; the step is handed the calendar its command ran with.
//! Because a case keeps the dates it was decided under (a later calendar correction moves the
//! deadlines of open cases only), [`rebuild`] — a fold of every case, step by step, with the
//! calendar the database holds now — reaches the same rows. `ledger verify` runs [`rebuild`] on
//! its replayed scratch database and compares; migration 25 runs it once on existing data.
//!
//! Each increment goes to the step's day row and to its month row (`case_tallies_monthly`,
//! migration 63), in the same statement sequence and transaction, so a month row is always the
//! sum of its days: a period's whole months are read from the month rows and only its partial
//! months from the days ([`Period`]), so that the whole history is not a sum of every day.
//! [`rebuild`] writes both, and `ledger verify` compares both; migration 63 filled the months
//! from the days.
//!
//! A step of a kind this module does not count (materials, documents, review steps, …) adds
//! nothing: new case events need no change here unless a figure should count them.

pub(crate) mod period;
mod sums;

use std::collections::BTreeMap;

use oneseal_domain::calendar::Calendar;
use oneseal_domain::case::{Case, CaseEvent, Decision};

use crate::counters::Counter;
use crate::sql::Conn;
use crate::{StoreError, params};

pub use period::{Period, month_of};
pub use sums::{
    DayTotals, ItemTotals, PersonItemTotals, day_totals, item_totals, item_totals_in,
    person_item_totals, person_item_totals_in,
};

/// The counters, in the table's column order after the key.
pub const COUNTERS: [&str; 10] = [
    "received",
    "accepted",
    "not_accepted",
    "decided",
    "granted",
    "refused",
    "withdrawn",
    "timed",
    "on_time",
    "working_days",
];

/// Where a step's counts go.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TallyKey {
    pub jurisdiction: String,
    /// `YYYY-MM-DD`, the step's legal date.
    pub day: String,
    /// The item's basic code.
    pub item: String,
    /// The approving official of a decision (staff id); empty for other steps.
    pub person: String,
}

/// What one step adds, in [`COUNTERS`] order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts(pub [i64; 10]);

impl Counts {
    fn add(&mut self, other: &Counts) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a += b;
        }
    }

    fn is_zero(&self) -> bool {
        self.0.iter().all(|v| *v == 0)
    }
}

const RECEIVED: usize = 0;
const ACCEPTED: usize = 1;
const NOT_ACCEPTED: usize = 2;
const DECIDED: usize = 3;
const GRANTED: usize = 4;
const REFUSED: usize = 5;
const WITHDRAWN: usize = 6;
const TIMED: usize = 7;
const ON_TIME: usize = 8;
const WORKING_DAYS: usize = 9;

/// What `event` adds to the counters; `case` is the case with `event` applied. A decision is
/// timed with the legal clock read on its own day: the working days from acceptance and whether
/// it came within the statutory limit (extensions included) — the definition the public
/// statistics, the dashboard and the accountability report share.
#[must_use]
pub fn step_counts(
    jurisdiction: &str,
    event: &CaseEvent,
    case: &Case,
    calendar: &Calendar,
) -> Option<(TallyKey, Counts)> {
    let day = event.date();
    let mut c = Counts::default();
    let mut person = String::new();
    match event {
        CaseEvent::Received(_) => c.0[RECEIVED] = 1,
        CaseEvent::Accepted { .. } => c.0[ACCEPTED] = 1,
        CaseEvent::NotAccepted { .. } => c.0[NOT_ACCEPTED] = 1,
        CaseEvent::Withdrawn { .. } => c.0[WITHDRAWN] = 1,
        CaseEvent::Decided {
            approver, decision, ..
        } => {
            person = approver.as_str().to_owned();
            c.0[DECIDED] = 1;
            match decision {
                Decision::Refuse(_) => c.0[REFUSED] = 1,
                _ => c.0[GRANTED] = 1,
            }
            if let Some(k) = case.clock(calendar, day).ok().and_then(|k| k.decision) {
                c.0[TIMED] = 1;
                c.0[ON_TIME] = i64::from(day <= k.statutory.due);
                c.0[WORKING_DAYS] = i64::from(k.elapsed);
            }
        }
        _ => return None,
    }
    Some((
        TallyKey {
            jurisdiction: jurisdiction.to_owned(),
            day: day.to_string(),
            item: case.received().item.basic_code.as_str().to_owned(),
            person,
        },
        c,
    ))
}

/// The daily counter table.
pub static DAILY: Counter = Counter {
    table: "case_tallies",
    key: &["jurisdiction", "day", "item", "person"],
    counts: &COUNTERS,
    drop_at_zero: false,
};

/// The monthly roll-up: the same counts, keyed by month.
pub static MONTHLY: Counter = Counter {
    table: "case_tallies_monthly",
    key: &["jurisdiction", "month", "item", "person"],
    counts: &COUNTERS,
    drop_at_zero: false,
};

/// The values of a counter row's key: `key` with its date column holding `on` (a day or a month).
fn row_of(key: &TallyKey, on: &str) -> Vec<String> {
    vec![
        key.jurisdiction.clone(),
        on.to_owned(),
        key.item.clone(),
        key.person.clone(),
    ]
}

/// Adds `counts` to the day's and the month's rows of `key`.
pub fn add(conn: &mut dyn Conn, key: &TallyKey, counts: &Counts) -> Result<(), StoreError> {
    for (counter, on) in [(&DAILY, key.day.as_str()), (&MONTHLY, month_of(&key.day))] {
        conn.add_counts(counter, row_of(key, on), &counts.0)?;
    }
    Ok(())
}

/// The step's increments, in the step's transaction.
pub fn record_step(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    event: &CaseEvent,
    case: &Case,
    calendar: &Calendar,
) -> Result<(), StoreError> {
    match step_counts(jurisdiction, event, case, calendar) {
        Some((key, counts)) => add(conn, &key, &counts),
        None => Ok(()),
    }
}

/// Every case's counts, folded from its events step by step with `calendar`: what the
/// increments must have summed to.
pub fn fold(
    conn: &mut dyn Conn,
    calendar: &Calendar,
) -> Result<BTreeMap<TallyKey, Counts>, StoreError> {
    const PAGE: i64 = 500;
    let mut out: BTreeMap<TallyKey, Counts> = BTreeMap::new();
    let mut after = String::new();
    loop {
        let rows = conn.query(
            "SELECT case_number, jurisdiction FROM cases WHERE case_number > ? \
             ORDER BY case_number LIMIT ?",
            params![after.as_str(), PAGE],
        )?;
        let Some(last) = rows.last() else { break };
        after = last.text(0)?;
        let mut jurisdiction_of = BTreeMap::new();
        for r in &rows {
            jurisdiction_of.insert(r.text(0)?, r.text(1)?);
        }
        let numbers: Vec<String> = jurisdiction_of.keys().cloned().collect();
        for (number, events) in crate::case_rows::load_events_of(conn, &numbers)? {
            let j = jurisdiction_of.get(&number).cloned().unwrap_or_default();
            let corrupt = |e: String| StoreError::Corrupt(format!("case {number}: {e}"));
            let mut case: Option<Case> = None;
            for e in &events {
                match case.as_mut() {
                    None => {
                        case = Some(
                            Case::apply(std::slice::from_ref(e))
                                .map_err(|x| corrupt(x.to_string()))?,
                        );
                    }
                    Some(c) => c.evolve(e).map_err(|x| corrupt(x.to_string()))?,
                }
                if let Some(c) = case.as_ref()
                    && let Some((key, counts)) = step_counts(&j, e, c, calendar)
                {
                    out.entry(key).or_default().add(&counts);
                }
            }
        }
        if rows.len() < PAGE as usize {
            break;
        }
    }
    out.retain(|_, c| !c.is_zero());
    Ok(out)
}

/// Replaces every row, days and months, with a fold of the cases' events (`ledger verify`'s
/// scratch database).
pub fn rebuild(conn: &mut dyn Conn, calendar: &Calendar) -> Result<usize, StoreError> {
    let rows = fold(conn, calendar)?;
    conn.execute("DELETE FROM case_tallies", &[])?;
    conn.execute("DELETE FROM case_tallies_monthly", &[])?;
    for (key, counts) in &rows {
        add(conn, key, counts)?;
    }
    Ok(rows.len())
}

/// Recounts, in the caller's transaction, the decisions dated on or after `from` (`YYYY-MM-DD`)
/// whose counts the change from `before` to `after` alters, by adding the difference to their
/// rows; returns how many decisions moved.
///
/// Why: a decision is timed with the calendar of the moment it is recorded. In a year still
/// provisional (暂定: no State Council notice imported) that is the statutory-holiday estimate;
/// importing the notice replaces it, and [`rebuild`] (`ledger verify`) would then time the same
/// decision with the notice's days. A decision's working days and on-time verdict read only the
/// days up to the decision, so only decisions dated in the imported year or after can move;
/// `cases.decided_on` is indexed per jurisdiction, so this reads those cases only.
pub fn recount_decisions(
    conn: &mut dyn Conn,
    from: &str,
    before: &Calendar,
    after: &Calendar,
) -> Result<usize, StoreError> {
    let mut cases: Vec<(String, String)> = Vec::new();
    let jurisdictions: Vec<String> = conn
        .query("SELECT code FROM jurisdictions ORDER BY code", &[])?
        .iter()
        .map(|r| r.text(0))
        .collect::<Result<_, _>>()?;
    for j in jurisdictions {
        for r in conn.query(
            "SELECT case_number FROM cases WHERE jurisdiction = ? AND decided_on >= ? \
             ORDER BY case_number",
            params![j.as_str(), from],
        )? {
            cases.push((r.text(0)?, j.clone()));
        }
    }
    let mut moved = 0;
    for page in cases.chunks(500) {
        let jurisdiction_of: BTreeMap<&str, &str> =
            page.iter().map(|(n, j)| (n.as_str(), j.as_str())).collect();
        let numbers: Vec<String> = page.iter().map(|(n, _)| n.clone()).collect();
        for (number, events) in crate::case_rows::load_events_of(conn, &numbers)? {
            let j = jurisdiction_of
                .get(number.as_str())
                .copied()
                .unwrap_or_default();
            let corrupt = |e: String| StoreError::Corrupt(format!("case {number}: {e}"));
            let mut case: Option<Case> = None;
            for e in &events {
                match case.as_mut() {
                    None => {
                        case = Some(
                            Case::apply(std::slice::from_ref(e))
                                .map_err(|x| corrupt(x.to_string()))?,
                        );
                    }
                    Some(c) => c.evolve(e).map_err(|x| corrupt(x.to_string()))?,
                }
                let (CaseEvent::Decided { .. }, Some(c)) = (e, case.as_ref()) else {
                    continue;
                };
                let was = step_counts(j, e, c, before);
                let now = step_counts(j, e, c, after);
                if let (Some((key, was)), Some((_, now))) = (was, now)
                    && was != now
                {
                    let mut delta = Counts::default();
                    for (d, (n, w)) in delta.0.iter_mut().zip(now.0.iter().zip(was.0)) {
                        *d = n - w;
                    }
                    add(conn, &key, &delta)?;
                    moved += 1;
                }
            }
        }
    }
    Ok(moved)
}

/// Every row as stored (tests and the property test compare it with [`fold`]).
pub fn all(conn: &mut dyn Conn) -> Result<BTreeMap<TallyKey, Counts>, StoreError> {
    read_all(conn, "case_tallies", "day")
}

/// Every month row as stored, its month (`YYYY-MM`) in [`TallyKey::day`] (the tests compare
/// it with [`by_month`] of [`all`]).
pub fn all_months(conn: &mut dyn Conn) -> Result<BTreeMap<TallyKey, Counts>, StoreError> {
    read_all(conn, "case_tallies_monthly", "month")
}

/// Day rows summed per month: what the month rows must hold.
#[must_use]
pub fn by_month(days: &BTreeMap<TallyKey, Counts>) -> BTreeMap<TallyKey, Counts> {
    let mut out: BTreeMap<TallyKey, Counts> = BTreeMap::new();
    for (k, c) in days {
        let key = TallyKey {
            day: month_of(&k.day).to_owned(),
            ..k.clone()
        };
        out.entry(key).or_default().add(c);
    }
    out
}

fn read_all(
    conn: &mut dyn Conn,
    table: &str,
    when: &str,
) -> Result<BTreeMap<TallyKey, Counts>, StoreError> {
    let mut out = BTreeMap::new();
    for r in conn.query(
        &format!(
            "SELECT jurisdiction, {when}, item, person, {} FROM {table}",
            COUNTERS.join(", ")
        ),
        &[],
    )? {
        let mut c = Counts::default();
        for (i, v) in c.0.iter_mut().enumerate() {
            *v = r.int(4 + i)?;
        }
        out.insert(
            TallyKey {
                jurisdiction: r.text(0)?,
                day: r.text(1)?,
                item: r.text(2)?,
                person: r.text(3)?,
            },
            c,
        );
    }
    Ok(out)
}

/// Migration 25: the day rows of the cases written before migration 24 (one fold per case).
/// The day rows only: the month rows do not exist before migration 63, which sums them from
/// these.
pub fn backfill(conn: &mut dyn Conn) -> Result<(), StoreError> {
    let any = conn
        .query_one("SELECT case_number FROM cases LIMIT 1", &[])?
        .is_some();
    if !any {
        return Ok(());
    }
    let calendar = crate::calendar::stored(conn)?;
    let rows = fold(conn, &calendar)?;
    conn.execute("DELETE FROM case_tallies", &[])?;
    for (key, counts) in &rows {
        conn.add_counts(&DAILY, row_of(key, &key.day), &counts.0)?;
    }
    Ok(())
}
