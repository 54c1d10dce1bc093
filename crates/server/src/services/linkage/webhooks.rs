//! Webhooks for departments that run their own systems: every entry of a department's feed is
//! POSTed to its URL as a CloudEvent, signed as Standard Webhooks sign (see `signing`), to an
//! address the target policy allows (see `target`), and retried with exponential backoff; the
//! delivery state stays visible to the department. The pull feed remains the
//! source of truth: a webhook is only a prompt to pull.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use oneseal_domain::org::{DepartmentCode, DivisionCode};
use oneseal_seal::keystore::{decrypt_secret, encrypt_secret};
use oneseal_seal::rand_core::UnwrapErr;
use oneseal_store::webhooks as store;
use oneseal_store::{Store, StoreError};

pub use error::WebhookError;
use time::OffsetDateTime;

use crate::services::ledger::keys::MasterKey;

/// Webhook secrets at rest: encrypted under the bureau's master key like the seal keys, so a
/// copy of the database (a backup, a dump) does not let its holder forge deliveries. A secret is
/// decrypted once and then kept in memory: Argon2 is paid per secret, not per delivery.
pub struct SecretBox {
    master: Arc<MasterKey>,
    /// Stored text → plaintext secret.
    opened: Mutex<HashMap<String, String>>,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(…)")
    }
}

/// Marks an encrypted secret; a stored secret without it is a plaintext one from before.
const SEALED_PREFIX: &str = "enc1:";

pub(crate) fn secret_error(e: impl std::fmt::Display) -> WebhookError {
    WebhookError::Secret(e.to_string())
}

impl SecretBox {
    pub fn new(master: Arc<MasterKey>) -> Self {
        Self {
            master,
            opened: Mutex::new(HashMap::new()),
        }
    }

    /// The text to store for `secret` (blocking: runs the KDF).
    pub fn seal(&self, secret: &str) -> Result<String, WebhookError> {
        let blob = encrypt_secret(
            secret.as_bytes(),
            self.master.secret(),
            self.master.kdf(),
            &mut UnwrapErr(getrandom::SysRng),
        )
        .map_err(secret_error)?;
        Ok(format!("{SEALED_PREFIX}{}", hex::encode(blob)))
    }

    /// The secret behind a stored text (blocking the first time: runs the KDF).
    pub fn open(&self, stored: &str) -> Result<String, WebhookError> {
        let Some(hex_blob) = stored.strip_prefix(SEALED_PREFIX) else {
            return Ok(stored.to_owned());
        };
        if let Some(s) = self.opened.lock().ok().and_then(|m| m.get(stored).cloned()) {
            return Ok(s);
        }
        let blob = hex::decode(hex_blob).map_err(secret_error)?;
        let plain = decrypt_secret(&blob, self.master.secret()).map_err(secret_error)?;
        let secret = String::from_utf8(plain.to_vec()).map_err(secret_error)?;
        if let Ok(mut m) = self.opened.lock() {
            m.insert(stored.to_owned(), secret.clone());
        }
        Ok(secret)
    }

    /// Encrypts the secrets stored in plain text by an earlier version (at start; blocking).
    pub fn seal_stored(&self, st: &Store) -> Result<usize, WebhookError> {
        let plain = st.read_blocking(store::plain_secrets)?;
        let n = plain.len();
        for p in plain {
            let sealed = self.seal(&p.secret)?;
            st.write_blocking(move |tx| store::replace_plain_secret(tx.conn(), &p, &sealed))?;
        }
        Ok(n)
    }
}

pub mod error;
pub mod signing;
pub mod target;

pub use target::TargetPolicy;

/// Attempts before a delivery is given up as failed.
pub const MAX_ATTEMPTS: i64 = 8;
/// How long the previous secret still signs deliveries after a rotation, so the department can
/// install the new one on its receiver without missing a delivery.
pub const PREVIOUS_SECRET_VALID_SECS: i64 = 24 * 3600;

/// Seconds to wait after the `attempts`-th failure: 5 s, 10 s, 20 s, … capped at an hour.
pub fn backoff_secs(attempts: i64) -> i64 {
    let exp = u32::try_from(attempts.clamp(0, 20)).unwrap_or(20);
    5_i64.saturating_mul(2_i64.saturating_pow(exp)).min(3600)
}

