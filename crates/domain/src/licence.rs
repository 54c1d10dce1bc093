//! Licences after approval (行政许可证件): what can happen to a licence and who may do it.
//!
//! Licensing Law: 变更 (change) and 延续 (renewal, applied for ≥ 30 days before expiry; deemed granted
//! when undecided at expiry, Art. 50); 撤回 (withdrawal when the law or facts change, Art. 8,
//! compensable); 撤销 (revocation for an unlawful grant, Art. 69); 吊销 (revocation as a penalty by the
//! supervising department) after which the bureau cancels; 注销 (cancellation, Art. 70). Like cases,
//! licences are event-sourced and time is a parameter.
//!
//! Renewal, change and cancellation on the holder's application are cases linked to the licence
//! ([`application`]); revocation states its Art. 69 ground and whether compensation is owed
//! ([`revocation`]); the bans of Art. 78–79 are computed in [`ban`].

pub mod application;
pub mod ban;
pub mod cancel;
pub mod link;
pub mod revocation;
pub mod start;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use time::Date;

use crate::org::{DepartmentCode, StaffId};

pub use cancel::CancelReason;
pub use link::{LicenceLink, LicencePurpose};
pub use revocation::RevocationGround;

/// Years a licence is valid when the catalog does not say (demo default, shown as such).
pub const DEFAULT_VALIDITY_YEARS: i32 = 5;
/// Art. 50: renewal must be applied for this many days before expiry.
pub const RENEWAL_NOTICE_DAYS: i64 = 30;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LicenceStatus {
    Valid,
    Withdrawn,
    Revoked,
    PenaltyRevoked,
    Cancelled,
}

