//! `serve`'s OpenID Connect options: the province's unified identity service, through which
//! applicants sign in (docs/APPLICANT-IDENTITY.md, "OpenID Connect").

use std::sync::Arc;

use anyhow::Result;
use clap::Args;
use oneseal_server::services::applicant_identity::oidc::{Oidc, OidcConfig};

/// The client secret, kept out of `Debug`.
#[derive(Clone)]
pub struct Secret(String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

fn parse_secret(s: &str) -> Result<Secret, String> {
    Ok(Secret(s.to_owned()))
}

#[derive(Debug, Clone, Args)]
pub struct OidcArgs {
    /// The identity provider's issuer URL (its discovery document is
    /// `<issuer>/.well-known/openid-configuration`, fetched at the first sign-in). With it,
    /// `/my` offers 统一身份认证登录. This build's HTTP client has no TLS: an `https` issuer is
    /// reached through a local TLS proxy, as the S3 bucket is.
    #[arg(long, requires = "oidc_client_id")]
    pub oidc_issuer: Option<String>,
    /// The client id this server is registered under at the provider.
    #[arg(long, requires = "oidc_issuer")]
    pub oidc_client_id: Option<String>,
    /// The client secret (client_secret_basic); better given in the environment.
    #[arg(
        long,
        env = "ONESEAL_OIDC_CLIENT_SECRET",
        hide_env_values = true,
        value_parser = parse_secret
    )]
    pub oidc_client_secret: Option<Secret>,
    /// The redirect URI registered at the provider. Default: <public URL>/my/login/oidc/callback.
    #[arg(long, requires = "oidc_issuer")]
    pub oidc_redirect_url: Option<String>,
}

impl OidcArgs {
    /// The relying party `serve` runs with, if an issuer is configured.
    pub fn relying_party(&self) -> Result<Option<Arc<Oidc>>> {
        let (Some(issuer), Some(client_id)) = (&self.oidc_issuer, &self.oidc_client_id) else {
            return Ok(None);
        };
        let oidc = Oidc::new(OidcConfig {
            issuer: issuer.clone(),
            client_id: client_id.clone(),
            client_secret: self.oidc_client_secret.clone().map(|s| s.0),
            redirect_url: self.oidc_redirect_url.clone(),
        })
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(Some(Arc::new(oidc)))
    }
}
