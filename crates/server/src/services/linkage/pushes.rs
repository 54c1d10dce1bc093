//! Pushes (推送): created when the bureau decides or acts on a licence, put on the supervising
//! department's feed, claimed by it (idempotently on a key of its choosing), and routed by the
//! bureau when the item had no supervising department.

use oneseal_domain::access::{Action, Principal, Target, authorize};
use oneseal_domain::calendar::Calendar;
use oneseal_domain::case::legal_date;
use oneseal_domain::event::{Actor, Event};
use oneseal_domain::licence::LicenceEvent;
use oneseal_domain::linkage::{Claimant, Push, PushCreated, PushEvent, PushKind};
use oneseal_domain::org::{DepartmentCode, DivisionCode, StaffId};
use oneseal_store::linkage::bureau;
use oneseal_store::linkage::pushes as store;
use oneseal_store::projection::load_licence_events;
use oneseal_store::{Conn, Store, Tx};
use serde_json::{Value, json};
use sha2::Digest;
use time::OffsetDateTime;

use oneseal_store::linkage::pushes::PushRow;

use super::error::LinkageError;
use super::events::record;
use super::supervisor::{parse_division, supervisor_for};
use crate::services::commands::Meta;
use crate::services::paging::{Direction, PageCursor, PageLinks, PagingError, parse_cursor};

/// The next push number of a jurisdiction: `TS`, the division code, a serial of 7 digits.
/// Serials are dense from 1 and sort as text, so the last one is found on the primary key
/// rather than by counting the jurisdiction's pushes, and the writer remembers it while no
/// other process writes to the jurisdiction's log, where each push is created.
fn next_push_id(tx: &mut Tx<'_>, j: &DivisionCode) -> Result<String, LinkageError> {
    let prefix = push_series(j);
    let latest = tx.latest_in_series(j.as_str(), &prefix, |c| {
        store::latest_id(c, &format!("{prefix}0000000"), &format!("{prefix}9999999"))
    })?;
    crate::services::commands::next_serial_id(&prefix, latest)
        .map_err(|id| LinkageError::Internal(format!("stored push number {id}")))
}

fn push_series(j: &DivisionCode) -> String {
    format!("TS{}", j.as_str())
}

/// What the bureau decided, for a new push.
pub struct Decided<'a> {
    pub kind: PushKind,
    pub case_number: &'a str,
    pub licence_id: Option<&'a str>,
    pub item_code: &'a str,
    pub item_name: &'a str,
}

/// Creates the push a decision calls for (refusals only when the department asked for them).
pub fn push_decision(
    tx: &mut Tx<'_>,
    meta: &Meta,
    calendar: &Calendar,
    d: Decided<'_>,
) -> Result<Option<String>, LinkageError> {
    let sup = supervisor_for(tx.conn(), &meta.jurisdiction, d.item_code)?;
    if d.kind == PushKind::Refusal && !sup.as_ref().is_some_and(|s| s.push_refusals) {
        return Ok(None);
    }
    let today = legal_date(meta.time);
    let (claim_due, escalate_on) = match &sup {
        Some(_) => {
            let s = bureau::settings(tx.conn(), &meta.jurisdiction)?;
            let (a, b) = s
                .deadlines(calendar, today)
                .map_err(LinkageError::Calendar)?;
            (Some(a), Some(b))
        }
        None => (None, None),
    };
    let push_id = next_push_id(tx, &meta.jurisdiction)?;
    let department = sup.as_ref().map(|s| s.department.clone());
    let created = PushCreated {
        push_id: push_id.clone(),
        kind: d.kind,
        case_number: d.case_number.to_owned(),
        licence_id: d.licence_id.map(str::to_owned),
        item_code: d.item_code.to_owned(),
        item_name: d.item_name.to_owned(),
        department: department.clone(),
        responsible: sup.and_then(|s| s.responsible),
        pushed_on: today,
        claim_due,
        escalate_on,
    };
    record_push(
        tx,
        meta,
        &push_id,
        PushEvent::Created(created),
        department.as_ref(),
    )?;
    let j = meta.jurisdiction.as_str();
    tx.issued_in_series(j, &push_series(&meta.jurisdiction), &push_id);
    Ok(Some(push_id))
}

