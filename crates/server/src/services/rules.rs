//! Monitoring rules and accountability (责任追究), apart from HTTP: the alert queue and its
//! closing by an inspector, the versions of the built-in rules and their parameters, the local
//! expression rules (CEL), the accountability reports ([`report`]) and the offline re-proof of
//! every alert ([`replay`]). The runner that raises alerts is background work
//! (`background::rules_runner`); it shares [`read_log`] with replay, so both fold the same log.
//!
//! Every function returns [`RulesError`]; `error.rs` maps it to HTTP.

pub mod replay;
pub mod report;
mod source;

use oneseal_domain::event::Event;
use oneseal_domain::org::{DivisionCode, StaffId};
use oneseal_domain::rules::{AlertOutcome, ExpressionRule, RuleId, RuleParams, RuleVersion};
use oneseal_store::{Store, StoreError, Tx};
use serde::Serialize;
use serde_json::Value;

use crate::services::commands::{MIN_EXPLANATION, Meta};
use crate::services::paging::{
    Direction, ListQueryError, PageCursor, PageLinks, PagingError, parse_cursor, parse_limit,
};

pub use oneseal_store::rules::AlertKey;
pub use oneseal_store::rules::AlertRow;
pub use replay::{ReplayFinding, ReplayReport, replay};
pub use report::{ReportBy, ReportRow, report};
pub use source::{RulesError, builtin_calendar, jurisdictions, read_log, read_log_range};

/// Records one event of a command (the rules' events are no case steps).
pub fn record(tx: &mut Tx<'_>, meta: &Meta, event: &Event) -> Result<u64, StoreError> {
    tx.record(event, meta.time, &meta.jurisdiction, &meta.actor)
}

/// Which alerts a page shows, and from where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertQuery {
    /// `open` or `closed`; `None` for both (open first).
    pub status: Option<String>,
    /// Where the page starts ([`parse_alert_cursor`]).
    pub key: Option<AlertKey>,
    pub limit: u32,
}

/// One page of alerts, the cursors either side, and how many are open and closed in all.
pub struct AlertView {
    pub rows: Vec<AlertRow>,
    pub links: PageLinks,
    pub open: i64,
    pub closed: i64,
}

/// An alert's place in the queue as a cursor key: its status, day and id (none holds `|`).
fn alert_key(a: &AlertRow) -> String {
    format!("{}|{}|{}", a.status, a.raised_on, a.alert_id)
}

/// Reads a cursor key made by [`alert_key`].
fn parse_alert_key(c: &PageCursor) -> Result<AlertKey, PagingError> {
    let mut parts = c.key.splitn(3, '|');
    let (Some(status), Some(raised_on), Some(alert_id)) =
        (parts.next(), parts.next(), parts.next())
    else {
        return Err(PagingError::BadCursor);
    };
    if !matches!(status, "open" | "closed")
        || oneseal_domain::catalog::date_format::parse(raised_on).is_err()
        || alert_id.is_empty()
    {
        return Err(PagingError::BadCursor);
    }
    Ok(AlertKey {
        after: c.direction == Direction::After,
        status: status.to_owned(),
        raised_on: raised_on.to_owned(),
        alert_id: alert_id.to_owned(),
    })
}

/// Reads an alert page's cursor.
///
/// # Errors
/// [`PagingError::BadCursor`] for a cursor that is not an alert's.
pub fn parse_alert_cursor(c: Option<&PageCursor>) -> Result<Option<AlertKey>, PagingError> {
    c.map(parse_alert_key).transpose()
}

/// Checks an alert list's parameters: `status` (`open`, `closed` or none), `cursor`, `limit`.
///
/// # Errors
/// [`ListQueryError`] naming the parameter that does not parse.
pub fn parse_alert_query(
    status: Option<&str>,
    cursor: Option<&str>,
    limit: Option<&str>,
) -> Result<AlertQuery, ListQueryError> {
    let status = match status.map(str::trim) {
        None | Some("") => None,
        Some(s @ ("open" | "closed")) => Some(s.to_owned()),
        Some(_) => return Err(ListQueryError::BadFilter("status")),
    };
    let cursor = parse_cursor(cursor)?;
    Ok(AlertQuery {
        status,
        key: parse_alert_cursor(cursor.as_ref())?,
        limit: parse_limit(limit)?,
    })
}

/// One page of the jurisdiction's alerts (all, or those of one status), open first, oldest
/// first.
pub async fn query_alerts(
    store: &Store,
    j: DivisionCode,
    q: AlertQuery,
) -> Result<AlertView, RulesError> {
    Ok(store
        .read(move |c| {
            let page = oneseal_store::rules::alert_page(
                c,
                j.as_str(),
                q.status.as_deref(),
                q.key.as_ref(),
                q.limit,
            )?;
            let (open, closed) = oneseal_store::rules::alert_counts(c, j.as_str())?;
            let links = PageLinks::new(
                page.rows.first().map(alert_key).as_deref(),
                page.rows.last().map(alert_key).as_deref(),
                page.more_before,
                page.more_after,
            );
            Ok::<_, StoreError>(AlertView {
                rows: page.rows,
                links,
                open,
                closed,
            })
        })
        .await?)
}

