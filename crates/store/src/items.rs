//! The statements of publishing catalog items outside their projection: the current version of
//! an item, which a new publication compares with.

use crate::sql::Conn;
use crate::{StoreError, params};

/// The current version of an item as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentItem {
    pub version: i64,
    /// The item as JSON.
    pub body: String,
}

/// The current version of the item `basic_code` in a jurisdiction's catalog, if published.
pub fn current(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    basic_code: &str,
) -> Result<Option<CurrentItem>, StoreError> {
    conn.query_one(
        "SELECT version, body FROM items WHERE jurisdiction = ? AND basic_code = ? AND current = 1",
        params![jurisdiction, basic_code],
    )?
    .map(|r| {
        Ok(CurrentItem {
            version: r.int(0)?,
            body: r.text(1)?,
        })
    })
    .transpose()
}
