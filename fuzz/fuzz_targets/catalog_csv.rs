//! Catalog CSV import (departments hand their item lists to the bureau as CSV). The interchange
//! module promises that export then import gives back the same items.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oneseal_domain::catalog::{export_csv, import_csv};

fuzz_target!(|data: &[u8]| {
    let Ok(items) = import_csv(data) else {
        return;
    };
    let exported = export_csv(&items);
    assert!(
        exported.is_ok(),
        "an imported catalog does not export: {exported:?}"
    );
    let again = exported.map(|bytes| import_csv(&bytes));
    assert_eq!(again.ok().and_then(Result::ok), Some(items));
});
