//! Joint review (会签 / 联合审查): the projection of `consultation.event` and its reads.
//!
//! `apply` keeps each consultation's events (`consultation_events`) and its row as the events
//! leave it (`consultations`, migration 36); both are projections, rebuilt and compared by
//! `ledger verify`. The question and the opinion's text are private free text: they live in
//! these tables and never in a public ledger entry (`domain::consultation`).

use oneseal_domain::consultation::{Consultation, ConsultationEvent};
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

/// `consultation_events`: each consultation's events in order.
pub const PROJECTED_EVENTS: Table = (
    "consultation_events",
    &["consultation_id", "seq"],
    &["body"],
);

/// `consultations`: one row per consultation.
pub const PROJECTED_ROWS: Table = (
    "consultations",
    &["consultation_id"],
    &[
        "jurisdiction",
        "case_number",
        "item_code",
        "department",
        "status",
        "question",
        "asked_by",
        "asked_on",
        "due_working_days",
        "due_on",
        "escalate_on",
        "reminded_on",
        "escalated_on",
        "answered_on",
        "answered_by",
        "opinion",
        "answer_text",
        "attachments",
        "late",
    ],
);

/// Applies one consultation event to the tables.
pub(crate) fn apply(
    conn: &mut dyn Conn,
    jurisdiction: &DivisionCode,
    id: &str,
    event: &ConsultationEvent,
) -> Result<(), StoreError> {
    let corrupt = |e: String| StoreError::Corrupt(format!("consultation {id}: {e}"));
    let mut events = load_events(conn, id)?;
    let body = serde_json::to_string(event).map_err(|e| corrupt(e.to_string()))?;
    conn.execute(
        "INSERT INTO consultation_events (consultation_id, seq, body) VALUES (?, ?, ?)",
        params![id, events.len() as u64 + 1, body],
    )?;
    events.push(event.clone());
    let c = Consultation::apply(&events).map_err(|e| corrupt(e.to_string()))?;
    let a = &c.asked;
    let date = |d: Option<time::Date>| d.map(|d| d.to_string());
    let answer = c.answer.as_ref();
    let attachments = answer
        .map(|x| serde_json::to_string(&x.attachments))
        .transpose()
        .map_err(|e| corrupt(e.to_string()))?;
    conn.execute(
        "DELETE FROM consultations WHERE consultation_id = ?",
        params![id],
    )?;
    conn.execute(
        "INSERT INTO consultations (consultation_id, jurisdiction, case_number, item_code, department, status, question, \
         asked_by, asked_on, due_working_days, due_on, escalate_on, reminded_on, escalated_on, answered_on, answered_by, \
         opinion, answer_text, attachments, late) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        params![
            id,
            jurisdiction.as_str(),
            a.case_number.as_str(),
            a.item_code.as_str(),
            a.department.as_str(),
            c.status().code(),
            a.question.as_str(),
            a.asked_by.as_str(),
            a.asked_on.to_string(),
            a.due_working_days,
            a.due_on.to_string(),
            a.escalate_on.to_string(),
            date(c.reminded_on),
            date(c.escalated_on),
            date(answer.map(|x| x.on)),
            answer.map(|x| x.by.label()),
            answer.map(|x| x.opinion.code()),
            answer.map(|x| x.text.as_str()),
            attachments,
            answer.is_some_and(|x| x.late)
        ],
    )?;
    Ok(())
}

/// Every event of a consultation, in order.
pub fn load_events(conn: &mut dyn Conn, id: &str) -> Result<Vec<ConsultationEvent>, StoreError> {
    conn.query(
        "SELECT body FROM consultation_events WHERE consultation_id = ? ORDER BY seq",
        params![id],
    )?
    .into_iter()
    .map(|r| {
        serde_json::from_str(&r.text(0)?)
            .map_err(|e| StoreError::Corrupt(format!("consultation {id}: {e}")))
    })
    .collect()
}

/// One consultation as the tables hold it.
#[derive(Debug, Clone, Serialize)]
pub struct ConsultationRow {
    pub consultation_id: String,
    pub jurisdiction: String,
    pub case_number: String,
    pub item_code: String,
    pub department: String,
    pub status: String,
    pub question: String,
    pub asked_by: String,
    pub asked_on: String,
    pub due_working_days: i64,
    pub due_on: String,
    pub escalate_on: String,
    pub reminded_on: Option<String>,
    pub escalated_on: Option<String>,
    pub answered_on: Option<String>,
    pub answered_by: Option<String>,
    pub opinion: Option<String>,
    pub answer_text: Option<String>,
    pub attachments: Vec<String>,
    pub late: bool,
}

