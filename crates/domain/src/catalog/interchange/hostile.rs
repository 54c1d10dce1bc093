//! Small hostile item lists (issue #22, item 2), built here so that the unit tests, the
//! server's attack suite, the fuzz corpus generator and a memory measurement with the CLI all
//! use the same files, and no binary blob is committed for them. Each is a few kilobytes and,
//! before the limits of [`super::limits`], cost gigabytes or aborted the process.

use std::io::{Cursor, Read, Write};

use rust_xlsxwriter::Workbook;

use super::column_names;

/// One hostile file.
#[derive(Debug, Clone)]
pub struct HostileFile {
    /// A short name, also the file's name in the fuzz corpus.
    pub name: &'static str,
    /// XLSX (else CSV).
    pub xlsx: bool,
    pub bytes: Vec<u8>,
}

/// Declared shared strings: 10^17, reserved by calamine before any is read.
pub const HUGE_UNIQUE_COUNT: &str = "100000000000000000";
/// Bytes of the one shared string of [`huge_shared_string`].
pub const HUGE_STRING_BYTES: usize = 4 << 20;
/// Cells that reference it.
pub const HUGE_STRING_CELLS: u32 = 300;
/// Bytes of junk rows after the header in [`junk_rows_csv`].
pub const JUNK_BYTES: usize = 100 << 10;

/// All hostile files.
///
/// # Errors
/// Only if writing the XLSX fails, which it does not for these.
pub fn hostile_files() -> Result<Vec<HostileFile>, String> {
    Ok(vec![
        HostileFile {
            name: "hostile_unique_count",
            xlsx: true,
            bytes: huge_unique_count()?,
        },
        HostileFile {
            name: "hostile_huge_shared_string",
            xlsx: true,
            bytes: huge_shared_string()?,
        },
        HostileFile {
            name: "hostile_junk_rows",
            xlsx: false,
            bytes: junk_rows_csv(JUNK_BYTES),
        },
    ])
}

/// A workbook whose header row is the item list's, its shared strings declaring
/// [`HUGE_UNIQUE_COUNT`] of them.
///
/// # Errors
/// Only if writing the XLSX fails.
pub fn huge_unique_count() -> Result<Vec<u8>, String> {
    let book = header_workbook(0, "")?;
    rewrite(&book, "xl/sharedStrings.xml", |xml| {
        replace_attr(&xml, "uniqueCount", HUGE_UNIQUE_COUNT)
    })
}

/// A workbook whose header row is the item list's, then [`HUGE_STRING_CELLS`] cells that all
/// use one shared string of [`HUGE_STRING_BYTES`] bytes (it compresses to a few kilobytes).
///
/// # Errors
/// Only if writing the XLSX fails.
pub fn huge_shared_string() -> Result<Vec<u8>, String> {
    const MARK: &str = "HUGE-STRING-MARK";
    let book = header_workbook(HUGE_STRING_CELLS, MARK)?;
    rewrite(&book, "xl/sharedStrings.xml", |xml| {
        xml.replace(MARK, &"A".repeat(HUGE_STRING_BYTES))
    })
}

/// A CSV with the item list's header and `bytes` of junk rows (every cell wrong).
#[must_use]
pub fn junk_rows_csv(bytes: usize) -> Vec<u8> {
    let mut out = column_names().collect::<Vec<_>>().join(",").into_bytes();
    out.extend_from_slice(b"\r\n");
    let body_start = out.len();
    let mut seed: u32 = 0x2026_1206;
    while out.len() - body_start < bytes {
        for col in 0..column_names().count() {
            if col > 0 {
                out.push(b',');
            }
            for _ in 0..6 {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                out.push(b'a' + ((seed >> 16) % 26) as u8);
            }
        }
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// A workbook with the header row and `cells` cells holding `text` below it (10 a row).
fn header_workbook(cells: u32, text: &str) -> Result<Vec<u8>, String> {
    let fail = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let mut book = Workbook::new();
    // A fixed creation time (the writer's default is the clock): the same bytes every time.
    let created = rust_xlsxwriter::ExcelDateTime::from_timestamp(0).map_err(fail)?;
    book.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&created));
    let sheet = book.add_worksheet();
    for (col, name) in (0u16..).zip(column_names()) {
        sheet.write_string(0, col, name).map_err(fail)?;
    }
    for i in 0..cells {
        let col = u16::try_from(i % 10).map_err(|e| e.to_string())?;
        sheet.write_string(1 + i / 10, col, text).map_err(fail)?;
    }
    book.save_to_buffer().map_err(fail)
}

/// `xml` with the first `name="…"` attribute's value replaced.
fn replace_attr(xml: &str, name: &str, value: &str) -> String {
    let key = format!(" {name}=\"");
    let Some(start) = xml.find(&key).map(|i| i + key.len()) else {
        return xml.to_owned();
    };
    let end = xml[start..].find('"').map_or(xml.len(), |i| start + i);
    format!("{}{value}{}", &xml[..start], &xml[end..])
}

