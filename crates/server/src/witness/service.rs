//! The HTTP shell of one witness (C2SP tlog-witness): parse, hand the request to the durable
//! state, and turn the typed protocol answer into the exact status the spec prescribes. No
//! protocol decision is made here; they live in `oneseal_ledger::witness`.
//!
//! - `POST /add-checkpoint`: 200 with cosignature lines; 400/403/404/409/422 as
//!   [`WitnessError::status`] says, 409 with a `text/x.tlog.size` body; 413 above 64 KiB.
//! - `GET /checkpoint/<hex sha256(origin)>`: the latest checkpoint this witness cosigned, as a
//!   note carrying the log's signature and the cosignature, for monitors.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use oneseal_ledger::cosignature::CosignatureSigner;
use oneseal_ledger::witness::{AddCheckpointRequest, SIZE_CONTENT_TYPE, TrustedLogs, WitnessError};
use sha2::{Digest, Sha256};

use super::state::{CosignError, WitnessState};
use crate::wall_clock::WallClock;

/// Largest `add-checkpoint` body accepted (63 proof lines and a checkpoint need about 3 KiB).
pub const MAX_REQUEST_BYTES: usize = 64 * 1024;

const TEXT_PLAIN: &str = "text/plain; charset=utf-8";

/// Everything one witness needs.
pub struct WitnessConfig {
    /// The witness's cosigning key (one key per witness: cosignatures do not name the signer).
    pub signer: CosignatureSigner,
    /// The logs it accepts, with their keys.
    pub logs: TrustedLogs,
    /// Its durable state.
    pub state: WitnessState,
    /// Where cosignature timestamps come from.
    pub clock: Arc<dyn WallClock>,
}

struct Inner {
    signer: CosignatureSigner,
    logs: TrustedLogs,
    state: WitnessState,
    clock: Arc<dyn WallClock>,
    /// hex(SHA-256(origin)) → origin, for the monitoring path.
    origins_by_hash: HashMap<String, String>,
}

/// Hex SHA-256 of an origin: how the monitoring path names a log.
pub fn origin_hash(origin: &str) -> String {
    hex::encode(Sha256::digest(origin.as_bytes()))
}

/// The router of one witness.
pub fn router(config: WitnessConfig) -> Router {
    let origins_by_hash = config
        .logs
        .origins()
        .map(|o| (origin_hash(o), o.to_owned()))
        .collect();
    let inner = Arc::new(Inner {
        signer: config.signer,
        logs: config.logs,
        state: config.state,
        clock: config.clock,
        origins_by_hash,
    });
    Router::new()
        .route("/add-checkpoint", post(add_checkpoint))
        .route("/checkpoint/{origin_hash}", get(latest_checkpoint))
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
        .with_state(inner)
}

fn text(status: StatusCode, content_type: &'static str, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body,
    )
        .into_response()
}

fn internal(what: &str) -> Response {
    text(
        StatusCode::INTERNAL_SERVER_ERROR,
        TEXT_PLAIN,
        format!("witness internal error: {what}\n"),
    )
}

/// The spec's answer for a refusal: the status from the ledger crate, and for 409 the
/// `<size>\n` body with its content type.
fn refusal(e: &WitnessError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match e.response_body() {
        Some(body) => text(status, SIZE_CONTENT_TYPE, body),
        None => text(status, TEXT_PLAIN, format!("{e}\n")),
    }
}

async fn add_checkpoint(State(w): State<Arc<Inner>>, body: Bytes) -> Response {
    let req = match AddCheckpointRequest::parse(&body) {
        Ok(r) => r,
        Err(e) => return refusal(&e),
    };
    let worker = Arc::clone(&w);
    let outcome = tokio::task::spawn_blocking(move || {
        let result =
            worker
                .state
                .add_checkpoint(&req, &worker.logs, &worker.signer, worker.clock.as_ref());
        (req, result)
    })
    .await;
    match outcome {
        Ok((req, Ok(cosignatures))) => {
            tracing::debug!(
                origin = req.origin(),
                size = req.checkpoint.size(),
                "cosigned"
            );
            text(StatusCode::OK, TEXT_PLAIN, cosignatures)
        }
        Ok((req, Err(CosignError::Witness(e)))) => {
            if e.status() == 422 {
                // A validly signed checkpoint that is inconsistent with what we cosigned may be
                // proof of log misbehaviour (the spec lets us record it): keep it in the log.
                tracing::warn!(origin = req.origin(), error = %e, note = req.note.to_text(),
                    "refused an inconsistent checkpoint");
            } else {
                tracing::info!(origin = req.origin(), error = %e, "refused a checkpoint");
            }
            refusal(&e)
        }
        Ok((_, Err(CosignError::State(e)))) => {
            tracing::error!(error = %e, "witness state failed");
            internal("state")
        }
        Err(e) => {
            tracing::error!(error = %e, "witness worker failed");
            internal("worker")
        }
    }
}

async fn latest_checkpoint(State(w): State<Arc<Inner>>, Path(hash): Path<String>) -> Response {
    let Some(origin) = w.origins_by_hash.get(&hash.to_ascii_lowercase()).cloned() else {
        return text(StatusCode::NOT_FOUND, TEXT_PLAIN, "unknown origin\n".into());
    };
    let worker = Arc::clone(&w);
    match tokio::task::spawn_blocking(move || worker.state.head(&origin)).await {
        Ok(Ok(Some(stored))) => {
            let mut resp = text(StatusCode::OK, TEXT_PLAIN, stored.note);
            resp.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            resp
        }
        Ok(Ok(None)) => text(
            StatusCode::NOT_FOUND,
            TEXT_PLAIN,
            "no checkpoint cosigned yet\n".into(),
        ),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "witness state failed");
            internal("state")
        }
        Err(e) => {
            tracing::error!(error = %e, "witness worker failed");
            internal("worker")
        }
    }
}

/// A witness serving in the background. Dropping it stops the server (like [`Serving::shutdown`]
/// without waiting).
pub struct Serving {
    /// The bound address (useful with port 0).
    pub addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl std::fmt::Debug for Serving {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Serving")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Serving {
    /// Stops accepting requests, lets in-flight ones finish (their state is committed before
    /// they reply anyway) and waits for the server to end.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        (&mut self.task).await.map_err(std::io::Error::other)?
    }
}

/// Binds `listen` and serves `router` in the background; returns once the socket listens.
pub async fn serve(router: Router, listen: SocketAddr) -> std::io::Result<Serving> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = rx.await;
            })
            .await
    });
    Ok(Serving {
        addr,
        shutdown: Some(tx),
        task,
    })
}
