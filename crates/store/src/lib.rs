//! oneseal-store: the database behind the bureau, SQLite embedded by default, PostgreSQL on request.
//!
//! Why it exists: every state change must land in the tables *and* the ledger in one durable
//! transaction. This crate owns that transaction (the single writer with group commit), the
//! migrations of both backends, the Merkle log's storage and the projections of domain events.
//! It knows nothing of HTTP; the domain crate knows nothing of it.

pub mod aggregates;
pub mod applicant_messages;
pub mod applicant_sessions;
pub mod applicants;
pub mod audit;
pub mod backup;
pub mod bench;
pub mod bulk;
pub mod bundles;
pub mod calendar;
pub mod case_due;
pub mod case_rows;
pub mod cases;
pub mod catalog;
pub mod checkpoints;
pub mod codec;
pub mod commitments;
pub mod consultations;
pub mod coordination;
pub mod counters;
mod database;
mod durable;
mod error;
pub mod guide;
pub mod home;
pub mod idempotency;
pub mod items;
pub mod keys;
pub mod leader;
pub mod licences;
pub mod linkage;
pub mod log;
pub mod materials;
pub mod migrate;
pub mod online_applications;
pub mod org;
mod pg;
pub mod platform;
pub mod projection;
pub mod projects;
pub mod ratings;
mod readers;
pub mod rule_snapshots;
pub mod rules;
pub mod scratch;
pub mod seals;
pub mod sessions;
pub mod sql;
mod sqlite;
pub mod statistics;
#[cfg(feature = "test-util")]
pub mod testing;
pub mod webhooks;
pub mod witness;
mod writer;

use std::fmt;
use std::sync::{Arc, Mutex};

pub use database::Database;
pub use error::StoreError;
pub use sql::{Backend, Conn, Row, Value};
pub use sqlite::SqliteConn;
pub use writer::{CaseStep, MAX_BATCH, Tx, WriterStats};

use durable::{Durability, Outcome};
use writer::{Job, Pipeline, Writer};

/// The store: one writer thread, a pool of readers.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    db: Database,
    backend: Backend,
    writer: Mutex<Option<std::sync::mpsc::Sender<Job>>>,
    readers: readers::Readers,
    stats: Arc<WriterStats>,
    /// What readers wait for, so they never return a commit that is not yet durable.
    durability: Arc<Durability>,
    /// PostgreSQL: a read's own barrier, for commits of other processes (see [`durable`]).
    flush: Option<durable::Flush>,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store").field("db", &self.inner.db).finish()
    }
}

impl Drop for Inner {
    /// Pooled PostgreSQL clients own runtimes that must not be dropped on an async thread.
    fn drop(&mut self) {
        let readers = self.readers.drain();
        if !readers.is_empty() {
            let _ = std::thread::Builder::new()
                .name("oneseal-reader-close".into())
                .spawn(move || drop(readers));
        }
    }
}

/// How often the background checkpointer looks at the WAL.
const WAL_CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

/// SQLite: copies committed WAL frames into the database file from a connection of its own
/// (`PRAGMA wal_checkpoint(PASSIVE)`, which never blocks the writer or readers), so the writer's
/// commits do not stall on checkpoints and their fsyncs of the database file. Stops when the
/// store is dropped.
fn spawn_wal_checkpointer(store: &Store) -> Result<(), StoreError> {
    let weak = Arc::downgrade(&store.inner);
    let mut conn = store.inner.db.connect()?;
    std::thread::Builder::new()
        .name("oneseal-wal-checkpoint".into())
        .spawn(move || {
            loop {
                std::thread::sleep(WAL_CHECKPOINT_EVERY);
                let Some(inner) = weak.upgrade() else { break };
                if inner.writer.lock().map_or(true, |w| w.is_none()) {
                    break;
                }
                drop(inner);
                if let Err(e) = conn.batch("PRAGMA wal_checkpoint(PASSIVE)") {
                    tracing::warn!(error = %e, "WAL checkpoint");
                }
            }
        })?;
    Ok(())
}

