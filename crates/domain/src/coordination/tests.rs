#![allow(clippy::unwrap_used)]

use time::macros::date;

use super::*;

fn staff(s: &str) -> StaffId {
    StaffId::parse(s).unwrap()
}
fn dept(s: &str) -> DepartmentCode {
    DepartmentCode::parse(s).unwrap()
}

pub(crate) fn raised() -> MatterRaised {
    MatterRaised {
        matter_id: "XT-370100-00001".into(),
        kind: MatterKind::CompetenceDispute,
        title: "燃气管道审批职责争议".into(),
        description: "住建局与城管局均认为不属本部门职责，申请人张三的办件无法推进".into(),
        raised_by: Party::Staff(staff("REVIEW")),
        departments: vec![dept("ZJ"), dept("CG")],
        push_id: None,
        leader: staff("HEAD"),
        raised_on: date!(2026 - 11 - 02),
        due: date!(2026 - 11 - 06),
    }
}

fn fold(events: &[MatterEvent]) -> Matter {
    Matter::apply(events).unwrap()
}

#[test]
fn a_matter_runs_from_raising_to_closing() {
    let mut events = vec![raised().raise().unwrap()];
    let m = fold(&events);
    assert_eq!(m.status(), MatterStatus::Open);
    events.push(
        m.decide(
            &staff("HEAD"),
            false,
            date!(2026 - 11 - 04),
            "由住建局牵头，城管局配合".into(),
            date!(2026 - 11 - 04),
        )
        .unwrap(),
    );
    let m = fold(&events);
    assert_eq!(m.status(), MatterStatus::Decided);
    events.push(
        m.assign_task(
            &staff("HEAD"),
            false,
            Party::Department(dept("ZJ")),
            "五个工作日内完成现场核查".into(),
            date!(2026 - 11 - 11),
            date!(2026 - 11 - 04),
        )
        .unwrap(),
    );
    let m = fold(&events);
    assert_eq!(m.tasks[0].task_id, "XT-370100-00001-T1");
    assert_eq!(
        m.close(
            &staff("HEAD"),
            false,
            "已落实".into(),
            date!(2026 - 11 - 05)
        ),
        Err(CoordinationError::TasksOpen)
    );
    assert_eq!(
        m.complete_task(
            "XT-370100-00001-T1",
            Party::Department(dept("CG")),
            "已核查".into(),
            date!(2026 - 11 - 05)
        ),
        Err(CoordinationError::NotAssignee)
    );
    events.push(
        m.complete_task(
            "XT-370100-00001-T1",
            Party::Department(dept("ZJ")),
            "已核查，符合条件".into(),
            date!(2026 - 11 - 12),
        )
        .unwrap(),
    );
    let m = fold(&events);
    assert!(m.tasks[0].done.as_ref().unwrap().late);
    events.push(
        m.close(
            &staff("HEAD"),
            false,
            "争议已解决".into(),
            date!(2026 - 11 - 12),
        )
        .unwrap(),
    );
    let m = fold(&events);
    assert_eq!(m.status(), MatterStatus::Closed);
    assert!(
        m.decide(
            &staff("HEAD"),
            true,
            date!(2026 - 11 - 12),
            "再议".into(),
            date!(2026 - 11 - 12)
        )
        .is_err()
    );
    assert_eq!(m.parties(), vec![dept("ZJ"), dept("CG")]);
}

