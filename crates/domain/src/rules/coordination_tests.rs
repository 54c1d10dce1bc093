//! Leadership coordination in the monitoring rules: one violating and one compliant sequence
//! for each of `coordination_overdue` and `coordination_task_overdue`.

#![allow(clippy::unwrap_used)]

use time::macros::date;

use super::model::RuleId;
use super::tests::{Log, MON, at};
use crate::coordination::{Matter, MatterEvent, MatterKind, MatterRaised, Party};
use crate::event::Event;
use crate::org::{DepartmentCode, StaffId};

fn staff(s: &str) -> StaffId {
    StaffId::parse(s).unwrap()
}

/// A matter raised on Monday 2 November, its decision due Friday the 6th.
fn raised() -> MatterEvent {
    MatterRaised {
        matter_id: "XT-370100-00001".into(),
        kind: MatterKind::SupervisionGap,
        title: "共享单车停放监管".into(),
        description: "无部门认领监管".into(),
        raised_by: Party::Department(DepartmentCode::parse("SCJG").unwrap()),
        departments: vec![DepartmentCode::parse("SCJG").unwrap()],
        push_id: None,
        leader: staff("HEAD-1"),
        raised_on: MON,
        due: date!(2026 - 11 - 06),
    }
    .raise()
    .unwrap()
}

fn log_of(steps: &[MatterEvent], tick: time::Date) -> Log {
    let mut log = Log::new();
    for e in steps {
        log.push(
            at(MON, 10),
            "staff:HEAD-1",
            Event::Coordination {
                matter_id: "XT-370100-00001".into(),
                event: Box::new(e.clone()),
            },
        );
    }
    log.tick(tick);
    log
}

fn decided_with_task(task_due: time::Date) -> Vec<MatterEvent> {
    let r = raised();
    let m = Matter::apply(std::slice::from_ref(&r)).unwrap();
    let d = m
        .decide(&staff("HEAD-1"), false, MON, "由市场监管局牵头".into(), MON)
        .unwrap();
    let m = Matter::apply(&[r.clone(), d.clone()]).unwrap();
    let t = m
        .assign_task(
            &staff("HEAD-1"),
            false,
            Party::Department(DepartmentCode::parse("SCJG").unwrap()),
            "制定监管办法".into(),
            task_due,
            MON,
        )
        .unwrap();
    vec![r, d, t]
}

#[test]
fn coordination_a_matter_without_a_decision_after_its_due_date_is_overdue() {
    let rules = log_of(&[raised()], date!(2026 - 11 - 09)).rules();
    assert!(rules.contains(&RuleId::CoordinationOverdue), "{rules:?}");
}

#[test]
fn coordination_a_matter_decided_in_time_is_not_overdue() {
    let steps = decided_with_task(date!(2026 - 11 - 30));
    let rules = log_of(&steps, date!(2026 - 11 - 09)).rules();
    assert!(!rules.contains(&RuleId::CoordinationOverdue), "{rules:?}");
    assert!(
        !rules.contains(&RuleId::CoordinationTaskOverdue),
        "{rules:?}"
    );
}

#[test]
fn coordination_a_task_not_done_by_its_due_date_is_overdue() {
    let steps = decided_with_task(date!(2026 - 11 - 05));
    let log = log_of(&steps, date!(2026 - 11 - 06));
    let alerts = super::evaluate(crate::case::testkit::cal(), &log.items);
    let a = alerts
        .iter()
        .find(|a| a.rule == RuleId::CoordinationTaskOverdue)
        .unwrap();
    assert_eq!(a.subject, "coordination_task:XT-370100-00001-T1");
    assert_eq!(a.responsible_department.as_ref().unwrap().as_str(), "SCJG");
}

#[test]
fn coordination_a_task_done_in_time_is_not_overdue() {
    let mut steps = decided_with_task(date!(2026 - 11 - 05));
    let m = Matter::apply(&steps).unwrap();
    steps.push(
        m.complete_task(
            "XT-370100-00001-T1",
            Party::Department(DepartmentCode::parse("SCJG").unwrap()),
            "已制定".into(),
            date!(2026 - 11 - 04),
        )
        .unwrap(),
    );
    let rules = log_of(&steps, date!(2026 - 11 - 30)).rules();
    assert!(
        !rules.contains(&RuleId::CoordinationTaskOverdue),
        "{rules:?}"
    );
    assert!(!rules.contains(&RuleId::CoordinationOverdue), "{rules:?}");
}
