//! Legal clocks of a case (DESIGN.md §7): pure functions of the events, the working-day
//! calendar and a date.
//!
//! - One-time notice (Art. 32(4)): 5 working days after receipt, while acceptance is
//!   undecided. When it runs out without a notice, the application counts as accepted from the
//!   receipt day, whether or not a clerk has recorded it yet.
//! - Decision (Art. 42, 45, 82): the item's statutory and promised limits, counted from the day
//!   after acceptance, with special-procedure days not counted. Approved extensions (Art. 42)
//!   lengthen the statutory deadline only: the promise is the bureau's own public commitment and
//!   an extension does not make a late case punctual.
//! - Delivery (Art. 44): 10 working days after a grant (the licence's issue; a refusal has
//!   no delivery clock since issue #21 item 10).
//! - Cards: yellow once 90% of the promised limit's working days are used while undecided; red
//!   once the statutory deadline has passed (or the decision came after it).
//!
//! A special procedure is paused from its first to its last day inclusive; one still open
//! pauses through `today`, so the deadline it shows moves with each day the procedure lasts.

use serde::Serialize;
use time::Date;

use crate::calendar::{Anchor, Calendar, Deadline, Pause, TimeLimit, iso_date};
use crate::catalog::{self, ClockStart};
use crate::event::{DeadlineKind, MovingDeadline};

use super::error::{CaseError, ExtensionAuthorityKind};
use super::event::CaseEvent;
use super::state::Case;
use super::status::CaseStatus;

/// Art. 32(4): the one-time notice is due within 5 (working) days of receipt.
pub const NOTICE_LIMIT: TimeLimit = TimeLimit::working_days(5);
/// Art. 44: the licence is issued and delivered within 10 (working) days of the decision.
pub const DELIVERY_LIMIT: TimeLimit = TimeLimit::working_days(10);
/// The yellow card shows at this share of the promised limit.
pub const YELLOW_CARD_PERCENT: u32 = 90;

/// Warning level of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Card {
    /// In time.
    None,
    /// 黄牌: ≥ 90% of the promised limit used.
    Yellow,
    /// 红牌: past the statutory deadline.
    Red,
}

/// The one-time notice window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoticeClock {
    /// Receipt date.
    #[serde(with = "iso_date")]
    pub received_on: Date,
    /// Last day for the notice.
    pub due: Deadline,
    /// When the notice was issued.
    #[serde(with = "iso_date::option")]
    pub issued_on: Option<Date>,
    /// Working days left on `today` (negative when past).
    pub remaining: i64,
    /// The window ran out without a notice: acceptance is deemed (Art. 32(4)).
    pub missed: bool,
}

/// One approved extension, as the clock reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClockExtension {
    /// Whose approval.
    pub authority: ExtensionAuthorityKind,
    /// Working days added.
    pub working_days: u32,
    /// Approval date.
    #[serde(with = "iso_date")]
    pub approved_on: Date,
    /// Date the applicant was told; `None` while the notice is still due (Art. 42).
    #[serde(with = "iso_date::option")]
    pub applicant_notified_on: Option<Date>,
}

/// The decision clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecisionClock {
    /// Acceptance date (the receipt day when deemed).
    #[serde(with = "iso_date")]
    pub accepted_on: Date,
    /// The day the limits count from (the day after it is the first): the acceptance, or the
    /// receipt where the item's law counts from 收到 (e.g. 建筑法 Art. 8).
    #[serde(with = "iso_date")]
    pub starts_on: Date,
    /// Deemed acceptance (Art. 32(4)).
    pub deemed: bool,
    /// False when the acceptance is deemed by the clock but no clerk has recorded it yet.
    pub recorded: bool,
    /// Statutory deadline with extensions.
    pub statutory: Deadline,
    /// Promised deadline.
    pub promised: Deadline,
    /// Approved extensions.
    pub extensions: Vec<ClockExtension>,
    /// Special-procedure pauses (an open one runs through `as_of`).
    pub pauses: Vec<Pause>,
    /// A special procedure is open.
    pub paused: bool,
    /// The day the clock is read at: today, or the day it stopped (decision, withdrawal).
    #[serde(with = "iso_date")]
    pub as_of: Date,
    /// Decision date.
    #[serde(with = "iso_date::option")]
    pub decided_on: Option<Date>,
    /// Working days used up to `as_of`, pauses excluded.
    pub elapsed: u32,
    /// Working days the promised limit allows, pauses excluded.
    pub promised_working_days: u32,
    /// Working days left to the statutory deadline at `as_of` (negative when past).
    pub remaining_statutory: i64,
    /// Working days left to the promised deadline at `as_of` (negative when past).
    pub remaining_promised: i64,
    /// Past the statutory deadline (Art. 74).
    pub overdue_statutory: bool,
    /// Past the promised deadline.
    pub overdue_promised: bool,
}

