//! 统一社会信用代码 (GB 32100-2015): the 18-character identity of a legal person or other
//! organisation, and the first part of every implementation code.
//!
//! Layout (1-based positions): 1 registration authority, 2 organisation category, 3–8 the
//! registering authority's division code (GB/T 2260 digits), 9–17 the subject identifier,
//! 18 the check character. Characters come from a 31-symbol alphabet (digits and the capital
//! letters without I, O, S, V, Z) whose values are their indexes in [`ALPHABET`].
//!
//! The check character is `C18 = (31 - Σ Ci·Wi mod 31) mod 31` over the first 17 characters,
//! with weights `Wi = 3^(i-1) mod 31` (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10,
//! 30, 28), as worked through in the standard's example (`91350100M000100Y4?` → `3`).
//! Because 31 is prime and every weight is distinct and non-zero, any single substitution and
//! any swap of two adjacent different characters changes the check character.
//!
//! Caveat: forum reports say a few codes issued in practice (some in Fujian) fail this check.
//! `parse` is strict; a caller that must accept such a code should keep it as plain text.

use super::code::{CodeError, CodeKind, DivisionCode, check_chars, string_code};

/// The code alphabet; a character's value is its index.
pub const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const ALPHABET_NAME: &str = "0-9 A-H J-N P-R T-U W-Y";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// 统一社会信用代码, checked against GB 32100-2015 including its check character.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnifiedSocialCreditCode(String);

fn value_of(c: char) -> Option<u32> {
    ALPHABET.find(c).and_then(|i| u32::try_from(i).ok())
}

fn char_of(value: u32) -> char {
    ALPHABET
        .chars()
        .nth(usize::try_from(value).unwrap_or(0))
        .unwrap_or('0')
}

/// Positions 3–8 (0-based 2..8) are digits; every other position uses the code alphabet.
fn allowed_at(i: usize, c: char) -> bool {
    if (2..8).contains(&i) {
        c.is_ascii_digit()
    } else {
        value_of(c).is_some()
    }
}

impl UnifiedSocialCreditCode {
    pub const LEN: usize = 18;

    pub fn parse(s: &str) -> Result<Self, CodeError> {
        check_chars(
            CodeKind::UnifiedSocialCredit,
            s,
            Self::LEN,
            "18",
            ALPHABET_NAME,
            allowed_at,
        )?;
        let (body, check) = s.split_at(Self::LEN - 1);
        let expected = Self::compute_check_character(body)?;
        let found = check.chars().next().unwrap_or('?');
        if found != expected {
            return Err(CodeError::CheckCharacter { found, expected });
        }
        Ok(Self(s.to_owned()))
    }

    /// Completes the first 17 characters with their check character.
    pub fn with_check_character(body: &str) -> Result<Self, CodeError> {
        let check = Self::compute_check_character(body)?;
        Ok(Self(format!("{body}{check}")))
    }

    /// The check character GB 32100-2015 assigns to the first 17 characters.
    pub fn compute_check_character(body: &str) -> Result<char, CodeError> {
        check_chars(
            CodeKind::UnifiedSocialCredit,
            body,
            Self::LEN - 1,
            "17 (without the check character)",
            ALPHABET_NAME,
            allowed_at,
        )?;
        let sum: u32 = body
            .chars()
            .zip(WEIGHTS)
            .map(|(c, w)| value_of(c).unwrap_or(0) * w)
            .sum();
        Ok(char_of((31 - sum % 31) % 31))
    }

    /// For codes taken out of an already checked implementation code.
    pub(super) fn from_checked(s: &str) -> Self {
        Self(s.to_owned())
    }

    /// Position 1: 登记管理部门代码 (`1` = 机构编制, `5` = 民政, `9` = 工商 …).
    pub fn registration_authority(&self) -> char {
        self.0.chars().next().unwrap_or('0')
    }

    /// Position 2: 机构类别代码, whose meaning depends on position 1.
    pub fn organisation_category(&self) -> char {
        self.0.chars().nth(1).unwrap_or('0')
    }

    /// Positions 3–8, when they form a known division code.
    pub fn division_code(&self) -> Option<DivisionCode> {
        self.0.get(2..8).and_then(|s| DivisionCode::parse(s).ok())
    }

    /// Positions 9–17: 主体标识码 (formerly the organisation code).
    pub fn subject_identifier(&self) -> &str {
        self.0.get(8..17).unwrap_or_default()
    }

    pub fn check_character(&self) -> char {
        self.0.chars().nth(17).unwrap_or('0')
    }
}

