//! The catalog as the `items` table holds it: every version of every item, one current.
//!
//! Each row keeps the item whole as JSON (`body`) plus the columns searched on; the bodies are
//! decoded here, so a caller gets `Item`s.

use oneseal_domain::catalog::Item;

use crate::sql::{Conn, Value};
use crate::{StoreError, params};

/// What a catalog search filters on; empty strings are no filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ItemFilter<'a> {
    /// Part of the name or the basic code, matched literally.
    pub text: Option<&'a str>,
    pub category: Option<&'a str>,
    pub area: Option<&'a str>,
    pub place: Option<&'a str>,
    /// The original or the supervising department.
    pub department: Option<&'a str>,
}

/// One page of matching current items and how many match in all.
#[derive(Clone, Debug, PartialEq)]
pub struct ItemMatches {
    pub total: u64,
    pub items: Vec<Item>,
}

/// A LIKE pattern matching `text` literally anywhere: `%`, `_` and the escape character
/// itself are searched for, not interpreted.
fn contains_pattern(text: &str) -> String {
    let mut p = String::with_capacity(text.len() + 2);
    p.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// The current items of a jurisdiction matching `f`, `limit` of them from `offset`, in the
/// catalog's order (real items before generated ones, then by code).
pub fn search(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    f: &ItemFilter<'_>,
    limit: u32,
    offset: u64,
) -> Result<ItemMatches, StoreError> {
    let mut filter = String::from(" FROM items WHERE jurisdiction = ? AND current = 1");
    let mut args: Vec<Value> = vec![jurisdiction.into()];
    if let Some(text) = f.text.map(str::trim).filter(|s| !s.is_empty()) {
        filter.push_str(" AND (name LIKE ? ESCAPE '\\' OR basic_code LIKE ? ESCAPE '\\')");
        args.push(contains_pattern(text).into());
        args.push(contains_pattern(text).into());
    }
    for (col, val) in [
        ("category", f.category),
        ("area", f.area),
        ("handling_place", f.place),
    ] {
        if let Some(v) = val.filter(|s| !s.is_empty()) {
            filter.push_str(&format!(" AND {col} = ?"));
            args.push(v.into());
        }
    }
    if let Some(d) = f.department.filter(|s| !s.is_empty()) {
        filter.push_str(" AND (original_department = ? OR supervising_department = ?)");
        args.push(d.into());
        args.push(d.into());
    }
    let total = conn
        .query_one(&format!("SELECT COUNT(*){filter}"), &args)?
        .map(|r| r.u64(0))
        .transpose()?
        .unwrap_or(0);
    args.push(Value::from(limit));
    args.push(Value::from(offset));
    let items = conn
        .query(
            &format!("SELECT body{filter} ORDER BY generated, basic_code LIMIT ? OFFSET ?"),
            &args,
        )?
        .into_iter()
        .map(|r| parse_item(&r.text(0)?))
        .collect::<Result<_, _>>()?;
    Ok(ItemMatches { total, items })
}

fn parse_item(body: &str) -> Result<Item, StoreError> {
    serde_json::from_str(body).map_err(|e| StoreError::Corrupt(format!("stored item: {e}")))
}

/// The current version of one item with the numbers of all its versions, oldest first.
pub fn current_with_versions(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    code: &str,
) -> Result<Option<(Item, Vec<u32>)>, StoreError> {
    let rows = conn.query(
        "SELECT version, current, body FROM items WHERE jurisdiction = ? AND basic_code = ? ORDER BY version",
        params![jurisdiction, code],
    )?;
    let mut current = None;
    let mut versions = Vec::new();
    for r in rows {
        versions.push(u32::try_from(r.int(0)?).unwrap_or(0));
        if r.int(1)? == 1 {
            current = Some(parse_item(&r.text(2)?)?);
        }
    }
    Ok(current.map(|c| (c, versions)))
}

/// All current items of a jurisdiction, by code.
pub fn all_current(conn: &mut dyn Conn, jurisdiction: &str) -> Result<Vec<Item>, StoreError> {
    conn.query(
        "SELECT body FROM items WHERE jurisdiction = ? AND current = 1 ORDER BY basic_code",
        params![jurisdiction],
    )?
    .into_iter()
    .map(|r| parse_item(&r.text(0)?))
    .collect()
}

/// How many current items of a jurisdiction are in a category.
pub fn count_current(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    category: &str,
) -> Result<i64, StoreError> {
    Ok(conn
        .query_one(
            "SELECT COUNT(*) FROM items WHERE jurisdiction = ? AND current = 1 AND category = ?",
            params![jurisdiction, category],
        )?
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(0))
}
