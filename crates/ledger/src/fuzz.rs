//! Entry points for fuzzing: every parser that reads bytes from outside (the network, files,
//! other parties' logs), as a pure function of `&[u8]`. A fuzz target calls one and must never
//! see a panic; the `*_round_trips` functions also state that whatever parses is re-encoded
//! byte for byte (canonical encodings only), so a target can `assert!` them.

use crate::checkpoint::{Checkpoint, CheckpointError};
use crate::hash::{Hash, HashLinesError, format_hash_lines, parse_hash_lines};
use crate::note::{Note, NoteError, Signature, VerifierKey, VkeyError};
use crate::policy::{Policy, PolicyError};
use crate::receipt::{Receipt, ReceiptError};
use crate::tile::{
    Tile, TileDataError, TilePathError, decode_bundle, decode_tile, encode_bundle, encode_tile,
};
use crate::witness::{AddCheckpointRequest, WitnessError, parse_cosignature_response};

/// Input that is not UTF-8 where text is required.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("input is not UTF-8")]
pub struct NotUtf8;

fn text(data: &[u8]) -> Result<&str, NotUtf8> {
    std::str::from_utf8(data).map_err(|_| NotUtf8)
}

/// A signed note's structure.
pub fn note(data: &[u8]) -> Result<Note, NoteError> {
    Note::parse(data)
}

/// A checkpoint note text (the part before the signatures).
pub fn checkpoint(data: &[u8]) -> Result<Checkpoint, CheckpointError> {
    Checkpoint::parse_text(text(data).map_err(|_| NoteError::NotUtf8)?)
}

/// Base64 proof lines (at most 64).
pub fn proof_lines(data: &[u8]) -> Result<Vec<Hash>, HashLinesError> {
    parse_hash_lines(text(data).map_err(|_| HashLinesError::MissingNewline)?, 64)
}

/// A tile request path.
pub fn tile_path(data: &[u8]) -> Result<Tile, TilePathError> {
    Tile::parse_path(text(data).map_err(|_| TilePathError::MissingPrefix)?)
}

/// An entry bundle.
pub fn entry_bundle(data: &[u8]) -> Result<Vec<&[u8]>, TileDataError> {
    decode_bundle(data)
}

/// Hash tile contents.
pub fn tile_hashes(data: &[u8]) -> Result<Vec<Hash>, TileDataError> {
    decode_tile(data)
}

/// A tlog-witness `add-checkpoint` request body.
pub fn witness_request(data: &[u8]) -> Result<AddCheckpointRequest, WitnessError> {
    AddCheckpointRequest::parse(data)
}

/// A tlog-witness 200 reply (cosignature lines).
pub fn witness_response(data: &[u8]) -> Result<Vec<Signature>, WitnessError> {
    parse_cosignature_response(data)
}

/// A tlog-proof receipt.
pub fn receipt(data: &[u8]) -> Result<Receipt, ReceiptError> {
    Receipt::parse(data)
}

/// A tlog-policy file.
pub fn policy(data: &[u8]) -> Result<Policy, PolicyError> {
    Policy::parse(data)
}

/// A vkey.
pub fn vkey(data: &[u8]) -> Result<VerifierKey, VkeyError> {
    VerifierKey::parse(text(data).map_err(|_| VkeyError::Malformed)?)
}

/// The parsers that accept `data` but re-encode it differently (canonical encodings only, so a
/// fuzz target can assert this is empty).
pub fn round_trip_failures(data: &[u8]) -> Vec<&'static str> {
    let same = |s: String| s.as_bytes() == data;
    let checks = [
        ("note", note(data).is_ok_and(|n| !same(n.to_text()))),
        (
            "checkpoint",
            checkpoint(data).is_ok_and(|c| !same(c.to_text())),
        ),
        ("tile_path", tile_path(data).is_ok_and(|t| !same(t.path()))),
        (
            "witness_request",
            witness_request(data).is_ok_and(|r| !same(r.to_body())),
        ),
        ("receipt", receipt(data).is_ok_and(|r| !same(r.to_text()))),
        ("vkey", vkey(data).is_ok_and(|k| !same(k.to_string()))),
        (
            "proof_lines",
            proof_lines(data).is_ok_and(|p| !same(format_hash_lines(&p))),
        ),
        (
            "entry_bundle",
            entry_bundle(data).is_ok_and(|e| encode_bundle(&e).is_ok_and(|b| b != data)),
        ),
        (
            "tile_hashes",
            tile_hashes(data).is_ok_and(|h| encode_tile(&h) != data),
        ),
    ];
    checks
        .into_iter()
        .filter_map(|(name, failed)| failed.then_some(name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cosignature::CosignatureSigner;
    use crate::note::Ed25519Signer;
    use proptest::prelude::*;

    fn samples() -> Vec<Vec<u8>> {
        let log = Ed25519Signer::from_seed("example.com/log", &[1; 32]).unwrap();
        let cp = Checkpoint::new("example.com/log", 2, [4; 32]).unwrap();
        let mut n = cp.sign(&[&log]).unwrap();
        CosignatureSigner::from_seed("w.example", &[2; 32])
            .unwrap()
            .cosign_note(&mut n, 7)
            .unwrap();
        let req = AddCheckpointRequest::new(1, vec![[5; 32]], n.clone()).unwrap();
        let receipt = Receipt {
            extra: Some(vec![1, 2, 3]),
            index: 1,
            proof: vec![[6; 32]],
            note: n.clone(),
        };
        vec![
            n.to_text().into_bytes(),
            cp.to_text().into_bytes(),
            b"tile/0/x001/x234/067.p/112".to_vec(),
            b"tile/entries/000".to_vec(),
            req.to_body().into_bytes(),
            receipt.to_text().into_bytes(),
            log.verifier_key().to_string().into_bytes(),
            format_hash_lines(&[[1; 32], [2; 32]]).into_bytes(),
            encode_bundle(&[b"a".as_slice(), b"bc"]).unwrap(),
            vec![9; 64],
        ]
    }

    #[test]
    fn every_sample_parses_somewhere_and_round_trips() {
        for s in samples() {
            assert!(
                round_trip_failures(&s).is_empty(),
                "{:?}",
                String::from_utf8_lossy(&s)
            );
        }
        assert!(note(&samples()[0]).is_ok());
        assert!(witness_request(&samples()[4]).is_ok());
        assert!(receipt(&samples()[5]).is_ok());
    }

    proptest! {
        #[test]
        fn mutated_samples_never_panic_and_round_trip(which in 0usize..10, pos in any::<prop::sample::Index>(), byte in any::<u8>(), cut in any::<prop::sample::Index>()) {
            let mut s = samples()[which].clone();
            let i = pos.index(s.len());
            s[i] = byte;
            let s = &s[..cut.index(s.len() + 1)];
            let _ = (policy(s), witness_response(s));
            prop_assert!(round_trip_failures(s).is_empty());
        }

        #[test]
        fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = (policy(&data), witness_response(&data));
            prop_assert!(round_trip_failures(&data).is_empty());
        }
    }
}
