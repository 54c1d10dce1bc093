//! End-to-end cases on the shipped calendars, every deadline counted by hand from the
//! holiday table of domain.md §6 (weekday names checked against the calendar module's tests:
//! 2026-09-15 is a Tuesday, 2026-03-02 and 2025-09-15 are Mondays).

use time::Date;
use time::macros::date;

use crate::catalog::SpecialProcedureKind;
use crate::org::Role;

use super::testkit::*;
use super::*;

fn clock_on(h: &Harness, today: Date) -> CaseClock {
    clock::clock(&h.events, &h.cal, today).unwrap()
}

fn decision_on(h: &Harness, today: Date) -> DecisionClock {
    clock_on(h, today).decision.unwrap()
}

#[test]
fn online_case_with_notice_expert_review_extension_and_delivery_on_the_2026_calendar() {
    // Item: statutory 20 WD, promised 10 WD, expert review allowed.
    let item = item(20, 10, &[SpecialProcedureKind::ExpertReview]);

    // Mon 2026-09-07: online application received.
    let mut h = Harness::received_from(date!(2026 - 09 - 07), item, true);
    // Notice window, 5 WD after Mon 09-07: 09-08 (1), 09-09 (2), 09-10 (3), 09-11 (4),
    // 09-12/13 weekend, Mon 09-14 (5).
    let c = clock_on(&h, date!(2026 - 09 - 07));
    let notice = c.notice.unwrap();
    assert_eq!(notice.due.due, date!(2026 - 09 - 14));
    assert_eq!(notice.remaining, 5);
    assert!(c.decision.is_none());

    // Wed 09-09: one-time notice; Fri 09-11: supplement; Mon 09-14: accepted on the window's
    // last day, so not deemed.
    h.run(
        CLERK,
        date!(2026 - 09 - 09),
        Command::IssueOneTimeNotice {
            items: notice_items(),
        },
    );
    let supplement = vec![material("食品安全管理制度"), material("申请书（更正）")];
    h.run(
        CLERK,
        date!(2026 - 09 - 11),
        Command::ReceiveSupplement {
            materials: supplement,
        },
    );
    let c = clock_on(&h, date!(2026 - 09 - 11));
    assert_eq!(
        c.notice.as_ref().unwrap().issued_on,
        Some(date!(2026 - 09 - 09))
    );
    assert!(!c.notice.unwrap().missed);
    h.run(CLERK, date!(2026 - 09 - 14), Command::Accept);
    assert!(!h.case().acceptance().unwrap().deemed);

    // Decision clocks from Mon 09-14, no pause yet.
    // Statutory 20 WD: 09-15..09-18 (1–4), 09-19 Sat off, 09-20 Sun make-up (5),
    // 09-21..09-24 (6–9), 09-25..09-27 Mid-Autumn, 09-28..09-30 (10–12),
    // 10-01..10-07 National Day, 10-08, 10-09 (13, 14), 10-10 Sat make-up (15), 10-11 Sun off,
    // 10-12..10-16 (16–20) → Fri 10-16.
    // Promised 10 WD: 09-15..18 (1–4), 09-20 (5), 09-21..24 (6–9), 09-28 (10) → Mon 09-28.
    let d = decision_on(&h, date!(2026 - 09 - 14));
    assert_eq!(d.statutory.due, date!(2026 - 10 - 16));
    assert_eq!(d.promised.due, date!(2026 - 09 - 28));
    assert_eq!((d.elapsed, d.remaining_promised), (0, 10));

    // Two reviewers examine the substance: Tue 09-15 初审 by REV-A, Wed 09-16 审核 by REV-B.
    h.run(
        REVIEWER_A,
        date!(2026 - 09 - 15),
        review(ReviewKind::InitialReview, true),
    );
    h.run(
        REVIEWER_B,
        date!(2026 - 09 - 16),
        review(ReviewKind::Review, true),
    );

    // Thu 09-17: expert review starts (Art. 45).
    let start = Command::StartSpecialProcedure {
        procedure: SpecialProcedureKind::ExpertReview,
        notice_reference: "济审特〔2026〕12号".into(),
    };
    h.run(REVIEWER_A, date!(2026 - 09 - 17), start);
    // Read on Mon 09-21 while open: paused 09-17, 09-18, 09-20 (make-up), 09-21 = 4 WD.
    // Statutory: 09-15, 09-16 (1, 2), 09-22..09-24 (3–5), 09-28..30 (6–8), 10-08..10 (9–11),
    // 10-12..16 (12–16), 10-19..22 (17–20) → Thu 10-22.
    let d = decision_on(&h, date!(2026 - 09 - 21));
    assert!(d.paused);
    assert_eq!(d.statutory.due, date!(2026 - 10 - 22));
    assert_eq!(d.elapsed, 2);

    // Tue 09-22: expert review ends. Paused 09-17..09-22 = 09-17, 18, 20, 21, 22: 5 WD.
    // Statutory: 09-15, 16 (1, 2), 09-23, 24 (3, 4), 09-25..27 holiday, 09-28..30 (5–7),
    // 10-08, 09 (8, 9), 10-10 make-up (10), 10-12..16 (11–15), 10-17/18 off,
    // 10-19..23 (16–20) → Fri 10-23.
    // Promised: 09-15, 16 (1, 2), 09-23, 24 (3, 4), 09-28..30 (5–7), 10-08, 09 (8, 9),
    // 10-10 Sat make-up (10) → Sat 10-10.
    h.run(
        REVIEWER_A,
        date!(2026 - 09 - 22),
        Command::EndSpecialProcedure,
    );
    let d = decision_on(&h, date!(2026 - 09 - 22));
    assert!(!d.paused);
    assert_eq!(d.statutory.due, date!(2026 - 10 - 23));
    assert_eq!(d.promised.due, date!(2026 - 10 - 10));
    assert_eq!(
        d.statutory.explanation.pauses[0].working_days_not_counted,
        5
    );
    assert_eq!(d.promised_working_days, 10);

    // Yellow card at 90% of the promised 10 WD, i.e. from the 9th working day used.
    // Used by Thu 10-08: 09-15, 16, 23, 24, 28, 29, 30, 10-08 = 8 → no card.
    // Used by Fri 10-09: 9 → yellow.
    let c = clock_on(&h, date!(2026 - 10 - 08));
    assert_eq!((c.decision.unwrap().elapsed, c.card), (8, Card::None));
    let c = clock_on(&h, date!(2026 - 10 - 09));
    assert_eq!(
        (c.decision.as_ref().unwrap().elapsed, c.card),
        (9, Card::Yellow)
    );
    assert!(c.to_chinese().contains("黄牌预警"), "{}", c.to_chinese());

    // Mon 10-12: the bureau head approves +10 WD and tells the applicant the same day.
    // Extension from Fri 10-23: 10-24/25 off, 10-26..30 (1–5), 10-31/11-01 off,
    // 11-02..06 (6–10) → Fri 11-06. The promise stays 10-10 and is now broken:
    // 10-12 is one working day after it.
    let approve_extension = Command::ApproveExtension {
        authority: ExtensionAuthority::BureauHead,
        working_days: 10,
        reason: "专家意见需补充论证".into(),
        applicant_notified_on: Some(date!(2026 - 10 - 12)),
    };
    h.run(HEAD, date!(2026 - 10 - 12), approve_extension);
    let c = clock_on(&h, date!(2026 - 10 - 12));
    let d = c.decision.as_ref().unwrap();
    assert_eq!(d.statutory.due, date!(2026 - 11 - 06));
    assert_eq!(d.promised.due, date!(2026 - 10 - 10));
    assert_eq!(d.remaining_promised, -1);
    assert!(d.overdue_promised && !d.overdue_statutory);
    assert_eq!(c.card, Card::Yellow);

    // Tue 10-20: approved by APPR-1. Used: 09-15, 16, 23, 24, 28, 29, 30, 10-08, 09, 10,
    // 12..16, 19, 20 = 17 WD. Left to 11-06: 10-21..23 (3), 10-26..30 (5), 11-02..06 (5) = 13.
    // Past the promise of 10-10 by 10-12..16, 19, 20 = 7 WD.
    h.run(
        APPROVER,
        date!(2026 - 10 - 20),
        Command::Decide {
            decision: Decision::APPROVE,
        },
    );
    let c = clock_on(&h, date!(2026 - 10 - 21));
    let d = c.decision.as_ref().unwrap();
    assert_eq!(d.decided_on, Some(date!(2026 - 10 - 20)));
    assert_eq!((d.elapsed, d.remaining_statutory), (17, 13));
    assert!(d.overdue_promised && !d.overdue_statutory);
    assert_eq!(c.card, Card::None);
    // Delivery, 10 WD after Tue 10-20: 10-21..23 (1–3), 10-26..30 (4–8), 11-02, 03 (9, 10)
    // → Tue 11-03.
    let delivery = c.delivery.as_ref().unwrap();
    assert_eq!(delivery.due.due, date!(2026 - 11 - 03));
    assert_eq!(delivery.remaining, 9);

    // Thu 10-22: delivered by post.
    h.run(
        CLERK,
        date!(2026 - 10 - 22),
        Command::Deliver {
            method: DeliveryMethod::Post,
        },
    );
    let case = h.case();
    assert!(case.is_closed());
    assert_eq!(case.status(), CaseStatus::Approved);
    let c = case.clock(&h.cal, date!(2026 - 11 - 30)).unwrap();
    let delivery = c.delivery.as_ref().unwrap();
    assert_eq!(
        (delivery.delivered_on, delivery.overdue),
        (Some(date!(2026 - 10 - 22)), false)
    );
    assert_eq!(delivery.remaining, 8);

    let zh = c.to_chinese();
    for expected in [
        "法定办结期限：自2026-09-14受理次日起计算20个工作日，截止2026-10-23；\
         自原截止日2026-10-23次日起延长10个工作日，截止2026-11-06；",
        "暂停（专家评审）2026-09-17至2026-09-22共5个工作日不计入",
        "经本行政机关负责人于2026-10-12批准延长10个工作日（行政许可法第四十二条），已于2026-10-12告知申请人。",
        "承诺办结期限：自2026-09-14受理次日起计算10个工作日，截止2026-10-10；",
        "已于2026-10-20作出决定，用时17个工作日；距法定办结期限剩余13个工作日；超过承诺办结期限7个工作日。",
        "送达期限：自2026-10-20作出决定次日起计算10个工作日，截止2026-11-03；跳过周末休息日4天。",
        "已于2026-10-22送达。",
    ] {
        assert!(zh.contains(expected), "missing {expected:?} in\n{zh}");
    }

    // The public view: steps with dates, deadlines, nothing personal.
    let p = case.public_progress(&h.cal, date!(2026 - 10 - 22)).unwrap();
    assert_eq!(p.applicant, "个人申请人");
    assert_eq!(p.status_name, "办结(通过)");
    assert_eq!(p.statutory_due, Some(date!(2026 - 11 - 06)));
    assert_eq!(p.promised_due, Some(date!(2026 - 10 - 10)));
    assert_eq!(p.delivery_due, Some(date!(2026 - 11 - 03)));
    let labels: Vec<_> = p
        .steps
        .iter()
        .map(|s| (s.on.to_string(), s.label_zh.as_str()))
        .collect();
    assert_eq!(
        labels,
        [
            ("2026-09-07".into(), "已接件（网上申请）"),
            ("2026-09-09".into(), "一次性告知补正（共2项）"),
            ("2026-09-11".into(), "补正材料已收到"),
            ("2026-09-14".into(), "已受理"),
            ("2026-09-15".into(), "初审"),
            ("2026-09-16".into(), "审核"),
            ("2026-09-17".into(), "特别程序开始（专家评审）"),
            ("2026-09-22".into(), "特别程序结束（专家评审）"),
            ("2026-10-12".into(), "延长办理期限10个工作日"),
            ("2026-10-20".into(), "办结（准予许可）"),
            ("2026-10-22".into(), "已送达（邮寄送达）"),
        ]
    );
    let json = serde_json::to_string(&p).unwrap();
    for secret in [
        "张三",
        "11010519491231002X",
        "13812345678",
        "REV-A",
        "APPR-1",
        "CLERK-1",
    ] {
        assert!(!json.contains(secret), "{secret} leaked into {json}");
    }
    assert!(json.contains("\"statutory_due\":\"2026-11-06\""), "{json}");
    // The query code is a credential: never on the public page.
    let stored = h.case().received().query_code.clone();
    let StoredQueryCode::Plain(code) = stored else {
        panic!("the harness keeps its code in plain, so the page can be searched for it");
    };
    let code = code.as_str().to_owned();
    assert!(!json.contains(&code), "{json}");
}

