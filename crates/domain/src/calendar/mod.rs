//! Working-day calendar and statutory deadlines.
//!
//! Licensing Law Art. 82 counts time limits in working days, excluding statutory holidays, and
//! which days are holidays changes every year by State Council notice (domain.md §6). This
//! module keeps those notices as data (one JSON file per year), answers "is this a working
//! day?", and computes deadlines under Civil Code Art. 201–203 with clock pauses (Art. 45) and
//! extensions (Art. 42), together with an explanation a clerk or applicant can check by hand.
//!
//! Rules kept here:
//! - Pure: no clock, no I/O. The caller passes every date.
//! - Guess only in the open: a date in a year whose notice is not loaded is counted with that
//!   year's statutory holidays and weekends ([`provisional`]), and every deadline, count and
//!   explanation that touched such a year says it is provisional (暂定), because the notice may
//!   add bridging rest days or make-up workdays. Importing the notice replaces the guess. A year
//!   the statutory table does not cover is [`CalendarError::YearNotLoaded`].
//! - History stays: a year in force changes only for days after today, through a checked
//!   [`Correction`], and the calendar keeps what it replaced so a case decided earlier keeps
//!   the dates it was decided under ([`Calendar::in_force_at`]).

pub mod cli;
mod correction;
mod deadline;
mod explain;
mod iso;
mod limit;
pub mod provisional;
mod year;

#[cfg(test)]
mod proptests;

use std::borrow::Cow;
use std::collections::BTreeMap;

use time::{Date, OffsetDateTime};

pub use cli::{CliArgError, parse_date_arg, parse_pause_arg, parse_unit_arg, render_deadline_cli};
pub use correction::{Correction, CorrectionError, YearChange};
pub use deadline::Deadline;
pub use explain::{Anchor, Explanation, HolidaySpan, PausedSpan, Segment, SegmentKind};
pub(crate) use iso::iso_date;
pub use limit::{LimitUnit, Pause, TimeLimit};
pub use year::{Override, OverrideKind, SourceNotice, YearCalendar, YearDataError};

/// Years shipped with the crate, from the State Council notices (domain.md §6).
const BUILTIN_YEARS: [&str; 2] = [
    include_str!("../../data/calendar/2025.json"),
    include_str!("../../data/calendar/2026.json"),
];

/// Why a calendar question could not be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The question needs a day of a year whose holiday notice is not loaded.
    #[error("the working-day calendar for {0} is not loaded")]
    YearNotLoaded(i32),
    /// A pause whose end is before its start.
    #[error("pause ends on {to}, before it starts on {from}")]
    InvalidPause {
        /// First paused day.
        from: Date,
        /// Last paused day.
        to: Date,
    },
    /// Date arithmetic left the range of representable dates.
    #[error("the computation left the range of representable dates")]
    DateOutOfRange,
    /// Exporting a year failed.
    #[error("could not export the calendar for {year}: {message}")]
    Export {
        /// Year being exported.
        year: i32,
        /// What the serialiser reported.
        message: String,
    },
}

/// The kind of one day, after applying the year's overrides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayKind {
    /// Monday–Friday without override.
    Workday,
    /// Saturday or Sunday worked by 调休; counts as a working day.
    MakeupWorkday,
    /// Saturday or Sunday without override.
    Weekend,
    /// Statutory holiday or 调休 rest day, on any day of the week.
    Holiday,
}

impl DayKind {
    /// Whether the bureau works on this day, so that it counts toward working-day limits.
    #[must_use]
    pub const fn is_working(self) -> bool {
        matches!(self, Self::Workday | Self::MakeupWorkday)
    }
}

/// The loaded years of the working-day calendar, and the years corrections replaced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    years: BTreeMap<i32, YearCalendar>,
    /// Years replaced by an approved [`Correction`], oldest approval first.
    superseded: Vec<Superseded>,
}

/// A year as it was until a correction replaced it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Superseded {
    /// When the correction took effect.
    approved_at: OffsetDateTime,
    year: YearCalendar,
}

