//! What a supervising department may see of a case pushed to it: the push (licensee, licence
//! number, item, validity), the case's item, status and steps, and the applicant with the
//! numbers masked as for any member of staff who does not meet the applicant in person
//! (`services::masking`). A department reaches a case only through a push made to it; any
//! other case, or another department's push, is refused like another department's claim.

use oneseal_domain::access::{Action, Principal, Target, authorize};
use oneseal_domain::case::CaseNumber;
use oneseal_store::Store;
use oneseal_store::linkage::pushes::{self as store, PushRow};
use serde::Serialize;

use super::error::LinkageError;
use super::supervisor::{parse_dept, parse_division};
use crate::services::cases::{CaseServiceError, sheet};
use crate::services::masking::{ApplicantView, applicant_view};

/// One step of the case: its date and name (who acted stays on the bureau's own pages).
#[derive(Debug, Clone, Serialize)]
pub struct SummaryStep {
    pub on: String,
    pub step_zh: &'static str,
}

/// The case summary of a push.
#[derive(Debug, Clone, Serialize)]
pub struct CaseSummary {
    pub push: PushRow,
    pub case_number: String,
    pub item_code: String,
    pub item_name: String,
    pub status_zh: &'static str,
    pub received_on: String,
    pub applicant: ApplicantView,
    pub licence_id: Option<String>,
    pub steps: Vec<SummaryStep>,
}

/// The summary of the case behind push `push_id`, for a principal that may view that push.
///
/// # Errors
/// `NotFound("push")` for no such push; `Denied` for another department's push.
pub async fn case_summary(
    store: &Store,
    principal: Principal,
    push_id: String,
    today: String,
) -> Result<CaseSummary, LinkageError> {
    store
        .read(move |c| {
            let push = store::row(c, &push_id, &today)?.ok_or(LinkageError::NotFound("push"))?;
            let j = parse_division(&push.jurisdiction)?;
            let department = match &push.department {
                Some(d) => Some(parse_dept(d)?),
                None => None,
            };
            authorize(
                &principal,
                Action::ViewPushes,
                &Target {
                    jurisdiction: j,
                    department,
                },
            )?;
            let number = CaseNumber::parse(&push.case_number)
                .map_err(|e| LinkageError::Internal(format!("stored case number: {e}")))?;
            let s = sheet(c, &number).map_err(|e| match e {
                CaseServiceError::NotFound => LinkageError::NotFound("case"),
                e => LinkageError::Internal(e.to_string()),
            })?;
            let r = s.case.received();
            Ok(CaseSummary {
                case_number: push.case_number.clone(),
                item_code: r.item.basic_code.to_string(),
                item_name: r.item.name.clone(),
                status_zh: s.case.status().name_zh(),
                received_on: s
                    .events
                    .first()
                    .map(|e| e.date().to_string())
                    .unwrap_or_default(),
                applicant: applicant_view(&r.applicant, &principal.roles),
                licence_id: s.licence_id,
                steps: s
                    .events
                    .iter()
                    .map(|e| SummaryStep {
                        on: e.date().to_string(),
                        step_zh: e.name_zh(),
                    })
                    .collect(),
                push,
            })
        })
        .await
}
