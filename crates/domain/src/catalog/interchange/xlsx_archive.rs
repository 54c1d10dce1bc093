//! The XLSX archive checked against [`super::limits`] before calamine opens it.
//!
//! calamine trusts what the file declares: it reserves room for the `uniqueCount` shared
//! strings that `xl/sharedStrings.xml` announces (10^17 aborts the process), keeps every
//! shared string in memory whatever its length, and decompresses whatever an entry holds. So
//! the archive is read once here first, entry by entry through a bounded reader: the central
//! directory's declared sizes and ratios, then the bytes actually decompressed, and in the
//! shared strings the declared counts against the strings really present and the length of
//! each. Only an archive within every limit is handed to calamine, which then reads the same
//! bytes.

use std::io::{self, BufReader, Cursor, Read};

use quick_xml::events::Event;

use super::limits::{
    MAX_CELLS, MAX_SHARED_STRING_BYTES, MAX_ZIP_ENTRIES, MAX_ZIP_ENTRY_BYTES, MAX_ZIP_RATIO,
    MAX_ZIP_TOTAL_BYTES, RATIO_FLOOR_BYTES,
};

/// Why an archive was refused, in English (the import reports it as an unreadable file).
pub(super) type Refusal = String;

/// Checks every entry of the archive; `Ok` means calamine may open it.
pub(super) fn check(bytes: &[u8]) -> Result<(), Refusal> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(format!(
            "the archive has {} entries, more than {MAX_ZIP_ENTRIES}",
            zip.len()
        ));
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|e| e.to_string())?;
        let name = entry.name().map_err(|e| e.to_string())?.into_owned();
        let compressed = entry.compressed_size();
        check_size(&name, entry.size(), compressed)?;
        let budget = MAX_ZIP_ENTRY_BYTES.min(MAX_ZIP_TOTAL_BYTES - total);
        // One byte over the budget is enough to know it is over.
        let mut reader = Counting::new(entry.take(budget + 1));
        if is_shared_strings(&name) {
            check_shared_strings(&mut reader)?;
        }
        io::copy(&mut reader, &mut io::sink()).map_err(|e| format!("{name}: {e}"))?;
        let actual = reader.count;
        if actual > budget {
            return Err(format!(
                "the archive decompresses to more than {MAX_ZIP_ENTRY_BYTES} bytes in an entry \
                 or {MAX_ZIP_TOTAL_BYTES} in all ({name})"
            ));
        }
        check_size(&name, actual, compressed)?;
        total += actual;
    }
    Ok(())
}

/// An entry's (declared or actual) uncompressed size against the per-entry and ratio limits.
fn check_size(name: &str, size: u64, compressed: u64) -> Result<(), Refusal> {
    if size > MAX_ZIP_ENTRY_BYTES {
        return Err(format!(
            "{name} is {size} bytes uncompressed, more than {MAX_ZIP_ENTRY_BYTES}"
        ));
    }
    if size > RATIO_FLOOR_BYTES && size / compressed.max(1) > MAX_ZIP_RATIO {
        return Err(format!(
            "{name} is compressed {}:1, more than {MAX_ZIP_RATIO}:1",
            size / compressed.max(1)
        ));
    }
    Ok(())
}

/// The shared-strings part, wherever the workbook's relationships put it (calamine matches
/// part names without regard to case).
fn is_shared_strings(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with("sharedstrings.xml")
}

/// The declared `count` and `uniqueCount` against the limits and the `<si>` strings really
/// present, and each string's length, streaming (nothing kept but counters).
fn check_shared_strings(reader: &mut impl Read) -> Result<(), Refusal> {
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(reader));
    let config = xml.config_mut();
    config.check_end_names = false;
    config.check_comments = false;
    config.expand_empty_elements = true;
    let mut buf = Vec::new();
    let mut declared_unique: Option<u64> = None;
    let mut strings: u64 = 0;
    let mut current: Option<usize> = None;
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => match e.local_name().as_ref() {
                "sst" => {
                    for attr in e.attributes().flatten() {
                        let value = attr.value.trim();
                        match attr.key.local_name().as_ref() {
                            "uniqueCount" => {
                                // calamine reserves from it when it parses as a number.
                                declared_unique = value.parse::<u64>().ok();
                            }
                            "count" if value.parse::<u64>().is_ok_and(|n| n > MAX_CELLS as u64) => {
                                return Err(format!(
                                    "the shared strings declare {value} uses, more than \
                                     {MAX_CELLS} cells"
                                ));
                            }
                            _ => {}
                        }
                    }
                }
                "si" => {
                    strings += 1;
                    current = Some(0);
                }
                _ => {}
            },
            Ok(Event::End(e)) if e.local_name().as_ref() == "si" => current = None,
            Ok(Event::Text(t)) => grow(&mut current, t.len())?,
            Ok(Event::CData(t)) => grow(&mut current, t.len())?,
            Ok(Event::GeneralRef(t)) => grow(&mut current, t.len() + 2)?,
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(format!("sharedStrings.xml: {e}")),
        }
    }
    match declared_unique {
        Some(n) if n > strings => Err(format!(
            "the shared strings declare uniqueCount {n} but hold {strings}"
        )),
        _ => Ok(()),
    }
}

/// Adds `len` bytes to the shared string being read, if any, within its limit.
fn grow(current: &mut Option<usize>, len: usize) -> Result<(), Refusal> {
    if let Some(n) = current {
        *n += len;
        if *n > MAX_SHARED_STRING_BYTES {
            return Err(format!(
                "a shared string is longer than {MAX_SHARED_STRING_BYTES} bytes"
            ));
        }
    }
    Ok(())
}

/// Counts the bytes read through it.
struct Counting<R> {
    inner: R,
    count: u64,
}

impl<R> Counting<R> {
    fn new(inner: R) -> Self {
        Self { inner, count: 0 }
    }
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}
