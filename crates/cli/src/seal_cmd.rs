//! `oneseal seal list|rotate`: the seal registry from the command line (run rotation while the
//! server is stopped; the server loads seal keys at start).

use std::path::PathBuf;

use anyhow::Result;
use clap::Subcommand;
use oneseal_domain::org::DivisionCode;
use oneseal_server::services::ledger::keys::MasterKey;
use oneseal_server::services::sealing::{registry, rotate_bureau_seal};
use oneseal_server::{SystemClock, WallClock};
use oneseal_store::Store;

#[derive(Debug, Subcommand)]
pub enum SealCommand {
    /// List a jurisdiction's seals with their state.
    List {
        #[arg(long, default_value = "370100")]
        jurisdiction: String,
        #[command(flatten)]
        db: crate::serve::DbArgs,
    },
    /// Revoke the bureau's approval seal by an order and register a new one with a new key.
    Rotate {
        /// The revoking order's reference, e.g. 济政字〔2026〕12号.
        #[arg(long)]
        order: String,
        #[arg(long, default_value = "370100")]
        jurisdiction: String,
        #[command(flatten)]
        db: crate::serve::DbArgs,
        /// Master passphrase file (default <data>/master.key; ONESEAL_KEY_PASSPHRASE overrides).
        #[arg(long)]
        key_file: Option<PathBuf>,
    },
}

pub fn run(cmd: SealCommand) -> Result<()> {
    match cmd {
        SealCommand::List { jurisdiction, db } => {
            let store = Store::open(db.database()?)?;
            let seals = store.read_blocking(|c| registry(c, &jurisdiction))?;
            let now = SystemClock.now();
            for s in seals {
                let state = match &s.revocation {
                    Some(r) => format!("已撤销封存 revoked {} ({})", r.at.date(), r.order_ref),
                    None if s.is_active_at(now) => "在用 active".to_owned(),
                    None => "失效 not valid now".to_owned(),
                };
                println!(
                    "{}  {}  {}  {}",
                    s.record.es_id,
                    s.record.kind.name_zh(),
                    s.record.name,
                    state
                );
            }
            store.close();
            Ok(())
        }
        SealCommand::Rotate {
            order,
            jurisdiction,
            db,
            key_file,
        } => {
            let _lock = crate::data_lock::DataLock::acquire(&db.data, "seal rotate")?;
            let store = Store::open(db.database()?)?;
            let master = MasterKey::from_env_or_file(
                &key_file.unwrap_or_else(|| db.data.join("master.key")),
            )?;
            let j = DivisionCode::parse(&jurisdiction)?;
            let (es_id, _) = rotate_bureau_seal(&store, &master, &j, &order, SystemClock.now())
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "新印章已启用 new approval seal {es_id}; the previous one is revoked and archived by {order}"
            );
            store.close();
            Ok(())
        }
    }
}
