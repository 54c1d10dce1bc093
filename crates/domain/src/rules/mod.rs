//! Monitoring rules (the reform's "smart contracts"): deterministic checks over the log.
//!
//! The engine folds a jurisdiction's log in index order. Each entry may raise alerts at once
//! (a decision by the person who accepted the case), and the first entry of a new day runs the
//! working-day timers (a case past its statutory limit). The same entries and the same calendar
//! always give the same alerts, so `oneseal rules replay` can re-prove every alert from the log.
//! Rules take effect only once a version of them is recorded on the log, with its parameters and
//! hash; an alert names the rule version that raised it and the log range it was computed from.

mod builtin;
pub mod cost;
mod expression;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::{Date, OffsetDateTime};

pub(crate) use expression::validate_and_evaluate;
pub use expression::{ExpressionRefusal, ExpressionRule, Failure};

use crate::calendar::Calendar;
use crate::case::{CaseEvent, legal_date};
use crate::event::{Event, canonical_json};
use crate::linkage::{Push, PushEvent};
use crate::org::{DepartmentCode, Role, StaffId};

/// Bumped whenever a built-in rule's behaviour changes; part of every rule's hash.
pub const RULES_REVISION: u32 = 1;

macro_rules! rules {
    ($($var:ident = $code:literal, $article:literal, $zh:literal;)+) => {
        /// The built-in rules.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum RuleId { $($var),+ }
        impl RuleId {
            pub const ALL: &'static [RuleId] = &[$(RuleId::$var),+];
            pub fn code(self) -> &'static str { match self { $(RuleId::$var => $code),+ } }
            /// The legal basis the rule enforces.
            pub fn article(self) -> &'static str { match self { $(RuleId::$var => $article),+ } }
            pub fn name_zh(self) -> &'static str { match self { $(RuleId::$var => $zh),+ } }
            pub fn parse(s: &str) -> Option<Self> { match s { $($code => Some(RuleId::$var),)+ _ => None } }
        }
    };
}

rules! {
    NoticeDeadline = "notice_deadline", "行政许可法第三十二条", "五个工作日内未一次性告知（视为受理）";
    TwoReviewers = "two_reviewers", "行政许可法第三十四条", "实质审查少于两名工作人员";
    RefusalReasons = "refusal_reasons", "行政许可法第三十八条", "不予许可未说明理由或救济途径";
    YellowCard = "yellow_card", "行政许可法第四十二条", "承诺时限已用九成（黄牌）";
    RedCard = "red_card", "行政许可法第四十二条、第七十四条", "超过法定期限未决定（红牌）";
    Extension = "extension", "行政许可法第四十二条", "延期未经负责人批准或超过法定延期";
    Pause = "pause", "行政许可法第四十五条", "暂停计时无书面告知或事由不在目录";
    DeliveryDeadline = "delivery_deadline", "行政许可法第四十四条", "决定后十个工作日内未送达";
    SeparationOfDuties = "separation_of_duties", "岗位分离（受理与审批分设）", "同一人受理并审批同一办件";
    SkippedStep = "skipped_step", "行政许可法第三十二条至第四十四条", "跳过法定环节";
    SealMismatch = "seal_mismatch", "电子印章管理（一枚印章管审批）", "用章与审批决定不符";
    UnclaimedPush = "unclaimed_push", "审管互动（谁审批谁负责、谁主管谁监管）", "推送逾期未认领";
    PromisedLimitChanged = "promised_limit_changed", "政务服务事项管理（承诺时限）", "在办件所涉事项承诺时限被修改";
    OffHoursDecision = "off_hours_decision", "自由裁量监督", "非工作时间作出审批决定";
    DecisionVolume = "decision_volume", "自由裁量监督", "单人单日审批量异常";
    RectificationOverdue = "rectification_overdue", "政务服务好差评制度（差评整改）", "差评整改逾期未完成";
    Expression = "expression", "本地监管规则（CEL表达式）", "本地表达式规则";
}

/// Thresholds of the rules (one set per jurisdiction, recorded with each rule version).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleParams {
    /// Working days after receipt within which a one-time notice or acceptance is due.
    pub notice_days: u32,
    /// Working days after the decision within which it must be delivered.
    pub delivery_days: u32,
    /// Office hours (Beijing time), [start, end).
    pub office_start_hour: u8,
    pub office_end_hour: u8,
    /// Decisions by one official on one day above which the volume is unusual.
    pub max_decisions_per_day: u32,
    /// Thresholds for one item (`item:<basic code>`) or one department (`dept:<code>`, the
    /// item's original department, or the official's own for the daily volume); an item's
    /// override wins over its department's. Left out of the JSON (and the hash) when empty.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub overrides: BTreeMap<String, Thresholds>,
}

