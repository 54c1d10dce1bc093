//! Joint review (会签 / 联合审查 / 现场核查): during the review of a case the bureau asks one or
//! more departments for their opinion, with a deadline in working days, and each asked
//! department answers — agree, agree with conditions, or disagree — by itself and for itself.
//!
//! Once the items sit in one bureau, most cases still need another body: the former
//! department's technical staff for a site check, a vertical department, a utility. The bureau
//! decides; the opinion informs the decision. Each request to one department is a
//! *consultation*, event-sourced like a push (`linkage`): asked → (reminded → escalated) →
//! answered. An unanswered consultation is reminded on its due date and escalated to the
//! department and the bureau's inspectors after the jurisdiction's escalation period, and the
//! monitoring rule `consultation_overdue` raises an alert the day after the due date.
//!
//! The legal clock: Licensing Law Art. 45 excludes from the decision limit only the time of
//! hearings, bidding, auctions, inspection, testing, quarantine, appraisal and expert review
//! (`catalog::SpecialProcedureKind`, started on the case as a special procedure with a written
//! notice to the applicant). Asking a department for its opinion is none of these: the clock runs
//! on while the bureau waits ([`CLOCK_NOTE_ZH`]), and a request whose due date falls after the
//! case's statutory due date is flagged when asked.
//!
//! Privacy: the question the bureau typed and the text the department answered are free text
//! about an application (and may name natural persons): they live in the event's private body
//! and the private projection; the public ledger entry names only ids, codes, dates, the
//! opinion's kind and the number of attachments.
//!
//! Pure: no I/O, no clock; dates come from the caller.

use serde::{Deserialize, Serialize};
use thiserror::Error;
use time::Date;

use crate::calendar::iso_date;
use crate::case::CaseStatus;
use crate::linkage::Claimant;
use crate::org::{DepartmentCode, StaffId};

/// The fewest and most working days a department may be given to answer.
pub const DUE_DAYS: std::ops::RangeInclusive<u32> = 1..=30;
/// The most departments one request may ask at once.
pub const MAX_DEPARTMENTS: usize = 10;
/// The longest question or opinion text, in characters.
pub const MAX_TEXT_CHARS: usize = 2000;
/// The most attachments one opinion may cite.
pub const MAX_ATTACHMENTS: usize = 10;

/// What the case page says about the clock while departments are asked (Art. 45).
pub const CLOCK_NOTE_ZH: &str = "征求部门意见（会签、联合审查、现场核查）所需时间计入办理期限，不暂停计时：\
《中华人民共和国行政许可法》第四十五条只将听证、招标、拍卖、检验、检测、检疫、鉴定和专家评审所需时间排除在期限之外。\
需要检验、检测、检疫、鉴定或专家评审的，应当启动特别程序并书面告知申请人所需时间。";

/// A department's opinion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Opinion {
    /// 同意.
    Agree,
    /// 有条件同意: the conditions are in the text.
    Conditional,
    /// 不同意: the reasons are in the text.
    Disagree,
}

impl Opinion {
    /// Every opinion, as the answer form offers them.
    pub const ALL: [Self; 3] = [Self::Agree, Self::Conditional, Self::Disagree];

    /// The stable code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Agree => "agree",
            Self::Conditional => "conditional",
            Self::Disagree => "disagree",
        }
    }

    /// Chinese name.
    #[must_use]
    pub const fn name_zh(self) -> &'static str {
        match self {
            Self::Agree => "同意",
            Self::Conditional => "有条件同意",
            Self::Disagree => "不同意",
        }
    }

    /// Parses a code.
    #[must_use]
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.code() == code)
    }

    /// Conditions and reasons must be written down.
    #[must_use]
    pub const fn needs_text(self) -> bool {
        !matches!(self, Self::Agree)
    }
}

/// The facts of a new consultation: one department asked about one case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsultationAsked {
    pub consultation_id: String,
    pub case_number: String,
    pub item_code: String,
    pub department: DepartmentCode,
    /// What the bureau asks (private free text).
    pub question: String,
    pub asked_by: StaffId,
    #[serde(with = "iso_date")]
    pub asked_on: Date,
    pub due_working_days: u32,
    #[serde(with = "iso_date")]
    pub due_on: Date,
    #[serde(with = "iso_date")]
    pub escalate_on: Date,
}

