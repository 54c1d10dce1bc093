//! Applicants' sign-in state (issue #19 item 3): one-time codes and applicant sessions, kept
//! apart from staff sessions (`sessions`). Only keyed digests of codes and hashes of session
//! tokens are stored; a subject is a digest too (`phone:<hex>`), never a number in clear.

use crate::sql::Conn;
use crate::{StoreError, params};

/// A one-time code as issued.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCode<'a> {
    pub subject: &'a str,
    pub code_hash: &'a str,
    pub created_at: i64,
    pub expires_at: i64,
}

pub fn insert_code(conn: &mut dyn Conn, c: &NewCode<'_>) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO applicant_codes (subject, created_at, code_hash, expires_at, failures, used) \
         VALUES (?, ?, ?, ?, 0, 0)",
        params![c.subject, c.created_at, c.code_hash, c.expires_at],
    )?;
    Ok(())
}

/// The codes sent to `subject` since `since`: how many, and when the latest was.
pub fn codes_since(
    conn: &mut dyn Conn,
    subject: &str,
    since: i64,
) -> Result<(u64, Option<i64>), StoreError> {
    let row = conn.query_one(
        "SELECT COUNT(*), MAX(created_at) FROM applicant_codes WHERE subject = ? AND created_at >= ?",
        params![subject, since],
    )?;
    match row {
        Some(r) => Ok((r.u64(0)?, r.opt_int(1)?)),
        None => Ok((0, None)),
    }
}

/// The latest code of a subject that is neither used nor expired.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveCode {
    pub created_at: i64,
    pub code_hash: String,
    pub failures: u32,
}

pub fn live_code(
    conn: &mut dyn Conn,
    subject: &str,
    now: i64,
) -> Result<Option<LiveCode>, StoreError> {
    conn.query_one(
        "SELECT created_at, code_hash, failures FROM applicant_codes \
         WHERE subject = ? AND used = 0 AND expires_at > ? ORDER BY created_at DESC LIMIT 1",
        params![subject, now],
    )?
    .map(|r| {
        Ok(LiveCode {
            created_at: r.int(0)?,
            code_hash: r.text(1)?,
            failures: u32::try_from(r.int(2)?).unwrap_or(u32::MAX),
        })
    })
    .transpose()
}

/// Counts a wrong guess against a code.
pub fn record_failure(
    conn: &mut dyn Conn,
    subject: &str,
    created_at: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE applicant_codes SET failures = failures + 1 WHERE subject = ? AND created_at = ?",
        params![subject, created_at],
    )?;
    Ok(())
}

/// Spends a code; false when it was already spent (a concurrent sign-in got there first).
pub fn use_code(conn: &mut dyn Conn, subject: &str, created_at: i64) -> Result<bool, StoreError> {
    let n = conn.execute(
        "UPDATE applicant_codes SET used = 1 WHERE subject = ? AND created_at = ? AND used = 0",
        params![subject, created_at],
    )?;
    Ok(n == 1)
}

/// Forgets codes that expired before `before`.
pub fn delete_expired_codes(conn: &mut dyn Conn, before: i64) -> Result<u64, StoreError> {
    conn.execute(
        "DELETE FROM applicant_codes WHERE expires_at < ?",
        params![before],
    )
}

/// A new applicant session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewApplicantSession<'a> {
    pub token_hash: &'a str,
    pub subject: &'a str,
    pub label: &'a str,
    pub csrf: &'a str,
    pub created_at: i64,
    pub expires_at: i64,
}

pub fn insert_session(conn: &mut dyn Conn, s: &NewApplicantSession<'_>) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO applicant_sessions (token_hash, subject, label, csrf, created_at, expires_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
        params![
            s.token_hash,
            s.subject,
            s.label,
            s.csrf,
            s.created_at,
            s.expires_at
        ],
    )?;
    Ok(())
}

pub fn delete_session(conn: &mut dyn Conn, token_hash: &str) -> Result<(), StoreError> {
    conn.execute(
        "DELETE FROM applicant_sessions WHERE token_hash = ?",
        params![token_hash],
    )?;
    Ok(())
}

/// A live applicant session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplicantSessionRow {
    pub subject: String,
    pub label: String,
    pub csrf: String,
}

pub fn live_session(
    conn: &mut dyn Conn,
    token_hash: &str,
    now: i64,
) -> Result<Option<ApplicantSessionRow>, StoreError> {
    conn.query_one(
        "SELECT subject, label, csrf FROM applicant_sessions WHERE token_hash = ? AND expires_at > ?",
        params![token_hash, now],
    )?
    .map(|r| {
        Ok(ApplicantSessionRow {
            subject: r.text(0)?,
            label: r.text(1)?,
            csrf: r.text(2)?,
        })
    })
    .transpose()
}
