//! Webhooks for departments that run their own systems: every entry of a department's feed is
//! POSTed to its URL, signed with HMAC-SHA256 over the exact body, and retried with exponential
//! backoff; the delivery state stays visible to the department. The pull feed remains the
//! source of truth: a webhook is only a prompt to pull.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use hmac::{Hmac, KeyInit, Mac};
use oneseal_domain::org::{DepartmentCode, DivisionCode};
use oneseal_seal::keystore::{decrypt_secret, encrypt_secret};
use oneseal_seal::rand_core::UnwrapErr;
use oneseal_store::{Store, params};
use serde_json::{Value, json};
use sha2::Sha256;
use time::OffsetDateTime;

use crate::error::ApiError;
use crate::ledger::keys::MasterKey;

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

/// Attempts before a delivery is given up as failed.
pub const MAX_ATTEMPTS: i64 = 8;
/// The header carrying `sha256=<hex HMAC>` of the body.
pub const SIGNATURE_HEADER: &str = "x-oneseal-signature";

/// Seconds to wait after the `attempts`-th failure: 5 s, 10 s, 20 s, … capped at an hour.
pub fn backoff_secs(attempts: i64) -> i64 {
    let exp = u32::try_from(attempts.clamp(0, 20)).unwrap_or(20);
    5_i64.saturating_mul(2_i64.saturating_pow(exp)).min(3600)
}

/// `sha256=<hex>` of HMAC-SHA256(secret, body).
pub fn sign(secret: &str, body: &[u8]) -> String {
    // HMAC takes keys of any length, so the error branch is never taken.
    let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Checks a URL a department registers: http or https, a host, no credentials, bounded.
pub fn check_url(url: &str) -> Result<(), ApiError> {
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
    if ok { Ok(()) } else { Err(bad()) }
}

/// Registers (or replaces) a department's webhook; returns the new shared secret, shown once.
pub async fn register(
    store: &Store,
    secrets: Arc<SecretBox>,
    j: DivisionCode,
    department: DepartmentCode,
    url: String,
    now: OffsetDateTime,
) -> Result<String, ApiError> {
    check_url(&url)?;
    let secret = crate::auth::random_token()?;
    let plain = secret.clone();
    let s = tokio::task::spawn_blocking(move || secrets.seal(&plain))
        .await
        .map_err(secret_error)??;
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

/// The department's webhook (without its secret) and its latest deliveries.
pub async fn status(
    store: &Store,
    j: DivisionCode,
    department: DepartmentCode,
) -> Result<Value, ApiError> {
    store
        .read(move |c| {
            let hook = c.query_one(
                "SELECT url, created_at FROM webhooks WHERE jurisdiction = ? AND department = ?",
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
                    Ok(json!({
                        "cursor": r.u64(0)?, "kind": r.text(1)?, "ref_id": r.text(2)?, "state": r.text(3)?,
                        "attempts": r.int(4)?, "next_attempt_at": r.int(5)?, "last_status": r.opt_int(6)?,
                        "last_error": r.opt_text(7)?, "delivered_at": r.opt_int(8)?,
                    }))
                })
                .collect::<Result<Vec<_>, oneseal_store::StoreError>>()?;
            Ok::<_, ApiError>(json!({
                "url": hook.as_ref().map(|h| h.text(0)).transpose()?,
                "created_at": hook.as_ref().map(|h| h.int(1)).transpose()?,
                "deliveries": deliveries,
            }))
        })
        .await
}

struct Due {
    j: String,
    idx: u64,
    url: String,
    secret: String,
    attempts: i64,
    body: String,
}

/// Attempts every delivery that is due; returns how many succeeded.
pub async fn deliver_due(
    store: &Store,
    secrets: &Arc<SecretBox>,
    client: &reqwest::Client,
    now: OffsetDateTime,
) -> Result<usize, ApiError> {
    let t = now.unix_timestamp();
    let due = store
        .read(move |c| {
            c.query(
                "SELECT w.jurisdiction, w.idx, h.url, h.secret, w.attempts, f.department, f.kind, f.ref_id, f.body \
                 FROM webhook_deliveries w \
                 JOIN webhooks h ON h.jurisdiction = w.jurisdiction AND h.department = w.department \
                 JOIN dept_feed f ON f.jurisdiction = w.jurisdiction AND f.idx = w.idx \
                 WHERE w.state IN ('pending', 'retrying') AND w.next_attempt_at <= ? ORDER BY w.next_attempt_at LIMIT 50",
                params![t],
            )?
            .into_iter()
            .map(|r| {
                let entry = json!({
                    "jurisdiction": r.text(0)?, "cursor": r.u64(1)?, "department": r.text(5)?,
                    "kind": r.text(6)?, "ref_id": r.text(7)?,
                    "body": serde_json::from_str::<Value>(&r.text(8)?).unwrap_or(Value::Null),
                });
                Ok(Due {
                    j: r.text(0)?,
                    idx: r.u64(1)?,
                    url: r.text(2)?,
                    secret: r.text(3)?,
                    attempts: r.int(4)?,
                    body: entry.to_string(),
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()
        })
        .await?;
    let mut delivered = 0;
    for mut d in due {
        let (sb, stored) = (secrets.clone(), std::mem::take(&mut d.secret));
        d.secret = tokio::task::spawn_blocking(move || sb.open(&stored))
            .await
            .map_err(secret_error)??;
        let result = client
            .post(&d.url)
            .header("content-type", "application/json")
            .header(SIGNATURE_HEADER, sign(&d.secret, d.body.as_bytes()))
            .header("x-oneseal-delivery", format!("{}:{}", d.j, d.idx))
            .body(d.body.clone())
            .send()
            .await;
        let (status, error) = match result {
            Ok(r) if r.status().is_success() => (Some(i64::from(r.status().as_u16())), None),
            Ok(r) => (
                Some(i64::from(r.status().as_u16())),
                Some(format!("HTTP {}", r.status().as_u16())),
            ),
            Err(e) => (None, Some(e.without_url().to_string())),
        };
        let attempts = d.attempts + 1;
        let ok = error.is_none();
        delivered += usize::from(ok);
        let state = match (ok, attempts >= MAX_ATTEMPTS) {
            (true, _) => "delivered",
            (false, true) => "failed",
            (false, false) => "retrying",
        };
        let next = t + backoff_secs(attempts - 1);
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
    fn signature_is_rfc4231_hmac_sha256() {
        // RFC 4231 test case 2.
        assert_eq!(
            sign("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn urls_are_checked() {
        assert!(check_url("https://dept.example.gov.cn/hook").is_ok());
        assert!(check_url("http://127.0.0.1:9000/x").is_ok());
        for bad in [
            "ftp://x/y",
            "not a url",
            "https://user:pw@host/x",
            "/relative",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }
}
