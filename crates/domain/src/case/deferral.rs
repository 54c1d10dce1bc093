//! 容缺受理 (issue #19 item 6, issue #21 item 11): acceptance with non-key materials to follow.
//!
//! The reform's rule, as the bureau applies it: for an item on the list (`catalog::deferrable`,
//! pinned into the case at receipt), a clerk may accept an application whose key materials are
//! complete while listed non-key ones are missing, when the applicant commits in writing to
//! supply them by an agreed date (at most [`MAX_DEFERRAL_DAYS`] days ahead). The acceptance
//! voucher lists them and the date. Review and the decision go on as usual; a grant may be
//! decided, but its licence is held (not issued, not delivered) until every deferred material is
//! received and checked by a clerk, and is issued then. A rule (`deferred_materials`) tells the
//! accepting clerk once the agreed date has passed with materials still owed.
//!
//! 容缺 at the decision (approving with materials owed) is refused: it is no legal path
//! (`CaseError::DeferredMaterialsAtDecision`).
//!
//! One event kind, `deferral`, with two acts: `accept` (recorded just before the `accepted`
//! event the same command records) and `receive`. Only catalog material names and dates are in
//! them, so the timeline and the public progress may show them.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::calendar::iso_date;
use crate::org::StaffId;

use super::ids::MaterialRef;

/// The latest agreed date, in calendar days after acceptance: the bureau's limit, so a hold
/// never outlasts the decision by long (the general limit is 20 working days).
pub const MAX_DEFERRAL_DAYS: i64 = 30;

/// One act of 容缺受理: the `act` of the command body (`{"action": "deferral", "act": …}`)
/// and of the recorded event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "act", rename_all = "snake_case")]
pub enum DeferralAct {
    /// 容缺受理: accept now, the listed `materials` to follow by `due` (clerk).
    Accept {
        /// Names from the item's list of materials that may follow.
        materials: Vec<String>,
        /// The date the applicant committed to.
        #[serde(with = "iso_date")]
        due: Date,
    },
    /// 收到容缺材料: deferred materials received and checked (clerk).
    Receive {
        /// The documents, each named as the material it supplies.
        materials: Vec<MaterialRef>,
    },
}

/// The recorded act.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeferralEvent {
    /// Clerk.
    pub by: StaffId,
    /// Date.
    #[serde(with = "iso_date")]
    pub on: Date,
    /// The act.
    #[serde(flatten)]
    pub act: DeferralAct,
}

/// The deferral as the case keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deferral {
    /// Clerk who accepted.
    pub by: StaffId,
    /// Acceptance day.
    pub agreed_on: Date,
    /// The agreed date.
    pub due: Date,
    /// The materials agreed to follow.
    pub materials: Vec<String>,
    /// The materials received, with the day.
    pub received: Vec<(String, Date)>,
}

impl Deferral {
    /// The agreed materials not received yet, in the agreed order.
    #[must_use]
    pub fn outstanding(&self) -> Vec<&str> {
        self.materials
            .iter()
            .filter(|m| !self.received.iter().any(|(r, _)| r == *m))
            .map(String::as_str)
            .collect()
    }

    /// The day the last one arrived, once all have.
    #[must_use]
    pub fn completed_on(&self) -> Option<Date> {
        if self.outstanding().is_empty() {
            self.received.iter().map(|(_, d)| *d).max()
        } else {
            None
        }
    }

    /// Whether the agreed date has passed with materials still owed.
    #[must_use]
    pub fn overdue(&self, today: Date) -> bool {
        today > self.due && !self.outstanding().is_empty()
    }
}
