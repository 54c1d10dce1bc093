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
use crate::services::dashboard::{self, DashQuery, Dashboard, DashboardError, MAX_DAYS, OnTime};
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
    /// Why the period asked for was refused (the figures are then the default period's).
    error: Option<String>,
    per_day: String,
    on_time_by_department: String,
    on_time_by_item: String,
    open_by_remaining: String,
    pushes: String,
    ratings: String,
}

/// Each group's on-time rate as a bar: the share of timed decisions within the statutory limit,
/// as `/stats` defines it, or "—" when nothing of the group could be timed.
fn rate_rows(rows: &[OnTime]) -> Vec<(String, f64, String)> {
    rows.iter()
        .map(|r| match r.rate() {
            Some(rate) => (
                r.name.clone(),
                rate,
                format!("{:.0}%（{}/{}）", rate * 100.0, r.on_time, r.timed),
            ),
            None => (r.name.clone(), 0.0, "—".to_owned()),
        })
        .collect()
}

/// A chart's title: what it counts, its unit and its period.
fn title(zh: &str, unit_zh: &str, en: &str, unit_en: &str, period: &(String, String)) -> String {
    format!(
        "{zh}（{unit_zh}，{}至{}）{en} ({unit_en}, {} to {})",
        period.0, period.1, period.0, period.1
    )
}

/// A chart's title for what stands on one day (`today`): what it counts and its unit.
fn as_of(zh: &str, unit_zh: &str, en: &str, unit_en: &str, today: &str) -> String {
    format!("{zh}（{unit_zh}，截至{today}）{en} ({unit_en}, as of {today})")
}

/// The period's dates as typed, and the error that refused them: a period the dashboard
/// refuses is a form error shown above the default period's figures, not an error page.
fn refusal(e: &DashboardError) -> Option<String> {
    match e {
        DashboardError::BadDate => Some("日期格式应为 YYYY-MM-DD · Dates are YYYY-MM-DD".into()),
        DashboardError::BadPeriod => Some(format!(
            "统计期间应为{}天以内且起始日不晚于结束日 · The period must start before it ends and last at most {} days",
            MAX_DAYS + 1,
            MAX_DAYS + 1
        )),
        _ => None,
    }
}

pub async fn dashboard_page(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    Query(q): Query<DashQuery>,
) -> Result<Html<String>, WebError> {
    let auth = auth.ok_or(ApiError::Unauthenticated)?;
    let today = legal_date(state.clock.now());
    let asked = (
        q.jurisdiction.clone(),
        q.from.clone().unwrap_or_default(),
        q.to.clone().unwrap_or_default(),
    );
    let (chosen, error) = match dashboard::choose(&state.store, &auth.principal, q, today).await {
        Ok(chosen) => (chosen, None),
        Err(e) => {
            let Some(why) = refusal(&e) else {
                return Err(ApiError::from(e).into());
            };
            let default = DashQuery {
                jurisdiction: asked.0,
                from: None,
                to: None,
            };
            let chosen = dashboard::choose(&state.store, &auth.principal, default, today)
                .await
                .map_err(ApiError::from)?;
            (chosen, Some(why))
        }
    };
    let period = (chosen.from.to_string(), chosen.to.to_string());
    let now = today.to_string();
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
            &title("每日办件量", "件", "Cases per day", "cases", &period),
            &per_day,
            ["收件 received", "受理 accepted", "决定 decided"],
        ),
        on_time_by_department: bars(
            &title(
                "按部门按时办结率",
                "%，法定期限内决定数/计时决定数",
                "On-time rate by department",
                "% of timed decisions within the statutory limit",
                &period,
            ),
            &rate_rows(&d.by_department),
            1.0,
        ),
        on_time_by_item: bars(
            &title(
                "按事项按时办结率",
                "%，法定期限内决定数/计时决定数",
                "On-time rate by item",
                "% of timed decisions within the statutory limit",
                &period,
            ),
            &rate_rows(&d.by_item),
            1.0,
        ),
        open_by_remaining: bars(
            &as_of(
                "在办件剩余工作日",
                "件",
                "Open cases by remaining working days",
                "cases",
                &now,
            ),
            &d.open_by_remaining
                .iter()
                .map(|(k, v)| (k.clone(), f64::from(*v), format!("{v} 件")))
                .collect::<Vec<_>>(),
            f64::from(open_max),
        ),
        pushes: bars(
            &as_of(
                "各部门待认领推送",
                "件",
                "Pushes awaiting claim",
                "pushes",
                &now,
            ),
            &d.unclaimed_pushes
                .iter()
                .map(|(k, a, o)| (dept_label(k), *a as f64, format!("{a} 件（逾期 {o}）")))
                .collect::<Vec<_>>(),
            push_max as f64,
        ),
        ratings: bars(
            &title(
                "服务评价（好差评）",
                "件",
                "Service ratings",
                "ratings",
                &period,
            ),
            &d.ratings
                .iter()
                .map(|(k, v)| (k.clone(), f64::from(*v), format!("{v} 件")))
                .collect::<Vec<_>>(),
            f64::from(d.ratings.iter().map(|r| r.1).max().unwrap_or(0)),
        ),
        scope: chosen.scope,
        options: chosen.options,
        from: if error.is_some() { asked.1 } else { period.0 },
        to: if error.is_some() { asked.2 } else { period.1 },
        error,
        d,
    })
}
