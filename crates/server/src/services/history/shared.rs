//! What the history's parts share: its options and keys, why it fails, and what every batch of
//! the writer and of the signers runs with.

use std::collections::HashMap;
use std::sync::Arc;

use oneseal_domain::calendar::Calendar;
use oneseal_domain::case::CaseNumber;
use oneseal_domain::org::{Role, StaffId};
use time::{Date, OffsetDateTime};

use super::plan::{Place, Step, World};
use crate::services::case_secrets::CaseSecrets;
use crate::services::cases::Acting;
use crate::services::sealing::SealKeys;

/// Why a history could not be generated: the operator's command failed, never a visitor's
/// request, so this is reported by the CLI and not mapped to HTTP.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// The database already holds an organisation: a history starts before anything else.
    #[error("the database is not empty: generate a history into a new data directory")]
    NotEmpty,
    /// The period asked for is outside the working-day calendar.
    #[error("the calendar has no working day between {0} and {1}")]
    NoWorkingDays(Date, Date),
    #[error("demo data: {0}")]
    Data(String),
    /// A step of the plan failed on the writer (a bug: the planner checked it).
    #[error("case {case}: {what}")]
    Step { case: u32, what: String },
    #[error(transparent)]
    Store(#[from] oneseal_store::StoreError),
}

/// How much history, over which period, from which seed.
#[derive(Debug, Clone)]
pub struct Options {
    pub cases: u32,
    pub seed: u64,
    /// Calendar days of history ending on `end`'s day.
    pub days: u32,
    /// The history's "now": nothing happens after it.
    pub end: OffsetDateTime,
    /// Steps per writer command.
    pub batch: usize,
    /// The writer's page cache while the history is written, in MiB (SQLite; 0: SQLite's
    /// default), put back afterwards (`oneseal_store::bulk`).
    pub cache_mib: u32,
}

/// What the history runs with once the organisation and seals are recorded.
pub struct Keys {
    pub seals: Arc<SealKeys>,
    pub secrets: Arc<CaseSecrets>,
    pub calendar: Arc<Calendar>,
}

/// What every batch runs with.
pub(super) struct Shared {
    pub(super) world: Arc<World>,
    pub(super) seals: Arc<SealKeys>,
    pub(super) secrets: Arc<CaseSecrets>,
}

/// One writer command's steps, with the case numbers its intakes will get.
pub(super) struct Chunk {
    pub(super) steps: Vec<Step>,
    pub(super) numbers: HashMap<u32, CaseNumber>,
}

pub(super) fn acting(
    sh: &Shared,
    place: &Place,
    staff: StaffId,
    role: Role,
    now: OffsetDateTime,
) -> Acting {
    Acting {
        staff,
        roles: vec![role],
        now,
        calendar: sh.world.calendar.clone(),
        jurisdiction: place.code.clone(),
        secrets: sh.secrets.clone(),
    }
}
