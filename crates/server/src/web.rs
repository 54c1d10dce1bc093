//! The web UI: server-rendered askama pages, enhanced with htmx, Chinese first.
//!
//! One template struct per page. Pages use the same query functions and commands as the JSON
//! API; nothing here changes state except through them.

mod apidocs;
mod cases;
mod catalog;
mod charts;
mod dashboard;
pub mod i18n;
mod ledger;
mod linkage;
mod pages;
mod progress;
mod ratings;
mod rules;
mod stats;
mod verify;

use askama::Template;
use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use oneseal_domain::org::Role;

use crate::AppState;
use crate::edge::auth::Auth;
use crate::error::ApiError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::home))
        .route("/login", get(pages::login_form).post(pages::login_submit))
        .route("/logout", post(pages::logout))
        .route("/catalog", get(catalog::catalog_page))
        .route("/catalog/import", get(catalog::import_page))
        .route("/catalog/{code}", get(catalog::item_page))
        .route("/cases", get(cases::cases_page))
        .route("/cases/new", get(cases::case_new_page))
        .route("/cases/{number}", get(cases::case_page))
        .route("/verify/{license}", get(verify::verify_page))
        .route("/progress", get(progress::progress_page))
        .route("/ledger", get(ledger::ledger_page))
        .route("/stats", get(stats::stats_page))
        .route("/dept", get(linkage::dept_page))
        .route("/linkage", get(linkage::linkage_page))
        .route("/alerts", get(rules::alerts_page))
        .route("/dashboard", get(dashboard::dashboard_page))
        .route("/ratings", get(ratings::ratings_page))
        .route("/rules", get(rules::rules_page))
        .route("/reports", get(rules::reports_page))
        .route("/static/{file}", get(static_file))
        .route("/favicon.ico", get(favicon))
        .route("/prefs", get(i18n::switch))
        .route("/api/docs", get(apidocs::docs_page))
        .layer(axum::middleware::from_fn(i18n::scope))
}

/// What the page frame needs to know about the visitor.
#[derive(Debug, Clone)]
pub struct Nav {
    pub signed_in: bool,
    pub display_name: String,
    pub roles: String,
    pub csrf: Option<String>,
    pub can_import: bool,
    pub can_see_cases: bool,
    /// Where the linkage (审管互动) link goes: the department inbox or the bureau's view.
    pub linkage_link: Option<&'static str>,
    /// Inspectors and the bureau head see the alert queue (监督预警).
    pub can_see_alerts: bool,
    /// Leaders see the dashboard (领导驾驶舱).
    pub can_see_dashboard: bool,
    /// Language, text size and this page's address, from the request (see `i18n`).
    pub prefs: i18n::Prefs,
}

impl Default for Nav {
    fn default() -> Self {
        Nav {
            signed_in: false,
            display_name: String::new(),
            roles: String::new(),
            csrf: None,
            can_import: false,
            can_see_cases: false,
            linkage_link: None,
            can_see_alerts: false,
            can_see_dashboard: false,
            prefs: i18n::current(),
        }
    }
}

impl Nav {
    pub fn from_auth(auth: Option<&Auth>) -> Self {
        let Some(a) = auth else {
            return Nav::default();
        };
        Nav {
            signed_in: true,
            display_name: a.display_name.clone(),
            roles: a
                .principal
                .roles
                .iter()
                .map(|r| r.name_zh())
                .collect::<Vec<_>>()
                .join("、"),
            csrf: a.csrf.clone(),
            can_import: a.principal.roles.contains(&Role::Administrator),
            can_see_cases: a.principal.roles.iter().any(|r| {
                oneseal_domain::access::Action::ViewCases
                    .roles()
                    .contains(r)
            }),
            linkage_link: if a.principal.roles.contains(&Role::DepartmentSupervisor) {
                Some("/dept")
            } else if a.principal.roles.iter().any(|r| {
                matches!(
                    r,
                    Role::BureauHead | Role::Inspector | Role::Administrator | Role::Approver
                )
            }) {
                Some("/linkage")
            } else {
                None
            },
            can_see_alerts: a.principal.roles.iter().any(|r| {
                oneseal_domain::access::Action::ViewAlerts
                    .roles()
                    .contains(r)
            }),
            can_see_dashboard: a.principal.roles.iter().any(|r| {
                oneseal_domain::access::Action::ViewDashboard
                    .roles()
                    .contains(r)
            }),
            prefs: i18n::current(),
        }
    }

    /// A template phrase in the visitor's language (`{{ nav.t("工作台") }}`).
    pub fn t<'a>(&self, zh: &'a str) -> &'a str {
        self.prefs.lang.t(zh)
    }

    pub fn lang_tag(&self) -> &'static str {
        self.prefs.lang.tag()
    }

    pub fn english(&self) -> bool {
        self.prefs.lang == i18n::Lang::En
    }
}

/// A page-handler error: sign-in problems redirect, the rest render an error page.
#[derive(Debug)]
pub struct WebError(pub ApiError);

impl From<ApiError> for WebError {
    fn from(e: ApiError) -> Self {
        WebError(e)
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        WebError(ApiError::Internal(format!("template: {e}")))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    nav: Nav,
    status: u16,
    message_zh: String,
    message_en: String,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if matches!(self.0, ApiError::Unauthenticated) {
            return Redirect::to("/login").into_response();
        }
        if let ApiError::Internal(cause) = &self.0 {
            tracing::error!(%cause, "page failed");
        }
        let status = self.0.status();
        let (_, message_zh, message_en) = self.0.parts();
        let page = ErrorPage {
            nav: Nav::default(),
            status: status.as_u16(),
            message_zh,
            message_en: message_en.clone(),
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, message_en).into_response(),
        }
    }
}

pub fn render<T: Template>(t: &T) -> Result<Html<String>, WebError> {
    Ok(Html(t.render()?))
}

const STATIC: &[(&str, &str, &str)] = &[
    (
        "htmx.min.js",
        "text/javascript",
        include_str!("../static/htmx.min.js"),
    ),
    (
        "app.js",
        "text/javascript",
        include_str!("../static/app.js"),
    ),
    ("app.css", "text/css", include_str!("../static/app.css")),
];

/// Assets are compiled into the binary: no CDN, nothing fetched from elsewhere.
async fn static_file(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    match STATIC.iter().find(|(name, _, _)| *name == file) {
        Some((_, ctype, body)) => (
            [
                (header::CONTENT_TYPE, *ctype),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            *body,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

/// The seal as the site icon. Pages say `rel="icon" href="data:,"`, but browsers still ask for
/// `/favicon.ico` when they show a non-HTML answer (the JSON of `/log`, `/openapi.json`), and a
/// 404 there is a console error on every such page.
async fn favicon() -> Response {
    const SVG: &str = concat!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">"##,
        r##"<circle cx="16" cy="16" r="14" fill="none" stroke="#b1121b" stroke-width="3"/>"##,
        r##"<path d="M16 7l2.6 5.9 6.4.6-4.8 4.3 1.4 6.3L16 20.8l-5.6 3.3 1.4-6.3-4.8-4.3 6.4-.6z" fill="#b1121b"/></svg>"##
    );
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        SVG,
    )
        .into_response()
}
