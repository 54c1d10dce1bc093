//! Projection of the monitoring-rule events (rule versions, day ticks and alerts), and every
//! statement the rules service, the rule runner and their pages run on those tables.

use std::collections::BTreeMap;

use oneseal_domain::event::Event;
use oneseal_domain::org::DivisionCode;
use oneseal_domain::rules::{AlertOutcome, ExpressionRule, RuleId};

use crate::sql::Conn;
use crate::{StoreError, params};

pub mod tallies;
pub use tallies::{AlertTotals, alert_totals, alert_totals_in};

pub(crate) fn apply(
    conn: &mut dyn Conn,
    jurisdiction: &DivisionCode,
    event: &Event,
) -> Result<(), StoreError> {
    let j = jurisdiction.as_str();
    match event {
        Event::RuleVersionRecorded { version: v } => {
            conn.execute(
                "INSERT INTO rule_versions (jurisdiction, rule_id, version, params, active, hash) VALUES (?, ?, ?, ?, ?, ?)",
                params![j, v.rule.code(), v.version, serde_json::to_string(&v.params).map_err(|e| StoreError::Corrupt(e.to_string()))?, v.active, v.hash()],
            )?;
        }
        Event::ExpressionRuleRecorded { rule: r } => {
            conn.execute(
                "INSERT INTO expression_rules (jurisdiction, code, version, name_zh, expression, active, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
                params![j, r.code.as_str(), r.version, r.name_zh.as_str(), r.expression.as_str(), r.active, r.hash()],
            )?;
        }
        Event::RulesTick { on } => {
            conn.execute(
                "INSERT INTO rules_ticks (jurisdiction, on_date) VALUES (?, ?)",
                params![j, on.to_string()],
            )?;
        }
        Event::AlertRaised { alert: a } => {
            conn.execute(
                "INSERT INTO alerts (alert_id, jurisdiction, rule_id, rule_version, rule_hash, subject, message_zh, responsible, \
                 responsible_department, superior, from_index, at_index, raised_on, status) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')",
                params![
                    a.alert_id.as_str(),
                    j,
                    a.rule.code(),
                    a.rule_version,
                    a.rule_hash.as_str(),
                    a.subject.as_str(),
                    a.message_zh.as_str(),
                    a.responsible.as_ref().map(|s| s.as_str()),
                    a.responsible_department.as_ref().map(|d| d.as_str()),
                    a.superior.as_ref().map(|s| s.as_str()),
                    a.from_index,
                    a.at_index,
                    a.on.to_string()
                ],
            )?;
            tallies::record(conn, j, a)?;
            tallies::move_status(conn, j, None, "open")?;
        }
        Event::AlertClosed {
            alert_id,
            by,
            outcome,
            explanation,
        } => {
            let outcome =
                serde_json::to_value(outcome).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            // The status counters move only when the alert was there and open.
            if let Some(r) = conn.query_one(
                "SELECT jurisdiction, status FROM alerts WHERE alert_id = ?",
                params![alert_id.as_str()],
            )? {
                let (of, status) = (r.text(0)?, r.text(1)?);
                tallies::move_status(conn, &of, Some(&status), "closed")?;
            }
            conn.execute(
                "UPDATE alerts SET status = 'closed', outcome = ?, explanation = ?, closed_by = ? WHERE alert_id = ?",
                params![outcome.as_str().unwrap_or_default(), explanation.as_str(), by.as_str(), alert_id.as_str()],
            )?;
        }
        _ => {}
    }
    Ok(())
}

/// One entry with its private payload: (index, entry, salt, body).
pub type OpenedEntry = (u64, Vec<u8>, Vec<u8>, Vec<u8>);

