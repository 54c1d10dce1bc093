//! One page of a jurisdiction's case queue: keyset pagination in case-number order, filters on
//! indexed columns, and the staff search by number, identifier or name.
//!
//! Why keyset and not OFFSET: a page is found by one index seek after the last number shown, so
//! page 2,000 costs what page 1 costs, and cases received meanwhile (their numbers are larger)
//! neither push rows onto the next page nor pull them back. Case-number order is receipt order
//! within a bureau; the old order (remaining working days) was computed per case per request
//! from the calendar and cannot be indexed.
//!
//! Names are found by substring: three characters or more through the trigram index of each
//! backend (SQLite FTS5 `trigram`, PostgreSQL `pg_trgm`), which cannot see shorter pieces; two
//! characters through `case_name_pairs`, every two-character piece of every name, so a
//! two-character Chinese name (张三) is found wherever it stands in a longer one.

use crate::StoreError;
use crate::case_rows::{division_keys, search_key};
use crate::sql::{Backend, Conn, Row, Value};
use oneseal_domain::case::CaseNumber;

/// Where a page starts: just after, or just before, a case number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    After(String),
    Before(String),
}

/// How the staff search finds cases (closed ones included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseSearch {
    /// The whole case number.
    Number(String),
    /// A natural person's ID number or an organisation's credit code, exactly.
    Identifier(String),
    /// A piece of the applicant's name, two characters or more.
    Name(String),
}

/// What the queue shows; `None` is no condition.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub jurisdiction: String,
    /// Closed cases too (a search always includes them).
    pub include_closed: bool,
    pub status: Option<i64>,
    pub item_code: Option<String>,
    /// The department the item was transferred from (its `original_department`).
    pub department: Option<String>,
    pub channel: Option<String>,
    /// Receipt dates, inclusive, as `YYYYMMDD` (the date inside the case number).
    pub received_from: Option<String>,
    pub received_to: Option<String>,
    /// Decision dates, inclusive, as `YYYY-MM-DD`.
    pub decided_from: Option<String>,
    pub decided_to: Option<String>,
    /// The reviewer the case was last transferred to.
    pub assignee: Option<String>,
    pub search: Option<CaseSearch>,
    /// A due band: statutory due dates in a range (`case_due`, undecided open cases only).
    pub due: Option<crate::case_due::DueRange>,
}

/// One row of the queue, as stored (no fold).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRow {
    pub case_number: String,
    pub item_code: String,
    pub item_name: String,
    pub status: i64,
    pub received_on: String,
    pub applicant_label: String,
    pub closed: bool,
    pub channel: Option<String>,
    pub assignee: Option<String>,
    pub decided_on: Option<String>,
}

/// A page in case-number order, and whether rows lie beyond each end.
#[derive(Debug, Clone, Default)]
pub struct QueuePage {
    pub rows: Vec<QueueRow>,
    pub more_before: bool,
    pub more_after: bool,
}

const COLUMNS: &str = "c.case_number, c.item_code, c.item_name, c.status, c.received_on, \
    c.applicant_label, c.closed, c.channel, c.assignee, c.decided_on";

fn decode(r: &Row) -> Result<QueueRow, StoreError> {
    Ok(QueueRow {
        case_number: r.text(0)?,
        item_code: r.text(1)?,
        item_name: r.text(2)?,
        status: r.int(3)?,
        received_on: r.text(4)?,
        applicant_label: r.text(5)?,
        closed: r.int(6)? != 0,
        channel: r.opt_text(7)?,
        assignee: r.opt_text(8)?,
        decided_on: r.opt_text(9)?,
    })
}

/// The first text after every case number of a division (`370100` → `370101`).
fn division_end(division: &str) -> Option<String> {
    let d: u32 = division.parse().ok()?;
    Some(format!("{:06}", d + 1))
}

