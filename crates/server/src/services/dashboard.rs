//! The leadership dashboard's figures (领导驾驶舱): cases per day, on-time rates by department
//! and item, open cases by remaining working days, yellow and red cards, unclaimed pushes. One
//! computation serves the JSON API and the page, for one jurisdiction or several; this module
//! also decides which jurisdictions and period a request asks for, and whether it may.

use std::collections::BTreeMap;
use std::sync::Arc;

use oneseal_domain::access::{Action, Denied, Principal, Target, authorize};
use oneseal_domain::calendar::Calendar;
use oneseal_domain::case::{Card, Case, CaseEvent};
use oneseal_domain::catalog::CodeError;
use oneseal_domain::org::DivisionCode;
use oneseal_store::case_rows::load_events_of;
use oneseal_store::statistics::{
    JurisdictionName, first_receipt, item_departments, jurisdiction_names, open_rectifications,
    rating_counts,
};
use oneseal_store::{Conn, Store, StoreError};
use oneseal_store::{aggregates, case_due};
use serde::{Deserialize, Serialize};
use time::{Date, Duration};

pub mod folded;

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

/// The longest period, in days after its first: a year, leap day included.
pub const MAX_DAYS: i64 = 366;

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
    if from > to || (to - from).whole_days() > MAX_DAYS {
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
    /// Decisions whose legal clock could be read (a year without a calendar cannot): the
    /// denominator of the on-time rate, as on `/stats`.
    pub timed: u32,
}