#[test]
fn illegal_sequences_do_not_construct() {
    let r = raised().raise().unwrap();
    let task = MatterEvent::TaskAssigned {
        task_id: "XT-370100-00001-T1".into(),
        assignee: Party::Department(dept("ZJ")),
        description: "核查".into(),
        due: date!(2026 - 11 - 11),
        by: staff("HEAD"),
        on: date!(2026 - 11 - 04),
    };
    let close = MatterEvent::Closed {
        by: staff("HEAD"),
        summary: "办结".into(),
        on: date!(2026 - 11 - 04),
    };
    // A task before the decision, a closing without one, a second raising, no raising at all.
    assert_eq!(
        Matter::apply(&[r.clone(), task.clone()]),
        Err(CoordinationError::NotDecided)
    );
    assert_eq!(
        Matter::apply(&[r.clone(), close.clone()]),
        Err(CoordinationError::NotDecided)
    );
    assert_eq!(
        Matter::apply(&[r.clone(), r.clone()]),
        Err(CoordinationError::NotRaised)
    );
    assert_eq!(Matter::apply(&[task]), Err(CoordinationError::NotRaised));
    // Only the leader or the bureau head decides.
    let m = fold(&[r]);
    assert_eq!(
        m.decide(
            &staff("APPROVE"),
            false,
            date!(2026 - 11 - 03),
            "x".into(),
            date!(2026 - 11 - 03)
        ),
        Err(CoordinationError::NotLeader)
    );
    assert!(
        m.decide(
            &staff("OTHER-HEAD"),
            true,
            date!(2026 - 11 - 03),
            "x".into(),
            date!(2026 - 11 - 03)
        )
        .is_ok()
    );
    // A meeting before the matter or in the future; an empty decision.
    for meeting in [date!(2026 - 11 - 01), date!(2026 - 11 - 09)] {
        assert_eq!(
            m.decide(
                &staff("HEAD"),
                false,
                meeting,
                "x".into(),
                date!(2026 - 11 - 03)
            ),
            Err(CoordinationError::BadMeetingDate)
        );
    }
    assert_eq!(
        m.decide(
            &staff("HEAD"),
            false,
            date!(2026 - 11 - 03),
            "  ".into(),
            date!(2026 - 11 - 03)
        ),
        Err(CoordinationError::Empty("协调决定"))
    );
}

#[test]
fn raising_checks_its_facts() {
    let mut r = raised();
    r.kind = MatterKind::EscalatedPush;
    assert_eq!(r.clone().raise(), Err(CoordinationError::PushRequired));
    r.push_id = Some("P-1".into());
    assert!(r.raise().is_ok());
    let mut r = raised();
    r.title = "字".repeat(MAX_TITLE_CHARS + 1);
    assert_eq!(
        r.raise(),
        Err(CoordinationError::TooLong("标题", MAX_TITLE_CHARS))
    );
    assert_eq!(check_days(0), Err(CoordinationError::BadDays));
    assert_eq!(check_days(61), Err(CoordinationError::BadDays));
    assert_eq!(check_days(5), Ok(5));
}

#[test]
fn the_public_view_carries_no_typed_text() {
    let r = raised();
    let m = fold(&[r.clone().raise().unwrap()]);
    let events = [
        r.raise().unwrap(),
        m.decide(
            &staff("HEAD"),
            false,
            date!(2026 - 11 - 03),
            "由住建局牵头".into(),
            date!(2026 - 11 - 03),
        )
        .unwrap(),
    ];
    for e in &events {
        let public = e.public_view().to_string();
        for secret in ["燃气", "张三", "住建局", "牵头"] {
            assert!(!public.contains(secret), "{public}");
        }
        let json = serde_json::to_string(e).unwrap();
        assert_eq!(&serde_json::from_str::<MatterEvent>(&json).unwrap(), e);
    }
}

#[test]
fn overdue_is_undecided_past_due_and_tasks_past_theirs() {
    let events = vec![raised().raise().unwrap()];
    let m = fold(&events);
    assert!(!m.is_overdue(date!(2026 - 11 - 06)));
    assert!(m.is_overdue(date!(2026 - 11 - 07)));
    let d = m
        .decide(
            &staff("HEAD"),
            false,
            date!(2026 - 11 - 09),
            "决定".into(),
            date!(2026 - 11 - 09),
        )
        .unwrap();
    assert!(matches!(d, MatterEvent::Decided { late: true, .. }));
    let m = fold(&[events[0].clone(), d]);
    assert!(!m.is_overdue(date!(2026 - 11 - 30)));
    let t = m
        .assign_task(
            &staff("HEAD"),
            false,
            Party::Staff(staff("REVIEW")),
            "补充材料".into(),
            date!(2026 - 11 - 10),
            date!(2026 - 11 - 09),
        )
        .unwrap();
    let m = fold(&[events[0].clone(), m_decided(&m), t]);
    assert_eq!(m.overdue_tasks(date!(2026 - 11 - 10)).count(), 0);
    assert_eq!(m.overdue_tasks(date!(2026 - 11 - 11)).count(), 1);
    assert_eq!(
        m.assign_task(
            &staff("HEAD"),
            false,
            Party::Staff(staff("REVIEW")),
            "x".into(),
            date!(2026 - 11 - 08),
            date!(2026 - 11 - 09),
        ),
        Err(CoordinationError::DueInPast)
    );
}

fn m_decided(m: &Matter) -> MatterEvent {
    let d = m.decision.clone().unwrap();
    MatterEvent::Decided {
        by: d.by,
        meeting_on: d.meeting_on,
        decision: d.text,
        on: d.on,
        late: d.late,
    }
}
