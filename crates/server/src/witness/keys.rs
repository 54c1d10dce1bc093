//! Witness key files: the one secret a witness operator (the audit office, the discipline
//! inspection commission, a supervising department) holds.
//!
//! Format (UTF-8, every line ends in `\n`, nothing else allowed):
//!
//! ```text
//! oneseal-witness-key/v1
//! name audit.jinan.example/witness
//! seed <64 lowercase hex digits: the RFC 8032 Ed25519 seed>
//! vkey <the cosignature/v1 (type 0x04) vkey derived from name and seed>
//! ```
//!
//! The `vkey` line is redundant on purpose: loading recomputes it and refuses the file if it
//! differs, so a damaged or hand-edited seed is caught before the witness signs anything.
//! Files are written with mode 0600 and never overwritten; loading refuses a file that group or
//! others may read (as ssh does), because a leaked witness key lets anyone forge its cosignatures.

use std::io::Write as _;
use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
use std::path::Path;

use oneseal_ledger::cosignature::CosignatureSigner;
use oneseal_ledger::note::{VerifierKey, is_valid_key_name};

/// First line of every key file.
pub const KEY_FILE_HEADER: &str = "oneseal-witness-key/v1";

/// Why a key file could not be made, written or loaded.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "invalid witness key name {0:?}: use ASCII without spaces or '+', e.g. audit.jinan.example/witness"
    )]
    BadName(String),
    #[error("no randomness for the key: {0}")]
    Random(String),
    #[error("key file {path}: {error}")]
    Io { path: String, error: std::io::Error },
    #[error("key file {path} is readable by group or others (mode {mode:o}); run chmod 600")]
    TooOpen { path: String, mode: u32 },
    #[error("malformed key file: {0}")]
    Malformed(&'static str),
    #[error("key file's vkey line does not match its seed (damaged file?)")]
    VkeyMismatch,
}

/// Key names must be valid signed-note names; we also require ASCII so that every verifier's
/// configuration file can carry them safely.
fn check_name(name: &str) -> Result<(), KeyError> {
    if name.is_ascii() && is_valid_key_name(name) {
        Ok(())
    } else {
        Err(KeyError::BadName(name.to_owned()))
    }
}

fn signer(name: &str, seed: &[u8; 32]) -> Result<CosignatureSigner, KeyError> {
    check_name(name)?;
    CosignatureSigner::from_seed(name, seed).map_err(|_| KeyError::BadName(name.to_owned()))
}

/// A new random witness key named `name`: the secret file text and the public vkey to give to
/// the log operator and to verifiers.
pub fn keygen(name: &str) -> Result<(String, VerifierKey), KeyError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| KeyError::Random(e.to_string()))?;
    let out = key_file_text(name, &seed);
    seed.fill(0);
    out
}

/// The key file text for a given seed (deterministic; tests and `keygen` use it).
pub fn key_file_text(name: &str, seed: &[u8; 32]) -> Result<(String, VerifierKey), KeyError> {
    let vkey = signer(name, seed)?.verifier_key();
    let text = format!(
        "{KEY_FILE_HEADER}\nname {name}\nseed {}\nvkey {vkey}\n",
        hex::encode(seed)
    );
    Ok((text, vkey))
}

/// Parses a key file text into the cosigning key.
pub fn parse_key_file(text: &str) -> Result<CosignatureSigner, KeyError> {
    let mut lines = text
        .strip_suffix('\n')
        .ok_or(KeyError::Malformed("missing final newline"))?
        .split('\n');
    let mut field = |prefix: &str, what: &'static str| -> Result<&str, KeyError> {
        lines
            .next()
            .and_then(|l| l.strip_prefix(prefix))
            .ok_or(KeyError::Malformed(what))
    };
    if !field(KEY_FILE_HEADER, "missing header line")?.is_empty() {
        return Err(KeyError::Malformed("bad header line"));
    }
    let name = field("name ", "missing name line")?;
    let seed_hex = field("seed ", "missing seed line")?;
    let vkey = field("vkey ", "missing vkey line")?;
    if lines.next().is_some() {
        return Err(KeyError::Malformed("unexpected extra lines"));
    }
    if seed_hex.len() != 64 || seed_hex.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(KeyError::Malformed("seed must be 64 lowercase hex digits"));
    }
    let mut seed = [0u8; 32];
    hex::decode_to_slice(seed_hex, &mut seed)
        .map_err(|_| KeyError::Malformed("seed must be 64 lowercase hex digits"))?;
    let key = signer(name, &seed);
    seed.fill(0);
    let key = key?;
    if key.verifier_key().to_string() != vkey {
        return Err(KeyError::VkeyMismatch);
    }
    Ok(key)
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> KeyError + '_ {
    move |error| KeyError::Io {
        path: path.display().to_string(),
        error,
    }
}

