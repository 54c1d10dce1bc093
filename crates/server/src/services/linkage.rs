//! Approval–supervision linkage on the server: creating pushes when the bureau decides, the
//! claim, the working-day runner (reminders, escalations, digests), feedback from departments
//! and the feed departments pull. The rules live in `domain::linkage`; this module finds the
//! facts they need in the database and records what they decide.

pub mod refusals;
pub mod webhooks;

pub use refusals::{REFUSALS_PER_MINUTE, RefusalLimiter};

use oneseal_domain::calendar::Calendar;
use oneseal_domain::case::legal_date;
use oneseal_domain::event::{Actor, Event};
use oneseal_domain::licence::{Licence, LicenceEvent};
use oneseal_domain::linkage::{
    Claimant, FeedbackBody, Impact, LinkageSettings, Push, PushCreated, PushEvent, PushKind, cites,
};
use oneseal_domain::org::{DepartmentCode, DivisionCode, StaffId};
use oneseal_store::linkage::load_push_events;
use oneseal_store::projection::load_licence_events;
use oneseal_store::{Conn, Store, Tx, params};
use serde_json::{Value, json};
use time::{Date, OffsetDateTime};

use crate::error::ApiError;
use crate::services::commands::Meta;

pub fn linkage_error(e: oneseal_domain::linkage::LinkageError) -> ApiError {
    use oneseal_domain::linkage::LinkageError as E;
    match e {
        E::WrongDepartment => ApiError::Forbidden(oneseal_domain::access::Denied::Department),
        E::Empty(_) | E::BadSettings => {
            ApiError::bad_request(e.code(), e.message_zh(), e.to_string())
        }
        _ => ApiError::conflict(e.code(), e.message_zh(), e.to_string()),
    }
}

fn calendar_error(e: oneseal_domain::calendar::CalendarError) -> ApiError {
    ApiError::conflict(
        "calendar_year_missing",
        format!("工作日历不完整，无法计算认领期限：{e}"),
        e.to_string(),
    )
}

/// The jurisdiction's claim and escalation periods (defaults until set).
pub fn settings(conn: &mut dyn Conn, j: &DivisionCode) -> Result<LinkageSettings, ApiError> {
    let row = conn.query_one(
        "SELECT claim_days, escalate_days FROM linkage_settings WHERE jurisdiction = ?",
        params![j.as_str()],
    )?;
    Ok(match row {
        Some(r) => LinkageSettings {
            claim_days: u32::try_from(r.int(0)?).unwrap_or(2),
            escalate_days: u32::try_from(r.int(1)?).unwrap_or(2),
        },
        None => LinkageSettings::default(),
    })
}

/// Who supervises an item here: the explicit mapping, else the catalog's supervising
/// department when it is registered in this jurisdiction. `None` = unmapped (flagged).
pub struct Supervisor {
    pub department: DepartmentCode,
    pub responsible: Option<StaffId>,
    pub push_refusals: bool,
}

pub fn supervisor_for(
    conn: &mut dyn Conn,
    j: &DivisionCode,
    item_code: &str,
) -> Result<Option<Supervisor>, ApiError> {
    if let Some(r) = conn.query_one(
        "SELECT department, responsible, push_refusals FROM supervision_mappings WHERE jurisdiction = ? AND item_code = ?",
        params![j.as_str(), item_code],
    )? {
        return Ok(Some(Supervisor {
            department: parse_dept(&r.text(0)?)?,
            responsible: r.opt_text(1)?.and_then(|s| StaffId::parse(&s).ok()),
            push_refusals: r.int(2)? != 0,
        }));
    }
    let row = conn.query_one(
        "SELECT d.code FROM items i JOIN departments d ON d.jurisdiction = i.jurisdiction AND d.code = i.supervising_department \
         WHERE i.jurisdiction = ? AND i.basic_code = ? AND i.current = 1 AND d.kind <> 'bureau'",
        params![j.as_str(), item_code],
    )?;
    row.map(|r| {
        Ok(Supervisor {
            department: parse_dept(&r.text(0)?)?,
            responsible: None,
            push_refusals: false,
        })
    })
    .transpose()
}

