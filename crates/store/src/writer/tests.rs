//! The writer's contract: group commit, settled commands, durability, pipelined writes.

use crate::scratch::ScratchDb;
use crate::{Store, StoreError};

fn count(store: &Store) -> i64 {
    store
        .read_blocking(|c| {
            c.query_one("SELECT COUNT(*) FROM settle_probe", &[])?
                .map(|r| r.int(0))
                .transpose()
        })
        .unwrap()
        .unwrap_or(0)
}

/// A command that settles midway keeps all it wrote when it succeeds, and none of it when
/// it fails afterwards (the batch rolls back, not half the command).
#[test]
fn a_settled_command_commits_whole_or_not_at_all() {
    let (_scratch, store) = store_with("CREATE TABLE settle_probe (n INTEGER NOT NULL)");
    let insert = |tx: &mut super::Tx<'_>, n: i64| {
        tx.conn()
            .execute("INSERT INTO settle_probe (n) VALUES (?)", crate::params![n])
            .map(|_| ())
    };
    store
        .write_blocking(move |tx| {
            insert(tx, 1)?;
            tx.settle();
            insert(tx, 2)?;
            tx.settle();
            insert(tx, 3)
        })
        .unwrap();
    assert_eq!(count(&store), 3);
    let failed = store.write_blocking(move |tx| {
        insert(tx, 4)?;
        tx.settle();
        insert(tx, 5)?;
        Err::<(), _>(StoreError::Corrupt("the step failed".into()))
    });
    assert!(failed.is_err());
    assert_eq!(count(&store), 3, "half a settled command was committed");
    // The writer goes on after the rolled-back batch.
    store.write_blocking(move |tx| insert(tx, 6)).unwrap();
    assert_eq!(count(&store), 4);
    store.close();
}

/// A batch is acknowledged only once the syncer made it durable, though the writer's COMMIT
/// did not wait: on SQLite the WAL's fsync, on PostgreSQL the write barrier, which must
/// have flushed the WAL past the command's own writes.
#[test]
fn a_batch_is_acknowledged_only_once_durable() {
    let scratch = ScratchDb::new().unwrap();
    let store = Store::open(scratch.database.clone()).unwrap();
    let durability = store.inner.durability.clone();
    let postgres = matches!(scratch.database, crate::Database::Postgres(_));
    let text = |tx: &mut super::Tx<'_>, sql: &str| {
        tx.conn()
            .query_one(sql, &[])?
            .map(|r| r.text(0))
            .transpose()
            .map(Option::unwrap_or_default)
    };
    let (level, lsn) = store
        .write_blocking(move |tx| {
            tx.conn()
                .batch("CREATE TABLE barrier_probe (b TEXT NOT NULL)")?;
            for _ in 0..200 {
                tx.conn().execute(
                    "INSERT INTO barrier_probe (b) VALUES (?)",
                    crate::params!["x".repeat(500)],
                )?;
            }
            if !postgres {
                return Ok::<_, StoreError>((String::new(), String::new()));
            }
            let level = text(tx, "SHOW synchronous_commit")?;
            let lsn = text(tx, "SELECT pg_current_wal_insert_lsn()::text")?;
            Ok((level, lsn))
        })
        .unwrap();
    assert!(
        durability.all_durable(),
        "a result was delivered before its batch was durable"
    );
    if !postgres {
        store.close();
        return;
    }
    assert_eq!(level, "off", "the writer's commits wait for their flush");
    let mut raw = scratch.database.connect().unwrap();
    let flushed = raw
        .query_one(
            "SELECT pg_current_wal_flush_lsn() >= CAST(CAST(? AS TEXT) AS pg_lsn)",
            crate::params![lsn.as_str()],
        )
        .unwrap()
        .unwrap()
        .int(0)
        .unwrap();
    assert_eq!(
        flushed, 1,
        "a batch was acknowledged before its WAL was flushed"
    );
    store.close();
}

