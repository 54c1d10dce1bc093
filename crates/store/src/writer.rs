//! The single writer: every state change of the system passes through here.
//!
//! Contract (the ledger's durability rests on it):
//! - Commands run one after another on one thread, each inside a savepoint of a shared
//!   transaction (group commit): a failing command rolls back alone, the others commit together.
//! - The ledger entries a command appends get consecutive indexes with no gaps; the Merkle nodes
//!   for the whole batch are integrated before COMMIT, in the same transaction.
//! - A command's result (and so any ledger index) is delivered only after COMMIT returned, i.e.
//!   after the batch is durable (`synchronous=FULL` on SQLite, `synchronous_commit=on` on PostgreSQL).
//! - The head row is locked for the whole batch (`BEGIN IMMEDIATE` / `SELECT … FOR UPDATE`), so
//!   several server processes on one PostgreSQL database still build one log.

use std::sync::mpsc::{Receiver, TryRecvError};

use oneseal_ledger::{Frontier, Hash, leaf_hash};

use crate::log::{self, PendingLeaf};
use crate::sql::{Backend, Conn};
use crate::{StoreError, params};

/// Upper bound on the commands sharing one commit.
pub const MAX_BATCH: usize = 1024;

/// What a command hands back to the writer: did it succeed, and how to deliver its result once
/// the batch's fate is known (`None` = committed).
pub(crate) struct Outcome {
    pub ok: bool,
    pub finish: Finish,
}

/// Delivers a command's result once its batch committed (`None`) or failed (`Some`).
pub(crate) type Finish = Box<dyn FnOnce(Option<&StoreError>) + Send>;

pub(crate) type Job = Box<dyn FnOnce(&mut Tx<'_>) -> Outcome + Send>;

/// The transaction a command sees.
pub struct Tx<'a> {
    conn: &'a mut dyn Conn,
    base_size: u64,
    pending: &'a mut Vec<PendingLeaf>,
}

impl Tx<'_> {
    pub fn conn(&mut self) -> &mut dyn Conn {
        self.conn
    }

    /// Appends one public entry (and its private payload) to the ledger; returns its index, which
    /// the caller may only reveal after its command's result is delivered (i.e. after commit).
    pub fn append(
        &mut self,
        entry: &[u8],
        kind: &str,
        salt: &[u8],
        body: &[u8],
    ) -> Result<u64, StoreError> {
        let idx = self.base_size + self.pending.len() as u64;
        self.conn.execute(
            "INSERT INTO ledger_entries (idx, entry) VALUES (?, ?)",
            params![idx, entry],
        )?;
        self.conn.execute(
            "INSERT INTO event_payloads (idx, kind, salt, body) VALUES (?, ?, ?, ?)",
            params![idx, kind, salt, body],
        )?;
        self.pending.push(PendingLeaf {
            hash: leaf_hash(entry),
        });
        Ok(idx)
    }

    /// The index the next appended entry will get.
    pub fn next_index(&self) -> u64 {
        self.base_size + self.pending.len() as u64
    }
}

pub(crate) struct Writer {
    conn: Box<dyn Conn>,
    frontier: Option<Frontier>,
}

impl Writer {
    pub fn new(conn: Box<dyn Conn>) -> Self {
        Self {
            conn,
            frontier: None,
        }
    }

    /// Serves jobs until every sender is gone.
    pub fn run(mut self, rx: &Receiver<Job>) {
        while let Ok(first) = rx.recv() {
            let mut jobs = vec![first];
            while jobs.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(j) => jobs.push(j),
                    Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
                }
            }
            self.run_batch(jobs);
        }
    }

    fn run_batch(&mut self, jobs: Vec<Job>) {
        let mut outcomes = Vec::with_capacity(jobs.len());
        let result = self.batch(jobs, &mut outcomes);
        if result.is_err() {
            // The database state is unknown to us now: reload the frontier next time.
            self.frontier = None;
            let _ = self.conn.batch("ROLLBACK");
        }
        let err = result.err();
        for o in outcomes {
            (o.finish)(err.as_ref());
        }
    }

    fn batch(&mut self, jobs: Vec<Job>, outcomes: &mut Vec<Outcome>) -> Result<(), StoreError> {
        let begin = match self.conn.backend() {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        };
        self.conn.batch(begin)?;
        let (size, _root) = log::lock_head(self.conn.as_mut())?;
        let mut frontier = match self.frontier.take() {
            Some(f) if f.size() == size => f,
            _ => log::load_frontier(self.conn.as_mut(), size)?,
        };
        let mut pending = Vec::new();
        for job in jobs {
            let mark = pending.len();
            self.conn.batch("SAVEPOINT cmd")?;
            let mut tx = Tx {
                conn: self.conn.as_mut(),
                base_size: size,
                pending: &mut pending,
            };
            // A panicking command must not take the writer (and every later command) down with it.
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&mut tx)))
                .unwrap_or_else(|_| Outcome {
                    ok: false,
                    finish: Box::new(|_| ()),
                });
            if outcome.ok {
                self.conn.batch("RELEASE SAVEPOINT cmd")?;
            } else {
                self.conn
                    .batch("ROLLBACK TO SAVEPOINT cmd; RELEASE SAVEPOINT cmd")?;
                pending.truncate(mark);
            }
            outcomes.push(outcome);
        }
        let leaves: Vec<Hash> = pending.iter().map(|p| p.hash).collect();
        log::integrate(self.conn.as_mut(), &mut frontier, &leaves)?;
        self.conn.batch("COMMIT")?;
        self.frontier = Some(frontier);
        Ok(())
    }
}
