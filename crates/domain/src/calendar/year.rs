//! One year of the working-day calendar, as published by the State Council's annual notice
//! (国务院办公厅关于YYYY年部分节假日安排的通知).
//!
//! A year is stored as data, never as code, so an administrator can import next year's notice
//! the day it is published (`oneseal calendar import`). Everything imported is validated here:
//! a bad file is refused with a typed error instead of silently changing legal deadlines.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::{Date, Month, Weekday};

use super::iso_date;

/// The official notice a year's overrides come from, kept so every deadline can name its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceNotice {
    /// Full title, e.g. 国务院办公厅关于2026年部分节假日安排的通知.
    pub title: String,
    /// Document number (文号), e.g. 国办发明电〔2024〕12号; `None` when the published text
    /// does not carry one.
    #[serde(default)]
    pub document_number: Option<String>,
    /// Date the notice was issued.
    #[serde(with = "iso_date")]
    pub issued_on: Date,
}

/// What a dated override does to the Monday–Friday rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OverrideKind {
    /// Statutory holiday or 调休 rest day: offices are closed, the day is never a working day.
    Holiday,
    /// 调休上班: a Saturday or Sunday on which offices work; it counts as a working day.
    MakeupWorkday,
}

/// One dated exception to the Monday–Friday rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// Holiday or make-up workday.
    pub kind: OverrideKind,
    /// Chinese name of the holiday (for a make-up workday: the holiday it compensates).
    pub name: Option<String>,
    /// English name for English explanations; the Chinese name is used when absent.
    pub name_en: Option<String>,
}

/// Why an imported year was refused.
#[derive(Debug, thiserror::Error)]
pub enum YearDataError {
    /// Not JSON, or not the expected shape (unknown field, bad date, unknown kind …).
    #[error("calendar year data is not valid: {0}")]
    Json(#[from] serde_json::Error),
    /// The declared year cannot be represented as whole calendar year.
    #[error("year {0} is outside the supported range")]
    YearOutOfRange(i32),
    /// The notice has no title.
    #[error("the source notice has no title")]
    MissingSourceTitle,
    /// An override is dated outside the declared year.
    #[error("override {date} lies outside the declared year {year}")]
    DateOutsideYear {
        /// Declared year of the file.
        year: i32,
        /// Offending date.
        date: Date,
    },
    /// The same date is listed twice with the same kind.
    #[error("date {0} is listed more than once")]
    DuplicateDate(Date),
    /// The same date is listed both as a holiday and as a make-up workday.
    #[error("date {0} is marked both as a holiday and as a make-up workday")]
    ConflictingOverride(Date),
    /// A make-up workday on Monday–Friday: those are workdays already, so the notice was misread.
    #[error("make-up workday {date} is a {weekday}, not a Saturday or Sunday")]
    MakeupOnWeekday {
        /// Offending date.
        date: Date,
        /// Its day of the week.
        weekday: Weekday,
    },
    /// A holiday without a name: explanations must be able to say which holiday was skipped.
    #[error("holiday {0} has no name")]
    MissingHolidayName(Date),
    /// A name that is present but blank.
    #[error("override {0} has a blank name")]
    BlankName(Date),
}

/// File layout of one year (`data/calendar/YYYY.json`).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct YearFile {
    year: i32,
    source: SourceNotice,
    overrides: Vec<OverrideEntry>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct OverrideEntry {
    #[serde(with = "iso_date")]
    date: Date,
    kind: OverrideKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name_en: Option<String>,
}

/// A validated year: its source notice and its dated overrides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearCalendar {
    year: i32,
    source: SourceNotice,
    overrides: BTreeMap<Date, Override>,
}

impl YearCalendar {
    /// Parses and validates one year file.
    ///
    /// # Errors
    /// Any [`YearDataError`]: malformed JSON, a date outside the declared year, a duplicate or
    /// conflicting date, a make-up workday on a weekday, a holiday without a name.
    pub fn from_json(json: &str) -> Result<Self, YearDataError> {
        let file: YearFile = serde_json::from_str(json)?;
        Self::validate(file)
    }

    /// A year built in code (a provisional year from the statutory holidays): the caller
    /// guarantees every override lies in `year` and every holiday has a name.
    pub(crate) fn from_parts(
        year: i32,
        source: SourceNotice,
        overrides: BTreeMap<Date, Override>,
    ) -> Self {
        debug_assert!(overrides.keys().all(|d| d.year() == year));
        Self {
            year,
            source,
            overrides,
        }
    }

