//! Why a webhook could not be registered, rotated, read or delivered; its own module so the
//! signing and the service share it without a circle.

use oneseal_store::StoreError;

/// Why a webhook could not be registered, rotated or read. Mapped to HTTP in `error.rs`.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("the webhook URL must be an absolute http(s) URL without credentials")]
    InvalidUrl,
    #[error("the webhook URL may not point at loopback, private, link-local or reserved addresses")]
    TargetNotAllowed,
    /// The department has not registered a webhook.
    #[error("no webhook registered")]
    NotRegistered,
    /// The server was started without the master key, which seals the secrets.
    #[error("webhook secrets need the master key")]
    NoMasterKey,
    #[error("webhook secret: {0}")]
    Secret(String),
    #[error("webhook client: {0}")]
    Client(String),
    #[error("randomness: {0}")]
    Randomness(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}
