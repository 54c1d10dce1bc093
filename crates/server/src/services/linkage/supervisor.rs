//! Which department supervises an item in a jurisdiction, and reading the codes the tables
//! store back into domain values.

use oneseal_domain::org::{DepartmentCode, DivisionCode, StaffId};
use oneseal_store::Conn;
use oneseal_store::linkage::bureau as store;

use super::error::LinkageError;

/// Who supervises an item here: the explicit mapping, else the catalog's supervising
/// department when it is registered in this jurisdiction. `None` = unmapped (flagged).
pub struct Supervisor {
    pub department: DepartmentCode,
    pub responsible: Option<StaffId>,
    pub push_refusals: bool,
}

pub fn supervisor_for(
    conn: &mut dyn Conn,
    j: &DivisionCode,
    item_code: &str,
) -> Result<Option<Supervisor>, LinkageError> {
    if let Some(m) = store::mapping(conn, j, item_code)? {
        return Ok(Some(Supervisor {
            department: parse_dept(&m.department)?,
            responsible: m.responsible.and_then(|s| StaffId::parse(&s).ok()),
            push_refusals: m.push_refusals,
        }));
    }
    store::catalog_supervisor(conn, j, item_code)?
        .map(|d| {
            Ok(Supervisor {
                department: parse_dept(&d)?,
                responsible: None,
                push_refusals: false,
            })
        })
        .transpose()
}

pub(crate) fn parse_dept(s: &str) -> Result<DepartmentCode, LinkageError> {
    DepartmentCode::parse(s).map_err(|e| LinkageError::Internal(format!("stored department: {e}")))
}

pub(crate) fn parse_division(s: &str) -> Result<DivisionCode, LinkageError> {
    DivisionCode::parse(s).map_err(|e| LinkageError::Internal(e.to_string()))
}
