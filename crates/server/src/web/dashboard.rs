//! The leadership dashboard page (领导驾驶舱) and its JSON twin: one jurisdiction, or the city
//! with its counties, over a chosen period.

use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::Html;
use oneseal_domain::access::{Action, Target};
use oneseal_domain::case::legal_date;
use oneseal_domain::org::DivisionCode;
use serde::Deserialize;
use time::{Date, Duration};

use super::charts::{bars, columns};
use super::{Nav, WebError, render};
use crate::AppState;
use crate::edge::auth::{Auth, MaybeAuth};
use crate::error::ApiError;
use crate::services::dashboard::{Dashboard, compute};
use crate::services::org::{JurisdictionView, jurisdictions};

#[derive(Debug, Default, Deserialize)]
pub struct DashQuery {
    /// A division code, or `all` for the principal's jurisdiction and those it governs.
    pub jurisdiction: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

struct Chosen {
    scope: String,
    jurisdictions: Vec<DivisionCode>,
    options: Vec<JurisdictionView>,
    from: Date,
    to: Date,
    today: Date,
}

async fn choose(state: &AppState, auth: &Auth, q: DashQuery) -> Result<Chosen, ApiError> {
    let today = legal_date(state.clock.now());
    let date = |s: Option<String>, default: Date| -> Result<Date, ApiError> {
        match s.filter(|s| !s.is_empty()) {
            None => Ok(default),
            Some(s) => oneseal_domain::calendar::parse_date_arg(&s).map_err(|_| {
                ApiError::bad_request(
                    "bad_date",
                    "日期格式应为 YYYY-MM-DD",
                    "Dates are YYYY-MM-DD",
                )
            }),
        }
    };
    let to = date(q.to, today)?;
    let from = date(q.from, to - Duration::days(29))?;
    if from > to || (to - from).whole_days() > 366 {
        return Err(ApiError::bad_request(
            "bad_period",
            "统计期间应为一年以内且起始日不晚于结束日",
            "The period must start before it ends and last at most a year",
        ));
    }
    let own = auth.principal.jurisdiction.clone();
    let all = state
        .store
        .read(|c| Ok::<_, ApiError>(jurisdictions(c)?))
        .await?;
    let options: Vec<JurisdictionView> = all
        .into_iter()
        .filter(|j| DivisionCode::parse(&j.code).is_ok_and(|d| own.governs(&d)))
        .collect();
    let scope = q.jurisdiction.unwrap_or_else(|| own.to_string());
    let chosen: Vec<DivisionCode> = if scope == "all" {
        options
            .iter()
            .filter_map(|j| DivisionCode::parse(&j.code).ok())
            .collect()
    } else {
        vec![DivisionCode::parse(&scope).map_err(|e| {
            ApiError::bad_request(
                "bad_jurisdiction",
                format!("辖区代码无效：{e}"),
                e.to_string(),
            )
        })?]
    };
    for j in &chosen {
        auth.require(Action::ViewDashboard, &Target::jurisdiction(j))?;
    }
    Ok(Chosen {
        scope,
        jurisdictions: chosen,
        options,
        from,
        to,
        today,
    })
}

async fn figures(state: &AppState, c: &Chosen) -> Result<Dashboard, ApiError> {
    let calendar = state.calendar.current();
    let (js, from, to, today) = (c.jurisdictions.clone(), c.from, c.to, c.today);
    state
        .store
        .read(move |conn| compute(conn, &js, &calendar, from, to, today))
        .await
}

pub async fn get_dashboard(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<DashQuery>,
) -> Result<Json<Dashboard>, ApiError> {
    let chosen = choose(&state, &auth, q).await?;
    Ok(Json(figures(&state, &chosen).await?))
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    nav: Nav,
    scope: String,
    options: Vec<JurisdictionView>,
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

fn rate_rows(rows: &[crate::services::dashboard::OnTime]) -> Vec<(String, f64, String)> {
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
    let chosen = choose(&state, &auth, q).await?;
    let d = figures(&state, &chosen).await?;
    let per_day: Vec<(String, [u32; 3])> = d
        .days
        .iter()
        .map(|x| (x.day.clone(), [x.received, x.accepted, x.decided]))
        .collect();
    let open_max = d.open_by_remaining.iter().map(|b| b.1).max().unwrap_or(0);
    let push_max = d.unclaimed_pushes.iter().map(|p| p.1).max().unwrap_or(0);
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
                .map(|(k, a, o)| (k.clone(), *a as f64, format!("{a} 件（逾期 {o}）")))
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
