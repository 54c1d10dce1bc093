//! The organisation as the tables hold it: jurisdictions, departments and staff.
//!
//! These tables are projections of the organisation's ledger events; this module is the one
//! place that reads them, so a column rename touches one file.

use std::collections::HashMap;

use crate::sql::{Conn, Row};
use crate::{StoreError, params};

/// One jurisdiction (a city or a county).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JurisdictionRow {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub parent: Option<String>,
    pub bureau_uscc: String,
}

/// Every jurisdiction, by code.
pub fn jurisdictions(conn: &mut dyn Conn) -> Result<Vec<JurisdictionRow>, StoreError> {
    conn.query(
        "SELECT code, name_zh, name_en, parent, bureau_uscc FROM jurisdictions ORDER BY code",
        &[],
    )?
    .into_iter()
    .map(|r| {
        Ok(JurisdictionRow {
            code: r.text(0)?,
            name_zh: r.text(1)?,
            name_en: r.text(2)?,
            parent: r.opt_text(3)?,
            bureau_uscc: r.text(4)?,
        })
    })
    .collect()
}

/// The Chinese name of a jurisdiction (`None` for an unknown code).
pub fn jurisdiction_name(conn: &mut dyn Conn, code: &str) -> Result<Option<String>, StoreError> {
    conn.query_one(
        "SELECT name_zh FROM jurisdictions WHERE code = ?",
        params![code],
    )?
    .map(|r| r.text(0))
    .transpose()
}

/// Whether any organisation has been registered (the demo seeds only an empty database).
pub fn has_jurisdictions(conn: &mut dyn Conn) -> Result<bool, StoreError> {
    Ok(conn
        .query_one("SELECT 1 FROM jurisdictions", &[])?
        .is_some())
}

/// One department of a jurisdiction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DepartmentRow {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub kind: String,
}

/// A jurisdiction's departments, by code.
pub fn departments(
    conn: &mut dyn Conn,
    jurisdiction: &str,
) -> Result<Vec<DepartmentRow>, StoreError> {
    conn.query(
        "SELECT code, name_zh, name_en, kind FROM departments WHERE jurisdiction = ? ORDER BY code",
        params![jurisdiction],
    )?
    .into_iter()
    .map(|r| {
        Ok(DepartmentRow {
            code: r.text(0)?,
            name_zh: r.text(1)?,
            name_en: r.text(2)?,
            kind: r.text(3)?,
        })
    })
    .collect()
}

/// A jurisdiction's department codes with their Chinese names.
pub fn department_names(
    conn: &mut dyn Conn,
    jurisdiction: &str,
) -> Result<HashMap<String, String>, StoreError> {
    conn.query(
        "SELECT code, name_zh FROM departments WHERE jurisdiction = ?",
        params![jurisdiction],
    )?
    .into_iter()
    .map(|r| Ok((r.text(0)?, r.text(1)?)))
    .collect()
}

/// Whether the jurisdiction has a department with this code.
pub fn department_exists(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    code: &str,
) -> Result<bool, StoreError> {
    Ok(conn
        .query_one(
            "SELECT 1 FROM departments WHERE jurisdiction = ? AND code = ?",
            params![jurisdiction, code],
        )?
        .is_some())
}

/// An active member of staff as the staff list shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffRow {
    pub id: String,
    pub department: String,
    pub name: String,
    /// The stored comma-separated role codes, split.
    pub roles: Vec<String>,
}

/// A jurisdiction's active staff, by id.
pub fn active_staff(conn: &mut dyn Conn, jurisdiction: &str) -> Result<Vec<StaffRow>, StoreError> {
    conn.query(
        "SELECT id, department, name, roles FROM staff WHERE jurisdiction = ? AND active = 1 ORDER BY id",
        params![jurisdiction],
    )?
    .into_iter()
    .map(|r| {
        Ok(StaffRow {
            id: r.text(0)?,
            department: r.text(1)?,
            name: r.text(2)?,
            roles: r.text(3)?.split(',').map(str::to_owned).collect(),
        })
    })
    .collect()
}

/// Where an active member of staff is posted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Posting {
    pub jurisdiction: String,
    pub department: String,
}

/// The posting of an active member of staff (`None` for an unknown or inactive id).
pub fn posting(conn: &mut dyn Conn, staff_id: &str) -> Result<Option<Posting>, StoreError> {
    conn.query_one(
        "SELECT jurisdiction, department FROM staff WHERE id = ? AND active = 1",
        params![staff_id],
    )?
    .map(|r| {
        Ok(Posting {
            jurisdiction: r.text(0)?,
            department: r.text(1)?,
        })
    })
    .transpose()
}

