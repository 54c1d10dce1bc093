//! `oneseal bench crash`: SIGKILL under load, then proof that nothing acknowledged was lost.
//!
//! Why: the writer answers a command only once its batch is durable, and every table is a
//! projection of the log written in the same transaction. This harness checks both promises from
//! outside, as a power cut would: it starts `oneseal serve --demo` (this binary), one process on
//! SQLite or several on one PostgreSQL database, drives whole case lifecycles from concurrent
//! clients, kills a server with SIGKILL at random moments and restarts it. At the end it kills
//! every server once more and checks that
//! - every acknowledged command is in the log at the index its answer gave, about the case or
//!   push it named, no index was acknowledged twice, and every acknowledged case reads back;
//! - `oneseal ledger verify` (tree, checkpoints, every projection rebuilt from the events, so
//!   nothing is half-applied) and `oneseal rules replay` exit 0;
//! - every checkpoint seen during the run is signed by the log's key, no size was signed with two
//!   roots, and each is consistent with the final checkpoint;
//! - with several servers, never more than one of them leads the background work.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Args;
use oneseal_ledger::checkpoint::Checkpoint;
use oneseal_ledger::hash::hash_from_base64;
use oneseal_ledger::note::{Note, VerifierKey};
use oneseal_ledger::{Hash, verify_consistency};
use oneseal_store::scratch::ScratchDb;
use serde_json::{Value, json};
use tokio::sync::Mutex;

use crate::bench_e2e::{
    Actors, User, decide_body, free_port, intake_body, review_body, sign_in, wait_ready,
};

/// The demo city's log, where the clerk's cases go.
const LOG: &str = "370100";

/// Longest acceptable time without a leader: a killed leader's lock goes with its connection,
/// and the others check every two seconds (`leadership::CHECK_EVERY`); a restart takes a few.
const MAX_LEADERLESS: Duration = Duration::from_secs(10);

#[derive(Debug, Args)]
pub struct CrashArgs {
    /// Acknowledged commands to reach (each request of a lifecycle is one command).
    #[arg(long, default_value_t = 10_000)]
    commands: usize,
    /// SIGKILLs during the run (a last one then kills every server).
    #[arg(long, default_value_t = 5)]
    kills: usize,
    /// Concurrent clients.
    #[arg(long, default_value_t = 16)]
    clients: usize,
    /// Server processes; more than one needs PostgreSQL.
    #[arg(long, default_value_t = 1)]
    servers: usize,
    /// A PostgreSQL server: the run gets a fresh schema there, dropped afterwards.
    #[arg(long)]
    database_url: Option<String>,
    /// Seed of the kill schedule and node choice (printed; default from the clock).
    #[arg(long)]
    seed: Option<u64>,
}

/// A small deterministic generator (xorshift64*): the schedule must be reproducible from the
/// printed seed, and nothing here needs cryptographic randomness.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// One server process, restartable on the same port and data directory.
struct Node {
    port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

impl Node {
    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn start(&mut self, run: &RunDirs) -> Result<()> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.with_extension("log"))?;
        let mut cmd = Command::new(std::env::current_exe()?);
        // Without the demo's history: the crash test counts its own commands on an empty bureau.
        cmd.args(["serve", "--demo-empty", "--listen"])
            .arg(format!("127.0.0.1:{}", self.port))
            .arg("--data")
            .arg(&self.dir)
            .arg("--key-file")
            .arg(&run.key_file)
            .env("ONESEAL_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(log);
        run.database_env(&mut cmd);
        self.child = Some(cmd.spawn().context("starting oneseal serve --demo")?);
        Ok(())
    }

    /// SIGKILL (what `Child::kill` sends on Unix): no shutdown code runs.
    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Where the run keeps its files, and which database it uses.
struct RunDirs {
    root: PathBuf,
    key_file: PathBuf,
    database_url: Option<String>,
}

impl RunDirs {
    fn database_env(&self, cmd: &mut Command) {
        match &self.database_url {
            Some(url) => cmd.env("ONESEAL_DATABASE_URL", url),
            None => cmd.env_remove("ONESEAL_DATABASE_URL"),
        };
    }

