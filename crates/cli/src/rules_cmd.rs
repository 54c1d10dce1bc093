//! `oneseal rules replay|run`: re-prove every recorded alert from the log, offline.

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use oneseal_server::background::rules_runner;
use oneseal_server::services::rules;
use oneseal_server::{SystemClock, WallClock};

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Recompute every alert from each log (up to the rule runner's cursor) with the recorded
    /// rule versions, and report any alert that should exist and doesn't, or exists and
    /// shouldn't. Exit 0 when they match.
    Replay {
        #[command(flatten)]
        db: crate::serve::DbArgs,
    },
    /// Run the rule runner once now (as `serve` does every minute): install missing built-in
    /// rules, mark the day, record the alerts the logs prove.
    Run {
        #[command(flatten)]
        db: crate::serve::DbArgs,
    },
}

pub fn run(cmd: RulesCommand) -> Result<()> {
    match cmd {
        RulesCommand::Run { db } => {
            let store = oneseal_store::Store::open(db.database()?)?;
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let report = rt
                .block_on(rules_runner::run(&store, SystemClock.now()))
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            store.close();
            println!(
                "rules installed {}, day ticks {}, alerts raised {}",
                report.installed, report.ticks, report.raised
            );
            Ok(())
        }
        RulesCommand::Replay { db } => {
            let db = db.database()?;
            let mut conn = db.connect().with_context(|| format!("opening {db:?}"))?;
            let report = rules::replay(conn.as_mut()).map_err(|e| anyhow::anyhow!("{e:?}"))?;
            println!(
                "logs {}, alerts proved by the log {}",
                report.logs, report.alerts
            );
            if report.findings.is_empty() {
                println!("预警与账本一致 every alert is re-proved by the log, and only those");
                return Ok(());
            }
            for f in &report.findings {
                println!("FOUND: {f}");
            }
            bail!(
                "预警重放不一致 replay found {} difference(s)",
                report.findings.len()
            )
        }
    }
}
