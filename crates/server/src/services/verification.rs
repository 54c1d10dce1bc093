//! Certificates in the open: a sealed decision's bundle (the document, its SES_Signature, its
//! ledger entry and tlog-proof receipt), the trust file an offline verifier needs, and the check
//! of a licence that the public verification page shows. The JSON API and the page both call
//! these, and both verify with `seal::bundle::verify_bundle`, as `oneseal cert verify` does.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use oneseal_domain::licence::{Licence, LicenceStatus};
use oneseal_domain::seal::RegisteredSeal;
use oneseal_seal::Seal;
use oneseal_seal::bundle::{
    LedgerTrust, SealStatus, SealedBundle, TRUST_FORMAT, TrustFile, TrustedSeal, verify_bundle,
};
use oneseal_store::{Conn, StoreError};
use time::OffsetDateTime;

use crate::services::ledger::receipts::{Beyond, ReceiptError, receipt_text};
use crate::services::ledger::{Logs, Publish};
use crate::services::sealing::{SealingError, seal_time};

/// Why a bundle or a trust file could not be given.
#[derive(Debug, thiserror::Error)]
pub enum VerificationError {
    /// No such licence, sealed decision, ledger entry or log.
    #[error("not found: {0}")]
    NotFound(&'static str),
    /// The document's entry is logged but not yet under a published checkpoint: worth
    /// retrying shortly.
    #[error("not yet published: {0:?}")]
    Unpublished(Beyond),
    /// The receipt could not be made for another reason.
    #[error("receipt: {0}")]
    Receipt(ReceiptError),
    #[error("corrupt sealed document: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Sealing(#[from] SealingError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn trusted(s: &RegisteredSeal, now: OffsetDateTime) -> Result<TrustedSeal, SealingError> {
    let status = match (&s.revocation, now >= s.record.valid_to) {
        (Some(_), _) => SealStatus::Revoked,
        (None, true) => SealStatus::Expired,
        (None, false) => SealStatus::Active,
    };
    Ok(TrustedSeal {
        es_id: s.record.es_id.clone(),
        name: s.record.name.clone(),
        public_key_pem: s.record.public_key_pem.clone(),
        valid_start: seal_time(s.record.valid_from)?,
        valid_end: seal_time(s.record.valid_to)?,
        status,
        revoked_at: s.revocation.as_ref().map(|r| seal_time(r.at)).transpose()?,
        revocation_order: s.revocation.as_ref().map(|r| r.order_ref.clone()),
    })
}

/// The registry snapshot and log keys of a jurisdiction as of `now`, for
/// `oneseal cert verify --trust`.
pub fn trust_file(
    conn: &mut dyn Conn,
    logs: &Logs,
    now: OffsetDateTime,
    j: &str,
) -> Result<TrustFile, VerificationError> {
    let seals = oneseal_store::seals::registry(conn, j)?
        .iter()
        .map(|s| trusted(s, now))
        .collect::<Result<Vec<_>, _>>()?;
    let keys = logs.keys.get(j).ok_or(VerificationError::NotFound("log"))?;
    Ok(TrustFile {
        format: TRUST_FORMAT.to_owned(),
        seals,
        ledger: LedgerTrust::Keys {
            log_vkeys: vec![keys.ed25519.verifier_key().to_string()],
            witness_vkeys: logs.witnesses.iter().map(|w| w.vkey.clone()).collect(),
            quorum: if logs.witnesses.is_empty() {
                0
            } else {
                logs.quorum
            },
        },
    })
}

/// The sealed bundle of a case's decision (available once a checkpoint covers its entry).
pub fn bundle_for(
    conn: &mut dyn Conn,
    case_number: &str,
    publish: Publish,
) -> Result<SealedBundle, VerificationError> {
    let doc = oneseal_store::seals::sealed_decision(conn, case_number)?
        .ok_or(VerificationError::NotFound("sealed decision"))?;
    let decode = |s: &str| {
        STANDARD
            .decode(s)
            .map_err(|e| VerificationError::Corrupt(e.to_string()))
    };
    let (document, signature) = (decode(&doc.document_b64)?, decode(&doc.signature_der_b64)?);
    let entry = oneseal_store::log::entry(conn, &doc.log, doc.index)?
        .ok_or(VerificationError::NotFound("ledger entry"))?;
    let receipt = receipt_text(conn, &doc.log, doc.index, publish).map_err(|e| match e {
        ReceiptError::NotCovered(b) if b != Beyond::Missing => VerificationError::Unpublished(b),
        e => VerificationError::Receipt(e),
    })?;
    Ok(SealedBundle::new(document, signature, entry, receipt))
}

/// The sealed bundle of the decision that created a licence.
pub fn licence_bundle(
    conn: &mut dyn Conn,
    license_id: &str,
    publish: Publish,
) -> Result<SealedBundle, VerificationError> {
    let case = oneseal_store::seals::case_of_licence(conn, license_id)?
        .ok_or(VerificationError::NotFound("license"))?;
    bundle_for(conn, &case, publish)
}

/// What the public verification page shows of a licence.
pub struct LicenceCheck {
    /// The sealed decision document's fields (empty when it does not parse).
    pub document: serde_json::Value,
    /// The seal that signed it, as the registry holds it.
    pub seal: Option<RegisteredSeal>,
    /// The seal's picture (SVG text), if it has one.
    pub seal_svg: String,
    /// The bundle verifies and the licence is still valid.
    pub valid: bool,
    /// Why, in Chinese.
    pub verdict: String,
    pub log: String,
    pub index: u64,
    pub es_id: String,
    /// The licence's state now (有效, 已注销 …), when its history reads.
    pub status_zh: Option<&'static str>,
    /// First and last day of validity (ISO dates), when its history reads.
    pub valid_from: Option<String>,
    pub valid_until: Option<String>,
}

/// Checks the licence `license_id` as the public sees it: its sealed decision verified against
/// the registry and the log, and the licence's own status.
pub fn check_licence(
    conn: &mut dyn Conn,
    logs: &Logs,
    now: OffsetDateTime,
    license_id: &str,
) -> Result<LicenceCheck, VerificationError> {
    let row = oneseal_store::seals::licence_document(conn, license_id)?
        .ok_or(VerificationError::NotFound("license"))?;
    let document: serde_json::Value = STANDARD
        .decode(&row.document_b64)
        .ok()
        .and_then(|d| serde_json::from_slice(&d).ok())
        .unwrap_or_default();
    let seal = oneseal_store::seals::registry(conn, &row.log)?
        .into_iter()
        .find(|s| s.record.es_id == row.es_id);
    let seal_svg = seal
        .as_ref()
        .and_then(|s| STANDARD.decode(&s.record.ses_seal).ok())
        .and_then(|d| Seal::from_der(&d).ok())
        .and_then(|s| String::from_utf8(s.picture().data.as_bytes().to_vec()).ok())
        .unwrap_or_default();
    let events = oneseal_store::projection::load_licence_events(conn, license_id).ok();
    let valid_from = events.as_ref().and_then(|ev| match ev.first() {
        Some(oneseal_domain::licence::LicenceEvent::Issued { valid_from, .. }) => {
            Some(valid_from.to_string())
        }
        _ => None,
    });
    let licence = events.and_then(|ev| Licence::apply(&ev).ok());
    let status = licence.as_ref().map(|l| l.status);
    // 建筑法 Art. 9: a permit not started in time has lapsed by law though still `valid` until
    // the bureau cancels it; the public reads the lapse in words.
    let today = oneseal_domain::case::legal_date(now);
    let lapsed = licence
        .as_ref()
        .is_some_and(|l| l.start_overdue(today).is_some());
    let status_zh = licence.as_ref().map(|l| l.status_zh_on(today));
    let (valid, verdict) = match bundle_for(conn, &row.case_number, logs.publish()) {
        Ok(bundle) => match verify_bundle(&bundle, &trust_file(conn, logs, now, &row.log)?) {
            Ok(v) => (true, v.summary_zh()),
            Err(e) => (false, e.reason_zh()),
        },
        Err(VerificationError::Unpublished(_)) => (
            false,
            "签章记录尚未纳入已发布的检查点，请稍后刷新".to_owned(),
        ),
        Err(e) => return Err(e),
    };
    // 容缺受理: a grant whose licence waits for deferred materials has no licence yet.
    let held = status.is_none()
        && oneseal_domain::case::CaseNumber::parse(&row.case_number)
            .ok()
            .and_then(|n| crate::services::cases::load(conn, &n).ok())
            .is_some_and(|(c, _)| c.licence_held());
    let licence_ok = !held && !lapsed && status.is_none_or(|s| s == LicenceStatus::Valid);
    let verdict = match status_zh {
        Some(s) if !licence_ok => format!("证照状态：{s}。{verdict}"),
        None if held => format!("证照尚未发放：容缺受理的材料补齐并经核验后发放。{verdict}"),
        _ => verdict,
    };
    Ok(LicenceCheck {
        document,
        seal,
        seal_svg,
        valid: valid && licence_ok,
        verdict,
        log: row.log,
        index: row.index,
        es_id: row.es_id,
        status_zh,
        valid_from,
        valid_until: licence.map(|l| l.valid_until.to_string()),
    })
}
