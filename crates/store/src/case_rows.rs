//! A case's row in `cases` and its place in the name index, written from the folded case.
//!
//! Kept apart from `projection` because two writers need it: the projection (each case step,
//! and `ledger verify`'s replay) and migration 15's backfill, which folds every existing case
//! once to fill the queue's columns. Both must write the same row, or verify would report the
//! migrated data as tampered.
//!
//! The name index holds personal data (a natural person's name): the database already holds
//! it in `case_events`; nothing here logs it or publishes it.

use oneseal_domain::case::{Applicant, Case, CaseEvent, CaseNumber, Channel};

use crate::sql::{Backend, Conn};
use crate::{StoreError, params};

/// Days between the Julian day number and day 1 of `search_key` (0001-01-01 is day 1).
const JULIAN_OFFSET: i64 = 1_721_425;
/// More than the days from year 1 to year 9999, the range a case number can hold.
const DAYS: i64 = 4_000_000;
/// Serials run to 999,999.
const SERIALS: i64 = 1_000_000;
/// Names are indexed by their first characters only (registered names are bounded anyway).
const MAX_INDEXED_CHARS: usize = 64;

/// The integer twin of a case number: (division, day, serial) packed so that keys sort as the
/// numbers do and one division's keys form one range. The 20-digit number does not fit in 64
/// bits; this does (at most 999,999 × 4·10¹² + 4·10¹² < 2⁶³).
#[must_use]
pub fn search_key(number: &CaseNumber) -> i64 {
    let division: i64 = number.division().as_str().parse().unwrap_or(0);
    let day = i64::from(number.date().to_julian_day()) - JULIAN_OFFSET;
    (division * DAYS + day) * SERIALS + i64::from(number.serial())
}

/// The search keys of one division's cases: `[low, high)`.
#[must_use]
pub fn division_keys(division: &str) -> (i64, i64) {
    let d: i64 = division.parse().unwrap_or(0);
    (d * DAYS * SERIALS, (d + 1) * DAYS * SERIALS)
}

/// Every distinct two-character piece of a name, in order of first appearance.
#[must_use]
pub fn name_pairs(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().take(MAX_INDEXED_CHARS).collect();
    let mut pairs: Vec<String> = Vec::new();
    for w in chars.windows(2) {
        let p: String = w.iter().collect();
        if !pairs.contains(&p) {
            pairs.push(p);
        }
    }
    pairs
}

/// The applicant's identifier: a natural person's ID number or an organisation's credit code.
pub(crate) fn applicant_id(a: &Applicant) -> &str {
    match a {
        Applicant::NaturalPerson { id_number, .. } => id_number.as_str(),
        Applicant::Organisation { uscc, .. } => uscc.as_str(),
    }
}

/// The channel's code, as the API spells it.
#[must_use]
pub fn channel_code(c: Channel) -> &'static str {
    match c {
        Channel::Window => "window",
        Channel::Online => "online",
    }
}

/// Writes the case's row as `case` leaves it, after its `events`-th event; `first` (the
/// receipt) also enters the applicant's name in the name index, which never changes after.
pub fn write(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    case: &Case,
    events: u64,
    first: bool,
) -> Result<(), StoreError> {
    let r = case.received();
    let number = r.case_number.as_str();
    let key = search_key(&r.case_number);
    let name: String = r.applicant.name().chars().take(MAX_INDEXED_CHARS).collect();
    // One statement (an upsert setting every column) where a DELETE and an INSERT were two
    // round trips on PostgreSQL: the row ends the same.
    conn.write(
        "INSERT INTO cases (case_number, jurisdiction, item_code, item_name, status, received_on, applicant_label, \
         query_code_hash, closed, events, search_key, channel, assignee, decided_on, applicant_name, applicant_id) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (case_number) DO UPDATE SET jurisdiction = excluded.jurisdiction, \
         item_code = excluded.item_code, item_name = excluded.item_name, status = excluded.status, \
         received_on = excluded.received_on, applicant_label = excluded.applicant_label, \
         query_code_hash = excluded.query_code_hash, closed = excluded.closed, events = excluded.events, \
         search_key = excluded.search_key, channel = excluded.channel, assignee = excluded.assignee, \
         decided_on = excluded.decided_on, applicant_name = excluded.applicant_name, \
         applicant_id = excluded.applicant_id",
        params![
            number,
            jurisdiction,
            r.item.basic_code.as_str(),
            r.item.name.as_str(),
            i64::from(case.status().code()),
            r.received_on().to_string(),
            r.applicant.public_label(),
            r.query_code.lookup_key(),
            case.is_closed(),
            events,
            key,
            channel_code(r.channel),
            case.assignee().map(|s| s.as_str()),
            case.decision().map(|d| d.on().to_string()),
            name.as_str(),
            applicant_id(&r.applicant)
        ],
    )?;
    if first {
        index_name(conn, number, key, &name)?;
        crate::bundles::index(conn, jurisdiction, case)?;
    }
    Ok(())
}