/// The thresholds an override may change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_decisions_per_day: Option<u32>,
}

impl Default for RuleParams {
    fn default() -> Self {
        Self {
            notice_days: 5,
            delivery_days: 10,
            office_start_hour: 8,
            office_end_hour: 18,
            max_decisions_per_day: 30,
            overrides: BTreeMap::new(),
        }
    }
}

impl RuleParams {
    /// The thresholds for a case on `item` of `department` (item override, then department,
    /// then the jurisdiction's).
    pub fn for_scope(&self, item: Option<&str>, department: Option<&str>) -> RuleParams {
        let mut p = self.clone();
        let scopes = [
            department.map(|d| format!("dept:{d}")),
            item.map(|i| format!("item:{i}")),
        ];
        for t in scopes
            .iter()
            .flatten()
            .filter_map(|k| self.overrides.get(k))
        {
            p.notice_days = t.notice_days.unwrap_or(p.notice_days);
            p.delivery_days = t.delivery_days.unwrap_or(p.delivery_days);
            p.max_decisions_per_day = t.max_decisions_per_day.unwrap_or(p.max_decisions_per_day);
        }
        p
    }

    pub fn validate(&self) -> Result<(), String> {
        let days = |d: u32| (1..=60).contains(&d);
        let keys_ok = self.overrides.iter().all(|(k, t)| {
            (k.starts_with("item:") || k.starts_with("dept:"))
                && t.notice_days.is_none_or(days)
                && t.delivery_days.is_none_or(days)
                && t.max_decisions_per_day.is_none_or(|m| m >= 1)
        });
        let ok = days(self.notice_days)
            && days(self.delivery_days)
            && self.office_start_hour < self.office_end_hour
            && self.office_end_hour <= 24
            && self.max_decisions_per_day >= 1
            && keys_ok;
        if ok {
            Ok(())
        } else {
            Err("参数超出范围：期限1至60个工作日，上班时间早于下班时间，单日审批量至少1，按事项（item:编码）或部门（dept:编码）设置".into())
        }
    }
}

/// One recorded version of a rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleVersion {
    pub rule: RuleId,
    pub version: u32,
    pub params: RuleParams,
    pub active: bool,
}

impl RuleVersion {
    /// SHA-256 (hex) of the rule's specification: its code, article, meaning, the engine
    /// revision, the version and the parameters. A changed rule has a different hash.
    pub fn hash(&self) -> String {
        let spec = serde_json::json!({
            "rule": self.rule.code(), "article": self.rule.article(), "meaning": self.rule.name_zh(),
            "revision": RULES_REVISION, "version": self.version, "params": self.params, "active": self.active,
        });
        hex::encode(Sha256::digest(canonical_json(&spec)))
    }
}

/// An alert: which rule (version and hash), about what, for whom, from which log range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    pub alert_id: String,
    pub rule: RuleId,
    pub rule_version: u32,
    pub rule_hash: String,
    /// `case:<number>`, `push:<id>`, `item:<code>` or `staff:<id>:<date>`.
    pub subject: String,
    pub message_zh: String,
    pub responsible: Option<StaffId>,
    pub responsible_department: Option<DepartmentCode>,
    pub superior: Option<StaffId>,
    /// For a local expression rule: its code (version and hash above are the expression's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
    /// The first and the last log index the alert was computed from.
    pub from_index: u64,
    pub at_index: u64,
    #[serde(with = "crate::calendar::iso_date")]
    pub on: Date,
}

/// How an inspector closed an alert.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertOutcome {
    /// 情况属实但有正当理由.
    Justified,
    /// 已整改.
    Rectified,
    /// 启动责任追究.
    AccountabilityOpened,
}

impl AlertOutcome {
    pub fn name_zh(self) -> &'static str {
        match self {
            AlertOutcome::Justified => "理由正当",
            AlertOutcome::Rectified => "已整改",
            AlertOutcome::AccountabilityOpened => "启动责任追究",
        }
    }
}

/// The stable id of the alert of `rule` about `subject` (each is raised once).
pub fn alert_id(rule: RuleId, subject: &str) -> String {
    let h = Sha256::digest(format!("{}|{subject}", rule.code()).as_bytes());
    format!("AL{}", &hex::encode(h)[..20])
}

/// One entry of a log, opened: what the engine reads.
#[derive(Clone, Debug)]
pub struct LogItem {
    pub index: u64,
    pub time: OffsetDateTime,
    /// The envelope's actor label (`staff:…`, `department:…`, `system:…`).
    pub actor: String,
    pub event: Event,
}