/// An active member of staff as sign-in sees them: who, where, which roles (not yet parsed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffIdentity {
    pub id: String,
    pub jurisdiction: String,
    pub department: String,
    /// The stored comma-separated role codes.
    pub roles: String,
    pub name: String,
}

/// The identity of an active member of staff (`None` for an unknown or inactive id).
pub fn staff_identity(
    conn: &mut dyn Conn,
    staff_id: &str,
) -> Result<Option<StaffIdentity>, StoreError> {
    conn.query_one(
        "SELECT id, jurisdiction, department, roles, name FROM staff WHERE id = ? AND active = 1",
        params![staff_id],
    )?
    .map(|r: Row| {
        Ok(StaffIdentity {
            id: r.text(0)?,
            jurisdiction: r.text(1)?,
            department: r.text(2)?,
            roles: r.text(3)?,
            name: r.text(4)?,
        })
    })
    .transpose()
}

/// A member of staff as names are shown to other staff (active or not: a case's history still
/// names whoever acted on it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffName {
    pub id: String,
    pub jurisdiction: String,
    pub department: String,
    pub name: String,
    /// The stored comma-separated role codes, split.
    pub roles: Vec<String>,
    pub active: bool,
}

/// Every member of staff, by id (a few hundred rows at most: one per person of the bureaus and
/// departments).
pub fn staff_names(conn: &mut dyn Conn) -> Result<Vec<StaffName>, StoreError> {
    conn.query(
        "SELECT id, jurisdiction, department, name, roles, active FROM staff ORDER BY id",
        &[],
    )?
    .into_iter()
    .map(|r| {
        Ok(StaffName {
            id: r.text(0)?,
            jurisdiction: r.text(1)?,
            department: r.text(2)?,
            name: r.text(3)?,
            roles: r.text(4)?.split(',').map(str::to_owned).collect(),
            active: r.int(5)? != 0,
        })
    })
    .collect()
}

/// Every department of every jurisdiction: (jurisdiction, code, Chinese name).
pub fn all_department_names(
    conn: &mut dyn Conn,
) -> Result<Vec<(String, String, String)>, StoreError> {
    conn.query(
        "SELECT jurisdiction, code, name_zh FROM departments ORDER BY jurisdiction, code",
        &[],
    )?
    .into_iter()
    .map(|r| Ok((r.text(0)?, r.text(1)?, r.text(2)?)))
    .collect()
}

/// The current name of each item of a jurisdiction: (basic code, name).
pub fn item_names(
    conn: &mut dyn Conn,
    jurisdiction: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    conn.query(
        "SELECT basic_code, name FROM items WHERE jurisdiction = ? AND current = 1 ORDER BY basic_code",
        params![jurisdiction],
    )?
    .into_iter()
    .map(|r| Ok((r.text(0)?, r.text(1)?)))
    .collect()
}

/// A page of a list and whether rows lie beyond each end.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub more_before: bool,
    pub more_after: bool,
}

impl<T> Page<T> {
    /// The page from `limit + 1` rows read in the page's direction (`backwards`: read before
    /// the key and reversed), given whether a key was given at all.
    pub fn of(mut rows: Vec<T>, limit: u32, backwards: bool, keyed: bool) -> Self {
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        if backwards {
            rows.reverse();
        }
        Page {
            rows,
            more_before: if backwards { more } else { keyed },
            more_after: if backwards { true } else { more },
        }
    }
}

/// One page of a jurisdiction's active staff, by id, after (`(true, id)`) or before
/// (`(false, id)`) the member `id`.
pub fn active_staff_page(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    key: Option<(bool, &str)>,
    limit: u32,
) -> Result<Page<StaffRow>, StoreError> {
    let backwards = key.is_some_and(|(after, _)| !after);
    let (cmp, order) = match key {
        Some((true, _)) => ("AND id > ?", "ASC"),
        Some((false, _)) => ("AND id < ?", "DESC"),
        None => ("AND (CAST(? AS TEXT) IS NULL)", "ASC"),
    };
    let rows = conn
        .query(
            &format!(
                "SELECT id, department, name, roles FROM staff WHERE jurisdiction = ? AND active = 1 {cmp} \
                 ORDER BY id {order} LIMIT ?"
            ),
            params![
                jurisdiction,
                key.map(|(_, k)| k),
                i64::from(limit).saturating_add(1)
            ],
        )?
        .into_iter()
        .map(|r| {
            Ok(StaffRow {
                id: r.text(0)?,
                department: r.text(1)?,
                name: r.text(2)?,
                roles: r.text(3)?.split(',').map(str::to_owned).collect(),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(Page::of(rows, limit, backwards, key.is_some()))
}
