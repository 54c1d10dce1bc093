//! The storage conformance suite: the same tests on SQLite and on PostgreSQL
//! (`ONESEAL_TEST_DATABASE_URL`). They exercise the contract every command relies on: group
//! commit, per-command rollback, gap-free ledger indexes, Merkle nodes that match the leaves.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use oneseal_ledger::{Frontier, leaf_hash, tree::mth, verify_inclusion};
use oneseal_store::scratch::ScratchDb;
use oneseal_store::{Store, StoreError, Value, log, params};

fn open() -> (ScratchDb, Store) {
    let db = ScratchDb::new().expect("scratch database");
    let store = Store::open(db.database.clone()).expect("open store");
    (db, store)
}

const LOG: &str = "370100";

fn append(store: &Store, entry: Vec<u8>) -> Result<u64, StoreError> {
    store.write_blocking(move |tx| tx.append(LOG, &entry, "test.entry", &[0; 16], b"{}"))
}

fn all_leaves(store: &Store) -> Vec<[u8; 32]> {
    store
        .read_blocking(|c| {
            let (size, _) = log::read_head(c, LOG)?;
            log::entries(c, LOG, 0, size)
        })
        .unwrap()
        .iter()
        .map(|(_, e)| leaf_hash(e))
        .collect()
}

#[test]
fn migrations_apply_once_and_reopening_is_harmless() {
    let (db, store) = open();
    store.close();
    drop(store);
    let again = Store::open(db.database.clone()).unwrap();
    let versions: Vec<i64> = again
        .read_blocking(|c| {
            c.query(
                "SELECT version FROM schema_migrations ORDER BY version",
                &[],
            )
        })
        .unwrap()
        .iter()
        .map(|r| r.int(0).unwrap())
        .collect();
    assert_eq!(
        versions,
        oneseal_store::migrate::versions(),
        "every migration once"
    );
}

#[test]
fn values_of_every_kind_round_trip() {
    let (_db, store) = open();
    store
        .write_blocking(|tx| {
            // BYTEA is a type name SQLite accepts too (blobs are stored as blobs whatever the affinity).
            tx.conn().batch(
                "CREATE TABLE kinds (i BIGINT, t TEXT, b BYTEA, r DOUBLE PRECISION, n TEXT)",
            )?;
            tx.conn().execute(
                "INSERT INTO kinds (i, t, b, r, n) VALUES (?, ?, ?, ?, ?)",
                params![
                    i64::MIN,
                    "汉字 'quoted' ?",
                    vec![0u8, 255, 7],
                    1.5f64,
                    Option::<String>::None
                ],
            )
        })
        .unwrap();
    let row = store
        .read_blocking(|c| c.query_one("SELECT i, t, b, r, n FROM kinds", &[]))
        .unwrap()
        .unwrap();
    assert_eq!(row.int(0).unwrap(), i64::MIN);
    assert_eq!(row.text(1).unwrap(), "汉字 'quoted' ?");
    assert_eq!(row.blob(2).unwrap(), vec![0, 255, 7]);
    assert_eq!(row.real(3).unwrap(), 1.5);
    assert_eq!(row.0[4], Value::Null);
}

#[test]
fn concurrent_commands_get_gap_free_indexes_and_the_root_matches_the_leaves() {
    let (_db, store) = open();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut indexes: Vec<u64> = rt.block_on(async {
        let tasks: Vec<_> = (0..300)
            .map(|i| {
                let s = store.clone();
                tokio::spawn(async move {
                    s.write(move |tx| {
                        tx.append(
                            LOG,
                            format!("entry {i}").as_bytes(),
                            "test.entry",
                            &[0; 16],
                            b"{}",
                        )
                    })
                    .await
                    .unwrap()
                })
            })
            .collect();
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.unwrap());
        }
        out
    });
    indexes.sort_unstable();
    assert_eq!(indexes, (0..300).collect::<Vec<_>>());
    let leaves = all_leaves(&store);
    let (size, root) = store.read_blocking(|c| log::read_head(c, LOG)).unwrap();
    assert_eq!(size, 300);
    assert_eq!(
        root,
        mth(&leaves),
        "stored root must equal the root recomputed from the leaves"
    );
}

