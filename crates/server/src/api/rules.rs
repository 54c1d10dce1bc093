//! Monitoring rules and accountability over HTTP: the alert queue and its closing by an
//! inspector, the rule versions and their parameters, and the accountability reports.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use oneseal_domain::access::Action;
use oneseal_domain::case::{Case, legal_date};
use oneseal_domain::event::Event;
use oneseal_domain::org::DivisionCode;
use oneseal_domain::rules::{
    AlertOutcome, ExpressionRefusal, ExpressionRule, RuleId, RuleParams, RuleVersion,
};
use oneseal_store::projection::load_case_events;
use oneseal_store::{Conn, params};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::AppState;
use crate::edge::auth::Auth;
use crate::error::{ApiError, ApiJson};
use crate::services::commands::{Meta, require_explanation, require_open};

/// One alert as the queue shows it.
#[derive(Debug, Clone, Serialize)]
pub struct AlertRow {
    pub alert_id: String,
    pub rule_id: String,
    pub rule_version: i64,
    pub rule_hash: String,
    pub subject: String,
    pub message_zh: String,
    pub responsible: Option<String>,
    pub responsible_department: Option<String>,
    pub superior: Option<String>,
    pub from_index: i64,
    pub at_index: i64,
    pub raised_on: String,
    pub status: String,
    pub outcome: Option<String>,
    pub explanation: Option<String>,
    pub closed_by: Option<String>,
}

impl AlertRow {
    pub fn rule_zh(&self) -> &'static str {
        RuleId::parse(&self.rule_id).map_or("", RuleId::name_zh)
    }
    pub fn article(&self) -> &'static str {
        RuleId::parse(&self.rule_id).map_or("", RuleId::article)
    }
    pub fn outcome_zh(&self) -> &'static str {
        match self.outcome.as_deref() {
            Some("justified") => AlertOutcome::Justified.name_zh(),
            Some("rectified") => AlertOutcome::Rectified.name_zh(),
            Some("accountability_opened") => AlertOutcome::AccountabilityOpened.name_zh(),
            _ => "",
        }
    }
    pub fn opt(v: &Option<String>) -> &str {
        v.as_deref().unwrap_or("—")
    }
}

pub fn query_alerts(
    c: &mut dyn Conn,
    j: &DivisionCode,
    status: Option<&str>,
) -> Result<Vec<AlertRow>, ApiError> {
    c.query(
        "SELECT alert_id, rule_id, rule_version, rule_hash, subject, message_zh, responsible, responsible_department, superior, \
         from_index, at_index, raised_on, status, outcome, explanation, closed_by FROM alerts \
         WHERE jurisdiction = ? AND (CAST(? AS TEXT) IS NULL OR status = ?) ORDER BY status DESC, raised_on, alert_id LIMIT 1000",
        params![j.as_str(), status, status],
    )?
    .into_iter()
    .map(|r| {
        Ok(AlertRow {
            alert_id: r.text(0)?,
            rule_id: r.text(1)?,
            rule_version: r.int(2)?,
            rule_hash: r.text(3)?,
            subject: r.text(4)?,
            message_zh: r.text(5)?,
            responsible: r.opt_text(6)?,
            responsible_department: r.opt_text(7)?,
            superior: r.opt_text(8)?,
            from_index: r.int(9)?,
            at_index: r.int(10)?,
            raised_on: r.text(11)?,
            status: r.text(12)?,
            outcome: r.opt_text(13)?,
            explanation: r.opt_text(14)?,
            closed_by: r.opt_text(15)?,
        })
    })
    .collect()
}

#[derive(Debug, Default, Deserialize)]
pub struct AlertFilter {
    pub status: Option<String>,
}

