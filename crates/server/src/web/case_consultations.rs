//! The case page's joint review (会签 / 联合审查 / 现场核查): the departments asked, their
//! deadlines and opinions, what the consultation means for the legal clock (it does not stop
//! it: Art. 45), and for a reviewer of a case under review the form that asks.
//!
//! Apart from `cases.rs` because it is a procedure of its own with its own reads
//! (`services::consultations`). The page is staff-only; nothing here reaches the public
//! progress page.

use oneseal_domain::access::{Action, Principal, Target, authorize};
use oneseal_domain::case::{Case, CaseNumber};
use oneseal_domain::consultation::{CLOCK_NOTE_ZH, DUE_DAYS, Opinion, under_review};
use oneseal_store::consultations::ConsultationRow;
use oneseal_store::materials::MaterialRow;

use crate::services::names::Names;

/// One consultation as the case page lists it.
pub struct ConsultationView {
    pub id: String,
    pub case_number: String,
    pub department: String,
    pub question: String,
    pub asked: String,
    pub due_on: String,
    pub status_zh: &'static str,
    /// Unanswered after the due date.
    pub overdue: bool,
    /// `agree`, `conditional`, `disagree`.
    pub opinion: String,
    pub opinion_zh: &'static str,
    pub text: String,
    pub answered: String,
    pub attachments: Vec<Attachment>,
}

/// A file the opinion cites, as the case page links it.
pub struct Attachment {
    /// The case's material name (`会签意见附件（…）` for the department's own), or the digest's
    /// first characters when the page has no material list (the department's own page).
    pub name: String,
    pub short: String,
    /// The download, for the bureau's staff (empty on the department's page).
    pub href: String,
}

/// What the page draws of the joint review.
pub struct ConsultationDesk {
    pub rows: Vec<ConsultationView>,
    /// The visitor may ask now (a reviewer, the case under review).
    pub may_ask: bool,
    /// The departments the form offers: (code, `name（code）`), the bureau's own left out.
    pub departments: Vec<(String, String)>,
    pub note: &'static str,
    pub max_days: u32,
}

pub(super) fn view(
    r: &ConsultationRow,
    names: &Names,
    today: &str,
    materials: &[MaterialRow],
) -> ConsultationView {
    let opinion = r.opinion.as_deref().and_then(Opinion::parse);
    ConsultationView {
        id: r.consultation_id.clone(),
        case_number: r.case_number.clone(),
        department: names.dept(&r.department),
        question: r.question.clone(),
        asked: format!("{} · {}", r.asked_on, names.staff(&r.asked_by)),
        due_on: format!("{}（{}个工作日）", r.due_on, r.due_working_days),
        status_zh: match r.status.as_str() {
            "answered" => "已答复",
            "answered_late" => "逾期答复",
            _ => "待答复",
        },
        overdue: r.answered_on.is_none() && today > r.due_on.as_str(),
        opinion: opinion.map_or("", Opinion::code).to_owned(),
        opinion_zh: opinion.map_or("", Opinion::name_zh),
        text: r.answer_text.clone().unwrap_or_default(),
        answered: match (&r.answered_on, &r.answered_by) {
            (Some(on), by) => format!("{on} · {}", names.opt_actor(by)),
            _ => String::new(),
        },
        attachments: r
            .attachments
            .iter()
            .map(|sha| {
                let short: String = sha.chars().take(16).collect();
                match materials.iter().find(|m| &m.sha256 == sha) {
                    Some(m) => Attachment {
                        name: m.name.clone(),
                        short,
                        href: format!("/api/v1/cases/{}/materials/{sha}", r.case_number),
                    },
                    None => Attachment {
                        name: short.clone(),
                        short,
                        href: String::new(),
                    },
                }
            })
            .collect(),
    }
}

/// The joint-review desk of `case` for `principal` on `today` (ISO date).
pub fn desk(
    rows: &[ConsultationRow],
    materials: &[MaterialRow],
    case: &Case,
    number: &CaseNumber,
    principal: &Principal,
    names: &Names,
    today: &str,
) -> ConsultationDesk {
    let may_ask = under_review(case.status())
        && authorize(
            principal,
            Action::ReviewCase,
            &Target::jurisdiction(number.division()),
        )
        .is_ok();
    let departments = if may_ask {
        names
            .departments_here()
            .into_iter()
            .filter(|(code, _)| *code != principal.department.as_str())
            .collect()
    } else {
        Vec::new()
    };
    ConsultationDesk {
        rows: rows
            .iter()
            .map(|r| view(r, names, today, materials))
            .collect(),
        may_ask,
        departments,
        note: CLOCK_NOTE_ZH,
        max_days: *DUE_DAYS.end(),
    }
}

/// Reads the case's consultations and draws the desk for the visitor.
pub async fn read(
    state: &crate::AppState,
    auth: &crate::edge::auth::Auth,
    number: &CaseNumber,
    case: &Case,
    names: &Names,
) -> Result<ConsultationDesk, super::WebError> {
    let principal = auth.principal.clone();
    let n = number.clone();
    let (rows, materials) = state
        .store
        .read(move |c| {
            let rows = crate::services::consultations::for_case(c, &principal, &n)?;
            // The files the opinions cite, by their names on the case's list.
            let materials = crate::services::materials::received(c, &n)?;
            Ok::<_, crate::services::consultations::ConsultationServiceError>((rows, materials))
        })
        .await
        .map_err(crate::error::ApiError::from)?;
    let today = oneseal_domain::case::legal_date(state.clock.now()).to_string();
    Ok(desk(
        &rows,
        &materials,
        case,
        number,
        &auth.principal,
        names,
        &today,
    ))
}
