//! PostgreSQL backend: `tokio-postgres` driven on the calling thread, with pipelined writes.
//!
//! Commands are synchronous closures run on the writer thread for both backends, so one code path
//! serves SQLite and PostgreSQL: each connection owns a current-thread runtime and drives its
//! socket only from the thread that uses it. Statements are prepared once per connection and
//! cached.
//!
//! Why pipelined: every statement the single writer waits for is a round trip to the server, and
//! on a database across a network those add up (docs/VOLUME.md, item 8, session 17). A write whose
//! row count no one reads ([`Conn::write`]) and a savepoint ([`Conn::write_control`]) are queued
//! and reach the server together with the next statement that waits, which reads their replies
//! too: the server runs them in order, each seeing the ones before it, and the first error among
//! them is what that wait returns (later ones fail only because the transaction is aborted).
//! Queued rather than sent one by one: a send and a server wake-up per statement cost more than
//! the wait they save on one machine.

use std::collections::HashMap;
use std::error::Error as StdError;
use std::future::{Future, poll_fn};
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio_postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
use tokio_postgres::{Client, NoTls, Statement};

use crate::StoreError;
use crate::sql::{Backend, Conn, Row, Value, to_pg_placeholders};

type BoxErr = Box<dyn StdError + Sync + Send>;
/// Writes queued at most before one more waits for their replies: each wait polls them all, and
/// a bulk load (`log::bulk_fill_nodes`) would otherwise queue thousands.
const MAX_IN_FLIGHT: usize = 256;

/// A queued request's reply, or the connection's driver: futures polled only by [`PgConn::wait`].
type Task = Pin<Box<dyn Future<Output = Result<(), tokio_postgres::Error>> + Send>>;

pub struct PgConn {
    runtime: tokio::runtime::Runtime,
    client: Arc<Client>,
    /// The socket's driver; `None` once the connection ended (requests then fail as closed).
    connection: Option<Task>,
    cache: HashMap<String, Statement>,
    /// Writes queued whose replies are not read yet, in the order they were queued.
    sent: Vec<Sent>,
}

struct Sent {
    reply: Task,
    result: Option<Result<(), tokio_postgres::Error>>,
    /// A savepoint: its failure breaks the whole batch, not just the command.
    control: bool,
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut tokio_postgres::types::private::BytesMut,
    ) -> Result<IsNull, BoxErr> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(v) => match *ty {
                Type::INT2 => i16::try_from(*v)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
                Type::BOOL => (*v != 0).to_sql(ty, out),
                Type::FLOAT8 => {
                    #[allow(clippy::cast_precision_loss)]
                    let f = *v as f64;
                    f.to_sql(ty, out)
                }
                _ => v.to_sql(ty, out),
            },
            Value::Real(v) => v.to_sql(ty, out),
            Value::Text(v) => v.as_str().to_sql(ty, out),
            Value::Blob(v) => v.as_slice().to_sql(ty, out),
        }
    }
    fn accepts(_ty: &Type) -> bool {
        true
    }
    to_sql_checked!();
}

impl<'a> FromSql<'a> for Value {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxErr> {
        Ok(match *ty {
            Type::INT2 => Value::Int(i64::from(i16::from_sql(ty, raw)?)),
            Type::INT4 => Value::Int(i64::from(i32::from_sql(ty, raw)?)),
            Type::INT8 => Value::Int(i64::from_sql(ty, raw)?),
            Type::BOOL => Value::Int(i64::from(bool::from_sql(ty, raw)?)),
            Type::FLOAT4 => Value::Real(f64::from(f32::from_sql(ty, raw)?)),
            Type::FLOAT8 => Value::Real(f64::from_sql(ty, raw)?),
            Type::BYTEA => Value::Blob(<Vec<u8>>::from_sql(ty, raw)?),
            _ => Value::Text(String::from_sql(ty, raw)?),
        })
    }
    fn from_sql_null(_ty: &Type) -> Result<Self, BoxErr> {
        Ok(Value::Null)
    }
    fn accepts(_ty: &Type) -> bool {
        true
    }
}

