//! The storage error policy: the store reports *what* failed (connection, SQL, a broken invariant)
//! and leaves it to the edges to decide whether that is the user's fault (it never is) or ours.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("postgres: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    #[error("column {index} of the result: expected {expected}, found {found}")]
    Column {
        index: usize,
        expected: &'static str,
        found: &'static str,
    },
    #[error("the store is shut down")]
    Closed,
    #[error("the ledger is inconsistent: {0}")]
    Ledger(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("the database schema is newer ({found}) than this binary knows ({known})")]
    SchemaTooNew { found: i64, known: i64 },
    #[error("bad database url: {0}")]
    BadUrl(String),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// The event's public entry would not fit a tile's entry bundle (a caller's input too long:
    /// the server bounds every string before this, so reaching it is a missing bound, not a crash).
    #[error("the public entry of {0} bytes exceeds the 65535-byte limit")]
    EntryTooLarge(usize),
}

impl StoreError {
    /// True when the failure was a uniqueness violation (an idempotent retry, a duplicate key).
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                    || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
            }
            StoreError::Postgres(e) => {
                e.code() == Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION)
            }
            _ => false,
        }
    }
}
