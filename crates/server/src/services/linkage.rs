//! Approval–supervision linkage (审管互动) apart from HTTP: pushes when the bureau decides and
//! their claims (`pushes`), feedback from departments and their feed (`feedback`), the bureau's
//! mapping, settings and tracking (`bureau`), refused attempts (`refusals`) and webhooks
//! (`webhooks`). The rules live in `domain::linkage`; this module finds the facts they need
//! through `store::linkage` and records what they decide. The working-day runner and webhook
//! delivery are background work (`background::linkage_runner`, `background::webhook_delivery`).

pub mod bureau;
pub mod feedback;
pub mod pushes;
pub mod refusals;
pub mod webhooks;

pub use bureau::{Tracking, settings, tracking};
pub use feedback::{FeedbackOutcome, dept_inbox, penalty_revocation, submit_feedback};
pub use oneseal_store::linkage::bureau::RefusalRow;
pub use oneseal_store::linkage::feedback::FeedbackRow;
pub use oneseal_store::linkage::pushes::{PushRow, StatRow, stats};
pub use pushes::{
    Decided, claim, enqueue, load_push, push_decision, push_licence_event, record_push,
};
pub use refusals::{REFUSALS_PER_MINUTE, RefusalLimiter};

use oneseal_domain::access::Denied;
use oneseal_domain::calendar::CalendarError;
use oneseal_domain::event::{Actor, Event};
use oneseal_domain::licence::LicenceError;
use oneseal_domain::org::{DepartmentCode, DivisionCode, StaffId};
use oneseal_store::linkage::bureau as store;
use oneseal_store::{Conn, StoreError, Tx};
use time::OffsetDateTime;

use crate::services::commands::Meta;

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
    pub fn refusal(&self) -> Option<refusals::Refusal> {
        use refusals::Refusal;
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

/// Records one event under `meta`.
pub(crate) fn record(tx: &mut Tx<'_>, meta: &Meta, event: &Event) -> Result<u64, LinkageError> {
    Ok(oneseal_store::projection::record(
        tx,
        event,
        meta.time,
        &meta.jurisdiction,
        &meta.actor,
    )?)
}

/// The meta of what the linkage itself records (reminders, digests, refusals, the 注销 after a
/// penalty).
pub(crate) fn system_meta(now: OffsetDateTime, j: &DivisionCode) -> Meta {
    Meta {
        time: now,
        jurisdiction: j.clone(),
        actor: Actor::System("linkage".into()),
    }
}

/// Who supervises an item here: the explicit mapping, else the catalog's supervising
/// department when it is registered in this jurisdiction. `None` = unmapped (flagged).
pub struct Supervisor {
    pub department: DepartmentCode,
    pub responsible: Option<StaffId>,
    pub push_refusals: bool,
}

pub fn supervisor_for(
    conn: &mut dyn Conn,
    j: &DivisionCode,
    item_code: &str,
) -> Result<Option<Supervisor>, LinkageError> {
    if let Some(m) = store::mapping(conn, j, item_code)? {
        return Ok(Some(Supervisor {
            department: parse_dept(&m.department)?,
            responsible: m.responsible.and_then(|s| StaffId::parse(&s).ok()),
            push_refusals: m.push_refusals,
        }));
    }
    store::catalog_supervisor(conn, j, item_code)?
        .map(|d| {
            Ok(Supervisor {
                department: parse_dept(&d)?,
                responsible: None,
                push_refusals: false,
            })
        })
        .transpose()
}

pub(crate) fn parse_dept(s: &str) -> Result<DepartmentCode, LinkageError> {
    DepartmentCode::parse(s).map_err(|e| LinkageError::Internal(format!("stored department: {e}")))
}

pub(crate) fn parse_division(s: &str) -> Result<DivisionCode, LinkageError> {
    DivisionCode::parse(s).map_err(|e| LinkageError::Internal(e.to_string()))
}
