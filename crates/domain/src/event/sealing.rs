//! Sealing an event for the ledger: the public entry (its envelope, with the salted commitment
//! to the private body) and the private body, and opening a body back against its entry.
//!
//! Apart from `event.rs` so that file keeps to the events themselves.

use time::OffsetDateTime;

use super::{Actor, ENVELOPE_VERSION, Envelope, Event};
use crate::canonical::{canonical_json, commitment};
use crate::org::DivisionCode;

/// An event ready for the store: the public entry bytes and the private body bytes.
#[derive(Clone, Debug)]
pub struct Sealed {
    pub kind: &'static str,
    pub entry: Vec<u8>,
    pub body: Vec<u8>,
    pub salt: [u8; 16],
}

#[derive(Debug, thiserror::Error)]
pub enum EnvelopeError {
    #[error("event does not serialize: {0}")]
    Json(#[from] serde_json::Error),
    #[error("time does not format: {0}")]
    Time(#[from] time::error::Format),
    #[error("entry of {0} bytes exceeds the 65535-byte limit of tile entry bundles")]
    TooLarge(usize),
    #[error("commitment does not match the body")]
    Commitment,
}

impl Event {
    /// Builds the public entry and the private body. `salt` must be fresh randomness per event.
    pub fn seal(
        &self,
        time: OffsetDateTime,
        jurisdiction: &DivisionCode,
        actor: &Actor,
        salt: [u8; 16],
    ) -> Result<Sealed, EnvelopeError> {
        let body = canonical_json(&serde_json::to_value(self)?);
        let envelope = Envelope {
            v: ENVELOPE_VERSION,
            kind: self.kind().to_owned(),
            time: time
                .to_offset(time::UtcOffset::UTC)
                .format(&time::format_description::well_known::Rfc3339)?,
            jurisdiction: jurisdiction.clone(),
            actor: actor.label(),
            subject: self.subject(),
            payload: commitment(&salt, &body),
            public: self.public_view(),
        };
        let entry = envelope.canonical_json();
        if entry.len() > usize::from(u16::MAX) {
            return Err(EnvelopeError::TooLarge(entry.len()));
        }
        Ok(Sealed {
            kind: self.kind(),
            entry,
            body,
            salt,
        })
    }

    /// Reads a private body back, checking it against the public entry's commitment.
    pub fn open(
        entry: &[u8],
        salt: &[u8],
        body: &[u8],
    ) -> Result<(Envelope, Event), EnvelopeError> {
        let envelope: Envelope = serde_json::from_slice(entry)?;
        if envelope.payload != commitment(salt, body) {
            return Err(EnvelopeError::Commitment);
        }
        Ok((envelope, serde_json::from_slice(body)?))
    }
}
