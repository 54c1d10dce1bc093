//! Prometheus metrics in the text exposition format, without a metrics framework: a few counters
//! keyed by route template and status class are all an operator needs at this scale.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

/// (method, route template, status).
type RequestKey = (String, String, u16);

#[derive(Debug, Default)]
pub struct Metrics {
    /// → (count, total seconds)
    requests: Mutex<BTreeMap<RequestKey, (u64, f64)>>,
}

impl Metrics {
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        if let Ok(mut m) = self.requests.lock() {
            let e = m
                .entry((method.to_owned(), route.to_owned(), status))
                .or_insert((0, 0.0));
            e.0 += 1;
            e.1 += seconds;
        }
    }

    pub fn render(
        &self,
        ledger_sizes: &[(String, u64)],
        writer: &oneseal_store::WriterStats,
    ) -> String {
        let mut out = String::new();
        out.push_str("# HELP oneseal_http_requests_total HTTP requests by route and status.\n");
        out.push_str("# TYPE oneseal_http_requests_total counter\n");
        let snapshot = self.requests.lock().map(|m| m.clone()).unwrap_or_default();
        for ((method, route, status), (count, _)) in &snapshot {
            let _ = writeln!(
                out,
                "oneseal_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {count}"
            );
        }
        out.push_str("# HELP oneseal_http_request_seconds_total Time spent serving requests.\n");
        out.push_str("# TYPE oneseal_http_request_seconds_total counter\n");
        for ((method, route, status), (_, secs)) in &snapshot {
            let _ = writeln!(
                out,
                "oneseal_http_request_seconds_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {secs:.6}"
            );
        }
        out.push_str(
            "# HELP oneseal_ledger_entries Entries integrated into each jurisdiction's log.\n",
        );
        out.push_str("# TYPE oneseal_ledger_entries gauge\n");
        for (log, size) in ledger_sizes {
            let _ = writeln!(out, "oneseal_ledger_entries{{log=\"{log}\"}} {size}");
        }
        // The single writer's work: round trips per command is what bounds it on PostgreSQL.
        let load = |c: &std::sync::atomic::AtomicU64| c.load(std::sync::atomic::Ordering::Relaxed);
        for (name, help, value) in [
            (
                "batches",
                "Transactions (group commits) the writer ran.",
                load(&writer.batches),
            ),
            (
                "commands",
                "Commands the writer ran.",
                load(&writer.commands),
            ),
            (
                "round_trips",
                "Statements the writer sent to the database (one round trip each).",
                load(&writer.round_trips),
            ),
        ] {
            let _ = writeln!(out, "# HELP oneseal_writer_{name}_total {help}");
            let _ = writeln!(out, "# TYPE oneseal_writer_{name}_total counter");
            let _ = writeln!(out, "oneseal_writer_{name}_total {value}");
        }
        out
    }
}

/// Records every request under its route *template* (never the raw path, which may hold case
/// numbers or query codes).
pub async fn track(
    State(metrics): State<std::sync::Arc<Metrics>>,
    req: Request,
    next: Next,
) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = req.method().to_string();
    let start = Instant::now();
    let resp = next.run(req).await;
    let secs = start.elapsed().as_secs_f64();
    let status = resp.status().as_u16();
    metrics.observe(&method, &route, status, secs);
    tracing::info!(%method, %route, status, ms = secs * 1000.0, "request");
    resp
}
