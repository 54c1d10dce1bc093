//! A platform's callbacks: each public step of a case the platform forwarded, put on the
//! platform's feed in the step's own transaction and delivered by the departments' webhook
//! worker (`background::webhook_delivery`). Apart from the intake because `services::cases`
//! calls it at every step and must not import the intake, which uses `cases`.

use oneseal_domain::case::{Case, CaseEvent, CaseStatus, Channel};
use oneseal_domain::platform::{LICENCE_ISSUED, callback_step};
use oneseal_store::platform::{self as store, Callback, Forwarded};
use oneseal_store::{Conn, StoreError};
use serde_json::json;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The kind of a callback on the platform's feed: `platform.` and the step (the CloudEvent's
/// type is `cn.gov.approval.platform.<step>`).
pub const KIND_PREFIX: &str = "platform.";

/// The Chinese name of a step a callback names.
fn step_zh(step: &str) -> &'static str {
    match step {
        "received" => "收件",
        "one_time_notice" => "一次性告知补正",
        "supplement_received" => "收到补正材料",
        "accepted" => "受理",
        "not_accepted" => "不予受理",
        "special_procedure_started" => "特别程序开始",
        "special_procedure_ended" => "特别程序结束",
        "extended" => "批准延期",
        "decided" => "作出决定",
        "delivered" => "送达",
        "withdrawn" => "撤回申请",
        LICENCE_ISSUED => "发放许可证",
        _ => "",
    }
}

/// Puts one callback on the platform's feed (and its delivery queue): the reference, the case
/// number, the step, the status it leaves and the time; nothing about the applicant.
pub(crate) fn tell(
    conn: &mut dyn Conn,
    f: &Forwarded,
    idx: u64,
    step: &str,
    status: CaseStatus,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let body = json!({
        "platform_ref": f.platform_ref,
        "case_number": f.case_number,
        "step": step,
        "step_zh": step_zh(step),
        "status": status.code(),
        "status_zh": status.name_zh(),
        "at": now.format(&Rfc3339).unwrap_or_default(),
        "ledger_index": idx,
    });
    store::enqueue_callback(
        conn,
        &Callback {
            jurisdiction: &f.jurisdiction,
            idx,
            platform: &f.platform,
            kind: &format!("{KIND_PREFIX}{step}"),
            platform_ref: &f.platform_ref,
            body: &body.to_string(),
            now: now.unix_timestamp(),
        },
    )
}

/// The application a case was forwarded as, for an online case.
fn forwarded(conn: &mut dyn Conn, case: &Case) -> Result<Option<Forwarded>, StoreError> {
    let r = case.received();
    if r.channel != Channel::Online {
        return Ok(None);
    }
    store::of_case(conn, r.case_number.as_str())
}

/// After a case step recorded at `idx` (the case as it leaves it): the platform the case came
/// from is told of it, when it is a public step. Only online cases are looked up.
///
/// # Errors
/// The store's failure (the step rolls back with it).
pub fn after_step(
    conn: &mut dyn Conn,
    case: &Case,
    event: &CaseEvent,
    idx: u64,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let Some(step) = callback_step(event) else {
        return Ok(());
    };
    let Some(f) = forwarded(conn, case)? else {
        return Ok(());
    };
    tell(conn, &f, idx, step, case.status(), now)
}

/// After a licence was sealed (its `document.sealed` entry at `idx`): the platform is told.
///
/// # Errors
/// The store's failure.
pub fn after_licence(
    conn: &mut dyn Conn,
    case: &Case,
    idx: u64,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let Some(f) = forwarded(conn, case)? else {
        return Ok(());
    };
    tell(conn, &f, idx, LICENCE_ISSUED, case.status(), now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_a_callback_names_has_a_chinese_name() {
        for step in oneseal_domain::platform::STEPS {
            assert!(!step_zh(step).is_empty(), "{step}");
        }
    }
}
