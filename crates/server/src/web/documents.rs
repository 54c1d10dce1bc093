//! The applicant's copies (#18.4): `GET /progress/documents/{kind}?case=&code=`, a case's
//! document as PDF for whoever holds its query code, checked (and throttled) exactly as the
//! progress page checks it. The applicant's copy carries the query code; the sealed document,
//! whose hash is public, never does.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::WebError;
use crate::AppState;
use crate::error::ApiError;
use crate::services::cases::find_progress;
use crate::services::printing::{Copy, print};

#[derive(Debug, Default, Deserialize)]
pub struct Form {
    case: Option<String>,
    code: Option<String>,
}

pub async fn progress_document(
    State(state): State<AppState>,
    client: crate::edge::guesses::ClientAddr,
    Path(kind): Path<String>,
    Query(f): Query<Form>,
) -> Result<Response, WebError> {
    let (Some(case), Some(code)) = (f.case, f.code) else {
        return Err(ApiError::NotFound("case").into());
    };
    let calendar = state.calendar.current();
    let progress = find_progress(&state.public_query(&calendar), client, &case, &code)
        .await
        .map_err(ApiError::from)?;
    let number = progress.case_number;
    let base = state.net.base_url().to_owned();
    // Printed as the receipt prints it, however the visitor typed it (the progress page links
    // with the code as it reads it: separators dropped, upper case).
    let query_code = oneseal_domain::case::QueryCode::parse(&code)
        .map(|c| c.grouped())
        .unwrap_or(code);
    let copy = Copy::Applicant { query_code };
    let printed = state
        .store
        .read(move |c| print(c, &number, &kind, &base, &copy))
        .await
        .map_err(ApiError::from)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{}.pdf\"", printed.kind),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        printed.pdf,
    )
        .into_response())
}
