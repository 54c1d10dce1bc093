//! Leadership coordination (领导协调): raising a matter, the leader's decision, tasks for
//! departments and staff, their reports and the closing — each one event
//! (`coordination.matter`) through `Meta::record_event`. The rules of the matter are in
//! `domain::coordination`; here are the checks that need the tables (the leader holds a leader's
//! role here, a department exists, an escalated push is escalated and unclaimed) and who may see
//! what: the bureau's staff every matter of their jurisdiction, a department those touching it.

use oneseal_domain::access::{Denied, Principal};
use oneseal_domain::calendar::{Calendar, CalendarError, TimeLimit};
use oneseal_domain::case::legal_date;
use oneseal_domain::coordination::{
    CoordinationError, Matter, MatterEvent, MatterKind, MatterRaised, Party, check_days,
};
use oneseal_domain::event::Event;
use oneseal_domain::org::{DepartmentCode, DivisionCode, Role, StaffId};
pub use oneseal_store::coordination::MatterRow;
use oneseal_store::coordination::{self as rows, Counts};
use oneseal_store::{Conn, Store, StoreError, Tx};
use time::Date;

use crate::services::commands::Meta;

/// Why a coordination step was refused.
#[derive(Debug, thiserror::Error)]
pub enum CoordinationServiceError {
    /// The matter's own rules (domain).
    #[error(transparent)]
    Rule(#[from] CoordinationError),
    #[error("no such matter")]
    MatterNotFound,
    #[error("no such task")]
    TaskNotFound,
    #[error("unknown matter kind")]
    BadKind,
    #[error("the leader must be an active bureau head or approving official here")]
    BadLeader,
    #[error("no bureau head to lead the matter")]
    NoLeader,
    #[error("unknown department {0}")]
    UnknownDepartment(String),
    #[error("the task's holder is not an active member of staff here")]
    UnknownStaff,
    #[error("name either a department or a member of staff")]
    BadAssignee,
    #[error("bad date")]
    BadDate,
    #[error("no such push")]
    PushNotFound,
    #[error("the push is not escalated and unclaimed")]
    PushNotEscalated,
    #[error("a matter already takes up this push")]
    PushAlreadyRaised,
    #[error("not the principal's business")]
    Forbidden(Denied),
    #[error(transparent)]
    Calendar(CalendarError),
    #[error("stored matter: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

type Result<T> = std::result::Result<T, CoordinationServiceError>;

/// A department-only principal's department (a department user or a department's token).
pub fn department_of(p: &Principal) -> Option<DepartmentCode> {
    p.roles
        .iter()
        .all(|r| *r == Role::DepartmentSupervisor)
        .then(|| p.department.clone())
}

/// Who the principal is in a matter: its department, or the member of staff.
fn party_of(p: &Principal) -> Result<Party> {
    match (department_of(p), &p.staff) {
        (Some(d), _) => Ok(Party::Department(d)),
        (None, Some(s)) => Ok(Party::Staff(s.clone())),
        (None, None) => Err(CoordinationServiceError::Forbidden(Denied::Department)),
    }
}

fn is_head(p: &Principal) -> bool {
    p.roles.contains(&Role::BureauHead)
}

/// What a person raising a matter sends.
#[derive(Debug, Clone)]
pub struct NewMatter {
    pub kind: String,
    pub title: String,
    pub description: String,
    pub departments: Vec<String>,
    pub push_id: Option<String>,
    pub leader: Option<String>,
    pub due_working_days: u32,
}

/// What raising gave.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Raised {
    pub matter_id: String,
    pub leader: String,
    /// YYYY-MM-DD.
    pub due: String,
    pub ledger_index: u64,
}

fn due_in(calendar: &Calendar, today: Date, days: u32) -> Result<Date> {
    let days = check_days(days)?;
    Ok(calendar
        .deadline(today, TimeLimit::working_days(days), &[])
        .map_err(CoordinationServiceError::Calendar)?
        .due)
}

fn parse_dept(conn: &mut dyn Conn, j: &DivisionCode, code: &str) -> Result<DepartmentCode> {
    let unknown = || CoordinationServiceError::UnknownDepartment(code.chars().take(32).collect());
    let d = DepartmentCode::parse(code.trim()).map_err(|_| unknown())?;
    if !oneseal_store::org::department_exists(conn, j.as_str(), d.as_str())? {
        return Err(unknown());
    }
    Ok(d)
}

/// An active member of staff of `j` holding one of `roles` (any role when empty).
fn staff_here(conn: &mut dyn Conn, j: &DivisionCode, id: &str, roles: &[Role]) -> Option<StaffId> {
    let who = oneseal_store::org::staff_identity(conn, id.trim()).ok()??;
    let held = who.roles.split(',').filter_map(|r| Role::parse(r).ok());
    let ok = who.jurisdiction == j.as_str()
        && (roles.is_empty() || held.into_iter().any(|r| roles.contains(&r)));
    ok.then(|| StaffId::parse(&who.id).ok()).flatten()
}

/// The leader named, or the jurisdiction's first active bureau head.
fn leader_for(conn: &mut dyn Conn, j: &DivisionCode, named: Option<&str>) -> Result<StaffId> {
    let leaders = [Role::BureauHead, Role::Approver];
    if let Some(id) = named.filter(|s| !s.trim().is_empty()) {
        return staff_here(conn, j, id, &leaders).ok_or(CoordinationServiceError::BadLeader);
    }
    oneseal_store::org::active_staff(conn, j.as_str())?
        .into_iter()
        .find(|s| s.roles.iter().any(|r| r == Role::BureauHead.code()))
        .and_then(|s| StaffId::parse(&s.id).ok())
        .ok_or(CoordinationServiceError::NoLeader)
}

/// The escalated, unclaimed push of `j` a matter takes up; its department.
fn escalated_push(
    conn: &mut dyn Conn,
    j: &DivisionCode,
    p: &Principal,
    push_id: &str,
    today: Date,
) -> Result<Option<DepartmentCode>> {
    let push = oneseal_store::linkage::pushes::row(conn, push_id, &today.to_string())?
        .filter(|r| r.jurisdiction == j.as_str())
        .ok_or(CoordinationServiceError::PushNotFound)?;
    if let Some(own) = department_of(p)
        && push.department.as_deref() != Some(own.as_str())
    {
        return Err(CoordinationServiceError::PushNotFound);
    }
    if push.escalated_on.is_none() || push.status != "awaiting_claim" {
        return Err(CoordinationServiceError::PushNotEscalated);
    }
    if rows::matter_of_push(conn, push_id)?.is_some() {
        return Err(CoordinationServiceError::PushAlreadyRaised);
    }
    Ok(push
        .department
        .as_deref()
        .and_then(|d| DepartmentCode::parse(d).ok()))
}

/// Raises a matter in the principal's jurisdiction.
pub fn raise(
    tx: &mut Tx<'_>,
    meta: &Meta,
    p: &Principal,
    calendar: &Calendar,
    new: NewMatter,
) -> Result<Raised> {
    let j = &meta.jurisdiction;
    let today = legal_date(meta.time);
    let kind = MatterKind::parse(new.kind.trim()).ok_or(CoordinationServiceError::BadKind)?;
    let raised_by = party_of(p)?;
    let mut departments = Vec::new();
    for code in &new.departments {
        let d = parse_dept(tx.conn(), j, code)?;
        if !departments.contains(&d) {
            departments.push(d);
        }
    }
    let push_id = new.push_id.filter(|s| !s.trim().is_empty());
    if let Some(id) = push_id
        .as_deref()
        .filter(|_| kind == MatterKind::EscalatedPush)
        && let Some(d) = escalated_push(tx.conn(), j, p, id, today)?
        && !departments.contains(&d)
    {
        departments.push(d);
    }
    if let Party::Department(d) = &raised_by
        && !departments.contains(d)
    {
        departments.insert(0, d.clone());
    }
    let leader = leader_for(tx.conn(), j, new.leader.as_deref())?;
    let due = due_in(calendar, today, new.due_working_days)?;
    let matter_id = format!("XT-{j}-{:05}", rows::count(tx.conn(), j.as_str())? + 1);
    let event = MatterRaised {
        matter_id: matter_id.clone(),
        kind,
        title: new.title,
        description: new.description,
        raised_by,
        departments,
        push_id,
        leader: leader.clone(),
        raised_on: today,
        due,
    }
    .raise()?;
    let ledger_index = record(tx, meta, &matter_id, event)?;
    Ok(Raised {
        matter_id,
        leader: leader.to_string(),
        due: due.to_string(),
        ledger_index,
    })
}

fn record(tx: &mut Tx<'_>, meta: &Meta, matter_id: &str, event: MatterEvent) -> Result<u64> {
    let e = Event::Coordination {
        matter_id: matter_id.to_owned(),
        event: Box::new(event),
    };
    Ok(meta.record_event(tx, &e)?)
}

/// The matter of the principal's jurisdiction, folded; a department sees only those touching it.
fn load(conn: &mut dyn Conn, p: &Principal, matter_id: &str) -> Result<Matter> {
    let j = rows::jurisdiction_of(conn, matter_id)?;
    if j.as_deref() != Some(p.jurisdiction.as_str()) {
        return Err(CoordinationServiceError::MatterNotFound);
    }
    let m = Matter::apply(&rows::load_events(conn, matter_id)?)
        .map_err(|e| CoordinationServiceError::Corrupt(e.to_string()))?;
    if let Some(d) = department_of(p)
        && !m.parties().contains(&d)
    {
        return Err(CoordinationServiceError::Forbidden(Denied::Department));
    }
    Ok(m)
}

/// The leader records the coordination meeting's decision.
pub fn decide(
    tx: &mut Tx<'_>,
    meta: &Meta,
    p: &Principal,
    matter_id: &str,
    meeting_on: Option<&str>,
    decision: String,
) -> Result<(u64, bool)> {
    let today = legal_date(meta.time);
    let by = p.staff.clone().ok_or(CoordinationError::NotLeader)?;
    let meeting_on = match meeting_on.filter(|s| !s.trim().is_empty()) {
        Some(s) => oneseal_domain::calendar::parse_date_arg(s.trim())
            .map_err(|_| CoordinationServiceError::BadDate)?,
        None => today,
    };
    let m = load(tx.conn(), p, matter_id)?;
    let e = m.decide(&by, is_head(p), meeting_on, decision, today)?;
    let late = matches!(e, MatterEvent::Decided { late: true, .. });
    Ok((record(tx, meta, matter_id, e)?, late))
}

/// What the leader assigns: to a department or to a member of staff.
#[derive(Debug, Clone)]
pub struct NewTask {
    pub department: Option<String>,
    pub staff: Option<String>,
    pub description: String,
    pub due_working_days: u32,
}

/// The leader assigns a task of the decision; its id and due date.
pub fn assign(
    tx: &mut Tx<'_>,
    meta: &Meta,
    p: &Principal,
    calendar: &Calendar,
    matter_id: &str,
    task: NewTask,
) -> Result<(String, Date, u64)> {
    let j = &meta.jurisdiction;
    let today = legal_date(meta.time);
    let by = p.staff.clone().ok_or(CoordinationError::NotLeader)?;
    let nonempty = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
    let assignee = match (nonempty(task.department), nonempty(task.staff)) {
        (Some(d), None) => Party::Department(parse_dept(tx.conn(), j, &d)?),
        (None, Some(s)) => Party::Staff(
            staff_here(tx.conn(), j, &s, &[]).ok_or(CoordinationServiceError::UnknownStaff)?,
        ),
        _ => return Err(CoordinationServiceError::BadAssignee),
    };
    let due = due_in(calendar, today, task.due_working_days)?;
    let m = load(tx.conn(), p, matter_id)?;
    let task_id = m.next_task_id();
    let e = m.assign_task(&by, is_head(p), assignee, task.description, due, today)?;
    Ok((task_id, due, record(tx, meta, matter_id, e)?))
}

/// The task's holder reports it done; whether after its due date.
pub fn complete(
    tx: &mut Tx<'_>,
    meta: &Meta,
    p: &Principal,
    task_id: &str,
    report: String,
) -> Result<(u64, bool)> {
    let matter_id =
        rows::matter_of_task(tx.conn(), task_id)?.ok_or(CoordinationServiceError::TaskNotFound)?;
    let m = load(tx.conn(), p, &matter_id).map_err(|e| match e {
        CoordinationServiceError::MatterNotFound => CoordinationServiceError::TaskNotFound,
        e => e,
    })?;
    let e = m.complete_task(task_id, party_of(p)?, report, legal_date(meta.time))?;
    let late = matches!(e, MatterEvent::TaskDone { late: true, .. });
    Ok((record(tx, meta, &matter_id, e)?, late))
}

/// The leader closes the matter.
pub fn close(
    tx: &mut Tx<'_>,
    meta: &Meta,
    p: &Principal,
    matter_id: &str,
    summary: String,
) -> Result<u64> {
    let by = p.staff.clone().ok_or(CoordinationError::NotLeader)?;
    let m = load(tx.conn(), p, matter_id)?;
    let e = m.close(&by, is_head(p), summary, legal_date(meta.time))?;
    record(tx, meta, matter_id, e)
}

/// The matters the principal may see (newest first, at most `limit`), of `status` if given.
pub async fn list(
    store: &Store,
    p: Principal,
    status: Option<String>,
    limit: u32,
    today: Date,
) -> Result<Vec<MatterRow>> {
    let dept = department_of(&p).map(|d| d.to_string());
    Ok(store
        .read(move |c| {
            rows::list(
                c,
                p.jurisdiction.as_str(),
                dept.as_deref(),
                status.as_deref(),
                limit,
                &today.to_string(),
            )
        })
        .await?)
}

/// One matter as its page and the API show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MatterView {
    pub matter: Matter,
    pub status: &'static str,
    pub status_zh: &'static str,
    pub kind_zh: &'static str,
    pub overdue: bool,
    /// The ids of the tasks past their due date and not done.
    pub overdue_tasks: Vec<String>,
}

/// One matter, if the principal may see it.
pub async fn get(
    store: &Store,
    p: Principal,
    matter_id: String,
    today: Date,
) -> Result<MatterView> {
    let m = store.read(move |c| load(c, &p, &matter_id)).await?;
    let status = m.status();
    Ok(MatterView {
        status: status.code(),
        status_zh: status.name_zh(),
        kind_zh: m.raised.kind.name_zh(),
        overdue: m.is_overdue(today),
        overdue_tasks: m.overdue_tasks(today).map(|t| t.task_id.clone()).collect(),
        matter: m,
    })
}

/// The dashboard's figures for `j` on `today`.
pub fn counts(
    conn: &mut dyn Conn,
    j: &DivisionCode,
    today: Date,
) -> std::result::Result<Counts, StoreError> {
    rows::counts(conn, j.as_str(), &today.to_string())
}