/// The delivery clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveryClock {
    /// Decision date.
    #[serde(with = "iso_date")]
    pub decided_on: Date,
    /// Last day for delivery.
    pub due: Deadline,
    /// Delivery date.
    #[serde(with = "iso_date::option")]
    pub delivered_on: Option<Date>,
    /// Working days left (at delivery, or today).
    pub remaining: i64,
    /// Delivered late, or not delivered and past due.
    pub overdue: bool,
}

/// Every legal clock of a case on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseClock {
    /// The day the clocks are read.
    #[serde(with = "iso_date")]
    pub today: Date,
    /// Status on that day.
    pub status: CaseStatus,
    /// While acceptance is undecided.
    pub notice: Option<NoticeClock>,
    /// From acceptance (recorded or deemed).
    pub decision: Option<DecisionClock>,
    /// From the decision.
    pub delivery: Option<DeliveryClock>,
    /// Warning level.
    pub card: Card,
    /// Some date or count above runs through a year whose State Council notice is not loaded:
    /// it is 暂定 and may move when the notice is imported (and so may the card).
    pub provisional: bool,
}

/// The clocks of the case whose history is `events`, as of `today`: only events dated on or
/// before `today` count, so a past day can be replayed.
///
/// # Errors
/// A [`CaseError`] from the fold; [`CaseError::DateOutOfOrder`] when `today` is before the
/// receipt; [`CaseError::Calendar`] when a needed year is not loaded.
pub fn clock(
    events: &[CaseEvent],
    calendar: &Calendar,
    today: Date,
) -> Result<CaseClock, CaseError> {
    let received = events.first().ok_or(CaseError::EmptyHistory)?.date();
    if today < received {
        return Err(CaseError::DateOutOfOrder {
            date: today,
            last: received,
        });
    }
    let upto = events.iter().take_while(|e| e.date() <= today).count();
    Case::apply(events.get(..upto).unwrap_or(events))?.clock(calendar, today)
}

impl Case {
    /// The clocks of this case on `today` (which should not precede its last event; use
    /// [`clock`] to read a past day from the events).
    ///
    /// # Errors
    /// [`CaseError::Calendar`] when a needed year is not loaded.
    pub fn clock(&self, calendar: &Calendar, today: Date) -> Result<CaseClock, CaseError> {
        // A case keeps the dates it was decided (or closed) under: a later correction of the
        // calendar moves the deadlines of open cases only.
        let pinned = match self.settled_at() {
            Some(at) => calendar.in_force_at(at),
            None => std::borrow::Cow::Borrowed(calendar),
        };
        let calendar: &Calendar = &pinned;
        let notice = self.notice_clock(calendar, today)?;
        let deemed_by_clock = notice.as_ref().is_some_and(|n| n.missed);
        let decision = self.decision_clock(calendar, today, deemed_by_clock)?;
        let delivery = self.delivery_clock(calendar, today)?;
        let card = match &decision {
            Some(d) if d.overdue_statutory => Card::Red,
            Some(d)
                if d.decided_on.is_none()
                    && !self.is_closed()
                    && u64::from(d.elapsed) * 100
                        >= u64::from(d.promised_working_days) * u64::from(YELLOW_CARD_PERCENT) =>
            {
                Card::Yellow
            }
            _ => Card::None,
        };
        let provisional = provisional(
            calendar,
            self.received().received_on(),
            today,
            &[
                notice.as_ref().map(|n| n.due.due),
                decision
                    .as_ref()
                    .map(|d| d.statutory.due.max(d.promised.due)),
                delivery.as_ref().map(|d| d.due.due),
            ],
        );
        Ok(CaseClock {
            today,
            status: self.status(),
            notice,
            decision,
            delivery,
            card,
            provisional,
        })
    }

