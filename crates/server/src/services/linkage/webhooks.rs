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
use oneseal_store::{Store, params};
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::error::ApiError;
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

fn secret_error(e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(format!("webhook secret: {e}"))
}

impl SecretBox {
    pub fn new(master: Arc<MasterKey>) -> Self {
        Self {
            master,
            opened: Mutex::new(HashMap::new()),
        }
    }

    /// The text to store for `secret` (blocking: runs the KDF).
    pub fn seal(&self, secret: &str) -> Result<String, ApiError> {
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
    pub fn open(&self, stored: &str) -> Result<String, ApiError> {
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
    pub fn seal_stored(&self, store: &Store) -> Result<usize, ApiError> {
        let plain: Vec<(String, String, String)> = store.read_blocking(|c| {
            c.query(
                "SELECT jurisdiction, department, secret FROM webhooks WHERE secret NOT LIKE 'enc1:%'",
                &[],
            )?
            .into_iter()
            .map(|r| Ok((r.text(0)?, r.text(1)?, r.text(2)?)))
            .collect::<Result<_, oneseal_store::StoreError>>()
        })?;
        let n = plain.len();
        for (j, d, secret) in plain {
            let sealed = self.seal(&secret)?;
            store.write_blocking(move |tx| {
                tx.conn().execute(
                    "UPDATE webhooks SET secret = ? WHERE jurisdiction = ? AND department = ? AND secret = ?",
                    params![sealed, j, d, secret],
                )
            })?;
        }
        Ok(n)
    }
}

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
pub fn check_url(url: &str, policy: TargetPolicy) -> Result<(), ApiError> {
    let bad = || {
        ApiError::bad_request(
            "invalid_webhook_url",
            "回调地址应为 http:// 或 https:// 开头的完整网址",
            "The webhook URL must be an absolute http(s) URL without credentials",
        )
    };
    let parsed = reqwest::Url::parse(url).map_err(|_| bad())?;
    let ok = matches!(parsed.scheme(), "http" | "https")
        && parsed.host_str().is_some_and(|h| !h.is_empty())
        && parsed.username().is_empty()
        && parsed.password().is_none()
        && url.len() <= 500;
    if !ok {
        return Err(bad());
    }
    if !policy.allows_url(&parsed) {
        return Err(ApiError::bad_request(
            "webhook_target_not_allowed",
            "回调地址不能指向本机、内网、链路本地或保留地址，请使用可从互联网访问的地址",
            "The webhook URL may not point at loopback, private, link-local or reserved addresses",
        ));
    }
    Ok(())
}

async fn seal(secrets: Arc<SecretBox>, secret: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || secrets.seal(&secret))
        .await
        .map_err(secret_error)?
}

/// Registers (or replaces) a department's webhook; returns the new shared secret, shown once.
/// A new registration starts afresh: no earlier secret stays valid.
pub async fn register(
    store: &Store,
    secrets: Arc<SecretBox>,
    policy: TargetPolicy,
    j: DivisionCode,
    department: DepartmentCode,
    url: String,
    now: OffsetDateTime,
) -> Result<String, ApiError> {
    check_url(&url, policy)?;
    let secret = signing::new_secret()?;
    let s = seal(secrets, secret.clone()).await?;
    store
        .write(move |tx| {
            let c = tx.conn();
            c.execute(
                "DELETE FROM webhooks WHERE jurisdiction = ? AND department = ?",
                params![j.as_str(), department.as_str()],
            )?;
            c.execute(
                "INSERT INTO webhooks (jurisdiction, department, url, secret, created_at) VALUES (?, ?, ?, ?, ?)",
                params![j.as_str(), department.as_str(), url.as_str(), s.as_str(), now.unix_timestamp()],
            )?;
            Ok::<_, ApiError>(())
        })
        .await?;
    Ok(secret)
}

/// Replaces the department's secret with a fresh one (returned, shown once); the previous one
/// keeps signing deliveries, beside the new one, for `PREVIOUS_SECRET_VALID_SECS`.
pub async fn rotate(
    store: &Store,
    secrets: Arc<SecretBox>,
    j: DivisionCode,
    department: DepartmentCode,
    now: OffsetDateTime,
) -> Result<(String, i64), ApiError> {
    let secret = signing::new_secret()?;
    let s = seal(secrets, secret.clone()).await?;
    let until = now.unix_timestamp() + PREVIOUS_SECRET_VALID_SECS;
    let changed = store
        .write(move |tx| {
            tx.conn().execute(
                "UPDATE webhooks SET previous_secret = secret, previous_until = ?, secret = ? \
                 WHERE jurisdiction = ? AND department = ?",
                params![until, s.as_str(), j.as_str(), department.as_str()],
            )
        })
        .await?;
    if changed == 0 {
        return Err(ApiError::NotFound("webhook"));
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

    fn of_status(status: reqwest::StatusCode) -> Self {
        if status.is_redirection() {
            DeliveryError::RedirectNotFollowed
        } else if status.is_server_error() {
            DeliveryError::Http5xx
        } else {
            DeliveryError::Http4xx
        }
    }

    fn of_error(e: &reqwest::Error) -> Self {
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

/// The department's webhook (without its secrets) and its latest deliveries.
pub async fn status(
    store: &Store,
    j: DivisionCode,
    department: DepartmentCode,
    now: OffsetDateTime,
) -> Result<Value, ApiError> {
    let t = now.unix_timestamp();
    store
        .read(move |c| {
            let hook = c.query_one(
                "SELECT url, created_at, previous_until FROM webhooks WHERE jurisdiction = ? AND department = ?",
                params![j.as_str(), department.as_str()],
            )?;
            let deliveries = c
                .query(
                    "SELECT w.idx, f.kind, f.ref_id, w.state, w.attempts, w.next_attempt_at, w.last_status, w.last_error, w.delivered_at \
                     FROM webhook_deliveries w JOIN dept_feed f ON f.jurisdiction = w.jurisdiction AND f.idx = w.idx \
                     WHERE w.jurisdiction = ? AND w.department = ? ORDER BY w.idx DESC LIMIT 50",
                    params![j.as_str(), department.as_str()],
                )?
                .into_iter()
                .map(|r| {
                    let error = r.opt_text(7)?.map(|e| DeliveryError::shown(&e));
                    Ok(json!({
                        "cursor": r.u64(0)?, "kind": r.text(1)?, "ref_id": r.text(2)?, "state": r.text(3)?,
                        "attempts": r.int(4)?, "next_attempt_at": r.int(5)?, "last_status": r.opt_int(6)?,
                        "last_error": error, "delivered_at": r.opt_int(8)?,
                    }))
                })
                .collect::<Result<Vec<_>, oneseal_store::StoreError>>()?;
            let previous_until = match &hook {
                Some(h) => h.opt_int(2)?.filter(|u| *u > t),
                None => None,
            };
            Ok::<_, ApiError>(json!({
                "url": hook.as_ref().map(|h| h.text(0)).transpose()?,
                "created_at": hook.as_ref().map(|h| h.int(1)).transpose()?,
                "previous_secret_valid_until": previous_until,
                "deliveries": deliveries,
            }))
        })
        .await
}

/// What delivers: the target policy and an HTTP client that applies it to the addresses it
/// connects to, follows no redirect and uses no proxy.
#[derive(Clone)]
pub struct Deliverer {
    policy: TargetPolicy,
    client: reqwest::Client,
}

impl Deliverer {
    /// Resolving names with the system resolver.
    pub fn new(policy: TargetPolicy) -> Result<Self, ApiError> {
        Self::with_lookup(policy, target::system_lookup())
    }

    /// Resolving names with `lookup` (tests make a name resolve to loopback with it).
    pub fn with_lookup(policy: TargetPolicy, lookup: target::Lookup) -> Result<Self, ApiError> {
        let client = target::client(policy, lookup)
            .map_err(|e| ApiError::Internal(format!("webhook client: {e}")))?;
        Ok(Self { policy, client })
    }

    /// One attempt: the HTTP status on a response, a category on failure.
    async fn attempt(
        &self,
        d: &Due,
        secrets: &[&str],
        timestamp: i64,
    ) -> (Option<i64>, Option<DeliveryError>) {
        // IP literals never reach the resolver: checked here (again, after registration).
        let allowed = reqwest::Url::parse(&d.url).is_ok_and(|u| self.policy.allows_url(&u));
        if !allowed {
            return (None, Some(DeliveryError::RefusedByPolicy));
        }
        let result = self
            .client
            .post(&d.url)
            .header("content-type", signing::CONTENT_TYPE)
            .header("webhook-id", &d.id)
            .header("webhook-timestamp", timestamp.to_string())
            .header(
                "webhook-signature",
                signing::signature_header(secrets, &d.id, timestamp, d.body.as_bytes()),
            )
            .body(d.body.clone())
            .send()
            .await;
        match result {
            Ok(r) => {
                let status = Some(i64::from(r.status().as_u16()));
                let error =
                    (!r.status().is_success()).then(|| DeliveryError::of_status(r.status()));
                (status, error)
            }
            Err(e) => {
                let category = DeliveryError::of_error(&e);
                tracing::debug!(error = %e.without_url(), "webhook delivery attempt");
                (None, Some(category))
            }
        }
    }
}

struct Due {
    j: String,
    idx: u64,
    /// The message id: `webhook-id` and the CloudEvent's `id`, the same on every retry.
    id: String,
    url: String,
    secret: String,
    /// The secret before the last rotation, while it is still valid.
    previous: Option<String>,
    attempts: i64,
    body: String,
}

async fn open(secrets: &Arc<SecretBox>, stored: String) -> Result<String, ApiError> {
    let sb = secrets.clone();
    tokio::task::spawn_blocking(move || sb.open(&stored))
        .await
        .map_err(secret_error)?
}

/// Attempts every delivery that is due; returns how many succeeded.
pub async fn deliver_due(
    store: &Store,
    secrets: &Arc<SecretBox>,
    deliverer: &Deliverer,
    now: OffsetDateTime,
) -> Result<usize, ApiError> {
    let t = now.unix_timestamp();
    let due = store
        .read(move |c| {
            c.query(
                "SELECT w.jurisdiction, w.idx, h.url, h.secret, w.attempts, f.department, f.kind, f.ref_id, f.body, \
                   h.previous_secret, h.previous_until, w.created_at \
                 FROM webhook_deliveries w \
                 JOIN webhooks h ON h.jurisdiction = w.jurisdiction AND h.department = w.department \
                 JOIN dept_feed f ON f.jurisdiction = w.jurisdiction AND f.idx = w.idx \
                 WHERE w.state IN ('pending', 'retrying') AND w.next_attempt_at <= ? ORDER BY w.next_attempt_at LIMIT 50",
                params![t],
            )?
            .into_iter()
            .map(|r| {
                let (j, idx, kind) = (r.text(0)?, r.u64(1)?, r.text(6)?);
                let id = format!("msg_{j}_{idx}");
                let entry = json!({
                    "jurisdiction": j, "cursor": idx, "department": r.text(5)?,
                    "kind": kind, "ref_id": r.text(7)?,
                    "body": serde_json::from_str::<Value>(&r.text(8)?).unwrap_or(Value::Null),
                });
                let time = r
                    .opt_int(11)?
                    .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
                    .unwrap_or(now);
                let previous = match (r.opt_text(9)?, r.opt_int(10)?) {
                    (Some(p), Some(until)) if until > t => Some(p),
                    _ => None,
                };
                Ok(Due {
                    body: signing::cloud_event(&id, &j, &kind, time, entry).to_string(),
                    id,
                    j,
                    idx,
                    url: r.text(2)?,
                    secret: r.text(3)?,
                    previous,
                    attempts: r.int(4)?,
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()
        })
        .await?;
    let mut delivered = 0;
    for mut d in due {
        d.secret = open(secrets, std::mem::take(&mut d.secret)).await?;
        let previous = match d.previous.take() {
            Some(p) => Some(open(secrets, p).await?),
            None => None,
        };
        let keys: Vec<&str> = std::iter::once(d.secret.as_str())
            .chain(previous.as_deref())
            .collect();
        let (status, error) = deliverer.attempt(&d, &keys, t).await;
        let attempts = d.attempts + 1;
        let ok = error.is_none();
        delivered += usize::from(ok);
        let state = match (ok, attempts >= MAX_ATTEMPTS) {
            (true, _) => "delivered",
            (false, true) => "failed",
            (false, false) => "retrying",
        };
        let next = t + backoff_secs(attempts - 1);
        let error = error.map(DeliveryError::as_str);
        store
            .write(move |tx| {
                tx.conn().execute(
                    "UPDATE webhook_deliveries SET state = ?, attempts = ?, next_attempt_at = ?, last_status = ?, last_error = ?, delivered_at = ? \
                     WHERE jurisdiction = ? AND idx = ?",
                    params![state, attempts, next, status, error, ok.then_some(t), d.j.as_str(), d.idx],
                )?;
                Ok::<_, ApiError>(())
            })
            .await?;
    }
    Ok(delivered)
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
