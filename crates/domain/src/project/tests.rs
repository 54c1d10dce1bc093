use time::Date;
use time::macros::date;

use super::*;
use crate::calendar::Calendar;
use crate::case::CaseStatus;
use crate::catalog::{UnifiedSocialCreditCode, demo_catalog};
use crate::org::StaffId;

fn catalog() -> Vec<Item> {
    let uscc = UnifiedSocialCreditCode::parse("11370100MB00000007").unwrap();
    demo_catalog(&uscc)
}

fn code(s: &str) -> BasicCode {
    BasicCode::parse(s).unwrap()
}

fn calendar() -> Calendar {
    Calendar::builtin().unwrap()
}

fn registered(with_design_plan: bool) -> Vec<ProjectEvent> {
    let r = Registered {
        name: " 济南某住宅小区一期 ".into(),
        owner: "济南某置业有限公司".into(),
        kind: ProjectKind::Filing,
        industry: "47".into(),
        with_design_plan,
        registered_by: StaffId::parse("CLERK-1").unwrap(),
        on: date!(2026 - 03 - 02),
        whole_working_days: 120,
    };
    vec![r.register().unwrap()]
}

fn fold(events: &[ProjectEvent]) -> Project {
    Project::apply(events).unwrap()
}

/// Links and applies; the events it gave.
fn link(events: &mut Vec<ProjectEvent>, stage: Stage, case: &str, item: &str, on: Date) {
    let p = fold(events);
    let new = p
        .link(
            &demo_plan().unwrap(),
            &calendar(),
            stage,
            case,
            &code(item),
            on,
            on,
        )
        .unwrap();
    events.extend(new);
    fold(events);
}

fn granted(case: &str, item: &str, on: Date) -> Member {
    Member {
        case_number: case.into(),
        item_code: item.into(),
        status: CaseStatus::Approved,
        decided_on: Some(on),
    }
}

#[test]
fn the_shipped_plan_has_four_stages_within_120_working_days_guobanfa_2019_11() {
    let plan = demo_plan().unwrap();
    assert_eq!(plan.check(&catalog()), vec![]);
    assert_eq!(plan.whole_working_days, 120);
    assert!(plan.belongs(Stage::ConstructionPermit, &code("990100011000")));
    assert!(!plan.belongs(Stage::LandPlanning, &code("990100011000")));
}

#[test]
fn a_plan_over_the_whole_or_out_of_order_is_refused() {
    let mut plan = demo_plan().unwrap();
    plan.whole_working_days = 60;
    assert!(matches!(
        plan.check(&catalog())[..],
        [PlanProblem::OverWhole(120, 60)]
    ));
    plan.stages.swap(0, 1);
    assert!(plan.check(&catalog()).contains(&PlanProblem::Stages));
}

