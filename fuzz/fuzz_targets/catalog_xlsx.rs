//! Catalog XLSX import (a ZIP of XML parts, read by calamine). The interchange module promises
//! that export then import gives back the same items. calamine panics on some malformed sheets
//! and `import_xlsx` catches that, so no panic may escape it.
#![no_main]

#[path = "caught_panics.rs"]
mod caught_panics;

use libfuzzer_sys::fuzz_target;
use oneseal_domain::catalog::{export_xlsx, import_xlsx};

fuzz_target!(
    init: {
        caught_panics::install();
    },
    |data: &[u8]| {
        let import = |bytes: &[u8]| caught_panics::inside("import_xlsx", || import_xlsx(bytes));
        let Ok(items) = import(data) else {
            return;
        };
        let exported = export_xlsx(&items, time::OffsetDateTime::UNIX_EPOCH);
        assert!(
            exported.is_ok(),
            "an imported catalog does not export: {exported:?}"
        );
        let again = exported.map(|bytes| import(&bytes));
        assert_eq!(again.ok().and_then(Result::ok), Some(items));
    }
);
