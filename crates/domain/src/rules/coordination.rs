//! The rules of leadership coordination (领导协调): a matter still without a coordination
//! decision after its due date, and a task of the decision not done by its own. Each is raised
//! once, for the leader (a matter) or the task's holder (a department or a member of staff),
//! with the bureau head as superior. A closed matter has no open task, so raises nothing.
//!
//! Apart from `builtin.rs` because it folds the coordination matters, which nothing else reads.

use time::Date;

use super::engine::Engine;
use super::model::RuleId;
use crate::coordination::{Matter, Party};

/// Raises `coordination_overdue` and `coordination_task_overdue` as of `today`.
pub(super) fn overdue(engine: &mut Engine, today: Date, at_index: u64) {
    let mut raise = Vec::new();
    for (id, (first, events)) in &engine.matters {
        let Ok(m) = Matter::apply(events) else {
            continue;
        };
        if m.is_overdue(today) {
            raise.push((
                RuleId::CoordinationOverdue,
                format!("coordination:{id}"),
                format!(
                    "协调事项{id}（{}）应于{}前作出协调决定，至今未决定",
                    m.raised.kind.name_zh(),
                    m.raised.due
                ),
                Party::Staff(m.raised.leader.clone()),
                *first,
            ));
        }
        for t in m.overdue_tasks(today) {
            raise.push((
                RuleId::CoordinationTaskOverdue,
                format!("coordination_task:{}", t.task_id),
                format!(
                    "协调事项{id}交办的任务{}应于{}前办结，至今未办结",
                    t.task_id, t.due
                ),
                t.assignee.clone(),
                *first,
            ));
        }
    }
    for (rule, subject, message, holder, first) in raise {
        let (staff, department) = match holder {
            Party::Staff(s) => (Some(s), None),
            Party::Department(d) => (None, Some(d)),
        };
        engine.raise(
            rule, subject, message, staff, department, first, at_index, today,
        );
    }
}
