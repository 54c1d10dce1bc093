//! The events of a case (办件), in the words of the Licensing Law.
//!
//! A case is its history: [`CaseEvent`]s are appended to the ledger and folded into a
//! [`Case`](super::Case). Every event carries the date it took legal effect (China Standard
//! Time) and the member of staff who recorded it; the legal clocks are computed from these
//! dates alone. Serialized with a `kind` tag whose values never change (see
//! [`CaseEvent::kind`]).

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime, UtcOffset};

use crate::calendar::iso_date;
use crate::catalog::SpecialProcedureKind;
use crate::org::StaffId;

use super::error::CaseError;
use super::hearing::HearingEvent;
use super::ids::{CaseNumber, MaterialRef};
use super::person::Applicant;
use super::query_code::StoredQueryCode;
pub use super::snapshot::ItemSnapshot;
use super::status::CaseStatus;
use super::terms::{CommandKind, ExtensionAuthority, ReviewKind};

/// China Standard Time (UTC+8), in which the bureau's legal days begin and end.
pub const CHINA_STANDARD_TIME: UtcOffset = time::macros::offset!(+8);

/// The legal date of an instant: its calendar day in China Standard Time.
#[must_use]
pub fn legal_date(at: OffsetDateTime) -> Date {
    at.to_offset(CHINA_STANDARD_TIME).date()
}

/// How the application arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 窗口: at a hall window.
    Window,
    /// 网上: through the online portal.
    Online,
}

/// The receipt of an application (收件), which opens the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Received {
    /// 办件编号.
    pub case_number: CaseNumber,
    /// 查询码 given to the applicant at receipt, as the case keeps it (a keyed digest).
    pub query_code: StoredQueryCode,
    /// Window or online.
    pub channel: Channel,
    /// The item applied for, as the catalog stated it on receipt.
    pub item: ItemSnapshot,
    /// Who applies.
    pub applicant: Applicant,
    /// Documents received.
    pub materials: Vec<MaterialRef>,
    /// 住所 / 经营场所 (issue #18 item 4; absent when not given and in every receipt before). A
    /// natural person's is personal data: it stays in the private body (no public field names
    /// it) and never enters a sealed document or the licence; an organisation's is printed on
    /// its licence as its name is ([`Received::holder_address`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<super::address::Address>,
    /// Clerk who registered the application.
    pub received_by: StaffId,
    /// When the materials were received: for an online application the platform's submission
    /// time (Art. 33, `case::submission`), else the registration.
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    /// The licence a renewal, change or cancellation application is about (issue #21; absent
    /// in first applications and in every case received before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<crate::licence::LicenceLink>,
    /// The "one thing" bundle application this case belongs to (issue #20 item 2; absent in
    /// single applications and in every case received before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle: Option<crate::bundle::BundleLink>,
    /// When the clerk registered it; absent in receipts recorded before issue #21 item 9.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub registered_at: Option<OffsetDateTime>,
    /// The 告知承诺 the applicant signed at intake (issue #19 item 5, `crate::commitment`);
    /// absent when none was signed and in every receipt before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitment: Option<crate::commitment::SignedCommitment>,
    /// 委托代理 or 帮办代办 (issue #19 item 3; absent when the applicant filed in person and
    /// in every receipt before). Personal data: the private body only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub representation: Option<super::representation::Representation>,
}

impl Received {
    /// The address a licence may show publicly: an organisation's (public like its name),
    /// never a natural person's.
    #[must_use]
    pub fn holder_address(&self) -> Option<&str> {
        match self.applicant {
            Applicant::Organisation { .. } => {
                self.address.as_ref().map(super::address::Address::as_str)
            }
            Applicant::NaturalPerson { .. } => None,
        }
    }

    /// The receipt day, from which the one-time notice window runs (Art. 32(4)).
    #[must_use]
    pub fn received_on(&self) -> Date {
        legal_date(self.received_at)
    }
}

/// What is wrong with one material in a one-time notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeProblem {
    /// 缺少.
    Missing,
    /// 不符合法定形式 / 需更正.
    Incorrect,
}

