//! `verify_signature`: the full path a relying party runs on a DER `SES_Signature` it was handed
//! (strict decoding, then SM2 checks of the signer and maker signatures). Must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(verified) = oneseal_seal::verify_signature(data) {
        // A verified record describes a window that contains its own signing time.
        assert!(verified.valid_start <= verified.signing_time);
        assert!(verified.signing_time <= verified.valid_end);
    }
});
