//! The ledger's record of a correction to a year of the working-day calendar in force.
//!
//! A correction moves the deadlines of open cases, so it is proposed by the city's administrator
//! with a reason and a source, answered with the deadlines it moves, and takes effect only when
//! the bureau head approves it: two events. The reason and the source are free text a person
//! typed, so they live in the private body only; the public entry carries the year, the changed
//! days, hashes of the year files and how many deadlines move.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::{Date, OffsetDateTime};

use crate::canonical::commitment;
use crate::case::CaseNumber;
use crate::org::StaffId;

/// Which deadline of a case a correction moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// The one-time notice (Art. 32(4)).
    Notice,
    /// The statutory decision deadline (Art. 42).
    Statutory,
    /// The bureau's promised decision deadline.
    Promised,
    /// Delivery of the decision (Art. 44).
    Delivery,
}

/// One deadline of an open case that a correction moves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovingDeadline {
    pub case_number: CaseNumber,
    pub deadline: DeadlineKind,
    /// Due date under the calendar in force.
    #[serde(with = "crate::calendar::iso_date")]
    pub old_due: Date,
    /// Due date under the corrected calendar.
    #[serde(with = "crate::calendar::iso_date")]
    pub new_due: Date,
}

/// A proposed correction of a year in force (the private body of the proposal).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CalendarCorrection {
    pub correction_id: String,
    pub year: i32,
    /// The administrator who proposed it (who may not also approve it).
    pub proposed_by: StaffId,
    /// The year file as it will be.
    pub json: String,
    /// The year file it replaces: the approval is refused if the year changed in between.
    pub base_json: String,
    /// The days that change, all after the day of the proposal.
    #[serde(with = "iso_dates")]
    pub days: Vec<Date>,
    /// Why (free text: private).
    pub reason: String,
    /// Where the correction comes from, e.g. the State Council notice's number (private).
    pub source: String,
    /// The open cases' deadlines that move, as of the proposal.
    pub moving: Vec<MovingDeadline>,
}

/// The bureau head's approval of a proposed correction (it takes effect with this event).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CorrectionApproval {
    pub correction_id: String,
    pub year: i32,
    /// The year file now in force (the proposal's), so the event applies on its own.
    pub json: String,
    pub approved_by: StaffId,
    /// The instant the correction takes effect; cases decided before it keep their dates.
    #[serde(with = "time::serde::rfc3339")]
    pub approved_at: OffsetDateTime,
    /// The open cases' deadlines that moved, as of the approval.
    pub moving: Vec<MovingDeadline>,
}

fn sha256(text: &str) -> String {
    commitment(&[], text.as_bytes())
}

pub(super) fn proposed_public(c: &CalendarCorrection) -> Value {
    json!({
        "correction_id": c.correction_id, "year": c.year,
        "days": c.days.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "file_sha256": sha256(&c.json), "base_sha256": sha256(&c.base_json),
        "moving_deadlines": c.moving.len(),
    })
}

pub(super) fn approved_public(a: &CorrectionApproval) -> Value {
    json!({
        "correction_id": a.correction_id, "year": a.year, "approved_by": a.approved_by,
        "file_sha256": sha256(&a.json), "moving_deadlines": a.moving.len(),
    })
}

/// A list of dates as ISO strings.
mod iso_dates {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(dates: &[Date], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(dates.iter().map(ToString::to_string))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Date>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|s| crate::calendar::parse_date_arg(s).map_err(serde::de::Error::custom))
            .collect()
    }
}
