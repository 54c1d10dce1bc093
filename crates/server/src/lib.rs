//! oneseal-server: the HTTP edge — JSON API, web UI, sign-in, background tasks.
//!
//! Thin by design: it authenticates, authorizes (through `domain::access`), calls domain rules
//! and runs commands through the store's single writer. It never changes state any other way.

pub mod api;
pub mod background;
pub mod edge;
pub mod error;
pub mod openapi;
pub mod services;
pub mod state;
pub mod wall_clock;
pub mod web;
pub mod witness;

use std::net::SocketAddr;
use std::sync::Arc;

use crate::edge::{guard, metrics};
use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;

pub use edge::MAX_BODY_BYTES;
pub use error::ApiError;
pub use state::AppState;
pub use wall_clock::{FixedClock, SystemClock, WallClock};

/// Log directives applied after the operator's `ONESEAL_LOG`, whatever it asks for: at DEBUG,
/// tokio-postgres logs every statement with its parameters, and those are private event payloads
/// and projection rows with applicants' names, ID and phone numbers (PIPL; DESIGN.md §10).
pub const LOG_PRIVACY_DIRECTIVES: &[&str] = &["tokio_postgres=info", "postgres=info"];

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// The whole application: API, public endpoints and web pages, with security headers.
pub fn router(state: AppState) -> Router {
    // The material uploads have their own limit (the per-file limit), outside this one.
    let max_upload = state
        .materials
        .as_ref()
        .map_or(MAX_BODY_BYTES, |m| m.limits.max_request());
    let bounded = Router::new()
        .merge(api::routes())
        .merge(web::routes())
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        // The extractors' own default (2 MB) would refuse smaller bodies than the limit the
        // 413 names: one limit, [`MAX_BODY_BYTES`], for every route.
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES));
    Router::new()
        .merge(bounded)
        .merge(api::materials::upload_routes(max_upload))
        .merge(api::consultation_files::upload_routes(max_upload))
        .merge(api::applicant::upload_routes(max_upload))
        .merge(web::intake::submit_routes(
            state
                .materials
                .as_ref()
                .map_or_else(Default::default, |m| m.limits),
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.metrics.clone(),
            metrics::track,
        ))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            BODY_READ_TIMEOUT,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::guard,
        ))
        // A served material file sets a stricter policy of its own (`api::materials`).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("x-frame-options"),
            HeaderValue::from_static("DENY"),
        ))
        .with_state(state)
}

/// A running server.
pub struct Running {
    pub addr: SocketAddr,
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// How long a client may take to send a request's line and headers: a connection that sends
/// them a byte at a time, or not at all, is closed then, so idle half-open connections cannot
/// pile up.
pub const HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// How long a request's body may take to arrive, from the end of its headers (8 MiB at the
/// largest: over 280 kB/s even at the limit).
pub const BODY_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Binds and serves in the background; returns once the socket is listening.
/// Without `--public-url`, links point at the listening address (never at a request's `Host:`).
pub async fn start(mut state: AppState, listen: SocketAddr) -> std::io::Result<Running> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    if state.net.public_url.is_none() {
        let mut net = (*state.net).clone();
        net.fallback_base = Some(format!("http://{addr}"));
        state.net = Arc::new(net);
    }
    let app = router(state);
    let task = tokio::spawn(serve(listener, app));
    Ok(Running { addr, task })
}

/// The accept loop: what `axum::serve` does, with a timer so that hyper enforces the header
/// read timeout, and the peer's address in every request (`ConnectInfo`).
async fn serve(listener: tokio::net::TcpListener, app: Router) -> std::io::Result<()> {
    use axum::extract::ConnectInfo;
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use tower::ServiceExt as _;
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors or a connection reset before accept: not fatal.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let service =
            app.clone()
                .map_request(move |mut req: axum::http::Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(ConnectInfo(peer));
                    req.map(axum::body::Body::new)
                });
        tokio::spawn(async move {
            let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            builder
                .http1()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT);
            builder.http2().timer(TokioTimer::new());
            let conn = builder.serve_connection_with_upgrades(
                TokioIo::new(stream),
                hyper_util::service::TowerToHyperService::new(service),
            );
            if let Err(e) = conn.await {
                tracing::trace!(error = %e, "connection ended with an error");
            }
        });
    }
}
