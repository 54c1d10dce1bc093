//! The address a query-code guess comes from, taken from the request: the limiter itself is
//! `services::guesses`, which knows nothing of HTTP.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::request::Parts;

use crate::edge::net::Net;
pub use crate::services::guesses::{ClientAddr, FAILURES_PER_WINDOW, GuessLimiter, WINDOW_SECONDS};

/// Generic over the state so this module need not know `AppState` (which holds the limiter):
/// any state that yields the network settings will do.
impl<S> FromRequestParts<S> for ClientAddr
where
    S: Send + Sync,
    Arc<Net>: FromRef<S>,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        Ok(Self(
            Arc::<Net>::from_ref(state).client_addr(peer, &parts.headers),
        ))
    }
}
