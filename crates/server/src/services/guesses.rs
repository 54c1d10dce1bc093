//! Limits how often one client may guess a query code.
//!
//! The public progress query and the rating take a case number and its query code. A code has
//! 60 bits, so guessing it is hopeless, but a client that keeps failing has no business going
//! on: after [`FAILURES_PER_WINDOW`] wrong guesses from one address in a window it gets 429,
//! and its guesses are not even checked until the window ends. IPv6 clients are counted per
//! /64, the block one subscriber usually holds, so that rotating addresses within it buys
//! nothing.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use time::OffsetDateTime;

/// Wrong guesses one address may make per window.
pub const FAILURES_PER_WINDOW: u32 = 20;
/// The window's length in seconds.
pub const WINDOW_SECONDS: i64 = 600;

/// The address a request came from: the peer of its connection, or the client a
/// `--trusted-proxy` names (`net::Net::client_addr`); `None` for a request that did not come
/// through the server's accept loop (then it counts with every other such one).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<IpAddr>);

/// The bucket an address counts in (also `/stats`'s request limiter).
pub(crate) fn address_bucket(ip: Option<IpAddr>) -> [u8; 8] {
    match ip.map(|ip| ip.to_canonical()) {
        Some(IpAddr::V4(v4)) => {
            let o = v4.octets();
            [4, 0, 0, 0, o[0], o[1], o[2], o[3]]
        }
        Some(IpAddr::V6(v6)) => {
            let o = v6.octets();
            [o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7]]
        }
        None => [0; 8],
    }
}

/// Failed guesses per address in the current window.
#[derive(Debug, Default)]
pub struct GuessLimiter {
    seen: Mutex<HashMap<[u8; 8], (i64, u32)>>,
}

impl GuessLimiter {
    fn window(now: OffsetDateTime) -> i64 {
        now.unix_timestamp().div_euclid(WINDOW_SECONDS)
    }

    /// Whether `client` has used up its wrong guesses for now.
    pub fn blocked(&self, client: ClientAddr, now: OffsetDateTime) -> bool {
        let Ok(seen) = self.seen.lock() else {
            return true;
        };
        seen.get(&address_bucket(client.0))
            .is_some_and(|(w, n)| *w == Self::window(now) && *n >= FAILURES_PER_WINDOW)
    }

    /// Counts one wrong guess of `client`.
    pub fn failed(&self, client: ClientAddr, now: OffsetDateTime) {
        let window = Self::window(now);
        let Ok(mut seen) = self.seen.lock() else {
            return;
        };
        // Only the current window's counts are kept, so the map holds the active guessers.
        seen.retain(|_, (w, _)| *w == window);
        let entry = seen.entry(address_bucket(client.0)).or_insert((window, 0));
        entry.1 = entry.1.saturating_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn at(ip: &str) -> ClientAddr {
        ClientAddr(Some(ip.parse().unwrap_or_else(|e| panic!("{ip}: {e}"))))
    }

    #[test]
    fn an_address_is_blocked_after_its_wrong_guesses_until_the_window_ends() {
        let limiter = GuessLimiter::default();
        let now = datetime!(2026-12-06 10:00:00 UTC);
        for _ in 0..FAILURES_PER_WINDOW {
            assert!(!limiter.blocked(at("203.0.113.7"), now));
            limiter.failed(at("203.0.113.7"), now);
        }
        assert!(limiter.blocked(at("203.0.113.7"), now));
        // Others are not affected, and the same address may try again in the next window.
        assert!(!limiter.blocked(at("203.0.113.8"), now));
        let later = now + time::Duration::seconds(WINDOW_SECONDS);
        assert!(!limiter.blocked(at("203.0.113.7"), later));
    }

    #[test]
    fn ipv6_addresses_count_per_64_and_mapped_ipv4_as_ipv4() {
        let limiter = GuessLimiter::default();
        let now = datetime!(2026-12-06 10:00:00 UTC);
        for i in 0..FAILURES_PER_WINDOW {
            limiter.failed(at(&format!("2001:db8:1:2::{i:x}")), now);
        }
        assert!(limiter.blocked(at("2001:db8:1:2:ffff::1"), now));
        assert!(!limiter.blocked(at("2001:db8:1:3::1"), now));
        for _ in 0..FAILURES_PER_WINDOW {
            limiter.failed(at("::ffff:198.51.100.1"), now);
        }
        assert!(limiter.blocked(at("198.51.100.1"), now));
    }
}
