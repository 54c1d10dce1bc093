//! What a case linked to a licence does to it, kept apart from the case service so that the
//! case service can call it without the licence applications (which register cases) calling
//! back: the bans of Art. 78–79 read from the log, and a linked case's decision recorded on
//! its licence (renewed, refused, changed, cancelled) in the decision's transaction.

use oneseal_domain::calendar::Calendar;
use oneseal_domain::case::{Applicant, Case, CaseEvent, Decision, art78_ban, legal_date};
use oneseal_domain::licence::LicenceEvent;
use oneseal_domain::licence::ban::{Ban, BanArticle};
use oneseal_domain::org::DivisionCode;
use oneseal_store::projection::{load_case_events, load_licence_events};
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
) -> Result<Option<Ban>, LicenceServiceError> {
    // Only the earlier cases that can bar (a non-acceptance, a refusal, a licence no longer
    // valid): the applicant's granted cases are never read here.
    let prior = oneseal_store::applicants::ban_candidates(
        conn,
        j.as_str(),
        item_code,
        applicant_id(applicant),
    )?;
    for p in prior {
        let events = load_case_events(conn, &p.case_number)?;
        let case = Case::apply(&events).map_err(|e| LicenceServiceError::Corrupt(e.to_string()))?;
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
        // Art. 78: a non-acceptance or a refusal for concealed facts or false materials.
        bans.extend(art78_ban(&events));
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
