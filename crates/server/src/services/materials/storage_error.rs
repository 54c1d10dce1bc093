//! The one error both material stores return, apart from the service so that the stores need
//! not import it.

/// The store failed (disk, network): our fault, never the clerk's.
#[derive(Debug, thiserror::Error)]
#[error("material store: {0}")]
pub struct StorageError(pub String);