fn index_name(conn: &mut dyn Conn, number: &str, key: i64, name: &str) -> Result<(), StoreError> {
    // PostgreSQL's trigram index is on the column itself; SQLite's FTS table takes the content
    // row's key and text explicitly (external content).
    if conn.backend() == Backend::Sqlite {
        conn.execute(
            "INSERT INTO case_names (rowid, applicant_name) VALUES (?, ?)",
            params![key, name],
        )?;
    }
    // One multi-row INSERT for all pairs (a name of ten characters has nine).
    let pairs = name_pairs(name);
    if pairs.is_empty() {
        return Ok(());
    }
    let mut args = Vec::with_capacity(pairs.len() * 2);
    for pair in pairs {
        args.push(crate::Value::from(pair));
        args.push(crate::Value::from(number));
    }
    conn.write(
        &format!(
            "INSERT INTO case_name_pairs (pair, case_number) VALUES {}",
            vec!["(?, ?)"; args.len() / 2].join(", ")
        ),
        &args,
    )?;
    Ok(())
}

/// The ledger kind whose dictionaries pack a case event (`codec`): the bodies of `case.event`
/// entries hold the same JSON.
const EVENT_KIND: &str = "case.event";

/// A case event's JSON as `case_events.body` stores it: packed (migration 59; about a third of
/// its size).
pub(crate) fn pack_event(json: &str) -> Vec<u8> {
    crate::codec::pack_row(EVENT_KIND, json.as_bytes())
}

/// The case event in column `i` of `row` (packed, or plain text as written before migration
/// 59 and kept by a database that has not run it).
pub(crate) fn event_at(
    row: &crate::sql::Row,
    i: usize,
    number: &str,
) -> Result<CaseEvent, StoreError> {
    let plain = crate::codec::open_row(&row.bytes(i)?)?;
    serde_json::from_slice(&plain)
        .map_err(|e| StoreError::Corrupt(format!("case {number}: stored event: {e}")))
}

/// The JSON text of the case event in column `i` of `row` (the tests' helpers show it).
#[cfg(feature = "test-util")]
pub(crate) fn event_text_at(row: &crate::sql::Row, i: usize) -> Result<String, StoreError> {
    String::from_utf8(crate::codec::open_row(&row.bytes(i)?)?)
        .map_err(|e| StoreError::Corrupt(format!("stored case event: {e}")))
}

/// Every event of a case, in order.
pub fn load_case_events(conn: &mut dyn Conn, number: &str) -> Result<Vec<CaseEvent>, StoreError> {
    conn.query(
        "SELECT body FROM case_events WHERE case_number = ? ORDER BY seq",
        params![number],
    )?
    .iter()
    .map(|r| event_at(r, 0, number))
    .collect()
}

/// Migration 59: copies every case event into `case_events_packed` (made by the migration's
/// SQL) with its body packed, a page at a time, then puts that table in `case_events`' place.
/// Packing is deterministic (the same JSON, codec and dictionary give the same bytes), so the
/// replay of `ledger verify`, which packs as it writes, finds the same rows.
pub fn pack_events(conn: &mut dyn Conn) -> Result<(), StoreError> {
    const PAGE: i64 = 1000;
    let mut after = (String::new(), 0i64);
    loop {
        let rows = conn.query(
            "SELECT case_number, seq, kind, body FROM case_events \
             WHERE case_number > ? OR (case_number = ? AND seq > ?) \
             ORDER BY case_number, seq LIMIT ?",
            params![after.0.as_str(), after.0.as_str(), after.1, PAGE],
        )?;
        for r in &rows {
            let (number, seq) = (r.text(0)?, r.int(1)?);
            let plain = crate::codec::open_row(&r.bytes(3)?)?;
            let json = String::from_utf8(plain)
                .map_err(|e| StoreError::Corrupt(format!("case {number}: stored event: {e}")))?;
            conn.execute(
                "INSERT INTO case_events_packed (case_number, seq, kind, body) VALUES (?, ?, ?, ?)",
                params![number.as_str(), seq, r.text(2)?, pack_event(&json)],
            )?;
            after = (number, seq);
        }
        if rows.len() < PAGE as usize {
            break;
        }
    }
    conn.batch("DROP TABLE case_events; ALTER TABLE case_events_packed RENAME TO case_events")
}

