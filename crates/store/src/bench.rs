//! Baselines for `oneseal bench ledger`: the plainest fast path of each database, with the same
//! rows per transaction as the ledger achieved, so the ratio prices tamper evidence alone.

use std::time::{Duration, Instant};

use crate::{Database, StoreError};

/// Inserts `rows` rows of `payload` into a plain table, `per_txn` rows per transaction, through
/// a prepared statement of the native driver (rusqlite with `synchronous=FULL`, or the
/// PostgreSQL client). Returns the elapsed time; the table is dropped afterwards.
pub fn plain_inserts(
    db: &Database,
    rows: u64,
    per_txn: u64,
    payload: &[u8],
) -> Result<Duration, StoreError> {
    let per_txn = per_txn.max(1);
    match db {
        Database::Sqlite(path) => {
            let mut c = rusqlite::Connection::open(path)?;
            c.execute_batch(
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
                 DROP TABLE IF EXISTS bench_plain;
                 CREATE TABLE bench_plain (seq INTEGER PRIMARY KEY, payload BLOB NOT NULL);",
            )?;
            let start = Instant::now();
            let mut seq = 0u64;
            while seq < rows {
                let tx = c.transaction()?;
                {
                    let mut stmt = tx
                        .prepare_cached("INSERT INTO bench_plain (seq, payload) VALUES (?1, ?2)")?;
                    for _ in 0..per_txn.min(rows - seq) {
                        stmt.execute((i64::try_from(seq).unwrap_or(i64::MAX), payload))?;
                        seq += 1;
                    }
                }
                tx.commit()?;
            }
            let elapsed = start.elapsed();
            c.execute_batch("DROP TABLE bench_plain")?;
            Ok(elapsed)
        }
        Database::Postgres(url) => {
            let mut c = postgres::Client::connect(url, postgres::NoTls)?;
            c.batch_execute(
                "DROP TABLE IF EXISTS bench_plain; CREATE TABLE bench_plain (seq BIGINT PRIMARY KEY, payload BYTEA NOT NULL)",
            )?;
            let stmt = c.prepare("INSERT INTO bench_plain (seq, payload) VALUES ($1, $2)")?;
            let start = Instant::now();
            let mut seq = 0u64;
            while seq < rows {
                let mut tx = c.transaction()?;
                for _ in 0..per_txn.min(rows - seq) {
                    let s = i64::try_from(seq).unwrap_or(i64::MAX);
                    tx.execute(&stmt, &[&s, &payload])?;
                    seq += 1;
                }
                tx.commit()?;
            }
            let elapsed = start.elapsed();
            c.batch_execute("DROP TABLE bench_plain")?;
            Ok(elapsed)
        }
    }
}

/// Bytes the database holds in all, and per table with its indexes (largest first): what
/// `bench scale` reports per case. SQLite counts pages (`dbstat`, each index under its table);
/// PostgreSQL counts `pg_total_relation_size` (TOAST and indexes included).
pub fn table_bytes(conn: &mut dyn crate::Conn) -> Result<(u64, Vec<(String, u64)>), StoreError> {
    let (total, per_table) = match conn.backend() {
        crate::Backend::Sqlite => (
            "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
            "SELECT COALESCE(m.tbl_name, s.name), SUM(s.pgsize) FROM dbstat s \
             LEFT JOIN sqlite_schema m ON m.name = s.name GROUP BY 1 ORDER BY 2 DESC",
        ),
        crate::Backend::Postgres => (
            "SELECT pg_database_size(current_database())",
            "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind = 'r' AND n.nspname = current_schema() ORDER BY 2 DESC",
        ),
    };
    let total = conn
        .query_one(total, &[])?
        .map(|r| r.u64(0))
        .transpose()?
        .unwrap_or(0);
    let tables = conn
        .query(per_table, &[])?
        .into_iter()
        .map(|r| Ok((r.text(0)?, r.u64(1)?)))
        .collect::<Result<_, StoreError>>()?;
    Ok((total, tables))
}
