//! Linkage pages (审管互动): the department's inbox with its claims, the summary of each case
//! pushed to it with the feedback forms filled from the push, and the bureau's tracking view of
//! every push, feedback and refused attempt. Lists page by keyset (`?cursor=` for pushes,
//! `?feedback_cursor=` for feedback, `?limit=` for both). Forms post JSON to the linkage API
//! (static/app.js), so the pages and the API share one code path.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use oneseal_domain::access::{Action, Target};
use oneseal_domain::case::legal_date;
use oneseal_domain::linkage::LinkageSettings;
use oneseal_domain::org::{DepartmentCode, DivisionCode, Role};
use serde::Deserialize;

use super::i18n::encode;
use super::{Nav, WebError, render};
use crate::AppState;
use crate::edge::auth::{Auth, MaybeAuth};
use crate::error::ApiError;
use crate::services::linkage::feedback::{self, parse_feedback_cursor};
use crate::services::linkage::pushes::{self, PushListQuery, parse_push_cursor};
use crate::services::linkage::summary::{CaseSummary, case_summary};
use crate::services::linkage::{self as lk, FeedbackRow, PushRow, RefusalRow, StatRow, Tracking};
use crate::services::names::Names;
use crate::services::paging::parse_limit;

/// The paging and filter parameters of the linkage pages.
#[derive(Debug, Default, Deserialize)]
pub struct LinkageQuery {
    cursor: Option<String>,
    feedback_cursor: Option<String>,
    limit: Option<String>,
    status: Option<String>,
}

/// The statuses a push list may be filtered by, with their Chinese names.
const STATUSES: &[(&str, &str)] = &[
    ("awaiting_claim", "待认领"),
    ("claimed", "已认领"),
    ("claimed_late", "逾期认领"),
    ("unmapped", "未配置监管部门"),
];

/// One page of pushes and of feedback, with the links to the pages either side.
struct Lists {
    pushes: Vec<PushRow>,
    feedback: Vec<FeedbackRow>,
    prev_pushes: Option<String>,
    next_pushes: Option<String>,
    prev_feedback: Option<String>,
    next_feedback: Option<String>,
    status: String,
}

/// `path?…` keeping the other list's cursor, the size and the filter.
fn href(
    path: &str,
    q: &LinkageQuery,
    push_cursor: Option<&str>,
    fb_cursor: Option<&str>,
) -> String {
    let mut out = format!("{path}?");
    let pairs = [
        ("status", q.status.as_deref()),
        ("limit", q.limit.as_deref()),
        ("cursor", push_cursor),
        ("feedback_cursor", fb_cursor),
    ];
    for (k, v) in pairs {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            out.push_str(&format!("{k}={}&", encode(v)));
        }
    }
    out.pop();
    out
}

async fn lists(
    state: &AppState,
    path: &str,
    j: DivisionCode,
    department: Option<&DepartmentCode>,
    q: &LinkageQuery,
) -> Result<Lists, ApiError> {
    let today = legal_date(state.clock.now()).to_string();
    let limit = parse_limit(q.limit.as_deref())?;
    let status = q
        .status
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| {
            STATUSES
                .iter()
                .find(|(code, _)| *code == s)
                .map(|(code, _)| (*code).to_owned())
                .ok_or(ApiError::bad_request(
                    "bad_filter",
                    "推送状态无效",
                    "unknown push status",
                ))
        })
        .transpose()?;
    let pq = PushListQuery {
        department: department.map(ToString::to_string),
        status: status.clone(),
        cursor: parse_push_cursor(q.cursor.as_deref())?,
        limit,
    };
    let pv = pushes::list(&state.store, j.clone(), pq, today).await?;
    let fcursor = parse_feedback_cursor(q.feedback_cursor.as_deref())?;
    let fv = feedback::page(
        &state.store,
        j,
        department.map(ToString::to_string),
        fcursor,
        limit,
    )
    .await?;
    let fb = q.feedback_cursor.as_deref();
    let pc = q.cursor.as_deref();
    Ok(Lists {
        prev_pushes: pv
            .links
            .prev_cursor
            .map(|c| href(path, q, Some(c.as_str()), fb)),
        next_pushes: pv
            .links
            .next_cursor
            .map(|c| href(path, q, Some(c.as_str()), fb)),
        prev_feedback: fv
            .links
            .prev_cursor
            .map(|c| href(path, q, pc, Some(c.as_str()))),
        next_feedback: fv
            .links
            .next_cursor
            .map(|c| href(path, q, pc, Some(c.as_str()))),
        pushes: pv.rows,
        feedback: fv.rows,
        status: status.unwrap_or_default(),
    })
}

