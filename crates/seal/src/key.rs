//! SM2 key pairs and SM2-with-SM3 signatures for seal makers and signers.
//!
//! Why this module exists: every other part of the crate needs exactly one way to create,
//! export, import, sign and verify with SM2 keys, always with the signer ID
//! [`SIGNER_ID`] (`1234567812345678`, the GM/T 0009 default that OpenSSL, gmssl and
//! BouncyCastle use when told to). Keeping the `sm2` crate behind these types means the
//! signer ID can never be forgotten and private key material can never reach a log through
//! `Debug`.
//!
//! Randomness is always supplied by the caller ([`SealPrivateKey::generate`] takes an RNG,
//! [`SealPrivateKey::from_seed`] takes 32 seed bytes); the crate has no hidden global RNG.
//! Signing is deterministic (RFC 6979 style nonce), as documented by the `sm2` crate.

use core::fmt;

use sm2::PublicKey;
use sm2::dsa::signature::{Signer, Verifier};
use sm2::dsa::{Signature, SigningKey, VerifyingKey};
use sm2::elliptic_curve::rand_core::CryptoRng;
use sm2::elliptic_curve::zeroize::Zeroizing;
use sm2::elliptic_curve::{Generate, SecretKey};
use sm2::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, LineEnding,
};
use sm3::{Digest, Sm3};

/// The SM2 distinguishing identifier used for every signature this crate makes or checks.
pub const SIGNER_ID: &str = "1234567812345678";

/// Length in bytes of a raw `r || s` SM2 signature.
pub const RAW_SIGNATURE_LEN: usize = 64;

/// DER header of an SM2 `SubjectPublicKeyInfo`: SEQUENCE { SEQUENCE { id-ecPublicKey,
/// sm2 curve 1.2.156.10197.1.301 }, BIT STRING (66 bytes: no unused bits + 65-byte point) }.
const SPKI_HEADER: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x81, 0x1c, 0xcf, 0x55, 0x01, 0x82, 0x2d, 0x03, 0x42, 0x00,
];

/// Domain separation for [`SealPrivateKey::from_seed`], so a seed used elsewhere never
/// yields the same scalar here.
const SEED_DOMAIN: &[u8] = b"oneseal-seal/sm2-key-from-seed/v1";

/// What went wrong with a key or a signature.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    /// The bytes are not a valid SM2 private scalar (must be 32 bytes, in `1..n`).
    #[error("not a valid SM2 private key scalar")]
    InvalidPrivateKey,
    /// The PKCS#8 document could not be decoded as an SM2 private key.
    #[error("not a PKCS#8 SM2 private key")]
    InvalidPkcs8,
    /// The bytes are not a valid SM2 public key (SEC1 point, SPKI DER or PEM).
    #[error("not a valid SM2 public key")]
    InvalidPublicKey,
    /// A key could not be serialized (should not happen for valid keys).
    #[error("could not encode the key")]
    Encoding,
    /// The signature bytes are malformed (neither valid DER nor 64-byte `r || s`).
    #[error("malformed SM2 signature encoding")]
    InvalidSignatureEncoding,
    /// The signature does not verify under this public key and message.
    #[error("SM2 signature verification failed")]
    VerificationFailed,
    /// The signing primitive reported a failure.
    #[error("SM2 signing failed")]
    SigningFailed,
    /// No valid scalar could be derived from the seed (probability about 2^-8000).
    #[error("the seed yields no valid SM2 scalar")]
    SeedRejected,
}

/// An SM2 private key bound to [`SIGNER_ID`].
///
/// `Debug` prints only the public key's fingerprint, never key material.
#[derive(Clone)]
pub struct SealPrivateKey {
    inner: SigningKey,
}

/// An SM2 public key bound to [`SIGNER_ID`].
#[derive(Clone)]
pub struct SealPublicKey {
    inner: VerifyingKey,
}

/// An SM2-with-SM3 signature value.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Sm2Signature {
    inner: Signature,
}

