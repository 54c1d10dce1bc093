//! Property tests of the deadline rules over the shipped 2025–2026 calendar.
//!
//! Inputs are bounded so every computation stays inside the loaded years: starts up to
//! 2026-05-31, limits up to 60 working days / 90 days / 3 months, pauses up to 3 × 21 days.

use proptest::prelude::*;
use time::Date;
use time::macros::date;

use super::{Calendar, LimitUnit, Pause, TimeLimit};

const FIRST_START: Date = date!(2025 - 01 - 01);

fn date_after(base: Date, days: u16) -> Date {
    base + time::Duration::days(i64::from(days))
}

fn start() -> impl Strategy<Value = Date> {
    (0_u16..=515).prop_map(|d| date_after(FIRST_START, d))
}

/// Pauses placed relative to the start, some overlapping it or each other.
fn pauses(start: Date) -> impl Strategy<Value = Vec<Pause>> {
    proptest::collection::vec((0_u16..=90, 0_u16..=20), 0..=3).prop_map(move |spans| {
        spans
            .into_iter()
            .map(|(offset, len)| {
                let from = date_after(start, offset);
                Pause {
                    from,
                    to: date_after(from, len),
                    reason: "test".into(),
                }
            })
            .collect()
    })
}

fn limit(unit: LimitUnit, value: u32) -> TimeLimit {
    TimeLimit { value, unit }
}

/// A unit with a value in its bounded range (at least 1).
fn unit_and_value() -> impl Strategy<Value = (LimitUnit, u32)> {
    prop_oneof![
        (1_u32..=60).prop_map(|n| (LimitUnit::WorkingDays, n)),
        (1_u32..=90).prop_map(|n| (LimitUnit::Days, n)),
        (1_u32..=3).prop_map(|n| (LimitUnit::Months, n)),
    ]
}

fn case() -> impl Strategy<Value = (Date, Vec<Pause>)> {
    start().prop_flat_map(|s| (Just(s), pauses(s)))
}

proptest! {
    #[test]
    fn counting_back_from_a_working_day_deadline_gives_its_length(
        (start, pauses) in case(), n in 1_u32..=60,
    ) {
        let cal = Calendar::builtin().unwrap();
        let due = cal.deadline(start, TimeLimit::working_days(n), &pauses).unwrap().due;
        prop_assert_eq!(cal.working_days_between(start, due, &pauses).unwrap(), n);
    }

    #[test]
    fn pauses_never_shorten_a_deadline(
        (start, pauses) in case(), (unit, n) in unit_and_value(),
    ) {
        let cal = Calendar::builtin().unwrap();
        let free = cal.deadline(start, limit(unit, n), &[]).unwrap().due;
        let paused = cal.deadline(start, limit(unit, n), &pauses).unwrap().due;
        prop_assert!(paused >= free, "{paused} < {free}");
    }

    #[test]
    fn due_date_is_an_unpaused_working_day(
        (start, pauses) in case(), (unit, n) in unit_and_value(),
    ) {
        let cal = Calendar::builtin().unwrap();
        let due = cal.deadline(start, limit(unit, n), &pauses).unwrap().due;
        prop_assert!(cal.is_working_day(due).unwrap(), "{due} is not a working day");
        prop_assert!(!pauses.iter().any(|p| p.contains(due)), "{due} is paused");
        prop_assert!(due > start);
    }

    #[test]
    fn longer_limits_are_never_due_earlier(
        (start, pauses) in case(), (unit, n) in unit_and_value(), shorter_by in 0_u32..=60,
    ) {
        let cal = Calendar::builtin().unwrap();
        let shorter = n.saturating_sub(shorter_by);
        let long = cal.deadline(start, limit(unit, n), &pauses).unwrap().due;
        let short = cal.deadline(start, limit(unit, shorter), &pauses).unwrap().due;
        prop_assert!(short <= long, "{shorter} units due {short}, {n} units due {long}");
    }

    #[test]
    fn extending_by_working_days_equals_counting_them_at_once(
        (start, pauses) in case(), a in 1_u32..=40, b in 0_u32..=20,
    ) {
        let cal = Calendar::builtin().unwrap();
        let first = cal.deadline(start, TimeLimit::working_days(a), &pauses).unwrap().due;
        let extended = cal.extend(first, TimeLimit::working_days(b), &pauses).unwrap().due;
        let at_once = cal.deadline(start, TimeLimit::working_days(a + b), &pauses).unwrap().due;
        prop_assert_eq!(extended, at_once);
    }
}