pub async fn list_alerts(
    State(state): State<AppState>,
    auth: Auth,
    Query(f): Query<AlertFilter>,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::ViewAlerts)?;
    let j = auth.principal.jurisdiction.clone();
    let rows = state
        .store
        .read(move |c| query_alerts(c, &j, f.status.as_deref()))
        .await?;
    Ok(Json(json!({ "alerts": rows })))
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
    let (staff, meta) = Meta::for_staff(&auth, state.clock.now())?;
    require_explanation(&body.explanation, "关闭预警")?;
    let j = meta.jurisdiction.clone();
    let idx = state
        .store
        .write(move |tx| {
            require_open(
                tx.conn(),
                "SELECT status FROM alerts WHERE alert_id = ? AND jurisdiction = ?",
                params![id.as_str(), j.as_str()],
                "alert",
                ApiError::conflict(
                    "alert_closed",
                    "该预警已关闭",
                    "The alert is already closed",
                ),
            )?;
            meta.record(
                tx,
                &Event::AlertClosed {
                    alert_id: id,
                    by: staff,
                    outcome: body.outcome,
                    explanation: body.explanation,
                },
            )
        })
        .await?;
    Ok(Json(json!({ "ledger_index": idx })))
}

/// Runs the rule runner now (as `serve` does every minute), for an inspector who does not
/// want to wait for the next run.
pub async fn run_rules(State(state): State<AppState>, auth: Auth) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::ManageRules)?;
    let report = crate::services::rules::run(&state.store, state.clock.now()).await?;
    Ok(Json(json!({ "report": report })))
}

/// A rule version as recorded.
#[derive(Debug, Clone, Serialize)]
pub struct RuleRow {
    pub rule_id: String,
    pub name_zh: &'static str,
    pub article: &'static str,
    pub version: i64,
    pub params: Value,
    pub active: bool,
    pub hash: String,
}

pub fn query_rules(c: &mut dyn Conn, j: &DivisionCode) -> Result<Vec<RuleRow>, ApiError> {
    c.query(
        "SELECT rule_id, version, params, active, hash FROM rule_versions WHERE jurisdiction = ? ORDER BY rule_id, version DESC",
        params![j.as_str()],
    )?
    .into_iter()
    .map(|r| {
        let id = r.text(0)?;
        let rule = RuleId::parse(&id);
        Ok(RuleRow {
            name_zh: rule.map_or("", RuleId::name_zh),
            article: rule.map_or("", RuleId::article),
            rule_id: id,
            version: r.int(1)?,
            params: serde_json::from_str(&r.text(2)?).unwrap_or(Value::Null),
            active: r.int(3)? != 0,
            hash: r.text(4)?,
        })
    })
    .collect()
}

pub async fn list_rules(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::ViewAlerts)?;
    let j = auth.principal.jurisdiction.clone();
    let (rows, expressions) = state
        .store
        .read(move |c| Ok::<_, ApiError>((query_rules(c, &j)?, query_expressions(c, &j)?)))
        .await?;
    Ok(Json(json!({ "rules": rows, "expressions": expressions })))
}

