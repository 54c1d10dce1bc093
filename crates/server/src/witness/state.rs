//! The witness's own durable memory: per origin, the latest checkpoint it cosigned.
//!
//! This is the only thing a witness must never lose or roll back, so it lives in its own SQLite
//! file (WAL, `synchronous=FULL`, as [`SqliteConn`] opens it), apart from the bureau's database:
//! the witness is run by another body and must not share the log operator's storage.
//!
//! Contract (tlog-witness's rollback race): reading the stored head, deciding, and writing the
//! new head happen in ONE immediate transaction (`store::witness::begin` … `commit`), and the
//! commit is durable before the cosignature leaves this module. Requests are serialized through
//! one connection behind a mutex; the immediate transaction also keeps out a second process
//! opened on the same file.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use oneseal_ledger::cosignature::CosignatureSigner;
use oneseal_ledger::witness::{AddCheckpointRequest, TreeHead, TrustedLogs, WitnessError};
use oneseal_store::witness::{begin, commit, rollback};
use oneseal_store::{Conn, SqliteConn, StoreError};

use crate::wall_clock::WallClock;

/// Why the witness could not consult or update its state (always the witness's fault: 500).
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("witness database: {0}")]
    Store(#[from] StoreError),
    #[error("creating the witness data directory: {0}")]
    Io(#[from] std::io::Error),
    #[error("time {0} is before 1970 or out of range")]
    BadTime(i64),
}

/// Why an `add-checkpoint` request produced no cosignature.
#[derive(Debug, thiserror::Error)]
pub enum CosignError {
    /// The protocol said no; [`WitnessError::status`] gives the HTTP status.
    #[error(transparent)]
    Witness(#[from] WitnessError),
    /// The witness itself failed; nothing was cosigned.
    #[error(transparent)]
    State(#[from] StateError),
}

impl From<StoreError> for CosignError {
    fn from(e: StoreError) -> Self {
        Self::State(StateError::Store(e))
    }
}

/// The latest cosigned checkpoint for one origin, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredHead {
    pub head: TreeHead,
    /// The checkpoint note with the log's trusted signatures and this witness's cosignature.
    pub note: String,
    /// POSIX seconds of the cosignature.
    pub updated_at: i64,
}

/// The witness state file, opened once per process.
pub struct WitnessState {
    conn: Mutex<SqliteConn>,
}

impl std::fmt::Debug for WitnessState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WitnessState").finish_non_exhaustive()
    }
}

impl WitnessState {
    /// Opens (creating if needed) the state file at `path`.
    pub fn open(path: &Path) -> Result<Self, StateError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let conn = oneseal_store::witness::open(path)?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    /// The connection. A panic while holding it may have left a transaction open: roll it back
    /// (an error there only means none was open) so nothing half-done is ever committed.
    fn lock(&self) -> MutexGuard<'_, SqliteConn> {
        self.conn.lock().unwrap_or_else(|poisoned| {
            let mut guard = poisoned.into_inner();
            let _ = rollback(&mut *guard);
            guard
        })
    }

    /// The stored head for `origin`, if the witness ever cosigned one. Blocking.
    pub fn head(&self, origin: &str) -> Result<Option<StoredHead>, StateError> {
        let mut conn = self.lock();
        Ok(load(&mut *conn, origin)?)
    }

    /// Decides `req` against the stored state and, if it is cosigned, stores the new head in
    /// the same durable transaction. Returns the reply body (cosignature lines) only after the
    /// commit. Blocking: call it off the async workers.
    ///
    /// The time is read once the connection is ours, so a request that waited in the queue
    /// does not carry an older timestamp than the cosignature committed before it.
    pub fn add_checkpoint(
        &self,
        req: &AddCheckpointRequest,
        logs: &TrustedLogs,
        cosigner: &CosignatureSigner,
        clock: &dyn WallClock,
    ) -> Result<String, CosignError> {
        let mut conn = self.lock();
        let now = clock.now().unix_timestamp();
        let now_u64 = u64::try_from(now).map_err(|_| StateError::BadTime(now))?;
        begin(&mut *conn)?;
        let decided = decide_and_store(&mut *conn, req, logs, cosigner, now, now_u64);
        match decided {
            Ok(body) => match commit(&mut *conn) {
                Ok(()) => Ok(body),
                Err(e) => {
                    let _ = rollback(&mut *conn);
                    Err(e.into())
                }
            },
            Err(e) => {
                rollback(&mut *conn)?;
                Err(e)
            }
        }
    }
}

/// The body of the transaction: load, decide (pure, in the ledger crate), store.
fn decide_and_store(
    conn: &mut dyn Conn,
    req: &AddCheckpointRequest,
    logs: &TrustedLogs,
    cosigner: &CosignatureSigner,
    now: i64,
    now_u64: u64,
) -> Result<String, CosignError> {
    let origin = req.origin();
    let stored = load(conn, origin)?.map(|s| s.head);
    let (head, body) =
        oneseal_ledger::witness::add_checkpoint(stored, req, logs, &[cosigner], now_u64)?;
    // SQLite integers are signed: a size above 2^63-1 cannot be stored faithfully.
    let size = i64::try_from(head.size).map_err(|_| {
        WitnessError::Malformed("checkpoint sizes above 2^63-1 are not supported".to_owned())
    })?;
    let note = stored_note(req, logs, &body);
    oneseal_store::witness::put_head(conn, origin, size, &head.root, &note, now)?;
    Ok(body)
}

/// The note monitors get back: the checkpoint text, the log's signatures by trusted keys (all
/// verified by now) and this witness's cosignature. Other lines of the request (unknown keys,
/// other witnesses) are not ours to vouch for and are dropped.
fn stored_note(req: &AddCheckpointRequest, logs: &TrustedLogs, cosignatures: &str) -> String {
    let trusted = logs.verifiers(req.origin()).unwrap_or_default();
    let mut out = req.note.text().to_owned();
    out.push('\n');
    for sig in req.note.signatures() {
        if trusted
            .iter()
            .any(|v| v.name() == sig.name && v.key_id() == sig.key_id)
        {
            out.push_str(&sig.to_line());
        }
    }
    out.push_str(cosignatures);
    out
}

fn load(conn: &mut dyn Conn, origin: &str) -> Result<Option<StoredHead>, StoreError> {
    Ok(
        oneseal_store::witness::head(conn, origin)?.map(|row| StoredHead {
            head: TreeHead {
                size: row.size,
                root: row.root,
            },
            note: row.note,
            updated_at: row.updated_at,
        }),
    )
}
