//! Service ratings over HTTP: the applicant rates a closed case with its query code (no
//! sign-in); the bureau sees the ratings and closes the rectification of bad ones. The rules
//! live in `services::ratings`; this adapter adds the wrong-guess throttle and the JSON.

use axum::Json;
use axum::extract::{Path, Query, State};
use oneseal_domain::access::Action;
use oneseal_domain::case::CaseNumber;
use oneseal_domain::rating::RatingChannel;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::edge::auth::Auth;
use crate::edge::json::ApiJson;
use crate::error::ApiError;
use crate::services::commands::require_explanation;
use crate::services::paging::{parse_cursor, parse_limit};
use crate::services::ratings::{self, NewRating, RatingError};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatingBody {
    pub case: String,
    pub code: String,
    /// A level's code; absent or empty is `400 rating_level_required`.
    #[serde(default)]
    pub level: Option<String>,
    pub channel: RatingChannel,
    #[serde(default)]
    pub comment: String,
}

/// The applicant's rating (好差评), once per closed case; a bad one is due for rectification
/// within 15 working days.
pub async fn submit_rating(
    State(state): State<AppState>,
    client: crate::edge::guesses::ClientAddr,
    ApiJson(body): ApiJson<RatingBody>,
) -> Result<Json<Value>, ApiError> {
    ratings::check_comment(&body.comment)?;
    let level = ratings::parse_level(body.level.as_deref())?;
    let now = state.clock.now();
    if state.guesses.blocked(client, now) {
        return Err(ApiError::TooManyRequests);
    }
    let Ok(case) = CaseNumber::parse(&body.case) else {
        state.guesses.failed(client, now);
        return Err(RatingError::CaseNotFound.into());
    };
    let rating = NewRating {
        case,
        code: body.code,
        level,
        channel: body.channel,
        comment: body.comment,
    };
    let secrets = state.case_secrets()?;
    let calendar = state.calendar.current();
    let done = ratings::submit(&state.store, secrets, calendar, now, rating)
        .await
        .inspect_err(|e| {
            if matches!(e, RatingError::CaseNotFound) {
                state.guesses.failed(client, now);
            }
        })?;
    Ok(Json(json!({
        "ledger_index": done.ledger_index, "level_zh": done.level.name_zh(),
        "rectification_due": done.rectification_due.map(|d| d.to_string()),
    })))
}

#[derive(Debug, Default, Deserialize)]
pub struct RatingPageQuery {
    pub cursor: Option<String>,
    pub limit: Option<String>,
}

/// One page of the jurisdiction's ratings (newest first) and the count of each level in all.
pub async fn list_ratings(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<RatingPageQuery>,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::ViewDashboard)?;
    let cursor = parse_cursor(q.cursor.as_deref())?;
    let key = ratings::parse_rating_cursor(cursor.as_ref())?;
    let limit = parse_limit(q.limit.as_deref())?;
    let view = ratings::list(
        &state.store,
        auth.principal.jurisdiction.clone(),
        key,
        limit,
    )
    .await?;
    let summary: Vec<Value> = view
        .summary
        .into_iter()
        .map(|(l, n)| json!({ "level": l.code(), "name_zh": l.name_zh(), "count": n }))
        .collect();
    Ok(Json(json!({
        "ratings": view.rows,
        "summary": summary,
        "next_cursor": view.links.next_cursor,
        "prev_cursor": view.links.prev_cursor,
    })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RectifyBody {
    pub explanation: String,
}

/// The bureau head closes the rectification of a bad rating with what was done.
pub async fn rectify(
    State(state): State<AppState>,
    auth: Auth,
    Path(case): Path<String>,
    ApiJson(body): ApiJson<RectifyBody>,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::RectifyRating)?;
    let (staff, meta) = auth.staff_meta(state.clock.now())?;
    require_explanation(&body.explanation, "差评整改")?;
    let case = CaseNumber::parse(&case).map_err(|_| RatingError::RatingNotFound)?;
    let idx = ratings::rectify(&state.store, meta, staff, case, body.explanation).await?;
    Ok(Json(json!({ "ledger_index": idx })))
}
