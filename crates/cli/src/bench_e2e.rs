//! `oneseal bench e2e`: whole case lifecycles over HTTP against the real server.
//!
//! The bench starts `oneseal serve --demo` (this same binary) on a fresh data directory and a
//! free loopback port, then drives complete lifecycles from concurrent clients: intake and
//! acceptance by the clerk, two substantive reviews, the decision sealed with the bureau's
//! seal, and the supervising department's claim of the push. In the same run it measures a
//! trivial endpoint of the same server (`/healthz`) with the same clients as the baseline, and
//! prints cases/s, requests/s, the ratio to the baseline and p50/p99 latency per step.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Args;
use serde_json::{Value, json};
use tokio::sync::Mutex;

#[derive(Debug, Args)]
pub struct E2eBenchArgs {
    /// Complete case lifecycles to run.
    #[arg(long, default_value_t = 200)]
    cases: usize,
    /// Concurrent clients.
    #[arg(long, default_value_t = 8)]
    clients: usize,
    /// Run against PostgreSQL (a fresh schema of this URL, dropped afterwards) instead of a
    /// fresh SQLite file.
    #[arg(long)]
    database_url: Option<String>,
    /// Keep the SQLite data directory here after the run (for measuring reads, `ledger verify`
    /// and the like on the history the run made); it must not exist yet.
    #[arg(long)]
    keep_data: Option<PathBuf>,
}

/// The running server, stopped (and its data directory removed) when dropped.
pub(crate) struct Server {
    child: Child,
    dir: PathBuf,
    pub(crate) base: String,
    keep: bool,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

pub(crate) fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn start(database_url: Option<&str>, keep: Option<&PathBuf>) -> Result<Server> {
    let mut server = start_in(database_url, &[], keep.cloned())?;
    server.keep = keep.is_some();
    Ok(server)
}

/// `serve --demo-empty` with extra arguments: the benches measure a bureau without history,
/// as their published figures always have (a history's volume is issue #17's own measure).
pub(crate) fn start_with(database_url: Option<&str>, extra: &[&str]) -> Result<Server> {
    start_in(database_url, extra, None)
}

fn start_in(database_url: Option<&str>, extra: &[&str], dir: Option<PathBuf>) -> Result<Server> {
    let port = free_port()?;
    let dir = match dir {
        Some(d) if d.exists() => bail!("{} exists already", d.display()),
        Some(d) => d,
        None => std::env::temp_dir().join(format!("oneseal-bench-e2e-{port}")),
    };
    let mut cmd = Command::new(std::env::current_exe()?);
    cmd.args([
        "serve",
        "--demo-empty",
        "--listen",
        &format!("127.0.0.1:{port}"),
        "--data",
    ])
    .arg(&dir)
    .args(extra)
    .env("ONESEAL_LOG", "warn")
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    match database_url {
        Some(url) => cmd.env("ONESEAL_DATABASE_URL", url),
        None => cmd.env_remove("ONESEAL_DATABASE_URL"),
    };
    let child = cmd.spawn().context("starting oneseal serve --demo")?;
    Ok(Server {
        child,
        dir,
        base: format!("http://127.0.0.1:{port}"),
        keep: false,
    })
}

/// A signed-in user: a client with its cookie and CSRF token.
#[derive(Clone)]
pub(crate) struct User {
    pub(crate) client: reqwest::Client,
    csrf: String,
}

pub(crate) async fn sign_in(base: &str, staff: &str) -> Result<User> {
    let client = reqwest::Client::builder().cookie_store(true).build()?;
    let r = client
        .post(format!("{base}/api/v1/session"))
        .json(
            &json!({"staff_id": staff, "password": oneseal_server::services::seed::DEMO_PASSWORD}),
        )
        .send()
        .await?;
    if !r.status().is_success() {
        bail!("signing in {staff}: HTTP {}", r.status());
    }
    let v: Value = r.json().await?;
    Ok(User {
        client,
        csrf: v["csrf"].as_str().unwrap_or_default().to_owned(),
    })
}

impl User {
    /// Posts `body`; the answer's status and JSON body (null if it has none). An error means
    /// no answer arrived (the connection failed or broke).
    pub(crate) async fn send(
        &self,
        url: &str,
        body: &Value,
    ) -> reqwest::Result<(reqwest::StatusCode, Value)> {
        let r = self
            .client
            .post(url)
            .header("X-CSRF-Token", &self.csrf)
            .json(body)
            .send()
            .await?;
        let status = r.status();
        let bytes = r.bytes().await?;
        Ok((
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        ))
    }

