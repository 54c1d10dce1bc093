//! An applicant's earlier cases for one item, found by the applicant's identifier (credit code
//! or ID number, the private `cases.applicant_id` column): what the bans of Licensing Law
//! Art. 78–79 are read from at intake, and who holds a licence.
//!
//! The identifier is personal data: it is only ever compared inside a statement here, never
//! returned, logged or written anywhere new.

use crate::sql::Conn;
use crate::{StoreError, params};

/// One earlier case of the applicant, and the licence its approval issued, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorCase {
    pub case_number: String,
    pub licence_id: Option<String>,
}

/// The cases of `jurisdiction` for `item_code` whose applicant is `applicant_id` that may
/// bar a new application (Art. 78–79), in case-number order, each with the licence its
/// decision issued.
///
/// Only these can: a case with a non-acceptance (Art. 78), a case decided without a licence
/// (a refusal, Art. 78), and a case whose licence is no longer valid (a revocation, Art. 79:
/// no event makes a licence valid again). The caller still reads each one's events for the
/// ban itself. Every other case of the applicant (the granted ones with valid licences, the
/// ones under way) is left in the database: an applicant with many licences for the item used
/// to cost two reads per earlier case at every intake, inside the single writer.
pub fn ban_candidates(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    item_code: &str,
    applicant_id: &str,
) -> Result<Vec<PriorCase>, StoreError> {
    conn.query(
        "SELECT c.case_number, d.license_id FROM cases c \
         LEFT JOIN document_entries d ON d.case_number = c.case_number AND d.license_id IS NOT NULL \
         LEFT JOIN licences l ON l.licence_id = d.license_id \
         WHERE c.applicant_id = ? AND c.jurisdiction = ? AND c.item_code = ? \
         AND ((d.license_id IS NOT NULL AND (l.status IS NULL OR l.status <> 'valid')) \
           OR EXISTS (SELECT 1 FROM case_events e WHERE e.case_number = c.case_number \
                      AND (e.kind = 'not_accepted' OR (e.kind = 'decided' AND d.license_id IS NULL)))) \
         ORDER BY c.case_number",
        params![applicant_id, jurisdiction, item_code],
    )?
    .into_iter()
    .map(|r| {
        Ok(PriorCase {
            case_number: r.text(0)?,
            licence_id: r.opt_text(1)?,
        })
    })
    .collect()
}

/// Whether case `case_number`'s applicant is `applicant_id` (the holder check of an application
/// about the licence that case issued).
pub fn applicant_is(
    conn: &mut dyn Conn,
    case_number: &str,
    applicant_id: &str,
) -> Result<bool, StoreError> {
    Ok(conn
        .query_one(
            "SELECT 1 FROM cases WHERE case_number = ? AND applicant_id = ?",
            params![case_number, applicant_id],
        )?
        .is_some())
}
