//! Health, metrics and the API description.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use oneseal_store::log::heads;

use crate::AppState;
use crate::error::ApiError;
use crate::openapi::OPENAPI;

pub async fn healthz(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let logs = state.store.read(|c| heads(c)).await?;
    let total: u64 = logs.iter().map(|(_, size, _)| size).sum();
    let per_log: serde_json::Map<String, serde_json::Value> = logs
        .into_iter()
        .map(|(log, size, _)| (log, size.into()))
        .collect();
    Ok(axum::Json(serde_json::json!({
        "status": "ok",
        "backend": state.store.backend().name(),
        "ledger_size": total,
        "logs": per_log,
        "leader": state.leadership.is_leader(),
    })))
}

pub async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let logs = state.store.read(|c| heads(c)).await?;
    let sizes: Vec<(String, u64)> = logs.into_iter().map(|(log, size, _)| (log, size)).collect();
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(&sizes, state.store.stats()),
    ))
}

pub async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}
