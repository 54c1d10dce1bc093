//! Projection of the monitoring-rule events: rule versions, day ticks and alerts.

use oneseal_domain::event::Event;
use oneseal_domain::org::DivisionCode;

use crate::sql::Conn;
use crate::{StoreError, params};

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
        }
        Event::AlertClosed {
            alert_id,
            by,
            outcome,
            explanation,
        } => {
            let outcome =
                serde_json::to_value(outcome).map_err(|e| StoreError::Corrupt(e.to_string()))?;
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
    .map(|r| Ok((r.u64(0)?, r.blob(1)?, r.blob(2)?, r.blob(3)?)))
    .collect()
}
