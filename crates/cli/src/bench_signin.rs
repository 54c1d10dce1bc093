//! `oneseal bench signin-flood`: does a wrong-password flood slow everyone else down?
//!
//! The bench starts `oneseal serve --demo --trusted-proxy 127.0.0.1` and measures the clerk's
//! intake latency twice in the same run: alone (the baseline), then while `--flooders` clients
//! post wrong passwords as fast as they can. Each flood attempt comes "from" a fresh address and
//! names a fresh id (`X-Forwarded-For` through the trusted proxy), so the throttle never refuses
//! it early and every attempt costs a full Argon2id check: the worst case for the server. The
//! goal is an intake median under flood within 1.5× of the baseline.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use clap::Args;
use serde_json::json;

use crate::bench_e2e::{intake_body, ms, percentile, sign_in, start_with, wait_ready};

#[derive(Debug, Args)]
pub struct SignInFloodArgs {
    /// Intakes measured in each phase (one after another, from one clerk).
    #[arg(long, default_value_t = 200)]
    intakes: usize,
    /// Concurrent clients posting wrong passwords.
    #[arg(long, default_value_t = 16)]
    flooders: usize,
}

/// The intake latencies of `n` intakes, one after another, sorted.
async fn intakes(base: &str, clerk: &crate::bench_e2e::User, n: usize) -> Result<Vec<Duration>> {
    let url = format!("{base}/api/v1/cases");
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        let (status, v) = clerk.send(&url, &intake_body()).await?;
        if !status.is_success() {
            bail!("intake: HTTP {status}: {v}");
        }
        out.push(t.elapsed());
    }
    out.sort();
    Ok(out)
}

pub fn run(args: &SignInFloodArgs) -> Result<()> {
    if args.intakes == 0 {
        bail!("--intakes must be at least 1");
    }
    let server = start_with(None, &["--trusted-proxy", "127.0.0.1"])?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let base = server.base.clone();
        wait_ready(&base).await?;
        let clerk = sign_in(&base, "CLERK").await?;
        // Warm-up (connections, caches), not measured.
        intakes(&base, &clerk, 10).await?;
        let alone = intakes(&base, &clerk, args.intakes).await?;

        let stop = Arc::new(AtomicBool::new(false));
        let (sent, refused) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let mut flood = Vec::new();
        for f in 0..args.flooders {
            let (base, stop, sent, refused) =
                (base.clone(), stop.clone(), sent.clone(), refused.clone());
            flood.push(tokio::spawn(async move {
                let client = reqwest::Client::new();
                let mut i: u64 = 0;
                while !stop.load(Ordering::Relaxed) {
                    i += 1;
                    let addr = format!("10.{}.{}.{}", f % 250, (i / 250) % 250, i % 250);
                    let r = client
                        .post(format!("{base}/api/v1/session"))
                        .header("x-forwarded-for", addr)
                        .json(&json!({"staff_id": format!("FLOOD{f}-{i}"), "password": "wrong"}))
                        .send()
                        .await;
                    sent.fetch_add(1, Ordering::Relaxed);
                    if r.is_ok_and(|r| r.status() == 429) {
                        refused.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }));
        }
        // Let the flood reach its pace first.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let started = Instant::now();
        let sent_before = sent.load(Ordering::Relaxed);
        let flooded = intakes(&base, &clerk, args.intakes).await?;
        let secs = started.elapsed().as_secs_f64();
        let attempts = sent.load(Ordering::Relaxed) - sent_before;
        stop.store(true, Ordering::Relaxed);
        for f in flood {
            let _ = f.await;
        }

        let (m0, m1) = (percentile(&alone, 0.5), percentile(&flooded, 0.5));
        println!(
            "intake alone:        p50 {:>8.2} ms   p99 {:>8.2} ms",
            ms(m0),
            ms(percentile(&alone, 0.99))
        );
        println!(
            "intake under flood:  p50 {:>8.2} ms   p99 {:>8.2} ms   ({} clients, {:.0} wrong sign-ins/s, {} answered 429 in all)",
            ms(m1),
            ms(percentile(&flooded, 0.99)),
            args.flooders,
            attempts as f64 / secs,
            refused.load(Ordering::Relaxed)
        );
        let ratio = m1.as_secs_f64() / m0.as_secs_f64().max(1e-9);
        println!("median ratio (goal ≤ 1.5): {ratio:.2}");
        Ok(())
    })
}
