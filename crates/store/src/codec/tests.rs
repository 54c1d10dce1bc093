#![allow(clippy::unwrap_used)]

use super::*;

fn no_blobs(_: &[u8; 32]) -> Result<Vec<u8>, StoreError> {
    Err(StoreError::Corrupt("no blob expected".into()))
}

fn unpacked(p: &Packed, part: Part) -> Vec<u8> {
    let mut fetch = |h: &[u8; 32]| {
        p.blobs
            .iter()
            .find(|(k, _)| k == h)
            .map(|(_, b)| b.clone())
            .ok_or_else(|| StoreError::Corrupt("missing".into()))
    };
    unpack(&p.bytes, part, &mut fetch).unwrap()
}

/// Rows released with set 1 must open forever: the set's bytes may never change. A new set is
/// a new file and a new number.
#[test]
fn dictionary_set_1_is_frozen() {
    assert_eq!(
        hex::encode(Sha256::digest(SET_1)),
        "fbbaafd2038466e750affd08d39636b7b5d75fd220eac5df37a8c9705eed789f",
        "codec/dictionaries-1.bin changed: add a set instead"
    );
    let set = set(1).unwrap();
    assert!(set.len() > 10, "{} kinds", set.len());
    assert!(set.len() < 255);
    assert_eq!(number_of("seal.document_sealed") as usize, {
        set.iter()
            .position(|d| d.kind == "seal.document_sealed")
            .unwrap()
            + 1
    });
}

#[test]
fn every_example_packs_small_and_opens_to_itself() {
    // The examples' own plain text is not kept: rebuild a value of each kind from its frame.
    for d in set(1).unwrap() {
        let mut plain = Vec::new();
        let mut fetch = |_: &[u8; 32]| Ok(vec![0x04, 0x01, 0x00]);
        frame::join(&d.entry, &mut no_blobs, &mut plain, 0).unwrap();
        let p = pack(&d.kind, Part::Entry, &plain);
        assert!(is_packed(&p.bytes), "{}", d.kind);
        assert!(p.blobs.is_empty());
        assert!(
            p.bytes.len() * 3 < plain.len(),
            "{}: {}",
            d.kind,
            p.bytes.len()
        );
        assert_eq!(unpacked(&p, Part::Entry), plain);
        let mut body = Vec::new();
        frame::join(&d.body, &mut fetch, &mut body, 0).unwrap();
        let p = pack(&d.kind, Part::Body, &body);
        assert_eq!(unpacked(&p, Part::Body), body, "{}", d.kind);
    }
}

/// The thread's reused compressor gives the bytes a new one gives, whatever it packed before
/// (rows are compared byte for byte when `ledger verify` replays them), and after a damaged
/// value the decompressor still opens good ones.
#[test]
fn a_reused_compressor_packs_as_a_new_one() {
    let fresh = |data: &[u8], dict: &[u8]| {
        deflate_with(
            &mut Compress::new(Compression::new(LEVEL), false),
            data,
            dict,
        )
        .unwrap()
    };
    let set = set(1).unwrap();
    for (i, d) in set.iter().enumerate() {
        let mut plain = Vec::new();
        frame::join(&d.entry, &mut no_blobs, &mut plain, 0).unwrap();
        // Different dictionaries and sizes before this one, in both orders.
        let other = &set[(i + 7) % set.len()];
        for dict in [&other.entry, &d.entry, &other.body] {
            let _ = deflate(&plain[..plain.len() / 2], dict);
            assert_eq!(
                deflate(&plain, &d.entry).unwrap(),
                fresh(&plain, &d.entry),
                "{}",
                d.kind
            );
            assert_eq!(
                deflate(&plain, &[]).unwrap(),
                fresh(&plain, &[]),
                "{}",
                d.kind
            );
        }
        assert!(inflate(&[0xff, 0x00, 0x13], &d.entry).is_err());
        let z = deflate(&plain, &d.entry).unwrap();
        assert_eq!(inflate(&z, &d.entry).unwrap(), plain, "{}", d.kind);
    }
}

/// Rows written before packing (plain JSON, or anything not starting with 0x00) read as stored.
#[test]
fn plain_rows_read_as_they_are() {
    for v in [&b"{\"v\":1}"[..], b"orphan", b"", &[b'e', 0]] {
        assert_eq!(unpack(v, Part::Body, &mut no_blobs).unwrap(), v);
    }
}

#[test]
fn a_kind_without_a_dictionary_still_packs() {
    let v = br#"{"kind":"some.future_event","data":{"a":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}}"#;
    let p = pack("some.future_event", Part::Body, v);
    assert_eq!(p.bytes[3], NO_DICTIONARY);
    assert_eq!(unpacked(&p, Part::Body), v);
    // Too short to gain: stored plain.
    assert_eq!(pack("x", Part::Entry, b"{}").bytes, b"{}");
}

#[test]
fn damaged_or_unknown_packed_values_are_errors() {
    let v = br#"{"kind":"case.received","data":{"x":"yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"}}"#;
    let p = pack("case.received", Part::Body, v);
    assert!(is_packed(&p.bytes));
    let mut cut = p.bytes.clone();
    cut.truncate(cut.len() - 3);
    assert!(unpack(&cut, Part::Body, &mut no_blobs).is_err());
    let mut other_set = p.bytes.clone();
    other_set[2] = 200;
    assert!(unpack(&other_set, Part::Body, &mut no_blobs).is_err());
    let mut other_format = p.bytes.clone();
    other_format[1] = 9;
    assert!(unpack(&other_format, Part::Body, &mut no_blobs).is_err());
    assert!(unpack(&[0, 1], Part::Body, &mut no_blobs).is_err());
}

