//! `oneseal calendar deadline`: a legal deadline on the working-day calendar, explained.

use anyhow::{Result, anyhow};
use clap::Subcommand;
use oneseal_domain::calendar::{self, Calendar, TimeLimit};

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Print the due date (first line, ISO) and how it was computed.
    Deadline {
        /// The day the clock starts from (not counted), YYYY-MM-DD.
        #[arg(long)]
        start: String,
        /// The limit's length.
        #[arg(long)]
        days: u32,
        /// working (working days, the default), calendar (days) or months.
        #[arg(long, default_value = "working")]
        unit: String,
        /// A paused interval FROM:TO[:REASON] (both dates paused); repeatable.
        #[arg(long)]
        pause: Vec<String>,
    },
}

pub fn run(cmd: CalendarCommand) -> Result<()> {
    match cmd {
        CalendarCommand::Deadline {
            start,
            days,
            unit,
            pause,
        } => {
            let start = calendar::parse_date_arg(&start)?;
            let unit = calendar::parse_unit_arg(&unit)?;
            let pauses = pause
                .iter()
                .map(|p| calendar::parse_pause_arg(p))
                .collect::<Result<Vec<_>, _>>()?;
            let cal = Calendar::builtin().map_err(|e| anyhow!("built-in calendar: {e}"))?;
            let deadline = cal.deadline(start, TimeLimit { value: days, unit }, &pauses)?;
            print!("{}", calendar::render_deadline_cli(&deadline));
            Ok(())
        }
    }
}
