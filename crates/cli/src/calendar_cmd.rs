//! `oneseal calendar deadline`: a legal deadline on the working-day calendar, explained.

use anyhow::{Result, anyhow};
use clap::Subcommand;
use oneseal_domain::calendar::{self, Calendar, TimeLimit};

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Import a year of the working-day calendar not yet in force (an official holiday notice as
    /// JSON, in the format of crates/domain/data/calendar/2026.json); recorded on the ledger.
    /// A year in force is refused if any day up to today changes; later days of it are changed
    /// through a correction (POST /api/v1/calendar/corrections, approved by the bureau head).
    /// Restart the server afterwards, or import through the API while it runs.
    Import {
        file: std::path::PathBuf,
        #[command(flatten)]
        db: crate::serve::DbArgs,
        /// The jurisdiction whose log records the import.
        #[arg(long, default_value = "370100")]
        jurisdiction: String,
    },
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
        /// A year file (the import layout) to count with, e.g. next year's notice before it is
        /// imported; replaces the shipped year of the same number. Repeatable. A year neither
        /// shipped nor given is counted provisionally from its statutory holidays.
        #[arg(long = "year", value_name = "FILE")]
        years: Vec<std::path::PathBuf>,
    },
}

pub fn run(cmd: CalendarCommand) -> Result<()> {
    match cmd {
        CalendarCommand::Import {
            file,
            db,
            jurisdiction,
        } => {
            use oneseal_server::services::calendar::{CalendarError, import_event};
            use oneseal_server::{SystemClock, WallClock};
            let text = std::fs::read_to_string(&file)?;
            let parsed = oneseal_domain::calendar::YearCalendar::from_json(&text)
                .map_err(|e| anyhow!("日历文件无效 invalid calendar file: {e}"))?;
            let _lock = crate::data_lock::DataLock::acquire(&db.data, "calendar import")?;
            let year = parsed.year();
            let store = oneseal_store::Store::open(db.database()?)?;
            let now = SystemClock.now();
            let meta = oneseal_server::services::commands::Meta {
                time: now,
                jurisdiction: oneseal_domain::org::DivisionCode::parse(&jurisdiction)?,
                actor: oneseal_domain::event::Actor::System("cli".into()),
            };
            let today = oneseal_domain::case::legal_date(now);
            // A year in force is history up to today, as through the API: only a year not in
            // force yet is imported here; later days of one in force need a correction.
            let idx = store
                .write_blocking(move |tx| {
                    let event = match import_event(tx.conn(), parsed, text, today) {
                        Ok(Some(event)) => event,
                        Ok(None) => return Ok(None),
                        Err(CalendarError::CorrectionRequired { .. }) => {
                            return Err(oneseal_server::error::ApiError::conflict(
                                "calendar_correction_required",
                                "该年度日历已经生效；更改今后的日期须通过 POST /api/v1/calendar/corrections 提出更正并经局长批准",
                                "this year is in force; changing later days needs a correction (POST /api/v1/calendar/corrections) approved by the bureau head",
                            ));
                        }
                        Err(e) => return Err(oneseal_server::error::ApiError::from(e)),
                    };
                    let moved = match &event {
                        oneseal_domain::event::Event::CalendarYearImported { moving, .. } => {
                            moving.len()
                        }
                        _ => 0,
                    };
                    meta.record_event(tx, &event)
                        .map(|idx| Some((idx, moved)))
                        .map_err(oneseal_server::error::ApiError::from)
                })
                .map_err(|e| anyhow!("{e}"));
            store.close();
            let Some((idx, moved)) = idx? else {
                println!("{year} 年工作日历没有变化 the {year} calendar is unchanged");
                return Ok(());
            };
            println!(
                "已导入 {year} 年工作日历，{moved} 个在办件期限随之变动 imported the {year} calendar, \
                 {moved} open-case deadlines moved (ledger index {idx})"
            );
            Ok(())
        }
        CalendarCommand::Deadline {
            start,
            days,
            unit,
            pause,
            years,
        } => {
            let start = calendar::parse_date_arg(&start)?;
            let unit = calendar::parse_unit_arg(&unit)?;
            let pauses = pause
                .iter()
                .map(|p| calendar::parse_pause_arg(p))
                .collect::<Result<Vec<_>, _>>()?;
            let mut cal = Calendar::builtin().map_err(|e| anyhow!("built-in calendar: {e}"))?;
            for file in &years {
                let text = std::fs::read_to_string(file)
                    .map_err(|e| anyhow!("{}: {e}", file.display()))?;
                cal.load_year_json(&text).map_err(|e| {
                    anyhow!("日历文件无效 invalid calendar file {}: {e}", file.display())
                })?;
            }
            let deadline = cal.deadline(start, TimeLimit { value: days, unit }, &pauses)?;
            print!("{}", calendar::render_deadline_cli(&deadline));
            Ok(())
        }
    }
}
