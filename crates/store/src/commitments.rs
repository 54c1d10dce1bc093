//! 告知承诺制's verifications (issue #19 item 5): the projection of `commitment.verification`
//! and its reads.
//!
//! `apply` keeps each case's verification events (`commitment_events`) and its row as the
//! events leave it (`commitments`, migration 44); both are projections, rebuilt and compared by
//! `ledger verify`. A row whose status is `false` is the applicant's credit record (失信记录):
//! read by staff only. The finding is private free text (`domain::commitment`).

use oneseal_domain::commitment::{CommitmentEvent, Verification};
use oneseal_domain::org::DivisionCode;
use serde::Serialize;

use crate::sql::{Conn, Row};
use crate::{StoreError, params};

/// A projected table as `projection::PROJECTED_TABLES` lists it: table, key, other columns.
pub type Table = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);

/// `commitment_events`: each case's verification events in order.
pub const PROJECTED_EVENTS: Table = ("commitment_events", &["case_number", "seq"], &["body"]);

/// `commitments`: one row per case.
pub const PROJECTED_ROWS: Table = (
    "commitments",
    &["case_number"],
    &[
        "jurisdiction",
        "item_code",
        "licence_id",
        "push_id",
        "department",
        "status",
        "text_sha256",
        "asked_on",
        "due_on",
        "answered_on",
        "answered_by",
        "finding",
        "late",
    ],
);

/// Applies one verification event to the tables.
pub(crate) fn apply(
    conn: &mut dyn Conn,
    jurisdiction: &DivisionCode,
    case_number: &str,
    event: &CommitmentEvent,
) -> Result<(), StoreError> {
    let corrupt = |e: String| StoreError::Corrupt(format!("commitment {case_number}: {e}"));
    let mut events = load_events(conn, case_number)?;
    let body = serde_json::to_string(event).map_err(|e| corrupt(e.to_string()))?;
    conn.execute(
        "INSERT INTO commitment_events (case_number, seq, body) VALUES (?, ?, ?)",
        params![case_number, events.len() as u64 + 1, body],
    )?;
    events.push(event.clone());
    let v = Verification::apply(&events).map_err(|e| corrupt(e.to_string()))?;
    let a = &v.asked;
    let answer = v.answer.as_ref();
    let status = answer.map_or("awaiting", |x| x.verdict.code());
    conn.execute(
        "DELETE FROM commitments WHERE case_number = ?",
        params![case_number],
    )?;
    conn.execute(
        "INSERT INTO commitments (case_number, jurisdiction, item_code, licence_id, push_id, department, status, \
         text_sha256, asked_on, due_on, answered_on, answered_by, finding, late) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        params![
            case_number,
            jurisdiction.as_str(),
            a.item_code.as_str(),
            a.licence_id.as_deref(),
            a.push_id.as_deref(),
            a.department.as_ref().map(|d| d.as_str()),
            status,
            a.text_sha256.as_str(),
            a.asked_on.to_string(),
            a.due_on.to_string(),
            answer.map(|x| x.on.to_string()),
            answer.map(|x| x.by.label()),
            answer.map(|x| x.finding.as_str()),
            answer.is_some_and(|x| x.late)
        ],
    )?;
    Ok(())
}

/// Every verification event of a case, in order.
pub fn load_events(
    conn: &mut dyn Conn,
    case_number: &str,
) -> Result<Vec<CommitmentEvent>, StoreError> {
    conn.query(
        "SELECT body FROM commitment_events WHERE case_number = ? ORDER BY seq",
        params![case_number],
    )?
    .into_iter()
    .map(|r| {
        serde_json::from_str(&r.text(0)?)
            .map_err(|e| StoreError::Corrupt(format!("commitment {case_number}: {e}")))
    })
    .collect()
}

/// One verification as the tables hold it, with its licence's status.
#[derive(Debug, Clone, Serialize)]
pub struct CommitmentRow {
    pub case_number: String,
    pub jurisdiction: String,
    pub item_code: String,
    pub licence_id: Option<String>,
    pub push_id: Option<String>,
    pub department: Option<String>,
    /// `awaiting`, `verified` or `false`.
    pub status: String,
    pub text_sha256: String,
    pub asked_on: String,
    pub due_on: String,
    pub answered_on: Option<String>,
    pub answered_by: Option<String>,
    pub finding: Option<String>,
    pub late: bool,
    /// The licence's status code (`valid`, `revoked`, …) when the licence is known.
    pub licence_status: Option<String>,
}

const COLUMNS: &str = "c.case_number, c.jurisdiction, c.item_code, c.licence_id, c.push_id, c.department, \
     c.status, c.text_sha256, c.asked_on, c.due_on, c.answered_on, c.answered_by, c.finding, c.late, l.status";

const FROM: &str = "commitments c LEFT JOIN licences l ON l.licence_id = c.licence_id";

fn decode(r: &Row) -> Result<CommitmentRow, StoreError> {
    Ok(CommitmentRow {
        case_number: r.text(0)?,
        jurisdiction: r.text(1)?,
        item_code: r.text(2)?,
        licence_id: r.opt_text(3)?,
        push_id: r.opt_text(4)?,
        department: r.opt_text(5)?,
        status: r.text(6)?,
        text_sha256: r.text(7)?,
        asked_on: r.text(8)?,
        due_on: r.text(9)?,
        answered_on: r.opt_text(10)?,
        answered_by: r.opt_text(11)?,
        finding: r.opt_text(12)?,
        late: r.int(13)? != 0,
        licence_status: r.opt_text(14)?,
    })
}

/// A department's verification tasks in a jurisdiction, newest first, at most `limit`; only the
/// unanswered ones when `open_only`.
pub fn for_department(
    conn: &mut dyn Conn,
    j: &DivisionCode,
    department: &str,
    open_only: bool,
    limit: u32,
) -> Result<Vec<CommitmentRow>, StoreError> {
    let open = if open_only {
        " AND c.status = 'awaiting'"
    } else {
        ""
    };
    conn.query(
        &format!(
            "SELECT {COLUMNS} FROM {FROM} WHERE c.jurisdiction = ? AND c.department = ?{open} \
             ORDER BY c.case_number DESC LIMIT ?"
        ),
        params![j.as_str(), department, limit],
    )?
    .iter()
    .map(decode)
    .collect()
}

/// A jurisdiction's verifications, newest first, at most `limit`; only those of `status` when
/// given (`false`: the credit records).
pub fn for_bureau(
    conn: &mut dyn Conn,
    j: &DivisionCode,
    status: Option<&str>,
    limit: u32,
) -> Result<Vec<CommitmentRow>, StoreError> {
    let rows = match status {
        Some(s) => conn.query(
            &format!(
                "SELECT {COLUMNS} FROM {FROM} WHERE c.jurisdiction = ? AND c.status = ? \
                 ORDER BY c.case_number DESC LIMIT ?"
            ),
            params![j.as_str(), s, limit],
        )?,
        None => conn.query(
            &format!(
                "SELECT {COLUMNS} FROM {FROM} WHERE c.jurisdiction = ? \
                 ORDER BY c.case_number DESC LIMIT ?"
            ),
            params![j.as_str(), limit],
        )?,
    };
    rows.iter().map(decode).collect()
}

/// One case's verification row.
pub fn row(conn: &mut dyn Conn, case_number: &str) -> Result<Option<CommitmentRow>, StoreError> {
    conn.query_one(
        &format!("SELECT {COLUMNS} FROM {FROM} WHERE c.case_number = ?"),
        params![case_number],
    )?
    .as_ref()
    .map(decode)
    .transpose()
}