    /// Serialises the year in the same layout [`YearCalendar::from_json`] reads.
    ///
    /// # Errors
    /// Only if `serde_json` fails, which it does not for this layout.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        let file = YearFile {
            year: self.year,
            source: self.source.clone(),
            overrides: self
                .overrides
                .iter()
                .map(|(date, o)| OverrideEntry {
                    date: *date,
                    kind: o.kind,
                    name: o.name.clone(),
                    name_en: o.name_en.clone(),
                })
                .collect(),
        };
        let mut json = serde_json::to_string_pretty(&file)?;
        json.push('\n');
        Ok(json)
    }

    /// The calendar year covered.
    #[must_use]
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The notice the overrides come from.
    #[must_use]
    pub fn source(&self) -> &SourceNotice {
        &self.source
    }

    /// All overrides in date order.
    pub fn overrides(&self) -> impl Iterator<Item = (Date, &Override)> {
        self.overrides.iter().map(|(d, o)| (*d, o))
    }

    /// The override on `date`, if any (`None` also for dates of other years).
    #[must_use]
    pub fn override_on(&self, date: Date) -> Option<&Override> {
        self.overrides.get(&date)
    }

    fn validate(file: YearFile) -> Result<Self, YearDataError> {
        let year = file.year;
        // The whole year and the day after it must exist, so walking off its end is an error
        // about the next year, not an arithmetic overflow.
        let representable = Date::from_calendar_date(year, Month::January, 1).is_ok()
            && Date::from_calendar_date(year, Month::December, 31)
                .ok()
                .and_then(Date::next_day)
                .is_some();
        if !representable {
            return Err(YearDataError::YearOutOfRange(year));
        }
        if file.source.title.trim().is_empty() {
            return Err(YearDataError::MissingSourceTitle);
        }
        let mut overrides = BTreeMap::new();
        for entry in file.overrides {
            let (date, ov) = validate_entry(year, entry)?;
            if let Some(previous) = overrides.get(&date) {
                let previous: &Override = previous;
                return Err(if previous.kind == ov.kind {
                    YearDataError::DuplicateDate(date)
                } else {
                    YearDataError::ConflictingOverride(date)
                });
            }
            overrides.insert(date, ov);
        }
        Ok(Self {
            year,
            source: file.source,
            overrides,
        })
    }
}

fn validate_entry(year: i32, entry: OverrideEntry) -> Result<(Date, Override), YearDataError> {
    let date = entry.date;
    if date.year() != year {
        return Err(YearDataError::DateOutsideYear { year, date });
    }
    let blank = |n: &Option<String>| n.as_deref().is_some_and(|s| s.trim().is_empty());
    if blank(&entry.name) || blank(&entry.name_en) {
        return Err(YearDataError::BlankName(date));
    }
    match entry.kind {
        OverrideKind::Holiday if entry.name.is_none() => {
            return Err(YearDataError::MissingHolidayName(date));
        }
        OverrideKind::MakeupWorkday if !is_weekend(date) => {
            return Err(YearDataError::MakeupOnWeekday {
                date,
                weekday: date.weekday(),
            });
        }
        _ => {}
    }
    let ov = Override {
        kind: entry.kind,
        name: entry.name,
        name_en: entry.name_en,
    };
    Ok((date, ov))
}