fn parse_dept(s: &str) -> Result<DepartmentCode, ApiError> {
    DepartmentCode::parse(s).map_err(|e| ApiError::Internal(format!("stored department: {e}")))
}

/// The next push number of a jurisdiction: `TS`, the division code, a serial of 7 digits.
/// Serials are dense from 1 and sort as text, so the last one is found on the primary key
/// rather than by counting the jurisdiction's pushes.
fn next_push_id(tx: &mut Tx<'_>, j: &DivisionCode) -> Result<String, ApiError> {
    let prefix = format!("TS{}", j.as_str());
    let latest = tx
        .conn()
        .query_one(
            "SELECT MAX(push_id) FROM pushes WHERE push_id >= ? AND push_id <= ?",
            params![format!("{prefix}0000000"), format!("{prefix}9999999")],
        )?
        .map(|r| r.opt_text(0))
        .transpose()?
        .flatten();
    let serial = match latest {
        Some(id) => id
            .strip_prefix(&prefix)
            .and_then(|n| n.parse::<u64>().ok())
            .ok_or_else(|| ApiError::Internal(format!("stored push number {id}")))?,
        None => 0,
    };
    Ok(format!("{prefix}{:07}", serial + 1))
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
) -> Result<Option<String>, ApiError> {
    let sup = supervisor_for(tx.conn(), &meta.jurisdiction, d.item_code)?;
    if d.kind == PushKind::Refusal && !sup.as_ref().is_some_and(|s| s.push_refusals) {
        return Ok(None);
    }
    let today = legal_date(meta.time);
    let (claim_due, escalate_on) = match &sup {
        Some(_) => {
            let s = settings(tx.conn(), &meta.jurisdiction)?;
            let (a, b) = s.deadlines(calendar, today).map_err(calendar_error)?;
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
    Ok(Some(push_id))
}

/// After a licence event by the bureau: the push it calls for, if any.
pub fn push_licence_event(
    tx: &mut Tx<'_>,
    meta: &Meta,
    calendar: &Calendar,
    licence_id: &str,
    event: &LicenceEvent,
) -> Result<(), ApiError> {
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
) -> Result<u64, ApiError> {
    let kind = format!("push.{}", event.kind());
    let body = json!({ "push_id": push_id, "event": event });
    let idx = meta.record(
        tx,
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
) -> Result<(), ApiError> {
    let c = tx.conn();
    c.execute(
        "INSERT INTO dept_feed (jurisdiction, idx, department, kind, ref_id, body) VALUES (?, ?, ?, ?, ?, ?)",
        params![j.as_str(), idx, department.as_str(), kind, ref_id, body.to_string()],
    )?;
    let hooked = c
        .query_one(
            "SELECT 1 FROM webhooks WHERE jurisdiction = ? AND department = ?",
            params![j.as_str(), department.as_str()],
        )?
        .is_some();
    if hooked {
        c.execute(
            "INSERT INTO webhook_deliveries (jurisdiction, idx, department, state, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, 'pending', 0, ?, ?)",
            params![j.as_str(), idx, department.as_str(), now.unix_timestamp(), now.unix_timestamp()],
        )?;
    }
    Ok(())
}

/// A push with its events and jurisdiction.
pub fn load_push(conn: &mut dyn Conn, push_id: &str) -> Result<(Push, DivisionCode), ApiError> {
    let j = conn
        .query_one(
            "SELECT jurisdiction FROM pushes WHERE push_id = ?",
            params![push_id],
        )?
        .ok_or(ApiError::NotFound("push"))?
        .text(0)?;
    let j = DivisionCode::parse(&j).map_err(|e| ApiError::Internal(e.to_string()))?;
    let push = Push::apply(&load_push_events(conn, push_id)?).map_err(linkage_error)?;
    Ok((push, j))
}

/// The department claims a push; late when after the due date.
pub fn claim(
    tx: &mut Tx<'_>,
    meta: &Meta,
    push: &Push,
    department: &DepartmentCode,
    by: Claimant,
) -> Result<(u64, PushEvent), ApiError> {
    let e = push
        .claim(department, by, legal_date(meta.time))
        .map_err(linkage_error)?;
    let idx = record_push(tx, meta, &push.created.push_id, e.clone(), Some(department))?;
    Ok((idx, e))
}

/// What one run of the working-day runner did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct RunReport {
    pub reminded: usize,
    pub escalated: usize,
    pub digests: usize,
}

/// The hour (Beijing time) after which a working day's digest is issued.
pub const DIGEST_HOUR: u8 = 17;

/// Reminders and escalations due today, and the day's digests after 17:00 on a working day.
/// Deterministic in `now`, the calendar and the tables; safe to run any number of times.
pub async fn run_due(
    store: &Store,
    calendar: std::sync::Arc<Calendar>,
    now: OffsetDateTime,
) -> Result<RunReport, ApiError> {
    store.write(move |tx| run_due_in(tx, &calendar, now)).await
}

/// The background task of `serve`: the linkage runner every half minute, the monitoring rules
/// every minute, webhook deliveries every two seconds, all only while this process leads (with
/// several servers on one database exactly one runs them; each runner is also idempotent, so a
/// reminder, digest or alert already recorded is never recorded again).
pub fn spawn_runner(state: crate::AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let deliverer = match webhooks::Deliverer::new(state.webhook_policy) {
            Ok(d) => Some(d),
            Err(e) => {
                tracing::error!(error = %e, "webhook client; webhooks will not be delivered");
                None
            }
        };
        for tick in 0u64.. {
            if !state.leadership.is_leader() {
                tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                continue;
            }
            let now = state.clock.now();
            if tick % 15 == 0
                && let Err(e) = run_due(&state.store, state.calendar.current(), now).await
            {
                tracing::warn!(error = %e, "linkage runner");
            }
            if tick % 30 == 0
                && let Err(e) = crate::background::rules_runner::run(&state.store, now).await
            {
                tracing::warn!(error = %e, "rule runner");
            }
            if let (Some(secrets), Some(deliverer)) = (&state.webhook_secrets, &deliverer)
                && let Err(e) = webhooks::deliver_due(&state.store, secrets, deliverer, now).await
            {
                tracing::warn!(error = %e, "webhook delivery");
            }
            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        }
    })
}

