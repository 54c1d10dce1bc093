//! The decision deadline of an open case as a few dates that hold for every later day (issue #17):
//! what the store keeps per open case so that the dashboard and the queue's due bands need not
//! fold every open case for each request.
//!
//! A case's clock (`clock.rs`) is a function of its events, the calendar and today. Between two
//! steps of an undecided case that is not in a special procedure, today enters it only through
//! the remaining working days (today against a fixed statutory due date), the red card (today
//! past that date), the yellow card (working days used since the clock started, which grow with
//! today: a first day on which it shows) and, before acceptance, whether the notice window has
//! run out (a fixed last day, after which acceptance is deemed). [`Case::projected_due`] computes
//! those dates once, at the case's last step; [`ProjectedDue::read`] gives, for any later day,
//! exactly what `Case::clock` would. A case whose clock moves in another way (a special
//! procedure open: its pause runs through today; a pause after the statutory due date, which
//! the overdue count leaves out) is marked [`DueKind::Folded`]: its reader folds it.

use time::Date;

use crate::calendar::Calendar;

use super::clock::{Card, YELLOW_CARD_PERCENT};
use super::state::Case;
use super::status::CaseStatus;

/// How an open case's decision clock can be read from the stored dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueKind {
    /// From `due_on` and `yellow_on` (after `notice_due`, when set).
    Counted,
    /// No decision clock until its next step (a one-time notice issued, or a calendar that
    /// cannot count it).
    None,
    /// The clock moves with today in another way: fold the case.
    Folded,
}

impl DueKind {
    /// The stored code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            DueKind::Counted => "counted",
            DueKind::None => "none",
            DueKind::Folded => "folded",
        }
    }

    #[must_use]
    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "counted" => Some(DueKind::Counted),
            "none" => Some(DueKind::None),
            "folded" => Some(DueKind::Folded),
            _ => None,
        }
    }
}

/// The decision deadline of an undecided open case, valid from its last step on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectedDue {
    pub kind: DueKind,
    pub status: CaseStatus,
    /// The statutory due date, extensions included; `None` without a decision clock or while a
    /// special procedure is open.
    pub due_on: Option<Date>,
    /// The first day the yellow card shows (`Counted`).
    pub yellow_on: Option<Date>,
    /// Before acceptance: the last day of the one-time notice window; the clock (deemed
    /// acceptance, Art. 32(4)) runs from the day after.
    pub notice_due: Option<Date>,
    /// Some date of the clock rests on a year whose State Council notice is not loaded (暂定).
    pub provisional: bool,
}

/// What the dashboard reads of a clock on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueReading {
    /// Working days left to the statutory due date (negative when past); `None` without a
    /// decision clock.
    pub remaining: Option<i64>,
    pub card: Card,
}

impl Case {
    /// The decision deadline as stored dates, computed with `calendar` at the case's last step;
    /// `None` for a decided or closed case.
    #[must_use]
    pub fn projected_due(&self, calendar: &Calendar) -> Option<ProjectedDue> {
        if self.is_closed() || self.decision().is_some() {
            return None;
        }
        let on = self.last_date();
        let mut out = ProjectedDue {
            kind: DueKind::None,
            status: self.status(),
            due_on: None,
            yellow_on: None,
            notice_due: None,
            provisional: false,
        };
        let Ok(now) = self.clock(calendar, on) else {
            return Some(out);
        };
        out.provisional = now.provisional;
        let from = match (&now.notice, &now.decision) {
            // Accepted (or deemed already): read from the last step.
            (_, Some(_)) => on,
            // A notice was issued: no clock until the supplement is accepted.
            (Some(n), None) if n.issued_on.is_some() => return Some(out),
            (Some(n), None) => match n.due.due.next_day() {
                Some(d) => {
                    out.notice_due = Some(n.due.due);
                    d
                }
                None => return Some(out),
            },
            (None, None) => return Some(out),
        };
        let clock = if from == on {
            now
        } else {
            match self.clock(calendar, from) {
                Ok(c) => c,
                Err(_) => {
                    out.notice_due = None;
                    return Some(out);
                }
            }
        };
        let Some(d) = clock.decision else {
            out.notice_due = None;
            return Some(out);
        };
        out.provisional |= clock.provisional;
        if d.paused {
            // The clock stands while the procedure is open: no due date holds from one day to
            // the next.
            out.kind = DueKind::Folded;
            out.notice_due = None;
            return Some(out);
        }
        out.due_on = Some(d.statutory.due);
        if d.pauses.iter().any(|p| p.to > d.statutory.due) {
            // The due date holds, but the overdue days leave out the paused ones after it.
            out.kind = DueKind::Folded;
            return Some(out);
        }
        // The yellow card: working days used ≥ 90 % of the promise's. No pause lies after
        // `from`, so each later working day adds one.
        let needed =
            (u64::from(d.promised_working_days) * u64::from(YELLOW_CARD_PERCENT)).div_ceil(100);
        let mut used = u64::from(d.elapsed);
        let mut day = from;
        // A promise is at most a few hundred working days; the bound only guards a calendar
        // that has no working day.
        let mut steps = 0;
        while used < needed && steps < 5_000 {
            let Some(next) = day.next_day() else { break };
            day = next;
            steps += 1;
            match calendar.is_working_day(day) {
                Ok(true) => used += 1,
                Ok(false) => {}
                Err(_) => break,
            }
        }
        if used < needed {
            out.kind = DueKind::Folded;
            return Some(out);
        }
        out.yellow_on = Some(day);
        out.kind = DueKind::Counted;
        Some(out)
    }
}