    /// When the case's dates were settled: the decision, or for a case closed without one
    /// (withdrawn, not accepted) the start of its closing day.
    fn settled_at(&self) -> Option<time::OffsetDateTime> {
        if let Some(d) = self.decision() {
            return Some(d.decided_at);
        }
        self.closed_on().map(|on| {
            on.midnight()
                .assume_offset(super::event::CHINA_STANDARD_TIME)
        })
    }

    fn notice_clock(
        &self,
        calendar: &Calendar,
        today: Date,
    ) -> Result<Option<NoticeClock>, CaseError> {
        if !self.awaits_acceptance() {
            return Ok(None);
        }
        let received_on = self.received().received_on();
        let due = calendar
            .deadline(received_on, self.received().item.notice_window(), &[])?
            .with_anchor(Anchor::Receipt);
        let issued_on = self.notice_issued_on();
        let as_of = issued_on.unwrap_or(today);
        Ok(Some(NoticeClock {
            received_on,
            remaining: calendar.remaining(as_of, due.due, &[])?,
            missed: issued_on.is_none() && today > due.due,
            due,
            issued_on,
        }))
    }

    fn decision_clock(
        &self,
        calendar: &Calendar,
        today: Date,
        deemed_by_clock: bool,
    ) -> Result<Option<DecisionClock>, CaseError> {
        let (accepted_on, deemed, recorded) = match self.acceptance() {
            Some(a) => (a.on, a.deemed, true),
            None if deemed_by_clock => (self.received().received_on(), true, false),
            None => return Ok(None),
        };
        let decided_on = self.decision().map(super::state::DecisionRecord::on);
        let as_of = decided_on.or(self.closed_on()).unwrap_or(today);
        let pauses = capped_pauses(self, calendar, as_of)?;
        let item = &self.received().item;
        let (starts_on, anchor) = match item.clock_start() {
            ClockStart::Acceptance => (accepted_on, Anchor::Acceptance),
            ClockStart::Receipt => (self.received().received_on(), Anchor::Receipt),
        };
        let statutory = self.statutory_deadline(calendar, starts_on, &pauses)?;
        let promised = calendar
            .deadline(starts_on, calendar_limit(item.promised_limit), &pauses)?
            .with_anchor(anchor);
        let elapsed = calendar.working_days_between(starts_on, as_of, &pauses)?;
        let promised_working_days =
            calendar.working_days_between(starts_on, promised.due, &pauses)?;
        Ok(Some(DecisionClock {
            accepted_on,
            starts_on,
            deemed,
            recorded,
            extensions: self
                .extensions()
                .iter()
                .map(|e| ClockExtension {
                    authority: ExtensionAuthorityKind::from(&e.authority),
                    working_days: e.working_days,
                    approved_on: e.on,
                    applicant_notified_on: e.applicant_notified_on,
                })
                .collect(),
            paused: self.open_procedure().is_some(),
            as_of,
            decided_on,
            elapsed,
            promised_working_days,
            remaining_statutory: calendar.remaining(as_of, statutory.due, &pauses)?,
            remaining_promised: calendar.remaining(as_of, promised.due, &pauses)?,
            overdue_statutory: as_of > statutory.due,
            overdue_promised: as_of > promised.due,
            statutory,
            promised,
            pauses,
        }))
    }

    fn delivery_clock(
        &self,
        calendar: &Calendar,
        today: Date,
    ) -> Result<Option<DeliveryClock>, CaseError> {
        let Some(decision) = self.decision() else {
            return Ok(None);
        };
        // Art. 44's ten days are for issuing a grant's licence; a refusal has none (cases
        // received before issue #21 item 10 keep the clock they were shown).
        if matches!(decision.decision, super::event::Decision::Refuse(_))
            && self.received().under_item_rules()
        {
            return Ok(None);
        }
        let decided_on = decision.on();
        let due = calendar
            .deadline(decided_on, DELIVERY_LIMIT, &[])?
            .with_anchor(Anchor::Decision);
        let delivered_on = self.delivery().map(|(_, on)| on);
        let as_of = delivered_on.unwrap_or(today);
        Ok(Some(DeliveryClock {
            decided_on,
            remaining: calendar.remaining(as_of, due.due, &[])?,
            overdue: as_of > due.due,
            due,
            delivered_on,
        }))
    }
}

