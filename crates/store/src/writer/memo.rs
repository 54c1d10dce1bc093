//! Reads remembered for one batch of the writer.
//!
//! Why: on PostgreSQL every read inside the writer is a round trip, and the commands of a batch
//! read the same few rows again and again: reference data (the jurisdiction and its seal, the
//! item's supervising department, the linkage settings, whether a department has a webhook; in
//! `bench e2e` about five of a case's thirty waits), and a push's history, which a step on the
//! push folds once in its service and once more in the projection that writes the step. Within
//! a batch nothing but the writer itself can change those rows: the batch holds the writer lock
//! (SQLite's write lock, PostgreSQL's advisory lock) and every change of state passes through
//! the writer. So a read of them is answered from memory until a statement of the batch names
//! one of the tables it read (then that read is forgotten); the memo is also forgotten when a
//! command fails (its writes are rolled back, and reads it made after them would be stale) and
//! when the batch ends.
//!
//! Only a plain `SELECT` whose every `FROM` and `JOIN` names one of [`TABLES`] is remembered;
//! anything else that names one of those tables, in any position, forgets every read that named
//! any of the tables it names. Both tests are on the statement's words (and a `FROM` clause's
//! commas), so they err towards forgetting.

use crate::sql::{Row, Value};

/// The tables whose reads are remembered. A table here must not be written by anything but the
/// writer (no trigger, no reader's connection), nor change with another table's write (no
/// foreign key that cascades into it).
pub(super) const TABLES: &[&str] = &[
    "departments",
    "items",
    "jurisdictions",
    "linkage_settings",
    "push_events",
    "pushes",
    "seals",
    "supervision_mappings",
    "webhooks",
];

/// At most this many reads are kept: a batch that reads more distinct rows than this is not the
/// case the memo is for, and a linear search stays cheap.
const CAPACITY: usize = 256;

/// One remembered read: its statement, parameters, rows, and the tables it named.
type Read = (String, Vec<Value>, Vec<Row>, Vec<&'static str>);

#[derive(Default)]
pub(super) struct Memo {
    reads: Vec<Read>,
}

impl Memo {
    /// The rows an earlier read of the same statement with the same parameters returned.
    pub fn get(&self, sql: &str, params: &[Value]) -> Option<Vec<Row>> {
        self.reads
            .iter()
            .find(|(s, p, _, _)| s == sql && p == params)
            .map(|(_, _, rows, _)| rows.clone())
    }

    /// Keeps what a remembered read ([`is_reference_read`]) returned.
    pub fn put(&mut self, sql: &str, params: &[Value], rows: &[Row]) {
        if self.reads.len() < CAPACITY {
            self.reads.push((
                sql.to_owned(),
                params.to_vec(),
                rows.to_vec(),
                tables_named(sql),
            ));
        }
    }

    /// Before any statement that is not a read: forgets the reads of the tables it names.
    pub fn before_write(&mut self, sql: &str) {
        if self.reads.is_empty() {
            return;
        }
        let written = tables_named(sql);
        if !written.is_empty() {
            self.reads
                .retain(|(_, _, _, read)| !read.iter().any(|t| written.contains(t)));
        }
    }

    pub fn clear(&mut self) {
        self.reads.clear();
    }
}

/// The tables of [`TABLES`] a statement names, anywhere in it.
fn tables_named(sql: &str) -> Vec<&'static str> {
    let mut named: Vec<&'static str> = words(sql).filter_map(table_of).collect();
    named.sort_unstable();
    named.dedup();
    named
}

fn words(sql: &str) -> impl Iterator<Item = &str> {
    sql.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
}

fn table_of(word: &str) -> Option<&'static str> {
    TABLES
        .iter()
        .copied()
        .find(|t| t.eq_ignore_ascii_case(word))
}

fn is_reference_table(word: &str) -> bool {
    table_of(word).is_some()
}

/// Whether the statement is a query (one that may still lock rows, but changes none).
pub(super) fn is_select(sql: &str) -> bool {
    words(sql)
        .next()
        .is_some_and(|w| w.eq_ignore_ascii_case("SELECT"))
}

/// Whether the statement only reads, and only reference tables.
pub(super) fn is_reference_read(sql: &str) -> bool {
    // A table after a comma (`FROM items i, cases c`) would escape the word test below.
    if sql.contains(',') && from_clauses_list_tables(sql) {
        return false;
    }
    if !is_select(sql) {
        return false;
    }
    let mut words = words(sql).skip(1).peekable();
    let mut tables = 0;
    while let Some(w) = words.next() {
        if ["UPDATE", "INSERT", "DELETE", "WITH"]
            .iter()
            .any(|k| k.eq_ignore_ascii_case(w))
        {
            // `FOR UPDATE` locks; the others would be a write hidden in a read.
            return false;
        }
        if w.eq_ignore_ascii_case("FROM") || w.eq_ignore_ascii_case("JOIN") {
            match words.peek() {
                Some(t) if is_reference_table(t) => tables += 1,
                _ => return false,
            }
        }
    }
    tables > 0
}