#[derive(Template)]
#[template(path = "dept.html")]
struct DeptPage {
    nav: Nav,
    department: String,
    /// This department's counts (pushed, awaiting, overdue…).
    stats: Option<StatRow>,
    lists: Lists,
    statuses: &'static [(&'static str, &'static str)],
    names: Names,
    today: String,
    /// The joint-review requests to this department, newest first (issue #20 item 1).
    consultations: Vec<super::case_consultations::ConsultationView>,
    /// The 告知承诺 verification tasks given to this department (issue #19 item 5).
    commitments: Vec<super::commitments::CommitmentView>,
}

/// The department's inbox: its pushes a page at a time (to claim, claimed), its feedback.
pub async fn dept_page(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    Query(q): Query<LinkageQuery>,
) -> Result<Html<String>, WebError> {
    let auth = auth.ok_or(ApiError::Unauthenticated)?;
    let p = &auth.principal;
    let j = p.jurisdiction.clone();
    let d = p.department.clone();
    auth.require(Action::ClaimPush, &Target::department(&j, &d))?;
    let today = legal_date(state.clock.now()).to_string();
    let lists = lists(&state, "/dept", j.clone(), Some(&d), &q).await?;
    let stats = lk::bureau::read_stats(&state.store, j.clone(), today.clone())
        .await
        .map_err(ApiError::from)?
        .into_iter()
        .find(|s| s.department == d.as_str());
    let names = Names::read(&state.store, j).await.map_err(ApiError::from)?;
    let principal = p.clone();
    let consultations = state
        .store
        .read(move |c| crate::services::consultations::for_department(c, &principal, false, 50))
        .await
        .map_err(ApiError::from)?
        .iter()
        .map(|r| super::case_consultations::view(r, &names, &today, &[]))
        .collect();
    let commitments = super::commitments::for_department(&state, &auth, &names, &today).await?;
    render(&DeptPage {
        nav: Nav::from_auth(Some(&auth)),
        department: names.dept(d.as_str()),
        stats,
        lists,
        statuses: STATUSES,
        names,
        today,
        consultations,
        commitments,
    })
}

#[derive(Template)]
#[template(path = "dept_push.html")]
struct DeptPushPage {
    nav: Nav,
    s: CaseSummary,
    names: Names,
    /// The department itself may claim and send feedback; the bureau's staff only look.
    is_department: bool,
}

/// The summary of the case behind a push, with the feedback forms about its licence.
pub async fn dept_push_page(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    let today = legal_date(state.clock.now()).to_string();
    let s = case_summary(&state.store, auth.principal.clone(), id, today)
        .await
        .map_err(ApiError::from)?;
    let names = Names::read(&state.store, auth.principal.jurisdiction.clone())
        .await
        .map_err(ApiError::from)?;
    let is_department = auth
        .principal
        .roles
        .iter()
        .all(|r| *r == Role::DepartmentSupervisor);
    render(&DeptPushPage {
        nav: Nav::from_auth(Some(&auth)),
        s,
        names,
        is_department,
    })
}

#[derive(Template)]
#[template(path = "linkage.html")]
struct LinkagePage {
    nav: Nav,
    stats: Vec<StatRow>,
    lists: Lists,
    statuses: &'static [(&'static str, &'static str)],
    refusals: Vec<RefusalRow>,
    settings: LinkageSettings,
    names: Names,
    can_assign: bool,
    can_review: bool,
}

/// The bureau's tracking view of the linkage.
pub async fn linkage_page(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    Query(q): Query<LinkageQuery>,
) -> Result<Html<String>, WebError> {
    let auth = auth.ok_or(ApiError::Unauthenticated)?;
    let roles = &auth.principal.roles;
    if !roles.iter().any(|r| {
        matches!(
            r,
            Role::BureauHead | Role::Inspector | Role::Administrator | Role::Approver
        )
    }) {
        auth.require_here(Action::ViewPushes)?;
    }
    let j = auth.principal.jurisdiction.clone();
    let today = legal_date(state.clock.now()).to_string();
    let Tracking {
        stats,
        refusals,
        settings,
    } = lk::tracking(&state.store, j.clone(), today)
        .await
        .map_err(ApiError::from)?;
    let lists = lists(&state, "/linkage", j.clone(), None, &q).await?;
    let names = Names::read(&state.store, j).await.map_err(ApiError::from)?;
    render(&LinkagePage {
        nav: Nav::from_auth(Some(&auth)),
        stats,
        lists,
        statuses: STATUSES,
        refusals,
        settings,
        names,
        can_assign: roles.contains(&Role::Administrator),
        can_review: roles
            .iter()
            .any(|r| Action::ReviewPolicyChange.roles().contains(r)),
    })
}
