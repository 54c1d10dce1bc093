//! The built-in rules: what each checks, on an entry or on a working-day timer.

use time::Date;

use super::engine::{CaseTrack, Engine, LogItem};
use super::model::RuleId;
use crate::case::{Case, CaseEvent, Decision, ExtensionAuthority};
use crate::catalog::ExtensionAllowance;
use crate::event::Event;
use crate::org::{Role, StaffId};

fn received_by(events: &[CaseEvent]) -> Option<StaffId> {
    match events.first() {
        Some(CaseEvent::Received(r)) => Some(r.received_by.clone()),
        _ => None,
    }
}

fn has(events: &[CaseEvent], kind: &str) -> bool {
    events.iter().any(|e| e.kind() == kind)
}

fn decided(events: &[CaseEvent]) -> Option<(StaffId, Date)> {
    events.iter().find_map(|e| match e {
        CaseEvent::Decided { approver, .. } => Some((approver.clone(), e.date())),
        _ => None,
    })
}

/// Art. 44's ten days are for issuing the licence of a grant: a refusal has none. Cases received
/// before the rule was read so (issue #21 item 10) keep the alerts they raised.
fn delivery_timed(events: &[CaseEvent]) -> bool {
    let refused = events.iter().any(|e| {
        matches!(
            e,
            CaseEvent::Decided {
                decision: Decision::Refuse(_),
                ..
            }
        )
    });
    match events.first() {
        Some(CaseEvent::Received(r)) if r.under_item_rules() => !refused,
        _ => true,
    }
}

/// What the item's review policy asks of this decision (two reviewers, separate acceptor):
/// nothing of an on-the-spot grant (Art. 34(2)) by the official who accepted it.
fn policy_of(events: &[CaseEvent], approver: &StaffId) -> crate::catalog::policy::ReviewPolicy {
    let on_spot = events
        .iter()
        .any(|e| matches!(e, CaseEvent::OnTheSpot { by, .. } if by == approver));
    match events.first() {
        _ if on_spot => crate::catalog::policy::ReviewPolicy {
            two_reviewers: false,
            separate_acceptor: false,
        },
        Some(CaseEvent::Received(r)) => r.item.legal.as_ref().map(|l| l.policy).unwrap_or_default(),
        _ => crate::catalog::policy::ReviewPolicy::default(),
    }
}

/// The item code of a case (from its receipt).
fn item_of(events: &[CaseEvent]) -> String {
    match events.first() {
        Some(CaseEvent::Received(r)) => r.item.basic_code.to_string(),
        _ => String::new(),
    }
}

/// Working days from `from` (exclusive) to `to`; a year not loaded counts as not overdue.
fn wd(engine: &Engine, from: Date, to: Date) -> u32 {
    engine
        .calendar
        .working_days_between(from, to, &[])
        .unwrap_or(0)
}

/// The day-by-day timers over open cases.
pub(super) fn case_timers(engine: &mut Engine, today: Date, at_index: u64) {
    let cases: Vec<(String, CaseTrack)> = engine
        .cases
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (number, t) in cases {
        let ev = &t.events;
        let item = item_of(ev);
        let p = engine.params_for_item(RuleId::NoticeDeadline, &item);
        let delivery_days = engine
            .params_for_item(RuleId::DeliveryDeadline, &item)
            .delivery_days;
        let subject = format!("case:{number}");
        let closed = has(ev, "not_accepted") || has(ev, "withdrawn") || has(ev, "delivered");
        if closed {
            continue;
        }
        super::deferral::timers(engine, &number, &t, today, at_index);
        let started = has(ev, "accepted") || has(ev, "one_time_notice_issued");
        // The item's own window where its law sets a shorter one (cases received since).
        let notice_days = match ev.first() {
            Some(CaseEvent::Received(r)) if r.item.legal.is_some() => {
                p.notice_days.min(r.item.notice_window().value)
            }
            _ => p.notice_days,
        };
        if let (false, Some(CaseEvent::Received(r))) = (started, ev.first())
            && wd(engine, r.received_on(), today) > notice_days
        {
            engine.raise(
                RuleId::NoticeDeadline,
                subject.clone(),
                format!(
                    "办件{number}收件后{notice_days}个工作日内未受理也未一次性告知，依法视为受理"
                ),
                Some(r.received_by.clone()),
                None,
                t.first_index,
                at_index,
                today,
            );
        }
        if decided(ev).is_none() {
            super::hearing::timers(engine, &number, &t, today, at_index);
            super::extension_notice::timers(engine, &number, &t, today, at_index);
        }
        if let Some((_, decided_on)) = decided(ev) {
            // A licence held for deferred materials is not late: its clock starts on arrival.
            if let Some(on) = super::deferral::delivery_from(ev, decided_on)
                && delivery_timed(ev)
                && wd(engine, on, today) > delivery_days
            {
                engine.raise(
                    RuleId::DeliveryDeadline,
                    subject.clone(),
                    format!("办件{number}于{decided_on}作出决定，{delivery_days}个工作日内未送达"),
                    received_by(ev),
                    None,
                    t.first_index,
                    at_index,
                    today,
                );
            }
            continue;
        }
        // No "accepted" event is needed: a notice window missed counts as acceptance from
        // receipt (Art. 32(4)) whether or not a clerk recorded it, and the clock says so.
        let Ok(clock) = Case::apply(ev).and_then(|c| c.clock(&engine.calendar, today)) else {
            continue;
        };
        let (rule, what) = match clock.card {
            crate::case::Card::Red => (RuleId::RedCard, "已超过法定办结期限"),
            crate::case::Card::Yellow => (RuleId::YellowCard, "承诺时限已用九成以上"),
            crate::case::Card::None => continue,
        };
        // A card on a provisional date is real (the statutory holidays are certain) but may
        // move with the notice: the alert says so.
        let basis = if clock.provisional {
            "（按暂定期限）"
        } else {
            ""
        };
        engine.raise(
            rule,
            subject.clone(),
            format!("办件{number}{what}{basis}（{}）", clock.to_chinese()),
            t.holder.clone(),
            None,
            t.first_index,
            at_index,
            today,
        );
    }
}

