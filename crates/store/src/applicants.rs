//! What an applicant's earlier cases left that intake must know, found by the applicant's
//! identifier (credit code or ID number): the bans of Licensing Law Art. 78–79 on applying
//! again for an item, and who holds a licence.
//!
//! The bans are a projection, `applicant_bans` (migration 60): one row per ban, written when
//! the event that imposes it is written (a step of a case, `projection::write_case_event`, or a
//! licence's revocation, `projection::apply_licence_event`), so the writer and `ledger verify`'s
//! replay write the same rows. Which event imposes which ban is the domain's answer
//! (`domain::case::ban_by_step`, `ban_by_licence_event`); this module only stores it. Intake
//! reads the applicant's rows for the item, an index range: it used to walk every earlier case
//! of the applicant for the item inside the single writer, which made each intake slower than
//! the last for an applicant with a long history (issue #17).
//!
//! The identifier is personal data: it is kept beside the ban as `cases.applicant_id` keeps it
//! beside the case, compared inside statements here, and never returned or logged (`ledger
//! verify` hides the column's values).

use oneseal_domain::case::{CaseEvent, Received, ban_by_licence_event, ban_by_step};
use oneseal_domain::licence::LicenceEvent;
use oneseal_domain::licence::ban::{Ban, BanArticle};
use time::Date;
use time::macros::format_description;

use crate::case_rows::{applicant_id, event_at};
use crate::sql::Conn;
use crate::{StoreError, params};

/// `applicant_bans` as `ledger verify` compares it: keyed by the case and the article (one
/// ban of each article per case; a unique index), the applicant among the other columns so that
/// verify's output never shows it.
pub(crate) const PROJECTED: (&str, &[&str], &[&str]) = (
    "applicant_bans",
    &["case_number", "article"],
    &[
        "applicant_id",
        "jurisdiction",
        "item_code",
        "since",
        "until",
    ],
);

/// The bans recorded against `applicant_id` for `item_code` in `jurisdiction`, in case-number
/// order and, within a case, Art. 78 before Art. 79 (whether each still bars is the caller's
/// question: [`Ban::bars`]).
pub fn bans_of(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    item_code: &str,
    applicant_id: &str,
) -> Result<Vec<Ban>, StoreError> {
    conn.query(
        "SELECT article, since, until FROM applicant_bans \
         WHERE applicant_id = ? AND jurisdiction = ? AND item_code = ? \
         ORDER BY case_number, article",
        params![applicant_id, jurisdiction, item_code],
    )?
    .into_iter()
    .map(|r| {
        let article = r.text(0)?;
        Ok(Ban {
            article: BanArticle::parse(&article)
                .ok_or_else(|| StoreError::Corrupt(format!("ban article {article}")))?,
            item_code: item_code.to_owned(),
            since: date(&r.text(1)?)?,
            until: date(&r.text(2)?)?,
        })
    })
    .collect()
}

fn date(s: &str) -> Result<Date, StoreError> {
    Date::parse(s, format_description!("[year]-[month]-[day]"))
        .map_err(|e| StoreError::Corrupt(format!("ban date {s}: {e}")))
}

/// Records `ban` against the applicant of the case received as `r`, in `jurisdiction`. The
/// first ban of an article for a case stands (a later one is not recorded), as the old
/// history-wide reading kept the first answer for false materials.
fn record(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    r: &Received,
    ban: &Ban,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO applicant_bans (applicant_id, jurisdiction, item_code, case_number, article, \
         since, until) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        params![
            applicant_id(&r.applicant),
            jurisdiction,
            ban.item_code.as_str(),
            r.case_number.as_str(),
            ban.article.code(),
            ban.since.to_string(),
            ban.until.to_string()
        ],
    )?;
    Ok(())
}

/// A step of the case received as `r` (in `jurisdiction`): records the ban it imposes, if any.
/// No read: the case row and its receipt are at hand.
pub(crate) fn after_step(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    r: &Received,
    event: &CaseEvent,
) -> Result<(), StoreError> {
    match ban_by_step(r, event) {
        Some(ban) => record(conn, jurisdiction, r, &ban),
        None => Ok(()),
    }
}