#[test]
fn a_failing_command_rolls_back_alone_and_leaves_no_index_gap() {
    let (_db, store) = open();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let results = rt.block_on(async {
        let ok1 = store.write(|tx| tx.append(LOG, b"a", "test.entry", &[0; 16], b"{}"));
        let bad = store.write(|tx| {
            tx.append(LOG, b"doomed", "test.entry", &[0; 16], b"{}")?;
            Err::<u64, StoreError>(StoreError::Corrupt("refused by the command".into()))
        });
        let ok2 = store.write(|tx| tx.append(LOG, b"b", "test.entry", &[0; 16], b"{}"));
        tokio::join!(ok1, bad, ok2)
    });
    assert_eq!(results.0.unwrap(), 0);
    assert!(results.1.is_err());
    assert_eq!(
        results.2.unwrap(),
        1,
        "the failed command's index must be reused, not skipped"
    );
    let entries = store
        .read_blocking(|c| log::entries(c, LOG, 0, 10))
        .unwrap();
    let bodies: Vec<&[u8]> = entries.iter().map(|(_, e)| e.as_slice()).collect();
    assert_eq!(bodies, [b"a".as_slice(), b"b".as_slice()]);
}

#[test]
fn a_failing_command_after_sql_rolls_back_its_statements_and_entries_only() {
    let (_db, store) = open();
    store
        .write_blocking(|tx| tx.conn().batch("CREATE TABLE notes (n TEXT NOT NULL)"))
        .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let results = rt.block_on(async {
        // Appends only: its entry waits in memory when the next command starts running SQL.
        let ok1 = store.write(|tx| tx.append(LOG, b"a", "test.entry", &[0; 16], b"{}"));
        let bad = store.write(|tx| {
            tx.append(LOG, b"doomed 1", "test.entry", &[0; 16], b"{}")?;
            tx.conn()
                .execute("INSERT INTO notes (n) VALUES ('doomed')", &[])?;
            tx.append(LOG, b"doomed 2", "test.entry", &[0; 16], b"{}")?;
            // The command's own entries are visible to its SQL.
            let own = log::entry(tx.conn(), LOG, 1)?;
            assert_eq!(own.as_deref(), Some(b"doomed 1".as_slice()));
            Err::<u64, StoreError>(StoreError::Corrupt("refused by the command".into()))
        });
        let ok2 = store.write(|tx| {
            // Earlier commands' entries are visible to later SQL in the same batch.
            let first = log::entry(tx.conn(), LOG, 0)?;
            tx.conn()
                .execute("INSERT INTO notes (n) VALUES ('kept')", &[])?;
            let idx = tx.append(LOG, b"b", "test.entry", &[0; 16], b"{}")?;
            Ok::<_, StoreError>((first, idx))
        });
        tokio::join!(ok1, bad, ok2)
    });
    assert_eq!(results.0.unwrap(), 0);
    assert!(results.1.is_err());
    let (first, idx) = results.2.unwrap();
    assert_eq!(first.as_deref(), Some(b"a".as_slice()));
    assert_eq!(idx, 1, "the failed command's indexes must be reused");
    let entries = store
        .read_blocking(|c| log::entries(c, LOG, 0, 10))
        .unwrap();
    let bodies: Vec<&[u8]> = entries.iter().map(|(_, e)| e.as_slice()).collect();
    assert_eq!(bodies, [b"a".as_slice(), b"b".as_slice()]);
    let notes = store
        .read_blocking(|c| c.query("SELECT n FROM notes", &[]))
        .unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].text(0).unwrap(), "kept");
    let (size, root) = store.read_blocking(|c| log::read_head(c, LOG)).unwrap();
    assert_eq!((size, root), (2, mth(&[leaf_hash(b"a"), leaf_hash(b"b")])));
}

/// Entries wait in memory until a statement names `ledger_entries`. When that statement
/// belongs to a command that then fails, earlier commands' entries it wrote went with its
/// savepoint: they must be written again, for later SQL and for the commit.
#[test]
fn entries_written_inside_a_failing_command_are_written_again() {
    let (_db, store) = open();
    store
        .write_blocking(|tx| tx.conn().batch("CREATE TABLE notes (n TEXT NOT NULL)"))
        .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let results = rt.block_on(async {
        let ok1 = store.write(|tx| tx.append(LOG, b"a", "test.entry", &[0; 16], b"{}"));
        let bad = store.write(|tx| {
            // Opens the savepoint without writing the waiting entry...
            tx.conn()
                .execute("INSERT INTO notes (n) VALUES ('doomed')", &[])?;
            // ...which this read of the log then writes, inside the savepoint.
            let seen = log::entry(tx.conn(), LOG, 0)?;
            assert_eq!(seen.as_deref(), Some(b"a".as_slice()));
            Err::<(), StoreError>(StoreError::Corrupt("refused by the command".into()))
        });
        let ok2 = store.write(|tx| {
            let first = log::entry(tx.conn(), LOG, 0)?;
            let idx = tx.append(LOG, b"b", "test.entry", &[0; 16], b"{}")?;
            Ok::<_, StoreError>((first, idx))
        });
        tokio::join!(ok1, bad, ok2)
    });
    assert_eq!(results.0.unwrap(), 0);
    assert!(results.1.is_err());
    let (first, idx) = results.2.unwrap();
    assert_eq!(first.as_deref(), Some(b"a".as_slice()));
    assert_eq!(idx, 1);
    let entries = store
        .read_blocking(|c| log::entries(c, LOG, 0, 10))
        .unwrap();
    let bodies: Vec<&[u8]> = entries.iter().map(|(_, e)| e.as_slice()).collect();
    assert_eq!(bodies, [b"a".as_slice(), b"b".as_slice()]);
    let (size, root) = store.read_blocking(|c| log::read_head(c, LOG)).unwrap();
    assert_eq!((size, root), (2, mth(&[leaf_hash(b"a"), leaf_hash(b"b")])));
}

