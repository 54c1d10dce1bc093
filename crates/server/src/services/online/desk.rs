//! The clerk's side of an online application shared by single and "one thing" applications:
//! what a receipt did, the re-check on the writer, the link to what it opened, and the files
//! kept among the case's materials.

use oneseal_domain::case::{IntakeInput, Sha256Digest};
use oneseal_store::Conn;
use oneseal_store::online_applications::{self as rows, OnlineRow};
use serde::Serialize;
use time::OffsetDateTime;

use super::error::OnlineError;
use crate::services::cases::{Acting, CaseServiceError};
use crate::services::materials::{Materials, store_material};
use crate::services::sealing::SealKeys;
use oneseal_store::Store;

/// What a clerk's receipt of an online application did.
#[derive(Debug, Serialize)]
pub struct Received {
    pub case_number: String,
    /// Shown once, to the clerk (the applicant follows the case from their account).
    pub query_code: Option<String>,
    /// `registered` or `supplement`.
    pub received: &'static str,
    /// Files stored among the case's materials.
    pub stored: usize,
    /// A "one thing" application: every case it opened (`case_number` is the first, the
    /// application's number).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cases: Vec<String>,
}

/// What [`receive`] needs besides the application.
pub struct Desk<'a> {
    pub store: &'a Store,
    pub materials: Option<&'a Materials>,
    pub seals: &'a std::sync::Arc<SealKeys>,
}

/// The nonce a registration's receipt is drawn with.
pub(super) fn fresh_nonce() -> Result<[u8; 32], CaseServiceError> {
    let mut nonce = [0u8; 32];
    getrandom::fill(&mut nonce)
        .map_err(|e| CaseServiceError::Corrupt(format!("no randomness: {e}")))?;
    Ok(nonce)
}

/// The submission, checked again on the writer: a second clerk may have received it meanwhile.
pub(super) fn still_submitted(conn: &mut dyn Conn, id: &str) -> Result<OnlineRow, OnlineError> {
    let row = rows::get(conn, id)?.ok_or(OnlineError::NotFound)?;
    if row.status != "submitted" {
        return Err(OnlineError::NothingToReceive);
    }
    Ok(row)
}

/// Links a received submission to what it opened (a case, or a bundle's application).
pub(super) fn mark_registered(
    conn: &mut dyn Conn,
    mut row: OnlineRow,
    opened: String,
    now: OffsetDateTime,
) -> Result<(), OnlineError> {
    row.status = "registered".into();
    row.case_number = Some(opened);
    row.updated_at = now.unix_timestamp();
    rows::update(conn, &row)?;
    Ok(())
}

/// Every file `input` names must be one `subject` uploaded.
pub(super) fn check_files(
    conn: &mut dyn Conn,
    subject: &str,
    input: &IntakeInput,
) -> Result<(), OnlineError> {
    for (_, sha) in files_of(input) {
        let sha = sha.trim().to_ascii_lowercase();
        if rows::file(conn, subject, &sha)?.is_none() {
            return Err(OnlineError::UnknownFile { sha256: sha });
        }
    }
    Ok(())
}

/// The files an application names: its materials, and an agent's authorisation (委托书), which
/// the applicant uploads as any other file.
pub(super) fn files_of(input: &IntakeInput) -> Vec<(String, String)> {
    let mut files = input.materials.clone();
    let rep = &input.representation;
    if rep.kind.trim() == "agent" && !rep.authorisation_sha256.trim().is_empty() {
        files.push((
            oneseal_domain::case::AUTHORISATION_MATERIAL.to_owned(),
            rep.authorisation_sha256.clone(),
        ));
    }
    files
}

/// Stores the applicant's files among the case's materials (a file the store lost stays
/// listed by its digest, as at the window).
pub(super) async fn keep(
    desk: &Desk<'_>,
    who: &Acting,
    number: &oneseal_domain::case::CaseNumber,
    files: &[(String, String)],
) -> usize {
    let Some(materials) = desk.materials else {
        return 0;
    };
    let mut stored = 0;
    for (name, sha) in files {
        let Ok(digest) = Sha256Digest::parse(sha.trim()) else {
            continue;
        };
        let bytes = match materials.store.get(&digest).await {
            Ok(Some(b)) => b,
            _ => {
                tracing::warn!(case = %number, "an online application's file is not in the store");
                continue;
            }
        };
        match store_material(
            desk.store,
            materials,
            who.clone(),
            number.clone(),
            name,
            bytes,
        )
        .await
        {
            Ok(_) => stored += 1,
            Err(e) => tracing::warn!(case = %number, error = %e, "an online file was not stored"),
        }
    }
    stored
}
