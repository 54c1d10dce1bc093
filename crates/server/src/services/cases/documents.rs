//! The documents a case step issues under the bureau's one seal: which step issues which
//! document, the document's bytes, its signature (made ahead, off the writer, when it can be),
//! and the ledger events that bind it (`document.sealed`, and `licence.issued` for an approval).
//!
//! On the writer a step's document is sealed in this file alone: the draft needs the registry's
//! current seal and the document's bytes, and the seal's key ([`SealKeys`]) and the signature
//! (`oneseal_seal::sign_document`) only when no signature made ahead matches it.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use oneseal_domain::case::{Case, CaseEvent, CaseNumber, Decision, NonAcceptance, Remedies};
use oneseal_domain::event::{Event, canonical_json};
use oneseal_domain::seal::RegisteredSeal;
use oneseal_seal::{SealTime, sign_document, sm3_digest};
use oneseal_store::Tx;
use oneseal_store::seals::DocumentEntry;
use serde_json::json;
use time::OffsetDateTime;

use super::acting::Acting;
use crate::services::sealing::{SealKeys, SealingError};

/// A document sealed at one step.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SealedDocument {
    pub document_kind: String,
    pub es_id: String,
    pub document_sm3: String,
    pub license_id: Option<String>,
    pub ledger_index: u64,
}

/// The electronic licence identifier (domain.md §5): `1.2.156.3005.2.<type>.<issuer USCC>.<serial>.<version>.<check>`.
/// The GB/T 36904 check-character algorithm was not retrieved; ours is documented here: the
/// ISO 7064 MOD 37-2 style sum of the digits and letters before it, in 0-9A-Z.
pub fn license_id(issuer_uscc: &str, item_code: &str, case_number: &CaseNumber) -> String {
    let body = format!(
        "1.2.156.3005.2.{item_code}.{issuer_uscc}.{}.001",
        case_number.as_str()
    );
    let alphabet = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let sum = body
        .bytes()
        .filter_map(|b| alphabet.iter().position(|a| *a == b.to_ascii_uppercase()))
        .enumerate()
        .fold(0usize, |acc, (i, v)| (acc + (i + 1) * v) % 36);
    format!(
        "{body}.{}",
        char::from(alphabet.get(sum).copied().unwrap_or(b'0'))
    )
}

/// A document the bureau issues under its seal at one step of a case.
pub(super) struct Voucher {
    /// The `document_kind`: one per case, so a second special procedure's or extension's
    /// notice is numbered (`special_procedure_notice_2`).
    pub(super) kind: String,
    pub(super) title: &'static str,
    body: serde_json::Value,
    /// For an approval: the electronic licence it creates.
    pub(super) licensed: bool,
}

fn rfc3339(t: OffsetDateTime) -> Result<String, SealingError> {
    t.format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| SealingError::Crypto(e.to_string()))
}

