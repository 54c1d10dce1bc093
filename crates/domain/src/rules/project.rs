//! The rules of construction projects (工程建设项目审批制度改革, 国办发〔2019〕11号): a stage still
//! open after its limit (`project_stage_overdue`) and a project not through 竣工验收 within the
//! whole's limit, 120 working days in the national reform (`project_overdue`). Each is raised
//! once, for the member of staff who registered the project, with the bureau head as superior.
//!
//! The reform counts the approval time without the applicant's (补正, the procedures Art. 45
//! excludes): the limits run from the openings in the project's events (`StageOpened`), and the
//! days on which the applicant held every open case of the stage (or of the project) are not
//! counted ([`Project::stage_clock`]). The engine folds the linked cases' own events beside the
//! project's, so a replay of the log reaches the same due dates; a case the engine has not seen
//! contributes no applicant's time (the gross limit).
//!
//! Apart from `builtin.rs` because it folds the projects, which nothing else reads.

use time::Date;

use super::engine::Engine;
use super::model::RuleId;
use crate::case::Case;
use crate::project::{CaseTime, NetClock, Project};

/// The linked cases' applicant's time as the engine's events leave them on `today`.
fn case_times(engine: &Engine, p: &Project, today: Date) -> Vec<CaseTime> {
    p.cases
        .iter()
        .filter_map(|l| match engine.cases.get(&l.case_number) {
            Some(t) => Case::apply(&t.events)
                .ok()
                .and_then(|c| CaseTime::of(&c, &engine.calendar, today).ok()),
            // Kept as it was computed: a retired case's time no longer changes (`rules::retire`).
            None => engine
                .retired
                .get(&l.case_number)
                .map(|r| r.time(&l.case_number)),
        })
        .collect()
}

/// The due date as the message words it, naming the applicant's time when some was left out.
fn due_zh(gross: Option<Date>, net: Option<&NetClock>) -> String {
    match (gross, net) {
        (_, Some(n)) if n.applicant_working_days > 0 => format!(
            "{}（已扣除申请人补正等{}个工作日）",
            n.net_due, n.applicant_working_days
        ),
        (Some(d), _) => d.to_string(),
        (None, Some(n)) => n.net_due.to_string(),
        (None, None) => String::new(),
    }
}

/// Raises `project_stage_overdue` and `project_overdue` as of `today`.
pub(super) fn overdue(engine: &mut Engine, today: Date, at_index: u64) {
    let mut raise = Vec::new();
    for (code, (first, events)) in &engine.projects {
        let Ok(p) = Project::apply(events) else {
            continue;
        };
        let times = case_times(engine, &p, today);
        let holder = p.registered.registered_by.clone();
        for s in &p.stages {
            // A count the calendar cannot make falls back to the gross due date.
            let net = p
                .stage_clock(s, &engine.calendar, &times, today)
                .ok()
                .flatten();
            let overdue = match &net {
                Some(n) => n.overdue(s.completed_on, today),
                None => s.is_overdue(today),
            };
            if !overdue {
                continue;
            }
            raise.push((
                RuleId::ProjectStageOverdue,
                format!("project_stage:{code}:{}", s.stage.code()),
                format!(
                    "工程建设项目{code}的{}阶段时限{}个工作日，应于{}前办结，至今未办结",
                    s.stage.name_zh(),
                    s.working_days,
                    due_zh(s.due, net.as_ref())
                ),
                holder.clone(),
                *first,
            ));
        }
        let net = p
            .whole_clock(&engine.calendar, &times, today)
            .ok()
            .flatten();
        let overdue = match &net {
            Some(n) => n.overdue(p.finished_on(), today),
            None => p.is_overdue(today),
        };
        if overdue {
            raise.push((
                RuleId::ProjectOverdue,
                format!("project:{code}"),
                format!(
                    "工程建设项目{code}全流程审批时限{}个工作日，应于{}前完成竣工验收，至今未完成",
                    p.registered.whole_working_days,
                    due_zh(p.due, net.as_ref())
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