    /// Runs `oneseal <args> --data <node 0>` against the run's database; its output on failure.
    fn tool(&self, args: &[&str]) -> Result<String> {
        let mut cmd = Command::new(std::env::current_exe()?);
        cmd.args(args).arg("--data").arg(self.root.join("node-0"));
        self.database_env(&mut cmd);
        let out = cmd.output()?;
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            bail!("oneseal {} failed:\n{stdout}{stderr}", args.join(" "));
        }
        Ok(stdout)
    }
}

/// What an acknowledged command promised: entry `index` of `log` is about `subject`.
#[derive(Clone, Debug)]
struct Ack {
    log: String,
    index: u64,
    subject: String,
}

/// Shared by clients, the killer and the samplers.
struct Ctx {
    nodes: Vec<String>,
    alive: Vec<AtomicBool>,
    /// Bumped at each kill, so a leadership sample spanning one is discarded.
    epoch: AtomicU64,
    acked: AtomicUsize,
    lost: AtomicUsize,
    kills_done: AtomicBool,
    target: usize,
    acks: Mutex<Vec<Ack>>,
    cases: Mutex<BTreeSet<String>>,
    /// Answers no correct server gives (4xx to a valid step, 5xx).
    wrong: Mutex<Vec<String>>,
    checkpoints: Mutex<BTreeMap<u64, (Hash, String)>>,
    forks: Mutex<Vec<String>>,
    most_leaders: AtomicUsize,
    /// Samples in which exactly one server led: the background work did run somewhere.
    one_leader: AtomicUsize,
    /// When a sample last found one leader, and the longest time without one (takeover).
    led_at: std::sync::Mutex<(Instant, Duration)>,
}

impl Ctx {
    fn done(&self) -> bool {
        self.kills_done.load(Ordering::SeqCst) && self.acked.load(Ordering::SeqCst) >= self.target
    }

