//! Leadership coordination (领导协调), one of the reform's five rigid mechanisms.
//!
//! When bodies disagree over which of them is competent, when nobody supervises something, when
//! a joint review is stuck or a push stays unclaimed past its escalation, the bureau or a
//! department raises a *matter*. A leader (the bureau head or an approving official) holds a
//! coordination meeting by the matter's deadline and records its decision; the decision becomes
//! tasks, each for a department or a member of the bureau's staff with its own deadline; each
//! holder reports its task done; the leader closes the matter once every task is done.
//!
//! The matter is event-sourced: [`Matter::apply`] folds its events and refuses an illegal
//! sequence (a task before the decision, a second decision, a closing with tasks open …), and
//! each command below builds its event only when the fold accepts it. What people typed (the
//! title, the description, the decision, the tasks and the reports) is private: the public
//! ledger entry carries [`MatterEvent::public_view`], codes, ids and dates only.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use thiserror::Error;
use time::Date;

use crate::org::{DepartmentCode, StaffId};

/// The longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 100;
/// The longest description, decision, task or report, in characters.
pub const MAX_TEXT_CHARS: usize = 2000;
/// Deadlines are 1 to this many working days ahead.
pub const MAX_DAYS: u32 = 60;
/// The most departments one matter concerns.
pub const MAX_DEPARTMENTS: usize = 20;

/// What a matter is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatterKind {
    /// 职责争议: bodies dispute which of them is competent.
    CompetenceDispute,
    /// 监管空白: nobody supervises something.
    SupervisionGap,
    /// 联合审查受阻: a joint review or consultation is stuck.
    StuckJointReview,
    /// 推送逾期未认领（已升级）: an escalated unclaimed push.
    EscalatedPush,
    /// 其他需协调事项.
    Other,
}

impl MatterKind {
    pub const ALL: &'static [MatterKind] = &[
        MatterKind::CompetenceDispute,
        MatterKind::SupervisionGap,
        MatterKind::StuckJointReview,
        MatterKind::EscalatedPush,
        MatterKind::Other,
    ];
    pub fn code(self) -> &'static str {
        match self {
            MatterKind::CompetenceDispute => "competence_dispute",
            MatterKind::SupervisionGap => "supervision_gap",
            MatterKind::StuckJointReview => "stuck_joint_review",
            MatterKind::EscalatedPush => "escalated_push",
            MatterKind::Other => "other",
        }
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            MatterKind::CompetenceDispute => "职责争议",
            MatterKind::SupervisionGap => "监管空白",
            MatterKind::StuckJointReview => "联合审查受阻",
            MatterKind::EscalatedPush => "推送逾期未认领（已升级）",
            MatterKind::Other => "其他需协调事项",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.code() == s)
    }
}

/// Who raised a matter, holds a task or reported it done: a member of staff (bureau or
/// department) or a department (its API token).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    Staff(StaffId),
    Department(DepartmentCode),
}

impl Party {
    pub fn label(&self) -> String {
        match self {
            Party::Staff(s) => format!("staff:{s}"),
            Party::Department(d) => format!("department:{d}"),
        }
    }
}

/// The facts of a new matter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatterRaised {
    pub matter_id: String,
    pub kind: MatterKind,
    /// Private: typed by a person.
    pub title: String,
    /// Private: typed by a person.
    pub description: String,
    pub raised_by: Party,
    /// The departments concerned (the raising department among them when a department raised).
    pub departments: Vec<DepartmentCode>,
    /// The escalated push the matter takes up (kind `escalated_push` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub push_id: Option<String>,
    /// The leader who coordinates: the bureau head or an approving official.
    pub leader: StaffId,
    #[serde(with = "crate::calendar::iso_date")]
    pub raised_on: Date,
    /// The coordination decision is due by this day.
    #[serde(with = "crate::calendar::iso_date")]
    pub due: Date,
}