/// Checks a URL a department registers: http or https, a host, no credentials, bounded, and a
/// host the policy allows (see `target`).
pub fn check_url(url: &str, policy: TargetPolicy) -> Result<(), WebhookError> {
    let parsed = reqwest::Url::parse(url).map_err(|_| WebhookError::InvalidUrl)?;
    let ok = matches!(parsed.scheme(), "http" | "https")
        && parsed.host_str().is_some_and(|h| !h.is_empty())
        && parsed.username().is_empty()
        && parsed.password().is_none()
        && url.len() <= 500;
    if !ok {
        return Err(WebhookError::InvalidUrl);
    }
    if !policy.allows_url(&parsed) {
        return Err(WebhookError::TargetNotAllowed);
    }
    Ok(())
}

async fn seal(secrets: Arc<SecretBox>, secret: String) -> Result<String, WebhookError> {
    tokio::task::spawn_blocking(move || secrets.seal(&secret))
        .await
        .map_err(secret_error)?
}

/// Registers (or replaces) a department's webhook; returns the new shared secret, shown once.
/// A new registration starts afresh: no earlier secret stays valid.
pub async fn register(
    st: &Store,
    secrets: Arc<SecretBox>,
    policy: TargetPolicy,
    j: DivisionCode,
    department: DepartmentCode,
    url: String,
    now: OffsetDateTime,
) -> Result<String, WebhookError> {
    check_url(&url, policy)?;
    let secret = signing::new_secret()?;
    let s = seal(secrets, secret.clone()).await?;
    let t = now.unix_timestamp();
    st.write(move |tx| store::register(tx.conn(), &j, &department, &url, &s, t))
        .await?;
    Ok(secret)
}

/// Replaces the department's secret with a fresh one (returned, shown once); the previous one
/// keeps signing deliveries, beside the new one, for `PREVIOUS_SECRET_VALID_SECS`.
pub async fn rotate(
    st: &Store,
    secrets: Arc<SecretBox>,
    j: DivisionCode,
    department: DepartmentCode,
    now: OffsetDateTime,
) -> Result<(String, i64), WebhookError> {
    let secret = signing::new_secret()?;
    let s = seal(secrets, secret.clone()).await?;
    let until = now.unix_timestamp() + PREVIOUS_SECRET_VALID_SECS;
    let changed = st
        .write(move |tx| store::rotate(tx.conn(), &j, &department, &s, until))
        .await?;
    if !changed {
        return Err(WebhookError::NotRegistered);
    }
    Ok((secret, until))
}

/// Why a delivery failed, as the department sees it: a coarse category and nothing about the
/// network (no address, port or error text), so the status cannot be used to map the
/// bureau's network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryError {
    RefusedByPolicy,
    Timeout,
    Unreachable,
    RedirectNotFollowed,
    Http4xx,
    Http5xx,
}

impl DeliveryError {
    pub const ALL: [DeliveryError; 6] = [
        DeliveryError::RefusedByPolicy,
        DeliveryError::Timeout,
        DeliveryError::Unreachable,
        DeliveryError::RedirectNotFollowed,
        DeliveryError::Http4xx,
        DeliveryError::Http5xx,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryError::RefusedByPolicy => "refused_by_policy",
            DeliveryError::Timeout => "timeout",
            DeliveryError::Unreachable => "unreachable",
            DeliveryError::RedirectNotFollowed => "redirect_not_followed",
            DeliveryError::Http4xx => "http_4xx",
            DeliveryError::Http5xx => "http_5xx",
        }
    }

    pub(crate) fn of_status(status: reqwest::StatusCode) -> Self {
        if status.is_redirection() {
            DeliveryError::RedirectNotFollowed
        } else if status.is_server_error() {
            DeliveryError::Http5xx
        } else {
            DeliveryError::Http4xx
        }
    }

    pub(crate) fn of_error(e: &reqwest::Error) -> Self {
        if target::is_refusal(e) {
            DeliveryError::RefusedByPolicy
        } else if e.is_timeout() {
            DeliveryError::Timeout
        } else {
            DeliveryError::Unreachable
        }
    }

    /// The category of a stored error; errors stored as text by an earlier version (which
    /// could name hosts and ports) are shown only by their kind.
    fn shown(stored: &str) -> &'static str {
        if let Some(e) = Self::ALL.iter().find(|e| e.as_str() == stored) {
            return e.as_str();
        }
        match stored.strip_prefix("HTTP ").and_then(|c| c.chars().next()) {
            Some('5') => DeliveryError::Http5xx.as_str(),
            Some('4') => DeliveryError::Http4xx.as_str(),
            Some('3') => DeliveryError::RedirectNotFollowed.as_str(),
            _ => DeliveryError::Unreachable.as_str(),
        }
    }
}

