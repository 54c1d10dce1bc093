//! The applicant's inbox and rating over HTTP (issue #19 item 4): the messages each public step
//! of their cases left (`services::inbox`), marking them read, and rating a closed case of their
//! own from the account (`services::ratings::submit_own`: the rules of the public rating).
//! Every route takes [`ApplicantAuth`] (the applicant cookie, CSRF on writes).

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::edge::applicant::ApplicantAuth;
use crate::edge::json::ApiJson;
use crate::error::ApiError;
use crate::services::{inbox, online, ratings};

/// The longest id a message has (`MSG-` and 24 hex digits), with room.
const MAX_ID: usize = 64;

/// `GET /api/v1/applicant/messages`: the unread count and the newest messages.
pub async fn list_messages(
    State(state): State<AppState>,
    ApplicantAuth(a): ApplicantAuth,
) -> Result<Json<Value>, ApiError> {
    let inbox = inbox::inbox(&state.store, a.subject).await?;
    Ok(Json(
        serde_json::to_value(inbox).map_err(|e| ApiError::Internal(e.to_string()))?,
    ))
}

/// `POST /api/v1/applicant/messages/{id}/read`: one message read (another's id is unknown).
pub async fn read_message(
    State(state): State<AppState>,
    ApplicantAuth(a): ApplicantAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    if id.len() > MAX_ID {
        return Err(ApiError::NotFound("message"));
    }
    let now = state.clock.now().unix_timestamp();
    let subject = a.subject.clone();
    if inbox::mark_read(&state.store, a.subject, Some(id), now).await? == 0 {
        return Err(ApiError::NotFound("message"));
    }
    let unread = inbox::inbox(&state.store, subject).await?.unread;
    Ok(Json(json!({ "unread": unread })))
}

/// `POST /api/v1/applicant/messages/read`: every message read.
pub async fn read_all(
    State(state): State<AppState>,
    ApplicantAuth(a): ApplicantAuth,
) -> Result<Json<Value>, ApiError> {
    let now = state.clock.now().unix_timestamp();
    let marked = inbox::mark_read(&state.store, a.subject, None, now).await?;
    Ok(Json(json!({ "marked": marked, "unread": 0 })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnRatingBody {
    /// A level's code; absent or empty is `400 rating_level_required`.
    #[serde(default)]
    pub level: Option<String>,
    #[serde(default)]
    pub comment: String,
    /// Another case of a "one thing" application (each case is rated on its own; the
    /// application's first case when absent).
    #[serde(default)]
    pub case_number: Option<String>,
}

/// `POST /api/v1/applicant/applications/{id}/rating`: the applicant rates their own closed case
/// (once; a bad rating is due for rectification as a public one).
pub async fn rate_own(
    State(state): State<AppState>,
    ApplicantAuth(a): ApplicantAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<OwnRatingBody>,
) -> Result<Json<Value>, ApiError> {
    ratings::check_comment(&body.comment)?;
    let level = ratings::parse_level(body.level.as_deref())?;
    let number = online::own_case(&state.store, a.subject, id, body.case_number).await?;
    let done = ratings::submit_own(
        &state.store,
        state.calendar.current(),
        state.clock.now(),
        number,
        level,
        body.comment,
    )
    .await?;
    Ok(Json(json!({
        "ledger_index": done.ledger_index, "level_zh": done.level.name_zh(),
        "rectification_due": done.rectification_due.map(|d| d.to_string()),
    })))
}
