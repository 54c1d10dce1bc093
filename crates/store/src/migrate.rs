//! Schema migrations, embedded in the binary and applied at start.
//!
//! One SQL text per migration in the dialect subset both databases share; PostgreSQL gets a fixed,
//! documented translation (64-bit integers, BYTEA). The runner refuses a database whose schema is
//! newer than the binary, so an old binary cannot write into a newer layout.

use crate::sql::{Backend, Conn};
use crate::{StoreError, params};

/// Versions may leave gaps (a number can be reserved for a change landing later).
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/0001_foundation.sql"),
    ),
    (2, "linkage", include_str!("../migrations/0002_linkage.sql")),
    (
        3,
        "ledger_rows",
        include_str!("../migrations/0003_ledger_rows.sql"),
    ),
    (4, "rules", include_str!("../migrations/0004_rules.sql")),
    (5, "ratings", include_str!("../migrations/0005_ratings.sql")),
    (
        6,
        "case_entries",
        include_str!("../migrations/0006_case_entries.sql"),
    ),
    (
        7,
        "expression_rules",
        include_str!("../migrations/0007_expression_rules.sql"),
    ),
    (
        8,
        "lookup_indexes",
        include_str!("../migrations/0008_lookup_indexes.sql"),
    ),
    (
        9,
        "auth_token_lifetime",
        include_str!("../migrations/0009_auth_token_lifetime.sql"),
    ),
    (
        10,
        "calendar_corrections",
        include_str!("../migrations/0010_calendar_corrections.sql"),
    ),
    (
        14,
        "webhook_rotation",
        include_str!("../migrations/0014_webhook_rotation.sql"),
    ),
    (
        15,
        "case_queue",
        include_str!("../migrations/0015_case_queue.sql"),
    ),
    (
        16,
        "list_pages",
        include_str!("../migrations/0016_list_pages.sql"),
    ),
    (
        17,
        "calendar_moves",
        include_str!("../migrations/0017_calendar_moves.sql"),
    ),
    (
        19,
        "idempotency",
        include_str!("../migrations/0019_idempotency.sql"),
    ),
    (
        20,
        "ledger_audits",
        include_str!("../migrations/0020_ledger_audits.sql"),
    ),
    (
        21,
        "case_materials",
        include_str!("../migrations/0021_case_materials.sql"),
    ),
    (
        23,
        "rating_entries",
        include_str!("../migrations/0023_rating_entries.sql"),
    ),
    (
        24,
        "case_tallies",
        include_str!("../migrations/0024_case_tallies.sql"),
    ),
    (
        25,
        "case_tallies_backfill",
        include_str!("../migrations/0025_case_tallies_backfill.sql"),
    ),
    (
        30,
        "ledger_blobs",
        include_str!("../migrations/0030_ledger_blobs.sql"),
    ),
    (
        31,
        "sealed_documents_lean",
        include_str!("../migrations/0031_sealed_documents_lean.sql"),
    ),
    (
        32,
        "alerts_raised",
        include_str!("../migrations/0032_alerts_raised.sql"),
    ),
    (
        33,
        "case_due",
        include_str!("../migrations/0033_case_due.sql"),
    ),
    (
        36,
        "consultations",
        include_str!("../migrations/0036_consultations.sql"),
    ),
    (
        37,
        "bundle_cases",
        include_str!("../migrations/0037_bundle_cases.sql"),
    ),
    (
        38,
        "applicant_identity",
        include_str!("../migrations/0038_applicant_identity.sql"),
    ),
    (
        39,
        "online_applications",
        include_str!("../migrations/0039_online_applications.sql"),
    ),
    (
        40,
        "pushes_pending",
        include_str!("../migrations/0040_pushes_pending.sql"),
    ),
    (
        41,
        "rule_snapshots",
        include_str!("../migrations/0041_rule_snapshots.sql"),
    ),
    (
        42,
        "coordination",
        include_str!("../migrations/0042_coordination.sql"),
    ),
    (
        43,
        "platform_intake",
        include_str!("../migrations/0043_platform_intake.sql"),
    ),
    (
        44,
        "commitments",
        include_str!("../migrations/0044_commitments.sql"),
    ),
    (
        48,
        "projects",
        include_str!("../migrations/0048_projects.sql"),
    ),
    (
        52,
        "applicant_messages",
        include_str!("../migrations/0052_applicant_messages.sql"),
    ),
    (
        58,
        "ledger_nodes_lean",
        include_str!("../migrations/0058_ledger_nodes_lean.sql"),
    ),
    (
        59,
        "case_rows_lean",
        include_str!("../migrations/0059_case_rows_lean.sql"),
    ),
    (
        60,
        "applicant_bans",
        include_str!("../migrations/0060_applicant_bans.sql"),
    ),
    (
        61,
        "push_tallies",
        include_str!("../migrations/0061_push_tallies.sql"),
    ),
    (
        62,
        "alert_tallies",
        include_str!("../migrations/0062_alert_tallies.sql"),
    ),
    (
        63,
        "case_tallies_monthly",
        include_str!("../migrations/0063_case_tallies_monthly.sql"),
    ),
    (
        64,
        "alert_months_and_counts",
        include_str!("../migrations/0064_alert_months_and_counts.sql"),
    ),
    (
        65,
        "alerts_order",
        include_str!("../migrations/0065_alerts_order.sql"),
    ),
    (
        66,
        "write_barrier",
        include_str!("../migrations/0066_write_barrier.sql"),
    ),
    (
        67,
        "text_collation",
        include_str!("../migrations/0067_text_collation.sql"),
    ),
];

