//! The rules of 告知承诺制 (issue #19 item 5, `crate::commitment`):
//!
//! * `commitment_verification_overdue`: a verification task still unanswered the day after its
//!   due date, once per case, to the supervising department (the bureau head where the item had
//!   no department mapped) — unless the licence already ended (revoked, withdrawn, cancelled).
//! * `commitment_revocation_missing`: a commitment found false whose licence is still not revoked
//!   [`REVOCATION_DAYS`] working days after the finding, to the bureau head: Art. 69 para 2
//!   says a licence obtained by deception *shall* be revoked.
//!
//! Apart from `builtin.rs` so that file keeps only its hook lines. The messages name the case,
//! the licence, the department and the dates: never the finding's text.

use time::Date;

use super::engine::Engine;
use super::model::RuleId;
use crate::commitment::Verification;
use crate::licence::{Licence, LicenceStatus};

/// Working days the bureau has, after a false finding, to revoke before the rule alerts (the
/// bureau's policy: the law says "shall revoke" without a period; ten working days matches the
/// delivery duty of Art. 44).
pub const REVOCATION_DAYS: u32 = 10;

/// The licence's status when the engine has seen it.
fn licence_status(engine: &Engine, id: Option<&str>) -> Option<LicenceStatus> {
    let (_, events) = engine.licences.get(id?)?;
    Licence::apply(events).ok().map(|l| l.status)
}

fn verifications(engine: &Engine) -> Vec<(String, u64, Verification)> {
    engine
        .commitments
        .iter()
        .filter_map(|(n, (first, events))| {
            Verification::apply(events)
                .ok()
                .map(|v| (n.clone(), *first, v))
        })
        .collect()
}

/// Raises `commitment_verification_overdue` on each task unanswered after its due date whose
/// licence is still in force (or unknown to the engine).
pub(super) fn overdue(engine: &mut Engine, today: Date, at_index: u64) {
    for (number, first, v) in verifications(engine) {
        if !v.is_overdue(today) {
            continue;
        }
        let a = &v.asked;
        let status = licence_status(engine, a.licence_id.as_deref());
        if status.is_some_and(|s| s != LicenceStatus::Valid) {
            continue;
        }
        let head = engine.heads.iter().next().cloned();
        let dept = a
            .department
            .as_ref()
            .map_or_else(|| "（未设主管部门）".to_owned(), ToString::to_string);
        engine.raise(
            RuleId::CommitmentVerificationOverdue,
            format!("commitment:{number}"),
            format!(
                "办件{number}（告知承诺）应由{dept}于{}前完成承诺核查，至今未答复核查结果",
                a.due_on
            ),
            if a.department.is_some() { None } else { head },
            a.department.clone(),
            first,
            at_index,
            today,
        );
    }
}

/// Raises `commitment_revocation_missing` on each false finding whose licence is still valid
/// more than [`REVOCATION_DAYS`] working days later.
pub(super) fn revocation_missing(engine: &mut Engine, today: Date, at_index: u64) {
    for (number, first, v) in verifications(engine) {
        let Some(found_on) = v.found_false() else {
            continue;
        };
        let a = &v.asked;
        if licence_status(engine, a.licence_id.as_deref()) != Some(LicenceStatus::Valid) {
            continue;
        }
        // A year the calendar does not know counts as not overdue.
        let days = engine
            .calendar
            .working_days_between(found_on, today, &[])
            .unwrap_or(0);
        if days <= REVOCATION_DAYS {
            continue;
        }
        let head = engine.heads.iter().next().cloned();
        let licence = a.licence_id.clone().unwrap_or_default();
        engine.raise(
            RuleId::CommitmentRevocationMissing,
            format!("commitment:{number}"),
            format!(
                "办件{number}的告知承诺经核查不实（{found_on}），证照{licence}至今未依法撤销（行政许可法第六十九条第二款）"
            ),
            head,
            None,
            first,
            at_index,
            today,
        );
    }
}