/// Entries `from..to` of `log` with their private payloads.
/// The rule engine reads the full events; the public entry alone would not do.
pub fn read_entries(
    conn: &mut dyn Conn,
    log: &str,
    from: u64,
    to: u64,
) -> Result<Vec<OpenedEntry>, StoreError> {
    let (lo, hi) = crate::log::entry_keys(conn, log, from, to)?;
    conn.query(
        "SELECT idx, entry, salt, body FROM ledger_entries WHERE id >= ? AND id < ? ORDER BY id",
        params![lo, hi],
    )?
    .into_iter()
    .map(|r| {
        Ok((
            r.u64(0)?,
            crate::codec::open(conn, &r.blob(1)?, crate::codec::Part::Entry)?,
            r.blob(2)?,
            crate::codec::open(conn, &r.blob(3)?, crate::codec::Part::Body)?,
        ))
    })
    .collect()
}

/// The size of every log, by name (jurisdiction logs and any other).
pub fn log_sizes(conn: &mut dyn Conn) -> Result<Vec<(String, u64)>, StoreError> {
    conn.query("SELECT log, size FROM ledger_heads ORDER BY log", &[])?
        .into_iter()
        .map(|r| Ok((r.text(0)?, r.u64(1)?)))
        .collect()
}

/// Whether the day tick of `on_date` is recorded in the jurisdiction.
pub fn ticked(conn: &mut dyn Conn, jurisdiction: &str, on_date: &str) -> Result<bool, StoreError> {
    Ok(conn
        .query_one(
            "SELECT 1 FROM rules_ticks WHERE jurisdiction = ? AND on_date = ?",
            params![jurisdiction, on_date],
        )?
        .is_some())
}

/// The runner's cursor on a log: the size up to which its alerts are recorded.
pub fn cursor(conn: &mut dyn Conn, log: &str) -> Result<Option<u64>, StoreError> {
    conn.query_one(
        "SELECT next_index FROM rules_cursor WHERE log = ?",
        params![log],
    )?
    .map(|r| r.u64(0))
    .transpose()
}

/// Moves the runner's cursor on a log.
pub fn set_cursor(conn: &mut dyn Conn, log: &str, next_index: u64) -> Result<(), StoreError> {
    conn.execute("DELETE FROM rules_cursor WHERE log = ?", params![log])?;
    conn.execute(
        "INSERT INTO rules_cursor (log, next_index) VALUES (?, ?)",
        params![log, next_index],
    )?;
    Ok(())
}

/// The built-in rules with at least one recorded version in the jurisdiction.
pub fn recorded_rule_ids(
    conn: &mut dyn Conn,
    jurisdiction: &str,
) -> Result<Vec<String>, StoreError> {
    conn.query(
        "SELECT DISTINCT rule_id FROM rule_versions WHERE jurisdiction = ?",
        params![jurisdiction],
    )?
    .into_iter()
    .map(|r| r.text(0))
    .collect()
}

/// What replay compares of a recorded alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedAlert {
    pub rule_id: String,
    pub rule_hash: String,
    pub subject: String,
    pub from_index: u64,
    pub at_index: u64,
}

/// The recorded alerts of a jurisdiction by id.
pub fn recorded_alerts(
    conn: &mut dyn Conn,
    jurisdiction: &str,
) -> Result<BTreeMap<String, RecordedAlert>, StoreError> {
    conn.query(
        "SELECT alert_id, rule_id, rule_hash, subject, from_index, at_index FROM alerts WHERE jurisdiction = ?",
        params![jurisdiction],
    )?
    .into_iter()
    .map(|r| {
        Ok((
            r.text(0)?,
            RecordedAlert {
                rule_id: r.text(1)?,
                rule_hash: r.text(2)?,
                subject: r.text(3)?,
                from_index: r.u64(4)?,
                at_index: r.u64(5)?,
            },
        ))
    })
    .collect()
}

/// One alert as the queue shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AlertRow {
    pub alert_id: String,
    pub rule_id: String,
    pub rule_version: i64,
    pub rule_hash: String,
    pub subject: String,
    pub message_zh: String,
    pub responsible: Option<String>,
    pub responsible_department: Option<String>,
    pub superior: Option<String>,
    pub from_index: i64,
    pub at_index: i64,
    pub raised_on: String,
    pub status: String,
    pub outcome: Option<String>,
    pub explanation: Option<String>,
    pub closed_by: Option<String>,
}

