//! The working-day calendar over HTTP: which years are loaded (with their source notices), and
//! importing a year (an official holiday notice) by an administrator.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use oneseal_domain::access::Action;
use oneseal_domain::event::{Actor, Event};
use serde_json::{Value, json};

use crate::AppState;
use crate::auth::Auth;
use crate::commands::Meta;
use crate::error::ApiError;

pub async fn list_years(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::ViewCatalog)?;
    let cal = state.calendar.current();
    let years: Vec<Value> = cal
        .loaded_years()
        .filter_map(|y| cal.year(y).map(|c| (y, c)))
        .map(|(y, c)| json!({ "year": y, "source": c.source() }))
        .collect();
    Ok(Json(json!({ "years": years })))
}

/// Validates the year file, records it on the ledger, and swaps the new calendar in.
pub async fn import_year(
    State(state): State<AppState>,
    auth: Auth,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::ManageCalendar)?;
    let text = String::from_utf8(body.to_vec()).map_err(|_| {
        ApiError::bad_request(
            "bad_calendar",
            "日历文件不是 UTF-8 文本",
            "The calendar file is not UTF-8",
        )
    })?;
    let mut cal = (*state.calendar.current()).clone();
    let year = cal.load_year_json(&text).map_err(|e| {
        ApiError::bad_request("bad_calendar", format!("日历文件无效：{e}"), e.to_string())
    })?;
    let meta = Meta {
        time: state.clock.now(),
        jurisdiction: auth.principal.jurisdiction.clone(),
        actor: Actor::Staff(auth.staff_id().cloned().ok_or(ApiError::Unauthenticated)?),
    };
    let idx = state
        .store
        .write(move |tx| meta.record(tx, &Event::CalendarYearImported { year, json: text }))
        .await?;
    state.calendar.replace(cal);
    Ok(Json(json!({ "year": year, "ledger_index": idx })))
}
