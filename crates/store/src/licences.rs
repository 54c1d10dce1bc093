//! The statements about licences outside their projection: where a licence belongs (its
//! jurisdiction, and the department supervising its item).

use crate::sql::Conn;
use crate::{StoreError, params};

/// A licence's jurisdiction and the supervising department of its item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicencePlace {
    pub jurisdiction: String,
    /// Empty when the item is no longer in the catalog or names none.
    pub supervising_department: String,
}

/// Where licence `id`, issued for the item `item_code`, belongs; `None` for no such licence.
pub fn place(
    conn: &mut dyn Conn,
    id: &str,
    item_code: &str,
) -> Result<Option<LicencePlace>, StoreError> {
    conn.query_one(
        "SELECT l.jurisdiction, i.supervising_department FROM licences l JOIN licence_events e ON e.licence_id = l.licence_id AND e.seq = 1 \
         LEFT JOIN items i ON i.jurisdiction = l.jurisdiction AND i.current = 1 AND i.basic_code = ? WHERE l.licence_id = ?",
        params![item_code, id],
    )?
    .map(|r| {
        Ok(LicencePlace {
            jurisdiction: r.text(0)?,
            supervising_department: r.opt_text(1)?.unwrap_or_default(),
        })
    })
    .transpose()
}
