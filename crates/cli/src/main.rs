//! `oneseal`: the one binary. Thin edge: parses arguments, opens the store, calls the crates.

mod backup_cmd;
mod bench_cmd;
mod bench_crash;
mod bench_e2e;
mod bench_ledger;
mod bench_scale;
mod bench_scale_reads;
mod bench_signin;
mod calendar_cmd;
mod catalog_cmd;
mod cert_cmd;
mod data_lock;
mod demo_cmd;
mod ledger_cmd;
mod materials_args;
mod oidc_args;
mod rules_cmd;
mod seal_cmd;
mod serve;
mod witness_cmd;

use anyhow::Result;
use clap::{Parser, Subcommand};

/// mimalloc instead of glibc's malloc: the server allocates and frees on many threads (request
/// tasks, blocking readers, the writer), where glibc's arenas and consolidation cost about a
/// sixth of the busy CPU under load (docs/PERFORMANCE.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// 一枚印章管审批 — the system of an Administrative Approval Service Bureau.
#[derive(Debug, Parser)]
#[command(name = "oneseal", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server: JSON API, web UI and background tasks.
    Serve(serve::ServeArgs),
    /// A consistent copy of the SQLite database while the server runs (not the master key
    /// unless asked, never the rollback anchors). PostgreSQL: prints the pg_dump procedure.
    Backup(backup_cmd::BackupArgs),
    /// Restore a backup into an empty data directory (`--force` replaces a database).
    Restore(backup_cmd::RestoreArgs),
    /// Import or export the item catalog (CSV / XLSX).
    #[command(subcommand)]
    Catalog(catalog_cmd::CatalogCommand),
    /// Verify the transparency logs against the database; print checkpoints.
    #[command(subcommand)]
    Ledger(ledger_cmd::LedgerCommand),
    /// Monitoring rules: re-prove every recorded alert from the log.
    #[command(subcommand)]
    Rules(rules_cmd::RulesCommand),
    /// Working-day calendar: legal deadlines with their explanation.
    #[command(subcommand)]
    Calendar(calendar_cmd::CalendarCommand),
    /// Sealed documents offline: verify a bundle against a trust file, export its parts.
    #[command(subcommand)]
    Cert(cert_cmd::CertCommand),
    /// Benchmarks: seals against OpenSSL, the ledger against plain INSERTs.
    #[command(subcommand)]
    Bench(bench_cmd::BenchCommand),
    /// The seal registry: list seals, rotate the bureau's approval seal.
    #[command(subcommand)]
    Seal(seal_cmd::SealCommand),
    /// The demo: generate a city's history of cases.
    #[command(subcommand)]
    Demo(demo_cmd::DemoCommand),
    /// Run a witness that cosigns the bureau's checkpoints, or make its key.
    #[command(subcommand)]
    Witness(witness_cmd::WitnessCommand),
}

/// `ONESEAL_LOG` (default `info`), with the database driver kept from logging query parameters.
fn log_filter() -> tracing_subscriber::EnvFilter {
    let mut filter = tracing_subscriber::EnvFilter::try_from_env("ONESEAL_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    for d in oneseal_server::LOG_PRIVACY_DIRECTIVES {
        if let Ok(d) = d.parse() {
            filter = filter.add_directive(d);
        }
    }
    filter
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    // Logs go to stderr: stdout carries what a command prints for its user (the demo accounts,
    // the listening address, reports), which callers read and may stop reading.
    tracing_subscriber::fmt()
        .with_env_filter(log_filter())
        .with_target(false)
        .with_writer(std::io::stderr)
        .init();
    match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::Backup(args) => backup_cmd::backup(args),
        Command::Restore(args) => backup_cmd::restore(args),
        Command::Catalog(cmd) => catalog_cmd::run(cmd),
        Command::Ledger(cmd) => ledger_cmd::run(cmd),
        Command::Rules(cmd) => rules_cmd::run(cmd),
        Command::Calendar(cmd) => calendar_cmd::run(cmd),
        Command::Cert(cmd) => cert_cmd::run(cmd),
        Command::Bench(cmd) => bench_cmd::run(cmd),
        Command::Witness(cmd) => witness_cmd::run(cmd),
        Command::Seal(cmd) => seal_cmd::run(cmd),
        Command::Demo(cmd) => demo_cmd::run(cmd),
    }
}
