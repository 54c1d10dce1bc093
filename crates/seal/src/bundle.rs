//! Sealed bundles (`oneseal-bundle/1`): a sealed decision that anyone can check offline.
//!
//! Why this module exists: a GB/T 38540 signature proves that a key signed a document, not
//! that the bureau issued it, that the seal was registered, or that the sealing was recorded
//! in public. A bundle adds the ledger's evidence (the sealing event's entry and a tlog-proof
//! receipt with a witnessed checkpoint), and a trust file (see [`TrustFile`]) says which seals
//! and ledger keys to believe. [`verify_bundle`] needs nothing else: no server, no clock.
//!
//! # Bundle
//!
//! JSON `{"format": "oneseal-bundle/1", "document", "signature", "ledger_entry", "receipt"}`:
//! the document's canonical JSON bytes, the `SES_Signature` DER and the ledger entry bytes
//! (all standard base64 with padding), and the C2SP tlog-proof receipt text. Unknown fields
//! are refused. `docs/SEAL-FORMAT.md` describes every field.
//!
//! # Binding contract with the ledger entry
//!
//! The server logs every sealing as the domain event envelope (canonical JSON, see
//! `oneseal_domain::event::Envelope`) with:
//!
//! - `kind` = `"seal.document_sealed"` ([`SEALING_EVENT_KIND`]);
//! - `public.document_sm3` = lower-case hex SM3 of the exact document bytes in the bundle
//!   (64 characters, the `dataHash` of the signature);
//! - `public.es_id` = the `esID` of the seal used;
//! - `public.signature_sm3` (recommended) = lower-case hex SM3 of the `SES_Signature` DER.
//!   When present it must match, which makes the log attest the signing time and document
//!   identifier too; when absent the entry binds only document and seal.
//!
//! [`sealing_entry_public`] computes exactly these `public` fields from the signature. Other
//! envelope fields (`v`, `time`, `jurisdiction`, `actor`, `subject`, `payload`, further
//! `public` keys) are carried, hashed into the leaf, and not interpreted here. A field named
//! twice is refused.
//!
//! # Order of checks
//!
//! 1. bundle `format`, then the trust file (format, keys, windows, revocation fields, quorum);
//! 2. the `SES_Signature`: strict DER, SM2 signature over `TBS_Sign`, signer listed in the
//!    seal, the seal maker's signature, signing time in the seal's own validity window;
//! 3. SM3(document) equals `dataHash`; the document is UTF-8 JSON;
//! 4. the registry: the seal's esID is registered, with the signer's key and the seal's name;
//!    the signing time lies in the registered window; a revoked seal must have signed strictly
//!    before `revoked_at` (the verdict then says "signed before revocation");
//! 5. the ledger entry binding above;
//! 6. the receipt: no `extra` line (nothing authenticates it), the checkpoint is signed by a
//!    trusted log key named after its origin, cosigned by the quorum of trusted witnesses, and
//!    the inclusion proof leads from the entry's RFC 6962 leaf hash to the checkpoint root.
//!
//! Every byte of the decoded parts is covered by one of these checks, with one exception the
//! C2SP signed-note rules impose: signature lines on the checkpoint from keys the trust file
//! does not list (e.g. the log's SM2 line) are ignored, not verified.

mod error;
mod trust;

#[cfg(test)]
mod tests;

pub use error::{BundleError, TrustError};
pub use trust::{LedgerTrust, SealStatus, TRUST_FORMAT, TrustFile, TrustedSeal};

use oneseal_ledger::receipt::{Receipt, VerifiedReceipt};
use serde::{Deserialize, Serialize};

use crate::key::sm3_digest;
use crate::ses::{SesSignature, VerifiedSignature};
use crate::time::SealTime;
use trust::{CheckedSeal, CheckedTrust};

/// `format` of every bundle this version writes and reads.
pub const BUNDLE_FORMAT: &str = "oneseal-bundle/1";
/// `kind` of the ledger event that records a sealing.
pub const SEALING_EVENT_KIND: &str = "seal.document_sealed";

/// A sealed document with its ledger evidence (JSON, see the module documentation).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealedBundle {
    /// Always [`BUNDLE_FORMAT`].
    pub format: String,
    /// The document: canonical JSON bytes (base64 in JSON).
    #[serde(with = "b64")]
    pub document: Vec<u8>,
    /// DER `SES_Signature` (GB/T 38540 v4) over the document (base64 in JSON).
    #[serde(with = "b64")]
    pub signature: Vec<u8>,
    /// The sealing event's ledger entry bytes, exactly as logged (base64 in JSON).
    #[serde(with = "b64")]
    pub ledger_entry: Vec<u8>,
    /// C2SP tlog-proof receipt of the entry, with a cosigned checkpoint.
    pub receipt: String,
}

