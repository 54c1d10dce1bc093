//! A period of days as the counters sum it (issue #17): the whole months inside it from the
//! month rows (`case_tallies_monthly`, `alert_tallies_monthly`, migrations 63 and 64), and only
//! the partial months at its two ends from the day rows.
//!
//! Why: the accountability report's default period is the whole history (2000-01-01 to
//! 2999-12-31), and summing day rows over it grows with every day the bureau works; at 100,000
//! cases the report spent most of its 170–290 ms there. A period now reads at most two months of
//! day rows (under 62 days) plus one month row per month and key, twelve times fewer than days,
//! and the whole-history read is month rows only. The month rows are the sums of their days,
//! written in the same transaction, so the sums are the same (the tests compare with
//! [`Period::days_only`] over random periods).

/// The ranges a period `from..=to` (`YYYY-MM-DD`, inclusive) is read from: two ranges of days
/// (inclusive; an empty range is `'1'..='0'`) and one range of months (`YYYY-MM`, inclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// The days before the first whole month (or the whole period when it holds no whole month).
    pub head: (String, String),
    /// The whole months.
    pub months: (String, String),
    /// The days after the last whole month.
    pub tail: (String, String),
}

/// A range no `YYYY-MM-DD` or `YYYY-MM` falls in (`'1' > '0'`).
fn empty() -> (String, String) {
    ("1".to_owned(), "0".to_owned())
}

fn parse(day: &str) -> Option<(u32, u32, u32)> {
    let b = day.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |s: &str| -> Option<u32> {
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())
            .flatten()
    };
    let (y, m, d) = (num(&day[..4])?, num(&day[5..7])?, num(&day[8..])?);
    ((1..=12).contains(&m) && d >= 1).then_some((y, m, d))
}

fn last_day(y: u32, m: u32) -> u32 {
    let month = u8::try_from(m)
        .ok()
        .and_then(|m| time::Month::try_from(m).ok())
        .unwrap_or(time::Month::January);
    u32::from(month.length(i32::try_from(y).unwrap_or(i32::MAX)))
}

fn month(y: u32, m: u32) -> String {
    format!("{y:04}-{m:02}")
}

impl Period {
    /// `from..=to` split at its whole months. A bound that is not a `YYYY-MM-DD` date leaves
    /// the period to the day rows, read as before.
    #[must_use]
    pub fn split(from: &str, to: &str) -> Self {
        let (Some((y1, m1, d1)), Some((y2, m2, d2))) = (parse(from), parse(to)) else {
            return Self::days_only(from, to);
        };
        // The first whole month starts on or after `from`; the last ends on or before `to`.
        let first = if d1 == 1 {
            (y1, m1)
        } else if m1 == 12 {
            (y1 + 1, 1)
        } else {
            (y1, m1 + 1)
        };
        let last = if d2 >= last_day(y2, m2) {
            (y2, m2)
        } else if m2 == 1 {
            match y2.checked_sub(1) {
                Some(y) => (y, 12),
                None => return Self::days_only(from, to),
            }
        } else {
            (y2, m2 - 1)
        };
        if first > last || from > to {
            return Self::days_only(from, to);
        }
        Self {
            head: if d1 == 1 {
                empty()
            } else {
                (
                    from.to_owned(),
                    format!("{}-{:02}", month(y1, m1), last_day(y1, m1)),
                )
            },
            months: (month(first.0, first.1), month(last.0, last.1)),
            tail: if d2 >= last_day(y2, m2) {
                empty()
            } else {
                (format!("{}-01", month(y2, m2)), to.to_owned())
            },
        }
    }

    /// `from..=to` read from the day rows alone: what the month rows must add up to (the tests
    /// compare), and the read of a period inside one month.
    #[must_use]
    pub fn days_only(from: &str, to: &str) -> Self {
        Self {
            head: (from.to_owned(), to.to_owned()),
            months: empty(),
            tail: empty(),
        }
    }
}

