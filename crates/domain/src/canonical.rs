//! Canonical JSON and salted commitments: the exact bytes the ledger hashes and signs.
//!
//! Its own module because the events (`event.rs`) and the things they record (a rule version's
//! hash in `rules`, a refused target in `linkage`) hash the same way: each imports this module,
//! so none needs the central event module for it.

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The commitment that binds a private body to its public entry.
pub fn commitment(salt: &[u8], body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(salt);
    h.update(body);
    hex::encode(h.finalize())
}

/// JSON with object keys sorted and no insignificant whitespace, independent of serde_json's
/// map ordering features, so that the same event always hashes the same.
pub fn canonical_json(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write_canonical(v, &mut out);
    out
}

pub(crate) fn write_canonical(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push(b'{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_scalar(&**k, out);
                out.push(b':');
                if let Some(x) = map.get(k) {
                    write_canonical(x, out);
                }
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(x, out);
            }
            out.push(b']');
        }
        scalar => write_scalar(scalar, out),
    }
}

/// Scalars and keys: serde_json's own compact encoding is already canonical for them.
pub(crate) fn write_scalar<T: serde::Serialize + ?Sized>(v: &T, out: &mut Vec<u8>) {
    // Writing a string, number, bool or null into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, v);
}
