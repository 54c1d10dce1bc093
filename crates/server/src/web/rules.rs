//! Accountability pages (责任追究): the inspector's alert queue (a page at a time), the rules with their recorded
//! versions, and the reports. Forms post JSON to the rules API (static/app.js).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use oneseal_domain::access::Action;
use oneseal_domain::case::legal_date;
use oneseal_domain::rules::RuleParams;

use super::i18n::encode;
use super::{Nav, WebError, render};
use crate::AppState;
use crate::edge::auth::{Auth, MaybeAuth};
use crate::error::ApiError;
use crate::services::names::Names;
use crate::services::rules::{
    AlertRow, ReportBy, ReportRow, RuleRow, parse_alert_query, query_alerts, query_rules, report,
};

fn signed_in(auth: Option<Auth>) -> Result<Auth, ApiError> {
    let auth = auth.ok_or(ApiError::Unauthenticated)?;
    auth.require_here(Action::ViewAlerts)?;
    Ok(auth)
}

#[derive(Template)]
#[template(path = "alerts.html")]
struct AlertsPage {
    nav: Nav,
    names: Names,
    /// `open` or `closed`: the page shows one of the two queues at a time.
    status: &'static str,
    rows: Vec<AlertRow>,
    open: i64,
    closed: i64,
    can_close: bool,
    prev_href: Option<String>,
    next_href: Option<String>,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct AlertForm {
    status: Option<String>,
    cursor: Option<String>,
    limit: Option<String>,
}

/// The alert queue a page at a time: the open alerts (oldest first), or with `?status=closed`
/// the closed ones with their outcome.
pub async fn alerts_page(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    Query(f): Query<AlertForm>,
) -> Result<Html<String>, WebError> {
    let auth = signed_in(auth)?;
    let status = match f.status.as_deref() {
        Some("closed") => "closed",
        _ => "open",
    };
    let q = parse_alert_query(Some(status), f.cursor.as_deref(), f.limit.as_deref())
        .map_err(ApiError::from)?;
    let j = auth.principal.jurisdiction.clone();
    let view = query_alerts(&state.store, j.clone(), q)
        .await
        .map_err(ApiError::from)?;
    let names = Names::read(&state.store, j).await.map_err(ApiError::from)?;
    let limit = f
        .limit
        .as_deref()
        .map(|l| format!("&limit={}", encode(l.trim())))
        .unwrap_or_default();
    let href = |c: String| format!("/alerts?status={status}{limit}&cursor={}", encode(&c));
    render(&AlertsPage {
        nav: Nav::from_auth(Some(&auth)),
        names,
        status,
        rows: view.rows,
        open: view.open,
        closed: view.closed,
        can_close: auth.require_here(Action::HandleAlert).is_ok(),
        prev_href: view.links.prev_cursor.map(href),
        next_href: view.links.next_cursor.map(href),
    })
}

#[derive(Template)]
#[template(path = "rules.html")]
struct RulesPage {
    nav: Nav,
    rules: Vec<RuleRow>,
    can_manage: bool,
    defaults: RuleParams,
    codes: Vec<&'static str>,
    expressions: Vec<oneseal_domain::rules::ExpressionRule>,
}

pub async fn rules_page(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
) -> Result<Html<String>, WebError> {
    let auth = signed_in(auth)?;
    let j = auth.principal.jurisdiction.clone();
    let (rules, expressions) = query_rules(&state.store, j).await.map_err(ApiError::from)?;
    render(&RulesPage {
        nav: Nav::from_auth(Some(&auth)),
        rules,
        can_manage: auth.require_here(Action::ManageRules).is_ok(),
        defaults: RuleParams::default(),
        codes: oneseal_domain::rules::RuleId::ALL
            .iter()
            .map(|r| r.code())
            .collect(),
        expressions,
    })
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct ReportForm {
    by: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    nav: Nav,
    by: String,
    from: String,
    to: String,
    rows: Vec<ReportRow>,
    names: Names,
}

impl ReportsPage {
    fn pct(v: &f64) -> String {
        format!("{:.1}%", v * 100.0)
    }
    fn num(v: &f64) -> String {
        format!("{v:.1}")
    }
}

pub async fn reports_page(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    Query(f): Query<ReportForm>,
) -> Result<Html<String>, WebError> {
    let auth = signed_in(auth)?;
    let today = legal_date(state.clock.now());
    let by =
        f.by.as_deref()
            .and_then(ReportBy::parse)
            .unwrap_or(ReportBy::Person);
    let from = f
        .from
        .filter(|s| oneseal_domain::calendar::parse_date_arg(s).is_ok())
        .unwrap_or_else(|| format!("{}-01-01", today.year()));
    let to =
        f.to.filter(|s| oneseal_domain::calendar::parse_date_arg(s).is_ok())
            .unwrap_or_else(|| today.to_string());
    let j = auth.principal.jurisdiction.clone();
    let calendar = state.calendar.current();
    let rows = report(
        &state.store,
        j.clone(),
        calendar,
        by,
        from.clone(),
        to.clone(),
    )
    .await
    .map_err(ApiError::from)?;
    let names = Names::read(&state.store, j).await.map_err(ApiError::from)?;
    render(&ReportsPage {
        nav: Nav::from_auth(Some(&auth)),
        by: by.code().to_owned(),
        from,
        to,
        rows,
        names,
    })
}
