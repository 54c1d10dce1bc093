//! Provisional years: what a year looks like before its State Council notice is published.
//!
//! The annual notice (国务院办公厅关于YYYY年部分节假日安排的通知) arrives in November or later,
//! while a case accepted in December already has deadlines in the next year. Refusing to count
//! them stopped every clock each December (issue #18). The statutory holidays themselves are
//! fixed by the national holiday regulations (《全国年节及纪念日放假办法》, as revised by 国务院令
//! 第795号 in 2024, in force from 2025): New Year's Day 1 day, Spring Festival 4 days (New Year's
//! Eve and the first three days of the lunar year), Qingming 1 (the solar-term day), Labour Day
//! 2 (May 1–2), Dragon Boat 1 (5th day of the 5th lunar month), Mid-Autumn 1 (15th day of the
//! 8th lunar month), National Day 3 (October 1–3). Every notice keeps these days off and only
//! adds bridging rest days and make-up workdays around them, so a year built from them alone
//! (plus weekends) is the best date that can be given, and is marked provisional everywhere it
//! is used; importing the notice replaces it.
//!
//! The lunar and solar-term dates are a table, not an astronomical computation: the table was
//! generated with two independent libraries (lunar-python and lunardate for the lunar dates,
//! lunar-python and sxtwl for Qingming) which agreed on every row, and the tests check the
//! 2025 and 2026 rows against the shipped notices. Past [`LAST_YEAR`] there is no table, and a
//! deadline reaching that far is [`super::CalendarError::YearNotLoaded`] as before.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use time::{Date, Month};

use super::year::{Override, OverrideKind, SourceNotice, YearCalendar};

/// First year the table (and the 2024 revision of the regulations) covers.
pub const FIRST_YEAR: i32 = 2025;
/// Last year the table covers.
pub const LAST_YEAR: i32 = 2050;

/// Title of the regulations a provisional year comes from (the source shown for its holidays).
pub const SOURCE_TITLE: &str = "全国年节及纪念日放假办法（法定节假日，暂定）";

/// One row: year, lunar new year (month, day), Qingming (April day), Dragon Boat (month, day),
/// Mid-Autumn (month, day), all Gregorian dates in that year.
type Row = (i32, (u8, u8), u8, (u8, u8), (u8, u8));

#[rustfmt::skip]
const TABLE: [Row; 26] = [
    (2025, (1, 29), 4, (5, 31), (10, 6)),
    (2026, (2, 17), 5, (6, 19), (9, 25)),
    (2027, (2, 6), 5, (6, 9), (9, 15)),
    (2028, (1, 26), 4, (5, 28), (10, 3)),
    (2029, (2, 13), 4, (6, 16), (9, 22)),
    (2030, (2, 3), 5, (6, 5), (9, 12)),
    (2031, (1, 23), 5, (6, 24), (10, 1)),
    (2032, (2, 11), 4, (6, 12), (9, 19)),
    (2033, (1, 31), 4, (6, 1), (9, 8)),
    (2034, (2, 19), 5, (6, 20), (9, 27)),
    (2035, (2, 8), 5, (6, 10), (9, 16)),
    (2036, (1, 28), 4, (5, 30), (10, 4)),
    (2037, (2, 15), 4, (6, 18), (9, 24)),
    (2038, (2, 4), 5, (6, 7), (9, 13)),
    (2039, (1, 24), 5, (5, 27), (10, 2)),
    (2040, (2, 12), 4, (6, 14), (9, 20)),
    (2041, (2, 1), 4, (6, 3), (9, 10)),
    (2042, (1, 22), 4, (6, 22), (9, 28)),
    (2043, (2, 10), 5, (6, 11), (9, 17)),
    (2044, (1, 30), 4, (5, 31), (10, 5)),
    (2045, (2, 17), 4, (6, 19), (9, 25)),
    (2046, (2, 6), 4, (6, 8), (9, 15)),
    (2047, (1, 26), 5, (5, 29), (10, 4)),
    (2048, (2, 14), 4, (6, 15), (9, 22)),
    (2049, (2, 2), 4, (6, 4), (9, 11)),
    (2050, (1, 23), 4, (6, 23), (9, 30)),
];

/// Whether the table covers `year`.
#[must_use]
pub fn covers(year: i32) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&year)
}

