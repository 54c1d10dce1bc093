//! The query code (查询码): the credential with which an applicant follows a case and rates it
//! without an account, and the form in which a case keeps it.
//!
//! The code is a secret. It never stands in bytes whose hash or content is public (the sealed
//! acceptance voucher no longer carries it), and the case history keeps only a keyed digest of
//! it: the key is held by the server, encrypted under the master key, so whoever reads the data
//! directory or a backup without that key learns no code. 60 random bits put guessing out of
//! reach even for someone who could test codes offline; online guessing is throttled by the
//! server. Cases received before the digest kept their 8-character code itself, and still
//! answer to it.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::error::{Field, ParseError};
use super::ids::Sha256Digest;

/// 查询码: 12 characters (60 bits) from a 32-symbol alphabet without `0`, `1`, `I` and `O`,
/// which are easily misread; printed in three groups of four (`7KQM-2XPD-R4HV`). Parsing
/// ignores case, spaces and hyphens. Codes of 8 characters (40 bits) were issued before and
/// still parse. `Debug` hides the code.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct QueryCode(String);

const QUERY_ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

impl QueryCode {
    /// Number of characters of a code issued now.
    pub const LEN: usize = 12;
    /// Number of characters of the codes issued before (40 bits).
    pub const LEGACY_LEN: usize = 8;
    /// Random bytes consumed by [`QueryCode::from_random`]; the low 60 of their 64 bits are used.
    pub const RANDOM_BYTES: usize = 8;
    /// Characters per printed group.
    const GROUP: usize = 4;

    /// The code for `random` bytes, which the caller draws from a CSPRNG.
    #[must_use]
    pub fn from_random(random: [u8; Self::RANDOM_BYTES]) -> Self {
        let bits = u64::from_be_bytes(random);
        let code = (0..Self::LEN)
            .rev()
            .map(|i| {
                let index = usize::try_from((bits >> (5 * i)) & 0x1f).unwrap_or(0);
                char::from(QUERY_ALPHABET.get(index).copied().unwrap_or(b'2'))
            })
            .collect();
        Self(code)
    }

    /// Parses a code as typed or read out: any case, with or without the spaces and hyphens
    /// (ASCII or full-width) between its groups.
    ///
    /// # Errors
    /// [`ParseError`] for a wrong length or a character outside the alphabet.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let upper: String = s
            .chars()
            .filter(|c| !matches!(c, '-' | ' ' | '\u{3000}' | '－' | '—'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let actual = upper.chars().count();
        if actual != Self::LEN && actual != Self::LEGACY_LEN {
            return Err(ParseError::Length {
                field: Field::QueryCode,
                expected: Self::LEN,
                actual,
            });
        }
        if let Some((i, found)) = upper
            .chars()
            .enumerate()
            .find(|(_, c)| !c.is_ascii() || !QUERY_ALPHABET.contains(&(*c as u8)))
        {
            return Err(ParseError::Character {
                field: Field::QueryCode,
                position: i + 1,
                found,
            });
        }
        Ok(Self(upper))
    }

    /// The characters, upper case, without separators.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code as printed and read out: groups of four joined by hyphens.
    #[must_use]
    pub fn grouped(&self) -> String {
        self.0
            .as_bytes()
            .chunks(Self::GROUP)
            .map(|g| String::from_utf8_lossy(g).into_owned())
            .collect::<Vec<_>>()
            .join("-")
    }
}

impl fmt::Debug for QueryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("QueryCode(********)")
    }
}

impl fmt::Display for QueryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for QueryCode {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, ParseError> {
        Self::parse(&s)
    }
}

impl From<QueryCode> for String {
    fn from(v: QueryCode) -> String {
        v.0
    }
}

/// The query code as a case keeps it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum StoredQueryCode {
    /// HMAC-SHA-256 of the code's characters ([`QueryCode::as_str`]) under the bureau's
    /// query-code key, which never leaves the server.
    Keyed { hmac_sha256: Sha256Digest },
    /// The code itself, as cases received before the keyed digest kept it.
    Plain(QueryCode),
}

impl StoredQueryCode {
    /// What the case table keeps to find a case by its code: `hmac:` and the keyed digest, or
    /// for a code kept in plain the SHA-256 of its characters (64 hex digits, as before). The
    /// two forms cannot collide: only one of them has a colon.
    #[must_use]
    pub fn lookup_key(&self) -> String {
        match self {
            Self::Keyed { hmac_sha256 } => format!("hmac:{}", hmac_sha256.as_str()),
            Self::Plain(code) => hex::encode(Sha256::digest(code.as_str().as_bytes())),
        }
    }