/// One delivery as the department sees it (the error only by its category).
#[derive(Debug, Clone, serde::Serialize)]
pub struct DeliveryView {
    pub cursor: u64,
    pub kind: String,
    pub ref_id: String,
    pub state: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_status: Option<i64>,
    pub last_error: Option<&'static str>,
    pub delivered_at: Option<i64>,
}

/// A department's webhook without its secrets, and its latest deliveries.
#[derive(Debug, Clone, serde::Serialize)]
pub struct WebhookStatus {
    pub url: Option<String>,
    pub created_at: Option<i64>,
    /// Until when the secret before the last rotation still signs, while it does.
    pub previous_secret_valid_until: Option<i64>,
    pub deliveries: Vec<DeliveryView>,
}

/// The department's webhook (without its secrets) and its latest deliveries.
pub async fn status(
    st: &Store,
    j: DivisionCode,
    department: DepartmentCode,
    now: OffsetDateTime,
) -> Result<WebhookStatus, WebhookError> {
    let t = now.unix_timestamp();
    let (hook, deliveries) = st
        .read(move |c| {
            let hook = store::hook(c, &j, &department)?;
            let deliveries = store::latest_deliveries(c, &j, &department)?;
            Ok::<_, StoreError>((hook, deliveries))
        })
        .await?;
    Ok(WebhookStatus {
        previous_secret_valid_until: hook
            .as_ref()
            .and_then(|h| h.previous_until)
            .filter(|u| *u > t),
        url: hook.as_ref().map(|h| h.url.clone()),
        created_at: hook.as_ref().map(|h| h.created_at),
        deliveries: deliveries
            .into_iter()
            .map(|d| DeliveryView {
                cursor: d.idx,
                kind: d.kind,
                ref_id: d.ref_id,
                state: d.state,
                attempts: d.attempts,
                next_attempt_at: d.next_attempt_at,
                last_status: d.last_status,
                last_error: d.last_error.as_deref().map(DeliveryError::shown),
                delivered_at: d.delivered_at,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret_box(passphrase: &[u8]) -> SecretBox {
        SecretBox::new(Arc::new(MasterKey::new(
            passphrase.to_vec(),
            oneseal_seal::keystore::KdfParams::FAST_INSECURE,
        )))
    }

    #[test]
    fn secrets_are_sealed_fresh_each_time_and_open_only_under_the_same_master_key() {
        let sb = secret_box(b"master one");
        let (a, b) = (sb.seal("s3cret").unwrap(), sb.seal("s3cret").unwrap());
        assert!(a.starts_with(SEALED_PREFIX) && !a.contains("s3cret"));
        assert_ne!(a, b, "a fresh salt and nonce per sealing");
        assert_eq!(sb.open(&a).unwrap(), "s3cret");
        assert_eq!(secret_box(b"master one").open(&b).unwrap(), "s3cret");
        assert!(secret_box(b"master two").open(&a).is_err());
        // A secret stored in plain text by an earlier version still opens as itself.
        assert_eq!(sb.open("legacy-plain").unwrap(), "legacy-plain");
        let mut tampered = a.clone();
        let flipped = if a.ends_with('0') { "1" } else { "0" };
        tampered.replace_range(a.len() - 1.., flipped);
        assert!(secret_box(b"master one").open(&tampered).is_err());
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff_secs(0), 5);
        assert_eq!(backoff_secs(1), 10);
        assert_eq!(backoff_secs(3), 40);
        assert_eq!(backoff_secs(30), 3600);
    }

    #[test]
    fn urls_are_checked() {
        let p = TargetPolicy::PublicOnly;
        assert!(check_url("https://dept.example.gov.cn/hook", p).is_ok());
        assert!(check_url("http://127.0.0.1:9000/x", TargetPolicy::AllowPrivate).is_ok());
        assert!(check_url("http://127.0.0.1:9000/x", p).is_err());
        for bad in [
            "ftp://x/y",
            "not a url",
            "https://user:pw@host/x",
            "/relative",
        ] {
            assert!(check_url(bad, p).is_err(), "{bad}");
        }
    }
}
