//! `oneseal demo generate`: a city's history in a new data directory (or PostgreSQL database),
//! for trying the product at volume and for every volume measurement (issue #17). The history
//! itself is `oneseal_server::services::history`; this is the edge that opens the store, records
//! the demo organisation at the history's opening and reports the rate.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use oneseal_server::services::calendar::CalendarStore;
use oneseal_server::services::case_secrets::CaseSecrets;
use oneseal_server::services::history::{self, Keys, Options};
use oneseal_server::services::ledger::keys::MasterKey;
use oneseal_server::services::sealing::{SealKeys, seed_demo_seals};
use oneseal_server::services::seed;
use oneseal_server::{SystemClock, WallClock};
use oneseal_store::Store;
use time::OffsetDateTime;

use crate::serve::DbArgs;

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Generate a city's history (the demo city, its three counties, months of cases) into an
    /// empty database, through the same commands and events as real work.
    Generate(GenerateArgs),
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// How many applications the history receives.
    #[arg(long, default_value_t = 10_000)]
    pub cases: u32,
    #[command(flatten)]
    pub db: DbArgs,
    /// The same seed (and the same --until) gives the same cases.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Calendar days of history, ending on --until.
    #[arg(long, default_value_t = 90)]
    pub days: u32,
    /// The history's last day (YYYY-MM-DD, China Standard Time); its steps stop at 18:00.
    /// Default: now.
    #[arg(long)]
    pub until: Option<String>,
    /// File with the master passphrase (created if missing); default <data>/master.key.
    #[arg(long)]
    pub key_file: Option<PathBuf>,
    /// Steps per writer transaction.
    #[arg(long, default_value_t = 4_000)]
    pub batch: usize,
    /// The writer's SQLite page cache while the history is written, in MiB (0: SQLite's
    /// default of 2 MiB).
    #[arg(long, default_value_t = oneseal_store::bulk::BULK_CACHE_MIB)]
    pub cache_mib: u32,
}

pub fn run(cmd: DemoCommand) -> Result<()> {
    match cmd {
        DemoCommand::Generate(args) => generate(&args),
    }
}

fn until(args: &GenerateArgs) -> Result<OffsetDateTime> {
    let Some(day) = &args.until else {
        return Ok(SystemClock.now());
    };
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let day = time::Date::parse(day, format).context("--until takes YYYY-MM-DD")?;
    Ok(day
        .with_time(time::macros::time!(18:00))
        .assume_offset(oneseal_domain::case::CHINA_STANDARD_TIME))
}

