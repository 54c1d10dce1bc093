//! Interested parties and hearings (Licensing Law Art. 36, 45–48): each test names its article
//! and runs a compliant and a violating sequence.
//!
//! Dates: accepted Monday 2026-03-02 (no holiday before April): the 5 working days of a notice
//! given on Tuesday 03-03 end Tuesday 03-10, the 20 working days of a request made on 03-03 end
//! Tuesday 03-31.

use time::Date;
use time::macros::date;

use super::testkit::*;
use super::*;

const MON: Date = date!(2026 - 03 - 02);
const TUE: Date = date!(2026 - 03 - 03);
const WED: Date = date!(2026 - 03 - 04);

fn act(a: HearingAct) -> Command {
    Command::Hearing(a)
}

fn notify_parties() -> Command {
    act(HearingAct::NotifyParties {
        parties: vec!["相邻商户张某".into()],
        notice_reference: "济审告〔2026〕1号".into(),
    })
}

fn notify_right() -> Command {
    act(HearingAct::NotifyRight {
        notice_reference: "济审听告〔2026〕1号".into(),
    })
}

fn request() -> Command {
    act(HearingAct::Request {
        requester: Requester::InterestedParty,
        notice_reference: "听证期间不计时告知书".into(),
    })
}

fn schedule(presiding: &str, held_on: Date) -> Command {
    act(HearingAct::Schedule {
        presiding: staff(presiding),
        held_on,
        place: "本局三楼听证室".into(),
        open_to_public: true,
        closed_ground: None,
        notice_reference: "济审听通〔2026〕1号".into(),
    })
}

fn close(signed: bool) -> Command {
    act(HearingAct::CloseRecord {
        record_reference: "听证笔录〔2026〕1号".into(),
        signed,
    })
}

fn code(e: &CaseError) -> &'static str {
    e.code()
}

fn decide() -> Command {
    Command::Decide {
        decision: Decision::APPROVE,
    }
}

/// Accepted MON, reviewed by REV-A, found to concern others' major interests, parties told.
fn found() -> Harness {
    let mut h = Harness::accepted(MON);
    h.run(REVIEWER_A, MON, review(ReviewKind::InitialReview, true));
    h.run(REVIEWER_A, TUE, act(HearingAct::FindMajorInterests));
    h
}

#[test]
fn art36_parties_are_told_and_heard_before_the_decision() {
    // Violating: the finding made, nobody told, statements refused, decision refused.
    let mut h = found();
    let e = h
        .try_run(
            REVIEWER_A,
            TUE,
            act(HearingAct::RecordStatement {
                party: "张某".into(),
                statement: "担心油烟影响".into(),
            }),
        )
        .unwrap_err();
    assert_eq!(code(&e), "hearing_parties_not_notified");
    h.run(REVIEWER_B, TUE, review(ReviewKind::Review, true));
    let e = h
        .try_run(APPROVER, date!(2026 - 03 - 16), decide())
        .unwrap_err();
    assert_eq!(code(&e), "decision_without_parties_notice");
    // Compliant: told, heard, told of the hearing right, nobody asked within 5 days.
    h.run(REVIEWER_A, TUE, notify_parties());
    h.run(
        REVIEWER_A,
        WED,
        act(HearingAct::RecordStatement {
            party: "张某".into(),
            statement: "担心油烟影响".into(),
        }),
    );
    assert_eq!(h.case().hearing().statements, 1);
    let e = h
        .try_run(APPROVER, date!(2026 - 03 - 16), decide())
        .unwrap_err();
    assert_eq!(code(&e), "decision_without_hearing_right_notice");
    h.run(REVIEWER_A, WED, notify_right());
    h.run(APPROVER, date!(2026 - 03 - 16), decide());
}

#[test]
fn art47_no_decision_while_the_parties_may_still_ask_for_a_hearing() {
    let mut h = found();
    h.run(REVIEWER_A, TUE, notify_parties());
    h.run(REVIEWER_A, TUE, notify_right());
    h.run(REVIEWER_B, TUE, review(ReviewKind::Review, true));
    // Violating: the 5 working days run to Tuesday 03-10.
    let e = h
        .try_run(APPROVER, date!(2026 - 03 - 10), decide())
        .unwrap_err();
    assert_eq!(
        e,
        CaseError::Hearing(HearingError::RequestWindowOpen(date!(2026 - 03 - 10)))
    );
    // … and a request after them is refused.
    let mut late = Harness {
        cal: cal(),
        events: h.events.clone(),
    };
    let e = late
        .try_run(REVIEWER_A, date!(2026 - 03 - 11), request())
        .unwrap_err();
    assert_eq!(code(&e), "hearing_request_too_late");
    // Compliant: decided the day after the window.
    h.run(APPROVER, date!(2026 - 03 - 11), decide());
}

