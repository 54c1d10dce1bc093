//! Case pages: the queue sorted by remaining working days, intake, and one case with the
//! actions the signed-in role may take (each posts to the JSON API).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use oneseal_domain::access::Action;
use oneseal_domain::case::{Card, CaseNumber, legal_date};
use oneseal_domain::org::Role;
use oneseal_store::params;

use super::{Nav, WebError, render};
use crate::AppState;
use crate::edge::auth::Auth;
use crate::error::ApiError;
use crate::services::cases::load;
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
        _ => ("none", ""),
    }
}

pub async fn cases_page(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Html<String>, WebError> {
    auth.require_here(Action::ViewCases)?;
    let j = auth.principal.jurisdiction.clone();
    let numbers: Vec<String> = state
        .store
        .read(move |c| {
            c.query(
                "SELECT case_number FROM cases WHERE jurisdiction = ? AND closed = 0",
                params![j.as_str()],
            )?
            .into_iter()
            .map(|r| r.text(0))
            .collect::<Result<Vec<_>, _>>()
            .map_err(ApiError::from)
        })
        .await?;
    let today = legal_date(state.clock.now());
    let mut rows = Vec::new();
    for n in numbers {
        let number = CaseNumber::parse(&n).map_err(|e| ApiError::Internal(e.to_string()))?;
        let (case, _) = state.store.read(move |c| load(c, &number)).await?;
        let clock = case.clock(&state.calendar.current(), today).ok();
        let remaining = clock
            .as_ref()
            .and_then(|c| c.decision.as_ref())
            .map(|d| d.remaining_statutory);
        let (card, card_zh) = card_names(clock.as_ref().map(|c| c.card));
        rows.push((
            remaining.unwrap_or(i64::MAX),
            QueueRow {
                number: n,
                item: case.received().item.name.clone(),
                applicant: case.received().applicant.public_label(),
                status: case.status().name_zh(),
                remaining: remaining.map_or_else(|| "—".to_owned(), |r| r.to_string()),
                card,
                card_zh,
            },
        ));
    }
    rows.sort_by_key(|(r, _)| *r);
    render(&CasesPage {
        nav: Nav::from_auth(Some(&auth)),
        can_intake: auth.principal.roles.contains(&Role::Clerk),
        rows: rows.into_iter().map(|(_, r)| r).collect(),
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
    closed: bool,
    decided: bool,
    is_clerk: bool,
    is_reviewer: bool,
    is_head: bool,
    is_approver: bool,
    jurisdiction_name: String,
}

fn step_zh(kind: &str) -> &'static str {
    match kind {
        "received" => "收件",
        "one_time_notice_issued" => "一次性告知补正",
        "supplement_received" => "收到补正材料",
        "accepted" => "受理",
        "not_accepted" => "不予受理",
        "review_step" => "审查",
        "transferred" => "转办",
        "returned" => "退回",
        "special_procedure_started" => "特别程序开始（计时暂停）",
        "special_procedure_ended" => "特别程序结束",
        "extension_approved" => "批准延期",
        "decided" => "作出决定（已签章）",
        "delivered" => "送达",
        "withdrawn" => "撤回",
        _ => "其他",
    }
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
    let (case, events, license_id, jname) = state
        .store
        .read(move |c| {
            let (case, events) = load(c, &n)?;
            let lic = c
                .query_one("SELECT license_id FROM document_entries WHERE case_number = ? AND document_kind = 'decision'", params![n.as_str()])?
                .and_then(|r| r.opt_text(0).ok().flatten());
            let jname = c
                .query_one("SELECT name_zh FROM jurisdictions WHERE code = ?", params![n.division().as_str()])?
                .map(|r| r.text(0))
                .transpose()?
                .unwrap_or_default();
            Ok::<_, ApiError>((case, events, lic, jname))
        })
        .await?;
    let today = legal_date(state.clock.now());
    let clock_zh = case
        .clock(&state.calendar.current(), today)
        .map_or_else(|e| e.message_zh(), |c| c.to_chinese());
    let steps = events
        .iter()
        .map(|e| {
            let v = serde_json::to_value(e).unwrap_or_default();
            let by = ["by", "reviewer", "approver", "approved_by", "received_by"]
                .iter()
                .find_map(|k| v.get(*k).and_then(|x| x.as_str()))
                .unwrap_or("")
                .to_owned();
            (e.date().to_string(), step_zh(e.kind()), by)
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
