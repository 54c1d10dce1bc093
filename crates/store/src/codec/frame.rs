//! The frame a packed value is compressed from: the value's bytes cut into literal runs, base64
//! strings decoded (DEFLATE finds the repeats of a JSON document, not of its base64), and the
//! large parts of a DER structure inside them (a signature's seal, with its picture, and its
//! certificate) replaced by their SHA-256, stored once in `ledger_blobs`.
//!
//! ```text
//! frame   := segment*
//! segment := 0x01 varint(n) n bytes          the bytes as they are
//!          | 0x02 varint(n) frame of n bytes  the standard (padded) base64 of what that frame gives
//!          | 0x03 32 bytes                   the blob with this SHA-256
//! ```
//!
//! `build` only ever cuts: putting the pieces back gives the value byte for byte, which the
//! caller still checks before storing anything packed.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use crate::StoreError;

const LITERAL: u8 = 1;
const BASE64: u8 = 2;
const BLOB: u8 = 3;

/// A base64 string shorter than this stays literal (the hex digests, salts and ids are).
const MIN_BASE64: usize = 128;
/// A DER part at least this long is stored once, by hash (a seal, a certificate); shorter ones
/// (times, digests, signature values) are unique to each signature and stay in the frame.
pub const MIN_BLOB: usize = 256;

/// A blob cut out of a value: its SHA-256 and its bytes.
pub type Blob = ([u8; 32], Vec<u8>);

/// Gives a blob's bytes by its SHA-256 (checked by the giver).
pub type FetchBlob<'a> = dyn FnMut(&[u8; 32]) -> Result<Vec<u8>, StoreError> + 'a;

/// Cuts `value`; with `blobs`, large DER parts inside base64 strings go to `out_blobs`.
pub fn build(value: &[u8], blobs: bool, out_blobs: &mut Vec<Blob>) -> Vec<u8> {
    let mut w = Writer::default();
    let mut at = 0;
    for (start, end) in base64_strings(value) {
        let run = &value[start..end];
        let Ok(decoded) = STANDARD.decode(run) else {
            continue;
        };
        if STANDARD.encode(&decoded).as_bytes() != run {
            continue;
        }
        w.literal(&value[at..start]);
        let mut inner = Writer::default();
        if !(blobs && der(&decoded, 0, &mut inner, out_blobs)) {
            inner = Writer::default();
            inner.literal(&decoded);
        }
        w.nested(BASE64, &inner.finish());
        at = end;
    }
    w.literal(&value[at..]);
    w.finish()
}

/// The `"…"`-delimited runs of base64 characters of at least [`MIN_BASE64`] bytes, as ranges
/// (without the quotes).
fn base64_strings(value: &[u8]) -> Vec<(usize, usize)> {
    let is_b64 = |b: u8| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=';
    let mut out = Vec::new();
    let mut i = 0;
    while i < value.len() {
        if value[i] != b'"' {
            i += 1;
            continue;
        }
        let start = i + 1;
        let mut end = start;
        while end < value.len() && is_b64(value[end]) {
            end += 1;
        }
        if end < value.len() && value[end] == b'"' && end - start >= MIN_BASE64 {
            out.push((start, end));
            i = end + 1;
        } else {
            i = end.max(start);
        }
    }
    out
}

/// A DER header at the start of `d`: (header length, content length).
fn der_header(d: &[u8]) -> Option<(usize, usize)> {
    let first = *d.get(1)?;
    if first < 0x80 {
        return Some((2, usize::from(first)));
    }
    let n = usize::from(first & 0x7f);
    if n == 0 || n > 4 || d.len() < 2 + n {
        return None;
    }
    let len = d[2..2 + n]
        .iter()
        .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
    Some((2 + n, len))
}

/// The children of a constructed DER value `d` (exactly one TLV), as slices; `None` if `d` is
/// not one SEQUENCE whose children tile its content.
fn children(d: &[u8]) -> Option<(usize, Vec<&[u8]>)> {
    if d.first() != Some(&0x30) {
        return None;
    }
    let (h, len) = der_header(d)?;
    if h.checked_add(len)? != d.len() {
        return None;
    }
    let mut out = Vec::new();
    let mut i = h;
    while i < d.len() {
        let (ch, cl) = der_header(&d[i..])?;
        let end = i.checked_add(ch)?.checked_add(cl)?;
        if end > d.len() {
            return None;
        }
        out.push(&d[i..end]);
        i = end;
    }
    Some((h, out))
}

/// Cuts a DER SEQUENCE: its large parts become blobs, except that at the top level a large
/// SEQUENCE that itself holds a large part is opened (the signed part of a signature holds the
/// seal beside the signing time and the document's hash). Returns false when `d` is not DER.
fn der(d: &[u8], depth: u8, w: &mut Writer, blobs: &mut Vec<Blob>) -> bool {
    let Some((h, parts)) = children(d) else {
        return false;
    };
    w.literal(&d[..h]);
    for part in parts {
        if part.len() < MIN_BLOB {
            w.literal(part);
            continue;
        }
        let opened = depth == 0
            && children(part).is_some_and(|(_, inner)| inner.iter().any(|c| c.len() >= MIN_BLOB))
            && der(part, depth + 1, w, blobs);
        if !opened {
            let hash: [u8; 32] = Sha256::digest(part).into();
            w.blob(&hash);
            if !blobs.iter().any(|(h, _)| *h == hash) {
                blobs.push((hash, part.to_vec()));
            }
        }
    }
    true
}

#[derive(Default)]
struct Writer {
    out: Vec<u8>,
    pending: Vec<u8>,
}

impl Writer {
    fn literal(&mut self, b: &[u8]) {
        self.pending.extend_from_slice(b);
    }

