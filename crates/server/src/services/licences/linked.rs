//! What a case linked to a licence does to it, kept apart from the case service so that the
//! case service can call it without the licence applications (which register cases) calling
//! back: the bans of Art. 78–79 (as the `applicant_bans` projection recorded them), and a
//! linked case's decision recorded on its licence (renewed, refused, changed, cancelled) in the
//! decision's transaction.

use oneseal_domain::calendar::Calendar;
use oneseal_domain::case::{Applicant, Case, CaseEvent, Decision, legal_date};
use oneseal_domain::licence::ban::Ban;
use oneseal_domain::org::DivisionCode;
use oneseal_store::{Conn, Tx};
use time::{Date, OffsetDateTime};

use super::{LicenceServiceError, load, record};
use crate::services::commands::Meta;

/// The applicant's identifier: an organisation's credit code or a natural person's ID number.
pub(super) fn applicant_id(a: &Applicant) -> &str {
    match a {
        Applicant::NaturalPerson { id_number, .. } => id_number.as_str(),
        Applicant::Organisation { uscc, .. } => uscc.as_str(),
    }
}

/// The ban, if any, that stops `applicant` applying for `item_code` in `j` on `today`: the
/// first that still bars among the bans recorded against them for the item (`applicant_bans`,
/// in case-number order, Art. 78 before Art. 79 within a case). One read however many cases
/// the applicant filed before.
///
/// # Errors
/// The store's.
pub fn ban_on(
    conn: &mut dyn Conn,
    j: &DivisionCode,
    item_code: &str,
    applicant: &Applicant,
    today: Date,
) -> Result<Option<Ban>, LicenceServiceError> {
    let bans =
        oneseal_store::applicants::bans_of(conn, j.as_str(), item_code, applicant_id(applicant))?;
    Ok(bans.into_iter().find(|b| b.bars(item_code, today)))
}

/// After a step of `case`: a decision on a linked case acts on its licence (a deemed renewal
/// due first is recorded first).
///
/// # Errors
/// The licence's refusal (e.g. no longer valid) or the store's.
pub fn after_decision(
    tx: &mut Tx<'_>,
    meta: &Meta,
    calendar: &Calendar,
    now: OffsetDateTime,
    case: &Case,
    new: &[CaseEvent],
) -> Result<(), LicenceServiceError> {
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
        let rec = load(tx.conn(), &link.licence_id)?;
        let today = legal_date(now);
        let mut licence = rec.licence;
        if let Some(deemed) = licence.deemed_renewal(today) {
            licence = record(tx, meta, calendar, &link.licence_id, vec![deemed])?;
        }
        let granted = !matches!(decision, Decision::Refuse(_));
        let number = case.received().case_number.as_str();
        let events = licence
            .decide_application(link, number, granted, approver, today)
            .map_err(LicenceServiceError::from)?;
        record(tx, meta, calendar, &link.licence_id, events)?;
    }
    Ok(())
}
