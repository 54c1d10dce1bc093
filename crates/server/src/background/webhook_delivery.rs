//! Delivering departments' webhooks: every two seconds (from `linkage_runner`) the due
//! deliveries are POSTed, signed (`services::linkage::webhooks::signing`), to addresses the
//! target policy allows, and retried with exponential backoff until `MAX_ATTEMPTS`. Apart from
//! the webhook service because no request waits for it.

use std::sync::Arc;

use oneseal_store::Store;
use oneseal_store::webhooks::{self as store, Attempted};
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::services::linkage::webhooks::{
    DeliveryError, MAX_ATTEMPTS, SecretBox, TargetPolicy, WebhookError, backoff_secs, secret_error,
    signing, target,
};

/// What delivers: the target policy and an HTTP client that applies it to the addresses it
/// connects to, follows no redirect and uses no proxy.
#[derive(Clone)]
pub struct Deliverer {
    policy: TargetPolicy,
    client: reqwest::Client,
}

impl Deliverer {
    /// Resolving names with the system resolver.
    pub fn new(policy: TargetPolicy) -> Result<Self, WebhookError> {
        Self::with_lookup(policy, target::system_lookup())
    }

    /// Resolving names with `lookup` (tests make a name resolve to loopback with it).
    pub fn with_lookup(policy: TargetPolicy, lookup: target::Lookup) -> Result<Self, WebhookError> {
        let client =
            target::client(policy, lookup).map_err(|e| WebhookError::Client(e.to_string()))?;
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

impl Due {
    fn of(r: store::DueDelivery, now: OffsetDateTime) -> Self {
        let t = now.unix_timestamp();
        let id = format!("msg_{}_{}", r.jurisdiction, r.idx);
        let body = serde_json::from_str::<Value>(&r.body).unwrap_or(Value::Null);
        // A platform's callback (`services::platform::callbacks`): its name is lower case.
        let entry = if r.department.starts_with(|c: char| c.is_ascii_lowercase()) {
            json!({
                "jurisdiction": r.jurisdiction, "cursor": r.idx, "platform": r.department,
                "kind": r.kind, "platform_ref": r.ref_id, "body": body,
            })
        } else {
            json!({
                "jurisdiction": r.jurisdiction, "cursor": r.idx, "department": r.department,
                "kind": r.kind, "ref_id": r.ref_id, "body": body,
            })
        };
        let time = r
            .created_at
            .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
            .unwrap_or(now);
        let previous = match (r.previous_secret, r.previous_until) {
            (Some(p), Some(until)) if until > t => Some(p),
            _ => None,
        };
        Due {
            body: signing::cloud_event(&id, &r.jurisdiction, &r.kind, time, entry).to_string(),
            id,
            j: r.jurisdiction,
            idx: r.idx,
            url: r.url,
            secret: r.secret,
            previous,
            attempts: r.attempts,
        }
    }
}

async fn open(secrets: &Arc<SecretBox>, stored: String) -> Result<String, WebhookError> {
    let sb = secrets.clone();
    tokio::task::spawn_blocking(move || sb.open(&stored))
        .await
        .map_err(secret_error)?
}

/// Attempts every delivery that is due; returns how many succeeded.
pub async fn deliver_due(
    st: &Store,
    secrets: &Arc<SecretBox>,
    deliverer: &Deliverer,
    now: OffsetDateTime,
) -> Result<usize, WebhookError> {
    let t = now.unix_timestamp();
    let due = st.read(move |c| store::due(c, t)).await?;
    let mut delivered = 0;
    for r in due {
        let mut d = Due::of(r, now);
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
        st.write(move |tx| {
            store::record_attempt(
                tx.conn(),
                &d.j,
                d.idx,
                &Attempted {
                    state,
                    attempts,
                    next_attempt_at: next,
                    last_status: status,
                    last_error: error,
                    delivered_at: ok.then_some(t),
                },
            )
        })
        .await?;
    }
    Ok(delivered)
}
