//! Case status codes (办理状态, `BLZT`) of the national project-approval exchange table
//! `SPGL_XMSPSXBLXXXXB`, reused by the Shandong and Jiangxi platforms (domain.md §3).
//!
//! A case's status is the last status signal its history emitted, so it can be pushed to the
//! provincial platform unchanged. Internal steps (初审, 审核 …) are not statuses; they live in
//! the case's timeline. Codes 14 撤回 and 15 撤销 concern a granted licence (Art. 8, Art. 69)
//! and are emitted by the licence's own history, not by a case event.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A `BLZT` status; serialized as its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CaseStatus {
    /// 1 已接件.
    Received,
    /// 2 已撤件: the applicant withdrew the application before the decision.
    Withdrawn,
    /// 3 已受理.
    Accepted,
    /// 4 不受理: no licence is needed (Art. 32(1)).
    NotAccepted,
    /// 5 不予受理: not this agency's power, or materials not corrected (Art. 32(2)).
    AcceptanceRefused,
    /// 6 补正(开始): the one-time notice was issued.
    SupplementStarted,
    /// 7 补正(结束): the supplement was received.
    SupplementEnded,
    /// 8 部门开始办理: review has started.
    HandlingStarted,
    /// 9 特别程序(开始): the clock is paused (Art. 45).
    SpecialProcedureStarted,
    /// 10 特别程序(结束): the clock runs again.
    SpecialProcedureEnded,
    /// 11 办结(通过).
    Approved,
    /// 12 办结(容缺通过): approved with materials to follow.
    ApprovedWithDeferredMaterials,
    /// 13 办结(不通过).
    Refused,
    /// 14 撤回 (of a licence, Art. 8).
    Recalled,
    /// 15 撤销 (of a licence, Art. 69).
    Revoked,
}

impl CaseStatus {
    /// All statuses in code order.
    pub const ALL: [Self; 15] = [
        Self::Received,
        Self::Withdrawn,
        Self::Accepted,
        Self::NotAccepted,
        Self::AcceptanceRefused,
        Self::SupplementStarted,
        Self::SupplementEnded,
        Self::HandlingStarted,
        Self::SpecialProcedureStarted,
        Self::SpecialProcedureEnded,
        Self::Approved,
        Self::ApprovedWithDeferredMaterials,
        Self::Refused,
        Self::Recalled,
        Self::Revoked,
    ];

    /// The `BLZT` number.
    #[must_use]
    pub const fn code(self) -> u8 {
        match self {
            Self::Received => 1,
            Self::Withdrawn => 2,
            Self::Accepted => 3,
            Self::NotAccepted => 4,
            Self::AcceptanceRefused => 5,
            Self::SupplementStarted => 6,
            Self::SupplementEnded => 7,
            Self::HandlingStarted => 8,
            Self::SpecialProcedureStarted => 9,
            Self::SpecialProcedureEnded => 10,
            Self::Approved => 11,
            Self::ApprovedWithDeferredMaterials => 12,
            Self::Refused => 13,
            Self::Recalled => 14,
            Self::Revoked => 15,
        }
    }

    /// The platform's Chinese name.
    #[must_use]
    pub const fn name_zh(self) -> &'static str {
        match self {
            Self::Received => "已接件",
            Self::Withdrawn => "已撤件",
            Self::Accepted => "已受理",
            Self::NotAccepted => "不受理",
            Self::AcceptanceRefused => "不予受理",
            Self::SupplementStarted => "补正(开始)",
            Self::SupplementEnded => "补正(结束)",
            Self::HandlingStarted => "部门开始办理",
            Self::SpecialProcedureStarted => "特别程序(开始)",
            Self::SpecialProcedureEnded => "特别程序(结束)",
            Self::Approved => "办结(通过)",
            Self::ApprovedWithDeferredMaterials => "办结(容缺通过)",
            Self::Refused => "办结(不通过)",
            Self::Recalled => "撤回",
            Self::Revoked => "撤销",
        }
    }

    /// The status with `code`, if any.
    #[must_use]
    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether the case has reached a decision (办结, 11–13).
    #[must_use]
    pub const fn is_decision(self) -> bool {
        matches!(
            self,
            Self::Approved | Self::ApprovedWithDeferredMaterials | Self::Refused
        )
    }
}

impl fmt::Display for CaseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code(), self.name_zh())
    }
}

impl Serialize for CaseStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.code())
    }
}

impl<'de> Deserialize<'de> for CaseStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = u8::deserialize(d)?;
        Self::from_code(code)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown BLZT status code {code}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_match_the_platform_table() {
        // domain.md §3, in order.
        let expected = [
            "已接件",
            "已撤件",
            "已受理",
            "不受理",
            "不予受理",
            "补正(开始)",
            "补正(结束)",
            "部门开始办理",
            "特别程序(开始)",
            "特别程序(结束)",
            "办结(通过)",
            "办结(容缺通过)",
            "办结(不通过)",
            "撤回",
            "撤销",
        ];
        for (i, name) in expected.iter().enumerate() {
            let code = u8::try_from(i + 1).unwrap();
            let status = CaseStatus::from_code(code).unwrap();
            assert_eq!(status.code(), code);
            assert_eq!(status.name_zh(), *name);
        }
        assert_eq!(CaseStatus::from_code(0), None);
        assert_eq!(CaseStatus::from_code(16), None);
    }

    #[test]
    fn status_serializes_as_its_number() {
        assert_eq!(serde_json::to_string(&CaseStatus::Refused).unwrap(), "13");
        assert_eq!(
            serde_json::from_str::<CaseStatus>("9").unwrap(),
            CaseStatus::SpecialProcedureStarted
        );
        assert!(serde_json::from_str::<CaseStatus>("16").is_err());
        assert_eq!(CaseStatus::Accepted.to_string(), "3 已受理");
    }
}