/// Every recorded version of the jurisdiction's local expression rules, newest first.
pub fn query_expressions(
    c: &mut dyn Conn,
    j: &DivisionCode,
) -> Result<Vec<ExpressionRule>, ApiError> {
    c.query(
        "SELECT code, version, name_zh, expression, active FROM expression_rules WHERE jurisdiction = ? ORDER BY code, version DESC",
        params![j.as_str()],
    )?
    .into_iter()
    .map(|r| {
        Ok(ExpressionRule {
            code: r.text(0)?,
            version: u32::try_from(r.int(1)?).unwrap_or(0),
            name_zh: r.text(2)?,
            expression: r.text(3)?,
            active: r.int(4)? != 0,
        })
    })
    .collect()
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
    let (_, meta) = Meta::for_staff(&auth, state.clock.now())?;
    let j = meta.jurisdiction.clone();
    let out = state
        .store
        .write(move |tx| {
            let last = tx
                .conn()
                .query_one(
                    "SELECT MAX(version) FROM expression_rules WHERE jurisdiction = ? AND code = ?",
                    params![j.as_str(), code.as_str()],
                )?
                .and_then(|r| r.opt_int(0).ok().flatten())
                .unwrap_or(0);
            let rule = ExpressionRule {
                code,
                version: u32::try_from(last + 1).unwrap_or(u32::MAX),
                name_zh: body.name_zh,
                expression: body.expression,
                active: body.active,
            };
            rule.validate().map_err(|refusal| {
                let code = match refusal {
                    ExpressionRefusal::Invalid(_) => "bad_expression",
                    ExpressionRefusal::TooCostly(_) => "rule_too_costly",
                };
                ApiError::bad_request(code, refusal.message_zh(), refusal.message_en())
            })?;
            let idx = meta.record(tx, &Event::ExpressionRuleRecorded { rule: rule.clone() })?;
            Ok::<_, ApiError>(
                json!({ "version": rule.version, "hash": rule.hash(), "ledger_index": idx }),
            )
        })
        .await?;
    Ok(Json(out))
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
    let (_, meta) = Meta::for_staff(&auth, state.clock.now())?;
    let rule = RuleId::parse(&rule)
        .ok_or_else(|| ApiError::bad_request("unknown_rule", "没有该监控规则", "No such rule"))?;
    body.params.validate().map_err(|zh| {
        ApiError::bad_request("bad_rule_params", zh, "Rule parameters out of range")
    })?;
    let j = meta.jurisdiction.clone();
    let version = state
        .store
        .write(move |tx| {
            let last = tx
                .conn()
                .query_one(
                    "SELECT MAX(version) FROM rule_versions WHERE jurisdiction = ? AND rule_id = ?",
                    params![j.as_str(), rule.code()],
                )?
                .and_then(|r| r.opt_int(0).ok().flatten())
                .unwrap_or(0);
            let version = RuleVersion {
                rule,
                version: u32::try_from(last + 1).unwrap_or(u32::MAX),
                params: body.params,
                active: body.active,
            };
            let idx = meta.record(
                tx,
                &Event::RuleVersionRecorded {
                    version: version.clone(),
                },
            )?;
            Ok::<_, ApiError>(
                json!({ "version": version.version, "hash": version.hash(), "ledger_index": idx }),
            )
        })
        .await?;
    Ok(Json(version))
}

/// One row of an accountability report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReportRow {
    pub key: String,
    pub decided: u64,
    pub overdue: u64,
    pub overdue_rate: f64,
    pub average_working_days: f64,
    pub alerts: u64,
    pub alerts_by_rule: BTreeMap<String, u64>,
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

fn bad_query(what: &str) -> ApiError {
    ApiError::bad_request(
        "bad_report_query",
        format!("报表参数有误：{what}"),
        format!("Bad report query: {what}"),
    )
}

