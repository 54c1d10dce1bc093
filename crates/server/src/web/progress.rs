//! The public progress page (no sign-in, no personal data): case number + query code.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use oneseal_domain::case::PublicProgress;
use serde::Deserialize;

use super::{Nav, WebError, render};
use crate::AppState;
use crate::api::cases::find_progress;
use crate::error::ApiError;

#[derive(Template)]
#[template(path = "progress.html")]
struct ProgressPage {
    nav: Nav,
    case: String,
    error: Option<String>,
    progress: Option<PublicProgress>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Form {
    case: Option<String>,
    code: Option<String>,
}

pub async fn progress_page(
    State(state): State<AppState>,
    Query(f): Query<Form>,
) -> Result<Html<String>, WebError> {
    let mut page = ProgressPage {
        nav: Nav::default(),
        case: f.case.clone().unwrap_or_default(),
        error: None,
        progress: None,
    };
    if let (Some(case), Some(code)) = (f.case, f.code) {
        match find_progress(&state, &case, &code).await {
            Ok(p) => page.progress = Some(p),
            Err(ApiError::NotFound(_)) => page.error = Some(
                "未找到：请核对办件编号和查询码 / Not found: check the case number and query code"
                    .into(),
            ),
            Err(e) => return Err(e.into()),
        }
    }
    render(&page)
}
