//! The monitoring-rule runner: background work, started by `serve` (every minute beside the linkage
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
//! the state a fold of the whole log reaches, and an idle server reads nothing. A server also
//! writes its engines out now and then (`rule_snapshots`), so that after a restart it feeds only
//! what was appended since the snapshot instead of folding the whole log. A one-off run
//! (`oneseal rules run`, the demo seed) starts from the empty engine, and `rules replay` always
//! folds the whole log: the full re-proof.
//!
//! Time-driven rules (a deadline passing with no new entry on the case) need no scan by the
//! runner: `prepare` records the day's `RulesTick` once a day, and the engine runs its day
//! timers when it reads the first entry of a new day.

use oneseal_domain::case::legal_date;
use oneseal_domain::event::{Actor, Event};
use oneseal_domain::org::DivisionCode;
use std::collections::BTreeMap;

use oneseal_domain::rules::{Alert, Engine, RuleId, RuleParams, RuleVersion};
use oneseal_store::rule_snapshots::Snapshot;
use oneseal_store::{Conn, Store, StoreError, Tx};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

use crate::services::commands::Meta;
use crate::services::rules::{RulesError, builtin_calendar, jurisdictions, read_log_range, record};

/// What one run did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct RunReport {
    pub installed: usize,
    pub ticks: usize,
    pub raised: usize,
    /// Log entries the engines read (a kept or restored engine reads only what is new).
    pub read: u64,
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
    /// SHA-256 (hex) of the entry at `size - 1` (empty before the first entry, or unknown).
    last_entry: String,
    /// The size of the snapshot stored for this log (0: none).
    saved: u64,
}

impl Kept {
    fn empty() -> Result<Self, RulesError> {
        Ok(Kept {
            size: 0,
            engine: Engine::new(builtin_calendar()?),
            recorded: 0,
            last_entry: String::new(),
            saved: 0,
        })
    }
}

/// The engines a server keeps between runs, by jurisdiction, and when they were last written.
#[derive(Default)]
struct Engines {
    by_log: BTreeMap<String, Kept>,
    saved_at: Option<Instant>,
}

/// The engines a server keeps between runs. Runs take turns: a run that starts while another
/// reads (the first run at start beside the background one, `POST /rules/run`) waits for it,
/// then feeds only what was appended since, instead of folding the whole log a second time.
/// A server's engines are also written out (`rule_snapshots`, at most every
/// [`SNAPSHOT_EVERY`]), and after a restart the first run continues from them: it checks that
/// the same build wrote them and that the log still holds the entry they end at.
#[derive(Default)]
pub struct RuleEngines {
    kept: tokio::sync::Mutex<Engines>,
    persist: bool,
}

/// How often at most a server writes its engines out.
pub const SNAPSHOT_EVERY: Duration = Duration::from_secs(600);

impl RuleEngines {
    /// A server's engines: continued from the stored snapshots, and written back.
    pub fn persisted() -> Self {
        RuleEngines {
            kept: tokio::sync::Mutex::default(),
            persist: true,
        }
    }

    /// Like [`run`], feeding each kept engine only the entries appended since its last run.
    pub async fn run(&self, store: &Store, now: OffsetDateTime) -> Result<RunReport, RulesError> {
        let mut guard = self.kept.lock().await;
        let mut report = store.write(move |tx| prepare(tx, now)).await?;
        // Taken out while the run reads; a run that fails leaves none, and the next one folds
        // from the start (or the snapshot), which gives the same alerts.
        let kept = std::mem::take(&mut guard.by_log);
        let persist = self.persist;
        let (proved, mut kept, read, build) = store
            .read_committed(move |c| {
                // Hashing the executable reads it once, here, off the async threads.
                let build = if persist { build_id() } else { None };
                let (proved, kept, read) = prove(c, kept, build)?;
                Ok::<_, RulesError>((proved, kept, read, build))
            })
            .await?;
        report.read = read;
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
        if let Some(build) = build
            && guard.saved_at.is_none_or(|t| t.elapsed() >= SNAPSHOT_EVERY)
            && kept.values().any(|k| k.size > k.saved)
        {
            kept = save_snapshots(store, kept, build, now).await;
            guard.saved_at = Some(Instant::now());
        }
        guard.by_log = kept;
        Ok(report)
    }
}

/// This build's identity: the SHA-256 of its executable (a snapshot holds what this code
/// gathered; other code might have gathered otherwise). `None` when it cannot be read.
fn build_id() -> Option<&'static str> {
    static ID: OnceLock<Option<String>> = OnceLock::new();
    ID.get_or_init(|| {
        use std::io::Read;
        let mut f = std::fs::File::open(std::env::current_exe().ok()?).ok()?;
        let mut h = Sha256::new();
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = f.read(&mut buf).ok()?;
            if n == 0 {
                break;
            }
            h.update(buf.get(..n)?);
        }
        Some(hex::encode(h.finalize()))
    })
    .as_deref()
}

