//! The XLSX form of the item list: one worksheet, every cell written as text so codes keep
//! their leading zeros. On import, numbers and dates that a spreadsheet program produced from
//! typed-in cells are turned back into the text the columns expect.

use std::io::Cursor;

use calamine::{Data, DataRef, Reader, Xlsx, open_workbook_from_rs};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use time::Date;

use super::super::date_format;
use super::super::item::Item;
use super::csv_file::too_long;
use super::limits::{Errors, MAX_CELL_CHARS, MAX_CELLS, MAX_TEXT_BYTES};
use super::{ExportError, ITEM_FIELDS, ImportError, Table, columns, import_table, xlsx_archive};
use crate::spreadsheet::escape_cell;

const SHEET_NAME: &str = "事项目录";
/// Julian day number of 1899-12-30, day 0 of Excel's date serials (after its 1900 leap bug).
const EXCEL_EPOCH_JULIAN_DAY: i32 = 2_415_019;

fn fail(e: XlsxError) -> ExportError {
    ExportError::Xlsx(e.to_string())
}

/// Writes the items as an XLSX workbook with a bold, frozen header row. `created` goes into the
/// document's properties (the writer would otherwise read the clock), so the same items and
/// time give the same bytes.
pub fn export_xlsx(items: &[Item], created: time::OffsetDateTime) -> Result<Vec<u8>, ExportError> {
    let mut workbook = Workbook::new();
    let created =
        rust_xlsxwriter::ExcelDateTime::from_timestamp(created.unix_timestamp()).map_err(fail)?;
    workbook.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&created));
    let sheet = workbook.add_worksheet();
    sheet.set_name(SHEET_NAME).map_err(fail)?;
    let bold = Format::new().set_bold();
    for (col, (name, _)) in (0u16..).zip(ITEM_FIELDS.iter()) {
        sheet
            .write_string_with_format(0, col, *name, &bold)
            .map_err(fail)?;
        let width = if matches!(*name, "name" | "legal_basis" | "materials") {
            40
        } else {
            16
        };
        sheet.set_column_width(col, width).map_err(fail)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(fail)?;
    for (row, item) in (1u32..).zip(items) {
        for (col, value) in (0u16..).zip(columns::encode(item)) {
            if !value.is_empty() {
                sheet
                    .write_string(row, col, escape_cell(&value))
                    .map_err(fail)?;
            }
        }
    }
    workbook.save_to_buffer().map_err(fail)
}

/// Reads the first worksheet of an XLSX item list; see the module doc for the rules.
pub fn import_xlsx(bytes: &[u8]) -> Result<Vec<Item>, ImportError> {
    xlsx_archive::check(bytes).map_err(unreadable)?;
    // calamine 0.38 panics on some malformed sheets: a cell reference of seven letters
    // overflows its column number when overflow checks are on (debug builds). Such a file is
    // unreadable, not a crash.
    let table = std::panic::catch_unwind(|| first_sheet(bytes))
        .unwrap_or_else(|_| Err(unreadable("malformed worksheet".to_owned())))?;
    import_table(table)
}

fn unreadable(reason: String) -> ImportError {
    ImportError::Unreadable {
        format: "XLSX",
        reason,
    }
}

