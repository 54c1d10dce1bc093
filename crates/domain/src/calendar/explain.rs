//! Explanations of deadlines.
//!
//! DESIGN.md §2 principle 2: any deadline must be recomputable *and explainable*. An
//! applicant or inspector should be able to check a due date by hand from the explanation:
//! which holidays were skipped, which make-up workdays counted, how long the clock was paused.
//! The structured value is what the API returns; the Chinese and English texts are renderings.

use std::fmt::Write as _;

use serde::{Serialize, Serializer};
use time::Date;

use super::limit::{LimitUnit, Pause, TimeLimit};
use super::{DayKind, Override, iso_date};

/// The event a count starts from, used only to word the explanation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    /// "from the day after {date}".
    #[default]
    Unspecified,
    /// 受理: acceptance of the application (decision limits, Art. 42).
    Acceptance,
    /// 收到申请材料: receipt of the materials (one-time notice, Art. 32).
    Receipt,
    /// 作出决定: the decision (delivery within 10 days, Art. 44).
    Decision,
}

impl Anchor {
    fn zh(self) -> &'static str {
        match self {
            Self::Unspecified => "",
            Self::Acceptance => "受理",
            Self::Receipt => "收到申请材料",
            Self::Decision => "作出决定",
        }
    }

    fn en(self) -> Option<&'static str> {
        match self {
            Self::Unspecified => None,
            Self::Acceptance => Some("acceptance"),
            Self::Receipt => Some("receipt of the materials"),
            Self::Decision => Some("the decision"),
        }
    }
}

/// Whether a segment is the original limit or an extension of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentKind {
    /// The limit counted from the start event.
    Initial,
    /// An extension (Art. 42) counted from the day after the previous due date.
    Extension,
}

/// One limit counted from one date: the original limit or one extension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    /// Original limit or extension.
    pub kind: SegmentKind,
    /// The day before the first counted day (start event or previous due date).
    #[serde(with = "iso_date")]
    pub from: Date,
    /// The limit counted.
    pub limit: TimeLimit,
    /// Days that counted toward the limit (working days, or unpaused calendar days).
    pub counted_days: u32,
    /// Art. 203: the day the period ended on when that was a non-working day and the due date
    /// moved to the next working day.
    #[serde(with = "iso_date::option")]
    pub period_end: Option<Date>,
    /// Due date at the end of this segment.
    #[serde(with = "iso_date")]
    pub due: Date,
}

/// Consecutive days of one holiday that were not counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HolidaySpan {
    /// Chinese name, e.g. 国庆节.
    pub name: String,
    /// English name, when the calendar data has one.
    pub name_en: Option<String>,
    /// First day skipped.
    #[serde(with = "iso_date")]
    pub from: Date,
    /// Last day skipped.
    #[serde(with = "iso_date")]
    pub to: Date,
}

/// A pause as it affected the counted period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PausedSpan {
    /// Why the clock stopped.
    pub reason: String,
    /// First paused day, as given.
    #[serde(with = "iso_date")]
    pub from: Date,
    /// Last paused day, as given.
    #[serde(with = "iso_date")]
    pub to: Date,
    /// Working days within the counted period on which this pause stopped the clock.
    pub working_days_not_counted: u32,
    /// Calendar days within the counted period on which this pause stopped the clock.
    pub calendar_days_not_counted: u32,
}

/// How a due date was reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// What the start date is (wording only).
    pub anchor: Anchor,
    /// The day the count starts after (not itself counted).
    #[serde(with = "iso_date")]
    pub start: Date,
    /// The final due date.
    #[serde(with = "iso_date")]
    pub due: Date,
    /// The original limit and any extensions, in order.
    pub segments: Vec<Segment>,
    /// Holidays in the period that did not count, grouped into ranges.
    pub holidays_skipped: Vec<HolidaySpan>,
    /// Ordinary Saturdays and Sundays in the period that did not count.
    #[serde(serialize_with = "iso_dates")]
    pub weekend_days_skipped: Vec<Date>,
    /// 调休 Saturdays and Sundays that counted as working days.
    #[serde(serialize_with = "iso_dates")]
    pub makeup_workdays_counted: Vec<Date>,
    /// Pauses overlapping the period, with the days they kept from counting.
    pub pauses: Vec<PausedSpan>,
    /// Years of the period whose State Council notice is not loaded, counted with their
    /// statutory holidays and weekends only: every date from the first of them on is 暂定.
    pub provisional_years: Vec<i32>,
}

