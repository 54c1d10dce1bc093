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
use oneseal_store::params;

use super::{Nav, WebError, render};
use crate::AppState;
use crate::api::linkage::{FeedbackRow, PushRow, StatRow, query_feedback, query_pushes, stats};
use crate::edge::auth::MaybeAuth;
use crate::error::ApiError;

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
    let t = today.clone();
    let dept = d.to_string();
    let (mut pushes, feedback) = state
        .store
        .read(move |c| {
            let pushes = query_pushes(c, &j, Some(dept.as_str()), None, &t)?;
            let feedback = query_feedback(c, &j, Some(dept.as_str()))?;
            Ok::<_, ApiError>((pushes, feedback))
        })
        .await?;
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

/// An attempt a department made on business that was not its own.
pub struct RefusalRow {
    pub department: String,
    pub target: String,
    pub code: String,
    pub attempts: i64,
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
    let (stats, pushes, feedback, refusals, settings) = state
        .store
        .read(move |c| {
            let refusals = c
                .query(
                    "SELECT department, target, code, attempts FROM linkage_refusals WHERE jurisdiction = ? ORDER BY attempts DESC, department",
                    params![j.as_str()],
                )?
                .into_iter()
                .map(|r| {
                    Ok(RefusalRow {
                        department: r.text(0)?,
                        target: r.text(1)?,
                        code: r.text(2)?,
                        attempts: r.int(3)?,
                    })
                })
                .collect::<Result<Vec<_>, ApiError>>()?;
            Ok::<_, ApiError>((
                stats(c, &j, &today)?,
                query_pushes(c, &j, None, None, &today)?,
                query_feedback(c, &j, None)?,
                refusals,
                crate::services::linkage::settings(c, &j)?,
            ))
        })
        .await?;
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