impl LicenceStatus {
    pub fn name_zh(self) -> &'static str {
        match self {
            LicenceStatus::Valid => "有效",
            LicenceStatus::Withdrawn => "已撤回",
            LicenceStatus::Revoked => "已撤销",
            LicenceStatus::PenaltyRevoked => "已吊销",
            LicenceStatus::Cancelled => "已注销",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LicenceEvent {
    Issued {
        licence_id: String,
        case_number: String,
        item_code: String,
        item_name: String,
        holder: String,
        valid_from: Date,
        valid_until: Date,
        /// Days before expiry a renewal must be applied for, where the item's law sets its own
        /// lead time (e.g. 60, 排污许可管理条例 Art. 14); absent: Art. 50's 30 (and in every
        /// licence issued before issue #21).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        renewal_lead_days: Option<u32>,
        /// 许可范围 as granted (issue #18 item 4; absent in licences issued before). Not a
        /// public ledger field: the approver types it (the register and the certificate show it).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scope: Option<String>,
        /// An organisation's 住所 / 经营场所 (never a natural person's: the licence record
        /// holds only what its certificate may show anyone).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        address: Option<String>,
        /// The last day to start the work, where the item's law sets one (建筑法 Art. 9: three
        /// months after the construction permit is received); absent otherwise.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        start_by: Option<Date>,
    },
    /// 开工 (建筑法 Art. 9): the licensed work started on `started_on`, as the holder reported
    /// (`by_holder`) or the bureau found.
    WorkStarted {
        started_on: Date,
        by_holder: bool,
        by: StaffId,
        on: Date,
    },
    /// 申请延期开工 (建筑法 Art. 9): before the start deadline, the holder asked to start later.
    StartExtensionRequested {
        by: StaffId,
        on: Date,
    },
    /// 准予延期开工 (建筑法 Art. 9): the issuing body granted the pending request; the work is
    /// to start by `start_by` (at most three months after the deadline it replaces).
    StartExtensionGranted {
        start_by: Date,
        by: StaffId,
        on: Date,
    },
    /// 不予延期开工: the pending request refused; the deadline stands. The reasons are typed
    /// by staff (private).
    StartExtensionRefused {
        reasons: String,
        by: StaffId,
        on: Date,
    },
    Changed {
        what: String,
        by: StaffId,
        on: Date,
    },
    RenewalApplied {
        on: Date,
        /// The renewal case (since issue #21; absent in older logs).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        case_number: Option<String>,
        /// The last day of validity a grant gives: the item's licence term added to the expiry.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        renew_until: Option<Date>,
    },
    /// The renewal case was refused (Art. 50): the licence ends at its expiry.
    RenewalRefused {
        case_number: String,
        on: Date,
    },
    Renewed {
        until: Date,
        deemed: bool,
        on: Date,
    },
    Withdrawn {
        reason: String,
        by: StaffId,
        on: Date,
    },
    Revoked {
        reason: String,
        fraud: bool,
        by: StaffId,
        on: Date,
        /// Art. 69's ground (since issue #21; absent in older logs).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ground: Option<RevocationGround>,
        /// Art. 69 para 4: whether compensation is owed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        compensation: Option<bool>,
    },
    PenaltyRevoked {
        department: DepartmentCode,
        decision_ref: String,
        on: Date,
    },
    Cancelled {
        reason: CancelReason,
        /// `None`: cancelled by operation of law after a penalty revocation (Art. 70(4)),
        /// recorded by the linkage with the department's decision as its cause.
        #[serde(default)]
        by: Option<StaffId>,
        on: Date,
    },
}

/// Fields of a licence event that may be published: codes, ids the system issued, dates, flags
/// and the holder's public label. Free text (`what`, `reason`, `decision_ref`) is not among them:
/// staff and departments type it, and it may name people.
const PUBLIC_FIELDS: &[&str] = &[
    "kind",
    "licence_id",
    "case_number",
    "item_code",
    "item_name",
    "holder",
    "valid_from",
    "valid_until",
    "until",
    "deemed",
    "fraud",
    "ground",
    "compensation",
    "department",
    "by",
    "on",
    "start_by",
    "started_on",
    "by_holder",
];

impl LicenceEvent {
    /// What the public register and the public ledger entry show of the event.
    pub fn public_view(&self) -> serde_json::Value {
        use serde_json::Value;
        let full = serde_json::to_value(self).unwrap_or(Value::Null);
        let mut out = serde_json::Map::new();
        if let Value::Object(map) = &full {
            for k in PUBLIC_FIELDS {
                if let Some(v) = map.get(*k) {
                    out.insert((*k).to_owned(), v.clone());
                }
            }
        }
        // A cancellation's reason is one of Art. 70's grounds (an enum), not text.
        if let LicenceEvent::Cancelled { reason, .. } = self {
            out.insert("reason".into(), serde_json::json!(reason));
        }
        Value::Object(out)
    }
}

impl LicenceEvent {
    /// [`Self::public_view`] with its dates written `YYYY-MM-DD`, for pages and the register.
    /// The public view itself keeps time's compact form: it is hashed into ledger entries and
    /// pushed to departments, and those bytes must not change.
    pub fn register_view(&self) -> serde_json::Value {
        let mut v = self.public_view();
        if let serde_json::Value::Object(map) = &mut v {
            for key in [
                "valid_from",
                "valid_until",
                "until",
                "on",
                "start_by",
                "started_on",
            ] {
                if let Some(slot) = map.get_mut(key)
                    && let Some(date) = compact_date(slot)
                {
                    *slot = serde_json::Value::String(date.to_string());
                }
            }
        }
        v
    }
}

/// A date in time's compact serde form, `[year, ordinal]`.
fn compact_date(v: &serde_json::Value) -> Option<Date> {
    let [y, d] = v.as_array()?.as_slice() else {
        return None;
    };
    let year = i32::try_from(y.as_i64()?).ok()?;
    let ordinal = u16::try_from(d.as_u64()?).ok()?;
    Date::from_ordinal_date(year, ordinal).ok()
}

/// A request about a licence; its serde form is the API body.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum LicenceCommand {
    Change {
        what: String,
    },
    ApplyRenewal,
    Renew,
    Withdraw {
        reason: String,
    },
    /// 撤销 (Art. 69): `ground` names the paragraph and item; without it, `fraud` means
    /// para 2 (deception) and its absence 69(1)(5). `rights_harmed`: the holder's lawful
    /// rights are harmed (compensation under para 4, para 1 only).
    Revoke {
        reason: String,
        #[serde(default)]
        fraud: bool,
        #[serde(default)]
        ground: Option<RevocationGround>,
        #[serde(default)]
        rights_harmed: bool,
    },
    Cancel {
        reason: CancelReason,
    },
    /// 开工 (建筑法 Art. 9): record the start of the work (`start::record_start`).
    RecordWorkStart {
        #[serde(with = "crate::calendar::iso_date")]
        started_on: Date,
        #[serde(default)]
        by_holder: bool,
    },
    /// 申请延期开工 (建筑法 Art. 9): the holder's request, before the deadline, to start later.
    RequestStartExtension,
    /// The issuing body's answer to the pending request (`start::decide_start_extension`): a
    /// grant names the new deadline, a refusal its reasons.
    DecideStartExtension {
        granted: bool,
        #[serde(default, with = "crate::calendar::iso_date::option")]
        new_start_by: Option<Date>,
        #[serde(default)]
        reasons: Option<String>,
    },
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum LicenceError {
    #[error("the licence is {0:?}, not valid")]
    NotValid(LicenceStatus),
    #[error("the licence is already cancelled")]
    Cancelled,
    #[error("renewal must be applied for at least {days} days before expiry on {until}")]
    RenewalTooLate { until: Date, days: i64 },
    #[error("no renewal was applied for")]
    NoRenewalApplied,
    #[error("a {0:?} licence cannot be cancelled for that reason")]
    CancelReason(LicenceStatus),
    #[error("a reason is required")]
    NoReason,
    #[error("the licence history is empty or does not start with its issue")]
    BadHistory,
    #[error("only the licence holder may apply")]
    NotHolder,
    #[error("the item does not allow a {0:?} on application")]
    PurposeNotAllowed(LicencePurpose),
    #[error("an application about the licence is already open (case {0})")]
    ApplicationPending(String),
    #[error("the licence expired on {0}")]
    Expired(Date),
    #[error("a renewal, or a cancellation on the holder's application, goes through a case")]
    ThroughCase,
    #[error("the revocation ground contradicts the fraud flag")]
    GroundMismatch,
    #[error("the item's law sets no start deadline for this licence")]
    NoStartDeadline,
    #[error("the start of work was already recorded")]
    AlreadyStarted,
    #[error("the start date {0} is outside the licence's issue and today")]
    StartDate(Date),
    #[error("the start deadline {0} has passed")]
    StartDeadlinePassed(Date),
    #[error("a later start was already requested")]
    StartExtensionPending,
    #[error("no request to start later is pending")]
    NoStartExtensionPending,
    #[error("the start was already extended twice (建筑法 Art. 9)")]
    StartExtensionsExhausted,
    #[error("the new start deadline {asked} is not after {current} or beyond {latest}")]
    StartExtensionDate {
        current: Date,
        latest: Date,
        asked: Date,
    },
    #[error("a grant names the new deadline and no reasons, a refusal reasons and no date")]
    StartExtensionDecision,
    #[error("the permit lapsed after its start deadline {0}")]
    StartLapsed(Date),
}

impl LicenceError {
    pub fn code(&self) -> &'static str {
        match self {
            LicenceError::NotValid(_) => "licence_not_valid",
            LicenceError::Cancelled => "licence_cancelled",
            LicenceError::RenewalTooLate { .. } => "renewal_too_late",
            LicenceError::NoRenewalApplied => "no_renewal_applied",
            LicenceError::CancelReason(_) => "cancel_reason",
            LicenceError::NoReason => "reasons_missing",
            LicenceError::BadHistory => "licence_history",
            LicenceError::NotHolder => "not_licence_holder",
            LicenceError::PurposeNotAllowed(_) => "application_not_allowed",
            LicenceError::ApplicationPending(_) => "application_pending",
            LicenceError::Expired(_) => "licence_expired",
            LicenceError::ThroughCase => "through_case",
            LicenceError::GroundMismatch => "revocation_ground",
            LicenceError::NoStartDeadline => "no_start_deadline",
            LicenceError::AlreadyStarted => "work_already_started",
            LicenceError::StartDate(_) => "start_date",
            LicenceError::StartDeadlinePassed(_) => "start_deadline_passed",
            LicenceError::StartExtensionPending => "start_extension_pending",
            LicenceError::NoStartExtensionPending => "no_start_extension_pending",
            LicenceError::StartExtensionsExhausted => "start_extensions_exhausted",
            LicenceError::StartExtensionDate { .. } => "start_extension_date",
            LicenceError::StartExtensionDecision => "start_extension_decision",
            LicenceError::StartLapsed(_) => "start_lapsed",
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            LicenceError::NotValid(s) => format!("证照当前状态为“{}”，不能办理此项", s.name_zh()),
            LicenceError::Cancelled => "证照已注销".into(),
            LicenceError::RenewalTooLate { until, days } => {
                format!("延续申请应在有效期届满（{until}）{days}日前提出")
            }
            LicenceError::NoRenewalApplied => "尚未提出延续申请".into(),
            LicenceError::CancelReason(s) => {
                format!("状态为“{}”的证照不能以此理由注销", s.name_zh())
            }
            LicenceError::NoReason => "必须说明理由".into(),
            LicenceError::BadHistory => "证照历史记录不完整".into(),
            LicenceError::NotHolder => {
                "只有被许可人（统一社会信用代码或身份证号码与证照一致）可以申请".into()
            }
            LicenceError::PurposeNotAllowed(p) => {
                format!("该事项的法律未规定可依申请办理{}", p.name_zh())
            }
            LicenceError::ApplicationPending(n) => {
                format!("该证照已有在办的申请（办件{n}），办结后再申请")
            }
            LicenceError::Expired(d) => {
                format!("证照有效期已于{d}届满，不能延续，应重新申请")
            }
            LicenceError::ThroughCase => {
                "延续申请和被许可人申请注销应作为办件受理、审查和决定".into()
            }
            LicenceError::GroundMismatch => {
                "撤销理由与“欺骗、贿赂”标记不一致（第六十九条第二款）".into()
            }
            LicenceError::NoStartDeadline => "该事项的法律未规定开工期限".into(),
            LicenceError::AlreadyStarted => "已记录开工".into(),
            LicenceError::StartDate(d) => {
                format!("开工日期{d}应在领取许可证之日至今日之间")
            }
            LicenceError::StartDeadlinePassed(d) => format!(
                "开工期限已于{d}届满，不能再申请延期（《中华人民共和国建筑法》第九条：应当在期满前申请）"
            ),
            LicenceError::StartExtensionPending => "已申请延期开工，尚待决定".into(),
            LicenceError::NoStartExtensionPending => "没有待决定的延期开工申请".into(),
            LicenceError::StartExtensionsExhausted => {
                "延期以两次为限，已准予延期两次，不能再申请延期（《中华人民共和国建筑法》第九条）"
                    .into()
            }
            LicenceError::StartExtensionDate {
                current,
                latest,
                asked,
            } => format!(
                "延期后的开工期限{asked}应晚于现开工期限{current}，且每次延期不超过三个月（至迟{latest}，《中华人民共和国建筑法》第九条）"
            ),
            LicenceError::StartExtensionDecision => {
                "准予延期的，写明延期后的开工期限；不予延期的，说明理由，不写期限".into()
            }
            LicenceError::StartLapsed(d) => format!(
                "开工期限{d}届满时既未开工也无待决定的延期申请，施工许可证已自行废止，此后开工应重新领取施工许可证（《中华人民共和国建筑法》第九条）"
            ),
        }
    }
}

/// A licence as its events describe it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Licence {
    pub licence_id: String,
    pub holder: String,
    pub item_name: String,
    pub status: LicenceStatus,
    pub version: u32,
    /// ISO dates: a register is read by people (`[2026,340]` was time's compact form).
    #[serde(with = "crate::calendar::iso_date")]
    pub valid_until: Date,
    #[serde(with = "crate::calendar::iso_date::option")]
    pub renewal_applied_on: Option<Date>,
    /// Days before expiry a renewal must be applied for (Art. 50, or the item's law).
    pub renewal_lead_days: i64,
    /// The open renewal, change or cancellation case, if any.
    pub application_case: Option<String>,
    /// What a granted (or deemed) renewal extends the validity to.
    #[serde(with = "crate::calendar::iso_date::option")]
    pub renew_until: Option<Date>,
    /// The day a renewal was refused: the licence ends at its expiry.
    #[serde(with = "crate::calendar::iso_date::option")]
    pub renewal_refused_on: Option<Date>,
    /// 许可范围, when the grant recorded one (issue #18 item 4).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// An organisation holder's 住所 / 经营场所, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// 建筑法 Art. 9: the last day to start the work (none where the item's law sets no limit).
    #[serde(with = "crate::calendar::iso_date::option")]
    pub start_by: Option<Date>,
    /// The day the work started, once recorded.
    #[serde(with = "crate::calendar::iso_date::option")]
    pub work_started_on: Option<Date>,
    /// The day of the holder's request to start later that the bureau has not decided yet.
    #[serde(with = "crate::calendar::iso_date::option")]
    pub start_extension_requested_on: Option<Date>,
    /// Extensions granted so far (建筑法 Art. 9: at most two); `start_by` is the last one's.
    pub start_extensions_granted: u8,
    /// The day the last request was refused, if it was.
    #[serde(with = "crate::calendar::iso_date::option")]
    pub start_extension_refused_on: Option<Date>,
    /// The issue day (the start of work cannot precede it).
    #[serde(skip)]
    issued_on: Option<Date>,
}

