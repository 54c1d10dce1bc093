//! The bureau's side of the linkage: which department supervises which item, the claim and
//! escalation periods, and the tracking view (counts per department, refused attempts; the
//! pushes and feedback are paged lists of their own).

use oneseal_domain::event::Event;
use oneseal_domain::linkage::LinkageSettings;
use oneseal_domain::org::{DivisionCode, StaffId};
use oneseal_store::linkage::bureau::{self as store, ItemMapping, RefusalRow};
use oneseal_store::linkage::pushes::{self, StatRow};
use oneseal_store::{Conn, Store, StoreError, Tx};

use super::error::LinkageError;
use super::events::record;
use super::pushes::department_here;
use crate::services::commands::Meta;

/// The jurisdiction's claim and escalation periods (defaults until set).
pub fn settings(conn: &mut dyn Conn, j: &DivisionCode) -> Result<LinkageSettings, StoreError> {
    store::settings(conn, j)
}

/// The settings, read on their own.
pub async fn read_settings(
    store: &Store,
    j: DivisionCode,
) -> Result<LinkageSettings, LinkageError> {
    Ok(store.read(move |c| settings(c, &j)).await?)
}

/// Records new settings (validated by the domain); returns the ledger index.
pub async fn change_settings(
    store: &Store,
    meta: Meta,
    settings: LinkageSettings,
) -> Result<u64, LinkageError> {
    settings.validate()?;
    store
        .write(move |tx| record(tx, &meta, &Event::LinkageSettingsChanged { settings }))
        .await
}

/// Every current item with its supervising department (`department: None` = unmapped).
pub async fn mappings(store: &Store, j: DivisionCode) -> Result<Vec<ItemMapping>, LinkageError> {
    Ok(store.read(move |c| store::mappings(c, &j)).await?)
}

/// The bureau's mapping of one item, as requested.
pub struct MappingRequest {
    pub item_code: String,
    pub department: String,
    /// The responsible member of the department's staff (none when empty).
    pub responsible: Option<String>,
    pub push_refusals: bool,
}

/// Maps a current item to a department here (and optionally a responsible member of its
/// staff); returns the ledger index.
pub fn map_item(tx: &mut Tx<'_>, meta: &Meta, m: MappingRequest) -> Result<u64, LinkageError> {
    let j = &meta.jurisdiction;
    if !store::item_is_current(tx.conn(), j, &m.item_code)? {
        return Err(LinkageError::NotFound("item"));
    }
    let d = department_here(tx.conn(), j, &m.department)?;
    let responsible = match m.responsible.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => {
            let id = StaffId::parse(s).map_err(|_| LinkageError::UnknownStaff)?;
            if !store::is_active_staff_of(tx.conn(), j, &d, id.as_str())? {
                return Err(LinkageError::UnknownStaff);
            }
            Some(id)
        }
    };
    record(
        tx,
        meta,
        &Event::SupervisionMapped {
            item_code: m.item_code,
            department: d,
            responsible,
            push_refusals: m.push_refusals,
        },
    )
}

/// Counts per department, read on their own.
pub async fn read_stats(
    store: &Store,
    j: DivisionCode,
    today: String,
) -> Result<Vec<StatRow>, LinkageError> {
    Ok(store.read(move |c| pushes::stats(c, &j, &today)).await?)
}

/// What the bureau's tracking page shows besides its paged lists of pushes and feedback.
pub struct Tracking {
    pub stats: Vec<StatRow>,
    pub refusals: Vec<RefusalRow>,
    pub settings: LinkageSettings,
}

/// The tracking view of a jurisdiction as of `today`, read in one go.
pub async fn tracking(
    store: &Store,
    j: DivisionCode,
    today: String,
) -> Result<Tracking, LinkageError> {
    Ok(store
        .read(move |c| {
            let refusals = store::refusals(c, &j)?;
            Ok::<_, StoreError>(Tracking {
                stats: pushes::stats(c, &j, &today)?,
                refusals,
                settings: store::settings(c, &j)?,
            })
        })
        .await?)
}
