//! Verifier keys ("vkeys"): `<name>+<hex key ID>+<base64(type || public key)>`, the text form in
//! which logs, witnesses and policies publish public keys.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::{SIG_TYPE_COSIGNATURE_V1, SIG_TYPE_ED25519, is_valid_key_name, key_id};

/// A malformed or unusable key text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VkeyError {
    #[error("key text is not `name+keyid+base64`")]
    Malformed,
    #[error("invalid key name")]
    BadName,
    #[error("key ID is not 8 hex digits")]
    BadKeyId,
    #[error("key material is not canonical base64")]
    Base64,
    #[error("key ID does not match the key")]
    KeyIdMismatch,
    #[error("unsupported signature type {0:#04x}")]
    UnsupportedType(u8),
    #[error("key has the wrong length for its type")]
    KeyLength,
    #[error("not a valid public key")]
    BadPublicKey,
}

/// A parsed vkey. For types 0x01 and 0x04 the key ID is checked against the key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VerifierKey {
    name: String,
    key_id: u32,
    sig_type: u8,
    public_key: Vec<u8>,
}

/// Splits `name+hex+rest` at the first two `+` (the base64 rest may itself contain `+`).
///
/// The key ID must be lowercase hex, as written by [`VerifierKey`]'s `Display`: accepting
/// `530D903A` too would give one key two texts, and parsers here accept canonical forms only.
pub(super) fn split_key(text: &str) -> Result<(&str, u32, &str), VkeyError> {
    let (name, rest) = text.split_once('+').ok_or(VkeyError::Malformed)?;
    let (hex, material) = rest.split_once('+').ok_or(VkeyError::Malformed)?;
    if !is_valid_key_name(name) {
        return Err(VkeyError::BadName);
    }
    let lower_hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    if hex.len() != 8 || !hex.bytes().all(lower_hex) {
        return Err(VkeyError::BadKeyId);
    }
    let id = u32::from_str_radix(hex, 16).map_err(|_| VkeyError::BadKeyId)?;
    Ok((name, id, material))
}

impl VerifierKey {
    /// A vkey for `name` whose key ID is computed the standard way.
    pub fn new(name: &str, sig_type: u8, public_key: &[u8]) -> Result<Self, VkeyError> {
        if !is_valid_key_name(name) {
            return Err(VkeyError::BadName);
        }
        Ok(Self::from_parts(
            name,
            key_id(name, sig_type, public_key),
            sig_type,
            public_key,
        ))
    }

    pub(crate) fn from_parts(name: &str, key_id: u32, sig_type: u8, public_key: &[u8]) -> Self {
        Self {
            name: name.to_owned(),
            key_id,
            sig_type,
            public_key: public_key.to_vec(),
        }
    }

    /// Parses a vkey.
    pub fn parse(text: &str) -> Result<Self, VkeyError> {
        let (name, id, material) = split_key(text)?;
        let bytes = STANDARD.decode(material).map_err(|_| VkeyError::Base64)?;
        let (&sig_type, public_key) = bytes.split_first().ok_or(VkeyError::KeyLength)?;
        let standard_id = matches!(sig_type, SIG_TYPE_ED25519 | SIG_TYPE_COSIGNATURE_V1);
        if standard_id && public_key.len() != 32 {
            return Err(VkeyError::KeyLength);
        }
        if standard_id && key_id(name, sig_type, public_key) != id {
            return Err(VkeyError::KeyIdMismatch);
        }
        Ok(Self::from_parts(name, id, sig_type, public_key))
    }

    /// Key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Key ID.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// Signature type byte.
    pub fn sig_type(&self) -> u8 {
        self.sig_type
    }

    /// Public key bytes (without the type byte).
    pub fn public_key(&self) -> &[u8] {
        &self.public_key
    }
}

impl std::fmt::Display for VerifierKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut material = vec![self.sig_type];
        material.extend_from_slice(&self.public_key);
        write!(
            f,
            "{}+{:08x}+{}",
            self.name,
            self.key_id,
            STANDARD.encode(material)
        )
    }
}

impl std::str::FromStr for VerifierKey {
    type Err = VkeyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}
