//! Interested parties and hearings (Licensing Law Art. 36, 46–48), in the words of the law.
//!
//! Apart from the lifecycle's big files because a hearing is a procedure of its own inside the
//! review: the review finds that the application directly concerns others' major interests
//! (Art. 36, 47), the interested parties are told and may state and defend themselves, the
//! applicant and the parties are told of their right to a hearing and may ask for one within
//! 5 days, or the bureau holds one on its own initiative (Art. 46); the hearing is organised
//! within 20 days of the request, noticed 7 days ahead, presided over by someone who did not
//! review the case, and ends with a record the participants sign, on which the decision rests
//! (Art. 48). Its time is excluded from the decision limit (Art. 45): the clock stops when the
//! hearing is requested or announced and runs again when the record is closed.
//!
//! This module holds the vocabulary (the acts, as command and as event), the errors, the
//! state the fold keeps, and the rules that need the calendar and so are checked only when a
//! command is handled (the request window, the 20 days). The fold's own checks live in
//! `state/hearing.rs`, beside the private fields they read.
//!
//! Counting: the bureau's periods (20 days to organise) are working days (Art. 82); so is the
//! parties' 5-day window, which never gives them less than the law. The 7 days' notice is a lead
//! time for the parties to prepare, counted in calendar days before the hearing day.
//!
//! Privacy: the parties' names and their statements are typed by staff about natural persons
//! and stay in the case's private body (the ledger publishes only the `act`, dates and staff
//! ids of a hearing event); timeline labels name no one.

use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use crate::calendar::iso_date;
use crate::org::StaffId;

use super::error::CaseError;
pub use super::hearing_error::HearingError;

/// Working days within which a requested hearing is organised (Art. 47).
pub const ORGANISE_DAYS: u32 = 20;
/// Working days after the notice of the right to a hearing within which it may be requested
/// (Art. 47).
pub const REQUEST_DAYS: u32 = 5;
/// Days before the hearing by which the parties are told its time and place (Art. 48(1)).
pub const NOTICE_LEAD_DAYS: i64 = 7;

/// Who asked for the hearing (Art. 47).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Requester {
    /// 申请人.
    Applicant,
    /// 利害关系人.
    InterestedParty,
}

/// Why the bureau holds a hearing on its own initiative (Art. 46).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HearingGround {
    /// 法律、法规、规章规定实施行政许可应当听证.
    LawRequires,
    /// 涉及公共利益的重大行政许可事项.
    PublicInterest,
}

/// Why a hearing is not held in public (Art. 48(1)(3)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClosedGround {
    /// 涉及国家秘密.
    StateSecret,
    /// 涉及商业秘密.
    TradeSecret,
    /// 涉及个人隐私.
    Privacy,
}

/// One act of the hearing procedure: the `act` of the command body (`{"action": "hearing",
/// "act": …}`) and of the recorded event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "act", rename_all = "snake_case")]
pub enum HearingAct {
    /// The review finds that the application directly concerns others' major interests
    /// (Art. 36, 47): the parties must be told, and so must everyone of the right to a hearing.
    FindMajorInterests,
    /// 告知利害关系人 (Art. 36).
    NotifyParties {
        /// Who was told (private: may name natural persons).
        parties: Vec<String>,
        /// Reference of the written notice.
        notice_reference: String,
    },
    /// 利害关系人陈述、申辩 (Art. 36), as staff recorded it.
    RecordStatement {
        /// Who stated (private).
        party: String,
        /// What they said (private free text).
        statement: String,
    },
    /// 告知听证权利 (Art. 47): opens the 5-day window for a request.
    NotifyRight {
        /// Reference of the written notice.
        notice_reference: String,
    },
    /// 听证申请 (Art. 47): the clock stops (Art. 45).
    Request {
        /// Who asked.
        requester: Requester,
        /// Reference of the written notice telling the applicant that the hearing's time is
        /// not counted.
        notice_reference: String,
    },
    /// 听证公告 (Art. 46): a hearing on the bureau's initiative; the clock stops.
    Announce {
        /// Why.
        ground: HearingGround,
        /// Reference of the announcement.
        notice_reference: String,
    },
    /// 听证通知 (Art. 48(1)): time, place, presiding officer.
    Schedule {
        /// 主持人: not a member of staff who reviewed the case (Art. 48(1)(3)).
        presiding: StaffId,
        /// The hearing day.
        #[serde(with = "iso_date")]
        held_on: Date,
        /// Where (and at what hour): what the parties are told with the day.
        place: String,
        /// Held in public (Art. 48(1)(3)).
        open_to_public: bool,
        /// Why not, when not.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        closed_ground: Option<ClosedGround>,
        /// Reference of the 听证通知书.
        notice_reference: String,
    },
    /// 听证延期 (Art. 48(1)(1)): the noticed hearing is postponed, for a stated reason, to a later
    /// day that the parties are told of again 7 days ahead; a requested hearing still takes place
    /// within 20 working days of the request (Art. 47). The presiding officer stays.
    Reschedule {
        /// The new hearing day.
        #[serde(with = "iso_date")]
        held_on: Date,
        /// Where (and at what hour) on the new day.
        place: String,
        /// Why the hearing is postponed (private free text: may name a person).
        reason: String,
        /// Reference of the new 听证通知书.
        notice_reference: String,
    },
    /// 听证笔录 (Art. 48(1)(5)) signed or sealed by the participants: the clock runs again.
    CloseRecord {
        /// Reference of the record.
        record_reference: String,
        /// Whether every participant signed or sealed it.
        signed: bool,
    },
}

