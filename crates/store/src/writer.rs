//! The single writer: every state change of the system passes through here. A command gets a
//! [`Tx`] and changes state only by recording events through it ([`Tx::record`]: sealed,
//! applied to the tables, appended), so a step's path into the store ends in this file, at the
//! batch's COMMIT.
//!
//! Contract (the ledger's durability rests on it):
//! - Commands run one after another on one thread, sharing one transaction (group commit): a
//!   failing command rolls back alone, the others commit together. A command that runs SQL does so
//!   inside its own savepoint, opened lazily on its first statement; a command that only appends
//!   ledger entries needs none, because its entries wait in memory (see below) and are dropped
//!   from there if it fails.
//! - The ledger entries a command appends get consecutive indexes in their log with no gaps. They
//!   are buffered and written with multi-row INSERTs: before a statement that names
//!   `ledger_entries` (so SQL that reads them sees them) and at the end of the batch. The Merkle
//!   nodes for the whole batch are integrated before COMMIT, in the same transaction.
//! - A command's result (and so any ledger index) is delivered only after the batch is durable:
//!   when the syncer has fsynced SQLite's WAL, or committed PostgreSQL's write barrier, after the
//!   COMMIT (see [`crate::durable`]), while the writer runs the next batch.
//! - Batches are serialised across processes too: SQLite's `BEGIN IMMEDIATE` takes the file's
//!   write lock; on PostgreSQL each batch first takes a transaction-level advisory lock (the
//!   writer lock of [`crate::leader`]), so several server processes on one database run their
//!   batches one at a time. A command then sees every batch committed before its own, exactly as
//!   with one process, and each log's head row is still locked (`SELECT … FOR UPDATE`) before
//!   the batch's first append to it.
//!
//! Why the buffering: per entry the old path ran a savepoint, two INSERTs and a release, four
//! round trips on PostgreSQL; now a batch of appends costs a few statements in all. On
//! PostgreSQL every statement the writer waits for is a round trip, so it waits for as few as
//! it can: BEGIN and the writer lock go in one, savepoints and writes whose row count no one
//! reads are pipelined (`crate::pg`; a command's RELEASE goes with the next command's
//! SAVEPOINT, or COMMIT), and `WriterStats::round_trips` counts the waits that are left
//! (`/metrics`, `bench e2e`).

use std::collections::BTreeMap;
use std::sync::mpsc::{Receiver, TryRecvError};

use oneseal_domain::calendar::Calendar;
use oneseal_domain::case::Case;
use oneseal_domain::event::{Actor, Event};
use oneseal_domain::org::DivisionCode;
use oneseal_ledger::{Frontier, Hash, leaf_hash};
use time::OffsetDateTime;

use crate::StoreError;
use crate::durable::{Durability, Outcome, Settled};
use crate::log::{self, EntryRow};
use crate::sql::{Backend, Conn, Row, Value};
use crate::{params, projection};

/// Upper bound on the commands sharing one commit.
pub const MAX_BATCH: usize = 1024;

pub(crate) type Job = Box<dyn FnOnce(&mut Tx<'_>) -> Outcome + Send>;

/// One log's state within a batch: its size when the batch locked it, and the leaves added since.
struct LogBatch {
    base: u64,
    /// The log's number, the high bits of its row keys.
    id: i64,
    frontier: Frontier,
    pending: Vec<Hash>,
    /// The latest id of each series numbered on this log ([`Tx::latest_in_series`]).
    series: Series,
}

/// Latest ids by series (case numbers of a day, push numbers of a jurisdiction).
type Series = BTreeMap<String, String>;

/// What the writer keeps of a log between batches: valid while the log's head still has the
/// size it left it with, i.e. no other process appended to it since.
type Kept = (Frontier, Series);

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

    /// Forgets a failed command's leaves, and the logs it opened: on PostgreSQL their row lock
    /// went with its savepoint, so the next command must lock them again. The series are read
    /// again too: the command may have taken a number it never used.
    fn rollback_to(&mut self, mark: &BTreeMap<String, usize>) {
        self.logs.retain(|log, _| mark.contains_key(log));
        for (log, batch) in &mut self.logs {
            batch.pending.truncate(mark.get(log).copied().unwrap_or(0));
            batch.series.clear();
        }
    }
}

