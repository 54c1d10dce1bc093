//! The rules of issue #21 items 5 and 13 that the hearing procedure and the materials list make
//! observable, apart from `builtin.rs` so that file keeps only its hook lines:
//!
//! - Art. 72(3), 36, 47 (`notice_duty`): a decision after the review found that others' major
//!   interests are concerned, without the interested parties or the right to a hearing told.
//! - Art. 72(8), 46–48 (`hearing_not_held`): a decision while a requested or announced hearing
//!   has no closed record, or on an item whose own law requires a hearing (Art. 46, the item's
//!   `hearing_required` pinned on the case) without any.
//! - Art. 47, 48 (`hearing_overdue`): a requested hearing not held within 20 working days, or a
//!   hearing noticed (or postponed) less than 7 days ahead, or postponed past the 20 days.
//! - Art. 31 (`unlisted_material`): a one-time notice asking for a material the item's
//!   published list does not name (the item version the case was received under).
//!
//! The messages name no party and quote no statement: alerts are read by inspectors and their
//! subject is public.

use time::Date;

use super::engine::{CaseTrack, Engine};
use super::model::RuleId;
use crate::calendar::TimeLimit;
use crate::case::{CaseEvent, HearingAct, HearingEvent, NOTICE_LEAD_DAYS, ORGANISE_DAYS};
use crate::org::StaffId;

/// How `builtin.rs` raises an alert about the case at hand (the same shape as its own alias, so
/// this module need not import it).
type Raise<'a> = dyn Fn(&mut Engine, RuleId, String, Option<StaffId>) + 'a;

/// What the recorded acts say, read from the events alone (a tampered history need not fold).
#[derive(Default)]
struct Acts {
    major_interests: bool,
    parties_notified: bool,
    right_notified: bool,
    started: Option<Date>,
    requested: Option<Date>,
    held_on: Option<Date>,
    closed: bool,
}

fn acts(events: &[CaseEvent]) -> Acts {
    let mut a = Acts::default();
    for e in events {
        let CaseEvent::Hearing(h) = e else { continue };
        match &h.act {
            HearingAct::FindMajorInterests => a.major_interests = true,
            HearingAct::NotifyParties { .. } => a.parties_notified = true,
            HearingAct::NotifyRight { .. } => a.right_notified = true,
            HearingAct::Request { .. } => {
                a.started = a.started.or(Some(h.on));
                a.requested = a.requested.or(Some(h.on));
            }
            HearingAct::Announce { .. } => a.started = a.started.or(Some(h.on)),
            HearingAct::Schedule { held_on, .. } | HearingAct::Reschedule { held_on, .. } => {
                a.held_on = Some(*held_on);
            }
            HearingAct::CloseRecord { .. } => a.closed = true,
            HearingAct::RecordStatement { .. } => {}
        }
    }
    a
}

/// The checks on a case step as it arrives.
pub(super) fn on_step(
    engine: &mut Engine,
    before: &[CaseEvent],
    event: &CaseEvent,
    raise: &Raise<'_>,
) {
    match event {
        CaseEvent::Decided { approver, .. } => {
            let a = acts(before);
            let who = Some(approver.clone());
            if a.major_interests && !a.parties_notified {
                raise(
                    engine,
                    RuleId::NoticeDuty,
                    "申请直接关系他人重大利益，未告知利害关系人即作出决定（第三十六条）".into(),
                    who.clone(),
                );
            } else if a.major_interests && !a.right_notified {
                raise(
                    engine,
                    RuleId::NoticeDuty,
                    "涉及申请人与他人之间重大利益关系，未告知听证权利即作出决定（第四十七条）"
                        .into(),
                    who.clone(),
                );
            }
            if a.started.is_some() && !a.closed {
                raise(
                    engine,
                    RuleId::HearingNotHeld,
                    "已申请或公告听证，听证笔录未签署即作出决定".into(),
                    who,
                );
            } else if a.started.is_none() && hearing_required(before) {
                raise(
                    engine,
                    RuleId::HearingNotHeld,
                    "该事项依法应当听证，未举行听证即作出决定（第四十六条）".into(),
                    who,
                );
            }
        }
        CaseEvent::Hearing(h) => on_hearing(engine, before, h, raise),
        CaseEvent::OneTimeNoticeIssued { by, items, .. } => {
            let Some(CaseEvent::Received(r)) = before.first() else {
                return;
            };
            let key = (r.item.basic_code.to_string(), r.item.version);
            let Some(listed) = engine.item_materials.get(&key) else {
                return;
            };
            let unlisted = items
                .iter()
                .filter(|i| !listed.iter().any(|m| m == i.material.trim()))
                .count();
            if unlisted > 0 {
                raise(
                    engine,
                    RuleId::UnlistedMaterial,
                    format!("一次性告知要求补正{unlisted}项不在该事项申请材料目录中的材料"),
                    Some(by.clone()),
                );
            }
        }
        _ => {}
    }
}

/// Whether the item the case was received under requires a hearing by its own law (Art. 46).
fn hearing_required(events: &[CaseEvent]) -> bool {
    matches!(events.first(), Some(CaseEvent::Received(r))
        if r.item.legal.as_ref().is_some_and(|l| l.hearing_required.is_some()))
}

fn on_hearing(engine: &mut Engine, before: &[CaseEvent], h: &HearingEvent, raise: &Raise<'_>) {
    let (HearingAct::Schedule { held_on, .. } | HearingAct::Reschedule { held_on, .. }) = &h.act
    else {
        return;
    };
    let who = Some(h.by.clone());
    if *held_on < h.on + time::Duration::days(NOTICE_LEAD_DAYS) {
        raise(
            engine,
            RuleId::HearingOverdue,
            format!("{}通知{held_on}举行听证，不足七日（第四十八条）", h.on),
            who.clone(),
        );
    } else if let Some(due) = organise_due(engine, before)
        && *held_on > due
    {
        raise(
            engine,
            RuleId::HearingOverdue,
            format!("听证定于{held_on}举行，晚于申请后二十日的{due}（第四十七条）"),
            who,
        );
    }
}

fn organise_due(engine: &Engine, events: &[CaseEvent]) -> Option<Date> {
    let requested = acts(events).requested?;
    engine
        .calendar
        .deadline(requested, TimeLimit::working_days(ORGANISE_DAYS), &[])
        .ok()
        .map(|d| d.due)
}

/// The day's timer on an open, undecided case: a requested hearing whose 20 working days ran
/// out before it was even scheduled.
pub(super) fn timers(engine: &mut Engine, number: &str, t: &CaseTrack, today: Date, at_index: u64) {
    let a = acts(&t.events);
    if a.requested.is_none() || a.closed {
        return;
    }
    let Some(due) = organise_due(engine, &t.events) else {
        return;
    };
    // Held in time: the record may follow; scheduled late: raised when it was scheduled.
    if today <= due || a.held_on.is_some() {
        return;
    }
    let holder = t.holder.clone();
    engine.raise(
        RuleId::HearingOverdue,
        format!("case:{number}"),
        format!("办件{number}收到听证申请后二十日内（至{due}）未组织听证（第四十七条）"),
        holder,
        None,
        t.first_index,
        at_index,
        today,
    );
}
