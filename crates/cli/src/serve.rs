//! `oneseal serve`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::Args;
use oneseal_server::{AppState, Clock, SystemClock, seed};
use oneseal_store::{Database, Store};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Seed the demo city (济南市 and three counties) with staff accounts and the catalog.
    #[arg(long)]
    pub demo: bool,
    /// Directory of the embedded SQLite database (ignored with --database-url).
    #[arg(long, default_value = "oneseal-data")]
    pub data: PathBuf,
    /// A PostgreSQL URL (postgres://…) or a SQLite file path; overrides --data.
    #[arg(long, env = "ONESEAL_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
}

/// The database named by `--database-url`, or `<data>/oneseal.db`.
pub fn database(url: Option<&str>, data: &std::path::Path) -> Result<Database> {
    match url {
        Some(u) => Ok(Database::parse(u)?),
        None => Ok(Database::Sqlite(data.join("oneseal.db"))),
    }
}

pub fn run(args: ServeArgs) -> Result<()> {
    let db = database(args.database_url.as_deref(), &args.data)?;
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async move {
        let store = Store::open(db.clone()).with_context(|| format!("opening {db:?}"))?;
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        if args.demo {
            let seeded = seed::seed_demo(&store, clock.now()).await?;
            print_demo(seeded);
        }
        let state = AppState::new(store.clone(), clock);
        let running = oneseal_server::start(state, args.listen)
            .await
            .with_context(|| format!("listening on {}", args.listen))?;
        println!(
            "oneseal 已启动 listening on http://{}  (database: {})",
            running.addr,
            store.backend().name()
        );
        tokio::select! {
            r = running.task => { r??; }
            _ = tokio::signal::ctrl_c() => { println!("正在停止 shutting down"); }
        }
        store.close();
        Ok(())
    })
}

fn print_demo(seeded: bool) {
    if seeded {
        println!("演示数据已生成 Demo data seeded.");
    }
    println!(
        "演示账号 Demo accounts (password / 密码: {}):",
        seed::DEMO_PASSWORD
    );
    for a in seed::demo_accounts() {
        println!("  {:<12} {:<10} {}", a.staff_id, a.role, a.jurisdiction);
    }
}