    /// A random server not known to be down; waits while every one is restarting.
    async fn pick(&self, rng: &mut Rng) -> String {
        loop {
            let live: Vec<usize> = (0..self.nodes.len())
                .filter(|i| self.alive[*i].load(Ordering::SeqCst))
                .collect();
            if !live.is_empty() {
                return self.nodes[live[rng.below(live.len() as u64) as usize]].clone();
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Why a lifecycle stopped early.
enum Stop {
    /// No answer (the server died): the command may or may not have been applied.
    Lost,
    /// A wrong answer, recorded in `Ctx::wrong`.
    Wrong,
}

/// Sends one command to a live node; counts it acknowledged only on a 2xx answer.
async fn command(
    ctx: &Ctx,
    rng: &mut Rng,
    user: &User,
    path: &str,
    body: &Value,
) -> Result<Value, Stop> {
    let url = format!("{}{path}", ctx.pick(rng).await);
    match user.send(&url, body).await {
        Ok((status, v)) if status.is_success() => {
            ctx.acked.fetch_add(1, Ordering::SeqCst);
            Ok(v)
        }
        Ok((status, v)) => {
            ctx.wrong
                .lock()
                .await
                .push(format!("POST {path}: HTTP {status}: {v}"));
            Err(Stop::Wrong)
        }
        Err(_) => {
            ctx.lost.fetch_add(1, Ordering::SeqCst);
            Err(Stop::Lost)
        }
    }
}

fn indexes(v: &Value) -> Vec<u64> {
    v["ledger_indexes"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_u64).collect())
        .unwrap_or_default()
}

async fn ack(ctx: &Ctx, index: Option<u64>, subject: &str) {
    if let Some(index) = index {
        ctx.acks.lock().await.push(Ack {
            log: LOG.to_owned(),
            index,
            subject: subject.to_owned(),
        });
    }
}

/// One case from intake to the department's claim, stopping at the first unanswered step.
async fn lifecycle(ctx: &Ctx, rng: &mut Rng, a: &Actors) -> Result<(), Stop> {
    let created = command(ctx, rng, &a.clerk, "/api/v1/cases", &intake_body()).await?;
    let Some(number) = created["case_number"].as_str().map(str::to_owned) else {
        ctx.wrong.lock().await.push(format!("intake: {created}"));
        return Err(Stop::Wrong);
    };
    ctx.cases.lock().await.insert(number.clone());
    ack(ctx, created["ledger_index"].as_u64(), &number).await;
    let actions = format!("/api/v1/cases/{number}/actions");
    let steps: [(&User, Value); 4] = [
        (&a.clerk, json!({"action": "accept"})),
        (&a.reviewers[0], review_body(0)),
        (&a.reviewers[1], review_body(1)),
        (&a.approver, decide_body()),
    ];
    let mut decided = Value::Null;
    for (user, body) in steps {
        decided = command(ctx, rng, user, &actions, &body).await?;
        ack(ctx, indexes(&decided).first().copied(), &number).await;
    }
    if let Some(push) = decided["pushes"][0].as_str() {
        let path = format!("/api/v1/linkage/pushes/{push}/claim");
        let claimed = command(ctx, rng, &a.department, &path, &json!({})).await?;
        ack(ctx, claimed["receipt"]["ledger_index"].as_u64(), push).await;
    }
    Ok(())
}

async fn client(ctx: Arc<Ctx>, actors: Arc<Actors>, seed: u64) {
    let mut rng = Rng::new(seed);
    while !ctx.done() {
        match lifecycle(&ctx, &mut rng, &actors).await {
            Ok(()) => {}
            // A dead server: give it a moment before the next case.
            Err(Stop::Lost) => tokio::time::sleep(Duration::from_millis(50)).await,
            Err(Stop::Wrong) => return,
        }
    }
}

/// Kills a random server every 1–4 s and restarts it, `kills` times.
async fn killer(
    ctx: Arc<Ctx>,
    nodes: Arc<Mutex<Vec<Node>>>,
    run: Arc<RunDirs>,
    kills: usize,
    seed: u64,
) -> Result<()> {
    let mut rng = Rng::new(seed);
    for k in 0..kills {
        tokio::time::sleep(Duration::from_millis(1000 + rng.below(3000))).await;
        let i = rng.below(ctx.nodes.len() as u64) as usize;
        ctx.alive[i].store(false, Ordering::SeqCst);
        ctx.epoch.fetch_add(1, Ordering::SeqCst);
        nodes.lock().await[i].kill();
        println!(
            "kill {}/{kills}: server {i} (SIGKILL) after {} acknowledged commands",
            k + 1,
            ctx.acked.load(Ordering::SeqCst)
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
        nodes.lock().await[i].start(&run)?;
        wait_ready(&ctx.nodes[i]).await?;
        ctx.alive[i].store(true, Ordering::SeqCst);
    }
    ctx.kills_done.store(true, Ordering::SeqCst);
    Ok(())
}

/// Records every checkpoint the servers publish, and how many servers claim to lead at once.
async fn sampler(ctx: Arc<Ctx>, seed: u64) {
    let http = reqwest::Client::new();
    let mut rng = Rng::new(seed);
    while !ctx.done() {
        let base = ctx.pick(&mut rng).await;
        if let Ok(r) = http
            .get(format!("{base}/log/{LOG}/checkpoint"))
            .send()
            .await
            && r.status().is_success()
            && let Ok(text) = r.text().await
        {
            note_checkpoint(&ctx, &text).await;
        }
        if ctx.nodes.len() > 1 {
            sample_leaders(&ctx, &http).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

async fn note_checkpoint(ctx: &Ctx, text: &str) {
    let Some((size, root)) = parse_checkpoint(text) else {
        ctx.forks
            .lock()
            .await
            .push(format!("unparsable checkpoint: {text:?}"));
        return;
    };
    let mut seen = ctx.checkpoints.lock().await;
    if let Some((other, _)) = seen.get(&size)
        && *other != root
    {
        ctx.forks
            .lock()
            .await
            .push(format!("size {size} was signed with two roots"));
    }
    seen.entry(size).or_insert((root, text.to_owned()));
}

fn parse_checkpoint(text: &str) -> Option<(u64, Hash)> {
    let note = Note::parse(text.as_bytes()).ok()?;
    let cp = Checkpoint::parse_text(note.text()).ok()?;
    Some((cp.size(), *cp.root()))
}

/// Asks every server whether it leads; a sample during which a server was killed is dropped.
async fn sample_leaders(ctx: &Ctx, http: &reqwest::Client) {
    let epoch = ctx.epoch.load(Ordering::SeqCst);
    let mut leaders = 0;
    for base in &ctx.nodes {
        if let Ok(r) = http.get(format!("{base}/healthz")).send().await
            && let Ok(v) = r.json::<Value>().await
            && v["leader"] == json!(true)
        {
            leaders += 1;
        }
    }
    if ctx.epoch.load(Ordering::SeqCst) == epoch {
        ctx.most_leaders.fetch_max(leaders, Ordering::SeqCst);
        if leaders == 1 {
            ctx.one_leader.fetch_add(1, Ordering::SeqCst);
            if let Ok(mut led) = ctx.led_at.lock() {
                let gap = led.0.elapsed();
                *led = (Instant::now(), led.1.max(gap));
            }
        }
    }
}

pub fn run(args: &CrashArgs) -> Result<()> {
    if args.servers == 0 || args.clients == 0 {
        bail!("--servers and --clients must be at least 1");
    }
    if args.servers > 1 && args.database_url.is_none() {
        bail!("several servers share one database only on PostgreSQL: give --database-url");
    }
    let seed = args.seed.unwrap_or_else(|| {
        use oneseal_server::WallClock;
        oneseal_server::SystemClock.now().unix_timestamp_nanos() as u64
    });
    // A fresh schema on PostgreSQL, removed when `scratch` drops.
    let scratch = match &args.database_url {
        Some(url) => Some(ScratchDb::new_on(Some(url))?),
        None => None,
    };
    let database_url = scratch.as_ref().map(|s| s.database.url());
    let root = std::env::temp_dir().join(format!("oneseal-crash-{}-{seed}", std::process::id()));
    std::fs::create_dir_all(&root)?;
    let run = Arc::new(RunDirs {
        key_file: root.join("master.key"),
        root: root.clone(),
        database_url,
    });
    println!(
        "crash test: {} server(s) on {}, {} clients, {} kills, seed {seed}; files in {}",
        args.servers,
        if args.database_url.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        args.clients,
        args.kills,
        root.display()
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let result = rt.block_on(drive(args, run.clone(), seed));
    match &result {
        Ok(()) => {
            let _ = std::fs::remove_dir_all(&root);
        }
        Err(_) => eprintln!("kept for inspection: {}", root.display()),
    }
    drop(scratch);
    result
}

async fn drive(args: &CrashArgs, run: Arc<RunDirs>, seed: u64) -> Result<()> {
    let mut nodes = Vec::new();
    for i in 0..args.servers {
        let mut n = Node {
            port: free_port()?,
            dir: run.root.join(format!("node-{i}")),
            child: None,
        };
        // One after another: the first seeds the demo, the others find it seeded.
        n.start(&run)?;
        wait_ready(&n.base()).await?;
        nodes.push(n);
    }
    let base = nodes[0].base();
    let actors = Arc::new(Actors::sign_in(&base).await?);
    let ctx = Arc::new(Ctx {
        nodes: nodes.iter().map(Node::base).collect(),
        alive: nodes.iter().map(|_| AtomicBool::new(true)).collect(),
        epoch: AtomicU64::new(0),
        acked: AtomicUsize::new(0),
        lost: AtomicUsize::new(0),
        kills_done: AtomicBool::new(false),
        target: args.commands,
        acks: Mutex::default(),
        cases: Mutex::default(),
        wrong: Mutex::default(),
        checkpoints: Mutex::default(),
        forks: Mutex::default(),
        most_leaders: AtomicUsize::new(0),
        one_leader: AtomicUsize::new(0),
        led_at: std::sync::Mutex::new((Instant::now(), Duration::ZERO)),
    });
    let nodes = Arc::new(Mutex::new(nodes));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..args.clients {
        tasks.push(tokio::spawn(client(
            ctx.clone(),
            actors.clone(),
            seed ^ (c as u64 + 1) << 20,
        )));
    }
    let sampling = tokio::spawn(sampler(ctx.clone(), seed ^ 0x5a5a));
    let killing = tokio::spawn(killer(
        ctx.clone(),
        nodes.clone(),
        run.clone(),
        args.kills,
        seed,
    ));
    let killed = killing.await?;
    if killed.is_err() {
        // Let the clients stop: the run is failing anyway.
        ctx.acked.fetch_add(args.commands, Ordering::SeqCst);
        ctx.kills_done.store(true, Ordering::SeqCst);
    }
    killed?;
    for t in tasks {
        t.await?;
    }
    sampling.await?;
    let elapsed = started.elapsed();
    for n in nodes.lock().await.iter_mut() {
        n.kill();
    }
    println!(
        "load: {} acknowledged, {} unanswered (in flight at a kill, or sent as one happened) in {:.1} s; every server killed once more",
        ctx.acked.load(Ordering::SeqCst),
        ctx.lost.load(Ordering::SeqCst),
        elapsed.as_secs_f64()
    );
    check(&ctx, &nodes, &run, args).await
}

/// Everything that must hold after the last crash.
async fn check(ctx: &Ctx, nodes: &Mutex<Vec<Node>>, run: &RunDirs, args: &CrashArgs) -> Result<()> {
    let mut failures: Vec<String> = ctx.wrong.lock().await.clone();
    failures.extend(ctx.forks.lock().await.iter().cloned());
    if args.servers > 1 {
        let most = ctx.most_leaders.load(Ordering::SeqCst);
        if most > 1 {
            failures.push(format!("{most} servers led the background work at once"));
        }
        if ctx.one_leader.load(Ordering::SeqCst) == 0 {
            failures.push("no sample found a server leading the background work".into());
        }
        let gap = ctx.led_at.lock().map_or(Duration::ZERO, |l| l.1);
        println!("longest time without a leader: {:.1} s", gap.as_secs_f64());
        if gap > MAX_LEADERLESS {
            failures.push(format!(
                "no server led the background work for {:.1} s (a takeover takes at most {} s)",
                gap.as_secs_f64(),
                MAX_LEADERLESS.as_secs()
            ));
        }
    }
    for tool in [["ledger", "verify"], ["rules", "replay"]] {
        match run.tool(&tool) {
            Ok(out) => println!(
                "oneseal {}: {}",
                tool.join(" "),
                out.lines().last().unwrap_or("")
            ),
            Err(e) => failures.push(e.to_string()),
        }
    }
    let base = {
        let mut nodes = nodes.lock().await;
        nodes[0].start(run)?;
        nodes[0].base()
    };
    wait_ready(&base).await?;
    failures.extend(check_acks(ctx, &base).await?);
    failures.extend(check_checkpoints(ctx, &base).await?);
    nodes.lock().await[0].kill();
    if failures.is_empty() {
        println!(
            "crash test passed: {} acknowledged commands present, {} cases read back, {} checkpoints consistent{}",
            ctx.acks.lock().await.len(),
            ctx.cases.lock().await.len(),
            ctx.checkpoints.lock().await.len(),
            if args.servers > 1 {
                format!(
                    ", one leader in {} samples and never two",
                    ctx.one_leader.load(Ordering::SeqCst)
                )
            } else {
                String::new()
            }
        );
        return Ok(());
    }
    for f in failures.iter().take(20) {
        eprintln!("FAILED: {f}");
    }
    bail!("crash test failed: {} finding(s)", failures.len())
}

/// Every acknowledged index holds an entry about what was acknowledged, no index twice; every
/// case whose intake was acknowledged reads back.
async fn check_acks(ctx: &Ctx, base: &str) -> Result<Vec<String>> {
    let http = reqwest::Client::new();
    let mut failures = Vec::new();
    let acks = ctx.acks.lock().await.clone();
    let mut seen = BTreeSet::new();
    for a in &acks {
        if !seen.insert((a.log.clone(), a.index)) {
            failures.push(format!(
                "index {} of log {} acknowledged twice",
                a.index, a.log
            ));
        }
        let r = http
            .get(format!("{base}/api/v1/log/{}/entries/{}", a.log, a.index))
            .send()
            .await?;
        let status = r.status();
        let text = r.text().await?;
        if !status.is_success() || !text.contains(&a.subject) {
            failures.push(format!(
                "acknowledged entry {} of log {} (about {}) is missing or about something else: HTTP {status}",
                a.index, a.log, a.subject
            ));
        }
    }
    let clerk = sign_in(base, "CLERK").await?;
    for number in ctx.cases.lock().await.iter() {
        let r = clerk
            .client
            .get(format!("{base}/api/v1/cases/{number}"))
            .send()
            .await?;
        if !r.status().is_success() {
            failures.push(format!(
                "case {number} does not read back: HTTP {}",
                r.status()
            ));
        }
    }
    Ok(failures)
}

/// Waits for the checkpoint of the final log, then checks every checkpoint seen against it.
async fn check_checkpoints(ctx: &Ctx, base: &str) -> Result<Vec<String>> {
    let http = reqwest::Client::new();
    let size: u64 = {
        let v: Value = http
            .get(format!("{base}/healthz"))
            .send()
            .await?
            .json()
            .await?;
        v["logs"][LOG]
            .as_u64()
            .context("the log's size in /healthz")?
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    let (final_size, final_root, final_text) = loop {
        let text = http
            .get(format!("{base}/log/{LOG}/checkpoint"))
            .send()
            .await?
            .text()
            .await?;
        if let Some((s, r)) = parse_checkpoint(&text)
            && s >= size
        {
            break (s, r, text);
        }
        if Instant::now() > deadline {
            bail!("no checkpoint covered the log's {size} entries within 30 s of the restart");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let vkeys = http
        .get(format!("{base}/log/{LOG}/vkeys"))
        .send()
        .await?
        .text()
        .await?;
    let verifiers: Vec<_> = vkeys
        .lines()
        .filter_map(|l| VerifierKey::parse(l).ok()?.verifier().ok())
        .collect();
    let refs: Vec<_> = verifiers.iter().map(|v| v.as_ref()).collect();
    let mut failures = Vec::new();
    let mut seen = ctx.checkpoints.lock().await.clone();
    seen.insert(final_size, (final_root, final_text));
    for (size, (root, text)) in &seen {
        if !Note::parse(text.as_bytes()).is_ok_and(|n| n.verify(&refs).is_ok()) {
            failures.push(format!("checkpoint {size}: signature does not verify"));
        }
        if *size == 0 || *size == final_size {
            continue;
        }
        let v: Value = http
            .get(format!(
                "{base}/api/v1/log/{LOG}/proof/consistency?from={size}&to={final_size}"
            ))
            .send()
            .await?
            .json()
            .await?;
        let proof: Vec<Hash> = v["proof"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|h| hash_from_base64(h.as_str()?).ok())
                    .collect()
            })
            .unwrap_or_default();
        if verify_consistency(*size, final_size, &proof, root, &final_root).is_err() {
            failures.push(format!(
                "checkpoint {size} is not consistent with the final {final_size}"
            ));
        }
    }
    Ok(failures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_reproducible_and_stays_in_range() {
        let (mut a, mut b) = (Rng::new(42), Rng::new(42));
        for _ in 0..100 {
            let x = a.below(7);
            assert_eq!(x, b.below(7));
            assert!(x < 7);
        }
        assert_ne!(Rng::new(1).next(), Rng::new(2).next());
    }
}
