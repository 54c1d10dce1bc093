//! oneseal-server: the HTTP edge — JSON API, web UI, sign-in, background tasks.
//!
//! Thin by design: it authenticates, authorizes (through `domain::access`), calls domain rules
//! and runs commands through the store's single writer. It never changes state any other way.

pub mod api;
pub mod auth;
pub mod calendar;
pub mod case_secrets;
pub mod cases;
pub mod clock;
pub mod commands;
pub mod dashboard;
pub mod error;
pub mod guard;
pub mod guesses;
pub mod leadership;
pub mod ledger;
pub mod limits;
pub mod linkage;
pub mod masking;
pub mod metrics;
pub mod net;
pub mod peers;
pub mod rules;
pub mod sealing;
pub mod seed;
pub mod throttle;
pub mod web;
pub mod witness;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use oneseal_store::Store;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;

pub use clock::{Clock, FixedClock, SystemClock};
pub use error::ApiError;

/// Log directives applied after the operator's `ONESEAL_LOG`, whatever it asks for: at DEBUG,
/// tokio-postgres logs every statement with its parameters, and those are private event payloads
/// and projection rows with applicants' names, ID and phone numbers (PIPL; DESIGN.md §10).
pub const LOG_PRIVACY_DIRECTIVES: &[&str] = &["tokio_postgres=info", "postgres=info"];

/// Largest request body accepted (catalog spreadsheets are the biggest legitimate uploads).
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub metrics: Arc<metrics::Metrics>,
    /// The jurisdictions' logs: keys, witnesses, policy (empty until `with_logs`).
    pub logs: Arc<ledger::Logs>,
    /// The working-day calendar (shipped years plus imported ones).
    pub calendar: Arc<calendar::CalendarStore>,
    /// Decrypted seal keys (empty until `with_seal_keys`).
    pub seal_keys: Arc<sealing::SealKeys>,
    /// Whether this process runs the background work (always, unless `with_leadership`).
    pub leadership: leadership::Leadership,
    /// How many refused attempts each department may still have recorded this minute.
    pub refusals: Arc<linkage::RefusalLimiter>,
    /// Webhook secrets' encryption under the master key (none until `with_master_key`: then
    /// webhooks can be neither registered nor delivered).
    pub webhook_secrets: Option<Arc<linkage::webhooks::SecretBox>>,
    /// Which addresses webhooks may be registered for and delivered to (public ones only,
    /// unless the operator allows private networks).
    pub webhook_policy: linkage::webhooks::TargetPolicy,
    /// The public statistics' last figures per jurisdiction (see `web::stats`).
    pub stats_cache: Arc<web::stats::StatsCache>,
    /// The keys of query-code digests and document salts (none until `with_case_secrets`:
    /// then no case can be received or checked by its code).
    pub case_secrets: Option<Arc<case_secrets::CaseSecrets>>,
    /// Wrong query-code guesses per client address.
    pub guesses: Arc<guesses::GuessLimiter>,
    /// The public URL and trusted proxies (see `net`).
    pub net: Arc<net::Net>,
    /// Failed sign-ins and the password-checking pool (see `throttle`).
    pub sign_in: Arc<throttle::SignInThrottle>,
}

impl AppState {
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            clock,
            metrics: Arc::new(metrics::Metrics::default()),
            logs: Arc::new(ledger::Logs::default()),
            calendar: Arc::new(calendar::CalendarStore::default()),
            seal_keys: Arc::new(sealing::SealKeys::default()),
            leadership: leadership::Leadership::default(),
            refusals: Arc::default(),
            webhook_secrets: None,
            webhook_policy: linkage::webhooks::TargetPolicy::default(),
            stats_cache: Arc::default(),
            case_secrets: None,
            guesses: Arc::default(),
            net: Arc::default(),
            sign_in: Arc::default(),
        }
    }

    pub fn with_net(mut self, net: net::Net) -> Self {
        self.net = Arc::new(net);
        self
    }

    pub fn with_master_key(mut self, master: Arc<ledger::keys::MasterKey>) -> Self {
        self.webhook_secrets = Some(Arc::new(linkage::webhooks::SecretBox::new(master)));
        self
    }

    pub fn with_case_secrets(mut self, secrets: Arc<case_secrets::CaseSecrets>) -> Self {
        self.case_secrets = Some(secrets);
        self
    }

    /// The case secrets, which every step that receives, checks or seals needs.
    ///
    /// # Errors
    /// `Internal` when the server was started without them (a setup error, not bad input).
    pub fn case_secrets(&self) -> Result<Arc<case_secrets::CaseSecrets>, error::ApiError> {
        self.case_secrets
            .clone()
            .ok_or_else(|| error::ApiError::Internal("case secrets are not loaded".into()))
    }

    pub fn with_webhook_policy(mut self, policy: linkage::webhooks::TargetPolicy) -> Self {
        self.webhook_policy = policy;
        self
    }

    pub fn with_leadership(mut self, leadership: leadership::Leadership) -> Self {
        self.leadership = leadership;
        self
    }

    pub fn with_calendar(mut self, calendar: Arc<calendar::CalendarStore>) -> Self {
        self.calendar = calendar;
        self
    }

    pub fn with_seal_keys(mut self, keys: Arc<sealing::SealKeys>) -> Self {
        self.seal_keys = keys;
        self
    }

    pub fn with_logs(mut self, logs: Arc<ledger::Logs>) -> Self {
        self.logs = logs;
        self
    }
}

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// The whole application: API, public endpoints and web pages, with security headers.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(api::routes())
        .merge(web::routes())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            BODY_READ_TIMEOUT,
        ))
        // The extractors' own default (2 MB) would refuse smaller bodies than the limit the
        // 413 names: one limit, [`MAX_BODY_BYTES`], for every route.
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::guard,
        ))
        .layer(SetResponseHeaderLayer::overriding(
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