/// A projected row's copy of an event (`case_events.body`) packs with the bodies' dictionary
/// and opens on its own: no blob is ever cut from it, even from a seal-sized DER value.
#[test]
fn a_row_packs_without_blobs_and_opens_alone() {
    let der = {
        // A SEQUENCE holding one 500-byte OCTET STRING: a part large enough to be a blob.
        let mut d = vec![0x30, 0x82, 0x01, 0xf8, 0x04, 0x82, 0x01, 0xf4];
        d.extend((0..500u32).map(|i| u8::try_from(i % 251).unwrap()));
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, d)
    };
    let event = format!(
        r#"{{"kind":"accepted","at":"2026-11-23T09:00:00+08:00","by":"s-001","picture":"{der}"}}"#
    );
    let body = pack("case.event", Part::Body, event.as_bytes());
    assert!(!body.blobs.is_empty(), "a body cuts the DER value out");
    let row = pack_row("case.event", event.as_bytes());
    assert!(is_packed(&row) && row.len() < event.len());
    assert_eq!(open_row(&row).unwrap(), event.as_bytes());
    // The same value packs to the same bytes (the replay's rows compare with the stored ones).
    assert_eq!(pack_row("case.event", event.as_bytes()), row);
    // Plain rows (written before migration 59) open as they are.
    assert_eq!(
        open_row(br#"{"kind":"accepted"}"#).unwrap(),
        br#"{"kind":"accepted"}"#
    );
}

/// Writes a dictionary set from a history's ledger (`demo generate`: invented people only):
/// for each kind, one entry and one body of median length per shape (the public `kind` inside
/// the entry: a case's steps share one ledger kind), least common first so the most common lie
/// nearest the value, within [`DICTIONARY_BYTES`].
/// `ONESEAL_DICTIONARY_FROM=…/oneseal.db ONESEAL_DICTIONARY_TO=…/dictionaries-N.bin
/// cargo test -p oneseal-store write_dictionary_set -- --ignored`. Never rewrite a released set.
#[test]
#[ignore = "makes a dictionary set from a database"]
fn write_dictionary_set() {
    let from = std::env::var("ONESEAL_DICTIONARY_FROM").unwrap();
    let to = std::env::var("ONESEAL_DICTIONARY_TO").unwrap();
    let mut conn = crate::SqliteConn::open(std::path::Path::new(&from)).unwrap();
    let kinds: Vec<String> = conn
        .query(
            "SELECT DISTINCT kind FROM ledger_entries WHERE kind IS NOT NULL ORDER BY kind",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.text(0).unwrap())
        .collect();
    let mut out = Vec::new();
    for kind in kinds {
        let rows: Vec<(Vec<u8>, Vec<u8>)> = conn
            .query(
                "SELECT entry, body FROM ledger_entries WHERE kind = ? AND body IS NOT NULL \
                 ORDER BY id LIMIT 3000",
                params![kind.as_str()],
            )
            .unwrap()
            .iter()
            .map(|r| (r.blob(0).unwrap(), r.blob(1).unwrap()))
            .collect();
        let mut shapes: std::collections::BTreeMap<String, Vec<Example>> =
            std::collections::BTreeMap::new();
        for (e, b) in rows {
            let e = open(&mut conn, &e, Part::Entry).unwrap();
            let b = open(&mut conn, &b, Part::Body).unwrap();
            let v: serde_json::Value = serde_json::from_slice(&e).unwrap();
            let shape = v["public"]["kind"].as_str().unwrap_or_default().to_owned();
            shapes.entry(shape).or_default().push((e, b));
        }
        let mut shapes: Vec<_> = shapes.into_values().collect();
        shapes.sort_by_key(|s| std::cmp::Reverse(s.len()));
        let (mut entry, mut body) = (Vec::new(), Vec::new());
        for mut rows in shapes {
            rows.sort_by_key(|r| r.0.len() + r.1.len());
            let (e, b) = rows.swap_remove(rows.len() / 2);
            let e = frame::build(&e, false, &mut Vec::new());
            let b = frame::build(&b, true, &mut Vec::new());
            if entry.len() + e.len() <= DICTIONARY_BYTES {
                entry.splice(0..0, e);
            }
            if body.len() + b.len() <= DICTIONARY_BYTES {
                body.splice(0..0, b);
            }
        }
        out.push(u8::try_from(kind.len()).unwrap());
        out.extend_from_slice(kind.as_bytes());
        for part in [entry, body] {
            out.extend_from_slice(&u32::try_from(part.len()).unwrap().to_be_bytes());
            out.extend_from_slice(&part);
        }
    }
    std::fs::write(to, out).unwrap();
}

/// An entry and its body, plain.
type Example = (Vec<u8>, Vec<u8>);

/// A dictionary's cap: DEFLATE looks back 32 KB, and the writer pays for every dictionary byte
/// on each value it packs.
const DICTIONARY_BYTES: usize = 12 * 1024;