/// One step of a matter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MatterEvent {
    Raised(MatterRaised),
    /// The coordination meeting's decision (协调会议决定), recorded by the leader.
    Decided {
        by: StaffId,
        #[serde(with = "crate::calendar::iso_date")]
        meeting_on: Date,
        /// Private.
        decision: String,
        #[serde(with = "crate::calendar::iso_date")]
        on: Date,
        /// Recorded after the matter's due date.
        late: bool,
    },
    /// A task of the decision for a department or a member of staff.
    TaskAssigned {
        task_id: String,
        assignee: Party,
        /// Private.
        description: String,
        #[serde(with = "crate::calendar::iso_date")]
        due: Date,
        by: StaffId,
        #[serde(with = "crate::calendar::iso_date")]
        on: Date,
    },
    /// The holder reports its task done.
    TaskDone {
        task_id: String,
        by: Party,
        /// Private.
        report: String,
        #[serde(with = "crate::calendar::iso_date")]
        on: Date,
        late: bool,
    },
    /// The leader closes the matter (every task done).
    Closed {
        by: StaffId,
        /// Private.
        summary: String,
        #[serde(with = "crate::calendar::iso_date")]
        on: Date,
    },
}

impl MatterEvent {
    pub fn kind(&self) -> &'static str {
        match self {
            MatterEvent::Raised(_) => "raised",
            MatterEvent::Decided { .. } => "decided",
            MatterEvent::TaskAssigned { .. } => "task_assigned",
            MatterEvent::TaskDone { .. } => "task_done",
            MatterEvent::Closed { .. } => "closed",
        }
    }

    pub fn name_zh(&self) -> &'static str {
        match self {
            MatterEvent::Raised(_) => "提请协调",
            MatterEvent::Decided { .. } => "协调决定",
            MatterEvent::TaskAssigned { .. } => "交办任务",
            MatterEvent::TaskDone { .. } => "任务办结",
            MatterEvent::Closed { .. } => "事项办结",
        }
    }

    /// What the public ledger shows: kinds, codes, staff ids and dates; never the title, the
    /// description, the decision, a task's wording or a report.
    pub fn public_view(&self) -> Value {
        let d = |d: &Date| d.to_string();
        match self {
            MatterEvent::Raised(r) => json!({
                "type": "raised", "kind": r.kind.code(), "raised_by": r.raised_by.label(),
                "departments": r.departments, "push_id": r.push_id, "leader": r.leader,
                "raised_on": d(&r.raised_on), "due": d(&r.due),
            }),
            MatterEvent::Decided {
                by,
                meeting_on,
                on,
                late,
                ..
            } => json!({
                "type": "decided", "by": by, "meeting_on": d(meeting_on), "on": d(on), "late": late,
            }),
            MatterEvent::TaskAssigned {
                task_id,
                assignee,
                due,
                by,
                on,
                ..
            } => json!({
                "type": "task_assigned", "task_id": task_id, "assignee": assignee.label(),
                "due": d(due), "by": by, "on": d(on),
            }),
            MatterEvent::TaskDone {
                task_id,
                by,
                on,
                late,
                ..
            } => json!({
                "type": "task_done", "task_id": task_id, "by": by.label(), "on": d(on), "late": late,
            }),
            MatterEvent::Closed { by, on, .. } => {
                json!({ "type": "closed", "by": by, "on": d(on) })
            }
        }
    }
}

/// Where a matter stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatterStatus {
    /// 待协调: no decision yet.
    Open,
    /// 落实中: decided, tasks being carried out.
    Decided,
    /// 已办结.
    Closed,
}

impl MatterStatus {
    pub fn code(self) -> &'static str {
        match self {
            MatterStatus::Open => "open",
            MatterStatus::Decided => "decided",
            MatterStatus::Closed => "closed",
        }
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            MatterStatus::Open => "待协调",
            MatterStatus::Decided => "落实中",
            MatterStatus::Closed => "已办结",
        }
    }
}

/// The recorded decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub by: StaffId,
    #[serde(with = "crate::calendar::iso_date")]
    pub meeting_on: Date,
    pub text: String,
    #[serde(with = "crate::calendar::iso_date")]
    pub on: Date,
    pub late: bool,
}

/// A task and, once reported, its report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Task {
    pub task_id: String,
    pub assignee: Party,
    pub description: String,
    #[serde(with = "crate::calendar::iso_date")]
    pub due: Date,
    #[serde(with = "crate::calendar::iso_date")]
    pub assigned_on: Date,
    pub done: Option<TaskReport>,
}

