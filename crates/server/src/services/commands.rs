//! State-changing commands. Each runs inside the store's write transaction and changes state
//! only by recording domain events (`store::Tx::record`), so the ledger and the tables can
//! never disagree.

use oneseal_domain::catalog::Item;
use oneseal_domain::event::{Actor, Event};
use oneseal_domain::org::DivisionCode;
use oneseal_store::{StoreError, Tx};
use time::OffsetDateTime;

/// Who and when, for every event of one command.
#[derive(Clone, Debug)]
pub struct Meta {
    pub time: OffsetDateTime,
    pub jurisdiction: DivisionCode,
    pub actor: Actor,
}

impl Meta {
    /// Records one event (sealed, applied, appended; `store::Tx::record`): what services call.
    pub fn record_event(&self, tx: &mut Tx<'_>, event: &Event) -> Result<u64, StoreError> {
        tx.record(event, self.time, &self.jurisdiction, &self.actor)
    }
}

/// Closing something (an alert, a policy review, a rectification) needs a written reason of at
/// least this many characters.
pub const MIN_EXPLANATION: usize = 4;

/// The id after `latest` in a series `<prefix><7-digit serial>` (pushes `TS…`, consultations
/// `ZX…`): serials are dense from 1 and sort as text, so the latest is read on the primary key
/// (`BETWEEN <prefix>0000000 AND <prefix>9999999`) instead of counting rows. `Err` carries a
/// stored id that is not of the series.
pub fn next_serial_id(prefix: &str, latest: Option<String>) -> Result<String, String> {
    let serial = match latest {
        Some(id) => id
            .strip_prefix(prefix)
            .and_then(|n| n.parse::<u64>().ok())
            .ok_or(id)?,
        None => 0,
    };
    Ok(format!("{prefix}{:07}", serial + 1))
}

/// A closing without a written reason: what was being closed, for the message.
#[derive(Debug, thiserror::Error)]
#[error("an explanation of at least {MIN_EXPLANATION} characters is required to close {what_zh}")]
pub struct ExplanationRequired {
    pub what_zh: &'static str,
}

pub fn require_explanation(text: &str, what_zh: &'static str) -> Result<(), ExplanationRequired> {
    if text.trim().chars().count() >= MIN_EXPLANATION {
        return Ok(());
    }
    Err(ExplanationRequired { what_zh })
}

/// What publishing a list of items did.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct PublishReport {
    pub published: usize,
    pub unchanged: usize,
    pub first_index: Option<u64>,
}

/// Why a list of items could not be published.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// An item the catalog's rules refuse (the user's fault).
    #[error("invalid item: {0}")]
    InvalidItem(String),
    #[error("stored item: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Publishes each item as a new version unless the current version is identical.
/// All or nothing: the caller's transaction rolls back on any error.
pub fn publish_items(
    tx: &mut Tx<'_>,
    meta: &Meta,
    items: Vec<Item>,
) -> Result<PublishReport, PublishError> {
    let mut report = PublishReport::default();
    for item in items {
        let current = oneseal_store::items::current(
            tx.conn(),
            meta.jurisdiction.as_str(),
            item.basic_code.as_str(),
        )?;
        let mut spec = item.into_spec();
        if let Some(row) = current {
            let version = u32::try_from(row.version).unwrap_or(u32::MAX);
            let stored: Item = serde_json::from_str(&row.body)
                .map_err(|e| PublishError::Corrupt(e.to_string()))?;
            spec.version = stored.version;
            if *stored.spec() == spec {
                report.unchanged += 1;
                continue;
            }
            spec.version = version.saturating_add(1);
        } else {
            spec.version = spec.version.max(1);
        }
        let item = Item::new(spec).map_err(|e| PublishError::InvalidItem(e.to_string()))?;
        let idx = meta.record_event(
            tx,
            &Event::ItemPublished {
                item: Box::new(item),
            },
        )?;
        report.first_index.get_or_insert(idx);
        report.published += 1;
    }
    Ok(report)
}

#[cfg(test)]
mod serial_tests {
    use super::next_serial_id;

    #[test]
    fn a_series_starts_at_one_continues_after_the_latest_and_refuses_a_foreign_id() {
        assert_eq!(next_serial_id("TS370100", None).unwrap(), "TS3701000000001");
        assert_eq!(
            next_serial_id("ZX370100", Some("ZX3701000000041".into())).unwrap(),
            "ZX3701000000042"
        );
        assert_eq!(
            next_serial_id("ZX370100", Some("TS3701000000041".into())).unwrap_err(),
            "TS3701000000041"
        );
    }
}
