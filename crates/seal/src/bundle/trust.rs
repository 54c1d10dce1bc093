//! The trust file (`oneseal-trust/1`): what an offline verifier believes about the bureau.
//!
//! Why this module exists: a sealed bundle proves nothing by itself: anyone can make an SM2 key
//! and a seal. The trust file is the bureau's published seal registry snapshot (which keys
//! belong to which seals, when they were valid, which were revoked by which order) plus the
//! ledger's public keys and the witness quorum. Parsing it once into checked keys keeps the
//! verification code free of text handling.

use oneseal_ledger::note::{NoteVerifier, SIG_TYPE_CUSTOM, SIG_TYPE_ED25519, VerifierKey};
use oneseal_ledger::policy::Policy;
use oneseal_ledger::receipt::{Receipt, ReceiptError, VerifiedReceipt};
use oneseal_ledger::{cosignature::CosignatureVerifier, note::Ed25519Verifier};
use serde::{Deserialize, Serialize};

use super::error::TrustError;
use crate::key::SealPublicKey;
use crate::time::SealTime;

/// `format` of every trust file this version writes and reads.
pub const TRUST_FORMAT: &str = "oneseal-trust/1";

/// A seal registry snapshot and the ledger's keys (JSON, see `docs/SEAL-FORMAT.md`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustFile {
    /// Always [`TRUST_FORMAT`].
    pub format: String,
    /// The bureau's seals, current and former.
    pub seals: Vec<TrustedSeal>,
    /// How to check ledger receipts.
    pub ledger: LedgerTrust,
}

/// One registered seal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustedSeal {
    /// `esID` of the seal.
    pub es_id: String,
    /// The police-filed seal name, as in the seal.
    pub name: String,
    /// The signer's SM2 public key, PEM `PUBLIC KEY` (SubjectPublicKeyInfo).
    pub public_key_pem: String,
    /// Registered validity start (inclusive), `YYYY-MM-DDTHH:MM:SSZ`.
    pub valid_start: SealTime,
    /// Registered validity end (inclusive).
    pub valid_end: SealTime,
    /// Registry status at the snapshot.
    pub status: SealStatus,
    /// When the seal was revoked; present exactly when `status` is `revoked`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<SealTime>,
    /// Reference of the revoking order (e.g. 济审批〔2026〕3号); present exactly when revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_order: Option<String>,
}

/// Registry status of a seal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SealStatus {
    /// In use.
    Active,
    /// Revoked (e.g. a department's former approval seal, archived 封存).
    Revoked,
    /// Past its validity end.
    Expired,
}

impl SealStatus {
    /// `active` / `revoked` / `expired`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Revoked => "revoked",
            Self::Expired => "expired",
        }
    }

    /// 有效 / 已撤销 / 已过期.
    pub fn as_zh(self) -> &'static str {
        match self {
            Self::Active => "有效",
            Self::Revoked => "已撤销",
            Self::Expired => "已过期",
        }
    }
}

/// How receipts are checked: explicit keys and a quorum, or a C2SP tlog-policy text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum LedgerTrust {
    /// `{"keys": {"log_vkeys": [...], "witness_vkeys": [...], "quorum": 2}}`.
    Keys {
        /// The log's note keys (C2SP vkeys). Type 0x01 (Ed25519) keys are checked; type 0xff
        /// keys (the log's SM2 line) may be listed but are not checked by this verifier.
        log_vkeys: Vec<String>,
        /// The witnesses' cosignature keys (type 0x04 vkeys).
        witness_vkeys: Vec<String>,
        /// How many distinct witnesses must have cosigned the checkpoint (at least 1).
        quorum: usize,
    },
    /// `{"policy": "<tlog-policy text>"}`; its quorum must not be `none`.
    Policy(String),
}

impl TrustFile {
    /// Parses a trust file from JSON and checks it ([`TrustFile::check`]).
    pub fn from_json(bytes: &[u8]) -> Result<Self, TrustError> {
        let trust: Self = serde_json::from_slice(bytes).map_err(|e| TrustError::Malformed {
            detail: e.to_string(),
        })?;
        trust.check()?;
        Ok(trust)
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> Result<String, TrustError> {
        serde_json::to_string_pretty(self).map_err(|e| TrustError::Malformed {
            detail: e.to_string(),
        })
    }

    /// Checks everything that can be checked without a bundle: format, keys, windows,
    /// revocation fields, quorum.
    pub fn check(&self) -> Result<(), TrustError> {
        self.checked().map(|_| ())
    }

    pub(super) fn checked(&self) -> Result<CheckedTrust<'_>, TrustError> {
        if self.format != TRUST_FORMAT {
            return Err(TrustError::UnsupportedFormat {
                found: self.format.clone(),
            });
        }
        let mut seals: Vec<CheckedSeal<'_>> = Vec::with_capacity(self.seals.len());
        for seal in &self.seals {
            let checked = CheckedSeal::new(seal)?;
            if seals.iter().any(|s| s.entry.es_id == seal.es_id) {
                return Err(TrustError::DuplicateSeal {
                    es_id: seal.es_id.clone(),
                });
            }
            seals.push(checked);
        }
        Ok(CheckedTrust {
            seals,
            ledger: CheckedLedger::new(&self.ledger)?,
        })
    }
}

