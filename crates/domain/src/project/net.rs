//! A project's clocks net of the applicant's time. 国办发〔2019〕11号 counts the approval time
//! without the applicant's own: 补正 (from the one-time notice to the supplement) and the
//! procedures Licensing Law Art. 45 excludes (hearing, testing, expert review …). Each linked
//! case's own clock already knows them (its notice and supplement dates, and the special
//! procedures its decision clock does not count, `case::clock::capped_pauses`): the project
//! reads them from there instead of keeping its own.
//!
//! The items of a stage run in parallel, so a stage's day is the applicant's only when every
//! case of the stage open that day stands on the applicant's time; a day on which any of them
//! is with the bureau counts, and so does a day on which none is open. The whole's clock reads
//! all the project's cases the same way. Pure: the cases, the calendar and `today` are
//! parameters.

use serde::Serialize;
use time::Date;

use super::{Project, Stage, StageState};
use crate::calendar::{Calendar, CalendarError, Pause, TimeLimit};
use crate::case::clock::capped_pauses;
use crate::case::{Case, CaseError};

/// Why the project's clock stopped, as the explanation names it.
pub const APPLICANT_TIME_ZH: &str = "申请人补正、特别程序等时间";

/// One linked case as the project's clocks read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseTime {
    pub case_number: String,
    pub received_on: Date,
    /// The day it was decided or closed (`None` while open).
    pub ended_on: Option<Date>,
    /// The spans (inclusive) on which it stood on the applicant's time.
    pub applicant: Vec<Pause>,
}

impl CaseTime {
    /// The applicant's time of `case` as of `today`: the 补正 from the day after the one-time
    /// notice to the day before the supplement came (or to the day the case ended, or `today`,
    /// while it is awaited), and the special procedures its decision clock does not count.
    ///
    /// # Errors
    /// [`CaseError::Calendar`] when a procedure's cap reaches into a year not loaded.
    pub fn of(case: &Case, calendar: &Calendar, today: Date) -> Result<CaseTime, CaseError> {
        let ended_on = case
            .decision()
            .map(crate::case::DecisionRecord::on)
            .or(case.closed_on());
        let through = ended_on.unwrap_or(today);
        let mut applicant = Vec::new();
        if let Some(notice) = case.notice_issued_on()
            && let Some(from) = notice.next_day()
        {
            // The day the supplement comes in is the bureau's again (its period counts on).
            let to = match case.supplement_received_on() {
                Some(on) => on.previous_day().unwrap_or(on),
                None => through,
            };
            if to >= from {
                applicant.push(Pause {
                    from,
                    to,
                    reason: "补正".to_owned(),
                });
            }
        }
        applicant.extend(capped_pauses(case, calendar, through)?);
        Ok(CaseTime {
            case_number: case.received().case_number.to_string(),
            received_on: case.received().received_on(),
            ended_on,
            applicant,
        })
    }

    fn open_on(&self, d: Date) -> bool {
        self.received_on <= d && self.ended_on.is_none_or(|e| d <= e)
    }

    fn applicant_on(&self, d: Date) -> bool {
        self.applicant.iter().any(|p| p.contains(d))
    }
}

/// The days of `from..=to` on which every one of `cases` open that day stood on the
/// applicant's time, as pauses.
#[must_use]
pub fn applicant_pauses(cases: &[&CaseTime], from: Date, to: Date) -> Vec<Pause> {
    let mut out: Vec<Pause> = Vec::new();
    let mut d = from;
    while d <= to {
        let mut open = cases.iter().filter(|c| c.open_on(d)).peekable();
        let applicant = open.peek().is_some() && open.all(|c| c.applicant_on(d));
        if applicant {
            match out.last_mut() {
                Some(p) if p.to.next_day() == Some(d) => p.to = d,
                _ => out.push(Pause {
                    from: d,
                    to: d,
                    reason: APPLICANT_TIME_ZH.to_owned(),
                }),
            }
        }
        let Some(next) = d.next_day() else { break };
        d = next;
    }
    out
}

/// A clock (a stage's or the whole's) gross and net of the applicant's time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NetClock {
    /// Working days from the opening to the completion (or `today`).
    pub gross_working_days: u32,
    /// Those on which the applicant held every open case.
    pub applicant_working_days: u32,
    /// The gross less the applicant's.
    pub net_working_days: u32,
    /// The due date with the applicant's days not counted.
    #[serde(with = "crate::calendar::iso_date")]
    pub net_due: Date,
    /// The applicant's spans.
    pub pauses: Vec<Pause>,
}

impl NetClock {
    /// A clock opened on `opened` with a limit of `limit` working days, ended on `ended` (or
    /// running on `today`), over `cases`.
    ///
    /// # Errors
    /// [`CalendarError`] when a year the count reaches is not loaded.
    pub fn count(
        calendar: &Calendar,
        opened: Date,
        limit: u32,
        ended: Option<Date>,
        cases: &[&CaseTime],
        today: Date,
    ) -> Result<NetClock, CalendarError> {
        let to = ended.unwrap_or(today).max(opened);
        let pauses = applicant_pauses(cases, opened, to);
        let gross = calendar.working_days_between(opened, to, &[])?;
        let net = calendar.working_days_between(opened, to, &pauses)?;
        let net_due = calendar
            .deadline(opened, TimeLimit::working_days(limit), &pauses)?
            .due;
        Ok(NetClock {
            gross_working_days: gross,
            applicant_working_days: gross.saturating_sub(net),
            net_working_days: net,
            net_due,
            pauses,
        })
    }

    /// Still open past the net due date on `today`.
    #[must_use]
    pub fn overdue(&self, ended: Option<Date>, today: Date) -> bool {
        ended.is_none() && today > self.net_due
    }
}

impl Project {
    fn times_of<'a>(&self, stage: Option<Stage>, cases: &'a [CaseTime]) -> Vec<&'a CaseTime> {
        cases
            .iter()
            .filter(|t| {
                self.cases
                    .iter()
                    .any(|l| l.case_number == t.case_number && stage.is_none_or(|s| s == l.stage))
            })
            .collect()
    }

    /// `stage`'s clock net of the applicant's time over the linked `cases` (`None` before it
    /// opens).
    ///
    /// # Errors
    /// [`CalendarError`] when a year the count reaches is not loaded.
    pub fn stage_clock(
        &self,
        stage: &StageState,
        calendar: &Calendar,
        cases: &[CaseTime],
        today: Date,
    ) -> Result<Option<NetClock>, CalendarError> {
        let Some(opened) = stage.opened_on else {
            return Ok(None);
        };
        NetClock::count(
            calendar,
            opened,
            stage.working_days,
            stage.completed_on,
            &self.times_of(Some(stage.stage), cases),
            today,
        )
        .map(Some)
    }

    /// The whole's clock net of the applicant's time over all the linked `cases` (`None`
    /// before the first stage opens).
    ///
    /// # Errors
    /// [`CalendarError`] when a year the count reaches is not loaded.
    pub fn whole_clock(
        &self,
        calendar: &Calendar,
        cases: &[CaseTime],
        today: Date,
    ) -> Result<Option<NetClock>, CalendarError> {
        let Some(opened) = self.opened_on else {
            return Ok(None);
        };
        NetClock::count(
            calendar,
            opened,
            self.registered.whole_working_days,
            self.finished_on(),
            &self.times_of(None, cases),
            today,
        )
        .map(Some)
    }

    /// The day 竣工验收 completed.
    #[must_use]
    pub fn finished_on(&self) -> Option<Date> {
        self.stage(Stage::CompletionAcceptance).completed_on
    }
}
