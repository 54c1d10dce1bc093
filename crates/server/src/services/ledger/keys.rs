//! The bureau's private keys, encrypted at rest in the `keys` table.
//!
//! The master passphrase comes from `ONESEAL_KEY_PASSPHRASE` or from a key file (created with
//! mode 0600 on first start, refused if others can read it). Keys are generated on first use,
//! encrypted with `seal::keystore` (Argon2id + ChaCha20-Poly1305) and never logged or returned
//! by any API; only public halves leave this module.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use oneseal_ledger::note::{
    Ed25519Signer, NoteError, NoteSigner, NoteVerifier, SIG_TYPE_CUSTOM, VerifierKey, key_id,
};
use oneseal_seal::keystore::{decrypt_secret, encrypt_secret};
use oneseal_seal::rand_core::UnwrapErr;
use oneseal_seal::{KdfParams, SealPrivateKey, SealPublicKey, Sm2Signature};
use oneseal_store::{Store, StoreError};

/// The passphrase that unlocks the bureau's keys.
#[derive(Clone)]
pub struct MasterKey {
    secret: Vec<u8>,
    kdf: KdfParams,
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(…)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("key file {0} is readable by group or others; chmod 600 it")]
    Permissions(String),
    #[error("key file: {0}")]
    Io(#[from] std::io::Error),
    #[error("key store: {0}")]
    Keystore(#[from] oneseal_seal::KeystoreError),
    #[error("key material: {0}")]
    Material(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl MasterKey {
    /// From `ONESEAL_KEY_PASSPHRASE` if set, else from `file` (created if missing).
    pub fn from_env_or_file(file: &Path) -> Result<Self, KeyError> {
        match std::env::var("ONESEAL_KEY_PASSPHRASE") {
            Ok(p) if !p.is_empty() => Ok(Self::new(p.into_bytes(), KdfParams::RECOMMENDED)),
            _ => Self::from_file(file),
        }
    }

    pub fn new(secret: Vec<u8>, kdf: KdfParams) -> Self {
        Self { secret, kdf }
    }

    /// The passphrase bytes (for the keystore only; never log them).
    pub fn secret(&self) -> &[u8] {
        &self.secret
    }

    /// The KDF cost new keys are encrypted with.
    pub fn kdf(&self) -> KdfParams {
        self.kdf
    }

    /// A key file of 32 random bytes (hex), mode 0600.
    pub fn from_file(file: &Path) -> Result<Self, KeyError> {
        if file.exists() {
            let mode = std::fs::metadata(file)?.permissions().mode();
            if mode & 0o077 != 0 {
                return Err(KeyError::Permissions(file.display().to_string()));
            }
            let text = std::fs::read_to_string(file)?;
            return Ok(Self::new(
                text.trim().as_bytes().to_vec(),
                KdfParams::RECOMMENDED,
            ));
        }
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| KeyError::Material(e.to_string()))?;
        let text = hex::encode(bytes);
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(file)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        Ok(Self::new(text.into_bytes(), KdfParams::RECOMMENDED))
    }
}

pub(crate) fn random_seed() -> Result<[u8; 32], KeyError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| KeyError::Material(e.to_string()))?;
    Ok(seed)
}

/// Loads the secret stored for `purpose`, creating it with `make` (returns public text, secret
/// bytes) if missing. Runs through the writer so two processes cannot create two keys.
pub(crate) fn load_or_create(
    store: &Store,
    master: &MasterKey,
    purpose: &str,
    make: impl FnOnce() -> Result<(String, Vec<u8>), KeyError> + Send + 'static,
    now: i64,
) -> Result<Vec<u8>, KeyError> {
    let (purpose_owned, master_c) = (purpose.to_owned(), master.clone());
    let blob: Vec<u8> = store.write_blocking(move |tx| {
        if let Some(blob) = oneseal_store::keys::encrypted(tx.conn(), &purpose_owned)? {
            return Ok::<_, KeyError>(blob);
        }
        let (public, secret) = make()?;
        let blob = encrypt_secret(
            &secret,
            &master_c.secret,
            master_c.kdf,
            &mut UnwrapErr(getrandom::SysRng),
        )?;
        oneseal_store::keys::insert(tx.conn(), &purpose_owned, &public, &blob, now)?;
        Ok(blob)
    })?;
    Ok(decrypt_secret(&blob, &master.secret)?.to_vec())
}

/// The key material after the 0xff type byte: an identifier of the algorithm (signed-note
/// recommends one for custom types, so IDs of different schemes cannot collide), then the
/// uncompressed SM2 point.
fn sm2_key_material(public: &SealPublicKey) -> Vec<u8> {
    [SM2_KEY_PREFIX, public.to_sec1_bytes().as_slice()].concat()
}

