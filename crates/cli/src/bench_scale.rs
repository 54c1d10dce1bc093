//! `oneseal bench scale`: what a history's size costs the people reading it.
//!
//! Issue #17 asks that every page stays fast however many cases a bureau has decided. This bench
//! starts the server on an existing history (a data directory made by `oneseal demo generate`,
//! `bench e2e --keep-data` or a real bureau's copy), measures how long the server takes to
//! answer after starting, then requests each page and API read as the role that uses it, several
//! times, and prints p50/p95/p99 and the size of each answer; then the CPU the idle server uses,
//! the bytes the database holds per case, and `oneseal ledger verify`'s time and peak memory.
//! With `--cases N` it first makes that history itself (`oneseal demo generate`, timed), so one
//! command gives one row of the table in docs/PERFORMANCE.md.

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
}

/// Who reads what: the pages and API reads of each role, and the public's.
const READS: &[(&str, &str)] = &[
    ("CLERK", "/cases"),
    ("CLERK", "/api/v1/cases"),
    ("CLERK", "/api/v1/cases?due=overdue"),
    ("HEAD", "/dashboard"),
    ("HEAD", "/api/v1/dashboard"),
    ("HEAD", "/reports"),
    ("HEAD", "/api/v1/reports/accountability?by=person"),
    ("HEAD", "/ratings"),
    ("INSPECT", "/alerts"),
    ("INSPECT", "/api/v1/alerts"),
    ("INSPECT", "/linkage"),
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
    rt.block_on(measure_reads(&base, args.samples))?;
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
        verify(args)?;
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

/// Times every read.
async fn measure_reads(base: &str, samples: usize) -> Result<()> {
    println!(
        "{:<8} {:<44} {:>9} {:>9} {:>9} {:>10}",
        "role", "read", "p50 ms", "p95 ms", "p99 ms", "bytes"
    );
    for (role, path) in READS {
        let client = if role.is_empty() {
            reqwest::Client::new()
        } else {
            sign_in(base, role).await?.client
        };
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
            "{who:<8} {path:<44} {:>9.1} {:>9.1} {:>9.1} {bytes:>10}",
            ms(percentile(&times, 0.50)),
            ms(percentile(&times, 0.95)),
            ms(percentile(&times, 0.99))
        );
    }
    Ok(())
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

/// `oneseal ledger verify` on the history, with its wall time and peak resident memory.
fn verify(args: &ScaleBenchArgs) -> Result<()> {
    let mut cmd = Command::new(std::env::current_exe()?);
    cmd.args(["ledger", "verify", "--data"])
        .arg(&args.data)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
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
    println!(
        "ledger verify: {:.1} s, peak memory {:.0} MB, {}",
        t.elapsed().as_secs_f64(),
        peak_kb as f64 / 1024.0,
        if status.success() {
            "verified"
        } else {
            "FAILED"
        }
    );
    Ok(())
}
