//! Pipelined durability: the writer commits without waiting for the disk, and a second thread
//! makes each commit durable before anyone learns of it.
//!
//! Why: when every COMMIT waits for its flush, the single writer runs no command during it
//! (about a third of the writer's time in `bench ledger` on SQLite; 3.3–4.4 ms of a 10.2 ms
//! batch on PostgreSQL). So the writer commits without the wait and hands the batch to the
//! syncer, which makes it durable and only then delivers the batch's results. One sync covers
//! every commit made before it, so the syncer coalesces all batches waiting for it, and the
//! writer runs the next batch meanwhile.
//! - SQLite: the writer's connection uses `synchronous=NORMAL` (COMMIT writes the WAL frames but
//!   does not sync them); the syncer fsyncs the WAL file ([`wal_sync`]).
//! - PostgreSQL: the writer's session uses `synchronous_commit=off` (COMMIT returns before its
//!   WAL is flushed; the transaction is visible at once, and only a crash of PostgreSQL itself,
//!   not of our process, can lose it); the syncer commits a one-row update with a synchronous
//!   commit ([`pg_barrier`]). PostgreSQL writes and flushes its WAL in order, so that flush covers
//!   every commit made before the barrier began, by this process or any other.
//!
//! The contract stays that of a synchronous commit, as seen from outside the writer:
//! - a command's result (and so any ledger index) is delivered only after its batch is durable;
//! - a reader never returns data of a commit that is not yet durable. Each batch takes a
//!   generation number *before* its COMMIT makes it visible, so any commit a read could have seen
//!   has a generation at most the one sampled when the read finished; the read waits until that
//!   generation is durable (at most one sync, and only while writes are in flight). On
//!   PostgreSQL another server process may share the database, and its commits are visible before
//!   its own syncer has flushed them: there a read also compares the WAL's insert and flush
//!   positions and, if it could have seen something unflushed, waits for a barrier of its own
//!   ([`Flush::now`]). So nothing that could be lost in a power cut is ever signed into a
//!   checkpoint, served in a tile or shown to a user.
//!
//! If a sync fails the store is poisoned: the waiting commands get the error, and every later
//! write and read fails, since what the disk holds is no longer known (as PostgreSQL panics on a
//! failed fsync rather than retry it; a lost connection to PostgreSQL may equally have lost the
//! unflushed commits, so it is treated the same).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex};

use crate::StoreError;

