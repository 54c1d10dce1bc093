//! Catalog XLSX import (a ZIP of XML parts, read by calamine). The interchange module promises
//! that export then import gives back the same items.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oneseal_domain::catalog::{export_xlsx, import_xlsx};

fuzz_target!(|data: &[u8]| {
    let Ok(items) = import_xlsx(data) else {
        return;
    };
    let exported = export_xlsx(&items);
    assert!(
        exported.is_ok(),
        "an imported catalog does not export: {exported:?}"
    );
    let again = exported.map(|bytes| import_xlsx(&bytes));
    assert_eq!(again.ok().and_then(Result::ok), Some(items));
});
