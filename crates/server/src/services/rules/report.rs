//! Accountability reports (责任追究报表): the decided cases and the alerts of a period, grouped by
//! person, department, item or rule, and their export as CSV or XLSX.

use std::collections::BTreeMap;
use std::sync::Arc;

use oneseal_domain::calendar::{Calendar, parse_date_arg};
use oneseal_domain::org::DivisionCode;
use oneseal_domain::rules::RuleId;
use oneseal_store::aggregates::Period;
use oneseal_store::{Conn, Store, StoreError};
use serde::Serialize;

use super::RulesError;

pub mod folded;

/// One row of an accountability report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReportRow {
    pub key: String,
    pub decided: u64,
    pub overdue: u64,
    pub overdue_rate: f64,
    pub average_working_days: f64,
    pub alerts: u64,
    pub alerts_by_rule: BTreeMap<String, u64>,
}

/// What a report groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportBy {
    Person,
    Department,
    Item,
    Rule,
}

impl ReportBy {
    /// `person | department | item | rule`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "person" => Some(ReportBy::Person),
            "department" => Some(ReportBy::Department),
            "item" => Some(ReportBy::Item),
            "rule" => Some(ReportBy::Rule),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            ReportBy::Person => "person",
            ReportBy::Department => "department",
            ReportBy::Item => "item",
            ReportBy::Rule => "rule",
        }
    }
}

/// The grouping and period of a report query: `by` defaults to person, the period to every
/// date; anything else is a typed refusal.
pub fn report_query(
    by: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(ReportBy, String, String), RulesError> {
    let by = ReportBy::parse(by.unwrap_or("person")).ok_or(RulesError::BadReportQuery(
        "by = person | department | item | rule",
    ))?;
    let date = |s: Option<&str>, default: &str| -> Result<String, RulesError> {
        parse_date_arg(s.unwrap_or(default))
            .map(|d| d.to_string())
            .map_err(|_| RulesError::BadReportQuery("from/to = YYYY-MM-DD"))
    };
    Ok((by, date(from, "2000-01-01")?, date(to, "2999-12-31")?))
}

/// Decided cases and alerts of the period `from..=to` (dates as `YYYY-MM-DD`), grouped. The
/// calendar is not read: each decision was timed with it when it was recorded (`case_tallies`).
pub async fn report(
    store: &Store,
    j: DivisionCode,
    _calendar: Arc<Calendar>,
    by: ReportBy,
    from: String,
    to: String,
) -> Result<Vec<ReportRow>, RulesError> {
    Ok(store
        .read(move |c| report_rows(c, &j, by, &from, &to))
        .await?)
}

/// The report's rows: the decisions of the period summed from `case_tallies` per approving
/// official and item, and the alerts raised in the period from `alert_tallies`; the period's
/// whole months are read from the month roll-ups of both, only its partial months from the days
/// (the default period is the whole history).
pub fn report_rows(
    c: &mut dyn Conn,
    j: &DivisionCode,
    by: ReportBy,
    from: &str,
    to: &str,
) -> Result<Vec<ReportRow>, StoreError> {
    report_rows_in(c, j, by, &Period::split(from, to))
}

/// [`report_rows`] over the counter rows of `period` (the tests compare a period split at its
/// months with the same period read from the days alone).
pub fn report_rows_in(
    c: &mut dyn Conn,
    j: &DivisionCode,
    by: ReportBy,
    period: &Period,
) -> Result<Vec<ReportRow>, StoreError> {
    let departments = oneseal_store::rules::staff_departments(c, j.as_str())?;
    let key_of = |person: &str, item: &str, rule: &str| -> String {
        match by {
            ReportBy::Person => person.to_owned(),
            ReportBy::Department => departments
                .get(person)
                .cloned()
                .unwrap_or_else(|| "—".into()),
            ReportBy::Item => item.to_owned(),
            ReportBy::Rule => rule.to_owned(),
        }
    };
    let mut rows: BTreeMap<String, ReportRow> = BTreeMap::new();
    let mut days: BTreeMap<String, u64> = BTreeMap::new();
    if by != ReportBy::Rule {
        for x in oneseal_store::aggregates::person_item_totals_in(c, j.as_str(), period)? {
            if x.timed == 0 {
                continue;
            }
            let key = key_of(&x.person, &x.item, "");
            let row = rows.entry(key.clone()).or_default();
            row.decided += x.timed;
            row.overdue += x.timed - x.on_time.min(x.timed);
            *days.entry(key).or_default() += x.working_days;
        }
    }
    // Every alert of the period, counted by the database (the former read of the first 1,000
    // alerts and a count in memory left the rest out).
    for a in oneseal_store::rules::alert_totals_in(c, j.as_str(), period)? {
        let person = a.responsible.clone().unwrap_or_else(|| {
            a.responsible_department
                .clone()
                .unwrap_or_else(|| "—".into())
        });
        let item = match a.item.as_deref() {
            Some(s) => match s.strip_prefix("item:") {
                Some(rest) => rest.split(':').next().unwrap_or("").to_owned(),
                None => s.to_owned(),
            },
            None => "—".into(),
        };
        let row = rows.entry(key_of(&person, &item, &a.rule_id)).or_default();
        row.alerts += a.count;
        *row.alerts_by_rule.entry(a.rule_id.clone()).or_default() += a.count;
    }
    Ok(finish(rows, &days))
}

/// Keys, rates and averages of the grouped rows.
pub(crate) fn finish(
    rows: BTreeMap<String, ReportRow>,
    days: &BTreeMap<String, u64>,
) -> Vec<ReportRow> {
    rows.into_iter()
        .map(|(key, mut r)| {
            r.key = key.clone();
            if r.decided > 0 {
                r.overdue_rate = r.overdue as f64 / r.decided as f64;
                r.average_working_days =
                    days.get(&key).copied().unwrap_or(0) as f64 / r.decided as f64;
            }
            r
        })
        .collect()
}

fn report_table(rows: &[ReportRow]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header = vec![
        "分组 key".to_owned(),
        "办结 decided".into(),
        "超期 overdue".into(),
        "超期率 overdue_rate".into(),
        "平均工作日 avg_working_days".into(),
        "预警 alerts".into(),
    ];
    header.extend(RuleId::ALL.iter().map(|r| r.code().to_owned()));
    let body = rows
        .iter()
        .map(|r| {
            let mut v = vec![
                r.key.clone(),
                r.decided.to_string(),
                r.overdue.to_string(),
                format!("{:.3}", r.overdue_rate),
                format!("{:.2}", r.average_working_days),
                r.alerts.to_string(),
            ];
            v.extend(RuleId::ALL.iter().map(|rule| {
                r.alerts_by_rule
                    .get(rule.code())
                    .copied()
                    .unwrap_or(0)
                    .to_string()
            }));
            v
        })
        .collect();
    (header, body)
}

/// A text cell of the report as a spreadsheet program may open it: a grouping key is a staff,
/// department, item or rule id, and one that started with `=`, `+`, `-` or `@` would run as a
/// formula (issue #15, item 9); numbers are written as they are.
fn report_cell(v: &str) -> std::borrow::Cow<'_, str> {
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        std::borrow::Cow::Borrowed(v)
    } else {
        oneseal_domain::spreadsheet::escape_cell(v)
    }
}

