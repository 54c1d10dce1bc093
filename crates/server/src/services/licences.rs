//! Licences after approval: read one with where it belongs, and act on it (变更 / 延续 / 撤回 /
//! 撤销 / 注销). Each licence event is recorded on the ledger and pushed to the supervising
//! department in the same transaction.

pub mod applications;
pub mod linked;
pub mod register;

use oneseal_domain::calendar::Calendar;
use oneseal_domain::event::Event;
use oneseal_domain::licence::{Licence, LicenceCommand, LicenceError, LicenceEvent};
use oneseal_domain::org::{DivisionCode, StaffId};
use oneseal_store::projection::load_licence_events;
use oneseal_store::{Conn, StoreError, Tx};
use time::Date;

use crate::services::commands::Meta;

/// Why a licence could not be read or changed.
#[derive(Debug, thiserror::Error)]
pub enum LicenceServiceError {
    #[error("no such licence")]
    NotFound,
    /// The licence's state does not allow the command (the user's fault).
    #[error(transparent)]
    Refused(#[from] LicenceError),
    #[error("corrupt licence data: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The push to the supervising department failed; with the linkage service's own typed
    /// error.
    #[error("linkage: {0}")]
    Linkage(Box<crate::services::linkage::LinkageError>),
}

/// A licence as read: its state, its events, its jurisdiction and the item's supervising
/// department.
pub struct LicenceRecord {
    pub licence: Licence,
    pub events: Vec<LicenceEvent>,
    pub jurisdiction: DivisionCode,
    /// Empty when the item names none.
    pub supervising_department: String,
}

pub fn load(conn: &mut dyn Conn, id: &str) -> Result<LicenceRecord, LicenceServiceError> {
    let events = load_licence_events(conn, id)?;
    let licence = Licence::apply(&events).map_err(|_| LicenceServiceError::NotFound)?;
    let item_code = match events.first() {
        Some(LicenceEvent::Issued { item_code, .. }) => item_code.clone(),
        _ => String::new(),
    };
    let place = oneseal_store::licences::place(conn, id, &item_code)?
        .ok_or(LicenceServiceError::NotFound)?;
    let jurisdiction = DivisionCode::parse(&place.jurisdiction)
        .map_err(|e| LicenceServiceError::Corrupt(e.to_string()))?;
    Ok(LicenceRecord {
        licence,
        events,
        jurisdiction,
        supervising_department: place.supervising_department,
    })
}

/// Records licence events on the ledger, each pushed to the supervising department, and
/// returns the licence as they leave it.
pub(crate) fn record(
    tx: &mut Tx<'_>,
    meta: &Meta,
    calendar: &Calendar,
    id: &str,
    events: Vec<LicenceEvent>,
) -> Result<Licence, LicenceServiceError> {
    for e in events {
        meta.record_event(
            tx,
            &Event::Licence {
                licence_id: id.to_owned(),
                event: Box::new(e.clone()),
            },
        )?;
        crate::services::linkage::push_licence_event(tx, meta, calendar, id, &e)
            .map_err(|e| LicenceServiceError::Linkage(Box::new(e)))?;
    }
    Ok(Licence::apply(&load_licence_events(tx.conn(), id)?)?)
}

/// Runs `command` by `staff` on the licence `id` (read as `licence` in this transaction) on
/// `today`; a deemed renewal (Art. 50) is applied first when it is due.
#[allow(clippy::too_many_arguments)]
pub fn act(
    tx: &mut Tx<'_>,
    meta: &Meta,
    calendar: &Calendar,
    id: &str,
    licence: Licence,
    command: LicenceCommand,
    staff: &StaffId,
    today: Date,
) -> Result<Licence, LicenceServiceError> {
    let mut licence = licence;
    if let Some(deemed) = licence.deemed_renewal(today) {
        licence = record(tx, meta, calendar, id, vec![deemed])?;
    }
    let events = licence.handle(command, staff, today)?;
    record(tx, meta, calendar, id, events)
}
