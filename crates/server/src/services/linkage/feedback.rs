//! Feedback (反馈) from supervising departments: recorded once per reference of theirs, a
//! policy change's impact computed as of now, a penalty that revokes a licence applied to it;
//! the bureau's review of a policy change; the department's pull feed; the paged list.

use oneseal_domain::case::legal_date;
use oneseal_domain::event::{Actor, Event};
use oneseal_domain::licence::{Licence, LicenceEvent};
use oneseal_domain::linkage::{FeedbackBody, Impact, cites};
use oneseal_domain::org::{DepartmentCode, DivisionCode, StaffId};
use oneseal_store::linkage::{feedback as store, pushes};
use oneseal_store::projection::load_licence_events;
use oneseal_store::{Conn, Store, Tx};
use serde_json::Value;

use oneseal_store::linkage::feedback::FeedbackRow;

use super::error::LinkageError;
use super::events::{record, system_meta};
use super::pushes::enqueue;
use super::supervisor::supervisor_for;
use crate::services::commands::Meta;
use crate::services::paging::{Direction, PageCursor, PageLinks, PagingError, parse_cursor};

/// The impact of a change of law or policy: items citing it, their open cases and valid
/// licences, as of now.
pub fn impact_of(
    conn: &mut dyn Conn,
    j: &DivisionCode,
    law: &str,
    articles: &[String],
) -> Result<Impact, LinkageError> {
    let mut impact = Impact::default();
    for r in store::current_items(conn, j)? {
        let item: oneseal_domain::catalog::Item = serde_json::from_str(&r.body)
            .map_err(|e| LinkageError::Internal(format!("stored item: {e}")))?;
        if item
            .legal_basis
            .iter()
            .any(|b| cites(&b.law, b.article.as_deref(), law, articles))
        {
            impact.items.push(r.basic_code);
        }
    }
    // Valid licences by the item they were issued for (their first event), read once.
    let mut licences: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for r in store::valid_licences(conn, j)? {
        if let Ok(LicenceEvent::Issued { item_code, .. }) = serde_json::from_str(&r.first_event) {
            licences.entry(item_code).or_default().push(r.licence_id);
        }
    }
    for code in &impact.items {
        impact
            .open_cases
            .extend(store::open_cases_of_item(conn, j, code)?);
        impact
            .valid_licences
            .extend(licences.remove(code).unwrap_or_default());
    }
    Ok(impact)
}

/// The outcome of a piece of feedback, as returned to the department.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct FeedbackOutcome {
    pub feedback_id: String,
    pub ledger_index: u64,
    pub duplicate: bool,
    pub impact: Option<Impact>,
    pub licence_status: Option<String>,
}

/// Records a department's feedback. A retry with the same `external_ref` and the same body
/// returns the first outcome; with a different body it is refused.
pub fn submit_feedback(
    tx: &mut Tx<'_>,
    meta: &Meta,
    department: &DepartmentCode,
    external_ref: &str,
    body: FeedbackBody,
) -> Result<FeedbackOutcome, LinkageError> {
    body.validate()?;
    if external_ref.trim().is_empty() || external_ref.len() > 100 {
        return Err(LinkageError::BadExternalRef);
    }
    let j = meta.jurisdiction.clone();
    // Whether the department may act on the licence comes before anything its reference could
    // tell: a conflict on a licence it may not touch would confirm what another holds.
    let licence = match body.licence_id() {
        Some(id) => Some(licence_of_department(tx.conn(), &j, department, id)?),
        None => None,
    };
    if let Some(sent) = store::by_external_ref(tx.conn(), &j, department, external_ref)? {
        if sent.body != body {
            return Err(LinkageError::ExternalRefConflict);
        }
        let idx = pushes::feedback_feed_index(tx.conn(), &j, &sent.feedback_id)?.unwrap_or(0);
        return Ok(FeedbackOutcome {
            feedback_id: sent.feedback_id,
            ledger_index: idx,
            duplicate: true,
            impact: sent.impact,
            licence_status: None,
        });
    }
    let impact = match &body {
        FeedbackBody::PolicyChange { law, articles, .. } => {
            Some(impact_of(tx.conn(), &j, law, articles)?)
        }
        _ => None,
    };
    let n = store::count(tx.conn(), &j)?;
    let feedback_id = format!("FK{}{:07}", j.as_str(), n + 1);
    let dept_meta = Meta {
        actor: Actor::Department(department.clone()),
        ..meta.clone()
    };
    let event = Event::Feedback {
        feedback_id: feedback_id.clone(),
        department: department.clone(),
        external_ref: external_ref.to_owned(),
        body: Box::new(body.clone()),
        impact: impact.clone(),
    };
    let idx = record(tx, &dept_meta, &event)?;
    enqueue(
        tx,
        &j,
        idx,
        department,
        "feedback",
        &feedback_id,
        &event.public_view(),
        meta.time,
    )?;
    let mut licence_status = None;
    if let (
        FeedbackBody::Penalty {
            licence_id,
            decision_ref,
            revokes: true,
            ..
        },
        Some(l),
    ) = (&body, licence)
    {
        let after = penalty_revocation(tx, &dept_meta, department, licence_id, &l, decision_ref)?;
        licence_status = Some(after.status.name_zh().to_owned());
    }
    Ok(FeedbackOutcome {
        feedback_id,
        ledger_index: idx,
        duplicate: false,
        impact,
        licence_status,
    })
}

