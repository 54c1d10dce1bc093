//! `oneseal serve`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::Args;
use oneseal_ledger::note::VerifierKey;
use oneseal_server::background::checkpointer::Checkpointer;
use oneseal_server::background::cosign::{Backoff, Cosigner};
use oneseal_server::background::leadership::Leadership;
use oneseal_server::edge::net::{Net, ProxyNet, PublicUrl};
use oneseal_server::services::calendar::CalendarStore;
use oneseal_server::services::case_secrets::CaseSecrets;
use oneseal_server::services::history;
use oneseal_server::services::ledger::anchor::Anchors;
use oneseal_server::services::ledger::keys::MasterKey;
use oneseal_server::services::ledger::{Logs, WitnessInfo, open_logs};
use oneseal_server::services::linkage::webhooks::TargetPolicy;
use oneseal_server::services::sealing::{SealKeys, seed_demo_seals};
use oneseal_server::services::seed;
use oneseal_server::{AppState, SystemClock, WallClock, witness};
use oneseal_store::leader::Leader;
use oneseal_store::{Database, Store};

/// The demo's history on SQLite: about 40 applications a working day across the city and its
/// counties over 90 days, enough for every queue, chart and statistic to show a working bureau
/// (open cases in every state, overdue ones, claims, ratings, alerts), small enough that the
/// first start takes a few seconds in a release build.
pub const DEMO_CASES: u32 = 2_500;

/// The same on PostgreSQL, smaller: its writer still pays a round trip per statement (issue #17,
/// item 8), so 2,500 cases would make the first start take about a minute.
pub const DEMO_CASES_POSTGRES: u32 = 500;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Seed the demo city (济南市 and three counties) with staff accounts, the catalog and seals,
    /// the last 90 days of its history (`--demo-cases`), and run three in-process witnesses.
    #[arg(long)]
    pub demo: bool,
    /// The demo without its history: the organisation, catalog and seals only.
    #[arg(long)]
    pub demo_empty: bool,
    /// Applications in the demo's 90 days of history (city and counties together); default
    /// 2,500 on SQLite, 500 on PostgreSQL.
    #[arg(long)]
    pub demo_cases: Option<u32>,
    /// Directory of the embedded SQLite database, the key file and the rollback anchors.
    #[arg(long, default_value = "oneseal-data")]
    pub data: PathBuf,
    /// A PostgreSQL URL (postgres://…) or a SQLite file path; overrides the database in --data.
    #[arg(long, env = "ONESEAL_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Host part of the logs' origins (`<host>/<division code>/approvals`).
    #[arg(long, default_value = oneseal_server::services::ledger::DEFAULT_LOG_HOST)]
    pub log_host: String,
    /// File with the master passphrase that unlocks the bureau's keys (created, mode 0600, if
    /// missing); ONESEAL_KEY_PASSPHRASE overrides it. Default: <data>/master.key.
    #[arg(long)]
    pub key_file: Option<PathBuf>,
    /// A witness to submit checkpoints to, `LABEL=URL=VKEY` (repeatable).
    #[arg(long)]
    pub witness: Vec<String>,
    /// Witness cosignatures a verifier should require (published in the policy).
    #[arg(long, default_value_t = 2)]
    pub quorum: usize,
    /// Let departments register webhooks on private networks (RFC 1918, loopback, CGNAT, IPv6
    /// unique-local), for intranets where their systems sit on private addresses. Off by
    /// default: webhooks then reach public addresses only. Link-local (cloud metadata),
    /// multicast and reserved addresses stay refused either way. See docs/OPERATIONS.md.
    #[arg(long)]
    pub webhook_allow_private: bool,
    /// The bureau's public base URL (`https://approval.example.gov.cn`): every absolute link, QR
    /// code and the log policy use it, an `https` URL makes the session cookie `__Host-` and
    /// `Secure` and turns on HSTS, and a browser's `Origin` must match it. A request's `Host:`
    /// is never used. Default: the listening address over plain HTTP.
    #[arg(long, env = "ONESEAL_PUBLIC_URL", value_parser = parse_public_url)]
    pub public_url: Option<PublicUrl>,
    /// A reverse proxy (address or network, `10.0.0.0/8`) whose `X-Forwarded-For` names the
    /// client for sign-in throttling (repeatable). From any other peer the header is ignored.
    #[arg(long, value_parser = parse_proxy)]
    pub trusted_proxy: Vec<ProxyNet>,
    /// Boxed: the material options would make `serve` the one large variant of the commands.
    #[command(flatten)]
    pub materials: Box<crate::materials_args::MaterialArgs>,
    /// Boxed as the material options are.
    #[command(flatten)]
    pub oidc: Box<crate::oidc_args::OidcArgs>,
}

fn parse_public_url(s: &str) -> Result<PublicUrl, String> {
    PublicUrl::parse(s)
}

fn parse_proxy(s: &str) -> Result<ProxyNet, String> {
    ProxyNet::parse(s)
}

