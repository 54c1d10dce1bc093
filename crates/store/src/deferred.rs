//! Writes the writer holds back on PostgreSQL and sends together, as one statement.
//!
//! Why: on PostgreSQL each statement is a round trip the single writer waits for, and a case's
//! step writes half a dozen projection rows one after another (its event, the case's row, its
//! due date, two counters, its place on the log) without reading anything in between. Held
//! back ([`crate::Conn::write`]) and sent as data-modifying CTEs of one statement
//! (`WITH w0 AS (INSERT …), w1 AS (INSERT … ON CONFLICT …) UPDATE …`) they cost one round trip.
//!
//! Sound only under these rules, which [`target`] and the writer's session enforce:
//! - Every sub-statement of one statement runs on the same snapshot and cannot see the others'
//!   effects, so a held write reads no table but its own (no subquery, no `RETURNING`), and a
//!   second write to a table that already has one waiting sends the waiting ones first.
//! - Nothing else may see the table before the write reaches it: any other statement of the
//!   writer sends the waiting writes first, and so does the end of every command (its result
//!   then includes their errors). No view, trigger, rule or foreign key exists in the schema to
//!   read a table behind a statement's back.
//! - A held write's row count is never known, so only statements whose caller ignores it are
//!   held; the ledger's own tables never are (the session buffers their rows itself).
//!
//! SQLite runs in process, where a statement costs no wait: there `write` executes at once.

use crate::sql::Value;

/// Statements of one send at most: PostgreSQL takes 65,535 parameters a statement.
const MAX_STATEMENTS: usize = 32;
const MAX_PARAMS: usize = 16_000;

/// The writes waiting to be sent, in order.
#[derive(Debug, Default)]
pub(crate) struct Deferred {
    held: Vec<Held>,
}

#[derive(Debug)]
struct Held {
    table: String,
    sql: String,
    params: Vec<Value>,
}

/// The table a write may be held for, or `None` if it must run at once: a plain INSERT,
/// UPDATE or DELETE of one table that is not the ledger's, reading nothing else.
pub(crate) fn target(sql: &str) -> Option<&str> {
    let s = sql.trim_start();
    let rest = ["INSERT INTO ", "UPDATE ", "DELETE FROM "]
        .iter()
        .find_map(|p| strip_prefix_ignore_case(s, p))?;
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let table = &rest[..end];
    let upper = sql.to_ascii_uppercase();
    if table.is_empty()
        || table.starts_with("ledger_")
        || upper.contains("SELECT")
        || upper.contains("RETURNING")
        || upper.contains(" WITH ")
    {
        return None;
    }
    Some(table)
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

impl Deferred {
    /// Whether `table` already has a write waiting, or one more of `params` would not fit.
    pub fn must_send_before(&self, table: &str, params: usize) -> bool {
        let waiting: usize = self.held.iter().map(|h| h.params.len()).sum();
        self.held.iter().any(|h| h.table == table)
            || self.held.len() >= MAX_STATEMENTS
            || waiting + params > MAX_PARAMS
    }

    pub fn hold(&mut self, table: &str, sql: &str, params: &[Value]) {
        self.held.push(Held {
            table: table.to_owned(),
            sql: sql.to_owned(),
            params: params.to_vec(),
        });
    }

    /// The waiting writes as one statement (`?` placeholders, numbered in order by the
    /// backend), and its parameters; nothing waits afterwards.
    pub fn take(&mut self) -> Option<(String, Vec<Value>)> {
        let mut held = std::mem::take(&mut self.held);
        let last = held.pop()?;
        if held.is_empty() {
            return Some((last.sql, last.params));
        }
        let mut sql = String::from("WITH ");
        let mut params = Vec::new();
        for (i, h) in held.into_iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("w{i} AS ({})", h.sql));
            params.extend(h.params);
        }
        sql.push(' ');
        sql.push_str(&last.sql);
        params.extend(last.params);
        Some((sql, params))
    }

    /// Drops the waiting writes (their command failed before they were sent).
    pub fn clear(&mut self) {
        self.held.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_single_table_writes_are_held() {
        assert_eq!(
            target("INSERT INTO case_events (a) VALUES (?)"),
            Some("case_events")
        );
        assert_eq!(target("update cases SET a = ? WHERE b = ?"), Some("cases"));
        assert_eq!(target("DELETE FROM case_due WHERE x = ?"), Some("case_due"));
        assert_eq!(target("INSERT INTO ledger_entries (a) VALUES (?)"), None);
        assert_eq!(target("INSERT INTO t (a) SELECT a FROM u"), None);
        assert_eq!(target("UPDATE t SET a = 1 RETURNING a"), None);
        assert_eq!(target("SELECT 1"), None);
        assert_eq!(
            target("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x"),
            None
        );
    }

    #[test]
    fn waiting_writes_become_one_statement_in_their_order() {
        let mut d = Deferred::default();
        assert!(d.take().is_none());
        d.hold("a", "INSERT INTO a (x) VALUES (?)", &[Value::Int(1)]);
        assert!(d.must_send_before("a", 1));
        assert!(!d.must_send_before("b", 1));
        d.hold(
            "b",
            "UPDATE b SET y = ? WHERE z = ?",
            &[Value::Int(2), Value::Int(3)],
        );
        d.hold("c", "DELETE FROM c WHERE k = ?", &[Value::Int(4)]);
        let (sql, params) = d.take().unwrap();
        assert_eq!(
            sql,
            "WITH w0 AS (INSERT INTO a (x) VALUES (?)), w1 AS (UPDATE b SET y = ? WHERE z = ?) \
             DELETE FROM c WHERE k = ?"
        );
        assert_eq!(
            params,
            vec![Value::Int(1), Value::Int(2), Value::Int(3), Value::Int(4)]
        );
        assert!(d.take().is_none(), "sent writes wait no longer");
        assert!(!d.must_send_before("a", 1));
        d.hold("a", "INSERT INTO a (x) VALUES (?)", &[Value::Int(5)]);
        assert_eq!(
            d.take().unwrap().0,
            "INSERT INTO a (x) VALUES (?)",
            "one write goes as itself"
        );
    }
}
