//! Plain Ed25519 note signatures (type 0x01): the log's checkpoint signature that every
//! tlog-tiles client and witness understands.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};

use super::vkey::{VerifierKey, VkeyError};
use super::{NoteError, NoteSigner, NoteVerifier, SIG_TYPE_ED25519, is_valid_key_name, key_id};

const SKEY_PREFIX: &str = "PRIVATE+KEY+";

/// Signs notes with an Ed25519 key under a key name.
pub struct Ed25519Signer {
    name: String,
    key_id: u32,
    key: SigningKey,
}

impl std::fmt::Debug for Ed25519Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ed25519Signer")
            .field("name", &self.name)
            .field("key_id", &format_args!("{:08x}", self.key_id))
            .finish_non_exhaustive()
    }
}

impl Ed25519Signer {
    /// A signer for `name` with the given key.
    pub fn new(name: &str, key: SigningKey) -> Result<Self, NoteError> {
        if !is_valid_key_name(name) {
            return Err(NoteError::BadKeyName);
        }
        let key_id = key_id(name, SIG_TYPE_ED25519, key.verifying_key().as_bytes());
        Ok(Self {
            name: name.to_owned(),
            key_id,
            key,
        })
    }

    /// A signer from a 32-byte RFC 8032 seed (the private key).
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<Self, NoteError> {
        Self::new(name, SigningKey::from_bytes(seed))
    }

    /// Parses the Go `x/mod/sumdb/note` private key format
    /// `PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>`.
    pub fn from_skey(skey: &str) -> Result<Self, VkeyError> {
        let rest = skey.strip_prefix(SKEY_PREFIX).ok_or(VkeyError::Malformed)?;
        let (name, id, material) = super::vkey::split_key(rest)?;
        let bytes = STANDARD.decode(material).map_err(|_| VkeyError::Base64)?;
        let seed: &[u8; 32] = match bytes.split_first() {
            Some((&SIG_TYPE_ED25519, seed)) => seed.try_into().map_err(|_| VkeyError::KeyLength)?,
            Some((&other, _)) => return Err(VkeyError::UnsupportedType(other)),
            None => return Err(VkeyError::KeyLength),
        };
        let signer = Self::from_seed(name, seed).map_err(|_| VkeyError::BadName)?;
        if signer.key_id != id {
            return Err(VkeyError::KeyIdMismatch);
        }
        Ok(signer)
    }

    /// The Go `x/mod/sumdb/note` private key text. Secret: never log it.
    pub fn to_skey(&self) -> String {
        let mut material = vec![SIG_TYPE_ED25519];
        material.extend_from_slice(self.key.as_bytes());
        format!(
            "{SKEY_PREFIX}{}+{:08x}+{}",
            self.name,
            self.key_id,
            STANDARD.encode(material)
        )
    }

    /// The matching verifier.
    pub fn verifier(&self) -> Ed25519Verifier {
        Ed25519Verifier {
            name: self.name.clone(),
            key_id: self.key_id,
            key: self.key.verifying_key(),
        }
    }

    /// The public key as a vkey.
    pub fn verifier_key(&self) -> VerifierKey {
        self.verifier().verifier_key()
    }
}

impl NoteSigner for Ed25519Signer {
    fn name(&self) -> &str {
        &self.name
    }

    fn key_id(&self) -> u32 {
        self.key_id
    }

    fn sign(&self, text: &[u8]) -> Result<Vec<u8>, NoteError> {
        Ok(self.key.sign(text).to_bytes().to_vec())
    }
}

/// Verifies Ed25519 note signatures (type 0x01) of one key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ed25519Verifier {
    name: String,
    key_id: u32,
    key: VerifyingKey,
}

impl Ed25519Verifier {
    /// A verifier for `name` with the given public key.
    pub fn new(name: &str, key: VerifyingKey) -> Result<Self, NoteError> {
        if !is_valid_key_name(name) {
            return Err(NoteError::BadKeyName);
        }
        Ok(Self {
            name: name.to_owned(),
            key_id: key_id(name, SIG_TYPE_ED25519, key.as_bytes()),
            key,
        })
    }

    /// A verifier from a vkey of type 0x01.
    pub fn from_verifier_key(vkey: &VerifierKey) -> Result<Self, VkeyError> {
        if vkey.sig_type() != SIG_TYPE_ED25519 {
            return Err(VkeyError::UnsupportedType(vkey.sig_type()));
        }
        let bytes: &[u8; 32] = vkey
            .public_key()
            .try_into()
            .map_err(|_| VkeyError::KeyLength)?;
        let key = VerifyingKey::from_bytes(bytes).map_err(|_| VkeyError::BadPublicKey)?;
        Self::new(vkey.name(), key).map_err(|_| VkeyError::BadName)
    }

    /// The public key as a vkey.
    pub fn verifier_key(&self) -> VerifierKey {
        VerifierKey::from_parts(
            &self.name,
            self.key_id,
            SIG_TYPE_ED25519,
            self.key.as_bytes(),
        )
    }

    /// The raw public key.
    pub fn public_key(&self) -> &VerifyingKey {
        &self.key
    }
}

impl NoteVerifier for Ed25519Verifier {
    fn name(&self) -> &str {
        &self.name
    }

    fn key_id(&self) -> u32 {
        self.key_id
    }

    fn verify(&self, text: &[u8], signature: &[u8]) -> bool {
        let Ok(sig) = ed25519_dalek::Signature::from_slice(signature) else {
            return false;
        };
        self.key.verify_strict(text, &sig).is_ok()
    }
}
