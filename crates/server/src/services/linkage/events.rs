//! How the linkage records its events: under the caller's meta, or as the linkage itself
//! (reminders, digests, refusals, the 注销 after a penalty).

use oneseal_domain::event::{Actor, Event};
use oneseal_domain::org::DivisionCode;
use oneseal_store::Tx;
use time::OffsetDateTime;

use super::error::LinkageError;
use crate::services::commands::Meta;

/// Records one event under `meta`.
pub(crate) fn record(tx: &mut Tx<'_>, meta: &Meta, event: &Event) -> Result<u64, LinkageError> {
    Ok(tx.record(event, meta.time, &meta.jurisdiction, &meta.actor)?)
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