impl Calendar {
    /// A calendar with no year loaded: every year the statutory table covers is provisional,
    /// every other one fails with [`CalendarError::YearNotLoaded`].
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The calendar with the years shipped in `data/calendar/` (2025 and 2026).
    ///
    /// # Errors
    /// Only if the shipped data is invalid, which the crate's tests rule out.
    pub fn builtin() -> Result<Self, YearDataError> {
        let mut calendar = Self::new();
        for json in BUILTIN_YEARS {
            calendar.load_year_json(json)?;
        }
        Ok(calendar)
    }

    /// Parses, validates and loads one year, replacing that year if it was already loaded (the
    /// callers refuse that for a year in force: see [`Correction`]). Returns the year loaded.
    ///
    /// # Errors
    /// [`YearDataError`] when the data is refused; the calendar is then unchanged.
    pub fn load_year_json(&mut self, json: &str) -> Result<i32, YearDataError> {
        let year = YearCalendar::from_json(json)?;
        let number = year.year();
        self.insert_year(year);
        Ok(number)
    }

    /// Loads an already validated year, returning the one it replaces.
    pub fn insert_year(&mut self, year: YearCalendar) -> Option<YearCalendar> {
        self.years.insert(year.year(), year)
    }

    /// Applies an approved correction at `approved_at`, keeping the year it replaces so that
    /// [`Calendar::in_force_at`] can still answer for earlier instants.
    ///
    /// # Errors
    /// [`CalendarError::YearNotLoaded`] when the corrected year is not loaded (a year not in
    /// force is imported, not corrected).
    pub fn correct(
        &mut self,
        correction: Correction,
        approved_at: OffsetDateTime,
    ) -> Result<(), CalendarError> {
        let replacement = correction.into_replacement();
        let number = replacement.year();
        let old = self
            .years
            .insert(number, replacement)
            .ok_or(CalendarError::YearNotLoaded(number))?;
        self.remember_superseded(old, approved_at);
        Ok(())
    }

    /// Records that `year` was in force until a correction approved at `approved_at` (how a
    /// calendar is rebuilt from stored corrections; the years themselves are loaded as they are
    /// now).
    pub fn remember_superseded(&mut self, year: YearCalendar, approved_at: OffsetDateTime) {
        let at = self
            .superseded
            .partition_point(|s| s.approved_at <= approved_at);
        self.superseded.insert(at, Superseded { approved_at, year });
    }

