//! Where an entry stands against the published checkpoint, and its tlog-proof receipt: what
//! the public log endpoints and a sealed bundle both give, so it lives apart from either.

use oneseal_ledger::note::Note;
use oneseal_ledger::receipt::Receipt;
use oneseal_store::{Conn, StoreError, log};

use crate::services::ledger::{Publish, latest};

/// Why an entry has no receipt (yet).
#[derive(Debug, thiserror::Error)]
pub enum ReceiptError {
    /// Past the published checkpoint: missing, or on its way (see [`Beyond`]).
    #[error("entry not under the published checkpoint: {0:?}")]
    NotCovered(Beyond),
    /// The stored checkpoint note does not parse: our fault.
    #[error("checkpoint note: {0}")]
    Note(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The published checkpoint's size and note (see [`Publish`]); everything served stops at it.
pub fn published(
    conn: &mut dyn Conn,
    j: &str,
    publish: Publish,
) -> Result<Option<(u64, String)>, StoreError> {
    Ok(crate::services::ledger::published(conn, j, publish)?.map(|c| (c.size, c.published())))
}

/// Where a position past the published checkpoint stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Beyond {
    /// At or past the log's head: the log does not have it.
    Missing,
    /// Logged, not yet under a signed checkpoint.
    NotCheckpointed,
    /// Under a checkpoint the log signed, which the witnesses have not yet cosigned to the quorum.
    NotCosigned,
}

/// Where entry `index` (or the last entry of a tree of size `index + 1`) stands, given the
/// newest signed checkpoint's size and the head.
pub fn beyond(index: u64, signed: u64, head: u64) -> Beyond {
    if index >= head {
        Beyond::Missing
    } else if index < signed {
        Beyond::NotCosigned
    } else {
        Beyond::NotCheckpointed
    }
}

impl Beyond {
    /// Reads the newest signed size and the head of log `j`.
    pub fn of(c: &mut dyn Conn, j: &str, index: u64) -> Result<Self, StoreError> {
        let signed = latest(c, j)?.map_or(0, |l| l.size);
        let (head, _) = log::read_head(c, j)?;
        Ok(beyond(index, signed, head))
    }
}

/// The published checkpoint of `j` (size and note), if it covers entry `index`.
pub fn covered(
    c: &mut dyn Conn,
    j: &str,
    index: u64,
    publish: Publish,
) -> Result<(u64, String), ReceiptError> {
    match published(c, j, publish)? {
        Some((size, note)) if index < size => Ok((size, note)),
        _ => Err(ReceiptError::NotCovered(Beyond::of(c, j, index)?)),
    }
}

/// Builds the receipt text of `index` in log `j` against its published checkpoint. An entry
/// past it has none: one the log does not have (at or past its head) is missing, 404, and no
/// retry will help; one that is logged but not yet under a signed, or a cosigned, checkpoint is
/// 409, worth retrying shortly.
pub fn receipt_text(
    c: &mut dyn Conn,
    j: &str,
    index: u64,
    publish: Publish,
) -> Result<String, ReceiptError> {
    let (size, note) = covered(c, j, index, publish)?;
    let proof = log::inclusion_proof(c, j, index, size)?;
    let note = Note::parse(note.as_bytes()).map_err(|e| ReceiptError::Note(e.to_string()))?;
    Ok(Receipt {
        extra: None,
        index,
        proof,
        note,
    }
    .to_text())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_the_head_is_missing_signed_is_not_cosigned_and_the_rest_not_checkpointed() {
        assert_eq!(beyond(u64::MAX, 250, 300), Beyond::Missing);
        assert_eq!(beyond(300, 250, 300), Beyond::Missing);
        assert_eq!(beyond(299, 250, 300), Beyond::NotCheckpointed);
        assert_eq!(beyond(250, 250, 300), Beyond::NotCheckpointed);
        assert_eq!(beyond(249, 250, 300), Beyond::NotCosigned);
    }
}