    async fn post(&self, url: &str, body: &Value) -> Result<Value> {
        let (status, v) = self.send(url, body).await?;
        if !status.is_success() {
            bail!("POST {url}: HTTP {status}: {v}");
        }
        Ok(v)
    }
}

pub(crate) type Timings = Arc<Mutex<BTreeMap<&'static str, Vec<Duration>>>>;

/// The demo staff a lifecycle needs, each signed in.
pub(crate) struct Actors {
    pub(crate) clerk: User,
    pub(crate) reviewers: [User; 2],
    pub(crate) approver: User,
    pub(crate) department: User,
}

impl Actors {
    pub(crate) async fn sign_in(base: &str) -> Result<Self> {
        Ok(Self {
            clerk: sign_in(base, "CLERK").await?,
            reviewers: [
                sign_in(base, "REVIEW").await?,
                sign_in(base, "REVIEW2").await?,
            ],
            approver: sign_in(base, "APPROVE").await?,
            department: sign_in(base, "SCJG").await?,
        })
    }
}

/// The clerk's intake of a demo application (an organisation: no natural person's data).
pub(crate) fn intake_body() -> Value {
    json!({"item_code": "990100001000", "channel": "window",
        "applicant": {"type": "organisation", "name": "济南示例餐饮有限公司", "uscc": "91370100MA3C0RT1XH", "contact_phone": "13812345678"},
        "materials": [{"name": "申请书", "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}]})
}

/// The first (`i == 0`) or second substantive review.
pub(crate) fn review_body(i: usize) -> Value {
    json!({"action": "review", "step": if i == 0 { "initial_review" } else { "review" }, "opinion": "符合条件", "substantive": true})
}

pub(crate) fn decide_body() -> Value {
    json!({"action": "decide", "decision": {"outcome": "approve"}})
}

/// One lifecycle; each step's latency goes into `timings`.
async fn lifecycle(base: &str, a: &Actors, timings: &Timings) -> Result<()> {
    let step = |name: &'static str, started: Instant| {
        let t = timings.clone();
        let d = started.elapsed();
        async move { t.lock().await.entry(name).or_default().push(d) }
    };
    let t = Instant::now();
    let created = a
        .clerk
        .post(&format!("{base}/api/v1/cases"), &intake_body())
        .await?;
    step("intake", t).await;
    let number = created["case_number"]
        .as_str()
        .context("case number")?
        .to_owned();
    let actions = format!("{base}/api/v1/cases/{number}/actions");
    let t = Instant::now();
    a.clerk.post(&actions, &json!({"action": "accept"})).await?;
    step("accept", t).await;
    for (i, r) in a.reviewers.iter().enumerate() {
        let t = Instant::now();
        r.post(&actions, &review_body(i)).await?;
        step("review", t).await;
    }
    let t = Instant::now();
    let decided = a.approver.post(&actions, &decide_body()).await?;
    step("decide+seal", t).await;
    let push = decided["pushes"][0]
        .as_str()
        .context("the decision's push")?;
    let t = Instant::now();
    a.department
        .post(
            &format!("{base}/api/v1/linkage/pushes/{push}/claim"),
            &json!({}),
        )
        .await?;
    step("claim", t).await;
    Ok(())
}

pub(crate) fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub fn run(args: &E2eBenchArgs) -> Result<()> {
    if args.cases == 0 || args.clients == 0 {
        bail!("--cases and --clients must be at least 1");
    }
    if args.keep_data.is_some() && args.database_url.is_some() {
        bail!("--keep-data keeps a SQLite data directory: it does not go with --database-url");
    }
    let scratch = match &args.database_url {
        Some(url) => Some(oneseal_store::scratch::ScratchDb::new_on(Some(url))?),
        None => None,
    };
    let url = scratch.as_ref().map(|s| s.database.url());
    let server = start(url.as_deref(), args.keep_data.as_ref())?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let base = server.base.clone();
        wait_ready(&base).await?;
        let before = writer_counters(&base).await?;
        let (elapsed, timings) = drive(&base, args.cases, args.clients).await?;
        let after = writer_counters(&base).await?;
        let requests: usize = timings.lock().await.values().map(Vec::len).sum();
        let baseline = baseline(&base, args.clients, requests).await?;
        report(args, elapsed, requests, baseline, &timings).await;
        println!("{}", writer_line(&before, &after));
        Ok(())
    })
}

/// `cases` lifecycles from `clients` concurrent clients against a running server: the wall
/// time and each step's latencies. `bench scale` drives the same load on a history.
pub(crate) async fn drive(base: &str, cases: usize, clients: usize) -> Result<(Duration, Timings)> {
    let actors = Arc::new(Actors::sign_in(base).await?);
    let timings: Timings = Arc::default();
    let started = Instant::now();
    let per_client = cases.div_ceil(clients);
    let mut tasks = Vec::new();
    for c in 0..clients {
        let n = per_client.min(cases.saturating_sub(c * per_client));
        let (base, actors, timings) = (base.to_owned(), actors.clone(), timings.clone());
        tasks.push(tokio::spawn(async move {
            for _ in 0..n {
                lifecycle(&base, &actors, &timings).await?;
            }
            Ok::<_, anyhow::Error>(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok((started.elapsed(), timings))
}

pub(crate) async fn wait_ready(base: &str) -> Result<()> {
    let client = reqwest::Client::new();
    for _ in 0..240 {
        if let Ok(r) = client.get(format!("{base}/healthz")).send().await
            && r.status().is_success()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    bail!("the server at {base} did not answer /healthz within a minute")
}

/// The server's writer counters from `/metrics`: batches, commands, round trips.
pub(crate) async fn writer_counters(base: &str) -> Result<[u64; 3]> {
    let text = reqwest::get(format!("{base}/metrics"))
        .await?
        .text()
        .await?;
    let read = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.trim().parse::<u64>().ok())
            .unwrap_or(0)
    };
    Ok([
        read("oneseal_writer_batches_total "),
        read("oneseal_writer_commands_total "),
        read("oneseal_writer_round_trips_total "),
    ])
}

/// What the writer did between two readings of its counters, per command.
pub(crate) fn writer_line(before: &[u64; 3], after: &[u64; 3]) -> String {
    let [b, c, r] = [0, 1, 2].map(|i| after[i].saturating_sub(before[i]));
    format!(
        "writer: {c} commands in {b} batches ({:.2} commands a batch), {r} round trips ({:.1} a command)",
        c as f64 / b.max(1) as f64,
        r as f64 / c.max(1) as f64
    )
}

/// The same number of requests to `/healthz`, from the same number of clients: requests/s.
async fn baseline(base: &str, clients: usize, requests: usize) -> Result<f64> {
    let client = reqwest::Client::new();
    let started = Instant::now();
    let per = requests.div_ceil(clients);
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (client, url) = (client.clone(), format!("{base}/healthz"));
        tasks.push(tokio::spawn(async move {
            for _ in 0..per {
                let r = client.get(&url).send().await?;
                if !r.status().is_success() {
                    bail!("healthz: HTTP {}", r.status());
                }
                let _ = r.bytes().await?;
            }
            Ok::<_, anyhow::Error>(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok((per * clients) as f64 / started.elapsed().as_secs_f64())
}

async fn report(
    args: &E2eBenchArgs,
    elapsed: Duration,
    requests: usize,
    baseline: f64,
    timings: &Timings,
) {
    let secs = elapsed.as_secs_f64();
    let rps = requests as f64 / secs;
    println!(
        "e2e: {} complete cases (intake → accept → 2 reviews → decide and seal → push → claim), {} clients, {} ({})",
        args.cases,
        args.clients,
        if args.database_url.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        format_args!("{requests} requests in {secs:.2} s"),
    );
    println!(
        "cases/s {:.1}   requests/s {:.1}   baseline /healthz requests/s {:.1}   ratio {:.3}",
        args.cases as f64 / secs,
        rps,
        baseline,
        rps / baseline
    );
    println!(
        "{:<14} {:>8} {:>10} {:>10}",
        "step", "n", "p50 ms", "p99 ms"
    );
    let mut all = Vec::new();
    for (name, v) in timings.lock().await.iter_mut() {
        v.sort();
        all.extend(v.iter().copied());
        println!(
            "{name:<14} {:>8} {:>10.2} {:>10.2}",
            v.len(),
            ms(percentile(v, 0.5)),
            ms(percentile(v, 0.99))
        );
    }
    all.sort();
    println!(
        "{:<14} {:>8} {:>10.2} {:>10.2}",
        "every request",
        all.len(),
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.99))
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_pick_the_nearest_rank() {
        let v: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&v, 0.5), Duration::from_millis(51));
        assert_eq!(percentile(&v, 0.99), Duration::from_millis(99));
        assert_eq!(percentile(&[], 0.5), Duration::ZERO);
    }
}