/// What a local expression rule sees of a case step.
pub(super) fn step_variables(
    engine: &Engine,
    events: &[CaseEvent],
    event: &CaseEvent,
    item: &LogItem,
    today: Date,
) -> serde_json::Value {
    let local = item.time.to_offset(crate::case::CHINA_STANDARD_TIME);
    let reviewers: std::collections::BTreeSet<&StaffId> = events
        .iter()
        .filter_map(|e| match e {
            CaseEvent::ReviewStep {
                reviewer,
                substantive: true,
                ..
            } => Some(reviewer),
            _ => None,
        })
        .collect();
    let since = match events.first() {
        Some(CaseEvent::Received(r)) => wd(engine, r.received_on(), today),
        _ => 0,
    };
    serde_json::json!({
        "kind": event.kind(),
        "event": serde_json::to_value(event).unwrap_or_default(),
        "actor": item.actor,
        "hour": local.hour(),
        "working_day": engine.calendar.is_working_day(local.date()).unwrap_or(true),
        "case": {
            "number": match events.first() { Some(CaseEvent::Received(r)) => r.case_number.to_string(), _ => String::new() },
            "item": item_of(events),
            "steps": events.len(),
            "reviewers": reviewers.len(),
            "accepted": has(events, "accepted"),
            "decided": has(events, "decided"),
            "working_days_since_receipt": since,
        },
    })
}

/// The checks made when an entry arrives (after the engine recorded it).
pub(super) fn on_event(engine: &mut Engine, item: &LogItem, today: Date) {
    match &item.event {
        Event::Case { case_number, event } => {
            let number = case_number.to_string();
            let Some(t) = engine.cases.get(&number).cloned() else {
                return;
            };
            let before = &t.events[..t.events.len().saturating_sub(1)];
            let ctx = Ctx {
                number: &number,
                first: t.first_index,
                at: item.index,
                today,
            };
            case_step(engine, &ctx, before, event, item);
        }
        Event::DocumentSealed {
            case_number,
            document_kind,
            signer,
            ..
        } if document_kind == "decision" => {
            let number = case_number.to_string();
            let (first_index, approver) = engine.case_decider(&number);
            let problem = match approver {
                None => Some("没有审批决定却加盖了审批专用章".to_owned()),
                Some(approver) if approver != *signer => {
                    Some(format!("签章人{signer}不是作出决定的{approver}"))
                }
                Some(_) => None,
            };
            if let Some(p) = problem {
                engine.raise(
                    RuleId::SealMismatch,
                    format!("case:{number}"),
                    format!("办件{number}用章与决定不符：{p}"),
                    Some(signer.clone()),
                    None,
                    first_index.min(item.index),
                    item.index,
                    today,
                );
            }
        }
        Event::ItemPublished { item: published } => {
            let code = published.basic_code.to_string();
            let before = engine
                .promised
                .insert(code.clone(), published.promised_limit);
            let changed = before.is_some_and(|b| b != published.promised_limit);
            let open: Vec<u64> = engine
                .cases
                .values()
                .filter(|t| matches!(t.events.first(), Some(CaseEvent::Received(r)) if r.item.basic_code == published.basic_code))
                .filter(|t| Case::apply(&t.events).is_ok_and(|c| !c.is_closed()))
                .map(|t| t.first_index)
                .collect();
            if changed && let Some(first) = open.iter().min() {
                engine.raise(
                    RuleId::PromisedLimitChanged,
                    format!("item:{code}:v{}", published.version),
                    format!(
                        "事项{code}（{}）在有{}件在办时修改了承诺时限",
                        published.name,
                        open.len()
                    ),
                    item.actor
                        .strip_prefix("staff:")
                        .and_then(|s| StaffId::parse(s).ok()),
                    None,
                    *first,
                    item.index,
                    today,
                );
            }
        }
        _ => {}
    }
}

