//! tlog-cosignature v1 (signature type 0x04): a witness's timestamped Ed25519 statement "at time
//! t, this is the largest consistent tree I have seen for this origin". Time is always a
//! parameter; the signature is `u64 BE time || Ed25519(cosignature/v1\ntime <t>\n<checkpoint>)`.
//!
//! The signed message does not name the cosigner, so each cosigner needs its own key.

use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};

use crate::note::{
    Note, NoteError, NoteVerifier, SIG_TYPE_COSIGNATURE_V1, Signature, VerifierKey, VkeyError,
    is_valid_key_name, key_id,
};

/// First line of every cosigned message (domain separation).
pub const COSIGNATURE_HEADER: &str = "cosignature/v1\n";
/// Largest timestamp a cosignature may carry (2^63 − 1).
pub const MAX_TIMESTAMP: u64 = i64::MAX as u64;

const SIGNATURE_LEN: usize = 8 + 64;

/// Why a cosignature could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CosignatureError {
    #[error("timestamp {0} is above 2^63-1")]
    TimeOutOfRange(u64),
    #[error(transparent)]
    Note(#[from] NoteError),
}

/// The bytes a cosigner signs for `checkpoint_text` (the whole note text, extension lines
/// included) at POSIX time `time`.
pub fn cosigned_message(checkpoint_text: &str, time: u64) -> Vec<u8> {
    format!("{COSIGNATURE_HEADER}time {time}\n{checkpoint_text}").into_bytes()
}

/// The timestamp of a cosignature/v1 signature, if it has the right length.
pub fn cosignature_time(signature: &Signature) -> Option<u64> {
    if signature.bytes.len() != SIGNATURE_LEN {
        return None;
    }
    let (time, _) = signature.bytes.split_first_chunk::<8>()?;
    Some(u64::from_be_bytes(*time))
}

/// A witness's cosigning key.
pub struct CosignatureSigner {
    name: String,
    key_id: u32,
    key: SigningKey,
}

impl std::fmt::Debug for CosignatureSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CosignatureSigner")
            .field("name", &self.name)
            .field("key_id", &format_args!("{:08x}", self.key_id))
            .finish_non_exhaustive()
    }
}

impl CosignatureSigner {
    /// A cosigner named `name` with the given key.
    pub fn new(name: &str, key: SigningKey) -> Result<Self, NoteError> {
        if !is_valid_key_name(name) {
            return Err(NoteError::BadKeyName);
        }
        let key_id = key_id(
            name,
            SIG_TYPE_COSIGNATURE_V1,
            key.verifying_key().as_bytes(),
        );
        Ok(Self {
            name: name.to_owned(),
            key_id,
            key,
        })
    }

    /// A cosigner from a 32-byte RFC 8032 seed.
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<Self, NoteError> {
        Self::new(name, SigningKey::from_bytes(seed))
    }

    /// Key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Key ID.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// Cosigns a checkpoint text at POSIX time `time`.
    pub fn cosign(&self, checkpoint_text: &str, time: u64) -> Result<Signature, CosignatureError> {
        if time > MAX_TIMESTAMP {
            return Err(CosignatureError::TimeOutOfRange(time));
        }
        let sig = self.key.sign(&cosigned_message(checkpoint_text, time));
        let mut bytes = time.to_be_bytes().to_vec();
        bytes.extend_from_slice(&sig.to_bytes());
        Ok(Signature {
            name: self.name.clone(),
            key_id: self.key_id,
            bytes,
        })
    }

    /// Cosigns `note` at time `time` and appends the cosignature to it.
    pub fn cosign_note(&self, note: &mut Note, time: u64) -> Result<(), CosignatureError> {
        let sig = self.cosign(note.text(), time)?;
        note.add_signature(sig)?;
        Ok(())
    }

    /// The matching verifier.
    pub fn verifier(&self) -> CosignatureVerifier {
        CosignatureVerifier {
            name: self.name.clone(),
            key_id: self.key_id,
            key: self.key.verifying_key(),
        }
    }

    /// The public key as a vkey (type 0x04).
    pub fn verifier_key(&self) -> VerifierKey {
        self.verifier().verifier_key()
    }
}

