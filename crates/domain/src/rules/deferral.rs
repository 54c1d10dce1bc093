//! The rule of 容缺受理 (issue #19 item 6): the applicant committed in writing to supply the
//! deferred materials by an agreed date; once it has passed with some still owed, the clerk who
//! accepted is told, once per case, so the bureau can chase them (and, for an undecided case,
//! weigh a refusal). While the licence of a grant waits for them, the delivery clock of Art. 44
//! does not run: it starts again when the last one arrives.
//!
//! Apart from `builtin.rs` so that file keeps only its hook lines. It reads the cases the
//! engine already tracks: no field of its own.

use time::Date;

use super::engine::{CaseTrack, Engine};
use super::model::RuleId;
use crate::case::{Case, CaseEvent};

/// The day's timer on an open case with a deferral past its agreed date.
pub(super) fn timers(engine: &mut Engine, number: &str, t: &CaseTrack, today: Date, at_index: u64) {
    if !t.events.iter().any(|e| matches!(e, CaseEvent::Deferral(_))) {
        return;
    }
    let Ok(case) = Case::apply(&t.events) else {
        return;
    };
    let Some(d) = case.deferral().filter(|d| d.overdue(today)) else {
        return;
    };
    let owed = d.outstanding().len();
    let held = if case.licence_held() {
        "，证照暂缓发放"
    } else {
        ""
    };
    engine.raise(
        RuleId::DeferredMaterials,
        format!("case:{number}"),
        format!(
            "办件{number}：容缺受理约定{}前补交的{owed}项材料逾期未补交{held}",
            d.due
        ),
        Some(d.by.clone()),
        None,
        t.first_index,
        at_index,
        today,
    );
}

/// The day Art. 44's delivery clock of a decided case starts from: the decision day, or the
/// day the last deferred material arrived after it; `None` while the licence is held.
pub(super) fn delivery_from(events: &[CaseEvent], decided_on: Date) -> Option<Date> {
    if !events.iter().any(|e| matches!(e, CaseEvent::Deferral(_))) {
        return Some(decided_on);
    }
    let Ok(case) = Case::apply(events) else {
        return Some(decided_on);
    };
    if case.licence_held() {
        return None;
    }
    Some(
        case.deferral()
            .and_then(crate::case::Deferral::completed_on)
            .map_or(decided_on, |c| c.max(decided_on)),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use time::macros::date;

    use super::super::model::RuleId;
    use super::super::tests::Log;
    use crate::case::deferral_tests::{RULES, granted_with_rules_owed, receive};
    use crate::case::testkit::CLERK;

    #[test]
    fn rongque_materials_past_the_agreed_date_raise_deferred_materials_once() {
        let h = granted_with_rules_owed(); // agreed date 2026-11-12
        let mut log = Log::new();
        log.case(&h.events);
        log.tick(date!(2026 - 11 - 12));
        assert!(!log.rules().contains(&RuleId::DeferredMaterials));
        log.tick(date!(2026 - 11 - 13));
        log.tick(date!(2026 - 11 - 16));
        let alerts = super::super::evaluate(crate::case::testkit::cal(), &log.items);
        let raised: Vec<_> = alerts
            .iter()
            .filter(|a| a.rule == RuleId::DeferredMaterials)
            .collect();
        assert_eq!(raised.len(), 1, "{alerts:?}");
        assert!(raised[0].message_zh.contains("证照暂缓发放"));
        assert_eq!(raised[0].responsible.as_ref().unwrap().as_str(), CLERK);
    }

    #[test]
    fn art44_a_held_licence_runs_no_delivery_clock_until_the_materials_arrive() {
        let mut h = granted_with_rules_owed(); // decided 2026-11-02
        let mut log = Log::new();
        log.case(&h.events);
        log.tick(date!(2026 - 11 - 30)); // 20 working days after the decision
        assert!(!log.rules().contains(&RuleId::DeliveryDeadline));
        let on = date!(2026 - 12 - 01);
        let received = h.run(CLERK, on, receive(RULES));
        log.case(&received);
        log.tick(date!(2026 - 12 - 14)); // 9 working days after the arrival
        assert!(!log.rules().contains(&RuleId::DeliveryDeadline));
        log.tick(date!(2026 - 12 - 16)); // 11
        assert!(log.rules().contains(&RuleId::DeliveryDeadline));
    }
}
