//! The case aggregate: the fold of a case's events into its current state.
//!
//! The fold is the single place where the lifecycle's rules live: [`Case::handle`] builds
//! events and then runs them through the same [`Case::evolve`], so a command can never
//! produce an event the fold would refuse when the history is replayed from the ledger.
//! Rules that need the calendar (the one-time notice window, the extension deadline) are
//! checked only when a command is handled, because a replay must not depend on which
//! calendar years happen to be loaded.

use time::{Date, OffsetDateTime};

use crate::catalog::SpecialProcedureKind;
use crate::catalog::legal::excludes_time;
use crate::org::StaffId;

use super::error::{CaseError, ExtensionAuthorityKind};
use super::event::{
    CaseEvent, Channel, Decision, DeliveryMethod, NonAcceptance, NoticeItem, Received, legal_date,
};
use super::ids::MaterialRef;
use super::status::CaseStatus;
mod extension;
pub(super) mod hearing;
use super::terms::{CommandKind, ExtensionAuthority, ReviewKind};

/// Where a case stands in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Received; acceptance not yet decided, no notice.
    Received,
    /// One-time notice issued, supplement not yet received.
    AwaitingSupplement,
    /// Supplement received; acceptance not yet decided.
    Supplemented,
    /// Accepted; review until the decision.
    UnderReview,
    /// Decided; waiting for delivery.
    Decided,
    /// Withdrawn, not accepted, or delivered: nothing more may happen.
    Closed,
}

/// The acceptance of the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acceptance {
    /// Clerk who accepted (or recorded the deemed acceptance).
    pub by: StaffId,
    /// Acceptance date; the decision clock starts the day after.
    pub on: Date,
    /// Deemed acceptance (Art. 32(4)).
    pub deemed: bool,
}

/// One review step as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRecord {
    /// Which step.
    pub step: ReviewKind,
    /// Reviewer.
    pub reviewer: StaffId,
    /// Substantive review (Art. 34).
    pub substantive: bool,
    /// Date.
    pub on: Date,
    /// Set when the case was later returned to this step or an earlier one.
    pub superseded: bool,
}

/// A special procedure (Art. 45) with its paused days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcedureRecord {
    /// Which procedure.
    pub kind: SpecialProcedureKind,
    /// Written notice to the applicant.
    pub notice_reference: String,
    /// First paused day.
    pub from: Date,
    /// Last paused day; `None` while it is open.
    pub to: Option<Date>,
}

/// An approved extension (Art. 42).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionRecord {
    /// Who approved it.
    pub authority: ExtensionAuthority,
    /// Bureau head who approved or recorded it.
    pub approved_by: StaffId,
    /// Working days added.
    pub working_days: u32,
    /// Approval date.
    pub on: Date,
    /// Date the applicant was told; `None` until the notice is recorded (Art. 42).
    pub applicant_notified_on: Option<Date>,
}

/// The decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRecord {
    /// Approve or refuse.
    pub decision: Decision,
    /// Approving official.
    pub approver: StaffId,
    /// When.
    pub decided_at: OffsetDateTime,
}

impl DecisionRecord {
    /// Decision date (China Standard Time); the delivery clock starts the day after.
    #[must_use]
    pub fn on(&self) -> Date {
        legal_date(self.decided_at)
    }
}

/// One line of the case's history, worded without personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    /// Date.
    pub on: Date,
    /// The event's `kind` tag.
    pub kind: &'static str,
    /// The status signal it emitted, if it changed the status.
    pub status: Option<CaseStatus>,
    /// Chinese wording.
    pub label_zh: String,
}

/// A case, as of its latest event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    received: Received,
    stage: Stage,
    status: CaseStatus,
    last_on: Date,
    notice_on: Option<Date>,
    supplement_on: Option<Date>,
    acceptance: Option<Acceptance>,
    steps: Vec<StepRecord>,
    assignee: Option<StaffId>,
    procedures: Vec<ProcedureRecord>,
    hearing: super::hearing::Hearing,
    extensions: Vec<ExtensionRecord>,
    decision: Option<DecisionRecord>,
    delivery: Option<(DeliveryMethod, Date)>,
    closed_on: Option<Date>,
    timeline: Vec<TimelineEntry>,
    /// The official and day of an on-the-spot decision (Art. 34(2), `case::on_spot`).
    pub(super) on_spot: Option<(StaffId, Date)>,
    /// 容缺受理: the materials agreed to follow (`case::deferral`).
    pub(super) deferral: Option<super::deferral::Deferral>,
}