/// Runs `first` and `second` in one batch, in this order: a third command keeps the writer
/// busy until both are queued.
fn in_one_batch<A, B>(
    store: &Store,
    first: A,
    second: B,
) -> (Result<(), StoreError>, Result<(), StoreError>)
where
    A: FnOnce(&mut super::Tx<'_>) -> Result<(), StoreError> + Send + 'static,
    B: FnOnce(&mut super::Tx<'_>) -> Result<(), StoreError> + Send + 'static,
{
    use std::future::Future;
    use std::task::{Context, Waker};
    let (go, hold) = std::sync::mpsc::channel::<()>();
    let mut blocker = Box::pin(store.write(move |_tx| {
        let _ = hold.recv();
        Ok::<_, StoreError>(())
    }));
    let mut a = Box::pin(store.write(first));
    let mut b = Box::pin(store.write(second));
    // A write's first poll queues its command.
    let mut cx = Context::from_waker(Waker::noop());
    assert!(blocker.as_mut().poll(&mut cx).is_pending());
    assert!(a.as_mut().poll(&mut cx).is_pending());
    assert!(b.as_mut().poll(&mut cx).is_pending());
    go.send(()).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        // It may share the batch, and its fate, with the two.
        let _ = blocker.await;
        (a.await, b.await)
    })
}

fn probe(store: &Store) -> Vec<(i64, i64)> {
    store
        .read_blocking(|c| {
            c.query("SELECT k, v FROM pipe_probe ORDER BY k", &[])?
                .iter()
                .map(|r| Ok((r.int(0)?, r.int(1)?)))
                .collect::<Result<Vec<_>, StoreError>>()
        })
        .unwrap()
}

/// A store on a scratch database (SQLite, or PostgreSQL when the tests are given one) holding
/// one table made by `ddl`.
fn store_with(ddl: &'static str) -> (ScratchDb, Store) {
    let scratch = ScratchDb::new().unwrap();
    let store = Store::open(scratch.database.clone()).unwrap();
    store
        .write_blocking(move |tx| tx.conn().batch(ddl))
        .unwrap();
    (scratch, store)
}

fn pipe_store() -> (ScratchDb, Store) {
    store_with("CREATE TABLE pipe_probe (k INTEGER PRIMARY KEY, v INTEGER NOT NULL)")
}

fn put(tx: &mut super::Tx<'_>, k: i64, v: i64) -> Result<(), StoreError> {
    tx.conn().write(
        "INSERT INTO pipe_probe (k, v) VALUES (?, ?)",
        crate::params![k, v],
    )
}

/// Writes whose replies are read later (pipelined on PostgreSQL) run in order, each seeing the
/// ones before it; a failed one fails its own command, with its own error (not the aborted
/// transaction's), whether a read or the command's end reads it, and its batch-mate commits.
#[test]
fn pipelined_writes_keep_their_order_and_their_errors() {
    let (_scratch, store) = pipe_store();
    let seen = store
        .write_blocking(|tx| {
            put(tx, 1, 10)?;
            tx.conn().write(
                "UPDATE pipe_probe SET v = v + 1 WHERE k = ?",
                crate::params![1],
            )?;
            tx.conn()
                .query_one("SELECT v FROM pipe_probe WHERE k = ?", crate::params![1])?
                .map(|r| r.int(0))
                .transpose()
        })
        .unwrap();
    assert_eq!(
        seen,
        Some(11),
        "a read did not see the writes sent before it"
    );
    let (failed, ok) = in_one_batch(
        &store,
        |tx| {
            put(tx, 2, 20)?;
            put(tx, 1, 0)
        },
        |tx| put(tx, 3, 30),
    );
    let e = failed.unwrap_err();
    assert!(e.is_unique_violation(), "not the write's own error: {e}");
    ok.unwrap();
    let at_read = store.write_blocking(|tx| {
        put(tx, 4, 40)?;
        put(tx, 3, 0)?;
        tx.conn().query("SELECT k FROM pipe_probe", &[]).map(|_| ())
    });
    let e = at_read.unwrap_err();
    assert!(e.is_unique_violation(), "not the write's own error: {e}");
    assert_eq!(probe(&store), vec![(1, 11), (3, 30)]);
    store.close();
}

/// No command is acknowledged whose writes did not commit, even when one swallows a failed
/// statement: on PostgreSQL that leaves the transaction aborted, so the next command's
/// savepoint (pipelined) fails, and rolling back to a savepoint of the same name would undo
/// the first command's writes while it reports success. The batch must fail instead.
#[test]
fn a_failed_savepoint_fails_the_batch_not_an_earlier_command() {
    let (_scratch, store) = pipe_store();
    let (first, second) = in_one_batch(
        &store,
        |tx| {
            put(tx, 1, 10)?;
            tx.conn().flush_writes()?;
            let swallowed = tx.conn().execute(
                "INSERT INTO pipe_probe (k, v) VALUES (?, ?)",
                crate::params![1, 0],
            );
            assert!(swallowed.is_err());
            Ok(())
        },
        |tx| put(tx, 2, 20),
    );
    let rows = probe(&store);
    if first.is_ok() {
        assert!(
            rows.contains(&(1, 10)),
            "acknowledged, not committed: {rows:?}"
        );
    }
    if second.is_ok() {
        assert!(
            rows.contains(&(2, 20)),
            "acknowledged, not committed: {rows:?}"
        );
    }
    // The writer goes on.
    store.write_blocking(|tx| put(tx, 5, 50)).unwrap();
    assert!(probe(&store).contains(&(5, 50)));
    store.close();
}

