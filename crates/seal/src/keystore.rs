//! Passphrase encryption of seal private keys at rest.
//!
//! Why this module exists: DESIGN.md §6 requires private keys to be encrypted at rest and
//! never exported in clear. This module is the one format for that, pure bytes in and bytes
//! out; where the bytes live (file, database row) is the caller's business.
//!
//! Choice of primitives: **Argon2id** (RustCrypto `argon2`, already used by the server for
//! staff passwords, memory-hard against GPU guessing) derives 64 bytes from the passphrase;
//! the first 32 key **ChaCha20-Poly1305** (RustCrypto `chacha20poly1305`, RFC 8439,
//! constant-time in software with no dependence on AES hardware), the last 32 are a
//! passphrase check value so a wrong passphrase and a damaged file are told apart. An
//! SM4-based AEAD was considered for a GM-only profile, but no maintained crate offers a
//! ready SM4 AEAD mode, and the `sm4` crate is a table-based software cipher; the version
//! byte leaves room for a GM profile (e.g. PBKDF2-HMAC-SM3 + SM4-GCM) as format 2.
//!
//! Format, version 1 (integers big-endian):
//!
//! | bytes | field |
//! |---|---|
//! | 8 | magic `ONESEALK` |
//! | 1 | format version = 1 |
//! | 1 | KDF = 1 (Argon2id, version 0x13) |
//! | 4 + 4 + 4 | Argon2 memory (KiB), passes, lanes |
//! | 1 + n | salt length n (16..=64), salt |
//! | 1 | AEAD = 1 (ChaCha20-Poly1305) |
//! | 12 | nonce |
//! | 32 | passphrase check value |
//! | rest | ciphertext of the PKCS#8 DER private key, with the 16-byte tag |
//!
//! Every header byte is authenticated as associated data. The key and nonce are fresh per
//! file (new salt each time), so nonce reuse cannot occur. Decryption caps the KDF cost
//! ([`MAX_M_COST_KIB`], [`MAX_T_COST`], [`MAX_P_COST`]) so a hostile file cannot make the
//! caller allocate unbounded memory.

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use sm2::elliptic_curve::rand_core::CryptoRng;
use sm2::elliptic_curve::subtle::ConstantTimeEq;
use sm2::elliptic_curve::zeroize::Zeroizing;

use crate::key::{KeyError, SealPrivateKey};

const MAGIC: &[u8; 8] = b"ONESEALK";
const FORMAT_V1: u8 = 1;
const KDF_ARGON2ID: u8 = 1;
const AEAD_CHACHA20POLY1305: u8 = 1;
const SALT_LEN: usize = 16;
const MIN_SALT_LEN: usize = 16;
const MAX_SALT_LEN: usize = 64;
const NONCE_LEN: usize = 12;
const CHECK_LEN: usize = 32;
const KEY_LEN: usize = 32;
const TAG_LEN: usize = 16;
/// PEM label of the armoured form.
pub const PEM_LABEL: &str = "ONESEAL ENCRYPTED SM2 PRIVATE KEY";
/// Largest Argon2 memory cost accepted when decrypting: 1 GiB.
pub const MAX_M_COST_KIB: u32 = 1 << 20;
/// Largest Argon2 pass count accepted.
pub const MAX_T_COST: u32 = 64;
/// Largest Argon2 lane count accepted.
pub const MAX_P_COST: u32 = 16;

