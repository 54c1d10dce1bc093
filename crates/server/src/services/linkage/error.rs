//! The linkage service's typed error, and which of them a department's refused attempt is
//! recorded as. Its own module so every part of the service can use it without a circle.

use oneseal_domain::access::Denied;
use oneseal_domain::calendar::CalendarError;
use oneseal_domain::licence::LicenceError;
use oneseal_store::StoreError;

/// Why a linkage command or query did not go through. Mapped to HTTP in `error.rs`.
#[derive(Debug, thiserror::Error)]
pub enum LinkageError {
    /// A rule of `domain::linkage` refused (a claim twice, another department's push, …).
    #[error(transparent)]
    Rule(#[from] oneseal_domain::linkage::LinkageError),
    /// A department's penalty could not be applied to the licence.
    #[error(transparent)]
    Licence(#[from] LicenceError),
    /// The working-day calendar lacks a year a new push's claim period reaches into.
    #[error("calendar: {0}")]
    Calendar(CalendarError),
    /// The same, when the bureau routes an unmapped push.
    #[error("calendar: {0}")]
    CalendarOnAssign(CalendarError),
    /// The caller may not act on this (another department's push or licence, a role, …).
    #[error("forbidden: {0}")]
    Denied(#[from] Denied),
    #[error("not found: {0}")]
    NotFound(&'static str),
    #[error("no such licence in this jurisdiction")]
    UnknownLicence,
    #[error("no such department in this jurisdiction")]
    UnknownDepartment,
    #[error("the responsible user is not active staff of that department")]
    UnknownStaff,
    #[error("external_ref must be 1 to 100 characters")]
    BadExternalRef,
    #[error("this external_ref was already used for different feedback")]
    ExternalRefConflict,
    #[error("no open review for this feedback")]
    ReviewNotOpen,
    #[error("Idempotency-Key must be 1 to 200 characters")]
    BadIdempotencyKey,
    #[error("this Idempotency-Key was used for a different request")]
    IdempotencyKeyReused,
    /// The department's budget of recorded refusals for this minute is spent.
    #[error("too many refused attempts")]
    TooManyRefusals,
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Our fault: stored data we cannot read, no randomness.
    #[error("{0}")]
    Internal(String),
}

impl LinkageError {
    /// The refusal a department's attempt is recorded as, when this error is one worth
    /// recording (someone else's business, or something that does not exist).
    pub fn refusal(&self) -> Option<Refusal> {
        match self {
            LinkageError::Denied(_)
            | LinkageError::Rule(oneseal_domain::linkage::LinkageError::WrongDepartment) => {
                Some(Refusal::ForbiddenDepartment)
            }
            LinkageError::NotFound(_) => Some(Refusal::NotFound),
            LinkageError::UnknownLicence => Some(Refusal::UnknownLicence),
            _ => None,
        }
    }
}

/// Why a department's attempt was refused, as the log records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Someone else's business: the id exists (it was found, then refused).
    ForbiddenDepartment,
    /// No such thing.
    NotFound,
    /// No such licence here.
    UnknownLicence,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::ForbiddenDepartment => "forbidden_department",
            Refusal::NotFound => "not_found",
            Refusal::UnknownLicence => "unknown_licence",
        }
    }
}
