//! The hearing's remaining law (issue #21 item 5): an item whose own law requires a hearing
//! (Art. 46) and the postponement of a noticed hearing (Art. 47, 48(1)(1)), each with a
//! compliant and a violating sequence.
//!
//! Dates: accepted Monday 2026-03-02; a request made Tuesday 03-03 is to be held by Tuesday
//! 03-31 (20 working days, no holiday in March).

use time::Date;
use time::macros::date;

use crate::catalog::{LegalSettings, SpecialProcedureKind};
use crate::org::Role;

use super::testkit::*;
use super::*;

const MON: Date = date!(2026 - 03 - 02);
const TUE: Date = date!(2026 - 03 - 03);
const WED: Date = date!(2026 - 03 - 04);
const SOURCE: &str = "《某省某条例》第十条";

fn hearing(a: HearingAct) -> Command {
    Command::Hearing(a)
}

fn decide() -> Command {
    Command::Decide {
        decision: Decision::APPROVE,
    }
}

/// A 20/10 working-day item allowing hearings, whose law requires one (Art. 46); optionally
/// decided on the spot as well, so that both paths can be tried.
fn required_item(on_the_spot: bool) -> ItemSnapshot {
    let mut item = item(20, 10, &[SpecialProcedureKind::Hearing]);
    item.legal = Some(LegalSettings {
        hearing_required: Some(SOURCE.into()),
        on_the_spot: on_the_spot.then(|| crate::catalog::policy::OnTheSpot {
            source: "《某条例》第五条".into(),
        }),
        ..LegalSettings::default()
    });
    item
}

fn announce() -> Command {
    hearing(HearingAct::Announce {
        ground: HearingGround::LawRequires,
        notice_reference: "济审听公〔2026〕1号".into(),
    })
}

fn schedule(held_on: Date) -> Command {
    hearing(HearingAct::Schedule {
        presiding: staff(HEAD),
        held_on,
        place: "本局三楼听证室".into(),
        open_to_public: true,
        closed_ground: None,
        notice_reference: "济审听通〔2026〕1号".into(),
    })
}

fn reschedule(held_on: Date, reason: &str) -> Command {
    hearing(HearingAct::Reschedule {
        held_on,
        place: "本局五楼听证室".into(),
        reason: reason.into(),
        notice_reference: "济审听通〔2026〕2号".into(),
    })
}

/// The refusal of `command` on a copy of the case (the case itself is left as it was).
fn refused(h: &Harness, who: &str, day: Date, command: Command) -> CaseError {
    let mut copy = Harness {
        cal: cal(),
        events: h.events.clone(),
    };
    copy.try_run(who, day, command).unwrap_err()
}

/// Whether the approving official's desk offers a decision on `day`.
fn decision_offered(h: &Harness, day: Date) -> bool {
    let case = h.case();
    let p = crate::access::Principal {
        staff: Some(staff(APPROVER)),
        token: None,
        jurisdiction: case.received().case_number.division().clone(),
        department: crate::org::DepartmentCode::parse("SPJ").unwrap(),
        roles: vec![Role::Approver],
        scopes: None,
    };
    allowed_actions(&case, &p, at(day), &h.cal)
        .iter()
        .any(|a| a.kind() == CommandKind::Decide)
}

fn close() -> Command {
    hearing(HearingAct::CloseRecord {
        record_reference: "听证笔录〔2026〕1号".into(),
        signed: true,
    })
}

