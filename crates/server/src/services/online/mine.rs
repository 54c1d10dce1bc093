//! "My applications" (issue #19 items 4–5, issue #20 item 2): each application as its applicant
//! sees it — the case's public progress, the open notice, the documents addressed to them, the
//! rating, the 告知承诺 signed and its verification in plain words — and, for a "one thing"
//! application, every case it opened with its own status, documents and rating. Apart from the
//! applications' writes so that the reading side stays small; it imports nothing of its parent.

use oneseal_domain::calendar::Calendar;
use oneseal_domain::case::{Case, CaseEvent, CaseNumber, CaseStatus, NoticeItem};
use oneseal_domain::commitment::Verdict;
use oneseal_store::online_applications::{self as rows, OnlineRow};
use oneseal_store::{Conn, Store};
use serde::Serialize;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::bundle::{is_bundle, member};
use super::error::OnlineError;
use super::supplement::pending;
use crate::services::bundles::BundleError;
use crate::services::bundles::application::find_application;
use crate::services::cases::load;

/// The most applications "my applications" lists.
pub const MAX_LISTED: u32 = 200;

/// One application as its applicant sees it.
#[derive(Debug, Serialize)]
pub struct MyApplication {
    pub id: String,
    pub status: String,
    pub status_zh: &'static str,
    pub jurisdiction: String,
    pub item_code: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub submitted_at: Option<i64>,
    /// The body as saved (the applicant's own data, shown back to them only).
    pub body: Value,
    /// The case (a "one thing" application: its first case, the application's number).
    pub case_number: Option<String>,
    /// The case's public progress once registered (status, deadlines, steps).
    pub progress: Option<Value>,
    /// What the open one-time notice asks for, while the case awaits a supplement (a "one
    /// thing" application: its first case's; `bundle.cases[].notice` for each).
    pub notice: Vec<NoticeItem>,
    /// Whether a supplement was sent online and awaits the clerk (a "one thing" application:
    /// for its first case; `bundle.cases[].supplement_sent` for each).
    pub supplement_sent: bool,
    /// The documents addressed to the applicant so far (receipt, notices, decision, licence).
    pub documents: Vec<Value>,
    /// Whether the case is closed and not yet rated: the applicant may rate it from `/my`.
    pub rateable: bool,
    /// Whether the case has its (one) rating.
    pub rated: bool,
    /// 告知承诺: the commitment signed with the application and its verification.
    pub commitment: Option<MyCommitment>,
    /// A "one thing" application once received: the whole's status and every case it opened.
    pub bundle: Option<MyBundle>,
}

/// The commitment an applicant signed, in plain words: what the department found, never how
/// (its finding and who answered stay with the bureau).
#[derive(Debug, Serialize)]
pub struct MyCommitment {
    pub signed_at: i64,
    /// `signed` (not decided yet), `awaiting`, `verified` or `false`.
    pub status: &'static str,
    /// The verification's last day, once asked.
    pub due_on: Option<String>,
    pub summary_zh: String,
}

/// A "one thing" application: its overall status and its cases.
#[derive(Debug, Serialize)]
pub struct MyBundle {
    pub code: String,
    pub name: String,
    pub status_zh: &'static str,
    pub promised_due: Option<String>,
    pub cases: Vec<MyCase>,
}

/// One case of a "one thing" application.
#[derive(Debug, Serialize)]
pub struct MyCase {
    pub case_number: String,
    pub item_code: String,
    pub item_name: String,
    pub status_zh: &'static str,
    pub closed: bool,
    pub documents: Vec<Value>,
    pub rateable: bool,
    pub rated: bool,
    /// What this case's open one-time notice asks for (each case has its own).
    pub notice: Vec<NoticeItem>,
    /// 容缺受理: this case's deferred materials (`progress.deferral` of a single application).
    pub deferral: Option<Value>,
    /// Whether files sent online for this case await the clerk.
    pub supplement_sent: bool,
    /// 告知承诺: the commitment signed for this case's item and its verification.
    pub commitment: Option<MyCommitment>,
}