/// One entry of a one-time notice (一次性告知).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeItem {
    /// Material concerned.
    pub material: String,
    /// Missing or incorrect.
    pub problem: NoticeProblem,
    /// What the applicant must supply or correct.
    pub detail: String,
}

/// Reasons for a refusal or a non-acceptance: at least one, none blank (Art. 38).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<String>", into = "Vec<String>")]
pub struct Reasons(Vec<String>);

impl Reasons {
    /// Checks the reasons.
    ///
    /// # Errors
    /// [`CaseError::NoReasons`] for an empty list, [`CaseError::Blank`] for a blank reason.
    pub fn new(reasons: Vec<String>) -> Result<Self, CaseError> {
        if reasons.is_empty() {
            return Err(CaseError::NoReasons);
        }
        if reasons.iter().any(|r| r.trim().is_empty()) {
            return Err(CaseError::Blank("reason"));
        }
        Ok(Self(reasons))
    }

    /// The reasons, in order.
    #[must_use]
    pub fn as_slice(&self) -> &[String] {
        &self.0
    }
}

impl TryFrom<Vec<String>> for Reasons {
    type Error = CaseError;
    fn try_from(v: Vec<String>) -> Result<Self, CaseError> {
        Self::new(v)
    }
}

impl From<Reasons> for Vec<String> {
    fn from(r: Reasons) -> Self {
        r.0
    }
}

/// The remedy statement every refusal must carry (Art. 38): where the applicant may apply for
/// administrative reconsideration (行政复议法 Art. 20: within 60 days) and where it may sue
/// (行政诉讼法 Art. 46: within 6 months).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RemediesData", into = "RemediesData")]
pub struct Remedies {
    reconsideration: String,
    litigation: String,
}

#[derive(Serialize, Deserialize)]
struct RemediesData {
    reconsideration: String,
    litigation: String,
}

impl Remedies {
    /// `reconsideration`: the reconsideration body (e.g. 济南市人民政府); `litigation`: the
    /// competent court (e.g. 济南市历下区人民法院).
    ///
    /// # Errors
    /// [`CaseError::RemediesMissing`] when either is blank.
    pub fn new(
        reconsideration: impl Into<String>,
        litigation: impl Into<String>,
    ) -> Result<Self, CaseError> {
        let (reconsideration, litigation) = (reconsideration.into(), litigation.into());
        if reconsideration.trim().is_empty() {
            return Err(CaseError::RemediesMissing("administrative reconsideration"));
        }
        if litigation.trim().is_empty() {
            return Err(CaseError::RemediesMissing("administrative litigation"));
        }
        Ok(Self {
            reconsideration,
            litigation,
        })
    }

    /// The reconsideration body.
    #[must_use]
    pub fn reconsideration(&self) -> &str {
        &self.reconsideration
    }

    /// The competent court.
    #[must_use]
    pub fn litigation(&self) -> &str {
        &self.litigation
    }

    /// The statement printed on the decision.
    #[must_use]
    pub fn to_chinese(&self) -> String {
        format!(
            "如不服本决定，可以自知道该行政行为之日起六十日内向{}申请行政复议，\
             也可以自知道该行政行为之日起六个月内向{}提起行政诉讼。",
            self.reconsideration, self.litigation
        )
    }
}

impl TryFrom<RemediesData> for Remedies {
    type Error = CaseError;
    fn try_from(d: RemediesData) -> Result<Self, CaseError> {
        Self::new(d.reconsideration, d.litigation)
    }
}

impl From<Remedies> for RemediesData {
    fn from(r: Remedies) -> Self {
        Self {
            reconsideration: r.reconsideration,
            litigation: r.litigation,
        }
    }
}

/// 不予许可: a refusal can only be built with reasons and the remedy statement (Art. 38).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    reasons: Reasons,
    remedies: Remedies,
    /// Art. 78: refused because the applicant concealed facts or gave false materials (on an
    /// item bearing on public safety this bans a new application for a year).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    false_materials: bool,
}

impl Refusal {
    /// A refusal for `reasons`, stating `remedies`.
    ///
    /// # Errors
    /// [`CaseError::NoReasons`] or [`CaseError::Blank`] when the reasons are missing.
    pub fn new(reasons: Vec<String>, remedies: Remedies) -> Result<Self, CaseError> {
        Ok(Self {
            reasons: Reasons::new(reasons)?,
            remedies,
            false_materials: false,
        })
    }

