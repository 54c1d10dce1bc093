//! The hearing's rules that need the working-day calendar or the actor, checked only when a
//! command is handled (a replay must not depend on which calendar years are loaded), and what
//! the desk offers of the hearing.
//!
//! - Art. 47: a request within 5 working days of the notice of the right; the hearing held
//!   within 20 working days of the request; no decision while the window is open.
//! - Art. 36, 47: no decision before the parties and the right to a hearing were told, once
//!   the review found that others' major interests are concerned.
//! - Art. 48(1)(3): the presiding officer does not review the case afterwards either.
//! - Art. 48(2): no decision before the record is closed; the hearing's pause ends with it.
//! - Art. 46: no decision (on the spot neither) on an item whose own law requires a hearing
//!   until one was held (`LegalSettings::hearing_required`, pinned on the case at receipt).
//! - Art. 47, 48(1)(1): a postponed hearing is noticed again 7 days ahead and a requested one is
//!   still held within 20 working days of the request: the law gives the bureau no longer, so a
//!   postponement past that day is refused, whoever asks for it.

use time::{Date, Duration};

use crate::calendar::{Calendar, TimeLimit};
use crate::catalog::SpecialProcedureKind;
use crate::org::StaffId;

use super::command::{CaseContext, Command};
use super::error::CaseError;
use super::event::CaseEvent;
use super::hearing::{
    ClosedGround, HearingAct, HearingActKind, HearingError, HearingEvent, HearingGround,
    NOTICE_LEAD_DAYS, ORGANISE_DAYS, REQUEST_DAYS, Requester,
};
use super::state::Case;

/// What the desk may offer of the hearing now, with the bounds of its choices.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HearingOffer {
    /// Acts the case accepts now.
    pub acts: Vec<HearingActKind>,
    /// Staff who may not preside (the case's reviewers).
    pub not_presiding: Vec<StaffId>,
    /// The earliest hearing day a notice given today allows (7 days ahead).
    #[serde(with = "crate::calendar::iso_date::option")]
    pub held_from: Option<Date>,
    /// The latest hearing day, for a requested hearing (20 working days after the request).
    #[serde(with = "crate::calendar::iso_date::option")]
    pub held_to: Option<Date>,
}

impl HearingOffer {
    /// Whether `act` is one of the offered choices (free text is judged by the lifecycle).
    #[must_use]
    pub fn admits(&self, act: &HearingAct) -> bool {
        if !self.acts.contains(&act.kind()) {
            return false;
        }
        match act {
            HearingAct::Schedule {
                presiding,
                held_on,
                open_to_public,
                closed_ground,
                ..
            } => {
                !self.not_presiding.contains(presiding)
                    && self.held_from.is_some_and(|f| *held_on >= f)
                    && self.held_to.is_none_or(|t| *held_on <= t)
                    && *open_to_public != closed_ground.is_some()
            }
            HearingAct::Reschedule { held_on, .. } => {
                self.held_from.is_some_and(|f| *held_on >= f)
                    && self.held_to.is_none_or(|t| *held_on <= t)
            }
            HearingAct::CloseRecord { signed, .. } => *signed,
            _ => true,
        }
    }
}

impl Case {
    /// The event of a hearing act, after the rules that need the calendar.
    pub(super) fn hearing_event(
        &self,
        act: HearingAct,
        calendar: &Calendar,
        by: StaffId,
        today: Date,
    ) -> Result<CaseEvent, CaseError> {
        let h = self.hearing();
        match &act {
            HearingAct::Request { .. } => {
                if let Some(notified) = h.right_notified_on {
                    let due = request_due(calendar, notified)?;
                    if today > due {
                        return Err(HearingError::RequestTooLate(due).into());
                    }
                }
            }
            HearingAct::Schedule { held_on, .. } | HearingAct::Reschedule { held_on, .. } => {
                if let Some(due) = self.organise_due(calendar)?
                    && *held_on > due
                {
                    return Err(HearingError::OrganisedTooLate { due }.into());
                }
            }
            _ => {}
        }
        Ok(CaseEvent::Hearing(Box::new(HearingEvent {
            by,
            on: today,
            act,
        })))
    }

    /// The last day a requested hearing may be held (Art. 47); `None` for one the bureau
    /// announced (Art. 46), which the law does not bound so.
    fn organise_due(&self, calendar: &Calendar) -> Result<Option<Date>, CaseError> {
        match self.hearing().requested {
            Some((on, _)) => Ok(Some(
                calendar
                    .deadline(on, TimeLimit::working_days(ORGANISE_DAYS), &[])?
                    .due,
            )),
            None => Ok(None),
        }
    }

    /// The provision under which the item's law requires a hearing (Art. 46), as pinned on
    /// receipt; `None` for items that require none and for cases received before the setting.
    #[must_use]
    pub fn hearing_required(&self) -> Option<&str> {
        self.received()
            .item
            .legal
            .as_ref()
            .and_then(|l| l.hearing_required.as_deref())
    }

    /// Art. 46: a decision on an item whose law requires a hearing waits until one was held
    /// (requested or announced; its record is then awaited below).
    pub(super) fn refuse_decision_without_required_hearing(&self) -> Result<(), CaseError> {
        match self.hearing_required() {
            Some(source) if self.hearing().started_on().is_none() => {
                Err(HearingError::RequiredByLaw(source.to_owned()).into())
            }
            _ => Ok(()),
        }
    }

