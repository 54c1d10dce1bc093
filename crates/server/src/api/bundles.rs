//! "One thing" bundles over HTTP (issue #20 item 2): the public list and guides, one
//! application at the desk opening one linked case per item, an application with its overall
//! status, and the statistics per bundle. The views are `services::bundles`'s, shared with the
//! pages.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use oneseal_domain::access::{Action, Target};
use oneseal_domain::case::{CaseNumber, legal_date};
use oneseal_domain::org::DivisionCode;
use serde::Deserialize;
use serde_json::json;

use super::cases::{IDEMPOTENT_REPLAYED, IntakeBody, idempotency_key};
use crate::AppState;
use crate::edge::auth::Auth;
use crate::edge::json::ApiJson;
use crate::error::ApiError;
use crate::services::bundles::{
    self, ApplicationView, BundleGuide, BundleList, BundleStats, application,
};

#[derive(Debug, Default, Deserialize)]
pub struct Where {
    #[serde(default)]
    j: Option<String>,
}

/// The bundles offered in a jurisdiction (`?j=`, default the city), no sign-in.
pub async fn list_public_bundles(
    State(state): State<AppState>,
    Query(w): Query<Where>,
) -> Result<Json<BundleList>, ApiError> {
    Ok(Json(
        state
            .store
            .read(move |c| bundles::public_list(c, w.j.as_deref()))
            .await?,
    ))
}

/// One bundle's guide: items, combined materials, promise, refusal rule.
pub async fn get_public_bundle(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(w): Query<Where>,
) -> Result<Json<BundleGuide>, ApiError> {
    Ok(Json(
        state
            .store
            .read(move |c| bundles::guide(c, w.j.as_deref(), &code))
            .await?,
    ))
}

/// One application (window clerk): the intake body of `POST /api/v1/cases` without
/// `item_code`; one case per item, once per `Idempotency-Key`.
pub async fn apply_for_bundle(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<IntakeBody>,
) -> Result<Response, ApiError> {
    auth.require_here(Action::IntakeCase)?;
    let key = idempotency_key(&headers)?;
    let who = auth.acting(&state, auth.principal.jurisdiction.clone())?;
    let receipt = bundles::register_once(&state.store, who, code, body.into_input(), key).await?;
    let body = Json(json!({
        "bundle": receipt.bundle,
        "application": receipt.application,
        // The only time the code is shown; it serves every case of the application.
        "query_code": receipt.query_code.grouped(),
        "cases": receipt.cases,
    }));
    if receipt.replayed {
        Ok(([(IDEMPOTENT_REPLAYED, "true")], body).into_response())
    } else {
        Ok(body.into_response())
    }
}

/// An application (by its number or any of its cases' numbers) with its cases and overall
/// status: for those who may read the cases.
pub async fn get_application(
    State(state): State<AppState>,
    auth: Auth,
    Path(number): Path<String>,
) -> Result<Json<ApplicationView>, ApiError> {
    let number = CaseNumber::parse(&number).map_err(|e| {
        ApiError::bad_request(
            "bad_case_number",
            format!("办件编号无效：{}", e.reason_zh()),
            e.to_string(),
        )
    })?;
    auth.require(Action::ViewCases, &Target::jurisdiction(number.division()))?;
    let calendar = state.calendar.current();
    let today = legal_date(state.clock.now());
    Ok(Json(
        state
            .store
            .read(move |c| application::find_application(c, number.as_str(), &calendar, today))
            .await?,
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct StatsQuery {
    #[serde(default)]
    jurisdiction: Option<String>,
}

/// Statistics per bundle (`?jurisdiction=`, default the principal's own): for the dashboard's
/// readers.
pub async fn bundle_stats(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<StatsQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let j = match q
        .jurisdiction
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(s) => DivisionCode::parse(s).map_err(|_| {
            ApiError::bad_request("bad_filter", "辖区代码无效", "Bad jurisdiction code")
        })?,
        None => auth.principal.jurisdiction.clone(),
    };
    auth.require(Action::ViewDashboard, &Target::jurisdiction(&j))?;
    let code = j.as_str().to_owned();
    let stats: Vec<BundleStats> = state.store.read(move |c| bundles::stats(c, &code)).await?;
    Ok(Json(
        json!({ "jurisdiction": j.as_str(), "bundles": stats }),
    ))
}
