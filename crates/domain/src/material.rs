//! The files of a case's materials (申请材料): what kind of file the bytes are, and the fact that
//! one was stored for a case.
//!
//! The case's own events bind a material by name and digest only; the file itself is kept by the
//! server's material store, addressed by its SHA-256. What is accepted is decided from the bytes,
//! never from a file name or a client's `Content-Type`, so a page cannot be smuggled in as a
//! "PDF": PDF, OFD (GB/T 33190, a ZIP package whose root holds `OFD.xml`), JPEG and PNG.

use std::io::Cursor;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::case::Sha256Digest;
use crate::org::StaffId;

/// The kinds of file the bureau accepts as materials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaType {
    Pdf,
    Ofd,
    Jpeg,
    Png,
}

impl MediaType {
    pub const ALL: [MediaType; 4] = [Self::Pdf, Self::Ofd, Self::Jpeg, Self::Png];

    /// The `Content-Type` the file is served with.
    #[must_use]
    pub const fn mime(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Ofd => "application/ofd",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }

    /// The stable code (as stored and as the API names it).
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Ofd => "ofd",
            Self::Jpeg => "jpeg",
            Self::Png => "png",
        }
    }

    /// The type of a stored code.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == code)
    }

    /// The file name extension.
    #[must_use]
    pub const fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            other => other.code(),
        }
    }

    /// Whether a browser shows the file itself (PDF viewer, image); OFD needs a reader and is
    /// downloaded.
    #[must_use]
    pub const fn previews_inline(self) -> bool {
        !matches!(self, Self::Ofd)
    }
}

/// Largest OFD package whose directory is read: the per-file limit is the server's to set, but
/// a ZIP directory is parsed only this far into the archive's entry list.
const OFD_MAX_ENTRIES: usize = 10_000;

/// What the bytes are, from their first bytes (and, for a ZIP, its directory).
///
/// # Errors
/// [`UnsupportedMaterial`] for anything but PDF, OFD, JPEG or PNG (an empty file included).
pub fn sniff(bytes: &[u8]) -> Result<MediaType, UnsupportedMaterial> {
    if bytes.starts_with(b"%PDF-") {
        return Ok(MediaType::Pdf);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(MediaType::Jpeg);
    }
    if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        return Ok(MediaType::Png);
    }
    if bytes.starts_with(b"PK\x03\x04") && is_ofd(bytes) {
        return Ok(MediaType::Ofd);
    }
    Err(UnsupportedMaterial)
}

/// A ZIP package with `OFD.xml` at its root (GB/T 33190 §7.2: the entry file of the package).
/// Only the central directory is read; nothing is decompressed.
fn is_ofd(bytes: &[u8]) -> bool {
    let Ok(archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return false;
    };
    archive.len() <= OFD_MAX_ENTRIES && archive.index_for_name("OFD.xml").is_some()
}

/// The bytes are not a file the bureau accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unsupported material type: only PDF, OFD, JPEG and PNG are accepted")]
pub struct UnsupportedMaterial;

impl UnsupportedMaterial {
    /// The message shown to the clerk.
    #[must_use]
    pub const fn message_zh() -> &'static str {
        "材料文件类型不受支持：只接受PDF、OFD、JPEG或PNG文件（按文件内容识别，不看扩展名）"
    }
}

/// Longest name of a material (the catalog's material names are far shorter).
pub const MATERIAL_NAME_MAX: usize = 200;

/// One file stored among a case's materials (at intake or with a supplement).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredMaterial {
    /// SHA-256 of the file: its address in the material store (private: with the file in hand,
    /// anyone could confirm it was submitted).
    pub sha256: Sha256Digest,
    /// The material's name: a catalog checklist name when `listed`, else what the clerk typed.
    pub name: String,
    /// `name` is one of the case's catalog item's materials (public); otherwise it is free text
    /// and stays in the private body.
    pub listed: bool,
    pub media_type: MediaType,
    /// Bytes.
    pub size: u64,
    /// Clerk who stored it.
    pub by: StaffId,
    /// When it was stored.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

impl StoredMaterial {
    /// What anyone may read: the checklist name (never typed text), the type, the size and the
    /// clerk's staff id.
    #[must_use]
    pub fn public_view(&self) -> serde_json::Value {
        let mut v = serde_json::json!({
            "media_type": self.media_type, "size": self.size, "by": self.by,
        });
        if self.listed {
            v["material"] = serde_json::Value::String(self.name.clone());
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn zip_with(names: &[&str]) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut out);
            for n in names {
                w.start_file(*n, zip::write::SimpleFileOptions::default())
                    .unwrap();
                w.write_all(b"<x/>").unwrap();
            }
            w.finish().unwrap();
        }
        out.into_inner()
    }

    #[test]
    fn known_kinds_are_told_from_their_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Ok(MediaType::Pdf));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 16]), Ok(MediaType::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Ok(MediaType::Png));
        assert_eq!(
            sniff(&zip_with(&["OFD.xml", "Doc_0/Document.xml"])),
            Ok(MediaType::Ofd)
        );
    }

    #[test]
    fn anything_else_is_refused() {
        assert_eq!(sniff(b""), Err(UnsupportedMaterial));
        assert_eq!(sniff(b"<html><script>"), Err(UnsupportedMaterial));
        assert_eq!(sniff(b" %PDF-1.7"), Err(UnsupportedMaterial));
        assert_eq!(sniff(b"GIF89a"), Err(UnsupportedMaterial));
        // A ZIP that is not an OFD package (a spreadsheet, say), and one with OFD.xml nested.
        assert_eq!(
            sniff(&zip_with(&["xl/workbook.xml"])),
            Err(UnsupportedMaterial)
        );
        assert_eq!(sniff(&zip_with(&["a/OFD.xml"])), Err(UnsupportedMaterial));
        // A truncated ZIP that only starts like one.
        assert_eq!(sniff(b"PK\x03\x04OFD.xml"), Err(UnsupportedMaterial));
    }

    #[test]
    fn typed_names_stay_private() {
        let m = |listed| StoredMaterial {
            sha256: Sha256Digest::of(b"x"),
            name: "张三的身份证".into(),
            listed,
            media_type: MediaType::Png,
            size: 1,
            by: StaffId::parse("C001").unwrap(),
            at: OffsetDateTime::UNIX_EPOCH,
        };
        let public = m(false).public_view().to_string();
        assert!(!public.contains("张三"), "{public}");
        assert!(!public.contains(&Sha256Digest::of(b"x").to_string()));
        assert!(m(true).public_view().to_string().contains("张三"));
    }

    #[test]
    fn codes_round_trip() {
        for m in MediaType::ALL {
            assert_eq!(MediaType::from_code(m.code()), Some(m));
        }
    }
}
