//! The leadership dashboard's figures (领导驾驶舱): cases per day, on-time rates by department
//! and item, open cases by remaining working days, yellow and red cards, unclaimed pushes. One
//! computation serves the JSON API and the page, for one jurisdiction or several.

use std::collections::BTreeMap;

use oneseal_domain::calendar::Calendar;
use oneseal_domain::case::{Card, Case, CaseEvent, legal_date};
use oneseal_domain::org::DivisionCode;
use oneseal_store::projection::load_case_events;
use oneseal_store::{Conn, params};
use serde::Serialize;
use time::Date;

use crate::error::ApiError;

/// Cases received, accepted and decided on one day.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DayCount {
    pub day: String,
    pub received: u32,
    pub accepted: u32,
    pub decided: u32,
}

/// Decisions of a group in the period and how many were within the statutory limit.
#[derive(Debug, Clone, Default, Serialize)]
pub struct OnTime {
    pub key: String,
    pub name: String,
    pub decided: u32,
    pub on_time: u32,
}

impl OnTime {
    pub fn rate(&self) -> f64 {
        if self.decided == 0 {
            0.0
        } else {
            f64::from(self.on_time) / f64::from(self.decided)
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Dashboard {
    pub jurisdictions: Vec<String>,
    pub from: String,
    pub to: String,
    pub today: String,
    pub days: Vec<DayCount>,
    pub by_department: Vec<OnTime>,
    pub by_item: Vec<OnTime>,
    /// Open cases by remaining statutory working days: 已超期, 0–2, 3–5, 6–10, >10, unknown.
    pub open_by_remaining: Vec<(String, u32)>,
    pub yellow_cards: u32,
    pub red_cards: u32,
    pub open_cases: u32,
    /// (department, awaiting claim, overdue) per department with pushes.
    pub unclaimed_pushes: Vec<(String, i64, i64)>,
    /// Ratings given in the period per level (非常满意 … 非常不满意).
    pub ratings: Vec<(String, u32)>,
    /// Bad ratings whose rectification is open, and those past their due date.
    pub rectifications_open: u32,
    pub rectifications_overdue: u32,
}

const BUCKETS: [&str; 6] = ["已超期", "0–2日", "3–5日", "6–10日", ">10日", "日历未导入"];

fn bucket(remaining: Option<i64>) -> usize {
    match remaining {
        Some(r) if r < 0 => 0,
        Some(0..=2) => 1,
        Some(3..=5) => 2,
        Some(6..=10) => 3,
        Some(_) => 4,
        None => 5,
    }
}

/// Computes the dashboard for `jurisdictions` over `from..=to`, with open cases as of `today`.
pub fn compute(
    c: &mut dyn Conn,
    jurisdictions: &[DivisionCode],
    calendar: &Calendar,
    from: Date,
    to: Date,
    today: Date,
) -> Result<Dashboard, ApiError> {
    let mut d = Dashboard {
        jurisdictions: jurisdictions.iter().map(ToString::to_string).collect(),
        from: from.to_string(),
        to: to.to_string(),
        today: today.to_string(),
        open_by_remaining: BUCKETS.iter().map(|b| ((*b).to_owned(), 0)).collect(),
        ratings: oneseal_domain::rating::RatingLevel::ALL
            .iter()
            .map(|l| (l.name_zh().to_owned(), 0))
            .collect(),
        ..Dashboard::default()
    };
    let mut days: BTreeMap<Date, DayCount> = BTreeMap::new();
    let mut day = from;
    while day <= to && days.len() < 400 {
        days.insert(
            day,
            DayCount {
                day: day.to_string(),
                ..DayCount::default()
            },
        );
        match day.next_day() {
            Some(next) => day = next,
            None => break,
        }
    }
    let mut by_dept: BTreeMap<String, OnTime> = BTreeMap::new();
    let mut by_item: BTreeMap<String, OnTime> = BTreeMap::new();
    for j in jurisdictions {
        let depts = department_of_items(c, j)?;
        let numbers: Vec<String> = c
            .query(
                "SELECT case_number FROM cases WHERE jurisdiction = ? ORDER BY case_number",
                params![j.as_str()],
            )?
            .into_iter()
            .map(|r| r.text(0))
            .collect::<Result<_, _>>()?;
        for n in numbers {
            let events = load_case_events(c, &n)?;
            let Ok(case) = Case::apply(&events) else {
                continue;
            };
            count_days(&mut days, &events);
            let item = case.received().item.clone();
            let code = item.basic_code.to_string();
            if let Some(dec) = case.decision() {
                let on = legal_date(dec.decided_at);
                if on >= from && on <= to {
                    let on_time = case
                        .clock(calendar, on)
                        .ok()
                        .and_then(|k| k.decision)
                        .is_some_and(|k| on <= k.statutory.due);
                    let (dept_code, dept_name) = depts
                        .get(&code)
                        .cloned()
                        .unwrap_or_else(|| ("—".into(), "—".into()));
                    for (map, key, name) in [
                        (&mut by_dept, dept_code, dept_name),
                        (&mut by_item, code.clone(), item.name.clone()),
                    ] {
                        let e = map.entry(key.clone()).or_insert_with(|| OnTime {
                            key,
                            name,
                            ..OnTime::default()
                        });
                        e.decided += 1;
                        e.on_time += u32::from(on_time);
                    }
                }
            }
            if !case.is_closed() && case.decision().is_none() {
                d.open_cases += 1;
                let clock = case.clock(calendar, today).ok();
                let remaining = clock
                    .as_ref()
                    .and_then(|k| k.decision.as_ref())
                    .map(|k| k.remaining_statutory);
                if let Some(b) = d.open_by_remaining.get_mut(bucket(remaining)) {
                    b.1 += 1;
                }
                match clock.map(|k| k.card) {
                    Some(Card::Yellow) => d.yellow_cards += 1,
                    Some(Card::Red) => d.red_cards += 1,
                    _ => {}
                }
            }
        }
        count_ratings(c, j, &mut d, from, to, today)?;
        for s in crate::services::linkage::stats(c, j, &today.to_string())? {
            if s.awaiting > 0 || s.overdue > 0 {
                let key = if d.jurisdictions.len() > 1 {
                    format!("{}·{}", j.as_str(), s.department)
                } else {
                    s.department.clone()
                };
                d.unclaimed_pushes.push((key, s.awaiting, s.overdue));
            }
        }
    }
    d.days = days.into_values().collect();
    d.by_department = by_dept.into_values().collect();
    let mut items: Vec<OnTime> = by_item.into_values().collect();
    items.sort_by(|a, b| b.decided.cmp(&a.decided).then(a.key.cmp(&b.key)));
    items.truncate(15);
    d.by_item = items;
    Ok(d)
}

fn count_ratings(
    c: &mut dyn Conn,
    j: &DivisionCode,
    d: &mut Dashboard,
    from: Date,
    to: Date,
    today: Date,
) -> Result<(), ApiError> {
    use oneseal_domain::rating::RatingLevel;
    for r in crate::api::ratings::query_ratings(c, j)? {
        if r.rectification_status.as_deref() == Some("open") {
            d.rectifications_open += 1;
            let late = r
                .rectification_due
                .as_deref()
                .is_some_and(|due| due < today.to_string().as_str());
            d.rectifications_overdue += u32::from(late);
        }
        let (f, t) = (from.to_string(), to.to_string());
        if r.rated_on < f || r.rated_on > t {
            continue;
        }
        let Some(i) = RatingLevel::ALL.iter().position(|l| l.code() == r.level) else {
            continue;
        };
        if let Some(slot) = d.ratings.get_mut(i) {
            slot.1 += 1;
        }
    }
    Ok(())
}

fn count_days(days: &mut BTreeMap<Date, DayCount>, events: &[CaseEvent]) {
    for e in events {
        let Some(day) = days.get_mut(&e.date()) else {
            continue;
        };
        match e {
            CaseEvent::Received(_) => day.received += 1,
            CaseEvent::Accepted { .. } => day.accepted += 1,
            CaseEvent::Decided { .. } => day.decided += 1,
            _ => {}
        }
    }
}

/// Item code → (original department code, its name) in a jurisdiction.
fn department_of_items(
    c: &mut dyn Conn,
    j: &DivisionCode,
) -> Result<BTreeMap<String, (String, String)>, ApiError> {
    c.query(
        "SELECT i.basic_code, i.original_department, COALESCE(d.name_zh, i.original_department) FROM items i \
         LEFT JOIN departments d ON d.jurisdiction = i.jurisdiction AND d.code = i.original_department \
         WHERE i.jurisdiction = ? AND i.current = 1",
        params![j.as_str()],
    )?
    .into_iter()
    .map(|r| Ok((r.text(0)?, (r.text(1)?, r.text(2)?))))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remaining_days_fall_in_their_buckets() {
        assert_eq!(bucket(Some(-1)), 0);
        assert_eq!(bucket(Some(0)), 1);
        assert_eq!(bucket(Some(2)), 1);
        assert_eq!(bucket(Some(3)), 2);
        assert_eq!(bucket(Some(10)), 3);
        assert_eq!(bucket(Some(11)), 4);
        assert_eq!(bucket(None), 5);
    }

    #[test]
    fn on_time_rate_of_nothing_is_zero() {
        assert_eq!(OnTime::default().rate(), 0.0);
        let o = OnTime {
            decided: 4,
            on_time: 3,
            ..OnTime::default()
        };
        assert!((o.rate() - 0.75).abs() < 1e-9);
    }
}