/// The report as CSV (UTF-8 with a byte-order mark, for spreadsheet programs).
pub fn csv_bytes(rows: &[ReportRow]) -> Result<Vec<u8>, RulesError> {
    let (header, body) = report_table(rows);
    let mut w = csv::WriterBuilder::new().from_writer(b"\xEF\xBB\xBF".to_vec());
    let fail = |e: csv::Error| RulesError::Export(e.to_string());
    w.write_record(&header).map_err(fail)?;
    for r in body {
        w.write_record(r.iter().map(|v| report_cell(v).into_owned()))
            .map_err(fail)?;
    }
    w.into_inner()
        .map_err(|e| RulesError::Export(e.to_string()))
}

/// The report as an XLSX workbook created at `created`.
pub fn xlsx_bytes(
    rows: &[ReportRow],
    created: time::OffsetDateTime,
) -> Result<Vec<u8>, RulesError> {
    let (header, body) = report_table(rows);
    let fail = |e: rust_xlsxwriter::XlsxError| RulesError::Export(e.to_string());
    let mut book = rust_xlsxwriter::Workbook::new();
    let created =
        rust_xlsxwriter::ExcelDateTime::from_timestamp(created.unix_timestamp()).map_err(fail)?;
    book.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&created));
    let sheet = book.add_worksheet();
    sheet.set_name("责任追究报表").map_err(fail)?;
    for (c, h) in (0u16..).zip(&header) {
        sheet.write_string(0, c, h).map_err(fail)?;
    }
    for (r, row) in (1u32..).zip(&body) {
        for (c, v) in (0u16..).zip(row) {
            match v.parse::<f64>() {
                Ok(n) if c > 0 => sheet.write_number(r, c, n).map_err(fail)?,
                _ => sheet.write_string(r, c, report_cell(v)).map_err(fail)?,
            };
        }
    }
    book.save_to_buffer().map_err(fail)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const LINK: &str = "=HYPERLINK(\"http://evil.example\",\"详情\")";

    fn rows() -> Vec<ReportRow> {
        vec![ReportRow {
            key: LINK.to_owned(),
            decided: 3,
            overdue: 1,
            overdue_rate: 1.0 / 3.0,
            average_working_days: 4.5,
            ..ReportRow::default()
        }]
    }

    #[test]
    fn a_formula_like_key_is_exported_inert_in_csv() {
        let csv = csv_bytes(&rows()).unwrap();
        let mut reader = csv::ReaderBuilder::new().from_reader(&csv[3..]);
        let record = reader.records().next().unwrap().unwrap();
        assert_eq!(&record[0], format!("'{LINK}"));
        assert_eq!(&record[1], "3");
        assert_eq!(&record[3], "0.333");
    }

    #[test]
    fn a_formula_like_key_is_a_string_cell_in_xlsx() {
        use calamine::Reader;
        let xlsx = xlsx_bytes(&rows(), time::OffsetDateTime::UNIX_EPOCH).unwrap();
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
        let range = book.worksheet_range("责任追究报表").unwrap();
        assert_eq!(
            range.get_value((1, 0)),
            Some(&calamine::Data::String(format!("'{LINK}")))
        );
        assert_eq!(range.get_value((1, 1)), Some(&calamine::Data::Float(3.0)));
        let formulas = book.worksheet_formula("责任追究报表").unwrap();
        assert!(formulas.used_cells().next().is_none());
    }
}
