//! The single writer: every state change of the system passes through here.
//!
//! Contract (the ledger's durability rests on it):
//! - Commands run one after another on one thread, each inside a savepoint of a shared
//!   transaction (group commit): a failing command rolls back alone, the others commit together.
//! - The ledger entries a command appends get consecutive indexes in their log with no gaps; the
//!   Merkle nodes for the whole batch are integrated before COMMIT, in the same transaction.
//! - A command's result (and so any ledger index) is delivered only after COMMIT returned, i.e.
//!   after the batch is durable (`synchronous=FULL` on SQLite, `synchronous_commit=on` on PostgreSQL).
//! - A log's head row is locked before the batch's first append to it (`BEGIN IMMEDIATE` /
//!   `SELECT … FOR UPDATE`), so several server processes on one PostgreSQL database still build
//!   one consistent log per jurisdiction.

use std::collections::BTreeMap;
use std::sync::mpsc::{Receiver, TryRecvError};

use oneseal_ledger::{Frontier, Hash, leaf_hash};

use crate::log;
use crate::sql::{Backend, Conn};
use crate::{StoreError, params};

/// Upper bound on the commands sharing one commit.
pub const MAX_BATCH: usize = 1024;

/// What a command hands back to the writer: did it succeed, and how to deliver its result once
/// the batch's fate is known.
pub(crate) struct Outcome {
    pub ok: bool,
    pub finish: Finish,
}

/// Delivers a command's result once its batch committed (`None`) or failed (`Some`).
pub(crate) type Finish = Box<dyn FnOnce(Option<&StoreError>) + Send>;

pub(crate) type Job = Box<dyn FnOnce(&mut Tx<'_>) -> Outcome + Send>;

/// One log's state within a batch: its size when the batch locked it, and the leaves added since.
struct LogBatch {
    base: u64,
    frontier: Frontier,
    pending: Vec<Hash>,
}

/// The appends of the current batch, per log.
#[derive(Default)]
struct Pending {
    logs: BTreeMap<String, LogBatch>,
}

impl Pending {
    /// How many leaves each log has pending (a savepoint mark).
    fn mark(&self) -> BTreeMap<String, usize> {
        self.logs
            .iter()
            .map(|(k, v)| (k.clone(), v.pending.len()))
            .collect()
    }

    fn rollback_to(&mut self, mark: &BTreeMap<String, usize>) {
        for (log, batch) in &mut self.logs {
            batch.pending.truncate(mark.get(log).copied().unwrap_or(0));
        }
    }
}

/// The transaction a command sees.
pub struct Tx<'a> {
    conn: &'a mut dyn Conn,
    pending: &'a mut Pending,
    cache: &'a mut BTreeMap<String, Frontier>,
}

impl Tx<'_> {
    pub fn conn(&mut self) -> &mut dyn Conn {
        self.conn
    }

    /// Appends one public entry (and its private payload) to `log`; returns its index, which the
    /// caller may only reveal after its command's result is delivered (i.e. after commit).
    pub fn append(
        &mut self,
        log: &str,
        entry: &[u8],
        kind: &str,
        salt: &[u8],
        body: &[u8],
    ) -> Result<u64, StoreError> {
        let idx = self.next_index(log)?;
        self.conn.execute(
            "INSERT INTO ledger_entries (log, idx, entry) VALUES (?, ?, ?)",
            params![log, idx, entry],
        )?;
        self.conn.execute(
            "INSERT INTO event_payloads (log, idx, kind, salt, body) VALUES (?, ?, ?, ?, ?)",
            params![log, idx, kind, salt, body],
        )?;
        if let Some(b) = self.pending.logs.get_mut(log) {
            b.pending.push(leaf_hash(entry));
        }
        Ok(idx)
    }

    /// The index the next entry appended to `log` will get (locks the log's head on first use).
    pub fn next_index(&mut self, log: &str) -> Result<u64, StoreError> {
        if !self.pending.logs.contains_key(log) {
            let batch = self.open_log(log)?;
            self.pending.logs.insert(log.to_owned(), batch);
        }
        let b = self
            .pending
            .logs
            .get(log)
            .ok_or_else(|| StoreError::Ledger(format!("log {log} vanished from the batch")))?;
        Ok(b.base + b.pending.len() as u64)
    }

    fn open_log(&mut self, log: &str) -> Result<LogBatch, StoreError> {
        let (size, _) = log::lock_head(self.conn, log)?;
        let frontier = match self.cache.remove(log) {
            Some(f) if f.size() == size => f,
            _ => log::load_frontier(self.conn, log, size)?,
        };
        Ok(LogBatch {
            base: size,
            frontier,
            pending: Vec::new(),
        })
    }
}

/// Counters of the writer's work, for metrics and benchmarks.
#[derive(Debug, Default)]
pub struct WriterStats {
    pub batches: std::sync::atomic::AtomicU64,
    pub commands: std::sync::atomic::AtomicU64,
}

pub(crate) struct Writer {
    conn: Box<dyn Conn>,
    /// Right edges of the logs as of the last commit, so a batch need not reload them.
    frontiers: BTreeMap<String, Frontier>,
    stats: std::sync::Arc<WriterStats>,
}

impl Writer {
    pub fn new(conn: Box<dyn Conn>, stats: std::sync::Arc<WriterStats>) -> Self {
        Self {
            conn,
            frontiers: BTreeMap::new(),
            stats,
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
        use std::sync::atomic::Ordering::Relaxed;
        self.stats.batches.fetch_add(1, Relaxed);
        self.stats.commands.fetch_add(jobs.len() as u64, Relaxed);
        let mut outcomes = Vec::with_capacity(jobs.len());
        let result = self.batch(jobs, &mut outcomes);
        if result.is_err() {
            // The database state is unknown to us now: reload frontiers next time.
            self.frontiers.clear();
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
        let mut pending = Pending::default();
        for job in jobs {
            let mark = pending.mark();
            self.conn.batch("SAVEPOINT cmd")?;
            let mut tx = Tx {
                conn: self.conn.as_mut(),
                pending: &mut pending,
                cache: &mut self.frontiers,
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
                pending.rollback_to(&mark);
            }
            outcomes.push(outcome);
        }
        let mut integrated = BTreeMap::new();
        for (name, mut b) in std::mem::take(&mut pending.logs) {
            log::integrate(self.conn.as_mut(), &name, &mut b.frontier, &b.pending)?;
            integrated.insert(name, b.frontier);
        }
        self.conn.batch("COMMIT")?;
        self.frontiers.extend(integrated);
        Ok(())
    }
}