/// One step of a consultation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ConsultationEvent {
    Asked(ConsultationAsked),
    /// The due date came and no opinion was given.
    Reminded {
        #[serde(with = "iso_date")]
        on: Date,
    },
    /// Still unanswered after the escalation period: the department's head and the bureau's
    /// inspectors are told.
    Escalated {
        #[serde(with = "iso_date")]
        on: Date,
        department: DepartmentCode,
        inspectors: Vec<StaffId>,
    },
    /// The department's opinion.
    Answered {
        department: DepartmentCode,
        by: Claimant,
        #[serde(with = "iso_date")]
        on: Date,
        opinion: Opinion,
        /// The opinion's text: conditions, reasons (private free text).
        text: String,
        /// Files of the material store the opinion cites (hex SHA-256 digests).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachments: Vec<String>,
        late: bool,
    },
}

impl ConsultationEvent {
    /// The stable step name.
    #[must_use]
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::Asked(_) => "asked",
            Self::Reminded { .. } => "reminded",
            Self::Escalated { .. } => "escalated",
            Self::Answered { .. } => "answered",
        }
    }

    /// What anyone may read: ids, codes, dates, the opinion's kind and how many files it cites;
    /// never the question or the opinion's text.
    #[must_use]
    pub fn public_view(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            Self::Asked(a) => json!({
                "type": "asked", "case_number": a.case_number, "item_code": a.item_code,
                "department": a.department, "asked_by": a.asked_by,
                "asked_on": a.asked_on.to_string(), "due_working_days": a.due_working_days,
                "due_on": a.due_on.to_string(), "escalate_on": a.escalate_on.to_string(),
            }),
            Self::Reminded { on } => json!({ "type": "reminded", "on": on.to_string() }),
            Self::Escalated {
                on,
                department,
                inspectors,
            } => json!({
                "type": "escalated", "on": on.to_string(), "department": department,
                "inspectors": inspectors,
            }),
            Self::Answered {
                department,
                by,
                on,
                opinion,
                attachments,
                late,
                ..
            } => json!({
                "type": "answered", "department": department, "by": by, "on": on.to_string(),
                "opinion": opinion, "attachments": attachments.len(), "late": late,
            }),
        }
    }
}

/// Where a consultation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsultationStatus {
    Awaiting,
    Answered,
    AnsweredLate,
}

impl ConsultationStatus {
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Awaiting => "awaiting",
            Self::Answered => "answered",
            Self::AnsweredLate => "answered_late",
        }
    }

    #[must_use]
    pub const fn name_zh(self) -> &'static str {
        match self {
            Self::Awaiting => "待答复",
            Self::Answered => "已答复",
            Self::AnsweredLate => "逾期答复",
        }
    }
}

/// The opinion as given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Answer {
    pub by: Claimant,
    #[serde(with = "iso_date")]
    pub on: Date,
    pub opinion: Opinion,
    pub text: String,
    pub attachments: Vec<String>,
    pub late: bool,
}

/// A consultation, as its events leave it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Consultation {
    pub asked: ConsultationAsked,
    #[serde(with = "crate::linkage::opt_date")]
    pub reminded_on: Option<Date>,
    #[serde(with = "crate::linkage::opt_date")]
    pub escalated_on: Option<Date>,
    pub answer: Option<Answer>,
}