pub(crate) fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn year_json(overrides: &str) -> String {
        format!(
            r#"{{"year": 2027, "source": {{"title": "测试通知", "issued_on": "2026-11-01"}},
                "overrides": [{overrides}]}}"#
        )
    }

    #[test]
    fn valid_year_parses_with_its_source_and_overrides() {
        let json = year_json(
            r#"{"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
               {"date": "2027-01-02", "kind": "makeup_workday"}"#,
        );
        let year = YearCalendar::from_json(&json).unwrap();
        assert_eq!(year.year(), 2027);
        assert_eq!(year.source().title, "测试通知");
        assert_eq!(year.source().document_number, None);
        assert_eq!(year.source().issued_on, date!(2026 - 11 - 01));
        let kinds: Vec<_> = year.overrides().map(|(d, o)| (d, o.kind)).collect();
        assert_eq!(
            kinds,
            vec![
                (date!(2027 - 01 - 01), OverrideKind::Holiday),
                (date!(2027 - 01 - 02), OverrideKind::MakeupWorkday),
            ]
        );
    }

    #[test]
    fn malformed_json_is_refused() {
        let err = YearCalendar::from_json("{\"year\": 2027,").unwrap_err();
        assert!(matches!(err, YearDataError::Json(_)), "{err:?}");
    }

    #[test]
    fn unknown_field_is_refused() {
        let json = year_json(r#"{"date": "2027-01-01", "kind": "holiday", "nmae": "元旦"}"#);
        let err = YearCalendar::from_json(&json).unwrap_err();
        assert!(matches!(err, YearDataError::Json(_)), "{err:?}");
    }

    #[test]
    fn impossible_date_is_refused() {
        let json = year_json(r#"{"date": "2027-02-30", "kind": "holiday", "name": "x"}"#);
        let err = YearCalendar::from_json(&json).unwrap_err();
        assert!(matches!(err, YearDataError::Json(_)), "{err:?}");
    }

    #[test]
    fn unknown_kind_is_refused() {
        let json = year_json(r#"{"date": "2027-01-01", "kind": "half_day", "name": "x"}"#);
        let err = YearCalendar::from_json(&json).unwrap_err();
        assert!(matches!(err, YearDataError::Json(_)), "{err:?}");
    }

    #[test]
    fn date_outside_declared_year_is_refused() {
        let json = year_json(r#"{"date": "2026-12-31", "kind": "holiday", "name": "x"}"#);
        let err = YearCalendar::from_json(&json).unwrap_err();
        assert!(
            matches!(err, YearDataError::DateOutsideYear { year: 2027, date } if date == date!(2026-12-31)),
            "{err:?}"
        );
    }

    #[test]
    fn duplicate_date_is_refused() {
        let json = year_json(
            r#"{"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
               {"date": "2027-01-01", "kind": "holiday", "name": "元旦"}"#,
        );
        let err = YearCalendar::from_json(&json).unwrap_err();
        assert!(
            matches!(err, YearDataError::DuplicateDate(d) if d == date!(2027-01-01)),
            "{err:?}"
        );
    }

    #[test]
    fn weekend_marked_both_holiday_and_makeup_is_refused() {
        // 2027-01-02 is a Saturday.
        let json = year_json(
            r#"{"date": "2027-01-02", "kind": "holiday", "name": "元旦"},
               {"date": "2027-01-02", "kind": "makeup_workday"}"#,
        );
        let err = YearCalendar::from_json(&json).unwrap_err();
        assert!(
            matches!(err, YearDataError::ConflictingOverride(d) if d == date!(2027-01-02)),
            "{err:?}"
        );
    }

    #[test]
    fn makeup_workday_on_a_weekday_is_refused() {
        // 2027-01-04 is a Monday.
        let json = year_json(r#"{"date": "2027-01-04", "kind": "makeup_workday"}"#);
        let err = YearCalendar::from_json(&json).unwrap_err();
        assert!(
            matches!(
                err,
                YearDataError::MakeupOnWeekday {
                    weekday: Weekday::Monday,
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn holiday_without_name_is_refused() {
        let json = year_json(r#"{"date": "2027-01-01", "kind": "holiday"}"#);
        let err = YearCalendar::from_json(&json).unwrap_err();
        assert!(
            matches!(err, YearDataError::MissingHolidayName(_)),
            "{err:?}"
        );
    }

    #[test]
    fn blank_name_is_refused() {
        let json = year_json(r#"{"date": "2027-01-01", "kind": "holiday", "name": "  "}"#);
        let err = YearCalendar::from_json(&json).unwrap_err();
        assert!(matches!(err, YearDataError::BlankName(_)), "{err:?}");
    }

    #[test]
    fn missing_source_title_is_refused() {
        let json = r#"{"year": 2027, "source": {"title": "", "issued_on": "2026-11-01"}, "overrides": []}"#;
        let err = YearCalendar::from_json(json).unwrap_err();
        assert!(matches!(err, YearDataError::MissingSourceTitle), "{err:?}");
    }

    #[test]
    fn unrepresentable_year_is_refused() {
        let json = r#"{"year": 9999, "source": {"title": "t", "issued_on": "2026-11-01"}, "overrides": []}"#;
        let err = YearCalendar::from_json(json).unwrap_err();
        assert!(
            matches!(err, YearDataError::YearOutOfRange(9999)),
            "{err:?}"
        );
    }

    #[test]
    fn exported_year_reads_back_identical() {
        let json = year_json(
            r#"{"date": "2027-01-02", "kind": "makeup_workday", "name": "元旦"},
               {"date": "2027-01-01", "kind": "holiday", "name": "元旦", "name_en": "New Year's Day"}"#,
        );
        let year = YearCalendar::from_json(&json).unwrap();
        let exported = year.to_json().unwrap();
        assert_eq!(YearCalendar::from_json(&exported).unwrap(), year);
        // Dates are written as ISO strings, in date order.
        let first = exported.find("2027-01-01").unwrap();
        let second = exported.find("2027-01-02").unwrap();
        assert!(first < second);
    }
}
