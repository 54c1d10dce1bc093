//! A department's own file with its opinion (会签意见附件): `POST
//! /api/v1/consultations/{id}/attachments` (multipart `file`, one per request), by the asked
//! department's staff while the consultation awaits its answer. The file is stored as one of the
//! case's materials under `会签意见附件（department）` — the same sniffing and limits as the
//! clerk's uploads — and the answer gives its SHA-256 for the opinion's `attachments`; the
//! bureau's staff download it from the case like any material.
//!
//! Apart from `consultations.rs` because the route carries the upload's own body limit, as the
//! materials' does.

use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, extract::multipart::MultipartRejection};
use oneseal_domain::access::Action;
use serde_json::{Value, json};

use crate::AppState;
use crate::edge::auth::Auth;
use crate::error::ApiError;
use crate::services::consultations as svc;
use crate::services::materials::store_material;

use super::consultations::record_if_refused;
use super::materials::{configured, read_upload};

/// The upload route with its own body limit (merged outside the 8 MiB limit of the others).
pub fn upload_routes(max_request: usize) -> Router<AppState> {
    Router::new().route(
        "/api/v1/consultations/{id}/attachments",
        post(upload_attachment).layer(DefaultBodyLimit::max(max_request)),
    )
}

/// Stores the asked department's file among the case's materials and answers its SHA-256.
/// Refusals: another department 403 `forbidden_department` (recorded like a wrong claim), an
/// unknown id 404, the bureau's staff 403 `forbidden_role`, an API token 403 (a file is handed
/// in by a person), an answered consultation 409 `consultation_already_answered`, and the
/// materials' own: 415, 413, 400.
pub async fn upload_attachment(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Json<Value>, ApiError> {
    auth.staff_for(Action::AnswerConsultation)?;
    let principal = auth.principal.clone();
    let lookup = id.clone();
    let target = state
        .store
        .read(move |c| svc::attachment_target(c, &principal, &lookup))
        .await;
    record_if_refused(&state, &auth, &id, target.as_ref().err()).await?;
    let (number, name) = target?;
    let materials = configured(&state)?;
    // A `name` sent with the file is not used: the case lists it as the department's.
    let (_, file) = read_upload(&materials, &headers, multipart).await?;
    let who = auth.acting(&state, number.division().clone())?;
    let stored = store_material(&state.store, &materials, who, number.clone(), &name, file)
        .await
        .map_err(ApiError::from)?;
    let sha = stored.material.sha256.clone();
    Ok(Json(json!({
        "consultation_id": id,
        "case_number": number,
        "sha256": sha,
        "name": stored.material.name,
        "media_type": stored.material.media_type,
        "size": stored.material.size,
        "duplicate": stored.duplicate,
        "ledger_index": stored.ledger_index,
        "href": format!("/api/v1/cases/{number}/materials/{sha}"),
    })))
}
