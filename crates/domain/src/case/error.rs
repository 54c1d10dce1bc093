//! Errors of the case module.
//!
//! Policy: [`ParseError`] is for text that crosses the boundary (a form field, a path segment,
//! a stored column) and fails to parse into one of the case identifiers. [`CaseError`] is for
//! commands and histories the law or the workflow does not allow. Both carry a stable
//! machine code (`code()`) for the API and a Chinese message (`message_zh()` / `reason_zh()`)
//! for the clerk; the English `Display` text is for logs.

use time::Date;

use crate::calendar::CalendarError;
use crate::catalog::{CodeError, SpecialProcedureKind};
use crate::org::{Role, StaffId};

use super::phone_problem::PhoneProblem;
use super::status::CaseStatus;
use super::terms::{CommandKind, ExtensionAuthority, ReviewKind};

/// The identifier a [`ParseError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// 办件编号.
    CaseNumber,
    /// 查询码.
    QueryCode,
    /// 居民身份证号码.
    IdNumber,
    /// 联系电话 (a mobile or a landline).
    PhoneNumber,
    /// SHA-256 digest of a material file.
    Sha256,
}

impl Field {
    /// English name for messages.
    #[must_use]
    pub const fn name_en(self) -> &'static str {
        match self {
            Self::CaseNumber => "case number",
            Self::QueryCode => "query code",
            Self::IdNumber => "ID card number",
            Self::PhoneNumber => "phone number",
            Self::Sha256 => "SHA-256 digest",
        }
    }

    /// Chinese name for messages.
    #[must_use]
    pub const fn name_zh(self) -> &'static str {
        match self {
            Self::CaseNumber => "办件编号",
            Self::QueryCode => "查询码",
            Self::IdNumber => "居民身份证号码",
            Self::PhoneNumber => "联系电话",
            Self::Sha256 => "SHA-256摘要",
        }
    }
}

/// Why a case identifier was rejected. Positions are 1-based, as a clerk counts them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Wrong number of characters.
    #[error("{} must be {expected} characters long, got {actual}", .field.name_en())]
    Length {
        /// Identifier concerned.
        field: Field,
        /// Required length.
        expected: usize,
        /// Length found.
        actual: usize,
    },
    /// A character outside the identifier's alphabet.
    #[error("{} has the invalid character {found:?} at position {position}", .field.name_en())]
    Character {
        /// Identifier concerned.
        field: Field,
        /// 1-based position.
        position: usize,
        /// Offending character.
        found: char,
    },
    /// The check character does not match the others.
    #[error("{} check character is {found:?} but the other characters give {expected:?}", .field.name_en())]
    CheckCharacter {
        /// Identifier concerned.
        field: Field,
        /// Check character found.
        found: char,
        /// Check character computed.
        expected: char,
    },
    /// An embedded date (birth date, case date) that does not exist.
    #[error("{} contains the invalid date {text:?}", .field.name_en())]
    Date {
        /// Identifier concerned.
        field: Field,
        /// The eight digits read as YYYYMMDD.
        text: String,
    },
    /// A case number whose first six digits are not a division code.
    #[error("case number has an invalid division code: {0}")]
    Division(CodeError),
    /// The daily serial of a case number is 0 or above 999999.
    #[error("case number serial {0} is outside 1..=999999")]
    Serial(u32),
    /// A phone number that is neither a mobile nor a landline with area code.
    #[error("{}", .0.reason_en())]
    Phone(PhoneProblem),
}

impl ParseError {
    /// The same reason in Chinese.
    #[must_use]
    pub fn reason_zh(&self) -> String {
        match self {
            Self::Length {
                field,
                expected,
                actual,
            } => format!("{}应为{expected}位，实际为{actual}位", field.name_zh()),
            Self::Character {
                field,
                position,
                found,
            } => format!("{}第{position}位字符“{found}”不合法", field.name_zh()),
            Self::CheckCharacter {
                field,
                found,
                expected,
            } => format!(
                "{}校验码为“{found}”，按其余各位计算应为“{expected}”",
                field.name_zh()
            ),
            Self::Date { field, text } => {
                format!("{}中的日期“{text}”不存在", field.name_zh())
            }
            Self::Division(e) => format!("办件编号的行政区划代码无效：{}", e.reason_zh()),
            Self::Serial(n) => format!("办件编号流水号{n}超出1至999999"),
            Self::Phone(p) => p.reason_zh(),
        }
    }
}

