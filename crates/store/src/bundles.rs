//! "One thing" bundle applications (issue #20 item 2): `bundle_cases`, the projection of the
//! receipts' bundle links, and the reads of the bundle pages and statistics. The members'
//! statuses come from `cases`, so an application is always read as its cases stand.

use oneseal_domain::case::Case;

use crate::sql::Conn;
use crate::{StoreError, params};

/// Enters a case in its application when its receipt carries a bundle link (called with the
/// case's first row, by each step and by `ledger verify`'s replay alike).
pub fn index(conn: &mut dyn Conn, jurisdiction: &str, case: &Case) -> Result<(), StoreError> {
    let r = case.received();
    let Some(link) = &r.bundle else {
        return Ok(());
    };
    conn.execute(
        "INSERT INTO bundle_cases (application, case_number, jurisdiction, bundle_code, position, members, blocks, received_on) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        params![
            link.application.as_str(),
            r.case_number.as_str(),
            jurisdiction,
            link.code.as_str(),
            u32::from(link.position),
            u32::from(link.of),
            link.blocks,
            r.received_on().to_string()
        ],
    )?;
    Ok(())
}

/// One case of an application, as its row in `cases` stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    pub application: String,
    pub case_number: String,
    pub jurisdiction: String,
    pub bundle_code: String,
    pub position: i64,
    pub members: i64,
    pub blocks: bool,
    pub received_on: String,
    pub item_code: String,
    pub item_name: String,
    /// BLZT status code.
    pub status: i64,
    pub closed: bool,
}

const MEMBER_COLUMNS: &str = "b.application, b.case_number, b.jurisdiction, b.bundle_code, b.position, b.members, \
     b.blocks, b.received_on, c.item_code, c.item_name, c.status, c.closed";

fn member(r: &crate::sql::Row) -> Result<MemberRow, StoreError> {
    Ok(MemberRow {
        application: r.text(0)?,
        case_number: r.text(1)?,
        jurisdiction: r.text(2)?,
        bundle_code: r.text(3)?,
        position: r.int(4)?,
        members: r.int(5)?,
        blocks: r.int(6)? != 0,
        received_on: r.text(7)?,
        item_code: r.text(8)?,
        item_name: r.text(9)?,
        status: r.int(10)?,
        closed: r.int(11)? != 0,
    })
}

/// The cases of `application`, in their order.
pub fn members(conn: &mut dyn Conn, application: &str) -> Result<Vec<MemberRow>, StoreError> {
    conn.query(
        &format!(
            "SELECT {MEMBER_COLUMNS} FROM bundle_cases b JOIN cases c ON c.case_number = b.case_number \
             WHERE b.application = ? ORDER BY b.position"
        ),
        params![application],
    )?
    .iter()
    .map(member)
    .collect()
}

/// The application `case_number` belongs to, if any.
pub fn application_of(
    conn: &mut dyn Conn,
    case_number: &str,
) -> Result<Option<String>, StoreError> {
    conn.query_one(
        "SELECT application FROM bundle_cases WHERE case_number = ?",
        params![case_number],
    )?
    .map(|r| r.text(0))
    .transpose()
}

/// The cases of `j`'s newest `limit` applications (every case of each), newest first.
pub fn recent(conn: &mut dyn Conn, j: &str, limit: u32) -> Result<Vec<MemberRow>, StoreError> {
    conn.query(
        &format!(
            "SELECT {MEMBER_COLUMNS} FROM bundle_cases b JOIN cases c ON c.case_number = b.case_number \
             WHERE b.application IN (SELECT DISTINCT application FROM bundle_cases WHERE jurisdiction = ? \
             ORDER BY application DESC LIMIT ?) ORDER BY b.application DESC, b.position"
        ),
        params![j, limit],
    )?
    .iter()
    .map(member)
    .collect()
}

/// Every bundle case of `j` with its status, by application: what the statistics per bundle
/// are counted from.
pub fn all_in(conn: &mut dyn Conn, j: &str) -> Result<Vec<MemberRow>, StoreError> {
    conn.query(
        &format!(
            "SELECT {MEMBER_COLUMNS} FROM bundle_cases b JOIN cases c ON c.case_number = b.case_number \
             WHERE b.jurisdiction = ? ORDER BY b.application, b.position"
        ),
        params![j],
    )?
    .iter()
    .map(member)
    .collect()
}