/// Why a key could not be sealed or opened.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeystoreError {
    /// An empty passphrase protects nothing.
    #[error("the passphrase is empty")]
    EmptyPassphrase,
    /// The input ends before the format says it should.
    #[error("encrypted key is truncated")]
    Truncated,
    /// The input does not start with the `ONESEALK` magic.
    #[error("not a oneseal encrypted key (bad magic)")]
    BadMagic,
    /// A format version this build does not know.
    #[error("unsupported encrypted-key format version {0}")]
    UnsupportedVersion(u8),
    /// A KDF identifier this build does not know.
    #[error("unsupported KDF identifier {0}")]
    UnsupportedKdf(u8),
    /// An AEAD identifier this build does not know.
    #[error("unsupported AEAD identifier {0}")]
    UnsupportedAead(u8),
    /// KDF parameters outside the accepted range.
    #[error("KDF parameters out of range: m={m_cost_kib} KiB, t={t_cost}, p={p_cost}")]
    KdfParamsOutOfRange {
        /// Memory in KiB.
        m_cost_kib: u32,
        /// Passes.
        t_cost: u32,
        /// Lanes.
        p_cost: u32,
    },
    /// Salt length outside 16..=64.
    #[error("salt length {0} outside 16..=64")]
    BadSaltLength(usize),
    /// The passphrase is wrong (or the salt/KDF parameters were altered).
    #[error("wrong passphrase")]
    WrongPassphrase,
    /// The passphrase is right but the ciphertext or header was altered.
    #[error("encrypted key was tampered with (authentication failed)")]
    Tampered,
    /// The key derivation failed.
    #[error("key derivation failed")]
    Kdf,
    /// Encryption failed.
    #[error("encryption failed")]
    Encrypt,
    /// The decrypted content is not an SM2 PKCS#8 key.
    #[error("decrypted content is not a key: {0}")]
    Key(#[from] KeyError),
    /// The PEM armour is malformed or has the wrong label.
    #[error("malformed PEM armour")]
    Pem,
}

/// Argon2id cost parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KdfParams {
    m_cost_kib: u32,
    t_cost: u32,
    p_cost: u32,
}

impl KdfParams {
    /// OWASP's Argon2id setting (19 MiB, 2 passes, 1 lane); about 25 ms on the project's
    /// machine in release builds.
    pub const RECOMMENDED: Self = Self {
        m_cost_kib: 19 * 1024,
        t_cost: 2,
        p_cost: 1,
    };

    /// The cheapest accepted setting. Only for tests: it offers no guessing resistance.
    pub const FAST_INSECURE: Self = Self {
        m_cost_kib: 8,
        t_cost: 1,
        p_cost: 1,
    };

    /// Custom parameters, checked against Argon2's minimums and this module's caps.
    pub fn new(m_cost_kib: u32, t_cost: u32, p_cost: u32) -> Result<Self, KeystoreError> {
        let out_of_range = KeystoreError::KdfParamsOutOfRange {
            m_cost_kib,
            t_cost,
            p_cost,
        };
        let p_ok = (1..=MAX_P_COST).contains(&p_cost);
        let t_ok = (1..=MAX_T_COST).contains(&t_cost);
        let m_min = p_cost.saturating_mul(8).max(Params::MIN_M_COST);
        let m_ok = (m_min..=MAX_M_COST_KIB).contains(&m_cost_kib);
        if p_ok && t_ok && m_ok {
            Ok(Self {
                m_cost_kib,
                t_cost,
                p_cost,
            })
        } else {
            Err(out_of_range)
        }
    }

    /// Memory cost in KiB.
    pub fn m_cost_kib(&self) -> u32 {
        self.m_cost_kib
    }

    /// Number of passes.
    pub fn t_cost(&self) -> u32 {
        self.t_cost
    }

    /// Number of lanes.
    pub fn p_cost(&self) -> u32 {
        self.p_cost
    }
}

/// Encrypts `key` under `passphrase`; salt and nonce come from the caller's RNG.
pub fn encrypt_private_key<R: CryptoRng + ?Sized>(
    key: &SealPrivateKey,
    passphrase: &[u8],
    params: KdfParams,
    rng: &mut R,
) -> Result<Vec<u8>, KeystoreError> {
    encrypt_secret(key.to_pkcs8_der()?.as_slice(), passphrase, params, rng)
}

/// Decrypts a key written by [`encrypt_private_key`].
pub fn decrypt_private_key(
    blob: &[u8],
    passphrase: &[u8],
) -> Result<SealPrivateKey, KeystoreError> {
    let plaintext = decrypt_secret(blob, passphrase)?;
    Ok(SealPrivateKey::from_pkcs8_der(&plaintext)?)
}

