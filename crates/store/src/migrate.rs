//! Schema migrations, embedded in the binary and applied at start.
//!
//! One SQL text per migration in the dialect subset both databases share; PostgreSQL gets a fixed,
//! documented translation (64-bit integers, BYTEA). The runner refuses a database whose schema is
//! newer than the binary, so an old binary cannot write into a newer layout.

use crate::sql::{Backend, Conn};
use crate::{StoreError, params};

const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/0001_foundation.sql"),
    ),
    (2, "linkage", include_str!("../migrations/0002_linkage.sql")),
    (4, "rules", include_str!("../migrations/0004_rules.sql")),
    (5, "ratings", include_str!("../migrations/0005_ratings.sql")),
];

/// The versions this binary knows, in order (numbers may skip: branches reserve them).
pub fn versions() -> Vec<i64> {
    MIGRATIONS.iter().map(|m| m.0).collect()
}

pub fn latest() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

fn translate(backend: Backend, sql: &str) -> String {
    match backend {
        Backend::Sqlite => sql.to_owned(),
        Backend::Postgres => sql
            .replace(" INTEGER", " BIGINT")
            .replace(" BLOB", " BYTEA")
            .replace("X'", "'\\x"),
    }
}

/// Applies every migration newer than the database, each in its own transaction.
pub fn run(conn: &mut dyn Conn) -> Result<Vec<i64>, StoreError> {
    conn.batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL)",
    )?;
    let current = conn
        .query_one("SELECT MAX(version) FROM schema_migrations", &[])?
        .map(|r| r.opt_int(0))
        .transpose()?
        .flatten()
        .unwrap_or(0);
    if current > latest() {
        return Err(StoreError::SchemaTooNew {
            found: current,
            known: latest(),
        });
    }
    let mut applied = Vec::new();
    for (version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
        let begin = match conn.backend() {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN; LOCK TABLE schema_migrations IN EXCLUSIVE MODE",
        };
        conn.batch(begin)?;
        // Another process may have migrated while we waited for the lock.
        let done = conn
            .query_one(
                "SELECT 1 FROM schema_migrations WHERE version = ?",
                params![*version],
            )?
            .is_some();
        if !done {
            let r = conn.batch(&translate(conn.backend(), sql)).and_then(|()| {
                conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                    params![*version, *name],
                )
            });
            if let Err(e) = r {
                conn.batch("ROLLBACK")?;
                return Err(e);
            }
            applied.push(*version);
        }
        conn.batch("COMMIT")?;
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_translation_widens_integers_and_blobs() {
        let t = translate(Backend::Postgres, "a INTEGER NOT NULL, b BLOB, c X'00ff'");
        assert_eq!(t, "a BIGINT NOT NULL, b BYTEA, c '\\x00ff'");
    }
}