/// After a licence event by the bureau: the push it calls for, if any.
pub fn push_licence_event(
    tx: &mut Tx<'_>,
    meta: &Meta,
    calendar: &Calendar,
    licence_id: &str,
    event: &LicenceEvent,
) -> Result<(), LinkageError> {
    let kind = match event {
        LicenceEvent::Changed { .. } => PushKind::LicenceChanged,
        LicenceEvent::Renewed { .. } => PushKind::LicenceRenewed,
        LicenceEvent::Withdrawn { .. } => PushKind::LicenceWithdrawn,
        LicenceEvent::Revoked { .. } => PushKind::LicenceRevoked,
        LicenceEvent::Cancelled { by: Some(_), .. } => PushKind::LicenceCancelled,
        _ => return Ok(()),
    };
    let Some(LicenceEvent::Issued {
        case_number,
        item_code,
        item_name,
        ..
    }) = load_licence_events(tx.conn(), licence_id)?.first().cloned()
    else {
        return Ok(());
    };
    push_decision(
        tx,
        meta,
        calendar,
        Decided {
            kind,
            case_number: &case_number,
            licence_id: Some(licence_id),
            item_code: &item_code,
            item_name: &item_name,
        },
    )?;
    Ok(())
}

/// Records one push event and, when the push has a department, puts it on that department's
/// feed (and webhook queue) under the event's ledger index.
pub fn record_push(
    tx: &mut Tx<'_>,
    meta: &Meta,
    push_id: &str,
    event: PushEvent,
    department: Option<&DepartmentCode>,
) -> Result<u64, LinkageError> {
    let kind = format!("push.{}", event.kind());
    let body = json!({ "push_id": push_id, "event": event });
    let idx = record(
        tx,
        meta,
        &Event::Push {
            push_id: push_id.to_owned(),
            event: Box::new(event),
        },
    )?;
    if let Some(d) = department {
        enqueue(
            tx,
            &meta.jurisdiction,
            idx,
            d,
            &kind,
            push_id,
            &body,
            meta.time,
        )?;
    }
    Ok(idx)
}

/// Adds an entry to a department's feed and, if it registered a webhook, a delivery.
#[allow(clippy::too_many_arguments)]
pub fn enqueue(
    tx: &mut Tx<'_>,
    j: &DivisionCode,
    idx: u64,
    department: &DepartmentCode,
    kind: &str,
    ref_id: &str,
    body: &Value,
    now: OffsetDateTime,
) -> Result<(), LinkageError> {
    store::enqueue(
        tx.conn(),
        j,
        idx,
        department,
        kind,
        ref_id,
        &body.to_string(),
        now.unix_timestamp(),
    )?;
    Ok(())
}

/// A push with its events and jurisdiction.
pub fn load_push(conn: &mut dyn Conn, push_id: &str) -> Result<(Push, DivisionCode), LinkageError> {
    let (j, events) =
        oneseal_store::linkage::load_push(conn, push_id)?.ok_or(LinkageError::NotFound("push"))?;
    let j = parse_division(&j)?;
    let push = Push::apply(&events)?;
    Ok((push, j))
}

/// A push, read on its own.
pub async fn find(store: &Store, push_id: String) -> Result<(Push, DivisionCode), LinkageError> {
    store.read(move |c| load_push(c, &push_id)).await
}

/// Which pushes a list shows: the department and status filters, and the page.
#[derive(Debug, Clone, Default)]
pub struct PushListQuery {
    pub department: Option<String>,
    pub status: Option<String>,
    pub cursor: Option<PageCursor>,
    pub limit: u32,
}

/// Reads a push list's cursor: its key is a push number (`TS`, 13 digits).
///
/// # Errors
/// [`PagingError::BadCursor`] for a cursor that is not a push's.
pub fn parse_push_cursor(text: Option<&str>) -> Result<Option<PageCursor>, PagingError> {
    let cursor = parse_cursor(text)?;
    if let Some(c) = &cursor {
        let digits = c.key.strip_prefix("TS").unwrap_or_default();
        if digits.len() != 13 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PagingError::BadCursor);
        }
    }
    Ok(cursor)
}

/// One page of pushes and the cursors either side.
pub struct PushView {
    pub rows: Vec<PushRow>,
    pub links: PageLinks,
}

/// One page of a jurisdiction's pushes, newest first.
pub async fn list(
    store: &Store,
    j: DivisionCode,
    q: PushListQuery,
    today: String,
) -> Result<PushView, LinkageError> {
    let page = store
        .read(move |c| {
            let key = q
                .cursor
                .as_ref()
                .map(|k| (k.direction == Direction::After, k.key.as_str()));
            let query = store::PushQuery {
                department: q.department.as_deref(),
                status: q.status.as_deref(),
                key,
                limit: q.limit,
            };
            store::page(c, &j, &query, &today)
        })
        .await?;
    let links = PageLinks::new(
        page.rows.first().map(|r| r.push_id.as_str()),
        page.rows.last().map(|r| r.push_id.as_str()),
        page.more_before,
        page.more_after,
    );
    Ok(PushView {
        rows: page.rows,
        links,
    })
}

