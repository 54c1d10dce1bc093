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

/// Every rating of a jurisdiction, newest first (the dashboard's reading; lists use [`page`]).
pub fn list(conn: &mut dyn Conn, jurisdiction: &str) -> Result<Vec<RatingRow>, StoreError> {
    page_rows(
        conn.query(
            "SELECT case_number, level, channel, rated_on, rectification_due, rectification_status, rectified_by \
             FROM ratings WHERE jurisdiction = ? ORDER BY rated_on DESC, case_number",
            params![jurisdiction],
        )?,
    )
}

fn page_rows(rows: Vec<crate::Row>) -> Result<Vec<RatingRow>, StoreError> {
    rows.into_iter()
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

/// Where a page of ratings starts: the (rated_on, case_number) of the row it follows
/// (`after`) or precedes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingKey {
    pub after: bool,
    pub rated_on: String,
    pub case_number: String,
}

/// A page of ratings and whether rows lie beyond each end.
#[derive(Debug, Clone, Default)]
pub struct RatingPage {
    pub rows: Vec<RatingRow>,
    pub more_before: bool,
    pub more_after: bool,
}

/// One page of a jurisdiction's ratings, newest first (then by case number), by keyset.
pub fn page(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    key: Option<&RatingKey>,
    limit: u32,
) -> Result<RatingPage, StoreError> {
    let mut sql = String::from(
        "SELECT case_number, level, channel, rated_on, rectification_due, rectification_status, rectified_by \
         FROM ratings WHERE jurisdiction = ?",
    );
    let mut args: Vec<crate::Value> = params![jurisdiction].to_vec();
    let backwards = key.is_some_and(|k| !k.after);
    if let Some(k) = key {
        // rated_on runs descending, case_number ascending: the mirror image going back.
        let (d_op, n_op) = if k.after { ("<", ">") } else { (">", "<") };
        sql.push_str(&format!(
            " AND (rated_on {d_op} ? OR (rated_on = ? AND case_number {n_op} ?))"
        ));
        args.extend_from_slice(params![
            k.rated_on.as_str(),
            k.rated_on.as_str(),
            k.case_number.as_str()
        ]);
    }
    sql.push_str(if backwards {
        " ORDER BY rated_on ASC, case_number DESC LIMIT ?"
    } else {
        " ORDER BY rated_on DESC, case_number ASC LIMIT ?"
    });
    args.push(i64::from(limit).saturating_add(1).into());
    let mut rows = page_rows(conn.query(&sql, &args)?)?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    if backwards {
        rows.reverse();
    }
    Ok(RatingPage {
        rows,
        more_before: if backwards { more } else { key.is_some() },
        more_after: if backwards { true } else { more },
    })
}

/// How many ratings of each level code a jurisdiction has.
pub fn count_by_level(
    conn: &mut dyn Conn,
    jurisdiction: &str,
) -> Result<Vec<(String, i64)>, StoreError> {
    conn.query(
        "SELECT level, COUNT(*) FROM ratings WHERE jurisdiction = ? GROUP BY level",
        params![jurisdiction],
    )?
    .iter()
    .map(|r| Ok((r.text(0)?, r.int(1)?)))
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

/// Remembers where a case's rating is on its log (written with the rating's entry).
pub fn insert_entry(
    conn: &mut dyn Conn,
    case_number: &str,
    log: &str,
    idx: u64,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO rating_entries (case_number, log, idx) VALUES (?, ?, ?)",
        params![case_number, log, idx],
    )?;
    Ok(())
}

/// A rating's entry with its private payload: (entry, salt, body).
pub type RatingEntry = (Vec<u8>, Vec<u8>, Vec<u8>);

/// The ledger entry of a case's rating with its private body (`None` when the case has no
/// rating, or its entry lacks a payload): only the bureau's staff pages read it.
pub fn rating_entry(
    conn: &mut dyn Conn,
    case_number: &str,
) -> Result<Option<RatingEntry>, StoreError> {
    let Some(at) = conn.query_one(
        "SELECT log, idx FROM rating_entries WHERE case_number = ?",
        params![case_number],
    )?
    else {
        return Ok(None);
    };
    let (log, idx) = (at.text(0)?, at.u64(1)?);
    let (lo, hi) = crate::log::entry_keys(conn, &log, idx, idx.saturating_add(1))?;
    if lo >= hi {
        return Ok(None);
    }
    conn.query_one(
        "SELECT entry, salt, body FROM ledger_entries WHERE id = ? AND salt IS NOT NULL AND body IS NOT NULL",
        params![lo],
    )?
    .map(|r| {
        Ok((
            crate::codec::open(conn, &r.blob(0)?, crate::codec::Part::Entry)?,
            r.blob(1)?,
            crate::codec::open(conn, &r.blob(2)?, crate::codec::Part::Body)?,
        ))
    })
    .transpose()
}

/// Migration 23: the log place of every rating recorded before it, found by the entries' kind
/// and the case number in their public subject (a page of entries at a time).
pub fn backfill_entries(conn: &mut dyn Conn) -> Result<(), StoreError> {
    const PAGE: i64 = 500;
    let mut after = i64::MIN;
    loop {
        let rows = conn.query(
            "SELECT id, log, idx, entry FROM ledger_entries WHERE kind = 'rating.submitted' AND id > ? \
             ORDER BY id LIMIT ?",
            params![after, PAGE],
        )?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.int(0)?;
        for r in &rows {
            let entry = crate::codec::open(conn, &r.blob(3)?, crate::codec::Part::Entry)?;
            let entry: serde_json::Value = serde_json::from_slice(&entry)
                .map_err(|e| StoreError::Corrupt(format!("rating entry: {e}")))?;
            let Some(case) = entry["subject"]["case"].as_str() else {
                continue;
            };
            conn.execute(
                "INSERT INTO rating_entries (case_number, log, idx) VALUES (?, ?, ?) \
                 ON CONFLICT (case_number) DO NOTHING",
                params![case, r.text(1)?, r.u64(2)?],
            )?;
        }
        if rows.len() < PAGE as usize {
            return Ok(());
        }
    }
}