#[test]
fn art45_art47_a_requested_hearing_stops_the_clock_until_its_signed_record() {
    let mut h = found();
    h.run(REVIEWER_A, TUE, notify_parties());
    h.run(REVIEWER_A, TUE, notify_right());
    let before = h.case().clock(&h.cal, TUE).unwrap().decision.unwrap();
    h.run(REVIEWER_A, WED, request());
    let case = h.case();
    assert_eq!(case.status(), CaseStatus::SpecialProcedureStarted);
    assert_eq!(
        case.open_procedure().map(|p| p.kind),
        Some(crate::catalog::SpecialProcedureKind::Hearing)
    );
    // Violating: the pause is not ended by hand, the decision waits for the record, the
    // record needs the hearing and the participants' signatures.
    let e = h
        .try_run(REVIEWER_A, WED, Command::EndSpecialProcedure)
        .unwrap_err();
    assert_eq!(code(&e), "hearing_pause_ends_with_record");
    let e = h.try_run(REVIEWER_A, WED, close(true)).unwrap_err();
    assert_eq!(code(&e), "hearing_not_held");
    h.run(
        REVIEWER_A,
        date!(2026 - 03 - 05),
        schedule(HEAD, date!(2026 - 03 - 12)),
    );
    let e = h
        .try_run(REVIEWER_A, date!(2026 - 03 - 12), close(false))
        .unwrap_err();
    assert_eq!(code(&e), "hearing_record_unsigned");
    // Compliant: the record signed on 03-13 ends the pause (03-04 … 03-13, 8 working days).
    h.run(REVIEWER_A, date!(2026 - 03 - 13), close(true));
    let case = h.case();
    assert!(case.open_procedure().is_none());
    assert_eq!(case.status(), CaseStatus::SpecialProcedureEnded);
    let after = case
        .clock(&h.cal, date!(2026 - 03 - 13))
        .unwrap()
        .decision
        .unwrap();
    assert_eq!(
        h.cal
            .working_days_between(before.statutory.due, after.statutory.due, &[])
            .unwrap(),
        8
    );
    h.run(
        REVIEWER_B,
        date!(2026 - 03 - 16),
        review(ReviewKind::Review, true),
    );
    h.run(APPROVER, date!(2026 - 03 - 16), decide());
}

#[test]
fn art47_a_requested_hearing_is_held_within_twenty_working_days() {
    let mut h = found();
    h.run(REVIEWER_A, TUE, notify_parties());
    h.run(REVIEWER_A, TUE, notify_right());
    h.run(REVIEWER_A, TUE, request());
    // Violating: 04-01 is the 21st working day after the request.
    let e = h
        .try_run(REVIEWER_A, WED, schedule(HEAD, date!(2026 - 04 - 01)))
        .unwrap_err();
    assert_eq!(
        e,
        CaseError::Hearing(HearingError::OrganisedTooLate {
            due: date!(2026 - 03 - 31)
        })
    );
    // Compliant: the 20th.
    h.run(REVIEWER_A, WED, schedule(HEAD, date!(2026 - 03 - 31)));
}

#[test]
fn art48_notice_seven_days_ahead_in_public_unless_a_ground() {
    let mut h = found();
    h.run(REVIEWER_A, TUE, notify_parties());
    h.run(REVIEWER_A, TUE, notify_right());
    h.run(REVIEWER_A, TUE, request());
    // Violating: six days' notice; a closed hearing without its ground.
    let e = h
        .try_run(REVIEWER_A, WED, schedule(HEAD, date!(2026 - 03 - 10)))
        .unwrap_err();
    assert_eq!(code(&e), "hearing_notice_too_short");
    let closed = |ground| {
        act(HearingAct::Schedule {
            presiding: staff(HEAD),
            held_on: date!(2026 - 03 - 11),
            place: "本局三楼听证室".into(),
            open_to_public: false,
            closed_ground: ground,
            notice_reference: "听证通知书".into(),
        })
    };
    let e = h.try_run(REVIEWER_A, WED, closed(None)).unwrap_err();
    assert_eq!(code(&e), "hearing_closed_ground");
    // Compliant: seven days ahead, closed for a trade secret.
    h.run(REVIEWER_A, WED, closed(Some(ClosedGround::TradeSecret)));
}

#[test]
fn art48_a_reviewer_of_the_case_does_not_preside_nor_the_presiding_officer_review() {
    let mut h = found();
    h.run(REVIEWER_A, TUE, notify_parties());
    h.run(REVIEWER_A, TUE, notify_right());
    h.run(REVIEWER_A, TUE, request());
    let e = h
        .try_run(REVIEWER_A, WED, schedule(REVIEWER_A, date!(2026 - 03 - 12)))
        .unwrap_err();
    assert_eq!(code(&e), "hearing_reviewer_presiding");
    h.run(REVIEWER_A, WED, schedule(REVIEWER_B, date!(2026 - 03 - 12)));
    h.run(REVIEWER_A, date!(2026 - 03 - 12), close(true));
    let e = h
        .try_run(
            REVIEWER_B,
            date!(2026 - 03 - 13),
            review(ReviewKind::Review, true),
        )
        .unwrap_err();
    assert_eq!(code(&e), "hearing_presiding_reviews");
}