/// The archive with one part's text edited; every entry deflated.
fn rewrite(xlsx: &[u8], part: &str, edit: impl Fn(String) -> String) -> Result<Vec<u8>, String> {
    let s = |e: &dyn std::fmt::Display| e.to_string();
    let mut input = zip::ZipArchive::new(Cursor::new(xlsx)).map_err(|e| s(&e))?;
    let mut output = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..input.len() {
        let mut entry = input.by_index(i).map_err(|e| s(&e))?;
        let name = entry.name().map_err(|e| s(&e))?.into_owned();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).map_err(|e| s(&e))?;
        if name == part {
            let text = String::from_utf8(data).map_err(|e| s(&e))?;
            data = edit(text).into_bytes();
        }
        output.start_file(name, options).map_err(|e| s(&e))?;
        output.write_all(&data).map_err(|e| s(&e))?;
    }
    Ok(output.finish().map_err(|e| s(&e))?.into_inner())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::limits::{MAX_ERRORS, MAX_QUOTED_CHARS};
    use super::super::{ImportError, import_csv, import_xlsx};
    use super::*;

    fn unreadable_reason(result: Result<Vec<crate::catalog::Item>, ImportError>) -> String {
        match result {
            Err(ImportError::Unreadable { reason, .. }) => reason,
            other => panic!("expected an unreadable file, got {other:?}"),
        }
    }

    #[test]
    fn the_hostile_files_are_the_same_bytes_every_time() {
        let (a, b) = (hostile_files().unwrap(), hostile_files().unwrap());
        assert!(a.iter().zip(&b).all(|(x, y)| x.bytes == y.bytes));
    }

    #[test]
    fn the_hostile_files_are_small() {
        for f in hostile_files().unwrap() {
            assert!(f.bytes.len() < 120 << 10, "{}: {}", f.name, f.bytes.len());
        }
    }

    /// Before the archive check calamine reserved 10^17 entries: the process aborted.
    #[test]
    fn a_declared_unique_count_beyond_the_strings_present_is_refused_before_calamine() {
        let reason = unreadable_reason(import_xlsx(&huge_unique_count().unwrap()));
        assert!(reason.contains("uniqueCount"), "{reason}");
    }

    /// Before, each of the 300 cells copied the 4 MB string (1.4 GB).
    #[test]
    fn a_megabyte_shared_string_is_refused_before_calamine_copies_it() {
        let file = huge_shared_string().unwrap();
        assert!(file.len() < 16 << 10, "{}", file.len());
        let reason = unreadable_reason(import_xlsx(&file));
        assert!(
            reason.contains("compressed") || reason.contains("shared string"),
            "{reason}"
        );
    }

    /// Before, 100 KB of junk rows gave a 150 MB error list.
    #[test]
    fn junk_rows_give_the_first_errors_and_their_count_not_all_of_them() {
        let Err(ImportError::Rows { errors, total }) = import_csv(&junk_rows_csv(JUNK_BYTES))
        else {
            panic!("junk rows were not refused");
        };
        assert_eq!(errors.len(), MAX_ERRORS);
        assert!(total > 10 * MAX_ERRORS, "{total}");
        assert!(errors.windows(2).all(|w| w[0].row <= w[1].row));
        assert_eq!(errors[0].row, 2);
        for e in &errors {
            for text in [&e.value, &e.reason_en, &e.reason_zh, &e.column] {
                assert!(text.chars().count() <= MAX_QUOTED_CHARS + 1, "{text}");
            }
        }
        let answer = serde_json::to_vec(&errors).unwrap();
        assert!(answer.len() < 64 << 10, "{}", answer.len());
    }

    /// The class, beyond the three reported files: each bound of `limits` refuses its file.
    #[test]
    fn an_entry_that_decompresses_beyond_the_limit_is_refused_unread() {
        let book = header_workbook(0, "").unwrap();
        let bomb = rewrite(&book, "xl/worksheets/sheet1.xml", |xml| {
            xml.replace(
                "<sheetData>",
                &format!("<sheetData>{}", " ".repeat(40 << 20)),
            )
        })
        .unwrap();
        assert!(bomb.len() < 200 << 10, "{}", bomb.len());
        let reason = unreadable_reason(import_xlsx(&bomb));
        assert!(reason.contains("sheet1.xml"), "{reason}");
    }

    #[test]
    fn a_csv_of_more_cells_than_the_limit_is_refused() {
        let mut file = column_names().collect::<Vec<_>>().join(",").into_bytes();
        file.extend_from_slice(b"\n");
        file.extend(std::iter::repeat_n(b',', super::super::limits::MAX_CELLS));
        let reason = unreadable_reason(import_csv(&file));
        assert!(reason.contains("cells"), "{reason}");
    }

    #[test]
    fn a_cell_longer_than_excel_allows_is_a_row_error_quoting_its_start_only() {
        let mut file = column_names().collect::<Vec<_>>().join(",").into_bytes();
        file.extend_from_slice(b"\n");
        file.extend(std::iter::repeat_n(
            b'x',
            super::super::limits::MAX_CELL_CHARS + 1,
        ));
        let Err(ImportError::Rows { errors, total }) = import_csv(&file) else {
            panic!("a 32,768-character cell was accepted");
        };
        assert_eq!((total, errors[0].row), (1, 2));
        assert!(errors[0].reason_en.contains("longer than"));
        assert!(errors[0].value.len() <= MAX_QUOTED_CHARS);
    }
}