/// A cosignature that counted towards the quorum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cosigner {
    /// Key name (or the policy's witness name).
    pub name: String,
    /// The cosignature's timestamp, POSIX seconds.
    pub time: u64,
}

/// The seal was revoked after the signing: still valid, and the verdict says so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevocationNote {
    /// When the seal was revoked.
    pub revoked_at: SealTime,
    /// The revoking order.
    pub order: String,
}

impl RevocationNote {
    /// `signed before revocation on <date> (order …)`.
    pub fn en(&self) -> String {
        format!(
            "signed before revocation on {} (order {})",
            self.revoked_at.date_string(),
            self.order
        )
    }

    /// `撤销前签署（印章于 <date> 撤销，撤销决定：…）`.
    pub fn zh(&self) -> String {
        format!(
            "撤销前签署（印章于 {} 撤销，撤销决定：{}）",
            self.revoked_at.date_string(),
            self.order
        )
    }
}

/// What a valid bundle establishes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleVerdict {
    /// The seal's esID.
    pub es_id: String,
    /// The seal's registered name.
    pub seal_name: String,
    /// Registry status of the seal at the trust file's snapshot.
    pub seal_status: SealStatus,
    /// `TBS_Sign.timeInfo`.
    pub signing_time: SealTime,
    /// `TBS_Sign.propertyInfo`: the document identifier.
    pub property_info: String,
    /// SM3 of the document (= `dataHash`).
    pub document_sm3: [u8; 32],
    /// The entry's index in the ledger (0-based).
    pub ledger_index: u64,
    /// The checkpoint's origin (log identity).
    pub checkpoint_origin: String,
    /// The checkpoint's tree size.
    pub checkpoint_size: u64,
    /// The witnesses whose cosignatures verified.
    pub cosigners: Vec<Cosigner>,
    /// Whether the entry also binds this exact signature (`public.signature_sm3`).
    pub entry_binds_signature: bool,
    /// Present when the seal is revoked (the signing predates the revocation).
    pub revocation: Option<RevocationNote>,
}

impl BundleVerdict {
    /// A short English summary, one fact per line.
    pub fn summary_en(&self) -> String {
        let cosigners: Vec<&str> = self.cosigners.iter().map(|c| c.name.as_str()).collect();
        let mut out = format!(
            "VALID: sealed document verified\n  seal:      {} (esID {}, registry status {})\n  signed at: {}\n  document:  {} (SM3 {})\n  ledger:    entry index {} in {} (checkpoint size {}), cosigned by {}\n",
            self.seal_name,
            self.es_id,
            self.seal_status.as_str(),
            self.signing_time,
            self.property_info,
            hex::encode(self.document_sm3),
            self.ledger_index,
            self.checkpoint_origin,
            self.checkpoint_size,
            cosigners.join(", "),
        );
        if let Some(r) = &self.revocation {
            out.push_str(&format!("  note:      {}\n", r.en()));
        }
        out
    }

    /// A short Chinese summary, one fact per line.
    pub fn summary_zh(&self) -> String {
        let cosigners: Vec<&str> = self.cosigners.iter().map(|c| c.name.as_str()).collect();
        let mut out = format!(
            "有效：电子签章验证通过\n  印章：{}（印章编码 {}，登记状态：{}）\n  签章时间：{}\n  文件：{}（SM3 {}）\n  账本：{}，登记序号 {}（检查点共 {} 条），见证人 {} 联署\n",
            self.seal_name,
            self.es_id,
            self.seal_status.as_zh(),
            self.signing_time,
            self.property_info,
            hex::encode(self.document_sm3),
            self.checkpoint_origin,
            self.ledger_index,
            self.checkpoint_size,
            cosigners.join("、"),
        );
        if let Some(r) = &self.revocation {
            out.push_str(&format!("  说明：{}\n", r.zh()));
        }
        out
    }
}

/// The parts of a bundle as files for independent checks (`oneseal cert export`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleExport {
    /// The document bytes.
    pub document: Vec<u8>,
    /// DER `TBS_Sign`: the exact bytes the signer signed.
    pub tbs_der: Vec<u8>,
    /// The signer's SM2 signature value, DER `SEQUENCE { r, s }`.
    pub signature_value_der: Vec<u8>,
    /// The signer's public key, PEM `PUBLIC KEY`.
    pub signer_public_key_pem: String,
    /// DER `SESeal` carried in the signature.
    pub seal_der: Vec<u8>,
    /// The ledger entry bytes.
    pub ledger_entry: Vec<u8>,
    /// The receipt text.
    pub receipt: String,
}

