//! What the bureau sets up for the linkage and what it reads back: the claim periods, which
//! department supervises which item, the departments and staff those settings may name, and
//! the refused attempts departments made.

use oneseal_domain::linkage::LinkageSettings;
use oneseal_domain::org::{DepartmentCode, DivisionCode};

use crate::sql::Conn;
use crate::{StoreError, params};

/// The jurisdiction's claim and escalation periods (the defaults until set).
pub fn settings(c: &mut dyn Conn, j: &DivisionCode) -> Result<LinkageSettings, StoreError> {
    let row = c.query_one(
        "SELECT claim_days, escalate_days FROM linkage_settings WHERE jurisdiction = ?",
        params![j.as_str()],
    )?;
    Ok(match row {
        Some(r) => LinkageSettings {
            claim_days: u32::try_from(r.int(0)?).unwrap_or(2),
            escalate_days: u32::try_from(r.int(1)?).unwrap_or(2),
        },
        None => LinkageSettings::default(),
    })
}

/// The bureau's explicit mapping of an item to its supervising department.
#[derive(Debug, Clone)]
pub struct Mapping {
    pub department: String,
    pub responsible: Option<String>,
    pub push_refusals: bool,
}

/// The explicit mapping of an item here, if the bureau set one.
pub fn mapping(
    c: &mut dyn Conn,
    j: &DivisionCode,
    item_code: &str,
) -> Result<Option<Mapping>, StoreError> {
    c.query_one(
        "SELECT department, responsible, push_refusals FROM supervision_mappings WHERE jurisdiction = ? AND item_code = ?",
        params![j.as_str(), item_code],
    )?
    .map(|r| {
        Ok(Mapping {
            department: r.text(0)?,
            responsible: r.opt_text(1)?,
            push_refusals: r.int(2)? != 0,
        })
    })
    .transpose()
}

/// The catalog's supervising department of a current item, when it is registered here as a
/// department other than the bureau.
pub fn catalog_supervisor(
    c: &mut dyn Conn,
    j: &DivisionCode,
    item_code: &str,
) -> Result<Option<String>, StoreError> {
    c.query_one(
        "SELECT d.code FROM items i JOIN departments d ON d.jurisdiction = i.jurisdiction AND d.code = i.supervising_department \
         WHERE i.jurisdiction = ? AND i.basic_code = ? AND i.current = 1 AND d.kind <> 'bureau'",
        params![j.as_str(), item_code],
    )?
    .map(|r| r.text(0))
    .transpose()
}

/// One current item with the department that supervises it (explicit or from the catalog).
#[derive(Debug, Clone)]
pub struct ItemMapping {
    pub item_code: String,
    pub item_name: String,
    pub department: Option<String>,
    pub responsible: Option<String>,
    pub push_refusals: bool,
    /// Whether the bureau set the mapping (rather than the catalog implying it).
    pub explicit: bool,
}

/// Every current item of the jurisdiction with its supervising department, by code.
pub fn mappings(c: &mut dyn Conn, j: &DivisionCode) -> Result<Vec<ItemMapping>, StoreError> {
    c.query(
        "SELECT i.basic_code, i.name, COALESCE(m.department, d.code), m.responsible, COALESCE(m.push_refusals, 0), \
           m.department IS NOT NULL FROM items i \
         LEFT JOIN supervision_mappings m ON m.jurisdiction = i.jurisdiction AND m.item_code = i.basic_code \
         LEFT JOIN departments d ON d.jurisdiction = i.jurisdiction AND d.code = i.supervising_department AND d.kind <> 'bureau' \
         WHERE i.jurisdiction = ? AND i.current = 1 ORDER BY i.basic_code",
        params![j.as_str()],
    )?
    .into_iter()
    .map(|r| {
        Ok(ItemMapping {
            item_code: r.text(0)?,
            item_name: r.text(1)?,
            department: r.opt_text(2)?,
            responsible: r.opt_text(3)?,
            push_refusals: r.int(4)? != 0,
            explicit: r.int(5)? != 0,
        })
    })
    .collect()
}

/// Whether a current item of that code exists here.
pub fn item_is_current(c: &mut dyn Conn, j: &DivisionCode, code: &str) -> Result<bool, StoreError> {
    Ok(c.query_one(
        "SELECT 1 FROM items WHERE jurisdiction = ? AND basic_code = ? AND current = 1",
        params![j.as_str(), code],
    )?
    .is_some())
}

/// Whether the code names a department here other than the bureau.
pub fn is_supervising_department(
    c: &mut dyn Conn,
    j: &DivisionCode,
    d: &DepartmentCode,
) -> Result<bool, StoreError> {
    Ok(c.query_one(
        "SELECT 1 FROM departments WHERE jurisdiction = ? AND code = ? AND kind <> 'bureau'",
        params![j.as_str(), d.as_str()],
    )?
    .is_some())
}

/// Whether the user is active staff of that department here.
pub fn is_active_staff_of(
    c: &mut dyn Conn,
    j: &DivisionCode,
    d: &DepartmentCode,
    staff_id: &str,
) -> Result<bool, StoreError> {
    Ok(c.query_one(
        "SELECT 1 FROM staff WHERE id = ? AND jurisdiction = ? AND department = ? AND active = 1",
        params![staff_id, j.as_str(), d.as_str()],
    )?
    .is_some())
}

/// The ids of the jurisdiction's active inspectors, in order (who escalations go to).
pub fn active_inspectors(c: &mut dyn Conn, j: &DivisionCode) -> Result<Vec<String>, StoreError> {
    c.query(
        "SELECT id FROM staff WHERE jurisdiction = ? AND active = 1 AND roles LIKE '%inspector%' ORDER BY id",
        params![j.as_str()],
    )?
    .into_iter()
    .map(|r| r.text(0))
    .collect()
}

/// An attempt a department made on business that was not its own, with how often.
#[derive(Debug, Clone)]
pub struct RefusalRow {
    pub department: String,
    pub target: String,
    pub code: String,
    pub attempts: i64,
}

/// The jurisdiction's refused attempts, most frequent first.
pub fn refusals(c: &mut dyn Conn, j: &DivisionCode) -> Result<Vec<RefusalRow>, StoreError> {
    c.query(
        "SELECT department, target, code, attempts FROM linkage_refusals WHERE jurisdiction = ? ORDER BY attempts DESC, department",
        params![j.as_str()],
    )?
    .into_iter()
    .map(|r| {
        Ok(RefusalRow {
            department: r.text(0)?,
            target: r.text(1)?,
            code: r.text(2)?,
            attempts: r.int(3)?,
        })
    })
    .collect()
}
