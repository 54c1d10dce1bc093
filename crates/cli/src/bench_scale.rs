//! `oneseal bench scale`: what a history's size costs the people reading it.
//!
//! Issue #17 asks that every page stays fast however many cases a bureau has decided. This bench
//! starts the server on an existing history (a data directory made by `oneseal demo generate`,
//! `bench e2e --keep-data` or a real bureau's copy), measures how long the server takes to
//! answer after starting, then requests each page and API read as the role that uses it, several
//! times, and prints p50/p95/p99 and the size of each answer; then the CPU the idle server uses,
//! the bytes the database holds per case, and `oneseal ledger verify`'s time and peak memory.
//! With `--cases N` it first makes that history itself (`oneseal demo generate`, timed), so one
//! command gives one row of the table in docs/VOLUME.md. With `--e2e-cases N` it also
//! drives `bench e2e`'s load on an empty bureau and then on the history, alternately, and
//! prints the ratio (item 6: no slowdown with history); the history keeps those cases, so the
//! `ledger verify` that follows covers them too, then an incremental verify of nothing new.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Args;

use crate::bench_e2e::{free_port, ms, percentile, sign_in};

#[derive(Debug, Args)]
pub struct ScaleBenchArgs {
    /// The data directory holding the history to measure (its keys, and its SQLite database
    /// unless `--database-url` names PostgreSQL).
    #[arg(long)]
    data: PathBuf,
    /// The history's PostgreSQL database instead of the data directory's SQLite file.
    #[arg(long)]
    database_url: Option<String>,
    /// Requests per read.
    #[arg(long, default_value_t = 20)]
    samples: usize,
    /// Seconds over which the idle server's CPU is measured (0 to skip).
    #[arg(long, default_value_t = 60)]
    idle_seconds: u64,
    /// Skip `ledger verify` (its time and peak memory).
    #[arg(long)]
    no_verify: bool,
    /// Generate a history of this many cases first (`oneseal demo generate`) into `--data`
    /// (which must not hold a database yet) or the `--database-url` database (which must be empty).
    #[arg(long)]
    cases: Option<u32>,
    /// With `--cases`: the calendar days the generated history spans.
    #[arg(long, default_value_t = 365, requires = "cases")]
    days: u32,
    /// Pages of 200 rows walked down each list before timing the page found there.
    #[arg(long, default_value_t = 25)]
    deep_pages: usize,
    /// Complete cases `bench e2e` drives on an empty bureau and on the history (0: skip).
    #[arg(long, default_value_t = 0)]
    e2e_cases: usize,
    /// Concurrent clients of that load.
    #[arg(long, default_value_t = 16)]
    e2e_clients: usize,
    /// Rounds of the load, each empty then history (their rates are printed one by one).
    #[arg(long, default_value_t = 2)]
    e2e_rounds: usize,
}

/// Who reads what: the pages and API reads of each role, and the public's. The signed-in home
/// page ("my work": its counts must be ranges over open things only) and the report over the
/// whole history (month roll-ups, issue #17) are timed too.
const READS: &[(&str, &str)] = &[
    ("CLERK", "/"),
    ("CLERK", "/cases"),
    ("CLERK", "/api/v1/cases"),
    ("CLERK", "/api/v1/cases?due=overdue"),
    ("HEAD", "/dashboard"),
    ("HEAD", "/api/v1/dashboard"),
    ("HEAD", "/reports"),
    ("HEAD", "/reports?from=2000-01-01&to=2999-12-31"),
    ("HEAD", "/api/v1/reports/accountability?by=person"),
    ("HEAD", "/ratings"),
    ("INSPECT", "/alerts"),
    ("INSPECT", "/api/v1/alerts"),
    ("INSPECT", "/linkage"),
    ("SCJG", "/"),
    ("SCJG", "/dept"),
    ("SCJG", "/api/v1/linkage/pushes"),
    ("", "/stats"),
    ("", "/"),
];

struct Running {
    child: Child,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(args: &ScaleBenchArgs, port: u16) -> Result<Running> {
    let mut cmd = Command::new(std::env::current_exe()?);
    cmd.args([
        "serve",
        "--demo",
        "--listen",
        &format!("127.0.0.1:{port}"),
        "--data",
    ])
    .arg(&args.data)
    .env("ONESEAL_LOG", "warn")
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    match &args.database_url {
        Some(url) => cmd.env("ONESEAL_DATABASE_URL", url),
        None => cmd.env_remove("ONESEAL_DATABASE_URL"),
    };
    Ok(Running {
        child: cmd.spawn().context("starting oneseal serve")?,
    })
}

/// CPU seconds (user + system) a process has used so far, from `/proc/<pid>/stat`.
fn cpu_seconds(pid: u32) -> Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the line; 12 and 13 after the ')'.
    Ok((ticks(11) + ticks(12)) / 100.0)
}

fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .filter(std::fs::Metadata::is_file)
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

pub fn run(args: &ScaleBenchArgs) -> Result<()> {
    if args.samples == 0 {
        bail!("--samples must be at least 1");
    }
    if let Some(cases) = args.cases {
        generate(args, cases)?;
    }
    if !args.data.is_dir() {
        bail!("{} is not a data directory", args.data.display());
    }
    let port = free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    let server = serve(args, port)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let restart = rt.block_on(wait_healthy(&base, started))?;
    println!("bench scale on {}", args.data.display());
    println!(
        "start until /healthz answers: {:.2} s",
        restart.as_secs_f64()
    );
    rt.block_on(measure_reads(&base, args.samples, args.deep_pages))?;
    if args.e2e_cases > 0 {
        load_compared(args, &base)?;
    }
    if args.idle_seconds > 0 {
        // Let the first background round (rules, linkage) finish before measuring idleness.
        std::thread::sleep(Duration::from_secs(5));
        let pid = server.child.id();
        let before = cpu_seconds(pid)?;
        std::thread::sleep(Duration::from_secs(args.idle_seconds));
        let used = cpu_seconds(pid)? - before;
        println!(
            "idle server: {used:.2} CPU-s in {} s = {:.2} % of one core",
            args.idle_seconds,
            used * 100.0 / args.idle_seconds as f64
        );
    }
    drop(server);
    let db = crate::serve::database(args.database_url.as_deref(), &args.data)?;
    let mut conn = db.connect()?;
    let cases = oneseal_store::cases::count(conn.as_mut())?;
    println!("cases: {cases}");
    // Both backends: the database's own count of its bytes, and where they are.
    let (total, tables) = oneseal_store::bench::table_bytes(conn.as_mut())?;
    println!(
        "database: {:.1} MB, {} bytes per case; largest tables (with their indexes), bytes per case:",
        total as f64 / 1e6,
        total.checked_div(cases).unwrap_or(0)
    );
    for (table, bytes) in tables.iter().take(14) {
        println!("  {table:<28} {:>8}", bytes.checked_div(cases).unwrap_or(0));
    }
    drop(conn);
    if args.database_url.is_none() {
        let bytes = dir_bytes(&args.data);
        let per_case = bytes.checked_div(cases).unwrap_or(0);
        println!(
            "data directory: {:.1} MB, {cases} cases, {per_case} bytes per case",
            bytes as f64 / 1e6
        );
    }
    if !args.no_verify {
        verify(args, false)?;
        verify(args, true)?;
    }
    Ok(())
}