impl Case {
    /// Folds a whole history. The first event must be the receipt.
    ///
    /// # Errors
    /// [`CaseError::EmptyHistory`], [`CaseError::HistoryWithoutReceipt`], or the error of the
    /// first event the lifecycle does not allow.
    pub fn apply(events: &[CaseEvent]) -> Result<Self, CaseError> {
        let (first, rest) = events.split_first().ok_or(CaseError::EmptyHistory)?;
        let mut case = match first {
            CaseEvent::Received(received) => Self::open(received)?,
            other => return Err(CaseError::HistoryWithoutReceipt(other.kind())),
        };
        for event in rest {
            case.evolve(event)?;
        }
        Ok(case)
    }

    /// Applies one more event; on error the case is unchanged.
    ///
    /// # Errors
    /// The [`CaseError`] saying why the lifecycle does not allow `event` now.
    pub fn evolve(&mut self, event: &CaseEvent) -> Result<(), CaseError> {
        self.check(event)?;
        self.record(event);
        Ok(())
    }

    fn open(received: &Received) -> Result<Self, CaseError> {
        check_received(received)?;
        let on = received.received_on();
        let channel = match received.channel {
            Channel::Window => "窗口",
            Channel::Online => "网上",
        };
        Ok(Self {
            received: received.clone(),
            stage: Stage::Received,
            status: CaseStatus::Received,
            last_on: on,
            notice_on: None,
            supplement_on: None,
            acceptance: None,
            steps: Vec::new(),
            assignee: None,
            procedures: Vec::new(),
            hearing: super::hearing::Hearing::default(),
            extensions: Vec::new(),
            decision: None,
            delivery: None,
            closed_on: None,
            on_spot: None,
            deferral: None,
            timeline: vec![TimelineEntry {
                on,
                kind: "received",
                status: Some(CaseStatus::Received),
                label_zh: format!("已接件（{channel}申请）"),
            }],
        })
    }

    // ---- reading ----

    /// The receipt: case number, item, applicant, materials.
    #[must_use]
    pub fn received(&self) -> &Received {
        &self.received
    }

    /// Current `BLZT` status.
    #[must_use]
    pub fn status(&self) -> CaseStatus {
        self.status
    }

    /// Withdrawn, not accepted, or delivered.
    #[must_use]
    pub fn is_closed(&self) -> bool {
        self.stage == Stage::Closed
    }

    /// Whether acceptance is still undecided (no acceptance, no refusal).
    #[must_use]
    pub fn awaits_acceptance(&self) -> bool {
        matches!(
            self.stage,
            Stage::Received | Stage::AwaitingSupplement | Stage::Supplemented
        )
    }

    /// Date of the latest event.
    #[must_use]
    pub fn last_date(&self) -> Date {
        self.last_on
    }

    /// Date of the one-time notice, if issued.
    #[must_use]
    pub fn notice_issued_on(&self) -> Option<Date> {
        self.notice_on
    }

    /// Date the supplement arrived, if it did.
    #[must_use]
    pub fn supplement_received_on(&self) -> Option<Date> {
        self.supplement_on
    }

    /// The acceptance, once recorded.
    #[must_use]
    pub fn acceptance(&self) -> Option<&Acceptance> {
        self.acceptance.as_ref()
    }

    /// Review steps in order, superseded ones included.
    #[must_use]
    pub fn steps(&self) -> &[StepRecord] {
        &self.steps
    }

    /// Distinct reviewers of the substantive steps that still count (Art. 34).
    #[must_use]
    pub fn substantive_reviewers(&self) -> Vec<&StaffId> {
        let mut reviewers: Vec<&StaffId> = Vec::new();
        for s in self.steps.iter().filter(|s| s.substantive && !s.superseded) {
            if !reviewers.contains(&&s.reviewer) {
                reviewers.push(&s.reviewer);
            }
        }
        reviewers
    }

