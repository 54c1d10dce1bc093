//! The statutory table checked against the shipped notices and against the lunar calendar's
//! own regularities, and the provisional years checked under the deadline rules.

use proptest::prelude::*;
use time::macros::date;
use time::{Date, Duration, Month};

use super::super::{Calendar, DayKind, OverrideKind, TimeLimit};
use super::*;

#[test]
fn statutory_holidays_of_2025_and_2026_are_holidays_of_their_notices() {
    let cal = Calendar::builtin().unwrap();
    for year in [2025, 2026] {
        let days = statutory_holidays(year).unwrap();
        assert!(days.len() >= 12, "{year}: {days:?}");
        for (day, name, _) in days {
            let ov = cal.year(year).unwrap().override_on(day);
            assert_eq!(
                ov.map(|o| o.kind),
                Some(OverrideKind::Holiday),
                "{year}: statutory {name} on {day} is not a holiday of the notice"
            );
            let notice_name = ov.and_then(|o| o.name.as_deref()).unwrap_or_default();
            // The festival names agree (the notice may join two, e.g. 国庆节、中秋节).
            assert!(
                name.split('、').any(|n| notice_name.contains(n)),
                "{day}: {name} vs {notice_name}"
            );
        }
    }
}

#[test]
fn the_2025_statutory_days_are_exactly_the_regulations_list() {
    let days: Vec<String> = statutory_holidays(2025)
        .unwrap()
        .into_iter()
        .map(|(d, n, _)| format!("{d} {n}"))
        .collect();
    #[rustfmt::skip]
    let expected = [
        "2025-01-01 元旦",
        "2025-01-28 春节", "2025-01-29 春节", "2025-01-30 春节", "2025-01-31 春节",
        "2025-04-04 清明节",
        "2025-05-01 劳动节", "2025-05-02 劳动节",
        "2025-05-31 端午节",
        "2025-10-01 国庆节", "2025-10-02 国庆节", "2025-10-03 国庆节",
        "2025-10-06 中秋节",
    ];
    assert_eq!(days, expected);
}

#[test]
fn the_2026_statutory_days_are_exactly_the_regulations_list() {
    // Containment in the notice alone would let a festival one day off pass (the notice rests
    // around it); the exact list does not.
    let days: Vec<String> = statutory_holidays(2026)
        .unwrap()
        .into_iter()
        .map(|(d, n, _)| format!("{d} {n}"))
        .collect();
    #[rustfmt::skip]
    let expected = [
        "2026-01-01 元旦",
        "2026-02-16 春节", "2026-02-17 春节", "2026-02-18 春节", "2026-02-19 春节",
        "2026-04-05 清明节",
        "2026-05-01 劳动节", "2026-05-02 劳动节",
        "2026-06-19 端午节",
        "2026-09-25 中秋节",
        "2026-10-01 国庆节", "2026-10-02 国庆节", "2026-10-03 国庆节",
    ];
    assert_eq!(days, expected);
}

#[test]
fn mid_autumn_on_national_day_is_one_day_with_both_names() {
    // 2028: Mid-Autumn on Tuesday October 3.
    let days = statutory_holidays(2028).unwrap();
    assert_eq!(days.len(), 12);
    let (_, zh, en) = days
        .iter()
        .find(|(d, ..)| *d == date!(2028 - 10 - 03))
        .unwrap();
    assert_eq!(zh, "国庆节、中秋节");
    assert_eq!(en, "National Day and Mid-Autumn Festival");
}

#[test]
fn the_table_has_one_row_per_year_in_order() {
    let years: Vec<i32> = TABLE.iter().map(|r| r.0).collect();
    let expected: Vec<i32> = (FIRST_YEAR..=LAST_YEAR).collect();
    assert_eq!(years, expected);
    assert!(!covers(FIRST_YEAR - 1) && !covers(LAST_YEAR + 1));
    assert!(statutory_year(LAST_YEAR + 1).is_none());
}

fn lunar_new_year(year: i32) -> Date {
    let row = TABLE.iter().find(|r| r.0 == year).unwrap();
    let (m, d) = row.1;
    Date::from_calendar_date(year, Month::try_from(m).unwrap(), d).unwrap()
}