fn iso_dates<S: Serializer>(dates: &[Date], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(dates.iter().map(ToString::to_string))
}

impl Explanation {
    /// The extension segments, in order.
    pub fn extensions(&self) -> impl Iterator<Item = &Segment> {
        self.segments
            .iter()
            .filter(|s| s.kind == SegmentKind::Extension)
    }

    /// Chinese text, e.g. "自2026-09-15受理次日起计算20个工作日，截止2026-10-23；跳过中秋节假日
    /// 2026-09-25至2026-09-27、国庆节假日2026-10-01至2026-10-07；跳过周末休息日4天；调休上班日
    /// 2026-09-20、2026-10-10计入；暂停（专家评审）2026-09-21至2026-09-25共4个工作日不计入。"
    #[must_use]
    pub fn to_chinese(&self) -> String {
        let mut parts: Vec<String> = self.segments.iter().map(|s| self.segment_zh(s)).collect();
        if !self.holidays_skipped.is_empty() {
            let spans: Vec<String> = self
                .holidays_skipped
                .iter()
                .map(|h| format!("{}假日{}", h.name, range_zh(h.from, h.to)))
                .collect();
            parts.push(format!("跳过{}", spans.join("、")));
        }
        if !self.weekend_days_skipped.is_empty() {
            parts.push(format!(
                "跳过周末休息日{}天",
                self.weekend_days_skipped.len()
            ));
        }
        if !self.makeup_workdays_counted.is_empty() {
            parts.push(format!(
                "调休上班日{}计入",
                join_dates(&self.makeup_workdays_counted, "、")
            ));
        }
        let unit = self.pause_unit();
        for p in &self.pauses {
            let reason = if p.reason.is_empty() {
                String::new()
            } else {
                format!("（{}）", p.reason)
            };
            let (count, unit_zh) = match unit {
                LimitUnit::WorkingDays => (p.working_days_not_counted, "个工作日"),
                LimitUnit::Days | LimitUnit::Months => (p.calendar_days_not_counted, "日"),
            };
            parts.push(format!(
                "暂停{reason}{}共{count}{unit_zh}不计入",
                range_zh(p.from, p.to)
            ));
        }
        if !self.provisional_years.is_empty() {
            parts.push(format!(
                "暂定：{}年的国务院放假通知尚未导入，按《全国年节及纪念日放假办法》规定的法定节假日和周末计算，未计调休，导入通知后重新计算",
                join_years(&self.provisional_years, "、")
            ));
        }
        let mut text = parts.join("；");
        text.push('。');
        text
    }

    /// Whether `s`'s due date is provisional: the walk reached a provisional year by then.
    fn segment_provisional(&self, s: &Segment) -> bool {
        self.provisional_years
            .first()
            .is_some_and(|first| *first <= s.due.year())
    }

