//! Keystore decryption of an encrypted private key with a wrong passphrase.
//!
//! The header is parsed for every input (`kdf_params_of`), but Argon2 runs only for cheap
//! parameters: the keystore accepts up to 1 GiB and 64 passes, which is correct for a real key
//! file and would make every such input a fuzzer timeout. The cap itself is what this target
//! checks: no accepted header may exceed it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oneseal_seal::keystore::{
    MAX_M_COST_KIB, MAX_P_COST, MAX_T_COST, decrypt_private_key, kdf_params_of,
};

/// Largest Argon2 cost the target pays for: 64 KiB, 2 passes, 4 lanes (well under a millisecond).
const FUZZ_M_COST_KIB: u32 = 64;
const FUZZ_T_COST: u32 = 2;
const FUZZ_P_COST: u32 = 4;

fuzz_target!(|data: &[u8]| {
    let Ok(params) = kdf_params_of(data) else {
        // A header that does not parse never reaches the KDF.
        let _ = decrypt_private_key(data, b"x");
        return;
    };
    assert!(params.m_cost_kib() <= MAX_M_COST_KIB);
    assert!(params.t_cost() <= MAX_T_COST);
    assert!(params.p_cost() <= MAX_P_COST);
    let cheap = params.m_cost_kib() <= FUZZ_M_COST_KIB
        && params.t_cost() <= FUZZ_T_COST
        && params.p_cost() <= FUZZ_P_COST;
    if cheap {
        let _ = decrypt_private_key(data, b"x");
    }
});
