//! The rule of Art. 50 (issue #21 item 13): a renewal applied for in time that the bureau has not
//! decided by the licence's expiry is deemed granted. The law decides for the bureau; the rule
//! makes that visible to whoever holds the case and to the bureau head, once per case.
//!
//! Apart from `builtin.rs` because it reads the licence link of a case's receipt, which only
//! renewal cases carry.

use time::Date;

use super::engine::Engine;
use super::model::RuleId;
use crate::case::{Case, CaseEvent};

/// Raises `deemed_renewal` on every renewal case still undecided after its licence's expiry.
pub(super) fn deemed_renewals(engine: &mut Engine, today: Date, at_index: u64) {
    let due: Vec<(String, u64, Option<crate::org::StaffId>, String, Date)> = engine
        .cases
        .iter()
        .filter_map(|(number, t)| {
            let Some(CaseEvent::Received(r)) = t.events.first() else {
                return None;
            };
            let link = r.licence.as_ref()?;
            let case = Case::apply(&t.events).ok()?;
            case.renewal_deemed_granted(today).then(|| {
                (
                    number.clone(),
                    t.first_index,
                    t.holder.clone(),
                    link.licence_id.clone(),
                    link.expires_on,
                )
            })
        })
        .collect();
    for (number, first, holder, licence, expired) in due {
        engine.raise(
            RuleId::DeemedRenewal,
            format!("case:{number}"),
            format!(
                "办件{number}：证照{licence}的延续申请已按期提出，有效期{expired}届满前未作决定，依法视为准予延续"
            ),
            holder,
            None,
            first,
            at_index,
            today,
        );
    }
}