impl ProjectedDue {
    /// The remaining working days and the card on `today` (not before the case's last step),
    /// as `Case::clock` gives them; `None` for a [`DueKind::Folded`] case, which the caller
    /// folds.
    #[must_use]
    pub fn read(&self, calendar: &Calendar, today: Date) -> Option<DueReading> {
        let none = DueReading {
            remaining: None,
            card: Card::None,
        };
        match self.kind {
            DueKind::Folded => return None,
            DueKind::None => return Some(none),
            DueKind::Counted => {}
        }
        if self.notice_due.is_some_and(|n| today <= n) {
            return Some(none);
        }
        let (Some(due), Some(yellow)) = (self.due_on, self.yellow_on) else {
            return Some(none);
        };
        let Ok(remaining) = calendar.remaining(today, due, &[]) else {
            return Some(none);
        };
        let card = if today > due {
            Card::Red
        } else if today >= yellow {
            Card::Yellow
        } else {
            Card::None
        };
        Some(DueReading {
            remaining: Some(remaining),
            card,
        })
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::super::testkit::{APPROVER, Harness, item};
    use super::super::{Command, Decision};
    use super::*;

    /// Every day from the last step on, the stored dates give what the clock gives.
    fn reads_as_the_clock(case: &Case, calendar: &Calendar, days: i64) {
        let p = case.projected_due(calendar).unwrap();
        for n in 0..days {
            let today = case.last_date() + time::Duration::days(n);
            let clock = case.clock(calendar, today).unwrap();
            let expected = DueReading {
                remaining: clock.decision.as_ref().map(|d| d.remaining_statutory),
                card: clock.card,
            };
            assert_eq!(p.read(calendar, today), Some(expected), "{today}: {p:?}");
        }
    }

    #[test]
    fn an_accepted_case_reads_as_its_clock_on_every_later_day() {
        // Statutory 20, promised 10 working days: yellow after 9 used, red after the 20th.
        let h = Harness::accepted(date!(2026 - 09 - 14));
        let case = h.case();
        let p = case.projected_due(&h.cal).unwrap();
        assert_eq!(p.kind, DueKind::Counted);
        assert!(p.notice_due.is_none());
        reads_as_the_clock(&case, &h.cal, 60);
    }

    #[test]
    fn before_acceptance_the_clock_runs_from_the_day_after_the_notice_window() {
        let h = Harness::received(date!(2026 - 09 - 07), item(20, 10, &[]));
        let case = h.case();
        let p = case.projected_due(&h.cal).unwrap();
        // Art. 32(4): 5 working days after Mon 09-07 is Mon 09-14; deemed accepted after it.
        assert_eq!(p.notice_due, Some(date!(2026 - 09 - 14)));
        assert_eq!(p.kind, DueKind::Counted);
        reads_as_the_clock(&case, &h.cal, 60);
    }

    #[test]
    fn a_decided_case_has_no_projected_due_date() {
        let mut h = Harness::reviewed(date!(2026 - 09 - 14));
        assert!(h.case().projected_due(&h.cal).is_some());
        h.run(
            APPROVER,
            date!(2026 - 09 - 15),
            Command::Decide {
                decision: Decision::APPROVE,
            },
        );
        assert_eq!(h.case().projected_due(&h.cal), None);
    }
}
