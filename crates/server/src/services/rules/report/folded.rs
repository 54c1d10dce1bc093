//! The accountability report's decided cases as they were counted before issue #17 item 2: a
//! fold of every case of the jurisdiction. Kept only as the reference the aggregate-based
//! report is tested against on a generated history (`tests/api/aggregates.rs`); nothing
//! serves it.

use std::collections::BTreeMap;

use oneseal_domain::calendar::Calendar;
use oneseal_domain::case::{Case, legal_date};
use oneseal_domain::org::DivisionCode;
use oneseal_store::projection::load_case_events;
use oneseal_store::{Conn, StoreError};

use super::{ReportBy, ReportRow};

/// The former fold of the report (`from`, `to` as `YYYY-MM-DD`).
pub fn report_rows_folded(
    c: &mut dyn Conn,
    j: &DivisionCode,
    calendar: &Calendar,
    by: ReportBy,
    from: &str,
    to: &str,
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
    let numbers = oneseal_store::rules::case_items(c, j.as_str())?;
    let mut item_of_case = BTreeMap::new();
    for (n, item) in numbers {
        item_of_case.insert(n.clone(), item.clone());
        let Ok(case) = Case::apply(&load_case_events(c, &n)?) else {
            continue;
        };
        let Some(d) = case.decision() else { continue };
        let on = legal_date(d.decided_at).to_string();
        if on.as_str() < from || on.as_str() > to || by == ReportBy::Rule {
            continue;
        }
        let Ok(clock) = case.clock(calendar, legal_date(d.decided_at)) else {
            continue;
        };
        let Some(dc) = clock.decision else { continue };
        let row = rows
            .entry(key_of(d.approver.as_str(), &item, ""))
            .or_default();
        row.decided += 1;
        row.overdue += u64::from(dc.decided_on.is_some_and(|x| x > dc.statutory.due));
        *days
            .entry(key_of(d.approver.as_str(), &item, ""))
            .or_default() += u64::from(dc.elapsed);
    }
    for a in oneseal_store::rules::alerts(c, j.as_str(), None)? {
        if a.raised_on.as_str() < from || a.raised_on.as_str() > to {
            continue;
        }
        let person = a.responsible.clone().unwrap_or_else(|| {
            a.responsible_department
                .clone()
                .unwrap_or_else(|| "—".into())
        });
        let item = a
            .subject
            .strip_prefix("case:")
            .and_then(|n| item_of_case.get(n).cloned())
            .or_else(|| {
                a.subject
                    .strip_prefix("item:")
                    .map(|s| s.split(':').next().unwrap_or("").to_owned())
            })
            .unwrap_or_else(|| "—".into());
        let row = rows.entry(key_of(&person, &item, &a.rule_id)).or_default();
        row.alerts += 1;
        *row.alerts_by_rule.entry(a.rule_id.clone()).or_default() += 1;
    }
    Ok(rows
        .into_iter()
        .map(|(key, mut r)| {
            r.key = key.clone();
            if r.decided > 0 {
                r.overdue_rate = r.overdue as f64 / r.decided as f64;
                r.average_working_days =
                    days.get(&key).copied().unwrap_or(0) as f64 / r.decided as f64;
            }
            r
        })
        .collect())
}