/// Every event of each of `numbers`, in order, in one statement (a page of the queue folds
/// each of its cases for the clock; one round trip instead of one per row).
pub fn load_events_of(
    conn: &mut dyn Conn,
    numbers: &[String],
) -> Result<Vec<(String, Vec<CaseEvent>)>, StoreError> {
    if numbers.is_empty() {
        return Ok(Vec::new());
    }
    let marks = vec!["?"; numbers.len()].join(", ");
    let args: Vec<crate::Value> = numbers.iter().map(|n| n.as_str().into()).collect();
    let mut out: Vec<(String, Vec<CaseEvent>)> = Vec::with_capacity(numbers.len());
    for r in conn.query(
        &format!(
            "SELECT case_number, body FROM case_events WHERE case_number IN ({marks}) \
             ORDER BY case_number, seq"
        ),
        &args,
    )? {
        let number = r.text(0)?;
        let event = event_at(&r, 1, &number)?;
        match out.last_mut() {
            Some((n, events)) if *n == number => events.push(event),
            _ => out.push((number, vec![event])),
        }
    }
    Ok(out)
}

/// Migration 15: fills the queue's columns and the name index of every case written before
/// them, folding each case once, a page of cases at a time.
pub fn backfill(conn: &mut dyn Conn) -> Result<(), StoreError> {
    const PAGE: i64 = 500;
    let mut after = String::new();
    loop {
        let rows = conn.query(
            "SELECT case_number, jurisdiction, events FROM cases WHERE case_number > ? \
             ORDER BY case_number LIMIT ?",
            params![after.as_str(), PAGE],
        )?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.text(0)?;
        for r in &rows {
            let number = r.text(0)?;
            let events = load_case_events(conn, &number)?;
            let case = Case::apply(&events)
                .map_err(|e| StoreError::Corrupt(format!("case {number}: {e}")))?;
            write(conn, &r.text(1)?, &case, r.u64(2)?, true)?;
        }
        if rows.len() < PAGE as usize {
            // PostgreSQL plans by statistics, and the new columns have none yet.
            if conn.backend() == Backend::Postgres {
                conn.batch("ANALYZE cases; ANALYZE case_name_pairs")?;
            }
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oneseal_domain::catalog::DivisionCode;

    fn number(division: &str, y: i32, m: u8, d: u8, serial: u32) -> CaseNumber {
        let date = time::Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), d).unwrap();
        CaseNumber::new(&DivisionCode::parse(division).unwrap(), date, serial).unwrap()
    }

    #[test]
    fn search_keys_sort_as_case_numbers_do_and_stay_in_their_division() {
        let mut numbers = vec![
            number("370100", 2026, 12, 6, 1),
            number("370100", 2026, 12, 6, 999_999),
            number("370100", 2026, 12, 7, 1),
            number("370100", 2027, 1, 1, 2),
            number("370124", 1, 1, 1, 1),
            number("370124", 9999, 12, 31, 999_999),
            number("820000", 9999, 12, 31, 999_999),
            number("110000", 2000, 2, 29, 5),
        ];
        numbers.sort();
        let keys: Vec<i64> = numbers.iter().map(search_key).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
        for n in &numbers {
            let (lo, hi) = division_keys(n.division().as_str());
            assert!((lo..hi).contains(&search_key(n)), "{n}");
        }
    }

    #[test]
    fn name_pairs_are_every_two_character_piece_once() {
        assert_eq!(name_pairs("王小明"), ["王小", "小明"]);
        assert_eq!(name_pairs("张三"), ["张三"]);
        assert!(name_pairs("张").is_empty());
        assert_eq!(name_pairs("哈哈哈"), ["哈哈"]);
    }
}