/// The sealed document a step produces, if any: the acceptance voucher, the non-acceptance
/// decision, the one-time notice, the notices of a special procedure and of an extension, and
/// the licensing decision (Art. 32, 38, 39, 42, 45). No document carries the query code: the
/// applicant gets it at receipt, and a sealed document's hash is public.
///
/// `case` is the case as the event leaves it: its procedures and extensions number the notice
/// (a preview, which has not applied the event, only reads the title).
pub(super) fn voucher_for(e: &CaseEvent, case: &Case) -> Result<Option<Voucher>, SealingError> {
    // Art. 34(2): an on-the-spot acceptance and grant say so, with the item's provision.
    let on_spot = case
        .on_the_spot_source()
        .filter(|_| case.on_the_spot().is_some());
    let v = |kind: &str, title, mut body: serde_json::Value, licensed| {
        if let (Some(source), Some(m), true) = (
            on_spot,
            body.as_object_mut(),
            matches!(e, CaseEvent::Accepted { .. } | CaseEvent::Decided { .. }),
        ) {
            m.insert("on_the_spot".into(), source.into());
        }
        Ok(Some(Voucher {
            kind: kind.to_owned(),
            title,
            body,
            licensed,
        }))
    };
    // The n-th notice of a kind in this case: the first keeps the plain kind.
    let numbered = |kind: &str, n: usize| {
        if n > 1 {
            format!("{kind}_{n}")
        } else {
            kind.to_owned()
        }
    };
    match e {
        CaseEvent::Accepted { on, deemed, .. } => {
            let mut body = json!({ "accepted_on": on.to_string(), "deemed": deemed });
            // 容缺受理: the voucher lists what follows and the date the applicant committed to.
            let title = match (case.deferral(), body.as_object_mut()) {
                (Some(d), Some(m)) => {
                    m.insert(
                        "deferred".into(),
                        json!({ "materials": d.materials, "due": d.due.to_string() }),
                    );
                    "受理通知书（容缺受理）"
                }
                _ => "受理通知书",
            };
            v("acceptance", title, body, false)
        }
        CaseEvent::NotAccepted { outcome, on, .. } => {
            let mut body = json!({ "outcome": outcome, "on": on.to_string() });
            // The remedies with their time limits, in the words printed (行诉解释 Art. 64: a
            // limit left unstated gives the applicant a year to sue).
            if let (Some(m), Some(r)) = (body.as_object_mut(), non_acceptance_remedies(outcome)) {
                m.insert("remedies_statement".into(), r.to_chinese().into());
            }
            v("non_acceptance", "不予受理决定书", body, false)
        }
        CaseEvent::SpecialProcedureStarted {
            procedure,
            notice_reference,
            on,
            ..
        } => Ok(Some(Voucher {
            kind: numbered("special_procedure_notice", case.procedures().len()),
            title: "特别程序告知书",
            body: json!({
                "procedure": procedure,
                "notice_reference": notice_reference,
                "on": on.to_string(),
            }),
            licensed: false,
        })),
        CaseEvent::ExtensionApproved {
            working_days,
            reason,
            on,
            applicant_notified_on,
            ..
        } => {
            let mut body = json!({
                "working_days": working_days,
                "reason": reason,
                "on": on.to_string(),
            });
            // Absent when the notice follows the approval (Art. 42; `extension_notified`).
            if let (Some(m), Some(d)) = (body.as_object_mut(), applicant_notified_on) {
                m.insert("applicant_notified_on".into(), d.to_string().into());
            }
            Ok(Some(Voucher {
                kind: numbered("extension_notice", case.extensions().len()),
                title: "延长办理期限告知书",
                body,
                licensed: false,
            }))
        }
        CaseEvent::OneTimeNoticeIssued { items, on, .. } => v(
            "one_time_notice",
            "补正材料一次性告知书",
            json!({ "items": items, "on": on.to_string() }),
            false,
        ),
        CaseEvent::Decided {
            decision,
            decided_at,
            ..
        } => match decision {
            // Art. 38: a refusal is titled and worded as one, with its reasons and the
            // remedies and their time limits (60 days, 6 months) in the sealed text itself.
            Decision::Refuse(r) => v(
                "decision",
                "不予行政许可决定书",
                json!({
                    "decision": decision,
                    "decided_at": rfc3339(*decided_at)?,
                    "remedies_statement": r.remedies().to_chinese(),
                }),
                false,
            ),
            Decision::Approve { .. } | Decision::ApproveWithDeferredMaterials { .. } => {
                let mut body = grant_body(decision, rfc3339(*decided_at)?, case);
                // 容缺受理: the licence number is reserved, the licence issued on arrival.
                if let (Some(d), Some(m)) = (
                    case.deferral().filter(|_| case.licence_held()),
                    body.as_object_mut(),
                ) {
                    m.insert(
                        "licence_held".into(),
                        json!({ "materials": d.outstanding(), "due": d.due.to_string() }),
                    );
                }
                v("decision", "准予行政许可决定书", body, true)
            }
        },
        _ => Ok(None),
    }
}

/// The sealed fields of a grant: the decision, its time, the 许可范围 it licenses (the
/// approver's, else the item's default) and, for an organisation, the address its licence
/// shows. A natural person's address never enters these bytes: their SM3 is public and the
/// licence's bundle hands them to anyone holding the licence number.
fn grant_body(decision: &Decision, decided_at: String, case: &Case) -> serde_json::Value {
    let r = case.received();
    let mut body = json!({
        "decision": decision,
        "decided_at": decided_at,
        "scope": decision.granted_scope(&r.item),
    });
    if let (Some(m), Some(address)) = (body.as_object_mut(), r.holder_address()) {
        m.insert("address".into(), address.into());
    }
    // 告知承诺制 (issue #19 item 5): the grant rests on the applicant's commitment, which the
    // decision quotes with its digest, period and source (the item's wording, no personal data).
    if let (Some(m), Some(c)) = (body.as_object_mut(), r.commitment.as_ref()) {
        m.insert(
            "commitment".into(),
            json!({
                "text": c.text, "text_sha256": c.text_sha256, "source": c.source,
                "verify_within": c.verify_within.to_zh(), "signed_at": c.signed_at
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default(),
            }),
        );
    }
    body
}

