//! Why an act of the hearing procedure (Licensing Law Art. 36, 46–48), or a decision for the
//! hearing's sake, is refused: apart from `hearing.rs` because the case's errors name it while
//! the hearing's checks return the case's errors (both import this module, neither the other).

use time::Date;

use crate::org::StaffId;

/// Why a hearing act (or a decision, for the hearing's sake) is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HearingError {
    /// An act that needs the finding of Art. 36/47 first.
    #[error("the review has not found that others' major interests are concerned")]
    NoMajorInterests,
    /// The finding is made once.
    #[error("the finding was already made on {0}")]
    MajorInterestsAlreadyFound(Date),
    /// A statement before the parties were told.
    #[error("the interested parties have not been notified")]
    PartiesNotNotified,
    /// The right to a hearing is told once.
    #[error("the right to a hearing was already notified on {0}")]
    RightAlreadyNotified(Date),
    /// A request without the notice of the right.
    #[error("the right to a hearing has not been notified")]
    RightNotNotified,
    /// A request after the 5 days (Art. 47).
    #[error("the request window closed on {0}")]
    RequestTooLate(Date),
    /// One hearing per case.
    #[error("a hearing was already requested or announced on {0}")]
    AlreadyStarted(Date),
    /// Scheduling or closing without a hearing to hold.
    #[error("no hearing has been requested or announced")]
    NotStarted,
    /// The notice of time and place is given once.
    #[error("the hearing was already scheduled on {0}")]
    AlreadyScheduled(Date),
    /// Art. 48(1)(3): a reviewer of the case may not preside.
    #[error("{0} reviewed this case and may not preside over its hearing")]
    ReviewerPresiding(StaffId),
    /// Art. 48(1)(3): the presiding officer does not review the case afterwards either.
    #[error("{0} presides over this case's hearing and may not review it")]
    PresidingReviews(StaffId),
    /// Art. 48(1)(1): notice 7 days before.
    #[error("the hearing on {held_on} is noticed on {on}, less than 7 days before")]
    NoticeTooShort {
        /// Notice date.
        on: Date,
        /// Hearing day.
        held_on: Date,
    },
    /// Art. 47: organised within 20 working days of the request.
    #[error("a requested hearing must be held by {due}")]
    OrganisedTooLate {
        /// The 20th working day after the request.
        due: Date,
    },
    /// Art. 48(1)(3): held in public unless a ground says otherwise.
    #[error("a hearing not held in public needs its ground, and only then")]
    ClosedGround,
    /// Closing the record before it is scheduled or before the hearing day.
    #[error("the hearing is not scheduled or not yet held")]
    NotHeld,
    /// Art. 48(1)(5): the participants sign or seal the record.
    #[error("the record must be signed or sealed by the participants")]
    RecordUnsigned,
    /// The hearing's pause ends with its record, not by hand.
    #[error("the hearing's pause ends when its record is closed")]
    PauseEndsWithRecord,
    /// Deciding before the parties were told (Art. 36).
    #[error("decision before the interested parties were notified")]
    DecisionWithoutPartiesNotice,
    /// Deciding before the right to a hearing was told (Art. 47).
    #[error("decision before the right to a hearing was notified")]
    DecisionWithoutRightNotice,
    /// Deciding while the parties may still request a hearing (Art. 47).
    #[error("the parties may request a hearing until {0}")]
    RequestWindowOpen(Date),
    /// Deciding before the record (Art. 48(2)).
    #[error("the hearing's record is not closed")]
    DecisionBeforeRecord,
    /// Art. 46: the item's law requires a hearing and none was held.
    #[error("the item's law ({0}) requires a hearing before the decision")]
    RequiredByLaw(String),
    /// Postponing a hearing that was never noticed.
    #[error("the hearing has not been noticed yet")]
    NotScheduled,
    /// Postponing after the hearing day.
    #[error("the hearing day {0} has passed")]
    HearingDayPassed(Date),
    /// A postponement moves the hearing to a later day.
    #[error("the new day must be after {held_on}")]
    NotPostponed {
        /// The day noticed so far.
        held_on: Date,
    },
}

