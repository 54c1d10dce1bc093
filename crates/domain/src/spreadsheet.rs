//! Cells of the CSV and XLSX files the bureau hands out, made safe to open in a spreadsheet
//! program (CSV / formula injection, OWASP "CSV Injection").
//!
//! A cell whose text starts with `=`, `+`, `-` or `@` (or a tab or carriage return, which some
//! programs skip before looking for one of those) is taken for a formula when a CSV file is
//! opened in Excel or WPS: an item name `=HYPERLINK("http://…","详情")` becomes a live link, and
//! `=WEBSERVICE(…)` can send other cells away. Exports therefore prefix such a cell with `'`,
//! which spreadsheet programs read as "this is text". XLSX cells are also written as strings,
//! never formulas, and get the same prefix, so both formats carry the same text.
//!
//! The prefix is reversible: a text that already starts with `'` gets one more, and
//! [`unescape_cell`] removes exactly one `'` only when it is followed by a formula trigger or by
//! another `'`. An exported file therefore imports back to the same text, while an apostrophe a
//! person typed at the start of an ordinary text (`'s Gravenhage`) is kept.

use std::borrow::Cow;

/// The first characters that make a spreadsheet program read a cell as a formula.
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn needs_prefix(text: &str) -> bool {
    text.starts_with(TRIGGERS) || text.starts_with('\'')
}

/// The cell text to write into an exported CSV or XLSX file.
#[must_use]
pub fn escape_cell(text: &str) -> Cow<'_, str> {
    if needs_prefix(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// The text of an imported cell, with the prefix [`escape_cell`] added taken off again.
#[must_use]
pub fn unescape_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_prefix(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formula_triggers_get_a_quote_and_plain_text_does_not() {
        for text in [
            "=HYPERLINK(\"http://evil.example\",\"详情\")",
            "+1",
            "-1",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
        ] {
            assert_eq!(escape_cell(text), format!("'{text}"), "{text:?}");
        }
        for text in ["食品经营许可", "", "1-2", "a=b", "20 WD"] {
            assert_eq!(escape_cell(text), text);
        }
    }

    #[test]
    fn a_typed_leading_apostrophe_before_ordinary_text_survives_import() {
        assert_eq!(unescape_cell("'s Gravenhage"), "'s Gravenhage");
        assert_eq!(unescape_cell("'=1"), "=1");
        assert_eq!(unescape_cell("''x"), "'x");
    }

    proptest! {
        #[test]
        fn escaping_round_trips_and_never_leaves_a_trigger_first(text in "['=+\\-@\\t\\ra-z]{0,6}") {
            let escaped = escape_cell(&text);
            prop_assert!(!escaped.starts_with(TRIGGERS));
            prop_assert_eq!(unescape_cell(&escaped), text.as_str());
        }
    }
}
