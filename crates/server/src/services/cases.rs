//! Cases (办件) through the workflow: intake, every step of the Licensing Law procedure, and the
//! decision sealed with the bureau's one seal. Each step is decided by `domain::case` and
//! recorded as ledger events in the same transaction as the case tables.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use oneseal_domain::calendar::Calendar;
use oneseal_domain::case::{
    Case, CaseContext, CaseError, CaseEvent, CaseNumber, Command, Decision, Intake, ItemSnapshot,
    QueryCode,
};
use oneseal_domain::catalog::Item;
use oneseal_domain::event::{Actor, Event, canonical_json};
use oneseal_domain::org::{DivisionCode, Role, StaffId};
use oneseal_seal::{Seal, SealTime, sign_document, sm3_digest};
use oneseal_store::projection::load_case_events;
use oneseal_store::{Tx, params};
use serde_json::json;
use time::OffsetDateTime;

use crate::error::ApiError;
use crate::services::commands::Meta;
use crate::services::sealing::{SealKeys, bureau_seals};

/// A case error is the user's fault: a typed 4xx with the domain's code and Chinese message.
pub fn case_error(e: CaseError) -> ApiError {
    let (code, zh, en) = (e.code(), e.message_zh(), e.to_string());
    match code {
        "missing_role" => ApiError::bad_request("forbidden_role", zh, en),
        "case_closed"
        | "already_accepted"
        | "already_decided"
        | "notice_already_issued"
        | "already_received" => ApiError::conflict(code, zh, en),
        _ => ApiError::bad_request(code, zh, en),
    }
}

/// The next case number of a jurisdiction for a day (locks the jurisdiction's log first, so two
/// server processes cannot hand out the same number).
fn next_case_number(
    tx: &mut Tx<'_>,
    j: &DivisionCode,
    now: OffsetDateTime,
) -> Result<CaseNumber, ApiError> {
    tx.next_index(j.as_str())?;
    let day = oneseal_domain::case::legal_date(now);
    let internal = |e: oneseal_domain::case::ParseError| ApiError::Internal(e.to_string());
    // Serials are dense from 1 and the numbers sort by serial within a bureau's day, so the
    // day's last number is found on the primary key instead of by counting the day's cases.
    let first = CaseNumber::new(j, day, 1).map_err(internal)?;
    let last = CaseNumber::new(j, day, CaseNumber::MAX_SERIAL).map_err(internal)?;
    let latest = tx
        .conn()
        .query_one(
            "SELECT MAX(case_number) FROM cases WHERE case_number >= ? AND case_number <= ?",
            params![first.as_str(), last.as_str()],
        )?
        .map(|r| r.opt_text(0))
        .transpose()?
        .flatten();
    let serial = match latest {
        Some(n) => CaseNumber::parse(&n).map_err(internal)?.serial() + 1,
        None => 1,
    };
    CaseNumber::new(j, day, serial).map_err(internal)
}

/// What intake needs besides the staff member and the time.
pub struct IntakeRequest {
    pub item: Item,
    pub joint_handling: bool,
    pub channel: oneseal_domain::case::Channel,
    pub applicant: oneseal_domain::case::Applicant,
    pub materials: Vec<oneseal_domain::case::MaterialRef>,
}

/// Who acts, when, on which calendar.
#[derive(Clone)]
pub struct Acting {
    pub staff: StaffId,
    pub roles: Vec<Role>,
    pub now: OffsetDateTime,
    /// The calendar as of this request.
    pub calendar: std::sync::Arc<Calendar>,
    pub jurisdiction: DivisionCode,
    /// The keys of query-code digests and document salts.
    pub secrets: std::sync::Arc<crate::services::case_secrets::CaseSecrets>,
}

impl Acting {
    fn ctx(&self) -> CaseContext<'_> {
        CaseContext {
            actor: self.staff.clone(),
            roles: self.roles.clone(),
            now: self.now,
            calendar: &self.calendar,
        }
    }
    fn meta(&self) -> Meta {
        Meta {
            time: self.now,
            jurisdiction: self.jurisdiction.clone(),
            actor: Actor::Staff(self.staff.clone()),
        }
    }
}

