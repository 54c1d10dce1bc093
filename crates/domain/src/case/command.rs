//! Commands: what staff ask of a case, decided into events.
//!
//! [`Case::receive`] opens a case; [`Case::handle`] decides every later command. Both check
//! the actor's role, read the date from the context (never from the clock), consult the
//! calendar where the law counts working days, and then validate the events they built by
//! folding them, so every event they return is one the fold accepts.

use time::{Date, OffsetDateTime};

use crate::calendar::{Calendar, Pause};
use crate::catalog::SpecialProcedureKind;
use crate::catalog::legal::excludes_time;
use crate::org::{Role, StaffId};

use super::clock;
use super::error::CaseError;
use super::event::{
    CaseEvent, Channel, Decision, DeliveryMethod, ItemSnapshot, NonAcceptance, NoticeItem,
    SCOPE_MAX, legal_date,
};
use super::ids::{CaseNumber, MaterialRef};
use super::person::Applicant;
use super::query_code::StoredQueryCode;
use super::state::Case;
use super::terms::{CommandKind, ExtensionAuthority, ReviewKind};

/// Who acts, when, and against which calendar.
#[derive(Debug, Clone)]
pub struct CaseContext<'a> {
    /// The member of staff acting.
    pub actor: StaffId,
    /// The actor's roles, as the organisation records them.
    pub roles: Vec<Role>,
    /// Now, from the caller's clock; its China Standard Time date is the legal date.
    pub now: OffsetDateTime,
    /// The working-day calendar.
    pub calendar: &'a Calendar,
}

impl CaseContext<'_> {
    /// Today's legal date.
    #[must_use]
    pub fn today(&self) -> Date {
        legal_date(self.now)
    }

    fn require(&self, role: Role) -> Result<(), CaseError> {
        if self.roles.contains(&role) {
            Ok(())
        } else {
            Err(CaseError::MissingRole(role))
        }
    }
}

/// Everything a clerk registers when an application arrives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intake {
    /// Number assigned by the store (the bureau's next daily serial).
    pub case_number: CaseNumber,
    /// The code the caller drew from a CSPRNG, as the case is to keep it.
    pub query_code: StoredQueryCode,
    /// Window or online.
    pub channel: Channel,
    /// The item applied for.
    pub item: ItemSnapshot,
    /// Who applies.
    pub applicant: Applicant,
    /// Documents received.
    pub materials: Vec<MaterialRef>,
    /// 住所 / 经营场所 as given (issue #18 item 4); personal data for a natural person.
    pub address: Option<super::address::Address>,
}

/// A request to change a case. Its serde form (`{"action": "...", …}`) is the JSON API's body.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    /// 一次性告知补正 (clerk).
    #[serde(rename = "one_time_notice")]
    IssueOneTimeNotice {
        /// Every missing or incorrect material.
        items: Vec<NoticeItem>,
    },
    /// 收到补正材料 (clerk).
    #[serde(rename = "supplement")]
    ReceiveSupplement {
        /// Documents received.
        materials: Vec<MaterialRef>,
    },
    /// 受理 (clerk); becomes a deemed acceptance when the notice window was missed.
    Accept,
    /// 不受理 / 不予受理 (clerk).
    RefuseAcceptance {
        /// Ground, reasons and remedies.
        outcome: NonAcceptance,
    },
    /// A review step by the acting reviewer.
    #[serde(rename = "review")]
    RecordReviewStep {
        /// Which step.
        step: ReviewKind,
        /// Opinion.
        opinion: String,
        /// Whether it examined the substance.
        substantive: bool,
    },
    /// Hand the case to another reviewer.
    Transfer {
        /// New reviewer.
        to: StaffId,
        /// Why.
        reason: String,
    },
    /// Send the case back to an earlier step.
    Return {
        /// Step to redo.
        to_step: ReviewKind,
        /// Why.
        reason: String,
    },
    /// Start a special procedure (Art. 45).
    StartSpecialProcedure {
        /// Which procedure.
        procedure: SpecialProcedureKind,
        /// Written notice to the applicant.
        notice_reference: String,
    },
    /// End the open special procedure.
    EndSpecialProcedure,
    /// Approve an extension (Art. 42); the actor is the bureau head.
    #[serde(rename = "extend")]
    ApproveExtension {
        /// Bureau head, or the government head for joint handling.
        authority: ExtensionAuthority,
        /// Working days to add.
        working_days: u32,
        /// Reason told to the applicant.
        reason: String,
        /// Date the applicant was told; absent when the notice follows the approval
        /// (`notify_extension`).
        #[serde(default, with = "crate::calendar::iso_date::option")]
        applicant_notified_on: Option<Date>,
    },
    /// Record that the applicant was told today of the extensions approved without a notice
    /// (Art. 42; reviewer).
    NotifyExtension,
    /// One act of the hearing procedure (Art. 36, 46–48; reviewer): `{"action": "hearing",
    /// "act": …}`.
    Hearing(super::hearing::HearingAct),
    /// Decide (approving official).
    Decide {
        /// The decision.
        decision: Decision,
    },
    /// Deliver the decision (clerk).
    Deliver {
        /// How.
        method: DeliveryMethod,
    },
    /// Record the applicant's withdrawal (clerk).
    Withdraw,
    /// 当场作出决定 (approving official, Art. 34(2)): accept and grant now (`case::on_spot`).
    DecideOnSpot,
    /// 容缺受理 (clerk, issue #19 item 6): `{"action": "deferral", "act": "accept" |
    /// "receive", …}` (`case::deferral`).
    Deferral(super::deferral::DeferralAct),
}