    /// The calendar as it stood at `at`: every correction approved after `at` undone. Years
    /// loaded after `at` by a plain import are kept (they had no earlier version), so a deadline
    /// reaching into them can still be counted.
    #[must_use]
    pub fn in_force_at(&self, at: OffsetDateTime) -> Cow<'_, Calendar> {
        let later = self.superseded.partition_point(|s| s.approved_at <= at);
        let Some(undo) = self.superseded.get(later..).filter(|u| !u.is_empty()) else {
            return Cow::Borrowed(self);
        };
        let mut years = self.years.clone();
        for s in undo.iter().rev() {
            years.insert(s.year.year(), s.year.clone());
        }
        Cow::Owned(Calendar {
            years,
            superseded: self.superseded.get(..later).unwrap_or_default().to_vec(),
        })
    }

    /// Exports one loaded year in the layout [`Calendar::load_year_json`] reads.
    ///
    /// # Errors
    /// [`CalendarError::YearNotLoaded`] when the year is not loaded.
    pub fn to_year_json(&self, year: i32) -> Result<String, CalendarError> {
        self.year(year)
            .ok_or(CalendarError::YearNotLoaded(year))?
            .to_json()
            .map_err(|e| CalendarError::Export {
                year,
                message: e.to_string(),
            })
    }

    /// One loaded year.
    #[must_use]
    pub fn year(&self, year: i32) -> Option<&YearCalendar> {
        self.years.get(&year)
    }

    /// The loaded years, ascending.
    pub fn loaded_years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.keys().copied()
    }

    /// The years corrections replaced, each with the instant its correction took effect,
    /// oldest first (what [`Calendar::remember_superseded`] rebuilds a calendar from).
    pub fn superseded(&self) -> impl Iterator<Item = (OffsetDateTime, &YearCalendar)> + '_ {
        self.superseded.iter().map(|s| (s.approved_at, &s.year))
    }

    /// The year that classifies the days of `year`: its loaded notice, else the provisional
    /// year of statutory holidays ([`provisional`]).
    ///
    /// # Errors
    /// [`CalendarError::YearNotLoaded`] when the year is neither loaded nor in the statutory
    /// table.
    pub fn year_in_use(&self, year: i32) -> Result<&YearCalendar, CalendarError> {
        self.year(year)
            .or_else(|| provisional::cached(year))
            .ok_or(CalendarError::YearNotLoaded(year))
    }

    /// Whether the days of `year` are counted provisionally: no notice is loaded for it, but
    /// its statutory holidays are known.
    #[must_use]
    pub fn is_provisional(&self, year: i32) -> bool {
        self.year(year).is_none() && provisional::covers(year)
    }

    /// The provisional years among the years of `from` through `to`, ascending.
    #[must_use]
    pub fn provisional_years(&self, from: Date, to: Date) -> Vec<i32> {
        (from.year()..=to.year())
            .filter(|y| self.is_provisional(*y))
            .collect()
    }

    /// The override on `date`, if any (in a provisional year: its statutory holiday).
    ///
    /// # Errors
    /// [`CalendarError::YearNotLoaded`] when `date`'s year is neither loaded nor provisional.
    pub fn override_on(&self, date: Date) -> Result<Option<&Override>, CalendarError> {
        Ok(self.year_in_use(date.year())?.override_on(date))
    }

    /// What kind of day `date` is: Monday–Friday work unless a holiday, Saturday and Sunday
    /// rest unless a make-up workday.
    ///
    /// # Errors
    /// [`CalendarError::YearNotLoaded`] when `date`'s year is neither loaded nor provisional.
    pub fn day_kind(&self, date: Date) -> Result<DayKind, CalendarError> {
        Ok(classify(date, self.override_on(date)?))
    }

    /// Whether `date` is a working day.
    ///
    /// # Errors
    /// [`CalendarError::YearNotLoaded`] when `date`'s year is neither loaded nor provisional.
    pub fn is_working_day(&self, date: Date) -> Result<bool, CalendarError> {
        Ok(self.day_kind(date)?.is_working())
    }
}

