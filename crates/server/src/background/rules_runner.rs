//! The monitoring-rule runner: background work, started by `serve` (every 30 s with the linkage
//! runner, and once when the server listens), by `oneseal rules run` and by `POST /rules/run`.
//!
//! It reads each jurisdiction's log in index order, runs the rule engine (`domain::rules`) over
//! it on a read connection, off the single writer (an inspector's expression may cost up to its
//! budget per case step, and must not stall every write), then records every alert the engine
//! raised that is not recorded yet, with the runner's cursor, in one short write transaction.
//! `services::rules::replay` re-proves what it recorded.
//!
//! A server keeps each jurisdiction's engine between runs ([`RuleEngines`]) and feeds it only the
//! entries appended since: the engine is a fold, so the state after feeding the new entries is
//! the state a fold of the whole log reaches, and an idle server reads nothing. A one-off run
//! (`oneseal rules run`, the demo seed) starts from the empty engine.

use oneseal_domain::case::legal_date;
use oneseal_domain::event::{Actor, Event};
use oneseal_domain::org::DivisionCode;
use std::collections::BTreeMap;
use std::sync::Mutex;

use oneseal_domain::rules::{Alert, Engine, RuleId, RuleParams, RuleVersion};
use oneseal_store::{Conn, Store, Tx};
use time::OffsetDateTime;

use crate::services::commands::Meta;
use crate::services::rules::{RulesError, builtin_calendar, jurisdictions, read_log_range, record};

/// What one run did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct RunReport {
    pub installed: usize,
    pub ticks: usize,
    pub raised: usize,
}

/// Installs the built-in rules where none is recorded and marks the day (one transaction),
/// then records the alerts the logs prove and moves the cursors (a second one, which reads
/// the committed logs). Starts from the empty engine: see [`RuleEngines::run`] for a server's.
pub async fn run(store: &Store, now: OffsetDateTime) -> Result<RunReport, RulesError> {
    RuleEngines::default().run(store, now).await
}

/// One jurisdiction's engine after the first `size` entries of its log, and how many of its
/// alerts a run has recorded (or found recorded).
#[derive(Clone)]
struct Kept {
    size: u64,
    engine: Engine,
    recorded: usize,
}

/// The engines a server keeps between runs, by jurisdiction.
#[derive(Default)]
pub struct RuleEngines {
    kept: Mutex<BTreeMap<String, Kept>>,
}

impl RuleEngines {
    /// Like [`run`], feeding each kept engine only the entries appended since its last run.
    pub async fn run(&self, store: &Store, now: OffsetDateTime) -> Result<RunReport, RulesError> {
        let mut report = store.write(move |tx| prepare(tx, now)).await?;
        // Taken out while the run reads: a concurrent run (`POST /rules/run` beside the
        // background one) finds none and folds from the start, which gives the same alerts.
        let kept = std::mem::take(&mut *self.lock());
        let (proved, mut kept) = store.read_committed(move |c| prove(c, kept)).await?;
        let done: Vec<(String, usize)> = proved
            .iter()
            .map(|p| (p.jurisdiction.to_string(), p.upto))
            .collect();
        report.raised = store.write(move |tx| raise(tx, now, proved)).await?;
        for (j, upto) in done {
            if let Some(k) = kept.get_mut(&j) {
                k.recorded = upto;
            }
        }
        self.lock().extend(kept);
        Ok(report)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Kept>> {
        // A run that panicked left either its engines or none: both are valid starting points.
        self.kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The alerts each jurisdiction's log proves that no run has recorded yet, up to its size when
/// read.
struct Proved {
    jurisdiction: DivisionCode,
    size: u64,
    alerts: Vec<Alert>,
    /// How many of the engine's alerts these bring the recorded ones to.
    upto: usize,
}

/// Feeds every jurisdiction's engine the committed entries it has not read (a read connection).
fn prove(
    conn: &mut dyn Conn,
    mut kept: BTreeMap<String, Kept>,
) -> Result<(Vec<Proved>, BTreeMap<String, Kept>), RulesError> {
    let mut out = Vec::new();
    for (j, size) in jurisdictions(conn)? {
        // A log shorter than the engine has read is not the log it read: start over.
        let mut k = match kept.remove(j.as_str()).filter(|k| k.size <= size) {
            Some(k) => k,
            None => Kept {
                size: 0,
                engine: Engine::new(builtin_calendar()?),
                recorded: 0,
            },
        };
        for item in read_log_range(conn, j.as_str(), k.size, size)? {
            k.engine.feed(&item);
        }
        k.size = size;
        let alerts = k.engine.alerts();
        out.push(Proved {
            jurisdiction: j.clone(),
            size,
            alerts: alerts[k.recorded.min(alerts.len())..].to_vec(),
            upto: alerts.len(),
        });
        kept.insert(j.to_string(), k);
    }
    Ok((out, kept))
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
