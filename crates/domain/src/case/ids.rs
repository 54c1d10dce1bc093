//! Identifiers of a case: its number and the digests of submitted materials (the query code,
//! a credential, has its own module).
//!
//! Each is a newtype with a private field: a value of the type proves the text was checked
//! once, by `parse`, at the boundary. All serialize as plain strings.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::{Date, Month};

use crate::catalog::DivisionCode;

use super::error::{Field, ParseError};

/// 办件编号: `DDDDDD YYYYMMDD NNNNNN` without spaces, 20 digits: the bureau's 6-digit division
/// code (GB/T 2260), the receipt date, and the bureau's daily serial from 000001.
///
/// The layout is ours (no national format was retrieved); it sorts by bureau then day, and a
/// clerk can read the receipt date off the voucher.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CaseNumber {
    // First, so that numbers order by their text.
    text: String,
    division: DivisionCode,
    date: Date,
    serial: u32,
}

impl CaseNumber {
    /// Number of digits.
    pub const LEN: usize = 20;
    /// Largest daily serial.
    pub const MAX_SERIAL: u32 = 999_999;

    /// Builds the number of the `serial`-th case received by `division`'s bureau on `date`.
    ///
    /// # Errors
    /// [`ParseError::Serial`] for a serial outside 1..=999999; [`ParseError::Date`] for a year
    /// that does not have four digits.
    pub fn new(division: &DivisionCode, date: Date, serial: u32) -> Result<Self, ParseError> {
        if !(1..=Self::MAX_SERIAL).contains(&serial) {
            return Err(ParseError::Serial(serial));
        }
        if !(1..=9999).contains(&date.year()) {
            return Err(ParseError::Date {
                field: Field::CaseNumber,
                text: date.to_string(),
            });
        }
        let text = format!(
            "{}{:04}{:02}{:02}{serial:06}",
            division.as_str(),
            date.year(),
            u8::from(date.month()),
            date.day()
        );
        Ok(Self {
            text,
            division: division.clone(),
            date,
            serial,
        })
    }

    /// Parses and checks a case number.
    ///
    /// # Errors
    /// [`ParseError`] for a wrong length, a non-digit, an unknown division prefix, a date that
    /// does not exist or serial 000000.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        check_digits(Field::CaseNumber, s, Self::LEN)?;
        let division =
            DivisionCode::parse(s.get(..6).unwrap_or_default()).map_err(ParseError::Division)?;
        let date = parse_yyyymmdd(Field::CaseNumber, s.get(6..14).unwrap_or_default())?;
        let serial = s.get(14..).unwrap_or_default().parse::<u32>().unwrap_or(0);
        Self::new(&division, date, serial)
    }

    /// The 20 digits.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The bureau's division code.
    #[must_use]
    pub fn division(&self) -> &DivisionCode {
        &self.division
    }

    /// The receipt date.
    #[must_use]
    pub fn date(&self) -> Date {
        self.date
    }

    /// The daily serial.
    #[must_use]
    pub fn serial(&self) -> u32 {
        self.serial
    }
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CaseNumber({})", self.text)
    }
}

impl std::str::FromStr for CaseNumber {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, ParseError> {
        Self::parse(s)
    }
}

impl TryFrom<String> for CaseNumber {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, ParseError> {
        Self::parse(&s)
    }
}

impl From<CaseNumber> for String {
    fn from(v: CaseNumber) -> String {
        v.text
    }
}

/// SHA-256 of a submitted material file, as 64 lowercase hex digits. The file itself stays in
/// the document store; the case history binds to it by this digest.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Sha256Digest(String);

impl Sha256Digest {
    /// Number of hex digits.
    pub const LEN: usize = 64;

    /// The digest of `bytes`.
    #[must_use]
    pub fn of(bytes: &[u8]) -> Self {
        Self::from_bytes(Sha256::digest(bytes).into())
    }

    /// A 32-byte digest computed elsewhere (an HMAC-SHA-256, say).
    #[must_use]
    pub fn from_bytes(digest: [u8; 32]) -> Self {
        Self(hex::encode(digest))
    }

    /// Parses 64 hex digits; upper-case digits are accepted and stored lower case.
    ///
    /// # Errors
    /// [`ParseError`] for a wrong length or a non-hex character.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let lower = s.to_ascii_lowercase();
        let actual = lower.chars().count();
        if actual != Self::LEN {
            return Err(ParseError::Length {
                field: Field::Sha256,
                expected: Self::LEN,
                actual,
            });
        }
        if let Some((i, found)) = lower
            .chars()
            .enumerate()
            .find(|(_, c)| !c.is_ascii_hexdigit())
        {
            return Err(ParseError::Character {
                field: Field::Sha256,
                position: i + 1,
                found,
            });
        }
        Ok(Self(lower))
    }

    /// The 64 lowercase hex digits.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Sha256Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sha256Digest({})", self.0)
    }
}

