//! How ledger rows lie on disk: packed, so that a year of cases fits (issue #17 item 5).
//!
//! The public entry and the private body of each new ledger row are stored *packed*: cut into a
//! [`frame`] (base64 decoded; a signature's seal and certificate, which every signature with
//! that seal repeats, stored once by SHA-256 in `ledger_blobs`), then compressed with raw DEFLATE
//! and a preset dictionary: an example of an entry or body of the same kind, from a frozen,
//! numbered set compiled into the binary. Reading gives back the exact bytes that were hashed and
//! committed to: the leaves, tiles, checkpoints, receipts, bundles and everything served stay
//! byte for byte what they were, and `store` is the only place that sees packed bytes. Before a
//! value is stored packed, it is unpacked again and compared; one that would not come back is
//! stored plain.
//!
//! Rows written before (plain JSON) are read as they are: a packed value starts with 0x00, which
//! no JSON text does, then the format, the dictionary set and the dictionary's number, so a
//! later set can be added without touching a stored row. A set once released is never changed
//! (a test pins its hash): rows written with it must open forever.

mod frame;

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use sha2::{Digest, Sha256};

pub use frame::{Blob, FetchBlob};

use crate::sql::{Backend, Conn, Value};
use crate::{StoreError, params};

/// The first byte of every packed value.
const PACKED: u8 = 0x00;
/// Format 1: a frame, raw DEFLATE with a preset dictionary.
const DEFLATE_FRAME: u8 = 1;
/// The dictionary set new rows are packed with.
const CURRENT_SET: u8 = 1;
/// Dictionary number 0 of any set: no dictionary (a kind the set has no example of).
const NO_DICTIONARY: u8 = 0;
/// No stored value opens to more than this (a damaged or hostile row must not exhaust memory).
const MAX_UNPACKED: usize = 64 << 20;
/// DEFLATE effort: level 6 gains about 2 % over 4 on these rows and costs a third more time on
/// the writer thread.
const LEVEL: u32 = 4;

/// Set 1: for each event kind, an entry and a body of that kind (from a generated history:
/// invented people only), each as a frame. Layout, repeated: kind length (u8), kind, entry length
/// (u32 BE), entry, body length (u32 BE), body. A kind's number is its place, from 1.
const SET_1: &[u8] = include_bytes!("codec/dictionaries-1.bin");

/// Which part of a ledger row a value is: each has its own dictionaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Entry,
    Body,
    /// A projected row's copy of an event (`case_events.body`, migration 59): packed with the
    /// bodies' dictionaries, but never cut into blobs, so that the row opens on its own (and the
    /// replay of `ledger verify`, which stores no blobs, writes the same bytes).
    Row,
}

struct Dictionary {
    kind: String,
    entry: Vec<u8>,
    body: Vec<u8>,
}

fn parse_set(mut b: &[u8]) -> Vec<Dictionary> {
    let mut out = Vec::new();
    let take = |b: &mut &[u8], n: usize| -> Option<Vec<u8>> {
        let (head, rest) = (b.get(..n)?, b.get(n..)?);
        *b = rest;
        Some(head.to_vec())
    };
    let len32 = |v: Vec<u8>| -> Option<usize> {
        let a: [u8; 4] = v.try_into().ok()?;
        usize::try_from(u32::from_be_bytes(a)).ok()
    };
    while !b.is_empty() {
        let parsed = (|| {
            let k = usize::from(*take(&mut b, 1)?.first()?);
            let kind = String::from_utf8(take(&mut b, k)?).ok()?;
            let n = len32(take(&mut b, 4)?)?;
            let entry = take(&mut b, n)?;
            let n = len32(take(&mut b, 4)?)?;
            let body = take(&mut b, n)?;
            Some(Dictionary { kind, entry, body })
        })();
        match parsed {
            Some(d) => out.push(d),
            None => break,
        }
    }
    out
}

fn set(id: u8) -> Option<&'static [Dictionary]> {
    static SET1: OnceLock<Vec<Dictionary>> = OnceLock::new();
    match id {
        1 => Some(SET1.get_or_init(|| parse_set(SET_1))),
        _ => None,
    }
}

/// The dictionary `number` of set `set_id` for `part` (`Some(&[])` for number 0).
fn dictionary(set_id: u8, number: u8, part: Part) -> Option<&'static [u8]> {
    let dictionaries = set(set_id)?;
    if number == NO_DICTIONARY {
        return Some(&[]);
    }
    let d = dictionaries.get(usize::from(number) - 1)?;
    Some(match part {
        Part::Entry => &d.entry,
        Part::Body | Part::Row => &d.body,
    })
}

