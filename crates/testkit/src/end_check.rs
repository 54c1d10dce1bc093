//! The end check every `TestApp` runs when it drops: the same checks as `oneseal ledger verify`
//! and `oneseal rules replay`, on the app's database.
//!
//! Why it exists: an API test asserts what it looks at; the end check asserts everything else
//! still holds, i.e. that every projection row, log entry, checkpoint and alert is explained by
//! the ledger. A handler that writes a row without its event, or an event the projection
//! replays differently, fails whichever test touched it. It also folds each log in a rules
//! engine that keeps every case (`Engine::keeping_history`) beside one that retires finished work
//! (`domain::rules::retire`): every API test is then a test that retiring changes no alert.

use std::fmt;

use oneseal_domain::rules::Engine;
use oneseal_server::services::ledger::audit::{self, Finding};
use oneseal_server::services::rules::{self, ReplayFinding};
use oneseal_store::Database;

/// What the end check found: `ledger verify`'s findings and `rules replay`'s.
#[derive(Debug, Default)]
pub struct Differences {
    pub ledger: Vec<Finding>,
    pub replay: Vec<ReplayFinding>,
    /// A log on which the retiring engine and the one keeping everything disagree.
    pub retiring: Vec<String>,
    /// A check that could not run at all (the database did not open, a query failed).
    pub failed: Option<String>,
}

impl fmt::Display for Differences {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(e) = &self.failed {
            writeln!(f, "the check could not run: {e}")?;
        }
        for x in &self.ledger {
            writeln!(f, "ledger verify: {x}")?;
        }
        for x in &self.replay {
            writeln!(f, "rules replay: {x}")?;
        }
        for x in &self.retiring {
            writeln!(f, "retiring engine: {x}")?;
        }
        Ok(())
    }
}

/// Runs `ledger verify` and `rules replay` on `db` through a connection of its own, on a thread
/// of its own (the PostgreSQL client must not run on an async worker, and a `Drop` cannot
/// await). `Ok` when both find nothing.
pub fn end_check(db: &Database) -> Result<(), Differences> {
    let db = db.clone();
    let found = std::thread::spawn(move || check(&db))
        .join()
        .unwrap_or_else(|_| Differences {
            failed: Some("the check's thread panicked".into()),
            ..Differences::default()
        });
    if found.ledger.is_empty()
        && found.replay.is_empty()
        && found.retiring.is_empty()
        && found.failed.is_none()
    {
        Ok(())
    } else {
        Err(found)
    }
}

fn check(db: &Database) -> Differences {
    let mut out = Differences::default();
    let mut conn = match db.connect() {
        Ok(c) => c,
        Err(e) => {
            out.failed = Some(format!("opening {db:?}: {e}"));
            return out;
        }
    };
    match audit::verify(conn.as_mut(), &mut |_, _, _| ()) {
        Ok(report) => out.ledger = report.findings,
        Err(e) => out.failed = Some(format!("ledger verify: {e}")),
    }
    match rules::replay(conn.as_mut()) {
        Ok(report) => out.replay = report.findings,
        Err(e) => {
            let e = format!("rules replay: {e:?}");
            out.failed = Some(out.failed.map_or(e.clone(), |f| format!("{f}; {e}")));
        }
    }
    match retiring_agrees(conn.as_mut()) {
        Ok(found) => out.retiring = found,
        Err(e) => out.failed = Some(format!("retiring engine: {e}")),
    }
    out
}

/// The logs whose alerts differ between an engine that retires and one that keeps everything.
fn retiring_agrees(conn: &mut dyn oneseal_store::Conn) -> Result<Vec<String>, rules::RulesError> {
    let mut out = Vec::new();
    for (j, size) in rules::jurisdictions(conn)? {
        let mut retiring = Engine::new(rules::builtin_calendar()?);
        let mut kept = Engine::keeping_history(rules::builtin_calendar()?);
        for item in rules::read_log(conn, j.as_str(), size)? {
            retiring.feed(&item);
            kept.feed(&item);
        }
        if retiring.alerts() != kept.alerts() {
            out.push(format!(
                "log {j}: {} alerts retiring, {} keeping every case",
                retiring.alerts().len(),
                kept.alerts().len()
            ));
        }
    }
    Ok(out)
}
