//! A "one thing" application made online (issue #20 item 2): the applicant's body names a
//! bundle (`"bundle": "<code>"`) instead of an item, gives the shared materials once, and is
//! checked as the window's combined form is (`bundles::intake::prepare`). The clerk's receipt
//! registers one linked case per item in one transaction (`register_bundle_at`), every case
//! received at the submission time (Art. 33); each case keeps the files its item lists, and
//! each receipt reaches the applicant's inbox.

use oneseal_domain::case::{CaseNumber, IntakeInput};
use oneseal_store::Conn;
use oneseal_store::online_applications::OnlineRow;
use serde_json::Value;
use time::OffsetDateTime;

use super::desk::{Desk, Received, fresh_nonce, keep, mark_registered, still_submitted};
use super::error::OnlineError;
use crate::services::bundles::intake::{prepare, register_bundle_at};
use crate::services::cases::{Acting, CaseServiceError, load};

/// What a bundle application keeps in its `item_code` column (the clerk's list shows it).
const PREFIX: &str = "bundle:";

pub(super) fn item_code(code: &str) -> String {
    format!("{PREFIX}{}", code.trim())
}

/// Whether a stored application is a bundle's.
pub(super) fn is_bundle(row: &OnlineRow) -> bool {
    row.item_code.starts_with(PREFIX)
}

/// The case of application `row` that `wanted` names: its (first) case when `wanted` is absent
/// or blank, else a case its "one thing" application opened.
///
/// # Errors
/// `NotFound` for an application not registered, or a case it did not open.
pub(super) fn member(
    conn: &mut dyn Conn,
    row: &OnlineRow,
    wanted: Option<&str>,
) -> Result<CaseNumber, OnlineError> {
    let first = row
        .case_number
        .as_deref()
        .and_then(|n| CaseNumber::parse(n).ok())
        .ok_or(OnlineError::NotFound)?;
    let wanted = match wanted.map(str::trim) {
        None | Some("") => return Ok(first),
        Some(n) => CaseNumber::parse(n).map_err(|_| OnlineError::NotFound)?,
    };
    if wanted == first {
        return Ok(first);
    }
    let same = is_bundle(row)
        && oneseal_store::bundles::application_of(conn, wanted.as_str())?.as_deref()
            == Some(first.as_str());
    if same {
        Ok(wanted)
    } else {
        Err(OnlineError::NotFound)
    }
}

/// Checks the combined form of bundle `code` in `j`.
pub(super) fn check(
    conn: &mut dyn Conn,
    j: &oneseal_domain::org::DivisionCode,
    code: &str,
    input: &IntakeInput,
) -> Result<(), OnlineError> {
    prepare(conn, j.as_str(), code.trim(), input)?;
    Ok(())
}

/// The clerk receives a submitted bundle application: its cases, received when submitted.
pub(super) async fn register(
    desk: Desk<'_>,
    who: Acting,
    row: OnlineRow,
    input_of: impl FnOnce(&Value) -> IntakeInput,
) -> Result<Received, OnlineError> {
    let body: Value = serde_json::from_str(&row.body)
        .map_err(|e| CaseServiceError::Corrupt(format!("stored application: {e}")))?;
    let code = row.item_code.trim_start_matches(PREFIX).to_owned();
    let input = input_of(&body);
    let files: Vec<(String, String)> = input.materials.clone();
    let submitted_at = row
        .submitted_at
        .and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok());
    let j = who.jurisdiction.as_str().to_owned();
    let prepared = desk
        .store
        .read_committed(move |c| prepare(c, &j, &code, &input))
        .await?;
    let nonce = fresh_nonce()?;
    let w = who.clone();
    let id = row.id.clone();
    let receipt = desk
        .store
        .write(move |tx| -> Result<_, OnlineError> {
            let row = still_submitted(tx.conn(), &id)?;
            let receipt = register_bundle_at(tx, &w, prepared, None, nonce, submitted_at)?;
            mark_registered(tx.conn(), row, receipt.application.clone(), w.now)?;
            // Each receipt reaches the inbox of the account that applied, now linked.
            for opened in &receipt.cases {
                let (case, _) = load(tx.conn(), &opened.case_number)?;
                crate::services::inbox::tell(
                    tx.conn(),
                    &w.secrets,
                    &case,
                    "received",
                    opened.ledger_index,
                    w.now,
                )?;
            }
            Ok(receipt)
        })
        .await?;
    // Each case keeps the files its item lists (a shared one is kept by each).
    let mut stored = 0;
    for opened in &receipt.cases {
        let number: CaseNumber = opened.case_number.clone();
        let n = number.clone();
        let listed = desk
            .store
            .read(move |c| -> Result<Vec<String>, OnlineError> {
                let (case, _) = load(c, &n)?;
                Ok(case
                    .received()
                    .materials
                    .iter()
                    .map(|m| m.sha256.as_str().to_owned())
                    .collect())
            })
            .await?;
        let mine: Vec<(String, String)> = files
            .iter()
            .filter(|(_, sha)| listed.contains(&sha.trim().to_ascii_lowercase()))
            .cloned()
            .collect();
        stored += keep(&desk, &who, &number, &mine).await;
    }
    Ok(Received {
        case_number: receipt.application,
        query_code: Some(receipt.query_code.grouped()),
        received: "registered",
        stored,
        cases: receipt
            .cases
            .iter()
            .map(|c| c.case_number.to_string())
            .collect(),
    })
}