fn run_due_in(
    tx: &mut Tx<'_>,
    calendar: &Calendar,
    now: OffsetDateTime,
) -> Result<RunReport, ApiError> {
    let today = legal_date(now);
    let mut report = RunReport::default();
    let open = tx.conn().query(
        "SELECT push_id, jurisdiction FROM pushes WHERE status = 'awaiting_claim' ORDER BY push_id",
        &[],
    )?;
    for r in open {
        let (push_id, j) = (r.text(0)?, r.text(1)?);
        let j = DivisionCode::parse(&j).map_err(|e| ApiError::Internal(e.to_string()))?;
        let inspectors = inspectors(tx.conn(), &j)?;
        let push = Push::apply(&load_push_events(tx.conn(), &push_id)?).map_err(linkage_error)?;
        let meta = system_meta(now, &j);
        for e in push.due_actions(today, &inspectors) {
            match e {
                PushEvent::Reminded { .. } => report.reminded += 1,
                _ => report.escalated += 1,
            }
            record_push(tx, &meta, &push_id, e, push.department.as_ref())?;
        }
    }
    let after_hours = now.to_offset(time::macros::offset!(+8)).hour() >= DIGEST_HOUR;
    if after_hours && calendar.is_working_day(today).unwrap_or(false) {
        report.digests = issue_digests(tx, today, now)?;
    }
    Ok(report)
}

fn system_meta(now: OffsetDateTime, j: &DivisionCode) -> Meta {
    Meta {
        time: now,
        jurisdiction: j.clone(),
        actor: Actor::System("linkage".into()),
    }
}

fn inspectors(conn: &mut dyn Conn, j: &DivisionCode) -> Result<Vec<StaffId>, ApiError> {
    Ok(conn
        .query(
            "SELECT id FROM staff WHERE jurisdiction = ? AND active = 1 AND roles LIKE '%inspector%' ORDER BY id",
            params![j.as_str()],
        )?
        .into_iter()
        .filter_map(|r| r.text(0).ok().and_then(|s| StaffId::parse(&s).ok()))
        .collect())
}

