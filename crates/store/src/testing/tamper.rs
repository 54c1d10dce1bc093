//! Writes that bypass the events: each one leaves the database in a state no command could,
//! as an attacker with the database file, a botched restore or a forked writer would.
//!
//! A test calling one of these on a `TestApp` calls `app.expect_corrupted()` too, unless the
//! change is one `ledger verify` cannot see (e.g. a secret's stored form).

use crate::sql::Conn;
use crate::{StoreError, params};

/// Gives a staff member other roles in the `staff` table only (no event says so).
pub fn set_staff_roles(conn: &mut dyn Conn, staff_id: &str, roles: &str) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE staff SET roles = ? WHERE id = ?",
        params![roles, staff_id],
    )?;
    Ok(())
}

/// Removes a hall window's row.
pub fn delete_hall_window(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    code: &str,
) -> Result<(), StoreError> {
    conn.execute(
        "DELETE FROM hall_windows WHERE jurisdiction = ? AND code = ?",
        params![jurisdiction, code],
    )?;
    Ok(())
}

/// A department row that no event registered.
#[derive(Debug, Clone)]
pub struct GhostDepartment<'a> {
    pub jurisdiction: &'a str,
    pub code: &'a str,
    pub name_zh: &'a str,
    pub name_en: &'a str,
    pub kind: &'a str,
}

/// Inserts a department row that no event registered.
pub fn insert_department(conn: &mut dyn Conn, d: &GhostDepartment<'_>) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO departments (jurisdiction, code, name_zh, name_en, kind) VALUES (?, ?, ?, ?, ?)",
        params![d.jurisdiction, d.code, d.name_zh, d.name_en, d.kind],
    )?;
    Ok(())
}

/// Overwrites the public entry at `idx` of `log` (its tree nodes stay as they were).
pub fn replace_entry(
    conn: &mut dyn Conn,
    log: &str,
    idx: u64,
    entry: Vec<u8>,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE ledger_entries SET entry = ? WHERE log = ? AND idx = ?",
        params![entry, log, idx],
    )?;
    Ok(())
}

/// Overwrites the stored hash of the tree node at `level`, `idx` of `log`.
pub fn replace_node(
    conn: &mut dyn Conn,
    log: &str,
    level: u8,
    idx: u64,
    hash: [u8; 32],
) -> Result<(), StoreError> {
    let id = node_row(conn, log, level, idx)?;
    conn.execute(
        "UPDATE ledger_nodes SET hash = ? WHERE id = ?",
        params![hash.to_vec(), id],
    )?;
    Ok(())
}

/// The row key of a node (rows hold only their key and hash: migration 58).
fn node_row(conn: &mut dyn Conn, log: &str, level: u8, idx: u64) -> Result<i64, StoreError> {
    let log_id = crate::log::log_id(conn, log)?
        .ok_or_else(|| StoreError::Corrupt(format!("no log {log}")))?;
    crate::log::node_key(log_id, &oneseal_ledger::NodeId::new(level, idx))
}

/// Deletes the stored tree node at `level`, `idx` of `log`.
pub fn delete_node(conn: &mut dyn Conn, log: &str, level: u8, idx: u64) -> Result<(), StoreError> {
    let id = node_row(conn, log, level, idx)?;
    conn.execute("DELETE FROM ledger_nodes WHERE id = ?", params![id])?;
    Ok(())
}

/// Stores a tree node the log does not have (level 0, at `idx`, completed beyond the head).
pub fn insert_stray_leaf(conn: &mut dyn Conn, log: &str, idx: u64) -> Result<(), StoreError> {
    let log_id = crate::log::log_id(conn, log)?
        .ok_or_else(|| StoreError::Corrupt(format!("no log {log}")))?;
    let id = crate::log::node_key(log_id, &oneseal_ledger::NodeId::leaf(idx))?;
    conn.execute(
        "INSERT INTO ledger_nodes (id, hash) VALUES (?, ?)",
        params![id, vec![7u8; 32]],
    )?;
    Ok(())
}

/// Overwrites the private payload (`body`) of the entry at `idx` of `log`.
pub fn replace_body(
    conn: &mut dyn Conn,
    log: &str,
    idx: u64,
    body: Vec<u8>,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE ledger_entries SET body = ? WHERE log = ? AND idx = ?",
        params![body, log, idx],
    )?;
    Ok(())
}

