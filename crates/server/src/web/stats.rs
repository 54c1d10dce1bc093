//! Public statistics (`/stats`, no sign-in): per item and per original department of a
//! jurisdiction, how many cases were received and decided, the average working days from
//! acceptance to decision, the statutory limit and the share decided within it.
//!
//! Computed from the case histories (`case_events`) with the same legal clocks the case pages
//! use, so the public figure and the clerk's deadline cannot disagree. Only counts and
//! averages leave this module: no case number, applicant or staff member appears.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use oneseal_domain::calendar::Calendar;
use oneseal_domain::case::{Case, CaseEvent};
use oneseal_store::{Conn, StoreError, params};
use serde::Deserialize;
use time::Date;

use super::ledger::{Choice, DEFAULT_JURISDICTION, choices};
use super::{Nav, WebError, render};
use crate::AppState;
use crate::error::ApiError;

/// Counts of one group (an item, a department, or the whole jurisdiction).
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub received: u64,
    pub decided: u64,
    /// Decided cases whose clock could be read (a year without a loaded calendar cannot).
    pub timed: u64,
    pub working_days: u64,
    pub on_time: u64,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.received += other.received;
        self.decided += other.decided;
        self.timed += other.timed;
        self.working_days += other.working_days;
        self.on_time += other.on_time;
    }

    /// Average working days acceptance → decision, one decimal; `—` before any decision.
    pub fn average(&self) -> String {
        if self.timed == 0 {
            return "—".into();
        }
        let avg = self.working_days as f64 / self.timed as f64;
        format!("{avg:.1}")
    }

    /// Share of timed decisions within the statutory limit (extensions included), as a percentage.
    pub fn on_time_rate(&self) -> String {
        if self.timed == 0 {
            return "—".into();
        }
        let rate = self.on_time as f64 * 100.0 / self.timed as f64;
        format!("{rate:.1}%")
    }
}

#[derive(Clone)]
pub struct ItemRow {
    pub code: String,
    pub name: String,
    pub department: String,
    pub limit: String,
    pub tally: Tally,
}

#[derive(Clone)]
pub struct DeptRow {
    pub name: String,
    pub items: usize,
    pub tally: Tally,
}

#[derive(Template)]
#[template(path = "stats.html")]
struct StatsPage {
    nav: Nav,
    choices: Vec<Choice>,
    today: String,
    items: Vec<ItemRow>,
    departments: Vec<DeptRow>,
    total: Tally,
}

#[derive(Debug, Default, Deserialize)]
pub struct Form {
    j: Option<String>,
}

/// One case's contribution: its item and what it adds to the tally.
fn tally_case(events: &[CaseEvent], calendar: &Calendar, today: Date) -> Option<(Case, Tally)> {
    let case = Case::apply(events).ok()?;
    let mut t = Tally {
        received: 1,
        decided: u64::from(case.decision().is_some()),
        ..Tally::default()
    };
    if case.decision().is_some()
        && let Some(d) = case.clock(calendar, today).ok().and_then(|c| c.decision)
    {
        t.timed = 1;
        t.working_days = u64::from(d.elapsed);
        t.on_time = u64::from(!d.overdue_statutory);
    }
    Some((case, t))
}

/// Every case history of jurisdiction `j`, grouped by case, in order.
fn histories(conn: &mut dyn Conn, j: &str) -> Result<Vec<Vec<CaseEvent>>, StoreError> {
    let rows = conn.query(
        "SELECT e.case_number, e.body FROM case_events e JOIN cases c ON c.case_number = e.case_number \
         WHERE c.jurisdiction = ? ORDER BY e.case_number, e.seq",
        params![j],
    )?;
    let mut out: Vec<(String, Vec<CaseEvent>)> = Vec::new();
    for r in rows {
        let number = r.text(0)?;
        let event: CaseEvent = serde_json::from_str(&r.text(1)?)
            .map_err(|e| StoreError::Corrupt(format!("case {number}: stored event: {e}")))?;
        match out.last_mut() {
            Some((n, events)) if *n == number => events.push(event),
            _ => out.push((number, vec![event])),
        }
    }
    Ok(out.into_iter().map(|(_, e)| e).collect())
}

/// Item code → the name of its original department (current catalog version).
fn departments(conn: &mut dyn Conn, j: &str) -> Result<BTreeMap<String, String>, StoreError> {
    conn.query(
        "SELECT i.basic_code, COALESCE(d.name_zh, i.original_department) FROM items i \
         LEFT JOIN departments d ON d.jurisdiction = i.jurisdiction AND d.code = i.original_department \
         WHERE i.jurisdiction = ? AND i.current = 1",
        params![j],
    )?
    .into_iter()
    .map(|r| Ok((r.text(0)?, r.text(1)?)))
    .collect()
}

