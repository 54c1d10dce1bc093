//! 建筑法 Art. 9 on a construction permit: the issuing body's answer to a request to start
//! later (twice at most, three months each), and the lapse of a permit not started in time.

use time::Date;
use time::macros::date;

use super::start::{MAX_START_EXTENSIONS, latest_extended_start};
use super::*;

fn permit() -> Vec<LicenceEvent> {
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
        start_by: Some(date!(2026 - 06 - 02)),
    }]
}

fn run(
    events: &mut Vec<LicenceEvent>,
    cmd: LicenceCommand,
    today: Date,
) -> Result<(), LicenceError> {
    let l = Licence::apply(events).unwrap();
    events.extend(l.handle(cmd, &StaffId::parse("APPROVE").unwrap(), today)?);
    Ok(())
}

fn grant(new: Date) -> LicenceCommand {
    LicenceCommand::DecideStartExtension {
        granted: true,
        new_start_by: Some(new),
        reasons: None,
    }
}

fn refuse(reasons: &str) -> LicenceCommand {
    LicenceCommand::DecideStartExtension {
        granted: false,
        new_start_by: None,
        reasons: Some(reasons.into()),
    }
}

fn licence(events: &[LicenceEvent]) -> Licence {
    Licence::apply(events).unwrap()
}

#[test]
fn construction_law_art9_two_extensions_granted_move_the_deadline_a_third_request_is_refused() {
    let mut events = permit();
    run(
        &mut events,
        LicenceCommand::RequestStartExtension,
        date!(2026 - 05 - 25),
    )
    .unwrap();
    assert_eq!(
        licence(&events).start_extension_pending(),
        Some(date!(2026 - 05 - 25))
    );
    run(
        &mut events,
        grant(date!(2026 - 09 - 02)),
        date!(2026 - 05 - 28),
    )
    .unwrap();
    let l = licence(&events);
    assert_eq!(l.start_by, Some(date!(2026 - 09 - 02)));
    assert_eq!(l.start_extensions_granted, 1);
    assert_eq!(l.start_extension_pending(), None);
    // The old deadline no longer counts; the new one does.
    assert_eq!(l.start_overdue(date!(2026 - 07 - 01)), None);
    assert_eq!(l.status_zh_on(date!(2026 - 07 - 01)), "有效");
    run(
        &mut events,
        LicenceCommand::RequestStartExtension,
        date!(2026 - 08 - 30),
    )
    .unwrap();
    run(
        &mut events,
        grant(date!(2026 - 12 - 02)),
        date!(2026 - 09 - 01),
    )
    .unwrap();
    let l = licence(&events);
    assert_eq!(l.start_extensions_granted, MAX_START_EXTENSIONS);
    assert_eq!(l.start_by, Some(date!(2026 - 12 - 02)));
    // 延期以两次为限.
    assert_eq!(
        run(
            &mut events,
            LicenceCommand::RequestStartExtension,
            date!(2026 - 11 - 20)
        ),
        Err(LicenceError::StartExtensionsExhausted)
    );
    assert!(
        LicenceError::StartExtensionsExhausted
            .message_zh()
            .contains("第九条")
    );
    // The grant's public entry shows the new deadline, not who asked or why.
    let v = events[2].register_view();
    assert_eq!(v["kind"], "start_extension_granted");
    assert_eq!(v["start_by"], "2026-09-02");
}

