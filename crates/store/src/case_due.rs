//! The projected decision deadline of each undecided open case (`case_due`, migration 33;
//! issue #17): the dashboard's open cases by remaining working days and cards, and the queue's
//! due bands, read these rows instead of folding every open case per request.
//!
//! A row is `domain::case::ProjectedDue` as stored. It needs the calendar, which
//! `projection::apply` has not, so, like `case_tallies`, it is written by the step
//! (`Tx::record_case_step`, with the calendar the command ran with), rewritten for every
//! open case when the calendar changes (a year imported, a correction approved: the services
//! call [`rebuild`] in that transaction), and rebuilt from the events by `ledger verify` in its
//! scratch database with the calendar the database holds, then compared row by row.

use oneseal_domain::calendar::Calendar;
use oneseal_domain::case::{Case, DueKind, ProjectedDue};

use crate::sql::Conn;
use crate::{StoreError, params};

/// The columns `ledger verify` compares, after the key (`case_number`).
pub const COLUMNS: [&str; 7] = [
    "jurisdiction",
    "kind",
    "status",
    "due_on",
    "yellow_on",
    "notice_due",
    "provisional",
];

fn date_text(d: Option<time::Date>) -> Option<String> {
    d.map(|d| d.to_string())
}

/// Writes (or removes, once decided or closed) the row of `case` as its last step leaves it.
pub fn write(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    case: &Case,
    calendar: &Calendar,
) -> Result<(), StoreError> {
    let number = case.received().case_number.as_str();
    // One statement either way (a round trip each on PostgreSQL): the row goes, or an upsert
    // setting every column replaces it.
    let Some(p) = case.projected_due(calendar) else {
        conn.write(
            "DELETE FROM case_due WHERE case_number = ?",
            params![number],
        )?;
        return Ok(());
    };
    conn.write(
        "INSERT INTO case_due (case_number, jurisdiction, kind, status, due_on, yellow_on, \
         notice_due, provisional) VALUES (?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (case_number) DO UPDATE SET jurisdiction = excluded.jurisdiction, \
         kind = excluded.kind, status = excluded.status, due_on = excluded.due_on, \
         yellow_on = excluded.yellow_on, notice_due = excluded.notice_due, \
         provisional = excluded.provisional",
        params![
            number,
            jurisdiction,
            p.kind.code(),
            i64::from(p.status.code()),
            date_text(p.due_on),
            date_text(p.yellow_on),
            date_text(p.notice_due),
            p.provisional
        ],
    )?;
    Ok(())
}

/// Rewrites every row from the open cases' events with `calendar`: after a calendar change (in
/// its transaction), in `ledger verify`'s scratch database, and for migration 33. Returns how
/// many open cases it read.
pub fn rebuild(conn: &mut dyn Conn, calendar: &Calendar) -> Result<usize, StoreError> {
    const PAGE: i64 = 500;
    conn.execute("DELETE FROM case_due", &[])?;
    let mut after = String::new();
    let mut n = 0;
    loop {
        let rows = conn.query(
            "SELECT case_number, jurisdiction FROM cases WHERE closed = 0 AND decided_on IS NULL \
             AND case_number > ? ORDER BY case_number LIMIT ?",
            params![after.as_str(), PAGE],
        )?;
        let Some(last) = rows.last() else { break };
        after = last.text(0)?;
        let mut jurisdiction_of = std::collections::BTreeMap::new();
        for r in &rows {
            jurisdiction_of.insert(r.text(0)?, r.text(1)?);
        }
        let numbers: Vec<String> = jurisdiction_of.keys().cloned().collect();
        for (number, events) in crate::case_rows::load_events_of(conn, &numbers)? {
            let case = Case::apply(&events)
                .map_err(|e| StoreError::Corrupt(format!("case {number}: {e}")))?;
            let j = jurisdiction_of.get(&number).cloned().unwrap_or_default();
            write(conn, &j, &case, calendar)?;
            n += 1;
        }
        if rows.len() < PAGE as usize {
            break;
        }
    }
    Ok(n)
}

/// Migration 33: the rows of the cases open before it.
pub fn backfill(conn: &mut dyn Conn) -> Result<(), StoreError> {
    let calendar = crate::calendar::stored(conn)?;
    rebuild(conn, &calendar)?;
    Ok(())
}

/// Open cases of one jurisdiction sharing their stored dates (the dashboard reads each group
/// once: a few hundred groups however many cases are open).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueGroup {
    pub due: ProjectedDue,
    pub cases: u64,
}

fn date_of(r: &crate::sql::Row, i: usize) -> Result<Option<time::Date>, StoreError> {
    r.opt_text(i)?
        .map(|s| {
            oneseal_domain::calendar::parse_date_arg(&s)
                .map_err(|_| StoreError::Corrupt(format!("case_due date {s}")))
        })
        .transpose()
}

/// The jurisdiction's open cases grouped by kind and dates (status and the provisional flag
/// are left out: the dashboard does not show them), `folded` ones apart.
pub fn groups(conn: &mut dyn Conn, jurisdiction: &str) -> Result<Vec<DueGroup>, StoreError> {
    conn.query(
        "SELECT kind, due_on, yellow_on, notice_due, COUNT(*) FROM case_due \
         WHERE jurisdiction = ? AND kind <> 'folded' GROUP BY kind, due_on, yellow_on, notice_due",
        params![jurisdiction],
    )?
    .iter()
    .map(|r| {
        let kind = r.text(0)?;
        Ok(DueGroup {
            due: ProjectedDue {
                kind: DueKind::from_code(&kind)
                    .ok_or_else(|| StoreError::Corrupt(format!("case_due kind {kind}")))?,
                status: oneseal_domain::case::CaseStatus::Received,
                due_on: date_of(r, 1)?,
                yellow_on: date_of(r, 2)?,
                notice_due: date_of(r, 3)?,
                provisional: false,
            },
            cases: u64::try_from(r.int(4)?).unwrap_or(0),
        })
    })
    .collect()
}

/// The numbers of the jurisdiction's open cases whose clock must be folded (a special
/// procedure open, …), in order.
pub fn folded_numbers(conn: &mut dyn Conn, jurisdiction: &str) -> Result<Vec<String>, StoreError> {
    conn.query(
        "SELECT case_number FROM case_due WHERE jurisdiction = ? AND kind = 'folded' \
         ORDER BY case_number",
        params![jurisdiction],
    )?
    .iter()
    .map(|r| r.text(0))
    .collect()
}

/// A range of statutory due dates (`YYYY-MM-DD`, inclusive) that the queue asks for on
/// `today`: the cases whose decision clock runs (a due date that holds: not in a special
/// procedure; past their notice window when not yet accepted) with a due date in the range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueRange {
    pub today: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The condition on `c.case_number` (and its arguments) that keeps the queue to `range`.
#[must_use]
pub fn band_condition(jurisdiction: &str, range: &DueRange) -> (String, Vec<crate::Value>) {
    let mut sql = String::from(
        "c.case_number IN (SELECT d.case_number FROM case_due d WHERE d.jurisdiction = ? \
         AND d.due_on IS NOT NULL AND (d.notice_due IS NULL OR d.notice_due < ?)",
    );
    let mut args: Vec<crate::Value> = vec![jurisdiction.into(), range.today.as_str().into()];
    if let Some(f) = &range.from {
        sql.push_str(" AND d.due_on >= ?");
        args.push(f.as_str().into());
    }
    if let Some(t) = &range.to {
        sql.push_str(" AND d.due_on <= ?");
        args.push(t.as_str().into());
    }
    sql.push(')');
    (sql, args)
}
