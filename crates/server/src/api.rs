//! The JSON API under `/api/v1`, plus the operational endpoints (`/healthz`, `/metrics`,
//! `/openapi.json`). Handlers are `verb_noun`; each authorizes first, then reads or runs a command.

pub mod applicant;
pub mod applicant_inbox;
pub mod bundles;
pub mod calendar;
pub mod cases;
pub mod catalog;
pub mod commitments;
pub mod consultation_files;
pub mod consultations;
pub mod coordination;
pub mod dashboard;
pub mod documents;
pub mod guide;
pub mod licences;
pub mod linkage;
pub mod log;
pub mod materials;
pub mod org;
pub mod platform;
pub mod projects;
pub mod ratings;
pub mod rules;
pub mod session;
pub mod stats;
pub mod system;
pub mod verify;
pub mod webhooks;

use axum::Router;
use axum::routing::{delete, get, post, put};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(system::healthz))
        .route("/metrics", get(system::metrics))
        .route("/openapi.json", get(system::openapi))
        .route(
            "/api/v1/session",
            post(session::create_session).delete(session::delete_session),
        )
        .route("/api/v1/me", get(session::me))
        .route("/api/v1/jurisdictions", get(org::list_jurisdictions))
        .route("/api/v1/departments", get(org::list_departments))
        .route("/api/v1/staff", get(org::list_staff))
        .route("/api/v1/staff/{id}/transfer", post(org::transfer_staff))
        .route(
            "/api/v1/tokens",
            post(org::issue_token).get(org::list_tokens),
        )
        .route("/api/v1/tokens/{id}", delete(org::revoke_token))
        .route(
            "/api/v1/tokens/{id}/callback/rotate",
            post(platform::rotate_callback_secret),
        )
        .route("/api/v1/catalog/items", get(catalog::list_items))
        .route("/api/v1/catalog/items/{code}", get(catalog::get_item))
        .route("/api/v1/catalog/import", post(catalog::import_items))
        .route("/api/v1/catalog/export", get(catalog::export_items))
        .route(
            "/api/v1/catalog/template.xlsx",
            get(catalog::import_template),
        )
        .route(
            "/api/v1/cases",
            get(cases::list_cases).post(cases::create_case),
        )
        .route("/api/v1/intake", post(platform::forward_application))
        .route("/api/v1/cases/{number}", get(cases::get_case))
        .route("/api/v1/cases/{number}/actions", post(cases::act_on_case))
        .route(
            "/api/v1/cases/{number}/materials/{sha256}",
            get(materials::download_material),
        )
        .route(
            "/api/v1/cases/{number}/documents",
            get(documents::list_documents),
        )
        .route(
            "/api/v1/cases/{number}/documents/{kind}",
            get(documents::get_document),
        )
        .route("/api/v1/public/progress", get(cases::public_progress))
        .route("/api/v1/public/licences", get(licences::public_register))
        .route("/api/v1/public/items", get(guide::list_public_items))
        .route("/api/v1/public/items/{code}", get(guide::get_public_item))
        .route("/api/v1/public/bundles", get(bundles::list_public_bundles))
        .route(
            "/api/v1/public/bundles/{code}",
            get(bundles::get_public_bundle),
        )
        .route(
            "/api/v1/bundles/{code}/cases",
            post(bundles::apply_for_bundle),
        )
        .route(
            "/api/v1/bundles/applications/{number}",
            get(bundles::get_application),
        )
        .route("/api/v1/bundles/stats", get(bundles::bundle_stats))
        .route("/api/v1/licences/{id}", get(licences::get_licence))
        .route(
            "/api/v1/licences/{id}/actions",
            post(licences::act_on_licence),
        )
        .route(
            "/api/v1/licences/{id}/penalty",
            post(licences::penalise_licence),
        )
        .route(
            "/api/v1/licences/{id}/applications",
            post(licences::apply_about_licence),
        )
        .route(
            "/api/v1/calendar/years",
            get(calendar::list_years).post(calendar::import_year),
        )
        .route("/api/v1/calendar/preview", post(calendar::preview_year))
        .route("/api/v1/calendar/moves", get(calendar::list_moves))
        .route(
            "/api/v1/calendar/corrections",
            post(calendar::propose_correction),
        )
        .route(
            "/api/v1/calendar/corrections/{id}/approve",
            post(calendar::approve_correction),
        )
        .route("/api/v1/verify", post(verify::verify_uploaded))
        .route("/api/v1/verify/bundle/{license}", get(verify::get_bundle))
        .route("/api/v1/seals/trust", get(verify::get_trust))
        .route("/log", get(log::list_logs))
        .route("/log/{j}/checkpoint", get(log::get_checkpoint))
        .route("/log/{j}/vkeys", get(log::get_vkeys))
        .route("/log/{j}/policy", get(log::get_policy))
        .route("/log/{j}/tile/{*rest}", get(log::get_tile))
        .route("/api/v1/log/{j}/proof/inclusion", get(log::inclusion_proof))
        .route(
            "/api/v1/log/{j}/proof/consistency",
            get(log::consistency_proof),
        )
        .route("/api/v1/log/{j}/entries/{index}", get(log::get_entry))
        .route("/api/v1/log/{j}/receipt/{index}", get(log::get_receipt))
        .route("/api/v1/linkage/pushes", get(linkage::list_pushes))
        .route("/api/v1/linkage/pushes/{id}", get(linkage::get_push))
        .route("/api/v1/linkage/pushes/{id}/case", get(linkage::push_case))
        .route(
            "/api/v1/linkage/pushes/{id}/claim",
            post(linkage::claim_push),
        )
        .route(
            "/api/v1/linkage/pushes/{id}/assign",
            post(linkage::assign_push),
        )
        .route("/api/v1/linkage/mappings", get(linkage::list_mappings))
        .route("/api/v1/linkage/mappings/{code}", put(linkage::put_mapping))
        .route(
            "/api/v1/linkage/settings",
            get(linkage::get_settings).put(linkage::put_settings),
        )
        .route(
            "/api/v1/linkage/feedback",
            get(linkage::list_feedback).post(linkage::submit_feedback),
        )
        .route(
            "/api/v1/linkage/feedback/{id}/close-review",
            post(linkage::close_review),
        )
        .route("/api/v1/linkage/stats", get(linkage::linkage_stats))
        .route("/api/v1/dept/feed", get(linkage::dept_feed))
        .route(
            "/api/v1/dept/consultations",
            get(consultations::dept_consultations),
        )
        .route(
            "/api/v1/cases/{number}/consultations",
            get(consultations::list_case_consultations).post(consultations::ask_consultation),
        )
        .route(
            "/api/v1/consultations/{id}/opinion",
            post(consultations::answer_consultation),
        )
        .route(
            "/api/v1/dept/commitments",
            get(commitments::dept_commitments),
        )
        .route(
            "/api/v1/dept/commitments/{number}/verdict",
            post(commitments::answer_commitment),
        )
        .route("/api/v1/commitments", get(commitments::list_commitments))
        .route(
            "/api/v1/cases/{number}/commitment",
            get(commitments::case_commitment),
        )
        .route("/api/v1/public/ratings", post(ratings::submit_rating))
        .route("/api/v1/ratings", get(ratings::list_ratings))
        .route("/api/v1/ratings/{case}/rectify", post(ratings::rectify))
        .route("/api/v1/alerts", get(rules::list_alerts))
        .route("/api/v1/dashboard", get(dashboard::get_dashboard))
        .route("/api/v1/public/stats", get(stats::public_stats))
        .route("/api/v1/alerts/{id}/close", post(rules::close_alert))
        .route("/api/v1/rules", get(rules::list_rules))
        .route("/api/v1/rules/run", post(rules::run_rules))
        .route(
            "/api/v1/rules/expressions/{code}",
            put(rules::put_expression),
        )
        .route("/api/v1/rules/{rule}", put(rules::put_rule))
        .route(
            "/api/v1/reports/accountability",
            get(rules::accountability_report),
        )
        .route(
            "/api/v1/dept/webhook",
            get(webhooks::get_webhook).put(webhooks::put_webhook),
        )
        .route(
            "/api/v1/dept/webhook/rotate",
            post(webhooks::rotate_webhook_secret),
        )
        .route(
            "/api/v1/coordination/matters",
            get(coordination::list_matters).post(coordination::raise_matter),
        )
        .route(
            "/api/v1/coordination/matters/{id}",
            get(coordination::get_matter),
        )
        .route(
            "/api/v1/coordination/matters/{id}/decision",
            post(coordination::decide_matter),
        )
        .route(
            "/api/v1/coordination/matters/{id}/tasks",
            post(coordination::assign_task),
        )
        .route(
            "/api/v1/coordination/matters/{id}/close",
            post(coordination::close_matter),
        )
        .route(
            "/api/v1/coordination/tasks/{id}/done",
            post(coordination::complete_task),
        )
        .merge(applicant_routes())
        .merge(project_routes())
}