/// One digest per department with pushes, per working day (pushed today / awaiting claim /
/// claimed today / overdue this month), each on the ledger and on the department's feed.
fn issue_digests(tx: &mut Tx<'_>, today: Date, now: OffsetDateTime) -> Result<usize, ApiError> {
    let day = today.to_string();
    let month = format!("{}%", &day[..8]);
    let rows = tx.conn().query(
        "SELECT p.jurisdiction, p.department, \
           CAST(SUM(CASE WHEN p.pushed_on = ? THEN 1 ELSE 0 END) AS BIGINT), \
           CAST(SUM(CASE WHEN p.status = 'awaiting_claim' THEN 1 ELSE 0 END) AS BIGINT), \
           CAST(SUM(CASE WHEN p.claimed_on = ? THEN 1 ELSE 0 END) AS BIGINT), \
           CAST(SUM(CASE WHEN p.claim_due LIKE ? AND p.claim_due < ? AND (p.claimed_on IS NULL OR p.claimed_on > p.claim_due) THEN 1 ELSE 0 END) AS BIGINT) \
         FROM pushes p WHERE p.department IS NOT NULL \
           AND NOT EXISTS (SELECT 1 FROM linkage_digests d WHERE d.jurisdiction = p.jurisdiction AND d.department = p.department AND d.on_date = ?) \
         GROUP BY p.jurisdiction, p.department ORDER BY p.jurisdiction, p.department",
        params![day.as_str(), day.as_str(), month.as_str(), day.as_str(), day.as_str()],
    )?;
    let count = |v: i64| u64::try_from(v).unwrap_or(0);
    let mut n = 0;
    for r in rows {
        let j = DivisionCode::parse(&r.text(0)?).map_err(|e| ApiError::Internal(e.to_string()))?;
        let department = parse_dept(&r.text(1)?)?;
        let e = Event::DigestIssued {
            department: department.clone(),
            on: today,
            pushed: count(r.int(2)?),
            awaiting: count(r.int(3)?),
            claimed_today: count(r.int(4)?),
            overdue_this_month: count(r.int(5)?),
        };
        let meta = system_meta(now, &j);
        let idx = meta.record(tx, &e)?;
        let body = e.public_view();
        enqueue(tx, &j, idx, &department, "digest", &day, &body, now)?;
        n += 1;
    }
    Ok(n)
}

