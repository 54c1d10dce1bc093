//! Every ledger parser at once: whatever parses must re-encode byte for byte (the ledger accepts
//! canonical encodings only), and `policy`/`witness_response`, which have no encoder, must not
//! panic either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oneseal_ledger::fuzz;

fuzz_target!(|data: &[u8]| {
    let _ = (fuzz::policy(data), fuzz::witness_response(data));
    let failures = fuzz::round_trip_failures(data);
    assert!(
        failures.is_empty(),
        "accepted but re-encoded differently by {failures:?}: {:?}",
        String::from_utf8_lossy(data)
    );
});
