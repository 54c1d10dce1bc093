//! Case pages: the queue a page at a time with its filter form, and one case with the steps
//! the signed-in member of staff may take now (`domain::case::allowed_actions`), its review
//! opinions and its materials. Ordinary steps post to the JSON API; final ones go through the
//! confirmation page of `case_desk`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use oneseal_domain::access::Action;
use oneseal_domain::case::{
    AllowedAction, Card, CaseNumber, CaseStatus, CommandKind, allowed_actions, legal_date,
};
use oneseal_domain::org::Role;
use serde::Deserialize;

use super::case_desk::{ActionCard, MaterialRow, OpinionRow, materials, opinions};
use super::i18n::encode;
use super::{Nav, WebError, render};
use crate::AppState;
use crate::edge::auth::Auth;
use crate::error::ApiError;
use crate::services::cases::{CaseSheet, sheet};
use crate::services::masking::{ApplicantView, applicant_view};
use crate::services::names::Names;
use crate::services::queue::{QueueParams, parse_queue, queue};

pub struct QueueRow {
    number: String,
    item: String,
    applicant: String,
    status: &'static str,
    received_on: String,
    remaining: String,
    card: &'static str,
    card_zh: &'static str,
}

/// The filter form as the clerk left it (shown back in its fields).
#[derive(Default)]
pub struct QueueForm {
    q: String,
    status: String,
    item: String,
    department: String,
    channel: String,
    received_from: String,
    received_to: String,
    decided_from: String,
    decided_to: String,
    include_closed: bool,
    due: String,
}

