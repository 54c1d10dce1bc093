//! The rule of joint review (`consultation_overdue`): a department asked for its opinion on a
//! case that has not answered by the due date is alerted the day after, once per consultation,
//! to the asked department and the bureau head — the same duty as a push's claim
//! (`unclaimed_push`), since the case's clock runs on while the bureau waits (Art. 45 does not
//! exclude an ordinary opinion).
//!
//! Apart from `builtin.rs` so that file keeps only its hook lines. The message names the
//! consultation, the case and the dates: never the question or an opinion's text.

use time::Date;

use super::engine::Engine;
use super::model::RuleId;
use crate::case::CaseEvent;
use crate::consultation::Consultation;

/// Whether the case's history holds its end before a decision could use an opinion: the
/// decision, a withdrawal or a refusal to accept (a retired case holds one, `rules::retire`).
pub(super) fn settled(engine: &Engine, case_number: &str) -> bool {
    engine.retired.contains_key(case_number)
        || engine.cases.get(case_number).is_some_and(|t| {
            t.events.iter().any(|e| {
                matches!(
                    e,
                    CaseEvent::Decided { .. }
                        | CaseEvent::Withdrawn { .. }
                        | CaseEvent::NotAccepted { .. }
                )
            })
        })
}

/// Raises `consultation_overdue` on every consultation unanswered after its due date, unless
/// its case was settled meanwhile (the opinion can no longer inform the decision).
pub(super) fn overdue(engine: &mut Engine, today: Date, at_index: u64) {
    let late: Vec<(String, u64, Consultation)> = engine
        .consultations
        .iter()
        .filter_map(|(id, (first, events))| {
            let c = Consultation::apply(events).ok()?;
            (c.is_overdue(today) && !settled(engine, &c.asked.case_number))
                .then(|| (id.clone(), *first, c))
        })
        .collect();
    for (id, first, c) in late {
        let a = &c.asked;
        engine.raise(
            RuleId::ConsultationOverdue,
            format!("consultation:{id}"),
            format!(
                "办件{}向{}征求意见（{}），答复期限{}已过，尚未答复",
                a.case_number, a.department, id, a.due_on
            ),
            None,
            Some(a.department.clone()),
            first,
            at_index,
            today,
        );
    }
}