/// What a restore from an older backup leaves: the entries from `keep` on are gone, the head
/// says `keep`, and the log's checkpoints are gone with them.
pub fn roll_back_log(conn: &mut dyn Conn, log: &str, keep: u64) -> Result<(), StoreError> {
    conn.execute(
        "DELETE FROM ledger_entries WHERE log = ? AND idx >= ?",
        params![log, keep],
    )?;
    conn.execute(
        "UPDATE ledger_heads SET size = ? WHERE log = ?",
        params![keep, log],
    )?;
    conn.execute("DELETE FROM checkpoints WHERE log = ?", params![log])?;
    Ok(())
}

/// Moves a log's head back by `by` entries and leaves the entries in place.
pub fn shrink_head(conn: &mut dyn Conn, log: &str, by: u64) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE ledger_heads SET size = size - ? WHERE log = ?",
        params![by, log],
    )?;
    Ok(())
}

/// Rewrites a log's stored head root (same size), as a forked writer would.
pub fn set_head_root(conn: &mut dyn Conn, log: &str, root: [u8; 32]) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE ledger_heads SET root = ? WHERE log = ?",
        params![root.to_vec(), log],
    )?;
    Ok(())
}

/// Deletes an alert row.
pub fn delete_alert(conn: &mut dyn Conn, alert_id: &str) -> Result<(), StoreError> {
    conn.execute("DELETE FROM alerts WHERE alert_id = ?", params![alert_id])?;
    Ok(())
}

/// An open alert row that no rule run raised.
#[derive(Debug, Clone)]
pub struct ForgedAlert<'a> {
    pub alert_id: &'a str,
    pub jurisdiction: &'a str,
    pub rule_id: &'a str,
    pub subject: &'a str,
    pub message_zh: &'a str,
    pub raised_on: &'a str,
}

/// Inserts an open alert (rule version 1, hash `x`, indexes 0) that no rule run raised.
pub fn insert_alert(conn: &mut dyn Conn, a: &ForgedAlert<'_>) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO alerts (alert_id, jurisdiction, rule_id, rule_version, rule_hash, subject, message_zh, from_index, at_index, raised_on, status) \
         VALUES (?, ?, ?, 1, 'x', ?, ?, 0, 0, ?, 'open')",
        params![a.alert_id, a.jurisdiction, a.rule_id, a.subject, a.message_zh, a.raised_on],
    )?;
    Ok(())
}

/// Sets every webhook's stored secret to `secret` as given (an earlier version stored it
/// in plain text).
pub fn set_webhook_secrets(conn: &mut dyn Conn, secret: &str) -> Result<(), StoreError> {
    conn.execute("UPDATE webhooks SET secret = ?", params![secret])?;
    Ok(())
}

/// Leaves the case queue's columns and name index as migration 15 finds a database written
/// before it: the columns empty, no name pieces, nothing in SQLite's name index.
pub fn forget_case_queue_columns(conn: &mut dyn Conn) -> Result<(), StoreError> {
    if conn.backend() == crate::Backend::Sqlite {
        conn.execute(
            "INSERT INTO case_names (case_names) VALUES ('delete-all')",
            &[],
        )?;
    }
    conn.execute(
        "UPDATE cases SET search_key = NULL, channel = NULL, assignee = NULL, decided_on = NULL, \
         applicant_name = NULL, applicant_id = NULL",
        &[],
    )?;
    conn.execute("DELETE FROM case_name_pairs", &[])?;
    Ok(())
}

/// Adds one to the `decided` counter of the first `case_tallies` row of `jurisdiction` (no step
/// says so); returns the row's key as `ledger verify` prints it (`jurisdiction/day/item/person`).
pub fn bump_case_tally(conn: &mut dyn Conn, jurisdiction: &str) -> Result<String, StoreError> {
    let row = conn
        .query_one(
            "SELECT day, item, person FROM case_tallies WHERE jurisdiction = ? \
             ORDER BY day, item, person LIMIT 1",
            params![jurisdiction],
        )?
        .ok_or_else(|| StoreError::Corrupt("no tally row to tamper with".into()))?;
    let (day, item, person) = (row.text(0)?, row.text(1)?, row.text(2)?);
    conn.execute(
        "UPDATE case_tallies SET decided = decided + 1 \
         WHERE jurisdiction = ? AND day = ? AND item = ? AND person = ?",
        params![jurisdiction, day.as_str(), item.as_str(), person.as_str()],
    )?;
    Ok(format!("{jurisdiction}/{day}/{item}/{person}"))
}

