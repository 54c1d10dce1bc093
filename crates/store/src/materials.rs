//! The files stored among a case's materials (`case_materials`): written only by the projection
//! of `case.material_stored`, read by the case desk, the case JSON and the download.

use oneseal_domain::material::StoredMaterial;
use serde::Serialize;

use crate::sql::Conn;
use crate::{StoreError, params};

/// One stored file of a case, as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MaterialRow {
    pub sha256: String,
    pub name: String,
    /// The name is one of the catalog item's materials.
    pub listed: bool,
    /// `pdf`, `ofd`, `jpeg` or `png` (`domain::material::MediaType::code`).
    pub media_type: String,
    pub size: u64,
    pub uploaded_by: String,
    /// RFC 3339.
    pub uploaded_at: String,
}

/// The projection of one stored material.
pub(crate) fn apply(
    conn: &mut dyn Conn,
    case_number: &str,
    m: &StoredMaterial,
) -> Result<(), StoreError> {
    let at =
        m.at.format(&time::format_description::well_known::Rfc3339)
            .map_err(|e| StoreError::Corrupt(format!("time does not format: {e}")))?;
    conn.execute(
        "INSERT INTO case_materials (case_number, sha256, name, listed, media_type, size, uploaded_by, uploaded_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        params![
            case_number,
            m.sha256.as_str(),
            m.name.as_str(),
            i64::from(m.listed),
            m.media_type.code(),
            i64::try_from(m.size).unwrap_or(i64::MAX),
            m.by.as_str(),
            at
        ],
    )?;
    Ok(())
}

const COLUMNS: &str = "sha256, name, listed, media_type, size, uploaded_by, uploaded_at";

fn row(r: &crate::Row) -> Result<MaterialRow, StoreError> {
    Ok(MaterialRow {
        sha256: r.text(0)?,
        name: r.text(1)?,
        listed: r.int(2)? != 0,
        media_type: r.text(3)?,
        size: r.u64(4)?,
        uploaded_by: r.text(5)?,
        uploaded_at: r.text(6)?,
    })
}

/// Every file of a case, in the order they were stored.
pub fn list(conn: &mut dyn Conn, case_number: &str) -> Result<Vec<MaterialRow>, StoreError> {
    conn.query(
        &format!(
            "SELECT {COLUMNS} FROM case_materials WHERE case_number = ? ORDER BY uploaded_at, sha256"
        ),
        params![case_number],
    )?
    .iter()
    .map(row)
    .collect()
}

/// One file of a case, if the case lists it.
pub fn find(
    conn: &mut dyn Conn,
    case_number: &str,
    sha256: &str,
) -> Result<Option<MaterialRow>, StoreError> {
    conn.query_one(
        &format!("SELECT {COLUMNS} FROM case_materials WHERE case_number = ? AND sha256 = ?"),
        params![case_number, sha256],
    )?
    .map(|r| row(&r))
    .transpose()
}

/// Bytes stored for a case so far (the per-case limit counts them).
pub fn total_size(conn: &mut dyn Conn, case_number: &str) -> Result<u64, StoreError> {
    let r = conn.query_one(
        "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM case_materials WHERE case_number = ?",
        params![case_number],
    )?;
    match r {
        Some(r) => r.u64(0),
        None => Ok(0),
    }
}

/// The materials listed by the catalog item `basic_code` at `version` of a jurisdiction's
/// catalog (the version the case pinned), as the item's JSON body has them.
pub fn item_body(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    basic_code: &str,
    version: u32,
) -> Result<Option<String>, StoreError> {
    conn.query_one(
        "SELECT body FROM items WHERE jurisdiction = ? AND basic_code = ? AND version = ?",
        params![jurisdiction, basic_code, i64::from(version)],
    )?
    .map(|r| r.text(0))
    .transpose()
}
