//! Issue #21 items 5 and 13 in the monitoring rules: the hearing's duties (Art. 72(3), 72(8),
//! 47, 48) and a one-time notice asking for materials off the item's list (Art. 31). A command
//! refuses each violation, so the violating sequences are recorded histories (an import, a
//! tampered or older log), which the rules must still catch.

#![allow(clippy::unwrap_used)]

use time::macros::date;
use time::{Date, Duration};

use super::model::RuleId;
use super::tests::{Log, MON, at, only};
use crate::case::testkit::{
    APPROVER, CLERK, HEAD, Harness, REVIEWER_A, REVIEWER_B, notice_items, staff,
};
use crate::case::{
    CaseEvent, Command, Decision, HearingAct, HearingEvent, NoticeItem, NoticeProblem, Requester,
};
use crate::event::Event;

fn hearing(by: &str, on: Date, act: HearingAct) -> CaseEvent {
    CaseEvent::Hearing(Box::new(HearingEvent {
        by: staff(by),
        on,
        act,
    }))
}

fn decided(on: Date) -> CaseEvent {
    CaseEvent::Decided {
        approver: staff(APPROVER),
        decision: Decision::APPROVE,
        decided_at: at(on, 10),
    }
}

/// Accepted and reviewed by two on MON (2026-11-02), found to concern others' major interests.
fn found() -> Harness {
    let mut h = Harness::reviewed(MON);
    h.run(
        REVIEWER_A,
        MON,
        Command::Hearing(HearingAct::FindMajorInterests),
    );
    h
}

fn notify_parties() -> HearingAct {
    HearingAct::NotifyParties {
        parties: vec!["利害关系人".into()],
        notice_reference: "告知书".into(),
    }
}

fn notify_right() -> HearingAct {
    HearingAct::NotifyRight {
        notice_reference: "听证权利告知书".into(),
    }
}

fn request() -> HearingAct {
    HearingAct::Request {
        requester: Requester::Applicant,
        notice_reference: "不计时告知书".into(),
    }
}

fn schedule(held_on: Date) -> HearingAct {
    HearingAct::Schedule {
        presiding: staff(HEAD),
        held_on,
        place: "本局三楼听证室".into(),
        open_to_public: true,
        closed_ground: None,
        notice_reference: "听证通知书".into(),
    }
}

fn close() -> HearingAct {
    HearingAct::CloseRecord {
        record_reference: "笔录".into(),
        signed: true,
    }
}

#[test]
fn art72_3_a_decision_without_the_notices_the_law_requires_raises_notice_duty() {
    // Violating: parties never told.
    let mut h = found();
    h.events.push(decided(date!(2026 - 11 - 03)));
    let mut log = Log::new();
    log.case(&h.events);
    only(&log.rules(), RuleId::NoticeDuty);
    // Violating: parties told, the right to a hearing not.
    let mut h = found();
    h.run(REVIEWER_A, MON, Command::Hearing(notify_parties()));
    h.events.push(decided(date!(2026 - 11 - 03)));
    let mut log = Log::new();
    log.case(&h.events);
    only(&log.rules(), RuleId::NoticeDuty);
    // Compliant: both told, nobody asked within 5 working days, decided after.
    let mut h = found();
    h.run(REVIEWER_A, MON, Command::Hearing(notify_parties()));
    h.run(REVIEWER_A, MON, Command::Hearing(notify_right()));
    h.run(
        APPROVER,
        date!(2026 - 11 - 10),
        Command::Decide {
            decision: Decision::APPROVE,
        },
    );
    let mut log = Log::new();
    log.case(&h.events);
    assert!(log.rules().is_empty(), "{:?}", log.rules());
}