#[derive(Clone, Debug, Default)]
struct CaseTrack {
    first_index: u64,
    last_index: u64,
    events: Vec<CaseEvent>,
    /// The staff member who last acted on the case (who holds it now).
    holder: Option<StaffId>,
}

/// The engine's state after some prefix of a log.
#[derive(Clone, Debug)]
pub struct Engine {
    calendar: Calendar,
    versions: BTreeMap<RuleId, RuleVersion>,
    roles: BTreeMap<StaffId, Vec<Role>>,
    heads: BTreeSet<StaffId>,
    cases: BTreeMap<String, CaseTrack>,
    pushes: BTreeMap<String, (u64, Vec<PushEvent>)>,
    promised: BTreeMap<String, crate::catalog::TimeLimit>,
    /// Item → its original department; staff → their department (for scoped thresholds).
    item_departments: BTreeMap<String, String>,
    staff_departments: BTreeMap<StaffId, String>,
    decisions: BTreeMap<(StaffId, Date), u32>,
    /// Bad ratings awaiting rectification: case → (index of the rating, due date).
    rectifications: BTreeMap<String, (u64, Date)>,
    day: Option<Date>,
    raised: BTreeSet<String>,
    alerts: Vec<Alert>,
    /// The local expression rules in force, by code.
    expressions: BTreeMap<String, expression::Compiled>,
}

impl Engine {
    /// An engine over `calendar` (the shipped years; imported years arrive as log entries).
    pub fn new(calendar: Calendar) -> Self {
        Self {
            calendar,
            versions: BTreeMap::new(),
            roles: BTreeMap::new(),
            heads: BTreeSet::new(),
            cases: BTreeMap::new(),
            pushes: BTreeMap::new(),
            promised: BTreeMap::new(),
            item_departments: BTreeMap::new(),
            staff_departments: BTreeMap::new(),
            decisions: BTreeMap::new(),
            rectifications: BTreeMap::new(),
            day: None,
            raised: BTreeSet::new(),
            alerts: Vec::new(),
            expressions: BTreeMap::new(),
        }
    }

    /// Every alert raised so far, in the order raised.
    pub fn alerts(&self) -> &[Alert] {
        &self.alerts
    }

    /// The rule versions in effect.
    pub fn versions(&self) -> &BTreeMap<RuleId, RuleVersion> {
        &self.versions
    }

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

    /// Alerts the inspectors, once per version, that a local expression rule was stopped (the
    /// cost budget, a panic of the CEL library, or a recorded version over today's budget).
    /// The message names the rule by code and version and the reason by code only: nothing an
    /// inspector typed beyond the code.
    fn expression_failed(
        &mut self,
        rule: &ExpressionRule,
        code: &str,
        zh: &str,
        at_index: u64,
        on: Date,
    ) {
        let subject = format!("expression:{}:{}", rule.code, rule.version);
        let id = alert_id(RuleId::Expression, &format!("failed|{subject}"));
        if !self.raised.insert(id.clone()) {
            return;
        }
        let head = self.heads.iter().next().cloned();
        self.alerts.push(Alert {
            alert_id: id,
            rule: RuleId::Expression,
            rule_version: rule.version,
            rule_hash: rule.hash(),
            subject,
            message_zh: format!(
                "本地表达式规则{}第{}版已停止执行：{zh}（{code}），请修改后记录新版本",
                rule.code, rule.version
            ),
            responsible: None,
            responsible_department: None,
            superior: head,
            expression: Some(rule.code.clone()),
            from_index: at_index,
            at_index,
            on,
        });
    }

