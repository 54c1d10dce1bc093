//! Joint review (会签 / 联合审查 / 现场核查) apart from HTTP: the reviewer asks departments for
//! their opinion on a case under review, each asked department sees the request on its feed
//! (and webhook) and answers, the runner reminds and escalates unanswered ones like pushes.
//!
//! The rules are `domain::consultation`; the statements `store::consultations`; the feed and
//! webhook queue are the linkage's (`services::linkage::enqueue`). The question and the
//! opinion's text are private: the ledger's public entry never carries them, the department
//! that is asked reads the question on its own feed.

use oneseal_domain::access::{Action, Denied, Principal, Target, authorize};
use oneseal_domain::calendar::{Calendar, CalendarError, TimeLimit};
use oneseal_domain::case::{CaseNumber, CaseStatus, legal_date};
use oneseal_domain::consultation::{
    CLOCK_NOTE_ZH, Consultation, ConsultationAsked, ConsultationError, ConsultationEvent,
    Opinionated, Request, beyond_decision_due, check_request, under_review,
};
use oneseal_domain::event::{Actor, Event};
use oneseal_domain::linkage::Claimant;
use oneseal_domain::org::{DepartmentCode, DivisionCode, StaffId};
use oneseal_store::consultations::{self as store, ConsultationRow};
use oneseal_store::linkage::bureau;
use oneseal_store::{Conn, StoreError, Tx};
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::services::cases::{self, CaseServiceError};
use crate::services::commands::Meta;
use crate::services::linkage::{self, LinkageError};