impl AlertRow {
    pub fn rule_zh(&self) -> &'static str {
        RuleId::parse(&self.rule_id).map_or("", RuleId::name_zh)
    }
    pub fn article(&self) -> &'static str {
        RuleId::parse(&self.rule_id).map_or("", RuleId::article)
    }
    pub fn outcome_zh(&self) -> &'static str {
        match self.outcome.as_deref() {
            Some("justified") => AlertOutcome::Justified.name_zh(),
            Some("rectified") => AlertOutcome::Rectified.name_zh(),
            Some("accountability_opened") => AlertOutcome::AccountabilityOpened.name_zh(),
            _ => "",
        }
    }
    pub fn opt(v: &Option<String>) -> &str {
        v.as_deref().unwrap_or("—")
    }
}

const ALERT_COLUMNS: &str = "alert_id, rule_id, rule_version, rule_hash, subject, message_zh, responsible, \
    responsible_department, superior, from_index, at_index, raised_on, status, outcome, explanation, closed_by";

fn alert_row(r: &crate::sql::Row) -> Result<AlertRow, StoreError> {
    Ok(AlertRow {
        alert_id: r.text(0)?,
        rule_id: r.text(1)?,
        rule_version: r.int(2)?,
        rule_hash: r.text(3)?,
        subject: r.text(4)?,
        message_zh: r.text(5)?,
        responsible: r.opt_text(6)?,
        responsible_department: r.opt_text(7)?,
        superior: r.opt_text(8)?,
        from_index: r.int(9)?,
        at_index: r.int(10)?,
        raised_on: r.text(11)?,
        status: r.text(12)?,
        outcome: r.opt_text(13)?,
        explanation: r.opt_text(14)?,
        closed_by: r.opt_text(15)?,
    })
}

/// The jurisdiction's alerts (all, or those of one status): open first, oldest first. At most
/// 1,000: the accountability report's reading, not a list for people (see [`alert_page`]).
pub fn alerts(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    status: Option<&str>,
) -> Result<Vec<AlertRow>, StoreError> {
    conn.query(
        &format!(
            "SELECT {ALERT_COLUMNS} FROM alerts WHERE jurisdiction = ? AND (CAST(? AS TEXT) IS NULL OR status = ?) \
             ORDER BY status DESC, raised_on, alert_id LIMIT 1000"
        ),
        params![jurisdiction, status, status],
    )?
    .iter()
    .map(alert_row)
    .collect()
}

/// Where an alert page starts: the (status, raised_on, alert_id) of the row it follows
/// (`after`) or precedes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertKey {
    pub after: bool,
    pub status: String,
    pub raised_on: String,
    pub alert_id: String,
}

/// A page of alerts and whether rows lie beyond each end.
#[derive(Debug, Clone, Default)]
pub struct AlertPage {
    pub rows: Vec<AlertRow>,
    pub more_before: bool,
    pub more_after: bool,
}

/// The statement of one page of alerts: a range of the index `alerts_order` (migration 65),
/// whose directions are the list's, so no page sorts the jurisdiction's alerts.
fn alert_page_query(
    jurisdiction: &str,
    status: Option<&str>,
    key: Option<&AlertKey>,
    limit: u32,
) -> (String, Vec<crate::sql::Value>) {
    let mut sql = format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE jurisdiction = ?");
    let mut args: Vec<crate::sql::Value> = params![jurisdiction].to_vec();
    if let Some(s) = status {
        sql.push_str(" AND status = ?");
        args.push(s.into());
    }
    let backwards = key.is_some_and(|k| !k.after);
    if let Some(k) = key {
        // Status runs descending, the rest ascending: the mirror image going back.
        let (s_op, r_op) = if k.after { ("<", ">") } else { (">", "<") };
        sql.push_str(&format!(
            " AND (status {s_op} ? OR (status = ? AND (raised_on, alert_id) {r_op} (?, ?)))"
        ));
        args.extend_from_slice(params![
            k.status.as_str(),
            k.status.as_str(),
            k.raised_on.as_str(),
            k.alert_id.as_str()
        ]);
    }
    sql.push_str(if backwards {
        " ORDER BY status ASC, raised_on DESC, alert_id DESC LIMIT ?"
    } else {
        " ORDER BY status DESC, raised_on ASC, alert_id ASC LIMIT ?"
    });
    args.push(i64::from(limit).saturating_add(1).into());
    (sql, args)
}

