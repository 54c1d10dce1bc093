//! The steps a member of staff may take on a case now: the case desk offers these and no
//! others.
//!
//! Two sets of rules decide whether a step is allowed: the access matrix (`access::authorize`:
//! role × jurisdiction × department, token scopes) and the case's lifecycle (`Case::handle` and
//! the fold it runs: the notice only once and before acceptance, two distinct reviewers before
//! a decision, no reviewer or acceptor deciding, no decision while a special procedure is open,
//! the Art. 42 allowance …). [`allowed_actions`] asks both rather than restating either: it
//! authorizes each kind of command and then hands `Case::handle` one sample of each choice the
//! form offers, keeping the choices it accepts. A second copy of the lifecycle written for the
//! desk would drift from the one that decides; asking the one that decides cannot. The
//! property test in `allowed_tests.rs` checks the result both ways: a command is taken
//! exactly when it is one the offered actions admit.
//!
//! Samples differ from real commands only in free text (reasons, opinions, notice items), which
//! the lifecycle checks for blankness alone, so a sample that passes stands for every well-formed
//! command with the same choices.

use serde::Serialize;
use time::{Date, OffsetDateTime};

use crate::access::{Principal, Target, authorize};
use crate::calendar::Calendar;
use crate::catalog::SpecialProcedureKind;
use crate::org::StaffId;

use super::command::{CaseContext, Command};
use super::deferral::DeferralAct;
use super::error::ExtensionAuthorityKind;
use super::event::{
    CaseEvent, Decision, DeliveryMethod, NonAcceptance, NoticeItem, NoticeProblem, Reasons,
    Refusal, Remedies, legal_date,
};
use super::ids::{MaterialRef, Sha256Digest};
use super::state::Case;
use super::terms::{CommandKind, ExtensionAuthority, ReviewKind};

/// Why an application is not accepted, without the reasons (Art. 32(1), (2)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NonAcceptanceGround {
    /// 不受理: no licence is needed.
    NoLicenceNeeded,
    /// 不予受理: not this bureau's power.
    NotCompetent,
    /// 不予受理: the materials were not corrected after the one-time notice.
    MaterialsNotCorrected,
    /// 不予受理: concealed facts or false materials (Art. 78).
    FalseMaterials,
}

impl NonAcceptanceGround {
    /// Every ground.
    pub const ALL: [Self; 4] = [
        Self::NoLicenceNeeded,
        Self::NotCompetent,
        Self::MaterialsNotCorrected,
        Self::FalseMaterials,
    ];

    /// Stable code (the `ground` tag of [`NonAcceptance`]).
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::NoLicenceNeeded => "no_licence_needed",
            Self::NotCompetent => "not_competent",
            Self::MaterialsNotCorrected => "materials_not_corrected",
            Self::FalseMaterials => "false_materials",
        }
    }

    /// Chinese name.
    #[must_use]
    pub const fn name_zh(self) -> &'static str {
        match self {
            Self::NoLicenceNeeded => "不受理（依法不需要取得行政许可）",
            Self::NotCompetent => "不予受理（不属于本机关职权范围）",
            Self::MaterialsNotCorrected => "不予受理（逾期未按要求补正）",
            Self::FalseMaterials => "不予受理（隐瞒有关情况或者提供虚假材料，第七十八条）",
        }
    }
}

impl NonAcceptance {
    /// The ground, without reasons.
    #[must_use]
    pub const fn ground(&self) -> NonAcceptanceGround {
        match self {
            Self::NoLicenceNeeded { .. } => NonAcceptanceGround::NoLicenceNeeded,
            Self::NotCompetent { .. } => NonAcceptanceGround::NotCompetent,
            Self::MaterialsNotCorrected { .. } => NonAcceptanceGround::MaterialsNotCorrected,
            Self::FalseMaterials { .. } => NonAcceptanceGround::FalseMaterials,
        }
    }
}

/// A decision's outcome, without reasons or materials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionOutcome {
    /// 准予行政许可 (a decision recorded as 容缺通过 before issue #21 reads as an approval).
    Approve,
    /// 不予行政许可.
    Refuse,
}

impl DecisionOutcome {
    /// Every outcome.
    pub const ALL: [Self; 2] = [Self::Approve, Self::Refuse];

    /// Stable code (the `outcome` tag of [`Decision`]).
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Refuse => "refuse",
        }
    }

    /// Chinese name.
    #[must_use]
    pub const fn name_zh(self) -> &'static str {
        match self {
            Self::Approve => "准予行政许可",
            Self::Refuse => "不予行政许可",
        }
    }
}