#[test]
fn missed_notice_window_makes_the_acceptance_deemed_from_the_receipt_day() {
    // Received Mon 2026-03-02; window 03-03..06 (1–4), Mon 03-09 (5).
    let mut h = Harness::received(date!(2026 - 03 - 02), item(20, 5, &[]));
    let c = clock_on(&h, date!(2026 - 03 - 09));
    assert_eq!(c.notice.as_ref().unwrap().due.due, date!(2026 - 03 - 09));
    assert!(!c.notice.unwrap().missed && c.decision.is_none());

    // Tue 03-10, nothing recorded yet: the clock already counts from the receipt day.
    // Statutory 20 WD from Mon 03-02: 03-03..06 (1–4), 03-09..13 (5–9), 03-16..20 (10–14),
    // 03-23..27 (15–19), Mon 03-30 (20). Used by 03-10: 03-03..06, 03-09, 03-10 = 6.
    let c = clock_on(&h, date!(2026 - 03 - 10));
    assert!(c.notice.as_ref().unwrap().missed);
    let d = c.decision.as_ref().unwrap();
    assert_eq!(
        (d.accepted_on, d.deemed, d.recorded),
        (date!(2026 - 03 - 02), true, false)
    );
    assert_eq!(d.statutory.due, date!(2026 - 03 - 30));
    assert_eq!(d.elapsed, 6);
    // Promised 5 WD → Mon 03-09, already passed: 6 ≥ 90% of 5, so a yellow card.
    assert_eq!(d.promised.due, date!(2026 - 03 - 09));
    assert_eq!(c.card, Card::Yellow);
    assert!(c.to_chinese().contains(
        "逾期未一次性告知补正，依行政许可法第三十二条，自收到申请材料之日2026-03-02起即为受理。"
    ));

    // The clerk accepts on 03-10: recorded as deemed, effective on the receipt day.
    h.run(CLERK, date!(2026 - 03 - 10), Command::Accept);
    let accepted = h.events.last().unwrap();
    assert_eq!(
        *accepted,
        CaseEvent::Accepted {
            by: staff(CLERK),
            deemed: true,
            on: date!(2026 - 03 - 02)
        }
    );
    let d = decision_on(&h, date!(2026 - 03 - 10));
    assert!(d.recorded && d.deemed);
    assert_eq!(d.statutory.due, date!(2026 - 03 - 30));
}