/// The writer's connection as a command sees it: the first statement of a command opens its
/// savepoint, and every statement first writes the buffered entries, so SQL always sees them.
pub(crate) struct Session {
    conn: Box<dyn Conn>,
    /// Entries appended in this batch; `rows[..written]` are already in the database.
    rows: Vec<EntryRow>,
    written: usize,
    /// Where the running command's entries start in `rows`.
    command_start: usize,
    /// Whether the running command has opened its savepoint.
    savepoint: bool,
    /// `written` when the running command opened its savepoint: a rollback to it also takes
    /// the rows written after that, even earlier commands' ones.
    savepoint_written: usize,
    /// An earlier command's savepoint, kept: released together with the next command's
    /// SAVEPOINT or at COMMIT, in the same round trip.
    release_pending: bool,
    /// A write outside any savepoint failed: the batch must not commit, whatever the commands
    /// made of the error (PostgreSQL would even turn the COMMIT into a silent ROLLBACK).
    broken: Option<String>,
    /// The running command released its savepoint midway ([`Tx::settle`]): it can no longer
    /// fail alone, so its failure fails the batch.
    settled: bool,
    /// The batch's reads of reference data ([`memo`]).
    memo: memo::Memo,
    /// The batch's additions to counter rows, written as sums ([`crate::counters`]).
    counters: crate::counters::Pending,
}

impl Session {
    fn new(conn: Box<dyn Conn>) -> Self {
        Self {
            conn,
            rows: Vec::new(),
            written: 0,
            command_start: 0,
            savepoint: false,
            savepoint_written: 0,
            release_pending: false,
            broken: None,
            settled: false,
            memo: memo::Memo::default(),
            counters: crate::counters::Pending::default(),
        }
    }

    /// Writes the buffered entries up to `end`.
    fn flush_to(&mut self, end: usize) -> Result<(), StoreError> {
        if end > self.written {
            log::insert_entries(self.conn.as_mut(), &self.rows[self.written..end])?;
            self.written = end;
        }
        Ok(())
    }

    /// Before a command's statement: opens its savepoint (releasing the previous command's in
    /// the same round trip), and writes the buffered entries if the statement reads them.
    ///
    /// Entries are otherwise written once, at the end of the batch: only statements that name
    /// `ledger_entries` (or `ledger_blobs`, which the entries' bodies refer to) can see them (no
    /// view, trigger or foreign key refers to these tables), so every other statement saves
    /// the round trip on PostgreSQL.
    fn enter(&mut self, sql: &str) -> Result<(), StoreError> {
        if let Some(e) = &self.broken {
            return Err(StoreError::Ledger(format!("the batch is broken: {e}")));
        }
        if !self.savepoint {
            let open = if std::mem::take(&mut self.release_pending) {
                "RELEASE SAVEPOINT cmd; SAVEPOINT cmd"
            } else {
                "SAVEPOINT cmd"
            };
            // Pipelined on PostgreSQL: its reply comes with the command's first wait, which
            // `checked` watches for a failure.
            if let Err(e) = self.conn.write_control(open) {
                self.broken = Some(e.to_string());
                return Err(e);
            }
            self.savepoint = true;
            self.savepoint_written = self.written;
        }
        if sql.contains("ledger_entries") || sql.contains("ledger_blobs") {
            let end = self.rows.len();
            let flushed = self.flush_to(end);
            self.checked(flushed)?;
        }
        let written = self.counters.before(sql, self.conn.as_mut());
        self.checked(written)?;
        Ok(())
    }

    /// A result of a statement that waited: a failed savepoint among the writes pipelined before
    /// it (see [`Conn::write_control`]) breaks the batch, whatever the command makes of it.
    fn checked<T>(&mut self, result: Result<T, StoreError>) -> Result<T, StoreError> {
        if let Err(e @ StoreError::Ledger(_)) = &result {
            self.broken.get_or_insert_with(|| e.to_string());
        }
        result
    }