impl Licence {
    pub fn apply(events: &[LicenceEvent]) -> Result<Self, LicenceError> {
        let Some(LicenceEvent::Issued {
            licence_id,
            holder,
            item_name,
            valid_from,
            valid_until,
            renewal_lead_days,
            scope,
            address,
            start_by,
            ..
        }) = events.first()
        else {
            return Err(LicenceError::BadHistory);
        };
        let mut l = Licence {
            licence_id: licence_id.clone(),
            holder: holder.clone(),
            item_name: item_name.clone(),
            status: LicenceStatus::Valid,
            version: 1,
            valid_until: *valid_until,
            renewal_applied_on: None,
            renewal_lead_days: renewal_lead_days.map_or(RENEWAL_NOTICE_DAYS, i64::from),
            application_case: None,
            renew_until: None,
            renewal_refused_on: None,
            scope: scope.clone(),
            address: address.clone(),
            start_by: *start_by,
            work_started_on: None,
            start_extension_requested_on: None,
            start_extensions_granted: 0,
            start_extension_refused_on: None,
            issued_on: Some(*valid_from),
        };
        for e in &events[1..] {
            l.evolve(e);
        }
        Ok(l)
    }

    fn evolve(&mut self, e: &LicenceEvent) {
        match e {
            LicenceEvent::Issued { .. } => {}
            LicenceEvent::Changed { .. } => self.version += 1,
            LicenceEvent::RenewalApplied {
                on,
                case_number,
                renew_until,
            } => {
                self.renewal_applied_on = Some(*on);
                self.application_case.clone_from(case_number);
                self.renew_until = *renew_until;
            }
            LicenceEvent::RenewalRefused { on, .. } => {
                self.renewal_applied_on = None;
                self.application_case = None;
                self.renew_until = None;
                self.renewal_refused_on = Some(*on);
            }
            LicenceEvent::Renewed { until, .. } => {
                self.valid_until = *until;
                self.renewal_applied_on = None;
                self.application_case = None;
                self.renew_until = None;
            }
            LicenceEvent::Withdrawn { .. } => self.status = LicenceStatus::Withdrawn,
            LicenceEvent::Revoked { .. } => self.status = LicenceStatus::Revoked,
            LicenceEvent::PenaltyRevoked { .. } => self.status = LicenceStatus::PenaltyRevoked,
            LicenceEvent::Cancelled { .. } => self.status = LicenceStatus::Cancelled,
            LicenceEvent::WorkStarted { started_on, .. } => {
                self.work_started_on = Some(*started_on);
            }
            LicenceEvent::StartExtensionRequested { on, .. } => {
                self.start_extension_requested_on = Some(*on);
            }
            LicenceEvent::StartExtensionGranted { start_by, .. } => {
                self.start_by = Some(*start_by);
                self.start_extensions_granted = self.start_extensions_granted.saturating_add(1);
                self.start_extension_requested_on = None;
            }
            LicenceEvent::StartExtensionRefused { on, .. } => {
                self.start_extension_requested_on = None;
                self.start_extension_refused_on = Some(*on);
            }
        }
    }

