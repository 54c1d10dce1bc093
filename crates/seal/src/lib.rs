//! oneseal-seal: the bureau's one electronic approval seal (SM2 with SM3, GB/T 38540 structures).
//!
//! Pure: no I/O, no clock, no global RNG. Times and randomness are parameters. Must never
//! depend on storage, HTTP, async runtimes or the ledger's storage (the pure `oneseal-ledger`
//! crate is used for receipts in [`bundle`]).
//!
//! - [`key`]: SM2 key pairs, SM2-with-SM3 signatures with signer ID `1234567812345678`,
//!   PEM/SEC1/SPKI/PKCS#8 import and export.
//! - [`keystore`]: passphrase encryption of private keys at rest (Argon2id +
//!   ChaCha20-Poly1305, versioned self-describing format).
//! - [`asn1`]: GB/T 38540-2020 v4 structures, DER encoding and strict decoding.
//! - [`ses`]: making and verifying seals (`SESeal`) and sealed-document signatures
//!   (`SES_Signature`).
//! - [`picture`]: the red round seal image as SVG.
//! - [`time`]: [`SealTime`], the one time type of the crate.
//! - [`bundle`]: sealed bundles (document + signature + ledger entry + receipt) and their
//!   offline verification against a trust file (seal registry snapshot and ledger keys).
//!
//! For benchmarks, the hot paths are plain functions: [`sign_document`],
//! [`verify_signature`], [`SealPrivateKey::sign`] and [`SealPublicKey::verify`].

pub mod asn1;
pub mod bundle;
pub mod key;
pub mod keystore;
pub mod picture;
pub mod ses;
pub mod time;

#[cfg(any(test, feature = "test-util"))]
pub mod testing;

pub use bundle::{BundleError, BundleVerdict, SealedBundle, TrustError, TrustFile, verify_bundle};
pub use key::{KeyError, SIGNER_ID, SealPrivateKey, SealPublicKey, Sm2Signature, sm3_digest};
pub use keystore::{KdfParams, KeystoreError};
pub use picture::{PictureError, RoundSealSpec, render_round_seal_svg};
pub use ses::{
    Seal, SealInfo, SealPicture, SesError, SesSignature, VerifiedSignature, sign_document,
    verify_signature,
};
pub use sm2::elliptic_curve::rand_core;
pub use time::{SealTime, TimeError};
