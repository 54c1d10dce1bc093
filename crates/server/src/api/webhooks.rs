//! A department's webhook over HTTP: registering its URL (checked against the target policy),
//! rotating its signing secret, and reading the delivery state. Apart from the rest of linkage
//! because the secret handling and the target policy are their own concern.

use axum::Json;
use axum::extract::State;
use oneseal_domain::access::Action;
use serde::Deserialize;
use serde_json::{Value, json};

use super::linkage::own_department;
use crate::AppState;
use crate::edge::auth::Auth;
use crate::edge::json::ApiJson;
use crate::error::ApiError;
use crate::services::linkage::webhooks::{self, SecretBox, WebhookError};

/// How the deliveries are signed, as the registration and rotation responses describe it.
const SIGNATURE_NOTE: &str = "Standard Webhooks: webhook-signature = v1,base64(HMAC-SHA256(base64decode(secret without whsec_), \"{webhook-id}.{webhook-timestamp}.{body}\")); body is a CloudEvents 1.0 structured event";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookBody {
    pub url: String,
}

fn secrets(state: &AppState) -> Result<std::sync::Arc<SecretBox>, WebhookError> {
    state
        .webhook_secrets
        .clone()
        .ok_or(WebhookError::NoMasterKey)
}

pub async fn put_webhook(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<WebhookBody>,
) -> Result<Json<Value>, ApiError> {
    let (j, d) = own_department(&auth, Action::ClaimPush)?;
    let secret = webhooks::register(
        &state.store,
        secrets(&state)?,
        state.webhook_policy,
        j,
        d,
        body.url.clone(),
        state.clock.now(),
    )
    .await?;
    Ok(Json(json!({
        "url": body.url, "secret": secret, "signature": SIGNATURE_NOTE,
    })))
}

pub async fn rotate_webhook_secret(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Value>, ApiError> {
    let (j, d) = own_department(&auth, Action::ClaimPush)?;
    let (secret, until) =
        webhooks::rotate(&state.store, secrets(&state)?, j, d, state.clock.now()).await?;
    Ok(Json(json!({
        "secret": secret, "previous_secret_valid_until": until, "signature": SIGNATURE_NOTE,
    })))
}

pub async fn get_webhook(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Value>, ApiError> {
    let (j, d) = own_department(&auth, Action::ClaimPush)?;
    let status = webhooks::status(&state.store, j, d, state.clock.now()).await?;
    Ok(Json(
        serde_json::to_value(status).map_err(|e| ApiError::Internal(e.to_string()))?,
    ))
}
