//! The readers' connections: a pool that keeps them open, and on PostgreSQL bounds them.
//!
//! Why: opening a SQLite connection costs a file open and a parse of the whole schema on its
//! first statement; opening a PostgreSQL connection forks a server process. Under load (a
//! sign-in lookup per request, each read on its own blocking thread) a pool smaller than the
//! concurrent reads made most reads pay for that: with 64 clients on PostgreSQL, 8 idle
//! connections meant about a thousand server processes started in 8 seconds (page faults and
//! process teardown at the top of PostgreSQL's profile), and a bench rate under half of that
//! with 16 clients. PostgreSQL also refuses connections
//! beyond `max_connections` (100 by default, shared by every server process), so there a read
//! that finds every connection busy waits a moment for one to come back before it opens one
//! more, rather than open as many as there are concurrent requests.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::sql::{Backend, Conn};
use crate::{Database, StoreError};

/// Connections kept per server process.
fn cap(backend: Backend) -> usize {
    match backend {
        Backend::Sqlite => 32,
        Backend::Postgres => 24,
    }
}

/// How long a read waits for a busy connection before it opens one beyond the cap: long
/// enough for a burst of reads to reuse connections, short enough that a read holding one for
/// long (an export) delays no one much. SQLite opens in microseconds: no wait there.
fn patience(backend: Backend) -> Duration {
    match backend {
        Backend::Sqlite => Duration::ZERO,
        Backend::Postgres => Duration::from_millis(250),
    }
}

#[derive(Default)]
struct State {
    idle: Vec<Box<dyn Conn>>,
    /// Connections open, idle or lent out.
    open: usize,
}

pub(crate) struct Readers {
    backend: Backend,
    state: Mutex<State>,
    returned: Condvar,
}

impl Readers {
    pub fn new(backend: Backend) -> Self {
        Self {
            backend,
            state: Mutex::new(State::default()),
            returned: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// An idle connection, or a new one while fewer than the cap are open (or after waiting
    /// [`patience`] for one to come back).
    pub fn take(&self, db: &Database) -> Result<Box<dyn Conn>, StoreError> {
        let deadline = Instant::now() + patience(self.backend);
        let mut state = self.lock();
        loop {
            if let Some(c) = state.idle.pop() {
                return Ok(c);
            }
            let now = Instant::now();
            if state.open < cap(self.backend) || now >= deadline {
                state.open += 1;
                drop(state);
                return db.connect().inspect_err(|_| self.forget());
            }
            state = self
                .returned
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Takes a connection back; one beyond the cap is closed (on the calling thread, which
    /// must not be an async worker: see `Store::read_blocking`).
    pub fn give_back(&self, conn: Box<dyn Conn>) {
        let mut state = self.lock();
        // Lent connections count in `open`, so at most the cap lie idle.
        if state.open <= cap(self.backend) {
            state.idle.push(conn);
        } else {
            state.open = state.open.saturating_sub(1);
            drop(state);
            drop(conn);
        }
        self.returned.notify_one();
    }

    /// A lent connection that will not come back (it failed).
    pub fn forget(&self) {
        let mut state = self.lock();
        state.open = state.open.saturating_sub(1);
        self.returned.notify_one();
    }

    /// The idle connections, for closing off the async runtime when the store goes.
    pub fn drain(&mut self) -> Vec<Box<dyn Conn>> {
        let state = self.state.get_mut().unwrap_or_else(PoisonError::into_inner);
        state.open = 0;
        std::mem::take(&mut state.idle)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn sqlite() -> (crate::scratch::ScratchDb, Database) {
        let scratch = crate::scratch::ScratchDb::new_on(None).unwrap();
        let db = scratch.database.clone();
        (scratch, db)
    }

    #[test]
    fn returned_connections_are_reused_and_the_excess_closed() {
        let (_dir, db) = sqlite();
        let readers = Readers::new(Backend::Sqlite);
        let lent: Vec<_> = (0..cap(Backend::Sqlite) + 3)
            .map(|_| readers.take(&db).unwrap())
            .collect();
        assert_eq!(readers.lock().open, cap(Backend::Sqlite) + 3);
        for c in lent {
            readers.give_back(c);
        }
        let state = readers.lock();
        assert_eq!(state.idle.len(), cap(Backend::Sqlite));
        assert_eq!(
            state.open,
            cap(Backend::Sqlite),
            "the excess was not closed"
        );
    }

    #[test]
    fn a_read_at_the_cap_waits_for_a_connection_to_come_back() {
        let (_dir, db) = sqlite();
        let readers = std::sync::Arc::new(Readers::new(Backend::Postgres));
        // SQLite connections under PostgreSQL's rules: only the counting is under test.
        let lent: Vec<_> = (0..cap(Backend::Postgres))
            .map(|_| readers.take(&db).unwrap())
            .collect();
        let first = lent.into_iter().next().unwrap();
        let back = {
            let readers = readers.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(50));
                readers.give_back(first);
            })
        };
        let started = Instant::now();
        let _again = readers.take(&db).unwrap();
        back.join().unwrap();
        assert!(
            started.elapsed() >= Duration::from_millis(40),
            "did not wait"
        );
        assert_eq!(
            readers.lock().open,
            cap(Backend::Postgres),
            "opened one more"
        );
        // Nobody gives one back: after its patience a read opens one beyond the cap.
        let _extra = readers.take(&db).unwrap();
        assert_eq!(readers.lock().open, cap(Backend::Postgres) + 1);
    }
}
