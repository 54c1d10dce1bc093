//! Sign-in state: password credentials, browser sessions and department API tokens.
//!
//! Only hashes of secrets are stored (the server hashes before it calls in here), so these
//! functions never see a usable token.

use crate::sql::Conn;
use crate::{StoreError, params};

/// The stored password hash of an active member of staff (`None` for an unknown or inactive id).
pub fn password_hash(conn: &mut dyn Conn, staff_id: &str) -> Result<Option<String>, StoreError> {
    conn.query_one(
        "SELECT c.password_hash FROM credentials c \
         JOIN staff s ON s.id = c.staff_id WHERE c.staff_id = ? AND s.active = 1",
        params![staff_id],
    )?
    .map(|r| r.text(0))
    .transpose()
}

/// Gives a member of staff a password (with no failed attempts and no lock).
pub fn insert_credentials(
    conn: &mut dyn Conn,
    staff_id: &str,
    password_hash: &str,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO credentials (staff_id, password_hash, failed_attempts, locked_until) VALUES (?, ?, 0, NULL)",
        params![staff_id, password_hash],
    )?;
    Ok(())
}

/// A new browser session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSessionRow<'a> {
    pub token_hash: &'a str,
    pub staff_id: &'a str,
    pub csrf: &'a str,
    pub created_at: i64,
    pub expires_at: i64,
}

pub fn insert_session(conn: &mut dyn Conn, s: &NewSessionRow<'_>) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO sessions (token_hash, staff_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
        params![s.token_hash, s.staff_id, s.csrf, s.created_at, s.expires_at],
    )?;
    Ok(())
}

pub fn delete_session(conn: &mut dyn Conn, token_hash: &str) -> Result<(), StoreError> {
    conn.execute(
        "DELETE FROM sessions WHERE token_hash = ?",
        params![token_hash],
    )?;
    Ok(())
}

/// A session that has not expired.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRow {
    pub staff_id: String,
    pub csrf: String,
}

/// The session with this token hash, unless it expired by `now`.
pub fn live_session(
    conn: &mut dyn Conn,
    token_hash: &str,
    now: i64,
) -> Result<Option<SessionRow>, StoreError> {
    conn.query_one(
        "SELECT staff_id, csrf FROM sessions WHERE token_hash = ? AND expires_at > ?",
        params![token_hash, now],
    )?
    .map(|r| {
        Ok(SessionRow {
            staff_id: r.text(0)?,
            csrf: r.text(1)?,
        })
    })
    .transpose()
}

/// An API token that is neither revoked nor expired, as a request authenticates with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveToken {
    pub id: String,
    pub jurisdiction: String,
    pub department: String,
    /// The stored comma-separated scopes.
    pub scopes: String,
    pub last_used_at: Option<i64>,
}

/// The token with this hash, unless revoked or expired by `now`.
pub fn live_token(
    conn: &mut dyn Conn,
    token_hash: &str,
    now: i64,
) -> Result<Option<LiveToken>, StoreError> {
    conn.query_one(
        "SELECT id, jurisdiction, department, scopes, last_used_at FROM api_tokens \
         WHERE token_hash = ? AND revoked = 0 AND expires_at > ?",
        params![token_hash, now],
    )?
    .map(|r| {
        Ok(LiveToken {
            id: r.text(0)?,
            jurisdiction: r.text(1)?,
            department: r.text(2)?,
            scopes: r.text(3)?,
            last_used_at: r.opt_int(4)?,
        })
    })
    .transpose()
}

pub fn record_token_use(conn: &mut dyn Conn, id: &str, now: i64) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE api_tokens SET last_used_at = ? WHERE id = ?",
        params![now, id],
    )?;
    Ok(())
}

/// A token being issued (its secret already hashed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewToken<'a> {
    pub id: &'a str,
    pub token_hash: &'a str,
    pub jurisdiction: &'a str,
    pub department: &'a str,
    /// Comma-separated scopes.
    pub scopes: &'a str,
    pub created_at: i64,
    pub expires_at: i64,
}

pub fn insert_token(conn: &mut dyn Conn, t: &NewToken<'_>) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO api_tokens (id, token_hash, jurisdiction, department, scopes, created_at, revoked, expires_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
        params![t.id, t.token_hash, t.jurisdiction, t.department, t.scopes, t.created_at, t.expires_at],
    )?;
    Ok(())
}

