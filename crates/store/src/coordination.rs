//! Leadership coordination (领导协调): the projection of `coordination.matter` and its reads —
//! a matter's events, the lists (all of a jurisdiction's, or those touching one department),
//! the numbering of new matters, the task → matter lookup and the dashboard's counts.

use oneseal_domain::coordination::{Matter, MatterEvent};
use oneseal_domain::org::DivisionCode;

use crate::sql::Conn;
use crate::{StoreError, params};

/// The columns of `coordination_matters` after its key (for `ledger verify`).
pub const MATTER_COLUMNS: [&str; 14] = [
    "jurisdiction",
    "kind",
    "status",
    "title",
    "leader",
    "raised_by",
    "raised_on",
    "due",
    "decided_on",
    "closed_on",
    "push_id",
    "parties",
    "tasks",
    "tasks_open",
];

fn corrupt(id: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("matter {id}: {e}"))
}

/// Applies one step of a matter: appends it, folds the matter, rewrites its rows.
pub(crate) fn apply(
    conn: &mut dyn Conn,
    jurisdiction: &DivisionCode,
    matter_id: &str,
    event: &MatterEvent,
) -> Result<(), StoreError> {
    let mut events = load_events(conn, matter_id)?;
    let body = serde_json::to_string(event).map_err(|e| corrupt(matter_id, e))?;
    conn.execute(
        "INSERT INTO coordination_events (matter_id, seq, body) VALUES (?, ?, ?)",
        params![matter_id, events.len() as u64 + 1, body],
    )?;
    events.push(event.clone());
    let m = Matter::apply(&events).map_err(|e| corrupt(matter_id, e))?;
    let r = &m.raised;
    let parties: String = m
        .parties()
        .iter()
        .fold(",".to_owned(), |s, d| format!("{s}{d},"));
    let open = m.tasks.iter().filter(|t| t.done.is_none()).count();
    conn.execute(
        "DELETE FROM coordination_matters WHERE matter_id = ?",
        params![matter_id],
    )?;
    conn.execute(
        "INSERT INTO coordination_matters (matter_id, jurisdiction, kind, status, title, leader, raised_by, raised_on, due, \
         decided_on, closed_on, push_id, parties, tasks, tasks_open) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        params![
            matter_id,
            jurisdiction.as_str(),
            r.kind.code(),
            m.status().code(),
            r.title.as_str(),
            r.leader.as_str(),
            r.raised_by.label(),
            r.raised_on.to_string(),
            r.due.to_string(),
            m.decision.as_ref().map(|d| d.on.to_string()),
            m.closed.as_ref().map(|c| c.on.to_string()),
            r.push_id.as_deref(),
            parties,
            m.tasks.len() as u64,
            open as u64
        ],
    )?;
    conn.execute(
        "DELETE FROM coordination_tasks WHERE matter_id = ?",
        params![matter_id],
    )?;
    for t in &m.tasks {
        conn.execute(
            "INSERT INTO coordination_tasks (task_id, matter_id, jurisdiction, assignee, due, done_on) VALUES (?, ?, ?, ?, ?, ?)",
            params![
                t.task_id.as_str(),
                matter_id,
                jurisdiction.as_str(),
                t.assignee.label(),
                t.due.to_string(),
                t.done.as_ref().map(|d| d.on.to_string())
            ],
        )?;
    }
    Ok(())
}

/// Every step of a matter, in order (none for an unknown id).
pub fn load_events(conn: &mut dyn Conn, matter_id: &str) -> Result<Vec<MatterEvent>, StoreError> {
    conn.query(
        "SELECT body FROM coordination_events WHERE matter_id = ? ORDER BY seq",
        params![matter_id],
    )?
    .into_iter()
    .map(|r| serde_json::from_str(&r.text(0)?).map_err(|e| corrupt(matter_id, e)))
    .collect()
}

/// The jurisdiction of a matter; `None` when there is no such matter.
pub fn jurisdiction_of(conn: &mut dyn Conn, matter_id: &str) -> Result<Option<String>, StoreError> {
    conn.query_one(
        "SELECT jurisdiction FROM coordination_matters WHERE matter_id = ?",
        params![matter_id],
    )?
    .map(|r| r.text(0))
    .transpose()
}

/// The matter a task belongs to; `None` when there is no such task.
pub fn matter_of_task(conn: &mut dyn Conn, task_id: &str) -> Result<Option<String>, StoreError> {
    conn.query_one(
        "SELECT matter_id FROM coordination_tasks WHERE task_id = ?",
        params![task_id],
    )?
    .map(|r| r.text(0))
    .transpose()
}