impl PgConn {
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (client, connection) = runtime.block_on(tokio_postgres::connect(url, NoTls))?;
        Ok(Self {
            runtime,
            client: Arc::new(client),
            connection: Some(Box::pin(connection)),
            cache: HashMap::new(),
            sent: Vec::new(),
        })
    }

    fn statement(&mut self, sql: &str) -> Result<Statement, StoreError> {
        if let Some(s) = self.cache.get(sql) {
            return Ok(s.clone());
        }
        let client = self.client.clone();
        let text = to_pg_placeholders(sql);
        let stmt = self.wait(async move { client.prepare(&text).await })?;
        self.cache.insert(sql.to_owned(), stmt.clone());
        Ok(stmt)
    }

    /// Drives the socket until `main` and every write sent before it have their replies. The
    /// first failed write's error wins over `main`'s result: `main` ran in an aborted
    /// transaction then, and a savepoint's failure is reported as the broken batch it is.
    fn wait<T>(
        &mut self,
        main: impl Future<Output = Result<T, tokio_postgres::Error>>,
    ) -> Result<T, StoreError> {
        let mut main = pin!(main);
        let mut out = None;
        let Self {
            runtime,
            connection,
            sent,
            ..
        } = self;
        runtime.block_on(poll_fn(|cx| {
            let replied = poll_sent(sent, cx);
            if out.is_none()
                && let Poll::Ready(r) = main.as_mut().poll(cx)
            {
                out = Some(r);
            }
            drive(connection, cx);
            // The driver may have delivered replies: look again before sleeping.
            let replied = poll_sent(sent, cx) && replied;
            if out.is_none()
                && let Poll::Ready(r) = main.as_mut().poll(cx)
            {
                out = Some(r);
            }
            if replied && out.is_some() {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        }));
        for s in std::mem::take(&mut self.sent) {
            if let Some(Err(e)) = s.result {
                return Err(if s.control {
                    StoreError::Ledger(format!("the batch is broken: a savepoint failed: {e}"))
                } else {
                    StoreError::Postgres(e)
                });
            }
        }
        match out {
            Some(r) => Ok(r?),
            None => Err(StoreError::Closed),
        }
    }

    /// Queues a request whose reply the next [`PgConn::wait`] reads: the requests queued by
    /// then reach the server together, in order, with the one that waits.
    fn send(&mut self, reply: Task, control: bool) -> Result<(), StoreError> {
        if self.sent.len() >= MAX_IN_FLIGHT {
            self.flush_writes()?;
        }
        self.sent.push(Sent {
            reply,
            result: None,
            control,
        });
        Ok(())
    }
}

/// Polls the replies not yet read; true when every one is in.
fn poll_sent(sent: &mut [Sent], cx: &mut Context<'_>) -> bool {
    let mut all = true;
    for s in sent.iter_mut().filter(|s| s.result.is_none()) {
        match s.reply.as_mut().poll(cx) {
            Poll::Ready(r) => s.result = Some(r),
            Poll::Pending => all = false,
        }
    }
    all
}

/// Lets the connection write queued requests and route replies. Once it ends it is dropped,
/// which fails every request still waiting (as closed) instead of leaving it hanging.
fn drive(connection: &mut Option<Task>, cx: &mut Context<'_>) {
    if let Some(c) = connection
        && let Poll::Ready(r) = c.as_mut().poll(cx)
    {
        if let Err(e) = r {
            tracing::warn!(error = %e, "the PostgreSQL connection ended");
        }
        *connection = None;
    }
}

fn refs(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

impl Conn for PgConn {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        let stmt = self.statement(sql)?;
        let client = self.client.clone();
        self.wait(async move { client.execute(&stmt, &refs(params)).await })
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        let stmt = self.statement(sql)?;
        let client = self.client.clone();
        let rows = self.wait(async move { client.query(&stmt, &refs(params)).await })?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let mut vals = Vec::with_capacity(r.len());
            for i in 0..r.len() {
                vals.push(r.try_get::<_, Value>(i)?);
            }
            out.push(Row(vals));
        }
        Ok(out)
    }

    fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        // DDL may change what cached statements refer to.
        let head = sql.trim_start().to_ascii_uppercase();
        if ["CREATE", "ALTER", "DROP"]
            .iter()
            .any(|k| head.starts_with(k))
        {
            self.cache.clear();
        }
        let client = self.client.clone();
        let sql = sql.to_owned();
        self.wait(async move { client.batch_execute(&sql).await })
    }

    fn write(&mut self, sql: &str, params: &[Value]) -> Result<(), StoreError> {
        let stmt = self.statement(sql)?;
        let client = self.client.clone();
        let params = params.to_vec();
        self.send(
            Box::pin(async move { client.execute(&stmt, &refs(&params)).await.map(|_| ()) }),
            false,
        )
    }

    fn write_control(&mut self, sql: &str) -> Result<(), StoreError> {
        let client = self.client.clone();
        let sql = sql.to_owned();
        self.send(
            Box::pin(async move { client.batch_execute(&sql).await }),
            true,
        )
    }

    fn has_pending_writes(&self) -> bool {
        !self.sent.is_empty()
    }

    fn flush_writes(&mut self) -> Result<(), StoreError> {
        if self.sent.is_empty() {
            return Ok(());
        }
        self.wait(std::future::ready(Ok(())))
    }
}