fn classify(date: Date, ov: Option<&Override>) -> DayKind {
    match (ov.map(|o| o.kind), year::is_weekend(date)) {
        (Some(OverrideKind::Holiday), _) => DayKind::Holiday,
        (Some(OverrideKind::MakeupWorkday), _) => DayKind::MakeupWorkday,
        (None, true) => DayKind::Weekend,
        (None, false) => DayKind::Workday,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn builtin() -> Calendar {
        Calendar::builtin().unwrap()
    }

    /// Dates of one kind in one year, as listed in the shipped data.
    fn dates_of(calendar: &Calendar, year: i32, kind: OverrideKind) -> Vec<String> {
        calendar
            .year(year)
            .unwrap()
            .overrides()
            .filter(|(_, o)| o.kind == kind)
            .map(|(d, _)| d.to_string())
            .collect()
    }

    #[test]
    fn builtin_calendar_loads_2025_and_2026() {
        let years: Vec<_> = builtin().loaded_years().collect();
        assert_eq!(years, vec![2025, 2026]);
    }

    #[test]
    fn builtin_2025_matches_the_notice_table() {
        let cal = builtin();
        // domain.md §6: Jan 1; Jan 28–Feb 4; Apr 4–6; May 1–5; May 31–Jun 2; Oct 1–8.
        #[rustfmt::skip]
        let holidays = [
            "2025-01-01",
            "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31",
            "2025-02-01", "2025-02-02", "2025-02-03", "2025-02-04",
            "2025-04-04", "2025-04-05", "2025-04-06",
            "2025-05-01", "2025-05-02", "2025-05-03", "2025-05-04", "2025-05-05",
            "2025-05-31", "2025-06-01", "2025-06-02",
            "2025-10-01", "2025-10-02", "2025-10-03", "2025-10-04",
            "2025-10-05", "2025-10-06", "2025-10-07", "2025-10-08",
        ];
        let makeups = [
            "2025-01-26",
            "2025-02-08",
            "2025-04-27",
            "2025-09-28",
            "2025-10-11",
        ];
        assert_eq!(dates_of(&cal, 2025, OverrideKind::Holiday), holidays);
        assert_eq!(dates_of(&cal, 2025, OverrideKind::MakeupWorkday), makeups);
        let source = cal.year(2025).unwrap().source();
        assert_eq!(
            source.document_number.as_deref(),
            Some("国办发明电〔2024〕12号")
        );
        assert_eq!(source.issued_on, date!(2024 - 11 - 12));
    }

    #[test]
    fn builtin_2026_matches_the_notice_table() {
        let cal = builtin();
        // domain.md §6: Jan 1–3; Feb 15–23; Apr 4–6; May 1–5; Jun 19–21; Sep 25–27; Oct 1–7.
        #[rustfmt::skip]
        let holidays = [
            "2026-01-01", "2026-01-02", "2026-01-03",
            "2026-02-15", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19",
            "2026-02-20", "2026-02-21", "2026-02-22", "2026-02-23",
            "2026-04-04", "2026-04-05", "2026-04-06",
            "2026-05-01", "2026-05-02", "2026-05-03", "2026-05-04", "2026-05-05",
            "2026-06-19", "2026-06-20", "2026-06-21",
            "2026-09-25", "2026-09-26", "2026-09-27",
            "2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04",
            "2026-10-05", "2026-10-06", "2026-10-07",
        ];
        #[rustfmt::skip]
        let makeups = [
            "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
        ];
        assert_eq!(dates_of(&cal, 2026, OverrideKind::Holiday), holidays);
        assert_eq!(dates_of(&cal, 2026, OverrideKind::MakeupWorkday), makeups);
        let source = cal.year(2026).unwrap().source();
        assert_eq!(source.title, "国务院办公厅关于2026年部分节假日安排的通知");
        assert_eq!(source.issued_on, date!(2025 - 11 - 04));
    }

    #[test]
    fn builtin_holidays_carry_their_names() {
        let cal = builtin();
        let name = |d| cal.override_on(d).unwrap().unwrap().name.clone().unwrap();
        assert_eq!(name(date!(2026 - 02 - 17)), "春节");
        assert_eq!(name(date!(2026 - 09 - 26)), "中秋节");
        assert_eq!(name(date!(2026 - 10 - 07)), "国庆节");
        assert_eq!(name(date!(2025 - 10 - 06)), "国庆节、中秋节");
    }

    #[test]
    fn day_kinds_follow_weekday_rule_and_overrides() {
        let cal = builtin();
        // 2026-09-15 Tuesday, 2026-09-19 Saturday, 2026-09-20 Sunday worked, 2026-10-01 Thursday off.
        assert_eq!(cal.day_kind(date!(2026 - 09 - 15)), Ok(DayKind::Workday));
        assert_eq!(cal.day_kind(date!(2026 - 09 - 19)), Ok(DayKind::Weekend));
        assert_eq!(
            cal.day_kind(date!(2026 - 09 - 20)),
            Ok(DayKind::MakeupWorkday)
        );
        assert_eq!(cal.day_kind(date!(2026 - 10 - 01)), Ok(DayKind::Holiday));
        // A holiday on a Saturday is still a holiday.
        assert_eq!(cal.day_kind(date!(2026 - 10 - 03)), Ok(DayKind::Holiday));
        assert_eq!(cal.is_working_day(date!(2026 - 09 - 20)), Ok(true));
        assert_eq!(cal.is_working_day(date!(2026 - 10 - 01)), Ok(false));
    }

    #[test]
    fn day_outside_loaded_and_statutory_years_is_an_error_at_both_ends() {
        let cal = builtin();
        assert_eq!(
            cal.day_kind(date!(2024 - 12 - 31)),
            Err(CalendarError::YearNotLoaded(2024))
        );
        assert_eq!(
            cal.is_working_day(date!(2051 - 01 - 02)),
            Err(CalendarError::YearNotLoaded(2051))
        );
    }

    #[test]
    fn unloaded_year_counts_its_statutory_holidays_and_weekends() {
        let cal = builtin();
        assert!(cal.is_provisional(2027));
        assert!(!cal.is_provisional(2026));
        assert!(!cal.is_provisional(2024));
        // 2027-01-01 Friday: New Year's Day; 01-02 Saturday; 01-04 Monday.
        assert_eq!(cal.day_kind(date!(2027 - 01 - 01)), Ok(DayKind::Holiday));
        assert_eq!(cal.day_kind(date!(2027 - 01 - 02)), Ok(DayKind::Weekend));
        assert_eq!(cal.day_kind(date!(2027 - 01 - 04)), Ok(DayKind::Workday));
        // 2027-02-05 Friday is New Year's Eve (lunar new year 02-06).
        assert_eq!(cal.day_kind(date!(2027 - 02 - 05)), Ok(DayKind::Holiday));
        assert_eq!(
            cal.provisional_years(date!(2026 - 12 - 01), date!(2028 - 01 - 01)),
            vec![2027, 2028]
        );
        assert_eq!(
            cal.year_in_use(2027).unwrap().source().title,
            provisional::SOURCE_TITLE
        );
    }

    #[test]
    fn empty_calendar_counts_every_statutory_year_provisionally() {
        let cal = Calendar::new();
        assert!(cal.is_provisional(2026));
        // 2026-10-01 Thursday is National Day; 2026-10-05 Monday is a bridging rest day under
        // the notice but a working day without it.
        assert_eq!(cal.day_kind(date!(2026 - 10 - 01)), Ok(DayKind::Holiday));
        assert_eq!(cal.day_kind(date!(2026 - 10 - 05)), Ok(DayKind::Workday));
        assert_eq!(
            builtin().day_kind(date!(2026 - 10 - 05)),
            Ok(DayKind::Holiday)
        );
    }

    #[test]
    fn importing_a_year_ends_its_provisional_counting() {
        let mut cal = builtin();
        let json = r#"{"year": 2027, "source": {"title": "通知", "issued_on": "2026-11-01"},
            "overrides": [{"date": "2027-01-04", "kind": "holiday", "name": "元旦"}]}"#;
        cal.load_year_json(json).unwrap();
        assert!(!cal.is_provisional(2027));
        assert_eq!(cal.day_kind(date!(2027 - 01 - 04)), Ok(DayKind::Holiday));
        // The notice, not the statute, now decides: 2027-01-01 is not in this file.
        assert_eq!(cal.day_kind(date!(2027 - 01 - 01)), Ok(DayKind::Workday));
    }

    #[test]
    fn exported_builtin_years_reload_to_the_same_calendar() {
        let cal = builtin();
        let mut reloaded = Calendar::new();
        for year in [2025, 2026] {
            let json = cal.to_year_json(year).unwrap();
            assert_eq!(reloaded.load_year_json(&json).unwrap(), year);
        }
        assert_eq!(reloaded, cal);
    }

    #[test]
    fn exporting_an_unloaded_year_is_an_error() {
        assert_eq!(
            builtin().to_year_json(2027),
            Err(CalendarError::YearNotLoaded(2027))
        );
    }

    #[test]
    fn importing_a_year_replaces_it_and_refused_data_changes_nothing() {
        let mut cal = builtin();
        let before = cal.clone();
        assert!(cal.load_year_json("{}").is_err());
        assert_eq!(cal, before);
        let json = r#"{"year": 2026, "source": {"title": "更正", "issued_on": "2025-12-01"},
            "overrides": [{"date": "2026-03-02", "kind": "holiday", "name": "测试"}]}"#;
        assert_eq!(cal.load_year_json(json).unwrap(), 2026);
        assert_eq!(cal.day_kind(date!(2026 - 03 - 02)), Ok(DayKind::Holiday));
        // The replaced year's overrides are gone.
        assert_eq!(cal.day_kind(date!(2026 - 10 - 01)), Ok(DayKind::Workday));
    }
}
