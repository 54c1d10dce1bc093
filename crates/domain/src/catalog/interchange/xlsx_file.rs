//! The XLSX form of the item list: one worksheet, every cell written as text so codes keep
//! their leading zeros. On import, numbers and dates that a spreadsheet program produced from
//! typed-in cells are turned back into the text the columns expect.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use time::Date;

use super::super::item::{Item, date_format};
use super::{ExportError, ITEM_FIELDS, ImportError, Table, columns, import_table};

const SHEET_NAME: &str = "事项目录";
/// Julian day number of 1899-12-30, day 0 of Excel's date serials (after its 1900 leap bug).
const EXCEL_EPOCH_JULIAN_DAY: i32 = 2_415_019;

fn fail(e: XlsxError) -> ExportError {
    ExportError::Xlsx(e.to_string())
}

/// Writes the items as an XLSX workbook with a bold, frozen header row.
pub fn export_xlsx(items: &[Item]) -> Result<Vec<u8>, ExportError> {
    let mut workbook = Workbook::new();
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
                sheet.write_string(row, col, value).map_err(fail)?;
            }
        }
    }
    workbook.save_to_buffer().map_err(fail)
}

/// Reads the first worksheet of an XLSX item list; see the module doc for the rules.
pub fn import_xlsx(bytes: &[u8]) -> Result<Vec<Item>, ImportError> {
    let unreadable = |reason: String| ImportError::Unreadable {
        format: "XLSX",
        reason,
    };
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| unreadable(e.to_string()))?;
    let Some(first) = workbook.sheet_names().first().cloned() else {
        return Err(unreadable("the workbook has no worksheet".to_owned()));
    };
    let range = workbook
        .worksheet_range(&first)
        .map_err(|e| unreadable(e.to_string()))?;
    // The range starts at the first used cell; number rows as the spreadsheet shows them.
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let leading_blanks = vec![String::new(); usize::try_from(first_col).unwrap_or(0)];
    let offset = usize::try_from(first_row).unwrap_or(0) + 1;
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let mut text = leading_blanks.clone();
            text.extend(cells.iter().map(cell_text));
            (offset + i, text)
        })
        .collect();
    import_table(Table { rows })
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
    use super::*;

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
