//! The applicant and the personal identifiers that come with a natural person.
//!
//! ID card and phone numbers are personal data (DESIGN.md §10): they are kept in the private
//! event body, masked for roles that do not need them, and enter the public ledger only as
//! salted hash commitments over [`Applicant::commitment_fields`]. Their `Debug` output is
//! masked so that a stray `{:?}` in a log does not leak them.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::catalog::UnifiedSocialCreditCode;

use super::error::{Field, ParseError};
use super::ids::{check_digits, mask, parse_yyyymmdd, string_newtype};
use super::phone::PhoneNumber;

/// 公民身份号码 (GB 11643-1999): 6-digit address code, 8-digit birth date, 3-digit order code
/// (odd for men), and an ISO 7064 MOD 11-2 check character (`0`–`9` or `X`).
///
/// The check character makes `Σ aᵢ·Wᵢ ≡ 1 (mod 11)` over all 18 positions with
/// `Wᵢ = 2^(18-i) mod 11` (7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, then 1 for the check itself,
/// `X` standing for 10). The address code is not checked against GB/T 2260: numbers issued
/// under since-abolished division codes remain valid for life.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdNumber(String);

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

impl IdNumber {
    /// Number of characters.
    pub const LEN: usize = 18;

    /// Parses and checks an ID card number; a lower-case `x` is stored as `X`.
    ///
    /// # Errors
    /// [`ParseError`] for a wrong length, a misplaced character, an impossible birth date or a
    /// wrong check character.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let upper = s.to_ascii_uppercase();
        let actual = upper.chars().count();
        if actual != Self::LEN {
            return Err(ParseError::Length {
                field: Field::IdNumber,
                expected: Self::LEN,
                actual,
            });
        }
        // ASCII first, so that the split below falls on a character boundary.
        if let Some((i, found)) = upper.chars().enumerate().find(|(_, c)| !c.is_ascii()) {
            return Err(ParseError::Character {
                field: Field::IdNumber,
                position: i + 1,
                found,
            });
        }
        let (body, check) = upper.split_at(Self::LEN - 1);
        let expected = Self::compute_check_character(body)?;
        let found = check.chars().next().unwrap_or('?');
        if found != expected {
            if !(found.is_ascii_digit() || found == 'X') {
                return Err(ParseError::Character {
                    field: Field::IdNumber,
                    position: Self::LEN,
                    found,
                });
            }
            return Err(ParseError::CheckCharacter {
                field: Field::IdNumber,
                found,
                expected,
            });
        }
        Ok(Self(upper))
    }

    /// The check character for the first 17 digits, after checking them and their birth date.
    ///
    /// # Errors
    /// [`ParseError`] when `body` is not 17 digits or holds an impossible birth date.
    pub fn compute_check_character(body: &str) -> Result<char, ParseError> {
        check_digits(Field::IdNumber, body, Self::LEN - 1)?;
        parse_yyyymmdd(Field::IdNumber, body.get(6..14).unwrap_or_default())?;
        let sum: u32 = body
            .chars()
            .zip(ID_WEIGHTS)
            .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
            .sum();
        // Solve sum + check ≡ 1 (mod 11).
        let check = (12 - sum % 11) % 11;
        Ok(if check == 10 {
            'X'
        } else {
            char::from_digit(check, 10).unwrap_or('0')
        })
    }

    /// The 18 characters.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Date of birth (positions 7–14).
    #[must_use]
    pub fn birth_date(&self) -> Date {
        parse_yyyymmdd(Field::IdNumber, self.0.get(6..14).unwrap_or_default()).unwrap_or(Date::MIN)
    }

    /// First four and last four characters, e.g. `3701**********123X`.
    #[must_use]
    pub fn masked(&self) -> String {
        mask(&self.0, 4, 4)
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

string_newtype!(IdNumber);

/// Who applies. Organisation names and credit codes are public registers; a natural person's
/// name, ID card number and phone, and an organisation's contact phone, are personal data.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Applicant {
    /// 自然人.
    NaturalPerson {
        /// Name as on the ID card.
        name: String,
        /// 居民身份证号码.
        id_number: IdNumber,
        /// Phone number for notices (mobile or landline).
        phone: PhoneNumber,
    },
    /// 法人或其他组织.
    Organisation {
        /// Registered name.
        name: String,
        /// 统一社会信用代码.
        uscc: UnifiedSocialCreditCode,
        /// The contact person's phone number (mobile or landline).
        contact_phone: PhoneNumber,
    },
}