    /// The reviewer the case was last transferred to.
    #[must_use]
    pub fn assignee(&self) -> Option<&StaffId> {
        self.assignee.as_ref()
    }

    /// Special procedures in order.
    #[must_use]
    pub fn procedures(&self) -> &[ProcedureRecord] {
        &self.procedures
    }

    /// The special procedure currently open.
    #[must_use]
    pub fn open_procedure(&self) -> Option<&ProcedureRecord> {
        self.procedures.last().filter(|p| p.to.is_none())
    }

    /// Approved extensions in order.
    #[must_use]
    pub fn extensions(&self) -> &[ExtensionRecord] {
        &self.extensions
    }

    /// Working days added by all extensions.
    #[must_use]
    pub fn extension_working_days(&self) -> u32 {
        self.extensions
            .iter()
            .fold(0, |sum, e| sum.saturating_add(e.working_days))
    }

    /// The decision, once made.
    #[must_use]
    pub fn decision(&self) -> Option<&DecisionRecord> {
        self.decision.as_ref()
    }

    /// Delivery method and date, once delivered.
    #[must_use]
    pub fn delivery(&self) -> Option<(DeliveryMethod, Date)> {
        self.delivery
    }

    /// Date the case closed (withdrawal, non-acceptance, delivery).
    #[must_use]
    pub fn closed_on(&self) -> Option<Date> {
        self.closed_on
    }

    /// The history in words, without personal data.
    #[must_use]
    pub fn timeline(&self) -> &[TimelineEntry] {
        &self.timeline
    }

    /// The extension authority Art. 42 requires for this case.
    #[must_use]
    pub fn required_extension_authority(&self) -> ExtensionAuthorityKind {
        if self.received.item.joint_handling {
            ExtensionAuthorityKind::GovernmentHead
        } else {
            ExtensionAuthorityKind::BureauHead
        }
    }

    // ---- checking ----

    fn check(&self, event: &CaseEvent) -> Result<(), CaseError> {
        if matches!(event, CaseEvent::Received(_)) {
            return Err(CaseError::AlreadyReceived);
        }
        if self.stage == Stage::Closed {
            return Err(CaseError::Closed(self.status));
        }
        let date = event.date();
        if date < self.last_on {
            return Err(CaseError::DateOutOfOrder {
                date,
                last: self.last_on,
            });
        }
        // The step the event records, named in a refusal so that it speaks of what was tried.
        let step = event.step().ok_or(CaseError::AlreadyReceived)?;
        match event {
            CaseEvent::Received(_) => Err(CaseError::AlreadyReceived),
            CaseEvent::OneTimeNoticeIssued { items, .. } => self.check_notice(items),
            CaseEvent::SupplementReceived { materials, .. } => self.check_supplement(materials),
            CaseEvent::Accepted { by, deemed, on } => {
                self.check_on_spot_acceptance(by, *on)?;
                self.check_acceptance(*deemed, *on)
            }
            CaseEvent::OnTheSpot { source, on, .. } => {
                self.require_before_acceptance(step)?;
                self.check_on_spot(source, *on)
            }
            CaseEvent::NotAccepted { outcome, .. } => self.check_non_acceptance(outcome),
            CaseEvent::ReviewStep { opinion, .. } => {
                self.require_review(step)?;
                not_blank(opinion, "opinion")
            }
            CaseEvent::Transferred { by, to, reason, .. } => {
                self.require_review(step)?;
                not_blank(reason, "reason")?;
                if self.assignee.as_ref() == Some(to) || by == to {
                    return Err(CaseError::TransferToSameReviewer(to.clone()));
                }
                Ok(())
            }
            CaseEvent::Returned {
                to_step, reason, ..
            } => {
                self.require_review(step)?;
                not_blank(reason, "reason")?;
                self.return_index(*to_step)
                    .map(|_| ())
                    .ok_or(CaseError::NoStepToReturnTo(*to_step))
            }
            CaseEvent::SpecialProcedureStarted {
                procedure,
                notice_reference,
                ..
            } => self.check_procedure_start(*procedure, notice_reference),
            CaseEvent::SpecialProcedureEnded { .. } => {
                self.require_review(step)?;
                self.open_procedure()
                    .map(|_| ())
                    .ok_or(CaseError::NoOpenProcedure)
            }
            CaseEvent::ExtensionApproved {
                authority,
                working_days,
                reason,
                on,
                applicant_notified_on,
                ..
            } => self.check_extension(
                authority,
                *working_days,
                reason,
                *on,
                *applicant_notified_on,
            ),
            CaseEvent::ExtensionNotified { .. } => self.check_extension_notice(),
            CaseEvent::Hearing(h) => self.check_hearing(h),
            CaseEvent::Decided {
                approver, decision, ..
            } => self.check_decision(approver, decision, date),
            CaseEvent::Deferral(d) => self.check_deferral(d),
            CaseEvent::Delivered { .. } => match self.stage {
                Stage::Decided => self.check_not_held(),
                _ => Err(CaseError::NotDecided),
            },
            CaseEvent::Withdrawn { .. } => match &self.decision {
                Some(d) => Err(CaseError::AlreadyDecided { on: d.on(), step }),
                None => Ok(()),
            },
        }
    }

