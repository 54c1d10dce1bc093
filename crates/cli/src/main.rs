//! `oneseal`: the one binary. Thin edge: parses arguments, opens the store, calls the crates.

mod catalog_cmd;
mod serve;

use anyhow::Result;
use clap::{Parser, Subcommand};

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
    /// Import or export the item catalog (CSV / XLSX).
    #[command(subcommand)]
    Catalog(catalog_cmd::CatalogCommand),
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ONESEAL_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_target(false)
        .init();
    match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::Catalog(cmd) => catalog_cmd::run(cmd),
    }
}