/// A decision on a renewal, change or cancellation (a case linked to its licence) is titled as
/// one, names the licence, and issues no new licence: the licence's own event follows
/// (`services::licences::applications::after_decision`).
pub(super) fn about_licence(mut voucher: Voucher, case: &Case) -> Voucher {
    let Some(link) = case.licence_link() else {
        return voucher;
    };
    if voucher.kind != "decision" {
        return voucher;
    }
    let granted = voucher.licensed;
    voucher.licensed = false;
    voucher.title = link.purpose.decision_title(granted);
    if let Some(m) = voucher.body.as_object_mut() {
        m.insert("licence_id".into(), link.licence_id.clone().into());
        m.insert("purpose".into(), link.purpose.code().into());
    }
    voucher
}

/// The remedies a non-acceptance states: none when no licence is needed (nothing was refused).
fn non_acceptance_remedies(o: &NonAcceptance) -> Option<&Remedies> {
    match o {
        NonAcceptance::NoLicenceNeeded { .. } => None,
        NonAcceptance::NotCompetent { remedies, .. }
        | NonAcceptance::MaterialsNotCorrected { remedies, .. }
        | NonAcceptance::FalseMaterials { remedies, .. } => Some(remedies),
    }
}

/// A document ready to be signed: everything sealing reads and builds before the signature.
struct Draft {
    seal: oneseal_domain::seal::SealRecord,
    document: Vec<u8>,
    hash: [u8; 32],
    property: String,
    time: SealTime,
    license_id: Option<String>,
    kind: String,
}

impl Draft {
    /// Signs with the seal's key and its parsed SES seal, both held by `seals`.
    fn sign(&self, seals: &SealKeys) -> Result<oneseal_seal::SesSignature, SealingError> {
        let key = seals
            .get(&self.seal.es_id)
            .ok_or(SealingError::KeyNotLoaded)?;
        let ses = seals.parsed(&self.seal)?;
        sign_document(&ses, &key, &self.hash, &self.property, self.time)
            .map_err(|e| SealingError::Crypto(e.to_string()))
    }

    /// Whether `p` was made for exactly this draft: same seal, key, time, property and
    /// document bytes, so the same `TBS_Sign` was signed.
    fn matches(&self, p: &Presigned) -> bool {
        p.es_id == self.seal.es_id
            && p.ses_seal == self.seal.ses_seal
            && p.hash == self.hash
            && p.property == self.property
            && p.time == self.time
    }
}

/// What a jurisdiction's documents are sealed with: the bureau and its current approval seal,
/// as the registry reads.
#[derive(Clone)]
pub struct Sealer {
    bureau: oneseal_store::seals::Bureau,
    seal: oneseal_domain::seal::RegisteredSeal,
}

/// Reads the bureau of `j` and its current approval seal.
pub fn sealer(conn: &mut dyn oneseal_store::Conn, j: &str) -> Result<Sealer, SealingError> {
    let bureau = oneseal_store::seals::bureau(conn, j)?.ok_or(SealingError::UnknownJurisdiction)?;
    let seal = oneseal_store::seals::bureau_seals(conn, j)?
        .into_iter()
        .max_by_key(|s| s.record.valid_from)
        .ok_or(SealingError::NoSeal)?;
    Ok(Sealer { bureau, seal })
}

/// Whether `seal` may sign a step that arrived at `now`. A step's time is taken when its request
/// arrives, before it waits for the writer; a revocation recorded meanwhile must still stop it,
/// so a recorded revocation is checked as of its own time at the earliest.
fn check_can_sign(seal: &RegisteredSeal, now: OffsetDateTime) -> Result<(), SealingError> {
    let at = seal.revocation.as_ref().map_or(now, |r| now.max(r.at));
    Ok(seal.check_can_sign(at)?)
}

/// The bureau of jurisdiction `j` and the seal its documents are sealed with at `now`: the
/// newest approval seal, which must be able to sign then.
pub(super) fn bureau_and_seal(
    conn: &mut dyn oneseal_store::Conn,
    j: &str,
    now: OffsetDateTime,
) -> Result<(oneseal_store::seals::Bureau, RegisteredSeal), SealingError> {
    let Sealer { bureau, seal } = sealer(conn, j)?;
    check_can_sign(&seal, now)?;
    Ok((bureau, seal))
}