/// The current set's number for `kind`.
fn number_of(kind: &str) -> u8 {
    set(CURRENT_SET)
        .and_then(|s| s.iter().position(|d| d.kind == kind))
        .and_then(|i| u8::try_from(i + 1).ok())
        .unwrap_or(NO_DICTIONARY)
}

thread_local! {
    /// A thread's compressor and decompressor, reset before each value: a new one allocates
    /// and zeroes its window and tables for every value (part of the 4–8 % of the history
    /// generator's CPU spent in `memset`; reset still clears some). Reset gives the state a
    /// new one has, so the bytes are the same (test `a_reused_compressor_packs_as_a_new_one`).
    static STREAMS: std::cell::RefCell<Option<(Compress, Decompress)>> =
        const { std::cell::RefCell::new(None) };
}

/// Runs `f` with this thread's reset compressor and decompressor.
fn with_streams<T>(f: impl FnOnce(&mut Compress, &mut Decompress) -> T) -> T {
    STREAMS.with(|cell| {
        let mut slot = cell.borrow_mut();
        let (c, d) = slot.get_or_insert_with(|| {
            (
                Compress::new(Compression::new(LEVEL), false),
                Decompress::new(false),
            )
        });
        c.reset();
        d.reset(false);
        f(c, d)
    })
}

fn deflate(data: &[u8], dict: &[u8]) -> Option<Vec<u8>> {
    with_streams(|c, _| deflate_with(c, data, dict))
}

fn deflate_with(c: &mut Compress, data: &[u8], dict: &[u8]) -> Option<Vec<u8>> {
    if !dict.is_empty() {
        c.set_dictionary(dict).ok()?;
    }
    let mut out = Vec::with_capacity(data.len() / 2 + 64);
    loop {
        let consumed = usize::try_from(c.total_in()).ok()?;
        out.reserve(data.len() / 2 + 64);
        match c
            .compress_vec(&data[consumed..], &mut out, FlushCompress::Finish)
            .ok()?
        {
            Status::StreamEnd => return Some(out),
            Status::Ok | Status::BufError => {}
        }
    }
}

fn inflate(data: &[u8], dict: &[u8]) -> Result<Vec<u8>, StoreError> {
    with_streams(|_, d| inflate_with(d, data, dict))
}

fn inflate_with(d: &mut Decompress, data: &[u8], dict: &[u8]) -> Result<Vec<u8>, StoreError> {
    let bad = |e: String| StoreError::Corrupt(format!("packed ledger value: {e}"));
    if !dict.is_empty() {
        d.set_dictionary(dict).map_err(|e| bad(e.to_string()))?;
    }
    let mut out = Vec::with_capacity(data.len() * 4 + 256);
    loop {
        let consumed = usize::try_from(d.total_in()).unwrap_or(usize::MAX);
        let before = (d.total_in(), d.total_out());
        let status = d
            .decompress_vec(
                data.get(consumed..).unwrap_or_default(),
                &mut out,
                FlushDecompress::Finish,
            )
            .map_err(|e| bad(e.to_string()))?;
        match status {
            Status::StreamEnd => return Ok(out),
            _ if out.len() >= MAX_UNPACKED => return Err(bad("too large".into())),
            _ if out.len() < out.capacity() && before == (d.total_in(), d.total_out()) => {
                return Err(bad("the stream ends early".into()));
            }
            _ => out.reserve(out.capacity().max(4096)),
        }
    }
}

/// A value ready to be stored, and the blobs it refers to (to be stored with it).
#[derive(Debug)]
pub struct Packed {
    pub bytes: Vec<u8>,
    pub blobs: Vec<Blob>,
}

/// Packs `plain`, a `part` of a ledger row of event kind `kind`. Entries never refer to blobs:
/// a public entry opens without the private table.
pub fn pack(kind: &str, part: Part, plain: &[u8]) -> Packed {
    let mut blobs = Vec::new();
    let f = frame::build(plain, part == Part::Body, &mut blobs);
    let number = number_of(kind);
    let packed = dictionary(CURRENT_SET, number, part)
        .and_then(|dict| deflate(&f, dict))
        .map(|z| {
            let mut bytes = Vec::with_capacity(z.len() + 4);
            bytes.extend_from_slice(&[PACKED, DEFLATE_FRAME, CURRENT_SET, number]);
            bytes.extend_from_slice(&z);
            bytes
        })
        .filter(|bytes| bytes.len() < plain.len());
    let Some(bytes) = packed else {
        return plain_value(plain);
    };
    // Stored packed only if it opens to the very bytes that were hashed.
    let mut fetch = |h: &[u8; 32]| {
        blobs
            .iter()
            .find(|(k, _)| k == h)
            .map(|(_, b)| b.clone())
            .ok_or_else(|| StoreError::Corrupt("blob not cut".into()))
    };
    match unpack(&bytes, part, &mut fetch) {
        Ok(back) if back == plain => Packed { bytes, blobs },
        _ => plain_value(plain),
    }
}