impl HearingError {
    /// Stable machine code.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::NoMajorInterests => "hearing_no_major_interests",
            Self::MajorInterestsAlreadyFound(_) => "hearing_major_interests_already_found",
            Self::PartiesNotNotified => "hearing_parties_not_notified",
            Self::RightAlreadyNotified(_) => "hearing_right_already_notified",
            Self::RightNotNotified => "hearing_right_not_notified",
            Self::RequestTooLate(_) => "hearing_request_too_late",
            Self::AlreadyStarted(_) => "hearing_already_started",
            Self::NotStarted => "hearing_not_started",
            Self::AlreadyScheduled(_) => "hearing_already_scheduled",
            Self::ReviewerPresiding(_) => "hearing_reviewer_presiding",
            Self::PresidingReviews(_) => "hearing_presiding_reviews",
            Self::NoticeTooShort { .. } => "hearing_notice_too_short",
            Self::OrganisedTooLate { .. } => "hearing_organised_too_late",
            Self::ClosedGround => "hearing_closed_ground",
            Self::NotHeld => "hearing_not_held",
            Self::RecordUnsigned => "hearing_record_unsigned",
            Self::PauseEndsWithRecord => "hearing_pause_ends_with_record",
            Self::DecisionWithoutPartiesNotice => "decision_without_parties_notice",
            Self::DecisionWithoutRightNotice => "decision_without_hearing_right_notice",
            Self::RequestWindowOpen(_) => "hearing_request_window_open",
            Self::DecisionBeforeRecord => "decision_before_hearing_record",
            Self::RequiredByLaw(_) => "hearing_required_by_law",
            Self::NotScheduled => "hearing_not_scheduled",
            Self::HearingDayPassed(_) => "hearing_day_passed",
            Self::NotPostponed { .. } => "hearing_not_postponed",
        }
    }

    /// The reason in Chinese.
    #[must_use]
    pub fn message_zh(&self) -> String {
        match self {
            Self::NoMajorInterests => "尚未认定该申请直接关系他人重大利益（行政许可法第三十六条、第四十七条）".into(),
            Self::MajorInterestsAlreadyFound(on) => format!("已于{on}认定涉及他人重大利益"),
            Self::PartiesNotNotified => "尚未告知利害关系人，不能记录其陈述、申辩（行政许可法第三十六条）".into(),
            Self::RightAlreadyNotified(on) => format!("已于{on}告知听证权利"),
            Self::RightNotNotified => "尚未告知申请人、利害关系人享有要求听证的权利（行政许可法第四十七条）".into(),
            Self::RequestTooLate(due) => format!("听证申请应在被告知听证权利之日起五日内提出，已于{due}届满（行政许可法第四十七条）"),
            Self::AlreadyStarted(on) => format!("已于{on}申请或公告听证"),
            Self::NotStarted => "尚未申请或公告听证".into(),
            Self::AlreadyScheduled(on) => format!("已于{on}发出听证通知"),
            Self::ReviewerPresiding(s) => format!("{s}审查了该申请，不能主持听证（行政许可法第四十八条第一款第三项）"),
            Self::PresidingReviews(s) => format!("{s}主持该办件的听证，不能再审查该申请（行政许可法第四十八条第一款第三项）"),
            Self::NoticeTooShort { on, held_on } => format!("应当于举行听证的七日前通知，{on}通知{held_on}举行不足七日（行政许可法第四十八条第一款第一项）"),
            Self::OrganisedTooLate { due } => format!("应当在收到听证申请后二十日内组织听证，即不晚于{due}（行政许可法第四十七条）"),
            Self::ClosedGround => "听证应当公开举行；涉及国家秘密、商业秘密或者个人隐私的才不公开，并须注明事由（行政许可法第四十八条）".into(),
            Self::NotHeld => "听证尚未通知或尚未举行，不能结束听证笔录".into(),
            Self::RecordUnsigned => "听证笔录应当交听证参加人确认无误后签字或者盖章（行政许可法第四十八条第一款第五项）".into(),
            Self::PauseEndsWithRecord => "听证所需时间以听证笔录签署完毕为止，不能手动结束该特别程序".into(),
            Self::DecisionWithoutPartiesNotice => "该申请直接关系他人重大利益，尚未告知利害关系人，不能作出决定（行政许可法第三十六条）".into(),
            Self::DecisionWithoutRightNotice => "该申请直接涉及申请人与他人之间重大利益关系，尚未告知听证权利，不能作出决定（行政许可法第四十七条）".into(),
            Self::RequestWindowOpen(due) => format!("申请人、利害关系人可在{due}前申请听证，期满前不能作出决定（行政许可法第四十七条）"),
            Self::DecisionBeforeRecord => "应当根据听证笔录作出行政许可决定，听证笔录尚未签署完毕（行政许可法第四十八条第二款）".into(),
            Self::RequiredByLaw(source) => format!("该事项依法应当听证（{source}），尚未举行听证，不能作出决定（行政许可法第四十六条）"),
            Self::NotScheduled => "尚未发出听证通知，无需延期".into(),
            Self::HearingDayPassed(day) => format!("原定听证日{day}已过，不能再延期"),
            Self::NotPostponed { held_on } => format!("延期后的听证日应晚于原定的{held_on}"),
        }
    }
}
