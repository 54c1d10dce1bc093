//! `Seal::from_der`: strict decoding of a DER `SESeal` (the seal as a relying party receives it
//! inside a signature or from the seal registry). Whatever is accepted re-encodes byte for byte.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oneseal_seal::Seal;

fuzz_target!(|data: &[u8]| {
    let Ok(seal) = Seal::from_der(data) else {
        return;
    };
    assert_eq!(seal.to_der(), data);
    let rebuilt = Seal::from_raw(seal.raw().clone()).map(|s| s.to_der().to_vec());
    assert_eq!(rebuilt.ok().as_deref(), Some(data));
    let _ = (seal.seal_info_der(), seal.verify_maker_signature());
    let (start, end) = seal.validity();
    let _ = (seal.check_valid_at(start), seal.check_valid_at(end));
});
