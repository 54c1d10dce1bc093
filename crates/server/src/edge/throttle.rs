//! Sign-in throttling and the bounded pool that checks passwords.
//!
//! Argon2id is deliberately expensive, so checking a password must neither hold the store's
//! single writer (every intake, review and decision waits behind it) nor take every core: the
//! check runs on a small pool of blocking threads, and attempts beyond what the pool and its
//! short queue hold are answered 429 at once (the global cap).
//!
//! Failures are counted in memory, per process, keyed on what the guesser controls, so that a
//! guesser slows down only themselves and nobody can lock a real account out at will:
//! - per (staff id, client address): five failures, then a back-off of five minutes that
//!   doubles with each further failure, up to an hour. The same staff member signing in from
//!   their own desk is not affected.
//! - per client address, across ids: thirty failures in a quarter of an hour shut that address
//!   out of sign-in for the rest of the quarter (429: it says nothing about any account).
//! - per staff id, across addresses (a guesser with many addresses): after fifty failures in a
//!   quarter of an hour, only addresses that have signed in to that id before may try it until
//!   the quarter ends.
//!
//! Ids are counted as typed, whether or not they exist, so a locked id answers exactly like a
//! wrong password and an unknown id (`wrong_credentials`): the throttle does not reveal which
//! staff ids exist. Counters live in memory: a restart forgives, and each server of a
//! PostgreSQL deployment counts on its own (the limits then apply per server).

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Semaphore;

use crate::error::ApiError;

/// Failures of one (id, address) before the back-off starts.
pub const PAIR_FREE_FAILURES: u32 = 5;
const PAIR_FIRST_LOCK: i64 = 300;
const PAIR_MAX_LOCK: i64 = 3600;
/// Failures from one address, across ids, per window.
pub const ADDRESS_FAILURES: u32 = 30;
/// Failures on one id, across addresses, per window, before unknown addresses are shut out.
pub const ACCOUNT_FAILURES: u32 = 50;
const WINDOW: i64 = 900;
/// How many checks may wait for the pool before further attempts are turned away.
const MAX_WAITING: usize = 32;
/// Entries kept per table before expired ones are swept (bounds memory under a flood).
const MAX_ENTRIES: usize = 100_000;

/// What the throttle says about an attempt before any password is checked.
#[derive(Debug, PartialEq, Eq)]
pub enum Gate {
    /// Check the password.
    Check,
    /// Answer as for a wrong password, without checking (the id is backing off).
    Refuse,
    /// The address is shut out (429).
    Busy,
}

#[derive(Clone, Copy, Debug, Default)]
struct Backoff {
    failures: u32,
    until: i64,
    last: i64,
}

#[derive(Clone, Copy, Debug, Default)]
struct Window {
    start: i64,
    failures: u32,
}

impl Window {
    fn current(&mut self, now: i64) -> &mut Self {
        if now - self.start >= WINDOW {
            *self = Window {
                start: now,
                failures: 0,
            };
        }
        self
    }
}

#[derive(Default)]
struct Counters {
    pairs: HashMap<(String, IpAddr), Backoff>,
    addresses: HashMap<IpAddr, Window>,
    accounts: HashMap<String, Window>,
    /// (id, address) pairs that signed in successfully: the staff member's own places.
    known: HashSet<(String, IpAddr)>,
}

impl Counters {
    fn sweep(&mut self, now: i64) {
        if self.pairs.len() > MAX_ENTRIES {
            self.pairs
                .retain(|_, b| b.until > now || now - b.last < PAIR_MAX_LOCK);
        }
        if self.addresses.len() > MAX_ENTRIES {
            self.addresses.retain(|_, w| now - w.start < WINDOW);
        }
        if self.accounts.len() > MAX_ENTRIES {
            self.accounts.retain(|_, w| now - w.start < WINDOW);
        }
        if self.known.len() > MAX_ENTRIES {
            self.known.clear();
        }
    }
}

/// The sign-in throttle and password-checking pool of one server process.
pub struct SignInThrottle {
    counters: Mutex<Counters>,
    pool: Semaphore,
    waiting: AtomicUsize,
}

impl Default for SignInThrottle {
    fn default() -> Self {
        // Half the cores at most: the other half keeps serving everything else.
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        Self::with_pool((cores / 2).max(1))
    }
}

impl SignInThrottle {
    pub fn with_pool(threads: usize) -> Self {
        Self {
            counters: Mutex::default(),
            pool: Semaphore::new(threads.max(1)),
            waiting: AtomicUsize::new(0),
        }
    }

