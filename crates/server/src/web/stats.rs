//! The public statistics page (`/stats`, no sign-in): one jurisdiction's figures per item and
//! per original department, summed, cached and limited per client by `services::statistics`.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use oneseal_store::StoreError;
use serde::Deserialize;

use super::ledger::{Choice, DEFAULT_JURISDICTION, choices};
use super::{Nav, WebError, render};
use crate::AppState;
use crate::edge::guesses::ClientAddr;
use crate::error::ApiError;
use crate::services::statistics::{self, DeptRow, Figures, ItemRow, Tally};

#[derive(Template)]
#[template(path = "stats.html")]
struct StatsPage {
    nav: Nav,
    choices: Vec<Choice>,
    today: String,
    items: Vec<ItemRow>,
    departments: Vec<DeptRow>,
    total: Tally,
}

#[derive(Debug, Default, Deserialize)]
pub struct Form {
    j: Option<String>,
}

pub async fn stats_page(
    State(state): State<AppState>,
    client: ClientAddr,
    Query(f): Query<Form>,
) -> Result<Html<String>, WebError> {
    let now = state.clock.now();
    if !state.stats_limiter.allow(client, now) {
        return Err(ApiError::from(statistics::StatisticsError::TooManyRequests).into());
    }
    let j = f.j.unwrap_or_else(|| DEFAULT_JURISDICTION.to_owned());
    let logs: Vec<String> = state.logs.keys.keys().cloned().collect();
    let jq = j.clone();
    let (choices, log_size) = state
        .store
        .read(move |c| {
            // An unknown jurisdiction has no head; the choices below turn it into a 404.
            let size = oneseal_store::log::read_head(c, &jq).map_or(0, |h| h.0);
            Ok::<_, StoreError>((choices(c, &logs, &jq)?, size))
        })
        .await
        .map_err(ApiError::from)?;
    if !choices.iter().any(|c| c.selected) {
        return Err(ApiError::NotFound("jurisdiction").into());
    }
    let today = oneseal_domain::case::legal_date(now);
    let calendar = state.calendar.current();
    let figures = statistics::figures(
        &state.store,
        &state.stats_cache,
        &j,
        log_size,
        calendar,
        now,
    )
    .await
    .map_err(ApiError::from)?;
    let Figures {
        items,
        departments,
        total,
    } = (*figures).clone();
    render(&StatsPage {
        nav: Nav::default(),
        choices,
        today: today.to_string(),
        items,
        departments,
        total,
    })
}
