//! A project's events, their fold ([`Project::apply`], which refuses an illegal sequence) and the
//! commands that build the next event only when the fold accepts it.
//!
//! The names the bureau's staff typed (the project's and its owner's) stay in the private body:
//! [`ProjectEvent::public_view`] carries codes, case numbers and dates only.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::Date;

use super::{MAX_NAME_CHARS, ProjectKind, ProjectPlan, Stage, Utility};
use crate::bundle::MemberOutcome;
use crate::calendar::{Calendar, TimeLimit};
use crate::case::CaseStatus;
use crate::catalog::BasicCode;
use crate::org::StaffId;

/// The facts of a new project.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registered {
    /// 项目名称; private (typed by the bureau's staff).
    pub name: String,
    /// 建设单位; private.
    pub owner: String,
    pub kind: ProjectKind,
    /// Two-digit industry (GB/T 4754 division).
    pub industry: String,
    /// 带方案出让: 工程建设许可 and 施工许可 run as one stage.
    pub with_design_plan: bool,
    pub registered_by: StaffId,
    #[serde(with = "crate::calendar::iso_date")]
    pub on: Date,
    /// The whole's limit as the plan set it on registration.
    pub whole_working_days: u32,
}

/// One step of a project.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum ProjectEvent {
    Registered(Registered),
    /// A stage's clock starts (with its first case); the first stage's starts the whole's too.
    StageOpened {
        stage: Stage,
        #[serde(with = "crate::calendar::iso_date")]
        on: Date,
        working_days: u32,
        #[serde(with = "crate::calendar::iso_date")]
        due: Date,
        /// Absent unless this opening starts the whole's clock (an internally tagged enum
        /// does not read `null` through the date format).
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "crate::calendar::iso_date::option"
        )]
        project_due: Option<Date>,
    },
    /// A case (one item) joins a stage.
    CaseLinked {
        stage: Stage,
        case_number: String,
        item_code: String,
        #[serde(with = "crate::calendar::iso_date")]
        on: Date,
    },
    /// Every item of the stage is granted; `on` is the day its last item was granted.
    StageCompleted {
        stage: Stage,
        #[serde(with = "crate::calendar::iso_date")]
        on: Date,
        late: bool,
    },
    UtilityRequested {
        utility: Utility,
        #[serde(with = "crate::calendar::iso_date")]
        on: Date,
    },
    UtilityConnected {
        utility: Utility,
        #[serde(with = "crate::calendar::iso_date")]
        on: Date,
    },
}

impl ProjectEvent {
    #[must_use]
    pub const fn kind(&self) -> &'static str {
        match self {
            ProjectEvent::Registered(_) => "registered",
            ProjectEvent::StageOpened { .. } => "stage_opened",
            ProjectEvent::CaseLinked { .. } => "case_linked",
            ProjectEvent::StageCompleted { .. } => "stage_completed",
            ProjectEvent::UtilityRequested { .. } => "utility_requested",
            ProjectEvent::UtilityConnected { .. } => "utility_connected",
        }
    }

    /// The public ledger's view: everything but the names typed by people.
    #[must_use]
    pub fn public_view(&self) -> Value {
        match self {
            ProjectEvent::Registered(r) => json!({
                "step": "registered",
                "kind": r.kind,
                "industry": r.industry,
                "with_design_plan": r.with_design_plan,
                "on": r.on.to_string(),
                "whole_working_days": r.whole_working_days,
            }),
            other => serde_json::to_value(other).unwrap_or(Value::Null),
        }
    }
}

