//! Applicants' sign-in through the province's unified identity service (issue #19 item 3): an
//! OpenID Connect relying party on the `openidconnect` crate, authorization code flow with PKCE
//! (S256), `state` and `nonce`, scope `openid`.
//!
//! The provider's metadata and keys are discovered once, on the first sign-in (a server starts
//! even while the provider is down), and again after [`DISCOVERY_SECONDS`] so rotated keys are
//! picked up. A flow's secrets (state, nonce, PKCE verifier) ride in a short-lived cookie that
//! carries a keyed MAC under the case secrets' request key ([`Flow`]) instead of a table: any
//! server of a deployment finishes a flow another began, and an unfinished flow leaves nothing
//! behind. The callback checks the cookie's MAC, its [`FLOW_SECONDS`] of life and the state (in
//! constant time), exchanges the code with the verifier and verifies the ID token (signature
//! against the provider's keys, issuer, audience, expiry, nonce, and the access token's hash
//! when the token carries one). It ends in [`super::open_session`] for the subject
//! `oidc:<issuer>#<sub>` with a label that names nobody ([`LABEL`]): nothing after sign-in
//! knows how the applicant signed in, and no personal data of the token is kept.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use oneseal_store::Store;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreErrorResponseType, CoreProviderMetadata,
};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet,
    EndpointNotSet, EndpointSet, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope, TokenResponse,
};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

use super::{ApplicantSession, open_session};
use crate::services::case_secrets::CaseSecrets;
use crate::services::sessions::random_token;

/// How long a flow may take, from the redirect to the provider to the callback.
pub const FLOW_SECONDS: i64 = 600;
/// How long discovered metadata and keys are used before they are fetched again.
pub const DISCOVERY_SECONDS: i64 = 3600;
/// How far ahead of this server's clock another server's may be.
const CLOCK_SKEW_SECONDS: i64 = 60;
/// What the applicant's pages show of who signed in this way.
pub const LABEL: &str = "统一身份认证用户";
/// The path of the callback, below the public URL, when no redirect URL is configured.
pub const CALLBACK_PATH: &str = "/my/login/oidc/callback";
/// The longest provider `error` code echoed back (it is the provider's text, shown to nobody
/// but the applicant).
const MAX_ERROR_CODE: usize = 64;

/// The client after discovery: authorization and token endpoints from the metadata.
type Rp = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// The registration at the provider (`serve --oidc-*`).
#[derive(Clone)]
pub struct OidcConfig {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    /// The registered redirect URI; `None`: the public URL and [`CALLBACK_PATH`].
    pub redirect_url: Option<String>,
}

impl std::fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "…"))
            .field("redirect_url", &self.redirect_url)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The server has no identity provider configured.
    #[error("OpenID Connect sign-in is not configured")]
    NotConfigured,
    /// A setting that is no URL (found at start).
    #[error("bad OpenID Connect setting: {0}")]
    BadConfig(String),
    /// The callback came without the flow cookie (another browser, or a cookie that expired).
    #[error("no sign-in flow")]
    FlowMissing,
    /// A flow cookie whose MAC does not verify, or that does not parse.
    #[error("forged sign-in flow")]
    FlowForged,
    /// A flow older than [`FLOW_SECONDS`].
    #[error("sign-in flow expired")]
    FlowExpired,
    /// The callback's `state` is not the flow's (or is missing).
    #[error("state does not match the flow")]
    StateMismatch,
    /// The callback names another issuer (`iss`, RFC 9207).
    #[error("callback from another issuer")]
    WrongIssuer,
    /// A callback with neither a code nor an error.
    #[error("callback without a code")]
    NoCode,
    /// The provider answered the sign-in with `error=` (the applicant declined, or the
    /// provider refused).
    #[error("the provider refused the sign-in: {0}")]
    Denied(String),
    /// The token endpoint refused the code (`invalid_grant`: forged, spent or expired).
    #[error("the provider refused the code")]
    CodeRefused,
    /// The ID token failed a check (signature, issuer, audience, expiry, nonce, hash), or none
    /// came.
    #[error("ID token refused: {0}")]
    TokenInvalid(String),
    /// The provider could not be reached, or answered something else than the protocol's.
    #[error("identity provider unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Session(#[from] crate::services::sessions::SessionError),
    #[error(transparent)]
    Store(#[from] oneseal_store::StoreError),
}