    /// The same refusal, for concealed facts or false materials (Art. 78).
    #[must_use]
    pub fn for_false_materials(mut self) -> Self {
        self.false_materials = true;
        self
    }

    /// Whether the refusal is for concealed facts or false materials (Art. 78).
    #[must_use]
    pub const fn false_materials(&self) -> bool {
        self.false_materials
    }

    /// Why the licence is refused.
    #[must_use]
    pub fn reasons(&self) -> &[String] {
        self.reasons.as_slice()
    }

    /// Where the applicant may seek redress.
    #[must_use]
    pub fn remedies(&self) -> &Remedies {
        &self.remedies
    }
}

/// Why an application is not accepted (Art. 32(1), (2), (4)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "ground", rename_all = "snake_case")]
pub enum NonAcceptance {
    /// Art. 32(1): no licence is needed; the applicant is told at once. BLZT 4 不受理.
    NoLicenceNeeded {
        /// Why.
        reasons: Reasons,
    },
    /// Art. 32(2): not this agency's power; redirect the applicant. BLZT 5 不予受理.
    NotCompetent {
        /// Why.
        reasons: Reasons,
        /// The agency to apply to instead.
        competent_authority: String,
        /// Remedy statement.
        remedies: Remedies,
    },
    /// The materials were still incomplete after the one-time notice. BLZT 5 不予受理.
    MaterialsNotCorrected {
        /// What is still missing.
        reasons: Reasons,
        /// Remedy statement.
        remedies: Remedies,
    },
    /// Art. 78: the applicant concealed facts or gave false materials. BLZT 5 不予受理; on an
    /// item bearing on public safety it bans a new application for a year.
    FalseMaterials {
        /// What was concealed or false.
        reasons: Reasons,
        /// Remedy statement.
        remedies: Remedies,
    },
}

impl NonAcceptance {
    /// The status this outcome emits.
    #[must_use]
    pub const fn status(&self) -> CaseStatus {
        match self {
            Self::NoLicenceNeeded { .. } => CaseStatus::NotAccepted,
            Self::NotCompetent { .. }
            | Self::MaterialsNotCorrected { .. }
            | Self::FalseMaterials { .. } => CaseStatus::AcceptanceRefused,
        }
    }
}

/// The decision on the application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Decision {
    /// 准予行政许可. BLZT 11.
    Approve {
        /// 许可范围 / 经营项目 as granted (issue #18 item 4); absent: the item's default
        /// ([`ItemSnapshot::default_scope`]), and in every grant recorded before.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scope: Option<String>,
    },
    /// 容缺通过: approved with non-essential materials to follow. BLZT 12.
    ApproveWithDeferredMaterials {
        /// Materials the applicant still owes, at least one.
        materials: Vec<String>,
    },
    /// 不予行政许可. BLZT 13.
    Refuse(Refusal),
}

/// Longest 许可范围 an approver may grant, in characters.
pub const SCOPE_MAX: usize = 500;

impl Decision {
    /// 准予行政许可 with the item's default scope.
    pub const APPROVE: Self = Self::Approve { scope: None };

    /// The status this decision emits.
    #[must_use]
    pub const fn status(&self) -> CaseStatus {
        match self {
            Self::Approve { .. } => CaseStatus::Approved,
            Self::ApproveWithDeferredMaterials { .. } => CaseStatus::ApprovedWithDeferredMaterials,
            Self::Refuse(_) => CaseStatus::Refused,
        }
    }

    /// What a grant licenses (许可范围), as the decision and the certificate print it: the
    /// approver's words, else the item's default; `None` for a refusal.
    #[must_use]
    pub fn granted_scope(&self, item: &ItemSnapshot) -> Option<String> {
        match self {
            Self::Approve { scope: Some(s) } => Some(s.clone()),
            Self::Approve { scope: None } | Self::ApproveWithDeferredMaterials { .. } => {
                Some(item.default_scope())
            }
            Self::Refuse(_) => None,
        }
    }
}

