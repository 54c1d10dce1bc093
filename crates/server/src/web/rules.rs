//! Accountability pages (责任追究): the inspector's alert queue, the rules with their recorded
//! versions, and the reports. Forms post JSON to the rules API (static/app.js).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use oneseal_domain::access::Action;
use oneseal_domain::case::legal_date;
use oneseal_domain::rules::RuleParams;

use super::{Nav, WebError, render};
use crate::AppState;
use crate::edge::auth::{Auth, MaybeAuth};
use crate::error::ApiError;
use crate::services::rules::{
    AlertRow, ReportBy, ReportRow, RuleRow, query_alerts, query_rules, report,
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
    open: Vec<AlertRow>,
    closed: Vec<AlertRow>,
    can_close: bool,
}

/// The alert queue: open alerts first (oldest first), then the closed ones with their outcome.
pub async fn alerts_page(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
) -> Result<Html<String>, WebError> {
    let auth = signed_in(auth)?;
    let j = auth.principal.jurisdiction.clone();
    let rows = query_alerts(&state.store, j, None)
        .await
        .map_err(ApiError::from)?;
    let (open, closed) = rows.into_iter().partition(|a| a.status == "open");
    render(&AlertsPage {
        nav: Nav::from_auth(Some(&auth)),
        open,
        closed,
        can_close: auth.require_here(Action::HandleAlert).is_ok(),
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
    let rows = report(&state.store, j, calendar, by, from.clone(), to.clone())
        .await
        .map_err(ApiError::from)?;
    render(&ReportsPage {
        nav: Nav::from_auth(Some(&auth)),
        by: by.code().to_owned(),
        from,
        to,
        rows,
    })
}