/// The relying party: its registration, an HTTP client and the discovered provider.
pub struct Oidc {
    config: OidcConfig,
    issuer: IssuerUrl,
    http: reqwest::Client,
    discovered: tokio::sync::Mutex<Option<(i64, Arc<Rp>)>>,
}

impl std::fmt::Debug for Oidc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Oidc")
            .field("config", &self.config)
            .finish()
    }
}

/// What the callback brings back in its query.
#[derive(Debug, Default, Deserialize)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub iss: Option<String>,
}

/// A flow begun: where to send the browser, and the flow cookie's value.
#[derive(Debug)]
pub struct Begun {
    pub authorize_url: String,
    pub cookie: String,
}

/// A flow's secrets as the cookie carries them (under a MAC: see [`Flow::seal`]).
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
struct Flow {
    state: String,
    nonce: String,
    verifier: String,
    /// When the flow began (unix seconds, the server's clock).
    at: i64,
}

fn flow_mac(secrets: &CaseSecrets, payload: &str) -> String {
    secrets.request_digest(format!("oneseal/oidc-flow/v1:{payload}").as_bytes())
}

impl Flow {
    /// `base64url(JSON).mac`.
    fn seal(&self, secrets: &CaseSecrets) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        let payload = URL_SAFE_NO_PAD.encode(json);
        let mac = flow_mac(secrets, &payload);
        format!("{payload}.{mac}")
    }

    /// The flow of a cookie, if its MAC verifies and its life has not run out.
    fn open(secrets: &CaseSecrets, cookie: &str, now: i64) -> Result<Flow, OidcError> {
        let (payload, mac) = cookie.split_once('.').ok_or(OidcError::FlowForged)?;
        let expected = flow_mac(secrets, payload);
        if !bool::from(expected.as_bytes().ct_eq(mac.as_bytes())) {
            return Err(OidcError::FlowForged);
        }
        let json = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| OidcError::FlowForged)?;
        let flow: Flow = serde_json::from_slice(&json).map_err(|_| OidcError::FlowForged)?;
        // Another server of the deployment may have begun it, its clock a little ahead.
        if now + CLOCK_SKEW_SECONDS < flow.at || now > flow.at + FLOW_SECONDS {
            return Err(OidcError::FlowExpired);
        }
        Ok(flow)
    }

    /// Whether the callback's `state` is this flow's (constant time).
    fn state_matches(&self, state: Option<&str>) -> bool {
        state.is_some_and(|s| bool::from(s.as_bytes().ct_eq(self.state.as_bytes())))
    }
}

fn unavailable(e: impl std::fmt::Display) -> OidcError {
    OidcError::Unavailable(e.to_string())
}

fn invalid(e: impl std::fmt::Display) -> OidcError {
    OidcError::TokenInvalid(e.to_string())
}

