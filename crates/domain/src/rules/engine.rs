//! The rules engine's state after some prefix of a log, and the primitives a rule uses: who
//! holds which role, the thresholds in force, raising an alert once.
//!
//! Apart from the fold (`mod.rs`, which reads each entry and runs the rules) because the
//! built-in rules (`builtin.rs`) work on this state while the fold calls them: the fold and the
//! rules both import this module, and this module imports neither.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use super::expression::{self, ExpressionRefusal, ExpressionRule};
use super::model::{Alert, RuleId, RuleParams, RuleVersion, alert_id};
use crate::calendar::{Calendar, Pause};
use crate::case::{CaseEvent, legal_date};
use crate::event::Event;
use crate::linkage::PushEvent;
use crate::org::{DepartmentCode, Role, StaffId};
use crate::project::CaseTime;

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
pub(super) struct CaseTrack {
    pub(super) first_index: u64,
    pub(super) last_index: u64,
    pub(super) events: Vec<CaseEvent>,
    /// The staff member who last acted on the case (who holds it now).
    pub(super) holder: Option<StaffId>,
}

/// What the rules can still read of a closed case (see `retire`'s module doc).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct RetiredCase {
    pub(super) first_index: u64,
    /// Who decided it (the first decision), for a decision sealed afterwards.
    pub(super) approver: Option<StaffId>,
    /// Its applicant time as a construction project reads it ([`CaseTime`] without the number).
    pub(super) received_on: Date,
    pub(super) ended_on: Option<Date>,
    pub(super) applicant: Vec<Pause>,
}

impl RetiredCase {
    /// The case's time as [`CaseTime::of`] gave it when the case was retired.
    pub(super) fn time(&self, number: &str) -> CaseTime {
        CaseTime {
            case_number: number.to_owned(),
            received_on: self.received_on,
            ended_on: self.ended_on,
            applicant: self.applicant.clone(),
        }
    }
}

