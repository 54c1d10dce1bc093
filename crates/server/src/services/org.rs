//! The organisation: jurisdictions, departments, staff postings and department API tokens.
//!
//! Reads for the catalog filters, the dashboards and the administrator; the two changes an
//! administrator makes here (a transfer, a token issued or revoked) are ledger events, checked
//! against the caller's principal inside the write transaction that records them.

use std::collections::HashMap;

use oneseal_domain::access::{Action, Denied, Principal, Target, authorize};
use oneseal_domain::event::{Actor, Event};
use oneseal_domain::org::{DepartmentCode, DivisionCode, Role, StaffId};
use oneseal_store::sessions::NewToken;
use oneseal_store::{Conn, StoreError, Tx};
use serde::Serialize;
use time::{Date, OffsetDateTime};

use crate::services::paging::{Direction, PageCursor, PageLinks, PagingError, parse_cursor};
use crate::services::sessions::{self, SessionError};

/// The longest (and default) lifetime of an API token: a department's system is re-issued a
/// token at least once a year, so a leaked one does not work for ever.
pub const MAX_TOKEN_DAYS: i64 = 365;

/// The scopes a department's system may be given.
const TOKEN_SCOPES: &[Action] = &[
    Action::ClaimPush,
    Action::SubmitFeedback,
    Action::ViewPushes,
    Action::AnswerConsultation,
    // Leadership coordination (领导协调): see the matters touching the department, raise one,
    // report its tasks done.
    Action::ViewCoordination,
    Action::RaiseCoordination,
    Action::CompleteCoordinationTask,
];