/// Writes a key file with mode 0600. Never overwrites: an existing file is an error, since
/// replacing a witness key silently would orphan every cosignature made with the old one.
pub fn write_key_file(path: &Path, text: &str) -> Result<(), KeyError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io_error(dir))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(io_error(path))?;
    file.write_all(text.as_bytes()).map_err(io_error(path))?;
    file.sync_all().map_err(io_error(path))
}

/// Loads a key file, refusing one that group or others may read.
pub fn load_key_file(path: &Path) -> Result<CosignatureSigner, KeyError> {
    let mode = std::fs::metadata(path)
        .map_err(io_error(path))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(KeyError::TooOpen {
            path: path.display().to_string(),
            mode: mode & 0o777,
        });
    }
    let text = std::fs::read_to_string(path).map_err(io_error(path))?;
    parse_key_file(&text)
}

/// Loads the key at `path`, or creates one named `name` there on first start. A loaded key
/// must carry `name`: reusing another witness's key file would be a configuration mistake.
pub fn load_or_create(path: &Path, name: &str) -> Result<CosignatureSigner, KeyError> {
    if path.exists() {
        let key = load_key_file(path)?;
        if key.name() != name {
            return Err(KeyError::BadName(format!(
                "{} (the key file at {} is named {})",
                name,
                path.display(),
                key.name()
            )));
        }
        return Ok(key);
    }
    let (text, _) = keygen(name)?;
    write_key_file(path, &text)?;
    parse_key_file(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: &str = "audit.jinan.example/witness";

    fn temp_dir() -> std::path::PathBuf {
        let mut b = [0u8; 8];
        getrandom::fill(&mut b).unwrap();
        let dir = std::env::temp_dir().join(format!("oneseal-witness-keys-{}", hex::encode(b)));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn key_file_round_trips_to_the_same_vkey() {
        let (text, vkey) = keygen(NAME).unwrap();
        let key = parse_key_file(&text).unwrap();
        assert_eq!(key.verifier_key(), vkey);
        assert_eq!(vkey.sig_type(), 0x04);
        assert_eq!(vkey.name(), NAME);
        assert!(text.starts_with("oneseal-witness-key/v1\nname audit.jinan.example/witness\n"));
    }

    #[test]
    fn two_keygens_give_different_keys() {
        assert_ne!(keygen(NAME).unwrap().1, keygen(NAME).unwrap().1);
    }

    #[test]
    fn names_with_spaces_plus_or_non_ascii_are_refused() {
        for bad in ["", "a b", "a+b", "审计局", "a\tb"] {
            assert!(matches!(keygen(bad), Err(KeyError::BadName(_))), "{bad:?}");
        }
    }

    #[test]
    fn damaged_key_files_are_refused() {
        let (text, _) = key_file_text(NAME, &[3; 32]).unwrap();
        let flipped = text.replace("seed 0303", "seed 0403");
        assert!(matches!(
            parse_key_file(&flipped),
            Err(KeyError::VkeyMismatch)
        ));
        let cases = [
            text.trim_end().to_owned(),
            text.replace("oneseal-witness-key/v1", "oneseal-witness-key/v2"),
            text.replace("seed 03", "seed 3"),
            text.replace("seed 03", "seed 0G"),
            text.to_uppercase(),
            format!("{text}extra\n"),
            text.lines().take(3).map(|l| format!("{l}\n")).collect(),
        ];
        for bad in cases {
            assert!(parse_key_file(&bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn written_key_files_are_private_and_not_overwritten() {
        let dir = temp_dir();
        let path = dir.join("w.key");
        let (text, vkey) = keygen(NAME).unwrap();
        write_key_file(&path, &text).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(load_key_file(&path).unwrap().verifier_key(), vkey);
        assert!(matches!(
            write_key_file(&path, &keygen(NAME).unwrap().0),
            Err(KeyError::Io { .. })
        ));
        assert_eq!(load_key_file(&path).unwrap().verifier_key(), vkey);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn key_files_readable_by_others_are_refused() {
        let dir = temp_dir();
        let path = dir.join("w.key");
        write_key_file(&path, &keygen(NAME).unwrap().0).unwrap();
        for mode in [0o640, 0o604, 0o644] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            assert!(
                matches!(load_key_file(&path), Err(KeyError::TooOpen { .. })),
                "{mode:o}"
            );
        }
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o400)).unwrap();
        assert!(load_key_file(&path).is_ok());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn load_or_create_creates_once_then_reuses() {
        let dir = temp_dir();
        let path = dir.join("sub/w.key");
        let first = load_or_create(&path, NAME).unwrap().verifier_key();
        let again = load_or_create(&path, NAME).unwrap().verifier_key();
        assert_eq!(first, again);
        assert!(matches!(
            load_or_create(&path, "other.example/witness"),
            Err(KeyError::BadName(_))
        ));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
