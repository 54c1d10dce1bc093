//! Intake from the provincial service platform (一网通办 / 省政务服务平台), issue #19 item 7.
//!
//! A platform forwards online applications with its own reference (`platform_ref`); the bureau
//! answers with the case number and tells the platform, by signed callback, of each public step.
//! This module holds the names and the rules that need no I/O: a platform's name, its
//! reference, the receiver a forwarded application is registered under, and which case steps
//! the platform is told of.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::case::CaseEvent;
use crate::org::StaffId;

/// Why a platform's name or reference is refused.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum PlatformError {
    #[error("a platform name is 2 to 20 characters: a-z first, then a-z, 0-9 or '-'")]
    Name,
    #[error("a platform_ref is 1 to 64 characters among A-Z a-z 0-9 . _ : -")]
    Ref,
}

impl PlatformError {
    /// The machine-readable code of the refusal.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Name => "bad_platform",
            Self::Ref => "bad_platform_ref",
        }
    }

    /// The refusal in Chinese.
    #[must_use]
    pub fn message_zh(&self) -> &'static str {
        match self {
            Self::Name => "平台名称应为 2–20 个字符：小写字母开头，其后为小写字母、数字或连字符",
            Self::Ref => "平台申报编号应为 1–64 个字符：字母、数字或 . _ : -",
        }
    }
}

/// A platform's name (`sdzwfw`): lower case, so it is never a department code (upper case),
/// whose feed and webhook tables the platform's callbacks share.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PlatformName(String);

impl PlatformName {
    /// The longest name: the receiver's staff id (`PLATFORM-` and the name) stays within 32.
    pub const MAX_CHARS: usize = 20;

    /// # Errors
    /// [`PlatformError::Name`].
    pub fn parse(s: &str) -> Result<Self, PlatformError> {
        let b = s.as_bytes();
        let ok = (2..=Self::MAX_CHARS).contains(&b.len())
            && b.first().is_some_and(u8::is_ascii_lowercase)
            && b.iter()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(PlatformError::Name)
        }
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Who a forwarded application is registered by (`received_by`): the platform stands at the
    /// window (Art. 33, electronic data exchange), named `PLATFORM-<NAME>`.
    ///
    /// # Errors
    /// Never for a parsed name; a `StaffId` error otherwise.
    pub fn receiver(&self) -> Result<StaffId, crate::org::CodeError> {
        StaffId::parse(&format!("PLATFORM-{}", self.0.to_ascii_uppercase()))
    }
}

impl TryFrom<String> for PlatformName {
    type Error = PlatformError;
    fn try_from(s: String) -> Result<Self, PlatformError> {
        Self::parse(&s)
    }
}

impl From<PlatformName> for String {
    fn from(p: PlatformName) -> String {
        p.0
    }
}

impl fmt::Display for PlatformName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The platform's own reference of an application (申报编号): opaque, no personal data.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PlatformRef(String);

impl PlatformRef {
    pub const MAX_CHARS: usize = 64;

    /// # Errors
    /// [`PlatformError::Ref`].
    pub fn parse(s: &str) -> Result<Self, PlatformError> {
        let ok = (1..=Self::MAX_CHARS).contains(&s.len())
            && s.bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b':' | b'-'));
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(PlatformError::Ref)
        }
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PlatformRef {
    type Error = PlatformError;
    fn try_from(s: String) -> Result<Self, PlatformError> {
        Self::parse(&s)
    }
}

impl From<PlatformRef> for String {
    fn from(p: PlatformRef) -> String {
        p.0
    }
}

/// The public step a platform is told of, if `event` is one: what the applicant's progress
/// page shows (internal hand-overs, review steps and hearings are the bureau's own work). The
/// licence's issue is told apart (`LICENCE_ISSUED`), from the sealed licence.
#[must_use]
pub fn callback_step(event: &CaseEvent) -> Option<&'static str> {
    match event {
        CaseEvent::Received(_) => Some("received"),
        CaseEvent::OneTimeNoticeIssued { .. } => Some("one_time_notice"),
        CaseEvent::SupplementReceived { .. } => Some("supplement_received"),
        CaseEvent::Accepted { .. } => Some("accepted"),
        CaseEvent::NotAccepted { .. } => Some("not_accepted"),
        CaseEvent::SpecialProcedureStarted { .. } => Some("special_procedure_started"),
        CaseEvent::SpecialProcedureEnded { .. } => Some("special_procedure_ended"),
        CaseEvent::ExtensionApproved { .. } => Some("extended"),
        CaseEvent::Decided { .. } => Some("decided"),
        CaseEvent::Delivered { .. } => Some("delivered"),
        CaseEvent::Withdrawn { .. } => Some("withdrawn"),
        // An on-the-spot decision is followed at once by its acceptance and decision.
        // 容缺受理: the acceptance follows at once; the licence's issue is told apart.
        CaseEvent::OnTheSpot { .. }
        | CaseEvent::Deferral(_)
        | CaseEvent::ReviewStep { .. }
        | CaseEvent::Transferred { .. }
        | CaseEvent::Returned { .. }
        | CaseEvent::Hearing(_)
        // The platform heard of the extension when it was approved (`extended`).
        | CaseEvent::ExtensionNotified { .. } => None,
    }
}

/// The step of a licence issued on a platform's application.
pub const LICENCE_ISSUED: &str = "licence_issued";

/// Every step a callback may name, for the documentation and the tests.
pub const STEPS: [&str; 12] = [
    "received",
    "one_time_notice",
    "supplement_received",
    "accepted",
    "not_accepted",
    "special_procedure_started",
    "special_procedure_ended",
    "extended",
    "decided",
    "delivered",
    "withdrawn",
    LICENCE_ISSUED,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_names_are_lower_case_and_never_department_codes() {
        for ok in ["sdzwfw", "yw-tb2", "ab"] {
            let n = PlatformName::parse(ok).unwrap();
            assert!(crate::org::DepartmentCode::parse(ok).is_err(), "{ok}");
            assert!(n.receiver().is_ok());
        }
        for bad in [
            "",
            "a",
            "SDZWFW",
            "9abc",
            "ab c",
            "abcdefghijklmnopqrstu",
            "省平台",
        ] {
            assert_eq!(PlatformName::parse(bad), Err(PlatformError::Name), "{bad}");
        }
        let long = PlatformName::parse(&"a".repeat(PlatformName::MAX_CHARS)).unwrap();
        assert!(long.receiver().is_ok(), "the receiver's id fits a staff id");
        assert_eq!(
            PlatformName::parse("sdzwfw")
                .unwrap()
                .receiver()
                .unwrap()
                .as_str(),
            "PLATFORM-SDZWFW"
        );
    }

    #[test]
    fn platform_refs_are_short_and_plain() {
        assert!(PlatformRef::parse("SD2026-11-23:0001_a.b").is_ok());
        for bad in ["", " x", "a b", "编号", "a/b"] {
            assert_eq!(PlatformRef::parse(bad), Err(PlatformError::Ref), "{bad}");
        }
        assert!(PlatformRef::parse(&"r".repeat(64)).is_ok());
        assert!(PlatformRef::parse(&"r".repeat(65)).is_err());
    }
}
