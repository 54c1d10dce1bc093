//! Counter rows (the tallies that replace folds), added to by many commands and written as sums.
//!
//! Why: the tallies have hot rows: today's row of a busy item, the pushes awaiting a claim, the
//! open alerts. Each command of a batch that added to such a row gave it a new version; on
//! PostgreSQL the versions of one row form a HOT chain that cannot be pruned before COMMIT, so
//! every later lookup of the row walked all of them (`heap_hot_search_buffer` was the writer
//! backend's costliest function at 64 clients in `bench e2e`). Inside the writer the additions
//! of a batch are summed in memory and each row is written once, by one multi-row statement a
//! table ([`Pending`]); on any other connection [`crate::sql::Conn::add_counts`] writes at once.
//!
//! The writer's contract: a command's additions count only if it succeeds (they are kept apart
//! until it ends); a statement of the batch that names a counter table first writes the sums,
//! so SQL always sees them, as with the ledger's buffered entries; sums written inside a
//! command's savepoint that is then rolled back are owed again.

use std::collections::BTreeMap;

use crate::StoreError;
use crate::sql::Conn;
pub use crate::sql::Counter;

/// A row of a counter table: its table's name and its key's values.
type RowKey = (&'static str, Vec<String>);

/// Rows of one table to add to: each key's values and the counts to add.
type Rows = Vec<(Vec<String>, Vec<i64>)>;

/// Additions summed per table and key.
#[derive(Default, Clone, Debug)]
pub(crate) struct Sums(BTreeMap<RowKey, (&'static Counter, Vec<i64>)>);

impl Sums {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether the statement names a table these sums add to.
    fn named_by(&self, words: &[&str]) -> bool {
        self.0
            .keys()
            .any(|(table, _)| words.iter().any(|w| w.eq_ignore_ascii_case(table)))
    }

    pub fn add(&mut self, counter: &'static Counter, key: Vec<String>, delta: &[i64]) {
        let (_, sum) = self
            .0
            .entry((counter.table, key))
            .or_insert_with(|| (counter, vec![0; counter.counts.len()]));
        for (s, d) in sum.iter_mut().zip(delta) {
            *s += d;
        }
    }

    pub fn merge(&mut self, other: Sums) {
        for ((_, key), (counter, delta)) in other.0 {
            self.add(counter, key, &delta);
        }
    }

    /// Writes the sums, a table at a time ([`Counter::write`]); sums of zero are skipped.
    pub fn write<C: Conn + ?Sized>(self, conn: &mut C) -> Result<(), StoreError> {
        let mut tables: BTreeMap<&'static str, (&'static Counter, Rows)> = BTreeMap::new();
        for ((table, key), (counter, delta)) in self.0 {
            if delta.iter().any(|d| *d != 0) {
                tables
                    .entry(table)
                    .or_insert_with(|| (counter, Vec::new()))
                    .1
                    .push((key, delta));
            }
        }
        for (counter, rows) in tables.into_values() {
            counter.write(conn, &rows)?;
        }
        Ok(())
    }
}

/// The writer's sums for one batch (see the module's contract).
#[derive(Default)]
pub(crate) struct Pending {
    /// The sums of the commands that succeeded, not yet written.
    batch: Sums,
    /// The running command's.
    command: Sums,
    /// Earlier commands' sums written inside the running command's savepoint: owed again if
    /// it rolls back.
    written_in_command: Sums,
}

impl Pending {
    pub fn add(&mut self, counter: &'static Counter, key: Vec<String>, delta: &[i64]) {
        self.command.add(counter, key, delta);
    }

    /// Before a statement of the running command: if it names a table with sums not yet
    /// written, writes everything summed so far, inside the command's savepoint, so that the
    /// statement sees them.
    pub fn before(&mut self, sql: &str, conn: &mut dyn Conn) -> Result<(), StoreError> {
        if self.batch.is_empty() && self.command.is_empty() {
            return Ok(());
        }
        let words: Vec<&str> = sql
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .collect();
        if !self.batch.named_by(&words) && !self.command.named_by(&words) {
            return Ok(());
        }
        self.take_in_command().write(conn)
    }

    /// Everything summed so far, taken to be written inside the running command's savepoint.
    fn take_in_command(&mut self) -> Sums {
        let earlier = std::mem::take(&mut self.batch);
        let mut all = earlier.clone();
        self.written_in_command.merge(earlier);
        all.merge(std::mem::take(&mut self.command));
        all
    }

    /// At the end of a command: its sums join the batch's, or are dropped with its writes.
    pub fn finish_command(&mut self, ok: bool) {
        let owed = std::mem::take(&mut self.written_in_command);
        let command = std::mem::take(&mut self.command);
        if ok {
            self.batch.merge(command);
        } else {
            self.batch.merge(owed);
        }
    }

    /// The batch's sums, to be written before its COMMIT.
    pub fn take_batch(&mut self) -> Sums {
        std::mem::take(&mut self.batch)
    }

    pub fn clear(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static C: Counter = Counter {
        table: "push_tallies",
        key: &["jurisdiction", "department", "status"],
        counts: &["pushes"],
        drop_at_zero: true,
    };

    fn key(status: &str) -> Vec<String> {
        vec!["370100".into(), "SCJG".into(), status.into()]
    }

    fn sum_of(s: &Sums, status: &str) -> Option<i64> {
        s.0.get(&("push_tallies", key(status))).map(|(_, d)| d[0])
    }

    #[test]
    fn a_failed_command_adds_nothing_and_gives_back_what_its_savepoint_took() {
        let mut p = Pending::default();
        p.add(&C, key("awaiting_claim"), &[1]);
        p.finish_command(true);
        // The next command reads a counter table, so the first command's sum is written
        // inside the second one's savepoint, with the second's own; then the second fails.
        p.add(&C, key("claimed"), &[1]);
        let written = p.take_in_command();
        assert_eq!(sum_of(&written, "awaiting_claim"), Some(1));
        assert_eq!(sum_of(&written, "claimed"), Some(1));
        p.finish_command(false);
        assert_eq!(sum_of(&p.batch, "awaiting_claim"), Some(1), "owed again");
        assert_eq!(sum_of(&p.batch, "claimed"), None, "a failed command's sum");
        // A command that succeeds after such a write owes nothing more.
        p.add(&C, key("claimed"), &[1]);
        let _ = p.take_in_command();
        p.finish_command(true);
        assert!(p.take_batch().is_empty());
    }

    #[test]
    fn sums_cancel_and_statements_take_a_table_at_a_time() {
        let mut s = Sums::default();
        s.add(&C, key("awaiting_claim"), &[1]);
        s.add(&C, key("awaiting_claim"), &[-1]);
        s.add(&C, key("claimed"), &[1]);
        assert_eq!(sum_of(&s, "awaiting_claim"), Some(0));
        assert_eq!(
            C.upsert(2),
            "INSERT INTO push_tallies (jurisdiction, department, status, pushes) VALUES (?, ?, ?, ?), (?, ?, ?, ?) \
             ON CONFLICT (jurisdiction, department, status) DO UPDATE SET pushes = push_tallies.pushes + excluded.pushes"
        );
        assert!(s.named_by(&["SELECT", "pushes", "FROM", "Push_Tallies"]));
        assert!(!s.named_by(&["SELECT", "1", "FROM", "pushes"]));
    }
}
