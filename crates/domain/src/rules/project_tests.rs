//! Construction projects in the monitoring rules: a violating and a compliant sequence for each
//! of `project_stage_overdue` and `project_overdue` (国办发〔2019〕11号).

#![allow(clippy::unwrap_used)]

use time::macros::date;

use super::model::RuleId;
use super::tests::{Log, MON, at};
use crate::calendar::Calendar;
use crate::catalog::BasicCode;
use crate::event::Event;
use crate::org::StaffId;
use crate::project::{
    Member, Project, ProjectCode, ProjectEvent, ProjectKind, Registered, Stage, demo_plan,
};

const CODE: &str = "2026-370100-47-03-000001";

/// A project registered on Monday 2 November 2026, its first stage opened that day with
/// 立项用地规划许可's 20 working days (due 30 November).
fn opened() -> Vec<ProjectEvent> {
    let r = Registered {
        name: "某住宅小区".into(),
        owner: "某置业有限公司".into(),
        kind: ProjectKind::Filing,
        industry: "47".into(),
        with_design_plan: false,
        registered_by: StaffId::parse("CLERK-1").unwrap(),
        on: MON,
        whole_working_days: 120,
    }
    .register()
    .unwrap();
    let p = Project::apply(std::slice::from_ref(&r)).unwrap();
    let cal = Calendar::builtin().unwrap();
    let item = BasicCode::parse("990100009000").unwrap();
    let mut ev = vec![r];
    ev.extend(
        p.link(
            &demo_plan().unwrap(),
            &cal,
            Stage::LandPlanning,
            "C1",
            &item,
            MON,
            MON,
        )
        .unwrap(),
    );
    ev
}

fn log_of(steps: &[ProjectEvent], tick: time::Date) -> Log {
    let mut log = Log::new();
    for e in steps {
        log.push(
            at(MON, 10),
            "staff:CLERK-1",
            Event::Project {
                code: ProjectCode::parse(CODE).unwrap(),
                event: Box::new(e.clone()),
            },
        );
    }
    log.tick(tick);
    log
}

#[test]
fn guobanfa_2019_11_a_stage_open_after_its_limit_is_overdue() {
    let ev = opened();
    let rules = log_of(&ev, date!(2026 - 11 - 30)).rules();
    assert!(!rules.contains(&RuleId::ProjectStageOverdue), "{rules:?}");
    let log = log_of(&ev, date!(2026 - 12 - 01));
    let alerts = super::evaluate(crate::case::testkit::cal(), &log.items);
    let a = alerts
        .iter()
        .find(|a| a.rule == RuleId::ProjectStageOverdue)
        .unwrap();
    assert_eq!(a.subject, format!("project_stage:{CODE}:land_planning"));
    assert_eq!(a.responsible.as_ref().unwrap().as_str(), "CLERK-1");
    assert!(!a.message_zh.contains("住宅"), "{}", a.message_zh);
}

#[test]
fn guobanfa_2019_11_a_stage_completed_in_time_raises_nothing() {
    let mut ev = opened();
    let p = Project::apply(&ev).unwrap();
    let member = Member {
        case_number: "C1".into(),
        item_code: "990100009000".into(),
        status: crate::case::CaseStatus::Approved,
        decided_on: Some(date!(2026 - 11 - 20)),
    };
    ev.push(
        p.complete(Stage::LandPlanning, &[member], date!(2026 - 11 - 20))
            .unwrap(),
    );
    let rules = log_of(&ev, date!(2026 - 12 - 15)).rules();
    assert!(!rules.contains(&RuleId::ProjectStageOverdue), "{rules:?}");
    assert!(!rules.contains(&RuleId::ProjectOverdue), "{rules:?}");
}

#[test]
fn guobanfa_2019_11_a_project_past_120_working_days_is_overdue() {
    let rules = log_of(&opened(), date!(2027 - 06 - 01)).rules();
    assert!(rules.contains(&RuleId::ProjectOverdue), "{rules:?}");
}

/// The project opened on Monday 2 November with its one case (received that day, told to
/// correct on Tuesday the 3rd, its supplement in on Friday the 6th when `supplemented`), both on
/// the log; the rule sees the case's 补正 through the case's own events.
fn opened_with_correction(supplemented: bool, tick: time::Date) -> Log {
    use crate::case::Command;
    use crate::case::testkit::{CLERK, Harness, item, material, notice_items};
    let mut h = Harness::received(MON, item(20, 10, &[]));
    h.run(
        CLERK,
        date!(2026 - 11 - 03),
        Command::IssueOneTimeNotice {
            items: notice_items(),
        },
    );
    if supplemented {
        h.run(
            CLERK,
            date!(2026 - 11 - 06),
            Command::ReceiveSupplement {
                materials: vec![material("食品安全管理制度")],
            },
        );
    }
    let number = h.case().received().case_number.clone();
    let r = opened().remove(0);
    let p = Project::apply(std::slice::from_ref(&r)).unwrap();
    let cal = Calendar::builtin().unwrap();
    let item = BasicCode::parse("990100009000").unwrap();
    let mut ev = vec![r];
    ev.extend(
        p.link(
            &demo_plan().unwrap(),
            &cal,
            Stage::LandPlanning,
            number.as_str(),
            &item,
            MON,
            MON,
        )
        .unwrap(),
    );
    let mut log = log_of(&ev, MON);
    for e in &h.events {
        log.push(
            at(e.date(), 11),
            "staff:CLERK-1",
            Event::Case {
                case_number: number.clone(),
                event: Box::new(e.clone()),
            },
        );
    }
    log.tick(tick);
    log
}

#[test]
fn guobanfa_2019_11_the_applicants_correction_is_not_counted_against_the_stage() {
    // Wednesday the 4th and Thursday the 5th were the applicant's: the stage is due two working
    // days after 30 November, on 2 December.
    let rules = opened_with_correction(true, date!(2026 - 12 - 02)).rules();
    assert!(!rules.contains(&RuleId::ProjectStageOverdue), "{rules:?}");
    let log = opened_with_correction(true, date!(2026 - 12 - 03));
    let alerts = super::evaluate(crate::case::testkit::cal(), &log.items);
    let a = alerts
        .iter()
        .find(|a| a.rule == RuleId::ProjectStageOverdue)
        .unwrap();
    assert!(a.message_zh.contains("2026-12-02"), "{}", a.message_zh);
    assert!(a.message_zh.contains("补正等2个工作日"), "{}", a.message_zh);
    // A correction still awaited keeps the stage's clock stopped.
    let rules = opened_with_correction(false, date!(2026 - 12 - 15)).rules();
    assert!(!rules.contains(&RuleId::ProjectStageOverdue), "{rules:?}");
}
