//! The alert counters (`alert_tallies`, migration 62, issue #17 item 2): the accountability
//! report's count of alerts per day raised, responsible person and department, rule and item,
//! written with the alert in its own transaction, the item resolved once there. The report sums
//! a range of days of these ([`alert_totals`]) instead of grouping every alert of the period
//! with a look-up of each alert's case.
//!
//! The table is projected (`ledger verify` replays and compares it); `oneseal rules replay`
//! recounts it from the alerts the log proves ([`count_alerts`] over the engine's alerts);
//! migration 62 filled it from the alert rows with the `GROUP BY` [`grouped`] keeps.
//!
//! Each alert is also counted in its month's row (`alert_tallies_monthly`, migration 64), in the
//! same transaction: the report's default period is the whole history, and a period reads its
//! whole months from the month rows and only its partial months from the days
//! ([`crate::aggregates::Period`]). The month rows are projected too, recounted by `rules
//! replay` ([`by_month`] of the proved counts), and migration 64 summed them from the days.

use std::collections::BTreeMap;

use oneseal_domain::rules::Alert;

use crate::aggregates::{Period, month_of};
use crate::counters::Counter;
use crate::sql::Conn;
use crate::{StoreError, params};

/// The alerts of one (responsible person, responsible department, rule, item) over a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertTotals {
    pub responsible: Option<String>,
    pub responsible_department: Option<String>,
    pub rule_id: String,
    /// The item of a case's alert (the case's item code; `None` when the case is unknown), the
    /// subject itself of an item's alert (`item:<code>[:…]`, for the caller to cut), `None`
    /// otherwise.
    pub item: Option<String>,
    pub count: u64,
}

/// Where an alert counts ('' for a missing person, department or item).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct AlertTallyKey {
    /// The day raised, `YYYY-MM-DD` (the month, `YYYY-MM`, in a month row).
    pub day: String,
    pub responsible: String,
    pub responsible_department: String,
    pub rule_id: String,
    /// A case's item code, an item alert's subject, or ''.
    pub item: String,
}

/// The item an alert counts under: the item code of a `case:` subject's case ('' when the case
/// is unknown), the subject itself of an `item:` subject (the report cuts it), '' otherwise.
pub fn item_of(conn: &mut dyn Conn, subject: &str) -> Result<String, StoreError> {
    if let Some(number) = subject.strip_prefix("case:") {
        Ok(conn
            .query_one(
                "SELECT item_code FROM cases WHERE case_number = ?",
                params![number],
            )?
            .map(|r| r.text(0))
            .transpose()?
            .unwrap_or_default())
    } else if subject.starts_with("item:") {
        Ok(subject.to_owned())
    } else {
        Ok(String::new())
    }
}

/// Where `alert` counts, its item resolved from the cases.
pub fn key_of(conn: &mut dyn Conn, alert: &Alert) -> Result<AlertTallyKey, StoreError> {
    Ok(AlertTallyKey {
        day: alert.on.to_string(),
        responsible: alert
            .responsible
            .as_ref()
            .map_or("", |s| s.as_str())
            .to_owned(),
        responsible_department: alert
            .responsible_department
            .as_ref()
            .map_or("", |d| d.as_str())
            .to_owned(),
        rule_id: alert.rule.code().to_owned(),
        item: item_of(conn, &alert.subject)?,
    })
}

/// The keys of the alert counter tables, daily and monthly (also `ledger verify`'s).
pub(crate) const DAY_KEY: &[&str] = &[
    "jurisdiction",
    "day",
    "responsible",
    "responsible_department",
    "rule_id",
    "item",
];
pub(crate) const MONTH_KEY: &[&str] = &[
    "jurisdiction",
    "month",
    "responsible",
    "responsible_department",
    "rule_id",
    "item",
];