/// Leaves `case_tallies` as migration 25 finds a database written before migration 24: empty.
pub fn forget_case_tallies(conn: &mut dyn Conn) -> Result<(), StoreError> {
    conn.execute("DELETE FROM case_tallies", &[])?;
    Ok(())
}

/// Leaves `case_events` as a database written before migration 59 holds it: a table of plain
/// JSON bodies (text, keyed with a rowid, on SQLite; on PostgreSQL the plain bytes in a BYTEA
/// column, since a text column would change the type the server's prepared statements
/// expect), and migration 59 not recorded, so that the next `migrate::run` packs it again.
pub fn unpack_case_events(conn: &mut dyn Conn) -> Result<(), StoreError> {
    let sqlite = conn.backend() == crate::Backend::Sqlite;
    // The columns as migration 67 left them: PostgreSQL's text "C", or the readers' prepared
    // statements would see their result types change under them.
    let (text, body) = if sqlite {
        ("TEXT", "TEXT")
    } else {
        ("TEXT COLLATE \"C\"", "BYTEA")
    };
    conn.batch(&format!(
        "CREATE TABLE case_events_plain (case_number {text} NOT NULL, seq BIGINT NOT NULL, \
         kind {text} NOT NULL, body {body} NOT NULL, PRIMARY KEY (case_number, seq))"
    ))?;
    for r in conn.query("SELECT case_number, seq, kind, body FROM case_events", &[])? {
        let json = crate::case_rows::event_text_at(&r, 3)?;
        let body = if sqlite {
            crate::Value::from(json)
        } else {
            crate::Value::from(json.into_bytes())
        };
        conn.execute(
            "INSERT INTO case_events_plain (case_number, seq, kind, body) VALUES (?, ?, ?, ?)",
            params![r.text(0)?, r.int(1)?, r.text(2)?, body],
        )?;
    }
    conn.batch("DROP TABLE case_events; ALTER TABLE case_events_plain RENAME TO case_events")?;
    conn.execute("DELETE FROM schema_migrations WHERE version = 59", &[])?;
    Ok(())
}

/// Replaces `from` by `to` in the JSON of event `seq` of case `number`, stored packed as the
/// projection stores it (an edit behind the system's back that only unpacking shows).
pub fn edit_case_event(
    conn: &mut dyn Conn,
    number: &str,
    seq: i64,
    from: &str,
    to: &str,
) -> Result<(), StoreError> {
    let row = conn
        .query_one(
            "SELECT body FROM case_events WHERE case_number = ? AND seq = ?",
            params![number, seq],
        )?
        .ok_or_else(|| StoreError::Corrupt(format!("no event {seq} of case {number}")))?;
    let json = crate::case_rows::event_text_at(&row, 0)?;
    if !json.contains(from) {
        return Err(StoreError::Corrupt(format!("event {seq} holds no {from}")));
    }
    conn.execute(
        "UPDATE case_events SET body = ? WHERE case_number = ? AND seq = ?",
        params![
            crate::case_rows::pack_event(&json.replacen(from, to, 1)),
            number,
            seq
        ],
    )?;
    Ok(())
}

/// Moves the end of case `number`'s ban of `article` to `until` (an ISO date) in
/// `applicant_bans` only; returns how many rows changed.
pub fn set_ban_until(
    conn: &mut dyn Conn,
    number: &str,
    article: &str,
    until: &str,
) -> Result<u64, StoreError> {
    conn.execute(
        "UPDATE applicant_bans SET until = ? WHERE case_number = ? AND article = ?",
        params![until, number, article],
    )
}

/// Deletes every recorded ban (`applicant_bans`) and nothing else; returns how many.
pub fn delete_applicant_bans(conn: &mut dyn Conn) -> Result<u64, StoreError> {
    conn.execute("DELETE FROM applicant_bans", &[])
}

/// Leaves the bans as a database written before migration 60 has them: no `applicant_bans`
/// table and the migration not recorded, so that the next `migrate::run` makes and fills it.
pub fn forget_applicant_bans(conn: &mut dyn Conn) -> Result<(), StoreError> {
    conn.batch("DROP TABLE applicant_bans")?;
    conn.execute("DELETE FROM schema_migrations WHERE version = 60", &[])?;
    Ok(())
}