/// Decided cases and alerts of the period, grouped by person, department, item or rule.
pub fn report(
    c: &mut dyn Conn,
    j: &DivisionCode,
    calendar: &oneseal_domain::calendar::Calendar,
    by: &str,
    from: &str,
    to: &str,
) -> Result<Vec<ReportRow>, ApiError> {
    let departments: BTreeMap<String, String> = c
        .query(
            "SELECT id, department FROM staff WHERE jurisdiction = ?",
            params![j.as_str()],
        )?
        .into_iter()
        .map(|r| Ok((r.text(0)?, r.text(1)?)))
        .collect::<Result<_, ApiError>>()?;
    let key_of = |person: &str, item: &str, rule: &str| -> String {
        match by {
            "person" => person.to_owned(),
            "department" => departments
                .get(person)
                .cloned()
                .unwrap_or_else(|| "—".into()),
            "item" => item.to_owned(),
            _ => rule.to_owned(),
        }
    };
    let mut rows: BTreeMap<String, ReportRow> = BTreeMap::new();
    let mut days: BTreeMap<String, u64> = BTreeMap::new();
    let numbers: Vec<(String, String)> = c
        .query(
            "SELECT case_number, item_code FROM cases WHERE jurisdiction = ? ORDER BY case_number",
            params![j.as_str()],
        )?
        .into_iter()
        .map(|r| Ok((r.text(0)?, r.text(1)?)))
        .collect::<Result<_, ApiError>>()?;
    let mut item_of_case = BTreeMap::new();
    for (n, item) in numbers {
        item_of_case.insert(n.clone(), item.clone());
        let Ok(case) = Case::apply(&load_case_events(c, &n)?) else {
            continue;
        };
        let Some(d) = case.decision() else { continue };
        let on = legal_date(d.decided_at).to_string();
        if on.as_str() < from || on.as_str() > to || by == "rule" {
            continue;
        }
        let Ok(clock) = case.clock(calendar, legal_date(d.decided_at)) else {
            continue;
        };
        let Some(dc) = clock.decision else { continue };
        let row = rows
            .entry(key_of(d.approver.as_str(), &item, ""))
            .or_default();
        row.decided += 1;
        row.overdue += u64::from(dc.decided_on.is_some_and(|x| x > dc.statutory.due));
        *days
            .entry(key_of(d.approver.as_str(), &item, ""))
            .or_default() += u64::from(dc.elapsed);
    }
    for a in query_alerts(c, j, None)? {
        if a.raised_on.as_str() < from || a.raised_on.as_str() > to {
            continue;
        }
        let person = a.responsible.clone().unwrap_or_else(|| {
            a.responsible_department
                .clone()
                .unwrap_or_else(|| "—".into())
        });
        let item = a
            .subject
            .strip_prefix("case:")
            .and_then(|n| item_of_case.get(n).cloned())
            .or_else(|| {
                a.subject
                    .strip_prefix("item:")
                    .map(|s| s.split(':').next().unwrap_or("").to_owned())
            })
            .unwrap_or_else(|| "—".into());
        let row = rows.entry(key_of(&person, &item, &a.rule_id)).or_default();
        row.alerts += 1;
        *row.alerts_by_rule.entry(a.rule_id.clone()).or_default() += 1;
    }
    Ok(rows
        .into_iter()
        .map(|(key, mut r)| {
            r.key = key.clone();
            if r.decided > 0 {
                r.overdue_rate = r.overdue as f64 / r.decided as f64;
                r.average_working_days =
                    days.get(&key).copied().unwrap_or(0) as f64 / r.decided as f64;
            }
            r
        })
        .collect())
}

fn report_table(rows: &[ReportRow]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header = vec![
        "分组 key".to_owned(),
        "办结 decided".into(),
        "超期 overdue".into(),
        "超期率 overdue_rate".into(),
        "平均工作日 avg_working_days".into(),
        "预警 alerts".into(),
    ];
    header.extend(RuleId::ALL.iter().map(|r| r.code().to_owned()));
    let body = rows
        .iter()
        .map(|r| {
            let mut v = vec![
                r.key.clone(),
                r.decided.to_string(),
                r.overdue.to_string(),
                format!("{:.3}", r.overdue_rate),
                format!("{:.2}", r.average_working_days),
                r.alerts.to_string(),
            ];
            v.extend(RuleId::ALL.iter().map(|rule| {
                r.alerts_by_rule
                    .get(rule.code())
                    .copied()
                    .unwrap_or(0)
                    .to_string()
            }));
            v
        })
        .collect();
    (header, body)
}

/// A text cell of the report as a spreadsheet program may open it: a grouping key is a staff,
/// department, item or rule id, and one that started with `=`, `+`, `-` or `@` would run as a
/// formula (issue #15, item 9); numbers are written as they are.
fn report_cell(v: &str) -> std::borrow::Cow<'_, str> {
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        std::borrow::Cow::Borrowed(v)
    } else {
        oneseal_domain::spreadsheet::escape_cell(v)
    }
}

fn csv_bytes(rows: &[ReportRow]) -> Result<Vec<u8>, ApiError> {
    let (header, body) = report_table(rows);
    let mut w = csv::WriterBuilder::new().from_writer(b"\xEF\xBB\xBF".to_vec());
    let fail = |e: csv::Error| ApiError::Internal(e.to_string());
    w.write_record(&header).map_err(fail)?;
    for r in body {
        w.write_record(r.iter().map(|v| report_cell(v).into_owned()))
            .map_err(fail)?;
    }
    w.into_inner()
        .map_err(|e| ApiError::Internal(e.to_string()))
}

