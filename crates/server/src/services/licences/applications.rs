//! Applications about a licence (延续, 变更, 注销申请) as cases linked to it, and the bans of
//! Licensing Law Art. 78–79 checked at every intake.
//!
//! An application is received like a first one (`services::cases::intake`, the same checks,
//! query code and sealed vouchers), under the licence's own item, from the holder only; the
//! receipt keeps the link (`domain::licence::LicenceLink`). The decision is sealed by the usual
//! step; [`after_decision`] then records what it does to the licence (renewed, refused — the
//! licence ends at its expiry —, changed, cancelled) in the same transaction.
//!
//! The bans are what the log records, as the `applicant_bans` projection keeps them: a
//! non-acceptance or refusal for false materials (Art. 78) and a revocation for deception or
//! bribery (Art. 79), on an item whose legal settings say it bears on public safety. The
//! applicant is found by their identifier, private in that table as in `cases.applicant_id`
//! (`store::applicants`).

use oneseal_domain::case::{Applicant, IntakeInput, legal_date};
use oneseal_domain::licence::{LicenceEvent, LicencePurpose, application::ApplicationRequest};
use oneseal_store::{Conn, Store, Tx};

use super::linked::{applicant_id, ban_on};
use super::{LicenceServiceError, load, record};
use crate::services::cases::{
    Acting, CaseServiceError, IntakeReceipt, IntakeRequest, intake, prepare,
};

fn licence_error(e: LicenceServiceError) -> CaseServiceError {
    CaseServiceError::Licence(Box::new(e))
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
    )
    .map_err(licence_error)?
    {
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
        address: p.checked.address,
        bundle: None,
        // A renewal, change or cancellation is not signed for (issue #19 item 5).
        commitment: false,
        representation: None,
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