/// How the decision document reached the applicant (Art. 44).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryMethod {
    /// 窗口领取.
    Window,
    /// 邮寄.
    Post,
    /// 电子送达.
    Electronic,
}

impl DeliveryMethod {
    /// Chinese name.
    #[must_use]
    pub const fn name_zh(self) -> &'static str {
        match self {
            Self::Window => "窗口领取",
            Self::Post => "邮寄送达",
            Self::Electronic => "电子送达",
        }
    }
}

/// One fact in a case's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CaseEvent {
    /// 收件: opens the case. BLZT 1.
    Received(Box<Received>),
    /// 一次性告知: every missing or incorrect material, once (Art. 32(4)). BLZT 6.
    OneTimeNoticeIssued {
        /// Clerk.
        by: StaffId,
        /// Everything to correct, at least one entry.
        items: Vec<NoticeItem>,
        /// Date of the notice.
        #[serde(with = "iso_date")]
        on: Date,
    },
    /// 补正材料已收到. BLZT 7.
    SupplementReceived {
        /// Clerk.
        by: StaffId,
        /// Documents received.
        materials: Vec<MaterialRef>,
        /// Receipt date.
        #[serde(with = "iso_date")]
        on: Date,
    },
    /// 受理 (Art. 32(5)); `deemed` when the notice window was missed (Art. 32(4)) and the
    /// acceptance takes effect on the receipt day. BLZT 3.
    Accepted {
        /// Clerk who accepted, or recorded the deemed acceptance.
        by: StaffId,
        /// Deemed acceptance.
        deemed: bool,
        /// Acceptance date: the receipt day when deemed.
        #[serde(with = "iso_date")]
        on: Date,
    },
    /// 不受理 / 不予受理. BLZT 4 or 5.
    NotAccepted {
        /// Clerk.
        by: StaffId,
        /// Ground, reasons and remedies.
        outcome: NonAcceptance,
        /// Date of the voucher.
        #[serde(with = "iso_date")]
        on: Date,
    },
    /// One internal review step. BLZT 8.
    ReviewStep {
        /// 初审, 审核, 现场勘查 or 会签.
        step: ReviewKind,
        /// Reviewer.
        reviewer: StaffId,
        /// Opinion (private).
        opinion: String,
        /// Whether the step examined the substance (Art. 34: at least two staff).
        substantive: bool,
        /// Date.
        #[serde(with = "iso_date")]
        on: Date,
    },
    /// 转办: handed to another reviewer.
    Transferred {
        /// Who handed it over.
        by: StaffId,
        /// New reviewer.
        to: StaffId,
        /// Why (private).
        reason: String,
        /// Date.
        #[serde(with = "iso_date")]
        on: Date,
    },
    /// 退回: back to an earlier step, whose result and everything after it no longer count.
    Returned {
        /// Who sent it back.
        by: StaffId,
        /// Step to redo.
        to_step: ReviewKind,
        /// Why (private).
        reason: String,
        /// Date.
        #[serde(with = "iso_date")]
        on: Date,
    },
    /// 特别程序开始: the decision clock stops (Art. 45). BLZT 9.
    SpecialProcedureStarted {
        /// Reviewer.
        by: StaffId,
        /// Which procedure.
        procedure: SpecialProcedureKind,
        /// Reference of the written notice telling the applicant the time needed.
        notice_reference: String,
        /// First paused day.
        #[serde(with = "iso_date")]
        on: Date,
    },
    /// 特别程序结束: the clock runs again from the next day. BLZT 10.
    SpecialProcedureEnded {
        /// Reviewer.
        by: StaffId,
        /// Last paused day.
        #[serde(with = "iso_date")]
        on: Date,
    },
    /// 延长办理期限 (Art. 42).
    ExtensionApproved {
        /// The bureau head who approved (or recorded the government head's approval).
        approved_by: StaffId,
        /// Whose approval.
        authority: ExtensionAuthority,
        /// Working days added.
        working_days: u32,
        /// Reason told to the applicant.
        reason: String,
        /// Approval date.
        #[serde(with = "iso_date")]
        on: Date,
        /// Date the applicant was told; absent when the notice follows the approval (recorded
        /// then as [`CaseEvent::ExtensionNotified`]; Art. 42 sets no order between the two).
        #[serde(
            default,
            with = "iso_date::option",
            skip_serializing_if = "Option::is_none"
        )]
        applicant_notified_on: Option<Date>,
    },
    /// 延期告知: the applicant was told of the extensions approved without a notice (Art. 42:
    /// "并应当将延长期限的理由告知申请人").
    ExtensionNotified {
        /// Who recorded the notice.
        by: StaffId,
        /// The day the applicant was told.
        #[serde(with = "iso_date")]
        on: Date,
    },
    /// 利害关系人与听证 (Art. 36, 46–48): one act, see `hearing.rs`.
    Hearing(Box<HearingEvent>),
    /// 作出决定. BLZT 11, 12 or 13.
    Decided {
        /// Approving official.
        approver: StaffId,
        /// The decision.
        decision: Decision,
        /// When it was made.
        #[serde(with = "time::serde::rfc3339")]
        decided_at: OffsetDateTime,
    },
    /// 送达 (Art. 44: within 10 working days of the decision).
    Delivered {
        /// Clerk.
        by: StaffId,
        /// Window, post or electronic.
        method: DeliveryMethod,
        /// Delivery date.
        #[serde(with = "iso_date")]
        on: Date,
    },
    /// 当场决定 (Art. 34(2)): the approving official takes the complete application to an
    /// acceptance and a grant on the spot; the two follow at once (`case::on_spot`).
    OnTheSpot {
        /// Approving official.
        by: StaffId,
        /// The item's provision that allows it.
        source: String,
        /// Date.
        #[serde(with = "iso_date")]
        on: Date,
    },
    /// 容缺受理 (issue #19 item 6): materials agreed to follow, or received (`case::deferral`).
    Deferral(Box<super::deferral::DeferralEvent>),
    /// 撤件: the applicant withdrew the application before the decision. BLZT 2.
    Withdrawn {
        /// Clerk who recorded the withdrawal.
        by: StaffId,
        /// Date.
        #[serde(with = "iso_date")]
        on: Date,
    },
}

