//! Certificates in the open: a sealed decision's bundle (document + SES_Signature + ledger entry
//! + tlog-proof receipt), the trust file an offline verifier needs, and online verification.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use oneseal_domain::seal::RegisteredSeal;
use oneseal_seal::SealTime;
use oneseal_seal::bundle::{
    LedgerTrust, SealStatus, SealedBundle, TRUST_FORMAT, TrustFile, TrustedSeal, verify_bundle,
};
use oneseal_store::{Conn, params};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::api::log::receipt_text;
use crate::error::ApiError;

fn seal_time(t: time::OffsetDateTime) -> Result<SealTime, ApiError> {
    let s = u64::try_from(t.unix_timestamp()).map_err(|_| ApiError::Internal("time".into()))?;
    SealTime::from_unix_seconds(s).map_err(|e| ApiError::Internal(e.to_string()))
}

fn trusted(s: &RegisteredSeal, now: time::OffsetDateTime) -> Result<TrustedSeal, ApiError> {
    let status = match (&s.revocation, now >= s.record.valid_to) {
        (Some(_), _) => SealStatus::Revoked,
        (None, true) => SealStatus::Expired,
        (None, false) => SealStatus::Active,
    };
    Ok(TrustedSeal {
        es_id: s.record.es_id.clone(),
        name: s.record.name.clone(),
        public_key_pem: s.record.public_key_pem.clone(),
        valid_start: seal_time(s.record.valid_from)?,
        valid_end: seal_time(s.record.valid_to)?,
        status,
        revoked_at: s.revocation.as_ref().map(|r| seal_time(r.at)).transpose()?,
        revocation_order: s.revocation.as_ref().map(|r| r.order_ref.clone()),
    })
}

/// The registry snapshot and log keys of a jurisdiction, for `oneseal cert verify --trust`.
pub fn trust_file(state: &AppState, conn: &mut dyn Conn, j: &str) -> Result<TrustFile, ApiError> {
    let now = state.clock.now();
    let seals = crate::services::sealing::registry(conn, j)?
        .iter()
        .map(|s| trusted(s, now))
        .collect::<Result<Vec<_>, _>>()?;
    let keys = state.logs.keys.get(j).ok_or(ApiError::NotFound("log"))?;
    Ok(TrustFile {
        format: TRUST_FORMAT.to_owned(),
        seals,
        ledger: LedgerTrust::Keys {
            log_vkeys: vec![keys.ed25519.verifier_key().to_string()],
            witness_vkeys: state
                .logs
                .witnesses
                .iter()
                .map(|w| w.vkey.clone())
                .collect(),
            quorum: if state.logs.witnesses.is_empty() {
                0
            } else {
                state.logs.quorum
            },
        },
    })
}

#[derive(Debug, Deserialize)]
pub struct TrustQuery {
    pub jurisdiction: Option<String>,
}

pub async fn get_trust(
    State(state): State<AppState>,
    Query(q): Query<TrustQuery>,
) -> Result<Json<TrustFile>, ApiError> {
    let j = q.jurisdiction.unwrap_or_else(|| "370100".into());
    let st = state.clone();
    Ok(Json(
        state.store.read(move |c| trust_file(&st, c, &j)).await?,
    ))
}

/// The sealed bundle of a case's decision (available once a checkpoint covers its entry).
pub fn bundle_for(
    conn: &mut dyn Conn,
    case_number: &str,
    publish: crate::services::ledger::Publish,
) -> Result<SealedBundle, ApiError> {
    let doc = conn
        .query_one(
            "SELECT d.document, d.signature_der, e.log, e.idx FROM sealed_documents d JOIN document_entries e \
             ON e.case_number = d.case_number AND e.document_kind = d.document_kind \
             WHERE d.case_number = ? AND d.document_kind = 'decision'",
            params![case_number],
        )?
        .ok_or(ApiError::NotFound("sealed decision"))?;
    let decode = |s: String| {
        STANDARD
            .decode(s)
            .map_err(|e| ApiError::Internal(e.to_string()))
    };
    let (document, signature, log_name, idx) = (
        decode(doc.text(0)?)?,
        decode(doc.text(1)?)?,
        doc.text(2)?,
        doc.u64(3)?,
    );
    let entry = oneseal_store::log::entry(conn, &log_name, idx)?
        .ok_or(ApiError::NotFound("ledger entry"))?;
    let receipt = receipt_text(conn, &log_name, idx, publish)?;
    Ok(SealedBundle::new(document, signature, entry, receipt))
}

pub async fn get_bundle(
    State(state): State<AppState>,
    Path(license): Path<String>,
) -> Result<Json<SealedBundle>, ApiError> {
    let publish = state.logs.publish();
    let b = state
        .store
        .read(move |c| {
            let case = c
                .query_one(
                    "SELECT case_number FROM document_entries WHERE license_id = ?",
                    params![license.as_str()],
                )?
                .ok_or(ApiError::NotFound("license"))?
                .text(0)?;
            bundle_for(c, &case, publish)
        })
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
    let st = state.clone();
    let trust = state.store.read(move |c| trust_file(&st, c, &j)).await?;
    Ok(Json(match verify_bundle(&bundle, &trust) {
        Ok(v) => {
            json!({ "valid": true, "summary_zh": v.summary_zh(), "summary_en": v.summary_en(), "es_id": v.es_id, "seal_name": v.seal_name })
        }
        Err(e) => json!({ "valid": false, "reason_zh": e.reason_zh(), "reason_en": e.to_string() }),
    }))
}