/// One page of the jurisdiction's alerts in the queue's order (open first, then oldest first,
/// then by id), by keyset: the page after (or before) `key`, at most `limit` rows.
pub fn alert_page(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    status: Option<&str>,
    key: Option<&AlertKey>,
    limit: u32,
) -> Result<AlertPage, StoreError> {
    let backwards = key.is_some_and(|k| !k.after);
    let (sql, args) = alert_page_query(jurisdiction, status, key, limit);
    let mut rows = conn
        .query(&sql, &args)?
        .iter()
        .map(alert_row)
        .collect::<Result<Vec<_>, _>>()?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    if backwards {
        rows.reverse();
    }
    Ok(AlertPage {
        rows,
        more_before: if backwards { more } else { key.is_some() },
        more_after: if backwards { true } else { more },
    })
}

/// How many of the jurisdiction's alerts are open and closed: the status counters
/// (`alert_status_tallies`, moved by `tallies::move_status`), a row or two, not a `GROUP BY`
/// over every alert of the history.
pub fn alert_counts(conn: &mut dyn Conn, jurisdiction: &str) -> Result<(i64, i64), StoreError> {
    let mut counts = (0, 0);
    for (status, n) in tallies::statuses(conn, jurisdiction)? {
        match status.as_str() {
            "open" => counts.0 = n,
            _ => counts.1 += n,
        }
    }
    Ok(counts)
}

/// An alert's status: `None` when the jurisdiction has no such alert.
pub fn alert_status(
    conn: &mut dyn Conn,
    alert_id: &str,
    jurisdiction: &str,
) -> Result<Option<Option<String>>, StoreError> {
    conn.query_one(
        "SELECT status FROM alerts WHERE alert_id = ? AND jurisdiction = ?",
        params![alert_id, jurisdiction],
    )?
    .map(|r| r.opt_text(0))
    .transpose()
}

/// A built-in rule's version as recorded (`params` is the recorded JSON text).
#[derive(Debug, Clone)]
pub struct RuleVersionRow {
    pub rule_id: String,
    pub version: i64,
    pub params: String,
    pub active: bool,
    pub hash: String,
}

/// Every recorded version of the jurisdiction's built-in rules, newest first per rule.
pub fn rule_versions(
    conn: &mut dyn Conn,
    jurisdiction: &str,
) -> Result<Vec<RuleVersionRow>, StoreError> {
    conn.query(
        "SELECT rule_id, version, params, active, hash FROM rule_versions WHERE jurisdiction = ? ORDER BY rule_id, version DESC",
        params![jurisdiction],
    )?
    .into_iter()
    .map(|r| {
        Ok(RuleVersionRow {
            rule_id: r.text(0)?,
            version: r.int(1)?,
            params: r.text(2)?,
            active: r.int(3)? != 0,
            hash: r.text(4)?,
        })
    })
    .collect()
}

/// The newest recorded version of a built-in rule (0 when none).
pub fn last_rule_version(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    rule_id: &str,
) -> Result<i64, StoreError> {
    Ok(conn
        .query_one(
            "SELECT MAX(version) FROM rule_versions WHERE jurisdiction = ? AND rule_id = ?",
            params![jurisdiction, rule_id],
        )?
        .and_then(|r| r.opt_int(0).ok().flatten())
        .unwrap_or(0))
}

/// Every recorded version of the jurisdiction's local expression rules, newest first per code.
pub fn expression_rules(
    conn: &mut dyn Conn,
    jurisdiction: &str,
) -> Result<Vec<ExpressionRule>, StoreError> {
    conn.query(
        "SELECT code, version, name_zh, expression, active FROM expression_rules WHERE jurisdiction = ? ORDER BY code, version DESC",
        params![jurisdiction],
    )?
    .into_iter()
    .map(|r| {
        Ok(ExpressionRule {
            code: r.text(0)?,
            version: u32::try_from(r.int(1)?).unwrap_or(0),
            name_zh: r.text(2)?,
            expression: r.text(3)?,
            active: r.int(4)? != 0,
        })
    })
    .collect()
}