    /// Acceptance must still be open for `step`: not accepted, not decided.
    fn require_before_acceptance(&self, step: CommandKind) -> Result<(), CaseError> {
        match (&self.decision, &self.acceptance) {
            (Some(d), _) => Err(CaseError::AlreadyDecided { on: d.on(), step }),
            (None, Some(a)) => Err(CaseError::AlreadyAccepted { on: a.on, step }),
            (None, None) => Ok(()),
        }
    }

    /// The case must be accepted and undecided for `step`.
    fn require_review(&self, step: CommandKind) -> Result<(), CaseError> {
        match (&self.decision, &self.acceptance) {
            (Some(d), _) => Err(CaseError::AlreadyDecided { on: d.on(), step }),
            (None, None) => Err(CaseError::NotAccepted(step)),
            (None, Some(_)) => Ok(()),
        }
    }

    fn check_notice(&self, items: &[NoticeItem]) -> Result<(), CaseError> {
        self.require_before_acceptance(CommandKind::OneTimeNotice)?;
        if let Some(on) = self.notice_on {
            return Err(CaseError::NoticeAlreadyIssued(on));
        }
        if items.is_empty() {
            return Err(CaseError::EmptyNotice);
        }
        for item in items {
            not_blank(&item.material, "material name")?;
            not_blank(&item.detail, "notice detail")?;
        }
        Ok(())
    }

    fn check_supplement(&self, materials: &[MaterialRef]) -> Result<(), CaseError> {
        self.require_before_acceptance(CommandKind::Supplement)?;
        if self.notice_on.is_none() {
            return Err(CaseError::NoNoticeIssued);
        }
        if let Some(on) = self.supplement_on {
            return Err(CaseError::SupplementAlreadyReceived(on));
        }
        if materials.is_empty() {
            return Err(CaseError::EmptyList("supplement materials"));
        }
        materials
            .iter()
            .try_for_each(|m| not_blank(&m.name, "material name"))
    }

    fn check_acceptance(&self, deemed: bool, on: Date) -> Result<(), CaseError> {
        self.require_before_acceptance(CommandKind::Accept)?;
        let received = self.received.received_on();
        if deemed && (self.notice_on.is_some() || on != received) {
            return Err(CaseError::InvalidDeemedAcceptance { received });
        }
        if !deemed
            && self.stage == Stage::AwaitingSupplement
            && let Some(notice) = self.notice_on
        {
            return Err(CaseError::SupplementPending(notice));
        }
        Ok(())
    }

