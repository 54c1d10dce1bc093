//! The public register page (Licensing Law Art. 40): grants to organisations, searchable and
//! paged, no sign-in. The same service answers `GET /api/v1/public/licences`.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;

use super::i18n::encode;
use super::{Nav, WebError, render};
use crate::AppState;
use crate::error::ApiError;
use crate::services::licences::register::{self, MAX_QUERY, RegisterEntry, RegisterQuery};

#[derive(Template)]
#[template(path = "licences.html")]
struct RegisterPageView {
    nav: Nav,
    q: String,
    max_query: usize,
    licences: Vec<RegisterEntry>,
    next_href: Option<String>,
    prev_href: Option<String>,
}

/// A link to another page of the same search: the cursor names the row, the search travels as
/// its own parameter.
fn href(q: &str, cursor: &str) -> String {
    let search = if q.is_empty() {
        String::new()
    } else {
        format!("q={}&", encode(q))
    };
    format!("/licences?{search}cursor={}", encode(cursor))
}

pub async fn register_page(
    State(state): State<AppState>,
    Query(query): Query<RegisterQuery>,
) -> Result<Html<String>, WebError> {
    let q = query.q.clone().unwrap_or_default();
    let page = state
        .store
        .read(move |c| register::page(c, &query))
        .await
        .map_err(ApiError::from)?;
    render(&RegisterPageView {
        nav: Nav::default(),
        next_href: page.links.next_cursor.as_deref().map(|c| href(&q, c)),
        prev_href: page.links.prev_cursor.as_deref().map(|c| href(&q, c)),
        q,
        max_query: MAX_QUERY,
        licences: page.licences,
    })
}
