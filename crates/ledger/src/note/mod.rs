//! C2SP signed-note: text signed by one or more keys. Checkpoints, cosignatures, witness
//! requests and receipts are all notes, so the text rules and the verification rules live here
//! once:
//!
//! - a signature from an unknown (name, key ID) is ignored;
//! - a signature from a known key that fails rejects the whole note;
//! - at least one signature from a known key must verify.
//!
//! Signing and verifying go through the [`NoteSigner`] / [`NoteVerifier`] traits, so other
//! algorithms (the server's SM2 line, type 0xff) plug in without changes here.

mod ed25519;
mod vkey;

#[cfg(test)]
mod tests;

pub use ed25519::{Ed25519Signer, Ed25519Verifier};
pub use vkey::{VerifierKey, VkeyError};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::hash::sha256;

/// Signature type of plain Ed25519 note signatures.
pub const SIG_TYPE_ED25519: u8 = 0x01;
/// Signature type of timestamped Ed25519 witness cosignatures (tlog-cosignature).
pub const SIG_TYPE_COSIGNATURE_V1: u8 = 0x04;
/// Signature type for algorithms without an assigned byte (e.g. SM2 with a longer identifier).
pub const SIG_TYPE_CUSTOM: u8 = 0xff;

/// Most signatures accepted on one note (the spec requires at least 16; Go caps at 100).
pub const MAX_SIGNATURES: usize = 100;

const SIGNATURE_PREFIX: &str = "\u{2014} ";

/// What is wrong with a note, or why it did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    #[error("note is not valid UTF-8")]
    NotUtf8,
    #[error("note contains a control character other than newline")]
    ControlCharacter,
    #[error("note text must be non-empty and end with a newline")]
    BadText,
    #[error("note has no blank line before its signatures")]
    MissingSignatureBlock,
    #[error("note has no signature lines")]
    NoSignatures,
    #[error("malformed signature line {line}")]
    BadSignatureLine { line: usize },
    #[error("invalid key name")]
    BadKeyName,
    #[error("note has {0} signatures, more than {MAX_SIGNATURES}")]
    TooManySignatures(usize),
    #[error("signature by known key {name} ({key_id:08x}) does not verify")]
    InvalidSignature { name: String, key_id: u32 },
    #[error("no signature by a known key")]
    NoKnownSignature,
    #[error("signer failed: {0}")]
    Signer(String),
}

/// One signature line: key name, key ID and the algorithm's signature bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    pub name: String,
    pub key_id: u32,
    pub bytes: Vec<u8>,
}

impl Signature {
    /// The line as written in a note: `— <name> <base64(key ID || signature)>\n`.
    pub fn to_line(&self) -> String {
        let mut payload = self.key_id.to_be_bytes().to_vec();
        payload.extend_from_slice(&self.bytes);
        format!(
            "{SIGNATURE_PREFIX}{} {}\n",
            self.name,
            STANDARD.encode(payload)
        )
    }

    /// Parses one signature line, with or without its final newline.
    pub fn parse_line(line: &str) -> Result<Self, NoteError> {
        let bad = NoteError::BadSignatureLine { line: 0 };
        let line = line.strip_suffix('\n').unwrap_or(line);
        let rest = line.strip_prefix(SIGNATURE_PREFIX).ok_or(bad.clone())?;
        let (name, b64) = rest.split_once(' ').ok_or(bad.clone())?;
        if !is_valid_key_name(name) {
            return Err(NoteError::BadKeyName);
        }
        let payload = STANDARD.decode(b64).map_err(|_| bad.clone())?;
        match payload.split_first_chunk::<4>() {
            Some((id, sig)) if !sig.is_empty() => Ok(Self {
                name: name.to_owned(),
                key_id: u32::from_be_bytes(*id),
                bytes: sig.to_vec(),
            }),
            _ => Err(bad),
        }
    }
}

/// Parses a block of signature lines (a tlog-witness response body, or the tail of a note).
pub fn parse_signature_lines(text: &str) -> Result<Vec<Signature>, NoteError> {
    if text.is_empty() {
        return Err(NoteError::NoSignatures);
    }
    if !text.ends_with('\n') {
        return Err(NoteError::BadSignatureLine { line: 0 });
    }
    text.split_terminator('\n')
        .enumerate()
        .map(|(i, line)| {
            Signature::parse_line(line).map_err(|e| match e {
                NoteError::BadSignatureLine { .. } => NoteError::BadSignatureLine { line: i },
                other => other,
            })
        })
        .collect()
}

/// Key names are non-empty and contain neither Unicode spaces nor `+`.
pub fn is_valid_key_name(name: &str) -> bool {
    !name.is_empty()
        && !name
            .chars()
            .any(|c| c.is_whitespace() || c == '+' || c.is_control())
}

/// `SHA-256(name || "\n" || type || public key)[:4]`, big-endian.
pub fn key_id(name: &str, sig_type: u8, public_key: &[u8]) -> u32 {
    let h = sha256(&[name.as_bytes(), b"\n", &[sig_type], public_key]);
    u32::from_be_bytes([h[0], h[1], h[2], h[3]])
}

/// Produces note signatures. Implement this for other algorithms (e.g. SM2 under type 0xff).
pub trait NoteSigner: Send + Sync {
    /// Key name written in the signature line.
    fn name(&self) -> &str;
    /// Key ID written before the signature bytes.
    fn key_id(&self) -> u32;
    /// Signs the note text (including its final newline).
    fn sign(&self, text: &[u8]) -> Result<Vec<u8>, NoteError>;
}