impl Command {
    /// What the command does, without its details.
    #[must_use]
    pub const fn kind(&self) -> CommandKind {
        match self {
            Self::IssueOneTimeNotice { .. } => CommandKind::OneTimeNotice,
            Self::ReceiveSupplement { .. } => CommandKind::Supplement,
            Self::Accept => CommandKind::Accept,
            Self::RefuseAcceptance { .. } => CommandKind::RefuseAcceptance,
            Self::RecordReviewStep { .. } => CommandKind::Review,
            Self::Transfer { .. } => CommandKind::Transfer,
            Self::Return { .. } => CommandKind::Return,
            Self::StartSpecialProcedure { .. } => CommandKind::StartSpecialProcedure,
            Self::EndSpecialProcedure => CommandKind::EndSpecialProcedure,
            Self::ApproveExtension { .. } => CommandKind::Extend,
            Self::NotifyExtension => CommandKind::NotifyExtension,
            Self::Hearing(_) => CommandKind::Hearing,
            Self::Decide { .. } => CommandKind::Decide,
            Self::Deliver { .. } => CommandKind::Deliver,
            Self::Withdraw => CommandKind::Withdraw,
            Self::DecideOnSpot => CommandKind::DecideOnSpot,
            Self::Deferral(_) => CommandKind::Deferral,
        }
    }

    /// The role the actor needs (DESIGN.md §1; the same split as `access::Action`).
    #[must_use]
    pub const fn required_role(&self) -> Role {
        self.kind().required_role()
    }
}

/// A grant's 许可范围 as recorded: trimmed, a blank one left to the item's default, at most
/// [`SCOPE_MAX`] characters.
fn checked_scope(decision: Decision) -> Result<Decision, CaseError> {
    let text = match decision {
        Decision::Approve { scope: Some(text) } => text,
        other => return Ok(other),
    };
    let t = text.trim();
    let actual = t.chars().count();
    if actual > SCOPE_MAX {
        return Err(CaseError::ScopeTooLong {
            max: SCOPE_MAX,
            actual,
        });
    }
    Ok(Decision::Approve {
        scope: (!t.is_empty()).then(|| t.to_owned()),
    })
}

impl Case {
    /// Registers an application: the event that opens a case.
    ///
    /// # Errors
    /// [`CaseError::MissingRole`] unless the actor is a clerk; [`CaseError::Calendar`] when
    /// today's year is not loaded; [`CaseError::CaseNumberDate`] when the case number is not
    /// dated today; [`CaseError::Blank`] for a blank name.
    pub fn receive(intake: Intake, ctx: &CaseContext<'_>) -> Result<Vec<CaseEvent>, CaseError> {
        // Received now, at registration (`case::submission` for an online submission time).
        Self::receive_submitted(intake, None, ctx)
    }