#[test]
fn art46_an_item_whose_law_requires_a_hearing_is_not_decided_without_one() {
    let mut h = Harness::received(MON, required_item(false));
    h.run(CLERK, MON, Command::Accept);
    h.run(REVIEWER_A, MON, review(ReviewKind::InitialReview, true));
    h.run(REVIEWER_B, MON, review(ReviewKind::Review, true));
    assert_eq!(h.case().hearing_required(), Some(SOURCE));
    // Violating: the review is done, no hearing was announced: refused, naming the provision.
    let e = h.try_run(APPROVER, TUE, decide()).unwrap_err();
    assert_eq!(
        e,
        CaseError::Hearing(HearingError::RequiredByLaw(SOURCE.into()))
    );
    assert_eq!(e.code(), "hearing_required_by_law");
    assert!(e.message_zh().contains(SOURCE) && e.message_zh().contains("第四十六条"));
    // Nor is a decision offered to the approving official.
    assert!(!decision_offered(&h, TUE));
    // Compliant: announced (the clock stops), noticed 7 days ahead, held, record signed.
    h.run(REVIEWER_A, TUE, announce());
    let e = h.try_run(APPROVER, WED, decide()).unwrap_err();
    assert_eq!(e.code(), "decision_before_hearing_record");
    h.run(REVIEWER_A, WED, schedule(date!(2026 - 03 - 12)));
    h.run(REVIEWER_A, date!(2026 - 03 - 12), close());
    assert!(decision_offered(&h, date!(2026 - 03 - 13)));
    h.run(APPROVER, date!(2026 - 03 - 13), decide());
    assert!(h.case().decision().is_some());
}

#[test]
fn art46_an_item_whose_law_requires_a_hearing_is_not_decided_on_the_spot() {
    // Violating: on the spot, on the day the complete materials arrive.
    let mut h = Harness::received(MON, required_item(true));
    let e = h.try_run(APPROVER, MON, Command::DecideOnSpot).unwrap_err();
    assert_eq!(e.code(), "hearing_required_by_law");
    // Compliant: the same item without the requirement is decided on the spot.
    let mut item = required_item(true);
    if let Some(l) = item.legal.as_mut() {
        l.hearing_required = None;
    }
    let mut h = Harness::received(MON, item);
    h.run(APPROVER, MON, Command::DecideOnSpot);
}

#[test]
fn art46_cases_received_before_the_setting_keep_their_rules() {
    // A case received without legal settings (older logs) requires no hearing.
    let mut item = item(20, 10, &[SpecialProcedureKind::Hearing]);
    item.legal = None;
    let mut h = Harness::received(MON, item);
    h.run(CLERK, MON, Command::Accept);
    h.run(REVIEWER_A, MON, review(ReviewKind::InitialReview, true));
    h.run(REVIEWER_B, MON, review(ReviewKind::Review, true));
    assert_eq!(h.case().hearing_required(), None);
    h.run(APPROVER, TUE, decide());
}

/// Accepted MON, a hearing requested TUE (to be held by 03-31), noticed WED for 03-12.
fn noticed() -> Harness {
    let mut h = Harness::accepted(MON);
    h.run(REVIEWER_A, MON, review(ReviewKind::InitialReview, true));
    h.run(REVIEWER_A, MON, hearing(HearingAct::FindMajorInterests));
    h.run(
        REVIEWER_A,
        MON,
        hearing(HearingAct::NotifyParties {
            parties: vec!["相邻商户".into()],
            notice_reference: "告知书".into(),
        }),
    );
    h.run(
        REVIEWER_A,
        MON,
        hearing(HearingAct::NotifyRight {
            notice_reference: "听证权利告知书".into(),
        }),
    );
    h.run(
        REVIEWER_A,
        TUE,
        hearing(HearingAct::Request {
            requester: Requester::Applicant,
            notice_reference: "不计时告知书".into(),
        }),
    );
    h.run(REVIEWER_A, WED, schedule(date!(2026 - 03 - 12)));
    h
}