/// The engine's state after some prefix of a log.
#[derive(Clone, Debug)]
pub struct Engine {
    pub(super) calendar: Calendar,
    pub(super) versions: BTreeMap<RuleId, RuleVersion>,
    pub(super) roles: BTreeMap<StaffId, Vec<Role>>,
    pub(super) heads: BTreeSet<StaffId>,
    pub(super) cases: BTreeMap<String, CaseTrack>,
    pub(super) pushes: BTreeMap<String, (u64, Vec<PushEvent>)>,
    /// Joint-review consultations: id → (index of the request, events).
    pub(super) consultations: BTreeMap<String, (u64, Vec<crate::consultation::ConsultationEvent>)>,
    /// Coordination matters: id → (index of the raising, events).
    pub(super) matters: BTreeMap<String, (u64, Vec<crate::coordination::MatterEvent>)>,
    /// Construction projects: code → (index of the registration, events).
    pub(super) projects: BTreeMap<String, (u64, Vec<crate::project::ProjectEvent>)>,
    pub(super) promised: BTreeMap<String, crate::catalog::TimeLimit>,
    /// Item → its original department; staff → their department (for scoped thresholds).
    pub(super) item_departments: BTreeMap<String, String>,
    /// (item, version) → the names of its listed materials (Art. 31).
    pub(super) item_materials: BTreeMap<(String, u32), Vec<String>>,
    pub(super) staff_departments: BTreeMap<StaffId, String>,
    pub(super) decisions: BTreeMap<(StaffId, Date), u32>,
    /// Bad ratings awaiting rectification: case → (index of the rating, due date).
    pub(super) rectifications: BTreeMap<String, (u64, Date)>,
    pub(super) day: Option<Date>,
    pub(super) raised: BTreeSet<String>,
    pub(super) alerts: Vec<Alert>,
    /// The local expression rules in force, by code.
    pub(super) expressions: BTreeMap<String, expression::Compiled>,
    /// Licences: id → (index of the first event, the events), for the start of work (建筑法 Art. 9).
    pub(super) licences: BTreeMap<String, (u64, Vec<crate::licence::LicenceEvent>)>,
    /// 告知承诺 verifications: case number → (index of the task, events) (`rules::commitment`).
    pub(super) commitments: BTreeMap<String, (u64, Vec<crate::commitment::CommitmentEvent>)>,
    /// Closed cases no rule can fire on, by number: what the rules can still read of them
    /// (`rules::retire`).
    pub(super) retired: BTreeMap<String, RetiredCase>,
    /// Whether finished work leaves the state (`rules::retire`); off only to prove it changes
    /// no alert.
    pub(super) compact: bool,
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
            consultations: BTreeMap::new(),
            matters: BTreeMap::new(),
            projects: BTreeMap::new(),
            promised: BTreeMap::new(),
            item_departments: BTreeMap::new(),
            item_materials: BTreeMap::new(),
            staff_departments: BTreeMap::new(),
            decisions: BTreeMap::new(),
            rectifications: BTreeMap::new(),
            day: None,
            raised: BTreeSet::new(),
            alerts: Vec::new(),
            expressions: BTreeMap::new(),
            licences: BTreeMap::new(),
            commitments: BTreeMap::new(),
            retired: BTreeMap::new(),
            compact: true,
        }
    }

    /// An engine that keeps every case, push and consultation it has read, as the engine did
    /// before `rules::retire`: the yardstick the tests compare the retiring engine with (same
    /// alerts, more memory).
    pub fn keeping_history(calendar: Calendar) -> Self {
        Self {
            compact: false,
            ..Self::new(calendar)
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

    /// Alerts the inspectors, once per version, that a local expression rule was stopped (the
    /// cost budget, a panic of the CEL library, or a recorded version over today's budget).
    /// The message names the rule by code and version and the reason by code only: nothing an
    /// inspector typed beyond the code.
    pub(super) fn expression_failed(
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

    pub(super) fn track(&mut self, item: &LogItem) {
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
                self.item_materials.insert(
                    (published.basic_code.to_string(), published.version),
                    published.materials.iter().map(|m| m.name.clone()).collect(),
                );
            }
            Event::StaffRolesChanged { staff, roles } => self.set_roles(staff, roles.clone()),
            // A retired case takes no step (`rules::retire`).
            Event::Case { case_number, .. } if self.retired.contains_key(case_number.as_str()) => {}
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
            Event::Licence { licence_id, event } => {
                let e = self
                    .licences
                    .entry(licence_id.clone())
                    .or_insert((item.index, Vec::new()));
                e.1.push(event.as_ref().clone());
            }
            Event::Push { push_id, event } => {
                let e = self
                    .pushes
                    .entry(push_id.clone())
                    .or_insert((item.index, Vec::new()));
                e.1.push(event.as_ref().clone());
            }
            Event::Consultation {
                consultation_id,
                event,
            } => {
                let e = self
                    .consultations
                    .entry(consultation_id.clone())
                    .or_insert((item.index, Vec::new()));
                e.1.push(event.as_ref().clone());
            }
            Event::Commitment { case_number, event } => {
                let e = self
                    .commitments
                    .entry(case_number.to_string())
                    .or_insert((item.index, Vec::new()));
                e.1.push(event.as_ref().clone());
            }
            Event::Coordination { matter_id, event } => {
                let e = self
                    .matters
                    .entry(matter_id.clone())
                    .or_insert((item.index, Vec::new()));
                e.1.push(event.as_ref().clone());
            }
            Event::Project { code, event } => {
                let e = self
                    .projects
                    .entry(code.as_str().to_owned())
                    .or_insert((item.index, Vec::new()));
                e.1.push(event.as_ref().clone());
            }
            _ => {}
        }
    }

    pub(super) fn set_roles(&mut self, staff: &StaffId, roles: Vec<Role>) {
        if roles.contains(&Role::BureauHead) {
            self.heads.insert(staff.clone());
        } else {
            self.heads.remove(staff);
        }
        self.roles.insert(staff.clone(), roles);
    }

    pub(super) fn has_role(&self, staff: &StaffId, role: Role) -> bool {
        self.roles.get(staff).is_some_and(|r| r.contains(&role))
    }

    /// The bureau head a member of staff answers to (the first head registered here).
    pub(super) fn superior_of(&self, staff: Option<&StaffId>) -> Option<StaffId> {
        self.heads.iter().find(|h| Some(*h) != staff).cloned()
    }

    /// Raises the alert of `rule` about `subject` unless the rule is not in force or the alert
    /// was raised before.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn raise(
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

    pub(super) fn params(&self, rule: RuleId) -> RuleParams {
        self.versions
            .get(&rule)
            .map(|v| v.params.clone())
            .unwrap_or_default()
    }

    /// The rule's thresholds for a case on `item` (its department's and its own overrides).
    pub(super) fn params_for_item(&self, rule: RuleId, item: &str) -> RuleParams {
        let dept = self.item_departments.get(item).map(String::as_str);
        self.params(rule).for_scope(Some(item), dept)
    }

    /// The rule's thresholds for an official (their department's override).
    pub(super) fn params_for_staff(&self, rule: RuleId, staff: &StaffId) -> RuleParams {
        let dept = self.staff_departments.get(staff).map(String::as_str);
        self.params(rule).for_scope(None, dept)
    }
}
