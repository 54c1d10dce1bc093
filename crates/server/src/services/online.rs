//! Online applications (issue #19 item 4): an applicant's drafts and submissions, the files
//! they upload to the case desk's material store, "my applications", supplements sent online
//! in answer to a one-time notice, and withdrawal before registration.
//!
//! A submission is checked as staff intake checks it (`cases::prepare`: every field, the item
//! in the jurisdiction's catalog) with `channel: online`, and kept with its submission time. A
//! clerk then receives it ([`receive`]): the case is registered with that time as its receipt
//! time (Art. 33, `domain::case::submission`), so every clock runs from the applicant's
//! submission, and the files are stored among the case's materials. A supplement sent online is
//! received the same way, as the case's `supplement` step. Who records a step on a case stays a
//! member of staff: the applicant's account submits, the bureau receives.

use oneseal_domain::case::IntakeInput;
use oneseal_domain::case::Sha256Digest;
use oneseal_domain::org::DivisionCode;
use oneseal_store::Store;
use oneseal_store::online_applications::{self as rows, ApplicantFile, OnlineRow};
use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;

mod bundle;
mod desk;
mod error;
mod mine;
mod supplement;

pub use desk::{Desk, Received};
use desk::{check_files, files_of, fresh_nonce, keep, mark_registered, still_submitted};
pub use error::{MAX_BODY, OnlineError};
pub use mine::{MAX_LISTED, MyApplication, MyBundle, MyCase, MyCommitment, mine, own_case};
pub use supplement::{SentFile, send_supplement};

use crate::services::cases::{Acting, CaseServiceError, load, prepare, register};
use crate::services::materials::{MaterialError, Materials, check_file};

/// What an applicant sends to save or submit: the intake body as written (kept as text), and
/// the same body read as staff intake reads it.
pub struct Sent {
    pub jurisdiction: DivisionCode,
    pub body: Value,
    pub input: IntakeInput,
    /// A "one thing" application (issue #20 item 2): the bundle's code, one linked case per
    /// item once received (`item_code` is then not asked for).
    pub bundle: Option<String>,
}

fn random_id() -> Result<String, OnlineError> {
    let mut b = [0u8; 12];
    getrandom::fill(&mut b)
        .map_err(|e| CaseServiceError::Corrupt(format!("no randomness: {e}")))?;
    Ok(format!("OA-{}", hex::encode(b)))
}

/// Saves a new draft (`id` none) or an applicant's own draft, or submits it (`submit`).
///
/// # Errors
/// `Case(Invalid)` with every field's problem for a submission that does not check out;
/// `NotOnline`, `UnknownFile`, `TooLarge`; `NotFound` for another applicant's id;
/// `WrongStatus` for an application already submitted.
pub async fn save(
    store: &Store,
    subject: String,
    id: Option<String>,
    mut sent: Sent,
    submit: bool,
    now: OffsetDateTime,
) -> Result<OnlineRow, OnlineError> {
    let channel = sent.input.channel.trim();
    if !channel.is_empty() && channel != "online" {
        return Err(OnlineError::NotOnline);
    }
    sent.input.channel = "online".into();
    if let Some(m) = sent.body.as_object_mut() {
        m.insert("channel".into(), "online".into());
        m.remove("submitted_at");
    }
    let body = sent.body.to_string();
    if body.len() > MAX_BODY {
        return Err(OnlineError::TooLarge);
    }
    if let Some(id) = id.clone() {
        // Another applicant's id is unknown, whatever the body holds.
        let s = subject.clone();
        store
            .read_committed(move |c| rows::get(c, &id))
            .await?
            .filter(|r| r.subject == s)
            .ok_or(OnlineError::NotFound)?;
    }
    if submit {
        let (j, input, s) = (
            sent.jurisdiction.clone(),
            sent.input.clone(),
            subject.clone(),
        );
        let b = sent.bundle.clone();
        store
            .read_committed(move |c| -> Result<(), OnlineError> {
                match &b {
                    Some(code) => bundle::check(c, &j, code, &input)?,
                    None => {
                        prepare(c, &j, &input, false)?;
                    }
                }
                check_files(c, &s, &input)
            })
            .await?;
    }
    let at = now.unix_timestamp();
    let new_id = random_id()?;
    store
        .write(move |tx| -> Result<OnlineRow, OnlineError> {
            let mut row = match id {
                Some(id) => {
                    let row = rows::get(tx.conn(), &id)?
                        .filter(|r| r.subject == subject)
                        .ok_or(OnlineError::NotFound)?;
                    if row.status != "draft" {
                        return Err(OnlineError::WrongStatus { status: row.status });
                    }
                    row
                }
                None => OnlineRow {
                    id: new_id,
                    subject,
                    jurisdiction: String::new(),
                    item_code: String::new(),
                    body: String::new(),
                    status: "draft".into(),
                    created_at: at,
                    updated_at: at,
                    submitted_at: None,
                    case_number: None,
                    supplement: None,
                    supplement_at: None,
                },
            };
            let fresh = row.body.is_empty();
            row.jurisdiction = sent.jurisdiction.as_str().to_owned();
            row.item_code = match &sent.bundle {
                Some(code) => bundle::item_code(code),
                None => sent.input.item_code.trim().to_owned(),
            };
            row.body = body;
            row.updated_at = at;
            if submit {
                row.status = "submitted".into();
                row.submitted_at = Some(at);
            }
            if fresh {
                rows::insert(tx.conn(), &row)?;
            } else {
                rows::update(tx.conn(), &row)?;
            }
            Ok(row)
        })
        .await
}