impl SealPrivateKey {
    /// Generates a fresh key from the caller's cryptographic RNG.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Result<Self, KeyError> {
        let secret = SecretKey::<sm2::Sm2>::generate_from_rng(rng);
        Self::from_nonzero(secret.to_nonzero_scalar())
    }

    /// Derives a key deterministically from 32 bytes of caller-supplied seed material
    /// (for example from the operating system's RNG, or a fixed test seed).
    ///
    /// The scalar is `SM3(domain || seed || counter)` for the first counter giving a value
    /// in `1..n`; the first candidate fails with probability about 2^-32.
    pub fn from_seed(seed: &[u8; 32]) -> Result<Self, KeyError> {
        for counter in 0u8..=u8::MAX {
            let candidate = Zeroizing::new(
                Sm3::new()
                    .chain_update(SEED_DOMAIN)
                    .chain_update(seed)
                    .chain_update([counter])
                    .finalize(),
            );
            if let Ok(key) = Self::from_bytes(candidate.as_slice()) {
                return Ok(key);
            }
        }
        Err(KeyError::SeedRejected)
    }

    /// Imports a raw 32-byte big-endian private scalar.
    pub fn from_bytes(secret: &[u8]) -> Result<Self, KeyError> {
        // `SecretKey::from_slice` zero-pads short input; a seal key is exactly 32 bytes.
        if secret.len() != 32 {
            return Err(KeyError::InvalidPrivateKey);
        }
        let secret =
            SecretKey::<sm2::Sm2>::from_slice(secret).map_err(|_| KeyError::InvalidPrivateKey)?;
        Self::from_nonzero(secret.to_nonzero_scalar())
    }

    fn from_nonzero(scalar: sm2::NonZeroScalar) -> Result<Self, KeyError> {
        // Computing Z_A only fails for IDs longer than 8191 bytes; ours has 16.
        SigningKey::from_nonzero_scalar(SIGNER_ID, scalar)
            .map(|inner| Self { inner })
            .map_err(|_| KeyError::InvalidPrivateKey)
    }

    /// Exports the raw 32-byte private scalar. Handle with care: this is key material.
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        let mut out = Zeroizing::new([0u8; 32]);
        out.copy_from_slice(self.inner.to_bytes().as_slice());
        out
    }

    /// Exports the key as an unencrypted PKCS#8 DER document (curve OID 1.2.156.10197.1.301).
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        let secret = self.secret_key()?;
        let doc = secret.to_pkcs8_der().map_err(|_| KeyError::Encoding)?;
        Ok(doc.to_bytes())
    }

    /// Exports the key as an unencrypted PKCS#8 PEM document (`BEGIN PRIVATE KEY`).
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, KeyError> {
        let secret = self.secret_key()?;
        secret
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|_| KeyError::Encoding)
    }

    /// Imports an unencrypted PKCS#8 DER SM2 private key.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        let secret =
            SecretKey::<sm2::Sm2>::from_pkcs8_der(der).map_err(|_| KeyError::InvalidPkcs8)?;
        Self::from_nonzero(secret.to_nonzero_scalar())
    }

    /// Imports an unencrypted PKCS#8 PEM SM2 private key.
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, KeyError> {
        let secret =
            SecretKey::<sm2::Sm2>::from_pkcs8_pem(pem).map_err(|_| KeyError::InvalidPkcs8)?;
        Self::from_nonzero(secret.to_nonzero_scalar())
    }

    fn secret_key(&self) -> Result<SecretKey<sm2::Sm2>, KeyError> {
        SecretKey::<sm2::Sm2>::from_slice(self.to_bytes().as_slice())
            .map_err(|_| KeyError::InvalidPrivateKey)
    }

    /// The matching public key.
    pub fn public_key(&self) -> SealPublicKey {
        SealPublicKey {
            inner: self.inner.verifying_key().clone(),
        }
    }

    /// Signs `message` with SM2-with-SM3 (Z_A computed from [`SIGNER_ID`]); deterministic.
    pub fn sign(&self, message: &[u8]) -> Result<Sm2Signature, KeyError> {
        self.inner
            .try_sign(message)
            .map(|inner| Sm2Signature { inner })
            .map_err(|_| KeyError::SigningFailed)
    }
}

impl fmt::Debug for SealPrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SealPrivateKey")
            .field(
                "public_key_fingerprint",
                &self.public_key().fingerprint_hex(),
            )
            .finish_non_exhaustive()
    }
}

