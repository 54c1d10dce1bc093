//! A tlog-witness add-checkpoint request body. Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = oneseal_ledger::fuzz::witness_request(data);
});
