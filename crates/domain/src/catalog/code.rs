//! Catalog codes of the national government-service platform (domain.md §2).
//!
//! Each code is a newtype with a private field, so a value of the type is proof that the text
//! was checked once, at the boundary, by `parse`. All of them serialize as plain strings.
//!
//! * [`BasicCode`] (基本编码): 12 ASCII digits. Every observed code (`000104002000`, the national
//!   sync tables) is numeric, and the 31-character 实施编码 is documented as numeric after the
//!   USCC part; GB/T 39554.1's own text was not retrieved, so we accept digits only and will widen
//!   the alphabet if a real letter-bearing code ever shows up.
//! * [`ImplementationCode`](super::ImplementationCode) (实施编码): USCC (18) + exercise level (1
//!   digit, 1–6) + basic code (12), in `implementation.rs` because it embeds a USCC.
//! * [`DepartmentCode`]: our own short department key (`SPJ`, `SCJG` …): 2–12 characters,
//!   `A–Z` then `A–Z`/`0–9`.
//! * [`DivisionCode`] (行政区划代码, GB/T 2260): 6 digits whose first two name a province-level
//!   division (or `10` for the national code `100000`, used in central bodies' USCCs).

use std::fmt;

/// Which code a [`CodeError`] is about, for messages in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeKind {
    Basic,
    Implementation,
    UnifiedSocialCredit,
    Department,
    Division,
}

impl CodeKind {
    pub fn name_en(self) -> &'static str {
        match self {
            Self::Basic => "basic code",
            Self::Implementation => "implementation code",
            Self::UnifiedSocialCredit => "unified social credit code",
            Self::Department => "department code",
            Self::Division => "division code",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Basic => "基本编码",
            Self::Implementation => "实施编码",
            Self::UnifiedSocialCredit => "统一社会信用代码",
            Self::Department => "部门代码",
            Self::Division => "行政区划代码",
        }
    }
}

impl fmt::Display for CodeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name_en())
    }
}

/// Why a code was rejected. Positions are 1-based, as a clerk would count them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("{kind} must be {expected} characters long, got {actual}")]
    Length {
        kind: CodeKind,
        expected: &'static str,
        actual: usize,
    },
    #[error(
        "{kind} has the invalid character {found:?} at position {position} (allowed: {allowed})"
    )]
    Character {
        kind: CodeKind,
        position: usize,
        found: char,
        allowed: &'static str,
    },
    #[error(
        "unified social credit code check character is {found:?} but the other 17 characters give {expected:?}"
    )]
    CheckCharacter { found: char, expected: char },
    #[error("division code {0:?} does not start with a known province-level prefix")]
    UnknownProvince(String),
}

impl CodeError {
    /// The same reason in Chinese, for import reports shown to catalog staff.
    pub fn reason_zh(&self) -> String {
        match self {
            Self::Length {
                kind,
                expected,
                actual,
            } => format!("{}应为{}位，实际为{}位", kind.name_zh(), expected, actual),
            Self::Character {
                kind,
                position,
                found,
                allowed,
            } => format!(
                "{}第{}位字符“{}”不合法（允许：{}）",
                kind.name_zh(),
                position,
                found,
                allowed
            ),
            Self::CheckCharacter { found, expected } => {
                format!("统一社会信用代码校验码为“{found}”，按前17位计算应为“{expected}”")
            }
            Self::UnknownProvince(code) => format!("行政区划代码“{code}”的省级前缀不存在"),
        }
    }
}

pub(crate) const DIGITS: &str = "0-9";

/// Checks that `s` has exactly `len` characters, each accepted by `ok`.
pub(crate) fn check_chars(
    kind: CodeKind,
    s: &str,
    len: usize,
    expected: &'static str,
    allowed: &'static str,
    ok: impl Fn(usize, char) -> bool,
) -> Result<(), CodeError> {
    let actual = s.chars().count();
    if actual != len {
        return Err(CodeError::Length {
            kind,
            expected,
            actual,
        });
    }
    match s.chars().enumerate().find(|&(i, c)| !ok(i, c)) {
        Some((i, found)) => Err(CodeError::Character {
            kind,
            position: i + 1,
            found,
            allowed,
        }),
        None => Ok(()),
    }
}