    /// Closes the running command: keeps or drops its statements and entries. A kept
    /// savepoint is released later, with the next one or at COMMIT.
    fn finish_command(&mut self, ok: bool) -> Result<(), StoreError> {
        // Read already at the command's end (`make_job`) if it succeeded; a reply still
        // outstanding here is of a failed command (to be rolled back anyway) or would go
        // outside the command's own result, so only a success's failure breaks the batch.
        let replies = self.conn.flush_writes();
        if let Err(e) = self.checked(replies)
            && ok
        {
            self.broken.get_or_insert_with(|| e.to_string());
        }
        let savepoint = std::mem::replace(&mut self.savepoint, false);
        if !ok && std::mem::take(&mut self.settled) {
            // What it settled is beyond its savepoint's reach, and its leaves are not: roll
            // the whole batch back rather than commit half a command.
            self.broken
                .get_or_insert_with(|| "a settled command failed".to_owned());
        }
        self.settled = false;
        self.counters.finish_command(ok);
        if ok {
            self.release_pending |= savepoint;
        } else {
            if savepoint {
                // Only the failed command's savepoint is open (the previous one was released
                // when it opened); rows written since it opened are gone with it.
                self.conn
                    .batch("ROLLBACK TO SAVEPOINT cmd; RELEASE SAVEPOINT cmd")?;
                self.written = self.written.min(self.savepoint_written);
            }
            self.rows.truncate(self.command_start);
            self.written = self.written.min(self.command_start);
            self.memo.clear();
        }
        self.command_start = self.rows.len();
        Ok(())
    }

    /// Forgets the batch's entries (after COMMIT or ROLLBACK).
    fn reset(&mut self) {
        self.rows.clear();
        self.written = 0;
        self.command_start = 0;
        self.savepoint = false;
        self.savepoint_written = 0;
        self.release_pending = false;
        self.broken = None;
        self.settled = false;
        self.memo.clear();
        self.counters.clear();
    }
}

impl Conn for Session {
    fn backend(&self) -> Backend {
        self.conn.backend()
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        self.memo.before_write(sql);
        self.enter(sql)?;
        let r = self.conn.execute(sql, params);
        self.checked(r)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        let reference = memo::is_reference_read(sql);
        if reference {
            // A broken batch answers nothing from memory either: `enter` gives its error.
            if self.broken.is_none()
                && let Some(rows) = self.memo.get(sql, params)
            {
                return Ok(rows);
            }
        } else if !memo::is_select(sql) {
            // `INSERT … RETURNING` and the like.
            self.memo.before_write(sql);
        }
        self.enter(sql)?;
        let r = self.conn.query(sql, params);
        let rows = self.checked(r)?;
        if reference {
            self.memo.put(sql, params, &rows);
        }
        Ok(rows)
    }

    fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        self.memo.before_write(sql);
        self.enter(sql)?;
        let r = self.conn.batch(sql);
        self.checked(r)
    }

    fn write(&mut self, sql: &str, params: &[Value]) -> Result<(), StoreError> {
        self.memo.before_write(sql);
        self.enter(sql)?;
        let r = self.conn.write(sql, params);
        self.checked(r)
    }

    fn has_pending_writes(&self) -> bool {
        self.conn.has_pending_writes()
    }

    fn flush_writes(&mut self) -> Result<(), StoreError> {
        let r = self.conn.flush_writes();
        self.checked(r)
    }

    fn add_counts(
        &mut self,
        counter: &'static crate::counters::Counter,
        key: Vec<String>,
        delta: &[i64],
    ) -> Result<(), StoreError> {
        if let Some(e) = &self.broken {
            return Err(StoreError::Ledger(format!("the batch is broken: {e}")));
        }
        self.counters.add(counter, key, delta);
        Ok(())
    }
}

/// The transaction a command sees.
pub struct Tx<'a> {
    session: &'a mut Session,
    pending: &'a mut Pending,
    cache: &'a mut BTreeMap<String, Kept>,
}