/// An event of a licence issued by case `issued_by`: a revocation may ban the holder, which
/// takes the case's receipt and jurisdiction (two reads, for revocations only: they are rare).
pub(crate) fn after_licence_event(
    conn: &mut dyn Conn,
    issued_by: &str,
    event: &LicenceEvent,
) -> Result<(), StoreError> {
    if !matches!(event, LicenceEvent::Revoked { .. }) {
        return Ok(());
    }
    let Some((jurisdiction, r)) = receipt(conn, issued_by)? else {
        return Ok(());
    };
    match ban_by_licence_event(&r, event) {
        Some(ban) => record(conn, &jurisdiction, &r, &ban),
        None => Ok(()),
    }
}

/// The case's jurisdiction (as its row has it) and receipt (its first event).
fn receipt(conn: &mut dyn Conn, number: &str) -> Result<Option<(String, Received)>, StoreError> {
    let Some(row) = conn.query_one(
        "SELECT c.jurisdiction, e.body FROM cases c JOIN case_events e \
         ON e.case_number = c.case_number AND e.seq = 1 WHERE c.case_number = ?",
        params![number],
    )?
    else {
        return Ok(None);
    };
    match event_at(&row, 1, number)? {
        CaseEvent::Received(r) => Ok(Some((row.text(0)?, *r))),
        _ => Err(StoreError::Corrupt(format!(
            "case {number}: the first event is not the receipt"
        ))),
    }
}

/// Migration 60: records the bans of every existing history, as the projection would have
/// while writing it: each case's answers for false materials (pages of `not_accepted` and
/// `decided` steps, only those answers read with their receipts), then each revocation.
/// Reads bodies stored packed or plain (`case_rows::event_at`).
pub fn backfill(conn: &mut dyn Conn) -> Result<(), StoreError> {
    const PAGE: i64 = 1000;
    let mut after = (String::new(), 0i64);
    loop {
        let rows = conn.query(
            "SELECT case_number, seq, body FROM case_events \
             WHERE kind IN ('not_accepted', 'decided') \
             AND (case_number > ? OR (case_number = ? AND seq > ?)) \
             ORDER BY case_number, seq LIMIT ?",
            params![after.0.as_str(), after.0.as_str(), after.1, PAGE],
        )?;
        for row in &rows {
            let (number, seq) = (row.text(0)?, row.int(1)?);
            let event = event_at(row, 2, &number)?;
            if oneseal_domain::case::false_materials_at(&event).is_some()
                && let Some((jurisdiction, r)) = receipt(conn, &number)?
            {
                after_step(conn, &jurisdiction, &r, &event)?;
            }
            after = (number, seq);
        }
        if rows.len() < PAGE as usize {
            break;
        }
    }
    // Revocations: every licence event is one JSON body without a kind column; the pattern
    // only narrows the page (a typed reason may match it too), the parsed event decides.
    let mut after = (String::new(), 0i64);
    loop {
        let rows = conn.query(
            "SELECT licence_id, seq, body FROM licence_events \
             WHERE body LIKE '%\"revoked\"%' \
             AND (licence_id > ? OR (licence_id = ? AND seq > ?)) \
             ORDER BY licence_id, seq LIMIT ?",
            params![after.0.as_str(), after.0.as_str(), after.1, PAGE],
        )?;
        for row in &rows {
            let (id, seq) = (row.text(0)?, row.int(1)?);
            let event: LicenceEvent = serde_json::from_str(&row.text(2)?)
                .map_err(|e| StoreError::Corrupt(format!("licence {id}: {e}")))?;
            if matches!(event, LicenceEvent::Revoked { .. })
                && let Some(issued_by) = issuing_case(conn, &id)?
            {
                after_licence_event(conn, &issued_by, &event)?;
            }
            after = (id, seq);
        }
        if rows.len() < PAGE as usize {
            return Ok(());
        }
    }
}

/// The case whose decision issued licence `id`, as its first event says.
fn issuing_case(conn: &mut dyn Conn, id: &str) -> Result<Option<String>, StoreError> {
    let Some(row) = conn.query_one(
        "SELECT body FROM licence_events WHERE licence_id = ? AND seq = 1",
        params![id],
    )?
    else {
        return Ok(None);
    };
    let first: LicenceEvent = serde_json::from_str(&row.text(0)?)
        .map_err(|e| StoreError::Corrupt(format!("licence {id}: {e}")))?;
    Ok(match first {
        LicenceEvent::Issued { case_number, .. } => Some(case_number),
        _ => None,
    })
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
