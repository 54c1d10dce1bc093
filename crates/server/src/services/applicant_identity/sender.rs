//! How a one-time code, and a message at each public step of a case (`services::inbox`), reach
//! the applicant: a [`CodeSender`], the one seam to the SMS gateway for both (a gateway that
//! carries codes carries the messages too). Production plugs in the province's SMS gateway (or
//! signs applicants in through OpenID Connect and sends no code); until one is configured,
//! [`NoSender`] refuses, so no code is ever made that nobody receives (and the messages stay
//! in the site inbox only).
//! The demo's [`DemoSender`] writes each message to the server log (the number masked) and to
//! the [`DemoOutbox`] that `GET /api/v1/demo/outbox` shows (only under `serve --demo`).

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use oneseal_domain::case::PhoneNumber;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// No sender is configured: codes cannot be delivered.
    #[error("no code sender is configured")]
    Unavailable,
    /// The gateway refused or failed (the cause, never the number).
    #[error("sending failed: {0}")]
    Failed(String),
}

/// Delivers a one-time code. Implementations must never log the number in clear.
pub trait CodeSender: Send + Sync {
    /// Sends `text` (which carries `code`) to `to`.
    ///
    /// # Errors
    /// [`SendError`] when the message cannot be handed over.
    fn send(&self, to: &PhoneNumber, code: &str, text: &str) -> Result<(), SendError>;

    /// Sends a message `text` (plain words, no code) to `to`. A sender that carries only codes
    /// keeps this default: the message then stays in the site inbox only.
    ///
    /// # Errors
    /// [`SendError`] when the message cannot be handed over.
    fn send_message(&self, to: &PhoneNumber, text: &str) -> Result<(), SendError> {
        let _ = (to, text);
        Err(SendError::Unavailable)
    }
}

/// The sender of a server without one: refuses.
pub struct NoSender;

impl CodeSender for NoSender {
    fn send(&self, _: &PhoneNumber, _: &str, _: &str) -> Result<(), SendError> {
        Err(SendError::Unavailable)
    }
}

/// One message the demo "sent".
#[derive(Clone, Debug, Serialize)]
pub struct OutboxMessage {
    /// The number, masked (`138****5678`).
    pub to: String,
    /// `code` (a one-time code) or `message` (a step of a case, `services::inbox`).
    pub kind: &'static str,
    /// The code (empty for a message).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub code: String,
    pub text: String,
    /// Unix seconds.
    pub sent_at: i64,
    #[serde(skip)]
    number: String,
}

/// The demo's last [`DemoOutbox::KEEP`] messages, in memory.
#[derive(Default)]
pub struct DemoOutbox {
    messages: Mutex<VecDeque<OutboxMessage>>,
    clock: Option<Arc<dyn crate::wall_clock::WallClock>>,
}

impl DemoOutbox {
    pub const KEEP: usize = 200;

    #[must_use]
    pub fn new(clock: Arc<dyn crate::wall_clock::WallClock>) -> Self {
        Self {
            messages: Mutex::default(),
            clock: Some(clock),
        }
    }

    fn push(&self, m: OutboxMessage) {
        if let Ok(mut q) = self.messages.lock() {
            if q.len() == Self::KEEP {
                q.pop_front();
            }
            q.push_back(m);
        }
    }

    /// The messages sent to `to` (all when `None`), newest first.
    #[must_use]
    pub fn messages(&self, to: Option<&PhoneNumber>) -> Vec<OutboxMessage> {
        self.messages.lock().map_or_else(
            |_| Vec::new(),
            |q| {
                q.iter()
                    .rev()
                    .filter(|m| to.is_none_or(|p| p.as_str() == m.number))
                    .cloned()
                    .collect()
            },
        )
    }
}

/// The demo's sender: the server log and the outbox.
pub struct DemoSender(pub Arc<DemoOutbox>);

impl DemoSender {
    fn sent_at(&self) -> i64 {
        self.0
            .clock
            .as_ref()
            .map_or(0, |c| c.now().unix_timestamp())
    }
}

impl CodeSender for DemoSender {
    fn send_message(&self, to: &PhoneNumber, text: &str) -> Result<(), SendError> {
        let masked = to.masked();
        // The text names the case and the step only; the number is masked.
        tracing::info!(to = %masked, "演示短信 demo message sent");
        self.0.push(OutboxMessage {
            to: masked,
            kind: "message",
            code: String::new(),
            text: text.to_owned(),
            sent_at: self.sent_at(),
            number: to.as_str().to_owned(),
        });
        Ok(())
    }

    fn send(&self, to: &PhoneNumber, code: &str, text: &str) -> Result<(), SendError> {
        let masked = to.masked();
        // Demo only: the code is logged so that whoever runs the demo can sign in.
        tracing::info!(to = %masked, %code, "演示短信 demo one-time code sent");
        let sent_at = self.sent_at();
        self.0.push(OutboxMessage {
            to: masked,
            kind: "code",
            code: code.to_owned(),
            text: text.to_owned(),
            sent_at,
            number: to.as_str().to_owned(),
        });
        Ok(())
    }
}

/// Codes asked for per client address and hour (whatever the numbers).
#[derive(Default)]
pub struct AddressLimiter {
    seen: Mutex<HashMap<IpAddr, (i64, u32)>>,
}

impl AddressLimiter {
    /// Counts one request from `addr` at `now`; the seconds to wait when over `max` an hour.
    pub fn admit(&self, addr: IpAddr, now: i64, max: u32) -> Result<(), i64> {
        let Ok(mut seen) = self.seen.lock() else {
            return Ok(());
        };
        if seen.len() > 100_000 {
            seen.retain(|_, (start, _)| *start > now - 3600);
        }
        let entry = seen.entry(addr).or_insert((now, 0));
        if entry.0 <= now - 3600 {
            *entry = (now, 0);
        }
        if entry.1 >= max {
            return Err(entry.0 + 3600 - now);
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_outbox_shows_masked_numbers_and_filters_by_number() {
        let outbox = Arc::new(DemoOutbox::default());
        let s = DemoSender(outbox.clone());
        let a = PhoneNumber::parse("13800138000").unwrap();
        let b = PhoneNumber::parse("13900139000").unwrap();
        s.send(&a, "123456", "t").unwrap();
        s.send(&b, "654321", "t").unwrap();
        let mine = outbox.messages(Some(&a));
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].code, "123456");
        assert_eq!(mine[0].to, "138****8000");
        let json = serde_json::to_string(&outbox.messages(None)).unwrap();
        assert!(!json.contains("13800138000"), "{json}");
    }

    #[test]
    fn an_address_is_limited_per_hour() {
        let l = AddressLimiter::default();
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        assert!(l.admit(a, 0, 2).is_ok());
        assert!(l.admit(a, 1, 2).is_ok());
        assert_eq!(l.admit(a, 2, 2), Err(3598));
        assert!(l.admit(a, 3600, 2).is_ok());
    }
}