/// The statutory holidays of `year` under the regulations, with Chinese and English names, in
/// date order; `None` outside the table. A day that is two holidays at once (Mid-Autumn on
/// October 1–3) carries both names, as the notices write it.
#[must_use]
pub fn statutory_holidays(year: i32) -> Option<Vec<(Date, String, String)>> {
    let (_, new_year, qingming, dragon_boat, mid_autumn) =
        *TABLE.iter().find(|row| row.0 == year)?;
    let day = |(m, d): (u8, u8)| {
        Month::try_from(m)
            .ok()
            .and_then(|m| Date::from_calendar_date(year, m, d).ok())
    };
    let lunar_new_year = day(new_year)?;
    let eve = lunar_new_year.previous_day()?;
    let mut days: BTreeMap<Date, (String, String)> = BTreeMap::new();
    let mut add = |date: Date, zh: &str, en: &str| {
        days.entry(date)
            .and_modify(|(z, e)| {
                // Only Mid-Autumn can fall on another holiday (October 1–3), and the 2025
                // notice names such days "国庆节、中秋节": National Day is added first.
                *z = format!("{z}、{zh}");
                *e = format!("{e} and {en}");
            })
            .or_insert_with(|| (zh.to_owned(), en.to_owned()));
    };
    add(day((1, 1))?, "元旦", "New Year's Day");
    let spring = [
        Some(eve),
        Some(lunar_new_year),
        lunar_new_year.next_day(),
        lunar_new_year.next_day()?.next_day(),
    ];
    for d in spring {
        add(d?, "春节", "Spring Festival");
    }
    add(day((4, qingming))?, "清明节", "Qingming Festival");
    add(day((5, 1))?, "劳动节", "Labour Day");
    add(day((5, 2))?, "劳动节", "Labour Day");
    add(day(dragon_boat)?, "端午节", "Dragon Boat Festival");
    for d in 1..=3 {
        add(day((10, d))?, "国庆节", "National Day");
    }
    add(day(mid_autumn)?, "中秋节", "Mid-Autumn Festival");
    Some(
        days.into_iter()
            .map(|(date, (zh, en))| (date, zh, en))
            .collect(),
    )
}

/// The provisional year built from [`statutory_holidays`]: those days off, no make-up workdays.
#[must_use]
pub fn statutory_year(year: i32) -> Option<YearCalendar> {
    let overrides = statutory_holidays(year)?
        .into_iter()
        .map(|(date, zh, en)| {
            let ov = Override {
                kind: OverrideKind::Holiday,
                name: Some(zh),
                name_en: Some(en),
            };
            (date, ov)
        })
        .collect();
    let source = SourceNotice {
        title: SOURCE_TITLE.to_owned(),
        document_number: Some("国务院令第795号".to_owned()),
        issued_on: time::macros::date!(2024 - 11 - 10),
    };
    Some(YearCalendar::from_parts(year, source, overrides))
}

/// How a year's notice differs from the provisional year it replaces: what an administrator
/// checks before importing it (and what moves the provisional deadlines).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct NoticeDifference {
    /// Days the notice gives off beyond the statutory holidays (bridging days of 调休), which
    /// were working days in the provisional year.
    #[serde(serialize_with = "iso_dates")]
    pub extra_rest_days: Vec<Date>,
    /// Weekend days the notice makes working days (调休上班), which were rest days.
    #[serde(serialize_with = "iso_dates")]
    pub makeup_workdays: Vec<Date>,
    /// Statutory holidays the notice does not list as holidays: the regulations fix them, so
    /// this is almost surely a mistake in the file and the page shows it as a warning.
    #[serde(serialize_with = "iso_dates")]
    pub statutory_days_missing: Vec<Date>,
}

impl NoticeDifference {
    /// Whether the notice classifies every day as the provisional year did.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.extra_rest_days.is_empty()
            && self.makeup_workdays.is_empty()
            && self.statutory_days_missing.is_empty()
    }
}

fn iso_dates<S: serde::Serializer>(dates: &[Date], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(dates.iter().map(ToString::to_string))
}

/// The difference between `notice` and the provisional year of the same number; `None` when
/// the statutory table does not cover that year.
#[must_use]
pub fn compare(notice: &YearCalendar) -> Option<NoticeDifference> {
    let statutory = statutory_year(notice.year())?;
    let mut diff = NoticeDifference::default();
    for (date, ov) in notice.overrides() {
        match ov.kind {
            OverrideKind::Holiday if statutory.override_on(date).is_none() => {
                if !super::year::is_weekend(date) {
                    diff.extra_rest_days.push(date);
                }
            }
            OverrideKind::MakeupWorkday => diff.makeup_workdays.push(date),
            OverrideKind::Holiday => {}
        }
    }
    diff.statutory_days_missing = statutory
        .overrides()
        .map(|(date, _)| date)
        .filter(|date| notice.override_on(*date).map(|o| o.kind) != Some(OverrideKind::Holiday))
        .collect();
    Some(diff)
}

/// The provisional years, built once: they are the same for every calendar.
pub(crate) fn cached(year: i32) -> Option<&'static YearCalendar> {
    static YEARS: OnceLock<BTreeMap<i32, YearCalendar>> = OnceLock::new();
    YEARS
        .get_or_init(|| {
            (FIRST_YEAR..=LAST_YEAR)
                .filter_map(|y| statutory_year(y).map(|c| (y, c)))
                .collect()
        })
        .get(&year)
}

#[cfg(test)]
#[path = "provisional_tests.rs"]
mod tests;