    fn require_valid(&self) -> Result<(), LicenceError> {
        match self.status {
            LicenceStatus::Valid => Ok(()),
            LicenceStatus::Cancelled => Err(LicenceError::Cancelled),
            s => Err(LicenceError::NotValid(s)),
        }
    }

    /// Art. 50: a renewal applied for in time but not decided by expiry is deemed granted.
    pub fn deemed_renewal(&self, today: Date) -> Option<LicenceEvent> {
        (self.status == LicenceStatus::Valid
            && self.renewal_applied_on.is_some()
            && today > self.valid_until)
            .then(|| LicenceEvent::Renewed {
                until: self
                    .renew_until
                    .unwrap_or_else(|| add_years(self.valid_until, DEFAULT_VALIDITY_YEARS)),
                deemed: true,
                on: today,
            })
    }

    pub fn handle(
        &self,
        cmd: LicenceCommand,
        by: &StaffId,
        today: Date,
    ) -> Result<Vec<LicenceEvent>, LicenceError> {
        let by = by.clone();
        let non_empty = |s: String| {
            if s.trim().is_empty() {
                Err(LicenceError::NoReason)
            } else {
                Ok(s)
            }
        };
        Ok(vec![match cmd {
            LicenceCommand::Change { what } => {
                self.require_valid()?;
                LicenceEvent::Changed {
                    what: non_empty(what)?,
                    by,
                    on: today,
                }
            }
            LicenceCommand::ApplyRenewal => {
                // Since issue #21 a renewal is a case linked to the licence (`application`);
                // this command only answers for what older clients send.
                return Err(LicenceError::ThroughCase);
            }
            LicenceCommand::Renew => {
                self.require_valid()?;
                // A renewal case is decided and sealed like any case, never renewed by hand.
                if self.application_case.is_some() {
                    return Err(LicenceError::ThroughCase);
                }
                if self.renewal_applied_on.is_none() {
                    return Err(LicenceError::NoRenewalApplied);
                }
                LicenceEvent::Renewed {
                    until: self
                        .renew_until
                        .unwrap_or_else(|| add_years(self.valid_until, DEFAULT_VALIDITY_YEARS)),
                    deemed: false,
                    on: today,
                }
            }
            LicenceCommand::Withdraw { reason } => {
                self.require_valid()?;
                LicenceEvent::Withdrawn {
                    reason: non_empty(reason)?,
                    by,
                    on: today,
                }
            }
            LicenceCommand::Revoke {
                reason,
                fraud,
                ground,
                rights_harmed,
            } => {
                self.require_valid()?;
                let ground =
                    revocation::ground_of(ground, fraud).ok_or(LicenceError::GroundMismatch)?;
                LicenceEvent::Revoked {
                    reason: non_empty(reason)?,
                    fraud: ground.is_fraud(),
                    by,
                    on: today,
                    ground: Some(ground),
                    compensation: Some(ground.compensation_owed(rights_harmed)),
                }
            }
            LicenceCommand::Cancel { reason } => {
                if reason == CancelReason::HolderApplication {
                    return Err(LicenceError::ThroughCase);
                }
                let fits = match self.status {
                    LicenceStatus::Cancelled => return Err(LicenceError::Cancelled),
                    LicenceStatus::Valid => {
                        reason != CancelReason::WithdrawnRevokedOrPenalised
                            && (reason != CancelReason::Expired || today > self.valid_until)
                    }
                    _ => reason == CancelReason::WithdrawnRevokedOrPenalised,
                };
                if !fits {
                    return Err(LicenceError::CancelReason(self.status));
                }
                LicenceEvent::Cancelled {
                    reason,
                    by: Some(by),
                    on: today,
                }
            }
            LicenceCommand::RecordWorkStart {
                started_on,
                by_holder,
            } => self.record_start(started_on, by_holder, by, today)?,
            LicenceCommand::RequestStartExtension => self.request_start_extension(by, today)?,
            LicenceCommand::DecideStartExtension {
                granted,
                new_start_by,
                reasons,
            } => self.decide_start_extension(granted, new_start_by, reasons, by, today)?,
        }])
    }

