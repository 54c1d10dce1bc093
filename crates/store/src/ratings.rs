//! The ratings table (好差评) as the server reads it: what a new rating is checked against, the
//! bureau's list, and whether a bad rating's rectification is still open. Written only by the
//! projection of `CaseRated` and `RectificationClosed`.

use serde::Serialize;

use crate::sql::Conn;
use crate::{StoreError, params};

/// What a rating is checked against: the case's jurisdiction, its query-code digest and
/// whether it is closed.
#[derive(Debug, Clone)]
pub struct RatedCase {
    pub jurisdiction: String,
    pub query_code_hash: String,
    pub closed: bool,
}

/// The case to be rated, if it exists.
pub fn case_to_rate(
    conn: &mut dyn Conn,
    case_number: &str,
) -> Result<Option<RatedCase>, StoreError> {
    conn.query_one(
        "SELECT jurisdiction, query_code_hash, closed FROM cases WHERE case_number = ?",
        params![case_number],
    )?
    .map(|r| {
        Ok(RatedCase {
            jurisdiction: r.text(0)?,
            query_code_hash: r.text(1)?,
            closed: r.int(2)? != 0,
        })
    })
    .transpose()
}

/// Whether the case already has its (one) rating.
pub fn is_rated(conn: &mut dyn Conn, case_number: &str) -> Result<bool, StoreError> {
    Ok(conn
        .query_one(
            "SELECT 1 FROM ratings WHERE case_number = ?",
            params![case_number],
        )?
        .is_some())
}

/// One rating as the bureau sees it (never the applicant's comment in lists: it is private).
#[derive(Debug, Clone, Serialize)]
pub struct RatingRow {
    pub case_number: String,
    pub level: String,
    pub channel: String,
    pub rated_on: String,
    pub rectification_due: Option<String>,
    pub rectification_status: Option<String>,
    pub rectified_by: Option<String>,
}

/// Every rating of a jurisdiction, newest first.
pub fn list(conn: &mut dyn Conn, jurisdiction: &str) -> Result<Vec<RatingRow>, StoreError> {
    conn.query(
        "SELECT case_number, level, channel, rated_on, rectification_due, rectification_status, rectified_by \
         FROM ratings WHERE jurisdiction = ? ORDER BY rated_on DESC, case_number",
        params![jurisdiction],
    )?
    .into_iter()
    .map(|r| {
        Ok(RatingRow {
            case_number: r.text(0)?,
            level: r.text(1)?,
            channel: r.text(2)?,
            rated_on: r.text(3)?,
            rectification_due: r.opt_text(4)?,
            rectification_status: r.opt_text(5)?,
            rectified_by: r.opt_text(6)?,
        })
    })
    .collect()
}

/// The rectification status of a case's rating in a jurisdiction: `None` when there is no such
/// rating, `Some(None)` when the rating needs no rectification.
pub fn rectification_status(
    conn: &mut dyn Conn,
    case_number: &str,
    jurisdiction: &str,
) -> Result<Option<Option<String>>, StoreError> {
    conn.query_one(
        "SELECT rectification_status FROM ratings WHERE case_number = ? AND jurisdiction = ?",
        params![case_number, jurisdiction],
    )?
    .map(|r| r.opt_text(0))
    .transpose()
}