/// On PostgreSQL every statement the single writer waits for is a round trip. A command of
/// three statements and one append, alone in its batch, waits for: BEGIN (with the writer
/// lock), its three statements (the first carries the pipelined SAVEPOINT), the lock of the
/// log's head, and COMMIT, which reads the replies of the pipelined entry INSERT, Merkle nodes'
/// INSERT and head UPDATE: six. (SQLite, in process, runs each of them, and inserts the two new
/// nodes one row a statement: eleven.)
#[test]
fn a_command_costs_its_statements_and_a_few_round_trips_per_batch() {
    use std::sync::atomic::Ordering::Relaxed;
    let (_db, store) = open();
    store
        .write_blocking(|tx| {
            tx.conn().batch("CREATE TABLE notes (n TEXT NOT NULL)")?;
            tx.append(LOG, b"warm", "test.entry", &[0; 16], b"{}")
        })
        .unwrap();
    let before = store.stats().round_trips.load(Relaxed);
    store
        .write_blocking(|tx| {
            for n in ["one", "two", "three"] {
                tx.conn()
                    .execute("INSERT INTO notes (n) VALUES (?)", params![n])?;
            }
            tx.append(LOG, b"x", "test.entry", &[0; 16], b"{}")
        })
        .unwrap();
    let expected = match store.backend() {
        oneseal_store::Backend::Postgres => 6,
        oneseal_store::Backend::Sqlite => 11,
    };
    assert_eq!(store.stats().round_trips.load(Relaxed) - before, expected);
}

#[test]
fn a_panicking_command_does_not_stop_the_writer() {
    let (_db, store) = open();
    let r: Result<u64, StoreError> = store.write_blocking(|_| panic!("a bug in a command"));
    assert!(r.is_err());
    assert_eq!(append(&store, b"after".to_vec()).unwrap(), 0);
}

#[test]
fn proofs_from_stored_nodes_verify_after_reopening() {
    let (db, store) = open();
    for i in 0..37 {
        append(&store, format!("e{i}").into_bytes()).unwrap();
    }
    store.close();
    drop(store);
    // A new writer must rebuild its frontier from the stored nodes and continue the same tree.
    let store = Store::open(db.database.clone()).unwrap();
    for i in 37..70 {
        append(&store, format!("e{i}").into_bytes()).unwrap();
    }
    let leaves = all_leaves(&store);
    let (size, root) = store.read_blocking(|c| log::read_head(c, LOG)).unwrap();
    assert_eq!((size, root), (70, mth(&leaves)));
    for index in [0u64, 36, 37, 69] {
        let proof = store
            .read_blocking(|c| log::inclusion_proof(c, LOG, index, size))
            .unwrap();
        verify_inclusion(&leaves[index as usize], index, size, &proof, &root).unwrap();
    }
    let frontier = store
        .read_blocking(|c| log::read_nodes(c, LOG, &Frontier::ids_for(size)))
        .unwrap();
    assert_eq!(Frontier::from_nodes(size, &frontier).unwrap().root(), root);
}

#[test]
fn unique_violations_are_recognised_on_both_backends() {
    let (_db, store) = open();
    append(&store, b"x".to_vec()).unwrap();
    let err = store
        .write_blocking(|tx| {
            tx.conn().execute(
                "INSERT INTO ledger_entries (id, log, idx, entry) \
                 SELECT id * 140737488355328, '370100', 0, ? FROM ledger_heads WHERE log = '370100'",
                params![b"y".to_vec()],
            )
        })
        .unwrap_err();
    assert!(err.is_unique_violation(), "{err}");
}

#[test]
fn logs_of_different_jurisdictions_grow_independently() {
    let (_db, store) = open();
    let a = store
        .write_blocking(|tx| {
            let x = tx.append("370100", b"city", "test.entry", &[0; 16], b"{}")?;
            let y = tx.append("370124", b"county", "test.entry", &[0; 16], b"{}")?;
            let z = tx.append("370100", b"city 2", "test.entry", &[0; 16], b"{}")?;
            Ok::<_, StoreError>((x, y, z))
        })
        .unwrap();
    assert_eq!(a, (0, 0, 1));
    let heads = store.read_blocking(|c| log::heads(c)).unwrap();
    let sizes: Vec<(String, u64)> = heads.iter().map(|(l, s, _)| (l.clone(), *s)).collect();
    assert_eq!(sizes, [("370100".to_owned(), 2), ("370124".to_owned(), 1)]);
    assert_eq!(heads[1].2, mth(&[leaf_hash(b"county")]));
}

