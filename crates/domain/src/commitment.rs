//! 告知承诺制 (notification and commitment, issue #19 item 5): for an item under the regime the
//! bureau tells the applicant the conditions in writing, the applicant commits in writing that
//! they are met, and the bureau decides at once on the commitment; the supervising department
//! then verifies it after the grant, and a false commitment costs the licence.
//!
//! The regime rests on 《国务院办公厅关于全面推行证明事项和涉企经营许可事项告知承诺制的指导意见》
//! (国办发〔2020〕42号, [`REGIME_SOURCE`]) and, per item, on the provision the catalog's
//! `commitment` setting cites with the verification period (`LegalSettings::commitment`, e.g.
//! two months). The pieces:
//!
//! * **Signing.** At intake (the window's clerk or the applicant online) the applicant accepts
//!   the item's text ([`text_zh`]); [`sign`] records it in the receipt ([`SignedCommitment`] in
//!   `case::Received::commitment`): the text, its SHA-256, the period and the source. A
//!   receipt is an event of the ledger, so the signature is too; the sealed decision quotes
//!   the text's digest.
//! * **At once.** A signed commitment lets the approving official decide on the spot (Art.
//!   34(2), `case::on_spot`: the commitment's source stands where an item's own on-the-spot
//!   provision would).
//! * **Verification.** On the grant the bureau records a verification task for the item's
//!   supervising department (审管互动) due the period after the decision
//!   ([`CommitmentEvent::Asked`]); the department answers verified or false
//!   ([`CommitmentEvent::Answered`]).
//! * **False.** A false commitment means the licence was obtained by deception: Art. 69 para 2
//!   requires its revocation (`licence::RevocationGround::FalseCommitment`, no compensation),
//!   and the finding is the applicant's credit record (失信记录), shown to staff only.
//!   The rules `commitment_verification_overdue` and `commitment_revocation_missing` watch both
//!   duties (`rules::commitment`).
//!
//! Privacy: the commitment's text is the item's public wording; what a department writes about
//! its finding is free text (it may name people) and stays in the event's private body.
//!
//! Pure: no I/O, no clock; dates and times come from the caller.

use serde::{Deserialize, Serialize};
use thiserror::Error;
use time::{Date, OffsetDateTime};

use crate::calendar::{Calendar, CalendarError, iso_date};
use crate::case::{CaseEvent, ItemSnapshot, Sha256Digest};
use crate::catalog::TimeLimit;
use crate::linkage::Claimant;
use crate::org::DepartmentCode;

mod signed;
pub use signed::{SignedCommitment, text_zh};

/// The State Council's guideline that sets up the regime.
pub const REGIME_SOURCE: &str = "《国务院办公厅关于全面推行证明事项和涉企经营许可事项告知承诺制的指导意见》（国办发〔2020〕42号）";

/// The longest finding text a department may write, in characters.
pub const MAX_FINDING_CHARS: usize = 2000;

/// What the item offers: the verification period and the provision.
#[must_use]
pub fn offered(item: &ItemSnapshot) -> Option<(TimeLimit, &str)> {
    item.legal
        .as_ref()
        .and_then(|l| l.commitment.as_ref())
        .map(|c| (c.value, c.source.as_str()))
}

impl SignedCommitment {
    /// The commitment for `item` signed at `at`; `None` when the item is not under the regime.
    #[must_use]
    pub fn for_item(item: &ItemSnapshot, at: OffsetDateTime) -> Option<Self> {
        let (within, source) = offered(item)?;
        let text = text_zh(&item.name, within, source);
        Some(Self {
            text_sha256: Sha256Digest::of(text.as_bytes()).to_string(),
            text,
            verify_within: within,
            source: source.to_owned(),
            signed_at: at,
        })
    }

    /// The last day of the verification of a grant decided on `decided_on`.
    ///
    /// # Errors
    /// The calendar's, when a working-day period runs through a year it does not know.
    pub fn verify_by(&self, calendar: &Calendar, decided_on: Date) -> Result<Date, CalendarError> {
        Ok(calendar
            .deadline(
                decided_on,
                crate::case::clock::calendar_limit(self.verify_within),
                &[],
            )?
            .due)
    }
}