    /// A supervising department's penalty (吊销), recorded on the licence.
    pub fn penalise(
        &self,
        department: DepartmentCode,
        decision_ref: String,
        today: Date,
    ) -> Result<LicenceEvent, LicenceError> {
        self.require_valid()?;
        if decision_ref.trim().is_empty() {
            return Err(LicenceError::NoReason);
        }
        Ok(LicenceEvent::PenaltyRevoked {
            department,
            decision_ref,
            on: today,
        })
    }
}

impl Licence {
    /// The bureau's cancellation (注销) that follows a penalty revocation (吊销, Art. 70(4)).
    pub fn cancel_after_penalty(&self, today: Date) -> Result<LicenceEvent, LicenceError> {
        if self.status != LicenceStatus::PenaltyRevoked {
            return Err(LicenceError::CancelReason(self.status));
        }
        Ok(LicenceEvent::Cancelled {
            reason: CancelReason::WithdrawnRevokedOrPenalised,
            by: None,
            on: today,
        })
    }
}

/// The same day `years` later (29 February becomes 28 February).
pub fn add_years(d: Date, years: i32) -> Date {
    let y = d.year() + years;
    Date::from_calendar_date(y, d.month(), d.day())
        .or_else(|_| Date::from_calendar_date(y, d.month(), d.day().saturating_sub(1)))
        .unwrap_or(d)
}