#[test]
fn art48_a_postponed_hearing_is_noticed_again_seven_days_ahead() {
    // Nothing to postpone before the notice.
    let mut h = Harness::accepted(MON);
    h.run(REVIEWER_A, MON, review(ReviewKind::InitialReview, true));
    h.run(REVIEWER_A, MON, announce());
    let e = h
        .try_run(
            REVIEWER_A,
            TUE,
            reschedule(date!(2026 - 03 - 20), "主持人回避"),
        )
        .unwrap_err();
    assert_eq!(e.code(), "hearing_not_scheduled");

    let mut h = noticed();
    let on = date!(2026 - 03 - 10);
    // Violating: not later than the day noticed; less than 7 days ahead; no reason.
    let code_of =
        |h: &Harness, day: Date, command: Command| refused(h, REVIEWER_A, day, command).code();
    assert_eq!(
        code_of(&h, on, reschedule(date!(2026 - 03 - 12), "x")),
        "hearing_not_postponed"
    );
    assert_eq!(
        code_of(
            &h,
            on,
            reschedule(date!(2026 - 03 - 16), "申请人因病请求延期")
        ),
        "hearing_notice_too_short"
    );
    assert_eq!(
        code_of(&h, on, reschedule(date!(2026 - 03 - 20), " ")),
        "blank_text"
    );
    // … nor after the hearing day has passed.
    assert_eq!(
        code_of(
            &h,
            date!(2026 - 03 - 13),
            reschedule(date!(2026 - 03 - 25), "申请人因病请求延期")
        ),
        "hearing_day_passed"
    );
    // Compliant: postponed on 03-10 to 03-17, seven days ahead; the first day no longer counts.
    h.run(
        REVIEWER_A,
        on,
        reschedule(date!(2026 - 03 - 17), "申请人因病请求延期"),
    );
    let case = h.case();
    let s = case.hearing().scheduled.as_ref().unwrap();
    assert_eq!((s.on, s.held_on), (on, date!(2026 - 03 - 17)));
    assert_eq!(s.presiding, staff(HEAD), "the presiding officer stays");
    assert_eq!(
        case.hearing().postponed,
        vec![Postponed {
            on,
            from: date!(2026 - 03 - 12)
        }]
    );
    let e = refused(&h, REVIEWER_A, date!(2026 - 03 - 12), close());
    assert_eq!(e.code(), "hearing_not_held");
    h.run(REVIEWER_A, date!(2026 - 03 - 17), close());
    // The reason stays out of the public ledger entry and the timeline.
    let event = h
        .events
        .iter()
        .find(|e| matches!(e, CaseEvent::Hearing(x) if matches!(x.act, HearingAct::Reschedule { .. })))
        .unwrap();
    let public = crate::event::Event::Case {
        case_number: case.received().case_number.clone(),
        event: Box::new(event.clone()),
    }
    .public_view()
    .to_string();
    assert!(
        public.contains("reschedule") && public.contains("2026-03-17"),
        "{public}"
    );
    assert!(
        !public.contains("因病") && !public.contains("五楼"),
        "{public}"
    );
}

#[test]
fn art47_a_postponed_requested_hearing_is_still_held_within_twenty_working_days() {
    let mut h = noticed();
    // Violating: 04-01 is the 21st working day after the request.
    let e = refused(
        &h,
        REVIEWER_A,
        date!(2026 - 03 - 11),
        reschedule(date!(2026 - 04 - 01), "主持人回避"),
    );
    assert_eq!(
        e,
        CaseError::Hearing(HearingError::OrganisedTooLate {
            due: date!(2026 - 03 - 31)
        })
    );
    // The desk offers the postponement with those bounds, and no earlier day than the next.
    let case = h.case();
    let offer = case
        .offer_hearing(&ctx(&h.cal, REVIEWER_A, &[Role::Reviewer], WED))
        .unwrap();
    assert!(
        offer.acts.contains(&HearingActKind::Reschedule),
        "{offer:?}"
    );
    assert_eq!(offer.held_from, Some(date!(2026 - 03 - 13)));
    assert_eq!(offer.held_to, Some(date!(2026 - 03 - 31)));
    // Compliant: the last day allowed.
    h.run(
        REVIEWER_A,
        date!(2026 - 03 - 11),
        reschedule(date!(2026 - 03 - 31), "主持人回避"),
    );
    h.run(REVIEWER_A, date!(2026 - 03 - 31), close());
}