fn claim_days(tx: &mut super::Tx<'_>) -> Result<Option<i64>, StoreError> {
    tx.conn()
        .query_one(
            "SELECT claim_days FROM linkage_settings WHERE jurisdiction = ?",
            crate::params!["990000"],
        )?
        .map(|r| r.int(0))
        .transpose()
}

fn set_claim_days(tx: &mut super::Tx<'_>, days: i64) -> Result<(), StoreError> {
    tx.conn().write(
        "UPDATE linkage_settings SET claim_days = ? WHERE jurisdiction = ?",
        crate::params![days, "990000"],
    )
}

/// A read of reference data is answered from the batch's memo when repeated, and is never
/// stale: a write to its table earlier in the batch, and a failed command's rolled-back write,
/// are both seen by the reads after them.
#[test]
fn remembered_reads_see_every_write_of_their_batch() {
    let scratch = ScratchDb::new().unwrap();
    let store = Store::open(scratch.database.clone()).unwrap();
    store
        .write_blocking(|tx| {
            tx.conn().execute(
                "INSERT INTO linkage_settings (jurisdiction, claim_days, escalate_days) VALUES (?, 5, 10)",
                crate::params!["990000"],
            )
        })
        .unwrap();
    let trips = || {
        store
            .stats()
            .round_trips
            .load(std::sync::atomic::Ordering::SeqCst)
    };
    let before = trips();
    store
        .write_blocking(|tx| claim_days(tx).map(|_| ()))
        .unwrap();
    let once = trips() - before;
    let before = trips();
    let seen = store
        .write_blocking(|tx| {
            Ok::<_, StoreError>([claim_days(tx)?, claim_days(tx)?, claim_days(tx)?])
        })
        .unwrap();
    assert_eq!(seen, [Some(5); 3]);
    assert_eq!(
        trips() - before,
        once,
        "a repeated read of reference data waited again"
    );

    let seen = store
        .write_blocking(|tx| {
            claim_days(tx)?;
            set_claim_days(tx, 7)?;
            claim_days(tx)
        })
        .unwrap();
    assert_eq!(seen, Some(7), "a read did not see its batch's write");

    let (failed, after) = in_one_batch(
        &store,
        |tx| {
            claim_days(tx)?;
            set_claim_days(tx, 9)?;
            assert_eq!(claim_days(tx)?, Some(9));
            Err(StoreError::Corrupt("the step failed".into()))
        },
        |tx| match claim_days(tx)? {
            Some(7) => Ok(()),
            other => Err(StoreError::Corrupt(format!(
                "read a rolled-back value: {other:?}"
            ))),
        },
    );
    assert!(failed.is_err());
    after.unwrap();
    store.close();
}

fn add_push(tx: &mut super::Tx<'_>, status: &str, delta: i64) -> Result<(), StoreError> {
    let key = vec!["990000".to_owned(), "D1".to_owned(), status.to_owned()];
    tx.conn()
        .add_counts(&crate::linkage::tallies::PUSHES, key, &[delta])
}

fn push_counts(c: &mut dyn crate::Conn) -> Result<Vec<(String, i64)>, StoreError> {
    c.query(
        "SELECT status, pushes FROM push_tallies WHERE jurisdiction = '990000' ORDER BY status",
        &[],
    )?
    .into_iter()
    .map(|r| Ok((r.text(0)?, r.int(1)?)))
    .collect()
}

