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
    /// Text that is not of the form `YYYY-MM-DDTHH:MM:SSZ`.
    #[error("time must be written YYYY-MM-DDTHH:MM:SSZ (UTC, whole seconds)")]
    Malformed,
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

    /// Parses the one text form [`SealTime`] displays as: `YYYY-MM-DDTHH:MM:SSZ`.
    ///
    /// Strict on purpose (no offsets, no fractions, no lower-case `t`/`z`): trust files and
    /// bundles are compared byte for byte by people, so each instant has exactly one spelling.
    pub fn parse_rfc3339(text: &str) -> Result<Self, TimeError> {
        let b = text.as_bytes();
        let shape_ok = b.len() == 20
            && b.iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                10 => *c == b'T',
                13 | 16 => *c == b':',
                19 => *c == b'Z',
                _ => c.is_ascii_digit(),
            });
        if !shape_ok {
            return Err(TimeError::Malformed);
        }
        let num = |from: usize, to: usize| -> Result<u16, TimeError> {
            text.get(from..to)
                .and_then(|s| s.parse().ok())
                .ok_or(TimeError::Malformed)
        };
        let small = |from: usize| -> Result<u8, TimeError> {
            u8::try_from(num(from, from + 2)?).map_err(|_| TimeError::Malformed)
        };
        Self::from_utc(
            num(0, 4)?,
            small(5)?,
            small(8)?,
            small(11)?,
            small(14)?,
            small(17)?,
        )
    }

    /// The calendar date, `YYYY-MM-DD` (UTC).
    pub fn date_string(self) -> String {
        let full = self.to_string();
        match full.split_once('T') {
            Some((date, _)) => date.to_owned(),
            None => full,
        }
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

/// Serialized as the text [`SealTime::parse_rfc3339`] reads (trust files, bundles).
impl serde::Serialize for SealTime {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for SealTime {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse_rfc3339(&text).map_err(serde::de::Error::custom)
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
    fn rfc3339_text_parses_to_the_same_instant_it_displays() {
        let t = SealTime::parse_rfc3339("2026-09-15T08:30:00Z").unwrap();
        assert_eq!(t.unix_seconds(), 20_711 * 86_400 + 30_600);
        assert_eq!(t.date_string(), "2026-09-15");
        let u = SealTime::from_unix_seconds(1_700_000_123).unwrap();
        assert_eq!(SealTime::parse_rfc3339(&u.to_string()), Ok(u));
    }

    #[test]
    fn rfc3339_variants_other_than_the_canonical_one_are_rejected() {
        for text in [
            "2026-09-15T08:30:00+08:00",
            "2026-09-15T08:30:00.5Z",
            "2026-09-15t08:30:00z",
            "2026-09-15 08:30:00Z",
            "2026-9-15T08:30:00Z",
            "+026-09-15T08:30:00Z",
            "",
        ] {
            assert_eq!(
                SealTime::parse_rfc3339(text),
                Err(TimeError::Malformed),
                "{text}"
            );
        }
        assert_eq!(
            SealTime::parse_rfc3339("2026-02-30T00:00:00Z"),
            Err(TimeError::InvalidDate)
        );
        assert_eq!(
            SealTime::parse_rfc3339("2026-01-01T24:00:00Z"),
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