/// A token as the administrator's list shows it (never its hash).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct TokenRow {
    pub id: String,
    pub jurisdiction: String,
    pub department: String,
    /// The stored scopes, split at commas.
    pub scopes: Vec<String>,
    pub created_at: i64,
    /// 0 when the row has none.
    pub expires_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked: bool,
    /// The provincial platform a platform's token belongs to (migration 43); `None` for a
    /// department's token.
    pub platform: Option<String>,
}

/// A jurisdiction's tokens, oldest first.
pub fn tokens(conn: &mut dyn Conn, jurisdiction: &str) -> Result<Vec<TokenRow>, StoreError> {
    conn.query(
        "SELECT id, jurisdiction, department, scopes, created_at, expires_at, last_used_at, revoked, platform \
         FROM api_tokens WHERE jurisdiction = ? ORDER BY created_at, id",
        params![jurisdiction],
    )?
    .into_iter()
    .map(|r| {
        Ok(TokenRow {
            id: r.text(0)?,
            jurisdiction: r.text(1)?,
            department: r.text(2)?,
            scopes: r.text(3)?.split(',').map(str::to_owned).collect(),
            created_at: r.int(4)?,
            expires_at: r.opt_int(5)?.unwrap_or(0),
            last_used_at: r.opt_int(6)?,
            revoked: r.int(7)? != 0,
            platform: r.opt_text(8)?,
        })
    })
    .collect()
}

/// One page of a jurisdiction's tokens, oldest first (by creation time, then id), after
/// (`(true, created_at, id)`) or before (`(false, …)`) the token given.
pub fn tokens_page(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    key: Option<(bool, i64, &str)>,
    limit: u32,
) -> Result<crate::org::Page<TokenRow>, StoreError> {
    let backwards = key.is_some_and(|(after, _, _)| !after);
    let mut sql = String::from(
        "SELECT id, jurisdiction, department, scopes, created_at, expires_at, last_used_at, revoked, platform \
         FROM api_tokens WHERE jurisdiction = ?",
    );
    let mut args: Vec<crate::Value> = params![jurisdiction].to_vec();
    if let Some((after, at, id)) = key {
        let (t, i) = if after { (">", ">") } else { ("<", "<") };
        sql.push_str(&format!(
            " AND (created_at {t} ? OR (created_at = ? AND id {i} ?))"
        ));
        args.extend_from_slice(params![at, at, id]);
    }
    sql.push_str(if backwards {
        " ORDER BY created_at DESC, id DESC LIMIT ?"
    } else {
        " ORDER BY created_at, id LIMIT ?"
    });
    args.push(i64::from(limit).saturating_add(1).into());
    let rows = conn
        .query(&sql, &args)?
        .into_iter()
        .map(|r| {
            Ok(TokenRow {
                id: r.text(0)?,
                jurisdiction: r.text(1)?,
                department: r.text(2)?,
                scopes: r.text(3)?.split(',').map(str::to_owned).collect(),
                created_at: r.int(4)?,
                expires_at: r.opt_int(5)?.unwrap_or(0),
                last_used_at: r.opt_int(6)?,
                revoked: r.int(7)? != 0,
                platform: r.opt_text(8)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(crate::org::Page::of(rows, limit, backwards, key.is_some()))
}

/// Where a token belongs and whether it is revoked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenState {
    pub jurisdiction: String,
    pub revoked: bool,
}

pub fn token_state(conn: &mut dyn Conn, id: &str) -> Result<Option<TokenState>, StoreError> {
    conn.query_one(
        "SELECT jurisdiction, revoked FROM api_tokens WHERE id = ?",
        params![id],
    )?
    .map(|r| {
        Ok(TokenState {
            jurisdiction: r.text(0)?,
            revoked: r.int(1)? != 0,
        })
    })
    .transpose()
}

/// Stamps the revocation time; the `revoked` flag itself is set by the ledger event's projection.
pub fn stamp_revocation(conn: &mut dyn Conn, id: &str, at: i64) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE api_tokens SET revoked_at = ? WHERE id = ?",
        params![at, id],
    )?;
    Ok(())
}