    fn check_non_acceptance(&self, outcome: &NonAcceptance) -> Result<(), CaseError> {
        self.require_before_acceptance(CommandKind::RefuseAcceptance)?;
        match outcome {
            NonAcceptance::NoLicenceNeeded { .. } | NonAcceptance::FalseMaterials { .. } => Ok(()),
            NonAcceptance::NotCompetent {
                competent_authority,
                ..
            } => not_blank(competent_authority, "competent authority"),
            NonAcceptance::MaterialsNotCorrected { .. } => match self.notice_on {
                Some(_) => Ok(()),
                None => Err(CaseError::NoNoticeIssued),
            },
        }
    }

    fn check_procedure_start(
        &self,
        kind: SpecialProcedureKind,
        notice_reference: &str,
    ) -> Result<(), CaseError> {
        self.require_review(CommandKind::StartSpecialProcedure)?;
        if let Some(open) = self.open_procedure() {
            return Err(CaseError::ProcedureOpen {
                kind: open.kind,
                since: open.from,
            });
        }
        // Cases received under the per-item settings refuse it in the record too; older
        // histories may hold one and must replay.
        if self.received.item.legal.is_some() && !excludes_time(kind) {
            return Err(CaseError::NotExcludedTime(kind));
        }
        if !self.received.item.allows(kind) {
            return Err(CaseError::ProcedureNotListed(kind));
        }
        not_blank(notice_reference, "notice reference")
    }

    fn check_decision(
        &self,
        approver: &StaffId,
        decision: &Decision,
        on: Date,
    ) -> Result<(), CaseError> {
        self.require_review(CommandKind::Decide)?;
        if let Some(open) = self.open_procedure() {
            return Err(CaseError::ProcedureOpen {
                kind: open.kind,
                since: open.from,
            });
        }
        // Two reviewers and a separate acceptor are the item's policy (`case::on_spot`).
        self.check_decision_policy(approver, decision, on)
    }

    /// Index of the latest step of `kind` that still counts.
    fn return_index(&self, kind: ReviewKind) -> Option<usize> {
        self.steps
            .iter()
            .rposition(|s| s.step == kind && !s.superseded)
    }

    // ---- recording (infallible: `check` passed) ----

    fn record(&mut self, event: &CaseEvent) {
        let on = event.date();
        self.last_on = on;
        let (status, label) = self.record_facts(event, on);
        let emitted = status.filter(|s| *s != self.status);
        if let Some(s) = status {
            self.status = s;
        }
        self.timeline.push(TimelineEntry {
            on,
            kind: event.kind(),
            status: emitted,
            label_zh: label,
        });
    }

