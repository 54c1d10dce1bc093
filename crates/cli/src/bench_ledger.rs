//! `oneseal bench ledger`: the price of tamper evidence, measured side by side.
//!
//! The same machine, the same database, in one run: N entries of ~1 KiB appended through the real
//! store (single writer, group commit, Merkle integration, durable before the index is returned)
//! by C concurrent committers; then the same number of rows through the database's plainest fast
//! path with the same rows per transaction. Then proof build/verify times on a large log and the
//! writer's restart time on it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use clap::Args;
use oneseal_ledger::{leaf_hash, verify_inclusion};
use oneseal_store::scratch::ScratchDb;
use oneseal_store::{Store, StoreError, bench, log};

#[derive(Debug, Args)]
pub struct LedgerBenchArgs {
    /// Entries appended through the ledger (and rows through the baseline).
    #[arg(long, default_value_t = 100_000)]
    pub entries: u64,
    /// Concurrent committers, each waiting for its durable index.
    #[arg(long, default_value_t = 64)]
    pub committers: usize,
    /// Size of each entry in bytes.
    #[arg(long, default_value_t = 1024)]
    pub entry_bytes: usize,
    /// Size of the log for the proof and restart measurements (0 to skip them).
    #[arg(long, default_value_t = 1_000_000)]
    pub proof_entries: u64,
    /// Run against PostgreSQL (a fresh schema of this URL) instead of a SQLite file.
    #[arg(long)]
    pub database_url: Option<String>,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

#[allow(clippy::cast_precision_loss)]
fn per_second(n: u64, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64().max(1e-9)
}

/// Appends through the store; returns (elapsed, batches, per-command latencies).
fn ledger_phase(store: &Store, args: &LedgerBenchArgs) -> Result<(Duration, u64, Vec<Duration>)> {
    let rt = tokio::runtime::Runtime::new()?;
    let next = Arc::new(AtomicU64::new(0));
    let entry: Arc<Vec<u8>> = Arc::new(
        (0..args.entry_bytes)
            .map(|i| b'a' + (i % 26) as u8)
            .collect(),
    );
    let batches_before = store.stats().batches.load(Ordering::Relaxed);
    let start = Instant::now();
    let latencies = rt.block_on(async {
        let mut tasks = Vec::new();
        for _ in 0..args.committers {
            let (store, next, entry, total) =
                (store.clone(), next.clone(), entry.clone(), args.entries);
            tasks.push(tokio::spawn(async move {
                let mut lat = Vec::new();
                while next.fetch_add(1, Ordering::Relaxed) < total {
                    let (e, t0) = (entry.clone(), Instant::now());
                    store
                        .write(move |tx| tx.append("bench", &e, "bench.entry", &[0; 16], b"{}"))
                        .await
                        .map_err(|e: StoreError| anyhow!("append failed: {e}"))?;
                    lat.push(t0.elapsed());
                }
                Ok::<_, anyhow::Error>(lat)
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await??);
        }
        Ok::<_, anyhow::Error>(all)
    })?;
    let elapsed = start.elapsed();
    let batches = store.stats().batches.load(Ordering::Relaxed) - batches_before;
    Ok((elapsed, batches, latencies))
}

/// Proof build/verify and restart on a log of `n` synthetic leaves.
fn proof_phase(args: &LedgerBenchArgs) -> Result<()> {
    let n = args.proof_entries;
    let scratch = ScratchDb::new_on(args.database_url.as_deref())?;
    let store = Store::open(scratch.database.clone())?;
    let t0 = Instant::now();
    let root = store.read_blocking(|c| log::bulk_fill_nodes(c, "bench-proof", n))?;
    println!(
        "proof log: {n} leaves built in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let (mut build, mut verify) = (Duration::ZERO, Duration::ZERO);
    let samples = 1000u64;
    for _ in 0..samples {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let index = x % n;
        let t = Instant::now();
        let proof = store.read_blocking(|c| log::inclusion_proof(c, "bench-proof", index, n))?;
        build += t.elapsed();
        let t = Instant::now();
        verify_inclusion(&leaf_hash(&index.to_be_bytes()), index, n, &proof, &root)
            .map_err(|e| anyhow!("proof of {index} does not verify: {e}"))?;
        verify += t.elapsed();
    }
    #[allow(clippy::cast_possible_truncation)]
    let (b, v) = (build / samples as u32, verify / samples as u32);
    println!(
        "inclusion proof at {n} entries: build {:.1} µs, verify {:.1} µs (mean of {samples}; goals < 1 ms, < 50 µs)",
        b.as_secs_f64() * 1e6,
        v.as_secs_f64() * 1e6
    );
    store.close();
    drop(store);
    let t = Instant::now();
    let reopened = Store::open(scratch.database.clone())?;
    reopened.write_blocking(|tx| {
        tx.append(
            "bench-proof",
            b"after restart",
            "bench.entry",
            &[0; 16],
            b"{}",
        )
    })?;
    println!(
        "restart at {n} entries (open, migrate, rebuild the frontier, first durable append): {:.3} s (goal < 5 s)",
        t.elapsed().as_secs_f64()
    );
    reopened.close();
    Ok(())
}

pub fn run(args: &LedgerBenchArgs) -> Result<()> {
    let scratch = ScratchDb::new_on(args.database_url.as_deref())?;
    let store = Store::open(scratch.database.clone())?;
    println!(
        "backend: {}, cores: {}",
        store.backend().name(),
        std::thread::available_parallelism().map_or(1, usize::from)
    );
    let (elapsed, batches, mut lat) = ledger_phase(&store, args)?;
    lat.sort_unstable();
    let per_commit = args.entries / batches.max(1);
    let ledger_rate = per_second(args.entries, elapsed);
    println!(
        "ledger: {} entries of {} B, {} committers: {ledger_rate:.0} entries/s ({batches} commits, {per_commit} per commit), latency to durable index p50 {:.2} ms, p99 {:.2} ms",
        args.entries,
        args.entry_bytes,
        args.committers,
        percentile(&lat, 0.5).as_secs_f64() * 1e3,
        percentile(&lat, 0.99).as_secs_f64() * 1e3
    );
    store.close();
    drop(store);
    let payload = vec![b'x'; args.entry_bytes];
    let plain = bench::plain_inserts(&scratch.database, args.entries, per_commit, &payload)?;
    let plain_rate = per_second(args.entries, plain);
    println!(
        "baseline: plain prepared INSERT, {per_commit} rows per transaction: {plain_rate:.0} rows/s"
    );
    println!(
        "ratio ledger/baseline: {:.2} (goal ≥ 0.70)",
        ledger_rate / plain_rate.max(1e-9)
    );
    if args.proof_entries > 0 {
        proof_phase(args)?;
    }
    Ok(())
}