#[test]
fn art72_8_a_decision_before_the_hearings_record_raises_hearing_not_held() {
    let mut h = found();
    h.run(REVIEWER_A, MON, Command::Hearing(notify_parties()));
    h.run(REVIEWER_A, MON, Command::Hearing(notify_right()));
    h.run(
        REVIEWER_A,
        date!(2026 - 11 - 03),
        Command::Hearing(request()),
    );
    let mut violating = h.events.clone();
    violating.push(decided(date!(2026 - 11 - 04)));
    let mut log = Log::new();
    log.case(&violating);
    only(&log.rules(), RuleId::HearingNotHeld);
    // Compliant: noticed 7 days ahead, held, record signed, decided.
    h.run(
        REVIEWER_A,
        date!(2026 - 11 - 04),
        Command::Hearing(schedule(date!(2026 - 11 - 11))),
    );
    h.run(REVIEWER_A, date!(2026 - 11 - 11), Command::Hearing(close()));
    h.run(
        APPROVER,
        date!(2026 - 11 - 12),
        Command::Decide {
            decision: Decision::APPROVE,
        },
    );
    let mut log = Log::new();
    log.case(&h.events);
    log.tick(date!(2026 - 11 - 20)); // within the delivery window
    assert!(log.rules().is_empty(), "{:?}", log.rules());
}

#[test]
fn art47_art48_overdue_hearing_steps_raise_hearing_overdue() {
    let mut h = found();
    h.run(REVIEWER_A, MON, Command::Hearing(notify_parties()));
    h.run(REVIEWER_A, MON, Command::Hearing(notify_right()));
    h.run(
        REVIEWER_A,
        date!(2026 - 11 - 03),
        Command::Hearing(request()),
    );
    // Violating (Art. 47): nothing organised by the 20th working day after the request
    // (2026-12-01); the next day's timer raises it.
    let mut log = Log::new();
    log.case(&h.events);
    log.tick(date!(2026 - 12 - 01));
    assert!(log.rules().is_empty(), "{:?}", log.rules());
    log.tick(date!(2026 - 12 - 02));
    only(&log.rules(), RuleId::HearingOverdue);
    // Violating (Art. 48): noticed on 11-04 for 11-10, six days ahead.
    let mut short = h.events.clone();
    short.push(hearing(
        REVIEWER_A,
        date!(2026 - 11 - 04),
        schedule(date!(2026 - 11 - 04) + Duration::days(6)),
    ));
    let mut log = Log::new();
    log.case(&short);
    only(&log.rules(), RuleId::HearingOverdue);
    // Compliant: noticed seven days ahead, within the 20 days.
    h.run(
        REVIEWER_A,
        date!(2026 - 11 - 04),
        Command::Hearing(schedule(date!(2026 - 11 - 11))),
    );
    let mut log = Log::new();
    log.case(&h.events);
    log.tick(date!(2026 - 11 - 11));
    assert!(log.rules().is_empty(), "{:?}", log.rules());
}

#[test]
fn art31_a_notice_asking_for_a_material_off_the_items_list_raises_unlisted_material() {
    let uscc = crate::catalog::UnifiedSocialCreditCode::parse("11370100MB2850431U").unwrap();
    let mut spec = crate::catalog::demo_catalog(&uscc)
        .into_iter()
        .find(|i| i.basic_code.as_str() == "990100001000")
        .unwrap()
        .into_spec();
    // The version the fixture's cases pin, listing the two materials the notice asks for.
    spec.version = 3;
    let template = spec.materials[0].clone();
    spec.materials = ["申请书", "食品安全管理制度"]
        .map(|name| crate::catalog::Material {
            name: name.into(),
            ..template.clone()
        })
        .to_vec();
    let published = Event::ItemPublished {
        item: Box::new(crate::catalog::Item::new(spec).unwrap()),
    };
    let run = |items: Vec<NoticeItem>| {
        let mut h = Harness::received(MON, crate::case::testkit::item(20, 10, &[]));
        h.run(CLERK, MON, Command::IssueOneTimeNotice { items });
        let mut log = Log::new();
        log.push(at(MON, 9), "staff:ADMIN", published.clone());
        log.case(&h.events);
        log.rules()
    };
    // Compliant: both materials on the list.
    assert!(run(notice_items()).is_empty());
    // Violating: a certificate the item does not list.
    let mut items = notice_items();
    items.push(NoticeItem {
        material: "无犯罪记录证明".into(),
        problem: NoticeProblem::Missing,
        detail: "另行提供".into(),
    });
    only(&run(items), RuleId::UnlistedMaterial);
}

