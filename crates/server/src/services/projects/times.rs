//! The applicant's time of a project's cases, read from the cases' own events and clocks, for
//! the project's page, its stage completion and the dashboard (apart from the service so that
//! the dashboard's counts and the service share it without importing each other).

use oneseal_domain::calendar::Calendar;
use oneseal_domain::case::Case;
use oneseal_domain::project::{CaseTime, Project};
use oneseal_store::case_rows::load_events_of;
use oneseal_store::{Conn, StoreError};

/// The linked cases' applicant's time (补正, Art. 45 procedures) as their own events leave it
/// on `today`; a case whose clock cannot be counted contributes none (its stage then counts
/// gross).
pub fn case_times(
    conn: &mut dyn Conn,
    project: &Project,
    calendar: &Calendar,
    today: time::Date,
) -> Result<Vec<CaseTime>, StoreError> {
    let numbers: Vec<String> = project
        .cases
        .iter()
        .map(|c| c.case_number.clone())
        .collect();
    Ok(load_events_of(conn, &numbers)?
        .into_iter()
        .filter_map(|(_, events)| Case::apply(&events).ok())
        .filter_map(|c| CaseTime::of(&c, calendar, today).ok())
        .collect())
}
