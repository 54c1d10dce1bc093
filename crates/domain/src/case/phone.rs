//! 联系电话: the applicant's phone number as a clerk hears it and writes it down.
//!
//! Applicants give mobiles (`138 0013 8000`, `+86 138-0013-8000`) and, for organisations above
//! all, office landlines with their area code and often an extension (`0531-86001234`,
//! `(0531)86001234`, `0531 8600 1234 转 802`, `010-12345678-123`). All of them are accepted and
//! stored in one normalised form, so that the same number typed two ways is the same text in the
//! case, in its commitment on the ledger and in a repeated request:
//!
//! - mobile: the 11 digits (`13800138000`) — the form every case before landlines were accepted
//!   already holds, so old histories still parse to the same value;
//! - landline: area code, hyphen, local number (`0531-86001234`), and `-` extension (`-802`).
//!
//! The numbering plan (MIIT's 电信网编号计划): mobiles are 11 digits `1[3-9]…`; area codes are
//! `010` and `020`–`029` with 8-digit local numbers, otherwise `0` and three digits with 7- or
//! 8-digit local numbers; a local number never starts with `0` (the trunk prefix). `1` is left
//! open: service numbers start with it, and `010-12345678` is how forms print Beijing numbers. Abroad the trunk `0` is dropped (`+86 531 8600 1234`), so it is put back.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::ParseError;
use super::ids::{mask, string_newtype};
use super::phone_problem::PhoneProblem;

/// 联系电话: a mainland mobile or a landline with area code (and extension), normalised.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

/// Words that start an extension, tried in this order (`x` last: it is part of `ext`).
const EXTENSION_MARKERS: [&str; 5] = ["转", "分机", "ext.", "ext", "x"];

impl PhoneNumber {
    /// Digits of a mobile number.
    pub const MOBILE_LEN: usize = 11;
    /// Most characters of a phone number as typed.
    pub const MAX_INPUT: usize = 40;

    /// Parses a number as typed: a mobile (optionally `+86`), or a landline with area code,
    /// hyphens, spaces and parentheses anywhere, and an extension after `转`, `分机`, `ext`, `x`
    /// or a last hyphen. Full-width digits and punctuation count as their ASCII forms.
    ///
    /// # Errors
    /// [`ParseError::Phone`] with what is wrong.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        parse_phone(s).map(Self).map_err(ParseError::Phone)
    }

    /// The normalised number: `13800138000`, `0531-86001234` or `0531-86001234-802`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is a mobile number.
    #[must_use]
    pub fn is_mobile(&self) -> bool {
        self.0.starts_with('1')
    }

    /// The number with its middle hidden: `138****5678`, or `0531-****1234` for a landline
    /// (the extension left out: it says which desk, not whose).
    #[must_use]
    pub fn masked(&self) -> String {
        let mut parts = self.0.split('-');
        match (parts.next(), parts.next()) {
            (Some(area), Some(local)) => format!("{area}-{}", mask(local, 0, 4)),
            _ => mask(&self.0, 3, 4),
        }
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({})", self.masked())
    }
}

string_newtype!(PhoneNumber);

/// Full-width digits and punctuation as their ASCII forms; other dashes as `-`.
fn narrow(c: char) -> char {
    match c {
        '０'..='９' => {
            char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c)
        }
        '（' => '(',
        '）' => ')',
        '－' | '—' | '–' | '‐' | '‑' => '-',
        '＋' => '+',
        '\u{3000}' | '\u{a0}' | '\t' => ' ',
        'ｘ' | 'Ｘ' => 'x',
        _ => c,
    }
}

fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '(' | ')')
}

fn parse_phone(input: &str) -> Result<String, PhoneProblem> {
    let text: String = input.trim().chars().map(narrow).collect();
    if text.chars().count() > PhoneNumber::MAX_INPUT {
        return Err(PhoneProblem::TooLong {
            max: PhoneNumber::MAX_INPUT,
        });
    }
    // ASCII only, so that byte offsets in `lower` are offsets in `text`.
    let lower = text.to_ascii_lowercase();
    let marker = EXTENSION_MARKERS
        .iter()
        .filter_map(|m| lower.find(m).map(|at| (at, m.len())))
        .min_by_key(|(at, _)| *at);
    let (main, extension) = match marker {
        Some((at, len)) => (
            text.get(..at).unwrap_or_default(),
            Some(extension_digits(text.get(at + len..).unwrap_or_default())?),
        ),
        None => (text.as_str(), None),
    };
    if let Some((i, found)) = main
        .chars()
        .enumerate()
        .find(|(i, c)| !(c.is_ascii_digit() || is_separator(*c) || (*c == '+' && *i <= 1)))
    {
        return Err(PhoneProblem::Character {
            position: i + 1,
            found,
        });
    }
    match (number(main), extension) {
        (Ok(n), None) => Ok(n),
        (Ok(n), Some(ext)) if !n.starts_with('1') => Ok(format!("{n}-{ext}")),
        (Ok(_), Some(_)) => Err(PhoneProblem::MobileExtension),
        // `010-12345678-123`: without a marker, a last hyphenated group that makes the number
        // too long is its extension.
        (Err(e @ PhoneProblem::LocalLength { .. }), None) => {
            let Some((head, tail)) = main.rsplit_once('-') else {
                return Err(e);
            };
            let ext = extension_digits(tail).map_err(|_| e.clone())?;
            match number(head) {
                Ok(n) if !n.starts_with('1') => Ok(format!("{n}-{ext}")),
                _ => Err(e),
            }
        }
        (Err(e), _) => Err(e),
    }
}