    fn track(&mut self, item: &LogItem) {
        match &item.event {
            Event::RuleVersionRecorded { version } => {
                self.versions.insert(version.rule, version.clone());
            }
            Event::ExpressionRuleRecorded { rule } => {
                self.expressions.remove(&rule.code);
                if rule.active {
                    match expression::Compiled::try_new(rule.clone()) {
                        Ok(c) => {
                            self.expressions.insert(rule.code.clone(), c);
                        }
                        // Recorded before the cost budget existed, and over it: never run.
                        Err(ExpressionRefusal::TooCostly(_)) => {
                            self.expression_failed(
                                rule,
                                "too_costly",
                                "超出计算预算",
                                item.index,
                                legal_date(item.time),
                            );
                        }
                        Err(ExpressionRefusal::Invalid(_)) => {}
                    }
                }
            }
            Event::CalendarYearImported { json, .. } => {
                // A year the ledger holds is applied as the server applied it.
                let _ = self.calendar.load_year_json(json);
            }
            Event::CalendarCorrectionApproved { approval } => {
                // Checked when proposed and approved; replayed here as it took effect.
                if let Ok(y) = crate::calendar::YearCalendar::from_json(&approval.json)
                    && let Some(current) = self.calendar.year(y.year())
                    && let Ok(c) = crate::calendar::Correction::check(
                        current,
                        y,
                        crate::case::legal_date(approval.approved_at),
                    )
                {
                    let _ = self.calendar.correct(c, approval.approved_at);
                }
            }
            Event::StaffRegistered { staff, .. } => {
                self.set_roles(&staff.id, staff.roles.clone());
                self.staff_departments
                    .insert(staff.id.clone(), staff.department.to_string());
            }
            Event::StaffTransferred { staff, to, .. } => {
                self.staff_departments.insert(staff.clone(), to.to_string());
            }
            Event::ItemPublished { item: published } => {
                self.item_departments.insert(
                    published.basic_code.to_string(),
                    published.original_department.to_string(),
                );
            }
            Event::StaffRolesChanged { staff, roles } => self.set_roles(staff, roles.clone()),
            Event::Case { case_number, event } => {
                let t = self.cases.entry(case_number.to_string()).or_default();
                if t.events.is_empty() {
                    t.first_index = item.index;
                }
                t.last_index = item.index;
                t.events.push(event.as_ref().clone());
                if let Some(s) = item.actor.strip_prefix("staff:") {
                    t.holder = StaffId::parse(s).ok();
                }
            }
            Event::CaseRated {
                case_number,
                rectification_due: Some(due),
                ..
            } => {
                self.rectifications
                    .insert(case_number.to_string(), (item.index, *due));
            }
            Event::RectificationClosed { case_number, .. } => {
                self.rectifications.remove(case_number.as_str());
            }
            Event::Push { push_id, event } => {
                let e = self
                    .pushes
                    .entry(push_id.clone())
                    .or_insert((item.index, Vec::new()));
                e.1.push(event.as_ref().clone());
            }
            _ => {}
        }
    }

    fn set_roles(&mut self, staff: &StaffId, roles: Vec<Role>) {
        if roles.contains(&Role::BureauHead) {
            self.heads.insert(staff.clone());
        } else {
            self.heads.remove(staff);
        }
        self.roles.insert(staff.clone(), roles);
    }

    fn has_role(&self, staff: &StaffId, role: Role) -> bool {
        self.roles.get(staff).is_some_and(|r| r.contains(&role))
    }

    /// The bureau head a member of staff answers to (the first head registered here).
    fn superior_of(&self, staff: Option<&StaffId>) -> Option<StaffId> {
        self.heads.iter().find(|h| Some(*h) != staff).cloned()
    }

    /// Raises the alert of `rule` about `subject` unless the rule is not in force or the alert
    /// was raised before.
    #[allow(clippy::too_many_arguments)]
    fn raise(
        &mut self,
        rule: RuleId,
        subject: String,
        message_zh: String,
        responsible: Option<StaffId>,
        responsible_department: Option<DepartmentCode>,
        from_index: u64,
        at_index: u64,
        on: Date,
    ) {
        let Some(v) = self.versions.get(&rule).filter(|v| v.active) else {
            return;
        };
        let id = alert_id(rule, &subject);
        if !self.raised.insert(id.clone()) {
            return;
        }
        let alert = Alert {
            alert_id: id,
            rule,
            rule_version: v.version,
            rule_hash: v.hash(),
            subject,
            message_zh,
            superior: self.superior_of(responsible.as_ref()),
            responsible,
            responsible_department,
            expression: None,
            from_index,
            at_index,
            on,
        };
        self.alerts.push(alert);
    }

    fn params(&self, rule: RuleId) -> RuleParams {
        self.versions
            .get(&rule)
            .map(|v| v.params.clone())
            .unwrap_or_default()
    }

    /// The rule's thresholds for a case on `item` (its department's and its own overrides).
    fn params_for_item(&self, rule: RuleId, item: &str) -> RuleParams {
        let dept = self.item_departments.get(item).map(String::as_str);
        self.params(rule).for_scope(Some(item), dept)
    }

    /// The rule's thresholds for an official (their department's override).
    fn params_for_staff(&self, rule: RuleId, staff: &StaffId) -> RuleParams {
        let dept = self.staff_departments.get(staff).map(String::as_str);
        self.params(rule).for_scope(None, dept)
    }

    fn timers(&mut self, today: Date, at_index: u64) {
        builtin::case_timers(self, today, at_index);
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
    }
}

/// Runs the engine over a whole log and returns its alerts.
pub fn evaluate<'a>(
    calendar: Calendar,
    items: impl IntoIterator<Item = &'a LogItem>,
) -> Vec<Alert> {
    let mut engine = Engine::new(calendar);
    for item in items {
        engine.feed(item);
    }
    engine.alerts
}