/// An act without its details: what the desk offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HearingActKind {
    /// See [`HearingAct::FindMajorInterests`].
    FindMajorInterests,
    /// See [`HearingAct::NotifyParties`].
    NotifyParties,
    /// See [`HearingAct::RecordStatement`].
    RecordStatement,
    /// See [`HearingAct::NotifyRight`].
    NotifyRight,
    /// See [`HearingAct::Request`].
    Request,
    /// See [`HearingAct::Announce`].
    Announce,
    /// See [`HearingAct::Schedule`].
    Schedule,
    /// See [`HearingAct::CloseRecord`].
    CloseRecord,
    /// See [`HearingAct::Reschedule`] (last, so the codes before it keep their places).
    Reschedule,
}

impl HearingActKind {
    /// Every act, in the order of the procedure.
    pub const ALL: [Self; 9] = [
        Self::FindMajorInterests,
        Self::NotifyParties,
        Self::RecordStatement,
        Self::NotifyRight,
        Self::Request,
        Self::Announce,
        Self::Schedule,
        Self::Reschedule,
        Self::CloseRecord,
    ];

    /// Stable code (the `act` tag).
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::FindMajorInterests => "find_major_interests",
            Self::NotifyParties => "notify_parties",
            Self::RecordStatement => "record_statement",
            Self::NotifyRight => "notify_right",
            Self::Request => "request",
            Self::Announce => "announce",
            Self::Schedule => "schedule",
            Self::CloseRecord => "close_record",
            Self::Reschedule => "reschedule",
        }
    }

    /// Chinese name, as a button says it.
    #[must_use]
    pub const fn name_zh(self) -> &'static str {
        match self {
            Self::FindMajorInterests => "认定涉及他人重大利益",
            Self::NotifyParties => "告知利害关系人",
            Self::RecordStatement => "记录陈述申辩",
            Self::NotifyRight => "告知听证权利",
            Self::Request => "登记听证申请",
            Self::Announce => "公告举行听证",
            Self::Schedule => "发出听证通知",
            Self::CloseRecord => "听证笔录签署完毕",
            Self::Reschedule => "听证延期",
        }
    }
}

impl HearingAct {
    /// The act without its details.
    #[must_use]
    pub const fn kind(&self) -> HearingActKind {
        match self {
            Self::FindMajorInterests => HearingActKind::FindMajorInterests,
            Self::NotifyParties { .. } => HearingActKind::NotifyParties,
            Self::RecordStatement { .. } => HearingActKind::RecordStatement,
            Self::NotifyRight { .. } => HearingActKind::NotifyRight,
            Self::Request { .. } => HearingActKind::Request,
            Self::Announce { .. } => HearingActKind::Announce,
            Self::Schedule { .. } => HearingActKind::Schedule,
            Self::CloseRecord { .. } => HearingActKind::CloseRecord,
            Self::Reschedule { .. } => HearingActKind::Reschedule,
        }
    }
}