/// Why a commitment step is refused.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum CommitmentError {
    #[error("the item is not under 告知承诺制")]
    NotOffered,
    #[error("a commitment's history must start with the request to verify")]
    NotAsked,
    #[error("the verification is already answered")]
    AlreadyAnswered,
    #[error("the verification asks another department")]
    WrongDepartment,
    #[error("a false commitment needs the finding written down")]
    FindingMissing,
    #[error("the finding is longer than 2000 characters")]
    FindingTooLong,
    #[error("the verification already names its licence")]
    LicenceAlreadyNamed,
}

impl CommitmentError {
    /// The machine-readable code of the HTTP answer.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::NotOffered => "commitment_not_offered",
            Self::NotAsked => "commitment_corrupt",
            Self::AlreadyAnswered => "commitment_already_answered",
            Self::WrongDepartment => "forbidden_department",
            Self::FindingMissing => "missing_field",
            Self::FindingTooLong => "too_long",
            Self::LicenceAlreadyNamed => "commitment_corrupt",
        }
    }

    /// Chinese message.
    #[must_use]
    pub const fn message_zh(&self) -> &'static str {
        match self {
            Self::NotOffered => "该事项未实行告知承诺制，不能以承诺代替证明材料",
            Self::NotAsked => "承诺核查记录不完整",
            Self::AlreadyAnswered => "该承诺已核查答复，不能重复答复",
            Self::WrongDepartment => "该核查任务不属于本部门",
            Self::FindingMissing => "核查发现承诺不实的，应当写明核查情况",
            Self::FindingTooLong => "核查情况最多2000字",
            Self::LicenceAlreadyNamed => "承诺核查记录不完整：证照已登记",
        }
    }
}

/// Records the applicant's signature in the receipt among `events` (the intake's), made at
/// the receipt's time.
///
/// # Errors
/// [`CommitmentError::NotOffered`] when the item is not under the regime.
pub fn sign(events: &mut [CaseEvent]) -> Result<(), CommitmentError> {
    for e in events {
        if let CaseEvent::Received(r) = e {
            let signed = SignedCommitment::for_item(&r.item, r.received_at)
                .ok_or(CommitmentError::NotOffered)?;
            r.commitment = Some(signed);
        }
    }
    Ok(())
}

/// What the department found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// 承诺属实.
    Verified,
    /// 承诺不实.
    False,
}

impl Verdict {
    pub const ALL: [Self; 2] = [Self::Verified, Self::False];

    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Verified => "verified",
            Self::False => "false",
        }
    }

    #[must_use]
    pub const fn name_zh(self) -> &'static str {
        match self {
            Self::Verified => "承诺属实",
            Self::False => "承诺不实",
        }
    }

    #[must_use]
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.code() == code)
    }
}

/// The task given to the supervising department on a grant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationAsked {
    pub case_number: String,
    pub item_code: String,
    /// The licence the grant issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence_id: Option<String>,
    /// The push of the grant the task rides with (审管互动).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub push_id: Option<String>,
    /// The supervising department; `None` when the item has none mapped (the rule then tells
    /// the bureau head when the task falls due).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<DepartmentCode>,
    /// The commitment's text digest, as signed.
    pub text_sha256: String,
    #[serde(with = "iso_date")]
    pub asked_on: Date,
    #[serde(with = "iso_date")]
    pub due_on: Date,
}

/// One step of a commitment's verification, keyed by the case number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CommitmentEvent {
    Asked(VerificationAsked),
    /// The department's finding.
    Answered {
        department: DepartmentCode,
        by: Claimant,
        #[serde(with = "iso_date")]
        on: Date,
        verdict: Verdict,
        /// What was checked and found (private free text).
        finding: String,
        /// Answered after the due date.
        late: bool,
    },
    /// 容缺受理: the grant's licence was held when the task was asked (it named none); the
    /// licence is issued now and the task names it, so that a false finding revokes it.
    LicenceIssued {
        licence_id: String,
        #[serde(with = "iso_date")]
        on: Date,
    },
}

impl CommitmentEvent {
    #[must_use]
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::Asked(_) => "asked",
            Self::Answered { .. } => "answered",
            Self::LicenceIssued { .. } => "licence_issued",
        }
    }

    /// What anyone may read: codes, ids, dates and the verdict; never the finding's text.
    #[must_use]
    pub fn public_view(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            Self::Asked(a) => json!({
                "type": "asked", "case_number": a.case_number, "item_code": a.item_code,
                "licence_id": a.licence_id, "push_id": a.push_id, "department": a.department,
                "text_sha256": a.text_sha256, "asked_on": a.asked_on.to_string(),
                "due_on": a.due_on.to_string(),
            }),
            Self::Answered {
                department,
                by,
                on,
                verdict,
                late,
                ..
            } => json!({
                "type": "answered", "department": department, "by": by, "on": on.to_string(),
                "verdict": verdict, "late": late,
            }),
            Self::LicenceIssued { licence_id, on } => json!({
                "type": "licence_issued", "licence_id": licence_id, "on": on.to_string(),
            }),
        }
    }
}