/// Construction projects in parallel stages (issue #20 item 3).
fn project_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/projects",
            get(projects::list_projects).post(projects::register_project),
        )
        .route("/api/v1/projects/{code}", get(projects::get_project))
        .route("/api/v1/projects/{code}/cases", post(projects::link_case))
        .route(
            "/api/v1/projects/{code}/stages/{stage}/complete",
            post(projects::complete_stage),
        )
        .route(
            "/api/v1/projects/{code}/utilities",
            post(projects::request_utility),
        )
        .route(
            "/api/v1/projects/{code}/utilities/{utility}/connected",
            post(projects::utility_connected),
        )
}

/// The applicant's side (issue #19 items 3–4) and the clerk's receipt of online applications.
fn applicant_routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/applicant/otp", post(applicant::send_code))
        .route(
            "/api/v1/applicant/session",
            post(applicant::sign_in).delete(applicant::sign_out),
        )
        .route("/api/v1/applicant/me", get(applicant::me))
        .route(
            "/api/v1/applicant/applications",
            get(applicant::list_applications).post(applicant::create_application),
        )
        .route(
            "/api/v1/applicant/applications/{id}",
            put(applicant::update_application),
        )
        .route(
            "/api/v1/applicant/applications/{id}/withdraw",
            post(applicant::withdraw_application),
        )
        .route(
            "/api/v1/applicant/applications/{id}/supplement",
            post(applicant::send_supplement),
        )
        .route(
            "/api/v1/applicant/applications/{id}/documents/{kind}",
            get(applicant::get_document),
        )
        .route(
            "/api/v1/applicant/applications/{id}/rating",
            post(applicant_inbox::rate_own),
        )
        .route(
            "/api/v1/applicant/messages",
            get(applicant_inbox::list_messages),
        )
        .route(
            "/api/v1/applicant/messages/read",
            post(applicant_inbox::read_all),
        )
        .route(
            "/api/v1/applicant/messages/{id}/read",
            post(applicant_inbox::read_message),
        )
        .route("/api/v1/demo/outbox", get(applicant::demo_outbox))
        .route("/api/v1/online-applications", get(applicant::list_waiting))
        .route(
            "/api/v1/online-applications/{id}/receive",
            post(applicant::receive_application),
        )
}