#[test]
fn project_codes_follow_the_investment_platform_form() {
    let c = ProjectCode::new(2026, "370100", "47", ProjectKind::Filing, 12).unwrap();
    assert_eq!(c.as_str(), "2026-370100-47-03-000012");
    assert_eq!(c.division(), "370100");
    for bad in [
        "2026-370100-47-04-000012",
        "2026-37010-47-03-000012",
        "2026-370100-47-03-000000",
        "2026-370100-4a-03-000001",
        "",
    ] {
        assert!(ProjectCode::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn registration_checks_names_and_industry() {
    let mut r = match &registered(false)[0] {
        ProjectEvent::Registered(r) => r.clone(),
        _ => unreachable!(),
    };
    assert_eq!(r.name, "济南某住宅小区一期");
    r.industry = "4".into();
    assert_eq!(r.clone().register(), Err(ProjectError::BadIndustry));
    r.industry = "47".into();
    r.owner = "  ".into();
    assert_eq!(r.register(), Err(ProjectError::Empty("owner")));
}

#[test]
fn the_first_case_opens_the_stage_and_the_whole_clock_items_run_in_parallel() {
    let mut ev = registered(false);
    link(
        &mut ev,
        Stage::LandPlanning,
        "C1",
        "990100009000",
        date!(2026 - 03 - 02),
    );
    link(
        &mut ev,
        Stage::LandPlanning,
        "C2",
        "990100014000",
        date!(2026 - 03 - 03),
    );
    let p = fold(&ev);
    let s = p.stage(Stage::LandPlanning);
    assert_eq!(s.opened_on, Some(date!(2026 - 03 - 02)));
    // 20 working days from 2 March 2026 (no holiday in between): 30 March.
    assert_eq!(s.due, Some(date!(2026 - 03 - 30)));
    assert_eq!(p.opened_on, Some(date!(2026 - 03 - 02)));
    assert!(p.due.unwrap() > date!(2026 - 08 - 01));
    assert_eq!(p.cases.len(), 2);
    assert_eq!(p.status(), ProjectStatus::InProgress);
    // The second stage may not open before the first is completed.
    let e = p
        .link(
            &demo_plan().unwrap(),
            &calendar(),
            Stage::EngineeringPermit,
            "C3",
            &code("990100019000"),
            date!(2026 - 03 - 04),
            date!(2026 - 03 - 04),
        )
        .unwrap_err();
    assert_eq!(
        e,
        ProjectError::PreviousStageOpen(Stage::EngineeringPermit, Stage::LandPlanning)
    );
}

#[test]
fn an_item_of_another_stage_or_a_case_twice_is_refused() {
    let mut ev = registered(false);
    link(
        &mut ev,
        Stage::LandPlanning,
        "C1",
        "990100009000",
        date!(2026 - 03 - 02),
    );
    let p = fold(&ev);
    let plan = demo_plan().unwrap();
    let d = date!(2026 - 03 - 03);
    let at = |stage, case, item| p.link(&plan, &calendar(), stage, case, &code(item), d, d);
    assert_eq!(
        at(Stage::LandPlanning, "C9", "990100011000"),
        Err(ProjectError::ItemNotInStage(Stage::LandPlanning))
    );
    assert_eq!(
        at(Stage::LandPlanning, "C1", "990100014000"),
        Err(ProjectError::AlreadyLinked)
    );
}

#[test]
fn a_stage_completes_when_every_item_is_granted_on_the_last_grant() {
    let mut ev = registered(false);
    link(
        &mut ev,
        Stage::LandPlanning,
        "C1",
        "990100009000",
        date!(2026 - 03 - 02),
    );
    link(
        &mut ev,
        Stage::LandPlanning,
        "C2",
        "990100014000",
        date!(2026 - 03 - 02),
    );
    let p = fold(&ev);
    let today = date!(2026 - 03 - 20);
    let mut members = vec![
        granted("C1", "990100009000", date!(2026 - 03 - 10)),
        Member {
            status: CaseStatus::HandlingStarted,
            decided_on: None,
            ..granted("C2", "990100014000", today)
        },
    ];
    assert_eq!(
        p.complete(Stage::LandPlanning, &members, today),
        Err(ProjectError::ItemsNotGranted(vec!["C2".into()]))
    );
    // A refused item with a later granted case of the same item does not hold the stage.
    members[1] = Member {
        status: CaseStatus::Refused,
        decided_on: Some(date!(2026 - 03 - 05)),
        ..granted("C2", "990100014000", today)
    };
    members.push(granted("C3", "990100014000", date!(2026 - 03 - 12)));
    let e = p.complete(Stage::LandPlanning, &members, today).unwrap();
    assert_eq!(
        e,
        ProjectEvent::StageCompleted {
            stage: Stage::LandPlanning,
            on: date!(2026 - 03 - 12),
            late: false
        }
    );
    ev.push(e);
    assert_eq!(
        fold(&ev).stage(Stage::LandPlanning).completed_on,
        Some(date!(2026 - 03 - 12))
    );
}

#[test]
fn a_stage_completed_after_its_limit_is_late_and_overdue_before() {
    let mut ev = registered(false);
    link(
        &mut ev,
        Stage::LandPlanning,
        "C1",
        "990100009000",
        date!(2026 - 03 - 02),
    );
    let p = fold(&ev);
    assert!(
        !p.stage(Stage::LandPlanning)
            .is_overdue(date!(2026 - 03 - 30))
    );
    assert!(
        p.stage(Stage::LandPlanning)
            .is_overdue(date!(2026 - 03 - 31))
    );
    let e = p
        .complete(
            Stage::LandPlanning,
            &[granted("C1", "990100009000", date!(2026 - 04 - 02))],
            date!(2026 - 04 - 02),
        )
        .unwrap();
    assert!(matches!(e, ProjectEvent::StageCompleted { late: true, .. }));
    assert!(p.is_overdue(date!(2026 - 12 - 01)));
}

#[test]
fn with_the_design_plan_construction_permit_runs_beside_engineering_permit() {
    for with_plan in [false, true] {
        let mut ev = registered(with_plan);
        link(
            &mut ev,
            Stage::LandPlanning,
            "C1",
            "990100009000",
            date!(2026 - 03 - 02),
        );
        let p = fold(&ev);
        ev.push(
            p.complete(
                Stage::LandPlanning,
                &[granted("C1", "990100009000", date!(2026 - 03 - 09))],
                date!(2026 - 03 - 09),
            )
            .unwrap(),
        );
        link(
            &mut ev,
            Stage::EngineeringPermit,
            "C2",
            "990100014000",
            date!(2026 - 03 - 10),
        );
        let p = fold(&ev);
        let d = date!(2026 - 03 - 11);
        let r = p.link(
            &demo_plan().unwrap(),
            &calendar(),
            Stage::ConstructionPermit,
            "C3",
            &code("990100011000"),
            d,
            d,
        );
        assert_eq!(r.is_ok(), with_plan, "with_design_plan {with_plan}");
    }
}

#[test]
fn utilities_are_requested_after_the_construction_permit_and_connected_once() {
    let mut ev = registered(true);
    let d = date!(2026 - 03 - 02);
    assert_eq!(
        fold(&ev).request_utility(Utility::Power, d),
        Err(ProjectError::UtilityTooEarly)
    );
    link(&mut ev, Stage::LandPlanning, "C1", "990100009000", d);
    ev.push(
        fold(&ev)
            .complete(Stage::LandPlanning, &[granted("C1", "990100009000", d)], d)
            .unwrap(),
    );
    link(&mut ev, Stage::ConstructionPermit, "C2", "990100011000", d);
    assert_eq!(
        fold(&ev).complete(
            Stage::ConstructionPermit,
            &[granted("C2", "990100011000", d)],
            d
        ),
        Err(ProjectError::PreviousStageOpen(
            Stage::ConstructionPermit,
            Stage::EngineeringPermit
        ))
    );
    link(&mut ev, Stage::EngineeringPermit, "C3", "990100019000", d);
    for (stage, case, item) in [
        (Stage::EngineeringPermit, "C3", "990100019000"),
        (Stage::ConstructionPermit, "C2", "990100011000"),
    ] {
        let e = fold(&ev)
            .complete(stage, &[granted(case, item, d)], d)
            .unwrap();
        ev.push(e);
    }
    let e = fold(&ev).request_utility(Utility::Power, d).unwrap();
    ev.push(e);
    assert_eq!(
        fold(&ev).request_utility(Utility::Power, d),
        Err(ProjectError::UtilityAlreadyRequested)
    );
    assert_eq!(
        fold(&ev).connect_utility(Utility::Water, d),
        Err(ProjectError::UtilityNotRequested)
    );
    let e = fold(&ev).connect_utility(Utility::Power, d).unwrap();
    ev.push(e);
    assert_eq!(
        fold(&ev).utility(Utility::Power).unwrap().connected_on,
        Some(d)
    );
}

#[test]
fn the_public_view_keeps_the_names_private() {
    let ev = registered(false);
    let v = ev[0].public_view().to_string();
    assert!(!v.contains("住宅小区"), "{v}");
    assert!(!v.contains("置业"), "{v}");
    assert!(v.contains("\"industry\":\"47\""), "{v}");
}

#[test]
fn a_sequence_out_of_order_does_not_fold() {
    let mut ev = registered(false);
    ev.push(ProjectEvent::CaseLinked {
        stage: Stage::LandPlanning,
        case_number: "C1".into(),
        item_code: "990100009000".into(),
        on: date!(2026 - 03 - 02),
    });
    assert!(Project::apply(&ev).is_err());
    assert_eq!(Project::apply(&[]), Err(ProjectError::NotRegistered));
}

#[test]
fn every_event_reads_back_as_written() {
    let mut ev = registered(false);
    link(
        &mut ev,
        Stage::LandPlanning,
        "C1",
        "990100009000",
        date!(2026 - 03 - 02),
    );
    let d = date!(2026 - 03 - 09);
    ev.push(
        fold(&ev)
            .complete(Stage::LandPlanning, &[granted("C1", "990100009000", d)], d)
            .unwrap(),
    );
    link(&mut ev, Stage::EngineeringPermit, "C2", "990100019000", d);
    for e in &ev {
        let s = serde_json::to_string(e).unwrap();
        let back: ProjectEvent = serde_json::from_str(&s).unwrap_or_else(|x| panic!("{s}: {x}"));
        assert_eq!(&back, e);
    }
}
