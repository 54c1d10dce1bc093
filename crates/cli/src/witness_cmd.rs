//! `oneseal witness`: what the audit office, the discipline inspection commission or a
//! supervising department runs on its own machine to cosign the bureau's checkpoints.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use oneseal_ledger::note::VerifierKey;
use oneseal_server::witness::{self, WitnessConfig, WitnessState, keys};
use oneseal_server::{SystemClock, WallClock};

#[derive(Debug, Subcommand)]
pub enum WitnessCommand {
    /// Create a witness key file (mode 0600) and print its public vkey.
    Keygen(KeygenArgs),
    /// Run a witness (tlog-witness add-checkpoint, monitoring checkpoint/<sha256(origin)>).
    Serve(WitnessServeArgs),
}

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Key name: ASCII without spaces or '+', e.g. audit.jinan.example/witness.
    #[arg(long)]
    pub name: String,
    /// Where to write the secret key file (never overwritten).
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct WitnessServeArgs {
    /// Directory of the witness state (witness.db) and, by default, its key (witness.key).
    #[arg(long)]
    pub data: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:7380")]
    pub listen: SocketAddr,
    /// A log to witness, by its checkpoint vkey; the origin is the key name. Repeatable.
    #[arg(long = "log-vkey", required = true)]
    pub log_vkeys: Vec<String>,
    /// The witness key file (default: <data>/witness.key), made by `oneseal witness keygen`.
    #[arg(long)]
    pub key: Option<PathBuf>,
}

pub fn run(cmd: WitnessCommand) -> Result<()> {
    match cmd {
        WitnessCommand::Keygen(args) => keygen(&args),
        WitnessCommand::Serve(args) => serve(args),
    }
}

fn keygen(args: &KeygenArgs) -> Result<()> {
    let (text, vkey) = keys::keygen(&args.name)?;
    keys::write_key_file(&args.out, &text)?;
    eprintln!(
        "见证密钥已写入 witness key written to {}",
        args.out.display()
    );
    println!("{vkey}");
    Ok(())
}

fn serve(args: WitnessServeArgs) -> Result<()> {
    let log_vkeys = args
        .log_vkeys
        .iter()
        .map(|v| VerifierKey::parse(v).with_context(|| format!("bad --log-vkey {v:?}")))
        .collect::<Result<Vec<_>>>()?;
    let logs = witness::trusted_logs(&log_vkeys)?;
    let key_path = args.key.unwrap_or_else(|| args.data.join("witness.key"));
    if !key_path.exists() {
        bail!(
            "no witness key at {}: create one with `oneseal witness keygen --name NAME --out {}`",
            key_path.display(),
            key_path.display()
        );
    }
    let signer = keys::load_key_file(&key_path)?;
    let db = args.data.join("witness.db");
    let state = WitnessState::open(&db).with_context(|| format!("opening {}", db.display()))?;
    let vkey = signer.verifier_key();
    let origins: Vec<String> = logs.origins().map(str::to_owned).collect();
    let clock: Arc<dyn WallClock> = Arc::new(SystemClock);
    let app = witness::router(WitnessConfig {
        signer,
        logs,
        state,
        clock,
    });
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async move {
        let serving = witness::serve(app, args.listen)
            .await
            .with_context(|| format!("listening on {}", args.listen))?;
        println!(
            "见证服务已启动 witness listening on http://{}",
            serving.addr
        );
        println!("  vkey: {vkey}");
        for o in &origins {
            println!("  log:  {o}  (GET /checkpoint/{})", witness::origin_hash(o));
        }
        let _ = tokio::signal::ctrl_c().await;
        println!("正在停止 shutting down");
        serving.shutdown().await?;
        Ok(())
    })
}
