//! The list of a jurisdiction's projects with their clocks net of the applicant's time, as
//! the project's page, the API and the limits' rule count them (`domain::project::net`): the
//! `projects` table keeps only the gross due date, and the applicant's 补正 time is the cases'
//! own, so each listed project is folded with its cases here (as the dashboard's counts do).

use oneseal_domain::calendar::Calendar;
use oneseal_domain::project::{NetClock, Project, StageState};
use oneseal_store::projects::{self as rows, ProjectRow};
use oneseal_store::{Conn, StoreError};
use serde::Serialize;
use time::Date;

use super::times::case_times;

/// A project as the list shows it: its row and its due dates net of the applicant's time.
#[derive(Debug, Clone, Serialize)]
pub struct ListedProject {
    #[serde(flatten)]
    pub row: ProjectRow,
    /// The whole's due date net of the applicant's time (`None` before it opens, or when the
    /// calendar cannot count it: then the gross `due` stands).
    pub net_due: Option<String>,
    /// The stage in hand's (the latest opened and not completed) due date, gross and net.
    pub stage_due: Option<String>,
    pub stage_net_due: Option<String>,
    /// The stage in hand is open past its net due date.
    pub stage_overdue: bool,
    /// The stage in hand or the whole is open past its net due date.
    pub overdue: bool,
}

/// Open past its net due date; past the gross one when the clock could not be counted.
fn past(net: Option<&NetClock>, gross: bool, ended: Option<Date>, today: Date) -> bool {
    net.map_or(gross, |n| n.overdue(ended, today))
}

/// One row with the clocks of its folded project (a project whose events do not fold keeps
/// its gross figures: `ledger verify` reports it).
fn listed(
    conn: &mut dyn Conn,
    row: ProjectRow,
    calendar: &Calendar,
    today: Date,
) -> Result<ListedProject, StoreError> {
    let Ok(p) = Project::apply(&rows::load_events(conn, &row.code)?) else {
        let today = today.to_string();
        let overdue =
            row.status != "completed" && row.due.as_deref().is_some_and(|d| d < today.as_str());
        return Ok(ListedProject {
            row,
            net_due: None,
            stage_due: None,
            stage_net_due: None,
            stage_overdue: false,
            overdue,
        });
    };
    let times = case_times(conn, &p, calendar, today)?;
    let whole = p.whole_clock(calendar, &times, today).ok().flatten();
    let whole_overdue = past(whole.as_ref(), p.is_overdue(today), p.finished_on(), today);
    let in_hand: Option<&StageState> = p
        .stages
        .iter()
        .rev()
        .find(|s| s.opened_on.is_some() && s.completed_on.is_none());
    let stage_net = in_hand.and_then(|s| p.stage_clock(s, calendar, &times, today).ok().flatten());
    let stage_overdue = in_hand.is_some_and(|s| {
        past(
            stage_net.as_ref(),
            s.is_overdue(today),
            s.completed_on,
            today,
        )
    });
    Ok(ListedProject {
        row,
        net_due: whole.map(|n| n.net_due.to_string()),
        stage_due: in_hand.and_then(|s| s.due).map(|d| d.to_string()),
        stage_net_due: stage_net.map(|n| n.net_due.to_string()),
        stage_overdue,
        overdue: stage_overdue || whole_overdue,
    })
}

/// The jurisdiction's projects, newest first, at most `limit`, with their net clocks on `today`.
///
/// # Errors
/// The store's failure.
pub fn list(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    limit: u32,
    calendar: &Calendar,
    today: Date,
) -> Result<Vec<ListedProject>, StoreError> {
    rows::list(conn, jurisdiction, limit)?
        .into_iter()
        .map(|row| listed(conn, row, calendar, today))
        .collect()
}