async fn wait_healthy(base: &str, started: Instant) -> Result<Duration> {
    let client = reqwest::Client::new();
    while started.elapsed() < Duration::from_secs(600) {
        if let Ok(r) = client.get(format!("{base}/healthz")).send().await
            && r.status().is_success()
        {
            return Ok(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    bail!("the server did not answer within 600 s")
}

/// Times every read: the fixed ones, then those found in the history.
async fn measure_reads(base: &str, samples: usize, deep_pages: usize) -> Result<()> {
    println!(
        "{:<8} {:<44} {:>9} {:>9} {:>9} {:>10}",
        "role", "read", "p50 ms", "p95 ms", "p99 ms", "bytes"
    );
    let mut users = std::collections::BTreeMap::new();
    for role in ["CLERK", "HEAD", "INSPECT", "SCJG"] {
        users.insert(role, sign_in(base, role).await?);
    }
    let public = reqwest::Client::new();
    for (role, path) in READS {
        let client = users.get(role).map_or(&public, |u| &u.client);
        time_read(base, client, role, path, path, samples).await?;
    }
    let found = crate::bench_scale_reads::discover(
        base,
        &users["CLERK"],
        &users["INSPECT"],
        &users["SCJG"],
        &users["HEAD"],
        deep_pages,
    )
    .await?;
    for read in &found {
        let client = &users[read.role].client;
        time_read(base, client, read.role, &read.label, &read.path, samples).await?;
    }
    Ok(())
}

async fn time_read(
    base: &str,
    client: &reqwest::Client,
    role: &str,
    label: &str,
    path: &str,
    samples: usize,
) -> Result<()> {
    let mut times = Vec::with_capacity(samples);
    let mut bytes = 0;
    for _ in 0..samples {
        let t = Instant::now();
        let r = client.get(format!("{base}{path}")).send().await?;
        let status = r.status();
        let body = r.bytes().await?;
        times.push(t.elapsed());
        if !status.is_success() {
            bail!("{role} {path}: HTTP {status}");
        }
        bytes = body.len();
    }
    times.sort();
    let who = if role.is_empty() { "public" } else { role };
    println!(
        "{who:<8} {label:<44} {:>9.1} {:>9.1} {:>9.1} {bytes:>10}",
        ms(percentile(&times, 0.50)),
        ms(percentile(&times, 0.95)),
        ms(percentile(&times, 0.99))
    );
    Ok(())
}

/// `bench e2e`'s load on an empty bureau (a fresh data directory, or a fresh schema of the
/// same PostgreSQL server) and on the history, alternately: item 6's ratio.
fn load_compared(args: &ScaleBenchArgs, history: &str) -> Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let scratch = match &args.database_url {
        Some(url) => Some(oneseal_store::scratch::ScratchDb::new_on(Some(url))?),
        None => None,
    };
    let url = scratch.as_ref().map(|s| s.database.url());
    let empty = crate::bench_e2e::start_with(url.as_deref(), &[])?;
    rt.block_on(crate::bench_e2e::wait_ready(&empty.base))?;
    let (n, c) = (args.e2e_cases, args.e2e_clients);
    let mut ratios = Vec::new();
    for round in 1..=args.e2e_rounds {
        let mut rates = [0.0; 2];
        for (i, base) in [empty.base.as_str(), history].into_iter().enumerate() {
            let (elapsed, _) = rt.block_on(crate::bench_e2e::drive(base, n, c))?;
            rates[i] = n as f64 / elapsed.as_secs_f64();
        }
        println!(
            "bench e2e round {round}, {n} cases, {c} clients: empty {:.1} cases/s, history {:.1} cases/s, ratio {:.2}",
            rates[0],
            rates[1],
            rates[1] / rates[0]
        );
        ratios.push(rates[1] / rates[0]);
    }
    if let Some(m) = median(&mut ratios) {
        println!("bench e2e on the history / empty, median of the rounds: {m:.2}");
    }
    Ok(())
}

/// The median (the mean of the middle two for an even count).
fn median(v: &mut [f64]) -> Option<f64> {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some(f64::midpoint(v[n / 2 - 1], v[n / 2])),
    }
}

/// `oneseal demo generate` into the bench's data directory or database, with its wall time.
fn generate(args: &ScaleBenchArgs, cases: u32) -> Result<()> {
    if args.database_url.is_none() && args.data.join("oneseal.db").exists() {
        bail!(
            "{} already holds a database: --cases makes a new history (leave it out to measure this one)",
            args.data.display()
        );
    }
    let mut cmd = Command::new(std::env::current_exe()?);
    cmd.args(["demo", "generate", "--cases", &cases.to_string()])
        .args(["--days", &args.days.to_string(), "--data"])
        .arg(&args.data)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    if let Some(url) = &args.database_url {
        cmd.args(["--database-url", url]);
    }
    cmd.env_remove("ONESEAL_DATABASE_URL");
    let t = Instant::now();
    let status = cmd.status().context("starting oneseal demo generate")?;
    if !status.success() {
        bail!("oneseal demo generate failed ({status})");
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "generated {cases} cases over {} days in {secs:.1} s ({:.0} cases/s)",
        args.days,
        f64::from(cases) / secs
    );
    Ok(())
}

/// `oneseal ledger verify` on the history, whole or `--incremental` (only what was appended
/// since the last verified checkpoint), with its wall time and peak resident memory.
fn verify(args: &ScaleBenchArgs, incremental: bool) -> Result<()> {
    let mut cmd = Command::new(std::env::current_exe()?);
    cmd.args(["ledger", "verify", "--data"])
        .arg(&args.data)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if incremental {
        cmd.arg("--incremental");
    }
    match &args.database_url {
        Some(url) => cmd.env("ONESEAL_DATABASE_URL", url),
        None => cmd.env_remove("ONESEAL_DATABASE_URL"),
    };
    let t = Instant::now();
    let mut child = cmd.spawn().context("starting oneseal ledger verify")?;
    let pid = child.id();
    let mut peak_kb = 0u64;
    let status = loop {
        // VmHWM is the process's own high-water mark: sampling it late still sees the peak.
        if let Ok(s) = std::fs::read_to_string(format!("/proc/{pid}/status"))
            && let Some(kb) = s
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak_kb = peak_kb.max(kb);
        }
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    // A run shorter than the first sample leaves no reading rather than a false zero.
    let peak = if peak_kb == 0 {
        "not sampled".to_owned()
    } else {
        format!("{:.0} MB", peak_kb as f64 / 1024.0)
    };
    println!(
        "ledger verify{}: {:.1} s, peak memory {peak}, {}",
        if incremental { " --incremental" } else { "" },
        t.elapsed().as_secs_f64(),
        if status.success() {
            "verified"
        } else {
            "FAILED"
        }
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [0.7]), Some(0.7));
        assert_eq!(median(&mut [0.75, 0.5]), Some(0.625));
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
    }
}