impl SealedBundle {
    /// A bundle of the given parts, with the current format tag.
    pub fn new(
        document: Vec<u8>,
        signature_der: Vec<u8>,
        ledger_entry: Vec<u8>,
        receipt: String,
    ) -> Self {
        Self {
            format: BUNDLE_FORMAT.to_owned(),
            document,
            signature: signature_der,
            ledger_entry,
            receipt,
        }
    }

    /// Parses bundle JSON (format tag checked; nothing verified).
    pub fn from_json(bytes: &[u8]) -> Result<Self, BundleError> {
        let bundle: Self = serde_json::from_slice(bytes).map_err(|e| BundleError::Malformed {
            detail: e.to_string(),
        })?;
        bundle.check_format()?;
        Ok(bundle)
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> Result<String, BundleError> {
        serde_json::to_string_pretty(self).map_err(|e| BundleError::Malformed {
            detail: e.to_string(),
        })
    }

    fn check_format(&self) -> Result<(), BundleError> {
        if self.format != BUNDLE_FORMAT {
            return Err(BundleError::UnsupportedFormat {
                found: self.format.clone(),
            });
        }
        Ok(())
    }
}

/// The `public` fields the server must put in the `seal.document_sealed` entry for this
/// sealing (see the binding contract in the module documentation).
pub fn sealing_entry_public(
    document: &[u8],
    signature: &SesSignature,
) -> Result<serde_json::Value, BundleError> {
    let document_sm3 = sm3_digest(document);
    if &document_sm3 != signature.data_hash() {
        return Err(BundleError::DocumentHashMismatch {
            signed: hex::encode(signature.data_hash()),
            actual: hex::encode(document_sm3),
        });
    }
    Ok(serde_json::json!({
        "document_sm3": hex::encode(document_sm3),
        "es_id": signature.seal().es_id(),
        "signature_sm3": hex::encode(sm3_digest(signature.to_der())),
    }))
}

/// Verifies a bundle against a trust file (the checks and their order are in the module
/// documentation). Pure: no clock, no network.
pub fn verify_bundle(
    bundle: &SealedBundle,
    trust: &TrustFile,
) -> Result<BundleVerdict, BundleError> {
    bundle.check_format()?;
    let trust = trust.checked()?;
    let signature =
        crate::ses::verify_signature(&bundle.signature).map_err(BundleError::Signature)?;
    check_document(&bundle.document, &signature)?;
    let registered = registered_seal(&trust, &signature)?;
    let binds_signature = check_entry(&bundle.ledger_entry, &signature, &bundle.signature)?;
    let receipt = verify_receipt(&trust, &bundle.receipt, &bundle.ledger_entry)?;
    Ok(verdict(&signature, registered, &receipt, binds_signature))
}

/// Splits a bundle into the files `oneseal cert export` writes. Parses the signature's
/// structure strictly but verifies nothing: the point is to let other tools judge.
pub fn export_bundle(bundle: &SealedBundle) -> Result<BundleExport, BundleError> {
    bundle.check_format()?;
    let signature = SesSignature::from_der(&bundle.signature).map_err(BundleError::Signature)?;
    let signer_public_key_pem = signature
        .signer_public_key()
        .to_pem()
        .map_err(|e| BundleError::Signature(e.into()))?;
    Ok(BundleExport {
        document: bundle.document.clone(),
        tbs_der: signature.tbs_der().to_vec(),
        signature_value_der: signature.signature_der(),
        signer_public_key_pem,
        seal_der: signature.seal().to_der().to_vec(),
        ledger_entry: bundle.ledger_entry.clone(),
        receipt: bundle.receipt.clone(),
    })
}

fn check_document(document: &[u8], signature: &VerifiedSignature) -> Result<(), BundleError> {
    if !signature.covers_document(document) {
        return Err(BundleError::DocumentHashMismatch {
            signed: hex::encode(signature.data_hash),
            actual: hex::encode(sm3_digest(document)),
        });
    }
    serde_json::from_slice::<serde::de::IgnoredAny>(document)
        .map_err(|_| BundleError::DocumentNotJson)?;
    Ok(())
}

fn registered_seal<'t>(
    trust: &'t CheckedTrust<'t>,
    signature: &VerifiedSignature,
) -> Result<&'t CheckedSeal<'t>, BundleError> {
    let seal = trust
        .seals
        .iter()
        .find(|s| s.entry.es_id == signature.es_id)
        .ok_or_else(|| BundleError::UnknownSeal {
            es_id: signature.es_id.clone(),
        })?;
    if seal.key != signature.signer_public_key {
        return Err(BundleError::SignerNotRegistered {
            es_id: signature.es_id.clone(),
        });
    }
    let entry = seal.entry;
    if entry.name != signature.seal_name {
        return Err(BundleError::SealNameMismatch {
            in_signature: signature.seal_name.clone(),
            registered: entry.name.clone(),
        });
    }
    let t = signature.signing_time;
    if t < entry.valid_start || t > entry.valid_end {
        return Err(BundleError::OutsideRegisteredValidity {
            signing_time: t,
            valid_start: entry.valid_start,
            valid_end: entry.valid_end,
        });
    }
    if let (SealStatus::Revoked, Some(revoked_at)) = (entry.status, entry.revoked_at)
        && t >= revoked_at
    {
        return Err(BundleError::SignedAfterRevocation {
            signing_time: t,
            revoked_at,
            order: entry.revocation_order.clone().unwrap_or_default(),
        });
    }
    Ok(seal)
}

