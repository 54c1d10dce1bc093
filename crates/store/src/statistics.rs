//! What the public statistics and the leadership dashboard read: the case histories of a
//! jurisdiction, its case numbers, and which department each item belongs to. The figures
//! themselves are computed in the server's services from these, with the domain's legal clocks.

use oneseal_domain::case::CaseEvent;

use crate::sql::Conn;
use crate::{StoreError, params};

/// Every case history of a jurisdiction, grouped by case (in case-number order), each in order.
pub fn case_histories(
    conn: &mut dyn Conn,
    jurisdiction: &str,
) -> Result<Vec<Vec<CaseEvent>>, StoreError> {
    let rows = conn.query(
        "SELECT e.case_number, e.body FROM case_events e JOIN cases c ON c.case_number = e.case_number \
         WHERE c.jurisdiction = ? ORDER BY e.case_number, e.seq",
        params![jurisdiction],
    )?;
    let mut out: Vec<(String, Vec<CaseEvent>)> = Vec::new();
    for r in rows {
        let number = r.text(0)?;
        let event = crate::case_rows::event_at(&r, 1, &number)?;
        match out.last_mut() {
            Some((n, events)) if *n == number => events.push(event),
            _ => out.push((number, vec![event])),
        }
    }
    Ok(out.into_iter().map(|(_, e)| e).collect())
}

/// The case numbers of a jurisdiction, in order.
pub fn case_numbers(conn: &mut dyn Conn, jurisdiction: &str) -> Result<Vec<String>, StoreError> {
    conn.query(
        "SELECT case_number FROM cases WHERE jurisdiction = ? ORDER BY case_number",
        params![jurisdiction],
    )?
    .into_iter()
    .map(|r| r.text(0))
    .collect()
}

/// An item (current catalog version) and its original department: the department's code and
/// its name (the code itself when the department is not registered).
#[derive(Debug, Clone)]
pub struct ItemDepartment {
    pub item_code: String,
    pub department_code: String,
    pub department_name: String,
}

/// The original department of every current item of a jurisdiction.
pub fn item_departments(
    conn: &mut dyn Conn,
    jurisdiction: &str,
) -> Result<Vec<ItemDepartment>, StoreError> {
    conn.query(
        "SELECT i.basic_code, i.original_department, COALESCE(d.name_zh, i.original_department) FROM items i \
         LEFT JOIN departments d ON d.jurisdiction = i.jurisdiction AND d.code = i.original_department \
         WHERE i.jurisdiction = ? AND i.current = 1",
        params![jurisdiction],
    )?
    .into_iter()
    .map(|r| {
        Ok(ItemDepartment {
            item_code: r.text(0)?,
            department_code: r.text(1)?,
            department_name: r.text(2)?,
        })
    })
    .collect()
}

/// A jurisdiction as the dashboard offers it for choice.
#[derive(Debug, Clone)]
pub struct JurisdictionName {
    pub code: String,
    pub name_zh: String,
}

/// Every jurisdiction, by code.
pub fn jurisdiction_names(conn: &mut dyn Conn) -> Result<Vec<JurisdictionName>, StoreError> {
    conn.query("SELECT code, name_zh FROM jurisdictions ORDER BY code", &[])?
        .into_iter()
        .map(|r| {
            Ok(JurisdictionName {
                code: r.text(0)?,
                name_zh: r.text(1)?,
            })
        })
        .collect()
}

/// The receipt (first event) of the first case of `item` in a jurisdiction: the item as its
/// cases were received (name, statutory limit), without reading the catalog's versions.
pub fn first_receipt(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    item: &str,
) -> Result<Option<CaseEvent>, StoreError> {
    let Some(row) = conn.query_one(
        "SELECT case_number FROM cases WHERE jurisdiction = ? AND item_code = ? \
         ORDER BY case_number LIMIT 1",
        params![jurisdiction, item],
    )?
    else {
        return Ok(None);
    };
    let number = row.text(0)?;
    conn.query_one(
        "SELECT body FROM case_events WHERE case_number = ? AND seq = 1",
        params![number.as_str()],
    )?
    .map(|r| crate::case_rows::event_at(&r, 0, &number))
    .transpose()
}

/// The item of each of `numbers` that exists, by case number (one statement per 500 numbers).
pub fn case_item_codes(
    conn: &mut dyn Conn,
    numbers: &[String],
) -> Result<std::collections::BTreeMap<String, String>, StoreError> {
    let mut out = std::collections::BTreeMap::new();
    for page in numbers.chunks(500) {
        let marks = vec!["?"; page.len()].join(", ");
        let args: Vec<crate::Value> = page.iter().map(|n| n.as_str().into()).collect();
        for r in conn.query(
            &format!("SELECT case_number, item_code FROM cases WHERE case_number IN ({marks})"),
            &args,
        )? {
            out.insert(r.text(0)?, r.text(1)?);
        }
    }
    Ok(out)
}

/// Ratings given in `from..=to` per level code (index `ratings_page`).
pub fn rating_counts(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    from: &str,
    to: &str,
) -> Result<Vec<(String, u64)>, StoreError> {
    conn.query(
        "SELECT level, COUNT(*) FROM ratings WHERE jurisdiction = ? AND rated_on >= ? AND rated_on <= ? \
         GROUP BY level",
        params![jurisdiction, from, to],
    )?
    .into_iter()
    .map(|r| Ok((r.text(0)?, r.u64(1)?)))
    .collect()
}

/// Open rectifications of bad ratings, and those of them due before `today` (index
/// `ratings_rectification`).
pub fn open_rectifications(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    today: &str,
) -> Result<(u64, u64), StoreError> {
    let row = conn.query_one(
        "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN rectification_due < ? THEN 1 ELSE 0 END), 0) AS BIGINT) \
         FROM ratings WHERE jurisdiction = ? AND rectification_status = 'open'",
        params![today, jurisdiction],
    )?;
    match row {
        Some(r) => Ok((r.u64(0)?, r.u64(1)?)),
        None => Ok((0, 0)),
    }
}
