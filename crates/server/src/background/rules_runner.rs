//! The monitoring-rule runner: background work, started by `serve` (every 30 s with the linkage
//! runner, and once when the server listens), by `oneseal rules run` and by `POST /rules/run`.
//!
//! It reads each jurisdiction's log in index order, runs the rule engine (`domain::rules`) over
//! it on a read connection, off the single writer (an inspector's expression may cost up to its
//! budget per case step, and must not stall every write), then records every alert the engine
//! raised that is not recorded yet, with the runner's cursor, in one short write transaction.
//! `services::rules::replay` re-proves what it recorded.

use oneseal_domain::case::legal_date;
use oneseal_domain::event::{Actor, Event};
use oneseal_domain::org::DivisionCode;
use oneseal_domain::rules::{Alert, RuleId, RuleParams, RuleVersion, evaluate};
use oneseal_store::{Conn, Store, Tx};
use time::OffsetDateTime;

use crate::services::commands::Meta;
use crate::services::rules::{RulesError, builtin_calendar, jurisdictions, read_log, record};

/// What one run did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct RunReport {
    pub installed: usize,
    pub ticks: usize,
    pub raised: usize,
}

/// Installs the built-in rules where none is recorded and marks the day (one transaction),
/// then records the alerts the logs prove and moves the cursors (a second one, which reads
/// the committed logs).
pub async fn run(store: &Store, now: OffsetDateTime) -> Result<RunReport, RulesError> {
    let mut report = store.write(move |tx| prepare(tx, now)).await?;
    let proved = store.read_committed(prove).await?;
    report.raised = store.write(move |tx| raise(tx, now, proved)).await?;
    Ok(report)
}

/// The alerts each jurisdiction's log proves, up to its size when read.
struct Proved {
    jurisdiction: DivisionCode,
    size: u64,
    alerts: Vec<Alert>,
}

/// Runs the engine over every jurisdiction's committed log (a read connection).
fn prove(conn: &mut dyn Conn) -> Result<Vec<Proved>, RulesError> {
    let mut out = Vec::new();
    for (j, size) in jurisdictions(conn)? {
        let items = read_log(conn, j.as_str(), size)?;
        let alerts = evaluate(builtin_calendar()?, &items);
        out.push(Proved {
            jurisdiction: j,
            size,
            alerts,
        });
    }
    Ok(out)
}

fn system_meta(now: OffsetDateTime, j: &DivisionCode) -> Meta {
    Meta {
        time: now,
        jurisdiction: j.clone(),
        actor: Actor::System("rules".into()),
    }
}

pub(crate) fn prepare(tx: &mut Tx<'_>, now: OffsetDateTime) -> Result<RunReport, RulesError> {
    let mut report = RunReport::default();
    let today = legal_date(now);
    for (j, _) in jurisdictions(tx.conn())? {
        let meta = system_meta(now, &j);
        report.installed += install_builtins(tx, &meta)?;
        if !oneseal_store::rules::ticked(tx.conn(), j.as_str(), &today.to_string())? {
            record(tx, &meta, &Event::RulesTick { on: today })?;
            report.ticks += 1;
        }
    }
    Ok(report)
}

/// Records what [`prove`] found. Another runner (a peer server, `POST /rules/run`) may have
/// recorded a longer prefix meanwhile: the engine only adds alerts as the log grows, so a
/// cursor at or past this size already covers these alerts and nothing is written; otherwise
/// the alerts not recorded yet are, read again inside this transaction.
fn raise(tx: &mut Tx<'_>, now: OffsetDateTime, proved: Vec<Proved>) -> Result<usize, RulesError> {
    let mut raised = 0;
    for p in proved {
        let j = &p.jurisdiction;
        let cursor = oneseal_store::rules::cursor(tx.conn(), j.as_str())?;
        if cursor.is_some_and(|c| c >= p.size) {
            continue;
        }
        let meta = system_meta(now, j);
        let known = oneseal_store::rules::recorded_alerts(tx.conn(), j.as_str())?;
        for alert in p.alerts {
            if !known.contains_key(&alert.alert_id) {
                record(
                    tx,
                    &meta,
                    &Event::AlertRaised {
                        alert: Box::new(alert),
                    },
                )?;
                raised += 1;
            }
        }
        oneseal_store::rules::set_cursor(tx.conn(), j.as_str(), p.size)?;
    }
    Ok(raised)
}

/// Records version 1 (default parameters) of every built-in rule not yet recorded here.
fn install_builtins(tx: &mut Tx<'_>, meta: &Meta) -> Result<usize, RulesError> {
    let have = oneseal_store::rules::recorded_rule_ids(tx.conn(), meta.jurisdiction.as_str())?;
    let mut n = 0;
    for rule in RuleId::ALL {
        if have.iter().any(|h| h == rule.code()) {
            continue;
        }
        let version = RuleVersion {
            rule: *rule,
            version: 1,
            params: RuleParams::default(),
            active: true,
        };
        record(tx, meta, &Event::RuleVersionRecorded { version })?;
        n += 1;
    }
    Ok(n)
}