/// `as_str`, `Display`, `FromStr`, `TryFrom<String>` and `From<T> for String` for a newtype
/// with `parse(&str) -> Result<Self, ParseError>`.
macro_rules! string_newtype {
    ($ty:ident) => {
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $ty {
            type Err = ParseError;
            fn from_str(s: &str) -> Result<Self, ParseError> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $ty {
            type Error = ParseError;
            fn try_from(s: String) -> Result<Self, ParseError> {
                Self::parse(&s)
            }
        }

        impl From<$ty> for String {
            fn from(v: $ty) -> String {
                v.0
            }
        }
    };
}
pub(crate) use string_newtype;

string_newtype!(Sha256Digest);

/// Keeps `head` leading and `tail` trailing characters and stars the rest.
pub(crate) fn mask(s: &str, head: usize, tail: usize) -> String {
    let n = s.chars().count();
    s.chars()
        .enumerate()
        .map(|(i, c)| if i < head || i + tail >= n { c } else { '*' })
        .collect()
}

/// Checks that `s` is exactly `len` ASCII digits.
pub(crate) fn check_digits(field: Field, s: &str, len: usize) -> Result<(), ParseError> {
    let actual = s.chars().count();
    if actual != len {
        return Err(ParseError::Length {
            field,
            expected: len,
            actual,
        });
    }
    match s.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, found)) => Err(ParseError::Character {
            field,
            position: i + 1,
            found,
        }),
        None => Ok(()),
    }
}

/// Reads eight ASCII digits as a calendar date.
pub(crate) fn parse_yyyymmdd(field: Field, digits: &str) -> Result<Date, ParseError> {
    let bad = || ParseError::Date {
        field,
        text: digits.to_owned(),
    };
    let number = |range: std::ops::Range<usize>| {
        digits
            .get(range)
            .and_then(|d| d.parse::<u16>().ok())
            .ok_or_else(bad)
    };
    let year = i32::from(number(0..4)?);
    let month = u8::try_from(number(4..6)?).map_err(|_| bad())?;
    let day = u8::try_from(number(6..8)?).map_err(|_| bad())?;
    let month = Month::try_from(month).map_err(|_| bad())?;
    Date::from_calendar_date(year, month, day).map_err(|_| bad())
}

/// One submitted document, bound by its digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialRef {
    /// Name as in the item's materials list.
    pub name: String,
    /// Digest of the file as received.
    pub sha256: Sha256Digest,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn jinan() -> DivisionCode {
        DivisionCode::parse("370100").unwrap()
    }

    #[test]
    fn case_number_is_division_date_and_serial() {
        let n = CaseNumber::new(&jinan(), date!(2026 - 09 - 07), 42).unwrap();
        assert_eq!(n.as_str(), "37010020260907000042");
        assert_eq!(n.division(), &jinan());
        assert_eq!(n.date(), date!(2026 - 09 - 07));
        assert_eq!(n.serial(), 42);
        assert_eq!(CaseNumber::parse(n.as_str()).unwrap(), n);
    }

    #[test]
    fn case_number_rejects_bad_parts() {
        assert_eq!(
            CaseNumber::new(&jinan(), date!(2026 - 09 - 07), 0),
            Err(ParseError::Serial(0))
        );
        assert_eq!(
            CaseNumber::new(&jinan(), date!(2026 - 09 - 07), 1_000_000),
            Err(ParseError::Serial(1_000_000))
        );
        for bad in [
            "3701002026090700004",   // 19 digits
            "370100202609070000421", // 21 digits
            "37010020260907O00042",  // letter O
            "99010020260907000042",  // no province 99
            "37010020260230000042",  // 30 February
            "37010020261300000042",  // month 13
            "37010020260907000000",  // serial 0
        ] {
            assert!(CaseNumber::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            CaseNumber::parse("37010020260230000042")
                .unwrap_err()
                .reason_zh(),
            "办件编号中的日期“20260230”不存在"
        );
    }

    #[test]
    fn case_number_serializes_as_a_string() {
        let n = CaseNumber::new(&jinan(), date!(2025 - 01 - 02), 1).unwrap();
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(json, "\"37010020250102000001\"");
        assert_eq!(serde_json::from_str::<CaseNumber>(&json).unwrap(), n);
        assert!(serde_json::from_str::<CaseNumber>("\"37010020250102000000\"").is_err());
    }

    #[test]
    fn sha256_digest_of_known_input() {
        // FIPS 180-2 example: SHA-256("abc").
        let d = Sha256Digest::of(b"abc");
        assert_eq!(
            d.as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(Sha256Digest::parse(&d.as_str().to_uppercase()).unwrap(), d);
        assert!(Sha256Digest::parse("abc").is_err());
        assert!(Sha256Digest::parse(&"g".repeat(64)).is_err());
    }

    proptest! {
        #[test]
        fn case_numbers_round_trip_through_text_and_parts(
            county in 1_u32..=99, days in 0_i64..=36_500, serial in 1_u32..=999_999
        ) {
            let division = DivisionCode::parse(&format!("3701{county:02}")).unwrap();
            let date = date!(2000 - 01 - 01) + time::Duration::days(days);
            let n = CaseNumber::new(&division, date, serial).unwrap();
            prop_assert_eq!(n.as_str().len(), CaseNumber::LEN);
            prop_assert_eq!(CaseNumber::parse(&n.to_string()).unwrap(), n.clone());
            prop_assert_eq!((n.division(), n.date(), n.serial()), (&division, date, serial));
        }

        #[test]
        fn arbitrary_text_never_panics_the_parsers(s in "\\PC{0,24}") {
            let _ = CaseNumber::parse(&s);
            let _ = Sha256Digest::parse(&s);
        }
    }
}