impl Task {
    /// Not done and its due date passed.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.done.is_none() && today > self.due
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TaskReport {
    pub by: Party,
    pub report: String,
    #[serde(with = "crate::calendar::iso_date")]
    pub on: Date,
    pub late: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Closure {
    pub by: StaffId,
    pub summary: String,
    #[serde(with = "crate::calendar::iso_date")]
    pub on: Date,
}

/// A matter, as its events leave it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Matter {
    pub raised: MatterRaised,
    pub decision: Option<Decision>,
    pub tasks: Vec<Task>,
    pub closed: Option<Closure>,
}

#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum CoordinationError {
    #[error("a matter's history must start with its raising, once")]
    NotRaised,
    #[error("the matter is closed")]
    Closed,
    #[error("the matter is already decided")]
    AlreadyDecided,
    #[error("the matter has no decision yet")]
    NotDecided,
    #[error("only the matter's leader (or the bureau head) may do this")]
    NotLeader,
    #[error("no such task")]
    UnknownTask,
    #[error("the task is already done")]
    TaskAlreadyDone,
    #[error("the task is another's")]
    NotAssignee,
    #[error("tasks are still open")]
    TasksOpen,
    #[error("{0} must not be empty")]
    Empty(&'static str),
    #[error("{0} is longer than {1} characters")]
    TooLong(&'static str, usize),
    #[error("a deadline is 1 to {MAX_DAYS} working days")]
    BadDays,
    #[error("the meeting date is before the matter or in the future")]
    BadMeetingDate,
    #[error("an escalated push matter names its push; other kinds do not")]
    PushRequired,
    #[error("too many departments")]
    TooManyDepartments,
    #[error("the task's due date is before today")]
    DueInPast,
}

impl CoordinationError {
    pub fn code(&self) -> &'static str {
        match self {
            CoordinationError::NotRaised => "matter_corrupt",
            CoordinationError::Closed => "matter_closed",
            CoordinationError::AlreadyDecided => "matter_already_decided",
            CoordinationError::NotDecided => "matter_not_decided",
            CoordinationError::NotLeader => "not_matter_leader",
            CoordinationError::UnknownTask => "task_not_found",
            CoordinationError::TaskAlreadyDone => "task_already_done",
            CoordinationError::NotAssignee => "not_task_assignee",
            CoordinationError::TasksOpen => "matter_tasks_open",
            CoordinationError::Empty(_) => "missing_field",
            CoordinationError::TooLong(..) => "field_too_long",
            CoordinationError::BadDays => "bad_due_working_days",
            CoordinationError::BadMeetingDate => "bad_meeting_date",
            CoordinationError::PushRequired => "push_required",
            CoordinationError::TooManyDepartments => "too_many_departments",
            CoordinationError::DueInPast => "due_in_past",
        }
    }
    pub fn message_zh(&self) -> String {
        match self {
            CoordinationError::NotRaised => "协调事项记录不完整".into(),
            CoordinationError::Closed => "该协调事项已办结".into(),
            CoordinationError::AlreadyDecided => "该协调事项已作出协调决定".into(),
            CoordinationError::NotDecided => "该协调事项尚未作出协调决定".into(),
            CoordinationError::NotLeader => "只有牵头领导（或局长）可以办理".into(),
            CoordinationError::UnknownTask => "没有该任务".into(),
            CoordinationError::TaskAlreadyDone => "该任务已办结".into(),
            CoordinationError::NotAssignee => "该任务交办给其他部门或人员".into(),
            CoordinationError::TasksOpen => "尚有任务未办结，不能办结事项".into(),
            CoordinationError::Empty(f) => format!("{f}不能为空"),
            CoordinationError::TooLong(f, n) => format!("{f}不能超过{n}个字"),
            CoordinationError::BadDays => format!("期限应为1至{MAX_DAYS}个工作日"),
            CoordinationError::BadMeetingDate => {
                "协调会议日期不能早于提请日期，也不能晚于今天".into()
            }
            CoordinationError::PushRequired => {
                "“推送逾期未认领”事项须注明推送编号，其他事项不注明".into()
            }
            CoordinationError::TooManyDepartments => {
                format!("涉及部门不能超过{MAX_DEPARTMENTS}个")
            }
            CoordinationError::DueInPast => "任务期限不能早于今天".into(),
        }
    }
}

/// A deadline's length is 1 to [`MAX_DAYS`] working days.
pub fn check_days(days: u32) -> Result<u32, CoordinationError> {
    if (1..=MAX_DAYS).contains(&days) {
        Ok(days)
    } else {
        Err(CoordinationError::BadDays)
    }
}

/// Typed text: present and not too long.
pub fn check_text(text: &str, field: &'static str, max: usize) -> Result<(), CoordinationError> {
    if text.trim().is_empty() {
        return Err(CoordinationError::Empty(field));
    }
    if text.chars().count() > max {
        return Err(CoordinationError::TooLong(field, max));
    }
    Ok(())
}

impl MatterRaised {
    /// The raising as an event, once its facts hold together.
    pub fn raise(self) -> Result<MatterEvent, CoordinationError> {
        self.check()?;
        Ok(MatterEvent::Raised(self))
    }