/// The department claims a push; late when after the due date.
pub fn claim(
    tx: &mut Tx<'_>,
    meta: &Meta,
    push: &Push,
    department: &DepartmentCode,
    by: Claimant,
) -> Result<(u64, PushEvent), LinkageError> {
    let e = push.claim(department, by, legal_date(meta.time))?;
    let idx = record_push(tx, meta, &push.created.push_id, e.clone(), Some(department))?;
    Ok((idx, e))
}

/// A claim as the department's request makes it.
pub struct ClaimRequest {
    pub push_id: String,
    /// The client's `Idempotency-Key`: a retry under it returns the first answer.
    pub idempotency_key: Option<String>,
    pub claimant: Claimant,
    /// Who the ledger names as acting.
    pub actor: Actor,
    pub now: OffsetDateTime,
}

/// The claim with its receipt, remembered under the idempotency key when one is given.
pub fn claim_push(
    tx: &mut Tx<'_>,
    principal: &Principal,
    req: ClaimRequest,
) -> Result<Value, LinkageError> {
    let id = req.push_id;
    let label = req.claimant.label();
    let request = hex::encode(sha2::Sha256::digest(format!("claim:{id}").as_bytes()));
    if let Some(k) = &req.idempotency_key
        && let Some(prev) = idempotent(tx.conn(), &label, k, &request)?
    {
        return Ok(prev);
    }
    let (push, j) = load_push(tx.conn(), &id)?;
    let target = Target {
        jurisdiction: j.clone(),
        department: push.department.clone(),
    };
    authorize(principal, Action::ClaimPush, &target)?;
    let department = push
        .department
        .clone()
        .ok_or(oneseal_domain::linkage::LinkageError::Unmapped)?;
    let m = Meta {
        time: req.now,
        jurisdiction: j.clone(),
        actor: req.actor,
    };
    let (idx, event) = claim(tx, &m, &push, &department, req.claimant)?;
    let late = matches!(event, PushEvent::Claimed { late: true, .. });
    let body = json!({
        "push_id": id, "status": if late { "claimed_late" } else { "claimed" }, "late": late,
        "receipt": { "ledger_index": idx, "log": j, "claimed_by": label,
                     "claimed_at": req.now.unix_timestamp(),
                     "proof": format!("/api/v1/log/{j}/receipt/{idx}") },
    });
    if let Some(k) = &req.idempotency_key {
        store::remember(tx.conn(), &label, k, &request, &body.to_string())?;
    }
    Ok(body)
}

fn idempotent(
    c: &mut dyn Conn,
    principal: &str,
    key: &str,
    request: &str,
) -> Result<Option<Value>, LinkageError> {
    if key.is_empty() || key.len() > 200 {
        return Err(LinkageError::BadIdempotencyKey);
    }
    let Some(r) = store::remembered(c, principal, key)? else {
        return Ok(None);
    };
    if r.request_sha256 != request {
        return Err(LinkageError::IdempotencyKeyReused);
    }
    let mut v: Value =
        serde_json::from_str(&r.response).map_err(|e| LinkageError::Internal(e.to_string()))?;
    if let Some(m) = v.as_object_mut() {
        m.insert("replayed".into(), Value::Bool(true));
    }
    Ok(Some(v))
}

/// A department of this jurisdiction other than the bureau, by its code.
pub(crate) fn department_here(
    c: &mut dyn Conn,
    j: &DivisionCode,
    code: &str,
) -> Result<DepartmentCode, LinkageError> {
    let d = DepartmentCode::parse(code).map_err(|_| LinkageError::UnknownDepartment)?;
    if !bureau::is_supervising_department(c, j, &d)? {
        return Err(LinkageError::UnknownDepartment);
    }
    Ok(d)
}

/// The bureau's routing of a push whose item had no supervising department.
pub struct Assignment {
    pub push_id: String,
    /// The department's code as the request named it.
    pub department: String,
    pub staff: StaffId,
    pub actor: Actor,
    pub now: OffsetDateTime,
}

/// Routes the push to the department (with fresh claim deadlines); returns the department and
/// the ledger index.
pub fn assign(
    tx: &mut Tx<'_>,
    principal: &Principal,
    calendar: &Calendar,
    a: Assignment,
) -> Result<(DepartmentCode, u64), LinkageError> {
    let (push, j) = load_push(tx.conn(), &a.push_id)?;
    authorize(principal, Action::EditCatalog, &Target::jurisdiction(&j))?;
    let d = department_here(tx.conn(), &j, &a.department)?;
    let m = Meta {
        time: a.now,
        jurisdiction: j.clone(),
        actor: a.actor,
    };
    let today = legal_date(m.time);
    let deadlines = bureau::settings(tx.conn(), &j)?
        .deadlines(calendar, today)
        .map_err(LinkageError::CalendarOnAssign)?;
    let e = push.assign(d.clone(), a.staff, today, deadlines)?;
    let idx = record_push(tx, &m, &a.push_id, e, Some(&d))?;
    Ok((d, idx))
}