/// Registers a new application with the query code `query_code` (which the case keeps only as
/// its keyed digest); returns (case number, first ledger index).
pub fn intake(
    tx: &mut Tx<'_>,
    who: &Acting,
    req: IntakeRequest,
    query_code: &QueryCode,
) -> Result<(CaseNumber, u64), ApiError> {
    let case_number = next_case_number(tx, &who.jurisdiction, who.now)?;
    let intake = Intake {
        case_number: case_number.clone(),
        query_code: who.secrets.stored(query_code),
        channel: req.channel,
        item: ItemSnapshot::from_item(&req.item, req.joint_handling),
        applicant: req.applicant,
        materials: req.materials,
    };
    let events = Case::receive(intake, &who.ctx()).map_err(case_error)?;
    let mut first = None;
    let mut recorded = Vec::with_capacity(events.len());
    for e in events {
        let idx = who.meta().record_case_step(
            tx,
            &Event::Case {
                case_number: case_number.clone(),
                event: Box::new(e.clone()),
            },
            &recorded,
        )?;
        recorded.push(e);
        first.get_or_insert(idx);
    }
    Ok((case_number, first.unwrap_or(0)))
}

/// Loads a case from its events.
pub fn load(
    tx_conn: &mut dyn oneseal_store::Conn,
    number: &CaseNumber,
) -> Result<(Case, Vec<CaseEvent>), ApiError> {
    let events = load_case_events(tx_conn, number.as_str())?;
    if events.is_empty() {
        return Err(ApiError::NotFound("case"));
    }
    let case = Case::apply(&events)
        .map_err(|e| ApiError::Internal(format!("stored case does not replay: {e}")))?;
    Ok((case, events))
}