/// Why a command or a history was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    /// Art. 50: a timely renewal not decided by the licence's expiry is deemed granted; it
    /// can no longer be refused.
    #[error("the renewal was deemed granted when the licence expired on {0} undecided")]
    RenewalDeemedGranted(Date),
    /// A history with no events.
    #[error("a case history must start with its receipt, but it is empty")]
    EmptyHistory,
    /// The first event is not the receipt.
    #[error("the first event of a case must be its receipt, got {0}")]
    HistoryWithoutReceipt(&'static str),
    /// A second receipt.
    #[error("the case has already been received")]
    AlreadyReceived,
    /// Any act on a case that is withdrawn, not accepted or delivered.
    #[error("the case is closed (status {0})")]
    Closed(CaseStatus),
    /// The actor lacks the role the act needs.
    #[error("the {} role is required", .0.name_en())]
    MissingRole(Role),
    /// An event dated before the case's latest event.
    #[error("an event dated {date} is earlier than the case's last event on {last}")]
    DateOutOfOrder {
        /// Date of the refused event.
        date: Date,
        /// Date of the latest event so far.
        last: Date,
    },
    /// The date inside the case number is not the receipt date.
    #[error("the case number is dated {number} but the application was received on {received}")]
    CaseNumberDate {
        /// Date in the case number.
        number: Date,
        /// Receipt date (China Standard Time).
        received: Date,
    },
    /// A required text is empty or only whitespace.
    #[error("{0} must not be blank")]
    Blank(&'static str),
    /// A list that must not be empty is empty.
    #[error("{0} must list at least one entry")]
    EmptyList(&'static str),
    /// A refusal or non-acceptance without reasons (Art. 38).
    #[error("a refusal must state at least one reason (Licensing Law Art. 38)")]
    NoReasons,
    /// A refusal or non-acceptance without the remedy statement (Art. 38).
    #[error("a refusal must state the right to {0} (Licensing Law Art. 38)")]
    RemediesMissing(&'static str),
    /// A one-time notice listing nothing.
    #[error("the one-time notice must list every missing or incorrect material, at least one")]
    EmptyNotice,
    /// A second one-time notice.
    #[error("the one-time notice was already issued on {0}; it may be issued only once")]
    NoticeAlreadyIssued(Date),
    /// The 5-working-day window for the one-time notice has passed (Art. 32(4)).
    #[error(
        "the one-time notice was due by {due}; the application counts as accepted from its receipt on {received}"
    )]
    DeemedAccepted {
        /// Last day of the notice window.
        due: Date,
        /// Receipt date, from which acceptance is deemed.
        received: Date,
    },
    /// A supplement or a "not corrected" refusal without a prior one-time notice.
    #[error("no one-time notice was issued for this case")]
    NoNoticeIssued,
    /// Accepting while the supplement the notice asked for has not arrived.
    #[error("the supplement requested on {0} has not been received")]
    SupplementPending(Date),
    /// A second supplement.
    #[error("the supplement was already received on {0}")]
    SupplementAlreadyReceived(Date),
    /// A step of the acceptance phase (accepting, the notice, the supplement, refusing
    /// acceptance) after acceptance.
    #[error("the case was already accepted on {on}; {} is a step before acceptance", .step.code())]
    AlreadyAccepted {
        /// Acceptance date.
        on: Date,
        /// The step that was tried.
        step: CommandKind,
    },
    /// An act of the review phase before acceptance.
    #[error("the case has not been accepted; {} comes after acceptance", .0.code())]
    NotAccepted(CommandKind),
    /// A deemed acceptance dated other than on the receipt day, or after a notice.
    #[error(
        "a deemed acceptance takes effect on the receipt day {received} and only without a notice"
    )]
    InvalidDeemedAcceptance {
        /// Receipt date.
        received: Date,
    },
    /// Any act before the decision tried after it.
    #[error("the case was already decided on {on}; {} comes before the decision", .step.code())]
    AlreadyDecided {
        /// Decision date.
        on: Date,
        /// The step that was tried.
        step: CommandKind,
    },
    /// Delivering before the decision.
    #[error("the case has not been decided")]
    NotDecided,
    /// Deciding with fewer than two distinct staff in substantive review (the item's policy).
    #[error("the item's review policy needs two staff in substantive review; {0} found")]
    TooFewReviewers(usize),
    /// The clerk who accepted the case tries to approve it.
    #[error("{0} accepted this case and may not also decide it")]
    SameAcceptorAndApprover(StaffId),
    /// A member of staff who reviewed the case tries to decide it: the decision is a second,
    /// independent look, not the reviewer's own finding signed twice.
    #[error("{0} reviewed this case and may not also decide it")]
    ReviewerMayNotDecide(StaffId),
    /// A special procedure the item's catalog entry does not list.
    #[error("the item does not list the special procedure {}", .0.code())]
    ProcedureNotListed(SpecialProcedureKind),
    /// A special procedure is open: no second one, no decision.
    #[error("the special procedure {} has been open since {since}", .kind.code())]
    ProcedureOpen {
        /// Open procedure.
        kind: SpecialProcedureKind,
        /// Its first day.
        since: Date,
    },
    /// Ending a special procedure when none is open.
    #[error("no special procedure is open")]
    NoOpenProcedure,
    /// An extension of zero working days.
    #[error("an extension must add at least one working day")]
    ZeroExtension,
    /// Extensions beyond what Art. 42 allows.
    #[error(
        "an extension of {requested} working days exceeds the allowance: {used} of {allowed} already used"
    )]
    ExtensionExceedsAllowance {
        /// Working days asked for.
        requested: u32,
        /// Working days already granted.
        used: u32,
        /// Total allowed for this case.
        allowed: u32,
    },
    /// The wrong head approved an extension (bureau vs government head).
    #[error("this case's extension needs the approval of the {}", .required.name_en())]
    WrongExtensionAuthority {
        /// The authority this case requires.
        required: ExtensionAuthorityKind,
    },
    /// An extension of an item whose own law fixes its limit (Art. 42: "法律、法规另有规定的，
    /// 依照其规定"), e.g. the construction permit (建筑法 Art. 8).
    #[error("the item's law fixes its time limit ({provision}); no extension may be approved")]
    ExtensionNotAllowed {
        /// The provision that fixes the limit.
        provision: String,
    },
    /// A special procedure whose time Art. 45 does not exclude (现场核查, Art. 34).
    #[error(
        "{0:?} is part of the review and runs inside the time limit (Art. 45 does not exclude it)"
    )]
    NotExcludedTime(SpecialProcedureKind),
    /// 容缺 at the decision stage: approving with materials still owed.
    #[error("approval with materials still owed is not a decision; 容缺受理 belongs at acceptance")]
    DeferredMaterialsAtDecision,
    /// A 许可范围 longer than [`super::event::SCOPE_MAX`] characters.
    #[error("the licence scope is too long: at most {max} characters, got {actual}")]
    ScopeTooLong {
        /// The limit.
        max: usize,
        /// Characters given.
        actual: usize,
    },
    /// An extension approved after the current statutory deadline.
    #[error("the statutory deadline {due} has passed; an extension must be approved within it")]
    ExtensionTooLate {
        /// Current statutory due date.
        due: Date,
    },
    /// The applicant's notification of an extension is dated outside acceptance..=approval.
    #[error(
        "the applicant must be notified between acceptance on {from} and approval on {to}, not on {notified}"
    )]
    NotificationDate {
        /// Date given.
        notified: Date,
        /// Acceptance date.
        from: Date,
        /// Approval date.
        to: Date,
    },
    /// Recording the notice of an extension when every extension was already notified.
    #[error("no approved extension is waiting for its notice to the applicant")]
    NoExtensionToNotify,
    /// Returning the case to a step that was never taken.
    #[error("there is no {} step to return to", .0.code())]
    NoStepToReturnTo(ReviewKind),
    /// Transferring the case to the person who already holds it.
    #[error("the case is already with {0}")]
    TransferToSameReviewer(StaffId),
    /// An act of the hearing procedure, or a decision it forbids (Art. 36, 46–48).
    #[error(transparent)]
    Hearing(super::hearing_error::HearingError),
    /// The calendar cannot answer (a year whose holiday notice is not loaded …).
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// An online submission time refused (Art. 33, `case::submission`).
    #[error(transparent)]
    Submission(#[from] super::item_errors::SubmissionError),
    /// An on-the-spot decision or a supplement-window refusal refused (`case::on_spot`).
    #[error(transparent)]
    OnSpot(super::item_errors::OnSpotError),
    /// 容缺受理 (`case::deferral`).
    #[error(transparent)]
    Deferral(super::deferral_error::DeferralError),
}