pub(super) struct CheckedTrust<'a> {
    pub(super) seals: Vec<CheckedSeal<'a>>,
    pub(super) ledger: CheckedLedger,
}

pub(super) struct CheckedSeal<'a> {
    pub(super) entry: &'a TrustedSeal,
    pub(super) key: SealPublicKey,
}

impl<'a> CheckedSeal<'a> {
    fn new(entry: &'a TrustedSeal) -> Result<Self, TrustError> {
        if entry.es_id.is_empty() {
            return Err(TrustError::EmptyField { field: "es_id" });
        }
        if entry.name.is_empty() {
            return Err(TrustError::EmptyField { field: "name" });
        }
        let es_id = || entry.es_id.clone();
        let key = SealPublicKey::from_pem(&entry.public_key_pem)
            .map_err(|_| TrustError::BadPublicKey { es_id: es_id() })?;
        if entry.valid_start > entry.valid_end {
            return Err(TrustError::BadValidity { es_id: es_id() });
        }
        let has_revocation = entry.revoked_at.is_some() || entry.revocation_order.is_some();
        let complete = entry.revoked_at.is_some()
            && entry
                .revocation_order
                .as_deref()
                .is_some_and(|o| !o.is_empty());
        match entry.status {
            SealStatus::Revoked if !complete => {
                return Err(TrustError::RevocationIncomplete { es_id: es_id() });
            }
            SealStatus::Active | SealStatus::Expired if has_revocation => {
                return Err(TrustError::RevocationUnexpected { es_id: es_id() });
            }
            _ => {}
        }
        Ok(Self { entry, key })
    }
}

pub(super) enum CheckedLedger {
    Keys {
        logs: Vec<Ed25519Verifier>,
        witnesses: Vec<CosignatureVerifier>,
        quorum: usize,
    },
    Policy(Box<Policy>),
}

impl CheckedLedger {
    fn new(trust: &LedgerTrust) -> Result<Self, TrustError> {
        match trust {
            LedgerTrust::Keys {
                log_vkeys,
                witness_vkeys,
                quorum,
            } => Self::from_keys(log_vkeys, witness_vkeys, *quorum),
            LedgerTrust::Policy(text) => {
                let policy = Policy::parse(text.as_bytes()).map_err(TrustError::Policy)?;
                if policy.quorum().is_none() {
                    return Err(TrustError::PolicyWithoutQuorum);
                }
                Ok(Self::Policy(Box::new(policy)))
            }
        }
    }

    fn from_keys(
        log_vkeys: &[String],
        witness_vkeys: &[String],
        quorum: usize,
    ) -> Result<Self, TrustError> {
        let bad = |role, vkey: &String, source| TrustError::BadVkey {
            role,
            vkey: vkey.clone(),
            source,
        };
        let mut logs = Vec::new();
        for text in log_vkeys {
            let key = VerifierKey::parse(text).map_err(|e| bad("log", text, e))?;
            match key.sig_type() {
                SIG_TYPE_ED25519 => logs.push(
                    Ed25519Verifier::from_verifier_key(&key).map_err(|e| bad("log", text, e))?,
                ),
                // The log's SM2 line: listed for other verifiers, not checked here.
                SIG_TYPE_CUSTOM => {}
                other => {
                    return Err(bad(
                        "log",
                        text,
                        oneseal_ledger::note::VkeyError::UnsupportedType(other),
                    ));
                }
            }
        }
        if logs.is_empty() {
            return Err(TrustError::NoLogKey);
        }
        let mut witnesses: Vec<CosignatureVerifier> = Vec::new();
        for text in witness_vkeys {
            let key = VerifierKey::parse(text).map_err(|e| bad("witness", text, e))?;
            let verifier = CosignatureVerifier::from_verifier_key(&key)
                .map_err(|e| bad("witness", text, e))?;
            if witnesses
                .iter()
                .any(|w| w.verifier_key().public_key() == key.public_key())
            {
                return Err(TrustError::DuplicateWitness { vkey: text.clone() });
            }
            witnesses.push(verifier);
        }
        if quorum == 0 || quorum > witnesses.len() {
            return Err(TrustError::BadQuorum {
                quorum,
                witnesses: witnesses.len(),
            });
        }
        Ok(Self::Keys {
            logs,
            witnesses,
            quorum,
        })
    }

    pub(super) fn verify(
        &self,
        receipt: &Receipt,
        entry: &[u8],
    ) -> Result<VerifiedReceipt, ReceiptError> {
        match self {
            Self::Keys {
                logs,
                witnesses,
                quorum,
            } => {
                let logs: Vec<&dyn NoteVerifier> =
                    logs.iter().map(|l| l as &dyn NoteVerifier).collect();
                let witnesses: Vec<&dyn NoteVerifier> =
                    witnesses.iter().map(|w| w as &dyn NoteVerifier).collect();
                receipt.verify(entry, &logs, &witnesses, *quorum)
            }
            Self::Policy(policy) => receipt.verify_with_policy(entry, policy),
        }
    }
}
