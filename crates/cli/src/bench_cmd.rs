//! `oneseal bench …`: throughput measurements that back the performance goals of the issues.
//!
//! `bench seal` measures sealing (`sign_document`) and verification (`verify_signature`) per
//! second on one thread and on every core, and runs `openssl speed sm2` in the same run as the
//! baseline, because a figure without a baseline measured on the same machine at the same
//! time says little on a shared machine. New benchmarks are new variants of [`BenchCommand`].

use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use oneseal_seal::{
    RoundSealSpec, Seal, SealInfo, SealPicture, SealPrivateKey, SealTime, render_round_seal_svg,
    sign_document, sm3_digest, verify_signature,
};

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// SM2 sealing and verification per second, with `openssl speed sm2` as the baseline.
    Seal(SealBenchArgs),
    /// Durable ledger appends against plain INSERTs, proof times and restart time.
    Ledger(crate::bench_ledger::LedgerBenchArgs),
    /// Whole case lifecycles over HTTP against `serve --demo`, with `/healthz` as the baseline.
    E2e(crate::bench_e2e::E2eBenchArgs),
    /// SIGKILL under load (one server, or several on PostgreSQL), then proof that every
    /// acknowledged command survived and the log, projections and checkpoints hold.
    Crash(crate::bench_crash::CrashArgs),
    /// The clerk's intake latency alone and under a flood of wrong-password sign-ins.
    SigninFlood(crate::bench_signin::SignInFloodArgs),
    /// Every page and read as its role on an existing history (p50/p95/p99, size), restart
    /// time, idle CPU, bytes per case, `ledger verify` time and peak memory.
    Scale(crate::bench_scale::ScaleBenchArgs),
}

#[derive(Debug, Args)]
pub struct SealBenchArgs {
    /// Seconds per measurement (each of: sign and verify, one thread and all threads).
    #[arg(long, default_value_t = 3)]
    seconds: u64,
    /// Threads for the parallel run (default: available parallelism).
    #[arg(long)]
    threads: Option<usize>,
    /// Skip the OpenSSL baseline.
    #[arg(long)]
    no_openssl: bool,
}

pub fn run(cmd: BenchCommand) -> Result<()> {
    match cmd {
        BenchCommand::Seal(args) => seal(&args),
        BenchCommand::Ledger(args) => crate::bench_ledger::run(&args),
        BenchCommand::E2e(args) => crate::bench_e2e::run(&args),
        BenchCommand::Crash(args) => crate::bench_crash::run(&args),
        BenchCommand::SigninFlood(args) => crate::bench_signin::run(&args),
        BenchCommand::Scale(args) => crate::bench_scale::run(&args),
    }
}

/// What one benchmark iteration needs: the bureau's seal, its signer and a sealed sample.
struct Workload {
    seal: Seal,
    signer: SealPrivateKey,
    data_hash: [u8; 32],
    time: SealTime,
    signature_der: Vec<u8>,
    tbs_len: usize,
}

impl Workload {
    fn new() -> Result<Self> {
        let maker = SealPrivateKey::from_seed(&[1; 32])?;
        let signer = SealPrivateKey::from_seed(&[2; 32])?;
        let svg = render_round_seal_svg(&RoundSealSpec::standard(
            "济南市行政审批服务局",
            "行政审批专用章",
        ))?;
        let info = SealInfo {
            es_id: "37010000000001".into(),
            vendor_id: "oneseal".into(),
            seal_type: 1,
            name: "济南市行政审批服务局行政审批专用章".into(),
            signers: vec![signer.public_key()],
            create_date: SealTime::from_utc(2025, 12, 20, 0, 0, 0)?,
            valid_start: SealTime::from_utc(2026, 1, 1, 0, 0, 0)?,
            valid_end: SealTime::from_utc(2028, 12, 31, 23, 59, 59)?,
            picture: SealPicture {
                format: "SVG".into(),
                data: svg.into_bytes(),
                width_mm: 42,
                height_mm: 42,
            },
            extensions: Vec::new(),
        };
        let seal = Seal::make(&info, &maker)?;
        let data_hash = sm3_digest("准予行政许可决定书 济审批许字〔2026〕1号".as_bytes());
        let time = SealTime::from_utc(2026, 9, 15, 8, 30, 0)?;
        let sample = sign_document(&seal, &signer, &data_hash, "JN-2026-0001", time)?;
        verify_signature(sample.to_der())?;
        Ok(Self {
            tbs_len: sample.tbs_der().len(),
            signature_der: sample.to_der().to_vec(),
            seal,
            signer,
            data_hash,
            time,
        })
    }

    fn sign_once(&self) -> bool {
        sign_document(
            &self.seal,
            &self.signer,
            &self.data_hash,
            "JN-2026-0001",
            self.time,
        )
        .is_ok()
    }

    fn verify_once(&self) -> bool {
        verify_signature(&self.signature_der).is_ok()
    }
}

/// Runs `op` on `threads` threads for `duration`; returns successful operations per second.
/// A failed operation stops the run: a benchmark of an erroring path would be meaningless.
fn rate(threads: usize, duration: Duration, op: impl Fn() -> bool + Sync) -> Result<f64> {
    let failed = AtomicBool::new(false);
    let start = Instant::now();
    let deadline = start + duration;
    let total: u64 = thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    // At least one operation per thread, however late the thread starts on a
                    // busy machine: a rate from no sample at all would be meaningless.
                    let mut done = 0u64;
                    loop {
                        if !op() {
                            failed.store(true, Ordering::Relaxed);
                            break;
                        }
                        done += 1;
                        if Instant::now() >= deadline {
                            break;
                        }
                    }
                    done
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap_or(0)).sum()
    });
    let elapsed = start.elapsed().as_secs_f64();
    if failed.load(Ordering::Relaxed) {
        bail!("an operation failed during the benchmark");
    }
    Ok(total as f64 / elapsed)
}