impl Tx<'_> {
    pub fn conn(&mut self) -> &mut dyn Conn {
        self.session
    }

    /// Ends the running command's savepoint here; its next statement opens a new one. For a
    /// bulk load that runs thousands of steps as one command (`demo generate`): while one
    /// savepoint stays open SQLite keeps every page it changed in an in-memory sub-journal,
    /// which the end of each statement walks from its start, so the command slowed with its
    /// own length (46% of the generator's CPU at 30,000 cases). A command that settles can no
    /// longer fail alone: if it fails afterwards, the whole batch rolls back. PostgreSQL keeps
    /// no such journal, and there every new savepoint that writes is one more subtransaction of
    /// the batch (past 64 they slow every reader's snapshot), so nothing is done there.
    pub fn settle(&mut self) {
        if self.session.backend() == Backend::Sqlite
            && std::mem::replace(&mut self.session.savepoint, false)
        {
            self.session.release_pending = true;
            self.session.settled = true;
        }
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
        let log_id = self.pending.logs.get(log).map_or(0, |b| b.id);
        self.session.rows.push(EntryRow {
            key: log::entry_key(log_id, idx)?,
            log: log.to_owned(),
            idx,
            entry: entry.to_vec(),
            kind: kind.to_owned(),
            salt: salt.to_vec(),
            body: body.to_vec(),
        });
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
        let (size, _, id) = log::lock_head(self.session, log)?;
        let (frontier, series) = match self.cache.remove(log) {
            Some((f, series)) if f.size() == size => (f, series),
            _ => (log::load_frontier(self.session, log, size)?, Series::new()),
        };
        Ok(LogBatch {
            base: size,
            id,
            frontier,
            pending: Vec::new(),
            series,
        })
    }

    /// The latest id of `series`, a numbering whose every new id is appended to `log` in the
    /// same command (the case numbers of a bureau's day, its push numbers): remembered from
    /// this writer's earlier reads and [`Tx::issued_in_series`] while the log's head shows that
    /// no other process appended to it since, else `read` under the log's lock. Why: the read is
    /// a `MAX` on a primary key past the dead versions of the newest rows, and a wait on
    /// PostgreSQL, once for every new case and every new push.
    pub fn latest_in_series(
        &mut self,
        log: &str,
        series: &str,
        read: impl FnOnce(&mut dyn Conn) -> Result<Option<String>, StoreError>,
    ) -> Result<Option<String>, StoreError> {
        self.next_index(log)?;
        if let Some(latest) = self.log_series(log).and_then(|s| s.get(series)) {
            return Ok(Some(latest.clone()));
        }
        let latest = read(self.session)?;
        if let (Some(id), Some(s)) = (&latest, self.log_series(log)) {
            s.insert(series.to_owned(), id.clone());
        }
        Ok(latest)
    }

    /// `id` of `series` was recorded on `log` by this command ([`Tx::latest_in_series`]).
    pub fn issued_in_series(&mut self, log: &str, series: &str, id: &str) {
        if let Some(s) = self.log_series(log) {
            s.insert(series.to_owned(), id.to_owned());
        }
    }

    fn log_series(&mut self, log: &str) -> Option<&mut Series> {
        self.pending.logs.get_mut(log).map(|b| &mut b.series)
    }
}

/// A case step as the command already holds it: the event's place in the case's history (from
/// 1), the case with the event applied, and the calendar the command ran with (the step's
/// counters in `case_tallies` time a decision with it).
#[derive(Debug, Clone, Copy)]
pub struct CaseStep<'a> {
    pub seq: u64,
    pub case: &'a Case,
    pub calendar: &'a Calendar,
}