impl SealPublicKey {
    /// Imports a SEC1-encoded point (65-byte uncompressed `04 || X || Y`, or compressed).
    pub fn from_sec1_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        VerifyingKey::from_sec1_bytes(SIGNER_ID, bytes)
            .map(|inner| Self { inner })
            .map_err(|_| KeyError::InvalidPublicKey)
    }

    /// Exports the uncompressed SEC1 point `04 || X || Y` (65 bytes).
    pub fn to_sec1_bytes(&self) -> Vec<u8> {
        self.inner.to_sec1_bytes().into_vec()
    }

    /// Imports a DER `SubjectPublicKeyInfo` (id-ecPublicKey, curve 1.2.156.10197.1.301).
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        let public = PublicKey::from_public_key_der(der).map_err(|_| KeyError::InvalidPublicKey)?;
        Self::from_public(public)
    }

    /// Exports a DER `SubjectPublicKeyInfo` (91 bytes).
    ///
    /// The encoding of an uncompressed SM2 key is a fixed 26-byte header followed by the
    /// 65-byte point, so it is built directly and cannot fail; a unit test checks it
    /// against the `spki` crate's encoder and the interop test against OpenSSL.
    pub fn to_spki_der(&self) -> Vec<u8> {
        let point = self.to_sec1_bytes();
        let mut out = Vec::with_capacity(SPKI_HEADER.len() + point.len());
        out.extend_from_slice(&SPKI_HEADER);
        out.extend_from_slice(&point);
        out
    }

    /// Imports a PEM `PUBLIC KEY` (SubjectPublicKeyInfo), as written by `openssl pkey -pubout`.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let public = PublicKey::from_public_key_pem(pem).map_err(|_| KeyError::InvalidPublicKey)?;
        Self::from_public(public)
    }

    /// Exports a PEM `PUBLIC KEY` that `openssl dgst -verify` reads directly.
    pub fn to_pem(&self) -> Result<String, KeyError> {
        self.inner
            .to_public_key_pem(LineEnding::LF)
            .map_err(|_| KeyError::Encoding)
    }

    fn from_public(public: PublicKey) -> Result<Self, KeyError> {
        VerifyingKey::new(SIGNER_ID, public)
            .map(|inner| Self { inner })
            .map_err(|_| KeyError::InvalidPublicKey)
    }

    /// SM3 of the SPKI DER: a stable identifier for registries and logs.
    pub fn fingerprint(&self) -> [u8; 32] {
        sm3_digest(&self.to_spki_der())
    }

    fn fingerprint_hex(&self) -> String {
        hex::encode(self.fingerprint())
    }

    /// Verifies an SM2-with-SM3 signature over `message`.
    pub fn verify(&self, message: &[u8], signature: &Sm2Signature) -> Result<(), KeyError> {
        self.inner
            .verify(message, &signature.inner)
            .map_err(|_| KeyError::VerificationFailed)
    }
}

impl PartialEq for SealPublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.inner.as_affine() == other.inner.as_affine()
    }
}

impl Eq for SealPublicKey {}

impl fmt::Debug for SealPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SealPublicKey")
            .field("sec1", &hex::encode(self.to_sec1_bytes()))
            .finish()
    }
}

impl Sm2Signature {
    /// Parses a DER `SM2Signature ::= SEQUENCE { r INTEGER, s INTEGER }` (GB/T 35276).
    pub fn from_der(der: &[u8]) -> Result<Self, KeyError> {
        Signature::from_der(der)
            .map(|inner| Self { inner })
            .map_err(|_| KeyError::InvalidSignatureEncoding)
    }

    /// The DER encoding (what `openssl dgst -sign` writes and GB/T 38540 carries).
    pub fn to_der(&self) -> Vec<u8> {
        self.inner.to_der().to_vec()
    }

    /// Parses a raw 64-byte `r || s` signature (what gmssl's `sign_with_sm3` returns).
    pub fn from_raw(raw: &[u8]) -> Result<Self, KeyError> {
        Signature::from_slice(raw)
            .map(|inner| Self { inner })
            .map_err(|_| KeyError::InvalidSignatureEncoding)
    }

    /// The raw 64-byte `r || s` form.
    pub fn to_raw(&self) -> [u8; RAW_SIGNATURE_LEN] {
        let mut out = [0u8; RAW_SIGNATURE_LEN];
        out.copy_from_slice(self.inner.to_bytes().as_slice());
        out
    }
}

impl fmt::Debug for Sm2Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Sm2Signature")
            .field(&hex::encode(self.to_raw()))
            .finish()
    }
}

/// SM3 digest of `data` (GB/T 32905), e.g. the `dataHash` of a document to seal.
pub fn sm3_digest(data: &[u8]) -> [u8; 32] {
    Sm3::digest(data).into()
}

#[cfg(test)]
mod tests;
