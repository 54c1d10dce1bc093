//! The bureau's secret about its cases: one random key, stored encrypted under the master key
//! like the log keys, from which two keys are derived.
//!
//! - The query codes' key: a case keeps only HMAC-SHA-256 of its code under it, so the data
//!   directory, a backup or the private ledger payloads do not give the codes away.
//! - The documents' salt key: every sealed document carries a 128-bit salt derived from it.
//!   The document's SM3 is public on the ledger while its bytes are not, and without the salt
//!   anyone could test guesses of a document's text against that hash (shared/domain.md, the
//!   rule for public hashes). Derived rather than drawn, so the document signed ahead of the
//!   writer and the one the writer builds stay byte-identical.
//! - Under the query codes' key, two more derivations for repeated intake requests
//!   (idempotency keys): the code of a case from a random nonce that is stored instead of the
//!   code, so a retry can be answered with the same code while the database still holds no
//!   code; and the digest of a request, so the stored fingerprint of an application cannot be
//!   tested against guessed ID numbers.

use hmac::{Hmac, KeyInit, Mac};
use oneseal_domain::case::{QueryCode, Sha256Digest, StoredQueryCode};
use oneseal_store::Store;
use sha2::Sha256;

use crate::services::ledger::keys::{KeyError, MasterKey, load_or_create, random_seed};

/// The `keys` table's purpose of the stored secret.
const PURPOSE: &str = "case-secrets";

/// The derived keys (never logged: `Debug` hides them).
pub struct CaseSecrets {
    query: [u8; 32],
    salt: [u8; 32],
}

