//! The leadership dashboard's figures (领导驾驶舱): cases per day, on-time rates by department
//! and item, open cases by remaining working days, yellow and red cards, unclaimed pushes. One
//! computation serves the JSON API and the page, for one jurisdiction or several; this module
//! also decides which jurisdictions and period a request asks for, and whether it may.

use std::collections::BTreeMap;
use std::sync::Arc;

use oneseal_domain::access::{Action, Denied, Principal, Target, authorize};
use oneseal_domain::calendar::Calendar;
use oneseal_domain::case::{Card, Case, CaseEvent, legal_date};
use oneseal_domain::catalog::CodeError;
use oneseal_domain::org::DivisionCode;
use oneseal_store::projection::load_case_events;
use oneseal_store::statistics::{
    JurisdictionName, case_numbers, item_departments, jurisdiction_names,
};
use oneseal_store::{Conn, Store, StoreError};
use serde::{Deserialize, Serialize};
use time::{Date, Duration};

/// Why the dashboard was refused or could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum DashboardError {
    #[error("dates are YYYY-MM-DD")]
    BadDate,
    #[error("the period must start before it ends and last at most a year")]
    BadPeriod,
    #[error("bad jurisdiction code: {0}")]
    BadJurisdiction(CodeError),
    #[error(transparent)]
    Forbidden(#[from] Denied),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a request asks for.
#[derive(Debug, Default, Deserialize)]
pub struct DashQuery {
    /// A division code, or `all` for the principal's jurisdiction and those it governs.
    pub jurisdiction: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// What the request was resolved to: the jurisdictions (all viewable), the period, and the
/// jurisdictions the principal could choose from.
#[derive(Debug, Clone)]
pub struct Chosen {
    /// As asked: a division code or `all`.
    pub scope: String,
    pub jurisdictions: Vec<DivisionCode>,
    pub options: Vec<JurisdictionName>,
    pub from: Date,
    pub to: Date,
    pub today: Date,
}

fn date(s: Option<String>, default: Date) -> Result<Date, DashboardError> {
    match s.filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(s) => {
            oneseal_domain::calendar::parse_date_arg(&s).map_err(|_| DashboardError::BadDate)
        }
    }
}

/// Resolves `q` for `principal`: the period (the last 30 days by default, at most a year), the
/// jurisdictions (its own by default; `all` = its own and those it governs), each of which it
/// must be allowed to view.
pub async fn choose(
    store: &Store,
    principal: &Principal,
    q: DashQuery,
    today: Date,
) -> Result<Chosen, DashboardError> {
    let to = date(q.to, today)?;
    let from = date(q.from, to - Duration::days(29))?;
    if from > to || (to - from).whole_days() > 366 {
        return Err(DashboardError::BadPeriod);
    }
    let own = principal.jurisdiction.clone();
    let all = store.read(|c| jurisdiction_names(c)).await?;
    let options: Vec<JurisdictionName> = all
        .into_iter()
        .filter(|j| DivisionCode::parse(&j.code).is_ok_and(|d| own.governs(&d)))
        .collect();
    let scope = q.jurisdiction.unwrap_or_else(|| own.to_string());
    let chosen: Vec<DivisionCode> = if scope == "all" {
        options
            .iter()
            .filter_map(|j| DivisionCode::parse(&j.code).ok())
            .collect()
    } else {
        vec![DivisionCode::parse(&scope).map_err(DashboardError::BadJurisdiction)?]
    };
    for j in &chosen {
        authorize(principal, Action::ViewDashboard, &Target::jurisdiction(j))?;
    }
    Ok(Chosen {
        scope,
        jurisdictions: chosen,
        options,
        from,
        to,
        today,
    })
}

/// The dashboard of what `chosen` resolved to.
pub async fn figures(
    store: &Store,
    calendar: Arc<Calendar>,
    chosen: &Chosen,
) -> Result<Dashboard, DashboardError> {
    let (js, from, to, today) = (
        chosen.jurisdictions.clone(),
        chosen.from,
        chosen.to,
        chosen.today,
    );
    store
        .read(move |conn| compute(conn, &js, &calendar, from, to, today))
        .await
}

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
) -> Result<BTreeMap<String, (String, String)>, StoreError> {
    Ok(item_departments(c, j.as_str())?
        .into_iter()
        .map(|d| (d.item_code, (d.department_code, d.department_name)))
        .collect())
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