impl Oidc {
    /// A relying party for `config` (nothing is fetched until the first sign-in).
    ///
    /// # Errors
    /// [`OidcError::BadConfig`] for an issuer or redirect URL that is no URL.
    pub fn new(config: OidcConfig) -> Result<Self, OidcError> {
        let issuer = IssuerUrl::new(config.issuer.clone())
            .map_err(|e| OidcError::BadConfig(format!("issuer {:?}: {e}", config.issuer)))?;
        if let Some(url) = &config.redirect_url {
            RedirectUrl::new(url.clone())
                .map_err(|e| OidcError::BadConfig(format!("redirect URL {url:?}: {e}")))?;
        }
        if config.client_id.is_empty() {
            return Err(OidcError::BadConfig("an empty client id".into()));
        }
        let http = reqwest::Client::builder()
            // The provider's answers are followed by nobody: a redirect from the token or
            // keys endpoint is no answer (and no way to make this server fetch elsewhere).
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| OidcError::BadConfig(format!("HTTP client: {e}")))?;
        Ok(Self {
            config,
            issuer,
            http,
            discovered: tokio::sync::Mutex::new(None),
        })
    }

    /// The configured issuer.
    #[must_use]
    pub fn issuer(&self) -> &str {
        &self.config.issuer
    }

    /// The redirect URI: the configured one, or `base` (the public URL) and [`CALLBACK_PATH`].
    #[must_use]
    pub fn redirect_url(&self, base: &str) -> String {
        self.config
            .redirect_url
            .clone()
            .unwrap_or_else(|| format!("{}{CALLBACK_PATH}", base.trim_end_matches('/')))
    }

    /// The provider's client, discovered on first use and again once it is
    /// [`DISCOVERY_SECONDS`] old.
    async fn client(&self, now: i64) -> Result<Arc<Rp>, OidcError> {
        let mut cached = self.discovered.lock().await;
        if let Some((at, client)) = cached.as_ref()
            && now >= *at
            && now < at + DISCOVERY_SECONDS
        {
            return Ok(client.clone());
        }
        let metadata = CoreProviderMetadata::discover_async(self.issuer.clone(), &self.http)
            .await
            .map_err(|e| unavailable(format!("discovery: {e}")))?;
        let client = Arc::new(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.config.client_id.clone()),
            self.config.client_secret.clone().map(ClientSecret::new),
        ));
        *cached = Some((now, client.clone()));
        Ok(client)
    }

    /// Begins a sign-in: the provider's authorization URL and the flow cookie to set.
    ///
    /// # Errors
    /// [`OidcError::Unavailable`] when the provider cannot be discovered.
    pub async fn begin(
        &self,
        secrets: &CaseSecrets,
        base: &str,
        now: i64,
    ) -> Result<Begun, OidcError> {
        let client = self.client(now).await?;
        let redirect = RedirectUrl::new(self.redirect_url(base))
            .map_err(|e| OidcError::BadConfig(e.to_string()))?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let state = random_token()?;
        let nonce = random_token()?;
        let (state_for_url, nonce_for_url) = (state.clone(), nonce.clone());
        let (url, _, _) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                move || CsrfToken::new(state_for_url),
                move || Nonce::new(nonce_for_url),
            )
            .add_scope(Scope::new("openid".into()))
            .set_pkce_challenge(challenge)
            .set_redirect_uri(std::borrow::Cow::Owned(redirect))
            .url();
        let flow = Flow {
            state,
            nonce,
            verifier: verifier.secret().clone(),
            at: now,
        };
        Ok(Begun {
            authorize_url: url.to_string(),
            cookie: flow.seal(secrets),
        })
    }

    /// Finishes a sign-in: checks the flow and the callback, exchanges the code and verifies
    /// the ID token, then opens the applicant's session.
    ///
    /// # Errors
    /// Every [`OidcError`] but `NotConfigured` and `BadConfig` (see each variant).
    pub async fn finish(&self, f: Finish<'_>) -> Result<ApplicantSession, OidcError> {
        let cookie = f.cookie.ok_or(OidcError::FlowMissing)?;
        let flow = Flow::open(f.secrets, cookie, f.now)?;
        if !flow.state_matches(f.callback.state.as_deref()) {
            return Err(OidcError::StateMismatch);
        }
        if let Some(iss) = &f.callback.iss
            && iss != self.issuer.as_str()
        {
            return Err(OidcError::WrongIssuer);
        }
        if let Some(error) = &f.callback.error {
            let code: String = error
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                .take(MAX_ERROR_CODE)
                .collect();
            return Err(OidcError::Denied(code));
        }
        let code = f.callback.code.clone().ok_or(OidcError::NoCode)?;
        let client = self.client(f.now).await?;
        let redirect = RedirectUrl::new(self.redirect_url(f.base))
            .map_err(|e| OidcError::BadConfig(e.to_string()))?;
        let response = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| unavailable(format!("no token endpoint: {e}")))?
            .set_pkce_verifier(PkceCodeVerifier::new(flow.verifier.clone()))
            .set_redirect_uri(std::borrow::Cow::Owned(redirect))
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                RequestTokenError::ServerResponse(r)
                    if *r.error() == CoreErrorResponseType::InvalidGrant =>
                {
                    OidcError::CodeRefused
                }
                RequestTokenError::ServerResponse(r) => {
                    unavailable(format!("token endpoint: {}", r.error().as_ref()))
                }
                other => unavailable(format!("token endpoint: {other}")),
            })?;
        let id_token = response
            .id_token()
            .ok_or_else(|| invalid("the token response holds no ID token"))?;
        let verifier = client.id_token_verifier();
        let claims = id_token
            .claims(&verifier, &Nonce::new(flow.nonce.clone()))
            .map_err(invalid)?;
        if let Some(expected) = claims.access_token_hash() {
            let alg = id_token.signing_alg().map_err(invalid)?;
            let key = id_token.signing_key(&verifier).map_err(invalid)?;
            let actual =
                AccessTokenHash::from_token(response.access_token(), alg, key).map_err(invalid)?;
            if actual != *expected {
                return Err(invalid("the access token's hash differs"));
            }
        }
        let subject = format!(
            "oidc:{}#{}",
            self.issuer.as_str(),
            claims.subject().as_str()
        );
        let (token, csrf, now) = (random_token()?, random_token()?, f.now);
        Ok(f.store
            .write(move |tx| open_session(tx.conn(), &subject, LABEL, token, csrf, now))
            .await?)
    }
}

