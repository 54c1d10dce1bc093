//! Argument parsing and output for `oneseal calendar deadline`, kept here so the CLI stays a
//! thin shell and the same strict date rules apply everywhere.
//!
//! `oneseal calendar deadline --start YYYY-MM-DD --days N [--unit working|calendar|months]
//! [--pause YYYY-MM-DD:YYYY-MM-DD[:REASON]]...` prints the due date on its first line, then the
//! Chinese and English explanations.

use time::Date;
use time::macros::format_description;

use super::deadline::Deadline;
use super::limit::{LimitUnit, Pause};

/// A command-line argument that could not be understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CliArgError {
    /// Not a date in `YYYY-MM-DD` form.
    #[error("expected a date as YYYY-MM-DD, got {0:?}")]
    BadDate(String),
    /// Not `FROM:TO` or `FROM:TO:REASON`.
    #[error("expected a pause as YYYY-MM-DD:YYYY-MM-DD[:REASON], got {0:?}")]
    BadPause(String),
    /// A pause whose end is before its start.
    #[error("pause ends on {to}, before it starts on {from}")]
    ReversedPause {
        /// First paused day.
        from: Date,
        /// Last paused day.
        to: Date,
    },
    /// Not one of the known units.
    #[error("expected a unit of working, calendar or months, got {0:?}")]
    BadUnit(String),
}

/// Parses a strict `YYYY-MM-DD` date.
///
/// # Errors
/// [`CliArgError::BadDate`] for anything else, including impossible dates.
pub fn parse_date_arg(arg: &str) -> Result<Date, CliArgError> {
    Date::parse(arg.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|_| CliArgError::BadDate(arg.to_owned()))
}

/// Parses `--pause FROM:TO` or `FROM:TO:REASON` (both dates inclusive).
///
/// # Errors
/// [`CliArgError::BadPause`] for a malformed argument, [`CliArgError::BadDate`] for a bad
/// date, [`CliArgError::ReversedPause`] when `TO` is before `FROM`.
pub fn parse_pause_arg(arg: &str) -> Result<Pause, CliArgError> {
    let mut parts = arg.splitn(3, ':');
    let (Some(from), Some(to)) = (parts.next(), parts.next()) else {
        return Err(CliArgError::BadPause(arg.to_owned()));
    };
    let reason = parts.next().unwrap_or_default().trim().to_owned();
    let (from, to) = (parse_date_arg(from)?, parse_date_arg(to)?);
    Pause::new(from, to, reason).map_err(|_| CliArgError::ReversedPause { from, to })
}

/// Parses `--unit`: `working` (the default of the CLI), `calendar` or `months`.
///
/// # Errors
/// [`CliArgError::BadUnit`] for anything else.
pub fn parse_unit_arg(arg: &str) -> Result<LimitUnit, CliArgError> {
    match arg.trim() {
        "working" => Ok(LimitUnit::WorkingDays),
        "calendar" => Ok(LimitUnit::Days),
        "months" => Ok(LimitUnit::Months),
        _ => Err(CliArgError::BadUnit(arg.to_owned())),
    }
}

/// The CLI output: the ISO due date on the first line (so scripts can `head -1 | cut -c1-10`),
/// followed there by `暂定 / provisional` when it was counted through a year whose notice is
/// not loaded, then the Chinese and the English explanation.
#[must_use]
pub fn render_deadline_cli(deadline: &Deadline) -> String {
    let mark = if deadline.provisional {
        " 暂定 / provisional"
    } else {
        ""
    };
    format!(
        "{}{mark}\n{}\n{}\n",
        deadline.due,
        deadline.explanation.to_chinese(),
        deadline.explanation.to_english()
    )
}

#[cfg(test)]
mod tests {
    use super::super::{Calendar, TimeLimit};
    use super::*;
    use time::macros::date;

    #[test]
    fn pause_argument_with_and_without_reason_parses() {
        assert_eq!(
            parse_pause_arg("2026-09-21:2026-09-25"),
            Ok(Pause {
                from: date!(2026 - 09 - 21),
                to: date!(2026 - 09 - 25),
                reason: String::new(),
            })
        );
        let p = parse_pause_arg("2026-09-21:2026-09-21:专家评审").unwrap();
        assert_eq!(
            (p.from, p.to),
            (date!(2026 - 09 - 21), date!(2026 - 09 - 21))
        );
        assert_eq!(p.reason, "专家评审");
    }

    #[test]
    fn malformed_pause_arguments_are_refused() {
        assert_eq!(
            parse_pause_arg("2026-09-21"),
            Err(CliArgError::BadPause("2026-09-21".into()))
        );
        assert_eq!(
            parse_pause_arg("2026-09-21:2026-13-01"),
            Err(CliArgError::BadDate("2026-13-01".into()))
        );
        assert_eq!(
            parse_pause_arg("2026/09/21:2026-09-25"),
            Err(CliArgError::BadDate("2026/09/21".into()))
        );
        assert_eq!(
            parse_pause_arg("2026-09-25:2026-09-21"),
            Err(CliArgError::ReversedPause {
                from: date!(2026 - 09 - 25),
                to: date!(2026 - 09 - 21),
            })
        );
    }

    #[test]
    fn dates_must_be_strict_iso() {
        assert_eq!(parse_date_arg("2026-02-28"), Ok(date!(2026 - 02 - 28)));
        assert!(parse_date_arg("2026-2-28").is_err());
        assert!(parse_date_arg("2026-02-29").is_err());
        assert!(parse_date_arg("").is_err());
    }

    #[test]
    fn units_parse_from_their_cli_names() {
        assert_eq!(parse_unit_arg("working"), Ok(LimitUnit::WorkingDays));
        assert_eq!(parse_unit_arg("calendar"), Ok(LimitUnit::Days));
        assert_eq!(parse_unit_arg("months"), Ok(LimitUnit::Months));
        assert_eq!(
            parse_unit_arg("weeks"),
            Err(CliArgError::BadUnit("weeks".into()))
        );
    }

    #[test]
    fn cli_output_starts_with_the_iso_due_date() {
        // Mon 2026-02-09 + 10 WD = Sat 2026-02-28 (hand-counted in deadline.rs).
        let pause = parse_pause_arg("2026-03-20:2026-03-21").unwrap();
        let d = Calendar::builtin()
            .unwrap()
            .deadline(date!(2026 - 02 - 09), TimeLimit::working_days(10), &[pause])
            .unwrap();
        let out = render_deadline_cli(&d);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0], "2026-02-28");
        assert!(lines[1].starts_with("自2026-02-09次日起计算10个工作日，截止2026-02-28；"));
        assert!(lines[2].starts_with("10 working days counted from the day after 2026-02-09"));
    }

    #[test]
    fn a_provisional_due_date_says_so_on_the_first_line() {
        // Sun 2026-12-20 + 20 WD = 2027-01-18 on the statutory holidays (deadline.rs).
        let d = Calendar::builtin()
            .unwrap()
            .deadline(date!(2026 - 12 - 20), TimeLimit::working_days(20), &[])
            .unwrap();
        let out = render_deadline_cli(&d);
        assert_eq!(out.lines().next(), Some("2027-01-18 暂定 / provisional"));
        assert!(out.contains("截止2027-01-18（暂定）"), "{out}");
    }
}