    /// Registers an application about the licence `link` names: [`Case::receive`] with the
    /// link kept in the receipt.
    ///
    /// # Errors
    /// As [`Case::receive`].
    pub fn receive_linked(
        intake: Intake,
        link: crate::licence::LicenceLink,
        ctx: &CaseContext<'_>,
    ) -> Result<Vec<CaseEvent>, CaseError> {
        let mut events = Self::receive(intake, ctx)?;
        for e in &mut events {
            if let CaseEvent::Received(r) = e {
                r.licence = Some(link.clone());
            }
        }
        Ok(events)
    }

    /// Decides `command` against this case.
    ///
    /// # Errors
    /// [`CaseError::Closed`] on a closed case, [`CaseError::MissingRole`],
    /// [`CaseError::Calendar`] when the calendar cannot answer, or the lifecycle error that
    /// forbids the command now.
    pub fn handle(
        &self,
        command: Command,
        ctx: &CaseContext<'_>,
    ) -> Result<Vec<CaseEvent>, CaseError> {
        if self.is_closed() {
            return Err(CaseError::Closed(self.status()));
        }
        ctx.require(command.required_role())?;
        let today = ctx.today();
        ctx.calendar.day_kind(today)?;
        let refuses = matches!(
            command,
            Command::Decide {
                decision: Decision::Refuse(_)
            }
        );
        super::linked::check_refusal(self, refuses, today)?;
        if command == Command::DecideOnSpot {
            return self.decide_on_spot(ctx);
        }
        if let Command::Deferral(act) = command {
            return self.deferral_events(act, ctx);
        }
        let event = self.decide_event(command, ctx, today)?;
        let mut next = self.clone();
        next.evolve(&event)?;
        Ok(vec![event])
    }

    fn decide_event(
        &self,
        command: Command,
        ctx: &CaseContext<'_>,
        today: Date,
    ) -> Result<CaseEvent, CaseError> {
        let by = ctx.actor.clone();
        Ok(match command {
            Command::IssueOneTimeNotice { items } => {
                self.refuse_if_deemed_accepted(ctx.calendar, today)?;
                CaseEvent::OneTimeNoticeIssued {
                    by,
                    items,
                    on: today,
                }
            }
            Command::ReceiveSupplement { materials } => CaseEvent::SupplementReceived {
                by,
                materials,
                on: today,
            },
            Command::Accept => {
                let deemed = self.awaits_acceptance()
                    && self.notice_window_missed(ctx.calendar, today)?.is_some();
                let on = if deemed {
                    self.received().received_on()
                } else {
                    today
                };
                CaseEvent::Accepted { by, deemed, on }
            }
            Command::RefuseAcceptance { outcome } => {
                // Art. 32(4)'s deemed acceptance answers a missed notice about materials; an
                // application that needs no licence or belongs to another body (32(1)–(2))
                // is still not accepted, however late that is noticed.
                if matches!(outcome, NonAcceptance::MaterialsNotCorrected { .. }) {
                    self.refuse_if_deemed_accepted(ctx.calendar, today)?;
                    self.refuse_before_supplement_window(today)?;
                }
                // Art. 78 at acceptance: once deemed accepted, false materials are answered by
                // a refusal marked `false_materials` instead.
                if matches!(outcome, NonAcceptance::FalseMaterials { .. }) {
                    self.refuse_if_deemed_accepted(ctx.calendar, today)?;
                }
                CaseEvent::NotAccepted {
                    by,
                    outcome,
                    on: today,
                }
            }
            Command::RecordReviewStep {
                step,
                opinion,
                substantive,
            } => {
                self.refuse_presiding_reviewer(&by)?;
                CaseEvent::ReviewStep {
                    step,
                    reviewer: by,
                    opinion,
                    substantive,
                    on: today,
                }
            }
            Command::Transfer { to, reason } => CaseEvent::Transferred {
                by,
                to,
                reason,
                on: today,
            },
            Command::Return { to_step, reason } => CaseEvent::Returned {
                by,
                to_step,
                reason,
                on: today,
            },
            Command::StartSpecialProcedure {
                procedure,
                notice_reference,
            } => {
                // Art. 45 lists the time excluded; 现场核查 is part of the review (Art. 34)
                // and runs inside the limit. Refused at command time, so a pause recorded
                // before this rule still replays.
                if !excludes_time(procedure) {
                    return Err(CaseError::NotExcludedTime(procedure));
                }
                CaseEvent::SpecialProcedureStarted {
                    by,
                    procedure,
                    notice_reference,
                    on: today,
                }
            }
            Command::EndSpecialProcedure => {
                self.refuse_ending_hearing_pause()?;
                CaseEvent::SpecialProcedureEnded { by, on: today }
            }
            Command::Hearing(act) => self.hearing_event(act, ctx.calendar, by, today)?,
            Command::ApproveExtension {
                authority,
                working_days,
                reason,
                applicant_notified_on,
            } => {
                self.refuse_late_extension(ctx.calendar, today)?;
                CaseEvent::ExtensionApproved {
                    approved_by: by,
                    authority,
                    working_days,
                    reason,
                    on: today,
                    applicant_notified_on,
                }
            }
            Command::NotifyExtension => CaseEvent::ExtensionNotified { by, on: today },
            Command::Decide { decision } => {
                let decision = checked_scope(decision)?;
                // 容缺受理 belongs at acceptance, for listed items, with a commitment and a
                // deadline; approving at the decision with materials still owed is no legal
                // path. Old decisions of that kind still replay (the event decodes).
                if matches!(decision, Decision::ApproveWithDeferredMaterials { .. }) {
                    return Err(CaseError::DeferredMaterialsAtDecision);
                }
                // A command-time rule, not an event-time one: decisions recorded before it
                // existed still replay.
                if self.steps().iter().any(|s| s.reviewer == by) {
                    return Err(CaseError::ReviewerMayNotDecide(by));
                }
                self.refuse_decision_for_hearing(ctx.calendar, today)?;
                CaseEvent::Decided {
                    approver: by,
                    decision,
                    decided_at: ctx.now,
                }
            }
            Command::Deliver { method } => CaseEvent::Delivered {
                by,
                method,
                on: today,
            },
            Command::Withdraw => CaseEvent::Withdrawn { by, on: today },
            // Decided in `handle` before this; the last event stands for them here.
            Command::Deferral(act) => {
                return self
                    .deferral_events(act, ctx)?
                    .pop()
                    .ok_or(CaseError::EmptyHistory);
            }
            // Three events, decided in `handle` before this; the last stands for them here.
            Command::DecideOnSpot => {
                return self
                    .decide_on_spot(ctx)?
                    .pop()
                    .ok_or(CaseError::EmptyHistory);
            }
        })
    }

