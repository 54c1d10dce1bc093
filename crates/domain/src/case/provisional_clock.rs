//! Case clocks whose deadlines reach a year whose State Council notice is not loaded (issue
//! #18): counted on the statutory holidays, marked 暂定 in the clock, its explanation, its cards
//! and the public progress, and refused only past the statutory table.

use time::Date;
use time::macros::date;

use super::testkit::*;
use super::*;

/// A plain working Monday of 2026 (loaded).
const MON: Date = date!(2026 - 03 - 02);

fn extension(working_days: u32, notified: Date) -> Command {
    Command::ApproveExtension {
        authority: ExtensionAuthority::BureauHead,
        working_days,
        reason: "需补充现场核查".into(),
        applicant_notified_on: Some(notified),
    }
}

#[test]
fn december_steps_and_extensions_count_2027_provisionally() {
    // Issue #18: with the 2027 notice not loaded a January step and a December extension
    // used to be refused; they are counted on the statutory holidays and marked 暂定.
    let mut h = Harness::accepted(MON);
    h.run(
        REVIEWER_A,
        date!(2027 - 01 - 04),
        review(ReviewKind::Review, true),
    );
    let mut h = Harness::reviewed(date!(2026 - 12 - 14));
    let late_dec = date!(2026 - 12 - 15);
    h.run(HEAD, late_dec, extension(5, late_dec));
    let clock = h.case().clock(&h.cal, late_dec).unwrap();
    let decision = clock.decision.as_ref().unwrap();
    assert!(decision.statutory.provisional);
    assert!(decision.statutory.due.year() == 2027);
    assert!(clock.provisional);
    assert!(
        clock.to_chinese().contains("（暂定）"),
        "{}",
        clock.to_chinese()
    );
}

#[test]
fn public_progress_marks_a_deadline_in_a_year_not_loaded_provisional() {
    // Accepted in mid-December: the statutory deadline lies in 2027, whose notice is not loaded.
    let h = Harness::accepted(date!(2026 - 12 - 14));
    let case = h.case();
    let p = case.public_progress(&h.cal, date!(2026 - 12 - 15)).unwrap();
    assert!(p.statutory_due.is_some_and(|d| d.year() == 2027));
    assert!(p.provisional);
    assert!(p.explanation_zh.contains("暂定"), "{}", p.explanation_zh);
    assert!(!p.steps.is_empty());
    // Replayed early enough, nothing reaches 2027.
    let early = Harness::accepted(MON).case();
    let p = early.public_progress(&h.cal, MON).unwrap();
    assert!(!p.provisional);
}

#[test]
fn public_progress_survives_a_deadline_past_the_statutory_table() {
    let h = Harness::accepted(date!(2050 - 12 - 14));
    let case = h.case();
    assert!(case.clock(&h.cal, date!(2050 - 12 - 15)).is_err());
    let p = case.public_progress(&h.cal, date!(2050 - 12 - 15)).unwrap();
    assert_eq!((p.statutory_due, p.promised_due), (None, None));
    assert!(p.explanation_zh.contains("2051"), "{}", p.explanation_zh);
}

#[test]
fn cards_fire_on_provisional_deadlines_and_say_so() {
    // A 20/10 WD item accepted Mon 2027-03-01 (2027 not loaded). Promised: 9 of its 10 working
    // days are used on Fri 03-12 (03-02..03-05, 03-08..03-12): yellow.
    let h = Harness::accepted(date!(2027 - 03 - 01));
    let case = h.case();
    let yellow = case.clock(&h.cal, date!(2027 - 03 - 12)).unwrap();
    assert_eq!(yellow.card, Card::Yellow);
    assert!(yellow.provisional);
    let zh = yellow.to_chinese();
    assert!(zh.contains("黄牌预警（按暂定期限计算）"), "{zh}");
    // Statutory: 03-02..03-26 hold 19 working days, Mon 03-29 is the 20th; Tue 03-30 is late.
    let red = case.clock(&h.cal, date!(2027 - 03 - 30)).unwrap();
    let decision = red.decision.as_ref().unwrap();
    assert_eq!(decision.statutory.due, date!(2027 - 03 - 29));
    assert_eq!(red.card, Card::Red);
    assert!(
        red.to_chinese().contains("红牌（按暂定期限计算）"),
        "{}",
        red.to_chinese()
    );
    // On the loaded 2026 calendar the same card carries no such words.
    let exact = Harness::accepted(date!(2026 - 03 - 02)).case();
    let red = exact.clock(&h.cal, date!(2026 - 04 - 30)).unwrap();
    assert_eq!((red.card, red.provisional), (Card::Red, false));
    assert!(!red.to_chinese().contains("暂定"), "{}", red.to_chinese());
}
