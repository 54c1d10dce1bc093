//! The dashboard as it was computed before issue #17 item 2: a fold of every case of each
//! jurisdiction per request. Kept only as the reference the aggregate-based [`super::compute`]
//! is tested against on a generated history (`tests/api/aggregates.rs`); nothing serves it.

use std::collections::BTreeMap;

use oneseal_domain::calendar::Calendar;
use oneseal_domain::case::{Card, Case, CaseEvent, legal_date};
use oneseal_domain::org::DivisionCode;
use oneseal_store::projection::load_case_events;
use oneseal_store::statistics::case_numbers;
use oneseal_store::{Conn, StoreError};
use time::Date;

use super::{BUCKETS, Dashboard, DashboardError, DayCount, OnTime, bucket, department_of_items};

/// The former fold: the dashboard for `jurisdictions` over `from..=to`, open cases as of `today`.
pub fn compute_folded(
    c: &mut dyn Conn,
    jurisdictions: &[DivisionCode],
    calendar: &Calendar,
    from: Date,
    to: Date,
    today: Date,
) -> Result<Dashboard, DashboardError> {
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
        super::count_coordination(c, j, today, &mut d)?;
        super::count_projects(c, j, calendar, today, &mut d)?;
        let depts = department_of_items(c, j)?;
        let numbers = case_numbers(c, j.as_str())?;
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
                    let clock = case.clock(calendar, on).ok().and_then(|k| k.decision);
                    let timed = clock.is_some();
                    let on_time = clock.is_some_and(|k| on <= k.statutory.due);
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
                        e.timed += u32::from(timed);
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
    d.projects.average_net_working_days = d.projects.average_net();
    Ok(d)
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

fn count_ratings(
    c: &mut dyn Conn,
    j: &DivisionCode,
    d: &mut Dashboard,
    from: Date,
    to: Date,
    today: Date,
) -> Result<(), StoreError> {
    use oneseal_domain::rating::RatingLevel;
    for r in crate::services::ratings::query(c, j)? {
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