impl Decision {
    /// The outcome, without reasons or materials.
    #[must_use]
    pub const fn outcome(&self) -> DecisionOutcome {
        match self {
            Self::Approve { .. } | Self::ApproveWithDeferredMaterials { .. } => {
                DecisionOutcome::Approve
            }
            Self::Refuse(_) => DecisionOutcome::Refuse,
        }
    }
}

impl DeliveryMethod {
    /// Every method.
    pub const ALL: [Self; 3] = [Self::Window, Self::Post, Self::Electronic];

    /// Stable code (the serde name).
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Window => "window",
            Self::Post => "post",
            Self::Electronic => "electronic",
        }
    }
}

/// A step the principal may take now, with what its form may offer. Serialized as the command
/// body's `action` tag plus the choices; every choice listed is one the case accepts now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum AllowedAction {
    /// 一次性告知补正: any non-empty list of items.
    #[serde(rename = "one_time_notice")]
    OneTimeNotice,
    /// 收到补正材料.
    Supplement,
    /// 受理; `deemed` when the notice window has passed and the acceptance takes effect on the
    /// receipt day (Art. 32(4)).
    Accept {
        /// Whether it will be recorded as a deemed acceptance.
        deemed: bool,
    },
    /// 不受理 / 不予受理 on one of `grounds`.
    RefuseAcceptance {
        /// The grounds the case allows now.
        grounds: Vec<NonAcceptanceGround>,
    },
    /// One review step of `steps`.
    Review {
        /// Steps that may be recorded.
        steps: Vec<ReviewKind>,
    },
    /// 转办 to any reviewer but those in `not_to`.
    Transfer {
        /// The actor and the reviewer who holds the case now.
        not_to: Vec<StaffId>,
    },
    /// 退回 to one of `to_steps`.
    Return {
        /// Steps taken that still count.
        to_steps: Vec<ReviewKind>,
    },
    /// A special procedure of `procedures` (those the item lists).
    StartSpecialProcedure {
        /// Procedures that may start.
        procedures: Vec<SpecialProcedureKind>,
    },
    /// 结束特别程序.
    EndSpecialProcedure,
    /// 批准延期 (Art. 42).
    Extend {
        /// Whose approval the case needs.
        authority: ExtensionAuthorityKind,
        /// Working days still available.
        max_working_days: u32,
        /// The provision the allowance comes from (the item's law, or Art. 42).
        allowance_source: String,
        /// The applicant is told on a day from acceptance …
        #[serde(with = "crate::calendar::iso_date")]
        notified_from: Date,
        /// … to today; or later, as its own step (`notify_extension`).
        #[serde(with = "crate::calendar::iso_date")]
        notified_to: Date,
    },
    /// 告知延期: the applicant is told today of the extensions approved without a notice
    /// (Art. 42), offered while one is missing.
    NotifyExtension {
        /// Working days approved and not yet notified.
        working_days: u32,
    },
    /// Acts of the hearing procedure (Art. 36, 46–48), with their bounds.
    Hearing(super::hearing_command::HearingOffer),
    /// 作出审批决定 with one of `outcomes`.
    Decide {
        /// Outcomes allowed.
        outcomes: Vec<DecisionOutcome>,
    },
    /// 送达 by one of `methods`.
    Deliver {
        /// Methods allowed.
        methods: Vec<DeliveryMethod>,
    },
    /// 撤回申请.
    Withdraw,
    /// 当场作出决定 (Art. 34(2)): accept and grant now, the item's law allowing it.
    DecideOnSpot {
        /// The provision that allows it.
        source: String,
    },
    /// 容缺受理 (issue #19 item 6): accept with some of `may_follow` to follow by a date up to
    /// `latest_due`, or record the receipt of some of `outstanding`.
    Deferral {
        /// Materials of the item's list that may follow now (empty once accepted).
        may_follow: Vec<String>,
        /// The latest date that may be agreed.
        #[serde(with = "crate::calendar::iso_date::option")]
        latest_due: Option<Date>,
        /// Materials agreed to follow and not received yet.
        outstanding: Vec<String>,
    },
}

