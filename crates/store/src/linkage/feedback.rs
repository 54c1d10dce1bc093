//! Departments' feedback as the server reads it: the lists, the retry of a reference already
//! used, the numbering of new feedback, the open policy reviews, and the facts a policy change's
//! impact is computed from (items and their legal basis, valid licences, open cases).

use oneseal_domain::linkage::{FeedbackBody, Impact};
use oneseal_domain::org::{DepartmentCode, DivisionCode};

use crate::sql::Conn;
use crate::{StoreError, params};

/// One piece of feedback as the lists show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FeedbackRow {
    pub feedback_id: String,
    pub department: String,
    pub external_ref: String,
    pub kind: String,
    pub licence_id: Option<String>,
    pub body: Option<FeedbackBody>,
    pub impact: Option<Impact>,
    pub review_status: Option<String>,
    pub review_explanation: Option<String>,
    pub reviewed_by: Option<String>,
    /// Who holds the licence the feedback is about, as its issue recorded the holder's public
    /// label: an organisation's name, or `个人申请人` for a natural person (never a person's
    /// name, so the list may be shown wherever the licence number is).
    pub licensee: Option<String>,
}

impl FeedbackRow {
    pub fn kind_zh(&self) -> &'static str {
        self.body.as_ref().map_or("", FeedbackBody::name_zh)
    }

    /// A one-line summary for lists (no personal data beyond what the department sent).
    pub fn summary(&self) -> String {
        match &self.body {
            Some(FeedbackBody::SupervisionRecord { summary, .. })
            | Some(FeedbackBody::Penalty { summary, .. })
            | Some(FeedbackBody::ViolationNotice { summary, .. }) => summary.clone(),
            Some(FeedbackBody::PolicyChange {
                law,
                articles,
                summary,
                ..
            }) => {
                format!(
                    "《{}》{}：{summary}",
                    law.trim_matches(['《', '》']),
                    articles.join("、")
                )
            }
            None => String::new(),
        }
    }

    pub fn review_open(&self) -> bool {
        self.review_status.as_deref() == Some("open")
    }
}

const FEEDBACK_COLUMNS: &str = "f.feedback_id, f.department, f.external_ref, f.kind, f.licence_id, f.body, f.impact, \
     f.review_status, f.review_explanation, f.reviewed_by, le.body";

/// Feedback with the issue event of its licence (a primary-key lookup per row), whose holder
/// is the licence's public label.
const FEEDBACK_FROM: &str = "feedback f \
     LEFT JOIN licence_events le ON le.licence_id = f.licence_id AND le.seq = 1";

/// A page of feedback and whether rows lie beyond each end.
#[derive(Debug, Clone, Default)]
pub struct FeedbackPage {
    pub rows: Vec<FeedbackRow>,
    pub more_before: bool,
    pub more_after: bool,
}

/// One page of a jurisdiction's feedback (of one department if given), newest first, by
/// keyset on the feedback number (`FK`, the division code, a serial: they grow with time within
/// a jurisdiction, so the primary key is the order). `key`: `(true, id)` the page after `id`,
/// `(false, id)` the page before it.
pub fn page(
    c: &mut dyn Conn,
    j: &DivisionCode,
    department: Option<&str>,
    key: Option<(bool, &str)>,
    limit: u32,
) -> Result<FeedbackPage, StoreError> {
    let mut sql =
        format!("SELECT {FEEDBACK_COLUMNS} FROM {FEEDBACK_FROM} WHERE f.jurisdiction = ?");
    let mut args: Vec<crate::Value> = params![j.as_str()].to_vec();
    if let Some(d) = department {
        sql.push_str(" AND f.department = ?");
        args.push(d.into());
    }
    let backwards = key.is_some_and(|(after, _)| !after);
    if let Some((after, id)) = key {
        sql.push_str(if after {
            " AND f.feedback_id < ?"
        } else {
            " AND f.feedback_id > ?"
        });
        args.push(id.into());
    }
    sql.push_str(if backwards {
        " ORDER BY f.feedback_id ASC LIMIT ?"
    } else {
        " ORDER BY f.feedback_id DESC LIMIT ?"
    });
    args.push(i64::from(limit).saturating_add(1).into());
    let mut rows = c
        .query(&sql, &args)?
        .into_iter()
        .map(feedback_row)
        .collect::<Result<Vec<_>, _>>()?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    if backwards {
        rows.reverse();
    }
    Ok(FeedbackPage {
        rows,
        more_before: if backwards { more } else { key.is_some() },
        more_after: if backwards { true } else { more },
    })
}

fn feedback_row(r: crate::Row) -> Result<FeedbackRow, StoreError> {
    Ok(FeedbackRow {
        feedback_id: r.text(0)?,
        department: r.text(1)?,
        external_ref: r.text(2)?,
        kind: r.text(3)?,
        licence_id: r.opt_text(4)?,
        body: serde_json::from_str(&r.text(5)?).ok(),
        impact: r.opt_text(6)?.and_then(|s| serde_json::from_str(&s).ok()),
        review_status: r.opt_text(7)?,
        review_explanation: r.opt_text(8)?,
        reviewed_by: r.opt_text(9)?,
        licensee: r.opt_text(10)?.and_then(|body| holder_of(&body)),
    })
}

