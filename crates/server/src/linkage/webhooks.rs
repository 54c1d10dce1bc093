//! Webhooks for departments that run their own systems: every entry of a department's feed is
//! POSTed to its URL, signed with HMAC-SHA256 over the exact body, and retried with exponential
//! backoff; the delivery state stays visible to the department. The pull feed remains the
//! source of truth: a webhook is only a prompt to pull.

use hmac::{Hmac, KeyInit, Mac};
use oneseal_domain::org::{DepartmentCode, DivisionCode};
use oneseal_store::{Store, params};
use serde_json::{Value, json};
use sha2::Sha256;
use time::OffsetDateTime;

use crate::error::ApiError;

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
    j: DivisionCode,
    department: DepartmentCode,
    url: String,
    now: OffsetDateTime,
) -> Result<String, ApiError> {
    check_url(&url)?;
    let secret = crate::auth::random_token()?;
    let s = secret.clone();
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
    for d in due {
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
