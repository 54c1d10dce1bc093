//! The public register of grants (Licensing Law Art. 40): decisions granting a licence are
//! public. It lists the item, the holder as an organisation, the licence number, the decision
//! day, the validity and the state; a natural person's licence is left out altogether (its
//! holder label carries no data, but a list of them says nothing the public needs and would
//! let anyone count one person's licences).

use oneseal_domain::licence::{LicenceEvent, LicenceStatus};
use oneseal_store::licences::{RegisterFrom, RegisterRow, register_page};
use oneseal_store::{Conn, StoreError};
use serde::Serialize;

use crate::services::paging::{
    Direction, ListQueryError, PageCursor, PageLinks, parse_cursor, parse_limit,
};

/// Longest search text: names of items and organisations are far shorter.
pub const MAX_QUERY: usize = 100;

/// Why a register page could not be read.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error(transparent)]
    Query(#[from] ListQueryError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One licence as the register shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegisterEntry {
    pub licence_id: String,
    pub jurisdiction: String,
    pub item_code: String,
    pub item_name: String,
    /// The holder: an organisation's name.
    pub holder: String,
    /// The day the licence was granted (its validity starts).
    pub granted_on: String,
    /// The last day of validity now (renewals move it).
    pub valid_until: String,
    pub status: String,
    pub status_zh: &'static str,
}

/// One page of the register and the cursors either side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegisterPage {
    pub licences: Vec<RegisterEntry>,
    #[serde(flatten)]
    pub links: PageLinks,
}

/// The register's query: `q` (item, holder, licence or case number), `cursor`, `limit`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct RegisterQuery {
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub cursor: Option<String>,
    #[serde(default)]
    pub limit: Option<String>,
}

fn entry(row: RegisterRow) -> Option<RegisterEntry> {
    let LicenceEvent::Issued {
        item_code,
        item_name,
        holder,
        valid_from,
        ..
    } = row.issued
    else {
        return None;
    };
    let status: LicenceStatus =
        serde_json::from_value(serde_json::Value::String(row.status.clone())).ok()?;
    Some(RegisterEntry {
        licence_id: row.licence_id,
        jurisdiction: row.jurisdiction,
        item_code,
        item_name,
        holder,
        granted_on: valid_from.to_string(),
        valid_until: row.valid_until,
        status: row.status,
        status_zh: status.name_zh(),
    })
}

/// Reads one page of the register.
///
/// # Errors
/// [`RegisterError::Query`] for a bad cursor, limit or search text (the client's fault).
pub fn page(conn: &mut dyn Conn, q: &RegisterQuery) -> Result<RegisterPage, RegisterError> {
    let limit = parse_limit(q.limit.as_deref()).map_err(ListQueryError::from)?;
    let cursor = parse_cursor(q.cursor.as_deref()).map_err(ListQueryError::from)?;
    let text = q.q.as_deref().map(str::trim).filter(|t| !t.is_empty());
    if text.is_some_and(|t| t.chars().count() > MAX_QUERY || t.chars().any(char::is_control)) {
        return Err(ListQueryError::BadFilter("q").into());
    }
    let from = match &cursor {
        None => RegisterFrom::Start,
        Some(PageCursor {
            direction: Direction::After,
            key,
        }) => RegisterFrom::After(key),
        Some(PageCursor {
            direction: Direction::Before,
            key,
        }) => RegisterFrom::Before(key),
    };
    let mut rows = register_page(conn, text, from, limit + 1)?;
    let more = rows.len() > limit as usize;
    if more {
        match from {
            RegisterFrom::Before(_) => {
                rows.remove(0);
            }
            _ => {
                rows.truncate(limit as usize);
            }
        }
    }
    let licences: Vec<RegisterEntry> = rows.into_iter().filter_map(entry).collect();
    let first = licences.first().map(|l| l.licence_id.as_str());
    let last = licences.last().map(|l| l.licence_id.as_str());
    let (more_before, more_after) = match from {
        RegisterFrom::Start => (false, more),
        RegisterFrom::After(_) => (true, more),
        RegisterFrom::Before(_) => (more, true),
    };
    let links = PageLinks::new(first, last, more_before, more_after);
    Ok(RegisterPage { licences, links })
}