/// Withdraws an applicant's own draft or submission before a clerk received it.
///
/// # Errors
/// `NotFound`; `WrongStatus` once registered (withdrawing a case is then the clerk's step on
/// the applicant's request) or withdrawn.
pub async fn withdraw(
    store: &Store,
    subject: String,
    id: String,
    now: OffsetDateTime,
) -> Result<OnlineRow, OnlineError> {
    store
        .write(move |tx| -> Result<OnlineRow, OnlineError> {
            let mut row = rows::get(tx.conn(), &id)?
                .filter(|r| r.subject == subject)
                .ok_or(OnlineError::NotFound)?;
            if !matches!(row.status.as_str(), "draft" | "submitted") {
                return Err(OnlineError::WrongStatus { status: row.status });
            }
            row.status = "withdrawn".into();
            row.updated_at = now.unix_timestamp();
            rows::update(tx.conn(), &row)?;
            Ok(row)
        })
        .await
}

/// Checks and keeps one uploaded file in the material store, recorded as `subject`'s.
///
/// # Errors
/// The material checks' refusals (name, size, type); the store's failures.
pub async fn upload(
    store: &Store,
    materials: &Materials,
    subject: String,
    name: &str,
    bytes: Vec<u8>,
    now: OffsetDateTime,
) -> Result<ApplicantFile, OnlineError> {
    let (name, sha) = check_file(materials.limits, name, &bytes)?;
    let media_type = oneseal_domain::material::sniff(&bytes)
        .map_err(MaterialError::from)?
        .code()
        .to_owned();
    let digest = Sha256Digest::parse(&sha).map_err(|_| MaterialError::BadDigest)?;
    let size = bytes.len() as u64;
    materials
        .store
        .put(&digest, bytes)
        .await
        .map_err(MaterialError::from)?;
    let file = ApplicantFile {
        sha256: sha,
        name,
        media_type,
        size,
        uploaded_at: now.unix_timestamp(),
    };
    let f = file.clone();
    store
        .write(move |tx| rows::insert_file(tx.conn(), &subject, &f))
        .await?;
    Ok(file)
}

/// What a clerk sees of the applications waiting in their jurisdiction.
#[derive(Debug, Serialize)]
pub struct Waiting {
    pub id: String,
    /// `register` (a submission) or `supplement`.
    pub waiting_for: &'static str,
    pub item_code: String,
    pub submitted_at: Option<i64>,
    /// The case a supplement answers (the first, when several cases of a "one thing"
    /// application have files waiting).
    pub case_number: Option<String>,
    /// Every case a supplement's files answer (a "one thing" application's may be several);
    /// the receipt records each case's own step.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cases: Vec<String>,
    pub body: Value,
    /// The files sent, each with the case it answers.
    pub supplement: Option<Vec<SentFile>>,
}