impl std::fmt::Debug for CaseSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CaseSecrets(…)")
    }
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC takes keys of any length, so the error branch is never taken.
    let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(key) else {
        return [0; 32];
    };
    for p in parts {
        // Length-prefixed, so no two different part lists give the same input.
        mac.update(&(p.len() as u64).to_be_bytes());
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

impl CaseSecrets {
    /// From a 32-byte root secret.
    #[must_use]
    pub fn from_root(root: &[u8]) -> Self {
        Self {
            query: hmac(root, &[b"oneseal/query-code/v1"]),
            salt: hmac(root, &[b"oneseal/document-salt/v1"]),
        }
    }

    /// Loads the root secret, creating it on first use (through the writer, so two processes
    /// cannot create two).
    ///
    /// # Errors
    /// A store failure, or a secret that the master key does not decrypt.
    pub fn load_or_create(store: &Store, master: &MasterKey, now: i64) -> Result<Self, KeyError> {
        let root = load_or_create(
            store,
            master,
            PURPOSE,
            || Ok((String::new(), random_seed()?.to_vec())),
            now,
        )?;
        Ok(Self::from_root(&root))
    }

    /// The keyed digest of `code`.
    #[must_use]
    pub fn digest(&self, code: &QueryCode) -> Sha256Digest {
        Sha256Digest::from_bytes(hmac(&self.query, &[code.as_str().as_bytes()]))
    }

    /// `code` as a case keeps it.
    #[must_use]
    pub fn stored(&self, code: &QueryCode) -> StoredQueryCode {
        StoredQueryCode::Keyed {
            hmac_sha256: self.digest(code),
        }
    }

    /// Whether `typed` (as the public typed it) is the code of the case whose lookup key is
    /// `stored`.
    #[must_use]
    pub fn matches(&self, stored: &str, typed: &str) -> bool {
        QueryCode::parse(typed.trim())
            .is_ok_and(|code| StoredQueryCode::key_matches(stored, &code, &self.digest(&code)))
    }

    /// The query code of a case registered with `nonce` (see the module doc: the nonce is kept
    /// with an idempotency key, the code nowhere).
    #[must_use]
    pub fn intake_code(&self, nonce: &[u8]) -> QueryCode {
        let mac = hmac(&self.query, &[b"oneseal/intake-code/v1", nonce]);
        let mut random = [0u8; QueryCode::RANDOM_BYTES];
        random.copy_from_slice(mac.get(..QueryCode::RANDOM_BYTES).unwrap_or(&[0; 8]));
        QueryCode::from_random(random)
    }

    /// The keyed digest (64 hex digits) of a request's canonical bytes.
    #[must_use]
    pub fn request_digest(&self, bytes: &[u8]) -> String {
        hex::encode(hmac(
            &self.query,
            &[b"oneseal/idempotent-request/v1", bytes],
        ))
    }

    /// The 128-bit salt (32 hex digits) of the document of `kind` a case issues at `issued_at`.
    #[must_use]
    pub fn document_salt(&self, case_number: &str, kind: &str, issued_at: &str) -> String {
        let mac = hmac(
            &self.salt,
            &[
                case_number.as_bytes(),
                kind.as_bytes(),
                issued_at.as_bytes(),
            ],
        );
        hex::encode(mac.get(..16).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_and_salts_depend_on_the_root_secret_and_the_input() {
        let a = CaseSecrets::from_root(&[1; 32]);
        let b = CaseSecrets::from_root(&[2; 32]);
        let code = QueryCode::from_random([9; 8]);
        assert_ne!(a.digest(&code), b.digest(&code));
        assert_ne!(a.digest(&code), a.digest(&QueryCode::from_random([8; 8])));
        assert_eq!(a.digest(&code), a.digest(&code));
        let salt = a.document_salt(
            "37010020261206000001",
            "acceptance",
            "2026-12-06T09:00:00+08:00",
        );
        assert_eq!(salt.len(), 32);
        assert_eq!(
            salt,
            a.document_salt(
                "37010020261206000001",
                "acceptance",
                "2026-12-06T09:00:00+08:00"
            )
        );
        assert_ne!(
            salt,
            a.document_salt(
                "37010020261206000001",
                "decision",
                "2026-12-06T09:00:00+08:00"
            )
        );
        assert_ne!(
            salt,
            b.document_salt(
                "37010020261206000001",
                "acceptance",
                "2026-12-06T09:00:00+08:00"
            )
        );
        assert_ne!(a.query, a.salt);
    }

    #[test]
    fn intake_codes_and_request_digests_are_keyed_and_repeatable() {
        let a = CaseSecrets::from_root(&[1; 32]);
        let b = CaseSecrets::from_root(&[2; 32]);
        assert_eq!(a.intake_code(&[7; 32]), a.intake_code(&[7; 32]));
        assert_ne!(a.intake_code(&[7; 32]), a.intake_code(&[8; 32]));
        assert_ne!(a.intake_code(&[7; 32]), b.intake_code(&[7; 32]));
        assert_eq!(a.request_digest(b"x").len(), 64);
        assert_ne!(a.request_digest(b"x"), a.request_digest(b"y"));
        assert_ne!(a.request_digest(b"x"), b.request_digest(b"x"));
    }

    #[test]
    fn a_typed_code_matches_its_case_in_any_form_and_nothing_else() {
        let s = CaseSecrets::from_root(&[3; 32]);
        let code = QueryCode::from_random([5; 8]);
        let key = s.stored(&code).lookup_key();
        assert!(s.matches(&key, &code.grouped().to_lowercase()));
        assert!(s.matches(&key, &format!(" {} ", code.as_str())));
        assert!(!s.matches(&key, QueryCode::from_random([6; 8]).as_str()));
        assert!(!s.matches(&key, ""));
        assert!(!CaseSecrets::from_root(&[4; 32]).matches(&key, code.as_str()));
        // A case received before keeps the SHA-256 of its 8-character code.
        let legacy = QueryCode::parse("ABCD2345").unwrap_or_else(|e| panic!("{e}"));
        let legacy_key = StoredQueryCode::Plain(legacy).lookup_key();
        assert!(s.matches(&legacy_key, "abcd-2345"));
        assert!(!s.matches(&legacy_key, "ABCD2346"));
    }
}