/// The licence, provided the department supervises its item here.
fn licence_of_department(
    conn: &mut dyn Conn,
    j: &DivisionCode,
    department: &DepartmentCode,
    licence_id: &str,
) -> Result<Licence, LinkageError> {
    let events = load_licence_events(conn, licence_id)?;
    let Some(LicenceEvent::Issued { item_code, .. }) = events.first() else {
        return Err(LinkageError::UnknownLicence);
    };
    if !store::licence_is_here(conn, j, licence_id)? {
        return Err(LinkageError::UnknownLicence);
    }
    match supervisor_for(conn, j, item_code)? {
        Some(s) if s.department == *department => {}
        _ => {
            return Err(LinkageError::Denied(
                oneseal_domain::access::Denied::Department,
            ));
        }
    }
    Licence::apply(&events).map_err(|_| LinkageError::UnknownLicence)
}

/// 吊销 by the department, then the bureau's 注销 by operation of law (Art. 70(4)), both on
/// the licence's history.
pub fn penalty_revocation(
    tx: &mut Tx<'_>,
    dept_meta: &Meta,
    department: &DepartmentCode,
    licence_id: &str,
    licence: &Licence,
    decision_ref: &str,
) -> Result<Licence, LinkageError> {
    let today = legal_date(dept_meta.time);
    let revoked = licence.penalise(department.clone(), decision_ref.to_owned(), today)?;
    let event = |e: LicenceEvent| Event::Licence {
        licence_id: licence_id.to_owned(),
        event: Box::new(e),
    };
    record(tx, dept_meta, &event(revoked))?;
    let after = Licence::apply(&load_licence_events(tx.conn(), licence_id)?)?;
    let cancelled = after.cancel_after_penalty(today)?;
    record(
        tx,
        &system_meta(dept_meta.time, &dept_meta.jurisdiction),
        &event(cancelled),
    )?;
    Ok(Licence::apply(&load_licence_events(
        tx.conn(),
        licence_id,
    )?)?)
}

/// Reads a feedback list's cursor: its key is a feedback number (`FK`, 13 digits).
///
/// # Errors
/// [`PagingError::BadCursor`] for a cursor that is not a piece of feedback's.
pub fn parse_feedback_cursor(text: Option<&str>) -> Result<Option<PageCursor>, PagingError> {
    let cursor = parse_cursor(text)?;
    if let Some(c) = &cursor {
        let digits = c.key.strip_prefix("FK").unwrap_or_default();
        if digits.len() != 13 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PagingError::BadCursor);
        }
    }
    Ok(cursor)
}

/// One page of feedback and the cursors either side.
pub struct FeedbackView {
    pub rows: Vec<FeedbackRow>,
    pub links: PageLinks,
}

/// One page of a jurisdiction's feedback (of one department if given), newest first.
pub async fn page(
    store: &Store,
    j: DivisionCode,
    department: Option<String>,
    cursor: Option<PageCursor>,
    limit: u32,
) -> Result<FeedbackView, LinkageError> {
    let page = store
        .read(move |c| {
            let key = cursor
                .as_ref()
                .map(|k| (k.direction == Direction::After, k.key.as_str()));
            store::page(c, &j, department.as_deref(), key, limit)
        })
        .await?;
    let links = PageLinks::new(
        page.rows.first().map(|r| r.feedback_id.as_str()),
        page.rows.last().map(|r| r.feedback_id.as_str()),
        page.more_before,
        page.more_after,
    );
    Ok(FeedbackView {
        rows: page.rows,
        links,
    })
}

/// The bureau has reviewed what a policy change touches (the marks on items are lifted).
pub fn close_review(
    tx: &mut Tx<'_>,
    meta: &Meta,
    feedback_id: String,
    by: StaffId,
    explanation: String,
) -> Result<u64, LinkageError> {
    let status = store::review_status(tx.conn(), &meta.jurisdiction, &feedback_id)?
        .ok_or(LinkageError::NotFound("feedback"))?;
    if status.as_deref() != Some("open") {
        return Err(LinkageError::ReviewNotOpen);
    }
    record(
        tx,
        meta,
        &Event::PolicyReviewClosed {
            feedback_id,
            by,
            explanation,
        },
    )
}

/// One entry of a department's pull feed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FeedEntry {
    pub cursor: u64,
    pub kind: String,
    pub ref_id: String,
    pub body: Value,
}

/// The department's feed after the cursor (a ledger index; `None` from the start), oldest
/// first, at most `limit` entries (1 to 500, 100 by default).
pub async fn feed(
    store: &Store,
    j: DivisionCode,
    d: DepartmentCode,
    after: Option<u64>,
    limit: Option<u32>,
) -> Result<Vec<FeedEntry>, LinkageError> {
    let limit = i64::from(limit.unwrap_or(100).clamp(1, 500));
    let after = after.map_or(-1, |a| i64::try_from(a).unwrap_or(i64::MAX));
    let entries = store
        .read(move |c| pushes::feed(c, &j, &d, after, limit))
        .await?;
    Ok(entries
        .into_iter()
        .map(|e| FeedEntry {
            cursor: e.idx,
            kind: e.kind,
            ref_id: e.ref_id,
            body: serde_json::from_str::<Value>(&e.body).unwrap_or(Value::Null),
        })
        .collect())
}
