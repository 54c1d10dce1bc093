//! Online applications before registration (issue #19 item 4) and the files applicants
//! uploaded: every statement of `online_applications` and `applicant_files`. The body is the
//! applicant's intake body as JSON text (personal data: the server never logs it).

use crate::sql::{Conn, Row};
use crate::{StoreError, params};

/// One online application as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct OnlineRow {
    pub id: String,
    pub subject: String,
    pub jurisdiction: String,
    pub item_code: String,
    pub body: String,
    /// `draft`, `submitted`, `registered` or `withdrawn`.
    pub status: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub submitted_at: Option<i64>,
    pub case_number: Option<String>,
    /// The materials sent online in answer to a one-time notice (JSON), not yet recorded.
    pub supplement: Option<String>,
    pub supplement_at: Option<i64>,
}

impl std::fmt::Debug for OnlineRow {
    /// The body holds personal data: never in a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OnlineRow")
            .field("id", &self.id)
            .field("status", &self.status)
            .field("case_number", &self.case_number)
            .finish_non_exhaustive()
    }
}

const COLUMNS: &str = "id, subject, jurisdiction, item_code, body, status, created_at, \
                       updated_at, submitted_at, case_number, supplement, supplement_at";

fn decode(r: &Row) -> Result<OnlineRow, StoreError> {
    Ok(OnlineRow {
        id: r.text(0)?,
        subject: r.text(1)?,
        jurisdiction: r.text(2)?,
        item_code: r.text(3)?,
        body: r.text(4)?,
        status: r.text(5)?,
        created_at: r.int(6)?,
        updated_at: r.int(7)?,
        submitted_at: r.opt_int(8)?,
        case_number: r.opt_text(9)?,
        supplement: r.opt_text(10)?,
        supplement_at: r.opt_int(11)?,
    })
}

pub fn insert(conn: &mut dyn Conn, a: &OnlineRow) -> Result<(), StoreError> {
    conn.execute(
        &format!("INSERT INTO online_applications ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        params![
            a.id.as_str(),
            a.subject.as_str(),
            a.jurisdiction.as_str(),
            a.item_code.as_str(),
            a.body.as_str(),
            a.status.as_str(),
            a.created_at,
            a.updated_at,
            a.submitted_at,
            a.case_number.as_deref(),
            a.supplement.as_deref(),
            a.supplement_at,
        ],
    )?;
    Ok(())
}

/// Rewrites every mutable column of application `a.id`.
pub fn update(conn: &mut dyn Conn, a: &OnlineRow) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE online_applications SET jurisdiction = ?, item_code = ?, body = ?, status = ?, \
         updated_at = ?, submitted_at = ?, case_number = ?, supplement = ?, supplement_at = ? \
         WHERE id = ?",
        params![
            a.jurisdiction.as_str(),
            a.item_code.as_str(),
            a.body.as_str(),
            a.status.as_str(),
            a.updated_at,
            a.submitted_at,
            a.case_number.as_deref(),
            a.supplement.as_deref(),
            a.supplement_at,
            a.id.as_str(),
        ],
    )?;
    Ok(())
}

pub fn get(conn: &mut dyn Conn, id: &str) -> Result<Option<OnlineRow>, StoreError> {
    conn.query_one(
        &format!("SELECT {COLUMNS} FROM online_applications WHERE id = ?"),
        params![id],
    )?
    .map(|r| decode(&r))
    .transpose()
}

/// A subject's applications, newest first (at most `limit`).
pub fn of_subject(
    conn: &mut dyn Conn,
    subject: &str,
    limit: u32,
) -> Result<Vec<OnlineRow>, StoreError> {
    conn.query(
        &format!(
            "SELECT {COLUMNS} FROM online_applications WHERE subject = ? \
             ORDER BY created_at DESC, id LIMIT ?"
        ),
        params![subject, i64::from(limit)],
    )?
    .iter()
    .map(decode)
    .collect()
}

/// A jurisdiction's applications in one status, oldest submission first (at most `limit`).
pub fn in_status(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    status: &str,
    limit: u32,
) -> Result<Vec<OnlineRow>, StoreError> {
    conn.query(
        &format!(
            "SELECT {COLUMNS} FROM online_applications WHERE jurisdiction = ? AND status = ? \
             ORDER BY submitted_at, id LIMIT ?"
        ),
        params![jurisdiction, status, i64::from(limit)],
    )?
    .iter()
    .map(decode)
    .collect()
}

/// The application registered as case `case_number`, if it came online.
pub fn of_case(conn: &mut dyn Conn, case_number: &str) -> Result<Option<OnlineRow>, StoreError> {
    conn.query_one(
        &format!("SELECT {COLUMNS} FROM online_applications WHERE case_number = ?"),
        params![case_number],
    )?
    .map(|r| decode(&r))
    .transpose()
}

/// A file an applicant uploaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplicantFile {
    pub sha256: String,
    pub name: String,
    pub media_type: String,
    pub size: u64,
    pub uploaded_at: i64,
}

/// Records an upload (a second upload of the same bytes keeps the first row).
pub fn insert_file(
    conn: &mut dyn Conn,
    subject: &str,
    f: &ApplicantFile,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO applicant_files (subject, sha256, name, media_type, size, uploaded_at) \
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (subject, sha256) DO NOTHING",
        params![
            subject,
            f.sha256.as_str(),
            f.name.as_str(),
            f.media_type.as_str(),
            f.size,
            f.uploaded_at,
        ],
    )?;
    Ok(())
}

/// The file `sha256` if `subject` uploaded it.
pub fn file(
    conn: &mut dyn Conn,
    subject: &str,
    sha256: &str,
) -> Result<Option<ApplicantFile>, StoreError> {
    conn.query_one(
        "SELECT sha256, name, media_type, size, uploaded_at FROM applicant_files \
         WHERE subject = ? AND sha256 = ?",
        params![subject, sha256],
    )?
    .map(|r| {
        Ok(ApplicantFile {
            sha256: r.text(0)?,
            name: r.text(1)?,
            media_type: r.text(2)?,
            size: r.u64(3)?,
            uploaded_at: r.int(4)?,
        })
    })
    .transpose()
}