    fn flush(&mut self) {
        if !self.pending.is_empty() {
            self.out.push(LITERAL);
            varint(&mut self.out, self.pending.len());
            self.out.append(&mut self.pending);
        }
    }

    fn nested(&mut self, tag: u8, inner: &[u8]) {
        self.flush();
        self.out.push(tag);
        varint(&mut self.out, inner.len());
        self.out.extend_from_slice(inner);
    }

    fn blob(&mut self, hash: &[u8; 32]) {
        self.flush();
        self.out.push(BLOB);
        self.out.extend_from_slice(hash);
    }

    fn finish(mut self) -> Vec<u8> {
        self.flush();
        self.out
    }
}

fn varint(out: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        out.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn read_varint(f: &[u8], at: &mut usize) -> Result<usize, StoreError> {
    let mut n = 0usize;
    for shift in (0..35).step_by(7) {
        let b = *f
            .get(*at)
            .ok_or_else(|| bad("a length runs past the end"))?;
        *at += 1;
        n |= usize::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Ok(n);
        }
    }
    Err(bad("a length is too long"))
}

fn bad(what: &str) -> StoreError {
    StoreError::Corrupt(format!("packed ledger value: {what}"))
}

/// Puts a frame back together, fetching blobs with `blob` (which checks their hash).
pub fn join(
    f: &[u8],
    blob: &mut FetchBlob<'_>,
    out: &mut Vec<u8>,
    depth: u8,
) -> Result<(), StoreError> {
    if depth > 2 {
        return Err(bad("frames nest too deep"));
    }
    let mut at = 0;
    while at < f.len() {
        let tag = f[at];
        at += 1;
        match tag {
            LITERAL | BASE64 => {
                let n = read_varint(f, &mut at)?;
                let end = at
                    .checked_add(n)
                    .filter(|&e| e <= f.len())
                    .ok_or_else(|| bad("a segment runs past the end"))?;
                if tag == LITERAL {
                    out.extend_from_slice(&f[at..end]);
                } else {
                    let mut inner = Vec::new();
                    join(&f[at..end], blob, &mut inner, depth + 1)?;
                    out.extend_from_slice(STANDARD.encode(&inner).as_bytes());
                }
                at = end;
            }
            BLOB => {
                let hash: [u8; 32] = f
                    .get(at..at + 32)
                    .and_then(|h| h.try_into().ok())
                    .ok_or_else(|| bad("a blob hash runs past the end"))?;
                out.extend_from_slice(&blob(&hash)?);
                at += 32;
            }
            other => return Err(bad(&format!("unknown segment {other}"))),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(value: &[u8]) -> (Vec<u8>, Vec<Blob>) {
        let mut blobs = Vec::new();
        let f = build(value, true, &mut blobs);
        let mut out = Vec::new();
        let mut fetch = |h: &[u8; 32]| {
            Ok(blobs
                .iter()
                .find(|(k, _)| k == h)
                .map(|(_, b)| b.clone())
                .unwrap_or_default())
        };
        join(&f, &mut fetch, &mut out, 0).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out, value);
        (f, blobs)
    }

    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        match content.len() {
            n if n < 0x80 => out.push(n as u8),
            n if n < 0x100 => out.extend([0x81, n as u8]),
            n => out.extend([0x82, (n >> 8) as u8, n as u8]),
        }
        out.extend_from_slice(content);
        out
    }

    #[test]
    fn plain_json_is_one_literal() {
        let v = br#"{"a":"b","c":[1,2,3]}"#;
        let (f, blobs) = roundtrip(v);
        assert_eq!(f[0], LITERAL);
        assert!(blobs.is_empty());
    }

    /// A signature-shaped DER value: the seal and the certificate are cut out, the signed
    /// part opened, the short parts kept.
    #[test]
    fn a_signature_s_seal_and_certificate_are_stored_once() {
        let seal = tlv(0x30, &[7u8; 900]);
        let cert = tlv(0x04, &[9u8; 300]);
        let tbs = tlv(
            0x30,
            &[tlv(0x02, &[4]), seal.clone(), tlv(0x04, &[1u8; 32])].concat(),
        );
        let sig = tlv(0x30, &[tbs, cert.clone(), tlv(0x03, &[2u8; 70])].concat());
        let doc = br#"{"name":"x"}"#.repeat(20);
        let value = format!(
            r#"{{"document":"{}","signature_der":"{}","x":1}}"#,
            STANDARD.encode(&doc),
            STANDARD.encode(&sig)
        );
        let (f, blobs) = roundtrip(value.as_bytes());
        assert_eq!(blobs.len(), 2);
        assert!(blobs.iter().any(|(_, b)| *b == seal));
        assert!(blobs.iter().any(|(_, b)| *b == cert));
        assert!(f.len() < value.len() / 2, "{} of {}", f.len(), value.len());
    }

    #[test]
    fn strings_that_are_not_canonical_base64_stay_literal() {
        let s = "A".repeat(130) + "="; // not a multiple of 4
        let value = format!(r#"{{"x":"{s}","y":"{}"}}"#, "Zm9v".repeat(40));
        roundtrip(value.as_bytes());
        roundtrip(b"\"\"\"");
        roundtrip(&[0x22; 300]);
    }

    #[test]
    fn damaged_frames_are_errors_not_panics() {
        let mut fetch = |_: &[u8; 32]| Ok(Vec::new());
        for f in [
            &[9u8][..],
            &[1, 5, 1],
            &[2, 0xff],
            &[3, 1, 2],
            &[1, 0x80, 0x80, 0x80, 0x80, 0x80],
        ] {
            assert!(join(f, &mut fetch, &mut Vec::new(), 0).is_err(), "{f:?}");
        }
    }
}