static DAILY: Counter = Counter {
    table: "alert_tallies",
    key: DAY_KEY,
    counts: &["alerts"],
    drop_at_zero: false,
};
static MONTHLY: Counter = Counter {
    table: "alert_tallies_monthly",
    key: MONTH_KEY,
    counts: &["alerts"],
    drop_at_zero: false,
};

/// Alerts per status.
static STATUSES: Counter = Counter {
    table: "alert_status_tallies",
    key: &["jurisdiction", "status"],
    counts: &["alerts"],
    drop_at_zero: true,
};

/// Counts a raised alert in its day's and its month's rows, in its transaction.
pub(crate) fn record(conn: &mut dyn Conn, j: &str, alert: &Alert) -> Result<(), StoreError> {
    let k = key_of(conn, alert)?;
    for (counter, on) in [(&DAILY, k.day.as_str()), (&MONTHLY, month_of(&k.day))] {
        conn.add_counts(
            counter,
            vec![
                j.to_owned(),
                on.to_owned(),
                k.responsible.clone(),
                k.responsible_department.clone(),
                k.rule_id.clone(),
                k.item.clone(),
            ],
            &[1],
        )?;
    }
    Ok(())
}

/// Moves one alert of jurisdiction `j` from status `from` (`None`: a new alert) to `to` in
/// `alert_status_tallies` (migration 64), in the caller's transaction. A row that falls to zero
/// is deleted, so the rows are exactly `GROUP BY jurisdiction, status` over `alerts` (what
/// migration 64 filled them with, and [`statuses_grouped`] gives).
///
/// Why a counter: the alerts list shows how many alerts are open and closed, and a `GROUP BY
/// status` reads every alert of the history (closed ones never leave); the counter is one or two
/// rows whatever the history.
pub(crate) fn move_status(
    conn: &mut dyn Conn,
    j: &str,
    from: Option<&str>,
    to: &str,
) -> Result<(), StoreError> {
    if from == Some(to) {
        return Ok(());
    }
    if let Some(f) = from {
        conn.add_counts(&STATUSES, vec![j.to_owned(), f.to_owned()], &[-1])?;
    }
    conn.add_counts(&STATUSES, vec![j.to_owned(), to.to_owned()], &[1])
}

/// The jurisdiction's alerts per status as the counters hold them.
pub fn statuses(conn: &mut dyn Conn, j: &str) -> Result<BTreeMap<String, i64>, StoreError> {
    conn.query(
        "SELECT status, alerts FROM alert_status_tallies WHERE jurisdiction = ?",
        params![j],
    )?
    .into_iter()
    .map(|r| Ok((r.text(0)?, r.int(1)?)))
    .collect()
}

/// The jurisdiction's alerts per status grouped from every alert (what the counters must equal:
/// the tests compare).
pub fn statuses_grouped(conn: &mut dyn Conn, j: &str) -> Result<BTreeMap<String, i64>, StoreError> {
    conn.query(
        "SELECT status, COUNT(*) FROM alerts WHERE jurisdiction = ? GROUP BY status",
        params![j],
    )?
    .into_iter()
    .map(|r| Ok((r.text(0)?, r.int(1)?)))
    .collect()
}

/// What `alerts` add up to, their items resolved from the cases (`rules replay` passes the
/// alerts the log proves).
pub fn count_alerts(
    conn: &mut dyn Conn,
    alerts: &[Alert],
) -> Result<BTreeMap<AlertTallyKey, i64>, StoreError> {
    let mut out = BTreeMap::new();
    for a in alerts {
        *out.entry(key_of(conn, a)?).or_insert(0) += 1;
    }
    Ok(out)
}

/// Day counts summed per month: what the month rows must hold.
#[must_use]
pub fn by_month(days: &BTreeMap<AlertTallyKey, i64>) -> BTreeMap<AlertTallyKey, i64> {
    let mut out = BTreeMap::new();
    for (k, n) in days {
        let key = AlertTallyKey {
            day: month_of(&k.day).to_owned(),
            ..k.clone()
        };
        *out.entry(key).or_insert(0) += n;
    }
    out
}