#[test]
fn art46_a_hearing_the_bureau_announces_needs_no_request_and_is_decided_on_its_record() {
    let mut h = Harness::accepted(MON);
    h.run(REVIEWER_A, MON, review(ReviewKind::InitialReview, true));
    h.run(REVIEWER_B, MON, review(ReviewKind::Review, true));
    h.run(
        REVIEWER_A,
        TUE,
        act(HearingAct::Announce {
            ground: HearingGround::PublicInterest,
            notice_reference: "听证公告〔2026〕1号".into(),
        }),
    );
    // Violating: deciding before the record.
    let e = h.try_run(APPROVER, WED, decide()).unwrap_err();
    assert_eq!(code(&e), "decision_before_hearing_record");
    // Compliant: noticed, held, record signed, decided; no 20-day bound for Art. 46.
    h.run(REVIEWER_A, WED, schedule(HEAD, date!(2026 - 04 - 20)));
    h.run(REVIEWER_A, date!(2026 - 04 - 20), close(true));
    h.run(APPROVER, date!(2026 - 04 - 21), decide());
}

#[test]
fn art36_statements_stay_out_of_the_public_ledger_and_the_timeline() {
    let mut h = found();
    h.run(REVIEWER_A, TUE, notify_parties());
    let events = h.run(
        REVIEWER_A,
        WED,
        act(HearingAct::RecordStatement {
            party: "张某".into(),
            statement: "担心油烟影响".into(),
        }),
    );
    let case = h.case();
    let number = case.received().case_number.clone();
    let public = crate::event::Event::Case {
        case_number: number,
        event: Box::new(events[0].clone()),
    }
    .public_view()
    .to_string();
    assert!(
        !public.contains("张某") && !public.contains("油烟"),
        "{public}"
    );
    assert!(public.contains("record_statement"), "{public}");
    for t in case.timeline() {
        assert!(!t.label_zh.contains("张某"), "{t:?}");
    }
    // The private body round-trips.
    let json = serde_json::to_string(&events[0]).unwrap();
    assert!(json.contains(r#""kind":"hearing","#) && json.contains(r#""act":"record_statement""#));
    let back: CaseEvent = serde_json::from_str(&json).unwrap();
    assert_eq!(back, events[0]);
}

#[test]
fn the_command_body_reads_as_the_api_sends_it() {
    let c: Command = serde_json::from_str(
        r#"{"action":"hearing","act":"schedule","presiding":"HEAD","held_on":"2026-03-12","place":"听证室","open_to_public":true,"notice_reference":"通知书"}"#,
    )
    .unwrap();
    assert!(matches!(c, Command::Hearing(HearingAct::Schedule { .. })));
    assert_eq!(c.kind(), CommandKind::Hearing);
    assert!(serde_json::from_str::<Command>(r#"{"action":"hearing","act":"nope"}"#).is_err());
}

/// Act `n` (mod 8) of the procedure with well-formed text, for the generated histories
/// (`proptests.rs`) and the desk's candidates (`allowed_tests.rs`).
pub(super) fn sample(n: u8, presiding: &str, held_on: Date) -> HearingAct {
    match n % 9 {
        0 => HearingAct::FindMajorInterests,
        1 => HearingAct::NotifyParties {
            parties: vec!["利害关系人".into()],
            notice_reference: "告知书".into(),
        },
        2 => HearingAct::RecordStatement {
            party: "利害关系人".into(),
            statement: "陈述".into(),
        },
        3 => HearingAct::NotifyRight {
            notice_reference: "告知书".into(),
        },
        4 => HearingAct::Request {
            requester: Requester::Applicant,
            notice_reference: "告知书".into(),
        },
        5 => HearingAct::Announce {
            ground: HearingGround::LawRequires,
            notice_reference: "公告".into(),
        },
        6 => HearingAct::Schedule {
            presiding: staff(presiding),
            held_on,
            place: "听证室".into(),
            open_to_public: true,
            closed_ground: None,
            notice_reference: "通知书".into(),
        },
        8 => HearingAct::Reschedule {
            held_on: held_on + time::Duration::days(3),
            place: "听证室".into(),
            reason: "申请人申请延期".into(),
            notice_reference: "通知书".into(),
        },
        _ => HearingAct::CloseRecord {
            record_reference: "笔录".into(),
            signed: true,
        },
    }
}
