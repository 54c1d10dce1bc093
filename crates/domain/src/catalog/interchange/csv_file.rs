//! The CSV form of the item list (UTF-8, comma-separated, RFC 4180 quoting).

use super::super::item::Item;
use super::limits::{Errors, MAX_CELL_CHARS, MAX_CELLS, MAX_TEXT_BYTES};
use super::reason::Reason;
use super::{ExportError, ITEM_FIELDS, ImportError, RowError, Table, columns, import_table};
use crate::spreadsheet::escape_cell;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Writes the items as CSV with a UTF-8 byte-order mark, so Excel shows the Chinese text.
pub fn export_csv(items: &[Item]) -> Result<Vec<u8>, ExportError> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    let fail = |e: csv::Error| ExportError::Csv(e.to_string());
    writer
        .write_record(ITEM_FIELDS.iter().map(|(name, _)| *name))
        .map_err(fail)?;
    for item in items {
        let cells = columns::encode(item);
        writer
            .write_record(cells.iter().map(|c| escape_cell(c).into_owned()))
            .map_err(fail)?;
    }
    writer
        .into_inner()
        .map_err(|e| ExportError::Csv(e.to_string()))
}

/// Reads a CSV item list; see the module doc for the layout and the all-or-nothing rule.
pub fn import_csv(bytes: &[u8]) -> Result<Vec<Item>, ImportError> {
    let body = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    let mut rows = Vec::new();
    let mut errors = Errors::default();
    let (mut cell_count, mut text_bytes) = (0usize, 0usize);
    for (i, record) in reader.byte_records().enumerate() {
        let row = i + 1;
        let record = record.map_err(|e| unreadable(e.to_string()))?;
        cell_count += record.len();
        text_bytes += record.as_slice().len();
        if cell_count > MAX_CELLS {
            return Err(unreadable(format!(
                "the file has more than {MAX_CELLS} cells"
            )));
        }
        if text_bytes > MAX_TEXT_BYTES {
            return Err(unreadable(format!(
                "the file has more than {MAX_TEXT_BYTES} bytes of text"
            )));
        }
        let mut cells = Vec::with_capacity(record.len());
        for (col, raw) in record.iter().enumerate() {
            match std::str::from_utf8(raw) {
                Ok(s) if s.chars().count() > MAX_CELL_CHARS => {
                    errors.push(too_long(row, col, s));
                    cells.push(String::new());
                }
                Ok(s) => cells.push(s.to_owned()),
                Err(_) => {
                    errors.push(RowError::new(
                        row,
                        &format!("#{}", col + 1),
                        String::from_utf8_lossy(raw).into_owned(),
                        Reason::new(
                            "the cell is not valid UTF-8; save the file as CSV UTF-8",
                            "单元格不是有效的UTF-8编码，请另存为“CSV UTF-8”格式",
                        ),
                    ));
                    cells.push(String::new());
                }
            }
        }
        rows.push((row, cells));
    }
    import_table(Table { rows, errors })
}

fn unreadable(reason: String) -> ImportError {
    ImportError::Unreadable {
        format: "CSV",
        reason,
    }
}

/// The error for a cell over [`MAX_CELL_CHARS`] (also used by the XLSX reader).
pub(super) fn too_long(row: usize, col: usize, text: &str) -> RowError {
    let head: String = text.chars().take(super::limits::MAX_QUOTED_CHARS).collect();
    RowError::new(
        row,
        &format!("#{}", col + 1),
        head,
        Reason::new(
            format!("the cell is longer than {MAX_CELL_CHARS} characters"),
            format!("单元格超过{MAX_CELL_CHARS}个字符"),
        ),
    )
}
