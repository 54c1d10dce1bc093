//! The monitoring-rule runner and its replay.
//!
//! The runner reads each jurisdiction's log in index order, runs the rule engine
//! (`domain::rules`) over it on a read connection, off the single writer (an inspector's
//! expression may cost up to its budget per case step, and must not stall every write), then
//! records every alert the engine raised that is not recorded yet, with the runner's cursor, in
//! one short write transaction. Replay runs the same engine over the same entries, up to the
//! cursor, and compares with the alert table: an alert that should exist and doesn't, or exists
//! and shouldn't, is reported by id.

use std::collections::BTreeMap;

use oneseal_domain::calendar::Calendar;
use oneseal_domain::case::legal_date;
use oneseal_domain::event::{Actor, Event};
use oneseal_domain::org::DivisionCode;
use oneseal_domain::rules::{Alert, LogItem, RuleId, RuleParams, RuleVersion, evaluate};
use oneseal_store::{Conn, Store, StoreError, Tx, params};
use time::OffsetDateTime;

use crate::error::ApiError;
use crate::services::commands::Meta;

/// Entries read per query while folding a log.
const PAGE: u64 = 2_000;

/// Every entry of `log` below `size`, opened (public entry + private body).
pub fn read_log(conn: &mut dyn Conn, log: &str, size: u64) -> Result<Vec<LogItem>, StoreError> {
    let mut out = Vec::new();
    let mut next = 0;
    while next < size {
        let to = (next + PAGE).min(size);
        for (idx, entry, salt, body) in oneseal_store::rules::read_entries(conn, log, next, to)? {
            let (envelope, event) = Event::open(&entry, &salt, &body)
                .map_err(|e| StoreError::Corrupt(format!("log {log} entry {idx}: {e}")))?;
            let time = OffsetDateTime::parse(
                &envelope.time,
                &time::format_description::well_known::Rfc3339,
            )
            .map_err(|e| StoreError::Corrupt(format!("log {log} entry {idx}: time: {e}")))?;
            out.push(LogItem {
                index: idx,
                time,
                actor: envelope.actor,
                event,
            });
        }
        next = to;
    }
    Ok(out)
}

fn logs(conn: &mut dyn Conn) -> Result<Vec<(String, u64)>, StoreError> {
    conn.query("SELECT log, size FROM ledger_heads ORDER BY log", &[])?
        .into_iter()
        .map(|r| Ok((r.text(0)?, r.u64(1)?)))
        .collect()
}

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
pub async fn run(store: &Store, now: OffsetDateTime) -> Result<RunReport, ApiError> {
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
fn prove(conn: &mut dyn Conn) -> Result<Vec<Proved>, ApiError> {
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

fn jurisdictions(conn: &mut dyn Conn) -> Result<Vec<(DivisionCode, u64)>, StoreError> {
    Ok(logs(conn)?
        .into_iter()
        .filter_map(|(l, s)| DivisionCode::parse(&l).ok().map(|j| (j, s)))
        .collect())
}

fn prepare(tx: &mut Tx<'_>, now: OffsetDateTime) -> Result<RunReport, ApiError> {
    let mut report = RunReport::default();
    let today = legal_date(now);
    for (j, _) in jurisdictions(tx.conn())? {
        let meta = system_meta(now, &j);
        report.installed += install_builtins(tx, &meta)?;
        let ticked = tx
            .conn()
            .query_one(
                "SELECT 1 FROM rules_ticks WHERE jurisdiction = ? AND on_date = ?",
                params![j.as_str(), today.to_string()],
            )?
            .is_some();
        if !ticked {
            meta.record(tx, &Event::RulesTick { on: today })?;
            report.ticks += 1;
        }
    }
    Ok(report)
}

/// Records what [`prove`] found. Another runner (a peer server, `POST /rules/run`) may have
/// recorded a longer prefix meanwhile: the engine only adds alerts as the log grows, so a
/// cursor at or past this size already covers these alerts and nothing is written; otherwise
/// the alerts not recorded yet are, read again inside this transaction.
fn raise(tx: &mut Tx<'_>, now: OffsetDateTime, proved: Vec<Proved>) -> Result<usize, ApiError> {
    let mut raised = 0;
    for p in proved {
        let j = &p.jurisdiction;
        let cursor = tx
            .conn()
            .query_one(
                "SELECT next_index FROM rules_cursor WHERE log = ?",
                params![j.as_str()],
            )?
            .map(|r| r.u64(0))
            .transpose()?;
        if cursor.is_some_and(|c| c >= p.size) {
            continue;
        }
        let meta = system_meta(now, j);
        let known = alert_ids(tx.conn(), j)?;
        for alert in p.alerts {
            if !known.contains_key(&alert.alert_id) {
                meta.record(
                    tx,
                    &Event::AlertRaised {
                        alert: Box::new(alert),
                    },
                )?;
                raised += 1;
            }
        }
        tx.conn().execute(
            "DELETE FROM rules_cursor WHERE log = ?",
            params![j.as_str()],
        )?;
        tx.conn().execute(
            "INSERT INTO rules_cursor (log, next_index) VALUES (?, ?)",
            params![j.as_str(), p.size],
        )?;
    }
    Ok(raised)
}

fn builtin_calendar() -> Result<Calendar, ApiError> {
    Calendar::builtin().map_err(|e| ApiError::Internal(format!("calendar: {e}")))
}

/// Records version 1 (default parameters) of every built-in rule not yet recorded here.
fn install_builtins(tx: &mut Tx<'_>, meta: &Meta) -> Result<usize, ApiError> {
    let have: Vec<String> = tx
        .conn()
        .query(
            "SELECT DISTINCT rule_id FROM rule_versions WHERE jurisdiction = ?",
            params![meta.jurisdiction.as_str()],
        )?
        .into_iter()
        .map(|r| r.text(0))
        .collect::<Result<_, _>>()?;
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
        meta.record(tx, &Event::RuleVersionRecorded { version })?;
        n += 1;
    }
    Ok(n)
}

/// What replay compares of a recorded alert: (rule, hash, subject, from, at).
type Recorded = (String, String, String, u64, u64);

/// The recorded alerts of a jurisdiction by id.
fn alert_ids(
    conn: &mut dyn Conn,
    j: &DivisionCode,
) -> Result<BTreeMap<String, Recorded>, StoreError> {
    conn.query(
        "SELECT alert_id, rule_id, rule_hash, subject, from_index, at_index FROM alerts WHERE jurisdiction = ?",
        params![j.as_str()],
    )?
    .into_iter()
    .map(|r| {
        Ok((
            r.text(0)?,
            (r.text(1)?, r.text(2)?, r.text(3)?, r.u64(4)?, r.u64(5)?),
        ))
    })
    .collect()
}

/// A difference between the recorded alerts and those the log proves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayFinding {
    Missing {
        log: String,
        alert: Box<Alert>,
    },
    Unexpected {
        log: String,
        alert_id: String,
    },
    Different {
        log: String,
        alert_id: String,
        what: String,
    },
}

