//! Health, metrics and the API description.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use oneseal_store::log::read_head;

use crate::AppState;
use crate::error::ApiError;

pub const OPENAPI: &str = include_str!("../../openapi.json");

pub async fn healthz(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let (size, _) = state.store.read(|c| read_head(c)).await?;
    Ok(axum::Json(serde_json::json!({
        "status": "ok",
        "backend": state.store.backend().name(),
        "ledger_size": size,
    })))
}

pub async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let (size, _) = state.store.read(|c| read_head(c)).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(size),
    ))
}

pub async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}