fn plain_value(plain: &[u8]) -> Packed {
    Packed {
        bytes: plain.to_vec(),
        blobs: Vec::new(),
    }
}

/// Whether a stored value is packed (else it is the plain bytes).
pub fn is_packed(stored: &[u8]) -> bool {
    stored.first() == Some(&PACKED)
}

/// The plain bytes of a stored value, fetching blobs with `blob`.
pub fn unpack(stored: &[u8], part: Part, blob: &mut FetchBlob<'_>) -> Result<Vec<u8>, StoreError> {
    if !is_packed(stored) {
        return Ok(stored.to_vec());
    }
    let bad = |e: &str| StoreError::Corrupt(format!("packed ledger value: {e}"));
    let [_, format, set_id, number, rest @ ..] = stored else {
        return Err(bad("header too short"));
    };
    if *format != DEFLATE_FRAME {
        return Err(bad(&format!("unknown format {format}")));
    }
    let dict = dictionary(*set_id, *number, part)
        .ok_or_else(|| bad(&format!("unknown dictionary {set_id}.{number}")))?;
    let f = inflate(rest, dict)?;
    let mut out = Vec::with_capacity(f.len() * 2);
    frame::join(&f, blob, &mut out, 0)?;
    Ok(out)
}

/// A projected row's value packed ([`Part::Row`]): the bytes to store (plain when packing
/// would not make them shorter).
pub fn pack_row(kind: &str, plain: &[u8]) -> Vec<u8> {
    pack(kind, Part::Row, plain).bytes
}

/// The plain bytes of a projected row's stored value, packed or not.
pub fn open_row(stored: &[u8]) -> Result<Vec<u8>, StoreError> {
    unpack(stored, Part::Row, &mut |h| {
        Err(StoreError::Corrupt(format!(
            "a projected row refers to blob {}",
            hex::encode(h)
        )))
    })
}

/// Blobs already read and checked, by hash (they never change: a hash names one content).
fn cache() -> &'static Mutex<HashMap<[u8; 32], Vec<u8>>> {
    static CACHE: OnceLock<Mutex<HashMap<[u8; 32], Vec<u8>>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}
/// Blobs kept in [`cache`]: a bureau has a few seals and signers; more is a history of them.
const CACHED_BLOBS: usize = 64;

/// A blob of `ledger_blobs`, checked against its hash.
fn read_blob(conn: &mut dyn Conn, hash: &[u8; 32]) -> Result<Vec<u8>, StoreError> {
    if let Some(b) = cache().lock().ok().and_then(|c| c.get(hash).cloned()) {
        return Ok(b);
    }
    let bytes = conn
        .query_one(
            "SELECT bytes FROM ledger_blobs WHERE hash = ?",
            params![hash.to_vec()],
        )?
        .ok_or_else(|| {
            StoreError::Corrupt(format!("ledger blob {} is missing", hex::encode(hash)))
        })?
        .blob(0)?;
    if Sha256::digest(&bytes).as_slice() != hash {
        return Err(StoreError::Corrupt(format!(
            "ledger blob {} does not match its hash",
            hex::encode(hash)
        )));
    }
    if let Ok(mut c) = cache().lock() {
        if c.len() >= CACHED_BLOBS {
            c.clear();
        }
        c.insert(*hash, bytes.clone());
    }
    Ok(bytes)
}

/// The plain bytes of a stored ledger value, its blobs read from `conn`.
pub fn open(conn: &mut dyn Conn, stored: &[u8], part: Part) -> Result<Vec<u8>, StoreError> {
    if !is_packed(stored) {
        return Ok(stored.to_vec());
    }
    unpack(stored, part, &mut |h| read_blob(conn, h))
}

/// Stores blobs not yet stored (a blob is its hash's content, so an existing row is the same).
pub(crate) fn store_blobs(conn: &mut dyn Conn, blobs: &[&Blob]) -> Result<(), StoreError> {
    let per = match conn.backend() {
        Backend::Sqlite => 1,
        Backend::Postgres => 32,
    };
    for chunk in blobs.chunks(per) {
        let mut sql = String::from("INSERT INTO ledger_blobs (hash, bytes) VALUES ");
        let mut params = Vec::with_capacity(chunk.len() * 2);
        for (i, (hash, bytes)) in chunk.iter().map(|b| (&b.0, &b.1)).enumerate() {
            sql.push_str(if i == 0 { "(?, ?)" } else { ", (?, ?)" });
            params.push(Value::from(hash.to_vec()));
            params.push(Value::from(bytes.as_slice()));
        }
        sql.push_str(" ON CONFLICT (hash) DO NOTHING");
        conn.write(&sql, &params)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
