//! The CSV form of the item list (UTF-8, comma-separated, RFC 4180 quoting).

use super::super::item::Item;
use super::reason::Reason;
use super::{ExportError, ITEM_FIELDS, ImportError, RowError, Table, columns, import_table};

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
        writer.write_record(columns::encode(item)).map_err(fail)?;
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
    let mut errors = Vec::new();
    for (i, record) in reader.byte_records().enumerate() {
        let row = i + 1;
        let record = record.map_err(|e| ImportError::Unreadable {
            format: "CSV",
            reason: e.to_string(),
        })?;
        let mut cells = Vec::with_capacity(record.len());
        for (col, raw) in record.iter().enumerate() {
            match std::str::from_utf8(raw) {
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
    if !errors.is_empty() {
        return Err(ImportError::Rows(errors));
    }
    import_table(Table { rows })
}
