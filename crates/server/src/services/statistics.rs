//! Public statistics: per item and per original department of a jurisdiction, how many cases
//! were received and decided, the average working days from acceptance to decision, the
//! statutory limit and the share decided within it.
//!
//! Summed from `case_tallies` (issue #17 item 2), which each case step keeps current with the
//! same legal clocks the case pages use, so the public figure and the clerk's deadline cannot
//! disagree. Only counts and averages leave this module: no case number, applicant or staff
//! member appears. The page is public: its figures are kept a minute and each client address
//! may ask [`REQUESTS_PER_MINUTE`] times a minute.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use oneseal_domain::calendar::Calendar;
use oneseal_domain::case::CaseEvent;
use oneseal_store::aggregates;
use oneseal_store::statistics::{first_receipt, item_departments};
use oneseal_store::{Conn, Store, StoreError};
use time::Date;

use crate::services::guesses::{ClientAddr, address_bucket};

pub mod folded;

/// Why the figures could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum StatisticsError {
    /// One client asked more than [`REQUESTS_PER_MINUTE`] times this minute.
    #[error("too many requests")]
    TooManyRequests,
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
    pub(crate) fn add(&mut self, other: &Tally) {
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

/// Groups item rows by department and totals them.
pub(crate) fn group(items: Vec<ItemRow>) -> Figures {
    let mut by_dept: BTreeMap<String, DeptRow> = BTreeMap::new();
    let mut total = Tally::default();
    for row in &items {
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
        items,
        departments: by_dept.into_values().collect(),
        total,
    }
}

/// The figures of jurisdiction `j`: every day's sums of `case_tallies` per item (one index
/// range), each item named and limited as its cases were received.
pub fn compute(c: &mut dyn Conn, j: &str) -> Result<Figures, StoreError> {
    let depts: BTreeMap<String, String> = item_departments(c, j)?
        .into_iter()
        .map(|d| (d.item_code, d.department_name))
        .collect();
    let mut items = Vec::new();
    for x in aggregates::item_totals(c, j, None)? {
        if x.received == 0 && x.decided == 0 {
            continue;
        }
        let (name, limit) = match first_receipt(c, j, &x.item)? {
            Some(CaseEvent::Received(r)) => (r.item.name.clone(), r.item.statutory_limit.to_zh()),
            _ => (x.item.clone(), "—".to_owned()),
        };
        items.push(ItemRow {
            department: depts.get(&x.item).cloned().unwrap_or_else(|| "—".into()),
            code: x.item,
            name,
            limit,
            tally: Tally {
                received: x.received,
                decided: x.decided,
                timed: x.timed,
                working_days: x.working_days,
                on_time: x.on_time,
            },
        });
    }
    Ok(group(items))
}

/// What the figures depend on: every case event is a ledger entry, so they can only change when
/// the jurisdiction's log grows, the day turns or the calendar changes.
#[derive(Clone, PartialEq)]
struct Basis {
    log_size: u64,
    today: Date,
    calendar: usize,
}

/// How long figures are served after they were computed even though the log grew: a busy
/// bureau's log grows every second, and `/stats` is public.
pub const FRESH_SECONDS: i64 = 60;

/// Figures with their basis and when (Unix seconds) they were computed.
type Kept = (Basis, i64, Arc<Figures>);

/// The last figures per jurisdiction.
#[derive(Default)]
pub struct StatsCache {
    figures: Mutex<BTreeMap<String, Kept>>,
}

impl std::fmt::Debug for StatsCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StatsCache(…)")
    }
}

impl StatsCache {
    /// The kept figures if their basis is `basis`, or if they are younger than a minute and
    /// only the log has grown since.
    fn get(&self, j: &str, basis: &Basis, now: i64) -> Option<Arc<Figures>> {
        let figures = self.figures.lock().ok()?;
        figures
            .get(j)
            .filter(|(b, at, _)| {
                b == basis
                    || (b.today == basis.today
                        && b.calendar == basis.calendar
                        && (0..FRESH_SECONDS).contains(&(now - at)))
            })
            .map(|(_, _, f)| f.clone())
    }

