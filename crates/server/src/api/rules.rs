//! Monitoring rules and accountability over HTTP: the alert queue and its closing by an
//! inspector, the rule versions and their parameters, and the accountability reports. Each
//! handler authorizes, calls `services::rules` and renders.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use oneseal_domain::access::Action;
use oneseal_domain::rules::{AlertOutcome, RuleParams};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::edge::auth::Auth;
use crate::edge::json::ApiJson;
use crate::error::ApiError;
use crate::services::names::Names;
use crate::services::rules::{self, RulesError, report};

#[derive(Debug, Default, Deserialize)]
pub struct AlertFilter {
    pub status: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<String>,
}

/// One page of the alert queue: open first, oldest first.
pub async fn list_alerts(
    State(state): State<AppState>,
    auth: Auth,
    Query(f): Query<AlertFilter>,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::ViewAlerts)?;
    let q = rules::parse_alert_query(f.status.as_deref(), f.cursor.as_deref(), f.limit.as_deref())?;
    let j = auth.principal.jurisdiction.clone();
    let view = rules::query_alerts(&state.store, j, q).await?;
    Ok(Json(json!({
        "alerts": view.rows,
        "next_cursor": view.links.next_cursor,
        "prev_cursor": view.links.prev_cursor,
        "open": view.open,
        "closed": view.closed,
    })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloseAlert {
    pub outcome: AlertOutcome,
    pub explanation: String,
}

/// An inspector closes an alert with a recorded explanation and outcome.
pub async fn close_alert(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CloseAlert>,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::HandleAlert)?;
    let (staff, meta) = auth.staff_meta(state.clock.now())?;
    let idx = rules::close_alert(
        &state.store,
        meta,
        staff,
        id,
        body.outcome,
        body.explanation,
    )
    .await?;
    Ok(Json(json!({ "ledger_index": idx })))
}

/// Runs the rule runner now (as `serve` does every minute), for an inspector who does not
/// want to wait for the next run.
pub async fn run_rules(State(state): State<AppState>, auth: Auth) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::ManageRules)?;
    let report = state
        .rule_engines
        .run(&state.store, state.clock.now())
        .await?;
    Ok(Json(json!({ "report": report })))
}

pub async fn list_rules(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::ViewAlerts)?;
    let j = auth.principal.jurisdiction.clone();
    let (rows, expressions) = rules::query_rules(&state.store, j).await?;
    Ok(Json(json!({ "rules": rows, "expressions": expressions })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpressionChange {
    pub name_zh: String,
    pub expression: String,
    pub active: bool,
}

/// Records a new version of a local expression rule (CEL), refused unless it parses.
pub async fn put_expression(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<ExpressionChange>,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::ManageRules)?;
    let (_, meta) = auth.staff_meta(state.clock.now())?;
    let change = rules::ExpressionChange {
        name_zh: body.name_zh,
        expression: body.expression,
        active: body.active,
    };
    let v = rules::put_expression(&state.store, meta, code, change).await?;
    Ok(Json(
        json!({ "version": v.version, "hash": v.hash, "ledger_index": v.ledger_index }),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleChange {
    pub params: RuleParams,
    pub active: bool,
}

/// Records a new version of a rule (changed parameters, or retired/reinstated).
pub async fn put_rule(
    State(state): State<AppState>,
    auth: Auth,
    Path(rule): Path<String>,
    ApiJson(body): ApiJson<RuleChange>,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::ManageRules)?;
    let (_, meta) = auth.staff_meta(state.clock.now())?;
    let v = rules::put_rule(&state.store, meta, &rule, body.params, body.active).await?;
    Ok(Json(
        json!({ "version": v.version, "hash": v.hash, "ledger_index": v.ledger_index }),
    ))
}

#[derive(Debug, Deserialize)]
pub struct ReportQuery {
    /// person | department | item | rule
    pub by: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// json | csv | xlsx
    pub format: Option<String>,
}

pub async fn accountability_report(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    auth.require_here(Action::ViewAlerts)?;
    let (by, from, to) = report::report_query(q.by.as_deref(), q.from.as_deref(), q.to.as_deref())?;
    let j = auth.principal.jurisdiction.clone();
    let calendar = state.calendar.current();
    let mut rows = rules::report(&state.store, j.clone(), calendar, by, from, to).await?;
    let by = by.code();
    // Names beside the codes: the JSON keeps `key` and adds `key_name`; the files show
    // `name（code）` in the key column (a spreadsheet has no second key).
    let names = Names::read(&state.store, j).await?;
    let labels: Vec<String> = rows.iter().map(|r| names.report_key(by, &r.key)).collect();
    let file = |bytes: Vec<u8>, mime: &'static str, ext: &str| {
        (
            [
                (header::CONTENT_TYPE, mime.to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"accountability-{by}.{ext}\""),
                ),
            ],
            bytes,
        )
            .into_response()
    };
    let format = q.format.as_deref().unwrap_or("json");
    if format != "json" {
        for (row, label) in rows.iter_mut().zip(labels.iter()) {
            row.key.clone_from(label);
        }
    }
    match format {
        "json" => {
            let mut out =
                serde_json::to_value(&rows).map_err(|e| ApiError::Internal(e.to_string()))?;
            if let Some(list) = out.as_array_mut() {
                for (row, label) in list.iter_mut().zip(&labels) {
                    row["key_name"] = json!(label);
                }
            }
            Ok(Json(json!({ "by": by, "rows": out })).into_response())
        }
        "csv" => Ok(file(
            report::csv_bytes(&rows)?,
            "text/csv; charset=utf-8",
            "csv",
        )),
        "xlsx" => Ok(file(
            report::xlsx_bytes(&rows, state.clock.now())?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )),
        _ => Err(RulesError::BadReportQuery("format = json | csv | xlsx").into()),
    }
}