/// Recording: the only way a command changes state. An event is sealed, applied to the tables
/// (`crate::projection`) and appended to its jurisdiction's log, all in the command's own
/// transaction, so the ledger and the tables can never disagree.
impl Tx<'_> {
    /// Seals, applies and appends one event; returns its ledger index (which the caller may
    /// only reveal once the write commits).
    pub fn record(
        &mut self,
        event: &Event,
        time: OffsetDateTime,
        jurisdiction: &DivisionCode,
        actor: &Actor,
    ) -> Result<u64, StoreError> {
        self.record_with(event, time, jurisdiction, actor, None)
    }

    /// [`Tx::record`] for an event of a case the command has read and folded in this same
    /// transaction: the case's rows are written from `step` rather than read and folded again,
    /// which a step would otherwise do once per event. `ledger verify` rebuilds the same rows
    /// from the log alone, so a caller passing the wrong case would be caught there.
    pub fn record_case_step(
        &mut self,
        event: &Event,
        time: OffsetDateTime,
        jurisdiction: &DivisionCode,
        actor: &Actor,
        step: CaseStep<'_>,
    ) -> Result<u64, StoreError> {
        self.record_with(event, time, jurisdiction, actor, Some(step))
    }

    fn record_with(
        &mut self,
        event: &Event,
        time: OffsetDateTime,
        jurisdiction: &DivisionCode,
        actor: &Actor,
        step: Option<CaseStep<'_>>,
    ) -> Result<u64, StoreError> {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt)
            .map_err(|e| StoreError::Corrupt(format!("no randomness: {e}")))?;
        let sealed = event
            .seal(time, jurisdiction, actor, salt)
            .map_err(|e| match e {
                oneseal_domain::event::EnvelopeError::TooLarge(n) => StoreError::EntryTooLarge(n),
                e => StoreError::Corrupt(e.to_string()),
            })?;
        match (event, step) {
            (Event::Case { case_number, event }, Some(step)) => {
                let conn = self.conn();
                projection::write_case_event(
                    conn,
                    jurisdiction,
                    case_number,
                    event,
                    step.seq,
                    step.case,
                )?;
                crate::aggregates::record_step(
                    conn,
                    jurisdiction.as_str(),
                    event,
                    step.case,
                    step.calendar,
                )?;
                crate::case_due::write(conn, jurisdiction.as_str(), step.case, step.calendar)?;
            }
            _ => projection::apply(self.conn(), jurisdiction, event)?,
        }
        let idx = self.append(
            jurisdiction.as_str(),
            &sealed.entry,
            sealed.kind,
            &sealed.salt,
            &sealed.body,
        )?;
        if let Event::Case { case_number, event } = event {
            // Each step's place on the log, so the public progress page can give its receipt.
            let seq = match step {
                Some(step) => i64::try_from(step.seq).unwrap_or(i64::MAX),
                None => self
                    .conn()
                    .query_one(
                        "SELECT COUNT(*) FROM case_events WHERE case_number = ?",
                        params![case_number.as_str()],
                    )?
                    .map(|r| r.int(0))
                    .transpose()?
                    .unwrap_or(0),
            };
            self.conn().write(
                "INSERT INTO case_entries (case_number, seq, log, idx, kind) VALUES (?, ?, ?, ?, ?)",
                params![
                    case_number.as_str(),
                    seq,
                    jurisdiction.as_str(),
                    idx,
                    event.kind()
                ],
            )?;
        }
        if let Event::CaseRated { case_number, .. } = event {
            crate::ratings::insert_entry(
                self.conn(),
                case_number.as_str(),
                jurisdiction.as_str(),
                idx,
            )?;
        }
        Ok(idx)
    }
}

/// Counters of the writer's work, for metrics and benchmarks.
#[derive(Debug, Default)]
pub struct WriterStats {
    pub batches: std::sync::atomic::AtomicU64,
    pub commands: std::sync::atomic::AtomicU64,
    /// Round trips on the writer's connection (one per statement; a parameterless batch of
    /// several statements is one): on PostgreSQL each is a wait for the server, which is what
    /// bounds the single writer there.
    pub round_trips: std::sync::atomic::AtomicU64,
}

/// The writer's connection, counting its round trips into [`WriterStats::round_trips`].
struct Counted {
    conn: Box<dyn Conn>,
    stats: std::sync::Arc<WriterStats>,
}

