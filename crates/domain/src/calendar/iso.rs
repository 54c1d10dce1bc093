//! Dates as `YYYY-MM-DD` in serde: how every calendar type, and the events, write a day.
//!
//! Its own module because the year files (`year.rs`) are read with it while the calendar
//! (`mod.rs`) reads year files: in `mod.rs` the two would import each other.

time::serde::format_description!(pub(crate) iso_date, Date, "[year]-[month]-[day]");