/// Why a consultation command or read did not go through. Mapped to HTTP in
/// `error/services.rs`.
#[derive(Debug, thiserror::Error)]
pub enum ConsultationServiceError {
    /// A rule of `domain::consultation` refused.
    #[error(transparent)]
    Rule(#[from] ConsultationError),
    #[error("forbidden: {0}")]
    Denied(#[from] Denied),
    #[error("not found: {0}")]
    NotFound(&'static str),
    #[error("no such department in this jurisdiction: {0}")]
    UnknownDepartment(String),
    #[error("attachment {0} is not among the case's materials")]
    UnknownAttachment(String),
    /// The working-day calendar lacks a year the due date reaches into.
    #[error("calendar: {0}")]
    Calendar(CalendarError),
    #[error(transparent)]
    Case(#[from] CaseServiceError),
    #[error(transparent)]
    Linkage(#[from] LinkageError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
}

type Result<T, E = ConsultationServiceError> = std::result::Result<T, E>;

/// The next consultation number of a jurisdiction: `ZX`, the division code, a serial of 7 digits.
fn next_id(tx: &mut Tx<'_>, j: &DivisionCode) -> Result<String> {
    let prefix = format!("ZX{}", j.as_str());
    let latest = store::latest_id(
        tx.conn(),
        &format!("{prefix}0000000"),
        &format!("{prefix}9999999"),
    )?;
    crate::services::commands::next_serial_id(&prefix, latest)
        .map_err(|id| ConsultationServiceError::Internal(format!("stored id {id}")))
}

/// A reviewer's request.
pub struct AskRequest {
    pub number: CaseNumber,
    pub departments: Vec<String>,
    pub question: String,
    pub due_working_days: u32,
    pub now: OffsetDateTime,
}

/// Records one consultation event and puts it on the asked department's feed (and webhook
/// queue) under the event's ledger index.
fn record(
    tx: &mut Tx<'_>,
    meta: &Meta,
    id: &str,
    event: ConsultationEvent,
    department: &DepartmentCode,
    feed_body: Value,
) -> Result<u64> {
    let kind = format!("consultation.{}", event.kind());
    let idx = linkage::record(
        tx,
        meta,
        &Event::Consultation {
            consultation_id: id.to_owned(),
            event: Box::new(event),
        },
    )?;
    linkage::enqueue(
        tx,
        &meta.jurisdiction,
        idx,
        department,
        &kind,
        id,
        &feed_body,
        meta.time,
    )?;
    Ok(idx)
}

/// Asks each named department for its opinion: one consultation per department, each on the
/// ledger and on the department's feed. The answer says whether the due date falls after the
/// case's statutory due date (the clock does not stop for an opinion).
pub fn ask(
    tx: &mut Tx<'_>,
    principal: &Principal,
    calendar: &Calendar,
    req: AskRequest,
) -> Result<Value> {
    let j = req.number.division().clone();
    authorize(principal, Action::ReviewCase, &Target::jurisdiction(&j))?;
    let staff = principal
        .staff
        .clone()
        .ok_or(Denied::Role(Action::ReviewCase))?;
    let (case, _) = cases::load(tx.conn(), &req.number)?;
    let mut departments = Vec::with_capacity(req.departments.len());
    for code in &req.departments {
        let d = DepartmentCode::parse(code)
            .map_err(|_| ConsultationServiceError::UnknownDepartment(code.clone()))?;
        if d != principal.department && !bureau::is_supervising_department(tx.conn(), &j, &d)? {
            return Err(ConsultationServiceError::UnknownDepartment(code.clone()));
        }
        departments.push(d);
    }
    check_request(&Request {
        status: case.status(),
        departments: &departments,
        bureau: &principal.department,
        question: &req.question,
        due_working_days: req.due_working_days,
    })?;
    let today = legal_date(req.now);
    let escalate_days = bureau::settings(tx.conn(), &j)?.escalate_days;
    let due_on = calendar
        .deadline(today, TimeLimit::working_days(req.due_working_days), &[])
        .map_err(ConsultationServiceError::Calendar)?
        .due;
    let escalate_on = calendar
        .deadline(due_on, TimeLimit::working_days(escalate_days), &[])
        .map_err(ConsultationServiceError::Calendar)?
        .due;
    let decision_due = case
        .clock(calendar, today)
        .ok()
        .and_then(|c| c.decision)
        .map(|d| d.statutory.due);
    let meta = Meta {
        time: req.now,
        jurisdiction: j.clone(),
        actor: Actor::Staff(staff.clone()),
    };
    let item = &case.received().item;
    let mut made = Vec::new();
    for d in departments {
        let id = next_id(tx, &j)?;
        let asked = ConsultationAsked {
            consultation_id: id.clone(),
            case_number: req.number.to_string(),
            item_code: item.basic_code.to_string(),
            department: d.clone(),
            question: req.question.clone(),
            asked_by: staff.clone(),
            asked_on: today,
            due_working_days: req.due_working_days,
            due_on,
            escalate_on,
        };
        // The asked department reads the question on its own feed.
        let body = json!({
            "consultation_id": id, "case_number": req.number, "item_code": item.basic_code,
            "item_name": item.name, "question": req.question, "asked_on": today.to_string(),
            "due_on": due_on.to_string(), "due_working_days": req.due_working_days,
            "answer": format!("/api/v1/consultations/{id}/opinion"),
        });
        let idx = record(tx, &meta, &id, ConsultationEvent::Asked(asked), &d, body)?;
        made.push(json!({
            "consultation_id": id, "department": d, "status": "awaiting",
            "due_on": due_on.to_string(), "escalate_on": escalate_on.to_string(),
            "ledger_index": idx,
        }));
    }
    Ok(json!({
        "case_number": req.number,
        "consultations": made,
        "due_on": due_on.to_string(),
        "decision_due": decision_due.map(|d| d.to_string()),
        "beyond_decision_due": beyond_decision_due(due_on, decision_due),
        "clock_paused": false,
        "clock_note_zh": CLOCK_NOTE_ZH,
    }))
}

/// A department's answer as its request makes it.
pub struct AnswerRequest {
    pub consultation_id: String,
    pub given: Opinionated,
    pub claimant: Claimant,
    /// Who the ledger names as acting.
    pub actor: Actor,
    pub now: OffsetDateTime,
}

/// A consultation with its events and jurisdiction.
pub fn load(conn: &mut dyn Conn, id: &str) -> Result<(Consultation, DivisionCode)> {
    let row = store::row(conn, id)?.ok_or(ConsultationServiceError::NotFound("consultation"))?;
    let j = DivisionCode::parse(&row.jurisdiction)
        .map_err(|e| ConsultationServiceError::Internal(format!("stored jurisdiction: {e}")))?;
    let c = Consultation::apply(&store::load_events(conn, id)?)?;
    Ok((c, j))
}

/// The asked department's opinion: only that department may give it (another's is 403, an
/// unknown id 404), once; attachments must be files of the case's material store.
pub fn answer(tx: &mut Tx<'_>, principal: &Principal, req: AnswerRequest) -> Result<Value> {
    // Bureau staff and a token without the scope are refused before anything is looked up.
    let own = Target::department(&principal.jurisdiction, &principal.department);
    authorize(principal, Action::AnswerConsultation, &own)?;
    let (c, j) = load(tx.conn(), &req.consultation_id)?;
    let asked = &c.asked;
    authorize(
        principal,
        Action::AnswerConsultation,
        &Target::department(&j, &asked.department),
    )?;
    for sha in &req.given.attachments {
        if oneseal_store::materials::find(tx.conn(), &asked.case_number, sha)?.is_none() {
            return Err(ConsultationServiceError::UnknownAttachment(sha.clone()));
        }
    }
    let today = legal_date(req.now);
    let event = c.answer(&principal.department, req.claimant, req.given, today)?;
    let late = matches!(event, ConsultationEvent::Answered { late: true, .. });
    let meta = Meta {
        time: req.now,
        jurisdiction: j.clone(),
        actor: req.actor,
    };
    let body = json!({ "consultation_id": req.consultation_id, "event": event.public_view() });
    let idx = record(
        tx,
        &meta,
        &req.consultation_id,
        event,
        &asked.department,
        body,
    )?;
    Ok(json!({
        "consultation_id": req.consultation_id,
        "case_number": asked.case_number,
        "status": if late { "answered_late" } else { "answered" },
        "late": late,
        "receipt": { "ledger_index": idx, "log": j,
                     "proof": format!("/api/v1/log/{j}/receipt/{idx}") },
    }))
}

/// What a department's own file is listed under among the case's materials, before the
/// department's name (`会签意见附件（济南市市场监督管理局）`): the case's list shows where it came from.
pub const ATTACHMENT_NAME: &str = "会签意见附件";

/// The case a file of the asked department's own goes to (its site-check report, say), and the
/// name it is listed under: only the asked department may add one (another is 403, an unknown
/// id 404), only while the consultation awaits its answer (409), which then cites the file by
/// its SHA-256. The file itself is stored as any of the case's materials
/// (`services::materials::store_material`).
pub fn attachment_target(
    conn: &mut dyn Conn,
    principal: &Principal,
    id: &str,
) -> Result<(CaseNumber, String)> {
    let own = Target::department(&principal.jurisdiction, &principal.department);
    authorize(principal, Action::AnswerConsultation, &own)?;
    let (c, j) = load(conn, id)?;
    authorize(
        principal,
        Action::AnswerConsultation,
        &Target::department(&j, &c.asked.department),
    )?;
    c.may_attach(&principal.department)?;
    let number = CaseNumber::parse(&c.asked.case_number)
        .map_err(|e| ConsultationServiceError::Internal(format!("stored case number: {e}")))?;
    let names = oneseal_store::org::department_names(conn, j.as_str())?;
    let dept = c.asked.department.as_str();
    let name = names.get(dept).map_or(dept, String::as_str);
    Ok((number, format!("{ATTACHMENT_NAME}（{name}）")))
}

/// A case's consultations, for the bureau's staff who may read the case.
pub fn for_case(
    conn: &mut dyn Conn,
    principal: &Principal,
    number: &CaseNumber,
) -> Result<Vec<ConsultationRow>> {
    authorize(
        principal,
        Action::ViewCases,
        &Target::jurisdiction(number.division()),
    )?;
    Ok(store::for_case(conn, number.as_str())?)
}

/// The requests to the caller's department, newest first (`open_only`: unanswered ones).
pub fn for_department(
    conn: &mut dyn Conn,
    principal: &Principal,
    open_only: bool,
    limit: u32,
) -> Result<Vec<ConsultationRow>> {
    let j = principal.jurisdiction.clone();
    let d = principal.department.clone();
    authorize(
        principal,
        Action::AnswerConsultation,
        &Target::department(&j, &d),
    )?;
    Ok(store::for_department(
        conn,
        &j,
        d.as_str(),
        open_only,
        limit,
    )?)
}

/// Whether the case is past review (decided, withdrawn, closed): its open consultations are no
/// longer reminded, since their opinion can no longer inform the decision.
fn settled(conn: &mut dyn Conn, case_number: &str) -> Result<bool> {
    let status = store::case_status(conn, case_number)?
        .and_then(|s| u8::try_from(s).ok())
        .and_then(CaseStatus::from_code);
    Ok(status.is_some_and(|s| !under_review(s)))
}

/// What one run of reminders and escalations did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Reminders {
    pub reminded: usize,
    pub escalated: usize,
}

/// Reminders and escalations of unanswered consultations due on `now`'s day, recorded by the
/// linkage and put on the asked department's feed. Idempotent: a reminder or escalation once
/// recorded is never recorded again.
pub fn remind_due(tx: &mut Tx<'_>, now: OffsetDateTime) -> Result<Reminders> {
    let today = legal_date(now);
    let mut out = Reminders::default();
    for (id, j) in store::awaiting(tx.conn())? {
        let j = DivisionCode::parse(&j)
            .map_err(|e| ConsultationServiceError::Internal(format!("stored jurisdiction: {e}")))?;
        let c = Consultation::apply(&store::load_events(tx.conn(), &id)?)?;
        let due = c.due_actions(today, &[]);
        if due.is_empty() || settled(tx.conn(), &c.asked.case_number)? {
            continue;
        }
        let inspectors: Vec<StaffId> = bureau::active_inspectors(tx.conn(), &j)?
            .into_iter()
            .filter_map(|s| StaffId::parse(&s).ok())
            .collect();
        let meta = linkage::system_meta(now, &j);
        for e in c.due_actions(today, &inspectors) {
            match e {
                ConsultationEvent::Reminded { .. } => out.reminded += 1,
                _ => out.escalated += 1,
            }
            let body = json!({ "consultation_id": id, "event": e.public_view(),
                               "case_number": c.asked.case_number, "due_on": c.asked.due_on.to_string() });
            record(tx, &meta, &id, e, &c.asked.department, body)?;
        }
    }
    Ok(out)
}