/// One personal field of an applicant, named, for a salted hash commitment on the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalField {
    /// Stable field name, e.g. `id_number`.
    pub field: &'static str,
    /// The value to commit to.
    pub value: String,
}

impl Applicant {
    /// The applicant's name or the organisation's registered name.
    #[must_use]
    pub fn name(&self) -> &str {
        match self {
            Self::NaturalPerson { name, .. } | Self::Organisation { name, .. } => name,
        }
    }

    /// Personal fields, in a fixed order, that may enter the ledger only as commitments.
    #[must_use]
    pub fn commitment_fields(&self) -> Vec<PersonalField> {
        match self {
            Self::NaturalPerson {
                name,
                id_number,
                phone,
            } => vec![
                PersonalField {
                    field: "name",
                    value: name.clone(),
                },
                PersonalField {
                    field: "id_number",
                    value: id_number.as_str().to_owned(),
                },
                PersonalField {
                    field: "phone",
                    value: phone.as_str().to_owned(),
                },
            ],
            Self::Organisation { contact_phone, .. } => vec![PersonalField {
                field: "contact_phone",
                value: contact_phone.as_str().to_owned(),
            }],
        }
    }

    /// A label without personal data: the organisation's name, or 个人申请人.
    #[must_use]
    pub fn public_label(&self) -> String {
        match self {
            Self::NaturalPerson { .. } => "个人申请人".to_owned(),
            Self::Organisation { name, .. } => name.clone(),
        }
    }
}