struct Ctx<'a> {
    number: &'a str,
    first: u64,
    at: u64,
    today: Date,
}

impl Ctx<'_> {
    fn subject(&self) -> String {
        format!("case:{}", self.number)
    }
}

fn case_step(
    engine: &mut Engine,
    ctx: &Ctx<'_>,
    before: &[CaseEvent],
    event: &CaseEvent,
    item: &LogItem,
) {
    let raise = |engine: &mut Engine, rule: RuleId, msg: String, who: Option<StaffId>| {
        engine.raise(
            rule,
            ctx.subject(),
            format!("办件{}：{msg}", ctx.number),
            who,
            None,
            ctx.first,
            ctx.at,
            ctx.today,
        );
    };
    let item_code = item_of(before);
    let notice_days = engine
        .params_for_item(RuleId::NoticeDeadline, &item_code)
        .notice_days;
    let received_on = match before.first() {
        Some(CaseEvent::Received(r)) => Some(r.received_on()),
        _ => None,
    };
    super::hearing::on_step(engine, before, event, &raise);
    match event {
        CaseEvent::Accepted { deemed: true, .. } => raise(
            engine,
            RuleId::NoticeDeadline,
            "五个工作日内未一次性告知，依法视为受理".into(),
            received_by(before),
        ),
        CaseEvent::OneTimeNoticeIssued { by, on, .. }
            if received_on.is_some_and(|r| wd(engine, r, *on) > notice_days) =>
        {
            raise(
                engine,
                RuleId::NoticeDeadline,
                format!("一次性告知晚于收件后{notice_days}个工作日"),
                Some(by.clone()),
            )
        }
        CaseEvent::ReviewStep { reviewer, .. } if !has(before, "accepted") => raise(
            engine,
            RuleId::SkippedStep,
            "未受理即开始审查".into(),
            Some(reviewer.clone()),
        ),
        CaseEvent::ExtensionApproved {
            approved_by,
            authority,
            ..
        } => extension(engine, before, event, approved_by, authority, &raise),
        CaseEvent::SpecialProcedureStarted {
            by,
            procedure,
            notice_reference,
            ..
        } => {
            let listed = match before.first() {
                Some(CaseEvent::Received(r)) => r
                    .item
                    .special_procedures
                    .iter()
                    .any(|p| p.kind == *procedure),
                _ => false,
            };
            if notice_reference.trim().is_empty() {
                raise(
                    engine,
                    RuleId::Pause,
                    "暂停计时没有书面告知".into(),
                    Some(by.clone()),
                );
            } else if !listed {
                raise(
                    engine,
                    RuleId::Pause,
                    "暂停计时的事由不在该事项的特别程序目录中".into(),
                    Some(by.clone()),
                );
            }
        }
        CaseEvent::Decided {
            approver, decision, ..
        } => decided_checks(engine, before, approver, decision, item, &raise),
        CaseEvent::Delivered { by, on, .. } => match decided(before) {
            None => raise(
                engine,
                RuleId::SkippedStep,
                "未作出决定即送达".into(),
                Some(by.clone()),
            ),
            Some((_, d)) => {
                let days = engine
                    .params_for_item(RuleId::DeliveryDeadline, &item_code)
                    .delivery_days;
                if delivery_timed(before) && wd(engine, d, *on) > days {
                    raise(
                        engine,
                        RuleId::DeliveryDeadline,
                        format!("决定于{d}作出，{on}才送达，超过{days}个工作日"),
                        Some(by.clone()),
                    );
                }
            }
        },
        _ => {}
    }
}