    /// Art. 36, 46, 47, 48(2): what the decision waits for.
    pub(super) fn refuse_decision_for_hearing(
        &self,
        calendar: &Calendar,
        today: Date,
    ) -> Result<(), CaseError> {
        self.refuse_decision_without_required_hearing()?;
        let h = self.hearing();
        if h.major_interests_on.is_some() {
            if h.parties_notified_on.is_none() {
                return Err(HearingError::DecisionWithoutPartiesNotice.into());
            }
            if h.right_notified_on.is_none() {
                return Err(HearingError::DecisionWithoutRightNotice.into());
            }
        }
        if h.pending() {
            return Err(HearingError::DecisionBeforeRecord.into());
        }
        if let (Some(notified), None) = (h.right_notified_on, h.started_on()) {
            let due = request_due(calendar, notified)?;
            if today <= due {
                return Err(HearingError::RequestWindowOpen(due).into());
            }
        }
        Ok(())
    }

    /// Art. 48(1)(3): whoever presides does not review the case.
    pub(super) fn refuse_presiding_reviewer(&self, by: &StaffId) -> Result<(), CaseError> {
        match &self.hearing().scheduled {
            Some(s) if s.presiding == *by => Err(HearingError::PresidingReviews(by.clone()).into()),
            _ => Ok(()),
        }
    }

    /// The hearing's pause ends with its record (Art. 45, 48), not by hand.
    pub(super) fn refuse_ending_hearing_pause(&self) -> Result<(), CaseError> {
        match self.open_procedure() {
            Some(p) if p.kind == SpecialProcedureKind::Hearing && self.hearing().pending() => {
                Err(HearingError::PauseEndsWithRecord.into())
            }
            _ => Ok(()),
        }
    }

    /// The hearing acts the case takes now, one sample of each choice handed to `handle`.
    pub(super) fn offer_hearing(&self, ctx: &CaseContext<'_>) -> Option<HearingOffer> {
        let works = |act: HearingAct| self.handle(Command::Hearing(act), ctx).is_ok();
        let today = ctx.today();
        let not_presiding: Vec<StaffId> = {
            let mut v: Vec<StaffId> = Vec::new();
            for s in self.steps() {
                if !v.contains(&s.reviewer) {
                    v.push(s.reviewer.clone());
                }
            }
            v
        };
        // A postponement moves the day later than the one noticed, and at least 7 days ahead.
        let held_from = match &self.hearing().scheduled {
            Some(s) if self.hearing().pending() => {
                (today + Duration::days(NOTICE_LEAD_DAYS)).max(s.held_on + Duration::days(1))
            }
            _ => today + Duration::days(NOTICE_LEAD_DAYS),
        };
        let held_to = self.organise_due(ctx.calendar).ok().flatten();
        let presiding = ["PRESIDE-A", "PRESIDE-B"]
            .into_iter()
            .filter_map(|s| StaffId::parse(s).ok())
            .find(|s| !not_presiding.contains(s))?;
        let text = || "告知书".to_owned();
        let acts: Vec<HearingActKind> = HearingActKind::ALL
            .into_iter()
            .filter(|kind| {
                works(match kind {
                    HearingActKind::FindMajorInterests => HearingAct::FindMajorInterests,
                    HearingActKind::NotifyParties => HearingAct::NotifyParties {
                        parties: vec!["利害关系人".into()],
                        notice_reference: text(),
                    },
                    HearingActKind::RecordStatement => HearingAct::RecordStatement {
                        party: "利害关系人".into(),
                        statement: "陈述".into(),
                    },
                    HearingActKind::NotifyRight => HearingAct::NotifyRight {
                        notice_reference: text(),
                    },
                    HearingActKind::Request => HearingAct::Request {
                        requester: Requester::Applicant,
                        notice_reference: text(),
                    },
                    HearingActKind::Announce => HearingAct::Announce {
                        ground: HearingGround::PublicInterest,
                        notice_reference: text(),
                    },
                    HearingActKind::Schedule => HearingAct::Schedule {
                        presiding: presiding.clone(),
                        held_on: held_from,
                        place: "本局三楼听证室".into(),
                        open_to_public: true,
                        closed_ground: None::<ClosedGround>,
                        notice_reference: text(),
                    },
                    HearingActKind::Reschedule => HearingAct::Reschedule {
                        held_on: held_from,
                        place: "本局三楼听证室".into(),
                        reason: "延期".into(),
                        notice_reference: text(),
                    },
                    HearingActKind::CloseRecord => HearingAct::CloseRecord {
                        record_reference: "笔录".into(),
                        signed: true,
                    },
                })
            })
            .collect();
        if acts.is_empty() {
            return None;
        }
        let schedulable =
            acts.contains(&HearingActKind::Schedule) || acts.contains(&HearingActKind::Reschedule);
        Some(HearingOffer {
            acts,
            not_presiding,
            held_from: schedulable.then_some(held_from),
            held_to: if schedulable { held_to } else { None },
        })
    }
}

/// The last day of the 5 working days for a request (Art. 47).
fn request_due(calendar: &Calendar, notified: Date) -> Result<Date, CaseError> {
    Ok(calendar
        .deadline(notified, TimeLimit::working_days(REQUEST_DAYS), &[])?
        .due)
}
