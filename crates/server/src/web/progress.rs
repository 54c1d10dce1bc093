//! The public progress page (no sign-in, no personal data): case number + query code.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use oneseal_domain::case::PublicProgress;
use serde::Deserialize;

use super::{Nav, WebError, render};
use crate::AppState;
use crate::error::ApiError;
use crate::services::cases::{
    ProgressDetails, ProgressError, StepReceipt, find_progress, progress_details,
};
use oneseal_domain::rating::RatingLevel;

#[derive(Template)]
#[template(path = "progress.html")]
struct ProgressPage {
    nav: Nav,
    case: String,
    error: Option<String>,
    progress: Option<PublicProgress>,
    /// The query code, for the rating form (the visitor just typed it).
    code: String,
    /// Closed and not yet rated: the rating form is shown.
    can_rate: bool,
    /// The rating already given.
    rated: Option<&'static str>,
    /// Each public step's place on the log, with its receipt.
    receipts: Vec<StepReceipt>,
    /// The applicant's copies of the case's documents (#18.4).
    documents: Vec<crate::services::printing::Listed>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Form {
    case: Option<String>,
    code: Option<String>,
}

pub async fn progress_page(
    State(state): State<AppState>,
    client: crate::edge::guesses::ClientAddr,
    Query(f): Query<Form>,
) -> Result<Html<String>, WebError> {
    let mut page = ProgressPage {
        nav: Nav::default(),
        case: f.case.clone().unwrap_or_default(),
        error: None,
        progress: None,
        code: String::new(),
        can_rate: false,
        rated: None,
        receipts: Vec::new(),
        documents: Vec::new(),
    };
    if let (Some(case), Some(code)) = (f.case, f.code) {
        let calendar = state.calendar.current();
        match find_progress(&state.public_query(&calendar), client, &case, &code).await {
            Ok(p) => {
                let number = p.case_number.clone();
                page.documents = state
                    .store
                    .read(move |c| crate::services::printing::list(c, &number))
                    .await
                    .map_err(ApiError::from)?;
                let n = p.case_number.to_string();
                let ProgressDetails {
                    closed,
                    rating: level,
                    receipts,
                } = state
                    .store
                    .read(move |c| progress_details(c, &n))
                    .await
                    .map_err(ApiError::from)?;
                page.rated = level.and_then(|l| {
                    RatingLevel::ALL
                        .iter()
                        .find(|x| x.code() == l)
                        .map(|x| x.name_zh())
                });
                page.can_rate = closed && page.rated.is_none();
                page.receipts = receipts;
                page.code = code;
                page.progress = Some(p);
            }
            Err(ProgressError::NotFound) => page.error = Some(
                "未找到：请核对办件编号和查询码 / Not found: check the case number and query code"
                    .into(),
            ),
            Err(ProgressError::TooManyGuesses) => {
                page.error = Some(
                    "查询失败次数过多，请10分钟后再试 / Too many failed queries: try again in 10 minutes"
                        .into(),
                );
            }
            Err(e) => return Err(ApiError::from(e).into()),
        }
    }
    render(&page)
}