/// Verifies cosignature/v1 signatures of one cosigner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CosignatureVerifier {
    name: String,
    key_id: u32,
    key: VerifyingKey,
}

impl CosignatureVerifier {
    /// A verifier for cosigner `name` with the given public key.
    pub fn new(name: &str, key: VerifyingKey) -> Result<Self, NoteError> {
        if !is_valid_key_name(name) {
            return Err(NoteError::BadKeyName);
        }
        Ok(Self {
            name: name.to_owned(),
            key_id: key_id(name, SIG_TYPE_COSIGNATURE_V1, key.as_bytes()),
            key,
        })
    }

    /// A verifier from a vkey of type 0x04.
    pub fn from_verifier_key(vkey: &VerifierKey) -> Result<Self, VkeyError> {
        if vkey.sig_type() != SIG_TYPE_COSIGNATURE_V1 {
            return Err(VkeyError::UnsupportedType(vkey.sig_type()));
        }
        let bytes: &[u8; 32] = vkey
            .public_key()
            .try_into()
            .map_err(|_| VkeyError::KeyLength)?;
        let key = VerifyingKey::from_bytes(bytes).map_err(|_| VkeyError::BadPublicKey)?;
        Self::new(vkey.name(), key).map_err(|_| VkeyError::BadName)
    }

    /// The public key as a vkey (type 0x04).
    pub fn verifier_key(&self) -> VerifierKey {
        VerifierKey::from_parts(
            &self.name,
            self.key_id,
            SIG_TYPE_COSIGNATURE_V1,
            self.key.as_bytes(),
        )
    }
}

impl NoteVerifier for CosignatureVerifier {
    fn name(&self) -> &str {
        &self.name
    }

    fn key_id(&self) -> u32 {
        self.key_id
    }

    fn verify(&self, text: &[u8], signature: &[u8]) -> bool {
        let Some((time, sig)) = signature.split_first_chunk::<8>() else {
            return false;
        };
        let time = u64::from_be_bytes(*time);
        if time > MAX_TIMESTAMP {
            return false;
        }
        let Ok(sig) = ed25519_dalek::Signature::from_slice(sig) else {
            return false;
        };
        let Ok(text) = std::str::from_utf8(text) else {
            return false;
        };
        self.key
            .verify_strict(&cosigned_message(text, time), &sig)
            .is_ok()
    }
}