/// Adds one to the first push counter of a jurisdiction; returns its `department/status`.
pub fn bump_push_tally(conn: &mut dyn Conn, jurisdiction: &str) -> Result<String, StoreError> {
    let row = conn
        .query_one(
            "SELECT department, status FROM push_tallies WHERE jurisdiction = ? \
             ORDER BY department, status LIMIT 1",
            params![jurisdiction],
        )?
        .ok_or_else(|| StoreError::Corrupt("no push tally to tamper with".into()))?;
    let (department, status) = (row.text(0)?, row.text(1)?);
    conn.execute(
        "UPDATE push_tallies SET pushes = pushes + 1 \
         WHERE jurisdiction = ? AND department = ? AND status = ?",
        params![jurisdiction, department.as_str(), status.as_str()],
    )?;
    Ok(format!("{department}/{status}"))
}

/// Adds one to the first alert counter of a jurisdiction; returns its day.
pub fn bump_alert_tally(conn: &mut dyn Conn, jurisdiction: &str) -> Result<String, StoreError> {
    let day = conn
        .query_one(
            "SELECT MIN(day) FROM alert_tallies WHERE jurisdiction = ?",
            params![jurisdiction],
        )?
        .and_then(|r| r.opt_text(0).transpose())
        .transpose()?
        .ok_or_else(|| StoreError::Corrupt("no alert tally to tamper with".into()))?;
    conn.execute(
        "UPDATE alert_tallies SET alerts = alerts + 1 WHERE jurisdiction = ? AND day = ?",
        params![jurisdiction, day.as_str()],
    )?;
    Ok(day)
}

/// Leaves the schema as a database written before migrations 61 and 62: no push or alert
/// counters, no index `pushes_awaiting`, the two migrations not recorded (the next
/// `migrate::run` applies them again).
pub fn forget_push_and_alert_tallies(conn: &mut dyn Conn) -> Result<(), StoreError> {
    conn.batch(
        "DROP INDEX pushes_awaiting; DROP TABLE push_tallies; DROP TABLE alert_tallies; \
         DELETE FROM schema_migrations WHERE version IN (61, 62)",
    )
}

/// Adds one to the first month row of `jurisdiction` in `case_tallies_monthly` (`decided`),
/// `alert_tallies_monthly` and `alert_status_tallies`, their day rows and alerts left alone;
/// returns the two months changed (case, alert) and the status.
pub fn bump_month_tallies(
    conn: &mut dyn Conn,
    jurisdiction: &str,
) -> Result<(String, String, String), StoreError> {
    let mut first = |sql: &str| -> Result<String, StoreError> {
        conn.query_one(sql, params![jurisdiction])?
            .and_then(|r| r.opt_text(0).transpose())
            .transpose()?
            .ok_or_else(|| StoreError::Corrupt("no month row to tamper with".into()))
    };
    let case_month = first("SELECT MIN(month) FROM case_tallies_monthly WHERE jurisdiction = ?")?;
    let alert_month = first("SELECT MIN(month) FROM alert_tallies_monthly WHERE jurisdiction = ?")?;
    let status = first("SELECT MIN(status) FROM alert_status_tallies WHERE jurisdiction = ?")?;
    conn.execute(
        "UPDATE case_tallies_monthly SET decided = decided + 1 WHERE jurisdiction = ? AND month = ?",
        params![jurisdiction, case_month.as_str()],
    )?;
    conn.execute(
        "UPDATE alert_tallies_monthly SET alerts = alerts + 1 WHERE jurisdiction = ? AND month = ?",
        params![jurisdiction, alert_month.as_str()],
    )?;
    conn.execute(
        "UPDATE alert_status_tallies SET alerts = alerts + 1 WHERE jurisdiction = ? AND status = ?",
        params![jurisdiction, status.as_str()],
    )?;
    Ok((case_month, alert_month, status))
}

/// Leaves the schema as a database written before migrations 63 and 64: no month roll-ups, no
/// alert status counters, no indexes `alerts_open_rule` and `pushes_unmapped`, the two
/// migrations not recorded (the next `migrate::run` applies them again).
pub fn forget_month_tallies(conn: &mut dyn Conn) -> Result<(), StoreError> {
    conn.batch(
        "DROP INDEX alerts_open_rule; DROP INDEX pushes_unmapped; \
         DROP TABLE case_tallies_monthly; DROP TABLE alert_tallies_monthly; \
         DROP TABLE alert_status_tallies; \
         DELETE FROM schema_migrations WHERE version IN (63, 64)",
    )
}