#[test]
fn spring_festival_2026_stretches_the_notice_window_and_the_deemed_decision_limit() {
    // Received Wed 2026-02-11. Window: 02-12 (1), 02-13 (2), Sat 02-14 make-up (3),
    // 02-15..23 Spring Festival, 02-24 (4), Wed 02-25 (5).
    let mut on_time = Harness::received(date!(2026 - 02 - 11), item(20, 10, &[]));
    let notice = clock_on(&on_time, date!(2026 - 02 - 11)).notice.unwrap();
    assert_eq!(notice.due.due, date!(2026 - 02 - 25));
    assert_eq!(notice.due.explanation.holidays_skipped[0].name, "春节");
    // Accepting on the window's last day is an ordinary acceptance on that day.
    on_time.run(CLERK, date!(2026 - 02 - 25), Command::Accept);
    assert!(!on_time.case().acceptance().unwrap().deemed);

    // Accepting on Thu 02-26 is a deemed acceptance as of Wed 02-11. Statutory 20 WD from
    // 02-11: 02-12, 13 (1, 2), 02-14 make-up (3), festival, 02-24..27 (4–7),
    // Sat 02-28 make-up (8), 03-01 off, 03-02..06 (9–13), 03-09..13 (14–18),
    // 03-16 (19), Tue 03-17 (20).
    let mut late = Harness::received(date!(2026 - 02 - 11), item(20, 10, &[]));
    late.run(CLERK, date!(2026 - 02 - 26), Command::Accept);
    let acceptance = late.case().acceptance().cloned().unwrap();
    assert_eq!(
        (acceptance.on, acceptance.deemed),
        (date!(2026 - 02 - 11), true)
    );
    let d = decision_on(&late, date!(2026 - 02 - 26));
    assert_eq!(d.statutory.due, date!(2026 - 03 - 17));
    assert_eq!(
        d.statutory.explanation.makeup_workdays_counted,
        [date!(2026 - 02 - 14), date!(2026 - 02 - 28)]
    );
    // Used by Thu 02-26: 02-12, 13, 14, 24, 25, 26 = 6.
    assert_eq!(d.elapsed, 6);
}

