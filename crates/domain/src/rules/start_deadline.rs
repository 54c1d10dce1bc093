//! The rules of 建筑法 Art. 9 (issue #21 item 1): a construction permit whose work has not started
//! within its start deadline (as extended), with no request to start later awaiting a decision,
//! lapses by law (自行废止). `start_deadline` makes that visible to the bureau head, once per
//! licence, so the bureau can confirm an earlier start or cancel the permit (Art. 70(6));
//! `start_extension_undecided` tells the head of a request left undecided past the bureau's own
//! limit (the law sets none, and a pending request keeps the permit alive).
//!
//! Apart from `builtin.rs` because it reads licence events, which no other built-in rule does.

use time::Date;

use super::engine::Engine;
use super::model::RuleId;
use crate::calendar::TimeLimit;
use crate::licence::start::START_EXTENSION_DECISION_DAYS;
use crate::licence::{Licence, LicenceEvent};

/// Raises `start_deadline` on every valid licence past its (extended) start deadline with
/// neither a start nor a request to start later awaiting a decision.
pub(super) fn overdue_starts(engine: &mut Engine, today: Date, at_index: u64) {
    let due: Vec<(String, u64, Licence, Date)> = engine
        .licences
        .iter()
        .filter_map(|(id, (first, events))| {
            let licence = Licence::apply(events).ok()?;
            let due = licence.start_overdue(today)?;
            Some((id.clone(), *first, licence, due))
        })
        .collect();
    for (id, first, licence, due) in due {
        let head = engine.heads.iter().next().cloned();
        let item = &licence.item_name;
        // The words of the cards raised before extensions were decided stay as they were.
        let message = if licence.start_extensions_granted == 0
            && licence.start_extension_refused_on.is_none()
        {
            format!(
                "证照{id}（{item}）应于{due}前开工，逾期既未开工也未申请延期，依法自行废止（建筑法第九条）"
            )
        } else {
            format!(
                "证照{id}（{item}）应于{due}前开工（已准予延期{}次），逾期未开工，依法自行废止（建筑法第九条）",
                licence.start_extensions_granted
            )
        };
        engine.raise(
            RuleId::StartDeadline,
            format!("licence:{id}"),
            message,
            head,
            None,
            first,
            at_index,
            today,
        );
    }
}

/// Raises `start_extension_undecided` on every request to start later still undecided after
/// [`START_EXTENSION_DECISION_DAYS`] working days (a bureau policy), once per request.
pub(super) fn undecided_extensions(engine: &mut Engine, today: Date, at_index: u64) {
    let limit = TimeLimit::working_days(START_EXTENSION_DECISION_DAYS);
    let late: Vec<(String, u64, String, Date, usize)> = engine
        .licences
        .iter()
        .filter_map(|(id, (first, events))| {
            let licence = Licence::apply(events).ok()?;
            let asked = licence.start_extension_pending()?;
            let due = engine.calendar.deadline(asked, limit, &[]).ok()?.due;
            let nth = events
                .iter()
                .filter(|e| matches!(e, LicenceEvent::StartExtensionRequested { .. }))
                .count();
            (today > due).then(|| (id.clone(), *first, licence.item_name, asked, nth))
        })
        .collect();
    for (id, first, item, asked, nth) in late {
        let head = engine.heads.iter().next().cloned();
        engine.raise(
            RuleId::StartExtensionUndecided,
            format!("licence:{id}:start-extension:{nth}"),
            format!(
                "证照{id}（{item}）{asked}申请延期开工，{START_EXTENSION_DECISION_DAYS}个工作日内未作决定（本局规定；建筑法第九条）"
            ),
            head,
            None,
            first,
            at_index,
            today,
        );
    }
}