#[test]
fn construction_law_art9_an_extension_longer_than_three_months_or_not_later_is_refused() {
    let mut events = permit();
    run(
        &mut events,
        LicenceCommand::RequestStartExtension,
        date!(2026 - 05 - 25),
    )
    .unwrap();
    assert_eq!(
        latest_extended_start(date!(2026 - 06 - 02)),
        date!(2026 - 09 - 02)
    );
    let too_long = LicenceError::StartExtensionDate {
        current: date!(2026 - 06 - 02),
        latest: date!(2026 - 09 - 02),
        asked: date!(2026 - 09 - 03),
    };
    assert_eq!(
        run(
            &mut events,
            grant(date!(2026 - 09 - 03)),
            date!(2026 - 05 - 28)
        ),
        Err(too_long)
    );
    for not_later in [date!(2026 - 06 - 02), date!(2026 - 05 - 30)] {
        assert!(matches!(
            run(&mut events, grant(not_later), date!(2026 - 05 - 28)),
            Err(LicenceError::StartExtensionDate { .. })
        ));
    }
    // A grant names its date; a refusal gives reasons and no date.
    let muddled = LicenceCommand::DecideStartExtension {
        granted: true,
        new_start_by: None,
        reasons: None,
    };
    assert_eq!(
        run(&mut events, muddled, date!(2026 - 05 - 28)),
        Err(LicenceError::StartExtensionDecision)
    );
    assert_eq!(
        run(&mut events, refuse("  "), date!(2026 - 05 - 28)),
        Err(LicenceError::NoReason)
    );
    // Nothing was recorded: the request still waits.
    assert_eq!(events.len(), 2);
    assert_eq!(
        licence(&events).start_extension_pending(),
        Some(date!(2026 - 05 - 25))
    );
}

#[test]
fn construction_law_art9_a_decision_with_no_request_pending_is_refused() {
    let mut events = permit();
    assert_eq!(
        run(
            &mut events,
            grant(date!(2026 - 08 - 02)),
            date!(2026 - 05 - 28)
        ),
        Err(LicenceError::NoStartExtensionPending)
    );
    run(
        &mut events,
        LicenceCommand::RequestStartExtension,
        date!(2026 - 05 - 25),
    )
    .unwrap();
    run(&mut events, refuse("理由不成立"), date!(2026 - 05 - 26)).unwrap();
    // Decided once: a second answer has nothing to answer.
    assert_eq!(
        run(&mut events, refuse("再次"), date!(2026 - 05 - 27)),
        Err(LicenceError::NoStartExtensionPending)
    );
    // The refusal's reasons stay off the public entry.
    let v = events[2].public_view();
    assert_eq!(v["kind"], "start_extension_refused");
    assert!(v.get("reasons").is_none(), "{v}");
}

#[test]
fn construction_law_art9_after_a_refusal_the_deadline_stands_and_the_permit_lapses() {
    let mut events = permit();
    run(
        &mut events,
        LicenceCommand::RequestStartExtension,
        date!(2026 - 05 - 30),
    )
    .unwrap();
    // Pending across the deadline: asked in time, so not lapsed while the bureau decides.
    let l = licence(&events);
    assert_eq!(l.start_overdue(date!(2026 - 06 - 05)), None);
    run(&mut events, refuse("未说明正当理由"), date!(2026 - 06 - 05)).unwrap();
    let l = licence(&events);
    assert_eq!(l.start_by, Some(date!(2026 - 06 - 02)));
    assert_eq!(l.start_extension_refused_on, Some(date!(2026 - 06 - 05)));
    assert_eq!(
        l.start_overdue(date!(2026 - 06 - 05)),
        Some(date!(2026 - 06 - 02))
    );
    assert!(l.status_zh_on(date!(2026 - 06 - 05)).contains("自行废止"));
    // A start after the lapse is refused; one before it, reported late, is recorded.
    let late = LicenceCommand::RecordWorkStart {
        started_on: date!(2026 - 06 - 04),
        by_holder: true,
    };
    assert_eq!(
        run(&mut events, late, date!(2026 - 06 - 06)),
        Err(LicenceError::StartLapsed(date!(2026 - 06 - 02)))
    );
    let mut reported = events.clone();
    run(
        &mut reported,
        LicenceCommand::RecordWorkStart {
            started_on: date!(2026 - 06 - 01),
            by_holder: true,
        },
        date!(2026 - 06 - 06),
    )
    .unwrap();
    assert_eq!(
        licence(&reported).status_zh_on(date!(2026 - 06 - 06)),
        "有效"
    );
    // The bureau cancels the lapsed permit on Art. 70(6).
    run(
        &mut events,
        LicenceCommand::Cancel {
            reason: CancelReason::OtherStatutory,
        },
        date!(2026 - 06 - 08),
    )
    .unwrap();
    let l = licence(&events);
    assert_eq!(l.status, LicenceStatus::Cancelled);
    assert_eq!(l.status_zh_on(date!(2026 - 06 - 08)), "已注销");
}