/// The fields of the sealing entry this module reads; serde refuses duplicates of them.
#[derive(Deserialize)]
struct EntryView {
    kind: String,
    public: EntryPublic,
}

#[derive(Deserialize)]
struct EntryPublic {
    document_sm3: String,
    es_id: String,
    #[serde(default)]
    signature_sm3: Option<String>,
}

/// Checks the binding contract; returns whether the entry also binds the signature bytes.
fn check_entry(
    entry: &[u8],
    signature: &VerifiedSignature,
    signature_der: &[u8],
) -> Result<bool, BundleError> {
    let view: EntryView =
        serde_json::from_slice(entry).map_err(|e| BundleError::EntryMalformed {
            detail: e.to_string(),
        })?;
    if view.kind != SEALING_EVENT_KIND {
        return Err(BundleError::EntryWrongKind { found: view.kind });
    }
    let document = hex::encode(signature.data_hash);
    if view.public.document_sm3 != document {
        return Err(BundleError::EntryDocumentMismatch {
            entry: view.public.document_sm3,
            document,
        });
    }
    if view.public.es_id != signature.es_id {
        return Err(BundleError::EntrySealMismatch {
            entry: view.public.es_id,
            signature: signature.es_id.clone(),
        });
    }
    let Some(bound) = view.public.signature_sm3 else {
        return Ok(false);
    };
    let actual = hex::encode(sm3_digest(signature_der));
    if bound != actual {
        return Err(BundleError::EntrySignatureMismatch {
            entry: bound,
            signature: actual,
        });
    }
    Ok(true)
}

fn verify_receipt(
    trust: &CheckedTrust<'_>,
    text: &str,
    entry: &[u8],
) -> Result<VerifiedReceipt, BundleError> {
    let receipt = Receipt::parse(text.as_bytes()).map_err(BundleError::Receipt)?;
    if receipt.extra.is_some() {
        return Err(BundleError::ReceiptExtraData);
    }
    trust
        .ledger
        .verify(&receipt, entry)
        .map_err(BundleError::Receipt)
}

fn verdict(
    signature: &VerifiedSignature,
    registered: &CheckedSeal<'_>,
    receipt: &VerifiedReceipt,
    entry_binds_signature: bool,
) -> BundleVerdict {
    let entry = registered.entry;
    let revocation = match (entry.status, entry.revoked_at) {
        (SealStatus::Revoked, Some(revoked_at)) => Some(RevocationNote {
            revoked_at,
            order: entry.revocation_order.clone().unwrap_or_default(),
        }),
        _ => None,
    };
    BundleVerdict {
        es_id: signature.es_id.clone(),
        seal_name: entry.name.clone(),
        seal_status: entry.status,
        signing_time: signature.signing_time,
        property_info: signature.property_info.clone(),
        document_sm3: signature.data_hash,
        ledger_index: receipt.index,
        checkpoint_origin: receipt.checkpoint.origin().to_owned(),
        checkpoint_size: receipt.checkpoint.size(),
        cosigners: receipt
            .cosigned_by
            .iter()
            .map(|(name, time)| Cosigner {
                name: name.clone(),
                time: *time,
            })
            .collect(),
        entry_binds_signature,
        revocation,
    }
}

/// Standard base64 (with padding) for byte fields; decoding refuses non-canonical input.
mod b64 {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(deserializer)?;
        STANDARD
            .decode(text.as_bytes())
            .map_err(serde::de::Error::custom)
    }
}
