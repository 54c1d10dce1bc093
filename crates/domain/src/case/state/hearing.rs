//! The fold of the hearing acts (Art. 36, 46–48) into the case: beside the case's private
//! fields, so that `state.rs` keeps only the hook lines.
//!
//! A request (Art. 47) or an announcement (Art. 46) opens a special procedure of kind
//! `hearing` and the closed record ends it: the clocks, the excluded-time caps and the public
//! progress read the hearing's pause like any other Art. 45 pause, with no second mechanism.

use time::Date;

use crate::catalog::SpecialProcedureKind;

use super::super::hearing::{self, Hearing, HearingAct, HearingEvent, Postponed, Scheduled};
use super::{Case, CaseError, CaseStatus, CommandKind, ProcedureRecord};

impl Case {
    /// The interested parties and the hearing, as recorded.
    #[must_use]
    pub fn hearing(&self) -> &Hearing {
        &self.hearing
    }

    pub(super) fn check_hearing(&self, event: &HearingEvent) -> Result<(), CaseError> {
        self.require_review(CommandKind::Hearing)?;
        if matches!(
            event.act,
            HearingAct::Request { .. } | HearingAct::Announce { .. }
        ) && let Some(open) = self.open_procedure()
        {
            return Err(CaseError::ProcedureOpen {
                kind: open.kind,
                since: open.from,
            });
        }
        let reviewers: Vec<_> = self.steps.iter().map(|s| &s.reviewer).collect();
        hearing::check_act(&self.hearing, &event.act, event.on, &reviewers)
    }

    pub(super) fn record_hearing(
        &mut self,
        event: &HearingEvent,
        on: Date,
    ) -> (Option<CaseStatus>, String) {
        let label = hearing::label_zh(&event.act);
        let h = &mut self.hearing;
        let status = match &event.act {
            HearingAct::FindMajorInterests => {
                h.major_interests_on = Some(on);
                None
            }
            HearingAct::NotifyParties { .. } => {
                h.parties_notified_on = Some(on);
                None
            }
            HearingAct::RecordStatement { .. } => {
                h.statements += 1;
                None
            }
            HearingAct::NotifyRight { .. } => {
                h.right_notified_on = Some(on);
                None
            }
            HearingAct::Request {
                requester,
                notice_reference,
            } => {
                h.requested = Some((on, *requester));
                self.open_hearing_pause(notice_reference, on)
            }
            HearingAct::Announce {
                notice_reference, ..
            } => {
                h.announced_on = Some(on);
                self.open_hearing_pause(notice_reference, on)
            }
            HearingAct::Schedule {
                presiding,
                held_on,
                open_to_public,
                ..
            } => {
                h.scheduled = Some(Scheduled {
                    on,
                    held_on: *held_on,
                    presiding: presiding.clone(),
                    open_to_public: *open_to_public,
                });
                None
            }
            HearingAct::Reschedule { held_on, .. } => {
                // `check_act` made sure a hearing is scheduled; the presiding officer stays.
                if let Some(s) = h.scheduled.as_mut() {
                    h.postponed.push(Postponed {
                        on,
                        from: s.held_on,
                    });
                    s.on = on;
                    s.held_on = *held_on;
                }
                None
            }
            HearingAct::CloseRecord { .. } => {
                h.record_closed_on = Some(on);
                // The pause is the hearing's unless it was ended by hand in a history recorded
                // before that was refused; then there is nothing left to end.
                match self.procedures.last_mut() {
                    Some(p) if p.to.is_none() && p.kind == SpecialProcedureKind::Hearing => {
                        p.to = Some(on);
                        Some(CaseStatus::SpecialProcedureEnded)
                    }
                    _ => None,
                }
            }
        };
        (status, label)
    }

    fn open_hearing_pause(&mut self, notice_reference: &str, on: Date) -> Option<CaseStatus> {
        self.procedures.push(ProcedureRecord {
            kind: SpecialProcedureKind::Hearing,
            notice_reference: notice_reference.to_owned(),
            from: on,
            to: None,
        });
        Some(CaseStatus::SpecialProcedureStarted)
    }
}
