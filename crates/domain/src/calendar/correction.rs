//! Changing a year of the calendar that is already in force.
//!
//! Every statutory deadline already counted rests on the days of the calendar up to today: a
//! case decided, a notice missed, a delivery late were all judged against them. Rewriting those
//! days afterwards would silently move past deadlines (a case made punctual, an overdue one made
//! timely), so the days up to today are history and never change. A State Council notice can
//! still be corrected for the days ahead, but only as a *correction* that is checked here, and
//! the calendar remembers the year it replaced and when, so a case decided before the
//! correction keeps the dates it was decided under ([`super::Calendar::in_force_at`]).
//!
//! Pure like the rest of the calendar: the caller passes `today` and the approval instant.

use time::Date;

use super::year::YearCalendar;

/// How a replacement year differs from the year in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearChange {
    year: i32,
    days: Vec<Date>,
    source_changed: bool,
}

impl YearChange {
    /// The differences between `current` and `replacement` (which should be the same year; a
    /// replacement of another year changes every dated override of both).
    #[must_use]
    pub fn between(current: &YearCalendar, replacement: &YearCalendar) -> Self {
        let old: Vec<_> = current.overrides().collect();
        let new: Vec<_> = replacement.overrides().collect();
        let mut days: Vec<Date> = old
            .iter()
            .filter(|(d, o)| replacement.override_on(*d) != Some(*o))
            .chain(
                new.iter()
                    .filter(|(d, o)| current.override_on(*d) != Some(*o)),
            )
            .map(|(d, _)| *d)
            .collect();
        days.sort_unstable();
        days.dedup();
        Self {
            year: replacement.year(),
            days,
            source_changed: current.source() != replacement.source(),
        }
    }

    /// The year replaced.
    #[must_use]
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The days whose kind or name changes, ascending.
    #[must_use]
    pub fn days(&self) -> &[Date] {
        &self.days
    }

    /// Whether the source notice (title, number, date) changes.
    #[must_use]
    pub fn source_changed(&self) -> bool {
        self.source_changed
    }

    /// Nothing changes: re-importing the year in force is a no-op.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.days.is_empty() && !self.source_changed
    }

    /// The first changed day on or before `today`, if any: the part of the change that would
    /// rewrite history.
    #[must_use]
    pub fn first_past_day(&self, today: Date) -> Option<Date> {
        self.days.first().copied().filter(|d| *d <= today)
    }
}

/// Why a year in force may not be changed that way.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CorrectionError {
    /// The change reaches a day that is today or earlier.
    #[error("the working-day calendar up to {today} is history: {first} may not change")]
    HistoryImmutable {
        /// First changed day on or before `today`.
        first: Date,
        /// The day the change was asked for.
        today: Date,
    },
    /// The replacement is for another year than the one it would replace.
    #[error("the replacement is for {replacement}, not {current}")]
    YearMismatch {
        /// Year in force.
        current: i32,
        /// Year of the replacement.
        replacement: i32,
    },
}

/// A replacement for a year in force, checked to leave every day up to `today` as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    replacement: YearCalendar,
    change: YearChange,
}

impl Correction {
    /// Checks that replacing `current` by `replacement` changes only days after `today`.
    ///
    /// # Errors
    /// [`CorrectionError::HistoryImmutable`] naming the first changed day on or before `today`;
    /// [`CorrectionError::YearMismatch`] when the years differ.
    pub fn check(
        current: &YearCalendar,
        replacement: YearCalendar,
        today: Date,
    ) -> Result<Self, CorrectionError> {
        if current.year() != replacement.year() {
            return Err(CorrectionError::YearMismatch {
                current: current.year(),
                replacement: replacement.year(),
            });
        }
        let change = YearChange::between(current, &replacement);
        if let Some(first) = change.first_past_day(today) {
            return Err(CorrectionError::HistoryImmutable { first, today });
        }
        Ok(Self {
            replacement,
            change,
        })
    }

    /// What changes.
    #[must_use]
    pub fn change(&self) -> &YearChange {
        &self.change
    }

    /// The year as it will be.
    #[must_use]
    pub fn replacement(&self) -> &YearCalendar {
        &self.replacement
    }