/// `openssl speed` figures for SM2.
#[derive(Debug, Clone, Copy, PartialEq)]
struct OpensslRates {
    sign: f64,
    verify: f64,
}

/// Reads the result table of `openssl speed sm2` (OpenSSL 3.0):
/// a header line with `sign/s verify/s`, then a line naming SM2 whose last two numbers are
/// the rates.
fn parse_openssl_speed(output: &str) -> Option<OpensslRates> {
    let mut lines = output.lines().skip_while(|l| !l.contains("sign/s"));
    lines.next()?;
    let row = lines.find(|l| l.contains("SM2"))?;
    let mut numbers = row.split_whitespace().rev();
    let verify = numbers.next()?.parse().ok()?;
    let sign = numbers.next()?.parse().ok()?;
    Some(OpensslRates { sign, verify })
}

/// Runs `openssl speed -elapsed -seconds N sm2`. `-elapsed` makes OpenSSL divide by wall time,
/// as our measurement does; by default it divides by its CPU time, which flatters it on a busy
/// machine.
fn openssl_speed(seconds: u64) -> Result<Option<(String, OpensslRates)>> {
    let version = match Command::new("openssl").arg("version").output() {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        _ => return Ok(None),
    };
    let out = Command::new("openssl")
        .args(["speed", "-elapsed", "-seconds", &seconds.to_string(), "sm2"])
        .output()
        .context("running openssl speed")?;
    let text = String::from_utf8_lossy(&out.stdout);
    let rates = parse_openssl_speed(&text)
        .with_context(|| format!("cannot read the SM2 line of `openssl speed`:\n{text}"))?;
    Ok(Some((version, rates)))
}

fn seal(args: &SealBenchArgs) -> Result<()> {
    if args.seconds == 0 {
        bail!("--seconds must be at least 1");
    }
    let cores = match args.threads {
        Some(0) => bail!("--threads must be at least 1"),
        Some(n) => n,
        None => thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let duration = Duration::from_secs(args.seconds);
    let work = Workload::new()?;
    println!(
        "oneseal bench seal: {} s per measurement, {cores} thread(s) in the parallel run",
        args.seconds
    );
    println!(
        "  workload: GB/T 38540 SES_Signature with the standard round seal (TBS_Sign {} bytes), SM2-with-SM3",
        work.tbs_len
    );
    let sign_1 = rate(1, duration, || work.sign_once())?;
    let sign_n = rate(cores, duration, || work.sign_once())?;
    let verify_1 = rate(1, duration, || work.verify_once())?;
    let verify_n = rate(cores, duration, || work.verify_once())?;
    println!(
        "  {:<40} {:>12} {:>12}",
        "",
        "1 thread",
        format!("{cores} threads")
    );
    println!(
        "  {:<40} {:>12.1} {:>12.1}",
        "sign_document/s (seal a document)", sign_1, sign_n
    );
    println!(
        "  {:<40} {:>12.1} {:>12.1}",
        "verify_signature/s (2 SM2 verifies)", verify_1, verify_n
    );
    if args.no_openssl {
        return Ok(());
    }
    match openssl_speed(args.seconds)? {
        None => println!("  openssl: not on PATH, no baseline"),
        Some((version, ossl)) => {
            println!(
                "  {version}, `openssl speed -elapsed -seconds {} sm2` (1 process):",
                args.seconds
            );
            println!(
                "  {:<40} {:>12.1} {:>12.1}",
                "openssl SM2 sign/s, verify/s", ossl.sign, ossl.verify
            );
            println!("  ratios, ours / openssl (1 process):");
            println!(
                "  {:<40} {:>11.2}x {:>11.2}x",
                "sign_document",
                sign_1 / ossl.sign,
                sign_n / ossl.sign
            );
            println!(
                "  {:<40} {:>11.2}x {:>11.2}x",
                "verify_signature (counts 2 verifies as 1)",
                verify_1 / ossl.verify,
                verify_n / ossl.verify
            );
            let goal = sign_n / ossl.sign >= 3.0;
            println!(
                "  goal: sealing on all cores >= 3x OpenSSL SM2 sign/s: {}",
                if goal { "met" } else { "NOT met" }
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tail of `openssl speed -seconds 1 sm2` from OpenSSL 3.0.19.
    const OPENSSL_3_0: &str = "\
Doing 256 bits sign CurveSM2's for 1s: 2637 256 bits CurveSM2 signs in 1.00s
Doing 256 bits verify CurveSM2's for 1s: 2765 256 bits CurveSM2 verify in 1.00s
version: 3.0.19
options: bn(64,64)
                              sign    verify    sign/s verify/s
 256 bits SM2 (CurveSM2)   0.0004s   0.0004s   2637.0   2765.0
";

    #[test]
    fn openssl_3_speed_table_is_read() {
        assert_eq!(
            parse_openssl_speed(OPENSSL_3_0),
            Some(OpensslRates {
                sign: 2637.0,
                verify: 2765.0
            })
        );
    }

    #[test]
    fn output_without_an_sm2_row_is_not_guessed() {
        assert_eq!(parse_openssl_speed("sign/s verify/s\n"), None);
        assert_eq!(parse_openssl_speed("256 bits SM2 1 2\n"), None);
        assert_eq!(
            parse_openssl_speed("sign/s verify/s\n SM2 (CurveSM2) x y\n"),
            None
        );
    }

    #[test]
    fn rate_counts_operations_and_reports_failures() {
        let r = rate(2, Duration::from_millis(50), || true).unwrap();
        assert!(r > 0.0);
        assert!(rate(1, Duration::from_millis(10), || false).is_err());
    }
}
