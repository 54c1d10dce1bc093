//! Statutory deadlines on the working-day calendar.
//!
//! Counting rules, all from the law rather than from convenience:
//! - Civil Code Art. 201: the start day (acceptance, decision …) is not counted.
//! - Licensing Law Art. 82: working-day limits count only working days; 调休 make-up
//!   workdays count, holidays do not.
//! - Civil Code Art. 202: a limit in months ends on the same day number of the target month,
//!   or on its last day when that month is shorter.
//! - Civil Code Art. 203: a calendar-day or month limit that ends on a non-working day moves to
//!   the next working day.
//! - Licensing Law Art. 45: time for hearings, expert review etc. is excluded. A [`Pause`] stops
//!   the clock on every day from `from` to `to` inclusive, so it can only move a deadline later.
//!
//! Every day between the start and the due date is looked up in the calendar. A day of a year
//! whose notice is not loaded is counted provisionally ([`super::provisional`]): the deadline
//! then says so ([`Deadline::provisional`], [`Explanation::provisional_years`]), so nobody reads
//! a guess as the legal date.

use serde::Serialize;
use time::{Date, Month};

use super::explain::{Anchor, Explanation, Segment, SegmentKind, Trace};
use super::limit::{LimitUnit, Pause, TimeLimit};
use super::{Calendar, CalendarError, DayKind, Override, iso_date};

/// A computed deadline with the reasoning that produced it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// Last day on which the act is in time.
    #[serde(with = "iso_date")]
    pub due: Date,
    /// `due` was counted through a year whose State Council notice is not loaded (暂定): it may
    /// move when the notice is imported.
    pub provisional: bool,
    /// How `due` was reached, day by day in summary.
    pub explanation: Explanation,
}

impl Deadline {
    /// Names the event the count starts from (e.g. acceptance), for the explanation only.
    #[must_use]
    pub fn with_anchor(mut self, anchor: Anchor) -> Self {
        self.explanation.anchor = anchor;
        self
    }
}

impl Calendar {
    /// The due date of `limit` counted from the day after `start`, with the clock stopped
    /// during `pauses`.
    ///
    /// # Errors
    /// [`CalendarError::YearNotLoaded`] when any day to be examined lies in a year that is
    /// neither loaded nor provisional; [`CalendarError::InvalidPause`] for a pause that ends before it starts.
    pub fn deadline(
        &self,
        start: Date,
        limit: TimeLimit,
        pauses: &[Pause],
    ) -> Result<Deadline, CalendarError> {
        self.deadline_with_extensions(start, limit, &[], pauses)
    }

    /// Like [`Calendar::deadline`], then each extension (Art. 42: +10 working days by the
    /// agency head's approval) counted from the day after the previous due date; one
    /// explanation covers the whole period.
    ///
    /// # Errors
    /// As [`Calendar::deadline`].
    pub fn deadline_with_extensions(
        &self,
        start: Date,
        limit: TimeLimit,
        extensions: &[TimeLimit],
        pauses: &[Pause],
    ) -> Result<Deadline, CalendarError> {
        let mut walk = Walk::new(self, pauses)?;
        let first = walk.segment(SegmentKind::Initial, start, limit)?;
        let mut due = first.due;
        let mut segments = vec![first];
        for extra in extensions {
            let next = walk.segment(SegmentKind::Extension, due, *extra)?;
            due = next.due;
            segments.push(next);
        }
        Ok(walk.finish(start, due, segments))
    }

    /// Extends an existing due date by `extra`, counted from the day after `due`.
    ///
    /// # Errors
    /// As [`Calendar::deadline`].
    pub fn extend(
        &self,
        due: Date,
        extra: TimeLimit,
        pauses: &[Pause],
    ) -> Result<Deadline, CalendarError> {
        let mut walk = Walk::new(self, pauses)?;
        let segment = walk.segment(SegmentKind::Extension, due, extra)?;
        let new_due = segment.due;
        Ok(walk.finish(due, new_due, vec![segment]))
    }

    /// Working days elapsed after `from` up to and including `to`, not counting paused days;
    /// 0 when `to` is not after `from`.
    ///
    /// # Errors
    /// As [`Calendar::deadline`].
    pub fn working_days_between(
        &self,
        from: Date,
        to: Date,
        pauses: &[Pause],
    ) -> Result<u32, CalendarError> {
        check_pauses(pauses)?;
        let mut count = 0_u32;
        let mut day = from;
        while day < to {
            day = next_day(day)?;
            if self.day_kind(day)?.is_working() && !pauses.iter().any(|p| p.contains(day)) {
                count = count.saturating_add(1);
            }
        }
        Ok(count)
    }

