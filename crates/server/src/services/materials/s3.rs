//! The material store in an S3-compatible bucket, for several servers sharing one database: the
//! same `sha256/<2 hex>/<64 hex>` keys as the local directory.
//!
//! Requests are signed with AWS Signature V4 by `rusty-s3` (sans-IO: signing only, a few small
//! crates) and sent with the `reqwest` client the server already has. A `PUT` that the bucket
//! answers 200 is stored by the bucket's own durability; the event is recorded only after it.
//! Signatures carry the real time (the bucket checks it), not the server's legal clock.

use std::time::Duration;

use oneseal_domain::case::Sha256Digest;
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};

use super::storage_error::StorageError;

/// How long a signed request stays valid: only for the request being sent now.
const SIGNED_FOR: Duration = Duration::from_secs(120);

/// Where the bucket is and who may write to it.
#[derive(Debug, Clone)]
pub struct S3Config {
    /// `http://127.0.0.1:9000` (plain HTTP only: see [`S3Store::new`]).
    pub endpoint: String,
    pub bucket: String,
    pub region: String,
    /// Path-style addressing (`<endpoint>/<bucket>/<key>`), as S3-compatible servers expect;
    /// virtual-host style otherwise.
    pub path_style: bool,
    pub access_key: String,
    pub secret_key: String,
}

#[derive(Clone)]
pub struct S3Store {
    bucket: Bucket,
    credentials: Credentials,
    client: reqwest::Client,
}

impl std::fmt::Debug for S3Store {
    /// The secret key stays out of any log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Store")
            .field("bucket", &self.bucket.name())
            .finish_non_exhaustive()
    }
}

fn failed(what: &str, e: impl std::fmt::Display) -> StorageError {
    StorageError(format!("S3 {what}: {e}"))
}

impl S3Store {
    /// # Errors
    /// A malformed endpoint or bucket name, or an `https://` endpoint (this build's client has
    /// no TLS).
    pub fn new(config: &S3Config) -> Result<Self, StorageError> {
        // The server's HTTP client is built without TLS: say so at start rather than on the
        // first upload.
        if !config.endpoint.to_ascii_lowercase().starts_with("http://") {
            return Err(failed(
                "endpoint",
                "only http:// endpoints are supported by this build (no TLS in its HTTP client); \
                 reach an https bucket through a local TLS-terminating proxy",
            ));
        }
        let endpoint = config.endpoint.parse().map_err(|e| failed("endpoint", e))?;
        let style = if config.path_style {
            UrlStyle::Path
        } else {
            UrlStyle::VirtualHost
        };
        let bucket = Bucket::new(
            endpoint,
            style,
            config.bucket.clone(),
            config.region.clone(),
        )
        .map_err(|e| failed("bucket", e))?;
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| failed("client", e))?;
        Ok(Self {
            bucket,
            credentials: Credentials::new(config.access_key.clone(), config.secret_key.clone()),
            client,
        })
    }

    fn key(sha: &Sha256Digest) -> String {
        let hex = sha.as_str();
        format!("sha256/{}/{hex}", &hex[..2])
    }

    /// Creates the bucket unless it exists (at start, so a missing bucket fails loudly then).
    ///
    /// # Errors
    /// The bucket cannot be reached or created.
    pub async fn ensure_bucket(&self) -> Result<(), StorageError> {
        let head = self
            .bucket
            .head_bucket(Some(&self.credentials))
            .sign(SIGNED_FOR);
        let r = self
            .client
            .head(head)
            .send()
            .await
            .map_err(|e| failed("head bucket", e))?;
        if r.status().is_success() {
            return Ok(());
        }
        let create = self
            .bucket
            .create_bucket(&self.credentials)
            .sign(SIGNED_FOR);
        let r = self
            .client
            .put(create)
            .header(reqwest::header::CONTENT_LENGTH, 0)
            .send()
            .await
            .map_err(|e| failed("create bucket", e))?;
        if r.status().is_success() {
            Ok(())
        } else {
            Err(failed("create bucket", r.status()))
        }
    }

    pub async fn put(&self, sha: &Sha256Digest, bytes: Vec<u8>) -> Result<(), StorageError> {
        let key = Self::key(sha);
        let url = self
            .bucket
            .put_object(Some(&self.credentials), &key)
            .sign(SIGNED_FOR);
        let r = self
            .client
            .put(url)
            .header(reqwest::header::CONTENT_LENGTH, bytes.len())
            .body(bytes)
            .send()
            .await
            .map_err(|e| failed("put", e))?;
        if r.status().is_success() {
            Ok(())
        } else {
            Err(failed("put", r.status()))
        }
    }

    pub async fn get(&self, sha: &Sha256Digest) -> Result<Option<Vec<u8>>, StorageError> {
        let key = Self::key(sha);
        let url = self
            .bucket
            .get_object(Some(&self.credentials), &key)
            .sign(SIGNED_FOR);
        let r = self
            .client
            .get(url)
            .send()
            .await
            .map_err(|e| failed("get", e))?;
        if r.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !r.status().is_success() {
            return Err(failed("get", r.status()));
        }
        let bytes = r.bytes().await.map_err(|e| failed("get", e))?;
        Ok(Some(bytes.to_vec()))
    }
}
