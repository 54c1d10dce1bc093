//! The bureau's printable documents as PDF: one A4 page (or more, when the text runs on), laid
//! out from a [`Sheet`], with the seal's picture, a QR code and an embedded subset of a CJK font.
//!
//! Why a crate of its own: the PDF writer (krilla, with krilla-svg for the seal's SVG picture)
//! is the heaviest part of the build after the database drivers, and it needs nothing of the
//! server; kept apart, it compiles once, beside the server's crates and not after them, and
//! its tests run without a database. Like `seal` it is pure: no I/O, no clock — the creation
//! date is the caller's (the case's event time), every object ID is a hash of the content, so
//! the same sheet always gives the same bytes.
//!
//! The font is Noto Serif CJK SC cut down to GB 2312 and the CJK Unified Ideographs block
//! (`fonts/`, OFL 1.1, 6.9 MB, compiled into the binary so a fresh machine prints without
//! installing anything; GB 2312 alone, 2.1 MB, would print 喆, 堃 or 镕 in a name as a box);
//! krilla embeds only the glyphs a document uses. A character outside the font (extension
//! blocks) prints as the font's empty box; [`missing_glyphs`] names them so a caller can tell.

mod layout;

pub use layout::{Block, FONT, PdfError, Sheet};

use krilla::Document;
use krilla::metadata::{DateTime, Metadata};
use time::OffsetDateTime;

/// Renders `sheet` to PDF bytes; `created` is written as the document's creation date (and is
/// the only date in the file besides those the sheet prints).
pub fn render(sheet: &Sheet, created: OffsetDateTime) -> Result<Vec<u8>, PdfError> {
    let mut doc = Document::new();
    layout::draw(&mut doc, sheet)?;
    doc.set_metadata(
        Metadata::new()
            .title(sheet.title.clone())
            .creator("oneseal".to_owned())
            .producer("oneseal".to_owned())
            .language("zh-CN".to_owned())
            .creation_date(pdf_date(created)),
    );
    doc.finish().map_err(|e| PdfError::Write(format!("{e:?}")))
}

fn pdf_date(t: OffsetDateTime) -> DateTime {
    let t = t.to_offset(time::UtcOffset::UTC);
    DateTime::new(u16::try_from(t.year()).unwrap_or(0))
        .month(u8::from(t.month()))
        .day(t.day())
        .hour(t.hour())
        .minute(t.minute())
        .second(t.second())
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}

/// The characters of `text` the embedded font has no glyph for (they print as an empty box).
pub fn missing_glyphs(text: &str) -> Vec<char> {
    let Ok(face) = ttf_parser::Face::parse(FONT, 0) else {
        return text.chars().collect();
    };
    let mut out: Vec<char> = text
        .chars()
        .filter(|c| !c.is_control() && face.glyph_index(*c).is_none())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests;
