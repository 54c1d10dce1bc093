//! Time limits as catalogs write them: a count and a unit (domain.md §11.4).
//!
//! This is `catalog::TimeLimit`, the catalog's description of a limit. Counting a limit against
//! the working-day calendar is the calendar module's job; the two will be unified later.
//!
//! A count of 0 means "on the spot" (当场办结), as for 即办件.
//!
//! # Comparing limits in different units
//! The Licensing Law asks that a promised limit never exceed the statutory one, so
//! [`TimeLimit::fits_within`] decides it:
//! * same unit: compare the counts;
//! * different units: compare approximate calendar days, with 1 working day = 7/5 days
//!   (a five-day week, holidays ignored) and 1 month = 30 days.
//!
//! Examples: 10 WD (14 d) fits within 15 d; 15 WD (21 d) does not fit within 20 d; 1 month
//! (30 d) fits within 30 d. The approximation is deliberately simple and deterministic; the
//! calendar, not the catalog, decides actual due dates.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::dict::{DictionaryError, dictionary};

dictionary! {
    /// The unit of a time limit, stored as `WD`, `d` or `month`.
    LimitUnit("time limit unit", "时限单位") {
        WorkingDays = "WD", "个工作日", "working days";
        Days = "d", "日", "days";
        Months = "month", "个月", "months";
    }
}

/// A limit as published in the catalog, e.g. 20 working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TimeLimit {
    pub value: u32,
    pub unit: LimitUnit,
}

/// Why a time limit text (`"20 WD"`) was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeLimitError {
    #[error("time limit {0:?} must be a whole number followed by WD, d or month, e.g. \"20 WD\"")]
    Format(String),
    #[error(transparent)]
    Unit(#[from] DictionaryError),
}

impl TimeLimitError {
    pub fn reason_zh(&self) -> String {
        match self {
            Self::Format(s) => format!("时限“{s}”应为整数加单位（WD、d 或 month），例如“20 WD”"),
            Self::Unit(e) => e.reason_zh(),
        }
    }
}

impl TimeLimit {
    pub fn new(value: u32, unit: LimitUnit) -> Self {
        Self { value, unit }
    }

    pub fn working_days(value: u32) -> Self {
        Self::new(value, LimitUnit::WorkingDays)
    }

    pub fn days(value: u32) -> Self {
        Self::new(value, LimitUnit::Days)
    }

    pub fn months(value: u32) -> Self {
        Self::new(value, LimitUnit::Months)
    }

    /// Parses `"20 WD"`, `"60 d"`, `"3 month"` (the space is optional).
    pub fn parse(s: &str) -> Result<Self, TimeLimitError> {
        let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let (digits, unit) = s.split_at(split);
        let value = digits
            .parse::<u32>()
            .map_err(|_| TimeLimitError::Format(s.to_owned()))?;
        let unit = unit.trim_start_matches(' ');
        if unit.is_empty() {
            return Err(TimeLimitError::Format(s.to_owned()));
        }
        Ok(Self::new(value, LimitUnit::parse(unit)?))
    }

    /// Approximate length in fifths of a calendar day (see the module doc), exact in integers.
    fn approx_fifth_days(self) -> u64 {
        let per_unit: u64 = match self.unit {
            LimitUnit::WorkingDays => 7,
            LimitUnit::Days => 5,
            LimitUnit::Months => 150,
        };
        u64::from(self.value) * per_unit
    }

    /// Whether `self` (a promise) is no longer than `statutory`, by the module's rule.
    pub fn fits_within(self, statutory: TimeLimit) -> bool {
        if self.unit == statutory.unit {
            self.value <= statutory.value
        } else {
            self.approx_fifth_days() <= statutory.approx_fifth_days()
        }
    }

    /// Chinese display text, e.g. `20个工作日`, `3个月`, or `当场办结` for 0.
    pub fn to_zh(self) -> String {
        if self.value == 0 {
            "当场办结".to_owned()
        } else {
            format!("{}{}", self.value, self.unit.name_zh())
        }
    }
}

