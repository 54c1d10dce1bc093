//! 告知承诺制 apart from HTTP (issue #19 item 5): the verification task a grant under a signed
//! commitment gives the supervising department, the department's answer, and the lists (the
//! department's tasks; the bureau's verifications and credit records).
//!
//! The rules are `domain::commitment`; the statements `store::commitments`. The task rides the
//! 审管互动 channel: it is on the department's feed (and webhook) beside the grant's push, and
//! on its `/dept` page. A false finding is the applicant's credit record (失信记录), read by the
//! bureau's staff only, and the bureau must revoke the licence on Art. 69 para 2
//! (`RevocationGround::FalseCommitment` through the licence desk); the rules watch both duties.

use oneseal_domain::access::{Action, Denied, Principal, Target, authorize};
use oneseal_domain::calendar::{Calendar, CalendarError};
use oneseal_domain::case::{Case, CaseEvent, CaseNumber, Decision, legal_date};
use oneseal_domain::commitment::{
    CommitmentError, CommitmentEvent, Verdict, Verification, VerificationAsked,
};
use oneseal_domain::event::{Actor, Event};
use oneseal_domain::linkage::Claimant;
use oneseal_store::commitments::{self as store, CommitmentRow};
use oneseal_store::{Conn, StoreError, Tx};
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::services::commands::Meta;
use crate::services::linkage::{self, LinkageError};

