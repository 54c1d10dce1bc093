//! What a case of a "one thing" bundle keeps of it in its receipt: the bundle's code, the
//! application the case belongs to, its place in it and whether a refusal of one item blocks the
//! others. Kept apart from `bundle` so that `case::event` imports only this small file.
//!
//! Everything here is public (codes, counts and a flag): the link enters the public ledger entry
//! of the receipt, so anyone can audit which cases were applied for together.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A bundle's code (`open-restaurant`): 3–40 characters, lower-case ASCII letters, digits and
/// hyphens, starting with a letter.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BundleCode(String);

/// Why a bundle code was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "bundle code {0:?} must be 3–40 lower-case letters, digits or hyphens, starting with a letter"
)]
pub struct BundleCodeError(pub String);

impl BundleCode {
    /// Checks `s`.
    ///
    /// # Errors
    /// [`BundleCodeError`] when `s` is not a well-formed code.
    pub fn parse(s: &str) -> Result<Self, BundleCodeError> {
        let ok = (3..=40).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(BundleCodeError(s.chars().take(60).collect()))
        }
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for BundleCode {
    type Error = BundleCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<BundleCode> for String {
    fn from(c: BundleCode) -> Self {
        c.0
    }
}

impl fmt::Display for BundleCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The bundle link a case's receipt carries (issue #20 item 2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleLink {
    /// The bundle applied for.
    pub code: BundleCode,
    /// The application (一件事申请号): the case number of the bundle's first case, which
    /// every case of the same application names.
    pub application: String,
    /// This case's place among the application's cases, from 1.
    pub position: u16,
    /// How many cases the application opened.
    pub of: u16,
    /// Whether a refusal of one item blocks the grant of the others (as the bundle said when
    /// the application was received).
    pub blocks: bool,
}