/// Implements `as_str`, `Display`, `FromStr` and string serde for a code newtype with a
/// `parse(&str) -> Result<Self, CodeError>` constructor (`CodeError` must be in scope).
macro_rules! string_code {
    ($ty:ident) => {
        impl $ty {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $ty {
            type Err = CodeError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                Self::parse(&raw).map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use string_code;

/// 基本编码: the 12-digit code of an item in the national basic catalog.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BasicCode(pub(super) String);

impl BasicCode {
    pub const LEN: usize = 12;

    pub fn parse(s: &str) -> Result<Self, CodeError> {
        check_chars(CodeKind::Basic, s, Self::LEN, "12", DIGITS, |_, c| {
            c.is_ascii_digit()
        })?;
        Ok(Self(s.to_owned()))
    }
}

/// 部门代码: the short key of a department in our organisation model (`SCJG`, `ZRZY` …).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DepartmentCode(String);

impl DepartmentCode {
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let actual = s.chars().count();
        if !(2..=12).contains(&actual) {
            return Err(CodeError::Length {
                kind: CodeKind::Department,
                expected: "2-12",
                actual,
            });
        }
        check_chars(
            CodeKind::Department,
            s,
            actual,
            "2-12",
            "A-Z first, then A-Z 0-9",
            |i, c| c.is_ascii_uppercase() || (i > 0 && c.is_ascii_digit()),
        )?;
        Ok(Self(s.to_owned()))
    }
}

/// The province-level prefixes of GB/T 2260, plus `10` for the national code `100000`.
const PROVINCE_PREFIXES: [&str; 35] = [
    "10", "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    "71", "81", "82",
];

/// 行政区划代码 (GB/T 2260): six digits, province / prefecture / county in pairs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DivisionCode(String);

/// How far down the hierarchy a division code points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DivisionLevel {
    Province,
    Prefecture,
    County,
}

impl DivisionCode {
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        check_chars(CodeKind::Division, s, 6, "6", DIGITS, |_, c| {
            c.is_ascii_digit()
        })?;
        let prefix = s.get(..2).unwrap_or_default();
        if !PROVINCE_PREFIXES.contains(&prefix) {
            return Err(CodeError::UnknownProvince(s.to_owned()));
        }
        Ok(Self(s.to_owned()))
    }

    /// `370000` is a province, `370100` a prefecture-level city, `370102` a county or district.
    pub fn level(&self) -> DivisionLevel {
        if self.0.ends_with("0000") {
            DivisionLevel::Province
        } else if self.0.ends_with("00") {
            DivisionLevel::Prefecture
        } else {
            DivisionLevel::County
        }
    }
}

string_code!(BasicCode);
string_code!(DepartmentCode);
string_code!(DivisionCode);

#[cfg(test)]
mod tests {
    use super::super::dict::ExerciseLevel;
    use super::super::implementation::ImplementationCode;
    use super::super::uscc::UnifiedSocialCreditCode;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn observed_basic_code_parses() {
        assert_eq!(
            BasicCode::parse("000104002000").unwrap().as_str(),
            "000104002000"
        );
    }

    #[test]
    fn basic_code_with_letter_is_rejected_at_its_position() {
        let err = BasicCode::parse("00010400200A").unwrap_err();
        assert!(matches!(
            err,
            CodeError::Character {
                position: 12,
                found: 'A',
                ..
            }
        ));
    }

    #[test]
    fn observed_implementation_code_splits_into_its_parts() {
        let code = ImplementationCode::parse("11450721MB155808114000104002000").unwrap();
        assert_eq!(code.implementer().as_str(), "11450721MB15580811");
        assert_eq!(code.level(), ExerciseLevel::County);
        assert_eq!(code.basic_code().as_str(), "000104002000");
    }

    #[test]
    fn implementation_code_with_a_chinese_character_names_its_position() {
        let err = ImplementationCode::parse("11450721MB15580811400010400200码").unwrap_err();
        assert!(matches!(
            err,
            CodeError::Character {
                position: 31,
                found: '码',
                ..
            }
        ));
    }

    #[test]
    fn implementation_code_with_level_seven_is_rejected() {
        let err = ImplementationCode::parse("11450721MB155808117000104002000").unwrap_err();
        assert!(matches!(
            err,
            CodeError::Character {
                position: 19,
                found: '7',
                ..
            }
        ));
    }

    #[test]
    fn implementation_code_with_bad_basic_part_names_the_absolute_position() {
        let err = ImplementationCode::parse("11450721MB1558081140001040020X0").unwrap_err();
        assert!(matches!(
            err,
            CodeError::Character {
                position: 30,
                found: 'X',
                ..
            }
        ));
    }

    #[test]
    fn department_codes_follow_the_short_uppercase_rule() {
        for ok in ["SPJ", "GA", "ZRZY", "SWJ", "A1"] {
            assert!(DepartmentCode::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "S", "spj", "1A", "SP-J", "ABCDEFGHIJKLM", "市场"] {
            assert!(DepartmentCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn division_codes_know_their_level() {
        assert_eq!(
            DivisionCode::parse("370000").unwrap().level(),
            DivisionLevel::Province
        );
        assert_eq!(
            DivisionCode::parse("370100").unwrap().level(),
            DivisionLevel::Prefecture
        );
        assert_eq!(
            DivisionCode::parse("450721").unwrap().level(),
            DivisionLevel::County
        );
        assert!(matches!(
            DivisionCode::parse("990100"),
            Err(CodeError::UnknownProvince(_))
        ));
        assert!(DivisionCode::parse("37010").is_err());
    }

    #[test]
    fn codes_serialize_as_plain_strings() {
        let code = BasicCode::parse("000104002000").unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"000104002000\"");
        assert!(serde_json::from_str::<BasicCode>("\"12345\"").is_err());
    }

    #[test]
    fn errors_have_chinese_reasons() {
        let err = BasicCode::parse("123").unwrap_err();
        assert_eq!(err.reason_zh(), "基本编码应为12位，实际为3位");
    }

    proptest! {
        #[test]
        fn any_twelve_digits_round_trip_as_basic_code(s in "[0-9]{12}") {
            let code = BasicCode::parse(&s).unwrap();
            prop_assert_eq!(code.as_str(), s.as_str());
            let json = serde_json::to_string(&code).unwrap();
            prop_assert_eq!(serde_json::from_str::<BasicCode>(&json).unwrap(), code);
        }

        #[test]
        fn basic_code_of_wrong_length_is_rejected(s in "[0-9]{0,11}|[0-9]{13,20}") {
            prop_assert!(
                matches!(BasicCode::parse(&s), Err(CodeError::Length { .. })),
                "expected a length error"
            );
        }

        #[test]
        fn non_digit_anywhere_breaks_a_basic_code(
            s in "[0-9]{12}", pos in 0usize..12, c in "[^0-9]"
        ) {
            let mut chars: Vec<char> = s.chars().collect();
            chars[pos] = c.chars().next().unwrap();
            let broken: String = chars.into_iter().collect();
            prop_assert!(BasicCode::parse(&broken).is_err());
        }

        #[test]
        fn department_codes_round_trip_through_serde(s in "[A-Z][A-Z0-9]{1,11}") {
            let code = DepartmentCode::parse(&s).unwrap();
            let json = serde_json::to_string(&code).unwrap();
            prop_assert_eq!(serde_json::from_str::<DepartmentCode>(&json).unwrap(), code);
        }

        #[test]
        fn implementation_code_splits_into_the_parts_it_was_built_from(
            body in "[0-9A-HJ-NP-RT-UW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RT-UW-Y]{9}",
            level in proptest::sample::select(ExerciseLevel::ALL.to_vec()),
            basic in "[0-9]{12}",
        ) {
            let uscc = UnifiedSocialCreditCode::with_check_character(&body).unwrap();
            let basic = BasicCode::parse(&basic).unwrap();
            let code = ImplementationCode::new(&uscc, level, &basic);
            let parsed = ImplementationCode::parse(code.as_str()).unwrap();
            prop_assert_eq!(&parsed, &code);
            prop_assert_eq!(parsed.implementer(), uscc);
            prop_assert_eq!(parsed.level(), level);
            prop_assert_eq!(parsed.basic_code(), basic);
        }

        #[test]
        fn division_code_parse_accepts_exactly_known_province_prefixes(s in "[0-9]{6}") {
            let known = PROVINCE_PREFIXES.contains(&&s[..2]);
            prop_assert_eq!(DivisionCode::parse(&s).is_ok(), known);
        }
    }
}