/// Why a commitment command or read did not go through. Mapped to HTTP in
/// `error/services.rs`.
#[derive(Debug, thiserror::Error)]
pub enum CommitmentServiceError {
    /// A rule of `domain::commitment` refused.
    #[error(transparent)]
    Rule(#[from] CommitmentError),
    #[error("forbidden: {0}")]
    Denied(#[from] Denied),
    #[error("no verification for this case")]
    NotFound,
    #[error("bad case number")]
    BadNumber,
    #[error("bad status filter")]
    BadFilter,
    /// The working-day calendar lacks a year the due date reaches into.
    #[error("calendar: {0}")]
    Calendar(CalendarError),
    #[error(transparent)]
    Linkage(#[from] LinkageError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

type Result<T, E = CommitmentServiceError> = std::result::Result<T, E>;

/// After a step: when it granted a case whose applicant signed a commitment, the verification
/// task for the item's supervising department, due the item's period after the decision, on
/// the ledger and the department's feed. `licence_id` is the licence the grant issued (none
/// while 容缺 holds it: [`after_release`] names it later), `pushes` the grant's pushes (the
/// task names the first).
///
/// # Errors
/// The calendar's, the linkage's, the store's.
pub fn after_decision(
    tx: &mut Tx<'_>,
    meta: &Meta,
    calendar: &Calendar,
    case: &Case,
    new: &[CaseEvent],
    licence_id: Option<&str>,
    pushes: &[String],
) -> Result<()> {
    let r = case.received();
    let Some(signed) = r.commitment.as_ref() else {
        return Ok(());
    };
    let granted = new.iter().any(|e| {
        matches!(
            e,
            CaseEvent::Decided {
                decision: Decision::Approve { .. } | Decision::ApproveWithDeferredMaterials { .. },
                ..
            }
        )
    });
    if !granted {
        return Ok(());
    }
    let today = legal_date(meta.time);
    let due_on = signed
        .verify_by(calendar, today)
        .map_err(CommitmentServiceError::Calendar)?;
    let department =
        linkage::supervisor_for(tx.conn(), &meta.jurisdiction, r.item.basic_code.as_str())?
            .map(|s| s.department);
    let asked = VerificationAsked {
        case_number: r.case_number.to_string(),
        item_code: r.item.basic_code.to_string(),
        licence_id: licence_id.map(str::to_owned),
        push_id: pushes.first().cloned(),
        department: department.clone(),
        text_sha256: signed.text_sha256.clone(),
        asked_on: today,
        due_on,
    };
    let event = CommitmentEvent::Asked(asked);
    let body = json!({ "case_number": r.case_number, "event": event.public_view() });
    let idx = meta.record_event(
        tx,
        &Event::Commitment {
            case_number: r.case_number.clone(),
            event: Box::new(event),
        },
    )?;
    if let Some(d) = &department {
        linkage::enqueue(
            tx,
            &meta.jurisdiction,
            idx,
            d,
            "commitment.asked",
            r.case_number.as_str(),
            &body,
            meta.time,
        )?;
    }
    Ok(())
}

/// 容缺受理: the held licence of a grant under a commitment is issued now. The task was asked
/// at the grant naming no licence (none existed, as the grant's push named none); it names the
/// licence from now on — on the ledger (`licence_issued`), in the projection and on the
/// department's feed and webhook (`commitment.licence`) — so that a false finding revokes the
/// right licence (Art. 69 para 2). Nothing when the case has no task or it names a licence.
///
/// # Errors
/// The store's, the linkage's; a verification history that does not fold.
pub fn after_release(tx: &mut Tx<'_>, meta: &Meta, case: &Case, licence_id: &str) -> Result<()> {
    let number = &case.received().case_number;
    let events = store::load_events(tx.conn(), number.as_str())?;
    if events.is_empty() {
        return Ok(());
    }
    let v = Verification::apply(&events)?;
    let Some(event) = v.licence_issued(licence_id, legal_date(meta.time)) else {
        return Ok(());
    };
    let body = json!({ "case_number": number, "event": event.public_view() });
    let idx = meta.record_event(
        tx,
        &Event::Commitment {
            case_number: number.clone(),
            event: Box::new(event),
        },
    )?;
    if let Some(d) = &v.asked.department {
        linkage::enqueue(
            tx,
            &meta.jurisdiction,
            idx,
            d,
            "commitment.licence",
            number.as_str(),
            &body,
            meta.time,
        )?;
    }
    Ok(())
}

/// A department's answer.
pub struct AnswerRequest {
    pub case_number: String,
    pub verdict: Verdict,
    pub finding: String,
    pub claimant: Claimant,
    pub actor: Actor,
    pub now: OffsetDateTime,
}

fn parse_number(s: &str) -> Result<CaseNumber> {
    CaseNumber::parse(s).map_err(|_| CommitmentServiceError::BadNumber)
}

/// The asked department records its finding, once. Bureau staff and other departments are
/// refused (403); an unknown case 404.
///
/// # Errors
/// `Denied`, `NotFound`, the domain's refusals, the store's.
pub fn answer(tx: &mut Tx<'_>, principal: &Principal, req: AnswerRequest) -> Result<Value> {
    let own = Target::department(&principal.jurisdiction, &principal.department);
    authorize(principal, Action::SubmitFeedback, &own)?;
    let number = parse_number(&req.case_number)?;
    let events = store::load_events(tx.conn(), number.as_str())?;
    if events.is_empty() {
        return Err(CommitmentServiceError::NotFound);
    }
    let v = Verification::apply(&events)?;
    let j = number.division().clone();
    let Some(asked_dept) = v.asked.department.clone() else {
        return Err(CommitmentError::WrongDepartment.into());
    };
    authorize(
        principal,
        Action::SubmitFeedback,
        &Target::department(&j, &asked_dept),
    )?;
    let today = legal_date(req.now);
    let event = v.answer(
        &principal.department,
        req.claimant,
        today,
        req.verdict,
        &req.finding,
    )?;
    let late = matches!(event, CommitmentEvent::Answered { late: true, .. });
    let meta = Meta {
        time: req.now,
        jurisdiction: j.clone(),
        actor: req.actor,
    };
    let idx = meta.record_event(
        tx,
        &Event::Commitment {
            case_number: number.clone(),
            event: Box::new(event),
        },
    )?;
    Ok(json!({
        "case_number": number,
        "status": req.verdict.code(),
        "status_zh": req.verdict.name_zh(),
        "late": late,
        "revocation_required": req.verdict == Verdict::False,
        "licence_id": v.asked.licence_id,
        "receipt": { "ledger_index": idx, "log": j,
                     "proof": format!("/api/v1/log/{j}/receipt/{idx}") },
    }))
}

/// The tasks of the caller's department, newest first (`open_only`: unanswered ones).
///
/// # Errors
/// `Denied` for anyone but a department; the store's.
pub fn for_department(
    conn: &mut dyn Conn,
    principal: &Principal,
    open_only: bool,
    limit: u32,
) -> Result<Vec<CommitmentRow>> {
    let j = principal.jurisdiction.clone();
    let d = principal.department.clone();
    authorize(
        principal,
        Action::SubmitFeedback,
        &Target::department(&j, &d),
    )?;
    Ok(store::for_department(
        conn,
        &j,
        d.as_str(),
        open_only,
        limit,
    )?)
}

/// The statuses the bureau's list filters on.
pub const STATUSES: [&str; 3] = ["awaiting", "verified", "false"];

/// The jurisdiction's verifications for its staff (`status`: `false` lists the credit
/// records), newest first.
///
/// # Errors
/// `Denied` for anyone who may not read cases; `BadFilter`; the store's.
pub fn for_bureau(
    conn: &mut dyn Conn,
    principal: &Principal,
    status: Option<&str>,
    limit: u32,
) -> Result<Vec<CommitmentRow>> {
    let j = principal.jurisdiction.clone();
    authorize(principal, Action::ViewCases, &Target::jurisdiction(&j))?;
    let status = match status {
        None | Some("" | "all") => None,
        Some(s) if STATUSES.contains(&s) => Some(s),
        Some(_) => return Err(CommitmentServiceError::BadFilter),
    };
    Ok(store::for_bureau(conn, &j, status, limit)?)
}

/// One case's verification, for staff who may read the case.
///
/// # Errors
/// `Denied`; the store's.
pub fn for_case(
    conn: &mut dyn Conn,
    principal: &Principal,
    number: &CaseNumber,
) -> Result<Option<CommitmentRow>> {
    authorize(
        principal,
        Action::ViewCases,
        &Target::jurisdiction(number.division()),
    )?;
    Ok(store::row(conn, number.as_str())?)
}

/// The Chinese name of a row's status.
#[must_use]
pub fn status_zh(status: &str) -> &'static str {
    match Verdict::parse(status) {
        Some(v) => v.name_zh(),
        None => "待核查",
    }
}