/// The result of one step.
#[derive(Debug, serde::Serialize)]
pub struct StepOutcome {
    pub case_number: String,
    pub status: u8,
    pub status_zh: &'static str,
    pub ledger_indexes: Vec<u64>,
    pub sealed: Option<SealedDocument>,
    /// The pushes to supervising departments the step made (审管互动).
    pub pushes: Vec<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SealedDocument {
    pub document_kind: String,
    pub es_id: String,
    pub document_sm3: String,
    pub license_id: Option<String>,
    pub ledger_index: u64,
}

/// Runs one command on a case; a decision is sealed in the same transaction.
pub fn act(
    tx: &mut Tx<'_>,
    who: &Acting,
    number: &CaseNumber,
    command: Command,
    seals: &SealKeys,
    mut presigned: Vec<Presigned>,
) -> Result<StepOutcome, ApiError> {
    let (case, mut events) = load(tx.conn(), number)?;
    let new = case.handle(command, &who.ctx()).map_err(case_error)?;
    let new_events = new.clone();
    let mut indexes = Vec::new();
    let mut sealed = None;
    for e in new {
        indexes.push(who.meta().record_case_step(
            tx,
            &Event::Case {
                case_number: number.clone(),
                event: Box::new(e.clone()),
            },
            &events,
        )?);
        events.push(e.clone());
        let case = Case::apply(&events).map_err(case_error)?;
        if let Some(voucher) = voucher_for(&e)? {
            sealed = Some(seal_document(
                tx,
                who,
                &case,
                voucher,
                seals,
                &mut presigned,
            )?);
        }
    }
    let case = Case::apply(&events).map_err(case_error)?;
    let pushes = push_decision(tx, who, &case, &new_events, sealed.as_ref())?;
    Ok(StepOutcome {
        case_number: number.to_string(),
        status: case.status().code(),
        status_zh: case.status().name_zh(),
        ledger_indexes: indexes,
        sealed,
        pushes,
    })
}

/// A decision goes to the item's supervising department (审管互动): approvals always, refusals
/// when the department asked for them.
fn push_decision(
    tx: &mut Tx<'_>,
    who: &Acting,
    case: &Case,
    new: &[CaseEvent],
    sealed: Option<&SealedDocument>,
) -> Result<Vec<String>, ApiError> {
    use oneseal_domain::case::Decision;
    use oneseal_domain::linkage::PushKind;
    let mut pushes = Vec::new();
    for e in new {
        let CaseEvent::Decided { decision, .. } = e else {
            continue;
        };
        let kind = match decision {
            Decision::Refuse(_) => PushKind::Refusal,
            _ => PushKind::Approval,
        };
        let r = case.received();
        let pushed = crate::services::linkage::push_decision(
            tx,
            &who.meta(),
            &who.calendar,
            crate::services::linkage::Decided {
                kind,
                case_number: r.case_number.as_str(),
                licence_id: sealed.and_then(|s| s.license_id.as_deref()),
                item_code: r.item.basic_code.as_str(),
                item_name: &r.item.name,
            },
        )?;
        pushes.extend(pushed);
    }
    Ok(pushes)
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
struct Voucher {
    kind: &'static str,
    title: &'static str,
    body: serde_json::Value,
    /// For an approval: the electronic licence it creates.
    licensed: bool,
}

fn rfc3339(t: OffsetDateTime) -> Result<String, ApiError> {
    t.format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// The sealed document a step produces, if any: the acceptance voucher, the non-acceptance
/// decision, the one-time notice, and the licensing decision (Art. 32, 38, 39). No document
/// carries the query code: the applicant gets it at receipt, and a sealed document's hash is
/// public.
fn voucher_for(e: &CaseEvent) -> Result<Option<Voucher>, ApiError> {
    let v = |kind, title, body, licensed| {
        Ok(Some(Voucher {
            kind,
            title,
            body,
            licensed,
        }))
    };
    match e {
        CaseEvent::Accepted { on, deemed, .. } => v(
            "acceptance",
            "受理通知书",
            json!({ "accepted_on": on.to_string(), "deemed": deemed }),
            false,
        ),
        CaseEvent::NotAccepted { outcome, on, .. } => v(
            "non_acceptance",
            "不予受理决定书",
            json!({ "outcome": outcome, "on": on.to_string() }),
            false,
        ),
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
        } => v(
            "decision",
            "行政许可决定书",
            json!({ "decision": decision, "decided_at": rfc3339(*decided_at)? }),
            !matches!(decision, Decision::Refuse(_)),
        ),
        _ => Ok(None),
    }
}

/// A document ready to be signed: everything sealing reads and builds before the signature.
struct Draft {
    seal: oneseal_domain::seal::SealRecord,
    ses: std::sync::Arc<Seal>,
    key: std::sync::Arc<oneseal_seal::SealPrivateKey>,
    document: Vec<u8>,
    hash: [u8; 32],
    property: String,
    time: SealTime,
    license_id: Option<String>,
    kind: &'static str,
}

impl Draft {
    fn sign(&self) -> Result<oneseal_seal::SesSignature, ApiError> {
        sign_document(&self.ses, &self.key, &self.hash, &self.property, self.time)
            .map_err(|e| ApiError::Internal(format!("sealing: {e}")))
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

/// Reads the bureau's current seal and builds the document a voucher seals.
fn draft(
    conn: &mut dyn oneseal_store::Conn,
    who: &Acting,
    case: &Case,
    voucher: Voucher,
    seals: &SealKeys,
) -> Result<Draft, ApiError> {
    let j = who.jurisdiction.as_str();
    let (bureau, uscc) = conn
        .query_one(
            "SELECT name_zh, bureau_uscc FROM jurisdictions WHERE code = ?",
            params![j],
        )?
        .map(|r| Ok::<_, oneseal_store::StoreError>((r.text(0)?, r.text(1)?)))
        .transpose()?
        .ok_or(ApiError::NotFound("jurisdiction"))?;
    let seal = bureau_seals(conn, j)?
        .into_iter()
        .max_by_key(|s| s.record.valid_from)
        .ok_or_else(|| {
            ApiError::conflict(
                "no_seal",
                "本辖区没有登记行政审批专用章",
                "No approval seal is registered",
            )
        })?;
    // A step's time is taken when its request arrives, before it waits for the writer; a
    // revocation recorded meanwhile must still stop it, so a recorded revocation is checked
    // as of its own time at the earliest.
    let at = seal
        .revocation
        .as_ref()
        .map_or(who.now, |r| who.now.max(r.at));
    seal.check_can_sign(at)
        .map_err(|e| ApiError::conflict(e.code(), e.message_zh(), e.to_string()))?;
    let key = seals
        .get(&seal.record.es_id)
        .ok_or_else(|| ApiError::Internal("the seal's key is not loaded".into()))?;
    let r = case.received();
    let lic = voucher
        .licensed
        .then(|| license_id(&uscc, r.item.basic_code.as_str(), &r.case_number));
    let issued_at = rfc3339(who.now)?;
    // The document's SM3 is public and its bytes are not: the salt, never published with the
    // hash, keeps anyone from confirming a guess of the text against it.
    let salt = who
        .secrets
        .document_salt(r.case_number.as_str(), voucher.kind, &issued_at);
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
    let ses = seals.parsed(&seal.record)?;
    let secs =
        u64::try_from(who.now.unix_timestamp()).map_err(|_| ApiError::Internal("time".into()))?;
    let time = SealTime::from_unix_seconds(secs).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Draft {
        hash: sm3_digest(&document),
        property: format!("case:{};kind:{}", r.case_number, voucher.kind),
        seal: seal.record,
        ses,
        key,
        document,
        time,
        license_id: lic,
        kind: voucher.kind,
    })
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

/// Whether a command can issue a sealed document (see `voucher_for`), so presigning is worth
/// a read.
pub fn may_seal(command: &Command) -> bool {
    matches!(
        command,
        Command::Accept
            | Command::RefuseAcceptance { .. }
            | Command::IssueOneTimeNotice { .. }
            | Command::Decide { .. }
    )
}

/// Runs a command on a case as read on `conn`, without recording anything, and signs the
/// documents it would seal. If the case changes before the write, the drafts differ and the
/// writer signs afresh.
pub fn presign(
    conn: &mut dyn oneseal_store::Conn,
    who: &Acting,
    number: &CaseNumber,
    command: Command,
    seals: &SealKeys,
) -> Result<Vec<Presigned>, ApiError> {
    let (case, mut events) = load(conn, number)?;
    let mut signed = Vec::new();
    for e in case.handle(command, &who.ctx()).map_err(case_error)? {
        events.push(e);
        let case = Case::apply(&events).map_err(case_error)?;
        let Some(voucher) = events.last().map(voucher_for).transpose()?.flatten() else {
            continue;
        };
        let d = draft(conn, who, &case, voucher, seals)?;
        signed.push(Presigned {
            signature: d.sign()?,
            es_id: d.seal.es_id,
            ses_seal: d.seal.ses_seal,
            hash: d.hash,
            property: d.property,
            time: d.time,
        });
    }
    Ok(signed)
}

fn seal_document(
    tx: &mut Tx<'_>,
    who: &Acting,
    case: &Case,
    voucher: Voucher,
    seals: &SealKeys,
    presigned: &mut Vec<Presigned>,
) -> Result<SealedDocument, ApiError> {
    let j = who.jurisdiction.as_str();
    let d = draft(tx.conn(), who, case, voucher, seals)?;
    let sig = match presigned.iter().position(|p| d.matches(p)) {
        Some(i) => presigned.swap_remove(i).signature,
        None => d.sign()?,
    };
    let (hash, document, kind, lic, seal) = (d.hash, d.document, d.kind, d.license_id, d.seal);
    let r = case.received();
    let document_sm3 = hex::encode(hash);
    let idx = who.meta().record(
        tx,
        &Event::DocumentSealed {
            case_number: r.case_number.clone(),
            document_kind: kind.into(),
            es_id: seal.es_id.clone(),
            document_sm3: document_sm3.clone(),
            signature_sm3: hex::encode(sm3_digest(sig.to_der())),
            signer: who.staff.clone(),
            document: STANDARD.encode(&document),
            signature_der: STANDARD.encode(sig.to_der()),
        },
    )?;
    if let Some(id) = &lic {
        let today = oneseal_domain::case::legal_date(who.now);
        let issued = oneseal_domain::licence::LicenceEvent::Issued {
            licence_id: id.clone(),
            case_number: r.case_number.to_string(),
            item_code: r.item.basic_code.to_string(),
            item_name: r.item.name.clone(),
            holder: r.applicant.public_label(),
            valid_from: today,
            valid_until: oneseal_domain::licence::add_years(
                today,
                oneseal_domain::licence::DEFAULT_VALIDITY_YEARS,
            ),
        };
        who.meta().record(
            tx,
            &Event::Licence {
                licence_id: id.clone(),
                event: Box::new(issued),
            },
        )?;
    }
    tx.conn().execute(
        "INSERT INTO document_entries (case_number, document_kind, license_id, log, idx) VALUES (?, ?, ?, ?, ?)",
        params![r.case_number.as_str(), kind, lic.as_deref(), j, idx],
    )?;
    Ok(SealedDocument {
        document_kind: kind.into(),
        es_id: seal.es_id,
        document_sm3,
        license_id: lic,
        ledger_index: idx,
    })
}