    /// Updates the facts and returns the status signal and the timeline wording.
    fn record_facts(&mut self, event: &CaseEvent, on: Date) -> (Option<CaseStatus>, String) {
        match event {
            CaseEvent::Received(_) => (None, String::new()),
            CaseEvent::Deferral(d) => (None, self.record_deferral(d)),
            CaseEvent::OneTimeNoticeIssued { items, .. } => {
                self.notice_on = Some(on);
                self.stage = Stage::AwaitingSupplement;
                (
                    Some(CaseStatus::SupplementStarted),
                    format!("一次性告知补正（共{}项）", items.len()),
                )
            }
            CaseEvent::SupplementReceived { .. } => {
                self.supplement_on = Some(on);
                self.stage = Stage::Supplemented;
                (
                    Some(CaseStatus::SupplementEnded),
                    "补正材料已收到".to_owned(),
                )
            }
            CaseEvent::Accepted { by, deemed, .. } => {
                self.acceptance = Some(Acceptance {
                    by: by.clone(),
                    on,
                    deemed: *deemed,
                });
                self.stage = Stage::UnderReview;
                let label = if *deemed {
                    "视为受理（逾期未一次性告知补正，自收到申请材料之日起受理）"
                } else {
                    "已受理"
                };
                (Some(CaseStatus::Accepted), label.to_owned())
            }
            CaseEvent::NotAccepted { outcome, .. } => {
                self.close(on);
                let label = match outcome {
                    NonAcceptance::NotCompetent {
                        competent_authority,
                        ..
                    } => format!("不予受理（请向{competent_authority}申请）"),
                    other => other.status().name_zh().to_owned(),
                };
                (Some(outcome.status()), label)
            }
            CaseEvent::ReviewStep {
                step,
                reviewer,
                substantive,
                ..
            } => {
                self.steps.push(StepRecord {
                    step: *step,
                    reviewer: reviewer.clone(),
                    substantive: *substantive,
                    on,
                    superseded: false,
                });
                (Some(CaseStatus::HandlingStarted), step.name_zh().to_owned())
            }
            CaseEvent::Transferred { to, .. } => {
                self.assignee = Some(to.clone());
                (None, "转办".to_owned())
            }
            CaseEvent::Returned { to_step, .. } => {
                if let Some(i) = self.return_index(*to_step) {
                    for s in self.steps.iter_mut().skip(i) {
                        s.superseded = true;
                    }
                }
                (None, format!("退回{}", to_step.name_zh()))
            }
            CaseEvent::SpecialProcedureStarted {
                procedure,
                notice_reference,
                ..
            } => {
                self.procedures.push(ProcedureRecord {
                    kind: *procedure,
                    notice_reference: notice_reference.clone(),
                    from: on,
                    to: None,
                });
                (
                    Some(CaseStatus::SpecialProcedureStarted),
                    format!("特别程序开始（{}）", procedure.name_zh()),
                )
            }
            CaseEvent::SpecialProcedureEnded { .. } => {
                let mut label = "特别程序结束".to_owned();
                if let Some(open) = self.procedures.last_mut() {
                    open.to = Some(on);
                    label = format!("特别程序结束（{}）", open.kind.name_zh());
                }
                (Some(CaseStatus::SpecialProcedureEnded), label)
            }
            CaseEvent::ExtensionApproved {
                approved_by,
                authority,
                working_days,
                applicant_notified_on,
                ..
            } => {
                self.extensions.push(ExtensionRecord {
                    authority: authority.clone(),
                    approved_by: approved_by.clone(),
                    working_days: *working_days,
                    on,
                    applicant_notified_on: *applicant_notified_on,
                });
                (None, format!("延长办理期限{working_days}个工作日"))
            }
            CaseEvent::ExtensionNotified { on, .. } => (None, self.record_extension_notice(*on)),
            CaseEvent::Decided {
                approver,
                decision,
                decided_at,
            } => {
                self.decision = Some(DecisionRecord {
                    decision: decision.clone(),
                    approver: approver.clone(),
                    decided_at: *decided_at,
                });
                self.stage = Stage::Decided;
                let label = match decision {
                    Decision::Approve { .. } => "办结（准予许可）",
                    Decision::ApproveWithDeferredMaterials { .. } => "办结（容缺通过）",
                    Decision::Refuse(_) => "办结（不予许可）",
                };
                (Some(decision.status()), label.to_owned())
            }
            CaseEvent::Hearing(h) => self.record_hearing(h, on),
            CaseEvent::Delivered { method, .. } => {
                self.delivery = Some((*method, on));
                self.close(on);
                (None, format!("已送达（{}）", method.name_zh()))
            }
            CaseEvent::OnTheSpot { by, .. } => {
                self.on_spot = Some((by.clone(), on));
                (None, "当场决定（行政许可法第三十四条第二款）".to_owned())
            }
            CaseEvent::Withdrawn { .. } => {
                if let Some(open) = self.procedures.last_mut()
                    && open.to.is_none()
                {
                    open.to = Some(on);
                }
                self.close(on);
                (Some(CaseStatus::Withdrawn), "申请人撤回申请".to_owned())
            }
        }
    }

    fn close(&mut self, on: Date) {
        self.stage = Stage::Closed;
        self.closed_on = Some(on);
    }
}

fn not_blank(text: &str, field: &'static str) -> Result<(), CaseError> {
    if text.trim().is_empty() {
        Err(CaseError::Blank(field))
    } else {
        Ok(())
    }
}

fn check_received(r: &Received) -> Result<(), CaseError> {
    not_blank(r.applicant.name(), "applicant name")?;
    not_blank(&r.item.name, "item name")?;
    r.materials
        .iter()
        .try_for_each(|m| not_blank(&m.name, "material name"))
}