/// The two limits of an item as every page and document writes them side by side:
/// `法定 20个工作日 / 承诺 10个工作日`.
pub fn pair_zh(statutory: TimeLimit, promised: TimeLimit) -> String {
    format!("法定 {} / 承诺 {}", statutory.to_zh(), promised.to_zh())
}

/// The interchange form, `20 WD`.
impl fmt::Display for TimeLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.value, self.unit.code())
    }
}

impl std::str::FromStr for TimeLimit {
    type Err = TimeLimitError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_the_three_units_with_or_without_space() {
        assert_eq!(
            TimeLimit::parse("20 WD").unwrap(),
            TimeLimit::working_days(20)
        );
        assert_eq!(TimeLimit::parse("60d").unwrap(), TimeLimit::days(60));
        assert_eq!(TimeLimit::parse("3 month").unwrap(), TimeLimit::months(3));
    }

    #[test]
    fn rejects_missing_number_or_unit() {
        for bad in ["", "WD", "20", "-1 d", "20 days", "20 wd", "1.5 d", " 20 d"] {
            assert!(TimeLimit::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn same_unit_limits_compare_by_count() {
        assert!(TimeLimit::working_days(5).fits_within(TimeLimit::working_days(20)));
        assert!(TimeLimit::working_days(20).fits_within(TimeLimit::working_days(20)));
        assert!(!TimeLimit::working_days(21).fits_within(TimeLimit::working_days(20)));
        assert!(!TimeLimit::months(4).fits_within(TimeLimit::months(3)));
    }

    #[test]
    fn mixed_unit_limits_compare_in_approximate_days() {
        assert!(TimeLimit::working_days(10).fits_within(TimeLimit::days(15)));
        assert!(!TimeLimit::working_days(15).fits_within(TimeLimit::days(20)));
        assert!(TimeLimit::days(20).fits_within(TimeLimit::working_days(20)));
        assert!(TimeLimit::months(1).fits_within(TimeLimit::days(30)));
        assert!(!TimeLimit::days(31).fits_within(TimeLimit::months(1)));
        assert!(TimeLimit::days(60).fits_within(TimeLimit::months(3)));
    }

    #[test]
    fn serde_uses_value_and_unit_code() {
        let json = serde_json::to_string(&TimeLimit::working_days(20)).unwrap();
        assert_eq!(json, r#"{"value":20,"unit":"WD"}"#);
        let back: TimeLimit = serde_json::from_str(r#"{"value":3,"unit":"month"}"#).unwrap();
        assert_eq!(back, TimeLimit::months(3));
    }

    #[test]
    fn chinese_text_names_the_unit() {
        assert_eq!(TimeLimit::working_days(20).to_zh(), "20个工作日");
        assert_eq!(TimeLimit::months(3).to_zh(), "3个月");
        assert_eq!(TimeLimit::working_days(0).to_zh(), "当场办结");
        assert_eq!(
            pair_zh(TimeLimit::working_days(20), TimeLimit::working_days(10)),
            "法定 20个工作日 / 承诺 10个工作日"
        );
    }

    fn unit() -> impl Strategy<Value = LimitUnit> {
        proptest::sample::select(LimitUnit::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn display_then_parse_round_trips(value in 0u32..100_000, unit in unit()) {
            let limit = TimeLimit::new(value, unit);
            prop_assert_eq!(TimeLimit::parse(&limit.to_string()).unwrap(), limit);
        }

        #[test]
        fn fits_within_is_reflexive_and_transitive(
            a in 0u32..500, b in 0u32..500, c in 0u32..500, ua in unit(), ub in unit(), uc in unit()
        ) {
            let (a, b, c) = (TimeLimit::new(a, ua), TimeLimit::new(b, ub), TimeLimit::new(c, uc));
            prop_assert!(a.fits_within(a));
            // Same-unit comparison is the cross-unit one scaled, so the relation chains.
            if a.fits_within(b) && b.fits_within(c) {
                prop_assert!(a.fits_within(c));
            }
        }
    }
}
