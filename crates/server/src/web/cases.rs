//! Case pages: the queue sorted by remaining working days, intake, and one case with the steps
//! the signed-in member of staff may take now (`domain::case::allowed_actions`), its review
//! opinions and its materials. Ordinary steps post to the JSON API; final ones go through the
//! confirmation page of `case_desk`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use oneseal_domain::access::Action;
use oneseal_domain::case::{Card, CaseNumber, CommandKind, allowed_actions, legal_date};
use oneseal_domain::org::Role;
use serde::Deserialize;

use super::case_desk::{ActionCard, MaterialRow, OpinionRow, materials, opinions};
use super::{Nav, WebError, render};
use crate::AppState;
use crate::edge::auth::Auth;
use crate::error::ApiError;
use crate::services::cases::{CaseSheet, queue, sheet};
use crate::services::catalog::{ItemQuery, search_items};
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
    let rows = entries
        .into_iter()
        .map(|e| {
            let (card, card_zh) = card_names(e.clock.as_ref().map(|c| c.card));
            let r = e.case.received();
            QueueRow {
                number: r.case_number.to_string(),
                item: r.item.name.clone(),
                applicant: r.applicant.public_label(),
                status: e.case.status().name_zh(),
                remaining: e
                    .remaining
                    .map_or_else(|| "—".to_owned(), |r| r.to_string()),
                card,
                card_zh,
            }
        })
        .collect();
    render(&CasesPage {
        nav: Nav::from_auth(Some(&auth)),
        can_intake: auth.principal.roles.contains(&Role::Clerk),
        rows,
    })
}

#[derive(Template)]
#[template(path = "case_new.html")]
struct CaseNewPage {
    nav: Nav,
    items: Vec<(String, String)>,
}

pub async fn case_new_page(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Html<String>, WebError> {
    auth.require_here(Action::IntakeCase)?;
    let j = auth.principal.jurisdiction.clone();
    let page = state
        .store
        .read(move |c| {
            let q = ItemQuery {
                category: Some("licensing".into()),
                per_page: Some(500),
                ..ItemQuery::default()
            };
            search_items(c, &j, &q).map_err(ApiError::from)
        })
        .await?;
    let items = page
        .items
        .iter()
        .map(|i| (i.basic_code.as_str().to_owned(), i.name.clone()))
        .collect();
    render(&CaseNewPage {
        nav: Nav::from_auth(Some(&auth)),
        items,
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
    license_id: Option<String>,
    steps: Vec<(String, &'static str, String)>,
    /// The steps the visitor may take now, and only those.
    actions: Vec<ActionCard>,
    /// Every review opinion, superseded ones marked.
    opinions: Vec<OpinionRow>,
    /// Materials received at intake and with the supplement.
    materials: Vec<MaterialRow>,
    /// The step just taken through the confirmation page.
    done: Option<&'static str>,
    jurisdiction_name: String,
}

#[derive(Debug, Deserialize)]
pub struct CasePageQuery {
    #[serde(default)]
    done: Option<String>,
}

pub async fn case_page(
    State(state): State<AppState>,
    auth: Auth,
    Path(number): Path<String>,
    Query(q): Query<CasePageQuery>,
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
    let (now, calendar) = (state.clock.now(), state.calendar.current());
    let clock_zh = case
        .clock(&calendar, legal_date(now))
        .map_or_else(|e| e.message_zh(), |c| c.to_chinese());
    let steps = events
        .iter()
        .map(|e| {
            (
                e.date().to_string(),
                e.name_zh(),
                e.actor().as_str().to_owned(),
            )
        })
        .collect();
    let actions = allowed_actions(&case, &auth.principal, now, &calendar)
        .iter()
        .map(ActionCard::of)
        .collect();
    render(&CasePage {
        nav: Nav::from_auth(Some(&auth)),
        number: number.to_string(),
        item_name: case.received().item.name.clone(),
        status: case.status().name_zh(),
        contact: applicant_view(&case.received().applicant, &auth.principal.roles),
        clock_zh,
        license_id,
        steps,
        actions,
        opinions: opinions(&case, &events),
        materials: materials(&case, &events),
        done: q
            .done
            .as_deref()
            .and_then(CommandKind::from_code)
            .map(CommandKind::name_zh),
        jurisdiction_name: jname,
    })
}
