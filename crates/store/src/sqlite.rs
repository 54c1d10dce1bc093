//! SQLite backend: rusqlite with the bundled library, WAL, `synchronous=FULL`.
//!
//! Measured on the 2-core machine, rusqlite is the fast path (deps.md §3); all writes go through
//! one writer thread (see `writer`), reads through a small pool of further connections.

use std::path::Path;

use rusqlite::types::{ToSqlOutput, ValueRef};

use crate::StoreError;
use crate::sql::{Backend, Conn, Row, Value};

pub struct SqliteConn {
    conn: rusqlite::Connection,
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(v) => ToSqlOutput::Borrowed(ValueRef::Integer(*v)),
            Value::Real(v) => ToSqlOutput::Borrowed(ValueRef::Real(*v)),
            Value::Text(v) => ToSqlOutput::Borrowed(ValueRef::Text(v.as_bytes())),
            Value::Blob(v) => ToSqlOutput::Borrowed(ValueRef::Blob(v)),
        })
    }
}

fn from_ref(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Real(f) => Value::Real(f),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

impl SqliteConn {
    /// Opens (creating if needed) the database file with the durability settings the ledger needs.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = rusqlite::Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.execute_batch(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
        )?;
        conn.set_prepared_statement_cache_capacity(256);
        Ok(Self { conn })
    }

    pub fn open_in_memory() -> Result<Self, StoreError> {
        let conn = rusqlite::Connection::open_in_memory()?;
        conn.execute_batch("PRAGMA foreign_keys=ON;")?;
        Ok(Self { conn })
    }

    /// SQLite's plan of `sql`, one line a step (`EXPLAIN QUERY PLAN`): the tests that hold a
    /// read to an index range (no sort, no scan) ask it.
    #[cfg(test)]
    pub(crate) fn plan(&mut self, sql: &str, args: &[crate::sql::Value]) -> Vec<String> {
        use crate::sql::Conn;
        self.query(&format!("EXPLAIN QUERY PLAN {sql}"), args)
            .and_then(|rows| rows.iter().map(|r| r.text(3)).collect())
            .unwrap_or_else(|e| vec![format!("no plan: {e}")])
    }

    /// A private database on disk that SQLite deletes when it closes: for work larger than memory
    /// that must not survive (the audit's rebuilt projections). Nothing in it needs durability.
    pub fn open_scratch() -> Result<Self, StoreError> {
        let conn = rusqlite::Connection::open("")?;
        conn.execute_batch(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-65536; \
             PRAGMA temp_store=FILE; PRAGMA foreign_keys=ON;",
        )?;
        conn.set_prepared_statement_cache_capacity(256);
        Ok(Self { conn })
    }

    /// The raw connection, for the benchmark's plain-INSERT baseline only.
    pub fn raw(&mut self) -> &mut rusqlite::Connection {
        &mut self.conn
    }
}

impl Conn for SqliteConn {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let n = stmt.execute(rusqlite::params_from_iter(params.iter()))?;
        Ok(n as u64)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let cols = stmt.column_count();
        let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let mut vals = Vec::with_capacity(cols);
            for i in 0..cols {
                vals.push(from_ref(r.get_ref(i)?));
            }
            out.push(Row(vals));
        }
        Ok(out)
    }

    fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        self.conn.execute_batch(sql)?;
        Ok(())
    }
}
