//! Applications about a licence (延续, 变更, 注销申请) as cases linked to it, and the bans of
//! Licensing Law Art. 78–79 checked at every intake.
//!
//! An application is received like a first one (`services::cases::intake`, the same checks,
//! query code and sealed vouchers), under the licence's own item, from the holder only; the
//! receipt keeps the link (`domain::licence::LicenceLink`). The decision is sealed by the usual
//! step; [`after_decision`] then records what it does to the licence (renewed, refused — the
//! licence ends at its expiry —, changed, cancelled) in the same transaction.
//!
//! The bans are read from what the log already records: a refusal marked for false materials
//! (Art. 78) and a revocation for deception or bribery (Art. 79), on an item whose legal
//! settings say it bears on public safety. The applicant is found by the private
//! `cases.applicant_id` column (`store::applicants`); nothing new holds the identifier.

use oneseal_domain::case::{Applicant, Case, CaseEvent, Decision, IntakeInput, legal_date};
use oneseal_domain::licence::ban::{Ban, BanArticle};
use oneseal_domain::licence::{LicenceEvent, LicencePurpose, application::ApplicationRequest};
use oneseal_domain::org::DivisionCode;
use oneseal_store::projection::{load_case_events, load_licence_events};
use oneseal_store::{Conn, Store, Tx};
use time::Date;

use super::{LicenceServiceError, load, record};
use crate::services::cases::{
    Acting, CaseServiceError, IntakeReceipt, IntakeRequest, intake, prepare,
};

/// The applicant's identifier: an organisation's credit code or a natural person's ID number.
fn applicant_id(a: &Applicant) -> &str {
    match a {
        Applicant::NaturalPerson { id_number, .. } => id_number.as_str(),
        Applicant::Organisation { uscc, .. } => uscc.as_str(),
    }
}

fn licence_error(e: LicenceServiceError) -> CaseServiceError {
    CaseServiceError::Licence(Box::new(e))
}

/// The ban, if any, that stops `applicant` applying for `item_code` in `j` on `today`.
///
/// # Errors
/// The store's, or a stored case that does not replay.
pub fn ban_on(
    conn: &mut dyn Conn,
    j: &DivisionCode,
    item_code: &str,
    applicant: &Applicant,
    today: Date,
) -> Result<Option<Ban>, CaseServiceError> {
    let prior = oneseal_store::applicants::prior_cases(
        conn,
        j.as_str(),
        item_code,
        applicant_id(applicant),
    )?;
    for p in prior {
        let events = load_case_events(conn, &p.case_number)?;
        let case = Case::apply(&events).map_err(|e| CaseServiceError::Corrupt(e.to_string()))?;
        let safety = case
            .received()
            .item
            .legal
            .as_ref()
            .is_some_and(|l| l.public_safety.is_some());
        if !safety {
            continue;
        }
        let mut bans = Vec::new();
        if let Some(d) = case.decision()
            && let Decision::Refuse(r) = &d.decision
            && r.false_materials()
        {
            bans.push(Ban::new(BanArticle::Art78, item_code, d.on()));
        }
        if let Some(id) = &p.licence_id {
            for e in load_licence_events(conn, id)? {
                if let LicenceEvent::Revoked {
                    fraud, ground, on, ..
                } = e
                    && (fraud || ground.is_some_and(|g| g.is_fraud()))
                {
                    bans.push(Ban::new(BanArticle::Art79, item_code, on));
                }
            }
        }
        if let Some(b) = bans.into_iter().find(|b| b.bars(item_code, today)) {
            return Ok(Some(b));
        }
    }
    Ok(None)
}

/// Art. 78–79 at intake: a banned applicant's application for that item is refused.
///
/// # Errors
/// [`CaseServiceError::Banned`] with the ban.
pub fn check_bans(
    conn: &mut dyn Conn,
    who: &Acting,
    item_code: &str,
    applicant: &Applicant,
) -> Result<(), CaseServiceError> {
    match ban_on(
        conn,
        &who.jurisdiction,
        item_code,
        applicant,
        legal_date(who.now),
    )? {
        Some(b) => Err(CaseServiceError::Banned(b)),
        None => Ok(()),
    }
}

/// What the holder applies for, besides the application itself.
pub struct Application {
    pub licence_id: String,
    pub purpose: LicencePurpose,
    /// Change: what is to change.
    pub change: Option<String>,
    /// The applicant, channel and materials; the item is the licence's own.
    pub input: IntakeInput,
}