/// Two stores on one database stand for two server processes: each has its own writer thread
/// and connections. Every command reads a counter and writes it back plus one, and appends an
/// entry; had two batches ever overlapped, an update would be lost or an index taken twice.
#[test]
fn two_writers_on_one_database_serialise_their_batches() {
    let (db, first) = open();
    let second = Store::open(db.database.clone()).unwrap();
    first
        .write_blocking(|tx| {
            tx.conn()
                .batch("CREATE TABLE counter (n INTEGER NOT NULL)")?;
            tx.conn().execute("INSERT INTO counter (n) VALUES (0)", &[])
        })
        .unwrap();
    let per_thread = 60;
    let threads: Vec<_> = [first.clone(), second.clone(), first.clone(), second.clone()]
        .into_iter()
        .enumerate()
        .map(|(t, store)| {
            std::thread::spawn(move || {
                for i in 0..per_thread {
                    store
                        .write_blocking(move |tx| {
                            let n = tx
                                .conn()
                                .query_one("SELECT n FROM counter", &[])?
                                .expect("counter row")
                                .int(0)?;
                            std::thread::yield_now();
                            tx.conn()
                                .execute("UPDATE counter SET n = ?", params![n + 1])?;
                            tx.append(
                                LOG,
                                format!("{t}/{i}").as_bytes(),
                                "test.entry",
                                &[0; 16],
                                b"{}",
                            )
                        })
                        .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let total = 4 * per_thread;
    let n = first
        .read_blocking(|c| c.query_one("SELECT n FROM counter", &[]))
        .unwrap()
        .unwrap()
        .int(0)
        .unwrap();
    assert_eq!(
        n, total as i64,
        "lost updates: the writers' batches overlapped"
    );
    let leaves = all_leaves(&first);
    assert_eq!(leaves.len(), total);
    let (size, root) = second.read_blocking(|c| log::read_head(c, LOG)).unwrap();
    assert_eq!(size, total as u64);
    assert_eq!(root, mth(&leaves), "the stored root is the leaves' root");
}

#[test]
fn exactly_one_process_leads_and_another_takes_over_when_it_resigns() {
    use oneseal_store::leader::Leader;
    let (db, _store) = open();
    let (a, b) = (
        Leader::new(db.database.clone()),
        Leader::new(db.database.clone()),
    );
    assert!(a.check().unwrap());
    if matches!(db.database, oneseal_store::Database::Sqlite(_)) {
        // One process owns an embedded database: it always leads.
        assert!(b.check().unwrap());
        return;
    }
    assert!(
        !b.check().unwrap(),
        "a second leader while the first holds the lock"
    );
    assert!(a.check().unwrap(), "the leader keeps its lock");
    a.resign();
    assert!(
        b.check().unwrap(),
        "the lock is free once the leader resigned"
    );
    assert!(!a.check().unwrap());
    // Another deployment in another schema of the same server leads independently.
    let (other, _other_store) = open();
    assert!(Leader::new(other.database.clone()).check().unwrap());
}

/// SQLite: committed WAL frames reach the database file in the background, not in the writer's
/// commits (the writer's own checkpoints start only at 64 MiB of WAL).
#[test]
fn sqlite_wal_frames_are_checkpointed_in_the_background() {
    let (db, store) = open();
    let oneseal_store::Database::Sqlite(path) = db.database.clone() else {
        return; // PostgreSQL has no WAL file of ours to watch.
    };
    let before = std::fs::metadata(&path).unwrap().len();
    // Bytes that do not compress (the store packs ledger rows, `store::codec`), so that the
    // 2 MiB below really is 2 MiB on disk.
    let noise = |seed: u64| {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..1024)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x.to_le_bytes()[0]
            })
            .collect::<Vec<u8>>()
    };
    for i in 0..40u64 {
        store
            .write_blocking(move |tx| {
                for j in 0..50 {
                    tx.append(LOG, &noise(i * 50 + j), "test.entry", &[0; 16], b"{}")?;
                }
                Ok::<_, StoreError>(())
            })
            .unwrap();
    }
    // 2,000 entries of 1 KiB: about 2 MiB that must leave the WAL for the database file.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let size = std::fs::metadata(&path).unwrap().len();
        if size > before + 2_000_000 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the database file stayed at {size} bytes (from {before}): nothing was checkpointed"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}
