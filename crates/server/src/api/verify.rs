//! Certificates in the open: a sealed decision's bundle (document + SES_Signature + ledger entry
//! + tlog-proof receipt), the trust file an offline verifier needs, and online verification.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use oneseal_seal::bundle::{SealedBundle, TrustFile, verify_bundle};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::ApiError;
use crate::services::verification::{licence_bundle, trust_file};

#[derive(Debug, Deserialize)]
pub struct TrustQuery {
    pub jurisdiction: Option<String>,
}

pub async fn get_trust(
    State(state): State<AppState>,
    Query(q): Query<TrustQuery>,
) -> Result<Json<TrustFile>, ApiError> {
    let j = q.jurisdiction.unwrap_or_else(|| "370100".into());
    let (logs, now) = (state.logs.clone(), state.clock.now());
    let trust = state
        .store
        .read(move |c| trust_file(c, &logs, now, &j))
        .await?;
    Ok(Json(trust))
}

pub async fn get_bundle(
    State(state): State<AppState>,
    Path(license): Path<String>,
) -> Result<Json<SealedBundle>, ApiError> {
    let publish = state.logs.publish();
    let b = state
        .store
        .read(move |c| licence_bundle(c, &license, publish))
        .await?;
    Ok(Json(b))
}

/// `POST /api/v1/verify`: a bundle checked against this bureau's registry and logs.
pub async fn verify_uploaded(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let bundle = SealedBundle::from_json(&body)
        .map_err(|e| ApiError::bad_request("bad_bundle", e.reason_zh(), e.to_string()))?;
    let j = serde_json::from_slice::<Value>(&bundle.ledger_entry)
        .ok()
        .and_then(|v| v["jurisdiction"].as_str().map(str::to_owned))
        .ok_or_else(|| {
            ApiError::bad_request(
                "bad_bundle",
                "账本条目无法识别辖区",
                "The ledger entry names no jurisdiction",
            )
        })?;
    let (logs, now) = (state.logs.clone(), state.clock.now());
    let trust = state
        .store
        .read(move |c| trust_file(c, &logs, now, &j))
        .await?;
    Ok(Json(match verify_bundle(&bundle, &trust) {
        Ok(v) => {
            json!({ "valid": true, "summary_zh": v.summary_zh(), "summary_en": v.summary_en(), "es_id": v.es_id, "seal_name": v.seal_name })
        }
        Err(e) => json!({ "valid": false, "reason_zh": e.reason_zh(), "reason_en": e.to_string() }),
    }))
}
