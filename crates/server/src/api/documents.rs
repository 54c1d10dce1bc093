//! A case's documents over HTTP (#18.4): the list, and each one as PDF, for staff who may view
//! the case (`services::printing`). The applicant's copies are on the progress page
//! (`web::documents`).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use oneseal_domain::access::{Action, Target};
use oneseal_domain::case::CaseNumber;
use serde_json::{Value, json};

use crate::AppState;
use crate::edge::auth::Auth;
use crate::error::ApiError;
use crate::services::printing::{Copy, Printed, list, print};

fn parse_number(s: &str) -> Result<CaseNumber, ApiError> {
    CaseNumber::parse(s).map_err(|e| {
        ApiError::bad_request(
            "bad_case_number",
            format!("办件编号无效：{}", e.reason_zh()),
            e.to_string(),
        )
    })
}

/// `GET /api/v1/cases/{number}/documents`: every document the case has so far.
pub async fn list_documents(
    State(state): State<AppState>,
    auth: Auth,
    Path(number): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let number = parse_number(&number)?;
    auth.require(Action::ViewCases, &Target::jurisdiction(number.division()))?;
    let n = number.clone();
    let docs = state.store.read(move |c| list(c, &n)).await?;
    let items: Vec<Value> = docs
        .into_iter()
        .map(|d| {
            json!({
                "kind": d.kind,
                "title": d.title,
                "sealed": d.sealed,
                "url": format!("/api/v1/cases/{number}/documents/{}", d.kind),
            })
        })
        .collect();
    Ok(Json(json!({ "case_number": number, "items": items })))
}

/// `GET /api/v1/cases/{number}/documents/{kind}`: the document as PDF (staff's copy: no query
/// code).
pub async fn get_document(
    State(state): State<AppState>,
    auth: Auth,
    Path((number, kind)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let number = parse_number(&number)?;
    auth.require(Action::ViewCases, &Target::jurisdiction(number.division()))?;
    let base = state.net.base_url().to_owned();
    let printed = state
        .store
        .read(move |c| print(c, &number, &kind, &base, &Copy::Staff))
        .await?;
    Ok(pdf_response(printed))
}

/// A PDF answer: shown in the browser, never cached (it names the applicant).
fn pdf_response(p: Printed) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{}.pdf\"", p.kind),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        p.pdf,
    )
        .into_response()
}