/// Counter rows are summed for a batch and written once ([`crate::counters`]): SQL of the batch
/// sees the sums, a failed command's additions are dropped, an earlier command's additions that
/// its rollback took are written again, and a row that falls to zero goes.
#[test]
fn counters_are_summed_for_a_batch_and_a_failed_command_loses_only_its_own() {
    let scratch = ScratchDb::new().unwrap();
    let store = Store::open(scratch.database.clone()).unwrap();
    let (first, second) = in_one_batch(
        &store,
        |tx| {
            add_push(tx, "awaiting_claim", 1)?;
            add_push(tx, "awaiting_claim", 1)
        },
        |tx| {
            add_push(tx, "awaiting_claim", 1)?;
            add_push(tx, "claimed", 1)?;
            // Reading the table writes the sums first, inside this command's savepoint.
            let seen = push_counts(tx.conn())?;
            assert_eq!(
                seen,
                [("awaiting_claim".to_owned(), 3), ("claimed".to_owned(), 1)]
            );
            Err(StoreError::Corrupt("the step failed".into()))
        },
    );
    first.unwrap();
    assert!(second.is_err());
    let stored = store.read_blocking(|c| push_counts(c)).unwrap();
    assert_eq!(stored, [("awaiting_claim".to_owned(), 2)]);

    store
        .write_blocking(|tx| {
            add_push(tx, "awaiting_claim", -1)?;
            add_push(tx, "claimed", 1)
        })
        .unwrap();
    store
        .write_blocking(|tx| {
            add_push(tx, "awaiting_claim", -1)?;
            add_push(tx, "claimed", 1)
        })
        .unwrap();
    let stored = store.read_blocking(|c| push_counts(c)).unwrap();
    assert_eq!(stored, [("claimed".to_owned(), 2)], "a row at zero stayed");
    store.close();
}

/// A command that takes the next id of the series `S` on log 990000 (counting its reads of the
/// latest one in `reads`), and fails afterwards if asked to.
fn take_in_series(
    tx: &mut super::Tx<'_>,
    reads: &std::sync::atomic::AtomicUsize,
    fail: bool,
) -> Result<String, StoreError> {
    const LOG: &str = "990000";
    let latest = tx.latest_in_series(LOG, "S", |c| {
        reads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        c.query_one("SELECT MAX(id) FROM series_probe", &[])?
            .map(|r| r.opt_text(0))
            .transpose()
            .map(Option::flatten)
    })?;
    let n = latest.map_or(0, |t| t.trim_start_matches('S').parse::<u32>().unwrap_or(0)) + 1;
    let id = format!("S{n:03}");
    tx.conn().execute(
        "INSERT INTO series_probe (id) VALUES (?)",
        crate::params![id.as_str()],
    )?;
    tx.append(LOG, id.as_bytes(), "test.series", &[0; 16], b"{}")?;
    tx.issued_in_series(LOG, "S", &id);
    if fail {
        return Err(StoreError::Corrupt("the step failed".into()));
    }
    Ok(id)
}

/// The latest id of a series numbered on a log is read once and then remembered, with the
/// ids the writer's own commands issue, until another process appends to the log or a command
/// that may have taken a number fails, alone in its batch or after another command.
#[test]
fn a_series_is_read_again_only_after_another_writer_or_a_failed_command() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let (scratch, store) = store_with("CREATE TABLE series_probe (id TEXT PRIMARY KEY)");
    let reads = Arc::new(AtomicUsize::new(0));
    let next = |store: &Store, fail: bool| {
        let reads = reads.clone();
        store.write_blocking(move |tx| take_in_series(tx, &reads, fail))
    };
    let count = || reads.load(Ordering::SeqCst);
    assert_eq!(next(&store, false).unwrap(), "S001");
    assert_eq!(next(&store, false).unwrap(), "S002");
    assert_eq!(next(&store, false).unwrap(), "S003");
    assert_eq!(count(), 1, "read again while nothing else wrote to the log");
    assert!(next(&store, true).is_err());
    assert_eq!(next(&store, false).unwrap(), "S004");
    assert_eq!(count(), 2, "a failed command's number was remembered");
    let (r1, r2) = (reads.clone(), reads.clone());
    let (first, second) = in_one_batch(
        &store,
        move |tx| take_in_series(tx, &r1, false).map(|_| ()),
        move |tx| take_in_series(tx, &r2, true).map(|_| ()),
    );
    first.unwrap();
    assert!(second.is_err());
    assert_eq!(next(&store, false).unwrap(), "S006");
    assert_eq!(count(), 3, "a failed batch-mate's number was remembered");
    // Another process (here a second store on the same database) appends to the log.
    let other = Store::open(scratch.database.clone()).unwrap();
    assert_eq!(next(&other, false).unwrap(), "S007");
    let before = count();
    assert_eq!(
        next(&store, false).unwrap(),
        "S008",
        "another writer's number was taken again"
    );
    assert_eq!(count(), before + 1);
    other.close();
    store.close();
}