impl Counted {
    fn count(&self) {
        self.stats
            .round_trips
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

impl Conn for Counted {
    fn backend(&self) -> Backend {
        self.conn.backend()
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        self.count();
        self.conn.execute(sql, params)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        self.count();
        self.conn.query(sql, params)
    }

    fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        self.count();
        self.conn.batch(sql)
    }

    // Pipelined on PostgreSQL, so no wait of their own there; SQLite runs them at once.
    fn write(&mut self, sql: &str, params: &[Value]) -> Result<(), StoreError> {
        if self.conn.backend() == Backend::Sqlite {
            self.count();
        }
        self.conn.write(sql, params)
    }

    fn write_control(&mut self, sql: &str) -> Result<(), StoreError> {
        if self.conn.backend() == Backend::Sqlite {
            self.count();
        }
        self.conn.write_control(sql)
    }

    fn has_pending_writes(&self) -> bool {
        self.conn.has_pending_writes()
    }

    fn flush_writes(&mut self) -> Result<(), StoreError> {
        if self.conn.has_pending_writes() {
            self.count();
        }
        self.conn.flush_writes()
    }
}

/// Where the writer sends its committed batches to be made durable.
pub(crate) struct Pipeline {
    pub durability: std::sync::Arc<Durability>,
    pub syncer: std::sync::mpsc::Sender<Settled>,
}

pub(crate) struct Writer {
    session: Session,
    /// Right edges of the logs as of the last commit, so a batch need not reload them.
    frontiers: BTreeMap<String, Kept>,
    stats: std::sync::Arc<WriterStats>,
    /// The syncer that delivers results once durable.
    pipeline: Pipeline,
    /// The generation of the last batch that reached COMMIT.
    generation: u64,
}

impl Writer {
    pub fn new(
        conn: Box<dyn Conn>,
        stats: std::sync::Arc<WriterStats>,
        pipeline: Pipeline,
    ) -> Self {
        let conn = Box::new(Counted {
            conn,
            stats: stats.clone(),
        });
        Self {
            session: Session::new(conn),
            frontiers: BTreeMap::new(),
            stats,
            pipeline,
            generation: 0,
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
        self.session.reset();
        if result.is_err() {
            // The database state is unknown to us now: reload frontiers next time.
            self.frontiers.clear();
            let _ = self.session.conn.batch("ROLLBACK");
        }
        let error = result.err();
        let settled = Settled {
            generation: self.generation,
            outcomes,
            error,
        };
        if let Err(unsent) = self.pipeline.syncer.send(settled) {
            for o in unsent.0.outcomes {
                (o.finish)(Some(&StoreError::Closed));
            }
        }
    }

    fn batch(&mut self, jobs: Vec<Job>, outcomes: &mut Vec<Outcome>) -> Result<(), StoreError> {
        self.pipeline.durability.check()?;
        // One round trip: BEGIN and, on PostgreSQL, the cross-process writer lock.
        let begin = match crate::leader::writer_lock_sql(self.session.backend()) {
            Some(lock) => format!("BEGIN; {lock}"),
            None => "BEGIN IMMEDIATE".to_owned(),
        };
        self.session.conn.batch(&begin)?;
        let mut pending = Pending::default();
        for job in jobs {
            let mark = pending.mark();
            let mut tx = Tx {
                session: &mut self.session,
                pending: &mut pending,
                cache: &mut self.frontiers,
            };
            // A panicking command must not take the writer (and every later command) down with it.
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&mut tx)))
                .unwrap_or_else(|_| Outcome {
                    ok: false,
                    finish: Box::new(|_| ()),
                });
            self.session.finish_command(outcome.ok)?;
            if !outcome.ok {
                pending.rollback_to(&mark);
            }
            outcomes.push(outcome);
        }
        if let Some(e) = self.session.broken.take() {
            return Err(StoreError::Ledger(e));
        }
        self.session
            .counters
            .take_batch()
            .write(self.session.conn.as_mut())?;
        let end = self.session.rows.len();
        self.session.flush_to(end)?;
        let mut integrated = BTreeMap::new();
        for (name, mut b) in std::mem::take(&mut pending.logs) {
            log::integrate(
                self.session.conn.as_mut(),
                &name,
                b.id,
                &mut b.frontier,
                &b.pending,
            )?;
            integrated.insert(name, (b.frontier, b.series));
        }
        // Before COMMIT makes the batch visible: see `durable` on why readers rely on it.
        self.generation = self.pipeline.durability.next_generation();
        // COMMIT also ends the last command's savepoint if it is still open.
        self.session.conn.batch("COMMIT")?;
        self.frontiers.extend(integrated);
        Ok(())
    }
}

mod memo;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
