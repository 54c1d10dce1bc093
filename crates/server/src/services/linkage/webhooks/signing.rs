//! Signing deliveries the way the Standard Webhooks specification does
//! (<https://www.standardwebhooks.com/>), so a receiver can use any of its libraries: the
//! signature covers `id.timestamp.body`, and a receiver that refuses timestamps older than a few
//! minutes and ids it has already seen cannot be fed a replayed delivery. The body is a
//! CloudEvents 1.0 structured event.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::error::WebhookError;

/// The prefix of a Standard Webhooks secret; the base64 after it is the HMAC key.
pub const SECRET_PREFIX: &str = "whsec_";
/// The CloudEvents `type` of a feed entry is this prefix and the entry's kind.
pub const EVENT_TYPE_PREFIX: &str = "cn.gov.approval.";
/// The media type of a structured CloudEvent in JSON.
pub const CONTENT_TYPE: &str = "application/cloudevents+json; charset=utf-8";

/// A fresh secret: `whsec_` and 32 random bytes in base64.
pub fn new_secret() -> Result<String, WebhookError> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| WebhookError::Randomness(e.to_string()))?;
    Ok(format!("{SECRET_PREFIX}{}", STANDARD.encode(b)))
}

/// The HMAC key of a secret. Secrets issued before Standard Webhooks signing have no prefix;
/// their key is the secret's own bytes, as it was then.
fn key(secret: &str) -> Vec<u8> {
    secret
        .strip_prefix(SECRET_PREFIX)
        .and_then(|b64| STANDARD.decode(b64).ok())
        .unwrap_or_else(|| secret.as_bytes().to_vec())
}

/// `v1,<base64 HMAC-SHA256(key, "id.timestamp.body")>`.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> String {
    // HMAC takes keys of any length, so the error branch is never taken.
    let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(&key(secret)) else {
        return String::new();
    };
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// The `webhook-signature` header: one signature per valid secret, space-separated (during a
/// rotation the receiver may still hold the previous secret).
pub fn signature_header(secrets: &[&str], id: &str, timestamp: i64, body: &[u8]) -> String {
    secrets
        .iter()
        .map(|s| sign(s, id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A feed entry as a CloudEvents 1.0 structured event. `id` is the message id, the same in the
/// `webhook-id` header and stable across retries.
pub fn cloud_event(
    id: &str,
    jurisdiction: &str,
    kind: &str,
    time: OffsetDateTime,
    data: Value,
) -> Value {
    json!({
        "specversion": "1.0",
        "id": id,
        "source": format!("/oneseal/{jurisdiction}/dept-feed"),
        "type": format!("{EVENT_TYPE_PREFIX}{kind}"),
        "time": time.format(&Rfc3339).unwrap_or_default(),
        "datacontenttype": "application/json",
        "data": data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_the_standard_webhooks_test_vector() {
        assert_eq!(
            sign(
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330,
                br#"{"test": 2432232314}"#
            ),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn fresh_secrets_are_32_bytes_and_differ() {
        let (a, b) = (new_secret().unwrap(), new_secret().unwrap());
        assert_ne!(a, b);
        assert_eq!(key(&a).len(), 32);
        let header = signature_header(&[&a, &b], "m", 1, b"{}");
        let parts: Vec<_> = header.split(' ').collect();
        assert_eq!(parts, [sign(&a, "m", 1, b"{}"), sign(&b, "m", 1, b"{}")]);
    }
}