    /// English text with the same content as [`Explanation::to_chinese`].
    #[must_use]
    pub fn to_english(&self) -> String {
        let mut text = String::new();
        for s in &self.segments {
            let _ = write!(text, "{} ", self.segment_en(s));
        }
        if !self.holidays_skipped.is_empty() {
            let spans: Vec<String> = self
                .holidays_skipped
                .iter()
                .map(|h| {
                    let name = h.name_en.as_deref().unwrap_or(&h.name);
                    format!("{name} {}", range_en(h.from, h.to))
                })
                .collect();
            let _ = write!(text, "Holidays skipped: {}. ", spans.join(", "));
        }
        if !self.weekend_days_skipped.is_empty() {
            let _ = write!(
                text,
                "Weekend days skipped: {}. ",
                self.weekend_days_skipped.len()
            );
        }
        if !self.makeup_workdays_counted.is_empty() {
            let _ = write!(
                text,
                "Make-up workdays counted: {}. ",
                join_dates(&self.makeup_workdays_counted, ", ")
            );
        }
        let unit = self.pause_unit();
        for p in &self.pauses {
            let reason = if p.reason.is_empty() {
                String::new()
            } else {
                format!(" ({})", p.reason)
            };
            let (count, noun) = match unit {
                LimitUnit::WorkingDays => (p.working_days_not_counted, "working day"),
                LimitUnit::Days | LimitUnit::Months => (p.calendar_days_not_counted, "day"),
            };
            let _ = write!(
                text,
                "Paused{reason} {}: {} not counted. ",
                range_en(p.from, p.to),
                plural(count, noun)
            );
        }
        if !self.provisional_years.is_empty() {
            let _ = write!(
                text,
                "Provisional: the State Council holiday notice for {} is not loaded; \
                 counted with the statutory holidays of the national holiday regulations and \
                 weekends, without make-up workdays, and recounted when the notice is imported.",
                join_years(&self.provisional_years, ", ")
            );
        }
        text.trim_end().to_owned()
    }

    /// Pauses are reported in the unit of the original limit.
    fn pause_unit(&self) -> LimitUnit {
        self.segments
            .first()
            .map_or(LimitUnit::WorkingDays, |s| s.limit.unit)
    }

    fn segment_zh(&self, s: &Segment) -> String {
        let limit = limit_zh(s.limit);
        let head = match s.kind {
            SegmentKind::Initial => {
                format!("自{}{}次日起计算{limit}", s.from, self.anchor.zh())
            }
            SegmentKind::Extension => format!("自原截止日{}次日起延长{limit}", s.from),
        };
        let mark = if self.segment_provisional(s) {
            "（暂定）"
        } else {
            ""
        };
        match s.period_end {
            Some(end) => format!("{head}，期满日{end}非工作日，顺延至{}{mark}", s.due),
            None => format!("{head}，截止{}{mark}", s.due),
        }
    }

    fn segment_en(&self, s: &Segment) -> String {
        let limit = limit_en(s.limit);
        let head = match (s.kind, self.anchor.en()) {
            (SegmentKind::Initial, Some(anchor)) => {
                format!("{limit} counted from the day after {} ({anchor})", s.from)
            }
            (SegmentKind::Initial, None) => {
                format!("{limit} counted from the day after {}", s.from)
            }
            (SegmentKind::Extension, _) => format!(
                "Extended by {limit} from the day after the previous due date {}",
                s.from
            ),
        };
        let mark = if self.segment_provisional(s) {
            " (provisional)"
        } else {
            ""
        };
        match s.period_end {
            Some(end) => format!(
                "{head}; the period ends on {end}, a non-working day, so it moves to {}{mark}.",
                s.due
            ),
            None => format!("{head}; due {}{mark}.", s.due),
        }
    }
}

fn limit_zh(limit: TimeLimit) -> String {
    let unit = match limit.unit {
        LimitUnit::WorkingDays => "个工作日",
        LimitUnit::Days => "日",
        LimitUnit::Months => "个月",
    };
    format!("{}{unit}", limit.value)
}

fn limit_en(limit: TimeLimit) -> String {
    let noun = match limit.unit {
        LimitUnit::WorkingDays => "working day",
        LimitUnit::Days => "calendar day",
        LimitUnit::Months => "month",
    };
    plural(limit.value, noun)
}

