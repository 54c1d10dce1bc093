//! The rule of 建筑法 Art. 9 (issue #21 item 1): a construction permit whose work has not started
//! within the item's start deadline, and whose holder did not ask to start later, lapses by law
//! (自行废止). The rule makes that visible to the bureau head, once per licence, so the bureau
//! can confirm the start or cancel the permit (Art. 70(6)).
//!
//! Apart from `builtin.rs` because it reads licence events, which no other built-in rule does.

use time::Date;

use super::engine::Engine;
use super::model::RuleId;
use crate::licence::Licence;

/// Raises `start_deadline` on every valid licence past its start deadline with neither a start
/// nor a request to start later.
pub(super) fn overdue_starts(engine: &mut Engine, today: Date, at_index: u64) {
    let due: Vec<(String, u64, String, Date)> = engine
        .licences
        .iter()
        .filter_map(|(id, (first, events))| {
            let licence = Licence::apply(events).ok()?;
            let due = licence.start_overdue(today)?;
            Some((id.clone(), *first, licence.item_name, due))
        })
        .collect();
    for (id, first, item, due) in due {
        let head = engine.heads.iter().next().cloned();
        engine.raise(
            RuleId::StartDeadline,
            format!("licence:{id}"),
            format!(
                "证照{id}（{item}）应于{due}前开工，逾期既未开工也未申请延期，依法自行废止（建筑法第九条）"
            ),
            head,
            None,
            first,
            at_index,
            today,
        );
    }
}
