//! The web UI: server-rendered askama pages, enhanced with htmx, Chinese first.
//!
//! One template struct per page. Pages use the same query functions and commands as the JSON
//! API; nothing here changes state except through them.

mod apidocs;
mod applicant;
mod applicant_oidc;
mod bundles;
mod calendar;
mod case_consultations;
mod case_desk;
mod case_hearing;
mod case_representation;
mod cases;
mod catalog;
mod charts;
mod commitments;
mod coordination;
mod dashboard;
mod documents;
mod guide;
pub mod i18n;
pub(crate) mod intake;
mod ledger;
mod licence_desk;
mod licences;
mod linkage;
mod materials;
mod page;
mod pages;
mod progress;
mod projects;
mod ratings;
mod rules;
mod stats;
mod verify;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::AppState;
pub use page::{Nav, WebError, render};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::home))
        .route("/login", get(pages::login_form).post(pages::login_submit))
        .route("/logout", post(pages::logout))
        .route("/catalog", get(catalog::catalog_page))
        .route("/catalog/import", get(catalog::import_page))
        .route("/catalog/{code}", get(catalog::item_page))
        .route("/calendar", get(calendar::calendar_page))
        .route("/cases", get(cases::cases_page))
        // Its POST (the form with its files) has a body limit of its own:
        // `intake::submit_routes`, merged beside the material uploads.
        .route("/cases/new", get(intake::case_new_page))
        .route("/cases/{number}", get(cases::case_page))
        .route(
            "/cases/{number}/confirm",
            get(case_desk::confirm_page).post(case_desk::confirm_step),
        )
        .route("/cases/{number}/notice", get(materials::notice_page))
        .route("/verify", get(verify::verify_lookup))
        .route("/verify/{license}", get(verify::verify_page))
        .route("/licences", get(licences::register_page))
        .route("/guide", get(guide::guides_page))
        .route("/guide/{code}", get(guide::guide_page))
        .route("/guide/bundles/{code}", get(bundles::bundle_guide_page))
        .route("/bundles", get(bundles::bundles_page))
        .route(
            "/bundles/{code}/apply",
            get(bundles::apply_page).post(bundles::apply_submit),
        )
        .route(
            "/bundles/applications/{number}",
            get(bundles::application_page),
        )
        .route("/my", get(applicant::my_page))
        .route("/my/login/oidc", get(applicant_oidc::oidc_start))
        .route(
            "/my/login/oidc/callback",
            get(applicant_oidc::oidc_callback),
        )
        .route("/licences/{id}/manage", get(licence_desk::licence_desk))
        .route("/progress", get(progress::progress_page))
        .route(
            "/progress/documents/{kind}",
            get(documents::progress_document),
        )
        .route("/ledger", get(ledger::ledger_page))
        .route("/stats", get(stats::stats_page))
        .route("/dept", get(linkage::dept_page))
        .route("/commitments", get(commitments::commitments_page))
        .route("/dept/pushes/{id}", get(linkage::dept_push_page))
        .route("/linkage", get(linkage::linkage_page))
        .route("/alerts", get(rules::alerts_page))
        .route("/dashboard", get(dashboard::dashboard_page))
        .route("/coordination", get(coordination::coordination_page))
        .route("/coordination/{id}", get(coordination::matter_page))
        .route("/projects", get(projects::projects_page))
        .route("/projects/{code}", get(projects::project_page))
        .route("/ratings", get(ratings::ratings_page))
        .route("/rules", get(rules::rules_page))
        .route("/reports", get(rules::reports_page))
        .route("/static/{file}", get(static_file))
        .route("/favicon.ico", get(favicon))
        .route("/prefs", get(i18n::switch))
        .route("/api/docs", get(apidocs::docs_page))
        .layer(axum::middleware::from_fn(i18n::scope))
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
    ("my.js", "text/javascript", include_str!("../static/my.js")),
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