fn generate(args: &GenerateArgs) -> Result<()> {
    crate::serve::private_data_dir(&args.db.data)?;
    let _lock = crate::data_lock::DataLock::acquire(&args.db.data, "demo generate")?;
    let db = args.db.database()?;
    let store = Store::open(db.clone()).with_context(|| format!("opening {db:?}"))?;
    let key_file = args
        .key_file
        .clone()
        .unwrap_or_else(|| args.db.data.join("master.key"));
    let master = MasterKey::from_env_or_file(&key_file)?;
    let options = Options {
        cases: args.cases,
        seed: args.seed,
        days: args.days,
        end: until(args)?,
        batch: args.batch,
        cache_mib: args.cache_mib,
    };
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(history::check_empty(&store))?;
    let started = Instant::now();
    let opening = history::opening(&options);
    rt.block_on(seed::seed_demo(&store, opening))?;
    seed_demo_seals(&store, &master, opening)?;
    let keys = Keys {
        seals: Arc::new(SealKeys::load(&store, &master)?),
        secrets: Arc::new(CaseSecrets::load_or_create(
            &store,
            &master,
            opening.unix_timestamp(),
        )?),
        calendar: store.read_blocking(|c| CalendarStore::load(c))?.current(),
    };
    let seeded = started.elapsed();
    let t = Instant::now();
    let cpu_before = cpu_seconds();
    let statements = || {
        store
            .stats()
            .round_trips
            .load(std::sync::atomic::Ordering::Relaxed)
    };
    let statements_before = statements();
    let world = Arc::new(history::prepare(&store, &options, keys.calendar.clone())?);
    // Learns each case's day only; the cases are planned while the writer writes.
    let steps = history::plan(&world, options.cases);
    let planned = t.elapsed();
    let t = Instant::now();
    let written = history::write_steps(&store, world.clone(), &keys, steps, &options)?;
    let wrote = t.elapsed();
    let cpu_after = cpu_seconds();
    let statements = statements() - statements_before;
    store.write_blocking(|tx| oneseal_store::bulk::analyze(tx.conn()))?;
    let t = Instant::now();
    // Written out as a server's engines are (`rule_snapshots`): a server of this same build
    // then continues from them instead of folding the whole history again at its first start
    // (at 1,000,000 cases that fold took a core for about ten minutes).
    let rules = rt.block_on(
        oneseal_server::background::rules_runner::RuleEngines::persisted().run(&store, options.end),
    )?;
    let ruled = t.elapsed();
    store.close();
    let rate = f64::from(u32::try_from(written.cases).unwrap_or(u32::MAX))
        / (planned + wrote).as_secs_f64().max(1e-9);
    println!(
        "history of {} cases ({} steps, {} sealed documents, {} claims, {} ratings, {} penalties) from {} to {}",
        written.cases,
        written.steps,
        written.sealed,
        written.claims,
        written.ratings,
        written.penalties,
        history::first_day(&options),
        oneseal_domain::case::legal_date(options.end),
    );
    println!(
        "organisation and seals {:.2} s; plan {:.2} s; plan and write {:.2} s in {} transactions; \
         rules {:.2} s ({} alerts)",
        seeded.as_secs_f64(),
        planned.as_secs_f64(),
        wrote.as_secs_f64(),
        written.batches,
        ruled.as_secs_f64(),
        rules.raised,
    );
    println!(
        "{rate:.0} cases/s (plan + write); {statements} statements on the writer ({:.1} a case)",
        statements as f64 / f64::from(u32::try_from(written.cases).unwrap_or(1).max(1)),
    );
    if let (Some(a), Some(b)) = (cpu_before, cpu_after) {
        let per = |s: f64| s * 1e6 / f64::from(u32::try_from(written.cases).unwrap_or(1).max(1));
        println!(
            "CPU during plan + write: {:.2} s in all ({:.0} µs a case), {:.2} s on the writer thread \
             ({:.0} µs a case): on two idle cores at most {:.0} cases/s",
            b.0 - a.0,
            per(b.0 - a.0),
            b.1 - a.1,
            per(b.1 - a.1),
            1e6 / per(b.1 - a.1).max(per(b.0 - a.0) / 2.0).max(1e-9),
        );
    }
    Ok(())
}

/// (CPU seconds of the whole process, of the writer thread), from /proc (Linux; `None`
/// elsewhere). On a shared machine the wall-clock rate says little; these say what the work
/// itself costs.
fn cpu_seconds() -> Option<(f64, f64)> {
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 a second on Linux).
    fn ticks(stat: &str) -> Option<f64> {
        let after = stat.rsplit_once(')')?.1;
        let f: Vec<&str> = after.split_whitespace().collect();
        let (u, s) = (
            f.get(11)?.parse::<f64>().ok()?,
            f.get(12)?.parse::<f64>().ok()?,
        );
        Some((u + s) / 100.0)
    }
    let total = ticks(&std::fs::read_to_string("/proc/self/stat").ok()?)?;
    let mut writer = 0.0;
    for t in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        let comm = std::fs::read_to_string(t.path().join("comm")).unwrap_or_default();
        if comm.trim() == "oneseal-writer" {
            writer += std::fs::read_to_string(t.path().join("stat"))
                .ok()
                .and_then(|s| ticks(&s))
                .unwrap_or(0.0);
        }
    }
    Some((total, writer))
}
