//! Three small vocabularies of a case: the kinds of command staff may give, its internal review
//! steps, and who may extend the decision limit.
//!
//! Apart from the events (`event.rs`) because the errors (`error.rs`) name them too while the
//! events return those errors: both import this module, neither the other.

use serde::{Deserialize, Serialize};

use crate::access::Action;
use crate::org::Role;

/// What a command does, without its details: the `action` tag of the JSON API's command body,
/// the name a button carries, and who may give it. A refusal names the kind it refused, so
/// its message speaks of the step that was tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommandKind {
    /// 一次性告知补正.
    OneTimeNotice,
    /// 收到补正材料.
    Supplement,
    /// 受理.
    Accept,
    /// 不受理 / 不予受理.
    RefuseAcceptance,
    /// 审查 (one review step).
    Review,
    /// 转办.
    Transfer,
    /// 退回.
    Return,
    /// 开始特别程序.
    StartSpecialProcedure,
    /// 结束特别程序.
    EndSpecialProcedure,
    /// 批准延期.
    Extend,
    /// 告知延期 (Art. 42: the notice to the applicant may follow the approval).
    NotifyExtension,
    /// 利害关系人与听证 (Art. 36, 46–48): one act of `hearing::HearingAct`.
    Hearing,
    /// 作出审批决定.
    Decide,
    /// 送达.
    Deliver,
    /// 撤回申请 (the applicant's withdrawal, recorded by the clerk).
    Withdraw,
    /// 当场作出决定 (Art. 34(2)): acceptance and grant in one step, where the item allows it.
    DecideOnSpot,
    /// 容缺受理 and the receipt of the materials that follow (issue #19 item 6).
    Deferral,
}

impl CommandKind {
    /// Every kind, in lifecycle order.
    pub const ALL: [Self; 17] = [
        Self::OneTimeNotice,
        Self::Supplement,
        Self::Accept,
        Self::RefuseAcceptance,
        Self::Review,
        Self::Transfer,
        Self::Return,
        Self::StartSpecialProcedure,
        Self::EndSpecialProcedure,
        Self::Extend,
        Self::NotifyExtension,
        Self::Hearing,
        Self::Decide,
        Self::Deliver,
        Self::Withdraw,
        Self::DecideOnSpot,
        Self::Deferral,
    ];

    /// The `action` tag of the command's JSON body.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::OneTimeNotice => "one_time_notice",
            Self::Supplement => "supplement",
            Self::Accept => "accept",
            Self::RefuseAcceptance => "refuse_acceptance",
            Self::Review => "review",
            Self::Transfer => "transfer",
            Self::Return => "return",
            Self::StartSpecialProcedure => "start_special_procedure",
            Self::EndSpecialProcedure => "end_special_procedure",
            Self::Extend => "extend",
            Self::NotifyExtension => "notify_extension",
            Self::Hearing => "hearing",
            Self::Decide => "decide",
            Self::Deliver => "deliver",
            Self::Withdraw => "withdraw",
            Self::DecideOnSpot => "decide_on_spot",
            Self::Deferral => "deferral",
        }
    }

    /// The kind with this `action` tag.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Chinese name, as a button or a refusal names the step.
    #[must_use]
    pub const fn name_zh(self) -> &'static str {
        match self {
            Self::OneTimeNotice => "一次性告知补正",
            Self::Supplement => "收到补正材料",
            Self::Accept => "受理",
            Self::RefuseAcceptance => "不予受理",
            Self::Review => "审查",
            Self::Transfer => "转办",
            Self::Return => "退回",
            Self::StartSpecialProcedure => "开始特别程序",
            Self::EndSpecialProcedure => "结束特别程序",
            Self::Extend => "批准延期",
            Self::NotifyExtension => "告知延期",
            Self::Hearing => "利害关系人与听证",
            Self::Decide => "作出审批决定",
            Self::Deliver => "送达",
            Self::Withdraw => "撤回申请",
            Self::DecideOnSpot => "当场作出决定",
            Self::Deferral => "容缺受理",
        }
    }

    /// The role the actor needs (DESIGN.md §1).
    #[must_use]
    pub const fn required_role(self) -> Role {
        match self {
            Self::OneTimeNotice
            | Self::Supplement
            | Self::Accept
            | Self::RefuseAcceptance
            | Self::Deliver
            | Self::Withdraw
            | Self::Deferral => Role::Clerk,
            Self::Review
            | Self::Transfer
            | Self::Return
            | Self::StartSpecialProcedure
            | Self::EndSpecialProcedure
            | Self::NotifyExtension
            | Self::Hearing => Role::Reviewer,
            Self::Extend => Role::BureauHead,
            Self::Decide | Self::DecideOnSpot => Role::Approver,
        }
    }

    /// The guarded action `access::authorize` is asked about (the same split as the roles).
    #[must_use]
    pub const fn access_action(self) -> Action {
        match self.required_role() {
            Role::Reviewer => Action::ReviewCase,
            Role::Approver => Action::DecideCase,
            Role::BureauHead => Action::ApproveExtension,
            _ => Action::AcceptCase,
        }
    }

    /// Whether the step ends the procedure for good: a decision, a non-acceptance, the
    /// withdrawal or the delivery closes the case (or seals its outcome) and nothing undoes it,
    /// so the desk shows what will be decided and asks again before it is taken.
    #[must_use]
    pub const fn is_final(self) -> bool {
        matches!(
            self,
            Self::RefuseAcceptance
                | Self::Decide
                | Self::Deliver
                | Self::Withdraw
                | Self::DecideOnSpot
        )
    }
}

/// Internal review steps (domain.md §3: 120 初审, 130 审核, 160 现场勘查; 会签 for items
/// several units sign off).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewKind {
    /// 初审.
    InitialReview,
    /// 审核.
    Review,
    /// 现场勘查.
    SiteInspection,
    /// 会签.
    Countersign,
}

impl ReviewKind {
    /// Every step.
    pub const ALL: [Self; 4] = [
        Self::InitialReview,
        Self::Review,
        Self::SiteInspection,
        Self::Countersign,
    ];

    /// Stable code (the serde name).
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::InitialReview => "initial_review",
            Self::Review => "review",
            Self::SiteInspection => "site_inspection",
            Self::Countersign => "countersign",
        }
    }

    /// Chinese name.
    #[must_use]
    pub const fn name_zh(self) -> &'static str {
        match self {
            Self::InitialReview => "初审",
            Self::Review => "审核",
            Self::SiteInspection => "现场勘查",
            Self::Countersign => "会签",
        }
    }
}

/// Who approved an extension of the decision limit (Art. 42).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "head", rename_all = "snake_case")]
pub enum ExtensionAuthority {
    /// 本行政机关负责人: up to 10 working days in total.
    BureauHead,
    /// 本级人民政府负责人, for joint handling (统一/联合/集中办理): up to 15 working days.
    /// The approval comes from outside the bureau; the bureau head records it.
    GovernmentHead {
        /// Reference of the government's written approval.
        approval_reference: String,
    },
}

impl ExtensionAuthority {
    /// Working days this authority may add in total under the Licensing Law's general rule
    /// (Art. 42); an item's own law may allow more or none (`ItemSnapshot::extension_allowance`).
    #[must_use]
    pub const fn max_working_days(&self) -> u32 {
        match self {
            Self::BureauHead => 10,
            Self::GovernmentHead { .. } => 15,
        }
    }
}
