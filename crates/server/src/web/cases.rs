//! Case pages: the queue sorted by remaining working days and one case with the
//! actions the signed-in role may take (each posts to the JSON API).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use oneseal_domain::access::Action;
use oneseal_domain::case::{Card, CaseNumber, legal_date};
use oneseal_domain::org::Role;

use super::{Nav, WebError, render};
use crate::AppState;
use crate::edge::auth::Auth;
use crate::error::ApiError;
use crate::services::cases::{CaseSheet, queue, sheet};
use crate::services::masking::{ApplicantView, applicant_view};

pub struct QueueRow {
    number: String,
    item: String,
    applicant: String,
    status: &'static str,
    remaining: String,
    card: &'static str,
    card_zh: &'static str,
}

#[derive(Template)]
#[template(path = "cases.html")]
struct CasesPage {
    nav: Nav,
    can_intake: bool,
    rows: Vec<QueueRow>,
    /// Some row's days run through a year counted provisionally.
    provisional: bool,
}

fn card_names(card: Option<Card>) -> (&'static str, &'static str) {
    match card {
        Some(Card::Red) => ("red", "红牌 逾期"),
        Some(Card::Yellow) => ("yellow", "黄牌 临期"),
        Some(Card::None) | None => ("none", ""),
    }
}

pub async fn cases_page(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Html<String>, WebError> {
    auth.require_here(Action::ViewCases)?;
    let j = auth.principal.jurisdiction.clone();
    let (calendar, today) = (state.calendar.current(), legal_date(state.clock.now()));
    let entries = state
        .store
        .read(move |c| queue(c, &j, false, &calendar, today))
        .await
        .map_err(ApiError::from)?;
    let provisional = entries
        .iter()
        .any(|e| e.clock.as_ref().is_some_and(|c| c.provisional));
    let rows = entries
        .into_iter()
        .map(|e| {
            let (card, card_zh) = card_names(e.clock.as_ref().map(|c| c.card));
            let mark = if e.clock.as_ref().is_some_and(|c| c.provisional) {
                "（暂定）"
            } else {
                ""
            };
            let r = e.case.received();
            QueueRow {
                number: r.case_number.to_string(),
                item: r.item.name.clone(),
                applicant: r.applicant.public_label(),
                status: e.case.status().name_zh(),
                remaining: e
                    .remaining
                    .map_or_else(|| "—".to_owned(), |r| format!("{r}{mark}")),
                card,
                card_zh,
            }
        })
        .collect();
    render(&CasesPage {
        nav: Nav::from_auth(Some(&auth)),
        can_intake: auth.principal.roles.contains(&Role::Clerk),
        rows,
        provisional,
    })
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    nav: Nav,
    number: String,
    item_name: String,
    status: &'static str,
    contact: ApplicantView,
    clock_zh: String,
    /// The deadlines run through a year counted provisionally.
    provisional: bool,
    license_id: Option<String>,
    steps: Vec<(String, &'static str, String)>,
    closed: bool,
    decided: bool,
    is_clerk: bool,
    is_reviewer: bool,
    is_head: bool,
    is_approver: bool,
    jurisdiction_name: String,
}

pub async fn case_page(
    State(state): State<AppState>,
    auth: Auth,
    Path(number): Path<String>,
) -> Result<Html<String>, WebError> {
    let number = CaseNumber::parse(&number)
        .map_err(|e| ApiError::bad_request("bad_case_number", e.reason_zh(), e.to_string()))?;
    auth.require(
        Action::ViewCases,
        &oneseal_domain::access::Target::jurisdiction(number.division()),
    )?;
    let n = number.clone();
    let CaseSheet {
        case,
        events,
        licence_id: license_id,
        jurisdiction_name: jname,
    } = state
        .store
        .read(move |c| sheet(c, &n))
        .await
        .map_err(ApiError::from)?;
    let today = legal_date(state.clock.now());
    let (clock_zh, provisional) = case.clock(&state.calendar.current(), today).map_or_else(
        |e| (e.message_zh(), false),
        |c| (c.to_chinese(), c.provisional),
    );
    let steps = events
        .iter()
        .map(|e| {
            let v = serde_json::to_value(e).unwrap_or_default();
            let by = ["by", "reviewer", "approver", "approved_by", "received_by"]
                .iter()
                .find_map(|k| v.get(*k).and_then(|x| x.as_str()))
                .unwrap_or("")
                .to_owned();
            (e.date().to_string(), e.name_zh(), by)
        })
        .collect();
    let roles = &auth.principal.roles;
    render(&CasePage {
        nav: Nav::from_auth(Some(&auth)),
        number: number.to_string(),
        item_name: case.received().item.name.clone(),
        status: case.status().name_zh(),
        contact: applicant_view(&case.received().applicant, &auth.principal.roles),
        clock_zh,
        provisional,
        license_id,
        steps,
        closed: case.is_closed(),
        decided: case.decision().is_some(),
        is_clerk: roles.contains(&Role::Clerk),
        is_reviewer: roles.contains(&Role::Reviewer),
        is_head: roles.contains(&Role::BureauHead),
        is_approver: roles.contains(&Role::Approver),
        jurisdiction_name: jname,
    })
}
