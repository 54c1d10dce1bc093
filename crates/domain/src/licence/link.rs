//! What a case about an existing licence records of it (the [`LicenceLink`] in its receipt) and
//! what it applies for. Apart from `application.rs` because the licence's own errors and the
//! case's receipt name these types while the application's rules use the licence: both import
//! this module, and it imports neither.

use serde::{Deserialize, Serialize};
use time::Date;

/// What the holder applies for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LicencePurpose {
    /// 延续 (Art. 50).
    Renewal,
    /// 变更 (Art. 49).
    Change,
    /// 注销申请: cancellation on the holder's application, where the item allows it.
    Cancellation,
}

impl LicencePurpose {
    pub const ALL: [LicencePurpose; 3] = [
        LicencePurpose::Renewal,
        LicencePurpose::Change,
        LicencePurpose::Cancellation,
    ];

    pub fn name_zh(self) -> &'static str {
        match self {
            LicencePurpose::Renewal => "延续",
            LicencePurpose::Change => "变更",
            LicencePurpose::Cancellation => "注销",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            LicencePurpose::Renewal => "renewal",
            LicencePurpose::Change => "change",
            LicencePurpose::Cancellation => "cancellation",
        }
    }

    /// The title of the sealed decision on such an application (Art. 38, 50).
    pub fn decision_title(self, granted: bool) -> &'static str {
        match (self, granted) {
            (LicencePurpose::Renewal, true) => "准予延续行政许可决定书",
            (LicencePurpose::Renewal, false) => "不予延续行政许可决定书",
            (LicencePurpose::Change, true) => "准予变更行政许可决定书",
            (LicencePurpose::Change, false) => "不予变更行政许可决定书",
            (LicencePurpose::Cancellation, true) => "准予注销行政许可决定书",
            (LicencePurpose::Cancellation, false) => "不予注销行政许可决定书",
        }
    }

    /// Parses [`Self::code`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == s)
    }
}

/// The licence a case is about, recorded in its receipt (private body: the change's text is
/// typed by staff).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenceLink {
    pub licence_id: String,
    pub purpose: LicencePurpose,
    /// The licence's last day of validity when the case was received.
    #[serde(with = "crate::calendar::iso_date")]
    pub expires_on: Date,
    /// Renewal: the last day of validity a grant gives (the item's term added to the expiry).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::calendar::iso_date::option"
    )]
    pub renew_until: Option<Date>,
    /// Change: what is to change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<String>,
}

impl LicenceLink {
    /// Art. 50: a renewal applied for in time (every renewal case is: a late one is not
    /// received) and not decided by the expiry is deemed granted on the day after it.
    #[must_use]
    pub fn deemed_granted(&self, today: Date) -> bool {
        self.purpose == LicencePurpose::Renewal && today > self.expires_on
    }
}
