//! Dates as `YYYY-MM-DD` in serde and in interchange files.

use serde::{Deserialize, Deserializer, Serializer};
use time::Date;
use time::macros::format_description;

const FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]");

pub fn format(date: Date) -> Result<String, time::error::Format> {
    date.format(FORMAT)
}

pub fn parse(s: &str) -> Result<Date, time::error::Parse> {
    Date::parse(s, FORMAT)
}

pub fn serialize<S: Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format(*date).map_err(serde::ser::Error::custom)?)
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
    let raw = String::deserialize(d)?;
    parse(&raw).map_err(serde::de::Error::custom)
}

pub mod option {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(date: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(d) => super::serialize(d, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        match Option::<String>::deserialize(d)? {
            Some(raw) => super::parse(&raw)
                .map(Some)
                .map_err(serde::de::Error::custom),
            None => Ok(None),
        }
    }
}