/// Writes out every engine that read entries since its last snapshot (off the async threads,
/// then one short write). A failure is logged: the engines stay as they are.
async fn save_snapshots(
    store: &Store,
    kept: BTreeMap<String, Kept>,
    build: &'static str,
    now: OffsetDateTime,
) -> BTreeMap<String, Kept> {
    let written = tokio::task::spawn_blocking(move || {
        let mut snaps = Vec::new();
        for (j, k) in &kept {
            if k.size <= k.saved || k.last_entry.is_empty() {
                continue;
            }
            let mut body = Vec::new();
            match k.engine.write_snapshot(&mut body) {
                Ok(()) => snaps.push((
                    j.clone(),
                    Snapshot {
                        size: k.size,
                        recorded: k.recorded as u64,
                        build: build.to_owned(),
                        last_entry: k.last_entry.clone(),
                        body,
                    },
                )),
                Err(e) => tracing::warn!(log = %j, error = %e, "rule snapshot"),
            }
        }
        (kept, snaps)
    })
    .await;
    let Ok((mut kept, snaps)) = written else {
        tracing::warn!("rule snapshot: the writing thread failed");
        return BTreeMap::new();
    };
    let sizes: Vec<(String, u64)> = snaps.iter().map(|(j, s)| (j.clone(), s.size)).collect();
    let at = now
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let stored = store
        .write(move |tx| {
            for (j, s) in &snaps {
                oneseal_store::rule_snapshots::save(tx.conn(), j, s, &at)?;
            }
            Ok::<_, StoreError>(())
        })
        .await;
    match stored {
        Ok(()) => {
            for (j, size) in sizes {
                if let Some(k) = kept.get_mut(&j) {
                    k.saved = size;
                }
            }
        }
        Err(e) => tracing::warn!(error = %e, "rule snapshot"),
    }
    kept
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

/// Entries read and fed at a time.
const FEED_PAGE: u64 = 2_000;

/// SHA-256 (hex) of the entry at `size - 1` of `log`, as the engine reads it.
fn last_entry(conn: &mut dyn Conn, log: &str, size: u64) -> Result<String, StoreError> {
    let Some(i) = size.checked_sub(1) else {
        return Ok(String::new());
    };
    Ok(oneseal_store::rules::read_entries(conn, log, i, size)?
        .first()
        .map(|(_, entry, _, _)| hex::encode(Sha256::digest(entry)))
        .unwrap_or_default())
}

/// The engine a snapshot holds, when it may be continued: written by this build, of a prefix
/// of this log (the entry it ends at is still there, unchanged), readable.
fn restore(conn: &mut dyn Conn, log: &str, size: u64, build: &str) -> Option<Kept> {
    let s = match oneseal_store::rule_snapshots::load(conn, log) {
        Ok(s) => s?,
        Err(e) => {
            tracing::warn!(log = %log, error = %e, "rule snapshot unreadable; folding the log");
            return None;
        }
    };
    if s.build != build || s.size == 0 || s.size > size {
        return None;
    }
    if last_entry(conn, log, s.size).ok()? != s.last_entry {
        tracing::warn!(log = %log, "rule snapshot of another log; folding the log");
        return None;
    }
    match Engine::from_snapshot(&s.body) {
        Ok(engine) => Some(Kept {
            size: s.size,
            engine,
            recorded: usize::try_from(s.recorded).ok()?,
            last_entry: s.last_entry,
            saved: s.size,
        }),
        Err(e) => {
            tracing::warn!(log = %log, error = %e, "rule snapshot refused; folding the log");
            None
        }
    }
}

/// What [`prove`] gives back: the alerts to record, the engines, and how many entries they read.
type Fed = (Vec<Proved>, BTreeMap<String, Kept>, u64);

/// Feeds every jurisdiction's engine the committed entries it has not read (a read connection);
/// with `build`, an engine not kept is first looked for among the stored snapshots.
fn prove(
    conn: &mut dyn Conn,
    mut kept: BTreeMap<String, Kept>,
    build: Option<&str>,
) -> Result<Fed, RulesError> {
    let mut out = Vec::new();
    let mut read = 0;
    for (j, size) in jurisdictions(conn)? {
        // A log shorter than the engine has read is not the log it read: start over.
        let mut k = match kept.remove(j.as_str()).filter(|k| k.size <= size) {
            Some(k) => k,
            None => match build.and_then(|b| restore(conn, j.as_str(), size, b)) {
                Some(k) => k,
                None => Kept::empty()?,
            },
        };
        let fed = k.size < size;
        read += size.saturating_sub(k.size);
        // A page at a time: a first run folds the whole log without holding it in memory.
        while k.size < size {
            let to = (k.size + FEED_PAGE).min(size);
            for item in read_log_range(conn, j.as_str(), k.size, to)? {
                k.engine.feed(&item);
            }
            k.size = to;
        }
        if fed && build.is_some() {
            k.last_entry = last_entry(conn, j.as_str(), size)?;
        }
        let alerts = k.engine.alerts();
        out.push(Proved {
            jurisdiction: j.clone(),
            size,
            alerts: alerts[k.recorded.min(alerts.len())..].to_vec(),
            upto: alerts.len(),
        });
        kept.insert(j.to_string(), k);
    }
    Ok((out, kept, read))
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
