//! Materials sent online after registration (issue #19 items 4 and 6): files answering a case's
//! one-time notice (补正), or bringing the materials a 容缺 acceptance let follow, kept on the
//! application until a clerk receives them.
//!
//! Why each file names its case: the cases of a "one thing" application (issue #20 item 2) are
//! ordinary cases, each with its own notice or deferred list. A file answering the second case's
//! notice must reach the second case, so every file is kept with the case it answers, and the
//! clerk's receipt records each case's own step (`supplement` or the 容缺 `receive` act) on that
//! case. Files kept before this was so name no case and answer the application's first case.

use oneseal_domain::case::{
    Case, CaseNumber, CaseStatus, Command, DeferralAct, DeferralError, IntakeInput, MaterialRef,
    Sha256Digest,
};
use oneseal_store::Store;
use oneseal_store::online_applications::{self as rows, OnlineRow};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::bundle::{is_bundle, member};
use super::desk::{Desk, Received, check_files, keep};
use super::error::OnlineError;
use crate::services::cases::{Acting, CaseServiceError, load, run_step};

/// One file sent online, with the case it answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentFile {
    pub name: String,
    pub sha256: String,
    /// The case it answers (empty in rows kept before: the application's first case).
    #[serde(default)]
    pub case_number: String,
}

fn corrupt(e: impl std::fmt::Display) -> OnlineError {
    CaseServiceError::Corrupt(format!("stored supplement: {e}")).into()
}

/// The files waiting on `row` for a clerk, each with its case.
///
/// # Errors
/// `Case(Corrupt)` for a stored list that does not read.
pub(super) fn pending(row: &OnlineRow) -> Result<Vec<SentFile>, OnlineError> {
    let Some(text) = &row.supplement else {
        return Ok(Vec::new());
    };
    let mut files: Vec<SentFile> = serde_json::from_str(text).map_err(corrupt)?;
    let first = row.case_number.clone().unwrap_or_default();
    for f in &mut files {
        if f.case_number.is_empty() {
            f.case_number.clone_from(&first);
        }
    }
    Ok(files)
}

fn keep_pending(row: &mut OnlineRow, files: &[SentFile]) -> Result<(), OnlineError> {
    row.supplement = if files.is_empty() {
        None
    } else {
        Some(serde_json::to_string(files).map_err(corrupt)?)
    };
    Ok(())
}

/// The cases files wait for, in the order they were first sent.
pub(super) fn cases_waiting(files: &[SentFile]) -> Vec<String> {
    let mut cases: Vec<String> = Vec::new();
    for f in files {
        if !cases.contains(&f.case_number) {
            cases.push(f.case_number.clone());
        }
    }
    cases
}

/// Whether `case` waits for these materials from the applicant: an open one-time notice takes
/// any, a 容缺 acceptance only the materials still owed.
fn answerable(case: &Case, materials: &[(String, String)]) -> Result<(), OnlineError> {
    if case.status() == CaseStatus::SupplementStarted {
        return Ok(());
    }
    let owed: Vec<&str> = case.deferral().map(|d| d.outstanding()).unwrap_or_default();
    if owed.is_empty() {
        return Err(OnlineError::NoOpenNotice);
    }
    if let Some((name, _)) = materials
        .iter()
        .find(|(n, _)| !owed.iter().any(|o| *o == n.trim()))
    {
        let e = DeferralError::NotOwed {
            material: name.trim().to_owned(),
        };
        return Err(CaseServiceError::Refused(e.into()).into());
    }
    Ok(())
}

/// Sends materials online for the applicant's registered application `id`, answering the open
/// one-time notice or the 容缺 list of its case — for a "one thing" application, of the case
/// `case` names (its first case when absent). Files sent earlier for the same case and not yet
/// received are replaced; another case's stay.
///
/// # Errors
/// `NotFound` for another applicant's application or a case it did not open; `NoOpenNotice`
/// unless that case awaits a supplement or owes deferred materials; `Case(Refused)` for a
/// material it does not owe; `UnknownFile`; `NothingToReceive` for no file.
pub async fn send_supplement(
    store: &Store,
    subject: String,
    id: String,
    case: Option<String>,
    materials: Vec<(String, String)>,
    now: OffsetDateTime,
) -> Result<OnlineRow, OnlineError> {
    store
        .write(move |tx| -> Result<OnlineRow, OnlineError> {
            let mut row = rows::get(tx.conn(), &id)?
                .filter(|r| r.subject == subject)
                .ok_or(OnlineError::NotFound)?;
            if row.case_number.is_none() {
                return Err(OnlineError::NoOpenNotice);
            }
            let number = member(tx.conn(), &row, case.as_deref())?;
            let (loaded, _) = load(tx.conn(), &number)?;
            answerable(&loaded, &materials)?;
            let input = IntakeInput {
                materials: materials.clone(),
                ..IntakeInput::default()
            };
            check_files(tx.conn(), &subject, &input)?;
            if materials.is_empty() {
                return Err(OnlineError::NothingToReceive);
            }
            let mut files = pending(&row)?;
            files.retain(|f| f.case_number != number.as_str());
            files.extend(materials.iter().map(|(name, sha)| SentFile {
                name: name.trim().to_owned(),
                sha256: sha.trim().to_ascii_lowercase(),
                case_number: number.to_string(),
            }));
            keep_pending(&mut row, &files)?;
            row.supplement_at = Some(now.unix_timestamp());
            row.updated_at = now.unix_timestamp();
            rows::update(tx.conn(), &row)?;
            Ok(row)
        })
        .await
}