/// Where a command finds the data: the directory (SQLite file, key file, anchors) and an
/// optional database URL that overrides the SQLite file.
#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// Directory of the embedded SQLite database, the key file and the rollback anchors.
    #[arg(long, default_value = "oneseal-data")]
    pub data: PathBuf,
    /// A PostgreSQL URL (postgres://…) or a SQLite file path; overrides the database in --data.
    #[arg(long, env = "ONESEAL_DATABASE_URL")]
    pub database_url: Option<String>,
}

impl DbArgs {
    pub fn database(&self) -> Result<Database> {
        database(self.database_url.as_deref(), &self.data)
    }
}

/// The database named by `--database-url`, or `<data>/oneseal.db`.
pub fn database(url: Option<&str>, data: &std::path::Path) -> Result<Database> {
    match url {
        Some(u) => Ok(Database::parse(u)?),
        None => Ok(Database::Sqlite(data.join("oneseal.db"))),
    }
}

fn parse_witness(s: &str) -> Result<WitnessInfo> {
    let mut parts = s.splitn(3, '=');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(label), Some(url), Some(vkey)) if !label.is_empty() && url.starts_with("http") => {
            let vkey =
                VerifierKey::parse(vkey).map_err(|e| anyhow::anyhow!("witness vkey: {e}"))?;
            Ok(WitnessInfo {
                label: label.to_owned(),
                url: url.to_owned(),
                vkey: vkey.to_string(),
            })
        }
        _ => anyhow::bail!("--witness takes LABEL=URL=VKEY, got {s:?}"),
    }
}

/// The data directory holds the private payloads, the encrypted keys and the anchors: only its
/// owner may enter it (the files inside keep whatever mode SQLite gives them).
pub(crate) fn private_data_dir(dir: &std::path::Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("restricting {}", dir.display()))?;
    }
    Ok(())
}