/// Registers an application about a licence on `tx`: checks it, receives the case under the
/// licence's item with the link in its receipt, and records a renewal's application on the
/// licence.
///
/// # Errors
/// `Invalid` for bad fields, `Licence` for a licence that is not found here or refuses the
/// application (not the holder, too late, pending, not allowed), `Banned` (Art. 78–79).
pub fn register_application(
    tx: &mut Tx<'_>,
    who: &Acting,
    app: Application,
    nonce: [u8; 32],
) -> Result<IntakeReceipt, CaseServiceError> {
    let rec = load(tx.conn(), &app.licence_id).map_err(licence_error)?;
    if rec.jurisdiction != who.jurisdiction {
        return Err(licence_error(LicenceServiceError::NotFound));
    }
    let Some(LicenceEvent::Issued {
        item_code,
        case_number: first_case,
        ..
    }) = rec.events.first().cloned()
    else {
        return Err(licence_error(LicenceServiceError::NotFound));
    };
    let mut input = app.input;
    input.item_code = item_code.clone();
    let p = prepare(tx.conn(), &who.jurisdiction, &input, false)?;
    let applicant = p.checked.applicant.clone();
    let holder_matches =
        oneseal_store::applicants::applicant_is(tx.conn(), &first_case, applicant_id(&applicant))?;
    let today = legal_date(who.now);
    let meta = who.meta();
    let mut licence = rec.licence;
    // Art. 50: an earlier renewal deemed granted meanwhile is recorded before anything else.
    if let Some(deemed) = licence.deemed_renewal(today) {
        licence = record(tx, &meta, &who.calendar, &app.licence_id, vec![deemed])
            .map_err(licence_error)?;
    }
    let request = ApplicationRequest {
        purpose: app.purpose,
        holder_matches,
        holder_may_cancel: p.item.legal.holder_cancellation.is_some(),
        term: p.item.legal.licence_term.as_ref().map(|t| t.value),
        change: app.change,
    };
    let (link, _) = licence
        .open_application(request.clone(), "", today)
        .map_err(|e| licence_error(e.into()))?;
    check_bans(tx.conn(), who, &item_code, &applicant)?;
    let query_code = who.secrets.intake_code(&nonce);
    let req = IntakeRequest {
        item: p.item,
        joint_handling: false,
        channel: p.checked.channel,
        applicant,
        materials: p.checked.materials,
        licence: Some(link),
        submitted_at: None,
    };
    let (case_number, ledger_index) = intake(tx, who, req, &query_code)?;
    let (_, events) = licence
        .open_application(request, case_number.as_str(), today)
        .map_err(|e| licence_error(e.into()))?;
    record(tx, &meta, &who.calendar, &app.licence_id, events).map_err(licence_error)?;
    Ok(IntakeReceipt {
        case_number,
        query_code,
        ledger_index,
        replayed: false,
    })
}

/// [`register_application`] on the writer, with a fresh nonce.
///
/// # Errors
/// As [`register_application`].
pub async fn apply(
    store: &Store,
    who: Acting,
    app: Application,
) -> Result<IntakeReceipt, CaseServiceError> {
    let mut nonce = [0u8; 32];
    getrandom::fill(&mut nonce)
        .map_err(|e| CaseServiceError::Corrupt(format!("no randomness: {e}")))?;
    store
        .write(move |tx| register_application(tx, &who, app, nonce))
        .await
}

/// After a step of `case`: a decision on a linked case acts on its licence (a deemed renewal
/// due first is recorded first).
///
/// # Errors
/// The licence's refusal (e.g. no longer valid) or the store's.
pub fn after_decision(
    tx: &mut Tx<'_>,
    who: &Acting,
    case: &Case,
    new: &[CaseEvent],
) -> Result<(), CaseServiceError> {
    let Some(link) = case.licence_link() else {
        return Ok(());
    };
    for e in new {
        let CaseEvent::Decided {
            decision, approver, ..
        } = e
        else {
            continue;
        };
        let rec = load(tx.conn(), &link.licence_id).map_err(licence_error)?;
        let today = legal_date(who.now);
        let meta = who.meta();
        let mut licence = rec.licence;
        if let Some(deemed) = licence.deemed_renewal(today) {
            licence = record(tx, &meta, &who.calendar, &link.licence_id, vec![deemed])
                .map_err(licence_error)?;
        }
        let granted = !matches!(decision, Decision::Refuse(_));
        let number = case.received().case_number.as_str();
        let events = licence
            .decide_application(link, number, granted, approver, today)
            .map_err(|e| licence_error(e.into()))?;
        record(tx, &meta, &who.calendar, &link.licence_id, events).map_err(licence_error)?;
    }
    Ok(())
}
