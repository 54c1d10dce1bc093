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

/// The cases of `jurisdiction` for `item_code` whose applicant is `applicant_id`, in case-number
/// order, each with the licence its decision issued.
pub fn prior_cases(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    item_code: &str,
    applicant_id: &str,
) -> Result<Vec<PriorCase>, StoreError> {
    conn.query(
        "SELECT c.case_number, d.license_id FROM cases c \
         LEFT JOIN document_entries d ON d.case_number = c.case_number AND d.license_id IS NOT NULL \
         WHERE c.applicant_id = ? AND c.jurisdiction = ? AND c.item_code = ? ORDER BY c.case_number",
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
