//! The RFC 6962 hash functions, in one place, so that no other module can hash a leaf or a node
//! differently. The `0x00`/`0x01` prefixes separate leaves from inner nodes: without them a 64-byte
//! entry `l || r` would hash like the node above `l` and `r` (second-preimage attack).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// A SHA-256 Merkle tree hash.
pub type Hash = [u8; 32];

/// Size of a [`Hash`](type@Hash) in bytes.
pub const HASH_SIZE: usize = 32;

/// Root of the empty tree: `SHA-256("")`.
pub const EMPTY_ROOT: Hash = [
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
];

const LEAF_PREFIX: u8 = 0x00;
const NODE_PREFIX: u8 = 0x01;

/// Hash of one log entry: `SHA-256(0x00 || entry)`.
pub fn leaf_hash(entry: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([LEAF_PREFIX]);
    h.update(entry);
    h.finalize().into()
}

/// Hash of an inner node: `SHA-256(0x01 || left || right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([NODE_PREFIX]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// Plain SHA-256, for key IDs and other non-tree uses.
pub(crate) fn sha256(parts: &[&[u8]]) -> Hash {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// A base64 text that is not exactly one hash.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HashDecodeError {
    #[error("hash is not canonical standard base64")]
    Base64,
    #[error("hash has {0} bytes, expected 32")]
    Length(usize),
}

/// Standard base64 (RFC 4648 §4, padded), as every C2SP text format writes hashes.
pub fn hash_to_base64(hash: &Hash) -> String {
    STANDARD.encode(hash)
}

/// Parses one base64 hash; non-canonical encodings and wrong lengths are refused.
pub fn hash_from_base64(text: &str) -> Result<Hash, HashDecodeError> {
    let bytes = STANDARD.decode(text).map_err(|_| HashDecodeError::Base64)?;
    Hash::try_from(bytes.as_slice()).map_err(|_| HashDecodeError::Length(bytes.len()))
}

/// A block of base64 hash lines that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HashLinesError {
    #[error("hash lines must end with a newline")]
    MissingNewline,
    #[error("line {line}: {source}")]
    BadLine {
        line: usize,
        source: HashDecodeError,
    },
    #[error("more than {max} hash lines")]
    TooMany { max: usize },
}

/// Parses a proof as one base64 hash per line, each line ending in a newline (the layout of
/// tlog-witness requests and tlog-proof receipts). At most `max` lines.
pub fn parse_hash_lines(text: &str, max: usize) -> Result<Vec<Hash>, HashLinesError> {
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let body = text
        .strip_suffix('\n')
        .ok_or(HashLinesError::MissingNewline)?;
    let mut out = Vec::new();
    for (line, l) in body.split('\n').enumerate() {
        if out.len() == max {
            return Err(HashLinesError::TooMany { max });
        }
        out.push(hash_from_base64(l).map_err(|source| HashLinesError::BadLine { line, source })?);
    }
    Ok(out)
}

/// Writes hashes one base64 line each.
pub fn format_hash_lines(hashes: &[Hash]) -> String {
    hashes.iter().map(|h| hash_to_base64(h) + "\n").collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(h: &Hash) -> String {
        h.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn empty_root_is_sha256_of_nothing() {
        assert_eq!(
            hex(&EMPTY_ROOT),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(EMPTY_ROOT, sha256(&[]));
    }

    #[test]
    fn leaf_hash_of_empty_entry_matches_rfc6962_vector() {
        // RFC 6962 test vector (certificate-transparency-go): leaf hash of the empty entry.
        assert_eq!(
            hex(&leaf_hash(b"")),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
    }

    #[test]
    fn leaf_and_node_hashes_are_domain_separated() {
        let l = leaf_hash(b"a");
        let r = leaf_hash(b"b");
        let mut forged = Vec::new();
        forged.extend_from_slice(&l);
        forged.extend_from_slice(&r);
        assert_ne!(leaf_hash(&forged), node_hash(&l, &r));
        assert_eq!(node_hash(&l, &r), sha256(&[&[1u8], &l, &r]));
    }

    #[test]
    fn hash_lines_round_trip_and_reject_bad_input() {
        let hs = vec![leaf_hash(b"a"), leaf_hash(b"b")];
        assert_eq!(
            parse_hash_lines(&format_hash_lines(&hs), 64),
            Ok(hs.clone())
        );
        assert_eq!(parse_hash_lines("", 64), Ok(vec![]));
        assert_eq!(
            parse_hash_lines(&format_hash_lines(&hs), 1),
            Err(HashLinesError::TooMany { max: 1 })
        );
        assert_eq!(
            parse_hash_lines(format_hash_lines(&hs).trim_end(), 64),
            Err(HashLinesError::MissingNewline)
        );
        assert!(parse_hash_lines("\n", 64).is_err());
        assert!(parse_hash_lines("AAAA\n", 64).is_err());
    }

    #[test]
    fn base64_hash_round_trips_and_rejects_bad_input() {
        let h = leaf_hash(b"x");
        assert_eq!(hash_from_base64(&hash_to_base64(&h)), Ok(h));
        assert_eq!(hash_from_base64("AAAA"), Err(HashDecodeError::Length(3)));
        assert_eq!(
            hash_from_base64("not base64!"),
            Err(HashDecodeError::Base64)
        );
        // 32 zero bytes with a non-zero trailing bit: not canonical.
        assert_eq!(
            hash_from_base64("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB="),
            Err(HashDecodeError::Base64)
        );
    }
}
