//! Construction projects (工程建设项目, issue #20 item 3): the projection of `project.event` and its
//! reads — a project's events, the list of a jurisdiction's projects, the numbering of new
//! codes, which project a case belongs to, and a project's cases as `cases` has them.

use oneseal_domain::org::DivisionCode;
use oneseal_domain::project::{Project, ProjectEvent};

use crate::sql::Conn;
use crate::{StoreError, params};

/// The columns of `projects` after its key (for `ledger verify`).
pub const PROJECT_COLUMNS: [&str; 7] = [
    "jurisdiction",
    "name",
    "status",
    "stage",
    "registered_on",
    "due",
    "completed_on",
];

fn corrupt(code: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("project {code}: {e}"))
}

/// Applies one step of a project: appends it, folds the project, rewrites its rows.
pub(crate) fn apply(
    conn: &mut dyn Conn,
    jurisdiction: &DivisionCode,
    code: &str,
    event: &ProjectEvent,
) -> Result<(), StoreError> {
    let mut events = load_events(conn, code)?;
    let body = serde_json::to_string(event).map_err(|e| corrupt(code, e))?;
    conn.execute(
        "INSERT INTO project_events (code, seq, body) VALUES (?, ?, ?)",
        params![code, events.len() as u64 + 1, body],
    )?;
    events.push(event.clone());
    let p = Project::apply(&events).map_err(|e| corrupt(code, e))?;
    // The stage in hand: the latest opened and not completed.
    let stage = p
        .stages
        .iter()
        .rev()
        .find(|s| s.opened_on.is_some() && s.completed_on.is_none())
        .map(|s| s.stage.code());
    let completed = p
        .stages
        .last()
        .and_then(|s| s.completed_on)
        .map(|d| d.to_string());
    conn.execute("DELETE FROM projects WHERE code = ?", params![code])?;
    conn.execute(
        "INSERT INTO projects (code, jurisdiction, name, status, stage, registered_on, due, completed_on) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        params![
            code,
            jurisdiction.as_str(),
            p.registered.name.as_str(),
            p.status().code(),
            stage,
            p.registered.on.to_string(),
            p.due.map(|d| d.to_string()),
            completed
        ],
    )?;
    if let ProjectEvent::CaseLinked {
        stage, case_number, ..
    } = event
    {
        conn.execute(
            "INSERT INTO project_cases (case_number, code, stage) VALUES (?, ?, ?)",
            params![case_number.as_str(), code, stage.code()],
        )?;
    }
    Ok(())
}

/// Every step of a project, in order (none for an unknown code).
pub fn load_events(conn: &mut dyn Conn, code: &str) -> Result<Vec<ProjectEvent>, StoreError> {
    conn.query(
        "SELECT body FROM project_events WHERE code = ? ORDER BY seq",
        params![code],
    )?
    .into_iter()
    .map(|r| serde_json::from_str(&r.text(0)?).map_err(|e| corrupt(code, e)))
    .collect()
}

/// The jurisdiction of a project; `None` when there is no such project.
pub fn jurisdiction_of(conn: &mut dyn Conn, code: &str) -> Result<Option<String>, StoreError> {
    conn.query_one(
        "SELECT jurisdiction FROM projects WHERE code = ?",
        params![code],
    )?
    .map(|r| r.text(0))
    .transpose()
}

/// The project a case is linked to, if any.
pub fn project_of_case(
    conn: &mut dyn Conn,
    case_number: &str,
) -> Result<Option<String>, StoreError> {
    conn.query_one(
        "SELECT code FROM project_cases WHERE case_number = ?",
        params![case_number],
    )?
    .map(|r| r.text(0))
    .transpose()
}

/// How many projects the jurisdiction has (the next code is numbered after them).
pub fn count(conn: &mut dyn Conn, jurisdiction: &str) -> Result<u64, StoreError> {
    conn.query_one(
        "SELECT COUNT(*) FROM projects WHERE jurisdiction = ?",
        params![jurisdiction],
    )?
    .map(|r| r.u64(0))
    .transpose()
    .map(Option::unwrap_or_default)
}

