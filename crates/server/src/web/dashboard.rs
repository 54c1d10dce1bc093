//! The leadership dashboard page (领导驾驶舱): one jurisdiction, or the city with its counties,
//! over a chosen period, drawn as charts. The figures come from `services::dashboard`, the same
//! computation as the JSON twin (`api::dashboard`).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use oneseal_domain::case::legal_date;
use oneseal_store::statistics::JurisdictionName;

use super::charts::{bars, columns};
use super::{Nav, WebError, render};
use crate::AppState;
use crate::edge::auth::MaybeAuth;
use crate::error::ApiError;
use crate::services::dashboard::{self, DashQuery, Dashboard, OnTime};
use crate::services::names::Names;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    nav: Nav,
    scope: String,
    options: Vec<JurisdictionName>,
    from: String,
    to: String,
    d: Dashboard,
    per_day: String,
    on_time_by_department: String,
    on_time_by_item: String,
    open_by_remaining: String,
    pushes: String,
    ratings: String,
}

fn rate_rows(rows: &[OnTime]) -> Vec<(String, f64, String)> {
    rows.iter()
        .map(|r| {
            (
                r.name.clone(),
                r.rate(),
                format!("{:.0}%（{}/{}）", r.rate() * 100.0, r.on_time, r.decided),
            )
        })
        .collect()
}

pub async fn dashboard_page(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    Query(q): Query<DashQuery>,
) -> Result<Html<String>, WebError> {
    let auth = auth.ok_or(ApiError::Unauthenticated)?;
    let today = legal_date(state.clock.now());
    let chosen = dashboard::choose(&state.store, &auth.principal, q, today)
        .await
        .map_err(ApiError::from)?;
    let d = dashboard::figures(&state.store, state.calendar.current(), &chosen)
        .await
        .map_err(ApiError::from)?;
    let per_day: Vec<(String, [u32; 3])> = d
        .days
        .iter()
        .map(|x| (x.day.clone(), [x.received, x.accepted, x.decided]))
        .collect();
    let open_max = d.open_by_remaining.iter().map(|b| b.1).max().unwrap_or(0);
    let push_max = d.unclaimed_pushes.iter().map(|p| p.1).max().unwrap_or(0);
    let names = Names::read(&state.store, auth.principal.jurisdiction.clone())
        .await
        .map_err(ApiError::from)?;
    // A department by its name; `370124·SCJG` (several jurisdictions) keeps its division.
    let dept_label = |k: &str| match k.split_once('·') {
        Some((j, code)) => format!("{j}·{}", names.dept(code)),
        None => names.dept(k),
    };
    render(&DashboardPage {
        nav: Nav::from_auth(Some(&auth)),
        per_day: columns(
            "每日办件量 Cases per day",
            &per_day,
            ["收件 received", "受理 accepted", "决定 decided"],
        ),
        on_time_by_department: bars(
            "按部门按时办结率 On-time rate by department",
            &rate_rows(&d.by_department),
            1.0,
        ),
        on_time_by_item: bars(
            "按事项按时办结率 On-time rate by item",
            &rate_rows(&d.by_item),
            1.0,
        ),
        open_by_remaining: bars(
            "在办件剩余工作日 Open cases by remaining working days",
            &d.open_by_remaining
                .iter()
                .map(|(k, v)| (k.clone(), f64::from(*v), format!("{v} 件")))
                .collect::<Vec<_>>(),
            f64::from(open_max),
        ),
        pushes: bars(
            "各部门待认领推送 Pushes awaiting claim",
            &d.unclaimed_pushes
                .iter()
                .map(|(k, a, o)| (dept_label(k), *a as f64, format!("{a} 件（逾期 {o}）")))
                .collect::<Vec<_>>(),
            push_max as f64,
        ),
        ratings: bars(
            "服务评价（好差评）Service ratings",
            &d.ratings
                .iter()
                .map(|(k, v)| (k.clone(), f64::from(*v), format!("{v} 件")))
                .collect::<Vec<_>>(),
            f64::from(d.ratings.iter().map(|r| r.1).max().unwrap_or(0)),
        ),
        scope: chosen.scope,
        options: chosen.options,
        from: chosen.from.to_string(),
        to: chosen.to.to_string(),
        d,
    })
}
