//! Which server process runs the background work (checkpointer, rule runner, linkage runner,
//! webhook deliveries) when several `oneseal serve` share one PostgreSQL database.
//!
//! Why: those tasks are idempotent in the tables, but a webhook sent twice or a checkpoint
//! submitted twice to witnesses is not. Exactly one process holds a session-level advisory lock
//! on a dedicated connection; if that process dies, PostgreSQL drops the connection and the lock
//! with it, and another process takes over at its next check. The lock key is scoped to the
//! connection's schema, so separate deployments (and tests) in one database do not contend.
//!
//! SQLite is embedded: one process owns the file, and it is always the leader.

use std::sync::Mutex;

use crate::sql::{Backend, Conn};
use crate::{Database, StoreError};

/// Second half of the advisory-lock key pairs (the first is a hash of the schema).
pub(crate) const WRITER_LOCK: i32 = 1;
pub(crate) const LEADER_LOCK: i32 = 2;

/// The SQL that takes (or tries) an advisory lock in `lock_fn` for one of our keys.
pub(crate) fn lock_sql(lock_fn: &str, key: i32) -> String {
    format!("SELECT {lock_fn}(hashtext('oneseal:' || current_schema()), {key})")
}

/// Leadership of this process over the background work.
pub struct Leader {
    db: Database,
    state: Mutex<Held>,
}

/// PostgreSQL: the lock's connection (kept between checks, so a follower does not reconnect
/// every time it tries) and whether the lock is held on it.
#[derive(Default)]
struct Held {
    conn: Option<Box<dyn Conn>>,
    leading: bool,
}

impl std::fmt::Debug for Leader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Leader").field("db", &self.db).finish()
    }
}

impl Leader {
    pub fn new(db: Database) -> Self {
        Self {
            db,
            state: Mutex::new(Held::default()),
        }
    }

    /// Is this process the leader now? Confirms a held lock is still held (its connection
    /// alive) or tries to take it. Blocking: call it off async worker threads.
    pub fn check(&self) -> Result<bool, StoreError> {
        if matches!(self.db, Database::Sqlite(_)) {
            return Ok(true);
        }
        let mut state = self.state.lock().map_err(|_| StoreError::Closed)?;
        let attempt = self.check_held(&mut state);
        if attempt.is_err() {
            // A broken connection takes its lock with it: start over on a new one.
            *state = Held::default();
        }
        attempt
    }

    fn check_held(&self, state: &mut Held) -> Result<bool, StoreError> {
        let conn = match state.conn.as_mut() {
            Some(c) => c,
            None => state.conn.insert(self.db.connect()?),
        };
        if state.leading {
            conn.query("SELECT 1", &[])?;
            return Ok(true);
        }
        state.leading = match conn.query_one(&lock_sql("pg_try_advisory_lock", LEADER_LOCK), &[])? {
            Some(row) => row.int(0)? == 1,
            None => false,
        };
        Ok(state.leading)
    }

    /// Gives the lock up (a clean shutdown), so another process takes over at once: unlocked
    /// explicitly, since a closed connection's lock is released only once the server notices.
    pub fn resign(&self) {
        if let Ok(mut state) = self.state.lock() {
            if let (true, Some(conn)) = (state.leading, state.conn.as_mut()) {
                let _ = conn.batch(&lock_sql("pg_advisory_unlock", LEADER_LOCK));
            }
            *state = Held::default();
        }
    }
}

/// Whether this backend's writer must take the cross-process writer lock in each batch.
pub(crate) fn writer_lock_sql(backend: Backend) -> Option<String> {
    match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(lock_sql("pg_advisory_xact_lock", WRITER_LOCK)),
    }
}