/// A department's answer as given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub by: Claimant,
    #[serde(with = "iso_date")]
    pub on: Date,
    pub verdict: Verdict,
    pub finding: String,
    pub late: bool,
}

/// A verification, as its events leave it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub asked: VerificationAsked,
    pub answer: Option<Finding>,
}

impl Verification {
    /// Folds a verification's events.
    ///
    /// # Errors
    /// [`CommitmentError::NotAsked`] unless the history starts with the task,
    /// [`CommitmentError::AlreadyAnswered`] for a second answer.
    pub fn apply(events: &[CommitmentEvent]) -> Result<Self, CommitmentError> {
        let mut it = events.iter();
        let Some(CommitmentEvent::Asked(asked)) = it.next() else {
            return Err(CommitmentError::NotAsked);
        };
        let mut v = Self {
            asked: asked.clone(),
            answer: None,
        };
        for e in it {
            match e {
                CommitmentEvent::Asked(_) => return Err(CommitmentError::NotAsked),
                CommitmentEvent::Answered {
                    by,
                    on,
                    verdict,
                    finding,
                    late,
                    ..
                } => {
                    if v.answer.is_some() {
                        return Err(CommitmentError::AlreadyAnswered);
                    }
                    v.answer = Some(Finding {
                        by: by.clone(),
                        on: *on,
                        verdict: *verdict,
                        finding: finding.clone(),
                        late: *late,
                    });
                }
                // The task asked while the licence was held names it once issued.
                CommitmentEvent::LicenceIssued { licence_id, .. } => {
                    if v.asked.licence_id.is_some() {
                        return Err(CommitmentError::LicenceAlreadyNamed);
                    }
                    v.asked.licence_id = Some(licence_id.clone());
                }
            }
        }
        Ok(v)
    }

    /// The event naming the licence a held grant issued on `on`; `None` when the task already
    /// names one.
    #[must_use]
    pub fn licence_issued(&self, licence_id: &str, on: Date) -> Option<CommitmentEvent> {
        self.asked
            .licence_id
            .is_none()
            .then(|| CommitmentEvent::LicenceIssued {
                licence_id: licence_id.to_owned(),
                on,
            })
    }

    /// The department's answer, checked: only the asked department, once; a false finding
    /// written down.
    ///
    /// # Errors
    /// [`CommitmentError::WrongDepartment`], [`CommitmentError::AlreadyAnswered`],
    /// [`CommitmentError::FindingMissing`], [`CommitmentError::FindingTooLong`].
    pub fn answer(
        &self,
        department: &DepartmentCode,
        by: Claimant,
        on: Date,
        verdict: Verdict,
        finding: &str,
    ) -> Result<CommitmentEvent, CommitmentError> {
        if self.asked.department.as_ref() != Some(department) {
            return Err(CommitmentError::WrongDepartment);
        }
        if self.answer.is_some() {
            return Err(CommitmentError::AlreadyAnswered);
        }
        let finding = finding.trim();
        if verdict == Verdict::False && finding.is_empty() {
            return Err(CommitmentError::FindingMissing);
        }
        if finding.chars().count() > MAX_FINDING_CHARS {
            return Err(CommitmentError::FindingTooLong);
        }
        Ok(CommitmentEvent::Answered {
            department: department.clone(),
            by,
            on,
            verdict,
            finding: finding.to_owned(),
            late: on > self.asked.due_on,
        })
    }

    /// Unanswered after its due date.
    #[must_use]
    pub fn is_overdue(&self, today: Date) -> bool {
        self.answer.is_none() && today > self.asked.due_on
    }

    /// Found false: the licence must be revoked (Art. 69 para 2).
    #[must_use]
    pub fn found_false(&self) -> Option<Date> {
        self.answer
            .as_ref()
            .filter(|a| a.verdict == Verdict::False)
            .map(|a| a.on)
    }
}

#[cfg(test)]
mod tests;
