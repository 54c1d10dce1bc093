//! Projection of the linkage events (审管互动): pushes, feedback, mappings, settings and digests.
//!
//! Kept apart from `projection` so that module stays about the core records; `apply` there
//! delegates every `linkage.*` event here. The server's reads and the writes outside the
//! projection are in the submodules: `pushes` (lists, counts, feed, idempotency), `tallies`
//! (the counts per department and status the projection keeps), `feedback`
//! and `bureau` (settings, mappings, refusals); webhooks are in `crate::webhooks`.

pub mod bureau;
pub mod feedback;
pub mod pushes;
pub mod tallies;

use oneseal_domain::event::Event;
use oneseal_domain::linkage::{FeedbackBody, Push, PushEvent};
use oneseal_domain::org::DivisionCode;

use crate::sql::Conn;
use crate::{StoreError, params};

/// Applies a linkage event; `false` when the event is not one.
pub(crate) fn apply(
    conn: &mut dyn Conn,
    jurisdiction: &DivisionCode,
    event: &Event,
) -> Result<bool, StoreError> {
    let j = jurisdiction.as_str();
    match event {
        Event::LinkageSettingsChanged { settings } => {
            conn.execute(
                "DELETE FROM linkage_settings WHERE jurisdiction = ?",
                params![j],
            )?;
            conn.execute(
                "INSERT INTO linkage_settings (jurisdiction, claim_days, escalate_days) VALUES (?, ?, ?)",
                params![j, settings.claim_days, settings.escalate_days],
            )?;
        }
        Event::SupervisionMapped {
            item_code,
            department,
            responsible,
            push_refusals,
        } => {
            conn.execute(
                "DELETE FROM supervision_mappings WHERE jurisdiction = ? AND item_code = ?",
                params![j, item_code.as_str()],
            )?;
            conn.execute(
                "INSERT INTO supervision_mappings (jurisdiction, item_code, department, responsible, push_refusals) VALUES (?, ?, ?, ?, ?)",
                params![j, item_code.as_str(), department.as_str(), responsible.as_ref().map(|s| s.as_str()), *push_refusals],
            )?;
        }
        Event::Push { push_id, event } => apply_push(conn, j, push_id, event)?,
        Event::Feedback {
            feedback_id,
            department,
            external_ref,
            body,
            impact,
        } => {
            let open = matches!(body.as_ref(), FeedbackBody::PolicyChange { .. });
            conn.execute(
                "INSERT INTO feedback (feedback_id, jurisdiction, department, external_ref, kind, licence_id, body, impact, review_status) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                params![
                    feedback_id.as_str(),
                    j,
                    department.as_str(),
                    external_ref.as_str(),
                    body.kind(),
                    body.licence_id(),
                    json(body.as_ref())?,
                    impact.as_ref().map(json).transpose()?,
                    open.then_some("open")
                ],
            )?;
            for item in impact.iter().flat_map(|i| &i.items) {
                conn.execute(
                    "INSERT INTO item_marks (jurisdiction, item_code, feedback_id) VALUES (?, ?, ?)",
                    params![j, item.as_str(), feedback_id.as_str()],
                )?;
            }
        }
        Event::PolicyReviewClosed {
            feedback_id,
            by,
            explanation,
        } => {
            conn.execute(
                "UPDATE feedback SET review_status = 'closed', review_explanation = ?, reviewed_by = ? WHERE feedback_id = ?",
                params![explanation.as_str(), by.as_str(), feedback_id.as_str()],
            )?;
            conn.execute(
                "DELETE FROM item_marks WHERE jurisdiction = ? AND feedback_id = ?",
                params![j, feedback_id.as_str()],
            )?;
        }
        Event::LinkageRefused {
            department,
            target,
            code,
            ..
        } => {
            let key = params![j, department.as_str(), target.as_str(), code.as_str()];
            let n = conn
                .query_one(
                    "SELECT attempts FROM linkage_refusals WHERE jurisdiction = ? AND department = ? AND target = ? AND code = ?",
                    key,
                )?
                .map(|r| r.int(0))
                .transpose()?
                .unwrap_or(0);
            conn.execute(
                "DELETE FROM linkage_refusals WHERE jurisdiction = ? AND department = ? AND target = ? AND code = ?",
                key,
            )?;
            conn.execute(
                "INSERT INTO linkage_refusals (jurisdiction, department, target, code, attempts) VALUES (?, ?, ?, ?, ?)",
                params![j, department.as_str(), target.as_str(), code.as_str(), n + 1],
            )?;
        }
        Event::DigestIssued {
            department,
            on,
            pushed,
            awaiting,
            claimed_today,
            overdue_this_month,
        } => {
            conn.execute(
                "INSERT INTO linkage_digests (jurisdiction, department, on_date, pushed, awaiting, claimed_today, overdue_this_month) \
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
                params![j, department.as_str(), on.to_string(), *pushed, *awaiting, *claimed_today, *overdue_this_month],
            )?;
        }
        _ => return Ok(false),
    }
    Ok(true)
}