type Raise<'a> = dyn Fn(&mut Engine, RuleId, String, Option<StaffId>) + 'a;

fn extension(
    engine: &mut Engine,
    before: &[CaseEvent],
    event: &CaseEvent,
    approved_by: &StaffId,
    authority: &ExtensionAuthority,
    raise: &Raise<'_>,
) {
    let mut total = 0;
    for e in before.iter().chain(std::iter::once(event)) {
        if let CaseEvent::ExtensionApproved { working_days, .. } = e {
            total += working_days;
        }
    }
    // The allowance is the item's as the case recorded it on receipt (Art. 42: none where the
    // item's own law fixes the limit; 15 for joint handling).
    let (allowance, source) = match before.first() {
        Some(CaseEvent::Received(r)) => r.item.extension_allowance(),
        _ => (ExtensionAllowance::WorkingDays(10), String::new()),
    };
    let limit = allowance.working_days();
    if matches!(authority, ExtensionAuthority::BureauHead)
        && !engine.has_role(approved_by, Role::BureauHead)
    {
        raise(
            engine,
            RuleId::Extension,
            format!("延期由{approved_by}批准，其不是本局负责人"),
            Some(approved_by.clone()),
        );
    } else if total > limit {
        raise(
            engine,
            RuleId::Extension,
            if limit == 0 {
                format!("{source}规定了办理期限，不得延期，仍延期{total}个工作日")
            } else {
                format!("累计延期{total}个工作日，超过法定的{limit}个工作日")
            },
            Some(approved_by.clone()),
        );
    }
}

fn decided_checks(
    engine: &mut Engine,
    before: &[CaseEvent],
    approver: &StaffId,
    decision: &Decision,
    item: &LogItem,
    raise: &Raise<'_>,
) {
    let who = Some(approver.clone());
    let policy = policy_of(before, approver);
    let accepted_by = before.iter().find_map(|e| match e {
        CaseEvent::Accepted { by, deemed, .. } => Some((by.clone(), *deemed)),
        _ => None,
    });
    match &accepted_by {
        None => raise(
            engine,
            RuleId::SkippedStep,
            "未受理即作出决定".into(),
            who.clone(),
        ),
        Some((by, false)) if by == approver && policy.separate_acceptor => raise(
            engine,
            RuleId::SeparationOfDuties,
            format!("{approver}既受理又审批"),
            who.clone(),
        ),
        _ => {}
    }
    let reviewers: std::collections::BTreeSet<&StaffId> = before
        .iter()
        .filter_map(|e| match e {
            CaseEvent::ReviewStep {
                reviewer,
                substantive: true,
                ..
            } => Some(reviewer),
            _ => None,
        })
        .collect();
    if policy.two_reviewers && reviewers.len() < 2 {
        raise(
            engine,
            RuleId::TwoReviewers,
            format!("实质审查仅有{}名工作人员", reviewers.len()),
            who.clone(),
        );
    }
    if let Decision::Refuse(r) = decision {
        let remedies = serde_json::to_value(r.remedies()).unwrap_or_default();
        let blank = |k: &str| remedies[k].as_str().is_none_or(|s| s.trim().is_empty());
        if r.reasons().iter().all(|s| s.trim().is_empty())
            || blank("reconsideration")
            || blank("litigation")
        {
            raise(
                engine,
                RuleId::RefusalReasons,
                "不予许可未说明理由或复议、诉讼途径".into(),
                who.clone(),
            );
        }
    }
    let local = item.time.to_offset(crate::case::CHINA_STANDARD_TIME);
    let p = engine.params(RuleId::OffHoursDecision);
    let working = engine.calendar.is_working_day(local.date()).unwrap_or(true);
    if !working || local.hour() < p.office_start_hour || local.hour() >= p.office_end_hour {
        raise(
            engine,
            RuleId::OffHoursDecision,
            format!("{}作出审批决定，不在工作时间", local.date()),
            who.clone(),
        );
    }
    let max = engine
        .params_for_staff(RuleId::DecisionVolume, approver)
        .max_decisions_per_day;
    let n = engine
        .decisions
        .entry((approver.clone(), local.date()))
        .or_insert(0);
    *n += 1;
    if *n > max {
        let n = *n;
        engine.raise(
            RuleId::DecisionVolume,
            format!("staff:{approver}:{}", local.date()),
            format!(
                "{approver}于{}作出第{n}件审批决定，超过{max}件",
                local.date()
            ),
            who,
            None,
            item.index,
            item.index,
            local.date(),
        );
    }
}
