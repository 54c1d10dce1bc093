//! The case page's materials desk: the catalog item's checklist beside the files received
//! (with their preview links), the upload form, and the one-time notice (一次性告知) built by
//! ticking the checklist's missing items, with its printable view at `/cases/{n}/notice`.
//!
//! Its parts of the case page sit in their own templates (`case_materials.html`,
//! `case_notice_form.html`), included by `case.html`, so other work on the page does not meet
//! them. Uploads and the notice go through the JSON API (`api::materials`, the case's actions).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use oneseal_domain::access::{Action, Target};
use oneseal_domain::case::{Case, CaseEvent, CaseNumber, NoticeProblem, legal_date};
use oneseal_domain::material::MediaType;
use time::OffsetDateTime;

use super::{Nav, WebError, render};
use crate::AppState;
use crate::edge::auth::Auth;
use crate::error::ApiError;
use crate::services::cases::{CaseSheet, sheet};
use crate::services::masking::applicant_view;
use crate::services::materials::{MaterialError, checklist, received};

/// One material the catalog asks for, and whether a file or a digest of that name came in.
pub struct ChecklistRow {
    pub name: String,
    pub required: bool,
    /// 原件/复印件 as the catalog states them.
    pub copies: String,
    pub received: bool,
}

/// One file received, as the desk lists it.
pub struct ReceivedRow {
    pub name: String,
    /// PDF, OFD, JPEG or PNG.
    pub kind: &'static str,
    pub size: String,
    /// China Standard Time, to the minute.
    pub when: String,
    pub by: String,
    pub href: String,
    /// The browser shows it (PDF, image) rather than downloading it (OFD).
    pub inline: bool,
    pub image: bool,
}

/// The materials part of the case page.
#[derive(Default)]
pub struct MaterialsDesk {
    pub checklist: Vec<ChecklistRow>,
    pub files: Vec<ReceivedRow>,
    /// The visitor may upload (a clerk of the case's jurisdiction, the case not closed).
    pub can_upload: bool,
    /// The case has a one-time notice to print.
    pub has_notice: bool,
}

fn size_label(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / f64::from(1u32 << 20)),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

fn minute(rfc3339: &str) -> String {
    OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.to_offset(oneseal_domain::case::CHINA_STANDARD_TIME))
        .and_then(|t| {
            t.format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute]"
            ))
            .ok()
        })
        .unwrap_or_else(|| rfc3339.to_owned())
}

const fn kind_label(m: MediaType) -> &'static str {
    match m {
        MediaType::Pdf => "PDF",
        MediaType::Ofd => "OFD",
        MediaType::Jpeg => "JPEG",
        MediaType::Png => "PNG",
    }
}

/// The desk for `case` as `auth` sees it.
pub async fn desk(
    state: &AppState,
    auth: &Auth,
    number: &CaseNumber,
    case: &Case,
    events: &[CaseEvent],
) -> Result<MaterialsDesk, ApiError> {
    let (n, item) = (number.clone(), case.received().item.clone());
    let (listed, files) = state
        .store
        .read(move |c| Ok::<_, MaterialError>((checklist(c, &n, &item)?, received(c, &n)?)))
        .await?;
    // A digest registered at intake or with the supplement counts as received too.
    let mut names: Vec<&str> = case
        .received()
        .materials
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    for e in events {
        if let CaseEvent::SupplementReceived { materials, .. } = e {
            names.extend(materials.iter().map(|m| m.name.as_str()));
        }
    }
    names.extend(files.iter().map(|f| f.name.as_str()));
    let checklist = listed
        .iter()
        .map(|m| ChecklistRow {
            name: m.name.clone(),
            required: m.required,
            copies: format!("原件{}份 复印件{}份", m.originals, m.copies),
            received: names.contains(&m.name.as_str()),
        })
        .collect();
    let files = files
        .into_iter()
        .map(|f| {
            let media = MediaType::from_code(&f.media_type).unwrap_or(MediaType::Ofd);
            ReceivedRow {
                href: format!("/api/v1/cases/{number}/materials/{}", f.sha256),
                name: f.name,
                kind: kind_label(media),
                size: size_label(f.size),
                when: minute(&f.uploaded_at),
                by: f.uploaded_by,
                inline: media.previews_inline(),
                image: matches!(media, MediaType::Jpeg | MediaType::Png),
            }
        })
        .collect();
    Ok(MaterialsDesk {
        checklist,
        files,
        can_upload: !case.is_closed()
            && auth
                .require(Action::IntakeCase, &Target::jurisdiction(number.division()))
                .is_ok(),
        has_notice: events
            .iter()
            .any(|e| matches!(e, CaseEvent::OneTimeNoticeIssued { .. })),
    })
}

/// One line of the printed notice.
pub struct NoticeLine {
    pub material: String,
    pub problem: &'static str,
    pub detail: String,
}

/// 一次性告知书: what the applicant must hand in, as issued.
#[derive(Template)]
#[template(path = "case_notice.html")]
struct NoticePage {
    nav: Nav,
    number: String,
    bureau: String,
    item: String,
    applicant: String,
    on: String,
    by: String,
    received_on: String,
    lines: Vec<NoticeLine>,
}

/// `GET /cases/{n}/notice`: the case's one-time notice as a page to print (or 404).
pub async fn notice_page(
    State(state): State<AppState>,
    auth: Auth,
    Path(number): Path<String>,
) -> Result<Html<String>, WebError> {
    let number = CaseNumber::parse(&number)
        .map_err(|e| ApiError::bad_request("bad_case_number", e.reason_zh(), e.to_string()))?;
    auth.require(Action::ViewCases, &Target::jurisdiction(number.division()))?;
    let n = number.clone();
    let CaseSheet {
        case,
        events,
        jurisdiction_name,
        ..
    } = state
        .store
        .read(move |c| sheet(c, &n))
        .await
        .map_err(ApiError::from)?;
    let (items, on, by) = events
        .iter()
        .find_map(|e| match e {
            CaseEvent::OneTimeNoticeIssued { items, on, by } => Some((items, on, by)),
            _ => None,
        })
        .ok_or(ApiError::NotFound("one-time notice"))?;
    let received = case.received();
    render(&NoticePage {
        nav: Nav::from_auth(Some(&auth)),
        number: number.to_string(),
        bureau: jurisdiction_name,
        item: received.item.name.clone(),
        applicant: applicant_view(&received.applicant, &auth.principal.roles).name,
        on: on.to_string(),
        by: by.as_str().to_owned(),
        received_on: legal_date(received.received_at).to_string(),
        lines: items
            .iter()
            .map(|i| NoticeLine {
                material: i.material.clone(),
                problem: match i.problem {
                    NoticeProblem::Missing => "缺少",
                    NoticeProblem::Incorrect => "需更正",
                },
                detail: i.detail.clone(),
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_times_read_as_people_write_them() {
        assert_eq!(size_label(999), "999 B");
        assert_eq!(size_label(1536), "1.5 KiB");
        assert_eq!(size_label(3 << 20), "3.0 MiB");
        assert_eq!(minute("2026-11-23T01:05:00Z"), "2026-11-23 09:05");
        assert_eq!(minute("not a time"), "not a time");
    }
}