pub fn run(args: ServeArgs) -> Result<()> {
    private_data_dir(&args.data)?;
    // Held until the process exits: one server (or restore, import …) per data directory.
    let _lock = crate::data_lock::DataLock::acquire(&args.data, "serve")?;
    let db = database(args.database_url.as_deref(), &args.data)?;
    // The store, the rollback guard and the keys are opened before the async runtime starts:
    // the PostgreSQL client must not be created on an async worker thread.
    let store = Store::open(db.clone()).with_context(|| format!("opening {db:?}"))?;
    let anchors = Anchors::new(&args.data.join("anchors"));
    store
        .read_blocking(|c| anchors.check(c))
        .context("the rollback guard refused this database")?;
    let key_file = args
        .key_file
        .clone()
        .unwrap_or_else(|| args.data.join("master.key"));
    let master = Arc::new(MasterKey::from_env_or_file(&key_file)?);
    let clock: Arc<dyn WallClock> = Arc::new(SystemClock);
    let rt = tokio::runtime::Runtime::new()?;
    let demo = args.demo || args.demo_empty;
    // The history's organisation, seals and rules are recorded at its opening, 90 days ago:
    // the log's times must follow its indexes.
    let cases = args.demo_cases.unwrap_or(match store.backend() {
        oneseal_store::Backend::Postgres => DEMO_CASES_POSTGRES,
        oneseal_store::Backend::Sqlite => DEMO_CASES,
    });
    let history = (args.demo && !args.demo_empty && cases > 0).then(|| history::Options {
        cases,
        seed: 1,
        days: 90,
        end: clock.now(),
        batch: 2_000,
        cache_mib: oneseal_store::bulk::BULK_CACHE_MIB,
    });
    let opening = history.as_ref().map_or(clock.now(), history::opening);
    let mut seeded = false;
    if demo {
        seeded = rt.block_on(seed::seed_demo(&store, opening))?;
        print_demo(seeded);
    }
    let mut logs = open_logs(
        &store,
        &master,
        &args.log_host,
        clock.now().unix_timestamp(),
    )?;
    if demo && seed_demo_seals(&store, &master, opening)? {
        println!(
            "演示印章已登记：各辖区行政审批专用章启用，原部门审批章撤销封存 Demo seals registered."
        );
    }
    let seal_keys = Arc::new(SealKeys::load(&store, &master)?);
    let case_secrets = Arc::new(CaseSecrets::load_or_create(
        &store,
        &master,
        clock.now().unix_timestamp(),
    )?);
    let calendar = Arc::new(store.read_blocking(|c| CalendarStore::load(c))?);
    if let Some(options) = history.filter(|_| seeded) {
        let started = std::time::Instant::now();
        let keys = history::Keys {
            seals: seal_keys.clone(),
            secrets: case_secrets.clone(),
            calendar: calendar.current(),
        };
        let w = history::generate(&store, &keys, &options).context("the demo's history")?;
        println!(
            "演示历史已生成 Demo history: {} cases over 90 days in {:.1} s",
            w.cases,
            started.elapsed().as_secs_f64()
        );
        // One construction project made of the history's cases (issue #20 item 3).
        match rt.block_on(oneseal_server::services::projects::seed_demo_project(
            &store,
            clock.now(),
            calendar.current(),
        )) {
            Ok(Some(code)) => println!("演示工程建设项目 Demo construction project: {code}"),
            Ok(None) => {}
            Err(e) => eprintln!("演示工程建设项目未登记 Demo project not registered: {e}"),
        }
    }
    logs.witnesses = args
        .witness
        .iter()
        .map(|w| parse_witness(w))
        .collect::<Result<_>>()?;
    logs.quorum = args.quorum;
    rt.block_on(async move {
        // The in-process witnesses live as long as this block.
        let _witnesses = if demo && logs.witnesses.is_empty() {
            demo_witnesses(&args.data, &mut logs, clock.clone()).await?
        } else {
            Vec::new()
        };
        let logs = Arc::new(logs);
        // With several servers on one PostgreSQL database, only the leader runs background work.
        let leader = Arc::new(Leader::new(db.clone()));
        let leadership = Leadership::follower();
        let _lead = leadership.follow(leader.clone());
        let checkpointer = Checkpointer {
            store: store.clone(),
            keys: Arc::new(logs.keys.clone()),
            anchors: Some(anchors),
            clock: clock.clone(),
        };
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(5))
            .build()?;
        // Cosigning runs beside the signer, retrying with back-off while the witnesses are down.
        let (to_cosign, _cosigner) = Cosigner {
            store: store.clone(),
            logs: logs.clone(),
            client,
            backoff: Backoff::default(),
        }
        .spawn(leadership.clone());
        let _signer = checkpointer.spawn(leadership.clone(), move |signed| {
            for s in signed {
                if to_cosign.send(s).is_err() {
                    tracing::error!("the cosigner stopped");
                }
            }
        });
        let state = AppState::new(store.clone(), clock)
            .with_logs(logs)
            .with_seal_keys(seal_keys)
            .with_case_secrets(case_secrets)
            .with_calendar(calendar)
            .with_leadership(leadership)
            .with_master_key(master.clone())
            .with_materials(args.materials.materials(&args.data).await?)
            .with_webhook_policy(if args.webhook_allow_private {
                TargetPolicy::AllowPrivate
            } else {
                TargetPolicy::PublicOnly
            })
            .with_net(Net {
                public_url: args.public_url.clone(),
                fallback_base: None,
                trusted_proxies: args.trusted_proxy.clone(),
            });
        // The demo's applicants sign in with codes from the log and `GET /api/v1/demo/outbox`.
        let state = if demo { state.with_demo_outbox() } else { state };
        // Applicants sign in through the province's identity service when one is named.
        let state = match args.oidc.relying_party()? {
            Some(oidc) => state.with_oidc(oidc),
            None => state,
        };
        // Webhook secrets stored in plain text by an earlier version are encrypted now.
        if let Some(secrets) = state.webhook_secrets.clone() {
            let st = store.clone();
            let n = tokio::task::spawn_blocking(move || secrets.seal_stored(&st))
                .await?
                .map_err(|e| anyhow::anyhow!("encrypting webhook secrets: {e:?}"))?;
            if n > 0 {
                println!("已加密 {n} 个 webhook 密钥 encrypted {n} webhook secret(s) stored in plain text");
            }
        }
        let _linkage = oneseal_server::background::linkage_runner::spawn_runner(state.clone());
        // Other server processes on the same database may import a calendar year or a seal.
        let _peers = (store.backend() == oneseal_store::Backend::Postgres)
            .then(|| oneseal_server::background::peers::spawn_refresh(state.clone(), master.clone()));
        let (clock, engines) = (state.clock.clone(), state.rule_engines.clone());
        let running = oneseal_server::start(state, args.listen)
            .await
            .with_context(|| format!("listening on {}", args.listen))?;
        // The first rule run (built-in rules installed, the day's tick, alerts) starts once the
        // server listens: a run that fails, or takes long, must not keep it from starting.
        let rules_store = store.clone();
        tokio::spawn(async move {
            if let Err(e) = engines.run(&rules_store, clock.now()).await {
                tracing::warn!(error = %e, "monitoring rules: the first run failed");
            }
        });
        println!(
            "oneseal 已启动 listening on http://{}  (database: {})",
            running.addr,
            store.backend().name()
        );
        tokio::select! {
            r = running.task => { r??; }
            _ = tokio::signal::ctrl_c() => { println!("正在停止 shutting down"); }
        }
        tokio::task::spawn_blocking(move || leader.resign()).await?;
        store.close();
        Ok(())
    })
}

/// Starts the demo's three witnesses (audit office, discipline inspection, market regulation).
async fn demo_witnesses(
    data: &std::path::Path,
    logs: &mut Logs,
    clock: Arc<dyn WallClock>,
) -> Result<Vec<witness::RunningWitness>> {
    let vkeys: Vec<VerifierKey> = logs
        .keys
        .values()
        .map(|k| k.ed25519.verifier_key())
        .collect();
    let running = witness::spawn_in_process(
        &data.join("witnesses"),
        &witness::DEMO_WITNESSES,
        &vkeys,
        clock,
    )
    .await?;
    for w in &running {
        println!("见证方 witness {} ({}) at {}", w.label, w.name, w.url);
        logs.witnesses.push(WitnessInfo {
            label: w.label.clone(),
            url: w.url.clone(),
            vkey: w.vkey.to_string(),
        });
    }
    Ok(running)
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
