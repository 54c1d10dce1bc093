//! Working-day calendar year files (`oneseal calendar import`): `Calendar::load_year_json` and
//! `YearCalendar::from_json`. An accepted year exports to JSON that loads back to the same year.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oneseal_domain::calendar::{Calendar, YearCalendar};

fuzz_target!(|data: &[u8]| {
    let Ok(json) = std::str::from_utf8(data) else {
        return;
    };
    let mut calendar = Calendar::new();
    let loaded = calendar.load_year_json(json);
    let Ok(year) = YearCalendar::from_json(json) else {
        assert!(loaded.is_err(), "Calendar and YearCalendar disagree");
        return;
    };
    assert_eq!(loaded.ok(), Some(year.year()));
    assert_eq!(calendar.year(year.year()), Some(&year));
    let exported = year.to_json();
    assert!(exported.is_ok(), "an accepted year does not export");
    let again = exported.map(|text| YearCalendar::from_json(&text));
    assert_eq!(again.ok().and_then(Result::ok), Some(year));
});