/// Encrypts any other secret (e.g. an Ed25519 seed) in the same format; the ciphertext holds the
/// bytes as given, so the caller must know what kind of secret a blob holds.
pub fn encrypt_secret<R: CryptoRng + ?Sized>(
    plaintext: &[u8],
    passphrase: &[u8],
    params: KdfParams,
    rng: &mut R,
) -> Result<Vec<u8>, KeystoreError> {
    if passphrase.is_empty() {
        return Err(KeystoreError::EmptyPassphrase);
    }
    let mut salt = [0u8; SALT_LEN];
    rng.fill_bytes(&mut salt);
    let mut nonce = [0u8; NONCE_LEN];
    rng.fill_bytes(&mut nonce);
    let derived = derive(passphrase, &salt, params)?;
    let (enc_key, check) = split_derived(&derived);

    let mut out = header(params, &salt, &nonce, check);
    let ciphertext = cipher_for(enc_key)?
        .encrypt(
            &nonce_from(&nonce)?,
            Payload {
                msg: plaintext,
                aad: &out,
            },
        )
        .map_err(|_| KeystoreError::Encrypt)?;
    out.extend_from_slice(&ciphertext);
    Ok(out)
}

/// Decrypts a blob written by [`encrypt_secret`] (or [`encrypt_private_key`]).
pub fn decrypt_secret(blob: &[u8], passphrase: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeystoreError> {
    if passphrase.is_empty() {
        return Err(KeystoreError::EmptyPassphrase);
    }
    let parsed = parse(blob)?;
    let derived = derive(passphrase, parsed.salt, parsed.params)?;
    let (enc_key, check) = split_derived(&derived);
    if !bool::from(check.ct_eq(parsed.check)) {
        return Err(KeystoreError::WrongPassphrase);
    }
    cipher_for(enc_key)?
        .decrypt(
            &nonce_from(parsed.nonce)?,
            Payload {
                msg: parsed.ciphertext,
                aad: parsed.header,
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| KeystoreError::Tampered)
}

/// The KDF parameters recorded in an encrypted key (to decide whether to re-encrypt with
/// stronger ones), without decrypting it.
pub fn kdf_params_of(blob: &[u8]) -> Result<KdfParams, KeystoreError> {
    parse(blob).map(|p| p.params)
}

/// [`encrypt_private_key`] wrapped in PEM armour (`BEGIN ONESEAL ENCRYPTED SM2 PRIVATE KEY`).
pub fn encrypt_private_key_pem<R: CryptoRng + ?Sized>(
    key: &SealPrivateKey,
    passphrase: &[u8],
    params: KdfParams,
    rng: &mut R,
) -> Result<String, KeystoreError> {
    let blob = encrypt_private_key(key, passphrase, params, rng)?;
    der::pem::encode_string(PEM_LABEL, der::pem::LineEnding::LF, &blob)
        .map_err(|_| KeystoreError::Pem)
}

/// Opens the PEM form written by [`encrypt_private_key_pem`].
pub fn decrypt_private_key_pem(
    pem: &str,
    passphrase: &[u8],
) -> Result<SealPrivateKey, KeystoreError> {
    let (label, blob) = der::pem::decode_vec(pem.as_bytes()).map_err(|_| KeystoreError::Pem)?;
    if label != PEM_LABEL {
        return Err(KeystoreError::Pem);
    }
    decrypt_private_key(&blob, passphrase)
}

struct Parsed<'a> {
    header: &'a [u8],
    params: KdfParams,
    salt: &'a [u8],
    nonce: &'a [u8],
    check: &'a [u8],
    ciphertext: &'a [u8],
}

fn header(params: KdfParams, salt: &[u8], nonce: &[u8], check: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + salt.len());
    out.extend_from_slice(MAGIC);
    out.push(FORMAT_V1);
    out.push(KDF_ARGON2ID);
    out.extend_from_slice(&params.m_cost_kib.to_be_bytes());
    out.extend_from_slice(&params.t_cost.to_be_bytes());
    out.extend_from_slice(&params.p_cost.to_be_bytes());
    // SALT_LEN is 16, which fits in a byte.
    out.push(u8::try_from(salt.len()).unwrap_or(u8::MAX));
    out.extend_from_slice(salt);
    out.push(AEAD_CHACHA20POLY1305);
    out.extend_from_slice(nonce);
    out.extend_from_slice(check);
    out
}

