//! 建筑法 Art. 9 on a construction permit: the start of work within the item's deadline, or a
//! request to start later made before it.

use time::Date;
use time::macros::date;

use super::*;
use crate::catalog::TimeLimit;

fn permit(start_by: Option<Date>) -> Vec<LicenceEvent> {
    vec![LicenceEvent::Issued {
        licence_id: "L9".into(),
        case_number: "C9".into(),
        item_code: "990100011000".into(),
        item_name: "建筑工程施工许可".into(),
        holder: "某建设公司".into(),
        valid_from: date!(2026 - 03 - 02),
        valid_until: date!(2031 - 03 - 02),
        renewal_lead_days: None,
        scope: None,
        address: None,
        start_by,
    }]
}

fn staff() -> StaffId {
    StaffId::parse("APPROVE").unwrap()
}

fn run(
    events: &mut Vec<LicenceEvent>,
    cmd: LicenceCommand,
    today: Date,
) -> Result<(), LicenceError> {
    let l = Licence::apply(events).unwrap();
    events.extend(l.handle(cmd, &staff(), today)?);
    Ok(())
}

#[test]
fn construction_law_art9_the_start_deadline_is_three_months_from_issue() {
    let due = start::start_by(date!(2026 - 03 - 02), Some(TimeLimit::months(3)));
    assert_eq!(due, Some(date!(2026 - 06 - 02)));
    assert_eq!(start::start_by(date!(2026 - 03 - 02), None), None);
}

#[test]
fn construction_law_art9_a_start_recorded_in_time_keeps_the_permit_in_force() {
    let mut events = permit(Some(date!(2026 - 06 - 02)));
    run(
        &mut events,
        LicenceCommand::RecordWorkStart {
            started_on: date!(2026 - 05 - 20),
            by_holder: true,
        },
        date!(2026 - 05 - 21),
    )
    .unwrap();
    let l = Licence::apply(&events).unwrap();
    assert_eq!(l.work_started_on, Some(date!(2026 - 05 - 20)));
    assert_eq!(l.start_overdue(date!(2026 - 07 - 01)), None);
    // Once only; and neither a second start nor a later request after it.
    let again = LicenceCommand::RecordWorkStart {
        started_on: date!(2026 - 05 - 21),
        by_holder: false,
    };
    assert_eq!(
        run(&mut events, again, date!(2026 - 05 - 22)),
        Err(LicenceError::AlreadyStarted)
    );
    // The public entry shows the dates, written as people read them in the register.
    let v = events[1].register_view();
    assert_eq!(v["started_on"], "2026-05-20");
    assert_eq!(v["by_holder"], true);
}

#[test]
fn construction_law_art9_neither_a_start_nor_a_request_by_the_deadline_is_overdue() {
    let mut events = permit(Some(date!(2026 - 06 - 02)));
    let l = Licence::apply(&events).unwrap();
    assert_eq!(l.start_overdue(date!(2026 - 06 - 02)), None);
    assert_eq!(
        l.start_overdue(date!(2026 - 06 - 03)),
        Some(date!(2026 - 06 - 02))
    );
    // A request to start later must come before the deadline …
    assert_eq!(
        run(
            &mut events,
            LicenceCommand::RequestStartExtension,
            date!(2026 - 06 - 03)
        ),
        Err(LicenceError::StartDeadlinePassed(date!(2026 - 06 - 02)))
    );
    // … and then stops the card.
    let mut asked = permit(Some(date!(2026 - 06 - 02)));
    run(
        &mut asked,
        LicenceCommand::RequestStartExtension,
        date!(2026 - 05 - 30),
    )
    .unwrap();
    let l = Licence::apply(&asked).unwrap();
    assert_eq!(l.start_overdue(date!(2026 - 07 - 01)), None);
    // A start in the future or before the issue is refused; an item without a deadline has no
    // start to record.
    let future = LicenceCommand::RecordWorkStart {
        started_on: date!(2026 - 06 - 10),
        by_holder: true,
    };
    assert_eq!(
        run(&mut events, future, date!(2026 - 06 - 01)),
        Err(LicenceError::StartDate(date!(2026 - 06 - 10)))
    );
    let before = LicenceCommand::RecordWorkStart {
        started_on: date!(2026 - 03 - 01),
        by_holder: true,
    };
    assert_eq!(
        run(&mut events, before, date!(2026 - 06 - 01)),
        Err(LicenceError::StartDate(date!(2026 - 03 - 01)))
    );
    let mut food = permit(None);
    assert_eq!(
        run(
            &mut food,
            LicenceCommand::RecordWorkStart {
                started_on: date!(2026 - 03 - 05),
                by_holder: true
            },
            date!(2026 - 03 - 06)
        ),
        Err(LicenceError::NoStartDeadline)
    );
}