/// A recorded act: who, when, what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HearingEvent {
    /// Member of staff who recorded it.
    pub by: StaffId,
    /// Date.
    #[serde(with = "iso_date")]
    pub on: Date,
    /// The act.
    #[serde(flatten)]
    pub act: HearingAct,
}

/// The hearing as scheduled (Art. 48(1)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheduled {
    /// Date of the notice.
    pub on: Date,
    /// The hearing day.
    pub held_on: Date,
    /// The presiding officer.
    pub presiding: StaffId,
    /// Held in public.
    pub open_to_public: bool,
}

/// A postponement of the noticed hearing (Art. 48(1)(1)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Postponed {
    /// Date of the new notice.
    pub on: Date,
    /// The day the hearing had been noticed for.
    pub from: Date,
}

/// What the case knows of its interested parties and hearing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hearing {
    /// When the review found that others' major interests are concerned.
    pub major_interests_on: Option<Date>,
    /// When the interested parties were (last) told.
    pub parties_notified_on: Option<Date>,
    /// Statements recorded.
    pub statements: usize,
    /// When the applicant and the parties were told of their right to a hearing.
    pub right_notified_on: Option<Date>,
    /// When a hearing was requested, and by whom.
    pub requested: Option<(Date, Requester)>,
    /// When the bureau announced a hearing of its own.
    pub announced_on: Option<Date>,
    /// The notice of time and place; a postponement moves its day (`held_on`) and its notice
    /// date (`on`).
    pub scheduled: Option<Scheduled>,
    /// The postponements, in order.
    pub postponed: Vec<Postponed>,
    /// When the signed record was closed.
    pub record_closed_on: Option<Date>,
}

impl Hearing {
    /// The day the hearing procedure began (request or announcement), if it did.
    #[must_use]
    pub fn started_on(&self) -> Option<Date> {
        self.requested.map(|(d, _)| d).or(self.announced_on)
    }

    /// A hearing that must be held and whose record is not closed yet.
    #[must_use]
    pub fn pending(&self) -> bool {
        self.started_on().is_some() && self.record_closed_on.is_none()
    }
}

impl From<HearingError> for CaseError {
    fn from(e: HearingError) -> Self {
        Self::Hearing(e)
    }
}

