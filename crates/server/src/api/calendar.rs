//! The working-day calendar over HTTP: which years are loaded (with their source notices), and
//! importing a year (an official holiday notice) by an administrator.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use oneseal_domain::access::{Action, Target};
use oneseal_domain::event::{Actor, Event};
use oneseal_domain::org::DivisionCode;
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

/// Where a calendar import lands: the working-day calendar is one for the city and all its
/// counties (the holiday notices are national), so it is the city's to manage; a county's
/// administrator may not change the deadlines of every other bureau.
fn calendar_target(j: &DivisionCode) -> Target {
    Target::jurisdiction(&j.city())
}

/// Validates the year file, records it on the ledger, and swaps the new calendar in.
pub async fn import_year(
    State(state): State<AppState>,
    auth: Auth,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    auth.require(
        Action::ManageCalendar,
        &calendar_target(&auth.principal.jurisdiction),
    )?;
    let text = String::from_utf8(body.to_vec()).map_err(|_| {
        ApiError::bad_request(
            "bad_calendar",
            "日历文件不是 UTF-8 文本",
            "The calendar file is not UTF-8",
        )
    })?;
    // Parsed off the async workers, as catalog files are (issue #22, item 2): a body of the
    // full size limit takes a while to parse and validate.
    let mut cal = (*state.calendar.current()).clone();
    let (cal, year, text) = tokio::task::spawn_blocking(move || {
        let year = cal.load_year_json(&text);
        (cal, year, text)
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    let year = year.map_err(|e| {
        // The parser's message may quote the file (an unknown `kind` is repeated in full).
        let e = clip(&e.to_string());
        ApiError::bad_request("bad_calendar", format!("日历文件无效：{e}"), e)
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

/// At most 300 characters of a parser's message, so the answer stays small whatever it quotes.
fn clip(message: &str) -> String {
    const MAX: usize = 300;
    match message.char_indices().nth(MAX) {
        None => message.to_owned(),
        Some((end, _)) => format!("{}…", &message[..end]),
    }
}

#[cfg(test)]
mod tests {
    use oneseal_domain::access::{Denied, Principal, authorize};
    use oneseal_domain::org::{DepartmentCode, Role};

    use super::*;

    fn admin(j: &str) -> Principal {
        Principal {
            staff: None,
            token: None,
            jurisdiction: DivisionCode::parse(j).unwrap(),
            department: DepartmentCode::parse("SPJ").unwrap(),
            roles: vec![Role::Administrator],
            scopes: None,
        }
    }

    #[test]
    fn only_the_city_administrator_imports_the_shared_calendar() {
        let city = admin("370100");
        assert!(
            authorize(
                &city,
                Action::ManageCalendar,
                &calendar_target(&city.jurisdiction)
            )
            .is_ok()
        );
        let county = admin("370124");
        assert_eq!(
            authorize(
                &county,
                Action::ManageCalendar,
                &calendar_target(&county.jurisdiction)
            ),
            Err(Denied::Jurisdiction)
        );
    }
}
