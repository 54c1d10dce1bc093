//! Seal times: whole UTC seconds that fit ASN.1 `GeneralizedTime`.
//!
//! Why this module exists: the crate never reads a clock, so every time (seal creation,
//! validity window, signing time) arrives as a parameter. [`SealTime`] is the one type for
//! those parameters: Unix seconds, restricted to what GB/T 38540 v4 can encode
//! (`YYYYMMDDHHMMSSZ`, years 1970–9999), so a value accepted here always encodes.

use core::fmt;
use core::time::Duration;

use der::DateTime;
use der::asn1::GeneralizedTime;

/// A time outside what a seal can carry.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TimeError {
    /// GeneralizedTime in DER covers 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
    #[error("time {unix_seconds} s is outside 1970..=9999 and cannot be encoded")]
    OutOfRange {
        /// The rejected value in Unix seconds.
        unix_seconds: u64,
    },
    /// A calendar date or time of day that does not exist.
    #[error("invalid calendar date or time")]
    InvalidDate,
}

/// A UTC instant with one-second precision, as carried in seals and signatures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SealTime(u64);

impl SealTime {
    /// From Unix seconds (e.g. `OffsetDateTime::unix_timestamp()` of the caller's clock).
    pub fn from_unix_seconds(unix_seconds: u64) -> Result<Self, TimeError> {
        GeneralizedTime::from_unix_duration(Duration::from_secs(unix_seconds))
            .map(|_| Self(unix_seconds))
            .map_err(|_| TimeError::OutOfRange { unix_seconds })
    }

    /// From a UTC calendar date and time of day.
    pub fn from_utc(
        year: u16,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
    ) -> Result<Self, TimeError> {
        let dt = DateTime::new(year, month, day, hour, minute, second)
            .map_err(|_| TimeError::InvalidDate)?;
        Self::from_unix_seconds(dt.unix_duration().as_secs())
    }

    /// Unix seconds.
    pub fn unix_seconds(self) -> u64 {
        self.0
    }

    pub(crate) fn to_generalized(self) -> Result<GeneralizedTime, TimeError> {
        GeneralizedTime::from_unix_duration(Duration::from_secs(self.0)).map_err(|_| {
            TimeError::OutOfRange {
                unix_seconds: self.0,
            }
        })
    }

    pub(crate) fn from_generalized(time: &GeneralizedTime) -> Self {
        Self(time.to_unix_duration().as_secs())
    }
}

impl fmt::Display for SealTime {
    /// RFC 3339 UTC, e.g. `2026-09-15T08:30:00Z`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match DateTime::from_unix_duration(Duration::from_secs(self.0)) {
            Ok(dt) => write!(
                f,
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                dt.year(),
                dt.month(),
                dt.day(),
                dt.hour(),
                dt.minutes(),
                dt.seconds()
            ),
            Err(_) => write!(f, "@{}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_time_matches_independent_unix_seconds() {
        // 2026-09-15T08:30:00Z computed by hand: 20711 days since 1970 * 86400 + 30600.
        let t = SealTime::from_utc(2026, 9, 15, 8, 30, 0).unwrap();
        assert_eq!(t.unix_seconds(), 20_711 * 86_400 + 30_600);
        assert_eq!(t.to_string(), "2026-09-15T08:30:00Z");
    }

    #[test]
    fn year_ten_thousand_is_rejected() {
        // 253402300800 = 10000-01-01T00:00:00Z
        assert!(SealTime::from_unix_seconds(253_402_300_799).is_ok());
        assert_eq!(
            SealTime::from_unix_seconds(253_402_300_800),
            Err(TimeError::OutOfRange {
                unix_seconds: 253_402_300_800
            })
        );
    }

    #[test]
    fn impossible_dates_are_rejected() {
        assert_eq!(
            SealTime::from_utc(2026, 2, 30, 0, 0, 0),
            Err(TimeError::InvalidDate)
        );
    }

    #[test]
    fn generalized_time_round_trips() {
        let t = SealTime::from_unix_seconds(1_700_000_000).unwrap();
        let g = t.to_generalized().unwrap();
        assert_eq!(SealTime::from_generalized(&g), t);
    }
}
