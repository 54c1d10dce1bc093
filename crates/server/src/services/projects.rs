//! Construction projects (工程建设项目审批制度改革, 国办发〔2019〕11号; issue #20 item 3): register a
//! project, link its cases to its four stages, complete a stage once its items are granted, and
//! track the utilities' connections — each one event (`project.event`) through
//! `Meta::record_event`. The rules of the project are in `domain::project`; here are the checks
//! that need the tables (the case exists here and is in no other project, its item and status)
//! and the project's page ([`view`]: stages, cases, utilities and the timeline).
//!
//! The plan (stages, their items and limits) is the catalog's (`domain::project::demo_plan`,
//! shipped with the binary). Only the bureau's staff of the project's jurisdiction see it.

mod counts;
mod demo;
mod listing;
mod times;
pub mod view;

use std::sync::OnceLock;

use oneseal_domain::access::Principal;
use oneseal_domain::calendar::Calendar;
use oneseal_domain::case::{CaseStatus, legal_date};
use oneseal_domain::catalog::BasicCode;
use oneseal_domain::event::Event;
use oneseal_domain::project::{
    Member, Project, ProjectCode, ProjectError, ProjectEvent, ProjectKind, ProjectPlan, Registered,
    Stage, Utility, demo_plan,
};
pub use oneseal_store::projects::ProjectRow;
use oneseal_store::projects::{self as rows, CaseRow};
use oneseal_store::{Conn, Store, StoreError, Tx};

use crate::services::commands::Meta;

pub use counts::{ProjectCounts, counts};
pub use demo::seed_demo_project;
pub use listing::ListedProject;
pub use times::case_times;
pub use view::{ProjectView, view};

/// Why a project step was refused.
#[derive(Debug, thiserror::Error)]
pub enum ProjectServiceError {
    /// The project's own rules (domain).
    #[error(transparent)]
    Rule(#[from] ProjectError),
    #[error("no such project")]
    ProjectNotFound,
    #[error("no such case here")]
    CaseNotFound,
    #[error("unknown stage")]
    BadStage,
    #[error("unknown utility")]
    BadUtility,
    #[error("unknown project kind")]
    BadKind,
    #[error("the case belongs to project {0}")]
    CaseInOtherProject(String),
    #[error("only a member of staff registers a project")]
    NotStaff,
    #[error("the shipped project plan: {0}")]
    Plan(String),
    #[error("stored project: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

type Result<T> = std::result::Result<T, ProjectServiceError>;

/// The shipped plan, parsed once.
///
/// # Errors
/// [`ProjectServiceError::Plan`] when the shipped file does not parse (a test keeps it parsing).
pub fn plan() -> Result<&'static ProjectPlan> {
    static PLAN: OnceLock<std::result::Result<ProjectPlan, String>> = OnceLock::new();
    PLAN.get_or_init(|| demo_plan().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| ProjectServiceError::Plan(e.clone()))
}

/// What a clerk registering a project sends.
#[derive(Debug, Clone)]
pub struct NewProject {
    pub name: String,
    pub owner: String,
    pub kind: String,
    pub industry: String,
    pub with_design_plan: bool,
}

/// What registering gave.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RegisteredProject {
    pub code: String,
    pub ledger_index: u64,
}

fn record(tx: &mut Tx<'_>, meta: &Meta, code: &ProjectCode, event: ProjectEvent) -> Result<u64> {
    let e = Event::Project {
        code: code.clone(),
        event: Box::new(event),
    };
    Ok(meta.record_event(tx, &e)?)
}

/// Registers a project in the principal's jurisdiction; its code is the next of the year.
pub fn register(
    tx: &mut Tx<'_>,
    meta: &Meta,
    p: &Principal,
    new: NewProject,
) -> Result<RegisteredProject> {
    let j = meta.jurisdiction.as_str();
    let today = legal_date(meta.time);
    let kind = ProjectKind::parse(&new.kind).ok_or(ProjectServiceError::BadKind)?;
    let by = p.staff.clone().ok_or(ProjectServiceError::NotStaff)?;
    let event = Registered {
        name: new.name,
        owner: new.owner,
        kind,
        industry: new.industry.trim().to_owned(),
        with_design_plan: new.with_design_plan,
        registered_by: by,
        on: today,
        whole_working_days: plan()?.whole_working_days,
    }
    .register()?;
    let serial = rows::count(tx.conn(), j)? + 1;
    let industry = match &event {
        ProjectEvent::Registered(r) => r.industry.clone(),
        _ => String::new(),
    };
    let code = ProjectCode::new(today.year(), j, &industry, kind, serial)
        .map_err(|_| ProjectError::BadIndustry)?;
    let ledger_index = record(tx, meta, &code, event)?;
    Ok(RegisteredProject {
        code: code.to_string(),
        ledger_index,
    })
}

/// The project `code` of the principal's jurisdiction, folded.
fn load(conn: &mut dyn Conn, p: &Principal, code: &str) -> Result<(ProjectCode, Project)> {
    let code = ProjectCode::parse(code.trim()).map_err(|_| ProjectServiceError::ProjectNotFound)?;
    let j = rows::jurisdiction_of(conn, code.as_str())?;
    if j.as_deref() != Some(p.jurisdiction.as_str()) {
        return Err(ProjectServiceError::ProjectNotFound);
    }
    let project = Project::apply(&rows::load_events(conn, code.as_str())?)
        .map_err(|e| ProjectServiceError::Corrupt(e.to_string()))?;
    Ok((code, project))
}

