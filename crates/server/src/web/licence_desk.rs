//! The staff page of one licence (`/licences/{id}/manage`, issue #21 items 1 and 12): its state
//! and history, the window's intake of a renewal, change or cancellation as a case, and the
//! approving official's revocation with its Art. 69 ground and cancellation on an Art. 70
//! ground; on a construction permit (建筑法 Art. 9) the start of work, the request to start
//! later and the official's answer to it, and the permit's lapse in words. The forms post to
//! the JSON API (`/api/v1/licences/{id}/applications`, `/actions`).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use oneseal_domain::access::{Action, Target};
use oneseal_domain::licence::start::{MAX_START_EXTENSIONS, latest_extended_start};
use oneseal_domain::licence::{
    CancelReason, LicenceEvent, LicencePurpose, LicenceStatus, RevocationGround,
};

use super::{Nav, WebError, render};
use crate::AppState;
use crate::edge::auth::Auth;
use crate::error::ApiError;
use crate::services::licences::{LicenceRecord, load};

#[derive(Template)]
#[template(path = "licence_desk.html")]
struct LicenceDesk {
    nav: Nav,
    licence_id: String,
    item_name: String,
    holder: String,
    status_zh: &'static str,
    valid_until: String,
    application_case: Option<String>,
    renewal_refused_on: Option<String>,
    deemed_due: bool,
    /// 建筑法 Art. 9: the last day to start, the start and the request to start later.
    start_by: Option<String>,
    work_started_on: Option<String>,
    start_extension_on: Option<String>,
    start_overdue: bool,
    /// Extensions granted and the law's limit (n of 2); the last refusal, if any.
    start_extensions_granted: u8,
    max_start_extensions: u8,
    start_extension_refused_on: Option<String>,
    /// The form to decide the pending request: its bounds (after the current deadline, at most
    /// three months later), for an approving official.
    decide_extension: Option<(String, String)>,
    /// The start is still to be recorded (a valid licence with a start deadline).
    can_record_start: bool,
    today: String,
    /// Date, step, what it says (codes and dates only, as the register shows them).
    events: Vec<(String, &'static str, String)>,
    can_apply: bool,
    can_decide: bool,
    purposes: Vec<(&'static str, &'static str)>,
    grounds: Vec<(&'static str, &'static str)>,
    cancel_reasons: Vec<(&'static str, &'static str)>,
}

/// A licence event as one row: the day, its name, and its typed facts (never free text).
fn row(e: &LicenceEvent) -> (String, &'static str, String) {
    let date = |d: &time::Date| d.to_string();
    match e {
        LicenceEvent::Issued {
            valid_from,
            valid_until,
            case_number,
            ..
        } => (
            date(valid_from),
            "颁发",
            format!("办件{case_number}，有效期至{valid_until}"),
        ),
        LicenceEvent::Changed { on, .. } => (date(on), "变更", String::new()),
        LicenceEvent::RenewalApplied {
            on, case_number, ..
        } => (
            date(on),
            "申请延续",
            case_number
                .clone()
                .map(|c| format!("办件{c}"))
                .unwrap_or_default(),
        ),
        LicenceEvent::RenewalRefused { case_number, on } => {
            (date(on), "不予延续", format!("办件{case_number}"))
        }
        LicenceEvent::Renewed { until, deemed, on } => (
            date(on),
            if *deemed {
                "视为准予延续（第五十条）"
            } else {
                "准予延续"
            },
            format!("有效期至{until}"),
        ),
        LicenceEvent::Withdrawn { on, .. } => (date(on), "撤回", String::new()),
        LicenceEvent::Revoked {
            on,
            ground,
            compensation,
            ..
        } => (
            date(on),
            "撤销",
            format!(
                "{}{}",
                ground.map(RevocationGround::name_zh).unwrap_or_default(),
                match compensation {
                    Some(true) => "；应当依法给予赔偿",
                    Some(false) => "；不予赔偿",
                    None => "",
                }
            ),
        ),
        LicenceEvent::PenaltyRevoked { on, department, .. } => {
            (date(on), "吊销", format!("{department}"))
        }
        LicenceEvent::Cancelled { on, reason, .. } => {
            (date(on), "注销", reason.name_zh().to_owned())
        }
        LicenceEvent::WorkStarted {
            started_on,
            by_holder,
            on,
            ..
        } => (
            date(on),
            "开工",
            format!(
                "{started_on}开工（{}）",
                if *by_holder {
                    "被许可人报告"
                } else {
                    "本局核实"
                }
            ),
        ),
        LicenceEvent::StartExtensionRequested { on, .. } => {
            (date(on), "申请延期开工", "建筑法第九条".to_owned())
        }
        LicenceEvent::StartExtensionGranted { start_by, on, .. } => {
            (date(on), "准予延期开工", format!("开工期限延至{start_by}"))
        }
        // The reasons are staff's words: the history shows the step only.
        LicenceEvent::StartExtensionRefused { on, .. } => {
            (date(on), "不予延期开工", "原开工期限不变".to_owned())
        }
    }
}

pub async fn licence_desk(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    let LicenceRecord {
        licence,
        events,
        jurisdiction,
        ..
    } = state
        .store
        .read(move |c| load(c, &id))
        .await
        .map_err(ApiError::from)?;
    let here = Target::jurisdiction(&jurisdiction);
    auth.require(Action::ViewCases, &here)?;
    let today = oneseal_domain::case::legal_date(state.clock.now());
    let valid = licence.status == LicenceStatus::Valid;
    render(&LicenceDesk {
        nav: Nav::from_auth(Some(&auth)),
        can_apply: valid && auth.require(Action::IntakeCase, &here).is_ok(),
        can_decide: auth.require(Action::DecideCase, &here).is_ok(),
        deemed_due: licence.deemed_renewal(today).is_some(),
        start_by: licence.start_by.map(|d| d.to_string()),
        work_started_on: licence.work_started_on.map(|d| d.to_string()),
        start_extension_on: licence.start_extension_pending().map(|d| d.to_string()),
        start_overdue: licence.start_overdue(today).is_some(),
        start_extensions_granted: licence.start_extensions_granted,
        max_start_extensions: MAX_START_EXTENSIONS,
        start_extension_refused_on: licence.start_extension_refused_on.map(|d| d.to_string()),
        decide_extension: licence
            .start_extension_pending()
            .zip(licence.start_by)
            .filter(|_| auth.require(Action::DecideCase, &here).is_ok())
            .and_then(|(_, current)| {
                let earliest = current.next_day()?;
                Some((
                    earliest.to_string(),
                    latest_extended_start(current).to_string(),
                ))
            }),
        can_record_start: valid
            && licence.start_by.is_some()
            && licence.work_started_on.is_none()
            && auth.require(Action::DecideCase, &here).is_ok(),
        today: today.to_string(),
        status_zh: licence.status_zh_on(today),
        valid_until: licence.valid_until.to_string(),
        application_case: licence.application_case.clone(),
        renewal_refused_on: licence.renewal_refused_on.map(|d| d.to_string()),
        item_name: licence.item_name.clone(),
        holder: licence.holder.clone(),
        licence_id: licence.licence_id.clone(),
        events: events.iter().map(row).collect(),
        purposes: LicencePurpose::ALL
            .iter()
            .map(|p| (p.code(), p.name_zh()))
            .collect(),
        grounds: RevocationGround::ALL
            .iter()
            .map(|g| (g.code(), g.name_zh()))
            .collect(),
        cancel_reasons: CancelReason::ALL
            .iter()
            .filter(|r| **r != CancelReason::HolderApplication)
            .map(|r| (r.code(), r.name_zh()))
            .collect(),
    })
}