impl AllowedAction {
    /// The kind of command the action takes.
    #[must_use]
    pub const fn kind(&self) -> CommandKind {
        match self {
            Self::OneTimeNotice => CommandKind::OneTimeNotice,
            Self::Supplement => CommandKind::Supplement,
            Self::Accept { .. } => CommandKind::Accept,
            Self::RefuseAcceptance { .. } => CommandKind::RefuseAcceptance,
            Self::Review { .. } => CommandKind::Review,
            Self::Transfer { .. } => CommandKind::Transfer,
            Self::Return { .. } => CommandKind::Return,
            Self::StartSpecialProcedure { .. } => CommandKind::StartSpecialProcedure,
            Self::EndSpecialProcedure => CommandKind::EndSpecialProcedure,
            Self::Extend { .. } => CommandKind::Extend,
            Self::NotifyExtension { .. } => CommandKind::NotifyExtension,
            Self::Hearing(_) => CommandKind::Hearing,
            Self::Decide { .. } => CommandKind::Decide,
            Self::Deliver { .. } => CommandKind::Deliver,
            Self::Withdraw => CommandKind::Withdraw,
            Self::DecideOnSpot { .. } => CommandKind::DecideOnSpot,
            Self::Deferral { .. } => CommandKind::Deferral,
        }
    }

    /// Whether `command` is one of this action's choices. Free text is not judged here: a
    /// blank reason is refused by the lifecycle with its own message.
    #[must_use]
    pub fn admits(&self, command: &Command) -> bool {
        match (self, command) {
            (Self::OneTimeNotice, Command::IssueOneTimeNotice { .. })
            | (Self::Supplement, Command::ReceiveSupplement { .. })
            | (Self::Accept { .. }, Command::Accept)
            | (Self::EndSpecialProcedure, Command::EndSpecialProcedure)
            | (Self::NotifyExtension { .. }, Command::NotifyExtension)
            | (Self::Withdraw, Command::Withdraw)
            | (Self::DecideOnSpot { .. }, Command::DecideOnSpot) => true,
            (Self::RefuseAcceptance { grounds }, Command::RefuseAcceptance { outcome }) => {
                grounds.contains(&outcome.ground())
            }
            (Self::Review { steps }, Command::RecordReviewStep { step, .. }) => {
                steps.contains(step)
            }
            (Self::Transfer { not_to }, Command::Transfer { to, .. }) => !not_to.contains(to),
            (Self::Return { to_steps }, Command::Return { to_step, .. }) => {
                to_steps.contains(to_step)
            }
            (
                Self::StartSpecialProcedure { procedures },
                Command::StartSpecialProcedure { procedure, .. },
            ) => procedures.contains(procedure),
            (
                Self::Extend {
                    authority,
                    max_working_days,
                    notified_from,
                    notified_to,
                    ..
                },
                Command::ApproveExtension {
                    authority: given,
                    working_days,
                    applicant_notified_on,
                    ..
                },
            ) => {
                ExtensionAuthorityKind::from(given) == *authority
                    && (1..=*max_working_days).contains(working_days)
                    && applicant_notified_on
                        .is_none_or(|d| (*notified_from..=*notified_to).contains(&d))
            }
            (Self::Decide { outcomes }, Command::Decide { decision }) => {
                !matches!(decision, Decision::ApproveWithDeferredMaterials { .. })
                    && outcomes.contains(&decision.outcome())
            }
            (Self::Deliver { methods }, Command::Deliver { method }) => methods.contains(method),
            (Self::Hearing(offer), Command::Hearing(act)) => offer.admits(act),
            (
                Self::Deferral {
                    may_follow,
                    latest_due,
                    ..
                },
                Command::Deferral(DeferralAct::Accept { materials, due }),
            ) => {
                !materials.is_empty()
                    && materials.iter().all(|m| may_follow.contains(m))
                    && latest_due.is_some_and(|l| *due <= l)
            }
            (
                Self::Deferral { outstanding, .. },
                Command::Deferral(DeferralAct::Receive { materials }),
            ) => !materials.is_empty() && materials.iter().all(|m| outstanding.contains(&m.name)),
            _ => false,
        }
    }
}

/// Every step `principal` may take on `case` at `now`, in lifecycle order. An API token is a
/// department's system, not a person, and takes no step; so does anyone the access matrix
/// refuses for the case's jurisdiction.
#[must_use]
pub fn allowed_actions(
    case: &Case,
    principal: &Principal,
    now: OffsetDateTime,
    calendar: &Calendar,
) -> Vec<AllowedAction> {
    let Some(actor) = principal.staff.clone() else {
        return Vec::new();
    };
    let ctx = CaseContext {
        actor,
        roles: principal.roles.clone(),
        now,
        calendar,
    };
    let target = Target::jurisdiction(case.received().case_number.division());
    CommandKind::ALL
        .into_iter()
        .filter(|k| authorize(principal, k.access_action(), &target).is_ok())
        .filter_map(|k| offer(case, k, &ctx))
        .collect()
}