    /// Working days left on `today` before `due`: positive when working days remain after
    /// today, 0 when due today (or no working day remains), negative by the number of working
    /// days overdue. Paused days are not counted either way.
    ///
    /// # Errors
    /// As [`Calendar::deadline`].
    pub fn remaining(
        &self,
        today: Date,
        due: Date,
        pauses: &[Pause],
    ) -> Result<i64, CalendarError> {
        if today <= due {
            Ok(i64::from(self.working_days_between(today, due, pauses)?))
        } else {
            Ok(-i64::from(self.working_days_between(due, today, pauses)?))
        }
    }
}

fn check_pauses(pauses: &[Pause]) -> Result<(), CalendarError> {
    pauses.iter().try_for_each(Pause::check)
}

fn next_day(date: Date) -> Result<Date, CalendarError> {
    date.next_day().ok_or(CalendarError::DateOutOfRange)
}

/// Civil Code Art. 202: the same day number `months` later, or the last day of that month.
fn add_months(date: Date, months: u32) -> Result<Date, CalendarError> {
    let month_index = i64::from(u8::from(date.month())) - 1;
    let total = i64::from(date.year()) * 12 + month_index + i64::from(months);
    let year = i32::try_from(total.div_euclid(12)).map_err(|_| CalendarError::DateOutOfRange)?;
    let month_number =
        u8::try_from(total.rem_euclid(12) + 1).map_err(|_| CalendarError::DateOutOfRange)?;
    let month = Month::try_from(month_number).map_err(|_| CalendarError::DateOutOfRange)?;
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).map_err(|_| CalendarError::DateOutOfRange)
}

/// Walks the calendar day by day from a start date, recording what each day did to the count.
struct Walk<'a> {
    calendar: &'a Calendar,
    pauses: &'a [Pause],
    trace: Trace<'a>,
}

impl<'a> Walk<'a> {
    fn new(calendar: &'a Calendar, pauses: &'a [Pause]) -> Result<Self, CalendarError> {
        check_pauses(pauses)?;
        Ok(Self {
            calendar,
            pauses,
            trace: Trace::new(pauses.len()),
        })
    }

    fn segment(
        &mut self,
        kind: SegmentKind,
        from: Date,
        limit: TimeLimit,
    ) -> Result<Segment, CalendarError> {
        let (due, counted_days, period_end) = match limit.unit {
            LimitUnit::WorkingDays => {
                let due = self.count_working_days(from, limit.value)?;
                (due, limit.value, None)
            }
            LimitUnit::Days => self.count_calendar_days(from, limit.value)?,
            LimitUnit::Months => {
                let end = add_months(from, limit.value)?;
                let days = u32::try_from((end - from).whole_days())
                    .map_err(|_| CalendarError::DateOutOfRange)?;
                self.count_calendar_days(from, days)?
            }
        };
        Ok(Segment {
            kind,
            from,
            limit,
            counted_days,
            period_end,
            due,
        })
    }

    fn finish(self, start: Date, due: Date, segments: Vec<Segment>) -> Deadline {
        let explanation =
            self.trace
                .into_explanation(Anchor::Unspecified, start, due, segments, self.pauses);
        Deadline {
            due,
            provisional: !explanation.provisional_years.is_empty(),
            explanation,
        }
    }

    fn look_up(&mut self, day: Date) -> Result<(DayKind, Option<&'a Override>), CalendarError> {
        let ov = self.calendar.override_on(day)?;
        if self.calendar.is_provisional(day.year()) {
            self.trace.provisional(day.year());
        }
        Ok((super::classify(day, ov), ov))
    }

    /// Index of the first pause stopping the clock on `day`.
    fn pause_on(&self, day: Date) -> Option<usize> {
        self.pauses.iter().position(|p| p.contains(day))
    }

    fn count_working_days(&mut self, from: Date, n: u32) -> Result<Date, CalendarError> {
        let mut day = from;
        let mut counted = 0;
        while counted < n {
            day = next_day(day)?;
            let (kind, ov) = self.look_up(day)?;
            let paused = self.pause_on(day);
            if let Some(index) = paused {
                self.trace.paused(index, kind.is_working());
            }
            match kind {
                DayKind::Workday | DayKind::MakeupWorkday if paused.is_some() => {}
                DayKind::Workday => counted += 1,
                DayKind::MakeupWorkday => {
                    counted += 1;
                    self.trace.makeup_counted(day);
                }
                DayKind::Weekend | DayKind::Holiday => self.trace.skipped(day, kind, ov),
            }
        }
        Ok(day)
    }

