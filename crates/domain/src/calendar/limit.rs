//! What a deadline is counted from: a time limit (working days, days or months) and the pauses
//! that stop the clock (Licensing Law Art. 45).
//!
//! Apart from the counting in `deadline.rs` because the explanation (`explain.rs`) words these
//! terms too, and the counting builds that explanation: both import this module, neither the
//! other.

use serde::{Deserialize, Serialize};
use time::Date;

use super::{CalendarError, iso_date};

/// Unit of a time limit, as catalog rows state it (domain.md §11 item 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitUnit {
    /// 工作日: only working days count.
    WorkingDays,
    /// 日 (calendar days): every day counts; the end moves off a non-working day.
    Days,
    /// 月: Civil Code Art. 202, then the end moves off a non-working day.
    Months,
}

/// A time limit such as "20 working days".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TimeLimit {
    /// Number of units; 0 means due on the start day itself.
    pub value: u32,
    /// Unit of `value`.
    pub unit: LimitUnit,
}

impl TimeLimit {
    /// `value` working days.
    #[must_use]
    pub const fn working_days(value: u32) -> Self {
        Self {
            value,
            unit: LimitUnit::WorkingDays,
        }
    }

    /// `value` calendar days.
    #[must_use]
    pub const fn days(value: u32) -> Self {
        Self {
            value,
            unit: LimitUnit::Days,
        }
    }

    /// `value` months.
    #[must_use]
    pub const fn months(value: u32) -> Self {
        Self {
            value,
            unit: LimitUnit::Months,
        }
    }
}

/// An interval during which the clock is stopped (Art. 45 special procedure, 补正 …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    /// First paused day (inclusive).
    #[serde(with = "iso_date")]
    pub from: Date,
    /// Last paused day (inclusive).
    #[serde(with = "iso_date")]
    pub to: Date,
    /// Why the clock stopped, shown in explanations (e.g. 专家评审).
    pub reason: String,
}

impl Pause {
    /// A pause from `from` to `to`, both inclusive.
    ///
    /// # Errors
    /// [`CalendarError::InvalidPause`] when `to` is before `from`.
    pub fn new(from: Date, to: Date, reason: impl Into<String>) -> Result<Self, CalendarError> {
        let pause = Self {
            from,
            to,
            reason: reason.into(),
        };
        pause.check()?;
        Ok(pause)
    }

    /// Whether the clock is stopped on `date`.
    #[must_use]
    pub fn contains(&self, date: Date) -> bool {
        self.from <= date && date <= self.to
    }

    pub(super) fn check(&self) -> Result<(), CalendarError> {
        if self.to < self.from {
            return Err(CalendarError::InvalidPause {
                from: self.from,
                to: self.to,
            });
        }
        Ok(())
    }
}