    /// Whether `stored` (a [`lookup_key`](Self::lookup_key) read back) belongs to `code`,
    /// whose keyed digest is `keyed`. Compares every byte, so the time taken says nothing of
    /// how much matched.
    #[must_use]
    pub fn key_matches(stored: &str, code: &QueryCode, keyed: &Sha256Digest) -> bool {
        let candidates = [
            Self::Keyed {
                hmac_sha256: keyed.clone(),
            }
            .lookup_key(),
            Self::Plain(code.clone()).lookup_key(),
        ];
        candidates
            .iter()
            .fold(false, |found, c| found | constant_time_eq(c, stored))
    }
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0_u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl fmt::Debug for StoredQueryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Keyed { hmac_sha256 } => write!(f, "Keyed({})", hmac_sha256.as_str()),
            Self::Plain(_) => f.write_str("Plain(********)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_code_is_twelve_characters_of_five_bits_each() {
        assert_eq!(QueryCode::from_random([0; 8]).as_str(), "222222222222");
        assert_eq!(QueryCode::from_random([0xff; 8]).as_str(), "ZZZZZZZZZZZZ");
        // Indexes 1..=12 in the low 60 bits; the top 4 bits of the 64 are not used.
        let bits = (1_u64..=12).fold(0, |acc, i| (acc << 5) | i) | (0xf << 60);
        assert_eq!(
            QueryCode::from_random(bits.to_be_bytes()).as_str(),
            "3456789ABCDE"
        );
    }

    #[test]
    fn codes_parse_in_any_case_with_or_without_separators_and_print_in_groups() {
        let code = QueryCode::parse("abcd-2345 efgh").unwrap();
        assert_eq!(code.as_str(), "ABCD2345EFGH");
        assert_eq!(code.grouped(), "ABCD-2345-EFGH");
        assert_eq!(QueryCode::parse(&code.grouped()).unwrap(), code);
        assert_eq!(QueryCode::parse("ＡＢＣＤ").ok(), None);
        assert_eq!(QueryCode::parse("abcd　2345－efgh").unwrap(), code);
        for bad in [
            "ABCD2345EFGO",
            "ABCD2345EFG1",
            "ABCDI345EFGH",
            "ABCD2345EFGHJ",
            "ABCD2345EF",
            "ABC",
            "ABCD2345EFGé",
        ] {
            assert!(QueryCode::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(format!("{code:?}"), "QueryCode(********)");
    }

    #[test]
    fn the_eight_character_codes_issued_before_still_parse() {
        let legacy = QueryCode::parse("abcd2345").unwrap();
        assert_eq!(legacy.as_str(), "ABCD2345");
        assert_eq!(legacy.grouped(), "ABCD-2345");
        let stored: StoredQueryCode = serde_json::from_str("\"ABCD2345\"").unwrap();
        assert_eq!(stored, StoredQueryCode::Plain(legacy.clone()));
        assert_eq!(format!("{stored:?}"), "Plain(********)");
    }

    #[test]
    fn a_stored_code_reads_back_in_either_form_and_matches_only_its_own_code() {
        let code = QueryCode::from_random([7; 8]);
        let keyed = Sha256Digest::of(b"stand-in for the keyed digest");
        let stored = StoredQueryCode::Keyed {
            hmac_sha256: keyed.clone(),
        };
        let json = serde_json::to_string(&stored).unwrap();
        assert!(!json.contains(code.as_str()), "{json}");
        assert_eq!(
            serde_json::from_str::<StoredQueryCode>(&json).unwrap(),
            stored
        );
        assert!(StoredQueryCode::key_matches(
            &stored.lookup_key(),
            &code,
            &keyed
        ));
        let other = Sha256Digest::of(b"another code's digest");
        assert!(!StoredQueryCode::key_matches(
            &stored.lookup_key(),
            &code,
            &other
        ));
        // A legacy case's key is the SHA-256 of its code, as the table always held it.
        let legacy = QueryCode::parse("ABCD2345").unwrap();
        let plain = StoredQueryCode::Plain(legacy.clone()).lookup_key();
        assert_eq!(
            plain,
            hex::encode(Sha256::digest(b"ABCD2345")),
            "the cases table's existing rows keep working"
        );
        assert!(StoredQueryCode::key_matches(&plain, &legacy, &other));
        assert!(!StoredQueryCode::key_matches(&plain, &code, &keyed));
    }

    proptest! {
        #[test]
        fn codes_round_trip_and_differ_for_different_bits(
            a in any::<[u8; 8]>(), b in any::<[u8; 8]>()
        ) {
            let code = QueryCode::from_random(a);
            prop_assert_eq!(code.as_str().len(), QueryCode::LEN);
            prop_assert_eq!(QueryCode::parse(&code.grouped().to_lowercase()).unwrap(), code.clone());
            let low = |x: [u8; 8]| u64::from_be_bytes(x) & ((1 << 60) - 1);
            prop_assert_eq!(low(a) == low(b), code == QueryCode::from_random(b));
        }

        #[test]
        fn arbitrary_text_never_panics_the_parser(s in "\\PC{0,24}") {
            let _ = QueryCode::parse(&s);
        }
    }
}