/// Why a consultation step is refused.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum ConsultationError {
    #[error("a consultation's history must start with the request")]
    NotAsked,
    #[error("name at least one department")]
    NoDepartments,
    #[error("at most 10 departments at once")]
    TooManyDepartments,
    #[error("department {0} named twice")]
    DuplicateDepartment(String),
    #[error("the bureau cannot consult itself")]
    OwnBureau,
    #[error("{0} must not be blank")]
    Blank(&'static str),
    #[error("{0} is longer than 2000 characters")]
    TooLong(&'static str),
    #[error("due_working_days must be 1 to 30")]
    BadDueDays,
    #[error("at most 10 attachments")]
    TooManyAttachments,
    #[error("the case is not under review (status {0:?})")]
    NotUnderReview(CaseStatus),
    #[error("the consultation is already answered")]
    AlreadyAnswered,
    #[error("the consultation asks another department")]
    WrongDepartment,
}

impl ConsultationError {
    /// The machine-readable code of the HTTP answer.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::NotAsked => "consultation_corrupt",
            Self::NoDepartments => "consultation_no_departments",
            Self::TooManyDepartments => "consultation_too_many_departments",
            Self::DuplicateDepartment(_) => "consultation_duplicate_department",
            Self::OwnBureau => "consultation_own_bureau",
            Self::Blank(_) => "missing_field",
            Self::TooLong(_) => "too_long",
            Self::BadDueDays => "bad_due_working_days",
            Self::TooManyAttachments => "too_many_attachments",
            Self::NotUnderReview(_) => "case_not_under_review",
            Self::AlreadyAnswered => "consultation_already_answered",
            Self::WrongDepartment => "forbidden_department",
        }
    }

    /// The Chinese message.
    #[must_use]
    pub fn message_zh(&self) -> String {
        match self {
            Self::NotAsked => "征求意见记录不完整".into(),
            Self::NoDepartments => "请至少选择一个征求意见的部门".into(),
            Self::TooManyDepartments => format!("一次最多征求{MAX_DEPARTMENTS}个部门的意见"),
            Self::DuplicateDepartment(d) => format!("部门{d}重复"),
            Self::OwnBureau => "不能向本局自身征求意见".into(),
            Self::Blank(f) => format!("{f}不能为空"),
            Self::TooLong(f) => format!("{f}不能超过{MAX_TEXT_CHARS}字"),
            Self::BadDueDays => "答复期限应为1至30个工作日".into(),
            Self::TooManyAttachments => format!("附件最多{MAX_ATTACHMENTS}个"),
            Self::NotUnderReview(s) => {
                format!(
                    "办件当前状态为“{}”，只能在受理后、决定前征求意见",
                    s.name_zh()
                )
            }
            Self::AlreadyAnswered => "该征求意见已答复".into(),
            Self::WrongDepartment => "该征求意见不是向本部门发出的，不能答复".into(),
        }
    }
}

/// A request as the bureau makes it, before it is split into one consultation per department.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request<'a> {
    pub status: CaseStatus,
    pub departments: &'a [DepartmentCode],
    /// The bureau's own department (it cannot consult itself).
    pub bureau: &'a DepartmentCode,
    pub question: &'a str,
    pub due_working_days: u32,
}

/// Whether a case in `status` is under review: accepted and not decided or closed.
#[must_use]
pub const fn under_review(status: CaseStatus) -> bool {
    matches!(
        status,
        CaseStatus::Accepted
            | CaseStatus::HandlingStarted
            | CaseStatus::SpecialProcedureStarted
            | CaseStatus::SpecialProcedureEnded
    )
}

/// Checks a request: the case under review, one to ten distinct departments other than the
/// bureau, a question, a due period of 1 to 30 working days.
///
/// # Errors
/// The [`ConsultationError`] that refuses it.
pub fn check_request(r: &Request<'_>) -> Result<(), ConsultationError> {
    if !under_review(r.status) {
        return Err(ConsultationError::NotUnderReview(r.status));
    }
    if r.departments.is_empty() {
        return Err(ConsultationError::NoDepartments);
    }
    if r.departments.len() > MAX_DEPARTMENTS {
        return Err(ConsultationError::TooManyDepartments);
    }
    for (i, d) in r.departments.iter().enumerate() {
        if r.departments[..i].contains(d) {
            return Err(ConsultationError::DuplicateDepartment(d.to_string()));
        }
        if d == r.bureau {
            return Err(ConsultationError::OwnBureau);
        }
    }
    text(r.question, "question", true)?;
    if !DUE_DAYS.contains(&r.due_working_days) {
        return Err(ConsultationError::BadDueDays);
    }
    Ok(())
}

fn text(s: &str, field: &'static str, required: bool) -> Result<(), ConsultationError> {
    if required && s.trim().is_empty() {
        return Err(ConsultationError::Blank(field));
    }
    if s.chars().count() > MAX_TEXT_CHARS {
        return Err(ConsultationError::TooLong(field));
    }
    Ok(())
}

/// Whether an answer due on `due_on` comes after the case's statutory due date: the clock does
/// not stop for it, so the bureau would decide late if it waited.
#[must_use]
pub fn beyond_decision_due(due_on: Date, decision_due: Option<Date>) -> bool {
    decision_due.is_some_and(|d| due_on > d)
}

/// An opinion as the department gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opinionated {
    pub opinion: Opinion,
    pub text: String,
    pub attachments: Vec<String>,
}

