//! The working-day calendar page (工作日历): which years count from a State Council notice and
//! which provisionally from the statutory holidays, the import of a year's notice with a preview
//! of what it changes, and the deadlines that imports and corrections moved.
//!
//! The page is for the city's administrator (who imports) and the bureau head (who must know
//! which applicants' dates changed). The import itself goes through the JSON API
//! (`/api/v1/calendar/preview`, then `/api/v1/calendar/years`) from `static/app.js`, so the page
//! and the API cannot disagree about what an import does.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use oneseal_domain::access::Action;
use oneseal_domain::calendar::provisional;
use oneseal_domain::case::legal_date;

use super::{Nav, WebError, render};
use crate::AppState;
use crate::api::calendar::require_calendar_view;
use crate::edge::auth::Auth;
use crate::error::ApiError;
use crate::services::calendar::moves;

/// One year the calendar counts with, as the page lists it.
pub struct YearRow {
    year: i32,
    source: String,
    provisional: bool,
}

/// One moved deadline.
pub struct MoveRow {
    source: String,
    case_number: String,
    deadline: &'static str,
    old_due: String,
    new_due: String,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    nav: Nav,
    years: Vec<YearRow>,
    can_import: bool,
    moves: Vec<MoveRow>,
}

fn deadline_zh(code: &str) -> &'static str {
    match code {
        "notice" => "一次性告知期限",
        "statutory" => "法定办结期限",
        "promised" => "承诺办结期限",
        "delivery" => "送达期限",
        _ => "期限",
    }
}

fn source_zh(source: &str) -> String {
    match source.strip_prefix("import:") {
        Some(year) => format!("导入{year}年放假通知"),
        None => format!("更正 {source}"),
    }
}

pub async fn calendar_page(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Html<String>, WebError> {
    require_calendar_view(&auth)?;
    let cal = state.calendar.current();
    let this_year = legal_date(state.clock.now()).year();
    // The loaded years, and this year and the next when they are counted provisionally: a
    // deadline of a case received now reaches at most into the next year.
    let mut years: Vec<YearRow> = cal
        .loaded_years()
        .filter_map(|y| cal.year(y).map(|c| (y, c)))
        .map(|(year, c)| YearRow {
            year,
            source: c.source().title.clone(),
            provisional: false,
        })
        .collect();
    for year in [this_year, this_year + 1] {
        if cal.is_provisional(year) {
            years.push(YearRow {
                year,
                source: provisional::SOURCE_TITLE.to_owned(),
                provisional: true,
            });
        }
    }
    years.sort_by_key(|y| y.year);
    let j = auth.principal.jurisdiction.clone();
    let rows = state
        .store
        .read(move |c| moves(c, &j))
        .await
        .map_err(ApiError::from)?;
    let moves = rows
        .into_iter()
        .map(|m| MoveRow {
            source: source_zh(&m.source),
            case_number: m.case_number,
            deadline: deadline_zh(&m.deadline),
            old_due: m.old_due,
            new_due: m.new_due,
        })
        .collect();
    let city = oneseal_domain::access::Target::jurisdiction(&auth.principal.jurisdiction.city());
    render(&CalendarPage {
        nav: Nav::from_auth(Some(&auth)),
        years,
        can_import: auth.require(Action::ManageCalendar, &city).is_ok(),
        moves,
    })
}