/// Reads the bureau's current seal and builds the document a voucher seals.
fn draft(
    conn: &mut dyn oneseal_store::Conn,
    who: &Acting,
    case: &Case,
    voucher: Voucher,
) -> Result<Draft, SealingError> {
    let sealer = sealer(conn, who.jurisdiction.as_str())?;
    draft_with(sealer, who, case, voucher)
}

/// Builds the document a voucher seals with the seal `sealer` read.
fn draft_with(
    sealer: Sealer,
    who: &Acting,
    case: &Case,
    voucher: Voucher,
) -> Result<Draft, SealingError> {
    let Sealer {
        bureau:
            oneseal_store::seals::Bureau {
                name_zh: bureau,
                uscc,
            },
        seal,
    } = sealer;
    let voucher = about_licence(voucher, case);
    check_can_sign(&seal, who.now)?;
    let r = case.received();
    let lic = voucher
        .licensed
        .then(|| license_id(&uscc, r.item.basic_code.as_str(), &r.case_number));
    let issued_at = rfc3339(who.now)?;
    // The document's SM3 is public and its bytes are not: the salt, never published with the
    // hash, keeps anyone from confirming a guess of the text against it.
    let salt = who
        .secrets
        .document_salt(r.case_number.as_str(), &voucher.kind, &issued_at);
    let mut fields = json!({
        "type": voucher.title,
        "bureau": format!("{bureau}行政审批服务局"),
        "case_number": r.case_number,
        "item": { "code": r.item.basic_code, "name": r.item.name },
        "applicant": r.applicant.public_label(),
        "issued_at": issued_at,
        "license_id": lic,
        "seal": seal.record.es_id,
        "salt": salt,
    });
    if let (Some(m), serde_json::Value::Object(extra)) = (fields.as_object_mut(), voucher.body) {
        m.extend(extra);
    }
    let document = canonical_json(&fields);
    // The step's time as the signature holds it (GB/T 38540 `SealTime`, whole seconds).
    let time = crate::services::sealing::seal_time(who.now)?;
    Ok(Draft {
        hash: sm3_digest(&document),
        property: format!("case:{};kind:{}", r.case_number, voucher.kind),
        seal: seal.record,
        document,
        time,
        license_id: lic,
        kind: voucher.kind,
    })
}

/// The 许可范围 of the case's grant, as its decision was sealed.
fn granted_scope(case: &Case) -> Option<String> {
    case.decision()
        .and_then(|d| d.decision.granted_scope(&case.received().item))
}

/// A signature made before the write, off the writer thread (an SM2 signature is the
/// costliest part of a step). The writer uses it only for a draft it built itself that
/// [`Draft::matches`] it; otherwise it signs.
pub struct Presigned {
    es_id: String,
    ses_seal: String,
    hash: [u8; 32],
    property: String,
    time: SealTime,
    signature: oneseal_seal::SesSignature,
}

/// Signs ahead the document `event` issues, if any, for `case` as the event leaves it (see
/// `super::presign`).
pub(super) fn presign_event(
    conn: &mut dyn oneseal_store::Conn,
    who: &Acting,
    case: &Case,
    event: &CaseEvent,
    seals: &SealKeys,
) -> Result<Option<Presigned>, SealingError> {
    if voucher_for(event, case)?.is_none() {
        return Ok(None);
    }
    presign_with(
        &sealer(conn, who.jurisdiction.as_str())?,
        who,
        case,
        event,
        seals,
    )
}

/// [`presign_event`] with the seal already read: how the history generator signs, on other
/// threads and ahead of the writer, the documents its steps will issue.
pub fn presign_with(
    sealer: &Sealer,
    who: &Acting,
    case: &Case,
    event: &CaseEvent,
    seals: &SealKeys,
) -> Result<Option<Presigned>, SealingError> {
    let Some(voucher) = voucher_for(event, case)? else {
        return Ok(None);
    };
    draft_with(sealer.clone(), who, case, voucher)?
        .presigned(seals)
        .map(Some)
}

impl Draft {
    fn presigned(self, seals: &SealKeys) -> Result<Presigned, SealingError> {
        Ok(Presigned {
            signature: self.sign(seals)?,
            es_id: self.seal.es_id,
            ses_seal: self.seal.ses_seal,
            hash: self.hash,
            property: self.property,
            time: self.time,
        })
    }
}