#[test]
fn national_day_and_mid_autumn_2025_move_the_decision_and_delivery_deadlines() {
    // Received and accepted Mon 2025-09-15; 20/10 WD item.
    let mut h = Harness::received(date!(2025 - 09 - 15), item(20, 10, &[]));
    h.run(CLERK, date!(2025 - 09 - 15), Command::Accept);
    // Statutory: 09-16..19 (1–4), 09-22..26 (5–9), Sun 09-28 make-up (10), 09-29, 30 (11, 12),
    // 10-01..08 National Day + Mid-Autumn, 10-09, 10 (13, 14), Sat 10-11 make-up (15),
    // 10-13..17 (16–20) → Fri 10-17.
    // Promised: 09-16..19 (1–4), 09-22..26 (5–9), Sun 09-28 make-up (10) → Sun 09-28.
    let d = decision_on(&h, date!(2025 - 09 - 15));
    assert_eq!(d.statutory.due, date!(2025 - 10 - 17));
    assert_eq!(d.promised.due, date!(2025 - 09 - 28));
    assert_eq!(
        d.statutory.explanation.holidays_skipped[0].name,
        "国庆节、中秋节"
    );

    h.run(
        REVIEWER_A,
        date!(2025 - 09 - 16),
        review(ReviewKind::InitialReview, true),
    );
    h.run(
        REVIEWER_B,
        date!(2025 - 09 - 17),
        review(ReviewKind::Review, true),
    );
    // Used by Thu 09-25: 8 (no card); by Fri 09-26: 9 = 90% of 10 (yellow).
    assert_eq!(clock_on(&h, date!(2025 - 09 - 25)).card, Card::None);
    assert_eq!(clock_on(&h, date!(2025 - 09 - 26)).card, Card::Yellow);

    // Decided Fri 09-26. Delivery 10 WD: Sun 09-28 make-up (1), 09-29, 30 (2, 3), holidays,
    // 10-09, 10 (4, 5), Sat 10-11 make-up (6), 10-13..16 (7–10) → Thu 10-16.
    h.run(
        APPROVER,
        date!(2025 - 09 - 26),
        Command::Decide {
            decision: Decision::APPROVE,
        },
    );
    let c = clock_on(&h, date!(2025 - 10 - 20));
    let delivery = c.delivery.as_ref().unwrap();
    assert_eq!(delivery.due.due, date!(2025 - 10 - 16));
    // Not delivered by Mon 10-20: 10-17 and 10-20 late.
    assert!(delivery.overdue);
    assert_eq!(delivery.remaining, -2);
    assert!(
        c.to_chinese().contains("尚未送达，已超过送达期限2个工作日"),
        "{}",
        c.to_chinese()
    );
    assert_eq!(c.card, Card::None);
}