fn collect(rows: Vec<crate::Row>) -> Result<BTreeMap<AlertTallyKey, i64>, StoreError> {
    rows.into_iter()
        .map(|r| {
            Ok((
                AlertTallyKey {
                    day: r.text(0)?,
                    responsible: r.text(1)?,
                    responsible_department: r.text(2)?,
                    rule_id: r.text(3)?,
                    item: r.text(4)?,
                },
                r.int(5)?,
            ))
        })
        .collect()
}

/// One jurisdiction's counters as stored.
pub fn stored(conn: &mut dyn Conn, j: &str) -> Result<BTreeMap<AlertTallyKey, i64>, StoreError> {
    collect(conn.query(
        "SELECT day, responsible, responsible_department, rule_id, item, alerts \
         FROM alert_tallies WHERE jurisdiction = ?",
        params![j],
    )?)
}

/// One jurisdiction's month counters as stored (the month in [`AlertTallyKey::day`]).
pub fn stored_months(
    conn: &mut dyn Conn,
    j: &str,
) -> Result<BTreeMap<AlertTallyKey, i64>, StoreError> {
    collect(conn.query(
        "SELECT month, responsible, responsible_department, rule_id, item, alerts \
         FROM alert_tallies_monthly WHERE jurisdiction = ?",
        params![j],
    )?)
}

/// One jurisdiction's alert rows grouped as the counters count them (migration 62's `GROUP
/// BY`; the tests compare).
pub fn grouped(conn: &mut dyn Conn, j: &str) -> Result<BTreeMap<AlertTallyKey, i64>, StoreError> {
    collect(conn.query(
        "SELECT a.raised_on, COALESCE(a.responsible, ''), COALESCE(a.responsible_department, ''), a.rule_id, \
           COALESCE(CASE WHEN a.subject LIKE 'case:%' THEN c.item_code \
                         WHEN a.subject LIKE 'item:%' THEN a.subject END, ''), COUNT(*) \
         FROM alerts a LEFT JOIN cases c ON a.subject LIKE 'case:%' AND c.case_number = substr(a.subject, 6) \
         WHERE a.jurisdiction = ? GROUP BY 1, 2, 3, 4, 5",
        params![j],
    )?)
}

fn opt(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// The jurisdiction's alerts raised in `from..=to` (`YYYY-MM-DD`), counted per responsible
/// person and department, rule and item: the whole months of the period summed from
/// `alert_tallies_monthly`, its partial months from `alert_tallies` (each primary key starts
/// with jurisdiction and date, so each part is one range).
pub fn alert_totals(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    from: &str,
    to: &str,
) -> Result<Vec<AlertTotals>, StoreError> {
    alert_totals_in(conn, jurisdiction, &Period::split(from, to))
}

/// [`alert_totals`] over the rows of `period` (the tests compare the split period with the days
/// alone).
pub fn alert_totals_in(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    period: &Period,
) -> Result<Vec<AlertTotals>, StoreError> {
    conn.query(
        &format!(
            "SELECT responsible, responsible_department, rule_id, item, CAST(SUM(alerts) AS BIGINT) \
             FROM ({}) t GROUP BY responsible, responsible_department, rule_id, item",
            crate::aggregates::period::union(
                "responsible, responsible_department, rule_id, item, alerts",
                "alert_tallies",
                "alert_tallies_monthly",
                ""
            )
        ),
        &crate::aggregates::period::union_args(jurisdiction, period),
    )?
    .into_iter()
    .map(|r| {
        Ok(AlertTotals {
            responsible: opt(r.text(0)?),
            responsible_department: opt(r.text(1)?),
            rule_id: r.text(2)?,
            item: opt(r.text(3)?),
            count: u64::try_from(r.int(4)?).unwrap_or(0),
        })
    })
    .collect()
}
