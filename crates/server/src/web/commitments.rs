//! 告知承诺制 on the pages (issue #19 item 5): the department's verification tasks on `/dept`
//! (with the verified / false form), and the bureau's list of verifications and credit records
//! on `/commitments` (staff only). Rows come from `services::commitments`.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use oneseal_domain::case::legal_date;
use oneseal_store::commitments::CommitmentRow;
use serde::Deserialize;

use super::{Nav, WebError, render};
use crate::AppState;
use crate::edge::auth::Auth;
use crate::error::ApiError;
use crate::services::commitments as svc;
use crate::services::names::Names;

/// One verification as a page shows it.
pub struct CommitmentView {
    pub case_number: String,
    pub item: String,
    pub department: String,
    pub licence_id: String,
    pub licence_status: String,
    pub asked_on: String,
    pub due_on: String,
    /// `awaiting`, `verified`, `false`.
    pub status: String,
    pub status_zh: &'static str,
    /// Unanswered after the due date.
    pub overdue: bool,
    pub answered: String,
    pub finding: String,
    pub late: bool,
    /// Found false and the licence not yet revoked: the bureau must revoke (Art. 69 para 2).
    pub revoke_due: bool,
}

/// The view of `r` on `today` (ISO date).
pub fn view(r: &CommitmentRow, names: &Names, today: &str) -> CommitmentView {
    let licence_status = r.licence_status.clone().unwrap_or_default();
    CommitmentView {
        case_number: r.case_number.clone(),
        item: names.item(&r.item_code),
        department: r
            .department
            .as_deref()
            .map_or_else(|| "未设主管部门".to_owned(), |d| names.dept(d)),
        licence_id: r.licence_id.clone().unwrap_or_default(),
        revoke_due: r.status == "false" && licence_status == "valid",
        licence_status,
        asked_on: r.asked_on.clone(),
        due_on: r.due_on.clone(),
        status: r.status.clone(),
        status_zh: svc::status_zh(&r.status),
        overdue: r.status == "awaiting" && r.due_on.as_str() < today,
        answered: r.answered_on.clone().unwrap_or_default(),
        finding: r.finding.clone().unwrap_or_default(),
        late: r.late,
    }
}

/// The department's tasks for `/dept`, newest first.
pub async fn for_department(
    state: &AppState,
    auth: &Auth,
    names: &Names,
    today: &str,
) -> Result<Vec<CommitmentView>, WebError> {
    let principal = auth.principal.clone();
    Ok(state
        .store
        .read(move |c| svc::for_department(c, &principal, false, 50))
        .await
        .map_err(ApiError::from)?
        .iter()
        .map(|r| view(r, names, today))
        .collect())
}

#[derive(Template)]
#[template(path = "commitments.html")]
struct CommitmentsPage {
    nav: Nav,
    rows: Vec<CommitmentView>,
    status: String,
    statuses: [(&'static str, &'static str); 4],
}

#[derive(Debug, Default, Deserialize)]
pub struct Filter {
    pub status: Option<String>,
}

/// The bureau's verifications and credit records (`?status=false`), for staff who read cases.
pub async fn commitments_page(
    State(state): State<AppState>,
    auth: Auth,
    Query(f): Query<Filter>,
) -> Result<Html<String>, WebError> {
    let today = legal_date(state.clock.now()).to_string();
    let names = Names::read(&state.store, auth.principal.jurisdiction.clone())
        .await
        .map_err(ApiError::from)?;
    let principal = auth.principal.clone();
    let status = f.status.clone().unwrap_or_default();
    let s = status.clone();
    let rows = state
        .store
        .read(move |c| svc::for_bureau(c, &principal, Some(s.as_str()), 200))
        .await
        .map_err(ApiError::from)?
        .iter()
        .map(|r| view(r, &names, &today))
        .collect();
    render(&CommitmentsPage {
        nav: Nav::from_auth(Some(&auth)),
        rows,
        status,
        statuses: [
            ("", "全部 All"),
            ("awaiting", "待核查 Awaiting"),
            ("verified", "承诺属实 Verified"),
            ("false", "承诺不实（失信记录）False: credit records"),
        ],
    })
}