/// What [`Oidc::finish`] needs.
pub struct Finish<'a> {
    pub store: &'a Store,
    pub secrets: &'a CaseSecrets,
    /// The public URL (for the default redirect URI).
    pub base: &'a str,
    /// The flow cookie's value, if the browser sent one.
    pub cookie: Option<&'a str>,
    pub callback: &'a Callback,
    pub now: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets() -> CaseSecrets {
        CaseSecrets::from_root(&[9; 32])
    }

    fn flow(at: i64) -> Flow {
        Flow {
            state: "state-1".into(),
            nonce: "nonce-1".into(),
            verifier: "v".repeat(43),
            at,
        }
    }

    #[test]
    fn a_sealed_flow_opens_within_its_life_only() {
        let s = secrets();
        let cookie = flow(1000).seal(&s);
        assert_eq!(Flow::open(&s, &cookie, 1000).unwrap(), flow(1000));
        assert_eq!(
            Flow::open(&s, &cookie, 1000 + FLOW_SECONDS).unwrap(),
            flow(1000)
        );
        assert!(matches!(
            Flow::open(&s, &cookie, 1001 + FLOW_SECONDS),
            Err(OidcError::FlowExpired)
        ));
        assert!(Flow::open(&s, &cookie, 1000 - CLOCK_SKEW_SECONDS).is_ok());
        assert!(matches!(
            Flow::open(&s, &cookie, 999 - CLOCK_SKEW_SECONDS),
            Err(OidcError::FlowExpired)
        ));
    }

    #[test]
    fn a_changed_or_foreign_flow_is_forged() {
        let s = secrets();
        let cookie = flow(1000).seal(&s);
        let (payload, mac) = cookie.split_once('.').unwrap();
        // Another flow's payload under this one's MAC.
        let other = flow(2000).seal(&s);
        let (other_payload, _) = other.split_once('.').unwrap();
        for bad in [
            format!("{other_payload}.{mac}"),
            format!("{payload}.{}", "0".repeat(64)),
            payload.to_owned(),
            String::new(),
            flow(1000).seal(&CaseSecrets::from_root(&[8; 32])),
        ] {
            assert!(
                matches!(Flow::open(&s, &bad, 1000), Err(OidcError::FlowForged)),
                "{bad}"
            );
        }
    }

    #[test]
    fn only_the_flows_state_matches() {
        let f = flow(0);
        assert!(f.state_matches(Some("state-1")));
        assert!(!f.state_matches(Some("state-2")));
        assert!(!f.state_matches(Some("")));
        assert!(!f.state_matches(None));
    }

    #[test]
    fn the_redirect_defaults_to_the_public_url() {
        let config = OidcConfig {
            issuer: "http://127.0.0.1:9/".into(),
            client_id: "oneseal".into(),
            client_secret: Some("secret".into()),
            redirect_url: None,
        };
        let rp = Oidc::new(config.clone()).unwrap();
        assert_eq!(
            rp.redirect_url("https://approval.example.gov.cn/"),
            "https://approval.example.gov.cn/my/login/oidc/callback"
        );
        assert!(!format!("{rp:?}").contains("secret\""));
        let fixed = Oidc::new(OidcConfig {
            redirect_url: Some("https://a.example/cb".into()),
            ..config.clone()
        })
        .unwrap();
        assert_eq!(
            fixed.redirect_url("https://b.example"),
            "https://a.example/cb"
        );
        assert!(matches!(
            Oidc::new(OidcConfig {
                issuer: "not a url".into(),
                ..config
            }),
            Err(OidcError::BadConfig(_))
        ));
    }
}
