//! The dashboard's figures of construction projects: the projects not through 竣工验收, the
//! stages open past their due date, and the average working days a stage completed this year
//! took net of the applicant's time (国办发〔2019〕11号 holds the stages to that figure). Each
//! project is folded with its cases' applicant's time, as its page does.

use oneseal_domain::calendar::Calendar;
use oneseal_domain::project::{Project, ProjectStatus};
use oneseal_store::projects as rows;
use oneseal_store::{Conn, StoreError};
use serde::Serialize;
use time::Date;

use super::times::case_times;

/// A jurisdiction's (or several's) projects on one day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ProjectCounts {
    /// Registered and not through 竣工验收.
    pub open: u32,
    /// Stages open past their due date net of the applicant's time.
    pub stages_overdue: u32,
    /// Stages completed in the year of `today`.
    pub stages_completed: u32,
    /// Their net working days, summed.
    pub net_working_days: u64,
    /// `net_working_days` over `stages_completed` ([`ProjectCounts::average_net`], set once
    /// every jurisdiction is counted).
    pub average_net_working_days: Option<f64>,
}

impl ProjectCounts {
    /// The average net working days of a stage completed this year (`None` before any).
    #[must_use]
    pub fn average_net(&self) -> Option<f64> {
        (self.stages_completed > 0)
            .then(|| self.net_working_days as f64 / f64::from(self.stages_completed))
    }
}

/// Adds the projects of `jurisdiction` as of `today` to `into`. A project whose events do not
/// fold is left out (`ledger verify` reports it).
///
/// # Errors
/// The store's failure.
pub fn counts(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    calendar: &Calendar,
    today: Date,
    into: &mut ProjectCounts,
) -> Result<(), StoreError> {
    for code in rows::codes(conn, jurisdiction)? {
        let Ok(p) = Project::apply(&rows::load_events(conn, &code)?) else {
            continue;
        };
        if p.status() != ProjectStatus::Completed {
            into.open += 1;
        }
        let times = case_times(conn, &p, calendar, today)?;
        for s in &p.stages {
            let net = p.stage_clock(s, calendar, &times, today).ok().flatten();
            let overdue = net
                .as_ref()
                .map_or(s.is_overdue(today), |n| n.overdue(s.completed_on, today));
            if overdue {
                into.stages_overdue += 1;
            }
            if let (Some(done), Some(n)) = (s.completed_on, &net)
                && done.year() == today.year()
            {
                into.stages_completed += 1;
                into.net_working_days += u64::from(n.net_working_days);
            }
        }
    }
    Ok(())
}