/// Every project code of `jurisdiction`, in order (the dashboard folds each).
pub fn codes(conn: &mut dyn Conn, jurisdiction: &str) -> Result<Vec<String>, StoreError> {
    conn.query(
        "SELECT code FROM projects WHERE jurisdiction = ? ORDER BY code",
        params![jurisdiction],
    )?
    .iter()
    .map(|r| r.text(0))
    .collect()
}

/// A project as the list shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProjectRow {
    pub code: String,
    /// Typed by the bureau's staff: for the bureau's pages only.
    pub name: String,
    pub status: String,
    pub stage: Option<String>,
    pub registered_on: String,
    pub due: Option<String>,
    pub completed_on: Option<String>,
    pub cases: i64,
}

/// The jurisdiction's projects, newest first, at most `limit`.
pub fn list(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    limit: u32,
) -> Result<Vec<ProjectRow>, StoreError> {
    conn.query(
        "SELECT p.code, p.name, p.status, p.stage, p.registered_on, p.due, p.completed_on, \
         (SELECT COUNT(*) FROM project_cases c WHERE c.code = p.code) \
         FROM projects p WHERE p.jurisdiction = ? ORDER BY p.code DESC LIMIT ?",
        params![jurisdiction, i64::from(limit)],
    )?
    .iter()
    .map(|r| {
        Ok(ProjectRow {
            code: r.text(0)?,
            name: r.text(1)?,
            status: r.text(2)?,
            stage: r.opt_text(3)?,
            registered_on: r.text(4)?,
            due: r.opt_text(5)?,
            completed_on: r.opt_text(6)?,
            cases: r.int(7)?,
        })
    })
    .collect()
}

/// A case as a project reads it from `cases`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRow {
    pub case_number: String,
    pub jurisdiction: String,
    pub item_code: String,
    pub item_name: String,
    /// BLZT status code.
    pub status: i64,
    pub received_on: String,
    pub decided_on: Option<String>,
}

const CASE_COLUMNS: &str =
    "case_number, jurisdiction, item_code, item_name, status, received_on, decided_on";

fn case_row(r: &crate::sql::Row) -> Result<CaseRow, StoreError> {
    Ok(CaseRow {
        case_number: r.text(0)?,
        jurisdiction: r.text(1)?,
        item_code: r.text(2)?,
        item_name: r.text(3)?,
        status: r.int(4)?,
        received_on: r.text(5)?,
        decided_on: r.opt_text(6)?,
    })
}

/// One case by its number.
pub fn case(conn: &mut dyn Conn, case_number: &str) -> Result<Option<CaseRow>, StoreError> {
    conn.query_one(
        &format!("SELECT {CASE_COLUMNS} FROM cases WHERE case_number = ?"),
        params![case_number],
    )?
    .map(|r| case_row(&r))
    .transpose()
}

/// The cases linked to project `code`, by case number.
pub fn cases_of(conn: &mut dyn Conn, code: &str) -> Result<Vec<CaseRow>, StoreError> {
    conn.query(
        &format!(
            "SELECT {CASE_COLUMNS} FROM cases WHERE case_number IN \
             (SELECT case_number FROM project_cases WHERE code = ?) ORDER BY case_number"
        ),
        params![code],
    )?
    .iter()
    .map(case_row)
    .collect()
}

/// `j`'s cases of `item_code`, oldest first, at most `limit` (the demo's project is made of
/// them).
pub fn cases_of_item(
    conn: &mut dyn Conn,
    j: &str,
    item_code: &str,
    limit: u32,
) -> Result<Vec<CaseRow>, StoreError> {
    conn.query(
        &format!(
            "SELECT {CASE_COLUMNS} FROM cases WHERE jurisdiction = ? AND item_code = ? \
             ORDER BY received_on, case_number LIMIT ?"
        ),
        params![j, item_code, i64::from(limit)],
    )?
    .iter()
    .map(case_row)
    .collect()
}
