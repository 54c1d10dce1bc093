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

pub use oneseal_store::rules::AlertRow;
pub use replay::{ReplayFinding, ReplayReport, replay};
pub use report::{ReportBy, ReportRow, report};
pub use source::{RulesError, builtin_calendar, jurisdictions, read_log, read_log_range};

/// Records one event of a command (the rules' events are no case steps).
pub fn record(tx: &mut Tx<'_>, meta: &Meta, event: &Event) -> Result<u64, StoreError> {
    oneseal_store::projection::record(tx, event, meta.time, &meta.jurisdiction, &meta.actor)
}

/// The jurisdiction's alerts (all, or those of one status), open first, oldest first.
pub async fn query_alerts(
    store: &Store,
    j: DivisionCode,
    status: Option<String>,
) -> Result<Vec<AlertRow>, RulesError> {
    Ok(store
        .read(move |c| oneseal_store::rules::alerts(c, j.as_str(), status.as_deref()))
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
