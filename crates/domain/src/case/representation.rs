//! Who files an application when it is not the applicant in person (issue #19 item 3).
//!
//! Two ways, recorded on the receipt ([`Received::representation`](super::Received)):
//!
//! - **委托代理**: an agent files for the applicant — an organisation's 经办人, or a natural
//!   person's relative or lawyer — with a written authorisation (授权委托书). Art. 29 of the
//!   Licensing Law lets an applicant apply through an agent; the bureau must be able to show
//!   later that the agent had authority, so the authorisation's file is bound by its SHA-256
//!   (the clerk uploads the scan to the case under [`AUTHORISATION_MATERIAL`]) and the agent's
//!   name and ID number are kept beside it. A natural person's agent needs the authorisation as
//!   much as an organisation's does, and nobody is their own agent.
//! - **帮办代办**: hall staff fill in and file for a walk-in applicant (an older person, say)
//!   who asked for help. The applicant's consent is required, and how it was given (a signed
//!   form, or said at the window) is recorded with the time and the clerk, so the case shows
//!   the filing was the applicant's will. It happens at a window: an online application is the
//!   applicant's own.
//!
//! Both are personal data: they live in the receipt's private body only, never in a public
//! field, a log line or a sealed document (the unsealed receipt PDF shows them, the ID masked).

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::ids::Sha256Digest;
use super::person::IdNumber;
use crate::org::StaffId;

/// The material name under which the authorisation's scan is kept on the case.
pub const AUTHORISATION_MATERIAL: &str = "授权委托书";

/// How a walk-in applicant agreed to staff filing for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentMethod {
    /// 签字确认: the applicant signed the 帮办代办 consent form.
    SignedForm,
    /// 当场口头同意: the applicant said so at the window, before the clerk.
    VerbalAtWindow,
}

impl ConsentMethod {
    /// Its Chinese name.
    #[must_use]
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::SignedForm => "申请人签字确认",
            Self::VerbalAtWindow => "申请人在窗口当面口头同意",
        }
    }
}

/// Who filed for the applicant, as the receipt records it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Representation {
    /// 委托代理.
    Agent {
        /// The agent's name as on the ID card.
        name: String,
        /// The agent's 居民身份证号码.
        id_number: IdNumber,
        /// SHA-256 of the authorisation (授权委托书) as received.
        authorisation: Sha256Digest,
    },
    /// 帮办代办.
    OnBehalf {
        /// How the applicant consented.
        consent: ConsentMethod,
        /// When the consent was recorded.
        #[serde(with = "time::serde::rfc3339")]
        consented_at: OffsetDateTime,
        /// The clerk who filed on the applicant's behalf.
        filed_by: StaffId,
    },
}

impl fmt::Debug for Representation {
    /// The kind only: the agent's name and ID number are personal data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Agent { id_number, .. } => f
                .debug_struct("Agent")
                .field("id_number", id_number)
                .finish_non_exhaustive(),
            Self::OnBehalf {
                consent, filed_by, ..
            } => f
                .debug_struct("OnBehalf")
                .field("consent", consent)
                .field("filed_by", filed_by)
                .finish_non_exhaustive(),
        }
    }
}

impl Representation {
    /// One line for the case page and the receipt, the agent's ID masked.
    #[must_use]
    pub fn summary_zh(&self) -> String {
        match self {
            Self::Agent {
                name, id_number, ..
            } => {
                format!("委托代理人：{name}（身份证号 {}）", id_number.masked())
            }
            Self::OnBehalf {
                consent, filed_by, ..
            } => format!(
                "帮办代办：由窗口工作人员 {} 代为填报，{}",
                filed_by.as_str(),
                consent.name_zh()
            ),
        }
    }
}

/// A representation whose fields checked out; the time and clerk of a 帮办代办 are added when
/// the receipt is recorded ([`RepresentationRequest::record`]).
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RepresentationRequest {
    /// 委托代理.
    Agent {
        name: String,
        id_number: IdNumber,
        authorisation: Sha256Digest,
    },
    /// 帮办代办.
    OnBehalf { consent: ConsentMethod },
}

impl fmt::Debug for RepresentationRequest {
    /// The kind only (personal data).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Agent { .. } => f.write_str("Agent { .. }"),
            Self::OnBehalf { consent } => write!(f, "OnBehalf {{ consent: {consent:?} }}"),
        }
    }
}

impl RepresentationRequest {
    /// The representation as the receipt recorded by `clerk` at `now` keeps it.
    #[must_use]
    pub fn record(self, clerk: &StaffId, now: OffsetDateTime) -> Representation {
        match self {
            Self::Agent {
                name,
                id_number,
                authorisation,
            } => Representation::Agent {
                name,
                id_number,
                authorisation,
            },
            Self::OnBehalf { consent } => Representation::OnBehalf {
                consent,
                consented_at: now,
                filed_by: clerk.clone(),
            },
        }
    }
}