#[derive(Template)]
#[template(path = "cases.html")]
struct CasesPage {
    nav: Nav,
    can_intake: bool,
    rows: Vec<QueueRow>,
    form: QueueForm,
    /// (code, name) of every status, for the status filter.
    statuses: Vec<(String, &'static str)>,
    prev_href: Option<String>,
    next_href: Option<String>,
    /// Some row's days run through a year counted provisionally.
    provisional: bool,
    /// The assignee filter's choices: (id, `name（角色，ID）`, selected).
    assignees: Vec<(String, String, bool)>,
}

fn card_names(card: Option<Card>) -> (&'static str, &'static str) {
    match card {
        Some(Card::Red) => ("red", "红牌 逾期"),
        Some(Card::Yellow) => ("yellow", "黄牌 临期"),
        Some(Card::None) | None => ("none", ""),
    }
}

/// `/cases?…` with the form's filters and a cursor (the search text is in the address already,
/// as the form sends it by GET; the cursor itself carries only a case number).
fn page_href(params: &QueueParams, cursor: &str) -> String {
    let mut href = String::from("/cases?");
    let limit = params.limit.as_deref().map(|l| ("limit", l.trim()));
    for (k, v) in params.filters().into_iter().chain(limit) {
        href.push_str(&format!("{k}={}&", encode(v)));
    }
    href.push_str(&format!("cursor={}", encode(cursor)));
    href
}

pub async fn cases_page(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<QueueParams>,
) -> Result<Html<String>, WebError> {
    auth.require_here(Action::ViewCases)?;
    let req = parse_queue(&params, &auth.principal.jurisdiction).map_err(ApiError::from)?;
    let (calendar, today) = (state.calendar.current(), legal_date(state.clock.now()));
    let j = auth.principal.jurisdiction.clone();
    let (view, names) = state
        .store
        .read(move |c| Ok::<_, ApiError>((queue(c, &req, &calendar, today)?, Names::load(c, &j)?)))
        .await?;
    let provisional = view
        .entries
        .iter()
        .any(|e| e.clock.as_ref().is_some_and(|c| c.provisional));
    let rows = view
        .entries
        .into_iter()
        .map(|e| {
            let (card, card_zh) = card_names(e.clock.as_ref().map(|c| c.card));
            let mark = if e.clock.as_ref().is_some_and(|c| c.provisional) {
                "（暂定）"
            } else {
                ""
            };
            let status = u8::try_from(e.row.status)
                .ok()
                .and_then(CaseStatus::from_code)
                .map_or("", CaseStatus::name_zh);
            QueueRow {
                number: e.row.case_number,
                item: e.row.item_name,
                applicant: e.row.applicant_label,
                status,
                received_on: e.row.received_on,
                remaining: e
                    .remaining
                    .map_or_else(|| "—".to_owned(), |r| format!("{r}{mark}")),
                card,
                card_zh,
            }
        })
        .collect();
    let field = |v: &Option<String>| v.as_deref().unwrap_or_default().trim().to_owned();
    let form = QueueForm {
        q: field(&params.q),
        status: field(&params.status),
        item: field(&params.item),
        department: field(&params.department),
        channel: field(&params.channel),
        received_from: field(&params.received_from),
        received_to: field(&params.received_to),
        decided_from: field(&params.decided_from),
        decided_to: field(&params.decided_to),
        due: field(&params.due),
        include_closed: matches!(
            params.include_closed.as_deref().map(str::trim),
            Some("true" | "1" | "on")
        ),
    };
    render(&CasesPage {
        nav: Nav::from_auth(Some(&auth)),
        can_intake: auth.principal.roles.contains(&Role::Clerk),
        rows,
        form,
        statuses: CaseStatus::ALL
            .iter()
            .map(|s| (s.code().to_string(), s.name_zh()))
            .collect(),
        prev_href: view.links.prev_cursor.map(|c| page_href(&params, &c)),
        next_href: view.links.next_cursor.map(|c| page_href(&params, &c)),
        assignees: assignee_choices(
            &names,
            auth.principal.jurisdiction.as_str(),
            params.assignee.as_deref().unwrap_or_default().trim(),
        ),
        provisional,
    })
}

/// Whom a case may be assigned to (transfers go to reviewers and approvers), by name, as the
/// queue's filter offers them; an id typed into the address that is not among them (another
/// jurisdiction's, or someone who left) stays selectable under its name, so the filter shown
/// is the filter applied.
fn assignee_choices(names: &Names, j: &str, chosen: &str) -> Vec<(String, String, bool)> {
    let mut out: Vec<(String, String, bool)> = names
        .eligible(j, &[Role::Reviewer, Role::Approver], &[])
        .into_iter()
        .map(|(id, label)| {
            let selected = id == chosen;
            (id, label, selected)
        })
        .collect();
    if !chosen.is_empty() && !out.iter().any(|(id, _, _)| id == chosen) {
        out.push((chosen.to_owned(), names.staff(chosen), true));
    }
    out
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    nav: Nav,
    number: String,
    item_name: String,
    status: &'static str,
    contact: ApplicantView,
    /// 住所/经营场所 as given at intake: shown to every member of staff who may open the case
    /// (`domain::case::address`), never on a public page.
    address: Option<String>,
    clock_zh: String,
    /// The item's legal settings the case runs under, each with its source (issue #21).
    legal_lines: Vec<(String, String)>,
    /// The deadlines run through a year counted provisionally.
    provisional: bool,
    license_id: Option<String>,
    /// A renewal, change or cancellation: the licence and what is applied for (issue #21).
    about_licence: Option<(String, &'static str)>,
    steps: Vec<(String, &'static str, String)>,
    /// The steps the visitor may take now, and only those.
    actions: Vec<ActionCard>,
    /// Every review opinion, superseded ones marked.
    opinions: Vec<OpinionRow>,
    /// Materials received at intake and with the supplement.
    materials: Vec<MaterialRow>,
    /// The checklist, the files received and the upload form (`web::materials`).
    desk: super::materials::MaterialsDesk,
    /// The step just taken through the confirmation page.
    done: Option<&'static str>,
    jurisdiction_name: String,
    /// Who the case may be transferred to: (id, `name（roles，id）`).
    transfer_to: Vec<(String, String)>,
    /// The case's documents (#18.4), each a PDF; the decision's, if any, named apart.
    documents: Vec<crate::services::printing::Listed>,
    decision: Option<crate::services::printing::Listed>,
    /// Interested parties and hearing (Art. 36, 46–48).
    hearing: super::case_hearing::HearingDesk,
    /// Joint review: the departments asked and their opinions (issue #20 item 1).
    consultations: super::case_consultations::ConsultationDesk,
    /// 容缺受理: what is owed, by when, and whether the licence is held for it.
    deferral: Option<oneseal_domain::case::PublicDeferral>,
    /// 委托代理 / 帮办代办 (issue #19 item 3): (label, value).
    representation: Vec<(&'static str, String)>,
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
    let names = Names::read(&state.store, number.division().clone())
        .await
        .map_err(ApiError::from)?;
    let n = number.clone();
    let documents = state
        .store
        .read(move |c| crate::services::printing::list(c, &n))
        .await
        .map_err(ApiError::from)?;
    let decision = documents.iter().find(|d| d.kind == "decision").cloned();
    let (now, calendar) = (state.clock.now(), state.calendar.current());
    let (clock_zh, provisional) = case.clock(&calendar, legal_date(now)).map_or_else(
        |e| (e.message_zh(), false),
        |c| (c.to_chinese(), c.provisional),
    );
    let steps = events
        .iter()
        .map(|e| {
            (
                e.date().to_string(),
                e.name_zh(),
                names.staff(e.actor().as_str()),
            )
        })
        .collect();
    let desk = super::materials::desk(&state, &auth, &number, &case, &events).await?;
    let allowed = allowed_actions(&case, &auth.principal, now, &calendar);
    let transfer_to = allowed
        .iter()
        .find_map(|a| match a {
            AllowedAction::Transfer { not_to } => Some(names.eligible(
                number.division().as_str(),
                &[Role::Reviewer, Role::Approver],
                not_to,
            )),
            _ => None,
        })
        .unwrap_or_default();
    let actions = allowed
        .iter()
        .map(|a| {
            let mut card = ActionCard::of(a);
            if let AllowedAction::Transfer { not_to } = a {
                card.not_to = not_to
                    .iter()
                    .map(|s| names.staff(s.as_str()))
                    .collect::<Vec<_>>()
                    .join("、");
            }
            card
        })
        .collect();
    let hearing = super::case_hearing::desk(
        &events,
        &allowed,
        &auth.principal.roles,
        &names,
        number.division().as_str(),
    );
    let consultations =
        super::case_consultations::read(&state, &auth, &number, &case, &names).await?;
    let mut opinions = opinions(&case, &events);
    for o in &mut opinions {
        o.reviewer = names.staff(&o.reviewer);
    }
    let representation = super::case_representation::lines(
        case.received().representation.as_ref(),
        &auth.principal.roles,
        &names,
        |sha| desk.files.iter().any(|f| f.href.ends_with(sha)),
    );
    render(&CasePage {
        representation,
        nav: Nav::from_auth(Some(&auth)),
        number: number.to_string(),
        item_name: case.received().item.name.clone(),
        legal_lines: legal_lines(&case.received().item),
        status: case.status().name_zh(),
        contact: applicant_view(&case.received().applicant, &auth.principal.roles),
        address: case
            .received()
            .address
            .as_ref()
            .map(|a| a.as_str().to_owned()),
        clock_zh,
        provisional,
        about_licence: case
            .licence_link()
            .map(|l| (l.licence_id.clone(), l.purpose.name_zh())),
        // A licence held for deferred materials is not issued yet: no link to it.
        license_id: license_id.filter(|_| !case.licence_held()),
        deferral: case.public_deferral(legal_date(now)),
        steps,
        actions,
        opinions,
        materials: materials(&case, &events),
        desk,
        done: q
            .done
            .as_deref()
            .and_then(CommandKind::from_code)
            .map(CommandKind::name_zh),
        jurisdiction_name: jname,
        transfer_to,
        documents,
        decision,
        hearing,
        consultations,
    })
}

/// What the case page says of the item's law: the allowance the head may grant (none where the
/// item's own law fixes the limit, Art. 42), the notice window and where the limit counts from.
fn legal_lines(item: &oneseal_domain::case::ItemSnapshot) -> Vec<(String, String)> {
    let (allowance, source) = item.extension_allowance();
    let mut lines = vec![(format!("延长期限：{}", allowance.to_zh()), source)];
    if let Some(legal) = &item.legal {
        lines.extend(legal.lines_zh().into_iter().skip(1));
    }
    lines
}