/// Reads fields front to back; every read is bounds-checked.
struct Cursor<'a> {
    rest: &'a [u8],
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], KeystoreError> {
        let (head, tail) = self
            .rest
            .split_at_checked(n)
            .ok_or(KeystoreError::Truncated)?;
        self.rest = tail;
        Ok(head)
    }

    fn byte(&mut self) -> Result<u8, KeystoreError> {
        let (&b, tail) = self.rest.split_first().ok_or(KeystoreError::Truncated)?;
        self.rest = tail;
        Ok(b)
    }

    fn u32(&mut self) -> Result<u32, KeystoreError> {
        let (chunk, tail) = self
            .rest
            .split_first_chunk::<4>()
            .ok_or(KeystoreError::Truncated)?;
        self.rest = tail;
        Ok(u32::from_be_bytes(*chunk))
    }
}

fn parse(blob: &[u8]) -> Result<Parsed<'_>, KeystoreError> {
    let mut c = Cursor { rest: blob };
    if c.take(MAGIC.len()).map_err(|_| KeystoreError::BadMagic)? != MAGIC {
        return Err(KeystoreError::BadMagic);
    }
    match c.byte()? {
        FORMAT_V1 => {}
        v => return Err(KeystoreError::UnsupportedVersion(v)),
    }
    match c.byte()? {
        KDF_ARGON2ID => {}
        k => return Err(KeystoreError::UnsupportedKdf(k)),
    }
    let params = KdfParams::new(c.u32()?, c.u32()?, c.u32()?)?;
    let salt_len = usize::from(c.byte()?);
    if !(MIN_SALT_LEN..=MAX_SALT_LEN).contains(&salt_len) {
        return Err(KeystoreError::BadSaltLength(salt_len));
    }
    let salt = c.take(salt_len)?;
    match c.byte()? {
        AEAD_CHACHA20POLY1305 => {}
        a => return Err(KeystoreError::UnsupportedAead(a)),
    }
    let nonce = c.take(NONCE_LEN)?;
    let check = c.take(CHECK_LEN)?;
    let header_len = blob.len().saturating_sub(c.rest.len());
    let header = blob.get(..header_len).ok_or(KeystoreError::Truncated)?;
    if c.rest.len() <= TAG_LEN {
        return Err(KeystoreError::Truncated);
    }
    Ok(Parsed {
        header,
        params,
        salt,
        nonce,
        check,
        ciphertext: c.rest,
    })
}

fn derive(
    passphrase: &[u8],
    salt: &[u8],
    params: KdfParams,
) -> Result<Zeroizing<[u8; KEY_LEN + CHECK_LEN]>, KeystoreError> {
    let argon_params = Params::new(
        params.m_cost_kib,
        params.t_cost,
        params.p_cost,
        Some(KEY_LEN + CHECK_LEN),
    )
    .map_err(|_| KeystoreError::Kdf)?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, argon_params);
    let mut out = Zeroizing::new([0u8; KEY_LEN + CHECK_LEN]);
    argon
        .hash_password_into(passphrase, salt, out.as_mut_slice())
        .map_err(|_| KeystoreError::Kdf)?;
    Ok(out)
}

fn cipher_for(enc_key: &[u8]) -> Result<ChaCha20Poly1305, KeystoreError> {
    ChaCha20Poly1305::new_from_slice(enc_key).map_err(|_| KeystoreError::Kdf)
}

fn nonce_from(bytes: &[u8]) -> Result<Nonce, KeystoreError> {
    Nonce::try_from(bytes).map_err(|_| KeystoreError::Truncated)
}

fn split_derived(derived: &[u8; KEY_LEN + CHECK_LEN]) -> (&[u8], &[u8]) {
    derived.split_at(KEY_LEN)
}

#[cfg(test)]
mod tests;