/// The cosignatures among `candidates` that a verifier would count: for each distinct witness in
/// `witnesses`, its newest cosignature over `checkpoint_text` that verifies, in witness order.
///
/// Everything else is dropped: lines by unknown keys, lines that do not verify (a zeroed
/// signature under a known witness's name would make signed-note verifiers reject the whole
/// note), and repeats (the same witness counts once). The length of the result is the number of
/// witnesses that vouch for the checkpoint, which is what a quorum counts.
pub fn select_cosignatures(
    checkpoint_text: &str,
    witnesses: &[CosignatureVerifier],
    candidates: &[Signature],
) -> Vec<Signature> {
    let mut out: Vec<Signature> = Vec::new();
    for (i, w) in witnesses.iter().enumerate() {
        if witnesses[..i]
            .iter()
            .any(|o| o.name == w.name && o.key_id == w.key_id)
        {
            continue;
        }
        let newest = candidates
            .iter()
            .filter(|s| s.name == w.name && s.key_id == w.key_id)
            .filter(|s| w.verify(checkpoint_text.as_bytes(), &s.bytes))
            .filter_map(|s| cosignature_time(s).map(|t| (t, s)))
            .max_by_key(|(t, _)| *t);
        if let Some((_, s)) = newest {
            out.push(s.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::note::{Ed25519Signer, NoteSigner};

    const TEXT: &str =
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

    fn cosigner() -> CosignatureSigner {
        CosignatureSigner::from_seed("witness.example/w1", &[7; 32]).unwrap()
    }

    #[test]
    fn cosigned_message_matches_the_spec_layout() {
        assert_eq!(
            String::from_utf8(cosigned_message(TEXT, 1_679_315_147)).unwrap(),
            "cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
        );
    }

    #[test]
    fn cosignature_verifies_and_carries_its_time() {
        let c = cosigner();
        let sig = c.cosign(TEXT, 1_700_000_000).unwrap();
        assert_eq!(sig.bytes.len(), 72);
        assert_eq!(cosignature_time(&sig), Some(1_700_000_000));
        let v = c.verifier();
        assert!(v.verify(TEXT.as_bytes(), &sig.bytes));
        // A different time, text or key does not verify.
        let mut other_time = sig.bytes.clone();
        other_time[7] ^= 1;
        assert!(!v.verify(TEXT.as_bytes(), &other_time));
        assert!(!v.verify(TEXT.replace("63\n", "64\n").as_bytes(), &sig.bytes));
        let stranger = CosignatureSigner::from_seed("witness.example/w1", &[8; 32]).unwrap();
        assert!(!stranger.verifier().verify(TEXT.as_bytes(), &sig.bytes));
        assert!(!v.verify(TEXT.as_bytes(), &sig.bytes[..71]));
    }

    #[test]
    fn timestamps_above_2_pow_63_are_refused() {
        assert_eq!(
            cosigner().cosign(TEXT, 1 << 63),
            Err(CosignatureError::TimeOutOfRange(1 << 63))
        );
        assert!(cosigner().cosign(TEXT, MAX_TIMESTAMP).is_ok());
    }

    #[test]
    fn cosignature_key_id_uses_type_4_and_differs_from_plain_ed25519() {
        let c = cosigner();
        let plain = Ed25519Signer::from_seed("witness.example/w1", &[7; 32]).unwrap();
        assert_ne!(c.key_id(), plain.key_id());
        let vkey = c.verifier_key();
        assert_eq!(vkey.sig_type(), 0x04);
        let parsed = VerifierKey::parse(&vkey.to_string()).unwrap();
        assert_eq!(parsed, vkey);
        assert_eq!(parsed.verifier().unwrap().key_id(), c.key_id());
    }

    #[test]
    fn spec_cosignature_vkey_parses() {
        // transparency-dev/formats test key of type 0x04, used as data.
        let vkey = VerifierKey::parse(
            "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2",
        )
        .unwrap();
        assert_eq!(vkey.sig_type(), 0x04);
        assert_eq!(vkey.key_id(), 0xda77_ade7);
        assert!(vkey.verifier().is_ok());
    }

    #[test]
    fn plain_signature_is_not_a_cosignature() {
        let c = cosigner();
        let plain = Ed25519Signer::from_seed("witness.example/w1", &[7; 32]).unwrap();
        let sig = plain.sign(TEXT.as_bytes()).unwrap();
        assert!(!c.verifier().verify(TEXT.as_bytes(), &sig));
    }

    #[test]
    fn only_valid_distinct_cosignatures_by_known_witnesses_are_selected() {
        let (a, b) = (
            cosigner(),
            CosignatureSigner::from_seed("witness.example/w2", &[8; 32]).unwrap(),
        );
        let stranger = CosignatureSigner::from_seed("evil.example/w", &[3; 32]).unwrap();
        let old = a.cosign(TEXT, 1_700_000_000).unwrap();
        let new = a.cosign(TEXT, 1_700_000_060).unwrap();
        let zeroed = Signature {
            bytes: vec![0; 72],
            ..b.cosign(TEXT, 1_700_000_000).unwrap()
        };
        let other_text = b
            .cosign("example.com/other\n1\nAAAA\n", 1_700_000_000)
            .unwrap();
        let garbage = Signature {
            name: "evil.example/w".into(),
            key_id: 1,
            bytes: vec![7; 72],
        };
        let candidates = [
            garbage.clone(),
            garbage,
            stranger.cosign(TEXT, 1_700_000_000).unwrap(),
            old.clone(),
            new.clone(),
            new.clone(),
            zeroed,
            other_text,
        ];
        let witnesses = [a.verifier(), b.verifier(), a.verifier()];
        // One line for `a` (the newest), none for `b`: its lines are zeroed or for another text.
        assert_eq!(
            select_cosignatures(TEXT, &witnesses, &candidates),
            vec![new.clone()]
        );
        let good_b = b.cosign(TEXT, 1_700_000_000).unwrap();
        assert_eq!(
            select_cosignatures(TEXT, &witnesses, &[good_b.clone(), old, new.clone()]),
            vec![new, good_b]
        );
        assert!(select_cosignatures(TEXT, &[], &candidates).is_empty());
    }
}