fn plural(n: u32, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn range_zh(from: Date, to: Date) -> String {
    if from == to {
        from.to_string()
    } else {
        format!("{from}至{to}")
    }
}

fn range_en(from: Date, to: Date) -> String {
    if from == to {
        from.to_string()
    } else {
        format!("{from} to {to}")
    }
}

fn join_years(years: &[i32], separator: &str) -> String {
    years
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(separator)
}

fn join_dates(dates: &[Date], separator: &str) -> String {
    dates
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(separator)
}

/// What the day walk saw, collected while counting and turned into an [`Explanation`] at the end.
pub(crate) struct Trace<'a> {
    provisional_years: Vec<i32>,
    holidays: Vec<(Date, &'a Override)>,
    weekends: Vec<Date>,
    makeups: Vec<Date>,
    /// Per pause, in the caller's order: (working days, calendar days) it stopped the clock on.
    paused: Vec<(u32, u32)>,
}

impl<'a> Trace<'a> {
    pub(crate) fn new(pause_count: usize) -> Self {
        Self {
            provisional_years: Vec::new(),
            holidays: Vec::new(),
            weekends: Vec::new(),
            makeups: Vec::new(),
            paused: vec![(0, 0); pause_count],
        }
    }

    pub(crate) fn paused(&mut self, index: usize, working: bool) {
        if let Some((working_days, calendar_days)) = self.paused.get_mut(index) {
            *calendar_days = calendar_days.saturating_add(1);
            if working {
                *working_days = working_days.saturating_add(1);
            }
        }
    }

    /// A day of a provisional year was examined (days are walked in order, so the years arrive
    /// ascending).
    pub(crate) fn provisional(&mut self, year: i32) {
        if self.provisional_years.last() != Some(&year) {
            self.provisional_years.push(year);
        }
    }

    pub(crate) fn makeup_counted(&mut self, day: Date) {
        self.makeups.push(day);
    }

    pub(crate) fn skipped(&mut self, day: Date, kind: DayKind, ov: Option<&'a Override>) {
        match (kind, ov) {
            (DayKind::Holiday, Some(o)) => self.holidays.push((day, o)),
            _ => self.weekends.push(day),
        }
    }

    pub(crate) fn into_explanation(
        self,
        anchor: Anchor,
        start: Date,
        due: Date,
        segments: Vec<Segment>,
        pauses: &[Pause],
    ) -> Explanation {
        let mut spans: Vec<PausedSpan> = pauses
            .iter()
            .zip(self.paused)
            .filter(|(p, _)| p.from <= due && p.to > start)
            .map(|(p, (working, calendar))| PausedSpan {
                reason: p.reason.clone(),
                from: p.from,
                to: p.to,
                working_days_not_counted: working,
                calendar_days_not_counted: calendar,
            })
            .collect();
        spans.sort_by_key(|s| (s.from, s.to));
        Explanation {
            anchor,
            start,
            due,
            segments,
            holidays_skipped: group_holidays(&self.holidays),
            weekend_days_skipped: self.weekends,
            makeup_workdays_counted: self.makeups,
            pauses: spans,
            provisional_years: self.provisional_years,
        }
    }
}

/// Groups consecutive days of the same holiday into one span.
fn group_holidays(days: &[(Date, &Override)]) -> Vec<HolidaySpan> {
    let mut spans: Vec<HolidaySpan> = Vec::new();
    for (day, ov) in days {
        let name = ov.name.clone().unwrap_or_default();
        if let Some(last) = spans.last_mut()
            && last.name == name
            && last.to.next_day() == Some(*day)
        {
            last.to = *day;
            continue;
        }
        spans.push(HolidaySpan {
            name,
            name_en: ov.name_en.clone(),
            from: *day,
            to: *day,
        });
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::super::{Calendar, Pause, TimeLimit};
    use super::*;
    use time::macros::date;

    fn cal() -> Calendar {
        Calendar::builtin().unwrap()
    }

    #[test]
    fn chinese_explanation_of_expert_review_over_national_day_2026() {
        // Hand-counted in deadline.rs: due 2026-10-23, 4 paused working days, weekends
        // 09-19, 10-11, 10-17, 10-18.
        let pauses =
            [Pause::new(date!(2026 - 09 - 21), date!(2026 - 09 - 25), "专家评审").unwrap()];
        let d = cal()
            .deadline(date!(2026 - 09 - 15), TimeLimit::working_days(20), &pauses)
            .unwrap()
            .with_anchor(Anchor::Acceptance);
        assert_eq!(
            d.explanation.to_chinese(),
            "自2026-09-15受理次日起计算20个工作日，截止2026-10-23；\
             跳过中秋节假日2026-09-25至2026-09-27、国庆节假日2026-10-01至2026-10-07；\
             跳过周末休息日4天；调休上班日2026-09-20、2026-10-10计入；\
             暂停（专家评审）2026-09-21至2026-09-25共4个工作日不计入。"
        );
        assert_eq!(
            d.explanation.to_english(),
            "20 working days counted from the day after 2026-09-15 (acceptance); due 2026-10-23. \
             Holidays skipped: Mid-Autumn Festival 2026-09-25 to 2026-09-27, \
             National Day 2026-10-01 to 2026-10-07. Weekend days skipped: 4. \
             Make-up workdays counted: 2026-09-20, 2026-10-10. \
             Paused (专家评审) 2026-09-21 to 2026-09-25: 4 working days not counted."
        );
    }

    #[test]
    fn chinese_explanation_of_a_moved_calendar_day_limit() {
        // Fri 2025-09-26 + 7 days = 10-03 (holiday) → Thu 10-09.
        let d = cal()
            .deadline(date!(2025 - 09 - 26), TimeLimit::days(7), &[])
            .unwrap();
        assert_eq!(
            d.explanation.to_chinese(),
            "自2025-09-26次日起计算7日，期满日2025-10-03非工作日，顺延至2025-10-09；\
             跳过国庆节、中秋节假日2025-10-03至2025-10-08。"
        );
        assert_eq!(
            d.explanation.to_english(),
            "7 calendar days counted from the day after 2025-09-26; the period ends on \
             2025-10-03, a non-working day, so it moves to 2025-10-09. Holidays skipped: \
             National Day and Mid-Autumn Festival 2025-10-03 to 2025-10-08."
        );
    }

    #[test]
    fn extensions_are_explained_after_the_original_limit() {
        // 2025-09-15 + 20 WD = 10-17 (see deadline.rs); + 10 WD = 10-31.
        let d = cal()
            .deadline_with_extensions(
                date!(2025 - 09 - 15),
                TimeLimit::working_days(20),
                &[TimeLimit::working_days(10)],
                &[],
            )
            .unwrap();
        let zh = d.explanation.to_chinese();
        assert!(
            zh.starts_with(
                "自2025-09-15次日起计算20个工作日，截止2025-10-17；\
                 自原截止日2025-10-17次日起延长10个工作日，截止2025-10-31；"
            ),
            "{zh}"
        );
        assert_eq!(d.explanation.extensions().count(), 1);
        // Weekends: 09-20, 09-21, 09-27, 10-12, then 10-18, 10-19, 10-25, 10-26.
        assert!(zh.contains("跳过周末休息日8天"), "{zh}");
    }

    #[test]
    fn one_day_holiday_is_a_single_date_and_pause_without_reason_has_no_brackets() {
        // Tue 2024-12-31 is not counted; 2025-01-01 holiday; Thu 01-02 paused; Fri 01-03 → 1.
        let pauses = [Pause::new(date!(2025 - 01 - 02), date!(2025 - 01 - 02), "").unwrap()];
        let d = cal()
            .deadline(date!(2024 - 12 - 31), TimeLimit::working_days(1), &pauses)
            .unwrap();
        assert_eq!(d.due, date!(2025 - 01 - 03));
        assert_eq!(
            d.explanation.to_chinese(),
            "自2024-12-31次日起计算1个工作日，截止2025-01-03；跳过元旦假日2025-01-01；\
             暂停2025-01-02共1个工作日不计入。"
        );
    }

    #[test]
    fn pauses_outside_the_period_are_not_mentioned() {
        let pauses = [
            Pause::new(date!(2026 - 03 - 01), date!(2026 - 03 - 02), "before").unwrap(),
            Pause::new(date!(2026 - 04 - 01), date!(2026 - 04 - 02), "after").unwrap(),
        ];
        // Mon 2026-03-02 + 3 WD = Thu 03-05.
        let d = cal()
            .deadline(date!(2026 - 03 - 02), TimeLimit::working_days(3), &pauses)
            .unwrap();
        assert_eq!(d.due, date!(2026 - 03 - 05));
        assert!(d.explanation.pauses.is_empty());
    }

    #[test]
    fn provisional_deadline_is_marked_in_both_languages() {
        // Hand-counted in deadline.rs: Sun 2026-12-20 + 20 working days = 2027-01-18 (暂定).
        let d = cal()
            .deadline(date!(2026 - 12 - 20), TimeLimit::working_days(20), &[])
            .unwrap()
            .with_anchor(Anchor::Acceptance);
        assert_eq!(
            d.explanation.to_chinese(),
            "自2026-12-20受理次日起计算20个工作日，截止2027-01-18（暂定）；\
             跳过元旦假日2027-01-01；跳过周末休息日8天；\
             暂定：2027年的国务院放假通知尚未导入，按《全国年节及纪念日放假办法》规定的法定节假日和周末计算，\
             未计调休，导入通知后重新计算。"
        );
        let en = d.explanation.to_english();
        assert!(en.contains("due 2027-01-18 (provisional)."), "{en}");
        assert!(
            en.ends_with(
                "notice for 2027 is not loaded; counted with the statutory holidays of \
                 the national holiday regulations and weekends, without make-up workdays, and \
                 recounted when the notice is imported."
            ),
            "{en}"
        );
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["provisional"], true);
        assert_eq!(json["explanation"]["provisional_years"][0], 2027);
    }

    #[test]
    fn an_extension_into_a_provisional_year_marks_only_the_later_due_date() {
        // 2026-11-16 + 20 WD: 11-17..11-20 → 4, 11-23..27 → 9, 11-30..12-04 → 14,
        // 12-07..12-11 → 19, Mon 12-14 → 20 (exact). +10 WD: 12-15..12-18 → 4, 12-21..25 → 9,
        // Mon 12-28 → 10: still 2026, exact. +10 more: 12-29..31 → 3, 01-01 holiday,
        // 01-04..08 → 8, 01-11, 01-12 → 10: 2027-01-12 (暂定).
        let d = cal()
            .deadline_with_extensions(
                date!(2026 - 11 - 16),
                TimeLimit::working_days(20),
                &[TimeLimit::working_days(10), TimeLimit::working_days(10)],
                &[],
            )
            .unwrap();
        assert_eq!(d.due, date!(2027 - 01 - 12));
        let zh = d.explanation.to_chinese();
        assert!(zh.contains("截止2026-12-14；"), "{zh}");
        assert!(zh.contains("截止2026-12-28；"), "{zh}");
        assert!(zh.contains("截止2027-01-12（暂定）；"), "{zh}");
    }

    #[test]
    fn explanation_serialises_dates_as_iso_strings() {
        let d = cal()
            .deadline(date!(2026 - 02 - 09), TimeLimit::working_days(10), &[])
            .unwrap();
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["due"], "2026-02-28");
        assert_eq!(
            json["explanation"]["makeup_workdays_counted"][0],
            "2026-02-14"
        );
        assert_eq!(
            json["explanation"]["holidays_skipped"][0]["from"],
            "2026-02-15"
        );
        assert_eq!(
            json["explanation"]["segments"][0]["limit"]["unit"],
            "working_days"
        );
        assert_eq!(
            json["explanation"]["segments"][0]["period_end"],
            serde_json::Value::Null
        );
    }
}