/// The digits of an extension, separators around them allowed.
fn extension_digits(s: &str) -> Result<String, PhoneProblem> {
    let t = s.trim_matches(|c: char| is_separator(c) || matches!(c, '.' | ':' | '：'));
    if (1..=6).contains(&t.len()) && t.chars().all(|c| c.is_ascii_digit()) {
        Ok(t.to_owned())
    } else {
        Err(PhoneProblem::Extension)
    }
}

/// A mobile or a landline without extension, from digits and separators.
fn number(main: &str) -> Result<String, PhoneProblem> {
    let international = main.trim_start_matches(['(', ' ']).starts_with('+');
    let mut digits: String = main.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return Err(PhoneProblem::Empty);
    }
    if international {
        digits = digits
            .strip_prefix("86")
            .ok_or(PhoneProblem::Foreign)?
            .to_owned();
    } else if let Some(rest) = digits.strip_prefix("0086") {
        digits = rest.to_owned();
    } else {
        return national(&digits);
    }
    // Dialled from abroad the trunk 0 of an area code is dropped; put it back.
    // (`10…` is Beijing's area code, not a mobile: those start 13–19.)
    if digits.starts_with("10") || digits.starts_with(|c: char| ('2'..='9').contains(&c)) {
        digits.insert(0, '0');
    }
    national(&digits)
}