impl Case {
    /// The deadlines of this case that a change of calendar from `before` to `after` moves on
    /// `today` (a case settled before the change keeps its dates, so it has none; nor does a
    /// case whose deadlines cannot be counted under either calendar).
    #[must_use]
    pub fn moving_deadlines(
        &self,
        before: &Calendar,
        after: &Calendar,
        today: Date,
    ) -> Vec<MovingDeadline> {
        let (Ok(old), Ok(new)) = (self.clock(before, today), self.clock(after, today)) else {
            return Vec::new();
        };
        let dues = |c: &CaseClock| {
            [
                (DeadlineKind::Notice, c.notice.as_ref().map(|n| n.due.due)),
                (
                    DeadlineKind::Statutory,
                    c.decision.as_ref().map(|d| d.statutory.due),
                ),
                (
                    DeadlineKind::Promised,
                    c.decision.as_ref().map(|d| d.promised.due),
                ),
                (
                    DeadlineKind::Delivery,
                    c.delivery.as_ref().map(|d| d.due.due),
                ),
            ]
        };
        dues(&old)
            .into_iter()
            .zip(dues(&new))
            .filter_map(
                |((deadline, old_due), (_, new_due))| match (old_due, new_due) {
                    (Some(old_due), Some(new_due)) if old_due != new_due => Some(MovingDeadline {
                        case_number: self.received().case_number.clone(),
                        deadline,
                        old_due,
                        new_due,
                    }),
                    _ => None,
                },
            )
            .collect()
    }
}

/// Whether any year from receipt to the later of `today` and the due dates is provisional:
/// every date and working-day count of the clock lies in that span.
fn provisional(calendar: &Calendar, received: Date, today: Date, dues: &[Option<Date>]) -> bool {
    let last = dues.iter().flatten().copied().fold(today, Date::max);
    !calendar.provisional_years(received, last).is_empty()
}

impl Case {
    /// The day the decision limits count from, once the case is accepted (recorded).
    #[must_use]
    pub fn decision_starts_on(&self) -> Option<Date> {
        let accepted = self.acceptance()?.on;
        Some(match self.received().item.clock_start() {
            ClockStart::Acceptance => accepted,
            ClockStart::Receipt => self.received().received_on(),
        })
    }

    /// The statutory deadline with the approved extensions, counted from `starts_on` with
    /// `pauses` not counted (Art. 42, 45; 45 working days when handled jointly).
    pub(super) fn statutory_deadline(
        &self,
        calendar: &Calendar,
        starts_on: Date,
        pauses: &[Pause],
    ) -> Result<Deadline, CaseError> {
        let extension_limits: Vec<TimeLimit> = self
            .extensions()
            .iter()
            .map(|e| TimeLimit::working_days(e.working_days))
            .collect();
        let anchor = match self.received().item.clock_start() {
            ClockStart::Acceptance => Anchor::Acceptance,
            ClockStart::Receipt => Anchor::Receipt,
        };
        Ok(calendar
            .deadline_with_extensions(
                starts_on,
                calendar_limit(self.received().item.statutory_limit()),
                &extension_limits,
                pauses,
            )?
            .with_anchor(anchor))
    }
}

/// The pauses that stop the decision clock: the special procedures Art. 45 excludes, each cut
/// at the cap the item's law sets (an expert review of at most 20 working days: from the 21st
/// the clock runs again). 现场核查 never stops it (Art. 34); such a procedure can only appear
/// in a history recorded before the rule, and it is not excluded time either.
///
/// # Errors
/// [`CaseError::Calendar`] when a cap runs into a year not loaded.
pub fn capped_pauses(
    case: &Case,
    calendar: &Calendar,
    through: Date,
) -> Result<Vec<Pause>, CaseError> {
    let item = &case.received().item;
    let mut out = Vec::new();
    for p in case.procedures() {
        if item.legal.is_some() && !catalog::legal::excludes_time(p.kind) {
            continue;
        }
        let mut to = p.to.unwrap_or(through).max(p.from);
        if let Some(cap) = item.excluded_cap(p.kind)
            && let Some(before) = p.from.previous_day()
        {
            let last = calendar.deadline(before, calendar_limit(cap), &[])?.due;
            to = to.min(last);
        }
        out.push(Pause {
            from: p.from,
            to,
            reason: p.kind.name_zh().to_owned(),
        });
    }
    Ok(out)
}

