//! The public side of the catalog (issue #19): the guide index paged by keyset, the items most
//! applied for (summed from `case_tallies`, never a fold of cases), and the hall's windows.
//!
//! Apart from `catalog` (the staff's search, paged by offset) so that the public list can page by
//! cursor like the other public lists without changing the staff's.

use oneseal_domain::catalog::Item;

use crate::sql::{Conn, Value};
use crate::{StoreError, params};

/// Where a page of the guide index starts: the key is (generated, basic code), the catalog's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GuideFrom<'a> {
    Start,
    After(bool, &'a str),
    Before(bool, &'a str),
}

/// A LIKE pattern matching `text` literally anywhere.
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

/// Up to `limit` current items of `jurisdiction` whose name or basic code holds `text`, in the
/// catalog's order (real before generated, then by code) from `from`; rows before a `Before`
/// key come back in ascending order too.
pub fn items_page(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    text: Option<&str>,
    from: GuideFrom<'_>,
    limit: u32,
) -> Result<Vec<Item>, StoreError> {
    let mut sql = String::from("SELECT body FROM items WHERE jurisdiction = ? AND current = 1");
    let mut args: Vec<Value> = vec![jurisdiction.into()];
    if let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) {
        sql.push_str(" AND (name LIKE ? ESCAPE '\\' OR basic_code LIKE ? ESCAPE '\\')");
        args.push(contains_pattern(text).into());
        args.push(contains_pattern(text).into());
    }
    let (op, order) = match from {
        GuideFrom::Start => ("", " ORDER BY generated, basic_code"),
        GuideFrom::After(..) => (">", " ORDER BY generated, basic_code"),
        GuideFrom::Before(..) => ("<", " ORDER BY generated DESC, basic_code DESC"),
    };
    if let GuideFrom::After(generated, code) | GuideFrom::Before(generated, code) = from {
        sql.push_str(&format!(
            " AND (generated {op} ? OR (generated = ? AND basic_code {op} ?))"
        ));
        args.push(i64::from(generated).into());
        args.push(i64::from(generated).into());
        args.push(code.into());
    }
    sql.push_str(order);
    sql.push_str(" LIMIT ?");
    args.push(i64::from(limit).into());
    let mut items = conn
        .query(&sql, &args)?
        .into_iter()
        .map(|r| {
            serde_json::from_str(&r.text(0)?)
                .map_err(|e| StoreError::Corrupt(format!("stored item: {e}")))
        })
        .collect::<Result<Vec<Item>, StoreError>>()?;
    if matches!(from, GuideFrom::Before(..)) {
        items.reverse();
    }
    Ok(items)
}

/// The `n` items of `jurisdiction` received most often since `since` (YYYY-MM-DD), with their
/// counts, most first (ties by code).
pub fn most_received(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    since: &str,
    n: u32,
) -> Result<Vec<(String, i64)>, StoreError> {
    conn.query(
        // PostgreSQL sums BIGINT as NUMERIC: cast back, as `aggregates::sums` does.
        "SELECT item, CAST(SUM(received) AS BIGINT) FROM case_tallies WHERE jurisdiction = ? \
         AND day >= ? GROUP BY item HAVING SUM(received) > 0 \
         ORDER BY CAST(SUM(received) AS BIGINT) DESC, item LIMIT ?",
        params![jurisdiction, since, i64::from(n)],
    )?
    .into_iter()
    .map(|r| Ok((r.text(0)?, r.int(1)?)))
    .collect()
}

/// The hall windows of `jurisdiction` as (code, name, department), by code.
pub fn hall_windows(
    conn: &mut dyn Conn,
    jurisdiction: &str,
) -> Result<Vec<(String, String, String)>, StoreError> {
    conn.query(
        "SELECT code, name_zh, department FROM hall_windows WHERE jurisdiction = ? ORDER BY code",
        params![jurisdiction],
    )?
    .into_iter()
    .map(|r| Ok((r.text(0)?, r.text(1)?, r.text(2)?)))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guide_search_is_literal() {
        assert_eq!(contains_pattern("50%_"), "%50\\%\\_%");
    }
}
