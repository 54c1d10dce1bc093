//! The working-day calendar over HTTP: which years are loaded (with their source notices),
//! importing a year not in force yet (an official holiday notice) by the city's administrator,
//! and correcting later days of a year in force: proposed by the administrator with a reason
//! and a source, put in force by the bureau head (`services::calendar`).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use oneseal_domain::access::{Action, Target};
use oneseal_domain::event::Actor;
use oneseal_domain::org::DivisionCode;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::edge::auth::Auth;
use crate::edge::json::ApiJson;
use crate::error::ApiError;
use crate::services::calendar;

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

/// Validates the year file and, for a year not in force yet, records it on the ledger and swaps
/// the new calendar in. A year in force is history up to today: the same file again changes
/// nothing, a change of a past day is refused, and a change of later days needs a correction.
pub async fn import_year(
    State(state): State<AppState>,
    auth: Auth,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    auth.require(
        Action::ManageCalendar,
        &calendar_target(&auth.principal.jurisdiction),
    )?;
    let file = calendar::parse_year_file(body.to_vec()).await?;
    let number = file.0.year();
    let actor = Actor::Staff(auth.staff_id().cloned().ok_or(ApiError::Unauthenticated)?);
    let out = calendar::import_year(
        &state.store,
        &state.calendar,
        file,
        auth.principal.jurisdiction.clone(),
        actor,
        state.clock.now(),
    )
    .await?;
    let (idx, moving) = out.map_or((None, Vec::new()), |i| (Some(i.ledger_index), i.moving));
    Ok(Json(json!({
        "year": number, "ledger_index": idx, "unchanged": idx.is_none(), "moving": moving,
    })))
}

/// What importing the year file would do, without doing it: the notice's holidays and make-up
/// workdays, how it differs from the provisional year it replaces, and which deadlines of open
/// cases would move. For the administrator's import page.
pub async fn preview_year(
    State(state): State<AppState>,
    auth: Auth,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    auth.require(
        Action::ManageCalendar,
        &calendar_target(&auth.principal.jurisdiction),
    )?;
    let (year, _) = calendar::parse_year_file(body.to_vec()).await?;
    let today = oneseal_domain::case::legal_date(state.clock.now());
    let preview = state
        .store
        .read(move |c| calendar::preview(c, year, today))
        .await?;
    Ok(Json(json!(preview)))
}

/// The deadlines that imports and corrections of the calendar moved, for the bureau head and
/// the administrator: which case, which deadline, from and to.
pub async fn list_moves(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Value>, ApiError> {
    require_calendar_view(&auth)?;
    let j = auth.principal.jurisdiction.clone();
    let rows = state.store.read(move |c| calendar::moves(c, &j)).await?;
    let moves: Vec<Value> = rows
        .into_iter()
        .map(|m| {
            json!({
                "source": m.source, "year": m.year, "case_number": m.case_number,
                "deadline": m.deadline, "old_due": m.old_due, "new_due": m.new_due,
            })
        })
        .collect();
    Ok(Json(json!({ "moves": moves })))
}

/// The calendar's state is the administrator's to manage and the head's to approve: either may
/// look at it.
pub fn require_calendar_view(auth: &Auth) -> Result<(), ApiError> {
    let here = calendar_target(&auth.principal.jurisdiction);
    auth.require(Action::ManageCalendar, &here)
        .or_else(|_| auth.require(Action::ApproveCalendarCorrection, &here))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposeBody {
    /// The whole year as it should be, in the import layout.
    pub calendar: Value,
    /// Why the year is corrected.
    pub reason: String,
    /// Where the correction comes from (e.g. the State Council notice's number).
    pub source: String,
}

/// Proposes correcting days after today in a year in force: answered with the open cases whose
/// deadlines move, recorded on the ledger as proposed, without effect until the head approves.
pub async fn propose_correction(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<ProposeBody>,
) -> Result<Json<Value>, ApiError> {
    auth.require(
        Action::ManageCalendar,
        &calendar_target(&auth.principal.jurisdiction),
    )?;
    let staff = auth.staff_for(Action::ManageCalendar)?;
    let p = calendar::propose_correction(
        &state.store,
        auth.principal.jurisdiction.city(),
        staff,
        &body.calendar.to_string(),
        &body.reason,
        &body.source,
        state.clock.now(),
    )
    .await?;
    Ok(Json(json!({
        "correction_id": p.correction_id, "year": p.year, "status": "proposed",
        "days": p.days.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "moving": p.moving, "ledger_index": p.ledger_index,
    })))
}

/// The bureau head puts a proposed correction in force, checked again against today and the
/// year as it now is; the open cases' deadlines move from this instant.
pub async fn approve_correction(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let city = auth.principal.jurisdiction.city();
    auth.require(Action::ApproveCalendarCorrection, &calendar_target(&city))?;
    let staff = auth.staff_for(Action::ApproveCalendarCorrection)?;
    let a = calendar::approve_correction(
        &state.store,
        &state.calendar,
        city,
        staff,
        id,
        state.clock.now(),
    )
    .await?;
    Ok(Json(json!({
        "correction_id": a.correction_id, "year": a.year,
        "status": "approved", "moving": a.moving, "ledger_index": a.ledger_index,
    })))
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