#[test]
fn art46_a_decision_without_the_hearing_the_items_law_requires_raises_hearing_not_held() {
    let mut item =
        crate::case::testkit::item(20, 10, &[crate::catalog::SpecialProcedureKind::Hearing]);
    item.legal = Some(crate::catalog::LegalSettings {
        hearing_required: Some("《某条例》第十条".into()),
        ..crate::catalog::LegalSettings::default()
    });
    let mut h = Harness::received(MON, item);
    h.run(CLERK, MON, Command::Accept);
    h.run(
        REVIEWER_A,
        MON,
        crate::case::testkit::review(crate::case::ReviewKind::InitialReview, true),
    );
    h.run(
        REVIEWER_B,
        MON,
        crate::case::testkit::review(crate::case::ReviewKind::Review, true),
    );
    // Violating: a recorded decision (the command refuses it) with no hearing at all.
    let mut violating = h.events.clone();
    violating.push(decided(date!(2026 - 11 - 03)));
    let mut log = Log::new();
    log.case(&violating);
    only(&log.rules(), RuleId::HearingNotHeld);
    // Compliant: announced, noticed 7 days ahead, held on its record, then decided.
    h.run(
        REVIEWER_A,
        date!(2026 - 11 - 03),
        Command::Hearing(HearingAct::Announce {
            ground: crate::case::HearingGround::LawRequires,
            notice_reference: "听证公告".into(),
        }),
    );
    h.run(
        REVIEWER_A,
        date!(2026 - 11 - 04),
        Command::Hearing(schedule(date!(2026 - 11 - 11))),
    );
    h.run(REVIEWER_A, date!(2026 - 11 - 11), Command::Hearing(close()));
    h.run(
        APPROVER,
        date!(2026 - 11 - 12),
        Command::Decide {
            decision: Decision::APPROVE,
        },
    );
    let mut log = Log::new();
    log.case(&h.events);
    log.tick(date!(2026 - 11 - 20));
    assert!(log.rules().is_empty(), "{:?}", log.rules());
}

#[test]
fn art48_a_postponement_noticed_less_than_seven_days_ahead_raises_hearing_overdue() {
    let mut h = found();
    h.run(REVIEWER_A, MON, Command::Hearing(notify_parties()));
    h.run(REVIEWER_A, MON, Command::Hearing(notify_right()));
    h.run(
        REVIEWER_A,
        date!(2026 - 11 - 03),
        Command::Hearing(request()),
    );
    h.run(
        REVIEWER_A,
        date!(2026 - 11 - 04),
        Command::Hearing(schedule(date!(2026 - 11 - 11))),
    );
    let postpone = |held_on: Date| HearingAct::Reschedule {
        held_on,
        place: "本局五楼听证室".into(),
        reason: "申请人请求延期".into(),
        notice_reference: "听证通知书2".into(),
    };
    // Violating (Art. 48): postponed on 11-10 to 11-13, three days ahead (a recorded history).
    let mut short = h.events.clone();
    short.push(hearing(
        REVIEWER_A,
        date!(2026 - 11 - 10),
        postpone(date!(2026 - 11 - 13)),
    ));
    let mut log = Log::new();
    log.case(&short);
    only(&log.rules(), RuleId::HearingOverdue);
    // Violating (Art. 47): postponed past 12-01, the 20th working day after the request.
    let mut late = h.events.clone();
    late.push(hearing(
        REVIEWER_A,
        date!(2026 - 11 - 10),
        postpone(date!(2026 - 12 - 02)),
    ));
    let mut log = Log::new();
    log.case(&late);
    only(&log.rules(), RuleId::HearingOverdue);
    // Compliant: postponed on 11-10 to 11-17, seven days ahead, and held then.
    h.run(
        REVIEWER_A,
        date!(2026 - 11 - 10),
        Command::Hearing(postpone(date!(2026 - 11 - 17))),
    );
    h.run(REVIEWER_A, date!(2026 - 11 - 17), Command::Hearing(close()));
    let mut log = Log::new();
    log.case(&h.events);
    log.tick(date!(2026 - 11 - 18));
    assert!(log.rules().is_empty(), "{:?}", log.rules());
}