/// `SELECT {columns}` from the rows of `period`: the head's days of `days`, the months of
/// `months`, the tail's days of `days`, as one `UNION ALL` (bound with [`union_args`]). The
/// caller groups and sums it; `filter` (`AND …`, no parameters) narrows each part alike.
pub(crate) fn union(columns: &str, days: &str, months: &str, filter: &str) -> String {
    format!(
        "SELECT {columns} FROM {days} WHERE jurisdiction = ? AND day >= ? AND day <= ?{filter} \
         UNION ALL SELECT {columns} FROM {months} WHERE jurisdiction = ? AND month >= ? AND month <= ?{filter} \
         UNION ALL SELECT {columns} FROM {days} WHERE jurisdiction = ? AND day >= ? AND day <= ?{filter}"
    )
}

/// The parameters of [`union`].
pub(crate) fn union_args(jurisdiction: &str, period: &Period) -> Vec<crate::Value> {
    [&period.head, &period.months, &period.tail]
        .into_iter()
        .flat_map(|(from, to)| {
            [
                crate::Value::from(jurisdiction),
                from.as_str().into(),
                to.as_str().into(),
            ]
        })
        .collect()
}

/// The month (`YYYY-MM`) of a day (`YYYY-MM-DD`).
#[must_use]
pub fn month_of(day: &str) -> &str {
    day.get(..7).unwrap_or(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(head: (&str, &str), months: (&str, &str), tail: (&str, &str)) -> Period {
        let s = |(a, b): (&str, &str)| (a.to_owned(), b.to_owned());
        Period {
            head: s(head),
            months: s(months),
            tail: s(tail),
        }
    }

    const NONE: (&str, &str) = ("1", "0");

    #[test]
    fn the_whole_history_is_months_only() {
        assert_eq!(
            Period::split("2000-01-01", "2999-12-31"),
            p(NONE, ("2000-01", "2999-12"), NONE)
        );
        assert_eq!(
            Period::split("0000-01-01", "9999-12-31"),
            p(NONE, ("0000-01", "9999-12"), NONE)
        );
    }

    #[test]
    fn partial_months_at_the_ends_are_read_from_days() {
        assert_eq!(
            Period::split("2025-12-15", "2026-03-10"),
            p(
                ("2025-12-15", "2025-12-31"),
                ("2026-01", "2026-02"),
                ("2026-03-01", "2026-03-10")
            )
        );
        assert_eq!(
            Period::split("2024-01-31", "2024-03-29"),
            p(
                ("2024-01-31", "2024-01-31"),
                ("2024-02", "2024-02"),
                ("2024-03-01", "2024-03-29")
            )
        );
        // February's last day, leap year or not.
        assert_eq!(
            Period::split("2024-02-01", "2024-02-29"),
            p(NONE, ("2024-02", "2024-02"), NONE)
        );
        assert_eq!(
            Period::split("2023-02-01", "2023-02-28").months,
            ("2023-02".to_owned(), "2023-02".to_owned())
        );
        assert_eq!(
            Period::split("2100-02-01", "2100-02-28").months,
            ("2100-02".to_owned(), "2100-02".to_owned())
        );
    }

    #[test]
    fn a_period_without_a_whole_month_is_days_only() {
        for (from, to) in [
            ("2026-11-15", "2026-11-15"),
            ("2026-11-02", "2026-12-30"),
            ("2026-12-31", "2027-01-30"),
            ("2024-02-01", "2024-02-28"),
            ("2026-11-30", "2026-11-01"),
            ("2026-1-1", "2026-12-31"),
            ("0000-01-01", "0000-01-05"),
        ] {
            assert_eq!(
                Period::split(from, to),
                Period::days_only(from, to),
                "{from}..{to}"
            );
        }
    }

    #[test]
    fn a_month_is_its_days_prefix() {
        assert_eq!(month_of("2026-11-23"), "2026-11");
    }
}