/// Every API route as (method, path template), kept beside the router so the OpenAPI test can
/// check the document covers each one.
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/healthz"),
    ("get", "/metrics"),
    ("get", "/openapi.json"),
    ("post", "/api/v1/session"),
    ("delete", "/api/v1/session"),
    ("get", "/api/v1/me"),
    ("get", "/api/v1/jurisdictions"),
    ("get", "/api/v1/departments"),
    ("get", "/api/v1/staff"),
    ("post", "/api/v1/staff/{id}/transfer"),
    ("post", "/api/v1/tokens"),
    ("get", "/api/v1/tokens"),
    ("delete", "/api/v1/tokens/{id}"),
    ("post", "/api/v1/tokens/{id}/callback/rotate"),
    ("get", "/api/v1/catalog/items"),
    ("get", "/api/v1/catalog/items/{code}"),
    ("post", "/api/v1/catalog/import"),
    ("get", "/api/v1/catalog/export"),
    ("get", "/api/v1/catalog/template.xlsx"),
    ("get", "/api/v1/cases"),
    ("post", "/api/v1/cases"),
    ("post", "/api/v1/intake"),
    ("get", "/api/v1/cases/{number}"),
    ("post", "/api/v1/cases/{number}/actions"),
    ("post", "/api/v1/cases/{number}/materials"),
    ("get", "/api/v1/cases/{number}/materials/{sha256}"),
    ("get", "/api/v1/cases/{number}/documents"),
    ("get", "/api/v1/cases/{number}/documents/{kind}"),
    ("get", "/api/v1/public/progress"),
    ("get", "/api/v1/public/licences"),
    ("get", "/api/v1/public/items"),
    ("get", "/api/v1/public/items/{code}"),
    ("get", "/api/v1/public/bundles"),
    ("get", "/api/v1/public/bundles/{code}"),
    ("post", "/api/v1/bundles/{code}/cases"),
    ("get", "/api/v1/bundles/applications/{number}"),
    ("get", "/api/v1/bundles/stats"),
    ("get", "/api/v1/licences/{id}"),
    ("post", "/api/v1/licences/{id}/actions"),
    ("post", "/api/v1/licences/{id}/penalty"),
    ("post", "/api/v1/licences/{id}/applications"),
    ("get", "/api/v1/calendar/years"),
    ("post", "/api/v1/calendar/years"),
    ("post", "/api/v1/calendar/preview"),
    ("get", "/api/v1/calendar/moves"),
    ("post", "/api/v1/calendar/corrections"),
    ("post", "/api/v1/calendar/corrections/{id}/approve"),
    ("post", "/api/v1/verify"),
    ("get", "/api/v1/verify/bundle/{license}"),
    ("get", "/api/v1/seals/trust"),
    ("get", "/log"),
    ("get", "/log/{j}/checkpoint"),
    ("get", "/log/{j}/vkeys"),
    ("get", "/log/{j}/policy"),
    // OpenAPI templates are one segment each: the router's `{*rest}` (the rest of the path,
    // slashes and all) is documented as the parameter `{rest}`.
    ("get", "/log/{j}/tile/{rest}"),
    ("get", "/api/v1/log/{j}/proof/inclusion"),
    ("get", "/api/v1/log/{j}/proof/consistency"),
    ("get", "/api/v1/log/{j}/entries/{index}"),
    ("get", "/api/v1/log/{j}/receipt/{index}"),
    ("get", "/api/v1/linkage/pushes"),
    ("get", "/api/v1/linkage/pushes/{id}"),
    ("get", "/api/v1/linkage/pushes/{id}/case"),
    ("post", "/api/v1/linkage/pushes/{id}/claim"),
    ("post", "/api/v1/linkage/pushes/{id}/assign"),
    ("get", "/api/v1/linkage/mappings"),
    ("put", "/api/v1/linkage/mappings/{code}"),
    ("get", "/api/v1/linkage/settings"),
    ("put", "/api/v1/linkage/settings"),
    ("get", "/api/v1/linkage/feedback"),
    ("post", "/api/v1/linkage/feedback"),
    ("post", "/api/v1/linkage/feedback/{id}/close-review"),
    ("get", "/api/v1/linkage/stats"),
    ("get", "/api/v1/dept/feed"),
    ("get", "/api/v1/dept/consultations"),
    ("get", "/api/v1/cases/{number}/consultations"),
    ("post", "/api/v1/cases/{number}/consultations"),
    ("post", "/api/v1/consultations/{id}/opinion"),
    ("post", "/api/v1/consultations/{id}/attachments"),
    ("get", "/api/v1/dept/commitments"),
    ("post", "/api/v1/dept/commitments/{number}/verdict"),
    ("get", "/api/v1/commitments"),
    ("get", "/api/v1/cases/{number}/commitment"),
    ("get", "/api/v1/dept/webhook"),
    ("put", "/api/v1/dept/webhook"),
    ("post", "/api/v1/dept/webhook/rotate"),
    ("post", "/api/v1/public/ratings"),
    ("get", "/api/v1/ratings"),
    ("post", "/api/v1/ratings/{case}/rectify"),
    ("get", "/api/v1/alerts"),
    ("get", "/api/v1/dashboard"),
    ("get", "/api/v1/public/stats"),
    ("post", "/api/v1/alerts/{id}/close"),
    ("get", "/api/v1/rules"),
    ("post", "/api/v1/rules/run"),
    ("put", "/api/v1/rules/expressions/{code}"),
    ("put", "/api/v1/rules/{rule}"),
    ("get", "/api/v1/reports/accountability"),
    ("get", "/api/v1/coordination/matters"),
    ("post", "/api/v1/coordination/matters"),
    ("get", "/api/v1/coordination/matters/{id}"),
    ("post", "/api/v1/coordination/matters/{id}/decision"),
    ("post", "/api/v1/coordination/matters/{id}/tasks"),
    ("post", "/api/v1/coordination/matters/{id}/close"),
    ("post", "/api/v1/coordination/tasks/{id}/done"),
    ("post", "/api/v1/applicant/otp"),
    ("post", "/api/v1/applicant/session"),
    ("delete", "/api/v1/applicant/session"),
    ("get", "/api/v1/applicant/me"),
    ("post", "/api/v1/applicant/files"),
    ("get", "/api/v1/applicant/applications"),
    ("post", "/api/v1/applicant/applications"),
    ("put", "/api/v1/applicant/applications/{id}"),
    ("post", "/api/v1/applicant/applications/{id}/withdraw"),
    ("post", "/api/v1/applicant/applications/{id}/supplement"),
    (
        "get",
        "/api/v1/applicant/applications/{id}/documents/{kind}",
    ),
    ("post", "/api/v1/applicant/applications/{id}/rating"),
    ("get", "/api/v1/applicant/messages"),
    ("post", "/api/v1/applicant/messages/read"),
    ("post", "/api/v1/applicant/messages/{id}/read"),
    ("get", "/api/v1/demo/outbox"),
    ("get", "/api/v1/online-applications"),
    ("post", "/api/v1/online-applications/{id}/receive"),
    ("get", "/api/v1/projects"),
    ("post", "/api/v1/projects"),
    ("get", "/api/v1/projects/{code}"),
    ("post", "/api/v1/projects/{code}/cases"),
    ("post", "/api/v1/projects/{code}/stages/{stage}/complete"),
    ("post", "/api/v1/projects/{code}/utilities"),
    (
        "post",
        "/api/v1/projects/{code}/utilities/{utility}/connected",
    ),
];