/// A clerk receives what waits on `row`: for each case in turn, its files answer its open
/// notice (`supplement`) or else its 容缺 list (the `receive` act, which may release a held
/// licence), and are stored among that case's materials. Each case's step is its own
/// transaction and its files leave the application once it is recorded, so a refusal on one
/// case leaves that case's files (and the cases after it) waiting.
///
/// # Errors
/// `NothingToReceive`; a step's refusal; the store's.
pub(super) async fn receive(
    desk: Desk<'_>,
    who: Acting,
    row: OnlineRow,
) -> Result<Received, OnlineError> {
    let files = pending(&row)?;
    let mut received = Vec::new();
    let mut stored = 0;
    for case in cases_waiting(&files) {
        let number = CaseNumber::parse(&case).map_err(corrupt)?;
        let list: Vec<(String, String)> = files
            .iter()
            .filter(|f| f.case_number == case)
            .map(|f| (f.name.clone(), f.sha256.clone()))
            .collect();
        let refs = list
            .iter()
            .map(|(name, sha)| {
                Ok(MaterialRef {
                    name: name.clone(),
                    sha256: Sha256Digest::parse(sha).map_err(corrupt)?,
                })
            })
            .collect::<Result<Vec<_>, OnlineError>>()?;
        let n = number.clone();
        let (loaded, _) = desk.store.read_committed(move |c| load(c, &n)).await?;
        let command = if loaded.status() != CaseStatus::SupplementStarted
            && loaded
                .deferral()
                .is_some_and(|d| !d.outstanding().is_empty())
        {
            Command::Deferral(DeferralAct::Receive { materials: refs })
        } else {
            Command::ReceiveSupplement { materials: refs }
        };
        run_step(desk.store, desk.seals, who.clone(), number.clone(), command).await?;
        stored += keep(&desk, &who, &number, &list).await;
        let (i, at, c) = (row.id.clone(), who.now.unix_timestamp(), case.clone());
        desk.store
            .write(move |tx| -> Result<(), OnlineError> {
                if let Some(mut r) = rows::get(tx.conn(), &i)? {
                    let mut left = pending(&r)?;
                    left.retain(|f| f.case_number != c);
                    keep_pending(&mut r, &left)?;
                    r.updated_at = at;
                    rows::update(tx.conn(), &r)?;
                }
                Ok(())
            })
            .await?;
        received.push(case);
    }
    let first = received
        .first()
        .cloned()
        .ok_or(OnlineError::NothingToReceive)?;
    Ok(Received {
        case_number: first,
        query_code: None,
        received: "supplement",
        stored,
        cases: if is_bundle(&row) {
            received
        } else {
            Vec::new()
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(supplement: Option<&str>) -> OnlineRow {
        OnlineRow {
            id: "OA-1".into(),
            subject: "s".into(),
            jurisdiction: "370100".into(),
            item_code: "bundle:open-pharmacy".into(),
            body: "{}".into(),
            status: "registered".into(),
            created_at: 0,
            updated_at: 0,
            submitted_at: None,
            case_number: Some("FIRST".into()),
            supplement: supplement.map(str::to_owned),
            supplement_at: None,
        }
    }

    #[test]
    fn a_file_kept_before_cases_had_their_own_answers_the_first_case() {
        let files = pending(&row(Some(r#"[{"name":"a","sha256":"00"}]"#))).unwrap();
        assert_eq!(files[0].case_number, "FIRST");
    }

    #[test]
    fn the_cases_waiting_are_listed_once_each_in_the_order_sent() {
        let text = r#"[{"name":"a","sha256":"00","case_number":"B"},
                       {"name":"b","sha256":"01","case_number":"A"},
                       {"name":"c","sha256":"02","case_number":"B"}]"#;
        let files = pending(&row(Some(text))).unwrap();
        assert_eq!(cases_waiting(&files), ["B", "A"]);
        assert!(pending(&row(None)).unwrap().is_empty());
        assert!(pending(&row(Some("{"))).is_err());
    }

    #[test]
    fn nothing_left_clears_the_column() {
        let mut r = row(Some("[]"));
        keep_pending(&mut r, &[]).unwrap();
        assert!(r.supplement.is_none());
    }
}