/// Checks of a [`HearingAct`] that need no calendar, given what the case knows.
///
/// # Errors
/// The [`HearingError`] (or blank text) that forbids the act now.
pub(super) fn check_act(
    hearing: &Hearing,
    act: &HearingAct,
    on: Date,
    reviewers: &[&StaffId],
) -> Result<(), CaseError> {
    let found = || {
        hearing
            .major_interests_on
            .ok_or(HearingError::NoMajorInterests)
    };
    match act {
        HearingAct::FindMajorInterests => {
            if let Some(d) = hearing.major_interests_on {
                return Err(HearingError::MajorInterestsAlreadyFound(d).into());
            }
        }
        HearingAct::NotifyParties {
            parties,
            notice_reference,
        } => {
            found()?;
            if parties.is_empty() {
                return Err(CaseError::EmptyList("interested parties"));
            }
            parties.iter().try_for_each(|p| not_blank(p, "party"))?;
            not_blank(notice_reference, "notice reference")?;
        }
        HearingAct::RecordStatement { party, statement } => {
            hearing
                .parties_notified_on
                .ok_or(HearingError::PartiesNotNotified)?;
            not_blank(party, "party")?;
            not_blank(statement, "statement")?;
        }
        HearingAct::NotifyRight { notice_reference } => {
            found()?;
            if let Some(d) = hearing.right_notified_on {
                return Err(HearingError::RightAlreadyNotified(d).into());
            }
            not_blank(notice_reference, "notice reference")?;
        }
        HearingAct::Request {
            notice_reference, ..
        } => {
            hearing
                .right_notified_on
                .ok_or(HearingError::RightNotNotified)?;
            if let Some(d) = hearing.started_on() {
                return Err(HearingError::AlreadyStarted(d).into());
            }
            not_blank(notice_reference, "notice reference")?;
        }
        HearingAct::Announce {
            notice_reference, ..
        } => {
            if let Some(d) = hearing.started_on() {
                return Err(HearingError::AlreadyStarted(d).into());
            }
            not_blank(notice_reference, "notice reference")?;
        }
        HearingAct::Schedule {
            presiding,
            held_on,
            place,
            open_to_public,
            closed_ground,
            notice_reference,
        } => {
            if !hearing.pending() {
                return Err(HearingError::NotStarted.into());
            }
            if let Some(s) = &hearing.scheduled {
                return Err(HearingError::AlreadyScheduled(s.on).into());
            }
            if reviewers.contains(&presiding) {
                return Err(HearingError::ReviewerPresiding(presiding.clone()).into());
            }
            if *held_on < on + Duration::days(NOTICE_LEAD_DAYS) {
                return Err(HearingError::NoticeTooShort {
                    on,
                    held_on: *held_on,
                }
                .into());
            }
            if *open_to_public == closed_ground.is_some() {
                return Err(HearingError::ClosedGround.into());
            }
            not_blank(place, "hearing place")?;
            not_blank(notice_reference, "notice reference")?;
        }
        HearingAct::Reschedule {
            held_on,
            place,
            reason,
            notice_reference,
        } => {
            if !hearing.pending() {
                return Err(HearingError::NotStarted.into());
            }
            let Some(s) = &hearing.scheduled else {
                return Err(HearingError::NotScheduled.into());
            };
            // Postponed before the hearing, or on its day (adjourned): not once it is past.
            if on > s.held_on {
                return Err(HearingError::HearingDayPassed(s.held_on).into());
            }
            if *held_on <= s.held_on {
                return Err(HearingError::NotPostponed { held_on: s.held_on }.into());
            }
            if *held_on < on + Duration::days(NOTICE_LEAD_DAYS) {
                return Err(HearingError::NoticeTooShort {
                    on,
                    held_on: *held_on,
                }
                .into());
            }
            not_blank(place, "hearing place")?;
            not_blank(reason, "reason")?;
            not_blank(notice_reference, "notice reference")?;
        }
        HearingAct::CloseRecord {
            record_reference,
            signed,
        } => {
            if !hearing.pending() {
                return Err(HearingError::NotStarted.into());
            }
            match &hearing.scheduled {
                Some(s) if on >= s.held_on => {}
                _ => return Err(HearingError::NotHeld.into()),
            }
            if !signed {
                return Err(HearingError::RecordUnsigned.into());
            }
            not_blank(record_reference, "record reference")?;
        }
    }
    Ok(())
}

/// The timeline's wording of an act: no names, no text typed about a person.
#[must_use]
pub(super) fn label_zh(act: &HearingAct) -> String {
    match act {
        HearingAct::FindMajorInterests => "审查认定申请直接关系他人重大利益".into(),
        HearingAct::NotifyParties { parties, .. } => {
            format!("告知利害关系人（{}名）", parties.len())
        }
        HearingAct::RecordStatement { .. } => "听取利害关系人陈述、申辩".into(),
        HearingAct::NotifyRight { .. } => "告知听证权利".into(),
        HearingAct::Request { requester, .. } => format!(
            "{}申请听证（听证所需时间不计入办理期限）",
            match requester {
                Requester::Applicant => "申请人",
                Requester::InterestedParty => "利害关系人",
            }
        ),
        HearingAct::Announce { .. } => "公告举行听证（听证所需时间不计入办理期限）".into(),
        HearingAct::Schedule {
            held_on,
            open_to_public,
            ..
        } => format!(
            "发出听证通知（{held_on}{}举行）",
            if *open_to_public {
                "公开"
            } else {
                "不公开"
            }
        ),
        HearingAct::Reschedule { held_on, .. } => {
            format!("听证延期（改于{held_on}举行，重新通知）")
        }
        HearingAct::CloseRecord { .. } => "听证笔录经参加人签署（恢复计时）".into(),
    }
}

fn not_blank(text: &str, field: &'static str) -> Result<(), CaseError> {
    if text.trim().is_empty() {
        Err(CaseError::Blank(field))
    } else {
        Ok(())
    }
}
