//! The public home (`/` for visitors who are not signed in), the guide index (`/guide`) and one
//! item's service guide (`/guide/{code}`): no sign-in, no personal data, readable on a phone and
//! printable. The views come from `services::guide`, as the API's do.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use oneseal_domain::catalog::guide::ServicePoint;
use serde::Deserialize;

use super::i18n::encode;
use super::{Nav, WebError, render};
use crate::AppState;
use crate::error::ApiError;
use crate::services::guide::{self, GuideQuery, ItemSummary, MAX_QUERY, ServiceGuide};

#[derive(Template)]
#[template(path = "portal.html")]
struct PortalPage {
    nav: Nav,
    jurisdiction_name: String,
    popular: Vec<(ItemSummary, i64)>,
    /// The "one thing" bundles offered (issue #20 item 2).
    bundles: Vec<crate::services::bundles::BundleSummary>,
    hall: Option<ServicePoint>,
    max_query: usize,
}

/// The public home: search, popular items, and the ways in (progress, verification, statistics,
/// register, guides).
/// The popular items are cached and each client limited (`services::guide::cached`).
pub async fn portal_page(
    state: &AppState,
    client: crate::edge::guesses::ClientAddr,
) -> Result<Html<String>, WebError> {
    let now = state.clock.now();
    if !state.home_limiter.allow(client, now) {
        return Err(ApiError::from(guide::GuideError::TooManyRequests).into());
    }
    let home = guide::cached::home_cached(&state.store, &state.home_cache, None, now)
        .await
        .map_err(ApiError::from)?;
    let home = (*home).clone();
    let bundles = state
        .store
        .read(move |c| crate::services::bundles::public_list(c, None))
        .await
        .map_err(ApiError::from)?
        .bundles;
    render(&PortalPage {
        nav: Nav::default(),
        jurisdiction_name: home.jurisdiction_name,
        popular: home.popular,
        bundles,
        hall: home.hall,
        max_query: MAX_QUERY,
    })
}

#[derive(Template)]
#[template(path = "guides.html")]
struct GuidesPage {
    nav: Nav,
    q: String,
    max_query: usize,
    items: Vec<ItemSummary>,
    next_href: Option<String>,
    prev_href: Option<String>,
}

/// A link to another page of the same search: the search travels as its own parameter.
fn href(j: Option<&str>, q: &str, cursor: &str) -> String {
    let mut s = String::from("/guide?");
    if let Some(j) = j.filter(|j| !j.is_empty()) {
        s.push_str(&format!("j={}&", encode(j)));
    }
    if !q.is_empty() {
        s.push_str(&format!("q={}&", encode(q)));
    }
    format!("{s}cursor={}", encode(cursor))
}

pub async fn guides_page(
    State(state): State<AppState>,
    Query(query): Query<GuideQuery>,
) -> Result<Html<String>, WebError> {
    let q = query.q.clone().unwrap_or_default();
    let j = query.j.clone();
    let page = state
        .store
        .read(move |c| guide::page(c, &query))
        .await
        .map_err(ApiError::from)?;
    render(&GuidesPage {
        nav: Nav::default(),
        next_href: page
            .links
            .next_cursor
            .as_deref()
            .map(|c| href(j.as_deref(), &q, c)),
        prev_href: page
            .links
            .prev_cursor
            .as_deref()
            .map(|c| href(j.as_deref(), &q, c)),
        q,
        max_query: MAX_QUERY,
        items: page.items,
    })
}

#[derive(Template)]
#[template(path = "guide.html")]
struct GuidePage {
    nav: Nav,
    g: ServiceGuide,
}

/// `?j=`: the jurisdiction whose guide is asked for (the city's when absent).
#[derive(Debug, Default, Deserialize)]
pub struct Where {
    #[serde(default)]
    pub(super) j: Option<String>,
}

pub async fn guide_page(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(w): Query<Where>,
) -> Result<Html<String>, WebError> {
    let g = state
        .store
        .read(move |c| guide::item_guide(c, w.j.as_deref(), &code))
        .await
        .map_err(ApiError::from)?;
    render(&GuidePage {
        nav: Nav::default(),
        g,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_links_carry_the_search_apart_from_the_cursor() {
        assert_eq!(href(None, "", "YTox"), "/guide?cursor=YTox");
        assert_eq!(
            href(Some("370124"), "食品", "YTox"),
            "/guide?j=370124&q=%E9%A3%9F%E5%93%81&cursor=YTox"
        );
    }
}