#[test]
fn lunar_dates_keep_the_lunar_calendars_regularities() {
    for row in TABLE {
        let (year, _, qingming, (db_m, db_d), (ma_m, ma_d)) = row;
        let new_year = lunar_new_year(year);
        // The lunar new year falls between January 21 and February 20.
        assert!(
            (date!(2000 - 01 - 21).ordinal()..=date!(2000 - 02 - 20).ordinal())
                .contains(&new_year.ordinal()),
            "{year}: {new_year}"
        );
        // Qingming is April 4, 5 or 6.
        assert!(
            (4..=6).contains(&qingming),
            "{year}: Qingming April {qingming}"
        );
        let dragon = Date::from_calendar_date(year, Month::try_from(db_m).unwrap(), db_d).unwrap();
        let mid = Date::from_calendar_date(year, Month::try_from(ma_m).unwrap(), ma_d).unwrap();
        // Lunar months have 29 or 30 days, and a year has at most one leap month, which adds
        // one month to the interval it falls in. 1/1 → 5/5 is 4 months + 4 days: 120–124 days,
        // 149–154 with a leap month; 5/5 → 8/15 is 3 months + 10 days: 97–100 or 126–130.
        let to_dragon = (dragon - new_year).whole_days();
        let dragon_to_mid = (mid - dragon).whole_days();
        let in_either = |d: i64, plain: (i64, i64), leap: (i64, i64)| {
            (plain.0..=plain.1).contains(&d) || (leap.0..=leap.1).contains(&d)
        };
        assert!(
            in_either(to_dragon, (120, 124), (149, 154)),
            "{year}: {to_dragon}"
        );
        assert!(
            in_either(dragon_to_mid, (97, 100), (126, 130)),
            "{year}: {dragon_to_mid}"
        );
        // A lunar year has 12 or 13 months: 353–355 or 383–385 days.
        if year < LAST_YEAR {
            let next = lunar_new_year(year + 1);
            let len = (next - new_year).whole_days();
            assert!(
                in_either(len, (353, 355), (383, 385)),
                "{year}: lunar year of {len} days"
            );
            // 8/15 → next 1/1: the rest of the 8th month (15 or 16 days) and 4 months.
            let mid_to_next = (next - mid).whole_days();
            assert!(
                in_either(mid_to_next, (131, 136), (160, 166)),
                "{year}: {mid_to_next}"
            );
        }
    }
}

#[test]
fn a_provisional_year_names_its_source_and_has_no_makeup_workdays() {
    let year = statutory_year(2027).unwrap();
    assert_eq!(year.source().title, SOURCE_TITLE);
    assert!(
        year.overrides()
            .all(|(_, o)| o.kind == OverrideKind::Holiday)
    );
    // The JSON layout round-trips, so a provisional year can be exported for comparison.
    let json = year.to_json().unwrap();
    assert_eq!(YearCalendar::from_json(&json).unwrap(), year);
}

#[test]
fn the_2026_notice_differs_from_its_provisional_year_by_bridging_days_and_makeups() {
    let cal = Calendar::builtin().unwrap();
    let diff = compare(cal.year(2026).unwrap()).unwrap();
    let dates = |v: &[Date]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
    // Weekday rest days the notice adds around the statutory ones.
    #[rustfmt::skip]
    assert_eq!(
        dates(&diff.extra_rest_days),
        [
            "2026-01-02",
            "2026-02-20", "2026-02-23",
            "2026-04-06",
            "2026-05-04", "2026-05-05",
            "2026-10-05", "2026-10-06", "2026-10-07",
        ]
    );
    assert_eq!(
        dates(&diff.makeup_workdays),
        [
            "2026-01-04",
            "2026-02-14",
            "2026-02-28",
            "2026-05-09",
            "2026-09-20",
            "2026-10-10"
        ]
    );
    assert!(diff.statutory_days_missing.is_empty());
    assert!(!diff.is_empty());
}

#[test]
fn a_notice_without_a_statutory_holiday_is_flagged() {
    let json = r#"{"year": 2027, "source": {"title": "t", "issued_on": "2026-11-01"},
        "overrides": [{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}]}"#;
    let diff = compare(&YearCalendar::from_json(json).unwrap()).unwrap();
    // Everything but New Year's Day is missing: 4 + 1 + 2 + 1 + 3 + 1 = 12 days.
    assert_eq!(diff.statutory_days_missing.len(), 12);
    assert!(diff.extra_rest_days.is_empty() && diff.makeup_workdays.is_empty());
    // The provisional year compared with itself differs in nothing.
    assert!(compare(&statutory_year(2027).unwrap()).unwrap().is_empty());
    let far =
        r#"{"year": 2060, "source": {"title": "t", "issued_on": "2059-11-01"}, "overrides": []}"#;
    assert_eq!(compare(&YearCalendar::from_json(far).unwrap()), None);
}

fn provisional_day() -> impl Strategy<Value = Date> {
    (0_i64..=i64::from(LAST_YEAR - 2027 + 1) * 365 - 1)
        .prop_map(|d| date!(2027 - 01 - 01) + Duration::days(d))
}

proptest! {
    #[test]
    fn provisional_days_are_statutory_holidays_weekends_or_workdays(day in provisional_day()) {
        let cal = Calendar::builtin().unwrap();
        let kind = cal.day_kind(day).unwrap();
        let statutory = statutory_holidays(day.year())
            .unwrap()
            .iter()
            .any(|(d, ..)| *d == day);
        let weekend = matches!(day.weekday(), time::Weekday::Saturday | time::Weekday::Sunday);
        let expected = match (statutory, weekend) {
            (true, _) => DayKind::Holiday,
            (false, true) => DayKind::Weekend,
            (false, false) => DayKind::Workday,
        };
        prop_assert_eq!(kind, expected);
    }

    #[test]
    fn provisional_deadlines_count_back_to_their_length_and_say_so(
        day in provisional_day(), n in 1_u32..=60,
    ) {
        let cal = Calendar::builtin().unwrap();
        let Ok(d) = cal.deadline(day, TimeLimit::working_days(n), &[]) else {
            // Only a deadline running past the table's last year may fail.
            prop_assert!(day.year() == LAST_YEAR);
            return Ok(());
        };
        prop_assert!(d.provisional);
        prop_assert!(cal.is_working_day(d.due).unwrap());
        prop_assert_eq!(cal.working_days_between(day, d.due, &[]).unwrap(), n);
    }
}