/// Whether some `FROM` clause names more than one table with commas.
fn from_clauses_list_tables(sql: &str) -> bool {
    let upper = sql
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_uppercase();
    upper.split(" FROM ").skip(1).any(|clause| {
        let end = [" WHERE ", " ORDER ", " GROUP ", " LIMIT ", ")"]
            .iter()
            .filter_map(|k| clause.find(k))
            .min()
            .unwrap_or(clause.len());
        clause[..end].contains(',')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_reads_of_reference_tables_are_remembered() {
        for sql in [
            "SELECT name_zh, bureau_uscc FROM jurisdictions WHERE code = ?",
            "SELECT d.code FROM items i JOIN departments d ON d.code = i.supervising_department WHERE i.jurisdiction = ?",
            "select 1 from webhooks where jurisdiction = ? and department = ?",
            "SELECT es_id, name FROM seals WHERE jurisdiction = ? AND kind = ? ORDER BY valid_from",
        ] {
            assert!(is_reference_read(sql), "{sql}");
        }
        for sql in [
            // Another table in the join, a projection, a lock, a subquery on a projection.
            "SELECT d.code FROM items i JOIN cases c ON c.item_code = i.basic_code",
            "SELECT events FROM cases WHERE case_number = ?",
            "SELECT size, root, id FROM ledger_heads WHERE log = ? FOR UPDATE",
            "SELECT es_id FROM seals WHERE kind = ? FOR UPDATE",
            "SELECT 1 FROM items WHERE basic_code IN (SELECT item_code FROM cases)",
            "SELECT d.code FROM items i, cases c WHERE c.item_code = i.basic_code",
            "SELECT 1 FROM seals s, departments d,\n    cases",
            "SELECT EXTRACT(year FROM now())",
            "UPDATE seals SET revoked_at = ? WHERE es_id = ?",
            "WITH s AS (SELECT 1 FROM seals) SELECT * FROM s",
            "SELECT 1",
        ] {
            assert!(!is_reference_read(sql), "{sql}");
        }
    }

    #[test]
    fn a_write_forgets_the_reads_of_the_tables_it_names_and_no_other() {
        let row = |v: &str| Row(vec![Value::Text(v.to_owned())]);
        let push = "SELECT p.jurisdiction, e.body FROM pushes p JOIN push_events e ON e.push_id = p.push_id WHERE p.push_id = ?";
        let place = "SELECT name_zh FROM jurisdictions WHERE code = ?";
        let id = [Value::Text("TS3701000000001".into())];
        let code = [Value::Text("370100".into())];
        let mut memo = Memo::default();
        memo.put(push, &id, &[row("370100")]);
        memo.put(place, &code, &[row("济南市")]);
        memo.before_write("INSERT INTO push_events (push_id, seq, body) VALUES (?, ?, ?)");
        assert_eq!(memo.get(push, &id), None, "a joined table was written");
        assert!(memo.get(place, &code).is_some(), "forgot an unrelated read");
        memo.put(push, &id, &[row("370100")]);
        memo.before_write(
            "DELETE FROM cases WHERE case_number IN (SELECT case_number FROM pushes)",
        );
        assert_eq!(memo.get(push, &id), None, "named in a subquery of a write");
        assert!(memo.get(place, &code).is_some());
    }

    #[test]
    fn a_write_naming_a_reference_table_forgets_its_reads() {
        let row = |v: &str| Row(vec![Value::Text(v.to_owned())]);
        let read = "SELECT name_zh FROM jurisdictions WHERE code = ?";
        let code = [Value::Text("370100".into())];
        let mut memo = Memo::default();
        memo.put(read, &code, &[row("济南市")]);
        assert_eq!(memo.get(read, &code), Some(vec![row("济南市")]));
        assert_eq!(memo.get(read, &[Value::Text("370124".into())]), None);
        memo.before_write("INSERT INTO case_events (case_number, seq) VALUES (?, ?)");
        assert!(
            memo.get(read, &code).is_some(),
            "forgot on an unrelated write"
        );
        memo.before_write("UPDATE Jurisdictions SET name_zh = ? WHERE code = ?");
        assert_eq!(memo.get(read, &code), None);
    }
}
