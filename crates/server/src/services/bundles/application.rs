//! One application as staff and the applicant see it: its cases side by side with their statuses,
//! the overall status ([`oneseal_domain::bundle::overall`]) and the promise for the whole; and
//! the rule a case step obeys in a blocking bundle is `rule`'s.

use oneseal_domain::bundle::{BundleStatus, RefusalPolicy, overall};
use oneseal_domain::calendar::{Calendar, TimeLimit};
use oneseal_domain::case::CaseStatus;
use oneseal_store::Conn;
use oneseal_store::bundles::{MemberRow, application_of, members};
use serde::Serialize;
use time::Date;

use super::catalog::{BundleError, find};
use crate::services::cases::CaseServiceError;

/// One case of an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberView {
    pub case_number: String,
    pub position: i64,
    pub item_code: String,
    pub item_name: String,
    pub status: u8,
    pub status_zh: &'static str,
    pub closed: bool,
}

/// An application with its overall status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApplicationView {
    pub application: String,
    pub jurisdiction: String,
    pub bundle: String,
    pub bundle_name: String,
    pub received_on: String,
    pub status: BundleStatus,
    pub status_zh: &'static str,
    pub refusal: RefusalPolicy,
    pub refusal_zh: &'static str,
    /// The whole's promised limit, counted from receipt (`None` when the calendar cannot count
    /// it).
    pub promised_working_days: u32,
    pub promised_due: Option<String>,
    pub provisional: bool,
    /// Open past the promised due date.
    pub overdue: bool,
    /// How many cases the receipts said the application opened (all of them are listed).
    pub expected_cases: i64,
    pub cases: Vec<MemberView>,
}

fn status_of(row: &MemberRow) -> Result<CaseStatus, CaseServiceError> {
    u8::try_from(row.status)
        .ok()
        .and_then(CaseStatus::from_code)
        .ok_or_else(|| {
            CaseServiceError::Corrupt(format!("case {} status {}", row.case_number, row.status))
        })
}

/// The view of application `rows` (its cases, in order) on `today`.
///
/// # Errors
/// `UnknownApplication` when there are no rows; a stored status that is no BLZT code.
pub fn view(
    rows: &[MemberRow],
    calendar: &Calendar,
    today: Date,
) -> Result<ApplicationView, BundleError> {
    let first = rows.first().ok_or(BundleError::UnknownApplication)?;
    let statuses = rows.iter().map(status_of).collect::<Result<Vec<_>, _>>()?;
    let policy = if first.blocks {
        RefusalPolicy::BlocksOthers
    } else {
        RefusalPolicy::Independent
    };
    let status = overall(policy, &statuses);
    let bundle = find(&first.bundle_code).ok();
    let promised = bundle.map_or(0, |b| b.promised_working_days);
    let received = Date::parse(
        &first.received_on,
        &time::format_description::well_known::Iso8601::DATE,
    )
    .ok();
    let due = received.and_then(|r| {
        calendar
            .deadline(r, TimeLimit::working_days(promised), &[])
            .ok()
    });
    Ok(ApplicationView {
        application: first.application.clone(),
        jurisdiction: first.jurisdiction.clone(),
        bundle: first.bundle_code.clone(),
        bundle_name: bundle.map_or_else(|| first.bundle_code.clone(), |b| b.name.clone()),
        received_on: first.received_on.clone(),
        status,
        status_zh: status.name_zh(),
        refusal: policy,
        refusal_zh: policy.name_zh(),
        promised_working_days: promised,
        promised_due: due.as_ref().map(|d| d.due.to_string()),
        provisional: due.as_ref().is_some_and(|d| d.provisional),
        overdue: !status.is_final() && due.as_ref().is_some_and(|d| today > d.due),
        expected_cases: first.members,
        cases: rows
            .iter()
            .zip(&statuses)
            .map(|(r, s)| MemberView {
                case_number: r.case_number.clone(),
                position: r.position,
                item_code: r.item_code.clone(),
                item_name: r.item_name.clone(),
                status: s.code(),
                status_zh: s.name_zh(),
                closed: r.closed,
            })
            .collect(),
    })
}

/// Application `application` (or the application of the case of that number) on `today`.
///
/// # Errors
/// `UnknownApplication`; the store's failure.
pub fn find_application(
    conn: &mut dyn Conn,
    application: &str,
    calendar: &Calendar,
    today: Date,
) -> Result<ApplicationView, BundleError> {
    let id = application_of(conn, application)?.ok_or(BundleError::UnknownApplication)?;
    view(&members(conn, &id)?, calendar, today)
}

/// The application of case `case_number` for its public progress page (only codes, item names
/// and statuses), if the case belongs to one. The caller has checked the case's query code;
/// the application's cases share it.
///
/// # Errors
/// The store's failure.
pub fn public_application(
    conn: &mut dyn Conn,
    case_number: &str,
    calendar: &Calendar,
    today: Date,
) -> Result<Option<ApplicationView>, BundleError> {
    match find_application(conn, case_number, calendar, today) {
        Ok(v) => Ok(Some(v)),
        Err(BundleError::UnknownApplication) => Ok(None),
        Err(e) => Err(e),
    }
}