impl Consultation {
    /// Folds a consultation's events.
    ///
    /// # Errors
    /// [`ConsultationError::NotAsked`] when the history does not start with the request.
    pub fn apply(events: &[ConsultationEvent]) -> Result<Self, ConsultationError> {
        let Some(ConsultationEvent::Asked(a)) = events.first() else {
            return Err(ConsultationError::NotAsked);
        };
        let mut c = Self {
            asked: a.clone(),
            reminded_on: None,
            escalated_on: None,
            answer: None,
        };
        for e in &events[1..] {
            match e {
                ConsultationEvent::Asked(_) => return Err(ConsultationError::NotAsked),
                ConsultationEvent::Reminded { on } => c.reminded_on = Some(*on),
                ConsultationEvent::Escalated { on, .. } => c.escalated_on = Some(*on),
                ConsultationEvent::Answered {
                    by,
                    on,
                    opinion,
                    text,
                    attachments,
                    late,
                    ..
                } => {
                    c.answer = Some(Answer {
                        by: by.clone(),
                        on: *on,
                        opinion: *opinion,
                        text: text.clone(),
                        attachments: attachments.clone(),
                        late: *late,
                    });
                }
            }
        }
        Ok(c)
    }

    /// Where it stands.
    #[must_use]
    pub fn status(&self) -> ConsultationStatus {
        match &self.answer {
            None => ConsultationStatus::Awaiting,
            Some(a) if a.late => ConsultationStatus::AnsweredLate,
            Some(_) => ConsultationStatus::Answered,
        }
    }

    /// Unanswered on `today` with the due date passed.
    #[must_use]
    pub fn is_overdue(&self, today: Date) -> bool {
        self.answer.is_none() && today > self.asked.due_on
    }

    /// Whether `department` may add a file of its own to this consultation now: only the asked
    /// department, only before its answer (the file is then cited by the answer).
    ///
    /// # Errors
    /// [`ConsultationError::WrongDepartment`], [`ConsultationError::AlreadyAnswered`].
    pub fn may_attach(&self, department: &DepartmentCode) -> Result<(), ConsultationError> {
        if *department != self.asked.department {
            return Err(ConsultationError::WrongDepartment);
        }
        if self.answer.is_some() {
            return Err(ConsultationError::AlreadyAnswered);
        }
        Ok(())
    }

    /// The asked department answers on `today`; late after the due date. Only the department
    /// asked may answer, and only once; conditions and reasons must be written down.
    ///
    /// # Errors
    /// [`ConsultationError::WrongDepartment`], [`ConsultationError::AlreadyAnswered`], or what is
    /// wrong with the text or attachments.
    pub fn answer(
        &self,
        department: &DepartmentCode,
        by: Claimant,
        given: Opinionated,
        today: Date,
    ) -> Result<ConsultationEvent, ConsultationError> {
        if *department != self.asked.department {
            return Err(ConsultationError::WrongDepartment);
        }
        if self.answer.is_some() {
            return Err(ConsultationError::AlreadyAnswered);
        }
        text(&given.text, "text", given.opinion.needs_text())?;
        if given.attachments.len() > MAX_ATTACHMENTS {
            return Err(ConsultationError::TooManyAttachments);
        }
        Ok(ConsultationEvent::Answered {
            department: department.clone(),
            by,
            on: today,
            opinion: given.opinion,
            text: given.text,
            attachments: given.attachments,
            late: today > self.asked.due_on,
        })
    }

    /// What the calendar demands on `today`, as for a push: the reminder on (or after) the due
    /// date, the escalation once the escalation date is reached. Deterministic in `today`.
    #[must_use]
    pub fn due_actions(&self, today: Date, inspectors: &[StaffId]) -> Vec<ConsultationEvent> {
        let mut out = Vec::new();
        if self.answer.is_some() {
            return out;
        }
        if self.reminded_on.is_none() && today >= self.asked.due_on {
            out.push(ConsultationEvent::Reminded { on: today });
        }
        if self.escalated_on.is_none() && today >= self.asked.escalate_on {
            out.push(ConsultationEvent::Escalated {
                on: today,
                department: self.asked.department.clone(),
                inspectors: inspectors.to_vec(),
            });
        }
        out
    }
}

#[cfg(test)]
mod tests;