/// Why a project step is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProjectError {
    #[error("the project has no registration")]
    NotRegistered,
    #[error("registered twice")]
    AlreadyRegistered,
    #[error("{0} is empty")]
    Empty(&'static str),
    #[error("{0} is longer than {MAX_NAME_CHARS} characters")]
    TooLong(&'static str),
    #[error("industry must be two digits")]
    BadIndustry,
    #[error("the item is not handled in the stage {0:?}")]
    ItemNotInStage(Stage),
    #[error("the case is already linked to this project")]
    AlreadyLinked,
    #[error("stage {0:?} cannot open before stage {1:?} is completed")]
    PreviousStageOpen(Stage, Stage),
    #[error("stage {0:?} is completed")]
    StageCompleted(Stage),
    #[error("stage {0:?} has no case yet")]
    StageNotOpened(Stage),
    #[error("items of the stage are not all granted: {0:?}")]
    ItemsNotGranted(Vec<String>),
    #[error("utilities are requested after the construction permit stage is completed")]
    UtilityTooEarly,
    #[error("the utility is already requested")]
    UtilityAlreadyRequested,
    #[error("the utility was not requested")]
    UtilityNotRequested,
    #[error("the utility is already connected")]
    UtilityAlreadyConnected,
    #[error("the deadline's year has no calendar")]
    Calendar,
    #[error("event out of order: {0}")]
    OutOfOrder(&'static str),
}

impl ProjectError {
    /// The machine code of the refusal.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            ProjectError::NotRegistered => "project_not_registered",
            ProjectError::AlreadyRegistered => "project_already_registered",
            ProjectError::Empty(_) => "empty_field",
            ProjectError::TooLong(_) => "too_long",
            ProjectError::BadIndustry => "bad_industry",
            ProjectError::ItemNotInStage(_) => "item_not_in_stage",
            ProjectError::AlreadyLinked => "case_already_linked",
            ProjectError::PreviousStageOpen(..) => "previous_stage_open",
            ProjectError::StageCompleted(_) => "stage_completed",
            ProjectError::StageNotOpened(_) => "stage_not_opened",
            ProjectError::ItemsNotGranted(_) => "stage_items_not_granted",
            ProjectError::UtilityTooEarly => "utility_too_early",
            ProjectError::UtilityAlreadyRequested => "utility_already_requested",
            ProjectError::UtilityNotRequested => "utility_not_requested",
            ProjectError::UtilityAlreadyConnected => "utility_already_connected",
            ProjectError::Calendar => "calendar_year_missing",
            ProjectError::OutOfOrder(_) => "project_event_out_of_order",
        }
    }

    /// The refusal in Chinese, for the clerk.
    #[must_use]
    pub fn message_zh(&self) -> String {
        match self {
            ProjectError::NotRegistered => "项目尚未登记".into(),
            ProjectError::AlreadyRegistered => "项目已登记".into(),
            ProjectError::Empty(what) => format!("{}不能为空", field_zh(what)),
            ProjectError::TooLong(what) => {
                format!("{}不能超过{MAX_NAME_CHARS}个字", field_zh(what))
            }
            ProjectError::BadIndustry => "行业代码应为两位数字".into(),
            ProjectError::ItemNotInStage(s) => format!("该事项不属于{}阶段", s.name_zh()),
            ProjectError::AlreadyLinked => "该办件已关联到工程建设项目".into(),
            ProjectError::PreviousStageOpen(s, p) => {
                format!("{}阶段办结前不能开始{}阶段", p.name_zh(), s.name_zh())
            }
            ProjectError::StageCompleted(s) => format!("{}阶段已办结", s.name_zh()),
            ProjectError::StageNotOpened(s) => format!("{}阶段尚无办件", s.name_zh()),
            ProjectError::ItemsNotGranted(n) => {
                format!("本阶段尚有事项未准予：{}", n.join("、"))
            }
            ProjectError::UtilityTooEarly => "施工许可阶段办结后方可申请水电气暖报装".into(),
            ProjectError::UtilityAlreadyRequested => "该市政公用服务已申请报装".into(),
            ProjectError::UtilityNotRequested => "该市政公用服务尚未申请报装".into(),
            ProjectError::UtilityAlreadyConnected => "该市政公用服务已接入".into(),
            ProjectError::Calendar => "期限所在年度的工作日历尚未导入".into(),
            ProjectError::OutOfOrder(_) => "项目记录顺序有误".into(),
        }
    }
}

fn field_zh(what: &str) -> &'static str {
    match what {
        "name" => "项目名称",
        "owner" => "建设单位",
        _ => "字段",
    }
}

/// A stage as the project's events leave it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StageState {
    pub stage: Stage,
    pub opened_on: Option<Date>,
    pub working_days: u32,
    pub due: Option<Date>,
    pub completed_on: Option<Date>,
    pub late: bool,
}