/// Generations of the writer's batches: taken before COMMIT, made durable by the syncer.
#[derive(Debug, Default)]
pub(crate) struct Durability {
    committed: AtomicU64,
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct State {
    durable: u64,
    failed: Option<String>,
}

impl Durability {
    /// Called by the writer just before COMMIT: the batch's generation.
    pub fn next_generation(&self) -> u64 {
        self.committed.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Fails once an fsync failed.
    pub fn check(&self) -> Result<(), StoreError> {
        match &self.lock().failed {
            Some(e) => Err(poisoned(e)),
            None => Ok(()),
        }
    }

    /// Waits until every batch that could be visible now is durable (call after a read).
    pub fn wait_visible(&self) -> Result<(), StoreError> {
        let target = self.committed.load(Ordering::SeqCst);
        let mut state = self.lock();
        while state.durable < target && state.failed.is_none() {
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        match &state.failed {
            Some(e) => Err(poisoned(e)),
            None => Ok(()),
        }
    }

    /// Whether every batch that reached COMMIT is durable (nothing in flight).
    #[cfg(test)]
    pub fn all_durable(&self) -> bool {
        self.lock().durable >= self.committed.load(Ordering::SeqCst)
    }

    fn settle(&self, generation: u64, failure: Option<String>) {
        let mut state = self.lock();
        state.durable = state.durable.max(generation);
        if state.failed.is_none() {
            state.failed = failure;
        }
        self.changed.notify_all();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn poisoned(e: &str) -> StoreError {
    StoreError::Ledger(format!(
        "the database could not be made durable ({e}); restart the server to recover from the disk"
    ))
}

/// What a command hands back to the writer: did it succeed, and how to deliver its result once
/// the batch's fate is known.
pub(crate) struct Outcome {
    pub ok: bool,
    pub finish: Finish,
}

/// Delivers a command's result once its batch committed (`None`) or failed (`Some`).
pub(crate) type Finish = Box<dyn FnOnce(Option<&StoreError>) + Send>;

/// A committed (or failed) batch waiting for the syncer.
pub(crate) struct Settled {
    pub generation: u64,
    pub outcomes: Vec<Outcome>,
    /// Why the batch did not commit, if it did not.
    pub error: Option<StoreError>,
}

/// Makes the WAL durable: an fsync of the WAL file (a test injects its own).
pub(crate) type SyncFn = Box<dyn FnMut() -> std::io::Result<()> + Send>;

/// The fsync of a SQLite database's WAL file.
pub(crate) fn wal_sync(db_path: &std::path::Path) -> SyncFn {
    let mut wal = db_path.as_os_str().to_owned();
    wal.push("-wal");
    let wal = std::path::PathBuf::from(wal);
    Box::new(move || {
        std::fs::OpenOptions::new()
            .write(true)
            .open(&wal)?
            .sync_data()
    })
}

/// PostgreSQL's barrier: a one-row update committed synchronously on the syncer's own
/// connection. Its commit record follows, in the WAL, every commit that returned before it
/// began, and PostgreSQL flushes the WAL in order. The update must change its row: a
/// transaction that writes nothing to the WAL commits without flushing it.
pub(crate) fn pg_barrier(db: crate::Database) -> SyncFn {
    let mut conn: Option<Box<dyn crate::Conn>> = None;
    Box::new(move || {
        let c = match &mut conn {
            Some(c) => c,
            None => conn.insert(barrier_conn(&db).map_err(std::io::Error::other)?),
        };
        match c.execute(BARRIER_SQL, &[]) {
            Ok(1) => Ok(()),
            Ok(n) => Err(std::io::Error::other(format!(
                "the write barrier changed {n} rows, not 1 (migration 66 makes its row)"
            ))),
            Err(e) => Err(std::io::Error::other(e)),
        }
    })
}

const BARRIER_SQL: &str = "UPDATE write_barrier SET n = n + 1 WHERE id = 1";

/// The barrier's connection keeps the database's own commit level (which may also wait for a
/// standby) unless that is `off`, which would make the barrier flush nothing.
fn barrier_conn(db: &crate::Database) -> Result<Box<dyn crate::Conn>, StoreError> {
    let mut c = db.connect()?;
    let level = c
        .query_one("SHOW synchronous_commit", &[])?
        .map(|r| r.text(0))
        .transpose()?;
    if level.as_deref() == Some("off") {
        c.batch("SET synchronous_commit = on")?;
    }
    Ok(c)
}

/// A read's request for a sync that begins after the request: on PostgreSQL, for commits of
/// other processes that the read may have seen before their syncer flushed them.
#[derive(Clone)]
pub(crate) struct Flush(pub Sender<Settled>);

impl Flush {
    /// Returns once a sync begun after this call has finished, or with the store's poison.
    pub fn now(&self) -> Result<(), StoreError> {
        let (done, wait) = std::sync::mpsc::channel();
        let request = Settled {
            // Generation 0 leaves the writer's generations alone: this sync proves nothing about
            // a batch that has taken its number but not yet reached the syncer.
            generation: 0,
            outcomes: vec![Outcome {
                ok: true,
                finish: Box::new(move |e| {
                    let _ = done.send(e.map(ToString::to_string));
                }),
            }],
            error: None,
        };
        self.0.send(request).map_err(|_| StoreError::Closed)?;
        match wait.recv().map_err(|_| StoreError::Closed)? {
            None => Ok(()),
            Some(e) => Err(StoreError::Ledger(e)),
        }
    }
}

/// PostgreSQL: whether the read just made on `conn` could have seen a commit whose WAL is not
/// yet flushed (any WAL inserted up to now but not flushed, which over-approximates: it may be
/// the writer's batch in progress).
pub(crate) fn pg_unflushed(conn: &mut dyn crate::Conn) -> Result<bool, StoreError> {
    let row = conn.query_one(
        "SELECT pg_current_wal_flush_lsn() < pg_current_wal_insert_lsn()",
        &[],
    )?;
    Ok(row.map(|r| r.int(0)).transpose()? != Some(0))
}

/// Starts the syncer thread; it ends when the sender is dropped (after the writer ended).
pub(crate) fn spawn_syncer(
    durability: Arc<Durability>,
    sync: SyncFn,
) -> Result<Sender<Settled>, StoreError> {
    let (tx, rx) = std::sync::mpsc::channel::<Settled>();
    std::thread::Builder::new()
        .name("oneseal-syncer".into())
        .spawn(move || run(&rx, &durability, sync))?;
    Ok(tx)
}

fn run(rx: &Receiver<Settled>, durability: &Durability, mut sync: SyncFn) {
    while let Ok(first) = rx.recv() {
        let mut batches = vec![first];
        batches.extend(rx.try_iter());
        let generation = batches.iter().map(|b| b.generation).max().unwrap_or(0);
        let failure = if batches.iter().any(|b| b.error.is_none()) {
            sync().err().map(|e| e.to_string())
        } else {
            None
        };
        if let Some(e) = &failure {
            tracing::error!(error = %e, "fsync of the WAL failed: the store refuses further work");
        }
        durability.settle(generation, failure.clone());
        for b in batches {
            let error = b.error.or_else(|| failure.as_deref().map(poisoned));
            for o in b.outcomes {
                (o.finish)(error.as_ref());
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::sync::mpsc::channel;
    use std::time::Duration;

    /// An outcome that reports its delivery on a channel.
    fn outcome(report: Sender<Option<String>>) -> Outcome {
        Outcome {
            ok: true,
            finish: Box::new(move |e| {
                let _ = report.send(e.map(ToString::to_string));
            }),
        }
    }

    /// A sync that waits for permission, so a test can hold a batch between COMMIT and fsync.
    fn gated() -> (SyncFn, Sender<std::io::Result<()>>) {
        let (allow, gate) = channel::<std::io::Result<()>>();
        let gate = Mutex::new(gate);
        (
            Box::new(move || gate.lock().unwrap().recv().unwrap()),
            allow,
        )
    }

    #[test]
    fn results_and_reads_wait_for_the_fsync() {
        let durability = Arc::new(Durability::default());
        let (sync, allow) = gated();
        let syncer = spawn_syncer(durability.clone(), sync).unwrap();
        let (report, delivered) = channel();
        let generation = durability.next_generation();
        syncer
            .send(Settled {
                generation,
                outcomes: vec![outcome(report)],
                error: None,
            })
            .unwrap();
        let reader = {
            let d = durability.clone();
            std::thread::spawn(move || d.wait_visible())
        };
        std::thread::sleep(Duration::from_millis(100));
        assert!(delivered.try_recv().is_err(), "delivered before the fsync");
        assert!(!reader.is_finished(), "a read returned before the fsync");
        allow.send(Ok(())).unwrap();
        assert_eq!(
            delivered.recv_timeout(Duration::from_secs(5)).unwrap(),
            None
        );
        reader.join().unwrap().unwrap();
    }

    #[test]
    fn a_failed_fsync_fails_the_batch_and_poisons_the_store() {
        let durability = Arc::new(Durability::default());
        let (sync, allow) = gated();
        let syncer = spawn_syncer(durability.clone(), sync).unwrap();
        let (report, delivered) = channel();
        syncer
            .send(Settled {
                generation: durability.next_generation(),
                outcomes: vec![outcome(report)],
                error: None,
            })
            .unwrap();
        allow.send(Err(std::io::Error::other("EIO"))).unwrap();
        let error = delivered.recv_timeout(Duration::from_secs(5)).unwrap();
        assert!(error.is_some_and(|e| e.contains("EIO")));
        assert!(durability.check().is_err());
        assert!(durability.wait_visible().is_err());
    }

    /// A read's own barrier waits for a sync begun after it, and does not count as the sync of
    /// a batch that took its generation but has not reached the syncer yet.
    #[test]
    fn a_reads_flush_waits_for_its_sync_and_proves_no_batch_durable() {
        let durability = Arc::new(Durability::default());
        let (sync, allow) = gated();
        let syncer = spawn_syncer(durability.clone(), sync).unwrap();
        let flush = Flush(syncer.clone());
        let reader = std::thread::spawn(move || flush.now());
        std::thread::sleep(Duration::from_millis(100));
        assert!(
            !reader.is_finished(),
            "the read's barrier returned before its sync"
        );
        // A batch between its generation and its hand-over to the syncer.
        let in_flight = durability.next_generation();
        allow.send(Ok(())).unwrap();
        reader.join().unwrap().unwrap();
        let waiter = {
            let d = durability.clone();
            std::thread::spawn(move || d.wait_visible())
        };
        std::thread::sleep(Duration::from_millis(100));
        assert!(
            !waiter.is_finished(),
            "a read's barrier made a batch durable that it never synced"
        );
        drop(syncer);
        durability.settle(in_flight, None);
        waiter.join().unwrap().unwrap();
    }

    /// A failed barrier fails the read that asked for it, and poisons the store.
    #[test]
    fn a_reads_failed_flush_fails_the_read() {
        let durability = Arc::new(Durability::default());
        let (sync, allow) = gated();
        let flush = Flush(spawn_syncer(durability.clone(), sync).unwrap());
        allow.send(Err(std::io::Error::other("EIO"))).unwrap();
        assert!(flush.now().is_err());
        assert!(durability.check().is_err());
    }

    #[test]
    fn reads_with_no_write_in_flight_do_not_wait() {
        let durability = Durability::default();
        durability.wait_visible().unwrap();
        durability.settle(durability.next_generation(), None);
        durability.wait_visible().unwrap();
    }
}
