//! The provincial service platform's intake (issue #19 item 7): which tokens are a platform's,
//! the applications each platform forwarded (kept for good, so a retry answers the same case),
//! and the platform's callbacks, which share the department feed and webhook tables under the
//! platform's lower-case name (migration 43).

use crate::sql::Conn;
use crate::{StoreError, params};

/// Marks a just-inserted token row (`sessions::insert_token`) as the platform's.
pub fn mark_token(conn: &mut dyn Conn, token_id: &str, platform: &str) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE api_tokens SET platform = ? WHERE id = ?",
        params![platform, token_id],
    )?;
    Ok(())
}

/// The platform a token belongs to (`None` for a department's token or an unknown id).
pub fn token_platform(conn: &mut dyn Conn, token_id: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_one(
            "SELECT platform FROM api_tokens WHERE id = ?",
            params![token_id],
        )?
        .map(|r| r.opt_text(0))
        .transpose()?
        .flatten())
}

/// A token's jurisdiction and, for a platform's token, the platform (`None` for an unknown id).
pub fn token_owner(
    conn: &mut dyn Conn,
    token_id: &str,
) -> Result<Option<(String, Option<String>)>, StoreError> {
    conn.query_one(
        "SELECT jurisdiction, platform FROM api_tokens WHERE id = ?",
        params![token_id],
    )?
    .map(|r| Ok((r.text(0)?, r.opt_text(1)?)))
    .transpose()
}

/// An application a platform forwarded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forwarded {
    pub jurisdiction: String,
    pub platform: String,
    pub platform_ref: String,
    pub case_number: String,
    /// Keyed digest of the first request.
    pub request_digest: String,
    /// Hex nonce the query code is derived from.
    pub nonce: String,
    /// The case's first ledger index.
    pub ledger_index: u64,
    pub created_at: i64,
}

fn forwarded(r: &crate::Row) -> Result<Forwarded, StoreError> {
    Ok(Forwarded {
        jurisdiction: r.text(0)?,
        platform: r.text(1)?,
        platform_ref: r.text(2)?,
        case_number: r.text(3)?,
        request_digest: r.text(4)?,
        nonce: r.text(5)?,
        ledger_index: r.u64(6)?,
        created_at: r.int(7)?,
    })
}

const COLUMNS: &str = "jurisdiction, platform, platform_ref, case_number, request_digest, nonce, ledger_index, created_at";

/// The application `platform` forwarded to `jurisdiction` under `platform_ref`, if any.
pub fn find(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    platform: &str,
    platform_ref: &str,
) -> Result<Option<Forwarded>, StoreError> {
    conn.query_one(
        &format!(
            "SELECT {COLUMNS} FROM platform_intakes WHERE jurisdiction = ? AND platform = ? AND platform_ref = ?"
        ),
        params![jurisdiction, platform, platform_ref],
    )?
    .map(|r| forwarded(&r))
    .transpose()
}

/// The platform application a case was registered from, if it was.
pub fn of_case(conn: &mut dyn Conn, case_number: &str) -> Result<Option<Forwarded>, StoreError> {
    conn.query_one(
        &format!("SELECT {COLUMNS} FROM platform_intakes WHERE case_number = ?"),
        params![case_number],
    )?
    .map(|r| forwarded(&r))
    .transpose()
}

pub fn insert(conn: &mut dyn Conn, f: &Forwarded) -> Result<(), StoreError> {
    conn.execute(
        &format!("INSERT INTO platform_intakes ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
        params![
            f.jurisdiction.as_str(),
            f.platform.as_str(),
            f.platform_ref.as_str(),
            f.case_number.as_str(),
            f.request_digest.as_str(),
            f.nonce.as_str(),
            f.ledger_index,
            f.created_at
        ],
    )?;
    Ok(())
}

/// Registers (or replaces) a platform's callback address and its sealed signing secret, as a
/// department's webhook is (`webhooks::register`).
pub fn register_callback(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    platform: &str,
    url: &str,
    sealed_secret: &str,
    now: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "DELETE FROM webhooks WHERE jurisdiction = ? AND department = ?",
        params![jurisdiction, platform],
    )?;
    conn.execute(
        "INSERT INTO webhooks (jurisdiction, department, url, secret, created_at) VALUES (?, ?, ?, ?, ?)",
        params![jurisdiction, platform, url, sealed_secret, now],
    )?;
    Ok(())
}

/// Makes `sealed_secret` the platform's callback secret and the current one its previous
/// until `until`, as a department's webhook rotation does (`webhooks::rotate`: the delivery
/// worker signs with both until then); `false` when the platform registered no address.
pub fn rotate_callback(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    platform: &str,
    sealed_secret: &str,
    until: i64,
) -> Result<bool, StoreError> {
    crate::webhooks::rotate_secret(conn, jurisdiction, platform, sealed_secret, until)
}

/// One callback to a platform, at ledger index `idx` (the step's): on the platform's feed and,
/// when it registered an address, on the delivery queue due at `now`.
pub struct Callback<'a> {
    pub jurisdiction: &'a str,
    pub idx: u64,
    pub platform: &'a str,
    pub kind: &'a str,
    pub platform_ref: &'a str,
    /// The JSON text of the callback's data.
    pub body: &'a str,
    pub now: i64,
}

pub fn enqueue_callback(conn: &mut dyn Conn, c: &Callback<'_>) -> Result<(), StoreError> {
    conn.write(
        "INSERT INTO dept_feed (jurisdiction, idx, department, kind, ref_id, body) VALUES (?, ?, ?, ?, ?, ?)",
        params![c.jurisdiction, c.idx, c.platform, c.kind, c.platform_ref, c.body],
    )?;
    let hooked = conn
        .query_one(
            "SELECT 1 FROM webhooks WHERE jurisdiction = ? AND department = ?",
            params![c.jurisdiction, c.platform],
        )?
        .is_some();
    if hooked {
        conn.execute(
            "INSERT INTO webhook_deliveries (jurisdiction, idx, department, state, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, 'pending', 0, ?, ?)",
            params![c.jurisdiction, c.idx, c.platform, c.now, c.now],
        )?;
    }
    Ok(())
}