    fn put(&self, j: &str, basis: Basis, now: i64, figures: Arc<Figures>) {
        if let Ok(mut m) = self.figures.lock() {
            m.insert(j.to_owned(), (basis, now, figures));
        }
    }
}

/// Requests to `/stats` one client address may make per minute (a cached answer costs little,
/// but each request still reads the log's head).
pub const REQUESTS_PER_MINUTE: u32 = 60;

/// `/stats` requests per client address in the current minute (IPv6 per /64, as the query-code
/// limiter counts).
#[derive(Debug, Default)]
pub struct StatsLimiter {
    seen: Mutex<std::collections::HashMap<[u8; 8], (i64, u32)>>,
}

impl StatsLimiter {
    /// Counts one request of `client` at `now`; `false` once it has made
    /// [`REQUESTS_PER_MINUTE`] in this minute.
    pub fn allow(&self, client: ClientAddr, now: time::OffsetDateTime) -> bool {
        let minute = now.unix_timestamp().div_euclid(60);
        let Ok(mut seen) = self.seen.lock() else {
            return false;
        };
        // Only this minute's counts are kept, so the map holds the active clients.
        seen.retain(|_, (m, _)| *m == minute);
        let entry = seen.entry(address_bucket(client.0)).or_insert((minute, 0));
        entry.1 = entry.1.saturating_add(1);
        entry.1 <= REQUESTS_PER_MINUTE
    }
}

/// The figures of jurisdiction `j` as of `now`, whose log has `log_size` entries: from the
/// cache while neither the day nor the calendar changed and either the log did not grow or
/// they are less than [`FRESH_SECONDS`] old; else summed from the aggregates and kept.
pub async fn figures(
    store: &Store,
    cache: &StatsCache,
    j: &str,
    log_size: u64,
    calendar: Arc<Calendar>,
    now: time::OffsetDateTime,
) -> Result<Arc<Figures>, StatisticsError> {
    let basis = Basis {
        log_size,
        today: oneseal_domain::case::legal_date(now),
        calendar: Arc::as_ptr(&calendar) as usize,
    };
    let at = now.unix_timestamp();
    if let Some(f) = cache.get(j, &basis, at) {
        return Ok(f);
    }
    let jq = j.to_owned();
    let f = Arc::new(store.read(move |c| compute(c, &jq)).await?);
    cache.put(j, basis, at, f.clone());
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_client_gets_its_requests_per_minute_and_no_more() {
        let limiter = StatsLimiter::default();
        let me = ClientAddr(Some([203, 0, 113, 7].into()));
        let other = ClientAddr(Some([203, 0, 113, 8].into()));
        let now = datetime!(2026-12-06 10:00:00 UTC);
        for _ in 0..REQUESTS_PER_MINUTE {
            assert!(limiter.allow(me, now));
        }
        assert!(!limiter.allow(me, now));
        assert!(limiter.allow(other, now));
        assert!(limiter.allow(me, now + time::Duration::seconds(60)));
    }

    #[test]
    fn kept_figures_are_served_for_a_minute_after_the_log_grew_then_recomputed() {
        let cache = StatsCache::default();
        let basis = |log_size| Basis {
            log_size,
            today: time::macros::date!(2026 - 12 - 06),
            calendar: 1,
        };
        let figures = Arc::new(group(Vec::new()));
        cache.put("370100", basis(10), 1000, figures);
        assert!(cache.get("370100", &basis(10), 5000).is_some());
        assert!(cache.get("370100", &basis(11), 1059).is_some());
        assert!(cache.get("370100", &basis(11), 1060).is_none());
        assert!(cache.get("370114", &basis(10), 1000).is_none());
    }
}
