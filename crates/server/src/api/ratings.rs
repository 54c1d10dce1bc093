//! Service ratings over HTTP: the applicant rates a closed case with its query code (no
//! sign-in); the bureau sees the ratings and closes the rectification of bad ones.

use axum::Json;
use axum::extract::{Path, State};
use oneseal_domain::access::Action;
use oneseal_domain::calendar::TimeLimit;
use oneseal_domain::case::{CaseNumber, legal_date};
use oneseal_domain::event::{Actor, Event};
use oneseal_domain::org::DivisionCode;
use oneseal_domain::rating::{RECTIFICATION_DAYS, RatingChannel, RatingLevel};
use oneseal_store::{Conn, params};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::AppState;
use crate::edge::auth::Auth;
use crate::error::{ApiError, ApiJson};
use crate::services::commands::{Meta, require_explanation, require_open};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatingBody {
    pub case: String,
    pub code: String,
    pub level: RatingLevel,
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
    if body.comment.chars().count() > 500 {
        return Err(ApiError::bad_request(
            "comment_too_long",
            "评价内容不超过500字",
            "The comment is limited to 500 characters",
        ));
    }
    let now = state.clock.now();
    if state.guesses.blocked(client, now) {
        return Err(ApiError::TooManyRequests);
    }
    let not_found = || ApiError::NotFound("case");
    let number = match CaseNumber::parse(&body.case) {
        Ok(n) => n,
        Err(_) => {
            state.guesses.failed(client, now);
            return Err(not_found());
        }
    };
    let secrets = state.case_secrets()?;
    let today = legal_date(now);
    let calendar = state.calendar.current();
    let result = state
        .store
        .write(move |tx| {
            let row = tx
                .conn()
                .query_one(
                    "SELECT jurisdiction, query_code_hash, closed FROM cases WHERE case_number = ?",
                    params![number.as_str()],
                )?
                .ok_or_else(not_found)?;
            if !secrets.matches(&row.text(1)?, &body.code) {
                return Err(not_found());
            }
            if row.int(2)? == 0 {
                return Err(ApiError::conflict(
                    "case_not_closed",
                    "办件办结后才能评价",
                    "A case can be rated once it is closed",
                ));
            }
            let rated = tx
                .conn()
                .query_one(
                    "SELECT 1 FROM ratings WHERE case_number = ?",
                    params![number.as_str()],
                )?
                .is_some();
            if rated {
                return Err(ApiError::conflict(
                    "already_rated",
                    "该办件已评价，每件只能评价一次",
                    "This case has already been rated",
                ));
            }
            let j = DivisionCode::parse(&row.text(0)?)
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            let due = if body.level.is_bad() {
                Some(
                    calendar
                        .deadline(today, TimeLimit::working_days(RECTIFICATION_DAYS), &[])
                        .map_err(|e| {
                            ApiError::conflict(
                                "calendar_year_missing",
                                e.to_string(),
                                e.to_string(),
                            )
                        })?
                        .due,
                )
            } else {
                None
            };
            let meta = Meta {
                time: now,
                jurisdiction: j,
                actor: Actor::System("public-rating".into()),
            };
            let idx = meta.record(
                tx,
                &Event::CaseRated {
                    case_number: number,
                    level: body.level,
                    channel: body.channel,
                    comment: body.comment,
                    rated_on: today,
                    rectification_due: due,
                },
            )?;
            Ok::<_, ApiError>(json!({
                "ledger_index": idx, "level_zh": body.level.name_zh(),
                "rectification_due": due.map(|d| d.to_string()),
            }))
        })
        .await
        .inspect_err(|e| {
            if matches!(e, ApiError::NotFound(_)) {
                state.guesses.failed(client, now);
            }
        })?;
    Ok(Json(result))
}

/// One rating as the bureau sees it (never the applicant's comment in lists: it is private).
#[derive(Debug, Clone, Serialize)]
pub struct RatingRow {
    pub case_number: String,
    pub level: String,
    pub channel: String,
    pub rated_on: String,
    pub rectification_due: Option<String>,
    pub rectification_status: Option<String>,
    pub rectified_by: Option<String>,
}

pub fn query_ratings(c: &mut dyn Conn, j: &DivisionCode) -> Result<Vec<RatingRow>, ApiError> {
    c.query(
        "SELECT case_number, level, channel, rated_on, rectification_due, rectification_status, rectified_by \
         FROM ratings WHERE jurisdiction = ? ORDER BY rated_on DESC, case_number",
        params![j.as_str()],
    )?
    .into_iter()
    .map(|r| {
        Ok(RatingRow {
            case_number: r.text(0)?,
            level: r.text(1)?,
            channel: r.text(2)?,
            rated_on: r.text(3)?,
            rectification_due: r.opt_text(4)?,
            rectification_status: r.opt_text(5)?,
            rectified_by: r.opt_text(6)?,
        })
    })
    .collect()
}

pub async fn list_ratings(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::ViewDashboard)?;
    let j = auth.principal.jurisdiction.clone();
    let rows = state.store.read(move |c| query_ratings(c, &j)).await?;
    let count = |code: &str| rows.iter().filter(|r| r.level == code).count();
    let summary: Vec<Value> = RatingLevel::ALL
        .iter()
        .map(|l| json!({ "level": l.code(), "name_zh": l.name_zh(), "count": count(l.code()) }))
        .collect();
    Ok(Json(json!({ "ratings": rows, "summary": summary })))
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
    let (staff, meta) = Meta::for_staff(&auth, state.clock.now())?;
    require_explanation(&body.explanation, "差评整改")?;
    let number = CaseNumber::parse(&case).map_err(|_| ApiError::NotFound("rating"))?;
    let j = meta.jurisdiction.clone();
    let idx = state
        .store
        .write(move |tx| {
            require_open(
                tx.conn(),
                "SELECT rectification_status FROM ratings WHERE case_number = ? AND jurisdiction = ?",
                params![number.as_str(), j.as_str()],
                "rating",
                ApiError::conflict(
                    "no_open_rectification",
                    "该评价没有待办的整改",
                    "No open rectification for this rating",
                ),
            )?;
            meta.record(
                tx,
                &Event::RectificationClosed {
                    case_number: number,
                    by: staff,
                    explanation: body.explanation,
                },
            )
        })
        .await?;
    Ok(Json(json!({ "ledger_index": idx })))
}
