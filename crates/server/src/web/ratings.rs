//! The bureau's ratings page (好差评): every rating with its level and channel, and the
//! rectification of bad ones, closed by the bureau head with what was done.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use oneseal_domain::access::Action;
use oneseal_domain::rating::{RatingChannel, RatingLevel};

use super::{Nav, WebError, render};
use crate::AppState;
use crate::edge::auth::MaybeAuth;
use crate::error::ApiError;
use crate::services::ratings::{self, RatingRow};

#[derive(Template)]
#[template(path = "ratings.html")]
struct RatingsPage {
    nav: Nav,
    rows: Vec<RatingRow>,
    can_rectify: bool,
    today: String,
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

pub async fn ratings_page(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
) -> Result<Html<String>, WebError> {
    let auth = auth.ok_or(ApiError::Unauthenticated)?;
    auth.require_here(Action::ViewDashboard)?;
    let rows = ratings::list(&state.store, auth.principal.jurisdiction.clone())
        .await
        .map_err(ApiError::from)?;
    render(&RatingsPage {
        nav: Nav::from_auth(Some(&auth)),
        rows,
        can_rectify: auth.require_here(Action::RectifyRating).is_ok(),
        today: oneseal_domain::case::legal_date(state.clock.now()).to_string(),
    })
}