/// Checks note signatures of one key.
pub trait NoteVerifier: Send + Sync {
    /// Key name this verifier answers for.
    fn name(&self) -> &str;
    /// Key ID this verifier answers for.
    fn key_id(&self) -> u32;
    /// Whether `signature` (without the key ID) is valid over the note text.
    fn verify(&self, text: &[u8], signature: &[u8]) -> bool;
}

/// Checks that `text` can be a note text: UTF-8 without control characters other than newline,
/// non-empty and ending in a newline.
pub fn check_text(text: &str) -> Result<(), NoteError> {
    if text.chars().any(|c| c < ' ' && c != '\n') {
        return Err(NoteError::ControlCharacter);
    }
    if !text.ends_with('\n') {
        return Err(NoteError::BadText);
    }
    Ok(())
}

/// A note: its text and its signatures, not yet verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    text: String,
    signatures: Vec<Signature>,
}

impl Note {
    /// An unsigned note with the given text.
    pub fn new(text: impl Into<String>) -> Result<Self, NoteError> {
        let text = text.into();
        check_text(&text)?;
        Ok(Self {
            text,
            signatures: Vec::new(),
        })
    }

    /// Parses a signed note's structure. Nothing is verified: use [`open`] before trusting the
    /// text.
    pub fn parse(bytes: &[u8]) -> Result<Self, NoteError> {
        let s = std::str::from_utf8(bytes).map_err(|_| NoteError::NotUtf8)?;
        if s.chars().any(|c| c < ' ' && c != '\n') {
            return Err(NoteError::ControlCharacter);
        }
        if !s.ends_with('\n') {
            return Err(NoteError::BadText);
        }
        // The text ends at the *last* blank line; the text itself may contain blank lines.
        let split = s.rfind("\n\n").ok_or(NoteError::MissingSignatureBlock)?;
        let (text, rest) = s
            .split_at_checked(split + 1)
            .ok_or(NoteError::MissingSignatureBlock)?;
        let sigs = rest
            .strip_prefix('\n')
            .ok_or(NoteError::MissingSignatureBlock)?;
        let count = sigs.matches('\n').count();
        if count > MAX_SIGNATURES {
            return Err(NoteError::TooManySignatures(count));
        }
        Ok(Self {
            text: text.to_owned(),
            signatures: parse_signature_lines(sigs)?,
        })
    }

    /// The note text, including its final newline.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The signatures in note order.
    pub fn signatures(&self) -> &[Signature] {
        &self.signatures
    }

    /// Appends a signature made elsewhere (e.g. a witness cosignature).
    pub fn add_signature(&mut self, signature: Signature) -> Result<(), NoteError> {
        if !is_valid_key_name(&signature.name) {
            return Err(NoteError::BadKeyName);
        }
        if signature.bytes.is_empty() {
            return Err(NoteError::BadSignatureLine { line: 0 });
        }
        if self.signatures.len() >= MAX_SIGNATURES {
            return Err(NoteError::TooManySignatures(self.signatures.len() + 1));
        }
        self.signatures.push(signature);
        Ok(())
    }

    /// Signs the text with `signer` and appends the signature.
    pub fn sign(&mut self, signer: &dyn NoteSigner) -> Result<(), NoteError> {
        if !is_valid_key_name(signer.name()) {
            return Err(NoteError::BadKeyName);
        }
        let bytes = signer.sign(self.text.as_bytes())?;
        self.add_signature(Signature {
            name: signer.name().to_owned(),
            key_id: signer.key_id(),
            bytes,
        })
    }

    /// The note as transmitted: text, blank line, signature lines.
    pub fn to_text(&self) -> String {
        let mut out = self.text.clone();
        out.push('\n');
        for s in &self.signatures {
            out.push_str(&s.to_line());
        }
        out
    }

    /// Verifies the signatures with the known keys (see the module doc for the rules).
    pub fn verify(&self, verifiers: &[&dyn NoteVerifier]) -> Result<VerifiedNote, NoteError> {
        let mut verified: Vec<Signature> = Vec::new();
        let mut unknown = Vec::new();
        for sig in &self.signatures {
            let known: Vec<&&dyn NoteVerifier> = verifiers
                .iter()
                .filter(|v| v.name() == sig.name && v.key_id() == sig.key_id)
                .collect();
            if known.is_empty() {
                unknown.push(sig.clone());
            } else if known
                .iter()
                .any(|v| v.verify(self.text.as_bytes(), &sig.bytes))
            {
                if !verified
                    .iter()
                    .any(|s| s.name == sig.name && s.key_id == sig.key_id)
                {
                    verified.push(sig.clone());
                }
            } else {
                return Err(NoteError::InvalidSignature {
                    name: sig.name.clone(),
                    key_id: sig.key_id,
                });
            }
        }
        if verified.is_empty() {
            return Err(NoteError::NoKnownSignature);
        }
        Ok(VerifiedNote {
            text: self.text.clone(),
            verified,
            unknown,
        })
    }
}

/// A note whose text is vouched for by at least one known key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedNote {
    /// The note text, including its final newline.
    pub text: String,
    /// Signatures by known keys that verified, one per key, in note order.
    pub verified: Vec<Signature>,
    /// Signatures by unknown keys, ignored but kept (e.g. to pass on to others).
    pub unknown: Vec<Signature>,
}

impl VerifiedNote {
    /// Whether the key (name, key ID) signed the note.
    pub fn is_signed_by(&self, name: &str, key_id: u32) -> bool {
        self.verified
            .iter()
            .any(|s| s.name == name && s.key_id == key_id)
    }
}

/// Parses and verifies a signed note in one step.
pub fn open(bytes: &[u8], verifiers: &[&dyn NoteVerifier]) -> Result<VerifiedNote, NoteError> {
    Note::parse(bytes)?.verify(verifiers)
}
