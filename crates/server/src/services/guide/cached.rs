//! The public home's popular items, cached (issue #19 item 1): summing 90 days of
//! `case_tallies` per request would let anyone load the server by reloading `/`. As `/stats`
//! does (`services::statistics`), the home is kept per jurisdiction and computed again only
//! when the day turns or it is older than [`FRESH_SECONDS`]; one computation runs at a time
//! (concurrent misses wait for it and take its result), and each client address may ask for the
//! home [`REQUESTS_PER_MINUTE`] times a minute (the same limiter as `/stats`).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use oneseal_store::Store;
use time::{Date, OffsetDateTime};

use super::{GuideError, Home, home};

/// How long a computed home is served: popular items count 90 days, so a few minutes change
/// nothing anyone could see.
pub const FRESH_SECONDS: i64 = 300;

/// Home requests one client address may make per minute.
pub const REQUESTS_PER_MINUTE: u32 = crate::services::statistics::REQUESTS_PER_MINUTE;

/// A home with the legal day and the time (Unix seconds) it was computed.
type Kept = (Date, i64, Arc<Home>);

/// The last home per jurisdiction (`""`: the default one).
#[derive(Default)]
pub struct HomeCache {
    homes: Mutex<BTreeMap<String, Kept>>,
    /// Held while a home is computed, so that a burst of misses computes it once.
    computing: tokio::sync::Mutex<()>,
    /// How many times a home was computed (for tests and metrics).
    computed: std::sync::atomic::AtomicU64,
}

impl std::fmt::Debug for HomeCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HomeCache(…)")
    }
}

impl HomeCache {
    fn get(&self, j: &str, today: Date, now: i64) -> Option<Arc<Home>> {
        let homes = self.homes.lock().ok()?;
        homes
            .get(j)
            .filter(|(day, at, _)| *day == today && (0..FRESH_SECONDS).contains(&(now - at)))
            .map(|(_, _, h)| h.clone())
    }

    fn put(&self, j: &str, today: Date, now: i64, home: Arc<Home>) {
        if let Ok(mut m) = self.homes.lock() {
            m.insert(j.to_owned(), (today, now, home));
        }
    }

    /// How many times a home was computed since the server started.
    #[must_use]
    pub fn computed(&self) -> u64 {
        self.computed.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// The public home of `j` (or the default) as of `now`: from the cache while it is fresh, else
/// computed once and kept.
///
/// # Errors
/// Those of [`home`].
pub async fn home_cached(
    store: &Store,
    cache: &HomeCache,
    j: Option<&str>,
    now: OffsetDateTime,
) -> Result<Arc<Home>, GuideError> {
    let today = oneseal_domain::case::legal_date(now);
    let at = now.unix_timestamp();
    let key = j.unwrap_or_default().to_owned();
    if let Some(h) = cache.get(&key, today, at) {
        return Ok(h);
    }
    let _computing = cache.computing.lock().await;
    // Another request may have computed it while this one waited.
    if let Some(h) = cache.get(&key, today, at) {
        return Ok(h);
    }
    let named = j.map(str::to_owned);
    let fresh = Arc::new(
        store
            .read(move |c| home(c, named.as_deref(), today))
            .await?,
    );
    cache
        .computed
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    cache.put(&key, today, at, fresh.clone());
    Ok(fresh)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn home_named(name: &str) -> Arc<Home> {
        Arc::new(Home {
            jurisdiction: "370100".into(),
            jurisdiction_name: name.into(),
            popular: Vec::new(),
            hall: None,
        })
    }

    #[test]
    fn a_kept_home_serves_the_same_day_for_five_minutes() {
        let cache = HomeCache::default();
        let day = time::macros::date!(2026 - 12 - 06);
        cache.put("", day, 1_000, home_named("济南市"));
        assert!(cache.get("", day, 1_000).is_some());
        assert!(cache.get("", day, 1_000 + FRESH_SECONDS - 1).is_some());
        assert!(cache.get("", day, 1_000 + FRESH_SECONDS).is_none(), "stale");
        assert!(
            cache.get("", day.next_day().unwrap(), 1_001).is_none(),
            "a new day"
        );
        assert!(
            cache.get("370124", day, 1_001).is_none(),
            "another jurisdiction"
        );
        assert!(cache.get("", day, 999).is_none(), "a clock set back");
    }
}