/// The calendar's form of a catalog time limit (the two types are to be unified).
#[must_use]
pub fn calendar_limit(limit: catalog::TimeLimit) -> TimeLimit {
    match limit.unit {
        catalog::LimitUnit::WorkingDays => TimeLimit::working_days(limit.value),
        catalog::LimitUnit::Days => TimeLimit::days(limit.value),
        catalog::LimitUnit::Months => TimeLimit::months(limit.value),
    }
}

impl CaseClock {
    /// Explanation in Chinese, one sentence group per line: the calendar's explanation of
    /// each deadline plus the case's own facts (deemed acceptance, extensions, pauses, cards).
    #[must_use]
    pub fn to_chinese(&self) -> String {
        let mut lines = Vec::new();
        if let Some(n) = &self.notice {
            lines.push(format!(
                "一次性告知期限：{}",
                n.due.explanation.to_chinese()
            ));
            if let Some(on) = n.issued_on {
                lines.push(format!("已于{on}一次性告知补正。"));
            } else if n.missed {
                lines.push(format!(
                    "逾期未一次性告知补正，依行政许可法第三十二条，自收到申请材料之日{}起即为受理。",
                    n.received_on
                ));
            }
        }
        if let Some(d) = &self.decision {
            decision_lines(d, self.today, &mut lines);
        }
        if let Some(d) = &self.delivery {
            lines.push(format!("送达期限：{}", d.due.explanation.to_chinese()));
            match d.delivered_on {
                Some(on) if d.overdue => lines.push(format!("已于{on}送达，超过送达期限。")),
                Some(on) => lines.push(format!("已于{on}送达。")),
                None if d.overdue => lines.push(format!(
                    "尚未送达，已超过送达期限{}个工作日（行政许可法第四十四条）。",
                    d.remaining.unsigned_abs()
                )),
                None => {}
            }
        }
        let basis = if self.provisional {
            "（按暂定期限计算）"
        } else {
            ""
        };
        match self.card {
            Card::Red => lines.push(format!(
                "红牌{basis}：已超过法定办结期限（行政许可法第七十四条）。"
            )),
            Card::Yellow => lines.push(format!(
                "黄牌预警{basis}：已用时间达到承诺办结时限的{YELLOW_CARD_PERCENT}%。"
            )),
            Card::None => {}
        }
        lines.join("\n")
    }
}

fn decision_lines(d: &DecisionClock, today: Date, lines: &mut Vec<String>) {
    if d.deemed {
        lines.push(format!("受理日：{}（视为受理）。", d.accepted_on));
    }
    lines.push(format!(
        "法定办结期限：{}",
        d.statutory.explanation.to_chinese()
    ));
    for e in &d.extensions {
        let told = match e.applicant_notified_on {
            Some(on) => format!("已于{on}告知申请人"),
            None => "尚未告知申请人".to_owned(),
        };
        lines.push(format!(
            "经{}于{}批准延长{}个工作日（行政许可法第四十二条），{told}。",
            e.authority.name_zh(),
            e.approved_on,
            e.working_days,
        ));
    }
    lines.push(format!(
        "承诺办结期限：{}",
        d.promised.explanation.to_chinese()
    ));
    if d.paused
        && let Some(p) = d.pauses.last()
    {
        lines.push(format!(
            "特别程序（{}）自{}起进行中，所需时间不计入办理期限（行政许可法第四十五条）。",
            p.reason, p.from
        ));
    }
    let used = match d.decided_on {
        Some(on) => format!("已于{on}作出决定，用时{}个工作日", d.elapsed),
        None => format!("截至{}已用{}个工作日", d.as_of.min(today), d.elapsed),
    };
    lines.push(format!(
        "{used}；{}；{}。",
        remaining_zh("法定办结期限", d.remaining_statutory, d.overdue_statutory),
        remaining_zh("承诺办结期限", d.remaining_promised, d.overdue_promised)
    ));
}

fn remaining_zh(what: &str, remaining: i64, overdue: bool) -> String {
    match (overdue, remaining) {
        (false, r) => format!("距{what}剩余{r}个工作日"),
        (true, 0) => format!("已超过{what}"),
        (true, r) => format!("超过{what}{}个工作日", r.unsigned_abs()),
    }
}
