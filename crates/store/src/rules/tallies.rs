//! The alert counters (`alert_tallies`, migration 62, issue #17 item 2): the accountability
//! report's count of alerts per day raised, responsible person and department, rule and item,
//! written with the alert in its own transaction, the item resolved once there. The report sums
//! a range of days of these ([`alert_totals`]) instead of grouping every alert of the period
//! with a look-up of each alert's case.
//!
//! The table is projected (`ledger verify` replays and compares it); `oneseal rules replay`
//! recounts it from the alerts the log proves ([`count_alerts`] over the engine's alerts);
//! migration 62 filled it from the alert rows with the `GROUP BY` [`grouped`] keeps.

use std::collections::BTreeMap;

use oneseal_domain::rules::Alert;

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
    /// The day raised, `YYYY-MM-DD`.
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

/// Counts a raised alert, in its transaction.
pub(crate) fn record(conn: &mut dyn Conn, j: &str, alert: &Alert) -> Result<(), StoreError> {
    let k = key_of(conn, alert)?;
    conn.execute(
        "INSERT INTO alert_tallies (jurisdiction, day, responsible, responsible_department, rule_id, item, alerts) \
         VALUES (?, ?, ?, ?, ?, ?, 1) \
         ON CONFLICT (jurisdiction, day, responsible, responsible_department, rule_id, item) \
         DO UPDATE SET alerts = alert_tallies.alerts + 1",
        params![
            j,
            k.day.as_str(),
            k.responsible.as_str(),
            k.responsible_department.as_str(),
            k.rule_id.as_str(),
            k.item.as_str()
        ],
    )?;
    Ok(())
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
/// person and department, rule and item: a sum over the range of days of `alert_tallies`
/// (its primary key starts with jurisdiction and day).
pub fn alert_totals(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    from: &str,
    to: &str,
) -> Result<Vec<AlertTotals>, StoreError> {
    conn.query(
        "SELECT responsible, responsible_department, rule_id, item, CAST(SUM(alerts) AS BIGINT) \
         FROM alert_tallies WHERE jurisdiction = ? AND day >= ? AND day <= ? \
         GROUP BY responsible, responsible_department, rule_id, item",
        params![jurisdiction, from, to],
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
