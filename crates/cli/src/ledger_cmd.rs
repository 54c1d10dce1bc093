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
    Verify {
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
        LedgerCommand::Verify { db } => {
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
            let report = audit::verify(conn.as_mut(), &mut progress)?;
            println!(
                "logs {}, entries {}, checkpoints {}, projection rows {}",
                report.logs, report.entries, report.checkpoints, report.rows
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
