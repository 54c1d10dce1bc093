//! Two small vocabularies of a case: its internal review steps and who may extend the decision
//! limit.
//!
//! Apart from the events (`event.rs`) because the errors (`error.rs`) name them too while the
//! events return those errors: both import this module, neither the other.

use serde::{Deserialize, Serialize};

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
    /// Working days this authority may add in total (Art. 42).
    #[must_use]
    pub const fn max_working_days(&self) -> u32 {
        match self {
            Self::BureauHead => 10,
            Self::GovernmentHead { .. } => 15,
        }
    }
}