fn xlsx_bytes(rows: &[ReportRow], created: time::OffsetDateTime) -> Result<Vec<u8>, ApiError> {
    let (header, body) = report_table(rows);
    let fail = |e: rust_xlsxwriter::XlsxError| ApiError::Internal(e.to_string());
    let mut book = rust_xlsxwriter::Workbook::new();
    let created =
        rust_xlsxwriter::ExcelDateTime::from_timestamp(created.unix_timestamp()).map_err(fail)?;
    book.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&created));
    let sheet = book.add_worksheet();
    sheet.set_name("责任追究报表").map_err(fail)?;
    for (c, h) in (0u16..).zip(&header) {
        sheet.write_string(0, c, h).map_err(fail)?;
    }
    for (r, row) in (1u32..).zip(&body) {
        for (c, v) in (0u16..).zip(row) {
            match v.parse::<f64>() {
                Ok(n) if c > 0 => sheet.write_number(r, c, n).map_err(fail)?,
                _ => sheet.write_string(r, c, report_cell(v)).map_err(fail)?,
            };
        }
    }
    book.save_to_buffer().map_err(fail)
}

pub async fn accountability_report(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    auth.require_here(Action::ViewAlerts)?;
    let by = q.by.unwrap_or_else(|| "person".into());
    if !matches!(by.as_str(), "person" | "department" | "item" | "rule") {
        return Err(bad_query("by = person | department | item | rule"));
    }
    let date = |s: Option<String>, default: &str| -> Result<String, ApiError> {
        let s = s.unwrap_or_else(|| default.to_owned());
        oneseal_domain::calendar::parse_date_arg(&s)
            .map(|d| d.to_string())
            .map_err(|_| bad_query("from/to = YYYY-MM-DD"))
    };
    let (from, to) = (date(q.from, "2000-01-01")?, date(q.to, "2999-12-31")?);
    let j = auth.principal.jurisdiction.clone();
    let calendar = state.calendar.current();
    let b = by.clone();
    let rows = state
        .store
        .read(move |c| report(c, &j, &calendar, &b, &from, &to))
        .await?;
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
    match q.format.as_deref().unwrap_or("json") {
        "json" => Ok(Json(json!({ "by": by, "rows": rows })).into_response()),
        "csv" => Ok(file(csv_bytes(&rows)?, "text/csv; charset=utf-8", "csv")),
        "xlsx" => Ok(file(
            xlsx_bytes(&rows, state.clock.now())?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )),
        _ => Err(bad_query("format = json | csv | xlsx")),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const LINK: &str = "=HYPERLINK(\"http://evil.example\",\"详情\")";

    fn rows() -> Vec<ReportRow> {
        vec![ReportRow {
            key: LINK.to_owned(),
            decided: 3,
            overdue: 1,
            overdue_rate: 1.0 / 3.0,
            average_working_days: 4.5,
            ..ReportRow::default()
        }]
    }

    #[test]
    fn a_formula_like_key_is_exported_inert_in_csv() {
        let csv = csv_bytes(&rows()).unwrap();
        let mut reader = csv::ReaderBuilder::new().from_reader(&csv[3..]);
        let record = reader.records().next().unwrap().unwrap();
        assert_eq!(&record[0], format!("'{LINK}"));
        assert_eq!(&record[1], "3");
        assert_eq!(&record[3], "0.333");
    }

    #[test]
    fn a_formula_like_key_is_a_string_cell_in_xlsx() {
        use calamine::Reader;
        let xlsx = xlsx_bytes(&rows(), time::OffsetDateTime::UNIX_EPOCH).unwrap();
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
        let range = book.worksheet_range("责任追究报表").unwrap();
        assert_eq!(
            range.get_value((1, 0)),
            Some(&calamine::Data::String(format!("'{LINK}")))
        );
        assert_eq!(range.get_value((1, 1)), Some(&calamine::Data::Float(3.0)));
        let formulas = book.worksheet_formula("责任追究报表").unwrap();
        assert!(formulas.used_cells().next().is_none());
    }
}
