//! The rules of construction projects (工程建设项目审批制度改革, 国办发〔2019〕11号): a stage still
//! open after its limit (`project_stage_overdue`) and a project not through 竣工验收 within the
//! whole's limit, 120 working days in the national reform (`project_overdue`). Each is raised
//! once, for the member of staff who registered the project, with the bureau head as superior.
//! The due dates are in the project's events (`StageOpened`), counted when the stage opened.
//!
//! Apart from `builtin.rs` because it folds the projects, which nothing else reads.

use time::Date;

use super::engine::Engine;
use super::model::RuleId;
use crate::project::Project;

/// Raises `project_stage_overdue` and `project_overdue` as of `today`.
pub(super) fn overdue(engine: &mut Engine, today: Date, at_index: u64) {
    let mut raise = Vec::new();
    for (code, (first, events)) in &engine.projects {
        let Ok(p) = Project::apply(events) else {
            continue;
        };
        let holder = p.registered.registered_by.clone();
        for s in p.stages.iter().filter(|s| s.is_overdue(today)) {
            let due = s.due.map(|d| d.to_string()).unwrap_or_default();
            raise.push((
                RuleId::ProjectStageOverdue,
                format!("project_stage:{code}:{}", s.stage.code()),
                format!(
                    "工程建设项目{code}的{}阶段时限{}个工作日，应于{due}前办结，至今未办结",
                    s.stage.name_zh(),
                    s.working_days
                ),
                holder.clone(),
                *first,
            ));
        }
        if p.is_overdue(today) {
            let due = p.due.map(|d| d.to_string()).unwrap_or_default();
            raise.push((
                RuleId::ProjectOverdue,
                format!("project:{code}"),
                format!(
                    "工程建设项目{code}全流程审批时限{}个工作日，应于{due}前完成竣工验收，至今未完成",
                    p.registered.whole_working_days
                ),
                holder,
                *first,
            ));
        }
    }
    for (rule, subject, message, holder, first) in raise {
        engine.raise(
            rule,
            subject,
            message,
            Some(holder),
            None,
            first,
            at_index,
            today,
        );
    }
}