/// The matter taking up an escalated push; `None` when none does.
pub fn matter_of_push(conn: &mut dyn Conn, push_id: &str) -> Result<Option<String>, StoreError> {
    conn.query_one(
        "SELECT matter_id FROM coordination_matters WHERE push_id = ?",
        params![push_id],
    )?
    .map(|r| r.text(0))
    .transpose()
}

/// How many matters the jurisdiction has (the next one is numbered after them).
pub fn count(conn: &mut dyn Conn, jurisdiction: &str) -> Result<u64, StoreError> {
    conn.query_one(
        "SELECT COUNT(*) FROM coordination_matters WHERE jurisdiction = ?",
        params![jurisdiction],
    )?
    .map(|r| r.u64(0))
    .transpose()
    .map(Option::unwrap_or_default)
}

/// A matter as the lists show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MatterRow {
    pub matter_id: String,
    pub kind: String,
    pub status: String,
    /// Typed by whoever raised it: for the bureau and the departments concerned only.
    pub title: String,
    pub leader: String,
    pub raised_by: String,
    pub raised_on: String,
    pub due: String,
    pub decided_on: Option<String>,
    pub closed_on: Option<String>,
    pub push_id: Option<String>,
    pub tasks: i64,
    pub tasks_open: i64,
    /// Undecided after its due date.
    pub overdue: bool,
}

const COLUMNS: &str = "matter_id, kind, status, title, leader, raised_by, raised_on, due, decided_on, closed_on, push_id, tasks, tasks_open";

fn row(r: &crate::Row, today: &str) -> Result<MatterRow, StoreError> {
    let status = r.text(2)?;
    let due = r.text(7)?;
    Ok(MatterRow {
        overdue: status == "open" && due.as_str() < today,
        matter_id: r.text(0)?,
        kind: r.text(1)?,
        status,
        title: r.text(3)?,
        leader: r.text(4)?,
        raised_by: r.text(5)?,
        raised_on: r.text(6)?,
        due,
        decided_on: r.opt_text(8)?,
        closed_on: r.opt_text(9)?,
        push_id: r.opt_text(10)?,
        tasks: r.int(11)?,
        tasks_open: r.int(12)?,
    })
}

/// A jurisdiction's matters, newest first (at most `limit`), optionally only those touching
/// `department` and only those of `status`.
pub fn list(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    department: Option<&str>,
    status: Option<&str>,
    limit: u32,
    today: &str,
) -> Result<Vec<MatterRow>, StoreError> {
    let mut sql = format!("SELECT {COLUMNS} FROM coordination_matters WHERE jurisdiction = ?");
    let mut args: Vec<crate::Value> = params![jurisdiction].to_vec();
    if let Some(d) = department {
        sql.push_str(" AND parties LIKE ?");
        args.push(format!("%,{d},%").into());
    }
    if let Some(s) = status {
        sql.push_str(" AND status = ?");
        args.push(s.into());
    }
    sql.push_str(" ORDER BY matter_id DESC LIMIT ?");
    args.push(i64::from(limit).into());
    conn.query(&sql, &args)?
        .iter()
        .map(|r| row(r, today))
        .collect()
}

/// The dashboard's figures for one jurisdiction on `today`.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Counts {
    /// Not closed.
    pub open: i64,
    /// Undecided after the due date.
    pub overdue: i64,
    /// Tasks not done after their due date.
    pub tasks_overdue: i64,
}

pub fn counts(conn: &mut dyn Conn, jurisdiction: &str, today: &str) -> Result<Counts, StoreError> {
    fn one(conn: &mut dyn Conn, sql: &str, args: &[crate::Value]) -> Result<i64, StoreError> {
        Ok(conn
            .query_one(sql, args)?
            .map(|r| r.int(0))
            .transpose()?
            .unwrap_or(0))
    }
    Ok(Counts {
        open: one(
            conn,
            "SELECT COUNT(*) FROM coordination_matters WHERE jurisdiction = ? AND status <> 'closed'",
            params![jurisdiction],
        )?,
        overdue: one(
            conn,
            "SELECT COUNT(*) FROM coordination_matters WHERE jurisdiction = ? AND status = 'open' AND due < ?",
            params![jurisdiction, today],
        )?,
        tasks_overdue: one(
            conn,
            "SELECT COUNT(*) FROM coordination_tasks WHERE jurisdiction = ? AND done_on IS NULL AND due < ?",
            params![jurisdiction, today],
        )?,
    })
}
