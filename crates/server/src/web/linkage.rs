//! Linkage pages (审管互动): the department's inbox with its claims and feedback forms, and the
//! bureau's tracking view of every push, feedback and refused attempt. Forms post JSON to the
//! linkage API (static/app.js), so the pages and the API share one code path.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use oneseal_domain::access::{Action, Target};
use oneseal_domain::case::legal_date;
use oneseal_domain::linkage::LinkageSettings;
use oneseal_domain::org::Role;

use super::{Nav, WebError, render};
use crate::AppState;
use crate::edge::auth::MaybeAuth;
use crate::error::ApiError;
use crate::services::linkage::{self as lk, FeedbackRow, PushRow, RefusalRow, StatRow, Tracking};

#[derive(Template)]
#[template(path = "dept.html")]
struct DeptPage {
    nav: Nav,
    department: String,
    awaiting: Vec<PushRow>,
    claimed: Vec<PushRow>,
    feedback: Vec<FeedbackRow>,
    today: String,
}

/// The department's inbox: pushes to claim (overdue first), claimed ones, and feedback.
pub async fn dept_page(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
) -> Result<Html<String>, WebError> {
    let auth = auth.ok_or(ApiError::Unauthenticated)?;
    let p = &auth.principal;
    let j = p.jurisdiction.clone();
    let d = p.department.clone();
    auth.require(Action::ClaimPush, &Target::department(&j, &d))?;
    let today = legal_date(state.clock.now()).to_string();
    let (mut pushes, feedback) = lk::dept_inbox(&state.store, j, d.clone(), today.clone())
        .await
        .map_err(ApiError::from)?;
    pushes.sort_by_key(|r| (!r.overdue, r.claim_due.clone()));
    let (awaiting, claimed) = pushes
        .into_iter()
        .partition(|r| r.status == "awaiting_claim");
    render(&DeptPage {
        nav: Nav::from_auth(Some(&auth)),
        department: d.to_string(),
        awaiting,
        claimed,
        feedback,
        today,
    })
}

#[derive(Template)]
#[template(path = "linkage.html")]
struct LinkagePage {
    nav: Nav,
    stats: Vec<StatRow>,
    pushes: Vec<PushRow>,
    feedback: Vec<FeedbackRow>,
    refusals: Vec<RefusalRow>,
    settings: LinkageSettings,
    can_assign: bool,
    can_review: bool,
}

/// The bureau's tracking view of the linkage.
pub async fn linkage_page(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
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
        pushes,
        feedback,
        refusals,
        settings,
    } = lk::tracking(&state.store, j, today)
        .await
        .map_err(ApiError::from)?;
    render(&LinkagePage {
        nav: Nav::from_auth(Some(&auth)),
        stats,
        pushes,
        feedback,
        refusals,
        settings,
        can_assign: roles.contains(&Role::Administrator),
        can_review: roles
            .iter()
            .any(|r| Action::ReviewPolicyChange.roles().contains(r)),
    })
}
