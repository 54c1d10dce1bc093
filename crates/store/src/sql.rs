//! One small SQL vocabulary for both backends.
//!
//! Every command runs against `dyn Conn`, so the same code (and the same test suite) drives SQLite
//! and PostgreSQL. SQL is written with `?` placeholders in the common subset of both dialects; the
//! PostgreSQL connection rewrites them to `$n`. Integers are always 64-bit (`BIGINT` on PostgreSQL).

use crate::StoreError;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Value {
    fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Int(_) => "integer",
            Value::Real(_) => "real",
            Value::Text(_) => "text",
            Value::Blob(_) => "blob",
        }
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<u64> for Value {
    fn from(v: u64) -> Self {
        Value::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}
impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Value::Int(i64::from(v))
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Int(i64::from(v))
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Int(i64::from(v))
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Real(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::Blob(v)
    }
}
impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Self {
        Value::Blob(v.to_vec())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// Builds a parameter slice: `params![a, b, c]`.
#[macro_export]
macro_rules! params {
    ($($v:expr),* $(,)?) => { &[$($crate::Value::from($v)),*] as &[$crate::Value] };
}

/// A result row; accessors fail with a typed error instead of panicking on a schema mismatch.
#[derive(Clone, Debug, PartialEq)]
pub struct Row(pub Vec<Value>);

impl Row {
    fn at(&self, i: usize) -> Result<&Value, StoreError> {
        self.0.get(i).ok_or(StoreError::Column {
            index: i,
            expected: "a column",
            found: "end of row",
        })
    }
    fn mismatch(i: usize, expected: &'static str, v: &Value) -> StoreError {
        StoreError::Column {
            index: i,
            expected,
            found: v.kind(),
        }
    }
    pub fn int(&self, i: usize) -> Result<i64, StoreError> {
        match self.at(i)? {
            Value::Int(v) => Ok(*v),
            v => Err(Self::mismatch(i, "integer", v)),
        }
    }
    pub fn u64(&self, i: usize) -> Result<u64, StoreError> {
        let v = self.int(i)?;
        u64::try_from(v)
            .map_err(|_| StoreError::Corrupt(format!("negative value {v} in column {i}")))
    }
    pub fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        match self.at(i)? {
            Value::Null => Ok(None),
            Value::Int(v) => Ok(Some(*v)),
            v => Err(Self::mismatch(i, "integer or null", v)),
        }
    }
    pub fn real(&self, i: usize) -> Result<f64, StoreError> {
        match self.at(i)? {
            Value::Real(v) => Ok(*v),
            #[allow(clippy::cast_precision_loss)]
            Value::Int(v) => Ok(*v as f64),
            v => Err(Self::mismatch(i, "real", v)),
        }
    }
    pub fn text(&self, i: usize) -> Result<String, StoreError> {
        match self.at(i)? {
            Value::Text(v) => Ok(v.clone()),
            v => Err(Self::mismatch(i, "text", v)),
        }
    }
    pub fn opt_text(&self, i: usize) -> Result<Option<String>, StoreError> {
        match self.at(i)? {
            Value::Null => Ok(None),
            Value::Text(v) => Ok(Some(v.clone())),
            v => Err(Self::mismatch(i, "text or null", v)),
        }
    }
    pub fn blob(&self, i: usize) -> Result<Vec<u8>, StoreError> {
        match self.at(i)? {
            Value::Blob(v) => Ok(v.clone()),
            v => Err(Self::mismatch(i, "blob", v)),
        }
    }
    /// A text or blob column's bytes (a column whose rows were written as text before a
    /// migration made it a blob, on SQLite, which keeps each value's own type).
    pub fn bytes(&self, i: usize) -> Result<Vec<u8>, StoreError> {
        match self.at(i)? {
            Value::Blob(v) => Ok(v.clone()),
            Value::Text(v) => Ok(v.clone().into_bytes()),
            v => Err(Self::mismatch(i, "blob or text", v)),
        }
    }
    pub fn hash(&self, i: usize) -> Result<[u8; 32], StoreError> {
        let b = self.blob(i)?;
        <[u8; 32]>::try_from(b.as_slice())
            .map_err(|_| StoreError::Corrupt(format!("column {i}: a hash of {} bytes", b.len())))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A database connection, in or out of a transaction.
pub trait Conn: Send {
    fn backend(&self) -> Backend;
    /// Runs one statement; returns the number of rows changed.
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError>;
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError>;
    /// Runs several statements without parameters (DDL, BEGIN/COMMIT, savepoints).
    fn batch(&mut self, sql: &str) -> Result<(), StoreError>;

    fn query_one(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>, StoreError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// A write whose row count the caller does not need and whose error may surface at a later
    /// statement of the same command: on PostgreSQL it is queued, and sent with the next
    /// statement that waits, which reads its reply too (`crate::pg`). Everywhere else it simply
    /// executes.
    fn write(&mut self, sql: &str, params: &[Value]) -> Result<(), StoreError> {
        self.execute(sql, params).map(|_| ())
    }

    /// Parameterless statements that shape the transaction (savepoints), sent like
    /// [`Conn::write`]; their failure surfaces as [`StoreError::Ledger`], because it leaves the
    /// transaction's savepoints unknown and so breaks the whole batch.
    fn write_control(&mut self, sql: &str) -> Result<(), StoreError> {
        self.batch(sql)
    }

    /// Whether writes sent by [`Conn::write`] still wait for their replies.
    fn has_pending_writes(&self) -> bool {
        false
    }

    /// Reads the replies of the writes sent by [`Conn::write`], if any: their first error.
    fn flush_writes(&mut self) -> Result<(), StoreError> {
        Ok(())
    }

    /// Adds `delta` to the counts of row `key` of a counter table (the row is made if missing).
    /// Written at once here; the writer sums a batch's additions and writes them at its end
    /// ([`crate::counters`]).
    fn add_counts(
        &mut self,
        counter: &'static Counter,
        key: Vec<String>,
        delta: &[i64],
    ) -> Result<(), StoreError> {
        counter.write(self, &[(key, delta.to_vec())])
    }
}

/// A counter table: the columns of its key and the columns it counts (`crate::counters`).
#[derive(Debug)]
pub struct Counter {
    pub table: &'static str,
    pub key: &'static [&'static str],
    pub counts: &'static [&'static str],
    /// A row whose first count falls to zero is deleted: such a table holds exactly the rows a
    /// `GROUP BY` would give.
    pub drop_at_zero: bool,
}

impl Counter {
    /// Rows this many at a time: within both backends' parameter limits for every counter table.
    const ROWS_A_STATEMENT: usize = 200;

    /// Adds each row's counts (keys distinct): upserts that add them, then the deletion of the
    /// rows that may have fallen to zero. Every statement is a [`Conn::write`].
    pub(crate) fn write<C: Conn + ?Sized>(
        &self,
        conn: &mut C,
        rows: &[(Vec<String>, Vec<i64>)],
    ) -> Result<(), StoreError> {
        for chunk in rows.chunks(Self::ROWS_A_STATEMENT) {
            let mut args: Vec<Value> = Vec::new();
            for (key, delta) in chunk {
                args.extend(key.iter().map(|k| Value::from(k.as_str())));
                args.extend(delta.iter().map(|d| Value::from(*d)));
            }
            conn.write(&self.upsert(chunk.len()), &args)?;
        }
        for (key, delta) in rows {
            if self.drop_at_zero && delta.first().is_some_and(|d| *d < 0) {
                let mut args: Vec<Value> = key.iter().map(|k| Value::from(k.as_str())).collect();
                args.push(Value::from(0i64));
                conn.write(&self.drop_at_zero(), &args)?;
            }
        }
        Ok(())
    }

    /// `INSERT … VALUES (…) × rows ON CONFLICT (key) DO UPDATE SET c = t.c + excluded.c, …`.
    pub(crate) fn upsert(&self, rows: usize) -> String {
        let width = self.key.len() + self.counts.len();
        let row = format!("({})", vec!["?"; width].join(", "));
        let sets: Vec<String> = self
            .counts
            .iter()
            .map(|n| format!("{n} = {t}.{n} + excluded.{n}", t = self.table))
            .collect();
        format!(
            "INSERT INTO {t} ({k}, {n}) VALUES {v} ON CONFLICT ({k}) DO UPDATE SET {s}",
            t = self.table,
            k = self.key.join(", "),
            n = self.counts.join(", "),
            v = vec![row; rows].join(", "),
            s = sets.join(", ")
        )
    }

    fn drop_at_zero(&self) -> String {
        let key: Vec<String> = self.key.iter().map(|k| format!("{k} = ?")).collect();
        format!(
            "DELETE FROM {} WHERE {} AND {} <= ?",
            self.table,
            key.join(" AND "),
            self.counts.first().copied().unwrap_or("0")
        )
    }
}

/// `INSERT … ON CONFLICT (key) DO UPDATE SET` every other column: a projection's row replaced
/// in one statement (SQLite ≥ 3.24 and PostgreSQL) where a DELETE and an INSERT took two round
/// trips. The row ends as the INSERT alone would leave it, provided `columns` (key first) name
/// every column of the table.
pub(crate) fn upsert(table: &str, key: &[&str], columns: &[&str]) -> String {
    let sets: Vec<String> = columns
        .iter()
        .filter(|c| !key.contains(c))
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    format!(
        "INSERT INTO {table} ({}) VALUES ({}) ON CONFLICT ({}) DO UPDATE SET {}",
        columns.join(", "),
        vec!["?"; columns.len()].join(", "),
        key.join(", "),
        sets.join(", ")
    )
}

/// Rewrites `?` placeholders to PostgreSQL's `$1, $2, …`, leaving quoted text alone.
pub(crate) fn to_pg_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    let mut quote: Option<char> = None;
    for c in sql.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                out.push(c);
            }
            (Some(_), c) => out.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                out.push(c);
            }
            (None, '?') => {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            }
            (None, c) => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upsert_sets_every_column_but_the_key() {
        assert_eq!(
            upsert("t", &["k"], &["k", "a", "b"]),
            "INSERT INTO t (k, a, b) VALUES (?, ?, ?) ON CONFLICT (k) DO UPDATE SET a = excluded.a, b = excluded.b"
        );
    }

    #[test]
    fn placeholders_are_numbered_outside_quotes() {
        assert_eq!(
            to_pg_placeholders("SELECT '?' , a FROM t WHERE a = ? AND b = ?"),
            "SELECT '?' , a FROM t WHERE a = $1 AND b = $2"
        );
    }

    #[test]
    fn row_accessors_report_type_mismatch() {
        let r = Row(vec![Value::Text("x".into())]);
        assert!(r.int(0).is_err());
        assert!(r.text(1).is_err());
        assert_eq!(r.text(0).unwrap(), "x");
    }
}