/// An inspector closes an open alert with a recorded explanation and outcome; returns the
/// ledger index of the closing.
pub async fn close_alert(
    store: &Store,
    meta: Meta,
    by: StaffId,
    alert_id: String,
    outcome: AlertOutcome,
    explanation: String,
) -> Result<u64, RulesError> {
    if explanation.trim().chars().count() < MIN_EXPLANATION {
        return Err(RulesError::ExplanationRequired);
    }
    store
        .write(move |tx| {
            let j = meta.jurisdiction.as_str();
            match oneseal_store::rules::alert_status(tx.conn(), &alert_id, j)? {
                None => return Err(RulesError::AlertNotFound),
                Some(status) if status.as_deref() != Some("open") => {
                    return Err(RulesError::AlertClosed);
                }
                Some(_) => {}
            }
            let event = Event::AlertClosed {
                alert_id,
                by,
                outcome,
                explanation,
            };
            Ok(record(tx, &meta, &event)?)
        })
        .await
}

/// A built-in rule's version as recorded.
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

/// The recorded versions of the built-in rules (newest first per rule) and of the local
/// expression rules, as the rules page and `GET /rules` show them.
pub async fn query_rules(
    store: &Store,
    j: DivisionCode,
) -> Result<(Vec<RuleRow>, Vec<ExpressionRule>), RulesError> {
    Ok(store
        .read(move |c| {
            let rules = oneseal_store::rules::rule_versions(c, j.as_str())?
                .into_iter()
                .map(|r| {
                    let rule = RuleId::parse(&r.rule_id);
                    RuleRow {
                        name_zh: rule.map_or("", RuleId::name_zh),
                        article: rule.map_or("", RuleId::article),
                        rule_id: r.rule_id,
                        version: r.version,
                        params: serde_json::from_str(&r.params).unwrap_or(Value::Null),
                        active: r.active,
                        hash: r.hash,
                    }
                })
                .collect();
            let expressions = oneseal_store::rules::expression_rules(c, j.as_str())?;
            Ok::<_, StoreError>((rules, expressions))
        })
        .await?)
}

/// A version just recorded: its number, its hash and where the ledger holds it.
#[derive(Debug, Clone, Serialize)]
pub struct RecordedVersion {
    pub version: u32,
    pub hash: String,
    pub ledger_index: u64,
}

/// A new version of a local expression rule.
#[derive(Debug, Clone)]
pub struct ExpressionChange {
    pub name_zh: String,
    pub expression: String,
    pub active: bool,
}

/// Records a new version of a local expression rule (CEL), refused unless it parses and its
/// estimated cost is within budget.
pub async fn put_expression(
    store: &Store,
    meta: Meta,
    code: String,
    change: ExpressionChange,
) -> Result<RecordedVersion, RulesError> {
    store
        .write(move |tx| {
            let last = oneseal_store::rules::last_expression_version(
                tx.conn(),
                meta.jurisdiction.as_str(),
                &code,
            )?;
            let rule = ExpressionRule {
                code,
                version: u32::try_from(last + 1).unwrap_or(u32::MAX),
                name_zh: change.name_zh,
                expression: change.expression,
                active: change.active,
            };
            rule.validate().map_err(RulesError::Expression)?;
            let idx = record(
                tx,
                &meta,
                &Event::ExpressionRuleRecorded { rule: rule.clone() },
            )?;
            Ok(RecordedVersion {
                version: rule.version,
                hash: rule.hash(),
                ledger_index: idx,
            })
        })
        .await
}

/// Records a new version of a built-in rule (changed parameters, or retired/reinstated).
pub async fn put_rule(
    store: &Store,
    meta: Meta,
    rule: &str,
    params: RuleParams,
    active: bool,
) -> Result<RecordedVersion, RulesError> {
    let rule = RuleId::parse(rule).ok_or_else(|| RulesError::UnknownRule(rule.to_owned()))?;
    params.validate().map_err(RulesError::BadParams)?;
    store
        .write(move |tx| {
            let last = oneseal_store::rules::last_rule_version(
                tx.conn(),
                meta.jurisdiction.as_str(),
                rule.code(),
            )?;
            let version = RuleVersion {
                rule,
                version: u32::try_from(last + 1).unwrap_or(u32::MAX),
                params,
                active,
            };
            let idx = record(
                tx,
                &meta,
                &Event::RuleVersionRecorded {
                    version: version.clone(),
                },
            )?;
            Ok(RecordedVersion {
                version: version.version,
                hash: version.hash(),
                ledger_index: idx,
            })
        })
        .await
}