    fn check(&self) -> Result<(), CoordinationError> {
        check_text(&self.title, "标题", MAX_TITLE_CHARS)?;
        check_text(&self.description, "情况说明", MAX_TEXT_CHARS)?;
        if self.departments.len() > MAX_DEPARTMENTS {
            return Err(CoordinationError::TooManyDepartments);
        }
        if (self.kind == MatterKind::EscalatedPush) != self.push_id.is_some() {
            return Err(CoordinationError::PushRequired);
        }
        if self.due < self.raised_on {
            return Err(CoordinationError::BadDays);
        }
        Ok(())
    }
}

impl Matter {
    /// Folds a matter's events; an illegal sequence is refused.
    pub fn apply(events: &[MatterEvent]) -> Result<Matter, CoordinationError> {
        let Some(MatterEvent::Raised(r)) = events.first() else {
            return Err(CoordinationError::NotRaised);
        };
        r.check()?;
        let mut m = Matter {
            raised: r.clone(),
            decision: None,
            tasks: Vec::new(),
            closed: None,
        };
        for e in events.iter().skip(1) {
            m.evolve(e)?;
        }
        Ok(m)
    }

    fn evolve(&mut self, e: &MatterEvent) -> Result<(), CoordinationError> {
        if self.closed.is_some() {
            return Err(CoordinationError::Closed);
        }
        match e {
            MatterEvent::Raised(_) => return Err(CoordinationError::NotRaised),
            MatterEvent::Decided {
                by,
                meeting_on,
                decision,
                on,
                late,
            } => {
                if self.decision.is_some() {
                    return Err(CoordinationError::AlreadyDecided);
                }
                check_text(decision, "协调决定", MAX_TEXT_CHARS)?;
                if *meeting_on < self.raised.raised_on || meeting_on > on {
                    return Err(CoordinationError::BadMeetingDate);
                }
                self.decision = Some(Decision {
                    by: by.clone(),
                    meeting_on: *meeting_on,
                    text: decision.clone(),
                    on: *on,
                    late: *late,
                });
            }
            MatterEvent::TaskAssigned {
                task_id,
                assignee,
                description,
                due,
                on,
                ..
            } => {
                if self.decision.is_none() {
                    return Err(CoordinationError::NotDecided);
                }
                check_text(description, "任务内容", MAX_TEXT_CHARS)?;
                if self.tasks.iter().any(|t| t.task_id == *task_id) {
                    return Err(CoordinationError::NotRaised);
                }
                if due < on {
                    return Err(CoordinationError::DueInPast);
                }
                self.tasks.push(Task {
                    task_id: task_id.clone(),
                    assignee: assignee.clone(),
                    description: description.clone(),
                    due: *due,
                    assigned_on: *on,
                    done: None,
                });
            }
            MatterEvent::TaskDone {
                task_id,
                by,
                report,
                on,
                late,
            } => {
                check_text(report, "办理情况", MAX_TEXT_CHARS)?;
                let t = self
                    .tasks
                    .iter_mut()
                    .find(|t| t.task_id == *task_id)
                    .ok_or(CoordinationError::UnknownTask)?;
                if t.done.is_some() {
                    return Err(CoordinationError::TaskAlreadyDone);
                }
                if t.assignee != *by {
                    return Err(CoordinationError::NotAssignee);
                }
                t.done = Some(TaskReport {
                    by: by.clone(),
                    report: report.clone(),
                    on: *on,
                    late: *late,
                });
            }
            MatterEvent::Closed { by, summary, on } => {
                if self.decision.is_none() {
                    return Err(CoordinationError::NotDecided);
                }
                if self.tasks.iter().any(|t| t.done.is_none()) {
                    return Err(CoordinationError::TasksOpen);
                }
                check_text(summary, "办结说明", MAX_TEXT_CHARS)?;
                self.closed = Some(Closure {
                    by: by.clone(),
                    summary: summary.clone(),
                    on: *on,
                });
            }
        }
        Ok(())
    }