impl StageState {
    /// Open past its due date on `today`.
    #[must_use]
    pub fn is_overdue(&self, today: Date) -> bool {
        self.completed_on.is_none() && self.due.is_some_and(|d| today > d)
    }
}

/// A case linked to a stage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LinkedCase {
    pub stage: Stage,
    pub case_number: String,
    pub item_code: String,
    pub linked_on: Date,
}

/// One utility's connection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UtilityState {
    pub utility: Utility,
    pub requested_on: Date,
    pub connected_on: Option<Date>,
}

/// Where a project stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    /// Registered, no case yet.
    Registered,
    /// Some stage open.
    InProgress,
    /// 竣工验收 completed.
    Completed,
}

impl ProjectStatus {
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            ProjectStatus::Registered => "registered",
            ProjectStatus::InProgress => "in_progress",
            ProjectStatus::Completed => "completed",
        }
    }

    #[must_use]
    pub const fn name_zh(self) -> &'static str {
        match self {
            ProjectStatus::Registered => "已登记",
            ProjectStatus::InProgress => "审批中",
            ProjectStatus::Completed => "已竣工验收",
        }
    }
}

/// A linked case as the stage's completion reads it: number, item and status, and the day it
/// was decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub case_number: String,
    pub item_code: String,
    pub status: CaseStatus,
    pub decided_on: Option<Date>,
}

/// A project folded from its events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Project {
    pub registered: Registered,
    pub stages: Vec<StageState>,
    pub cases: Vec<LinkedCase>,
    pub utilities: Vec<UtilityState>,
    /// The whole's clock: from the first stage's opening.
    pub opened_on: Option<Date>,
    pub due: Option<Date>,
}

impl Project {
    /// Folds `events`.
    ///
    /// # Errors
    /// [`ProjectError`] for a sequence the commands would not have produced.
    pub fn apply(events: &[ProjectEvent]) -> Result<Project, ProjectError> {
        let mut it = events.iter();
        let Some(ProjectEvent::Registered(r)) = it.next() else {
            return Err(ProjectError::NotRegistered);
        };
        let mut p = Project {
            registered: r.clone(),
            stages: Stage::ALL
                .iter()
                .map(|s| StageState {
                    stage: *s,
                    opened_on: None,
                    working_days: 0,
                    due: None,
                    completed_on: None,
                    late: false,
                })
                .collect(),
            cases: Vec::new(),
            utilities: Vec::new(),
            opened_on: None,
            due: None,
        };
        for e in it {
            p.step(e)?;
        }
        Ok(p)
    }

    fn step(&mut self, e: &ProjectEvent) -> Result<(), ProjectError> {
        let bad = ProjectError::OutOfOrder;
        match e {
            ProjectEvent::Registered(_) => return Err(ProjectError::AlreadyRegistered),
            ProjectEvent::StageOpened {
                stage,
                on,
                working_days,
                due,
                project_due,
            } => {
                self.may_open(*stage)?;
                let s = self.stage_mut(*stage);
                if s.opened_on.is_some() {
                    return Err(bad("stage opened twice"));
                }
                s.opened_on = Some(*on);
                s.working_days = *working_days;
                s.due = Some(*due);
                if let Some(d) = project_due {
                    self.opened_on = Some(*on);
                    self.due = Some(*d);
                }
            }
            ProjectEvent::CaseLinked {
                stage,
                case_number,
                item_code,
                on,
            } => {
                let s = self.stage(*stage);
                if s.opened_on.is_none() {
                    return Err(bad("case linked to a stage not opened"));
                }
                if s.completed_on.is_some() {
                    return Err(ProjectError::StageCompleted(*stage));
                }
                if self.cases.iter().any(|c| &c.case_number == case_number) {
                    return Err(ProjectError::AlreadyLinked);
                }
                self.cases.push(LinkedCase {
                    stage: *stage,
                    case_number: case_number.clone(),
                    item_code: item_code.clone(),
                    linked_on: *on,
                });
            }
            ProjectEvent::StageCompleted { stage, on, late } => {
                let s = self.stage_mut(*stage);
                if s.opened_on.is_none() || s.completed_on.is_some() {
                    return Err(bad("stage completed while not open"));
                }
                s.completed_on = Some(*on);
                s.late = *late;
            }
            ProjectEvent::UtilityRequested { utility, on } => {
                if self.utility(*utility).is_some() {
                    return Err(ProjectError::UtilityAlreadyRequested);
                }
                self.utilities.push(UtilityState {
                    utility: *utility,
                    requested_on: *on,
                    connected_on: None,
                });
            }
            ProjectEvent::UtilityConnected { utility, on } => {
                let u = self
                    .utilities
                    .iter_mut()
                    .find(|u| u.utility == *utility)
                    .ok_or(ProjectError::UtilityNotRequested)?;
                if u.connected_on.is_some() {
                    return Err(ProjectError::UtilityAlreadyConnected);
                }
                u.connected_on = Some(*on);
            }
        }
        Ok(())
    }

