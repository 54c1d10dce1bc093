//! A tlog-witness 200 reply (cosignature lines). Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = oneseal_ledger::fuzz::witness_response(data);
});
