//! Leadership coordination pages (领导协调): `/coordination` lists the matters the viewer may
//! see with the form to raise one (filled from an escalated push with `?push=`), and
//! `/coordination/{id}` shows a matter with the forms its viewer may use — the leader's
//! decision, tasks and closing, a holder's report. Forms post JSON to the coordination API
//! (static/app.js), so the pages and the API share one code path.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use oneseal_domain::access::{Action, Target};
use oneseal_domain::case::legal_date;
use oneseal_domain::coordination::{MatterKind, MatterStatus, Party};
use oneseal_domain::org::Role;
use serde::Deserialize;

use super::{Nav, WebError, render};
use crate::AppState;
use crate::edge::auth::{Auth, MaybeAuth};
use crate::error::ApiError;
use crate::services::coordination::{self as coord, MatterRow, MatterView, department_of};
use crate::services::names::Names;

/// `action` where the viewer acts: its jurisdiction, or its own department there.
fn may(auth: &Auth, action: Action) -> bool {
    let p = &auth.principal;
    let target = match department_of(p) {
        Some(d) => Target::department(&p.jurisdiction, &d),
        None => Target::jurisdiction(&p.jurisdiction),
    };
    auth.require(action, &target).is_ok()
}

#[derive(Template)]
#[template(path = "coordination.html")]
struct ListPage {
    nav: Nav,
    rows: Vec<MatterRow>,
    names: Names,
    status: String,
    can_raise: bool,
    /// The escalated push the form takes up.
    push: Option<String>,
    kinds: Vec<(&'static str, &'static str)>,
    departments: Vec<(String, String)>,
    leaders: Vec<(String, String)>,
    today: String,
}

impl ListPage {
    fn kind_zh(code: &str) -> &'static str {
        MatterKind::parse(code).map_or("", MatterKind::name_zh)
    }
    fn status_zh(r: &MatterRow) -> &'static str {
        match r.status.as_str() {
            "open" if r.overdue => "逾期未决定",
            "open" => MatterStatus::Open.name_zh(),
            "decided" => MatterStatus::Decided.name_zh(),
            _ => MatterStatus::Closed.name_zh(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    push: Option<String>,
}

pub async fn coordination_page(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, WebError> {
    let auth = auth.ok_or(ApiError::Unauthenticated)?;
    if !may(&auth, Action::ViewCoordination) {
        return Err(ApiError::Forbidden(oneseal_domain::access::Denied::Role(
            Action::ViewCoordination,
        ))
        .into());
    }
    let today = legal_date(state.clock.now());
    let status = q
        .status
        .filter(|s| matches!(s.as_str(), "open" | "decided" | "closed"));
    let rows = coord::list(
        &state.store,
        auth.principal.clone(),
        status.clone(),
        200,
        today,
    )
    .await
    .map_err(ApiError::from)?;
    let j = auth.principal.jurisdiction.clone();
    let names = Names::read(&state.store, j.clone())
        .await
        .map_err(ApiError::from)?;
    render(&ListPage {
        nav: Nav::from_auth(Some(&auth)),
        can_raise: may(&auth, Action::RaiseCoordination),
        push: q.push.filter(|p| !p.is_empty() && p.len() <= 64).map(|p| {
            p.chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect()
        }),
        kinds: MatterKind::ALL
            .iter()
            .map(|k| (k.code(), k.name_zh()))
            .collect(),
        departments: names.departments_here(),
        leaders: names.eligible(j.as_str(), &[Role::BureauHead, Role::Approver], &[]),
        rows,
        names,
        status: status.unwrap_or_default(),
        today: today.to_string(),
    })
}

#[derive(Template)]
#[template(path = "coordination_matter.html")]
struct MatterPage {
    nav: Nav,
    v: MatterView,
    names: Names,
    /// The viewer leads this matter (its leader, or the bureau head).
    can_lead: bool,
    /// The tasks the viewer holds and may report done.
    mine: Vec<String>,
    departments: Vec<(String, String)>,
    staff: Vec<(String, String)>,
    all_done: bool,
}

impl MatterPage {
    fn party(&self, p: &Party) -> String {
        self.names.actor(&p.label())
    }
    fn is_overdue(&self, task_id: &str) -> bool {
        self.v.overdue_tasks.iter().any(|t| t == task_id)
    }
    fn is_mine(&self, task_id: &str) -> bool {
        self.mine.iter().any(|t| t == task_id)
    }
}

pub async fn matter_page(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    if !may(&auth, Action::ViewCoordination) {
        return Err(ApiError::Forbidden(oneseal_domain::access::Denied::Role(
            Action::ViewCoordination,
        ))
        .into());
    }
    let today = legal_date(state.clock.now());
    let v = coord::get(&state.store, auth.principal.clone(), id, today)
        .await
        .map_err(ApiError::from)?;
    let p = &auth.principal;
    let j = p.jurisdiction.clone();
    let names = Names::read(&state.store, j.clone())
        .await
        .map_err(ApiError::from)?;
    let can_lead = auth.require_here(Action::LeadCoordination).is_ok()
        && (p.roles.contains(&Role::BureauHead)
            || p.staff.as_ref() == Some(&v.matter.raised.leader));
    let me = match (department_of(p), &p.staff) {
        (Some(d), _) => Some(Party::Department(d)),
        (None, Some(s)) => Some(Party::Staff(s.clone())),
        (None, None) => None,
    };
    let mine = v
        .matter
        .tasks
        .iter()
        .filter(|t| t.done.is_none() && Some(&t.assignee) == me.as_ref())
        .map(|t| t.task_id.clone())
        .collect();
    let all_done = v.matter.tasks.iter().all(|t| t.done.is_some());
    let everyone = [
        Role::Clerk,
        Role::Reviewer,
        Role::Approver,
        Role::BureauHead,
        Role::Inspector,
    ];
    render(&MatterPage {
        nav: Nav::from_auth(Some(&auth)),
        can_lead,
        mine,
        departments: names.departments_here(),
        staff: names.eligible(j.as_str(), &everyone, &[]),
        all_done,
        v,
        names,
    })
}