impl CaseEvent {
    /// Every `kind` tag, in lifecycle order.
    pub const KINDS: [&'static str; 18] = [
        "received",
        "one_time_notice_issued",
        "supplement_received",
        "accepted",
        "not_accepted",
        "review_step",
        "transferred",
        "returned",
        "special_procedure_started",
        "special_procedure_ended",
        "extension_approved",
        "extension_notified",
        "hearing",
        "decided",
        "delivered",
        "withdrawn",
        "on_the_spot",
        "deferral",
    ];

    /// The stable `kind` tag.
    #[must_use]
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::Received(_) => "received",
            Self::OneTimeNoticeIssued { .. } => "one_time_notice_issued",
            Self::SupplementReceived { .. } => "supplement_received",
            Self::Accepted { .. } => "accepted",
            Self::NotAccepted { .. } => "not_accepted",
            Self::ReviewStep { .. } => "review_step",
            Self::Transferred { .. } => "transferred",
            Self::Returned { .. } => "returned",
            Self::SpecialProcedureStarted { .. } => "special_procedure_started",
            Self::SpecialProcedureEnded { .. } => "special_procedure_ended",
            Self::ExtensionApproved { .. } => "extension_approved",
            Self::ExtensionNotified { .. } => "extension_notified",
            Self::Hearing(_) => "hearing",
            Self::Decided { .. } => "decided",
            Self::Delivered { .. } => "delivered",
            Self::Withdrawn { .. } => "withdrawn",
            Self::OnTheSpot { .. } => "on_the_spot",
            Self::Deferral(_) => "deferral",
        }
    }

    /// The step's Chinese name, as the case page lists it.
    #[must_use]
    pub const fn name_zh(&self) -> &'static str {
        match self {
            Self::Received(_) => "收件",
            Self::OneTimeNoticeIssued { .. } => "一次性告知补正",
            Self::SupplementReceived { .. } => "收到补正材料",
            Self::Accepted { .. } => "受理",
            Self::NotAccepted { .. } => "不予受理",
            Self::ReviewStep { .. } => "审查",
            Self::Transferred { .. } => "转办",
            Self::Returned { .. } => "退回",
            Self::SpecialProcedureStarted { .. } => "特别程序开始（计时暂停）",
            Self::SpecialProcedureEnded { .. } => "特别程序结束",
            Self::ExtensionApproved { .. } => "批准延期",
            Self::ExtensionNotified { .. } => "告知延期",
            Self::Hearing(_) => "利害关系人与听证",
            Self::Decided { .. } => "作出决定（已签章）",
            Self::Delivered { .. } => "送达",
            Self::Withdrawn { .. } => "撤回",
            Self::OnTheSpot { .. } => "当场决定",
            Self::Deferral(_) => "容缺受理",
        }
    }

    /// The kind of command that records this event; `None` for the receipt, which opens the
    /// case instead of changing it.
    #[must_use]
    pub const fn step(&self) -> Option<CommandKind> {
        Some(match self {
            Self::Received(_) => return None,
            Self::OneTimeNoticeIssued { .. } => CommandKind::OneTimeNotice,
            Self::SupplementReceived { .. } => CommandKind::Supplement,
            Self::Accepted { .. } => CommandKind::Accept,
            Self::NotAccepted { .. } => CommandKind::RefuseAcceptance,
            Self::ReviewStep { .. } => CommandKind::Review,
            Self::Transferred { .. } => CommandKind::Transfer,
            Self::Returned { .. } => CommandKind::Return,
            Self::SpecialProcedureStarted { .. } => CommandKind::StartSpecialProcedure,
            Self::SpecialProcedureEnded { .. } => CommandKind::EndSpecialProcedure,
            Self::ExtensionApproved { .. } => CommandKind::Extend,
            Self::ExtensionNotified { .. } => CommandKind::NotifyExtension,
            Self::Hearing(_) => CommandKind::Hearing,
            Self::Decided { .. } => CommandKind::Decide,
            Self::Delivered { .. } => CommandKind::Deliver,
            Self::Withdrawn { .. } => CommandKind::Withdraw,
            Self::OnTheSpot { .. } => CommandKind::DecideOnSpot,
            Self::Deferral(_) => CommandKind::Deferral,
        })
    }

    /// The date the event took legal effect (China Standard Time).
    #[must_use]
    pub fn date(&self) -> Date {
        match self {
            Self::Received(r) => r.received_on(),
            Self::Decided { decided_at, .. } => legal_date(*decided_at),
            Self::Hearing(h) => h.on,
            Self::Deferral(d) => d.on,
            Self::OneTimeNoticeIssued { on, .. }
            | Self::SupplementReceived { on, .. }
            | Self::Accepted { on, .. }
            | Self::NotAccepted { on, .. }
            | Self::ReviewStep { on, .. }
            | Self::Transferred { on, .. }
            | Self::Returned { on, .. }
            | Self::SpecialProcedureStarted { on, .. }
            | Self::SpecialProcedureEnded { on, .. }
            | Self::ExtensionApproved { on, .. }
            | Self::ExtensionNotified { on, .. }
            | Self::Delivered { on, .. }
            | Self::Withdrawn { on, .. }
            | Self::OnTheSpot { on, .. } => *on,
        }
    }

    /// The member of staff who recorded the event.
    #[must_use]
    pub fn actor(&self) -> &StaffId {
        match self {
            Self::Received(r) => &r.received_by,
            Self::ReviewStep { reviewer, .. } => reviewer,
            Self::ExtensionApproved { approved_by, .. } => approved_by,
            Self::Decided { approver, .. } => approver,
            Self::Hearing(h) => &h.by,
            Self::Deferral(d) => &d.by,
            Self::OneTimeNoticeIssued { by, .. }
            | Self::SupplementReceived { by, .. }
            | Self::Accepted { by, .. }
            | Self::NotAccepted { by, .. }
            | Self::Transferred { by, .. }
            | Self::Returned { by, .. }
            | Self::SpecialProcedureStarted { by, .. }
            | Self::SpecialProcedureEnded { by, .. }
            | Self::ExtensionNotified { by, .. }
            | Self::Delivered { by, .. }
            | Self::Withdrawn { by, .. }
            | Self::OnTheSpot { by, .. } => by,
        }
    }
}