    fn counters(&self) -> std::sync::MutexGuard<'_, Counters> {
        // The counters stay consistent whatever panicked while holding them.
        self.counters
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Decides whether an attempt may be checked, and charges it as a failure up front (so
    /// concurrent attempts cannot overrun the limits); `succeeded` refunds it.
    pub fn begin(&self, id: &str, addr: IpAddr, now: i64) -> Gate {
        let mut c = self.counters();
        c.sweep(now);
        if c.addresses.entry(addr).or_default().current(now).failures >= ADDRESS_FAILURES {
            return Gate::Busy;
        }
        let key = (id.to_owned(), addr);
        let pair = c.pairs.get(&key).copied().unwrap_or_default();
        if pair.until > now {
            return Gate::Refuse;
        }
        let guarded = c
            .accounts
            .entry(id.to_owned())
            .or_default()
            .current(now)
            .failures
            >= ACCOUNT_FAILURES;
        if guarded && !c.known.contains(&key) {
            return Gate::Refuse;
        }
        // Charge the attempt.
        let failures = pair.failures + 1;
        let until = if failures >= PAIR_FREE_FAILURES {
            let doublings = (failures - PAIR_FREE_FAILURES).min(8);
            now + (PAIR_FIRST_LOCK << doublings).min(PAIR_MAX_LOCK)
        } else {
            0
        };
        c.pairs.insert(
            key,
            Backoff {
                failures,
                until,
                last: now,
            },
        );
        if let Some(w) = c.addresses.get_mut(&addr) {
            w.failures += 1;
        }
        if let Some(w) = c.accounts.get_mut(id) {
            w.failures += 1;
        }
        Gate::Check
    }

    /// The password was right: the charge is refunded and the address becomes a known one.
    pub fn succeeded(&self, id: &str, addr: IpAddr) {
        let mut c = self.counters();
        let key = (id.to_owned(), addr);
        c.pairs.remove(&key);
        if let Some(w) = c.addresses.get_mut(&addr) {
            w.failures = w.failures.saturating_sub(1);
        }
        if let Some(w) = c.accounts.get_mut(id) {
            w.failures = w.failures.saturating_sub(1);
        }
        c.known.insert(key);
    }

    /// Checks `password` against `phc` (or a dummy hash, with the same cost, when the id is
    /// unknown) on the bounded pool. `TooManyRequests` when the pool's queue is full.
    pub async fn verify(&self, password: String, phc: Option<String>) -> Result<bool, ApiError> {
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= MAX_WAITING {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(ApiError::TooManyRequests);
        }
        let permit = self.pool.acquire().await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        let _permit = permit.map_err(|_| ApiError::Internal("password pool closed".into()))?;
        tokio::task::spawn_blocking(move || {
            let phc = phc
                .as_deref()
                .unwrap_or(crate::services::sessions::DUMMY_HASH);
            crate::services::sessions::verify_password(&password, phc)
                && phc != crate::services::sessions::DUMMY_HASH
        })
        .await
        .map_err(|e| ApiError::Internal(format!("password check: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_guesser_backs_off_alone_and_the_owner_still_signs_in_elsewhere() {
        let t = SignInThrottle::with_pool(1);
        let (guesser, desk) = (ip("203.0.113.9"), ip("10.0.0.7"));
        for _ in 0..PAIR_FREE_FAILURES {
            assert_eq!(t.begin("REVIEW", guesser, 0), Gate::Check);
        }
        assert_eq!(t.begin("REVIEW", guesser, 1), Gate::Refuse);
        // An unknown id backs off the same way: the answer says nothing of existence.
        for _ in 0..PAIR_FREE_FAILURES {
            assert_eq!(t.begin("NOBODY", guesser, 0), Gate::Check);
        }
        assert_eq!(t.begin("NOBODY", guesser, 1), Gate::Refuse);
        assert_eq!(t.begin("REVIEW", desk, 1), Gate::Check);
        t.succeeded("REVIEW", desk);
        // Five minutes for the first lock, doubling after each further failure.
        assert_eq!(t.begin("REVIEW", guesser, PAIR_FIRST_LOCK), Gate::Check);
        assert_eq!(
            t.begin("REVIEW", guesser, 2 * PAIR_FIRST_LOCK),
            Gate::Refuse
        );
        assert_eq!(t.begin("REVIEW", guesser, 3 * PAIR_FIRST_LOCK), Gate::Check);
    }

    #[test]
    fn an_address_that_guesses_many_ids_is_shut_out_for_the_window() {
        let t = SignInThrottle::with_pool(1);
        let a = ip("198.51.100.1");
        for i in 0..ADDRESS_FAILURES {
            assert_eq!(t.begin(&format!("ID{i}"), a, 10), Gate::Check);
        }
        assert_eq!(t.begin("OTHER", a, 10), Gate::Busy);
        assert_eq!(t.begin("OTHER", ip("198.51.100.2"), 10), Gate::Check);
        assert_eq!(t.begin("OTHER", a, 10 + WINDOW), Gate::Check);
    }

    #[test]
    fn many_addresses_on_one_id_shut_out_only_addresses_it_never_used() {
        let t = SignInThrottle::with_pool(1);
        let desk = ip("10.0.0.7");
        assert_eq!(t.begin("APPROVE", desk, 0), Gate::Check);
        t.succeeded("APPROVE", desk);
        for i in 0..ACCOUNT_FAILURES {
            let a = IpAddr::from([100, 64, (i / 200) as u8, (i % 200) as u8]);
            assert_eq!(t.begin("APPROVE", a, 0), Gate::Check);
        }
        assert_eq!(t.begin("APPROVE", ip("100.64.9.9"), 0), Gate::Refuse);
        assert_eq!(t.begin("APPROVE", desk, 0), Gate::Check);
        assert_eq!(t.begin("APPROVE", ip("100.64.9.9"), WINDOW), Gate::Check);
    }

    #[tokio::test]
    async fn the_pool_checks_real_hashes_and_never_accepts_the_dummy() {
        let t = SignInThrottle::with_pool(1);
        let h = crate::services::sessions::hash_password("s3cret").unwrap();
        assert!(t.verify("s3cret".into(), Some(h.clone())).await.unwrap());
        assert!(!t.verify("wrong".into(), Some(h)).await.unwrap());
        assert!(!t.verify("".into(), None).await.unwrap());
    }
}