/// The last day of a licence granted on `from` for `term` (the item's law, e.g. 5 years for a
/// pollutant discharge permit); [`DEFAULT_VALIDITY_YEARS`] when no law sets one. A month term
/// ends on the same day of the month (the month's last day when it has none).
#[must_use]
pub fn valid_until(from: Date, term: Option<crate::catalog::TimeLimit>) -> Date {
    use crate::catalog::LimitUnit;
    let Some(term) = term else {
        return add_years(from, DEFAULT_VALIDITY_YEARS);
    };
    match term.unit {
        LimitUnit::Months => {
            let months = i64::from(from.month() as u8) - 1 + i64::from(term.value);
            let year = from.year() + i32::try_from(months / 12).unwrap_or(0);
            let month = time::Month::try_from(u8::try_from(months % 12 + 1).unwrap_or(1))
                .unwrap_or(time::Month::January);
            let last = month.length(year);
            Date::from_calendar_date(year, month, from.day().min(last)).unwrap_or(from)
        }
        LimitUnit::Days | LimitUnit::WorkingDays => from
            .checked_add(time::Duration::days(i64::from(term.value)))
            .unwrap_or(from),
    }
}

#[cfg(test)]
mod application_tests;
#[cfg(test)]
mod start_decision_tests;
#[cfg(test)]
mod start_tests;
#[cfg(test)]
mod tests;