/// Seals the document `voucher` describes for `case` (as the step leaves it), records it, and
/// for an approval the licence it creates.
pub(super) fn seal_document(
    tx: &mut Tx<'_>,
    who: &Acting,
    case: &Case,
    voucher: Voucher,
    seals: &SealKeys,
    presigned: &mut Vec<Presigned>,
) -> Result<SealedDocument, SealingError> {
    let j = who.jurisdiction.as_str();
    let d = draft(tx.conn(), who, case, voucher)?;
    let sig = match presigned.iter().position(|p| d.matches(p)) {
        Some(i) => presigned.swap_remove(i).signature,
        None => d.sign(seals)?,
    };
    let (hash, document, kind, lic, seal) = (d.hash, d.document, d.kind, d.license_id, d.seal);
    let r = case.received();
    let document_sm3 = hex::encode(hash);
    let idx = record(
        tx,
        who,
        &Event::DocumentSealed {
            case_number: r.case_number.clone(),
            document_kind: kind.clone(),
            es_id: seal.es_id.clone(),
            document_sm3: document_sm3.clone(),
            signature_sm3: hex::encode(sm3_digest(sig.to_der())),
            signer: who.staff.clone(),
            document: STANDARD.encode(&document),
            signature_der: STANDARD.encode(sig.to_der()),
        },
    )?;
    // A licence held for deferred materials is issued when they arrive (`release_licence`).
    if let Some(id) = lic.as_ref().filter(|_| !case.licence_held()) {
        record_issued(tx, who, case, id)?;
    }
    oneseal_store::seals::insert_document_entry(
        tx.conn(),
        &DocumentEntry {
            case_number: r.case_number.as_str(),
            document_kind: &kind,
            license_id: lic.as_deref(),
            log: j,
            index: idx,
        },
    )?;
    Ok(SealedDocument {
        document_kind: kind,
        es_id: seal.es_id,
        document_sm3,
        license_id: lic,
        ledger_index: idx,
    })
}

/// 容缺受理: when `new` brought the last deferred material of a grant whose licence was held,
/// the licence its decision reserved is issued now; returns the `licence.issued` entry's index
/// and the licence's number.
pub(super) fn release_licence(
    tx: &mut Tx<'_>,
    who: &Acting,
    case: &Case,
    new: &[CaseEvent],
) -> Result<Option<(u64, String)>, SealingError> {
    let arrived = new.iter().any(|e| matches!(e, CaseEvent::Deferral(_)));
    let granted = case
        .decision()
        .is_some_and(|d| !matches!(d.decision, Decision::Refuse(_)));
    let complete = case.deferral().is_some_and(|d| d.outstanding().is_empty());
    if !(arrived && granted && complete) {
        return Ok(None);
    }
    let number = case.received().case_number.as_str();
    let Some(id) = oneseal_store::seals::decision_licence(tx.conn(), number)? else {
        return Ok(None);
    };
    if !oneseal_store::projection::load_licence_events(tx.conn(), &id)?.is_empty() {
        return Ok(None);
    }
    let idx = record_issued(tx, who, case, &id)?;
    Ok(Some((idx, id)))
}

/// Records `licence.issued` for the grant of `case`, valid from today.
fn record_issued(
    tx: &mut Tx<'_>,
    who: &Acting,
    case: &Case,
    id: &str,
) -> Result<u64, SealingError> {
    let r = case.received();
    let today = oneseal_domain::case::legal_date(who.now);
    let issued = oneseal_domain::licence::LicenceEvent::Issued {
        licence_id: id.to_owned(),
        case_number: r.case_number.to_string(),
        item_code: r.item.basic_code.to_string(),
        item_name: r.item.name.clone(),
        holder: r.applicant.public_label(),
        valid_from: today,
        // The item's own term (e.g. 5 years, 排污许可管理条例 Art. 14), else the default.
        valid_until: oneseal_domain::licence::valid_until(today, r.item.licence_term()),
        renewal_lead_days: r.item.renewal_lead_days(),
        scope: granted_scope(case),
        address: r.holder_address().map(str::to_owned),
        // 建筑法 Art. 9: the last day to start the work, where the item's law sets one.
        start_by: oneseal_domain::licence::start::start_by(today, r.item.start_deadline()),
    };
    record(
        tx,
        who,
        &Event::Licence {
            licence_id: id.to_owned(),
            event: Box::new(issued),
        },
    )
}

/// Records `event` as `who`'s, in the step's transaction (`store::Tx::record`).
fn record(tx: &mut Tx<'_>, who: &Acting, event: &Event) -> Result<u64, SealingError> {
    let meta = who.meta();
    Ok(tx.record(event, meta.time, &meta.jurisdiction, &meta.actor)?)
}