/// On PostgreSQL, every text column of the schema gets the "C" collation (migration 67). Once 67
/// is in, it runs again inside every migration applied after it, before that migration's
/// backfill, so a table a later migration makes, or makes again, compares with the others:
/// comparing two columns of different collations fails.
const TEXT_COLLATION_VERSION: i64 = 67;
const TEXT_COLLATION: &str = include_str!("../migrations/0067_text_collation.pg.sql");

/// The part of a migration the two databases cannot share (their text-search indexes, the
/// collation of text), run right after its shared text.
fn backend_sql(version: i64, backend: Backend) -> Option<&'static str> {
    match (version, backend) {
        (15, Backend::Sqlite) => Some(include_str!("../migrations/0015_case_queue.sqlite.sql")),
        (15, Backend::Postgres) => Some(include_str!("../migrations/0015_case_queue.pg.sql")),
        (59, Backend::Sqlite) => Some(include_str!("../migrations/0059_case_rows_lean.sqlite.sql")),
        (59, Backend::Postgres) => Some(include_str!("../migrations/0059_case_rows_lean.pg.sql")),
        (60, Backend::Sqlite) => Some(include_str!("../migrations/0060_applicant_bans.sqlite.sql")),
        (60, Backend::Postgres) => Some(include_str!("../migrations/0060_applicant_bans.pg.sql")),
        (TEXT_COLLATION_VERSION, Backend::Postgres) => Some(TEXT_COLLATION),
        _ => None,
    }
}

