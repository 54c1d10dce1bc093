//! The project's clocks net of the applicant's time: a case's 补正 is left out of its stage's
//! clock only while no other case of the stage is with the bureau.

#![allow(clippy::unwrap_used)]

use time::Date;
use time::macros::date;

use super::*;
use crate::calendar::{Calendar, Pause, TimeLimit};
use crate::case::Command;
use crate::case::testkit::{CLERK, Harness, item, material, notice_items};
use crate::org::StaffId;

const MON: Date = date!(2026 - 03 - 02);

fn cal() -> Calendar {
    Calendar::builtin().unwrap()
}

/// A case received on Monday 2 March 2026, told to correct on Tuesday the 3rd, its supplement
/// in on Tuesday the 10th (if `supplemented`).
fn corrected(supplemented: bool) -> Harness {
    let mut h = Harness::received(MON, item(20, 10, &[]));
    h.run(
        CLERK,
        date!(2026 - 03 - 03),
        Command::IssueOneTimeNotice {
            items: notice_items(),
        },
    );
    if supplemented {
        h.run(
            CLERK,
            date!(2026 - 03 - 10),
            Command::ReceiveSupplement {
                materials: vec![material("食品安全管理制度")],
            },
        );
    }
    h
}

fn time_of(h: &Harness, today: Date) -> CaseTime {
    CaseTime::of(&h.case(), &h.cal, today).unwrap()
}

fn other(number: &str, ended_on: Option<Date>, applicant: Vec<Pause>) -> CaseTime {
    CaseTime {
        case_number: number.into(),
        received_on: MON,
        ended_on,
        applicant,
    }
}

#[test]
fn a_cases_correction_is_its_applicants_time() {
    let t = time_of(&corrected(true), date!(2026 - 03 - 20));
    assert_eq!(t.applicant.len(), 1, "{t:?}");
    assert_eq!(
        (t.applicant[0].from, t.applicant[0].to),
        (date!(2026 - 03 - 04), date!(2026 - 03 - 09))
    );
    // Still awaiting the supplement: the applicant's time runs through today.
    let open = time_of(&corrected(false), date!(2026 - 03 - 12));
    assert_eq!(open.applicant[0].to, date!(2026 - 03 - 12));
}

#[test]
fn guobanfa_2019_11_a_stage_clock_leaves_out_the_days_the_applicant_held_its_only_case() {
    let cal = cal();
    let t = time_of(&corrected(true), date!(2026 - 03 - 20));
    let c = NetClock::count(&cal, MON, 20, None, &[&t], date!(2026 - 03 - 20)).unwrap();
    let gross = cal
        .working_days_between(MON, date!(2026 - 03 - 20), &[])
        .unwrap();
    // Wednesday the 4th to Monday the 9th: four working days (the supplement's day counts).
    assert_eq!(c.gross_working_days, gross);
    assert_eq!(c.applicant_working_days, 4);
    assert_eq!(c.net_working_days, gross - 4);
    let gross_due = cal.deadline(MON, TimeLimit::working_days(20), &[]).unwrap();
    let later = cal.deadline(MON, TimeLimit::working_days(24), &[]).unwrap();
    assert_eq!(c.net_due, later.due);
    assert!(c.net_due > gross_due.due);
    assert!(!c.overdue(None, gross_due.due.next_day().unwrap()));
    assert!(c.overdue(None, later.due.next_day().unwrap()));
}

#[test]
fn guobanfa_2019_11_a_parallel_case_with_the_bureau_keeps_the_stage_clock_running() {
    let cal = cal();
    let today = date!(2026 - 03 - 20);
    let t = time_of(&corrected(true), today);
    let busy = other("B", None, Vec::new());
    let c = NetClock::count(&cal, MON, 20, None, &[&t, &busy], today).unwrap();
    assert_eq!(c.applicant_working_days, 0, "{:?}", c.pauses);
    assert_eq!(c.net_working_days, c.gross_working_days);
    // Once the other case is decided (Thursday the 5th), the days the applicant still held the
    // first are left out: Friday the 6th and Monday the 9th.
    let decided = other("B", Some(date!(2026 - 03 - 05)), Vec::new());
    let c = NetClock::count(&cal, MON, 20, None, &[&t, &decided], today).unwrap();
    assert_eq!(c.applicant_working_days, 2, "{:?}", c.pauses);
}

#[test]
fn a_stage_reads_only_its_own_cases_and_completes_late_only_after_its_net_due_date() {
    let cal = cal();
    let plan = demo_plan().unwrap();
    let h = corrected(true);
    let number = h.case().received().case_number.to_string();
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
    let mut events = vec![r];
    let item = crate::catalog::BasicCode::parse("990100009000").unwrap();
    let p = Project::apply(&events).unwrap();
    events.extend(
        p.link(&plan, &cal, Stage::LandPlanning, &number, &item, MON, MON)
            .unwrap(),
    );
    let p = Project::apply(&events).unwrap();
    let today = date!(2026 - 03 - 20);
    let times = vec![time_of(&h, today)];
    let stage = p.stage(Stage::LandPlanning);
    let net = p.stage_clock(stage, &cal, &times, today).unwrap().unwrap();
    assert_eq!(net.applicant_working_days, 4);
    assert!(
        p.stage_clock(p.stage(Stage::EngineeringPermit), &cal, &times, today)
            .unwrap()
            .is_none()
    );
    let whole = p.whole_clock(&cal, &times, today).unwrap().unwrap();
    assert_eq!(whole.applicant_working_days, 4);
    // A case the project does not link contributes nothing.
    let stranger = vec![other(
        "X",
        None,
        vec![Pause::new(MON, today, "补正").unwrap()],
    )];
    let plain = p
        .stage_clock(stage, &cal, &stranger, today)
        .unwrap()
        .unwrap();
    assert_eq!(plain.applicant_working_days, 0);

    // Granted the day after the gross due date: late by the gross clock, in time net.
    let gross_due = stage.due.unwrap();
    let on = gross_due.next_day().unwrap();
    let members = [Member {
        case_number: number,
        item_code: item.as_str().into(),
        status: crate::case::CaseStatus::Approved,
        decided_on: Some(on),
    }];
    let gross = p.complete(Stage::LandPlanning, &members, on).unwrap();
    assert!(matches!(
        gross,
        ProjectEvent::StageCompleted { late: true, .. }
    ));
    let net = p
        .complete_by(Stage::LandPlanning, &members, Some(net.net_due), on)
        .unwrap();
    assert!(matches!(
        net,
        ProjectEvent::StageCompleted { late: false, .. }
    ));
}