/// The newest recorded version of a local expression rule (0 when none).
pub fn last_expression_version(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    code: &str,
) -> Result<i64, StoreError> {
    Ok(conn
        .query_one(
            "SELECT MAX(version) FROM expression_rules WHERE jurisdiction = ? AND code = ?",
            params![jurisdiction, code],
        )?
        .and_then(|r| r.opt_int(0).ok().flatten())
        .unwrap_or(0))
}

/// For the accountability report: each member of staff's department.
pub fn staff_departments(
    conn: &mut dyn Conn,
    jurisdiction: &str,
) -> Result<BTreeMap<String, String>, StoreError> {
    conn.query(
        "SELECT id, department FROM staff WHERE jurisdiction = ?",
        params![jurisdiction],
    )?
    .into_iter()
    .map(|r| Ok((r.text(0)?, r.text(1)?)))
    .collect()
}

/// For the accountability report: every case number of the jurisdiction with its item, in order.
pub fn case_items(
    conn: &mut dyn Conn,
    jurisdiction: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    conn.query(
        "SELECT case_number, item_code FROM cases WHERE jurisdiction = ? ORDER BY case_number",
        params![jurisdiction],
    )?
    .into_iter()
    .map(|r| Ok((r.text(0)?, r.text(1)?)))
    .collect()
}

/// [`alert_totals`] as one `GROUP BY` over every alert of the period with a look-up of each
/// case alert's item (what the report read before the counters of migration 62; the tests
/// compare the two): index `alerts_raised` (migration 32) gives the range.
pub fn alert_totals_grouped(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    from: &str,
    to: &str,
) -> Result<Vec<AlertTotals>, StoreError> {
    conn.query(
        "SELECT a.responsible, a.responsible_department, a.rule_id, \
         CASE WHEN a.subject LIKE 'case:%' THEN c.item_code \
              WHEN a.subject LIKE 'item:%' THEN a.subject END AS item, COUNT(*) \
         FROM alerts a LEFT JOIN cases c \
           ON a.subject LIKE 'case:%' AND c.case_number = substr(a.subject, 6) \
         WHERE a.jurisdiction = ? AND a.raised_on >= ? AND a.raised_on <= ? \
         GROUP BY a.responsible, a.responsible_department, a.rule_id, \
           CASE WHEN a.subject LIKE 'case:%' THEN c.item_code \
                WHEN a.subject LIKE 'item:%' THEN a.subject END",
        params![jurisdiction, from, to],
    )?
    .iter()
    .map(|r| {
        Ok(AlertTotals {
            responsible: r.opt_text(0)?,
            responsible_department: r.opt_text(1)?,
            rule_id: r.text(2)?,
            item: r.opt_text(3)?,
            count: u64::try_from(r.int(4)?).unwrap_or(0),
        })
    })
    .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Every page of the alerts list, first, after a key and back, with and without a status,
    /// is a range of an index: SQLite never sorts the jurisdiction's alerts (it did, 103 ms a
    /// page at 842,000 alerts, before `alerts_order`).
    #[test]
    fn no_page_of_the_alerts_sorts_them() {
        let mut c = crate::sqlite::SqliteConn::open_in_memory().unwrap();
        crate::migrate::run(&mut c).unwrap();
        let key = |after| AlertKey {
            status: "open".into(),
            raised_on: "2026-06-01".into(),
            alert_id: "a1".into(),
            after,
        };
        for status in [None, Some("open"), Some("closed")] {
            for k in [None, Some(key(true)), Some(key(false))] {
                let (sql, args) = alert_page_query("370100", status, k.as_ref(), 50);
                let plan = c.plan(&sql, &args);
                assert!(
                    !plan.iter().any(|l| l.contains("TEMP B-TREE")),
                    "{status:?} {k:?}: {plan:?}"
                );
            }
        }
    }
}
