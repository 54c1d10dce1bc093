//! The sums the pages read: one `GROUP BY` over a date range of `case_tallies` (its primary key
//! starts with jurisdiction and day, so a range is one index scan whatever the log's length).
//! The per-item and per-person sums of a period read its whole months from
//! `case_tallies_monthly` and only its partial months from the days ([`Period`]): `/stats` and
//! the accountability report ask for the whole history, whose days grow forever. The per-day
//! sums are the dashboard's, whose period is bounded, and stay on the days.

use super::period::{self, Period};
use crate::sql::Conn;
use crate::{StoreError, params};

/// Steps of one day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayTotals {
    pub day: String,
    pub received: u64,
    pub accepted: u64,
    pub decided: u64,
}

/// One item's counts over a period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemTotals {
    pub item: String,
    pub received: u64,
    pub decided: u64,
    pub timed: u64,
    pub on_time: u64,
    pub working_days: u64,
}

/// One approving official's decisions of one item over a period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonItemTotals {
    pub person: String,
    pub item: String,
    pub decided: u64,
    pub timed: u64,
    pub on_time: u64,
    pub working_days: u64,
}

fn sum(column: &str) -> String {
    format!("CAST(COALESCE(SUM({column}), 0) AS BIGINT)")
}

fn count(r: &crate::sql::Row, i: usize) -> Result<u64, StoreError> {
    Ok(u64::try_from(r.int(i)?).unwrap_or(0))
}

/// Received, accepted and decided per day of `from..=to` (days with no step are absent).
pub fn day_totals(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    from: &str,
    to: &str,
) -> Result<Vec<DayTotals>, StoreError> {
    conn.query(
        &format!(
            "SELECT day, {}, {}, {} FROM case_tallies WHERE jurisdiction = ? AND day >= ? AND day <= ? \
             GROUP BY day ORDER BY day",
            sum("received"),
            sum("accepted"),
            sum("decided")
        ),
        params![jurisdiction, from, to],
    )?
    .into_iter()
    .map(|r| {
        Ok(DayTotals {
            day: r.text(0)?,
            received: count(&r, 1)?,
            accepted: count(&r, 2)?,
            decided: count(&r, 3)?,
        })
    })
    .collect()
}

/// Per item over `from..=to` (every day when `None`), by item code.
pub fn item_totals(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    period: Option<(&str, &str)>,
) -> Result<Vec<ItemTotals>, StoreError> {
    let (from, to) = period.unwrap_or(("0000-01-01", "9999-12-31"));
    item_totals_in(conn, jurisdiction, &Period::split(from, to))
}

/// Per item over the rows of `period`, by item code.
pub fn item_totals_in(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    period: &Period,
) -> Result<Vec<ItemTotals>, StoreError> {
    conn.query(
        &format!(
            "SELECT item, {}, {}, {}, {}, {} FROM ({}) t GROUP BY item ORDER BY item",
            sum("received"),
            sum("decided"),
            sum("timed"),
            sum("on_time"),
            sum("working_days"),
            period::union(
                "item, received, decided, timed, on_time, working_days",
                "case_tallies",
                "case_tallies_monthly",
                ""
            )
        ),
        &period::union_args(jurisdiction, period),
    )?
    .into_iter()
    .map(|r| {
        Ok(ItemTotals {
            item: r.text(0)?,
            received: count(&r, 1)?,
            decided: count(&r, 2)?,
            timed: count(&r, 3)?,
            on_time: count(&r, 4)?,
            working_days: count(&r, 5)?,
        })
    })
    .collect()
}

/// Decisions per approving official and item over `from..=to`.
pub fn person_item_totals(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    from: &str,
    to: &str,
) -> Result<Vec<PersonItemTotals>, StoreError> {
    person_item_totals_in(conn, jurisdiction, &Period::split(from, to))
}

/// Decisions per approving official and item over the rows of `period`.
pub fn person_item_totals_in(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    period: &Period,
) -> Result<Vec<PersonItemTotals>, StoreError> {
    conn.query(
        &format!(
            "SELECT person, item, {}, {}, {}, {} FROM ({}) t \
             GROUP BY person, item ORDER BY person, item",
            sum("decided"),
            sum("timed"),
            sum("on_time"),
            sum("working_days"),
            period::union(
                "person, item, decided, timed, on_time, working_days",
                "case_tallies",
                "case_tallies_monthly",
                " AND person <> ''"
            )
        ),
        &period::union_args(jurisdiction, period),
    )?
    .into_iter()
    .map(|r| {
        Ok(PersonItemTotals {
            person: r.text(0)?,
            item: r.text(1)?,
            decided: count(&r, 2)?,
            timed: count(&r, 3)?,
            on_time: count(&r, 4)?,
            working_days: count(&r, 5)?,
        })
    })
    .collect()
}
