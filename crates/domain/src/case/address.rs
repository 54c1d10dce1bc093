//! 住所 / 经营场所: where the applicant lives or does business (issue #18 item 4).
//!
//! A natural person's address is personal data (DESIGN.md §10): it stays in the receipt's
//! private body, is shown to staff who may view the case and printed on papers made on request
//! (the certificate PDF is never hashed in public), and never enters a public ledger field, a
//! sealed document or the licence's record. An organisation's registered address is public
//! like its name: its licence carries it (`Received::holder_address`).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::ids::mask;

/// An address as given at intake: trimmed, one space between words, no control characters
/// (`IntakeInput::check` makes it). Its `Debug` output shows only the first characters.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Address(String);

impl Address {
    /// An address already checked by `IntakeInput::check`.
    pub(crate) fn checked(text: String) -> Self {
        Self(text)
    }

    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Address({})", mask(&self.0, 3, 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_all_but_the_first_characters() {
        let a = Address::checked("济南市历下区泉城路1号".into());
        assert_eq!(format!("{a:?}"), "Address(济南市********)");
        assert_eq!(serde_json::to_value(&a).unwrap(), "济南市历下区泉城路1号");
    }
}
