//! What sealing an event gives and how it fails; apart from `event.rs` to keep that file under
//! its size limit.

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
