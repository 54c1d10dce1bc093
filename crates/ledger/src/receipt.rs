//! tlog-proof receipts: an offline-verifiable proof that an entry is in the log, handed to the
//! applicant with their decision. It bundles the entry's index, its inclusion proof and the
//! cosigned checkpoint, so checking it needs only the trusted keys (or a policy) and the entry.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::checkpoint::{Checkpoint, CheckpointError, parse_decimal};
use crate::cosignature::cosignature_time;
use crate::hash::{Hash, hash_from_base64, hash_to_base64, leaf_hash};
use crate::note::{Note, NoteError, NoteVerifier};
use crate::policy::{Policy, PolicyError};
use crate::proof::{VerifyError, verify_inclusion};

/// First line of every receipt.
pub const RECEIPT_HEADER: &str = "c2sp.org/tlog-proof@v1";
/// Most proof lines a receipt may carry (an inclusion proof in a 2^64-leaf tree).
pub const MAX_PROOF_LINES: usize = 64;

/// A malformed receipt or one that does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptError {
    #[error("malformed receipt: {0}")]
    Malformed(&'static str),
    #[error(transparent)]
    Note(#[from] NoteError),
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error("checkpoint is not signed by a trusted log key named after its origin")]
    NoLogSignature,
    #[error("{got} trusted cosignatures, {need} required")]
    NotEnoughCosignatures { need: usize, got: usize },
    #[error("inclusion proof does not verify: {0}")]
    Inclusion(#[from] VerifyError),
}

/// A parsed receipt (nothing verified yet).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// Opaque, unauthenticated extra data; never trust it implicitly.
    pub extra: Option<Vec<u8>>,
    pub index: u64,
    pub proof: Vec<Hash>,
    pub note: Note,
}

/// What a verified receipt establishes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedReceipt {
    pub checkpoint: Checkpoint,
    pub index: u64,
    /// Key names of the cosigners whose cosignature verified, with their timestamps.
    pub cosigned_by: Vec<(String, u64)>,
}

impl Receipt {
    /// Parses a receipt.
    pub fn parse(bytes: &[u8]) -> Result<Self, ReceiptError> {
        let text = std::str::from_utf8(bytes).map_err(|_| ReceiptError::Malformed("not UTF-8"))?;
        let mut rest = text
            .strip_prefix(RECEIPT_HEADER)
            .and_then(|r| r.strip_prefix('\n'))
            .ok_or(ReceiptError::Malformed("missing header line"))?;
        let mut next_line = || -> Result<&str, ReceiptError> {
            let (line, after) = rest
                .split_once('\n')
                .ok_or(ReceiptError::Malformed("truncated"))?;
            rest = after;
            Ok(line)
        };
        let mut line = next_line()?;
        let extra = match line.strip_prefix("extra ") {
            Some(b64) => {
                let data = STANDARD
                    .decode(b64)
                    .map_err(|_| ReceiptError::Malformed("bad extra data"))?;
                line = next_line()?;
                Some(data)
            }
            None => None,
        };
        let index = line
            .strip_prefix("index ")
            .and_then(parse_decimal)
            .ok_or(ReceiptError::Malformed("bad index line"))?;
        let mut proof = Vec::new();
        loop {
            let line = next_line()?;
            if line.is_empty() {
                break;
            }
            if proof.len() == MAX_PROOF_LINES {
                return Err(ReceiptError::Malformed("too many proof lines"));
            }
            proof.push(
                hash_from_base64(line).map_err(|_| ReceiptError::Malformed("bad proof line"))?,
            );
        }
        let note = Note::parse(rest.as_bytes())?;
        Ok(Self {
            extra,
            index,
            proof,
            note,
        })
    }

    /// The receipt text (store it with extension `.tlog-proof`).
    pub fn to_text(&self) -> String {
        let mut out = format!("{RECEIPT_HEADER}\n");
        if let Some(extra) = &self.extra {
            out.push_str(&format!("extra {}\n", STANDARD.encode(extra)));
        }
        out.push_str(&format!("index {}\n", self.index));
        for h in &self.proof {
            out.push_str(&hash_to_base64(h));
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&self.note.to_text());
        out
    }

    /// The (unverified) checkpoint the receipt carries.
    pub fn checkpoint(&self) -> Result<Checkpoint, ReceiptError> {
        Ok(Checkpoint::parse_text(self.note.text())?)
    }

    /// Verifies that `entry` is in the log: the checkpoint is signed by one of `log_keys`
    /// (whose key name must be the origin), at least `min_cosignatures` distinct keys of
    /// `cosigners` cosigned it, no known key's signature fails, and the proof leads from the
    /// entry's leaf hash to the checkpoint's root.
    pub fn verify(
        &self,
        entry: &[u8],
        log_keys: &[&dyn NoteVerifier],
        cosigners: &[&dyn NoteVerifier],
        min_cosignatures: usize,
    ) -> Result<VerifiedReceipt, ReceiptError> {
        let checkpoint = self.checkpoint()?;
        let all: Vec<&dyn NoteVerifier> = log_keys.iter().chain(cosigners).copied().collect();
        let opened = self.note.verify(&all)?;
        let log_signed = log_keys
            .iter()
            .any(|k| k.name() == checkpoint.origin() && opened.is_signed_by(k.name(), k.key_id()));
        if !log_signed {
            return Err(ReceiptError::NoLogSignature);
        }
        let cosigned_by: Vec<(String, u64)> = opened
            .verified
            .iter()
            .filter(|s| {
                cosigners
                    .iter()
                    .any(|c| c.name() == s.name && c.key_id() == s.key_id)
            })
            .filter_map(|s| cosignature_time(s).map(|t| (s.name.clone(), t)))
            .collect();
        if cosigned_by.len() < min_cosignatures {
            return Err(ReceiptError::NotEnoughCosignatures {
                need: min_cosignatures,
                got: cosigned_by.len(),
            });
        }
        self.check_inclusion(entry, &checkpoint)?;
        Ok(VerifiedReceipt {
            checkpoint,
            index: self.index,
            cosigned_by,
        })
    }

    /// Verifies that `entry` is in a log of `policy`, with the policy's quorum of cosignatures.
    pub fn verify_with_policy(
        &self,
        entry: &[u8],
        policy: &Policy,
    ) -> Result<VerifiedReceipt, ReceiptError> {
        let ok = policy.verify_note(&self.note)?;
        self.check_inclusion(entry, &ok.checkpoint)?;
        Ok(VerifiedReceipt {
            checkpoint: ok.checkpoint,
            index: self.index,
            cosigned_by: ok.cosigned_by,
        })
    }

    fn check_inclusion(&self, entry: &[u8], cp: &Checkpoint) -> Result<(), ReceiptError> {
        let leaf = leaf_hash(entry);
        verify_inclusion(&leaf, self.index, cp.size(), &self.proof, cp.root())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