/// The first worksheet's rows from its first to its last used row, numbered as the
/// spreadsheet shows them, each with the text of its cells from column A to the last used
/// column. The cells are streamed rather than read as a calamine `Range`, which allocates the
/// used rectangle before [`MAX_CELLS`] could be checked; a cell's text is copied only once its
/// length is known to be within [`MAX_CELL_CHARS`] and the table's within [`MAX_TEXT_BYTES`].
fn first_sheet(bytes: &[u8]) -> Result<Table, ImportError> {
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| unreadable(e.to_string()))?;
    let Some(first) = workbook.sheet_names().first().cloned() else {
        return Err(unreadable("the workbook has no worksheet".to_owned()));
    };
    let mut reader = match workbook.worksheet_cells_reader(&first) {
        Ok(reader) => reader,
        // A chart sheet: no cells (as calamine's `worksheet_range` reads it).
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(empty()),
        Err(e) => return Err(unreadable(e.to_string())),
    };
    let mut cells: Vec<((u32, u32), String)> = Vec::new();
    let mut errors = Errors::default();
    let mut text_bytes = 0usize;
    while let Some(cell) = reader.next_cell().map_err(|e| unreadable(e.to_string()))? {
        let value = cell.get_value();
        if matches!(value, DataRef::Empty) {
            continue;
        }
        if cells.len() >= MAX_CELLS {
            return Err(unreadable(format!(
                "the worksheet has more than {MAX_CELLS} cells"
            )));
        }
        let (row, col) = cell.get_position();
        let converted;
        let text = match value {
            DataRef::String(s) => s.as_str(),
            DataRef::SharedString(s) => s,
            other => {
                converted = cell_text(&Data::from(other.clone()));
                converted.as_str()
            }
        };
        if text.len() > MAX_CELL_CHARS && text.chars().count() > MAX_CELL_CHARS {
            errors.push(too_long(row as usize + 1, col as usize, text));
            continue;
        }
        text_bytes += text.len();
        if text_bytes > MAX_TEXT_BYTES {
            return Err(unreadable(format!(
                "the worksheet has more than {MAX_TEXT_BYTES} bytes of text"
            )));
        }
        cells.push(((row, col), text.to_owned()));
    }
    let Some(first_row) = cells.iter().map(|((row, _), _)| *row).min() else {
        return Ok(Table {
            rows: Vec::new(),
            errors,
        });
    };
    let last_row = cells
        .iter()
        .map(|((row, _), _)| *row)
        .max()
        .unwrap_or(first_row);
    let last_col = cells.iter().map(|((_, col), _)| *col).max().unwrap_or(0);
    let width = usize::try_from(last_col).map_or(usize::MAX, |c| c.saturating_add(1));
    let height = usize::try_from(last_row - first_row).map_or(usize::MAX, |r| r.saturating_add(1));
    if width.saturating_mul(height) > MAX_CELLS {
        return Err(unreadable(format!(
            "the used area of the worksheet ({height} rows × {width} columns) exceeds {MAX_CELLS} cells"
        )));
    }
    let mut rows = vec![vec![String::new(); width]; height];
    for ((row, col), value) in cells {
        let (r, c) = ((row - first_row) as usize, col as usize);
        if let Some(slot) = rows.get_mut(r).and_then(|cells| cells.get_mut(c)) {
            *slot = value;
        }
    }
    let offset = first_row as usize + 1;
    Ok(Table {
        rows: rows
            .into_iter()
            .enumerate()
            .map(|(i, text)| (offset + i, text))
            .collect(),
        errors,
    })
}

fn empty() -> Table {
    Table {
        rows: Vec::new(),
        errors: Errors::default(),
    }
}

/// The text a cell stands for, whatever type the spreadsheet gave it.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(b) => if *b { "1" } else { "0" }.to_owned(),
        Data::DateTime(dt) => excel_date(dt.as_f64()).unwrap_or_else(|| dt.to_string()),
        Data::DateTimeIso(s) => s.split('T').next().unwrap_or_default().to_owned(),
        Data::Error(e) => format!("#{e}"),
    }
}

/// Whole numbers without a fraction (a version typed as 1 arrives as 1.0).
fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.0}")
    } else {
        f.to_string()
    }
}

fn excel_date(serial: f64) -> Option<String> {
    if !serial.is_finite() || !(0.0..3_000_000.0).contains(&serial) {
        return None;
    }
    // In range, so the truncating cast cannot overflow.
    #[allow(clippy::cast_possible_truncation)]
    let days = serial.floor() as i32;
    let date = Date::from_julian_day(EXCEL_EPOCH_JULIAN_DAY + days).ok()?;
    date_format::format(date).ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Found by the `catalog_xlsx` fuzz target (campaign 2026-11-27): a cell reference
    /// `YspbraQ1` overflowed calamine's column number, a panic with overflow checks on.
    #[test]
    fn a_seven_letter_cell_reference_is_unreadable_not_a_panic() {
        let file = include_bytes!(
            "../../../../../fuzz/corpus/catalog_xlsx/regression_seven_letter_column"
        );
        assert!(matches!(
            import_xlsx(file),
            Err(ImportError::Unreadable { format: "XLSX", .. })
        ));
    }

    #[test]
    fn a_worksheet_spanning_a1_to_xfd1048576_is_refused_before_it_is_allocated() {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.write_string(0, 0, "code").unwrap();
        sheet.write_string(1_048_575, 16_383, "x").unwrap();
        let file = workbook.save_to_buffer().unwrap();
        let Err(ImportError::Unreadable { reason, .. }) = import_xlsx(&file) else {
            panic!("a 17-billion-cell worksheet was not refused");
        };
        assert!(reason.contains("1048576 rows × 16384 columns"), "{reason}");
    }

    #[test]
    fn excel_serial_45292_is_new_year_2024() {
        assert_eq!(excel_date(45292.0).as_deref(), Some("2024-01-01"));
        assert_eq!(excel_date(43466.5).as_deref(), Some("2019-01-01"));
    }

    #[test]
    fn numbers_typed_in_cells_come_back_as_plain_text() {
        assert_eq!(cell_text(&Data::Float(1.0)), "1");
        assert_eq!(cell_text(&Data::Int(20)), "20");
        assert_eq!(cell_text(&Data::Float(1.5)), "1.5");
        assert_eq!(cell_text(&Data::Bool(true)), "1");
        assert_eq!(
            cell_text(&Data::DateTimeIso("2019-01-01T00:00:00".into())),
            "2019-01-01"
        );
    }
}