/// The algorithm identifier of our SM2-with-SM3 note signatures.
pub const SM2_KEY_PREFIX: &[u8] = b"oneseal/sm2-sm3/v1:";

/// SM2 signatures on checkpoints (国密), as a custom-type note signature line.
pub struct Sm2NoteSigner {
    name: String,
    key: SealPrivateKey,
    public: SealPublicKey,
}

impl Sm2NoteSigner {
    pub fn new(name: &str, key: SealPrivateKey) -> Self {
        let public = key.public_key();
        Self {
            name: name.to_owned(),
            key,
            public,
        }
    }

    /// The vkey line for verifiers: type 0xff, public key = uncompressed SEC1 point.
    pub fn verifier_key(&self) -> Result<VerifierKey, KeyError> {
        VerifierKey::new(&self.name, SIG_TYPE_CUSTOM, &sm2_key_material(&self.public))
            .map_err(|e| KeyError::Material(e.to_string()))
    }

    pub fn verifier(&self) -> Sm2NoteVerifier {
        Sm2NoteVerifier {
            name: self.name.clone(),
            public: self.public.clone(),
        }
    }
}

impl NoteSigner for Sm2NoteSigner {
    fn name(&self) -> &str {
        &self.name
    }
    fn key_id(&self) -> u32 {
        key_id(&self.name, SIG_TYPE_CUSTOM, &sm2_key_material(&self.public))
    }
    fn sign(&self, text: &[u8]) -> Result<Vec<u8>, NoteError> {
        self.key
            .sign(text)
            .map(|s| s.to_raw().to_vec())
            .map_err(|e| NoteError::Signer(e.to_string()))
    }
}

/// Checks the SM2 line of a checkpoint.
pub struct Sm2NoteVerifier {
    name: String,
    public: SealPublicKey,
}

impl Sm2NoteVerifier {
    pub fn new(name: &str, public: SealPublicKey) -> Self {
        Self {
            name: name.to_owned(),
            public,
        }
    }
}

impl NoteVerifier for Sm2NoteVerifier {
    fn name(&self) -> &str {
        &self.name
    }
    fn key_id(&self) -> u32 {
        key_id(&self.name, SIG_TYPE_CUSTOM, &sm2_key_material(&self.public))
    }
    fn verify(&self, text: &[u8], signature: &[u8]) -> bool {
        Sm2Signature::from_raw(signature).is_ok_and(|s| self.public.verify(text, &s).is_ok())
    }
}

/// The two signers of one jurisdiction's log.
pub struct LogKeys {
    pub origin: String,
    pub ed25519: Ed25519Signer,
    pub sm2: Sm2NoteSigner,
}

impl LogKeys {
    /// Loads (or creates on first use) the log keys of a jurisdiction.
    pub fn load_or_create(
        store: &Store,
        master: &MasterKey,
        origin: &str,
        jurisdiction: &str,
        now: i64,
    ) -> Result<Self, KeyError> {
        let o = origin.to_owned();
        let seed = load_or_create(
            store,
            master,
            &format!("log-ed25519:{jurisdiction}"),
            move || {
                let seed = random_seed()?;
                let signer = Ed25519Signer::from_seed(&o, &seed)
                    .map_err(|e| KeyError::Material(e.to_string()))?;
                Ok((signer.verifier_key().to_string(), seed.to_vec()))
            },
            now,
        )?;
        let seed: [u8; 32] = seed
            .as_slice()
            .try_into()
            .map_err(|_| KeyError::Material("stored Ed25519 seed is not 32 bytes".into()))?;
        let ed25519 = Ed25519Signer::from_seed(origin, &seed)
            .map_err(|e| KeyError::Material(e.to_string()))?;
        let sm2_secret = load_or_create(
            store,
            master,
            &format!("log-sm2:{jurisdiction}"),
            move || {
                let key = SealPrivateKey::from_seed(&random_seed()?)
                    .map_err(|e| KeyError::Material(e.to_string()))?;
                let pem = key
                    .public_key()
                    .to_pem()
                    .map_err(|e| KeyError::Material(e.to_string()))?;
                Ok((pem, key.to_bytes().to_vec()))
            },
            now,
        )?;
        let sm2_key = SealPrivateKey::from_bytes(&sm2_secret)
            .map_err(|e| KeyError::Material(e.to_string()))?;
        Ok(Self {
            origin: origin.to_owned(),
            ed25519,
            sm2: Sm2NoteSigner::new(origin, sm2_key),
        })
    }

    /// The log's vkey lines (Ed25519 first, then SM2).
    pub fn vkeys(&self) -> Result<Vec<String>, KeyError> {
        Ok(vec![
            self.ed25519.verifier_key().to_string(),
            self.sm2.verifier_key()?.to_string(),
        ])
    }
}