    /// `e` if the matter accepts it now.
    fn accept(&self, e: MatterEvent) -> Result<MatterEvent, CoordinationError> {
        self.clone().evolve(&e)?;
        Ok(e)
    }

    fn check_leader(&self, by: &StaffId, head: bool) -> Result<(), CoordinationError> {
        if head || *by == self.raised.leader {
            Ok(())
        } else {
            Err(CoordinationError::NotLeader)
        }
    }

    pub fn status(&self) -> MatterStatus {
        match (&self.decision, &self.closed) {
            (_, Some(_)) => MatterStatus::Closed,
            (Some(_), None) => MatterStatus::Decided,
            (None, None) => MatterStatus::Open,
        }
    }

    /// No decision and the due date passed.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.status() == MatterStatus::Open && today > self.raised.due
    }

    /// The tasks not done by their due date (none once the matter is closed).
    pub fn overdue_tasks(&self, today: Date) -> impl Iterator<Item = &Task> {
        self.tasks.iter().filter(move |t| t.is_overdue(today))
    }

    /// The id the next task gets.
    pub fn next_task_id(&self) -> String {
        format!("{}-T{}", self.raised.matter_id, self.tasks.len() + 1)
    }

    /// Every department the matter touches: the concerned ones, the raiser, the tasks' holders.
    pub fn parties(&self) -> Vec<DepartmentCode> {
        let mut out = self.raised.departments.clone();
        let extra =
            std::iter::once(&self.raised.raised_by).chain(self.tasks.iter().map(|t| &t.assignee));
        for p in extra {
            if let Party::Department(d) = p
                && !out.contains(d)
            {
                out.push(d.clone());
            }
        }
        out
    }

    /// The leader (or, with `head`, the bureau head) records the meeting's decision.
    pub fn decide(
        &self,
        by: &StaffId,
        head: bool,
        meeting_on: Date,
        decision: String,
        today: Date,
    ) -> Result<MatterEvent, CoordinationError> {
        self.check_leader(by, head)?;
        self.accept(MatterEvent::Decided {
            by: by.clone(),
            meeting_on,
            decision,
            on: today,
            late: today > self.raised.due,
        })
    }

    /// The leader assigns a task of the decision, due on `due`.
    pub fn assign_task(
        &self,
        by: &StaffId,
        head: bool,
        assignee: Party,
        description: String,
        due: Date,
        today: Date,
    ) -> Result<MatterEvent, CoordinationError> {
        self.check_leader(by, head)?;
        self.accept(MatterEvent::TaskAssigned {
            task_id: self.next_task_id(),
            assignee,
            description,
            due,
            by: by.clone(),
            on: today,
        })
    }

    /// The task's holder reports it done; late after its due date.
    pub fn complete_task(
        &self,
        task_id: &str,
        by: Party,
        report: String,
        today: Date,
    ) -> Result<MatterEvent, CoordinationError> {
        let due = self
            .tasks
            .iter()
            .find(|t| t.task_id == task_id)
            .ok_or(CoordinationError::UnknownTask)?
            .due;
        self.accept(MatterEvent::TaskDone {
            task_id: task_id.to_owned(),
            by,
            report,
            on: today,
            late: today > due,
        })
    }

    /// The leader closes the matter once every task is done.
    pub fn close(
        &self,
        by: &StaffId,
        head: bool,
        summary: String,
        today: Date,
    ) -> Result<MatterEvent, CoordinationError> {
        self.check_leader(by, head)?;
        self.accept(MatterEvent::Closed {
            by: by.clone(),
            summary,
            on: today,
        })
    }
}

#[cfg(test)]
mod tests;
