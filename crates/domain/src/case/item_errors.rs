//! The refusals of issue #21 items 9–10 (`case::submission`, `case::on_spot`), in a module of
//! their own: `case::error` wraps them while those modules use `case::error`, so the types sit
//! where both can import them and neither imports the other.

use time::Date;

use crate::org::StaffId;

/// Why a submission time was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubmissionError {
    /// Not an RFC 3339 time with an offset.
    #[error("submitted_at must be an RFC 3339 time with an offset, e.g. 2026-12-04T09:30:00+08:00")]
    Format,
    /// A hall application is received when registered.
    #[error(
        "a window (hall) application is received when it is registered; submitted_at is only for online applications"
    )]
    NotOnline,
    /// Later than the bureau's clock allows.
    #[error("submitted_at {at} is in the future")]
    InFuture {
        /// The time given (RFC 3339).
        at: String,
    },
    /// Older than [`MAX_AGE`].
    #[error("submitted_at {at} is more than 30 days old")]
    TooOld {
        /// The time given (RFC 3339).
        at: String,
    },
}

impl SubmissionError {
    /// Stable machine code.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Format => "submitted_at_format",
            Self::NotOnline => "submitted_at_not_online",
            Self::InFuture { .. } => "submitted_at_in_future",
            Self::TooOld { .. } => "submitted_at_too_old",
        }
    }

    /// The reason in Chinese.
    #[must_use]
    pub fn message_zh(&self) -> String {
        match self {
            Self::Format => {
                "提交时间应为带时区的RFC 3339时间，例如2026-12-04T09:30:00+08:00".to_owned()
            }
            Self::NotOnline => {
                "窗口申请以登记时间为收件时间，只有网上申请可以提供平台提交时间".to_owned()
            }
            Self::InFuture { at } => format!("提交时间{at}晚于当前时间"),
            Self::TooOld { at } => format!("提交时间{at}早于30日前，请核实"),
        }
    }
}

/// Why an on-the-spot decision (or a step of it) was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OnSpotError {
    /// The item's settings do not allow it.
    #[error("the item's law does not provide for a decision on the spot (Art. 34(2))")]
    NotAllowed,
    /// Not on the day the materials became complete.
    #[error("a decision on the spot is made on the day the complete materials arrive ({on})")]
    NotOnTheDay {
        /// The receipt day, or the supplement's.
        on: Date,
    },
    /// An on-the-spot acceptance or decision by someone else or on another day.
    #[error("the on-the-spot acceptance and grant are made by {by} on {on}")]
    Split {
        /// The official who decides on the spot.
        by: StaffId,
        /// The day.
        on: Date,
    },
    /// An on-the-spot decision is a grant.
    #[error("a decision on the spot is a grant; a refusal follows the ordinary review")]
    NotAGrant,
    /// A refusal for materials not corrected inside the supplement window.
    #[error(
        "the supplement window runs until {until}; materials not corrected cannot be found before"
    )]
    SupplementWindowOpen {
        /// Last day of the window.
        until: Date,
    },
}

impl OnSpotError {
    /// Stable machine code.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::NotAllowed => "on_the_spot_not_allowed",
            Self::NotOnTheDay { .. } => "on_the_spot_not_on_the_day",
            Self::Split { .. } => "on_the_spot_split",
            Self::NotAGrant => "on_the_spot_not_a_grant",
            Self::SupplementWindowOpen { .. } => "supplement_window_open",
        }
    }

    /// The reason in Chinese.
    #[must_use]
    pub fn message_zh(&self) -> String {
        match self {
            Self::NotAllowed => {
                "该事项的法律规定未设当场作出决定（行政许可法第三十四条第二款），应按一般程序受理、审查"
                    .to_owned()
            }
            Self::NotOnTheDay { on } => {
                format!("当场作出决定应在申请材料齐全之日（{on}）作出")
            }
            Self::Split { by, on } => {
                format!("当场决定的受理和决定应由{by}于{on}一并作出")
            }
            Self::NotAGrant => "当场作出的是准予许可决定；不予许可应按一般程序审查".to_owned(),
            Self::SupplementWindowOpen { until } => format!(
                "补正期限至{until}届满，申请人尚未提交补正材料，届满前不能以“逾期未补正”不予受理"
            ),
        }
    }
}