/// What a migration fills from the events after its SQL, in the same transaction: columns
/// that are projections cannot be computed by SQL alone.
fn backfill(version: i64, conn: &mut dyn Conn) -> Result<(), StoreError> {
    match version {
        15 => crate::case_rows::backfill(conn),
        23 => crate::ratings::backfill_entries(conn),
        25 => crate::aggregates::backfill(conn),
        33 => crate::case_due::backfill(conn),
        59 => crate::case_rows::pack_events(conn),
        60 => crate::applicants::backfill(conn),
        _ => Ok(()),
    }
}

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
    let recorded: Vec<i64> = conn
        .query("SELECT version FROM schema_migrations", &[])?
        .iter()
        .map(|r| r.int(0))
        .collect::<Result<_, _>>()?;
    let mut applied = Vec::new();
    let mut collated = recorded.contains(&TEXT_COLLATION_VERSION);
    // Every migration not yet recorded, not only those above the newest: a reserved lower number
    // may land after a higher one was applied.
    for (version, name, sql) in MIGRATIONS.iter().filter(|m| !recorded.contains(&m.0)) {
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
            let backend = conn.backend();
            let r = conn
                .batch(&translate(backend, sql))
                .and_then(|()| match backend_sql(*version, backend) {
                    Some(extra) => conn.batch(extra),
                    None => Ok(()),
                })
                .and_then(|()| match backend {
                    Backend::Postgres if collated => conn.batch(TEXT_COLLATION),
                    _ => Ok(()),
                })
                .and_then(|()| backfill(*version, conn))
                .and_then(|()| {
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
        collated |= *version == TEXT_COLLATION_VERSION;
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

    /// A database written by the foundation schema keeps its ledger through migration 3.
    #[test]
    #[allow(clippy::unwrap_used)]
    fn ledger_rows_move_into_the_new_layout() {
        let scratch = crate::scratch::ScratchDb::new().unwrap();
        let mut conn = scratch.database.connect().unwrap();
        let c = conn.as_mut();
        c.batch(&translate(c.backend(), MIGRATIONS[0].2)).unwrap();
        c.batch(
            "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL); \
             INSERT INTO schema_migrations (version, name) VALUES (1, 'foundation')",
        )
        .unwrap();
        c.execute(
            "INSERT INTO ledger_heads (log, size, root) VALUES ('370100', 3, ?)",
            params![vec![5u8; 32]],
        )
        .unwrap();
        // An entry whose log lost its head row must not be lost by the migration.
        c.execute(
            "INSERT INTO ledger_entries (log, idx, entry) VALUES ('370000', 0, ?)",
            params![b"orphan".to_vec()],
        )
        .unwrap();
        for idx in 0..3i64 {
            c.execute(
                "INSERT INTO ledger_entries (log, idx, entry) VALUES ('370100', ?, ?)",
                params![idx, vec![b'e', u8::try_from(idx).unwrap()]],
            )
            .unwrap();
            c.execute(
                "INSERT INTO ledger_nodes (log, level, idx, hash) VALUES ('370100', 0, ?, ?)",
                params![idx, vec![7u8; 32]],
            )
            .unwrap();
        }
        c.execute(
            "INSERT INTO ledger_nodes (log, level, idx, hash) VALUES ('370100', 1, 0, ?)",
            params![vec![9u8; 32]],
        )
        .unwrap();
        // Entry 2 has lost its payload: the audit must still be able to say so.
        for idx in 0..2i64 {
            c.execute(
                "INSERT INTO event_payloads (log, idx, kind, salt, body) VALUES ('370100', ?, 'k', ?, ?)",
                params![idx, vec![1u8; 16], format!("body {idx}").into_bytes()],
            )
            .unwrap();
        }
        // Every later migration applies, the ledger's among them.
        assert_eq!(run(c).unwrap(), versions().get(1..).unwrap().to_vec());
        assert_eq!(
            crate::log::entry(c, "370000", 0).unwrap().as_deref(),
            Some(b"orphan".as_slice())
        );
        assert_eq!(crate::log::read_head(c, "370100").unwrap(), (3, [5u8; 32]));
        let rows = c
            .query(
                "SELECT idx, entry, kind, salt, body FROM ledger_entries WHERE log = '370100' ORDER BY id",
                &[],
            )
            .unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].blob(1).unwrap(), b"e\x01");
        assert_eq!(rows[1].text(2).unwrap(), "k");
        assert_eq!(rows[1].blob(3).unwrap(), vec![1u8; 16]);
        assert_eq!(rows[1].blob(4).unwrap(), b"body 1");
        assert_eq!(rows[2].0[4], crate::Value::Null);
        let mut ids: Vec<_> = (0..3)
            .map(|index| oneseal_ledger::NodeId { level: 0, index })
            .collect();
        ids.push(oneseal_ledger::NodeId { level: 1, index: 0 });
        let hashes = crate::log::read_nodes(c, "370100", &ids).unwrap();
        assert_eq!(hashes, [[7u8; 32], [7; 32], [7; 32], [9; 32]]);
        let keys = c
            .query("SELECT id FROM ledger_nodes ORDER BY id", &[])
            .unwrap();
        let keys: Vec<i64> = keys.iter().map(|r| r.int(0).unwrap()).collect();
        let log_id = crate::log::log_id(c, "370100").unwrap().unwrap();
        let expected: Vec<i64> = ids
            .iter()
            .map(|id| crate::log::node_key(log_id, id).unwrap())
            .collect();
        // Creation order: leaf 0, leaf 1, node (1, 0), leaf 2.
        assert_eq!(keys, [expected[0], expected[1], expected[3], expected[2]]);
        assert!(c.query("SELECT 1 FROM event_payloads", &[]).is_err());
    }

    /// Both backends order text by its bytes, as Rust's `str` does, whatever the database's
    /// locale: on PostgreSQL every text column has the "C" collation (migration 67, and every
    /// migration applied after it for its own columns; the API test
    /// `bans::migration_60_records_the_bans_of_a_history_written_before_it` makes a table again
    /// after 67 and fails without that).
    #[test]
    #[allow(clippy::unwrap_used)]
    fn text_sorts_by_its_bytes_on_both_backends() {
        let scratch = crate::scratch::ScratchDb::new().unwrap();
        let mut conn = scratch.database.connect().unwrap();
        let c = conn.as_mut();
        run(c).unwrap();
        if c.backend() == Backend::Postgres {
            let other: Vec<String> = c
                .query(
                    "SELECT table_name || '.' || column_name FROM information_schema.columns \
                     WHERE table_schema = current_schema() \
                     AND data_type IN ('text', 'character varying', 'character') \
                     AND collation_name IS DISTINCT FROM 'C'",
                    &[],
                )
                .unwrap()
                .iter()
                .map(|r| r.text(0).unwrap())
                .collect();
            assert!(
                other.is_empty(),
                "text columns not collated \"C\": {other:?}"
            );
        }
        let mut codes = [
            "b", "B", "_x", "Z", "a", "中", "ä", "-1", "10", "9", "a b", "ab",
        ];
        for code in codes {
            c.execute(
                "INSERT INTO jurisdictions (code, name_zh, name_en, bureau_uscc) VALUES (?, '', 'probe', '')",
                params![code],
            )
            .unwrap();
        }
        let sorted: Vec<String> = c
            .query(
                "SELECT code FROM jurisdictions WHERE name_en = 'probe' ORDER BY code",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| r.text(0).unwrap())
            .collect();
        codes.sort_unstable();
        assert_eq!(sorted, codes);
        let below: i64 = c
            .query_one(
                "SELECT COUNT(*) FROM jurisdictions WHERE name_en = 'probe' AND code < 'a'",
                &[],
            )
            .unwrap()
            .unwrap()
            .int(0)
            .unwrap();
        let expected = codes.iter().filter(|code| **code < "a").count();
        assert_eq!(
            usize::try_from(below).unwrap(),
            expected,
            "a comparison in SQL does not go by bytes"
        );
    }
}
