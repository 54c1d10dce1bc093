//! Art. 78 in a case's history: "行政许可申请人隐瞒有关情况或者提供虚假材料申请行政许可的，行政机关不予
//! 受理或者不予行政许可 … 行政许可申请属于直接关系公共安全、人身健康、生命财产安全事项的，申请人在一年内
//! 不得再次申请该行政许可". Either answer, a non-acceptance on the ground `false_materials` or a refusal
//! marked `false_materials`, starts the one-year ban on items flagged `public_safety`.
//!
//! Read from the events (not the fold) because the fold keeps the status of a non-acceptance, not
//! its ground. [`art78_ban`] reads a whole history; the store records each ban as its event is
//! written, asking `super::bans` about that one event, and intake reads those records.

use time::Date;

use super::event::{CaseEvent, Decision, NonAcceptance, Received, legal_date};
use crate::licence::ban::{Ban, BanArticle};

/// The day the application was not accepted or refused for concealed facts or false materials.
#[must_use]
pub fn false_materials_on(events: &[CaseEvent]) -> Option<Date> {
    events.iter().find_map(false_materials_at)
}

/// The day `event` answers the application for concealed facts or false materials, if it is
/// such an answer (a non-acceptance on that ground, or a refusal marked so).
#[must_use]
pub fn false_materials_at(event: &CaseEvent) -> Option<Date> {
    match event {
        CaseEvent::NotAccepted {
            outcome: NonAcceptance::FalseMaterials { .. },
            on,
            ..
        } => Some(*on),
        CaseEvent::Decided {
            decision: Decision::Refuse(r),
            decided_at,
            ..
        } if r.false_materials() => Some(legal_date(*decided_at)),
        _ => None,
    }
}

/// Whether the item, as the case pinned it on receipt, bears directly on public safety, health,
/// life or property (its `public_safety` setting): the only items Art. 78–79 ban anyone from.
#[must_use]
pub fn bears_on_safety(received: &Received) -> bool {
    received
        .item
        .legal
        .as_ref()
        .is_some_and(|l| l.public_safety.is_some())
}

/// The Art. 78 ban the history imposes: only on an item bearing on public safety, health, life
/// or property (the item's `public_safety` setting as the case pinned it on receipt).
#[must_use]
pub fn art78_ban(events: &[CaseEvent]) -> Option<Ban> {
    let Some(CaseEvent::Received(r)) = events.first() else {
        return None;
    };
    if !bears_on_safety(r) {
        return None;
    }
    let on = false_materials_on(events)?;
    Some(Ban::new(
        BanArticle::Art78,
        r.item.basic_code.to_string(),
        on,
    ))
}