    #[must_use]
    pub fn stage(&self, stage: Stage) -> &StageState {
        &self.stages[stage.number() - 1]
    }

    fn stage_mut(&mut self, stage: Stage) -> &mut StageState {
        &mut self.stages[stage.number() - 1]
    }

    #[must_use]
    pub fn utility(&self, utility: Utility) -> Option<&UtilityState> {
        self.utilities.iter().find(|u| u.utility == utility)
    }

    #[must_use]
    pub fn status(&self) -> ProjectStatus {
        if self
            .stage(Stage::CompletionAcceptance)
            .completed_on
            .is_some()
        {
            ProjectStatus::Completed
        } else if self.opened_on.is_some() {
            ProjectStatus::InProgress
        } else {
            ProjectStatus::Registered
        }
    }

    /// The whole is still open past its due date on `today`.
    #[must_use]
    pub fn is_overdue(&self, today: Date) -> bool {
        self.status() != ProjectStatus::Completed && self.due.is_some_and(|d| today > d)
    }

    /// The stage the previous one must be completed before `stage` opens; `None` when it may
    /// open now. 带方案出让 merges 工程建设许可 and 施工许可: 施工许可 then waits for 立项用地规划许可
    /// only.
    fn may_open(&self, stage: Stage) -> Result<(), ProjectError> {
        let mut prev = stage.previous();
        if stage == Stage::ConstructionPermit && self.registered.with_design_plan {
            prev = Some(Stage::LandPlanning);
        }
        match prev {
            Some(p) if self.stage(p).completed_on.is_none() => {
                Err(ProjectError::PreviousStageOpen(stage, p))
            }
            _ => Ok(()),
        }
    }

    /// Links case `case_number` of item `item` (received on `received_on`) to `stage`: the
    /// stage opens with its first case, its clock counted from that case's receipt (the first
    /// stage's starts the whole's).
    ///
    /// # Errors
    /// The item is not the stage's; the case is linked already; the stage is completed or may
    /// not open yet; the deadline's year has no calendar.
    // The plan, the calendar and the case's facts are each a parameter: the fold stays pure.
    #[allow(clippy::too_many_arguments)]
    pub fn link(
        &self,
        plan: &ProjectPlan,
        calendar: &Calendar,
        stage: Stage,
        case_number: &str,
        item: &BasicCode,
        received_on: Date,
        today: Date,
    ) -> Result<Vec<ProjectEvent>, ProjectError> {
        let sp = plan
            .stage(stage)
            .filter(|s| s.items.contains(item))
            .ok_or(ProjectError::ItemNotInStage(stage))?;
        if self.cases.iter().any(|c| c.case_number == case_number) {
            return Err(ProjectError::AlreadyLinked);
        }
        let s = self.stage(stage);
        if s.completed_on.is_some() {
            return Err(ProjectError::StageCompleted(stage));
        }
        let mut out = Vec::new();
        if s.opened_on.is_none() {
            self.may_open(stage)?;
            let due = |days: u32| {
                calendar
                    .deadline(received_on, TimeLimit::working_days(days), &[])
                    .map(|d| d.due)
                    .map_err(|_| ProjectError::Calendar)
            };
            let project_due = if self.opened_on.is_none() {
                Some(due(self.registered.whole_working_days)?)
            } else {
                None
            };
            out.push(ProjectEvent::StageOpened {
                stage,
                on: received_on,
                working_days: sp.working_days,
                due: due(sp.working_days)?,
                project_due,
            });
        }
        out.push(ProjectEvent::CaseLinked {
            stage,
            case_number: case_number.to_owned(),
            item_code: item.as_str().to_owned(),
            on: today,
        });
        Ok(out)
    }

