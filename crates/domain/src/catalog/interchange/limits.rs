//! What one import may cost, checked before the memory is taken (issue #22, item 2).
//!
//! An item list is small (the reform's catalog is 271 items of 26 columns), but the files come
//! from outside: a 1.7 KB XLSX can declare 10^17 shared strings, a 7 KB one can hold a 4 MB
//! string that 300 cells repeat, and 100 KB of junk rows gave 26 errors a row, each quoting its
//! cell. So every quantity that grows with the file is bounded here, and the bounds together
//! bound the memory of one import (see docs/SECURITY.md for the figures measured):
//! - the archive: entries, declared and actual uncompressed bytes, compression ratio;
//! - the table: cells, text bytes, characters in one cell (Excel's own limit);
//! - the answer: at most [`MAX_ERRORS`] errors are kept (with the total count), and the text
//!   an error quotes is clipped ([`RowError`] lives here for that reason).

use super::reason::Reason;

/// One reason an import was refused.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowError {
    /// 1-based; the header is row 1.
    pub row: usize,
    /// The column's English name, or the header text for header problems.
    pub column: String,
    /// The offending cell as read (clipped to [`MAX_QUOTED_CHARS`] characters).
    pub value: String,
    pub reason_zh: String,
    pub reason_en: String,
}

impl RowError {
    pub(super) fn new(row: usize, column: &str, value: String, reason: Reason) -> Self {
        Self {
            row,
            column: clip(column.to_owned()),
            value: clip(value),
            reason_zh: clip(reason.zh),
            reason_en: clip(reason.en),
        }
    }
}

/// Excel's own limit on the characters of one cell; no field of an item comes near it.
pub const MAX_CELL_CHARS: usize = 32_767;
/// Cells of one table (CSV records × fields, or non-empty XLSX cells; and the rectangle an XLSX
/// sheet's used cells span): 2^20, e.g. 40,000 items of 26 columns.
pub const MAX_CELLS: usize = 1 << 20;
/// Bytes of cell text in one table, counted as the cells are read (an XLSX shared string
/// counts once per cell that uses it, since each cell gets its own copy).
pub const MAX_TEXT_BYTES: usize = 32 << 20;
/// Errors kept for the answer; the rest are only counted.
pub const MAX_ERRORS: usize = 100;
/// Characters of a cell value, or of a reason, that an error quotes.
pub const MAX_QUOTED_CHARS: usize = 200;

/// Entries of an XLSX archive (a workbook has a dozen).
pub const MAX_ZIP_ENTRIES: usize = 1_000;
/// Uncompressed bytes of one archive entry, declared or actual.
pub const MAX_ZIP_ENTRY_BYTES: u64 = 32 << 20;
/// Uncompressed bytes of all entries together.
pub const MAX_ZIP_TOTAL_BYTES: u64 = 64 << 20;
/// Uncompressed ÷ compressed size of an entry bigger than [`RATIO_FLOOR_BYTES`]: spreadsheet
/// XML compresses about 10:1; a bomb compresses 1000:1.
pub const MAX_ZIP_RATIO: u64 = 200;
/// Entries smaller than this are not held to [`MAX_ZIP_RATIO`] (tiny parts compress oddly).
pub const RATIO_FLOOR_BYTES: u64 = 1 << 20;
/// Bytes of text in one shared string as stored (escaped) in `sharedStrings.xml`: room for
/// [`MAX_CELL_CHARS`] characters of four UTF-8 bytes each, escaped.
pub const MAX_SHARED_STRING_BYTES: usize = MAX_CELL_CHARS * 8;

/// `text` cut to [`MAX_QUOTED_CHARS`] characters, marked with `…` when it was cut.
pub(crate) fn clip(text: String) -> String {
    match text.char_indices().nth(MAX_QUOTED_CHARS) {
        None => text,
        Some((end, _)) => {
            let mut short = text;
            short.truncate(end);
            short.push('…');
            short
        }
    }
}

/// The errors of one import: the first [`MAX_ERRORS`] by row (in the order found within a
/// row) and how many there were in all. Memory stays bounded however many rows are wrong.
#[derive(Debug, Default)]
pub(crate) struct Errors {
    kept: Vec<RowError>,
    total: usize,
}

impl Errors {
    pub(crate) fn push(&mut self, error: RowError) {
        self.total += 1;
        self.kept.push(error);
        if self.kept.len() >= 2 * MAX_ERRORS {
            self.trim();
        }
    }

    pub(crate) fn extend(&mut self, errors: impl IntoIterator<Item = RowError>) {
        for e in errors {
            self.push(e);
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.total == 0
    }

    pub(crate) fn total(&self) -> usize {
        self.total
    }

    fn trim(&mut self) {
        // Stable: errors of one row keep the order they were found in.
        self.kept.sort_by_key(|e| e.row);
        self.kept.truncate(MAX_ERRORS);
    }

    /// The kept errors, sorted by row, and the total count.
    pub(crate) fn finish(mut self) -> (Vec<RowError>, usize) {
        self.trim();
        (self.kept, self.total)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::reason::Reason;
    use super::*;

    #[test]
    fn a_long_text_is_clipped_on_a_character_boundary() {
        let long = "事".repeat(MAX_QUOTED_CHARS + 5);
        let short = clip(long);
        assert_eq!(short.chars().count(), MAX_QUOTED_CHARS + 1);
        assert!(short.ends_with('…'));
        assert_eq!(clip("短".to_owned()), "短");
    }

    #[test]
    fn the_first_errors_by_row_are_kept_and_all_are_counted() {
        let mut errors = Errors::default();
        for row in (1..=1000).rev() {
            errors.push(RowError::new(
                row,
                "name",
                String::new(),
                Reason::new("x", "x"),
            ));
        }
        let (kept, total) = errors.finish();
        assert_eq!(total, 1000);
        assert_eq!(kept.len(), MAX_ERRORS);
        assert_eq!(kept.first().unwrap().row, 1);
        assert_eq!(kept.last().unwrap().row, MAX_ERRORS);
    }
}