fn national(digits: &str) -> Result<String, PhoneProblem> {
    let n = digits.len();
    let b = digits.as_bytes();
    match b.first() {
        Some(b'1') => {
            if n != PhoneNumber::MOBILE_LEN {
                return Err(PhoneProblem::MobileLength { actual: n });
            }
            match b.get(1) {
                Some(b'3'..=b'9') => Ok(digits.to_owned()),
                Some(d) => Err(PhoneProblem::MobilePrefix {
                    second: char::from(*d),
                }),
                None => Err(PhoneProblem::MobileLength { actual: n }),
            }
        }
        Some(b'0') => {
            let (area_len, expected, lengths): (usize, &'static str, &[usize]) =
                match (b.get(1), b.get(2)) {
                    (Some(b'1'), Some(b'0')) | (Some(b'2'), _) => (3, "8", &[8]),
                    (Some(b'3'..=b'9'), _) => (4, "7–8", &[7, 8]),
                    _ => return Err(PhoneProblem::AreaCode),
                };
            let (area, local) = digits.split_at(area_len.min(n));
            if !lengths.contains(&local.len()) {
                return Err(PhoneProblem::LocalLength {
                    area: area.to_owned(),
                    expected,
                    actual: local.len(),
                });
            }
            if local.starts_with('0') {
                return Err(PhoneProblem::LocalStart);
            }
            Ok(format!("{area}-{local}"))
        }
        _ if n == 7 || n == 8 => Err(PhoneProblem::NoAreaCode),
        _ => Err(PhoneProblem::Unrecognised { digits: n }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ok(s: &str) -> String {
        PhoneNumber::parse(s)
            .unwrap_or_else(|e| panic!("{s}: {}", e.reason_zh()))
            .to_string()
    }

    fn problem(s: &str) -> PhoneProblem {
        match PhoneNumber::parse(s) {
            Err(ParseError::Phone(p)) => p,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn landlines_as_clerks_write_them_are_accepted_and_normalised() {
        for (typed, stored) in [
            ("0531-86001234", "0531-86001234"),
            ("(0531)86001234", "0531-86001234"),
            ("（0531）86001234", "0531-86001234"),
            ("0531 8600 1234", "0531-86001234"),
            ("0531 8600 1234 转 802", "0531-86001234-802"),
            ("0531-86001234转802", "0531-86001234-802"),
            ("0531-86001234 分机 802", "0531-86001234-802"),
            ("0531-86001234 ext. 802", "0531-86001234-802"),
            ("0531-86001234 x802", "0531-86001234-802"),
            ("010-12345678-123", "010-12345678-123"),
            ("010 1234 5678", "010-12345678"),
            ("021-62345678", "021-62345678"),
            ("0634-8123456", "0634-8123456"),
            ("+86 531 8600 1234", "0531-86001234"),
            ("+86 10 12345678", "010-12345678"),
            ("０５３１－８６００１２３４", "0531-86001234"),
        ] {
            assert_eq!(ok(typed), stored, "{typed}");
        }
    }

    #[test]
    fn mobiles_with_spaces_hyphens_and_country_code_are_the_eleven_digits() {
        for typed in [
            "13800138000",
            "138 0013 8000",
            "138-0013-8000",
            "+86 138 0013 8000",
            "+8613800138000",
            "(+86) 13800138000",
            "0086 13800138000",
            " 13800138000 ",
        ] {
            assert_eq!(ok(typed), "13800138000", "{typed}");
        }
    }

    #[test]
    fn wrong_numbers_are_refused_with_what_is_wrong() {
        assert_eq!(problem(""), PhoneProblem::Empty);
        assert_eq!(problem(" - "), PhoneProblem::Empty);
        assert_eq!(problem("86001234"), PhoneProblem::NoAreaCode);
        assert_eq!(problem("8600123"), PhoneProblem::NoAreaCode);
        assert_eq!(
            problem("1380013800"),
            PhoneProblem::MobileLength { actual: 10 }
        );
        assert_eq!(
            problem("12800138000"),
            PhoneProblem::MobilePrefix { second: '2' }
        );
        assert_eq!(problem("13800138000 转 8"), PhoneProblem::MobileExtension);
        assert_eq!(
            problem("0531-860012"),
            PhoneProblem::LocalLength {
                area: "0531".into(),
                expected: "7–8",
                actual: 6
            }
        );
        assert_eq!(
            problem("0531-860012345"),
            PhoneProblem::LocalLength {
                area: "0531".into(),
                expected: "7–8",
                actual: 9
            }
        );
        assert_eq!(
            problem("010-1234567"),
            PhoneProblem::LocalLength {
                area: "010".into(),
                expected: "8",
                actual: 7
            }
        );
        assert_eq!(problem("0531-06001234"), PhoneProblem::LocalStart);
        assert_eq!(problem("011-12345678"), PhoneProblem::AreaCode);
        assert_eq!(problem("+1 415 555 0100"), PhoneProblem::Foreign);
        assert_eq!(problem("0531-86001234 转 abc"), PhoneProblem::Extension);
        assert_eq!(problem("0531-86001234 转 1234567"), PhoneProblem::Extension);
        assert_eq!(
            problem("0531/86001234"),
            PhoneProblem::Character {
                position: 5,
                found: '/'
            }
        );
        assert_eq!(problem(&"1".repeat(41)), PhoneProblem::TooLong { max: 40 });
        assert!(matches!(
            problem("223456789"),
            PhoneProblem::Unrecognised { digits: 9 }
        ));
        assert_eq!(
            PhoneNumber::parse("0531-860012").unwrap_err().reason_zh(),
            "区号0531的固定电话号码应为7–8位，实际为6位"
        );
    }

    #[test]
    fn masks_keep_the_area_code_and_the_last_four_digits() {
        assert_eq!(
            PhoneNumber::parse("13800138000").unwrap().masked(),
            "138****8000"
        );
        let landline = PhoneNumber::parse("0531 8600 1234 转 802").unwrap();
        assert_eq!(landline.masked(), "0531-****1234");
        assert_eq!(format!("{landline:?}"), "PhoneNumber(0531-****1234)");
        assert!(!landline.is_mobile());
    }

    proptest! {
        #[test]
        fn normalised_numbers_parse_to_themselves(
            area in prop_oneof![Just("010".to_owned()), (0_u8..10).prop_map(|d| format!("02{d}")), (300_u16..1000).prop_map(|a| format!("0{a}"))],
            first in 1_u8..10,
            rest in 0_u32..10_000_000,
            ext in proptest::option::of(1_u32..1_000_000),
            spaced in any::<bool>(),
        ) {
            let local = format!("{first}{rest:07}");
            let typed = match (ext, spaced) {
                (Some(e), true) => format!("({area}) {} {} 转 {e}", &local[..4], &local[4..]),
                (Some(e), false) => format!("{area}-{local}-{e}"),
                (None, true) => format!("{area} {} {}", &local[..4], &local[4..]),
                (None, false) => format!("{area}{local}"),
            };
            let p = PhoneNumber::parse(&typed).unwrap();
            let expected = match ext {
                Some(e) => format!("{area}-{local}-{e}"),
                None => format!("{area}-{local}"),
            };
            prop_assert_eq!(p.as_str(), expected.as_str());
            prop_assert_eq!(PhoneNumber::parse(p.as_str()).unwrap(), p.clone());
            let json = serde_json::to_string(&p).unwrap();
            prop_assert_eq!(serde_json::from_str::<PhoneNumber>(&json).unwrap(), p);
        }

        #[test]
        fn mobiles_round_trip(second in 3_u32..=9, rest in 0_u64..1_000_000_000) {
            let s = format!("1{second}{rest:09}");
            let spaced = format!("{} {} {}", &s[..3], &s[3..7], &s[7..]);
            let p = PhoneNumber::parse(&spaced).unwrap();
            prop_assert_eq!(p.as_str(), s.as_str());
            prop_assert_eq!(PhoneNumber::parse(&s).unwrap(), p);
        }

        #[test]
        fn arbitrary_text_never_panics_the_phone_parser(s in "\\PC{0,44}") {
            if let Ok(p) = PhoneNumber::parse(&s) {
                prop_assert_eq!(PhoneNumber::parse(p.as_str()).unwrap(), p);
            }
        }
    }
}
