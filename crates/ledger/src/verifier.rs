//! Picks the verifier for a published key by its signature type.
//!
//! Its own module, above both kinds of verifier: a key's text (`note::vkey`) is parsed by the
//! verifiers, so the choice between them cannot live with the key without the modules importing
//! each other.

use crate::cosignature::CosignatureVerifier;
use crate::note::{
    Ed25519Verifier, NoteVerifier, SIG_TYPE_COSIGNATURE_V1, SIG_TYPE_ED25519, VerifierKey,
    VkeyError,
};

impl VerifierKey {
    /// A verifier for this key: Ed25519 (0x01) or Ed25519 cosignature/v1 (0x04).
    pub fn verifier(&self) -> Result<Box<dyn NoteVerifier>, VkeyError> {
        match self.sig_type() {
            SIG_TYPE_ED25519 => Ok(Box::new(Ed25519Verifier::from_verifier_key(self)?)),
            SIG_TYPE_COSIGNATURE_V1 => Ok(Box::new(CosignatureVerifier::from_verifier_key(self)?)),
            other => Err(VkeyError::UnsupportedType(other)),
        }
    }
}