/// The holder's public label written in a licence's issue event.
fn holder_of(issue_body: &str) -> Option<String> {
    match serde_json::from_str(issue_body).ok()? {
        oneseal_domain::licence::LicenceEvent::Issued { holder, .. } => Some(holder),
        _ => None,
    }
}

/// Feedback a department already sent under a reference of its own.
#[derive(Debug, Clone)]
pub struct SentFeedback {
    pub feedback_id: String,
    pub body: FeedbackBody,
    pub impact: Option<Impact>,
}

/// The feedback `department` sent under `external_ref`, if any.
pub fn by_external_ref(
    c: &mut dyn Conn,
    j: &DivisionCode,
    department: &DepartmentCode,
    external_ref: &str,
) -> Result<Option<SentFeedback>, StoreError> {
    let corrupt = |e: serde_json::Error| StoreError::Corrupt(e.to_string());
    c.query_one(
        "SELECT feedback_id, body, impact FROM feedback WHERE jurisdiction = ? AND department = ? AND external_ref = ?",
        params![j.as_str(), department.as_str(), external_ref],
    )?
    .map(|r| {
        Ok(SentFeedback {
            feedback_id: r.text(0)?,
            body: serde_json::from_str(&r.text(1)?).map_err(corrupt)?,
            impact: r
                .opt_text(2)?
                .map(|s| serde_json::from_str(&s))
                .transpose()
                .map_err(corrupt)?,
        })
    })
    .transpose()
}

/// How many pieces of feedback a jurisdiction has (the serial of the next one, less one).
pub fn count(c: &mut dyn Conn, j: &DivisionCode) -> Result<i64, StoreError> {
    Ok(c.query_one(
        "SELECT COUNT(*) FROM feedback WHERE jurisdiction = ?",
        params![j.as_str()],
    )?
    .map(|r| r.int(0))
    .transpose()?
    .unwrap_or(0))
}

/// The review status of a piece of feedback here: `None` when there is no such feedback,
/// `Some(None)` when it calls for no review.
pub fn review_status(
    c: &mut dyn Conn,
    j: &DivisionCode,
    feedback_id: &str,
) -> Result<Option<Option<String>>, StoreError> {
    c.query_one(
        "SELECT review_status FROM feedback WHERE feedback_id = ? AND jurisdiction = ?",
        params![feedback_id, j.as_str()],
    )?
    .map(|r| r.opt_text(0))
    .transpose()
}

/// A current catalog item with its stored body (JSON text).
#[derive(Debug, Clone)]
pub struct ItemBody {
    pub basic_code: String,
    pub body: String,
}

/// The jurisdiction's current items, by code.
pub fn current_items(c: &mut dyn Conn, j: &DivisionCode) -> Result<Vec<ItemBody>, StoreError> {
    c.query(
        "SELECT basic_code, body FROM items WHERE jurisdiction = ? AND current = 1 ORDER BY basic_code",
        params![j.as_str()],
    )?
    .into_iter()
    .map(|r| {
        Ok(ItemBody {
            basic_code: r.text(0)?,
            body: r.text(1)?,
        })
    })
    .collect()
}

/// A valid licence with its first event (the issue), as stored JSON text.
#[derive(Debug, Clone)]
pub struct ValidLicence {
    pub licence_id: String,
    pub first_event: String,
}

/// The jurisdiction's valid licences, by id.
pub fn valid_licences(c: &mut dyn Conn, j: &DivisionCode) -> Result<Vec<ValidLicence>, StoreError> {
    c.query(
        "SELECT l.licence_id, e.body FROM licences l JOIN licence_events e ON e.licence_id = l.licence_id AND e.seq = 1 \
         WHERE l.jurisdiction = ? AND l.status = 'valid' ORDER BY l.licence_id",
        params![j.as_str()],
    )?
    .into_iter()
    .map(|r| {
        Ok(ValidLicence {
            licence_id: r.text(0)?,
            first_event: r.text(1)?,
        })
    })
    .collect()
}

/// The numbers of the open cases of an item, in order.
pub fn open_cases_of_item(
    c: &mut dyn Conn,
    j: &DivisionCode,
    item_code: &str,
) -> Result<Vec<String>, StoreError> {
    c.query(
        "SELECT case_number FROM cases WHERE jurisdiction = ? AND item_code = ? AND closed = 0 ORDER BY case_number",
        params![j.as_str(), item_code],
    )?
    .into_iter()
    .map(|r| r.text(0))
    .collect()
}

/// Whether the licence was issued in this jurisdiction.
pub fn licence_is_here(
    c: &mut dyn Conn,
    j: &DivisionCode,
    licence_id: &str,
) -> Result<bool, StoreError> {
    Ok(c.query_one(
        "SELECT 1 FROM licences WHERE licence_id = ? AND jurisdiction = ?",
        params![licence_id, j.as_str()],
    )?
    .is_some())
}