/// The two heads who may approve an extension, without the approval details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExtensionAuthorityKind {
    /// 本行政机关负责人.
    BureauHead,
    /// 本级人民政府负责人.
    GovernmentHead,
}

impl ExtensionAuthorityKind {
    /// English name.
    #[must_use]
    pub const fn name_en(self) -> &'static str {
        match self {
            Self::BureauHead => "bureau head",
            Self::GovernmentHead => "head of the government at the same level",
        }
    }

    /// Chinese name.
    #[must_use]
    pub const fn name_zh(self) -> &'static str {
        match self {
            Self::BureauHead => "本行政机关负责人",
            Self::GovernmentHead => "本级人民政府负责人",
        }
    }
}

impl From<&ExtensionAuthority> for ExtensionAuthorityKind {
    fn from(a: &ExtensionAuthority) -> Self {
        match a {
            ExtensionAuthority::BureauHead => Self::BureauHead,
            ExtensionAuthority::GovernmentHead { .. } => Self::GovernmentHead,
        }
    }
}

impl CaseError {
    /// Stable machine code for the API; never reworded.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::RenewalDeemedGranted(_) => "renewal_deemed_granted",
            Self::EmptyHistory => "empty_history",
            Self::HistoryWithoutReceipt(_) => "history_without_receipt",
            Self::AlreadyReceived => "already_received",
            Self::Closed(_) => "case_closed",
            Self::MissingRole(_) => "missing_role",
            Self::DateOutOfOrder { .. } => "date_out_of_order",
            Self::CaseNumberDate { .. } => "case_number_date",
            Self::Blank(_) => "blank_text",
            Self::EmptyList(_) => "empty_list",
            Self::NoReasons => "reasons_missing",
            Self::RemediesMissing(_) => "remedies_missing",
            Self::EmptyNotice => "notice_empty",
            Self::NoticeAlreadyIssued(_) => "notice_already_issued",
            Self::DeemedAccepted { .. } => "deemed_accepted",
            Self::NoNoticeIssued => "no_notice_issued",
            Self::SupplementPending(_) => "supplement_pending",
            Self::SupplementAlreadyReceived(_) => "supplement_already_received",
            Self::AlreadyAccepted { .. } => "already_accepted",
            Self::NotAccepted(_) => "not_accepted",
            Self::InvalidDeemedAcceptance { .. } => "invalid_deemed_acceptance",
            Self::AlreadyDecided { .. } => "already_decided",
            Self::NotDecided => "not_decided",
            Self::TooFewReviewers(_) => "too_few_reviewers",
            Self::SameAcceptorAndApprover(_) => "separation_of_duties",
            Self::ReviewerMayNotDecide(_) => "separation_of_duties_reviewer",
            Self::ProcedureNotListed(_) => "procedure_not_listed",
            Self::ProcedureOpen { .. } => "procedure_open",
            Self::NoOpenProcedure => "no_open_procedure",
            Self::ZeroExtension => "extension_zero",
            Self::ExtensionExceedsAllowance { .. } => "extension_exceeds_allowance",
            Self::WrongExtensionAuthority { .. } => "extension_wrong_authority",
            Self::ExtensionTooLate { .. } => "extension_too_late",
            Self::ExtensionNotAllowed { .. } => "extension_not_allowed",
            Self::NotExcludedTime(_) => "not_excluded_time",
            Self::DeferredMaterialsAtDecision => "deferred_materials_at_decision",
            Self::ScopeTooLong { .. } => "scope_too_long",
            Self::NotificationDate { .. } => "notification_date",
            Self::NoExtensionToNotify => "no_extension_to_notify",
            Self::NoStepToReturnTo(_) => "no_step_to_return_to",
            Self::TransferToSameReviewer(_) => "transfer_to_same_reviewer",
            Self::Hearing(e) => e.code(),
            Self::Calendar(_) => "calendar",
            Self::Submission(e) => e.code(),
            Self::OnSpot(e) => e.code(),
            Self::Deferral(e) => e.code(),
        }
    }

    /// The reason in Chinese, for the clerk's screen.
    #[must_use]
    pub fn message_zh(&self) -> String {
        match self {
            Self::RenewalDeemedGranted(d) => format!(
                "证照有效期已于{d}届满而延续申请未作决定，依行政许可法第五十条视为准予延续，不能再作不予延续的决定"
            ),
            Self::EmptyHistory => "办件记录为空，应以接件开始".to_owned(),
            Self::HistoryWithoutReceipt(kind) => {
                format!("办件记录应以接件开始，实际首个事件为{kind}")
            }
            Self::AlreadyReceived => "该办件已接件，不能重复接件".to_owned(),
            Self::Closed(status) => format!("办件已终结（{}），不能再办理", status.name_zh()),
            Self::MissingRole(role) => format!("需要“{}”角色", role.name_zh()),
            Self::DateOutOfOrder { date, last } => {
                format!("事件日期{date}早于该办件上一事件日期{last}")
            }
            Self::CaseNumberDate { number, received } => {
                format!("办件编号中的日期{number}与接件日期{received}不一致")
            }
            Self::Blank(field) => format!("{}不能为空", field_zh(field)),
            Self::EmptyList(field) => format!("{}至少应列明一项", field_zh(field)),
            Self::NoReasons => "不予许可或不予受理应当说明理由（行政许可法第三十八条）".to_owned(),
            Self::RemediesMissing(what) => format!(
                "不予许可应当告知申请人享有依法申请行政复议或者提起行政诉讼的权利，缺少{}",
                field_zh(what)
            ),
            Self::EmptyNotice => {
                "一次性告知应当列明需要补正的全部内容，至少一项（行政许可法第三十二条）".to_owned()
            }
            Self::NoticeAlreadyIssued(on) => {
                format!("已于{on}一次性告知补正，不能再次告知")
            }
            Self::DeemedAccepted { due, received } => format!(
                "一次性告知期限已于{due}届满，依行政许可法第三十二条，自收到申请材料之日{received}起即为受理"
            ),
            Self::NoNoticeIssued => "该办件未发出一次性告知".to_owned(),
            Self::SupplementPending(on) => format!("{on}告知补正的材料尚未收到"),
            Self::SupplementAlreadyReceived(on) => format!("补正材料已于{on}收到"),
            Self::AlreadyAccepted {
                on,
                step: CommandKind::Accept,
            } => format!("该办件已于{on}受理，不能重复受理"),
            Self::AlreadyAccepted { on, step } => {
                format!("该办件已于{on}受理，“{}”只能在受理前办理", step.name_zh())
            }
            Self::NotAccepted(step) => {
                format!("该办件尚未受理，“{}”须在受理后办理", step.name_zh())
            }
            Self::InvalidDeemedAcceptance { received } => {
                format!("视为受理只能在未发出一次性告知时、以收到申请材料之日{received}为受理日")
            }
            Self::AlreadyDecided { on, step } => {
                format!("该办件已于{on}作出决定，不能再“{}”", step.name_zh())
            }
            Self::NotDecided => "该办件尚未作出决定，不能送达".to_owned(),
            Self::TooFewReviewers(n) => {
                format!("本事项的审批制度要求两名以上工作人员进行实质审查（本局规定，非法定要求），目前仅{n}人")
            }
            Self::SameAcceptorAndApprover(staff) => {
                format!("{staff}受理了该办件，不能再作出审批决定（本局审批分离制度，非法定要求）")
            }
            Self::ReviewerMayNotDecide(staff) => {
                format!("{staff}审查了该办件，不能再作出审批决定（审批分离）")
            }
            Self::ProcedureNotListed(kind) => {
                format!("该事项的特别程序清单中没有“{}”", kind.name_zh())
            }
            Self::ProcedureOpen { kind, since } => {
                format!("特别程序“{}”自{since}起尚未结束", kind.name_zh())
            }
            Self::NoOpenProcedure => "没有正在进行的特别程序".to_owned(),
            Self::ZeroExtension => "延长期限至少为1个工作日".to_owned(),
            Self::ExtensionExceedsAllowance {
                requested,
                used,
                allowed,
            } => format!(
                "申请延长{requested}个工作日，已延长{used}个工作日，合计超过可延长的{allowed}个工作日（行政许可法第四十二条）"
            ),
            Self::WrongExtensionAuthority { required } => {
                format!("该办件延长期限应当经{}批准", required.name_zh())
            }
            Self::ExtensionNotAllowed { provision } => format!(
                "该事项的办理期限由{provision}规定，不适用行政许可法第四十二条的延长，不得批准延期"
            ),
            Self::NotExcludedTime(kind) => format!(
                "“{}”属于审查的一部分，所需时间计入办理期限（行政许可法第四十五条仅排除听证、招标、拍卖、检验、检测、检疫、鉴定和专家评审）",
                kind.name_zh()
            ),
            Self::ScopeTooLong { max, actual } => {
                format!("许可范围过长：最多{max}个字，实际{actual}个字")
            }
            Self::DeferredMaterialsAtDecision => "审批决定阶段不得“容缺通过”：容缺受理应在受理环节，对列入清单的事项，由申请人书面承诺并约定补交期限".to_owned(),
            Self::ExtensionTooLate { due } => {
                format!("法定办结期限已于{due}届满，延长期限应当在期限内批准")
            }
            Self::NotificationDate { notified, from, to } => {
                format!("告知申请人的日期{notified}应在受理日{from}至批准日{to}之间")
            }
            Self::NoExtensionToNotify => "没有尚未告知申请人的延长期限".to_owned(),
            Self::NoStepToReturnTo(kind) => format!("没有可退回的“{}”环节", kind.name_zh()),
            Self::TransferToSameReviewer(staff) => format!("该办件已由{staff}办理"),
            Self::Hearing(e) => e.message_zh(),
            Self::Calendar(e) => match e {
                CalendarError::YearNotLoaded(year) => {
                    format!("尚未导入{year}年工作日历，无法计算期限")
                }
                other => format!("工作日历无法计算：{other}"),
            },
            Self::Submission(e) => e.message_zh(),
            Self::OnSpot(e) => e.message_zh(),
            Self::Deferral(e) => e.message_zh(),
        }
    }
}

/// Chinese names of the fields named in [`CaseError::Blank`], [`CaseError::EmptyList`] and
/// [`CaseError::RemediesMissing`].
fn field_zh(field: &str) -> &str {
    match field {
        "applicant name" => "申请人名称",
        "item name" => "事项名称",
        "material name" => "材料名称",
        "notice detail" => "告知补正内容",
        "reason" => "理由",
        "opinion" => "审查意见",
        "notice reference" => "书面告知文书编号",
        "competent authority" => "有权机关",
        "approval reference" => "批准文件",
        "supplement materials" => "补正材料",
        "deferred materials" => "容缺材料",
        "administrative reconsideration" => "行政复议机关",
        "administrative litigation" => "行政诉讼法院",
        other => other,
    }
}