string_code!(UnifiedSocialCreditCode);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn weights_are_powers_of_three_modulo_31() {
        let mut w = 1u32;
        for expected in WEIGHTS {
            assert_eq!(w, expected);
            w = w * 3 % 31;
        }
    }

    #[test]
    fn standard_worked_example_gives_check_character_three() {
        // GB 32100-2015's example: body 91350100M000100Y4, weighted sum 1640, 1640 mod 31 = 28,
        // 31 - 28 = 3; the example's own "Z" is the wrong character it demonstrates rejecting.
        assert_eq!(
            UnifiedSocialCreditCode::compute_check_character("91350100M000100Y4").unwrap(),
            '3'
        );
        assert!(UnifiedSocialCreditCode::parse("91350100M000100Y43").is_ok());
        assert_eq!(
            UnifiedSocialCreditCode::parse("91350100M000100Y4Z").unwrap_err(),
            CodeError::Character {
                kind: CodeKind::UnifiedSocialCredit,
                position: 18,
                found: 'Z',
                allowed: ALPHABET_NAME
            }
        );
    }

    #[test]
    fn published_codes_are_accepted() {
        // 11450721MB15580811: a county 行政审批局 in Guangxi, from real sync data (domain.md §2).
        // 914403001922038216: Huawei Technologies Co., Ltd., printed on its business licence.
        for code in ["11450721MB15580811", "914403001922038216"] {
            let parsed = UnifiedSocialCreditCode::parse(code).unwrap();
            assert_eq!(parsed.as_str(), code);
        }
    }

    #[test]
    fn published_code_with_changed_check_character_is_rejected() {
        assert_eq!(
            UnifiedSocialCreditCode::parse("11450721MB15580812").unwrap_err(),
            CodeError::CheckCharacter {
                found: '2',
                expected: '1'
            }
        );
    }

    #[test]
    fn accessors_split_the_code_by_the_standard_layout() {
        let code = UnifiedSocialCreditCode::parse("11450721MB15580811").unwrap();
        assert_eq!(code.registration_authority(), '1');
        assert_eq!(code.organisation_category(), '1');
        assert_eq!(code.division_code().unwrap().as_str(), "450721");
        assert_eq!(code.subject_identifier(), "MB1558081");
        assert_eq!(code.check_character(), '1');
    }

    #[test]
    fn letters_outside_the_alphabet_are_rejected() {
        for bad in ["I", "O", "S", "V", "Z", "a"] {
            let code = format!("{bad}1450721MB15580811");
            assert!(UnifiedSocialCreditCode::parse(&code).is_err(), "{code}");
        }
    }

    #[test]
    fn division_part_must_be_digits() {
        let err = UnifiedSocialCreditCode::parse("1145A721MB15580811").unwrap_err();
        assert!(matches!(
            err,
            CodeError::Character {
                position: 5,
                found: 'A',
                ..
            }
        ));
    }

    fn body() -> impl Strategy<Value = String> {
        "[0-9A-HJ-NP-RT-UW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RT-UW-Y]{9}"
    }

    fn alphabet_char() -> impl Strategy<Value = char> {
        proptest::sample::select(ALPHABET.chars().collect::<Vec<_>>())
    }

    proptest! {
        #[test]
        fn completed_bodies_parse_and_round_trip(b in body()) {
            let code = UnifiedSocialCreditCode::with_check_character(&b).unwrap();
            let parsed = UnifiedSocialCreditCode::parse(code.as_str()).unwrap();
            prop_assert_eq!(&parsed, &code);
            let json = serde_json::to_string(&parsed).unwrap();
            prop_assert_eq!(serde_json::from_str::<UnifiedSocialCreditCode>(&json).unwrap(), code);
        }

        #[test]
        fn any_single_substitution_is_detected(b in body(), pos in 0usize..18, c in alphabet_char()) {
            let code = UnifiedSocialCreditCode::with_check_character(&b).unwrap();
            let mut chars: Vec<char> = code.as_str().chars().collect();
            prop_assume!(chars[pos] != c);
            prop_assume!(!(2..8).contains(&pos) || c.is_ascii_digit());
            chars[pos] = c;
            let changed: String = chars.into_iter().collect();
            prop_assert!(UnifiedSocialCreditCode::parse(&changed).is_err());
        }

        #[test]
        fn swapping_adjacent_different_characters_is_detected(b in body(), pos in 0usize..16) {
            let mut chars: Vec<char> = b.chars().collect();
            prop_assume!(chars[pos] != chars[pos + 1]);
            let code = UnifiedSocialCreditCode::with_check_character(&b).unwrap();
            chars.swap(pos, pos + 1);
            let swapped: String = chars.into_iter().chain(code.check_character().to_string().chars()).collect();
            prop_assert!(UnifiedSocialCreditCode::parse(&swapped).is_err());
        }
    }
}