const COLUMNS: &str = "consultation_id, jurisdiction, case_number, item_code, department, status, question, \
     asked_by, asked_on, due_working_days, due_on, escalate_on, reminded_on, escalated_on, answered_on, answered_by, \
     opinion, answer_text, attachments, late";

fn decode(r: &Row) -> Result<ConsultationRow, StoreError> {
    let attachments = r
        .opt_text(18)?
        .map(|t| serde_json::from_str(&t))
        .transpose()
        .map_err(|e| StoreError::Corrupt(format!("consultation attachments: {e}")))?
        .unwrap_or_default();
    Ok(ConsultationRow {
        consultation_id: r.text(0)?,
        jurisdiction: r.text(1)?,
        case_number: r.text(2)?,
        item_code: r.text(3)?,
        department: r.text(4)?,
        status: r.text(5)?,
        question: r.text(6)?,
        asked_by: r.text(7)?,
        asked_on: r.text(8)?,
        due_working_days: r.int(9)?,
        due_on: r.text(10)?,
        escalate_on: r.text(11)?,
        reminded_on: r.opt_text(12)?,
        escalated_on: r.opt_text(13)?,
        answered_on: r.opt_text(14)?,
        answered_by: r.opt_text(15)?,
        opinion: r.opt_text(16)?,
        answer_text: r.opt_text(17)?,
        attachments,
        late: r.int(19)? != 0,
    })
}

/// A case's consultations, in the order asked.
pub fn for_case(
    conn: &mut dyn Conn,
    case_number: &str,
) -> Result<Vec<ConsultationRow>, StoreError> {
    conn.query(
        &format!(
            "SELECT {COLUMNS} FROM consultations WHERE case_number = ? ORDER BY consultation_id"
        ),
        params![case_number],
    )?
    .iter()
    .map(decode)
    .collect()
}

/// A department's consultations in a jurisdiction, newest first, at most `limit`; only the
/// unanswered ones when `open_only`.
pub fn for_department(
    conn: &mut dyn Conn,
    j: &DivisionCode,
    department: &str,
    open_only: bool,
    limit: u32,
) -> Result<Vec<ConsultationRow>, StoreError> {
    let open = if open_only {
        " AND status = 'awaiting'"
    } else {
        ""
    };
    conn.query(
        &format!(
            "SELECT {COLUMNS} FROM consultations WHERE jurisdiction = ? AND department = ?{open} \
             ORDER BY consultation_id DESC LIMIT ?"
        ),
        params![j.as_str(), department, limit],
    )?
    .iter()
    .map(decode)
    .collect()
}

/// One consultation's row.
pub fn row(conn: &mut dyn Conn, id: &str) -> Result<Option<ConsultationRow>, StoreError> {
    conn.query_one(
        &format!("SELECT {COLUMNS} FROM consultations WHERE consultation_id = ?"),
        params![id],
    )?
    .as_ref()
    .map(decode)
    .transpose()
}

/// The ids (and jurisdictions) of every consultation still awaiting its opinion.
pub fn awaiting(conn: &mut dyn Conn) -> Result<Vec<(String, String)>, StoreError> {
    conn.query(
        "SELECT consultation_id, jurisdiction FROM consultations WHERE status = 'awaiting' ORDER BY consultation_id",
        params![],
    )?
    .into_iter()
    .map(|r| Ok((r.text(0)?, r.text(1)?)))
    .collect()
}

/// The greatest consultation id between `first` and `last` (a jurisdiction's serials).
pub fn latest_id(c: &mut dyn Conn, first: &str, last: &str) -> Result<Option<String>, StoreError> {
    Ok(c.query_one(
        "SELECT MAX(consultation_id) FROM consultations WHERE consultation_id >= ? AND consultation_id <= ?",
        params![first, last],
    )?
    .map(|r| r.opt_text(0))
    .transpose()?
    .flatten())
}

/// The case's status code (BLZT), if the case is known.
pub fn case_status(c: &mut dyn Conn, case_number: &str) -> Result<Option<i64>, StoreError> {
    c.query_one(
        "SELECT status FROM cases WHERE case_number = ?",
        params![case_number],
    )?
    .map(|r| r.int(0))
    .transpose()
}