impl Store {
    /// Opens the database, applies migrations and starts the writer thread.
    ///
    /// The writer connection is made on the writer thread itself: the PostgreSQL client runs its
    /// own small runtime, which must never be created or dropped on an async worker thread.
    pub fn open(db: Database) -> Result<Self, StoreError> {
        let (tx, rx) = std::sync::mpsc::channel::<Job>();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<Backend, StoreError>>();
        let thread_db = db.clone();
        let stats = Arc::new(WriterStats::default());
        let thread_stats = stats.clone();
        let sync = match &db {
            Database::Sqlite(path) => durable::wal_sync(path),
            Database::Postgres(_) => durable::pg_barrier(db.clone()),
        };
        let durability = Arc::new(Durability::default());
        let syncer = durable::spawn_syncer(durability.clone(), sync)?;
        let flush = matches!(db, Database::Postgres(_)).then(|| durable::Flush(syncer.clone()));
        let readers_wait = durability.clone();
        let pipeline = Pipeline { durability, syncer };
        std::thread::Builder::new()
            .name("oneseal-writer".into())
            .spawn(move || {
                let opened = thread_db.connect().and_then(|mut conn| {
                    migrate::run(conn.as_mut())?;
                    if conn.backend() == Backend::Sqlite {
                        // The syncer's fsync of the WAL is what makes a commit durable.
                        let mode = conn
                            .query_one("PRAGMA journal_mode", &[])?
                            .map(|r| r.text(0))
                            .transpose()?;
                        if mode.as_deref() != Some("wal") {
                            return Err(StoreError::Corrupt(format!(
                                "SQLite runs in journal mode {mode:?}, not WAL"
                            )));
                        }
                        // The background checkpointer moves WAL frames into the database file;
                        // the writer checkpoints itself only if that falls far behind (64 MiB).
                        // Its commits do not fsync: the syncer does, before anyone hears of them.
                        // A command's savepoint journals the pages it changes; in memory that
                        // costs a copy, in a temporary file a write syscall per page.
                        conn.batch(
                            "PRAGMA wal_autocheckpoint=16384; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY",
                        )?;
                    } else {
                        // COMMIT returns before its WAL is flushed; the syncer's barrier
                        // flushes it before anyone hears of the batch.
                        conn.batch("SET synchronous_commit = off")?;
                    }
                    Ok(conn)
                });
                match opened {
                    Ok(conn) => {
                        let _ = ready_tx.send(Ok(conn.backend()));
                        Writer::new(conn, thread_stats, pipeline).run(&rx);
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                    }
                }
            })?;
        let backend = ready_rx.recv().map_err(|_| StoreError::Closed)??;
        let store = Self {
            inner: Arc::new(Inner {
                db,
                backend,
                writer: Mutex::new(Some(tx)),
                readers: readers::Readers::new(backend),
                stats,
                durability: readers_wait,
                flush,
            }),
        };
        if backend == Backend::Sqlite {
            spawn_wal_checkpointer(&store)?;
        }
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.inner.backend
    }

    pub fn database(&self) -> &Database {
        &self.inner.db
    }

    /// How many batches and commands the writer has committed (or tried to).
    pub fn stats(&self) -> &WriterStats {
        &self.inner.stats
    }

    /// Runs a command in the shared write transaction. Its result arrives after the commit is
    /// durable; if the commit fails, the command's success turns into that error.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&mut Tx<'_>) -> Result<T, E> + Send + 'static,
    {
        let (done, rx) = tokio::sync::oneshot::channel::<Result<T, E>>();
        self.send(make_job(f, move |r| {
            let _ = done.send(r);
        }))?;
        rx.await.map_err(|_| E::from(StoreError::Closed))?
    }

    /// The blocking form of [`Store::write`], for the CLI and tools outside an async runtime.
    pub fn write_blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&mut Tx<'_>) -> Result<T, E> + Send + 'static,
    {
        let (done, rx) = std::sync::mpsc::channel::<Result<T, E>>();
        self.send(make_job(f, move |r| {
            let _ = done.send(r);
        }))?;
        rx.recv().map_err(|_| E::from(StoreError::Closed))?
    }

    fn send(&self, job: Job) -> Result<(), StoreError> {
        let guard = self.inner.writer.lock().map_err(|_| StoreError::Closed)?;
        guard
            .as_ref()
            .ok_or(StoreError::Closed)?
            .send(job)
            .map_err(|_| StoreError::Closed)
    }