/// The impact of a change of law or policy: items citing it, their open cases and valid
/// licences, as of now.
pub fn impact_of(
    conn: &mut dyn Conn,
    j: &DivisionCode,
    law: &str,
    articles: &[String],
) -> Result<Impact, ApiError> {
    let mut impact = Impact::default();
    for r in conn.query(
        "SELECT basic_code, body FROM items WHERE jurisdiction = ? AND current = 1 ORDER BY basic_code",
        params![j.as_str()],
    )? {
        let item: oneseal_domain::catalog::Item = serde_json::from_str(&r.text(1)?)
            .map_err(|e| ApiError::Internal(format!("stored item: {e}")))?;
        if item
            .legal_basis
            .iter()
            .any(|b| cites(&b.law, b.article.as_deref(), law, articles))
        {
            impact.items.push(r.text(0)?);
        }
    }
    // Valid licences by the item they were issued for (their first event), read once.
    let mut licences: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for r in conn.query(
        "SELECT l.licence_id, e.body FROM licences l JOIN licence_events e ON e.licence_id = l.licence_id AND e.seq = 1 \
         WHERE l.jurisdiction = ? AND l.status = 'valid' ORDER BY l.licence_id",
        params![j.as_str()],
    )? {
        if let Ok(LicenceEvent::Issued { item_code, .. }) = serde_json::from_str(&r.text(1)?) {
            licences.entry(item_code).or_default().push(r.text(0)?);
        }
    }
    for code in &impact.items {
        for r in conn.query(
            "SELECT case_number FROM cases WHERE jurisdiction = ? AND item_code = ? AND closed = 0 ORDER BY case_number",
            params![j.as_str(), code.as_str()],
        )? {
            impact.open_cases.push(r.text(0)?);
        }
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
) -> Result<FeedbackOutcome, ApiError> {
    body.validate().map_err(linkage_error)?;
    if external_ref.trim().is_empty() || external_ref.len() > 100 {
        return Err(ApiError::bad_request(
            "missing_field",
            "external_ref（部门业务编号）不能为空且不超过100字符",
            "external_ref must be 1 to 100 characters",
        ));
    }
    let j = meta.jurisdiction.clone();
    // Whether the department may act on the licence comes before anything its reference could
    // tell: a conflict on a licence it may not touch would confirm what another holds.
    let licence = match body.licence_id() {
        Some(id) => Some(licence_of_department(tx.conn(), &j, department, id)?),
        None => None,
    };
    if let Some(r) = tx.conn().query_one(
        "SELECT feedback_id, body, impact FROM feedback WHERE jurisdiction = ? AND department = ? AND external_ref = ?",
        params![j.as_str(), department.as_str(), external_ref],
    )? {
        let stored: FeedbackBody = serde_json::from_str(&r.text(1)?)
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        if stored != body {
            return Err(ApiError::conflict(
                "external_ref_conflict",
                "该部门业务编号已用于内容不同的反馈",
                "This external_ref was already used for different feedback",
            ));
        }
        let id = r.text(0)?;
        let idx = tx
            .conn()
            .query_one(
                "SELECT idx FROM dept_feed WHERE jurisdiction = ? AND kind = 'feedback' AND ref_id = ?",
                params![j.as_str(), id.as_str()],
            )?
            .map(|r| r.u64(0))
            .transpose()?
            .unwrap_or(0);
        let impact = r
            .opt_text(2)?
            .map(|s| serde_json::from_str(&s))
            .transpose()
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        return Ok(FeedbackOutcome {
            feedback_id: id,
            ledger_index: idx,
            duplicate: true,
            impact,
            licence_status: None,
        });
    }
    let impact = match &body {
        FeedbackBody::PolicyChange { law, articles, .. } => {
            Some(impact_of(tx.conn(), &j, law, articles)?)
        }
        _ => None,
    };
    let n = tx
        .conn()
        .query_one(
            "SELECT COUNT(*) FROM feedback WHERE jurisdiction = ?",
            params![j.as_str()],
        )?
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(0);
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
    let idx = dept_meta.record(tx, &event)?;
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
) -> Result<Licence, ApiError> {
    let events = load_licence_events(conn, licence_id)?;
    let not_found = || {
        ApiError::bad_request(
            "unknown_licence",
            "未找到该许可证件",
            "No such licence in this jurisdiction",
        )
    };
    let Some(LicenceEvent::Issued { item_code, .. }) = events.first() else {
        return Err(not_found());
    };
    let here = conn
        .query_one(
            "SELECT 1 FROM licences WHERE licence_id = ? AND jurisdiction = ?",
            params![licence_id, j.as_str()],
        )?
        .is_some();
    if !here {
        return Err(not_found());
    }
    match supervisor_for(conn, j, item_code)? {
        Some(s) if s.department == *department => {}
        _ => {
            return Err(ApiError::Forbidden(
                oneseal_domain::access::Denied::Department,
            ));
        }
    }
    Licence::apply(&events).map_err(|_| not_found())
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
) -> Result<Licence, ApiError> {
    let today = legal_date(dept_meta.time);
    let licence_error = |e: oneseal_domain::licence::LicenceError| {
        ApiError::conflict(e.code(), e.message_zh(), e.to_string())
    };
    let revoked = licence
        .penalise(department.clone(), decision_ref.to_owned(), today)
        .map_err(licence_error)?;
    let record = |tx: &mut Tx<'_>, meta: &Meta, e: LicenceEvent| {
        meta.record(
            tx,
            &Event::Licence {
                licence_id: licence_id.to_owned(),
                event: Box::new(e),
            },
        )
    };
    record(tx, dept_meta, revoked)?;
    let after =
        Licence::apply(&load_licence_events(tx.conn(), licence_id)?).map_err(licence_error)?;
    let cancelled = after.cancel_after_penalty(today).map_err(licence_error)?;
    record(
        tx,
        &system_meta(dept_meta.time, &dept_meta.jurisdiction),
        cancelled,
    )?;
    Licence::apply(&load_licence_events(tx.conn(), licence_id)?).map_err(licence_error)
}