impl std::fmt::Display for ReplayFinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReplayFinding::Missing { log, alert } => write!(
                f,
                "log {log}: alert {} ({}, {}) should exist and does not",
                alert.alert_id,
                alert.rule.code(),
                alert.subject
            ),
            ReplayFinding::Unexpected { log, alert_id } => {
                write!(
                    f,
                    "log {log}: alert {alert_id} exists but the log does not prove it"
                )
            }
            ReplayFinding::Different {
                log,
                alert_id,
                what,
            } => write!(f, "log {log}: alert {alert_id} differs: {what}"),
        }
    }
}

/// What replay found.
#[derive(Debug, Default)]
pub struct ReplayReport {
    pub logs: usize,
    pub alerts: usize,
    pub findings: Vec<ReplayFinding>,
}

/// Recomputes every alert from each log up to the runner's cursor and compares.
pub fn replay(conn: &mut dyn Conn) -> Result<ReplayReport, ApiError> {
    let mut report = ReplayReport::default();
    for (log, _) in logs(conn)? {
        let Ok(j) = DivisionCode::parse(&log) else {
            continue;
        };
        report.logs += 1;
        let cursor = conn
            .query_one(
                "SELECT next_index FROM rules_cursor WHERE log = ?",
                params![log.as_str()],
            )?
            .map(|r| r.u64(0))
            .transpose()?
            .unwrap_or(0);
        let items = read_log(conn, &log, cursor)?;
        let expected = evaluate(builtin_calendar()?, &items);
        let mut recorded = alert_ids(conn, &j)?;
        report.alerts += expected.len();
        for a in expected {
            match recorded.remove(&a.alert_id) {
                None => report.findings.push(ReplayFinding::Missing {
                    log: log.clone(),
                    alert: Box::new(a),
                }),
                Some((rule, hash, subject, from, at)) => {
                    let want = (
                        a.rule.code().to_owned(),
                        a.rule_hash.clone(),
                        a.subject.clone(),
                        a.from_index,
                        a.at_index,
                    );
                    if (rule.clone(), hash.clone(), subject.clone(), from, at) != want {
                        report.findings.push(ReplayFinding::Different {
                            log: log.clone(),
                            alert_id: a.alert_id.clone(),
                            what: format!(
                                "recorded ({rule}, {hash}, {subject}, {from}..{at}), proved ({}, {}, {}, {}..{})",
                                want.0, want.1, want.2, want.3, want.4
                            ),
                        });
                    }
                }
            }
        }
        for alert_id in recorded.into_keys() {
            report.findings.push(ReplayFinding::Unexpected {
                log: log.clone(),
                alert_id,
            });
        }
    }
    Ok(report)
}