    /// The year as it will be, consuming the check.
    #[must_use]
    pub fn into_replacement(self) -> YearCalendar {
        self.replacement
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{Calendar, DayKind};
    use time::macros::{date, datetime};

    fn builtin_2026() -> YearCalendar {
        Calendar::builtin().unwrap().year(2026).unwrap().clone()
    }

    /// The 2026 year with `extra` holidays added (and, with `drop_all`, nothing else).
    fn with_holidays(extra: &[&str], drop_all: bool) -> YearCalendar {
        let mut v: serde_json::Value =
            serde_json::from_str(&builtin_2026().to_json().unwrap()).unwrap();
        let list = v["overrides"].as_array_mut().unwrap();
        if drop_all {
            list.clear();
        }
        for d in extra {
            list.push(serde_json::json!({"date": d, "kind": "holiday", "name": "更正"}));
        }
        YearCalendar::from_json(&v.to_string()).unwrap()
    }

    #[test]
    fn the_same_year_is_no_change() {
        let change = YearChange::between(&builtin_2026(), &builtin_2026());
        assert!(change.is_empty());
        assert!(Correction::check(&builtin_2026(), builtin_2026(), date!(2026 - 12 - 31)).is_ok());
    }

    #[test]
    fn a_change_on_or_before_today_is_history() {
        let replacement = with_holidays(&["2026-12-01", "2026-12-21"], false);
        let err = Correction::check(&builtin_2026(), replacement.clone(), date!(2026 - 12 - 01))
            .unwrap_err();
        assert_eq!(
            err,
            CorrectionError::HistoryImmutable {
                first: date!(2026 - 12 - 01),
                today: date!(2026 - 12 - 01)
            }
        );
        let ok = Correction::check(&builtin_2026(), replacement, date!(2026 - 11 - 30)).unwrap();
        assert_eq!(
            ok.change().days(),
            [date!(2026 - 12 - 01), date!(2026 - 12 - 21)]
        );
    }

    #[test]
    fn removing_past_holidays_is_history_too() {
        let replacement = with_holidays(&[], true);
        let err =
            Correction::check(&builtin_2026(), replacement, date!(2026 - 11 - 23)).unwrap_err();
        assert!(
            matches!(err, CorrectionError::HistoryImmutable { first, .. } if first == date!(2026 - 01 - 01)),
            "{err:?}"
        );
    }

    #[test]
    fn renaming_a_holiday_is_a_change_of_that_day() {
        let mut v: serde_json::Value =
            serde_json::from_str(&builtin_2026().to_json().unwrap()).unwrap();
        v["overrides"][0]["name"] = "改名".into();
        let renamed = YearCalendar::from_json(&v.to_string()).unwrap();
        let change = YearChange::between(&builtin_2026(), &renamed);
        assert_eq!(change.days(), [date!(2026 - 01 - 01)]);
    }

    #[test]
    fn a_replacement_of_another_year_is_refused() {
        let other = Calendar::builtin().unwrap().year(2025).unwrap().clone();
        assert!(matches!(
            Correction::check(&builtin_2026(), other, date!(2024 - 01 - 01)),
            Err(CorrectionError::YearMismatch { .. })
        ));
    }

    #[test]
    fn a_corrected_calendar_answers_as_it_was_before_the_approval() {
        let mut cal = Calendar::builtin().unwrap();
        let approved_at = datetime!(2026-11-24 10:00 +8);
        let replacement = with_holidays(&["2026-12-21"], false);
        let correction =
            Correction::check(cal.year(2026).unwrap(), replacement, date!(2026 - 11 - 24)).unwrap();
        cal.correct(correction, approved_at).unwrap();
        let day = date!(2026 - 12 - 21);
        assert_eq!(cal.day_kind(day), Ok(DayKind::Holiday));
        let before = cal.in_force_at(datetime!(2026-11-24 09:59 +8));
        assert_eq!(before.day_kind(day), Ok(DayKind::Workday));
        assert_eq!(
            cal.in_force_at(approved_at).day_kind(day),
            Ok(DayKind::Holiday)
        );
        // A second correction stacks: before both, the original year answers.
        let again = Correction::check(
            cal.year(2026).unwrap(),
            with_holidays(&["2026-12-21", "2026-12-22"], false),
            date!(2026 - 11 - 25),
        )
        .unwrap();
        cal.correct(again, datetime!(2026-11-25 10:00 +8)).unwrap();
        let between = cal.in_force_at(datetime!(2026-11-24 12:00 +8));
        assert_eq!(between.day_kind(day), Ok(DayKind::Holiday));
        assert_eq!(
            between.day_kind(date!(2026 - 12 - 22)),
            Ok(DayKind::Workday)
        );
        let first = cal.in_force_at(datetime!(2026-11-01 12:00 +8));
        assert_eq!(first.year(2026), Some(&builtin_2026()));
    }

    #[test]
    fn a_year_loaded_after_the_instant_is_kept() {
        // A year imported later (not a correction) answers for earlier instants too, so a
        // deadline reaching into it can still be counted.
        let mut cal = Calendar::builtin().unwrap();
        let json = r#"{"year": 2027, "source": {"title": "t", "issued_on": "2026-11-01"}, "overrides": []}"#;
        cal.load_year_json(json).unwrap();
        let old = cal.in_force_at(datetime!(2020-01-01 0:00 UTC));
        assert!(old.year(2027).is_some());
    }
}