impl OnTime {
    /// Share of timed decisions within the statutory limit; `None` when nothing was timed (shown
    /// as "—", the way `/stats` shows it).
    pub fn rate(&self) -> Option<f64> {
        (self.timed > 0).then(|| f64::from(self.on_time) / f64::from(self.timed))
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
    /// Coordination matters (领导协调) not closed, those undecided past their due date, and
    /// their tasks not done past theirs.
    pub coordination_open: i64,
    pub coordination_overdue: i64,
    pub coordination_tasks_overdue: i64,
    /// Construction projects (工程建设项目) open, their stages overdue and the average net
    /// working days of a stage completed this year (`services::projects::counts`).
    pub projects: crate::services::projects::ProjectCounts,
}

/// Remaining statutory working days, written as limits are everywhere (N个工作日).
const BUCKETS: [&str; 6] = [
    "已超期",
    "0–2个工作日",
    "3–5个工作日",
    "6–10个工作日",
    ">10个工作日",
    "日历未导入",
];

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

/// The dashboard for `jurisdictions` over `from..=to`, with open cases as of `today`: the
/// period's figures are sums of `case_tallies` (one index range per jurisdiction); the open
/// cases, whose remaining days depend on today, are read from their projected due dates
/// (`case_due`), and only those in a special procedure are folded.
pub fn compute(
    c: &mut dyn Conn,
    jurisdictions: &[DivisionCode],
    calendar: &Calendar,
    from: Date,
    to: Date,
    today: Date,
) -> Result<Dashboard, DashboardError> {
    let mut d = empty(jurisdictions, from, to, today);
    let mut days = day_slots(from, to);
    let (f, t) = (from.to_string(), to.to_string());
    let mut by_dept: BTreeMap<String, OnTime> = BTreeMap::new();
    let mut by_item: BTreeMap<String, OnTime> = BTreeMap::new();
    for j in jurisdictions {
        for x in aggregates::day_totals(c, j.as_str(), &f, &t)? {
            let on = oneseal_domain::calendar::parse_date_arg(&x.day).ok();
            if let Some(day) = on.and_then(|k| days.get_mut(&k)) {
                day.received += count(x.received);
                day.accepted += count(x.accepted);
                day.decided += count(x.decided);
            }
        }
        let depts = department_of_items(c, j)?;
        let decided: Vec<_> = aggregates::item_totals(c, j.as_str(), Some((&f, &t)))?
            .into_iter()
            .filter(|x| x.decided > 0)
            .collect();
        let codes: Vec<String> = decided.iter().map(|x| x.item.clone()).collect();
        let names = item_names(c, j.as_str(), &codes)?;
        for x in decided {
            let (dept_code, dept_name) = depts
                .get(&x.item)
                .cloned()
                .unwrap_or_else(|| ("—".into(), "—".into()));
            let name = names
                .get(&x.item)
                .cloned()
                .unwrap_or_else(|| x.item.clone());
            for (map, key, name) in [
                (&mut by_dept, dept_code, dept_name),
                (&mut by_item, x.item.clone(), name),
            ] {
                let e = map.entry(key.clone()).or_insert_with(|| OnTime {
                    key,
                    name,
                    ..OnTime::default()
                });
                e.decided += count(x.decided);
                e.timed += count(x.timed);
                e.on_time += count(x.on_time);
            }
        }
        count_open(c, j, calendar, today, &mut d)?;
        sum_ratings(c, j, &mut d, (&f, &t), today)?;
        count_pushes(c, j, today, &mut d)?;
        count_coordination(c, j, today, &mut d)?;
        count_projects(c, j, calendar, today, &mut d)?;
    }
    d.projects.average_net_working_days = d.projects.average_net();
    d.days = days.into_values().collect();
    d.by_department = by_dept.into_values().collect();
    d.by_item = top_items(by_item);
    Ok(d)
}

fn count(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The dashboard before anything is counted.
pub(crate) fn empty(
    jurisdictions: &[DivisionCode],
    from: Date,
    to: Date,
    today: Date,
) -> Dashboard {
    Dashboard {
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
    }
}

/// One empty count per day of the period (a period is at most [`MAX_DAYS`] + 1 days).
pub(crate) fn day_slots(from: Date, to: Date) -> BTreeMap<Date, DayCount> {
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
    days
}

/// The fifteen items with the most decisions.
pub(crate) fn top_items(by_item: BTreeMap<String, OnTime>) -> Vec<OnTime> {
    let mut items: Vec<OnTime> = by_item.into_values().collect();
    items.sort_by(|a, b| b.decided.cmp(&a.decided).then(a.key.cmp(&b.key)));
    items.truncate(15);
    items
}

/// The name an item's cases were received under (its first case's), by item code.
fn item_names(
    c: &mut dyn Conn,
    j: &str,
    codes: &[String],
) -> Result<BTreeMap<String, String>, StoreError> {
    let mut out = BTreeMap::new();
    for code in codes {
        if let Some(CaseEvent::Received(r)) = first_receipt(c, j, code)? {
            out.insert(code.clone(), r.item.name.clone());
        }
    }
    Ok(out)
}

/// Open cases (undecided, not closed) by remaining working days, and their cards, as of
/// `today`, from the projected due dates the steps keep (`case_due`, issue #17): the cases
/// sharing their dates are read as one group, so the work is a few hundred groups however many
/// cases are open. Only the cases whose clock moves with today in another way (a special
/// procedure open) are folded, and they are few.
pub(crate) fn count_open(
    c: &mut dyn Conn,
    j: &DivisionCode,
    calendar: &Calendar,
    today: Date,
    d: &mut Dashboard,
) -> Result<(), StoreError> {
    for g in case_due::groups(c, j.as_str())? {
        let Some(reading) = g.due.read(calendar, today) else {
            continue;
        };
        let n = count(g.cases);
        d.open_cases += n;
        if let Some(b) = d.open_by_remaining.get_mut(bucket(reading.remaining)) {
            b.1 += n;
        }
        match reading.card {
            Card::Yellow => d.yellow_cards += n,
            Card::Red => d.red_cards += n,
            Card::None => {}
        }
    }
    let numbers = case_due::folded_numbers(c, j.as_str())?;
    for page in numbers.chunks(500) {
        for (_, events) in load_events_of(c, page)? {
            let Ok(case) = Case::apply(&events) else {
                continue;
            };
            if case.is_closed() || case.decision().is_some() {
                continue;
            }
            count_open_case(&case, calendar, today, d);
        }
    }
    Ok(())
}

pub(crate) fn count_open_case(case: &Case, calendar: &Calendar, today: Date, d: &mut Dashboard) {
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

/// Ratings given in the period per level, and the open rectifications (two indexed counts).
fn sum_ratings(
    c: &mut dyn Conn,
    j: &DivisionCode,
    d: &mut Dashboard,
    (from, to): (&str, &str),
    today: Date,
) -> Result<(), StoreError> {
    use oneseal_domain::rating::RatingLevel;
    for (level, n) in rating_counts(c, j.as_str(), from, to)? {
        let Some(i) = RatingLevel::ALL.iter().position(|l| l.code() == level) else {
            continue;
        };
        if let Some(slot) = d.ratings.get_mut(i) {
            slot.1 += count(n);
        }
    }
    let (open, overdue) = open_rectifications(c, j.as_str(), &today.to_string())?;
    d.rectifications_open += count(open);
    d.rectifications_overdue += count(overdue);
    Ok(())
}

/// Each department's pushes awaiting their claim.
pub(crate) fn count_pushes(
    c: &mut dyn Conn,
    j: &DivisionCode,
    today: Date,
    d: &mut Dashboard,
) -> Result<(), StoreError> {
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
    Ok(())
}

/// The coordination matters' figures (领导协调), summed over the jurisdictions.
pub(crate) fn count_coordination(
    c: &mut dyn Conn,
    j: &DivisionCode,
    today: Date,
    d: &mut Dashboard,
) -> Result<(), StoreError> {
    let n = crate::services::coordination::counts(c, j, today)?;
    d.coordination_open += n.open;
    d.coordination_overdue += n.overdue;
    d.coordination_tasks_overdue += n.tasks_overdue;
    Ok(())
}

/// The construction projects' figures, summed over the jurisdictions (the average is taken
/// once all are counted).
pub(crate) fn count_projects(
    c: &mut dyn Conn,
    j: &DivisionCode,
    calendar: &Calendar,
    today: Date,
    d: &mut Dashboard,
) -> Result<(), StoreError> {
    crate::services::projects::counts(c, j.as_str(), calendar, today, &mut d.projects)
}

/// Item code → (original department code, its name) in a jurisdiction.
pub(crate) fn department_of_items(
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
    fn on_time_rate_of_nothing_is_none_and_counts_timed_decisions_only() {
        assert_eq!(OnTime::default().rate(), None);
        let o = OnTime {
            decided: 5,
            timed: 4,
            on_time: 3,
            ..OnTime::default()
        };
        assert!((o.rate().unwrap() - 0.75).abs() < 1e-9);
    }
}
