//! The public statistics as JSON (`GET /api/v1/public/stats?j=`, no sign-in), the twin of the
//! `/stats` page: the same figures, summed, cached and limited per client by
//! `services::statistics`.

use axum::Json;
use axum::extract::{Query, State};
use oneseal_store::StoreError;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::edge::guesses::ClientAddr;
use crate::error::ApiError;
use crate::services::statistics::{self, StatisticsError, Tally};

#[derive(Debug, Default, Deserialize)]
pub struct StatsQuery {
    /// A jurisdiction's division code (default: the city).
    pub j: Option<String>,
}

fn tally(t: &Tally) -> Value {
    let share = |n: u64| (t.timed > 0).then(|| n as f64 / t.timed as f64);
    json!({
        "received": t.received,
        "decided": t.decided,
        "timed": t.timed,
        "on_time": t.on_time,
        "working_days": t.working_days,
        "average_working_days": share(t.working_days),
        "on_time_rate": share(t.on_time),
    })
}

/// Per item and per original department of one jurisdiction: cases received and decided, the
/// decisions timed, on time and their working days; rates are `null` before any timed decision.
pub async fn public_stats(
    State(state): State<AppState>,
    client: ClientAddr,
    Query(q): Query<StatsQuery>,
) -> Result<Json<Value>, ApiError> {
    let now = state.clock.now();
    if !state.stats_limiter.allow(client, now) {
        return Err(StatisticsError::TooManyRequests.into());
    }
    let j = q.j.unwrap_or_else(|| "370100".to_owned());
    if !state.logs.keys.contains_key(&j) {
        return Err(ApiError::NotFound("jurisdiction"));
    }
    let jq = j.clone();
    let log_size = state
        .store
        .read(move |c| {
            Ok::<_, StoreError>(oneseal_store::log::read_head(c, &jq).map_or(0, |h| h.0))
        })
        .await?;
    let f = statistics::figures(
        &state.store,
        &state.stats_cache,
        &j,
        log_size,
        state.calendar.current(),
        now,
    )
    .await?;
    Ok(Json(json!({
        "jurisdiction": j,
        "as_of": oneseal_domain::case::legal_date(now).to_string(),
        "items": f.items.iter().map(|i| json!({
            "code": i.code,
            "name": i.name,
            "department": i.department,
            "statutory_limit": i.limit,
            "figures": tally(&i.tally),
        })).collect::<Vec<_>>(),
        "departments": f.departments.iter().map(|d| json!({
            "name": d.name,
            "items": d.items,
            "figures": tally(&d.tally),
        })).collect::<Vec<_>>(),
        "total": tally(&f.total),
    })))
}