impl fmt::Debug for Applicant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NaturalPerson {
                name,
                id_number,
                phone,
            } => f
                .debug_struct("NaturalPerson")
                .field("name", &mask(name, 1, 0))
                .field("id_number", id_number)
                .field("phone", phone)
                .finish(),
            Self::Organisation {
                name,
                uscc,
                contact_phone,
            } => f
                .debug_struct("Organisation")
                .field("name", name)
                .field("uscc", &uscc.as_str())
                .field("contact_phone", contact_phone)
                .finish(),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The worked example of GB 11643-1999.
    pub(crate) const SAMPLE_ID: &str = "11010519491231002X";

    pub(crate) fn person() -> Applicant {
        Applicant::NaturalPerson {
            name: "张三".into(),
            id_number: IdNumber::parse(SAMPLE_ID).unwrap(),
            phone: PhoneNumber::parse("13812345678").unwrap(),
        }
    }

    pub(crate) fn company() -> Applicant {
        Applicant::Organisation {
            name: "济南示例食品有限公司".into(),
            uscc: UnifiedSocialCreditCode::parse("91350100M000100Y43").unwrap(),
            contact_phone: PhoneNumber::parse("15912345678").unwrap(),
        }
    }

    #[test]
    fn standard_sample_id_number_checks_out() {
        // Hand check: digits 1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2 × weights
        // 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 = 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167;
        // 167 mod 11 = 2, and 2 + 10 ≡ 1 (mod 11), so the check is 10 = X.
        let id = IdNumber::parse(SAMPLE_ID).unwrap();
        assert_eq!(id.birth_date(), time::macros::date!(1949 - 12 - 31));
        assert_eq!(id.masked(), "1101**********002X");
        assert_eq!(
            IdNumber::parse("11010519491231002x").unwrap().as_str(),
            SAMPLE_ID
        );
    }

    #[test]
    fn id_number_rejects_wrong_check_length_date_and_characters() {
        assert_eq!(
            IdNumber::parse("110105194912310021"),
            Err(ParseError::CheckCharacter {
                field: Field::IdNumber,
                found: '1',
                expected: 'X'
            })
        );
        for bad in [
            "11010519491231002",   // 17
            "11010519491231002XX", // 19
            "1101051949123100AX",  // letter in body
            "11010519490231002X",  // 31 February… well, 1949-02-31
            "11010519491331002X",  // month 13
            "11010519491231002Y",  // check must be digit or X
            "1101051949123১002X",  // non-ASCII digit (Bengali one)
            "￼ ￼ ᥀𑁒এ® aAAኸ A 0 ",  // found by proptest: multi-byte characters
        ] {
            assert!(IdNumber::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            IdNumber::parse("1101051949123100AX")
                .unwrap_err()
                .reason_zh(),
            "居民身份证号码第17位字符“A”不合法"
        );
    }

    #[test]
    fn commitment_fields_list_every_personal_field_and_nothing_public() {
        let fields: Vec<_> = person()
            .commitment_fields()
            .iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(fields, ["name", "id_number", "phone"]);
        let org = company().commitment_fields();
        assert_eq!(org.len(), 1);
        assert_eq!(org[0].field, "contact_phone");
        assert_eq!(org[0].value, "15912345678");
    }

    #[test]
    fn public_label_hides_natural_persons_only() {
        assert_eq!(person().public_label(), "个人申请人");
        assert_eq!(company().public_label(), "济南示例食品有限公司");
    }

    #[test]
    fn debug_output_masks_personal_data() {
        let text = format!("{:?}", person());
        assert!(!text.contains("张三"), "{text}");
        assert!(!text.contains(SAMPLE_ID), "{text}");
        assert!(!text.contains("13812345678"), "{text}");
        assert!(text.contains("1101**********002X"), "{text}");
    }

    #[test]
    fn applicant_serializes_with_a_type_tag() {
        let json = serde_json::to_value(person()).unwrap();
        assert_eq!(json["type"], "natural_person");
        assert_eq!(json["id_number"], SAMPLE_ID);
        let back: Applicant = serde_json::from_value(json).unwrap();
        assert_eq!(back, person());
        let mut bad = serde_json::to_value(company()).unwrap();
        bad["uscc"] = "91350100M000100Y44".into();
        assert!(serde_json::from_value::<Applicant>(bad).is_err());
    }

    /// 17 digits with a valid birth date between 1900 and 2099.
    pub(crate) fn id_body() -> impl Strategy<Value = String> {
        (100_000_u32..=999_999, 0_i64..73_000, 0_u32..=999).prop_map(|(area, days, order)| {
            let birth = time::macros::date!(1900 - 01 - 01) + time::Duration::days(days);
            format!(
                "{area}{:04}{:02}{:02}{order:03}",
                birth.year(),
                u8::from(birth.month()),
                birth.day()
            )
        })
    }

    proptest! {
        #[test]
        fn id_numbers_round_trip_and_mask_to_the_same_length(body in id_body()) {
            let check = IdNumber::compute_check_character(&body).unwrap();
            let id = IdNumber::parse(&format!("{body}{check}")).unwrap();
            prop_assert_eq!(IdNumber::parse(&id.to_string()).unwrap(), id.clone());
            let masked = id.masked();
            prop_assert_eq!(masked.chars().count(), 18);
            prop_assert_eq!(masked.chars().filter(|c| *c == '*').count(), 10);
        }

        #[test]
        fn any_single_digit_change_breaks_the_id_check(body in id_body(), pos in 0_usize..17, delta in 1_u32..10) {
            let check = IdNumber::compute_check_character(&body).unwrap();
            let mut chars: Vec<char> = body.chars().collect();
            let old = chars[pos].to_digit(10).unwrap();
            chars[pos] = char::from_digit((old + delta) % 10, 10).unwrap();
            let changed: String = chars.into_iter().collect();
            // Either the birth date became impossible or the check character no longer fits.
            let candidate = format!("{changed}{check}");
            prop_assert!(IdNumber::parse(&candidate).is_err());
        }

        #[test]
        fn arbitrary_text_never_panics_the_person_parsers(s in "\\PC{0,20}") {
            let _ = IdNumber::parse(&s);
            let _ = PhoneNumber::parse(&s);
        }
    }
}
