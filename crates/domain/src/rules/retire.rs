//! What the engine forgets (issue #17: a city's year is a million cases): a case, a push or a
//! consultation no rule can fire on any more leaves the engine's state, so the engine's memory
//! (and its snapshot, and the day timers' rounds) grows with the open work, not with the history.
//! The alerts are exactly those of an engine that keeps everything
//! ([`Engine::keeping_history`]); `tests/api/compaction.rs` folds generated histories both ways.
//!
//! # A case
//!
//! A case is retired by the entry that closes it (delivery, withdrawal, refusal to accept),
//! once the fold and the rules have read that entry, when its whole history folds
//! ([`Case::apply`]) to a closed case, it holds a decision, a withdrawal or a refusal to accept,
//! and it never entered a special procedure. What is kept, [`RetiredCase`], is what a rule can
//! still read of it; every reader of `Engine::cases` was checked:
//!
//! - **The day timers** (`builtin::case_timers` and the deferral, hearing, extension-notice and
//!   delivery-deadline timers it calls) skip a case holding a delivery, withdrawal or refusal to
//!   accept before reading anything; `renewal` fires only on a case that folds and is not closed.
//!   A retired case holds one of those and folds closed: no timer could fire on it.
//! - **The step rules** (`builtin::case_step`, `hearing::on_step`, the local expression rules)
//!   read a case's earlier events when a new event of that case arrives. [`Case::apply`] refuses
//!   every event after the one that closed a case (`Case::check`, `CaseError::Closed`), and the
//!   writer folds a case before it appends a step, so a log the server writes holds no step of a
//!   closed case. An entry that claims one anyway is ignored (an engine keeping history would
//!   have judged it against a history that cannot be).
//! - **A sealed decision** (`seal_mismatch`) reads the case's first index and who decided it:
//!   both kept. (The writer seals documents only as a step of an open case, but the rule is
//!   answered the same either way.)
//! - **A published item** counts the item's open cases: a retired case is closed, so never one.
//! - **An overdue consultation** is silent once its case is settled (decided, withdrawn, refused
//!   acceptance): a retired case is settled, and stays settled.
//! - **A construction project** reads each linked case's applicant time ([`CaseTime`]), and a
//!   closed case may be linked later. Its time is kept as computed on retirement: a closed case's
//!   time ends on its decision or closing day, so it no longer depends on today; it depends on
//!   the calendar only through a special procedure's cap, which is why a case that entered a
//!   special procedure is not retired (it keeps its events, as before).
//!
//! # A push, a consultation
//!
//! Each raises one alert at most (`unclaimed_push`, `consultation_overdue`, once per subject)
//! and only while unanswered. Once its history does not fold (its first event is not its
//! creation, or it was created twice: no later event changes that), or it is claimed or answered
//! (nothing undoes either), or its alert was raised (the subject is in `raised` for good), or for
//! a consultation its case is settled, no rule can fire on it: the day's timers drop it after
//! they ran. A later event of it starts a history whose first event is not its creation, which
//! never folds, and goes at the next day's round. The writer creates each push and consultation
//! once, under a fresh id, before any other event of it.
//!
//! Not retired (yet): licences (the start-of-work rules, and the commitment rules read a
//! licence's status, which later events may change), commitments, coordination matters and
//! projects, the alerts and the ids raised. They grow with the history, far slower than cases.

use time::Date;

use super::engine::{CaseTrack, Engine, RetiredCase};
use super::model::{RuleId, alert_id};
use crate::case::{Case, CaseEvent};
use crate::consultation::Consultation;
use crate::linkage::Push;
use crate::org::StaffId;
use crate::project::CaseTime;

fn closes(e: &CaseEvent) -> bool {
    matches!(
        e,
        CaseEvent::Delivered { .. } | CaseEvent::Withdrawn { .. } | CaseEvent::NotAccepted { .. }
    )
}

fn settles(e: &CaseEvent) -> bool {
    matches!(
        e,
        CaseEvent::Decided { .. } | CaseEvent::Withdrawn { .. } | CaseEvent::NotAccepted { .. }
    )
}

/// What a case leaves when it may be retired now (see the module doc), else `None`.
fn retirement(engine: &Engine, number: &str, t: &CaseTrack, today: Date) -> Option<RetiredCase> {
    if !t.events.iter().any(closes) || !t.events.iter().any(settles) {
        return None;
    }
    let case = Case::apply(&t.events).ok()?;
    if !case.is_closed() || !case.procedures().is_empty() {
        return None;
    }
    let time = CaseTime::of(&case, &engine.calendar, today).ok()?;
    if time.case_number != number {
        return None;
    }
    let approver = t.events.iter().find_map(|e| match e {
        CaseEvent::Decided { approver, .. } => Some(approver.clone()),
        _ => None,
    });
    Some(RetiredCase {
        first_index: t.first_index,
        approver,
        received_on: time.received_on,
        ended_on: time.ended_on,
        applicant: time.applicant,
    })
}

impl Engine {
    /// After an entry was read and judged: retires the case it closed, if it may go.
    pub(super) fn retire_after(&mut self, number: &str, event: &CaseEvent, today: Date) {
        if !self.compact || !closes(event) {
            return;
        }
        let Some(r) = self
            .cases
            .get(number)
            .and_then(|t| retirement(self, number, t, today))
        else {
            return;
        };
        self.cases.remove(number);
        self.retired.insert(number.to_owned(), r);
    }

    /// After the day's timers: drops the pushes and consultations no rule can fire on.
    pub(super) fn retire_daily(&mut self) {
        if !self.compact {
            return;
        }
        let raised = &self.raised;
        self.pushes.retain(|id, (_, events)| {
            Push::apply(events).is_ok_and(|p| {
                p.claimed.is_none()
                    && !raised.contains(&alert_id(RuleId::UnclaimedPush, &format!("push:{id}")))
            })
        });
        let dead: Vec<String> = self
            .consultations
            .iter()
            .filter(|(id, (_, events))| match Consultation::apply(events) {
                Err(_) => true,
                Ok(c) => {
                    c.answer.is_some()
                        || super::consultation::settled(self, &c.asked.case_number)
                        || self.raised.contains(&alert_id(
                            RuleId::ConsultationOverdue,
                            &format!("consultation:{id}"),
                        ))
                }
            })
            .map(|(id, _)| id.clone())
            .collect();
        for id in dead {
            self.consultations.remove(&id);
        }
    }

    /// The first index of a case and who decided it, kept or retired (`(0, None)` unknown).
    pub(super) fn case_decider(&self, number: &str) -> (u64, Option<StaffId>) {
        if let Some(t) = self.cases.get(number) {
            let approver = t.events.iter().find_map(|e| match e {
                CaseEvent::Decided { approver, .. } => Some(approver.clone()),
                _ => None,
            });
            return (t.first_index, approver);
        }
        self.retired
            .get(number)
            .map_or((0, None), |r| (r.first_index, r.approver.clone()))
    }

    /// The number of cases tracked in full and retired (for the measurements and the tests).
    pub fn tracked(&self) -> (usize, usize) {
        (self.cases.len(), self.retired.len())
    }
}