fn parse_date(s: &str) -> Option<time::Date> {
    oneseal_domain::calendar::parse_date_arg(s).ok()
}

/// Links case `case_number` of the principal's jurisdiction to `stage` of project `code`.
pub fn link(
    tx: &mut Tx<'_>,
    meta: &Meta,
    p: &Principal,
    calendar: &Calendar,
    code: &str,
    case_number: &str,
    stage: &str,
) -> Result<u64> {
    let stage = Stage::parse(stage).ok_or(ProjectServiceError::BadStage)?;
    let (code, project) = load(tx.conn(), p, code)?;
    let case = rows::case(tx.conn(), case_number.trim())?
        .filter(|c| c.jurisdiction == p.jurisdiction.as_str())
        .ok_or(ProjectServiceError::CaseNotFound)?;
    if let Some(other) = rows::project_of_case(tx.conn(), &case.case_number)?
        && other != code.as_str()
    {
        return Err(ProjectServiceError::CaseInOtherProject(other));
    }
    let item = BasicCode::parse(&case.item_code)
        .map_err(|_| ProjectServiceError::Corrupt(format!("case {}", case.case_number)))?;
    let received = parse_date(&case.received_on)
        .ok_or_else(|| ProjectServiceError::Corrupt(format!("case {}", case.case_number)))?;
    let today = legal_date(meta.time);
    let events = project.link(
        plan()?,
        calendar,
        stage,
        &case.case_number,
        &item,
        received,
        today,
    )?;
    let mut last = 0;
    for e in events {
        last = record(tx, meta, &code, e)?;
    }
    Ok(last)
}

fn member(c: &CaseRow) -> Option<Member> {
    Some(Member {
        case_number: c.case_number.clone(),
        item_code: c.item_code.clone(),
        status: CaseStatus::from_code(u8::try_from(c.status).ok()?)?,
        decided_on: c.decided_on.as_deref().and_then(parse_date),
    })
}

/// Completes `stage` of project `code` when its items are granted; whether after its limit net
/// of the applicant's time.
pub fn complete_stage(
    tx: &mut Tx<'_>,
    meta: &Meta,
    p: &Principal,
    calendar: &Calendar,
    code: &str,
    stage: &str,
) -> Result<(u64, bool)> {
    let stage = Stage::parse(stage).ok_or(ProjectServiceError::BadStage)?;
    let (code, project) = load(tx.conn(), p, code)?;
    let cases = rows::cases_of(tx.conn(), code.as_str())?;
    let members: Vec<Member> = project
        .cases
        .iter()
        .filter(|l| l.stage == stage)
        .filter_map(|l| cases.iter().find(|c| c.case_number == l.case_number))
        .filter_map(member)
        .collect();
    let today = legal_date(meta.time);
    let times = case_times(tx.conn(), &project, calendar, today)?;
    let state = project.stage(stage);
    let due = project
        .stage_clock(state, calendar, &times, today)
        .ok()
        .flatten()
        .map(|n| n.net_due)
        .or(state.due);
    let e = project.complete_by(stage, &members, due, today)?;
    let late = matches!(e, ProjectEvent::StageCompleted { late: true, .. });
    Ok((record(tx, meta, &code, e)?, late))
}

/// Requests (`connected` false) or records connected (`connected` true) `utility`.
pub fn utility(
    tx: &mut Tx<'_>,
    meta: &Meta,
    p: &Principal,
    code: &str,
    utility: &str,
    connected: bool,
) -> Result<u64> {
    let utility = Utility::parse(utility).ok_or(ProjectServiceError::BadUtility)?;
    let (code, project) = load(tx.conn(), p, code)?;
    let today = legal_date(meta.time);
    let e = if connected {
        project.connect_utility(utility, today)?
    } else {
        project.request_utility(utility, today)?
    };
    record(tx, meta, &code, e)
}

/// The jurisdiction's projects, newest first, with their clocks net of the applicant's time on
/// `today` (as the project's page counts them).
pub async fn list(
    store: &Store,
    p: Principal,
    limit: u32,
    calendar: std::sync::Arc<Calendar>,
    today: time::Date,
) -> Result<Vec<ListedProject>> {
    Ok(store
        .read(move |c| listing::list(c, p.jurisdiction.as_str(), limit, &calendar, today))
        .await?)
}

/// One project with its cases as they stand, if it is of the principal's jurisdiction.
pub async fn get(
    store: &Store,
    p: Principal,
    code: String,
    calendar: std::sync::Arc<Calendar>,
    today: time::Date,
) -> Result<ProjectView> {
    let cal = calendar.clone();
    let (project, code, cases, times) = store
        .read(move |c| {
            let (code, project) = load(c, &p, &code)?;
            let cases = rows::cases_of(c, code.as_str())?;
            let times = case_times(c, &project, &cal, today)?;
            Ok::<_, ProjectServiceError>((project, code, cases, times))
        })
        .await?;
    Ok(view(
        &code,
        &project,
        &cases,
        &times,
        plan()?,
        &calendar,
        today,
    ))
}