    /// Completes `stage` when each of its items has a granted case and none is still open;
    /// `members` are its linked cases as they stand. The stage completes on the day its last
    /// item was granted.
    ///
    /// # Errors
    /// The stage is not open or already completed; the previous stage is not completed; an item
    /// is not granted or a case still open.
    pub fn complete(
        &self,
        stage: Stage,
        members: &[Member],
        today: Date,
    ) -> Result<ProjectEvent, ProjectError> {
        self.complete_by(stage, members, self.stage(stage).due, today)
    }

    /// As [`Project::complete`], late when after `due` (the stage's due date net of the
    /// applicant's time, [`Project::stage_clock`]).
    ///
    /// # Errors
    /// As [`Project::complete`].
    pub fn complete_by(
        &self,
        stage: Stage,
        members: &[Member],
        due: Option<Date>,
        today: Date,
    ) -> Result<ProjectEvent, ProjectError> {
        let s = self.stage(stage);
        if s.completed_on.is_some() {
            return Err(ProjectError::StageCompleted(stage));
        }
        if s.opened_on.is_none() || members.is_empty() {
            return Err(ProjectError::StageNotOpened(stage));
        }
        if let Some(p) = stage.previous()
            && self.stage(p).completed_on.is_none()
        {
            return Err(ProjectError::PreviousStageOpen(stage, p));
        }
        let granted = |m: &Member| MemberOutcome::of(m.status) == MemberOutcome::Granted;
        let pending: Vec<String> = members
            .iter()
            .filter(|m| {
                MemberOutcome::of(m.status) == MemberOutcome::Open
                    || !members
                        .iter()
                        .any(|o| o.item_code == m.item_code && granted(o))
            })
            .map(|m| m.case_number.clone())
            .collect();
        if !pending.is_empty() {
            return Err(ProjectError::ItemsNotGranted(pending));
        }
        let on = members
            .iter()
            .filter(|m| granted(m))
            .filter_map(|m| m.decided_on)
            .max()
            .unwrap_or(today)
            .max(s.opened_on.unwrap_or(today));
        Ok(ProjectEvent::StageCompleted {
            stage,
            on,
            late: due.is_some_and(|d| on > d),
        })
    }

    /// Requests `utility`'s connection (报装).
    ///
    /// # Errors
    /// The construction permit stage is not completed; the utility is requested already.
    pub fn request_utility(
        &self,
        utility: Utility,
        today: Date,
    ) -> Result<ProjectEvent, ProjectError> {
        if self.stage(Stage::ConstructionPermit).completed_on.is_none() {
            return Err(ProjectError::UtilityTooEarly);
        }
        if self.utility(utility).is_some() {
            return Err(ProjectError::UtilityAlreadyRequested);
        }
        Ok(ProjectEvent::UtilityRequested { utility, on: today })
    }

    /// Records `utility` connected (接入).
    ///
    /// # Errors
    /// Not requested; already connected.
    pub fn connect_utility(
        &self,
        utility: Utility,
        today: Date,
    ) -> Result<ProjectEvent, ProjectError> {
        let u = self
            .utility(utility)
            .ok_or(ProjectError::UtilityNotRequested)?;
        if u.connected_on.is_some() {
            return Err(ProjectError::UtilityAlreadyConnected);
        }
        Ok(ProjectEvent::UtilityConnected { utility, on: today })
    }
}

impl Registered {
    /// Checks a new project's facts and builds its first event.
    ///
    /// # Errors
    /// An empty or too long name or owner; an industry that is not two digits.
    pub fn register(mut self) -> Result<ProjectEvent, ProjectError> {
        self.name = self.name.trim().to_owned();
        self.owner = self.owner.trim().to_owned();
        for (what, v) in [("name", &self.name), ("owner", &self.owner)] {
            if v.is_empty() {
                return Err(ProjectError::Empty(what));
            }
            if v.chars().count() > MAX_NAME_CHARS {
                return Err(ProjectError::TooLong(what));
            }
        }
        if self.industry.len() != 2 || !self.industry.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ProjectError::BadIndustry);
        }
        Ok(ProjectEvent::Registered(self))
    }
}