    /// When no notice was issued and the 5-working-day window ended before `today`, the
    /// window's last day. Counts only up to yesterday, so it never needs a later year.
    fn notice_window_missed(
        &self,
        calendar: &Calendar,
        today: Date,
    ) -> Result<Option<Date>, CaseError> {
        if self.notice_issued_on().is_some() {
            return Ok(None);
        }
        let received = self.received().received_on();
        let Some(yesterday) = today.previous_day() else {
            return Ok(None);
        };
        let window = self.received().item.notice_window();
        if calendar.working_days_between(received, yesterday, &[])? < window.value {
            return Ok(None);
        }
        Ok(Some(calendar.deadline(received, window, &[])?.due))
    }

    /// Art. 32(4): once the notice window is missed, the application counts as accepted, so
    /// neither a notice nor a non-acceptance may follow.
    fn refuse_if_deemed_accepted(&self, calendar: &Calendar, today: Date) -> Result<(), CaseError> {
        if !self.awaits_acceptance() {
            return Ok(());
        }
        match self.notice_window_missed(calendar, today)? {
            Some(due) => Err(CaseError::DeemedAccepted {
                due,
                received: self.received().received_on(),
            }),
            None => Ok(()),
        }
    }

    /// Art. 42: an extension is granted within the limit, not after it ran out.
    fn refuse_late_extension(&self, calendar: &Calendar, today: Date) -> Result<(), CaseError> {
        let Some(starts_on) = self.decision_starts_on() else {
            return Ok(());
        };
        let pauses: Vec<Pause> = clock::capped_pauses(self, calendar, today)?;
        let due = self.statutory_deadline(calendar, starts_on, &pauses)?.due;
        if today > due {
            return Err(CaseError::ExtensionTooLate { due });
        }
        Ok(())
    }
}
