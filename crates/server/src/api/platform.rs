//! The provincial service platform over HTTP (`services::platform`): its token, issued through
//! `POST /api/v1/tokens {"platform": …, "scopes": ["intake"]}`, its callback secret rotated
//! through `POST /api/v1/tokens/{id}/callback/rotate`, and `POST /api/v1/intake`, the window's
//! intake body plus the platform's reference, always online.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use oneseal_domain::access::Action;
use oneseal_domain::case::submission::parse_submitted_at;
use oneseal_domain::event::Actor;
use oneseal_domain::org::DivisionCode;
use oneseal_domain::platform::{PlatformName, PlatformRef};
use serde::Deserialize;
use serde_json::{Value, json};

use super::cases::{IDEMPOTENT_REPLAYED, IntakeBody};
use crate::AppState;
use crate::edge::auth::Auth;
use crate::edge::json::ApiJson;
use crate::error::ApiError;
use crate::services::cases::CaseServiceError;
use crate::services::platform::{self, Forward, PlatformServiceError, TokenOrder};

/// How the callbacks are signed, as the token's answer describes it (the departments' webhooks').
const SIGNATURE_NOTE: &str = "Standard Webhooks: webhook-signature = v1,base64(HMAC-SHA256(base64decode(secret without whsec_), \"{webhook-id}.{webhook-timestamp}.{body}\")); body is a CloudEvents 1.0 structured event of type cn.gov.approval.platform.<step>";

/// What `POST /api/v1/tokens` asks for a platform (`api::org::issue_token` reads the body).
pub(super) struct PlatformTokenRequest {
    pub platform: String,
    pub scopes: Vec<Action>,
    pub expires_in_days: Option<i64>,
    pub callback_url: Option<String>,
}

/// `POST /api/v1/tokens` with `platform`: authorized by the caller (`api::org::issue_token`).
pub(super) async fn issue_token(
    state: &AppState,
    auth: &Auth,
    j: DivisionCode,
    req: PlatformTokenRequest,
) -> Result<Json<Value>, ApiError> {
    let name = req.platform.as_str();
    let platform = PlatformName::parse(name).map_err(PlatformServiceError::Name)?;
    let by = Actor::Staff(auth.staff_for(Action::IssueApiToken)?);
    let issued = platform::issue_token(
        &state.store,
        state.webhook_secrets.clone(),
        state.webhook_policy,
        TokenOrder {
            jurisdiction: j,
            platform,
            scopes: req.scopes,
            expires_in_days: req.expires_in_days,
            callback_url: req.callback_url,
        },
        by,
        state.clock.now(),
    )
    .await?;
    let mut v = serde_json::to_value(&issued).map_err(|e| ApiError::Internal(e.to_string()))?;
    if issued.callback_secret.is_some() {
        v["signature"] = SIGNATURE_NOTE.into();
    }
    Ok(Json(v))
}

/// `POST /api/v1/tokens/{id}/callback/rotate`: a new callback secret for the platform the
/// token belongs to, shown this once; the previous one signs beside it until
/// `previous_secret_valid_until` (as `POST /api/v1/dept/webhook/rotate` answers a department).
pub async fn rotate_callback_secret(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    auth.staff_for(Action::IssueApiToken)?;
    let rotated = platform::rotate_callback_secret(
        &state.store,
        state.webhook_secrets.clone(),
        &auth.principal,
        id.clone(),
        state.clock.now(),
    )
    .await?;
    Ok(Json(json!({
        "id": id,
        "platform": rotated.platform,
        "callback_secret": rotated.callback_secret,
        "previous_secret_valid_until": rotated.previous_secret_valid_until,
        "signature": SIGNATURE_NOTE,
    })))
}

/// The body of `POST /api/v1/intake`: the window's intake body (`channel` may be left out; it
/// is `online`), the platform's reference and its receipt time.
#[derive(Debug, Deserialize)]
pub struct ForwardBody {
    #[serde(default)]
    pub platform_ref: Option<String>,
    #[serde(flatten)]
    pub intake: IntakeBody,
}

/// `POST /api/v1/intake`: a platform forwards an online application, once per `platform_ref`.
pub async fn forward_application(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(mut body): ApiJson<ForwardBody>,
) -> Result<Response, ApiError> {
    auth.require_here(Action::PlatformIntake)?;
    let token_id = auth
        .principal
        .token
        .clone()
        .ok_or(PlatformServiceError::NotPlatform)?;
    let platform = platform::platform_of(&state.store, token_id.clone()).await?;
    let platform_ref = PlatformRef::parse(body.platform_ref.as_deref().unwrap_or_default())
        .map_err(PlatformServiceError::Name)?;
    let submitted_at = body
        .intake
        .submitted_at
        .take()
        .ok_or(PlatformServiceError::MissingSubmittedAt)?;
    let submitted_at =
        parse_submitted_at(&submitted_at).map_err(|e| CaseServiceError::Refused(e.into()))?;
    if body.intake.channel.is_none() {
        body.intake.channel = Some("online".into());
    }
    let joint_handling = body.intake.joint_handling.unwrap_or(false);
    let who = platform::receiver(
        &platform,
        auth.principal.jurisdiction.clone(),
        state.clock.now(),
        state.calendar.current(),
        state.case_secrets()?,
    )?;
    let receipt = platform::forward(
        &state.store,
        who,
        Forward {
            platform,
            token_id,
            platform_ref: platform_ref.clone(),
            input: body.intake.into_input(),
            joint_handling,
            submitted_at,
        },
    )
    .await?;
    // The only time the code is shown (and on every retry): the case keeps its digest alone.
    let answer = Json(json!({
        "case_number": receipt.case_number,
        "query_code": receipt.query_code.grouped(),
        "ledger_index": receipt.ledger_index,
        "platform_ref": platform_ref.as_str(),
        "replayed": receipt.replayed,
    }));
    if receipt.replayed {
        Ok(([(IDEMPOTENT_REPLAYED, "true")], answer).into_response())
    } else {
        Ok(answer.into_response())
    }
}
