//! The bureau's ratings page (好差评): every rating with its level and channel, and the
//! rectification of bad ones, closed by the bureau head with what was done.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use oneseal_domain::access::Action;
use oneseal_domain::rating::{RatingChannel, RatingLevel};

use super::i18n::encode;
use super::{Nav, WebError, render};
use crate::AppState;
use crate::edge::auth::MaybeAuth;
use crate::error::ApiError;
use crate::services::names::Names;
use crate::services::paging::{parse_cursor, parse_limit};
use crate::services::ratings::{self, RatingRow};

#[derive(Template)]
#[template(path = "ratings.html")]
struct RatingsPage {
    nav: Nav,
    /// Each rating with the applicant's comment, for the bureau head rectifying it.
    rows: Vec<(RatingRow, Option<String>)>,
    names: Names,
    /// Ratings in all (every page).
    total: i64,
    can_rectify: bool,
    today: String,
    prev_href: Option<String>,
    next_href: Option<String>,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct RatingForm {
    cursor: Option<String>,
    limit: Option<String>,
}

impl RatingsPage {
    fn level_zh(code: &str) -> &'static str {
        RatingLevel::ALL
            .iter()
            .find(|l| l.code() == code)
            .map_or("", |l| l.name_zh())
    }
    fn channel_zh(code: &str) -> &'static str {
        serde_json::from_value::<RatingChannel>(serde_json::Value::String(code.to_owned()))
            .map_or("", RatingChannel::name_zh)
    }
    fn opt(v: &Option<String>) -> &str {
        v.as_deref().unwrap_or("—")
    }
}

/// The ratings a page at a time, newest first.
pub async fn ratings_page(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    Query(f): Query<RatingForm>,
) -> Result<Html<String>, WebError> {
    let auth = auth.ok_or(ApiError::Unauthenticated)?;
    auth.require_here(Action::ViewDashboard)?;
    let cursor = parse_cursor(f.cursor.as_deref()).map_err(ApiError::from)?;
    let key = ratings::parse_rating_cursor(cursor.as_ref()).map_err(ApiError::from)?;
    let limit = parse_limit(f.limit.as_deref()).map_err(ApiError::from)?;
    let view = ratings::list(
        &state.store,
        auth.principal.jurisdiction.clone(),
        key,
        limit,
    )
    .await
    .map_err(ApiError::from)?;
    let can_rectify = auth.require_here(Action::RectifyRating).is_ok();
    let open: Vec<String> = view
        .rows
        .iter()
        .filter(|r| can_rectify && r.rectification_status.as_deref() == Some("open"))
        .map(|r| r.case_number.clone())
        .collect();
    let j = auth.principal.jurisdiction.clone();
    let mut comments = ratings::comments(&state.store, j.clone(), open)
        .await
        .map_err(ApiError::from)?;
    let names = Names::read(&state.store, j).await.map_err(ApiError::from)?;
    let size = f
        .limit
        .as_deref()
        .map(|l| format!("limit={}&", encode(l.trim())))
        .unwrap_or_default();
    let href = |c: String| format!("/ratings?{size}cursor={}", encode(&c));
    render(&RatingsPage {
        nav: Nav::from_auth(Some(&auth)),
        total: view.summary.iter().map(|(_, n)| n).sum(),
        rows: view
            .rows
            .into_iter()
            .map(|r| {
                let c = comments.remove(&r.case_number);
                (r, c)
            })
            .collect(),
        names,
        can_rectify,
        today: oneseal_domain::case::legal_date(state.clock.now()).to_string(),
        prev_href: view.links.prev_cursor.map(href),
        next_href: view.links.next_cursor.map(href),
    })
}