/// The action of `kind`, if the case accepts at least one of its choices now.
fn offer(case: &Case, kind: CommandKind, ctx: &CaseContext<'_>) -> Option<AllowedAction> {
    let taken = |command: Command| case.handle(command, ctx).ok();
    let works = |command: Command| taken(command).is_some();
    Some(match kind {
        CommandKind::OneTimeNotice => works(Command::IssueOneTimeNotice {
            items: vec![NoticeItem {
                material: "材料".into(),
                problem: NoticeProblem::Missing,
                detail: "补正".into(),
            }],
        })
        .then_some(AllowedAction::OneTimeNotice)?,
        CommandKind::Supplement => works(Command::ReceiveSupplement {
            materials: vec![MaterialRef {
                name: "补正材料".into(),
                sha256: Sha256Digest::of(b""),
            }],
        })
        .then_some(AllowedAction::Supplement)?,
        CommandKind::Accept => {
            let events = taken(Command::Accept)?;
            AllowedAction::Accept {
                deemed: matches!(
                    events.first(),
                    Some(CaseEvent::Accepted { deemed: true, .. })
                ),
            }
        }
        CommandKind::RefuseAcceptance => AllowedAction::RefuseAcceptance {
            grounds: nonempty(
                NonAcceptanceGround::ALL
                    .into_iter()
                    .filter(|g| {
                        sample_non_acceptance(*g)
                            .is_some_and(|outcome| works(Command::RefuseAcceptance { outcome }))
                    })
                    .collect(),
            )?,
        },
        CommandKind::Review => AllowedAction::Review {
            steps: nonempty(
                ReviewKind::ALL
                    .into_iter()
                    .filter(|step| {
                        works(Command::RecordReviewStep {
                            step: *step,
                            opinion: "意见".into(),
                            substantive: true,
                        })
                    })
                    .collect(),
            )?,
        },
        CommandKind::Transfer => {
            let mut not_to = vec![ctx.actor.clone()];
            not_to.extend(case.assignee().filter(|a| **a != ctx.actor).cloned());
            let to = ["TRANSFER-A", "TRANSFER-B", "TRANSFER-C"]
                .into_iter()
                .filter_map(|s| StaffId::parse(s).ok())
                .find(|s| !not_to.contains(s))?;
            works(Command::Transfer {
                to,
                reason: "转办".into(),
            })
            .then_some(AllowedAction::Transfer { not_to })?
        }
        CommandKind::Return => AllowedAction::Return {
            to_steps: nonempty(
                ReviewKind::ALL
                    .into_iter()
                    .filter(|to_step| {
                        works(Command::Return {
                            to_step: *to_step,
                            reason: "退回".into(),
                        })
                    })
                    .collect(),
            )?,
        },
        CommandKind::StartSpecialProcedure => AllowedAction::StartSpecialProcedure {
            procedures: nonempty(
                SpecialProcedureKind::ALL
                    .iter()
                    .copied()
                    .filter(|procedure| {
                        works(Command::StartSpecialProcedure {
                            procedure: *procedure,
                            notice_reference: "告知书".into(),
                        })
                    })
                    .collect(),
            )?,
        },
        CommandKind::EndSpecialProcedure => {
            works(Command::EndSpecialProcedure).then_some(AllowedAction::EndSpecialProcedure)?
        }
        CommandKind::Extend => offer_extension(case, ctx, &works)?,
        CommandKind::NotifyExtension => {
            works(Command::NotifyExtension).then(|| AllowedAction::NotifyExtension {
                working_days: case
                    .unnotified_extensions()
                    .iter()
                    .map(|e| e.working_days)
                    .sum(),
            })?
        }
        CommandKind::Hearing => AllowedAction::Hearing(case.offer_hearing(ctx)?),
        CommandKind::Decide => AllowedAction::Decide {
            outcomes: nonempty(
                DecisionOutcome::ALL
                    .into_iter()
                    .filter(|o| {
                        sample_decision(*o)
                            .is_some_and(|decision| works(Command::Decide { decision }))
                    })
                    .collect(),
            )?,
        },
        CommandKind::Deliver => AllowedAction::Deliver {
            methods: nonempty(
                DeliveryMethod::ALL
                    .into_iter()
                    .filter(|method| works(Command::Deliver { method: *method }))
                    .collect(),
            )?,
        },
        CommandKind::Withdraw => works(Command::Withdraw).then_some(AllowedAction::Withdraw)?,
        CommandKind::DecideOnSpot => {
            works(Command::DecideOnSpot).then_some(AllowedAction::DecideOnSpot {
                source: case.on_the_spot_source()?.to_owned(),
            })?
        }
        CommandKind::Deferral => offer_deferral(case, ctx, &works)?,
    })
}