/// Per-item rows (by item code) and per-department rows (by name) from the case histories.
fn aggregate(
    histories: &[Vec<CaseEvent>],
    depts: &BTreeMap<String, String>,
    calendar: &Calendar,
    today: Date,
) -> (Vec<ItemRow>, Vec<DeptRow>, Tally) {
    let mut items: BTreeMap<String, ItemRow> = BTreeMap::new();
    for events in histories {
        let Some((case, t)) = tally_case(events, calendar, today) else {
            continue;
        };
        let item = &case.received().item;
        let code = item.basic_code.as_str().to_owned();
        let row = items.entry(code.clone()).or_insert_with(|| ItemRow {
            department: depts.get(&code).cloned().unwrap_or_else(|| "—".into()),
            code,
            name: item.name.clone(),
            limit: item.statutory_limit.to_zh(),
            tally: Tally::default(),
        });
        row.tally.add(&t);
    }
    let mut by_dept: BTreeMap<String, DeptRow> = BTreeMap::new();
    let mut total = Tally::default();
    for row in items.values() {
        let d = by_dept
            .entry(row.department.clone())
            .or_insert_with(|| DeptRow {
                name: row.department.clone(),
                items: 0,
                tally: Tally::default(),
            });
        d.items += 1;
        d.tally.add(&row.tally);
        total.add(&row.tally);
    }
    (
        items.into_values().collect(),
        by_dept.into_values().collect(),
        total,
    )
}

/// The figures of one jurisdiction.
type Figures = (Vec<ItemRow>, Vec<DeptRow>, Tally);

/// What the figures depend on: every case event is a ledger entry, so they can only change when
/// the jurisdiction's log grows, the day turns (overdue counts) or the calendar changes.
#[derive(Clone, PartialEq)]
struct Basis {
    log_size: u64,
    today: Date,
    calendar: usize,
}

/// The last figures per jurisdiction. `/stats` is public and otherwise folds every case of the
/// jurisdiction per request; with this, repeated requests cost one head read until the log grows.
#[derive(Default)]
pub struct StatsCache {
    figures: std::sync::Mutex<BTreeMap<String, (Basis, std::sync::Arc<Figures>)>>,
}

impl std::fmt::Debug for StatsCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StatsCache(…)")
    }
}

impl StatsCache {
    fn get(&self, j: &str, basis: &Basis) -> Option<std::sync::Arc<Figures>> {
        let figures = self.figures.lock().ok()?;
        figures
            .get(j)
            .filter(|(b, _)| b == basis)
            .map(|(_, f)| f.clone())
    }

    fn put(&self, j: &str, basis: Basis, figures: std::sync::Arc<Figures>) {
        if let Ok(mut m) = self.figures.lock() {
            m.insert(j.to_owned(), (basis, figures));
        }
    }
}

pub async fn stats_page(
    State(state): State<AppState>,
    Query(f): Query<Form>,
) -> Result<Html<String>, WebError> {
    let j = f.j.unwrap_or_else(|| DEFAULT_JURISDICTION.to_owned());
    let logs: Vec<String> = state.logs.keys.keys().cloned().collect();
    let jq = j.clone();
    let (choices, log_size) = state
        .store
        .read(move |c| {
            // An unknown jurisdiction has no head; the choices below turn it into a 404.
            let size = oneseal_store::log::read_head(c, &jq).map_or(0, |h| h.0);
            Ok::<_, StoreError>((choices(c, &logs, &jq)?, size))
        })
        .await
        .map_err(ApiError::from)?;
    if !choices.iter().any(|c| c.selected) {
        return Err(ApiError::NotFound("jurisdiction").into());
    }
    let today = oneseal_domain::case::legal_date(state.clock.now());
    let calendar = state.calendar.current();
    let basis = Basis {
        log_size,
        today,
        calendar: std::sync::Arc::as_ptr(&calendar) as usize,
    };
    let figures = match state.stats_cache.get(&j, &basis) {
        Some(f) => f,
        None => {
            let jq = j.clone();
            let (histories, depts) = state
                .store
                .read(move |c| Ok::<_, StoreError>((histories(c, &jq)?, departments(c, &jq)?)))
                .await
                .map_err(ApiError::from)?;
            let f = std::sync::Arc::new(aggregate(&histories, &depts, &calendar, today));
            state.stats_cache.put(&j, basis, f.clone());
            f
        }
    };
    let (items, departments, total) = (*figures).clone();
    render(&StatsPage {
        nav: Nav::default(),
        choices,
        today: today.to_string(),
        items,
        departments,
        total,
    })
}