/// `%piece%` for LIKE, with the pattern characters of the piece escaped by `\`.
fn like_pattern(piece: &str) -> String {
    let mut p = String::from("%");
    for c in piece.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// How the rows are reached: the table or index that yields them in page order.
enum Source {
    /// `cases` itself, in number order.
    Cases,
    /// Two-character name pieces.
    Pairs(String),
    /// SQLite's FTS5 trigram index, in `search_key` order.
    Fts(String),
    /// PostgreSQL's trigram index on the name column.
    Like(String),
}

/// One page of the queue: at most `limit` rows from `cursor` on (or back).
pub fn queue_page(
    conn: &mut dyn Conn,
    filter: &QueueFilter,
    cursor: Option<&Cursor>,
    limit: u32,
) -> Result<QueuePage, StoreError> {
    let Some((sql, args)) = page_query(conn.backend(), filter, cursor, limit) else {
        return Ok(QueuePage::default());
    };
    let backwards = matches!(cursor, Some(Cursor::Before(_)));
    let mut rows = conn
        .query(&sql, &args)?
        .iter()
        .map(decode)
        .collect::<Result<Vec<_>, _>>()?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    if backwards {
        rows.reverse();
    }
    Ok(QueuePage {
        rows,
        more_before: if backwards { more } else { cursor.is_some() },
        more_after: if backwards { true } else { more },
    })
}

/// The statement of one page and its arguments; `None` when nothing can match (an unknown
/// jurisdiction, a name piece too short, a cursor that is not a case number).
fn page_query(
    backend: Backend,
    filter: &QueueFilter,
    cursor: Option<&Cursor>,
    limit: u32,
) -> Option<(String, Vec<Value>)> {
    let j = filter.jurisdiction.as_str();
    let j_end = division_end(j)?;
    let source = match &filter.search {
        Some(CaseSearch::Name(n)) if n.chars().count() < 2 => return None,
        Some(CaseSearch::Name(n)) if n.chars().count() == 2 => Source::Pairs(n.clone()),
        Some(CaseSearch::Name(n)) => match backend {
            Backend::Sqlite => Source::Fts(format!("\"{}\"", n.replace('"', "\"\""))),
            Backend::Postgres => Source::Like(like_pattern(n)),
        },
        _ => Source::Cases,
    };
    let mut sql = format!("SELECT {COLUMNS} FROM ");
    let mut conds: Vec<String> = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    // The column the page is ordered and cut on: text case numbers, or FTS keys.
    let order = match &source {
        Source::Cases | Source::Like(_) => {
            sql.push_str("cases c");
            "c.case_number"
        }
        Source::Pairs(pair) => {
            sql.push_str("case_name_pairs p JOIN cases c ON c.case_number = p.case_number");
            conds.push("p.pair = ?".into());
            args.push(pair.as_str().into());
            "p.case_number"
        }
        Source::Fts(phrase) => {
            // CROSS JOIN keeps the index outside (SQLite does not reorder it): matches come in
            // key order and the LIMIT stops the walk, where the other order would run the
            // full-text query once per case of the jurisdiction.
            sql.push_str("case_names CROSS JOIN cases c ON c.search_key = case_names.rowid");
            conds.push("case_names MATCH ?".into());
            args.push(phrase.as_str().into());
            "case_names.rowid"
        }
    };
    if let Source::Like(pattern) = &source {
        conds.push("c.applicant_name LIKE ? ESCAPE '\\'".into());
        args.push(pattern.as_str().into());
    }
    let by_key = matches!(source, Source::Fts(_));
    // The jurisdiction's range of the order column, then the cursor within it.
    if by_key {
        let (lo, hi) = division_keys(j);
        conds.push(format!("{order} >= ? AND {order} < ?"));
        args.extend([Value::from(lo), Value::from(hi)]);
    } else {
        conds.push(format!("{order} >= ? AND {order} < ?"));
        args.extend([Value::from(j), Value::from(j_end.as_str())]);
    }
    if let Some(c) = cursor {
        let (Cursor::After(n) | Cursor::Before(n)) = c;
        let op = if matches!(c, Cursor::After(_)) {
            ">"
        } else {
            "<"
        };
        conds.push(format!("{order} {op} ?"));
        if by_key {
            let number = CaseNumber::parse(n).ok()?;
            args.push(search_key(&number).into());
        } else {
            args.push(n.as_str().into());
        }
    }
    // Ordered by case number, the range above already confines the page to the jurisdiction
    // (every number starts with its code). The equality is added only where an index leads
    // with it and the filter names that index's next column (open cases, an item, a status):
    // otherwise SQLite takes any `(jurisdiction, …)` index for it and sorts the whole
    // jurisdiction to find one page (≈ 64 ms at row 5,000 of 100,000 cases, growing).
    let leads_an_index = (filter.search.is_none() && !filter.include_closed)
        || filter.item_code.is_some()
        || filter.status.is_some();
    if !matches!(source, Source::Cases | Source::Like(_))
        || leads_an_index
        || matches!(
            filter.search,
            Some(CaseSearch::Number(_) | CaseSearch::Identifier(_))
        )
    {
        conds.push("c.jurisdiction = ?".into());
        args.push(j.into());
    }
    match &filter.search {
        Some(CaseSearch::Number(n)) => {
            conds.push("c.case_number = ?".into());
            args.push(n.as_str().into());
        }
        Some(CaseSearch::Identifier(id)) => {
            conds.push("c.applicant_id = ?".into());
            args.push(id.as_str().into());
        }
        Some(CaseSearch::Name(_)) => {}
        None if !filter.include_closed => conds.push("c.closed = 0".into()),
        None => {}
    }
    let mut eq = |column: &str, v: &Option<String>| {
        if let Some(v) = v {
            conds.push(format!("{column} ?"));
            args.push(v.as_str().into());
        }
    };
    eq("c.item_code =", &filter.item_code);
    eq("c.channel =", &filter.channel);
    eq("c.assignee =", &filter.assignee);
    eq("c.decided_on >=", &filter.decided_from);
    eq("c.decided_on <=", &filter.decided_to);
    // The receipt date is part of the number, so a date range is a range of numbers.
    let from = filter.received_from.as_ref().map(|d| format!("{j}{d}"));
    let to = filter.received_to.as_ref().map(|d| format!("{j}{d}999999"));
    eq("c.case_number >=", &from);
    eq("c.case_number <=", &to);
    if let Some(d) = &filter.department {
        conds.push(
            "c.item_code IN (SELECT i.basic_code FROM items i WHERE i.jurisdiction = ? \
             AND i.current = 1 AND i.original_department = ?)"
                .into(),
        );
        args.extend([Value::from(j), Value::from(d.as_str())]);
    }
    if let Some(range) = &filter.due {
        let (cond, more) = crate::case_due::band_condition(j, range);
        conds.push(cond);
        args.extend(more);
    }
    if let Some(s) = filter.status {
        conds.push("c.status = ?".into());
        args.push(s.into());
    }
    let backwards = matches!(cursor, Some(Cursor::Before(_)));
    let dir = if backwards { "DESC" } else { "ASC" };
    sql.push_str(&format!(
        " WHERE {} ORDER BY {order} {dir} LIMIT ?",
        conds.join(" AND ")
    ));
    args.push(i64::from(limit).saturating_add(1).into());
    Some((sql, args))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_the_pattern_characters() {
        assert_eq!(like_pattern("张三"), "%张三%");
        assert_eq!(like_pattern("50%_\\"), "%50\\%\\_\\\\%");
    }

    /// Every page the queue can ask for walks an index in case-number order: SQLite never
    /// sorts a jurisdiction's cases to find one page (which grew with history: 64 ms at row
    /// 5,000 of 100,000 cases when `include_closed` took a `(jurisdiction, status)` index).
    #[test]
    fn no_page_of_the_queue_sorts_the_jurisdiction() {
        let mut c = crate::sqlite::SqliteConn::open_in_memory().unwrap();
        crate::migrate::run(&mut c).unwrap();
        let base = QueueFilter {
            jurisdiction: "370100".into(),
            ..QueueFilter::default()
        };
        let all = QueueFilter {
            include_closed: true,
            ..base.clone()
        };
        let some = |f: &dyn Fn(&mut QueueFilter)| {
            let mut q = all.clone();
            f(&mut q);
            q
        };
        let filters = [
            base.clone(),
            all.clone(),
            some(&|q| q.channel = Some("online".into())),
            some(&|q| q.item_code = Some("990100001000".into())),
            some(&|q| q.status = Some(11)),
            some(&|q| q.department = Some("SCJG".into())),
            some(&|q| q.assignee = Some("REVIEW".into())),
            some(&|q| {
                q.received_from = Some("20260601".into());
                q.received_to = Some("20260601".into());
            }),
            some(&|q| q.decided_from = Some("2026-06-01".into())),
            some(&|q| q.search = Some(CaseSearch::Number("37010020260601000001".into()))),
            some(&|q| q.search = Some(CaseSearch::Identifier("91370100MA3C0RT1XH".into()))),
            some(&|q| q.search = Some(CaseSearch::Name("张三".into()))),
            some(&|q| q.search = Some(CaseSearch::Name("餐饮有限".into()))),
        ];
        let cursors = [
            None,
            Some(Cursor::After("37010020260601000001".into())),
            Some(Cursor::Before("37010020260601000001".into())),
        ];
        for f in &filters {
            for cursor in &cursors {
                let (sql, args) = page_query(Backend::Sqlite, f, cursor.as_ref(), 50).unwrap();
                let plan = c.plan(&sql, &args);
                // One applicant's cases (an identifier search) may be sorted: they are few
                // beside the jurisdiction's, and their index has no number column.
                let bounded = matches!(f.search, Some(CaseSearch::Identifier(_)));
                assert!(
                    bounded || !plan.iter().any(|l| l.contains("TEMP B-TREE")),
                    "{f:?} {cursor:?}: {plan:?}"
                );
            }
        }
    }

    #[test]
    fn a_division_ends_before_the_next_one() {
        assert_eq!(division_end("370100").as_deref(), Some("370101"));
        assert_eq!(division_end("x"), None);
    }
}
