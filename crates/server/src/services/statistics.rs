//! Public statistics: per item and per original department of a jurisdiction, how many cases
//! were received and decided, the average working days from acceptance to decision, the
//! statutory limit and the share decided within it.
//!
//! Computed from the case histories (`case_events`) with the same legal clocks the case pages
//! use, so the public figure and the clerk's deadline cannot disagree. Only counts and
//! averages leave this module: no case number, applicant or staff member appears.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use oneseal_domain::calendar::Calendar;
use oneseal_domain::case::{Case, CaseEvent};
use oneseal_store::statistics::{case_histories, item_departments};
use oneseal_store::{Store, StoreError};
use time::Date;

/// Why the figures could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum StatisticsError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

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

/// The figures of one jurisdiction: per item (by item code), per department (by name), total.
#[derive(Clone)]
pub struct Figures {
    pub items: Vec<ItemRow>,
    pub departments: Vec<DeptRow>,
    pub total: Tally,
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

/// Per-item rows and per-department rows from the case histories; `depts` maps an item code to
/// the name of its original department.
fn aggregate(
    histories: &[Vec<CaseEvent>],
    depts: &BTreeMap<String, String>,
    calendar: &Calendar,
    today: Date,
) -> Figures {
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
    Figures {
        items: items.into_values().collect(),
        departments: by_dept.into_values().collect(),
        total,
    }
}

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
    figures: Mutex<BTreeMap<String, (Basis, Arc<Figures>)>>,
}

impl std::fmt::Debug for StatsCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StatsCache(…)")
    }
}

impl StatsCache {
    fn get(&self, j: &str, basis: &Basis) -> Option<Arc<Figures>> {
        let figures = self.figures.lock().ok()?;
        figures
            .get(j)
            .filter(|(b, _)| b == basis)
            .map(|(_, f)| f.clone())
    }

    fn put(&self, j: &str, basis: Basis, figures: Arc<Figures>) {
        if let Ok(mut m) = self.figures.lock() {
            m.insert(j.to_owned(), (basis, figures));
        }
    }
}

/// The figures of jurisdiction `j` as of `today`, whose log has `log_size` entries: from the
/// cache while neither the log, the day nor the calendar changed, else computed and kept.
pub async fn figures(
    store: &Store,
    cache: &StatsCache,
    j: &str,
    log_size: u64,
    calendar: Arc<Calendar>,
    today: Date,
) -> Result<Arc<Figures>, StatisticsError> {
    let basis = Basis {
        log_size,
        today,
        calendar: Arc::as_ptr(&calendar) as usize,
    };
    if let Some(f) = cache.get(j, &basis) {
        return Ok(f);
    }
    let jq = j.to_owned();
    let (histories, depts) = store
        .read(move |c| {
            let histories = case_histories(c, &jq)?;
            let depts: BTreeMap<String, String> = item_departments(c, &jq)?
                .into_iter()
                .map(|d| (d.item_code, d.department_name))
                .collect();
            Ok::<_, StoreError>((histories, depts))
        })
        .await?;
    let f = Arc::new(aggregate(&histories, &depts, &calendar, today));
    cache.put(j, basis, f.clone());
    Ok(f)
}
