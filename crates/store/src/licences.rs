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

/// One licence on the public register (Licensing Law Art. 40): what its issue recorded, and
/// its state now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterRow {
    pub licence_id: String,
    pub jurisdiction: String,
    /// The status code (`valid`, `revoked`, …).
    pub status: String,
    /// The current last day of validity (renewals move it), `YYYY-MM-DD`.
    pub valid_until: String,
    /// The issue event: item, holder's public label, the decision day.
    pub issued: oneseal_domain::licence::LicenceEvent,
}

/// The holder label a natural person's licence carries (`Applicant::public_label`): such
/// licences stay off the register, which names organisations only.
const NATURAL_PERSON_HOLDER: &str = "%\"holder\":\"个人申请人\"%";

/// A LIKE pattern for `text` anywhere from the licence number to the holder of the issue
/// event's JSON (licence id, case number, item code, item name, holder): serde writes those
/// fields in that order, `valid_from` next. `text` is matched as JSON writes it, literally.
fn register_pattern(text: &str) -> String {
    let json = serde_json::to_string(text).unwrap_or_default();
    let inner = json
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or_default();
    let mut escaped = String::with_capacity(inner.len());
    for c in inner.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    format!("%\"licence_id\":\"%{escaped}%\",\"valid_from\":%")
}

/// Where a register page starts: after or before a licence id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegisterFrom<'a> {
    Start,
    After(&'a str),
    Before(&'a str),
}

/// Up to `limit` licences of organisations matching `text` (empty: all), in licence-id order
/// from `from`; rows before a `Before` cursor are returned in ascending order too.
pub fn register_page(
    conn: &mut dyn Conn,
    text: Option<&str>,
    from: RegisterFrom<'_>,
    limit: u32,
) -> Result<Vec<RegisterRow>, StoreError> {
    let mut sql = String::from(
        "SELECT l.licence_id, l.jurisdiction, l.status, l.valid_until, e.body FROM licences l \
         JOIN licence_events e ON e.licence_id = l.licence_id AND e.seq = 1 WHERE e.body NOT LIKE ?",
    );
    let mut args: Vec<crate::sql::Value> = vec![NATURAL_PERSON_HOLDER.into()];
    if let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) {
        sql.push_str(" AND e.body LIKE ? ESCAPE '\\'");
        args.push(register_pattern(text).into());
    }
    let order = match from {
        RegisterFrom::Start => " ORDER BY l.licence_id",
        RegisterFrom::After(key) => {
            sql.push_str(" AND l.licence_id > ?");
            args.push(key.into());
            " ORDER BY l.licence_id"
        }
        RegisterFrom::Before(key) => {
            sql.push_str(" AND l.licence_id < ?");
            args.push(key.into());
            " ORDER BY l.licence_id DESC"
        }
    };
    sql.push_str(order);
    sql.push_str(" LIMIT ?");
    args.push(i64::from(limit).into());
    let mut rows = conn
        .query(&sql, &args)?
        .into_iter()
        .map(|r| {
            let licence_id = r.text(0)?;
            let issued = serde_json::from_str(&r.text(4)?)
                .map_err(|e| StoreError::Corrupt(format!("licence {licence_id}: {e}")))?;
            Ok(RegisterRow {
                jurisdiction: r.text(1)?,
                status: r.text(2)?,
                valid_until: r.text(3)?,
                licence_id,
                issued,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    if matches!(from, RegisterFrom::Before(_)) {
        rows.reverse();
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_register_search_is_literal_and_stays_inside_the_public_fields() {
        assert_eq!(
            register_pattern("食品"),
            "%\"licence_id\":\"%食品%\",\"valid_from\":%"
        );
        assert_eq!(
            register_pattern("50%_\\"),
            "%\"licence_id\":\"%50\\%\\_\\\\\\\\%\",\"valid_from\":%"
        );
        assert!(register_pattern("\"").contains("\\\\\""));
    }
}