#[derive(Debug, thiserror::Error)]
pub enum OrgError {
    #[error("bad jurisdiction code: {0}")]
    BadJurisdiction(String),
    #[error("no such active staff member")]
    StaffNotFound,
    #[error("no such department in that jurisdiction")]
    UnknownDepartment,
    #[error("already in that department")]
    SameDepartment,
    #[error(
        "token scopes must be among claim_push, submit_feedback, view_pushes, answer_consultation"
    )]
    BadScopes,
    #[error("a token's lifetime must be 1 to {MAX_TOKEN_DAYS} days")]
    BadExpiry,
    #[error("no such token")]
    TokenNotFound,
    #[error("the token is already revoked")]
    TokenRevoked,
    #[error("forbidden: {0}")]
    Forbidden(#[from] Denied),
    /// A stored row that no longer parses.
    #[error("{0}")]
    Stored(String),
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The jurisdiction a request is about: the one named, or the caller's own.
pub fn target_jurisdiction(
    principal: &Principal,
    named: Option<&str>,
) -> Result<DivisionCode, OrgError> {
    match named {
        None | Some("") => Ok(principal.jurisdiction.clone()),
        Some(s) => DivisionCode::parse(s).map_err(|e| OrgError::BadJurisdiction(e.to_string())),
    }
}

#[derive(Debug, Serialize)]
pub struct JurisdictionView {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub parent: Option<String>,
    pub bureau_uscc: String,
}

pub fn jurisdictions(conn: &mut dyn Conn) -> Result<Vec<JurisdictionView>, StoreError> {
    Ok(oneseal_store::org::jurisdictions(conn)?
        .into_iter()
        .map(|r| JurisdictionView {
            code: r.code,
            name_zh: r.name_zh,
            name_en: r.name_en,
            parent: r.parent,
            bureau_uscc: r.bureau_uscc,
        })
        .collect())
}

/// A jurisdiction's Chinese name (empty for an unknown code).
pub fn jurisdiction_name(conn: &mut dyn Conn, j: &DivisionCode) -> Result<String, StoreError> {
    Ok(oneseal_store::org::jurisdiction_name(conn, j.as_str())?.unwrap_or_default())
}

#[derive(Debug, Serialize)]
pub struct DepartmentView {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub kind: String,
}

pub fn departments(
    conn: &mut dyn Conn,
    j: &DivisionCode,
) -> Result<Vec<DepartmentView>, StoreError> {
    Ok(oneseal_store::org::departments(conn, j.as_str())?
        .into_iter()
        .map(|r| DepartmentView {
            code: r.code,
            name_zh: r.name_zh,
            name_en: r.name_en,
            kind: r.kind,
        })
        .collect())
}

/// Department code → Chinese name, for pages that show names.
pub fn department_names(
    conn: &mut dyn Conn,
    j: &DivisionCode,
) -> Result<HashMap<String, String>, StoreError> {
    oneseal_store::org::department_names(conn, j.as_str())
}

#[derive(Debug, Serialize)]
pub struct StaffView {
    pub id: String,
    pub department: String,
    pub name: String,
    pub roles: Vec<String>,
    /// The department's Chinese name and the roles' (staff lists are read by staff only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department_name: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub roles_zh: Vec<&'static str>,
}

/// One page of a list with the cursors of the pages either side.
#[derive(Debug)]
pub struct Listed<T> {
    pub rows: Vec<T>,
    pub links: PageLinks,
}

/// Reads a staff list's cursor: its key is a staff id.
///
/// # Errors
/// [`PagingError::BadCursor`] for a cursor that is not a member of staff's.
pub fn parse_staff_cursor(text: Option<&str>) -> Result<Option<PageCursor>, PagingError> {
    let c = parse_cursor(text)?;
    if c.as_ref().is_some_and(|c| StaffId::parse(&c.key).is_err()) {
        return Err(PagingError::BadCursor);
    }
    Ok(c)
}

/// One page of a jurisdiction's active staff by id, with department and role names.
pub fn staff_page(
    conn: &mut dyn Conn,
    j: &DivisionCode,
    cursor: Option<&PageCursor>,
    limit: u32,
) -> Result<Listed<StaffView>, StoreError> {
    let key = cursor.map(|c| (c.direction == Direction::After, c.key.as_str()));
    let page = oneseal_store::org::active_staff_page(conn, j.as_str(), key, limit)?;
    let names = oneseal_store::org::department_names(conn, j.as_str())?;
    let links = PageLinks::new(
        page.rows.first().map(|r| r.id.as_str()),
        page.rows.last().map(|r| r.id.as_str()),
        page.more_before,
        page.more_after,
    );
    let rows = page
        .rows
        .into_iter()
        .map(|r| StaffView {
            department_name: names.get(&r.department).cloned(),
            roles_zh: r
                .roles
                .iter()
                .filter_map(|c| Role::parse(c).ok())
                .map(Role::name_zh)
                .collect(),
            id: r.id,
            department: r.department,
            name: r.name,
            roles: r.roles,
        })
        .collect();
    Ok(Listed { rows, links })
}

/// A token's place in its list: creation time and id.
fn token_key(t: &oneseal_store::sessions::TokenRow) -> String {
    format!("{}|{}", t.created_at, t.id)
}

/// Reads a token list's cursor (`created_at|id`).
///
/// # Errors
/// [`PagingError::BadCursor`] for a cursor that is not a token's.
pub fn parse_token_cursor(text: Option<&str>) -> Result<Option<(bool, i64, String)>, PagingError> {
    let Some(c) = parse_cursor(text)? else {
        return Ok(None);
    };
    let (at, id) = c.key.split_once('|').ok_or(PagingError::BadCursor)?;
    let at = at.parse::<i64>().map_err(|_| PagingError::BadCursor)?;
    if id.is_empty() {
        return Err(PagingError::BadCursor);
    }
    Ok(Some((c.direction == Direction::After, at, id.to_owned())))
}

/// One page of a jurisdiction's tokens (oldest first) with their expiry as of `now`.
pub fn tokens_page(
    conn: &mut dyn Conn,
    j: &DivisionCode,
    now: i64,
    key: Option<&(bool, i64, String)>,
    limit: u32,
) -> Result<Listed<TokenView>, StoreError> {
    let key = key.map(|(a, t, i)| (*a, *t, i.as_str()));
    let page = oneseal_store::sessions::tokens_page(conn, j.as_str(), key, limit)?;
    let links = PageLinks::new(
        page.rows.first().map(token_key).as_deref(),
        page.rows.last().map(token_key).as_deref(),
        page.more_before,
        page.more_after,
    );
    let rows = page
        .rows
        .into_iter()
        .map(|token| TokenView::of(token, now))
        .collect();
    Ok(Listed { rows, links })
}

fn stored_jurisdiction(code: &str) -> Result<DivisionCode, OrgError> {
    DivisionCode::parse(code).map_err(|e| OrgError::Stored(e.to_string()))
}

fn require_department(
    conn: &mut dyn Conn,
    j: &DivisionCode,
    d: &DepartmentCode,
) -> Result<(), OrgError> {
    if oneseal_store::org::department_exists(conn, j.as_str(), d.as_str())? {
        Ok(())
    } else {
        Err(OrgError::UnknownDepartment)
    }
}

/// Moves a member of staff to another department of their jurisdiction, keeping the posting
/// history; `by` may do so only where `principal` may manage staff.
pub fn transfer_staff(
    tx: &mut Tx<'_>,
    principal: &Principal,
    by: StaffId,
    time: OffsetDateTime,
    staff: StaffId,
    to: DepartmentCode,
    on: Date,
) -> Result<u64, OrgError> {
    let posting =
        oneseal_store::org::posting(tx.conn(), staff.as_str())?.ok_or(OrgError::StaffNotFound)?;
    let j = stored_jurisdiction(&posting.jurisdiction)?;
    authorize(principal, Action::ManageStaff, &Target::jurisdiction(&j))?;
    require_department(tx.conn(), &j, &to)?;
    if posting.department == to.as_str() {
        return Err(OrgError::SameDepartment);
    }
    Ok(tx.record(
        &Event::StaffTransferred { staff, to, on },
        time,
        &j,
        &Actor::Staff(by),
    )?)
}

/// A token about to be issued: its id, its secret (shown once) and what it may do.
#[derive(Debug)]
pub struct TokenGrant {
    pub id: String,
    pub secret: String,
    pub scopes: Vec<String>,
    pub days: i64,
}

/// Checks a token request (scopes among those a department's system may have, a lifetime of
/// 1 to `MAX_TOKEN_DAYS`, a year when absent) and draws its id and secret.
pub fn grant_token(
    scopes: &[Action],
    expires_in_days: Option<i64>,
) -> Result<TokenGrant, OrgError> {
    if scopes.is_empty() || scopes.iter().any(|s| !TOKEN_SCOPES.contains(s)) {
        return Err(OrgError::BadScopes);
    }
    let days = expires_in_days.unwrap_or(MAX_TOKEN_DAYS);
    if !(1..=MAX_TOKEN_DAYS).contains(&days) {
        return Err(OrgError::BadExpiry);
    }
    Ok(TokenGrant {
        id: format!("tok-{}", &sessions::random_token()?[..12]),
        secret: format!("osk_{}", sessions::random_token()?),
        scopes: scopes
            .iter()
            .filter_map(|s| {
                serde_json::to_value(s)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
            })
            .collect(),
        days,
    })
}

/// Stores a granted token (only its hash) for a department of `j` and records the issue;
/// returns the ledger index and the expiry (unix seconds).
pub fn issue_token(
    tx: &mut Tx<'_>,
    j: &DivisionCode,
    department: DepartmentCode,
    grant: TokenGrant,
    by: &Actor,
    time: OffsetDateTime,
) -> Result<(u64, i64), OrgError> {
    let now = time.unix_timestamp();
    let expires_at = now + grant.days * 86_400;
    require_department(tx.conn(), j, &department)?;
    oneseal_store::sessions::insert_token(
        tx.conn(),
        &NewToken {
            id: &grant.id,
            token_hash: &sessions::token_hash(&grant.secret),
            jurisdiction: j.as_str(),
            department: department.as_str(),
            scopes: &grant.scopes.join(","),
            created_at: now,
            expires_at,
        },
    )?;
    let event = Event::ApiTokenIssued {
        id: grant.id,
        department,
        scopes: grant.scopes,
    };
    Ok((tx.record(&event, time, j, by)?, expires_at))
}

/// A token as the administrator sees it (never its secret) and whether it has expired by now.
/// Whose it is: a department's system (`kind` `department`, the department named) or a
/// provincial platform's (`kind` `platform`, the platform named, no department: its row's
/// department column is a placeholder no department has).
#[derive(Debug, Serialize)]
pub struct TokenView {
    pub id: String,
    pub jurisdiction: String,
    pub kind: &'static str,
    pub department: Option<String>,
    pub platform: Option<String>,
    pub scopes: Vec<String>,
    pub created_at: i64,
    /// 0 when the row has none.
    pub expires_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked: bool,
    pub expired: bool,
}

impl TokenView {
    fn of(token: oneseal_store::sessions::TokenRow, now: i64) -> Self {
        let (kind, department) = match &token.platform {
            Some(_) => ("platform", None),
            None => ("department", Some(token.department)),
        };
        Self {
            expired: token.expires_at <= now,
            id: token.id,
            jurisdiction: token.jurisdiction,
            kind,
            department,
            platform: token.platform,
            scopes: token.scopes,
            created_at: token.created_at,
            expires_at: token.expires_at,
            last_used_at: token.last_used_at,
            revoked: token.revoked,
        }
    }
}

/// Revokes a token, recorded in the ledger. The token check reads the database on every
/// request, so the token is refused at once on every server.
pub fn revoke_token(
    tx: &mut Tx<'_>,
    principal: &Principal,
    by: StaffId,
    time: OffsetDateTime,
    id: String,
) -> Result<u64, OrgError> {
    let state =
        oneseal_store::sessions::token_state(tx.conn(), &id)?.ok_or(OrgError::TokenNotFound)?;
    let j = stored_jurisdiction(&state.jurisdiction)?;
    authorize(principal, Action::IssueApiToken, &Target::jurisdiction(&j))?;
    if state.revoked {
        return Err(OrgError::TokenRevoked);
    }
    oneseal_store::sessions::stamp_revocation(tx.conn(), &id, time.unix_timestamp())?;
    Ok(tx.record(&Event::ApiTokenRevoked { id }, time, &j, &Actor::Staff(by))?)
}
