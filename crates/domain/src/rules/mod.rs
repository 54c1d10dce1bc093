//! Monitoring rules (the reform's "smart contracts"): deterministic checks over the log.
//!
//! The engine folds a jurisdiction's log in index order. Each entry may raise alerts at once
//! (a decision by the person who accepted the case), and the first entry of a new day runs the
//! working-day timers (a case past its statutory limit). The same entries and the same calendar
//! always give the same alerts, so `oneseal rules replay` can re-prove every alert from the log.
//! Rules take effect only once a version of them is recorded on the log, with its parameters and
//! hash; an alert names the rule version that raised it and the log range it was computed from.

mod builtin;
mod commitment;
#[cfg(test)]
mod commitment_tests;
mod consultation;
#[cfg(test)]
mod consultation_tests;
mod coordination;
#[cfg(test)]
mod coordination_tests;
pub mod cost;
mod deferral;
mod engine;
mod expression;
mod extension_notice;
mod hearing;
#[cfg(test)]
mod hearing_tests;
#[cfg(test)]
mod law_tests;
#[cfg(test)]
mod lawgaps_tests;
mod model;
#[cfg(test)]
mod onspot_tests;
mod project;
#[cfg(test)]
mod project_tests;
mod renewal;
mod retire;
#[cfg(test)]
mod retire_tests;
mod snapshot;
mod start_deadline;
#[cfg(test)]
mod tests;

use time::Date;

pub use engine::{Engine, LogItem};
pub(crate) use expression::validate_and_evaluate;
pub use expression::{ExpressionOutcome, ExpressionRefusal, ExpressionRule, Failure};
pub use model::{
    Alert, AlertOutcome, RULES_REVISION, RuleId, RuleParams, RuleVersion, Thresholds, alert_id,
};
pub use snapshot::{SNAPSHOT_FORMAT, SnapshotError};

use crate::calendar::Calendar;
use crate::case::legal_date;
use crate::event::Event;
use crate::linkage::Push;
use crate::org::StaffId;

/// The fold: each entry updates the engine's state, then the built-in and local rules look at it.
impl Engine {
    /// Reads one entry; entries must come in index order.
    pub fn feed(&mut self, item: &LogItem) {
        let today = legal_date(item.time);
        if self.day.is_none_or(|d| today > d) {
            self.day = Some(today);
            self.timers(today, item.index);
        }
        self.track(item);
        builtin::on_event(self, item, today);
        self.expressions_on(item, today);
        if let Event::Case { case_number, event } = &item.event {
            self.retire_after(case_number.as_str(), event, today);
        }
    }

    /// Runs the local expression rules on a case step (when expression rules are in force).
    fn expressions_on(&mut self, item: &LogItem, today: Date) {
        let Event::Case { case_number, event } = &item.event else {
            return;
        };
        if self.expressions.is_empty()
            || !self
                .versions
                .get(&RuleId::Expression)
                .is_some_and(|v| v.active)
        {
            return;
        }
        let number = case_number.to_string();
        let Some(t) = self.cases.get(&number).cloned() else {
            return;
        };
        let vars = builtin::step_variables(self, &t.events, event, item, today);
        let mut holding = Vec::new();
        let mut failed = Vec::new();
        for c in self.expressions.values() {
            match c.evaluate(&vars, cost::Budget::RULES) {
                expression::Verdict::Holds => holding.push(c.rule.clone()),
                expression::Verdict::DoesNotHold => {}
                expression::Verdict::Failed(f) => {
                    failed.push((c.rule.clone(), f.code(), f.name_zh()))
                }
            }
        }
        for (rule, code, zh) in failed {
            // A failed version is stopped: it cannot cost another step, and is reported once.
            self.expressions.remove(&rule.code);
            self.expression_failed(&rule, code, zh, item.index, today);
        }
        for rule in holding {
            let subject = format!("case:{number}");
            let id = alert_id(RuleId::Expression, &format!("{}|{subject}", rule.code));
            if !self.raised.insert(id.clone()) {
                continue;
            }
            let responsible = item
                .actor
                .strip_prefix("staff:")
                .and_then(|s| StaffId::parse(s).ok());
            self.alerts.push(Alert {
                alert_id: id,
                rule: RuleId::Expression,
                rule_version: rule.version,
                rule_hash: rule.hash(),
                subject,
                message_zh: format!("办件{number}：{}（{}）", rule.name_zh, rule.code),
                superior: self.superior_of(responsible.as_ref()),
                responsible,
                responsible_department: None,
                expression: Some(rule.code.clone()),
                from_index: t.first_index,
                at_index: item.index,
                on: today,
            });
        }
    }

    fn timers(&mut self, today: Date, at_index: u64) {
        builtin::case_timers(self, today, at_index);
        renewal::deemed_renewals(self, today, at_index);
        start_deadline::overdue_starts(self, today, at_index);
        start_deadline::undecided_extensions(self, today, at_index);
        consultation::overdue(self, today, at_index);
        coordination::overdue(self, today, at_index);
        commitment::overdue(self, today, at_index);
        commitment::revocation_missing(self, today, at_index);
        project::overdue(self, today, at_index);
        let late: Vec<(String, u64, Date)> = self
            .rectifications
            .iter()
            .filter(|(_, (_, due))| today > *due)
            .map(|(n, (i, due))| (n.clone(), *i, *due))
            .collect();
        for (number, first, due) in late {
            let head = self.heads.iter().next().cloned();
            self.raise(
                RuleId::RectificationOverdue,
                format!("rating:{number}"),
                format!("办件{number}的差评整改应于{due}前完成，至今未完成"),
                head,
                None,
                first,
                at_index,
                today,
            );
        }
        let overdue: Vec<(String, u64, Push)> = self
            .pushes
            .iter()
            .filter_map(|(id, (first, events))| {
                let p = Push::apply(events).ok()?;
                p.is_overdue(today).then(|| (id.clone(), *first, p))
            })
            .collect();
        for (id, first, p) in overdue {
            self.raise(
                RuleId::UnclaimedPush,
                format!("push:{id}"),
                format!(
                    "推送{id}（{}）认领期限{}已过，尚未认领",
                    p.created.item_name,
                    p.claim_due.map(|d| d.to_string()).unwrap_or_default()
                ),
                p.created.responsible.clone(),
                p.department.clone(),
                first,
                at_index,
                today,
            );
        }
        self.retire_daily();
    }
}

/// Runs the engine over a whole log and returns its alerts.
pub fn evaluate<'a>(
    calendar: Calendar,
    items: impl IntoIterator<Item = &'a LogItem>,
) -> Vec<Alert> {
    // In the tests every fold is made twice, the second keeping every case, and must agree:
    // each rule's test is also a test that retiring finished work changes no alert.
    #[cfg(test)]
    let mut kept = Engine::keeping_history(calendar.clone());
    let mut engine = Engine::new(calendar);
    for item in items {
        engine.feed(item);
        #[cfg(test)]
        kept.feed(item);
    }
    #[cfg(test)]
    assert_eq!(engine.alerts, kept.alerts, "retiring changed the alerts");
    engine.alerts
}