fn status_zh(status: &str) -> &'static str {
    match status {
        "draft" => "草稿",
        "submitted" => "已提交，待窗口接收",
        "registered" => "已接收",
        "withdrawn" => "已撤回",
        _ => "未知",
    }
}

fn open_notice(events: &[CaseEvent]) -> Vec<NoticeItem> {
    events
        .iter()
        .rev()
        .find_map(|e| match e {
            CaseEvent::OneTimeNoticeIssued { items, .. } => Some(items.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

/// The documents of case `number` as application `id`'s links (`?case=` names a bundle's other
/// cases; the first case needs none).
fn documents(conn: &mut dyn Conn, id: &str, number: &CaseNumber, first: bool) -> Vec<Value> {
    let query = if first {
        String::new()
    } else {
        format!("?case={number}")
    };
    crate::services::printing::list(conn, number)
        .map(|listed| {
            listed
                .into_iter()
                .map(|d| {
                    json!({
                        "kind": d.kind,
                        "title": d.title,
                        "sealed": d.sealed,
                        "url": format!("/api/v1/applicant/applications/{id}/documents/{}{query}", d.kind),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The commitment signed in `case`'s receipt and, once the grant asked for it, its verification.
fn commitment(conn: &mut dyn Conn, case: &Case) -> Result<Option<MyCommitment>, OnlineError> {
    let Some(signed) = &case.received().commitment else {
        return Ok(None);
    };
    let row = oneseal_store::commitments::row(conn, case.received().case_number.as_str())?;
    let signed_zh = "您已签署告知承诺书。";
    let (status, summary_zh) = match &row {
        None => (
            "signed",
            format!(
                "{signed_zh}准予许可后{}内，主管部门将核查承诺内容。",
                signed.verify_within.to_zh()
            ),
        ),
        Some(r) => match Verdict::parse(&r.status) {
            None => (
                "awaiting",
                format!("{signed_zh}主管部门将在{}前核查承诺内容。", r.due_on),
            ),
            Some(Verdict::Verified) => {
                ("verified", format!("{signed_zh}主管部门已核查：承诺属实。"))
            }
            Some(Verdict::False) => (
                "false",
                format!(
                    "{signed_zh}主管部门核查发现承诺与实际情况不符。{}",
                    if r.licence_status.as_deref() == Some("revoked") {
                        "许可已依法撤销。"
                    } else {
                        "依照《中华人民共和国行政许可法》第六十九条第二款，许可应当撤销。"
                    }
                ),
            ),
        },
    };
    Ok(Some(MyCommitment {
        signed_at: signed.signed_at.unix_timestamp(),
        status,
        due_on: row.map(|r| r.due_on),
        summary_zh,
    }))
}

/// What `case` waits for from the applicant: its open notice's items, and its 容缺 state as
/// the public progress gives it (materials owed, the agreed date, whether the licence is held).
fn outstanding(
    case: &Case,
    events: &[CaseEvent],
    calendar: &Calendar,
    today: time::Date,
) -> (Vec<NoticeItem>, Option<Value>) {
    let notice = if case.status() == CaseStatus::SupplementStarted {
        open_notice(events)
    } else {
        Vec::new()
    };
    let deferral = case
        .public_progress(calendar, today)
        .ok()
        .and_then(|p| serde_json::to_value(p).ok())
        .map(|p| p["deferral"].clone())
        .filter(|d| !d.is_null());
    (notice, deferral)
}

/// Every case of the "one thing" application `number` (its first case).
fn bundle(
    conn: &mut dyn Conn,
    row: &OnlineRow,
    number: &CaseNumber,
    calendar: &Calendar,
    today: time::Date,
) -> Result<MyBundle, OnlineError> {
    let whole = find_application(conn, number.as_str(), calendar, today)?;
    let sent = pending(row)?;
    let mut cases = Vec::with_capacity(whole.cases.len());
    for m in whole.cases {
        let n = CaseNumber::parse(&m.case_number)
            .map_err(|e| crate::services::cases::CaseServiceError::Corrupt(e.to_string()))?;
        let rated = oneseal_store::ratings::is_rated(conn, n.as_str())?;
        let (case, events) = load(conn, &n)?;
        let (notice, deferral) = outstanding(&case, &events, calendar, today);
        cases.push(MyCase {
            commitment: commitment(conn, &case)?,
            notice,
            deferral,
            supplement_sent: sent.iter().any(|f| f.case_number == m.case_number),
            documents: documents(conn, &row.id, &n, n == *number),
            rateable: m.closed && !rated,
            rated,
            case_number: m.case_number,
            item_code: m.item_code,
            item_name: m.item_name,
            status_zh: m.status_zh,
            closed: m.closed,
        });
    }
    Ok(MyBundle {
        code: whole.bundle,
        name: whole.bundle_name,
        status_zh: whole.status_zh,
        promised_due: whole.promised_due,
        cases,
    })
}

fn view(
    conn: &mut dyn Conn,
    row: OnlineRow,
    calendar: &Calendar,
    now: OffsetDateTime,
) -> Result<MyApplication, OnlineError> {
    let mut progress = None;
    let mut notice = Vec::new();
    let mut docs = Vec::new();
    let (mut rateable, mut rated) = (false, false);
    let (mut signed, mut whole) = (None, None);
    let mut first_sent = false;
    if let Some(number) = row
        .case_number
        .as_deref()
        .and_then(|n| CaseNumber::parse(n).ok())
    {
        let (case, events) = load(conn, &number)?;
        rated = oneseal_store::ratings::is_rated(conn, number.as_str())?;
        rateable = case.is_closed() && !rated;
        let today = oneseal_domain::case::legal_date(now);
        if let Ok(p) = case.public_progress(calendar, today) {
            progress = serde_json::to_value(p).ok();
        }
        if case.status() == CaseStatus::SupplementStarted {
            notice = open_notice(&events);
        }
        first_sent = pending(&row)?
            .iter()
            .any(|f| f.case_number == number.as_str());
        docs = documents(conn, &row.id, &number, true);
        signed = commitment(conn, &case)?;
        if is_bundle(&row) {
            // A projection not (yet) holding the links leaves the first case alone listed.
            whole = match bundle(conn, &row, &number, calendar, today) {
                Err(OnlineError::Bundle(BundleError::UnknownApplication)) => None,
                other => Some(other?),
            };
        }
    }
    Ok(MyApplication {
        status_zh: status_zh(&row.status),
        body: serde_json::from_str(&row.body).unwrap_or(Value::Null),
        supplement_sent: first_sent,
        id: row.id,
        status: row.status,
        jurisdiction: row.jurisdiction,
        item_code: row.item_code,
        created_at: row.created_at,
        updated_at: row.updated_at,
        submitted_at: row.submitted_at,
        case_number: row.case_number,
        progress,
        notice,
        documents: docs,
        rateable,
        rated,
        commitment: signed,
        bundle: whole,
    })
}

/// The applicant's applications, newest first.
///
/// # Errors
/// The store's; a registered case that does not replay.
pub async fn mine(
    store: &Store,
    subject: String,
    calendar: std::sync::Arc<Calendar>,
    now: OffsetDateTime,
) -> Result<Vec<MyApplication>, OnlineError> {
    store
        .read(move |c| -> Result<Vec<MyApplication>, OnlineError> {
            rows::of_subject(c, &subject, MAX_LISTED)?
                .into_iter()
                .map(|r| view(c, r, &calendar, now))
                .collect()
        })
        .await
}

/// The case number of the applicant's own registered application `id`: its case, or (`case`)
/// another case its "one thing" application opened.
///
/// # Errors
/// `NotFound` for another applicant's id, one not registered, or a case the application did
/// not open.
pub async fn own_case(
    store: &Store,
    subject: String,
    id: String,
    case: Option<String>,
) -> Result<CaseNumber, OnlineError> {
    store
        .read(move |c| -> Result<CaseNumber, OnlineError> {
            let row = rows::get(c, &id)?
                .filter(|r| r.subject == subject)
                .ok_or(OnlineError::NotFound)?;
            member(c, &row, case.as_deref())
        })
        .await
}