/// 容缺受理 where the item's list allows it and the case is at acceptance, or the receipt of
/// what is still owed.
fn offer_deferral(
    case: &Case,
    ctx: &CaseContext<'_>,
    works: &dyn Fn(Command) -> bool,
) -> Option<AllowedAction> {
    let latest = Case::latest_deferral_due(legal_date(ctx.now));
    let may_follow: Vec<String> = case
        .received()
        .item
        .deferrable
        .iter()
        .filter(|m| {
            works(Command::Deferral(DeferralAct::Accept {
                materials: vec![(*m).clone()],
                due: latest,
            }))
        })
        .cloned()
        .collect();
    let outstanding: Vec<String> = case
        .deferral()
        .map(|d| d.outstanding())
        .unwrap_or_default()
        .into_iter()
        .filter(|m| {
            works(Command::Deferral(DeferralAct::Receive {
                materials: vec![MaterialRef {
                    name: (*m).to_owned(),
                    sha256: Sha256Digest::of(b""),
                }],
            }))
        })
        .map(str::to_owned)
        .collect();
    if may_follow.is_empty() && outstanding.is_empty() {
        return None;
    }
    Some(AllowedAction::Deferral {
        latest_due: (!may_follow.is_empty()).then_some(latest),
        may_follow,
        outstanding,
    })
}

/// The extension the case needs (its authority decided by the item, Art. 42), offered for the
/// days still available when one working day, notified today, is accepted.
fn offer_extension(
    case: &Case,
    ctx: &CaseContext<'_>,
    works: &dyn Fn(Command) -> bool,
) -> Option<AllowedAction> {
    let kind = case.required_extension_authority();
    let authority = match kind {
        ExtensionAuthorityKind::BureauHead => ExtensionAuthority::BureauHead,
        ExtensionAuthorityKind::GovernmentHead => ExtensionAuthority::GovernmentHead {
            approval_reference: "批准文件".into(),
        },
    };
    let (allowance, allowance_source) = case.received().item.extension_allowance();
    let allowed = allowance.working_days();
    let today = legal_date(ctx.now);
    let accepted = case.acceptance()?.on;
    works(Command::ApproveExtension {
        authority,
        working_days: 1,
        reason: "延期".into(),
        applicant_notified_on: Some(today),
    })
    .then_some(AllowedAction::Extend {
        authority: kind,
        max_working_days: allowed.saturating_sub(case.extension_working_days()),
        allowance_source,
        notified_from: accepted,
        notified_to: today,
    })
}

fn nonempty<T>(v: Vec<T>) -> Option<Vec<T>> {
    (!v.is_empty()).then_some(v)
}

fn sample_reasons() -> Option<Reasons> {
    Reasons::new(vec!["理由".into()]).ok()
}

fn sample_remedies() -> Option<Remedies> {
    Remedies::new("人民政府", "人民法院").ok()
}

fn sample_non_acceptance(ground: NonAcceptanceGround) -> Option<NonAcceptance> {
    let reasons = sample_reasons()?;
    Some(match ground {
        NonAcceptanceGround::NoLicenceNeeded => NonAcceptance::NoLicenceNeeded { reasons },
        NonAcceptanceGround::NotCompetent => NonAcceptance::NotCompetent {
            reasons,
            competent_authority: "有权机关".into(),
            remedies: sample_remedies()?,
        },
        NonAcceptanceGround::MaterialsNotCorrected => NonAcceptance::MaterialsNotCorrected {
            reasons,
            remedies: sample_remedies()?,
        },
        NonAcceptanceGround::FalseMaterials => NonAcceptance::FalseMaterials {
            reasons,
            remedies: sample_remedies()?,
        },
    })
}

fn sample_decision(outcome: DecisionOutcome) -> Option<Decision> {
    Some(match outcome {
        DecisionOutcome::Approve => Decision::APPROVE,
        DecisionOutcome::Refuse => {
            Decision::Refuse(Refusal::new(vec!["理由".into()], sample_remedies()?).ok()?)
        }
    })
}