fn json<T: serde::Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn apply_push(
    conn: &mut dyn Conn,
    j: &str,
    push_id: &str,
    event: &PushEvent,
) -> Result<(), StoreError> {
    let corrupt = |e: String| StoreError::Corrupt(format!("push {push_id}: {e}"));
    // A creation starts a push's history, so there is nothing to read (a round trip on
    // PostgreSQL): were there a history, its first event would hold the key of `seq` 1.
    let mut events = if matches!(event, PushEvent::Created(_)) {
        Vec::new()
    } else {
        load_push_events(conn, push_id)?
    };
    // Where the push counted before this event (none for a new push): folded from its events,
    // as its row was, so the counters need no read of the row.
    let before = if events.is_empty() {
        None
    } else {
        let was = Push::apply(&events).map_err(|e| corrupt(e.to_string()))?;
        Some(slot_of(&was))
    };
    let body = serde_json::to_string(event).map_err(|e| corrupt(e.to_string()))?;
    conn.write(
        "INSERT INTO push_events (push_id, seq, body) VALUES (?, ?, ?)",
        params![push_id, events.len() as u64 + 1, body],
    )?;
    events.push(event.clone());
    let p = Push::apply(&events).map_err(|e| corrupt(e.to_string()))?;
    let c = &p.created;
    let date = |d: Option<time::Date>| d.map(|d| d.to_string());
    conn.write(
        &crate::sql::upsert(
            "pushes",
            &["push_id"],
            &[
                "push_id",
                "jurisdiction",
                "kind",
                "case_number",
                "licence_id",
                "item_code",
                "item_name",
                "department",
                "responsible",
                "status",
                "pushed_on",
                "claim_due",
                "escalate_on",
                "reminded_on",
                "escalated_on",
                "claimed_on",
                "claimed_by",
            ],
        ),
        params![
            push_id,
            j,
            serde_json::to_value(c.kind)
                .map_err(|e| corrupt(e.to_string()))?
                .as_str()
                .unwrap_or_default(),
            c.case_number.as_str(),
            c.licence_id.as_deref(),
            c.item_code.as_str(),
            c.item_name.as_str(),
            p.department.as_ref().map(|d| d.as_str()),
            c.responsible.as_ref().map(|s| s.as_str()),
            p.status().code(),
            c.pushed_on.to_string(),
            date(p.claim_due),
            date(p.escalate_on),
            date(p.reminded_on),
            date(p.escalated_on),
            date(p.claimed.as_ref().map(|c| c.on)),
            p.claimed.as_ref().map(|c| c.by.label())
        ],
    )?;
    tallies::move_push(conn, j, before.as_ref(), &slot_of(&p))
}

/// Where a push counts in `push_tallies`.
fn slot_of(p: &Push) -> tallies::Slot {
    tallies::Slot {
        department: p.department.as_ref().map_or("", |d| d.as_str()).to_owned(),
        status: p.status().code().to_owned(),
    }
}

/// Every event of a push, in order (none for no such push).
pub fn load_push_events(conn: &mut dyn Conn, push_id: &str) -> Result<Vec<PushEvent>, StoreError> {
    Ok(load_push(conn, push_id)?
        .map(|(_, events)| events)
        .unwrap_or_default())
}

/// A push's jurisdiction and every event of it, in order; `None` for no such push. One
/// statement for both, and the same one the projection folds a push with before writing its
/// step, so that inside the writer a step's second read of it is answered from the batch's
/// memo (`writer::memo`) instead of waiting again.
pub fn load_push(
    conn: &mut dyn Conn,
    push_id: &str,
) -> Result<Option<(String, Vec<PushEvent>)>, StoreError> {
    let rows = conn.query(
        "SELECT p.jurisdiction, e.body FROM pushes p JOIN push_events e ON e.push_id = p.push_id \
         WHERE p.push_id = ? ORDER BY e.seq",
        params![push_id],
    )?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let jurisdiction = first.text(0)?;
    let events = rows
        .iter()
        .map(|r| {
            serde_json::from_str(&r.text(1)?)
                .map_err(|e| StoreError::Corrupt(format!("push {push_id}: {e}")))
        })
        .collect::<Result<_, _>>()?;
    Ok(Some((jurisdiction, events)))
}