    /// Runs a read-only closure on a pooled connection, off the async runtime. It returns only
    /// once everything it could have seen is durable.
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&mut dyn Conn) -> Result<T, E> + Send + 'static,
    {
        self.read_off_runtime(true, f).await
    }

    /// Like [`Store::read`], but may return commits whose fsync is still under way (SQLite),
    /// without waiting for it. Only for reads whose result is used by a write and shown to no
    /// one (the caller's sign-in session, the catalog item of an intake, a step's documents
    /// signed ahead of its write): whatever such a read saw precedes, in the log of writes,
    /// anything the caller then writes, so a power cut cannot keep the write and lose what
    /// allowed it.
    pub async fn read_committed<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&mut dyn Conn) -> Result<T, E> + Send + 'static,
    {
        self.read_off_runtime(false, f).await
    }

    /// A read on a blocking thread, waiting for durability or not (see [`Store::read_with`]).
    async fn read_off_runtime<T, E, F>(&self, durable: bool, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&mut dyn Conn) -> Result<T, E> + Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.read_with(durable, f))
            .await
            .map_err(|_| E::from(StoreError::Closed))?
    }

    /// A point lookup under the rules of [`Store::read_committed`] (the caller's session, say).
    /// On SQLite it runs on the calling thread: an indexed lookup in process takes microseconds,
    /// less than the hop to a blocking thread and back that every other read pays. On
    /// PostgreSQL, a network round trip, it goes to a blocking thread like any read.
    pub async fn lookup<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&mut dyn Conn) -> Result<T, E> + Send + 'static,
    {
        match self.inner.backend {
            Backend::Sqlite => self.read_with(false, f),
            Backend::Postgres => self.read_committed(f).await,
        }
    }

    /// The blocking form of [`Store::read`]. Never call it on an async worker thread: the
    /// PostgreSQL client would try to start a runtime inside the running one.
    pub fn read_blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        E: From<StoreError>,
        F: FnOnce(&mut dyn Conn) -> Result<T, E>,
    {
        self.read_with(true, f)
    }

    /// Runs `f` on a pooled connection; with `durable`, returns only once every commit it could
    /// have seen is durable.
    fn read_with<T, E, F>(&self, durable: bool, f: F) -> Result<T, E>
    where
        E: From<StoreError>,
        F: FnOnce(&mut dyn Conn) -> Result<T, E>,
    {
        let readers = &self.inner.readers;
        let mut conn = readers.take(&self.inner.db)?;
        let result = f(conn.as_mut());
        let unflushed = match (&result, &self.inner.flush, durable) {
            (Ok(_), Some(_), true) => durable::pg_unflushed(conn.as_mut()),
            _ => Ok(false),
        };
        match &unflushed {
            Ok(_) => readers.give_back(conn),
            Err(_) => readers.forget(),
        }
        if let (Ok(_), true) = (&result, durable) {
            self.inner.durability.wait_visible()?;
            if let (true, Some(flush)) = (unflushed?, &self.inner.flush) {
                flush.now()?;
            }
        }
        result
    }

    /// Stops accepting writes; the writer thread ends once queued commands are done.
    pub fn close(&self) {
        if let Ok(mut w) = self.inner.writer.lock() {
            w.take();
        }
    }
}

/// Wraps a command so the writer can run it and later deliver its result with the batch's fate.
fn make_job<T, E, F, D>(f: F, deliver: D) -> Job
where
    T: Send + 'static,
    E: From<StoreError> + Send + 'static,
    F: FnOnce(&mut Tx<'_>) -> Result<T, E> + Send + 'static,
    D: FnOnce(Result<T, E>) + Send + 'static,
{
    Box::new(move |tx: &mut Tx<'_>| {
        // The replies of the command's pipelined writes are read before it ends, so their
        // errors are its own.
        let result = f(tx).and_then(|v| tx.conn().flush_writes().map(|()| v).map_err(E::from));
        Outcome {
            ok: result.is_ok(),
            finish: Box::new(move |commit_err: Option<&StoreError>| {
                deliver(match (result, commit_err) {
                    (Ok(_), Some(e)) => Err(E::from(StoreError::Ledger(format!(
                        "the batch did not commit: {e}"
                    )))),
                    (r, _) => r,
                });
            }),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_pick_the_backend_and_debug_hides_passwords() {
        assert!(matches!(
            Database::parse("postgres://u:secret@h/db").unwrap(),
            Database::Postgres(_)
        ));
        assert_eq!(
            Database::parse("sqlite://x/y.db").unwrap(),
            Database::Sqlite("x/y.db".into())
        );
        let dbg = format!("{:?}", Database::parse("postgres://u:secret@h/db").unwrap());
        assert!(!dbg.contains("secret"), "{dbg}");
        assert!(Database::parse("  ").is_err());
    }
}
