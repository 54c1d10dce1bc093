//! `oneseal ledger verify|checkpoint`: check a database against its own log, offline.

use std::io::Write;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use oneseal_server::services::ledger::audit;
use oneseal_server::services::ledger::latest;

#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Recompute every log from its entries, check every checkpoint's signatures, and rebuild the
    /// projection tables from the events, reporting every difference. Exit 0 when all holds.
    ///
    /// Each run is recorded per log (`ledger_audits`: when, full or incremental, which entries,
    /// what it found).
    Verify {
        /// Check only what was appended since the signed checkpoint the last clean run covered:
        /// the new entries, their tree nodes, payloads and checkpoints (not the projections; a
        /// log without such a run is checked whole).
        #[arg(long)]
        incremental: bool,
        #[command(flatten)]
        db: crate::serve::DbArgs,
    },
    /// Print the latest (cosigned) checkpoint of a jurisdiction's log.
    Checkpoint {
        #[arg(long, default_value = "370100")]
        jurisdiction: String,
        #[command(flatten)]
        db: crate::serve::DbArgs,
    },
}

pub fn run(cmd: LedgerCommand) -> Result<()> {
    match cmd {
        LedgerCommand::Verify { incremental, db } => {
            let db = db.database()?;
            let mut conn = db.connect().with_context(|| format!("opening {db:?}"))?;
            let mut last = std::time::Instant::now();
            let mut progress = |log: &str, done: u64, total: u64| {
                if last.elapsed().as_millis() > 200 || done == total {
                    last = std::time::Instant::now();
                    let pct = (done * 100).checked_div(total).unwrap_or(100);
                    let bar = "#".repeat(usize::try_from(pct / 5).unwrap_or(20));
                    eprint!("\r{log} [{bar:<20}] {done}/{total}");
                    let _ = std::io::stderr().flush();
                    if done == total {
                        eprintln!();
                    }
                }
            };
            // The run is recorded in `ledger_audits`: a data directory an older binary made
            // gets the table here, as `serve` would give it.
            oneseal_store::migrate::run(conn.as_mut())?;
            let mode = if incremental {
                audit::Mode::Incremental
            } else {
                audit::Mode::Full
            };
            let report = audit::run(conn.as_mut(), mode, &mut progress)?;
            let now = oneseal_server::WallClock::now(&oneseal_server::SystemClock)
                .format(&time::format_description::well_known::Rfc3339)?;
            audit::record(conn.as_mut(), &report, mode, &now)?;
            for c in &report.checked {
                println!(
                    "log {}: entries {}..{} checked ({}), next incremental run starts at checkpoint {}",
                    c.log,
                    c.from,
                    c.to,
                    mode.as_str(),
                    c.checkpoint
                );
            }
            let rows = match mode {
                audit::Mode::Full => report.rows.to_string(),
                audit::Mode::Incremental => "not rebuilt (incremental)".to_owned(),
            };
            println!(
                "logs {}, entries {}, checkpoints {}, projection rows {rows}",
                report.logs, report.entries, report.checkpoints
            );
            if report.findings.is_empty() {
                println!("账本与数据一致 ledger verified: every table, entry and checkpoint holds");
                return Ok(());
            }
            for f in &report.findings {
                println!("FOUND: {f}");
            }
            bail!(
                "账本校验失败 ledger verification failed: {} finding(s)",
                report.findings.len()
            )
        }
        LedgerCommand::Checkpoint { jurisdiction, db } => {
            let db = db.database()?;
            let mut conn = db.connect()?;
            match latest(conn.as_mut(), &jurisdiction)? {
                Some(c) => {
                    print!("{}", c.published());
                    Ok(())
                }
                None => bail!("no checkpoint signed yet for log {jurisdiction}"),
            }
        }
    }
}
