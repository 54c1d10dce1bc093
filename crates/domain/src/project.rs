//! Construction projects in parallel stages (工程建设项目审批制度改革, 国办发〔2019〕11号; issue #20
//! item 3). A project (工程建设项目) is known by its project code (项目代码) and goes through four
//! stages — 立项用地规划许可, 工程建设许可, 施工许可, 竣工验收 — each led by one department, its
//! items handled in parallel, each with its own limit, the whole within 120 working days.
//!
//! A project does not replace its cases: each item is still an ordinary case with its own legal
//! clock, review, decision and seal. The project links the cases to its stages and keeps the
//! stage and project clocks, each step an event (`project.event`) on the ledger. The stage
//! limits and which catalog items belong to which stage are data (`data/catalog/
//! project_stages.json`, [`demo_plan`]), checked against the catalog by a test.
//!
//! Order: a stage opens when its first case is linked, which needs the previous stage completed;
//! the reform's one allowed overlap is taken: for land granted with its design plan (带方案出让),
//! 工程建设许可 and 施工许可 are one stage, so 施工许可's items may run beside 工程建设许可's.
//! Utilities (供电, 供水, 供气, 供热) are requested once the construction permit stage is
//! complete (报装提前到施工许可证核发后) and recorded connected in the same project.
//!
//! Pure: the calendar, the catalog and the cases' statuses are parameters.

mod fold;
mod net;
#[cfg(test)]
mod net_tests;
#[cfg(test)]
mod tests;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::catalog::{BasicCode, Item};

pub use fold::{
    LinkedCase, Member, Project, ProjectError, ProjectEvent, ProjectStatus, Registered, StageState,
    UtilityState,
};
pub use net::{APPLICANT_TIME_ZH, CaseTime, NetClock, applicant_pauses};

/// The longest project name or owner name, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// The four stages, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 立项用地规划许可阶段.
    LandPlanning,
    /// 工程建设许可阶段.
    EngineeringPermit,
    /// 施工许可阶段.
    ConstructionPermit,
    /// 竣工验收阶段.
    CompletionAcceptance,
}

impl Stage {
    pub const ALL: [Stage; 4] = [
        Stage::LandPlanning,
        Stage::EngineeringPermit,
        Stage::ConstructionPermit,
        Stage::CompletionAcceptance,
    ];

    /// 1 to 4.
    #[must_use]
    pub const fn number(self) -> usize {
        match self {
            Stage::LandPlanning => 1,
            Stage::EngineeringPermit => 2,
            Stage::ConstructionPermit => 3,
            Stage::CompletionAcceptance => 4,
        }
    }

    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Stage::LandPlanning => "land_planning",
            Stage::EngineeringPermit => "engineering_permit",
            Stage::ConstructionPermit => "construction_permit",
            Stage::CompletionAcceptance => "completion_acceptance",
        }
    }

    #[must_use]
    pub const fn name_zh(self) -> &'static str {
        match self {
            Stage::LandPlanning => "立项用地规划许可",
            Stage::EngineeringPermit => "工程建设许可",
            Stage::ConstructionPermit => "施工许可",
            Stage::CompletionAcceptance => "竣工验收",
        }
    }

    /// The stage by its code or its number (`1`–`4`).
    #[must_use]
    pub fn parse(s: &str) -> Option<Stage> {
        let s = s.trim();
        Stage::ALL
            .into_iter()
            .find(|st| st.code() == s || st.number().to_string() == s)
    }

    /// The stage before this one.
    #[must_use]
    pub fn previous(self) -> Option<Stage> {
        self.number()
            .checked_sub(2)
            .and_then(|i| Stage::ALL.get(i).copied())
    }
}

/// The utilities whose connection (水电气暖报装) the project tracks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Utility {
    Power,
    Water,
    Gas,
    Heat,
}

impl Utility {
    pub const ALL: [Utility; 4] = [Utility::Power, Utility::Water, Utility::Gas, Utility::Heat];

    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Utility::Power => "power",
            Utility::Water => "water",
            Utility::Gas => "gas",
            Utility::Heat => "heat",
        }
    }

    #[must_use]
    pub const fn name_zh(self) -> &'static str {
        match self {
            Utility::Power => "供电",
            Utility::Water => "供水",
            Utility::Gas => "供气",
            Utility::Heat => "供热",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Utility> {
        Utility::ALL.into_iter().find(|u| u.code() == s.trim())
    }
}

/// How the project was put on record (the code's fourth part).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectKind {
    /// 审批 (government investment), `01`.
    Approval,
    /// 核准, `02`.
    Ratification,
    /// 备案, `03`.
    Filing,
}

impl ProjectKind {
    pub const ALL: [ProjectKind; 3] = [
        ProjectKind::Approval,
        ProjectKind::Ratification,
        ProjectKind::Filing,
    ];

    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            ProjectKind::Approval => "approval",
            ProjectKind::Ratification => "ratification",
            ProjectKind::Filing => "filing",
        }
    }

    /// The two digits the project code carries.
    #[must_use]
    pub const fn digits(self) -> &'static str {
        match self {
            ProjectKind::Approval => "01",
            ProjectKind::Ratification => "02",
            ProjectKind::Filing => "03",
        }
    }

    #[must_use]
    pub const fn name_zh(self) -> &'static str {
        match self {
            ProjectKind::Approval => "审批类（政府投资）",
            ProjectKind::Ratification => "核准类",
            ProjectKind::Filing => "备案类",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<ProjectKind> {
        ProjectKind::ALL.into_iter().find(|k| k.code() == s.trim())
    }
}

