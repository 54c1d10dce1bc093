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
        let event: CaseEvent = serde_json::from_str(&r.text(1)?)
            .map_err(|e| StoreError::Corrupt(format!("case {number}: stored event: {e}")))?;
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
