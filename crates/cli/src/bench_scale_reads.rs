//! The reads `bench scale` can only name once it has seen the history: a page deep in each
//! list (keyset pages must cost the same at row 10,000 as at row 1), the case queue's filters,
//! and the searches a clerk makes for an old case (by its number, by part of the applicant's
//! name, by a credit code). Issue #17 item 1 asks all of them under 200 ms at a year's volume.
//!
//! Found by asking the server itself, as its users would: a first page, then the cursors it
//! hands out, so the bench needs no knowledge of the database's layout.

use anyhow::{Context, Result};
use serde_json::Value;

use crate::bench_e2e::User;

/// A read to time: the role that makes it, what it is, and the address.
pub(crate) struct Read {
    pub(crate) role: &'static str,
    pub(crate) label: String,
    pub(crate) path: String,
}

impl Read {
    fn new(role: &'static str, label: impl Into<String>, path: impl Into<String>) -> Self {
        Self {
            role,
            label: label.into(),
            path: path.into(),
        }
    }
}

async fn get_json(user: &User, base: &str, path: &str) -> Result<Value> {
    let r = user.client.get(format!("{base}{path}")).send().await?;
    let status = r.status();
    let v: Value = r.json().await.with_context(|| format!("GET {path}"))?;
    anyhow::ensure!(status.is_success(), "GET {path}: HTTP {status}: {v}");
    Ok(v)
}

/// Follows a list's `next_cursor` for `pages` pages of `limit` rows; the cursor reached
/// (None if the list ended first) and the rows of the last page read.
async fn walk(
    user: &User,
    base: &str,
    list: &str,
    field: &str,
    pages: usize,
) -> Result<(Option<String>, Vec<Value>)> {
    let sep = if list.contains('?') { '&' } else { '?' };
    let mut cursor: Option<String> = None;
    let mut rows = Vec::new();
    for _ in 0..pages {
        let path = match &cursor {
            Some(c) => format!("{list}{sep}limit=200&cursor={}", encode(c)),
            None => format!("{list}{sep}limit=200"),
        };
        let v = get_json(user, base, &path).await?;
        rows = v[field].as_array().cloned().unwrap_or_default();
        match v["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return Ok((None, rows)),
        }
    }
    Ok((cursor, rows))
}

/// Percent-encodes a query value (everything but RFC 3986's unreserved characters).
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A part of an organisation's name to search for: three characters from its middle (the
/// shortest substring a trigram index serves), or None for a masked or short label.
fn name_part(label: &str) -> Option<String> {
    let chars: Vec<char> = label.chars().collect();
    if chars.len() < 6 || label.contains('*') {
        return None;
    }
    let start = chars.len() / 2 - 1;
    Some(chars[start..start + 3].iter().collect())
}

/// The reads that depend on the history: deep pages, filters and searches.
pub(crate) async fn discover(
    base: &str,
    clerk: &User,
    inspector: &User,
    department: &User,
    head: &User,
    deep_pages: usize,
) -> Result<Vec<Read>> {
    let mut reads = Vec::new();
    let all = "/api/v1/cases?include_closed=1";
    let (deep, rows) = walk(clerk, base, all, "cases", deep_pages).await?;
    if let Some(c) = &deep {
        let depth = deep_pages * 200;
        reads.push(Read::new(
            "CLERK",
            format!("/api/v1/cases page at row {depth}"),
            format!("{all}&limit=200&cursor={}", encode(c)),
        ));
        reads.push(Read::new(
            "CLERK",
            format!("/cases page at row {depth}"),
            format!("/cases?include_closed=1&cursor={}", encode(c)),
        ));
    }
    // A case from deep in the list: old, most likely closed, as a clerk looks one up.
    let row = rows
        .get(rows.len() / 2)
        .context("the history holds no case")?;
    let number = row["case_number"].as_str().context("case number")?;
    reads.push(Read::new(
        "CLERK",
        "search by case number",
        format!("/api/v1/cases?q={}", encode(number)),
    ));
    reads.push(Read::new(
        "CLERK",
        "/cases search by case number",
        format!("/cases?q={}", encode(number)),
    ));
    reads.push(Read::new(
        "CLERK",
        "one case (API)",
        format!("/api/v1/cases/{number}"),
    ));
    reads.push(Read::new(
        "CLERK",
        "one case (page)",
        format!("/cases/{number}"),
    ));
    if let Some(part) = rows
        .iter()
        .filter_map(|r| name_part(r["applicant"].as_str()?))
        .next()
    {
        reads.push(Read::new(
            "CLERK",
            "search by part of a name",
            format!("/api/v1/cases?q={}", encode(&part)),
        ));
    }
    let detail = get_json(clerk, base, &format!("/api/v1/cases/{number}")).await?;
    if let Some(uscc) = detail["applicant_contact"]["uscc"]
        .as_str()
        .filter(|u| !u.contains('*'))
    {
        reads.push(Read::new(
            "CLERK",
            "search by credit code",
            format!("/api/v1/cases?q={}", encode(uscc)),
        ));
    }
    if let Some(item) = row["item_code"].as_str() {
        reads.push(Read::new(
            "CLERK",
            "filter: one item",
            format!("{all}&item={}", encode(item)),
        ));
    }
    if let Some(status) = row["status"].as_i64() {
        reads.push(Read::new(
            "CLERK",
            "filter: one status",
            format!("{all}&status={status}"),
        ));
    }
    if let Some(day) = row["received_on"].as_str().and_then(iso_day) {
        reads.push(Read::new(
            "CLERK",
            "filter: received on one day",
            format!("{all}&received_from={day}&received_to={day}"),
        ));
    }
    reads.push(Read::new(
        "CLERK",
        "filter: online channel",
        format!("{all}&channel=online"),
    ));
    for (role, user, list, field) in [
        ("INSPECT", inspector, "/api/v1/alerts", "alerts"),
        ("SCJG", department, "/api/v1/linkage/pushes", "pushes"),
        ("HEAD", head, "/api/v1/ratings", "ratings"),
    ] {
        let pages = deep_pages.min(5);
        if let (Some(c), _) = walk(user, base, list, field, pages).await? {
            reads.push(Read::new(
                role,
                format!("{list} page at row {}", pages * 200),
                format!("{list}?limit=200&cursor={}", encode(&c)),
            ));
        }
    }
    Ok(reads)
}

/// `2026-03-04` from the queue's `received_on`, written either way (`20260304` or ISO).
fn iso_day(s: &str) -> Option<String> {
    let d: String = s.chars().filter(char::is_ascii_digit).take(8).collect();
    (d.len() == 8).then(|| format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_part_is_three_characters_from_the_middle_of_a_plain_label() {
        assert_eq!(name_part("济南示例餐饮有限公司").as_deref(), Some("餐饮有"));
        assert_eq!(name_part("张*"), None);
        assert_eq!(name_part("某某公司"), None);
        assert_eq!(name_part("济南**餐饮有限公司"), None);
    }

    #[test]
    fn a_received_day_reads_in_both_spellings() {
        assert_eq!(iso_day("20260304").as_deref(), Some("2026-03-04"));
        assert_eq!(iso_day("2026-03-04").as_deref(), Some("2026-03-04"));
        assert_eq!(iso_day("2026"), None);
    }

    #[test]
    fn query_values_are_percent_encoded_byte_by_byte() {
        assert_eq!(encode("a-b_c.d~9"), "a-b_c.d~9");
        assert_eq!(encode("餐"), "%E9%A4%90");
        assert_eq!(encode("x+y/z="), "x%2By%2Fz%3D");
    }
}