/// A project code (项目代码) in the investment platform's form
/// `YYYY-DDDDDD-II-KK-NNNNNN`: year of registration, division, industry (2 digits, GB/T 4754
/// division), kind (`01` 审批, `02` 核准, `03` 备案) and serial.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProjectCode(String);

/// Why a project code was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("project code must be YYYY-DDDDDD-II-KK-NNNNNN (KK 01, 02 or 03)")]
pub struct ProjectCodeError;

impl ProjectCode {
    /// Checks `s`.
    ///
    /// # Errors
    /// [`ProjectCodeError`] when `s` is not of the form.
    pub fn parse(s: &str) -> Result<Self, ProjectCodeError> {
        let parts: Vec<&str> = s.split('-').collect();
        let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
        let ok = parts.len() == 5
            && digits(parts[0], 4)
            && digits(parts[1], 6)
            && digits(parts[2], 2)
            && matches!(parts[3], "01" | "02" | "03")
            && digits(parts[4], 6)
            && parts[4] != "000000";
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(ProjectCodeError)
        }
    }

    /// The code of the `serial`th project of `division` in `year`.
    ///
    /// # Errors
    /// [`ProjectCodeError`] for a year, division, industry or serial out of the form.
    pub fn new(
        year: i32,
        division: &str,
        industry: &str,
        kind: ProjectKind,
        serial: u64,
    ) -> Result<Self, ProjectCodeError> {
        Self::parse(&format!(
            "{year:04}-{division}-{industry}-{}-{serial:06}",
            kind.digits()
        ))
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The division the code names.
    #[must_use]
    pub fn division(&self) -> &str {
        &self.0[5..11]
    }
}

impl TryFrom<String> for ProjectCode {
    type Error = ProjectCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<ProjectCode> for String {
    fn from(c: ProjectCode) -> Self {
        c.0
    }
}

impl fmt::Display for ProjectCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One stage as the bureau's plan sets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StagePlan {
    pub stage: Stage,
    /// The stage's limit (working days), counted from its opening.
    pub working_days: u32,
    /// The catalog items handled in this stage (an item may serve two stages: the demo
    /// catalog's 建设用地规划许可、建设工程规划许可 is one item).
    pub items: Vec<BasicCode>,
}

/// The bureau's plan: the four stages and the whole project's limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectPlan {
    pub basis: String,
    /// The whole project's limit (the national reform: 120 working days), counted from the
    /// opening of the first stage to the completion of the last.
    pub whole_working_days: u32,
    pub stages: Vec<StagePlan>,
}

/// What is wrong with a plan.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanProblem {
    #[error("the plan must list the four stages once each, in order")]
    Stages,
    #[error("stage {0:?}: a stage needs a limit of 1 working day or more and at least one item")]
    EmptyStage(Stage),
    #[error("the stages' limits add up to {0} working days, more than the whole's {1}")]
    OverWhole(u32, u32),
    #[error("stage {0:?}: item {1} is not in the catalog")]
    UnknownItem(Stage, BasicCode),
}

impl ProjectPlan {
    /// The plan of `stage`.
    #[must_use]
    pub fn stage(&self, stage: Stage) -> Option<&StagePlan> {
        self.stages.iter().find(|s| s.stage == stage)
    }

    /// Whether `item` is handled in `stage`.
    #[must_use]
    pub fn belongs(&self, stage: Stage, item: &BasicCode) -> bool {
        self.stage(stage).is_some_and(|s| s.items.contains(item))
    }

    /// Every problem of the plan against `catalog` (none for a usable plan).
    #[must_use]
    pub fn check(&self, catalog: &[Item]) -> Vec<PlanProblem> {
        let mut out = Vec::new();
        if self.stages.iter().map(|s| s.stage).collect::<Vec<_>>() != Stage::ALL {
            out.push(PlanProblem::Stages);
        }
        for s in &self.stages {
            if s.working_days == 0 || s.items.is_empty() {
                out.push(PlanProblem::EmptyStage(s.stage));
            }
            for code in &s.items {
                if !catalog.iter().any(|i| &i.basic_code == code) {
                    out.push(PlanProblem::UnknownItem(s.stage, code.clone()));
                }
            }
        }
        let sum: u32 = self.stages.iter().map(|s| s.working_days).sum();
        if sum > self.whole_working_days {
            out.push(PlanProblem::OverWhole(sum, self.whole_working_days));
        }
        out
    }
}

/// The demo bureau's plan as shipped (`data/catalog/project_stages.json`).
///
/// # Errors
/// The file's parse error (a test keeps it parsing and valid against the demo catalog).
pub fn demo_plan() -> Result<ProjectPlan, serde_json::Error> {
    serde_json::from_str(include_str!("../data/catalog/project_stages.json"))
}
