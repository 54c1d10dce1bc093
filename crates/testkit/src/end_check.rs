//! The end check every `TestApp` runs when it drops: the same checks as `oneseal ledger verify`
//! and `oneseal rules replay`, on the app's database.
//!
//! Why it exists: an API test asserts what it looks at; the end check asserts everything else
//! still holds, i.e. that every projection row, log entry, checkpoint and alert is explained by
//! the ledger. A handler that writes a row without its event, or an event the projection
//! replays differently, fails whichever test touched it.

use std::fmt;

use oneseal_server::services::ledger::audit::{self, Finding};
use oneseal_server::services::rules::{self, ReplayFinding};
use oneseal_store::Database;

/// What the end check found: `ledger verify`'s findings and `rules replay`'s.
#[derive(Debug, Default)]
pub struct Differences {
    pub ledger: Vec<Finding>,
    pub replay: Vec<ReplayFinding>,
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
    if found.ledger.is_empty() && found.replay.is_empty() && found.failed.is_none() {
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
    out
}
