//! The public progress page (no sign-in, no personal data): case number + query code.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use oneseal_domain::case::{CaseStatus, PublicProgress};
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
    /// The current status in plain words (the platform's `补正(开始)` is for the platform).
    plain_status: &'static str,
    /// The one-time notice still to answer: the checklist's materials it names.
    notice: Option<crate::services::progress_notice::PublicNotice>,
    /// The "one thing" application the case belongs to, its cases side by side (issue #20).
    bundle: Option<crate::services::bundles::ApplicationView>,
}

impl ProgressPage {
    fn step_name(&self, kind: &str) -> &'static str {
        plain_step(kind)
    }
}

/// What a status means for the applicant, in plain words (issue #19 item 8); the platform's
/// names (`CaseStatus::name_zh`) stay on the staff's pages and in the exchange.
fn plain_status(s: CaseStatus) -> &'static str {
    match s {
        CaseStatus::Received => "已收到您的申请，等待受理",
        CaseStatus::Withdrawn => "您已撤回申请",
        CaseStatus::Accepted => "已受理，正在办理",
        CaseStatus::NotAccepted => "不受理：本事项依法不需要取得行政许可",
        CaseStatus::AcceptanceRefused => "不予受理：理由见不予受理决定书",
        CaseStatus::SupplementStarted => "请您补正材料：需要补交的材料见一次性告知书",
        CaseStatus::SupplementEnded => "补正材料已收到，等待受理",
        CaseStatus::HandlingStarted => "正在审查",
        CaseStatus::SpecialProcedureStarted => "正在听证、检验等特别程序，这段时间不计入办理时限",
        CaseStatus::SpecialProcedureEnded => "特别程序已结束，继续审查",
        CaseStatus::Approved => "已办结：准予许可",
        CaseStatus::ApprovedWithDeferredMaterials => "已办结：准予许可，尚有材料待补交",
        CaseStatus::Refused => "已办结：不予许可，理由和救济途径见决定书",
        CaseStatus::Recalled => "许可已撤回",
        CaseStatus::Revoked => "许可已撤销",
    }
}

/// A step of the log in plain words, from its event kind (the receipts list).
fn plain_step(kind: &str) -> &'static str {
    match kind {
        "received" => "收到申请",
        "one_time_notice_issued" => "一次性告知补正",
        "supplement_received" => "收到补正材料",
        "accepted" => "受理",
        "not_accepted" => "不予受理",
        "review_step" => "审查",
        "special_procedure_started" => "特别程序开始",
        "special_procedure_ended" => "特别程序结束",
        "extension_approved" => "延长办理期限",
        "extension_notified" => "告知延长办理期限",
        "decided" => "作出决定",
        "delivered" => "送达",
        "withdrawn" => "撤回申请",
        "deferral" => "容缺受理",
        _ => "办理环节",
    }
}

/// What a visitor typed, as the codes are written: spaces, dashes and full-width characters
/// (a Chinese input method's digits and letters) dropped or made plain, letters upper case.
fn typed_code(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            let c = match u32::from(c) {
                // Full-width ASCII (！ to ～) to ASCII.
                0xFF01..=0xFF5E => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
                _ => c,
            };
            (!(c.is_whitespace() || matches!(c, '-' | '—' | '_'))).then_some(c.to_ascii_uppercase())
        })
        .collect()
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
        plain_status: "",
        notice: None,
        bundle: None,
    };
    if let (Some(case), Some(code)) = (f.case, f.code) {
        let (case, code) = (typed_code(&case), typed_code(&code));
        page.case.clone_from(&case);
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
                page.plain_status = plain_status(p.status);
                if p.status == CaseStatus::SupplementStarted {
                    let number = p.case_number.clone();
                    page.notice = state
                        .store
                        .read(move |c| crate::services::progress_notice::pending_notice(c, &number))
                        .await
                        .map_err(ApiError::from)?;
                }
                let (n, cal) = (p.case_number.to_string(), calendar.clone());
                let today = oneseal_domain::case::legal_date(state.clock.now());
                page.bundle = state
                    .store
                    .read(move |c| crate::services::bundles::public_application(c, &n, &cal, today))
                    .await
                    .map_err(ApiError::from)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_as_written_with_spaces_lower_case_or_full_width() {
        assert_eq!(
            typed_code(" 3701 0020 2612 0600 0001 "),
            "37010020261206000001"
        );
        assert_eq!(typed_code("abcd-efgh-jkmn"), "ABCDEFGHJKMN");
        assert_eq!(typed_code("３７０１\u{3000}ａｂ"), "3701AB");
    }

    #[test]
    fn no_platform_wording_reaches_the_public() {
        for s in CaseStatus::ALL {
            let plain = plain_status(s);
            assert!(!plain.contains('(') && !plain.is_empty(), "{plain}");
        }
    }
}