#[test]
fn undecided_case_past_the_statutory_deadline_gets_a_red_card() {
    // Accepted Mon 2026-03-02, due Mon 03-30 (counted above); Tue 03-31 is one day late.
    let h = Harness::reviewed(date!(2026 - 03 - 02));
    let c = clock_on(&h, date!(2026 - 03 - 30));
    assert_eq!(c.card, Card::Yellow);
    let c = clock_on(&h, date!(2026 - 03 - 31));
    let d = c.decision.as_ref().unwrap();
    assert!(d.overdue_statutory);
    assert_eq!(d.remaining_statutory, -1);
    assert_eq!(c.card, Card::Red);
    assert!(
        c.to_chinese().contains("红牌：已超过法定办结期限"),
        "{}",
        c.to_chinese()
    );
}

#[test]
fn clock_replays_a_past_day_from_the_events() {
    // The full history includes a decision on 03-04, but read on 03-03 the case is undecided.
    let mut h = Harness::reviewed(date!(2026 - 03 - 02));
    h.run(
        APPROVER,
        date!(2026 - 03 - 04),
        Command::Decide {
            decision: Decision::APPROVE,
        },
    );
    let before = clock_on(&h, date!(2026 - 03 - 03));
    assert_eq!(before.status, CaseStatus::HandlingStarted);
    assert!(before.delivery.is_none());
    let after = clock_on(&h, date!(2026 - 03 - 04));
    assert_eq!(after.status, CaseStatus::Approved);
    assert_eq!(
        clock::clock(&h.events, &h.cal, date!(2026 - 03 - 01))
            .unwrap_err()
            .code(),
        "date_out_of_order"
    );
}

#[test]
fn withdrawn_case_stops_its_clock_and_shows_no_card() {
    let mut h = Harness::reviewed(date!(2026 - 03 - 02));
    h.try_as(
        CLERK,
        &[Role::Clerk],
        date!(2026 - 03 - 04),
        Command::Withdraw,
    )
    .unwrap();
    let c = clock_on(&h, date!(2026 - 04 - 30));
    let d = c.decision.as_ref().unwrap();
    // Stopped on Wed 03-04: 03-03, 03-04 used.
    assert_eq!((d.as_of, d.elapsed), (date!(2026 - 03 - 04), 2));
    assert_eq!(c.card, Card::None);
    assert_eq!(c.status, CaseStatus::Withdrawn);
}