/// The submissions and supplements waiting for a clerk of `j`, oldest first.
///
/// # Errors
/// The store's.
pub async fn waiting(store: &Store, j: DivisionCode) -> Result<Vec<Waiting>, OnlineError> {
    store
        .read(move |c| -> Result<Vec<Waiting>, OnlineError> {
            let mut out = Vec::new();
            for r in rows::in_status(c, j.as_str(), "submitted", MAX_LISTED)? {
                out.push(Waiting {
                    id: r.id,
                    waiting_for: "register",
                    item_code: r.item_code,
                    submitted_at: r.submitted_at,
                    case_number: None,
                    cases: Vec::new(),
                    body: serde_json::from_str(&r.body).unwrap_or(Value::Null),
                    supplement: None,
                });
            }
            for r in rows::in_status(c, j.as_str(), "registered", MAX_LISTED)? {
                let files = supplement::pending(&r)?;
                // A "one thing" application's files each name the case they answer.
                if let Some(first) = files.first() {
                    out.push(Waiting {
                        case_number: Some(first.case_number.clone()),
                        cases: supplement::cases_waiting(&files),
                        supplement: Some(files),
                        id: r.id,
                        waiting_for: "supplement",
                        item_code: r.item_code,
                        submitted_at: r.supplement_at,
                        body: Value::Null,
                    });
                }
            }
            Ok(out)
        })
        .await
}

/// A clerk receives application `id`: registers a submission as a case received at its
/// submission time, or records a supplement sent online; the files go among the case's
/// materials.
///
/// # Errors
/// `NotFound` outside the clerk's jurisdiction; `NothingToReceive`; the intake's and the
/// step's refusals.
pub async fn receive(
    desk: Desk<'_>,
    who: Acting,
    id: String,
    input_of: impl FnOnce(&Value) -> IntakeInput,
) -> Result<Received, OnlineError> {
    let j = who.jurisdiction.clone();
    let i = id.clone();
    let row = desk
        .store
        .read_committed(move |c| rows::get(c, &i))
        .await?
        .filter(|r| r.jurisdiction == j.as_str())
        .ok_or(OnlineError::NotFound)?;
    match (row.status.as_str(), &row.supplement, &row.case_number) {
        ("submitted", ..) if bundle::is_bundle(&row) => {
            bundle::register(desk, who, row, input_of).await
        }
        ("submitted", ..) => register_submission(desk, who, row, input_of).await,
        ("registered", Some(_), Some(_)) => supplement::receive(desk, who, row).await,
        _ => Err(OnlineError::NothingToReceive),
    }
}

async fn register_submission(
    desk: Desk<'_>,
    who: Acting,
    row: OnlineRow,
    input_of: impl FnOnce(&Value) -> IntakeInput,
) -> Result<Received, OnlineError> {
    let body: Value = serde_json::from_str(&row.body)
        .map_err(|e| CaseServiceError::Corrupt(format!("stored application: {e}")))?;
    let input = input_of(&body);
    let files = files_of(&input);
    let submitted_at = row
        .submitted_at
        .and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok());
    let j = who.jurisdiction.clone();
    let prepared = desk
        .store
        .read_committed(move |c| prepare(c, &j, &input, false))
        .await?;
    let nonce = fresh_nonce()?;
    let w = who.clone();
    let id = row.id.clone();
    let receipt = desk
        .store
        .write(move |tx| -> Result<_, OnlineError> {
            let row = still_submitted(tx.conn(), &id)?;
            let receipt = register(tx, &w, prepared, None, nonce, submitted_at)?;
            mark_registered(tx.conn(), row, receipt.case_number.to_string(), w.now)?;
            // The receipt reaches the inbox of the account that applied, now linked.
            let (case, _) = load(tx.conn(), &receipt.case_number)?;
            crate::services::inbox::tell(
                tx.conn(),
                &w.secrets,
                &case,
                "received",
                receipt.ledger_index,
                w.now,
            )?;
            Ok(receipt)
        })
        .await?;
    let stored = keep(&desk, &who, &receipt.case_number, &files).await;
    Ok(Received {
        case_number: receipt.case_number.to_string(),
        query_code: Some(receipt.query_code.grouped()),
        received: "registered",
        stored,
        cases: Vec::new(),
    })
}