    /// Counts `n` unpaused calendar days, then applies Art. 203. Returns the due date, the
    /// days counted and, when the period ended on a non-working day, that day.
    fn count_calendar_days(
        &mut self,
        from: Date,
        n: u32,
    ) -> Result<(Date, u32, Option<Date>), CalendarError> {
        let mut day = from;
        let mut counted = 0;
        while counted < n {
            day = next_day(day)?;
            // Looked up even though every day counts: the day must lie in a loaded year.
            let (kind, _) = self.look_up(day)?;
            match self.pause_on(day) {
                Some(index) => self.trace.paused(index, kind.is_working()),
                None => counted += 1,
            }
        }
        if n == 0 {
            return Ok((from, 0, None));
        }
        let period_end = day;
        loop {
            let (kind, ov) = self.look_up(day)?;
            let paused = self.pause_on(day);
            if kind.is_working() && paused.is_none() {
                break;
            }
            if let Some(index) = paused {
                self.trace.paused(index, kind.is_working());
            }
            if !kind.is_working() {
                self.trace.skipped(day, kind, ov);
            }
            day = next_day(day)?;
        }
        Ok((day, n, (day != period_end).then_some(period_end)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn cal() -> Calendar {
        Calendar::builtin().unwrap()
    }

    fn wd(n: u32) -> TimeLimit {
        TimeLimit::working_days(n)
    }

    fn pause(from: Date, to: Date, reason: &str) -> Pause {
        Pause::new(from, to, reason).unwrap()
    }

    #[test]
    fn twenty_working_days_cross_2025_national_day_and_mid_autumn() {
        // Start Mon 2025-09-15 (not counted).
        // 09-16..09-19 → 1–4; 09-20/21 weekend; 09-22..09-26 → 5–9; 09-27 weekend;
        // 09-28 Sun make-up → 10; 09-29, 09-30 → 11, 12; 10-01..10-08 holiday;
        // 10-09, 10-10 → 13, 14; 10-11 Sat make-up → 15; 10-12 weekend; 10-13..10-17 → 16–20.
        let d = cal().deadline(date!(2025 - 09 - 15), wd(20), &[]).unwrap();
        assert_eq!(d.due, date!(2025 - 10 - 17));
        let e = &d.explanation;
        assert_eq!(
            e.makeup_workdays_counted,
            vec![date!(2025 - 09 - 28), date!(2025 - 10 - 11)]
        );
        assert_eq!(
            e.weekend_days_skipped,
            vec![
                date!(2025 - 09 - 20),
                date!(2025 - 09 - 21),
                date!(2025 - 09 - 27),
                date!(2025 - 10 - 12)
            ]
        );
        assert_eq!(e.holidays_skipped.len(), 1);
        let national_day = &e.holidays_skipped[0];
        assert_eq!(national_day.name, "国庆节、中秋节");
        assert_eq!(
            (national_day.from, national_day.to),
            (date!(2025 - 10 - 01), date!(2025 - 10 - 08))
        );
    }

    #[test]
    fn pause_of_three_working_days_moves_the_2025_deadline_by_three() {
        // As above, but Mon 09-22..Wed 09-24 paused: the 20th working day moves from
        // Fri 10-17 by three working days to Mon 10-20, Tue 10-21, Wed 10-22.
        let pauses = [pause(date!(2025 - 09 - 22), date!(2025 - 09 - 24), "检验")];
        let d = cal()
            .deadline(date!(2025 - 09 - 15), wd(20), &pauses)
            .unwrap();
        assert_eq!(d.due, date!(2025 - 10 - 22));
        assert_eq!(d.explanation.pauses.len(), 1);
        assert_eq!(d.explanation.pauses[0].working_days_not_counted, 3);
    }

    #[test]
    fn ten_working_days_across_2026_spring_festival_end_on_a_makeup_saturday() {
        // Start Mon 2026-02-09. 02-10..02-13 → 1–4; 02-14 Sat make-up → 5;
        // 02-15..02-23 Spring Festival; 02-24..02-27 → 6–9; 02-28 Sat make-up → 10.
        let d = cal().deadline(date!(2026 - 02 - 09), wd(10), &[]).unwrap();
        assert_eq!(d.due, date!(2026 - 02 - 28));
        assert_eq!(
            d.explanation.makeup_workdays_counted,
            vec![date!(2026 - 02 - 14), date!(2026 - 02 - 28)]
        );
        let spring = &d.explanation.holidays_skipped;
        assert_eq!(spring.len(), 1);
        assert_eq!(spring[0].name, "春节");
        assert_eq!(
            (spring[0].from, spring[0].to),
            (date!(2026 - 02 - 15), date!(2026 - 02 - 23))
        );
        // Continuing: 03-01 Sun weekend; 03-02..03-06 → 11–15.
        let d = cal().deadline(date!(2026 - 02 - 09), wd(15), &[]).unwrap();
        assert_eq!(d.due, date!(2026 - 03 - 06));
    }

    #[test]
    fn expert_review_pause_over_mid_autumn_and_national_day_2026() {
        // Start Tue 2026-09-15. 09-16..09-18 → 1–3; 09-19 Sat weekend; 09-20 Sun make-up → 4;
        // 09-21..09-24 paused (4 working days); 09-25 Fri Mid-Autumn (also paused);
        // 09-26/27 Mid-Autumn; 09-28..09-30 → 5–7; 10-01..10-07 National Day;
        // 10-08, 10-09 → 8, 9; 10-10 Sat make-up → 10; 10-11 weekend; 10-12..10-16 → 11–15;
        // 10-17/18 weekend; 10-19..10-23 → 16–20.
        let pauses = [pause(
            date!(2026 - 09 - 21),
            date!(2026 - 09 - 25),
            "专家评审",
        )];
        let d = cal()
            .deadline(date!(2026 - 09 - 15), wd(20), &pauses)
            .unwrap();
        assert_eq!(d.due, date!(2026 - 10 - 23));
        let p = &d.explanation.pauses[0];
        assert_eq!(p.working_days_not_counted, 4);
        assert_eq!(p.calendar_days_not_counted, 5);
        assert_eq!(
            d.explanation.weekend_days_skipped,
            vec![
                date!(2026 - 09 - 19),
                date!(2026 - 10 - 11),
                date!(2026 - 10 - 17),
                date!(2026 - 10 - 18)
            ]
        );
    }

    #[test]
    fn same_2026_period_without_pause_is_due_four_working_days_earlier() {
        // Unpaused, 09-21..09-24 count as 5–8, so the 20th working day is Mon 10-19.
        let d = cal().deadline(date!(2026 - 09 - 15), wd(20), &[]).unwrap();
        assert_eq!(d.due, date!(2026 - 10 - 19));
    }

    #[test]
    fn calendar_days_ending_on_a_holiday_move_to_the_next_working_day() {
        // Fri 2025-09-26 + 7 days = Fri 10-03 (National Day) → next working day Thu 10-09.
        let d = cal()
            .deadline(date!(2025 - 09 - 26), TimeLimit::days(7), &[])
            .unwrap();
        assert_eq!(d.due, date!(2025 - 10 - 09));
        let seg = &d.explanation.segments[0];
        assert_eq!(seg.period_end, Some(date!(2025 - 10 - 03)));
        assert_eq!(seg.counted_days, 7);
        let skipped = &d.explanation.holidays_skipped[0];
        assert_eq!(
            (skipped.from, skipped.to),
            (date!(2025 - 10 - 03), date!(2025 - 10 - 08))
        );
    }

    #[test]
    fn calendar_days_ending_on_a_makeup_saturday_stay_there() {
        // Sat 2026-02-21 + 7 days = Sat 02-28, a make-up workday.
        let d = cal()
            .deadline(date!(2026 - 02 - 21), TimeLimit::days(7), &[])
            .unwrap();
        assert_eq!(d.due, date!(2026 - 02 - 28));
        assert_eq!(d.explanation.segments[0].period_end, None);
    }

    #[test]
    fn calendar_days_ending_on_a_plain_weekend_move_to_monday() {
        // Mon 2026-03-02 + 5 days = Sat 03-07 → Mon 03-09.
        let d = cal()
            .deadline(date!(2026 - 03 - 02), TimeLimit::days(5), &[])
            .unwrap();
        assert_eq!(d.due, date!(2026 - 03 - 09));
        assert_eq!(
            d.explanation.weekend_days_skipped,
            vec![date!(2026 - 03 - 07), date!(2026 - 03 - 08)]
        );
    }

    #[test]
    fn paused_calendar_days_extend_a_calendar_day_limit() {
        // Mon 2026-03-02 + 10 days = Thu 03-12; 3 paused days (03-04..03-06) → Sun 03-15
        // → Mon 03-16.
        let pauses = [pause(date!(2026 - 03 - 04), date!(2026 - 03 - 06), "听证")];
        let d = cal()
            .deadline(date!(2026 - 03 - 02), TimeLimit::days(10), &pauses)
            .unwrap();
        assert_eq!(d.due, date!(2026 - 03 - 16));
        assert_eq!(d.explanation.pauses[0].calendar_days_not_counted, 3);
    }

    #[test]
    fn month_limit_ends_on_the_last_day_of_a_shorter_month() {
        // 2026-01-31 + 1 month → 2026-02-28 (no 02-31), a make-up Saturday: due there.
        let d = cal()
            .deadline(date!(2026 - 01 - 31), TimeLimit::months(1), &[])
            .unwrap();
        assert_eq!(d.due, date!(2026 - 02 - 28));
    }

    #[test]
    fn month_limit_ending_on_a_weekend_moves_to_monday() {
        // 2025-12-31 + 1 month → Sat 2026-01-31 → Mon 2026-02-02.
        let d = cal()
            .deadline(date!(2025 - 12 - 31), TimeLimit::months(1), &[])
            .unwrap();
        assert_eq!(d.due, date!(2026 - 02 - 02));
        assert_eq!(
            d.explanation.segments[0].period_end,
            Some(date!(2026 - 01 - 31))
        );
    }

    #[test]
    fn three_month_limit_keeps_the_day_number() {
        // 2026-03-15 + 3 months → Mon 2026-06-15, a working day.
        let d = cal()
            .deadline(date!(2026 - 03 - 15), TimeLimit::months(3), &[])
            .unwrap();
        assert_eq!(d.due, date!(2026 - 06 - 15));
    }

    #[test]
    fn month_limit_ending_on_national_day_moves_past_the_holiday() {
        // 2026-09-01 + 1 month → 10-01 (National Day, to 10-07) → Thu 10-08.
        let d = cal()
            .deadline(date!(2026 - 09 - 01), TimeLimit::months(1), &[])
            .unwrap();
        assert_eq!(d.due, date!(2026 - 10 - 08));
    }

    #[test]
    fn zero_limit_is_due_on_the_start_day() {
        let start = date!(2026 - 10 - 03);
        for limit in [wd(0), TimeLimit::days(0), TimeLimit::months(0)] {
            assert_eq!(cal().deadline(start, limit, &[]).unwrap().due, start);
        }
    }

    #[test]
    fn extension_adds_ten_working_days_after_the_previous_due_date() {
        // From Fri 2025-10-17: 10-20..10-24 → 1–5; 10-27..10-31 → 6–10.
        let d = cal().extend(date!(2025 - 10 - 17), wd(10), &[]).unwrap();
        assert_eq!(d.due, date!(2025 - 10 - 31));
        assert_eq!(d.explanation.segments[0].kind, SegmentKind::Extension);
        let whole = cal()
            .deadline_with_extensions(date!(2025 - 09 - 15), wd(20), &[wd(10)], &[])
            .unwrap();
        assert_eq!(whole.due, date!(2025 - 10 - 31));
        assert_eq!(whole.explanation.segments.len(), 2);
        assert_eq!(whole.explanation.segments[0].due, date!(2025 - 10 - 17));
    }

    #[test]
    fn deadline_reaching_a_year_outside_the_statutory_table_is_an_error() {
        // Before: the first counted day 2024-12-21 lies in 2024.
        assert_eq!(
            cal().deadline(date!(2024 - 12 - 20), wd(5), &[]),
            Err(CalendarError::YearNotLoaded(2024))
        );
        // After: at most 5 working days follow 2050-12-24 in 2050, so the 10th lies in 2051.
        assert_eq!(
            cal().deadline(date!(2050 - 12 - 24), wd(10), &[]),
            Err(CalendarError::YearNotLoaded(2051))
        );
    }

    #[test]
    fn deadline_reaching_2027_is_counted_provisionally() {
        // Start Sun 2026-12-20. 12-21..12-25 → 1–5; 12-28..12-31 → 6–9 (2026: exact);
        // Fri 2027-01-01 New Year's Day; 01-02/03 weekend; 01-04..01-08 → 10–14;
        // 01-11..01-15 → 15–19; Mon 01-18 → 20.
        let d = cal().deadline(date!(2026 - 12 - 20), wd(20), &[]).unwrap();
        assert_eq!(d.due, date!(2027 - 01 - 18));
        assert!(d.provisional);
        assert_eq!(d.explanation.provisional_years, vec![2027]);
        assert_eq!(d.explanation.holidays_skipped[0].name, "元旦");
        // 2026-12-20 + 1 month = Wed 2027-01-20, a working day.
        let m = cal()
            .deadline(date!(2026 - 12 - 20), TimeLimit::months(1), &[])
            .unwrap();
        assert_eq!((m.due, m.provisional), (date!(2027 - 01 - 20), true));
        // A deadline inside 2026 is exact even though 2027 is not loaded.
        let exact = cal().deadline(date!(2026 - 12 - 01), wd(5), &[]).unwrap();
        assert_eq!(
            (exact.due, exact.provisional),
            (date!(2026 - 12 - 08), false)
        );
        assert!(exact.explanation.provisional_years.is_empty());
    }

    #[test]
    fn provisional_spring_festival_2027_skips_the_eve_and_three_days() {
        // Lunar new year Sat 2027-02-06: eve Fri 02-05, 02-06..02-08 off; weekends 02-06/07
        // coincide. Start Wed 02-03: 02-04 → 1; 02-05 eve; 02-06..02-08 festival;
        // Tue 02-09 → 2; 02-10 → 3.
        let d = cal().deadline(date!(2027 - 02 - 03), wd(3), &[]).unwrap();
        assert_eq!(d.due, date!(2027 - 02 - 10));
        let spring = &d.explanation.holidays_skipped[0];
        assert_eq!(
            (spring.name.as_str(), spring.from, spring.to),
            ("春节", date!(2027 - 02 - 05), date!(2027 - 02 - 08))
        );
    }

    #[test]
    fn remaining_days_into_a_provisional_year_are_counted() {
        // From Mon 2026-12-28 to the provisional due date 2027-01-18: 12-29..12-31 → 3,
        // 01-04..01-15 → 13, 01-18 → 14 (01-01 holiday).
        assert_eq!(
            cal().remaining(date!(2026 - 12 - 28), date!(2027 - 01 - 18), &[]),
            Ok(14)
        );
    }

    #[test]
    fn last_day_of_2024_as_start_needs_only_2025() {
        // The start day is not counted, so its year need not be loaded:
        // Tue 2024-12-31 → 2025-01-01 holiday → Thu 01-02 is the first working day.
        let d = cal().deadline(date!(2024 - 12 - 31), wd(1), &[]).unwrap();
        assert_eq!(d.due, date!(2025 - 01 - 02));
    }

    #[test]
    fn reversed_pause_is_refused() {
        let (from, to) = (date!(2026 - 03 - 10), date!(2026 - 03 - 09));
        let reversed = Pause {
            from,
            to,
            reason: String::new(),
        };
        let expected = CalendarError::InvalidPause { from, to };
        assert_eq!(
            cal().deadline(date!(2026 - 03 - 02), wd(5), &[reversed]),
            Err(expected.clone())
        );
        assert_eq!(Pause::new(from, to, "x"), Err(expected));
    }

    #[test]
    fn working_days_between_excludes_start_and_includes_end() {
        let c = cal();
        // 2026-09-18 Fri → 09-21 Mon: 09-19 weekend, 09-20 make-up, 09-21 → 2.
        assert_eq!(
            c.working_days_between(date!(2026 - 09 - 18), date!(2026 - 09 - 21), &[]),
            Ok(2)
        );
        assert_eq!(
            c.working_days_between(date!(2026 - 09 - 21), date!(2026 - 09 - 18), &[]),
            Ok(0)
        );
        // 2025-09-15 → 2025-10-17 is the 20-working-day period hand-counted above.
        assert_eq!(
            c.working_days_between(date!(2025 - 09 - 15), date!(2025 - 10 - 17), &[]),
            Ok(20)
        );
    }

    #[test]
    fn remaining_is_positive_before_zero_on_and_negative_after_the_due_date() {
        let c = cal();
        let due = date!(2025 - 10 - 17);
        // After Mon 10-13: 10-14..10-17 → 4 left.
        assert_eq!(c.remaining(date!(2025 - 10 - 13), due, &[]), Ok(4));
        assert_eq!(c.remaining(due, due, &[]), Ok(0));
        // Tue 10-21 is two working days late (10-20, 10-21).
        assert_eq!(c.remaining(date!(2025 - 10 - 21), due, &[]), Ok(-2));
    }
}
