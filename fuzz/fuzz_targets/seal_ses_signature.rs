//! `SesSignature::from_der`: strict format checks of a sealed-document signature, without the
//! cryptography. Whatever is accepted is canonical DER and re-encodes to the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use oneseal_seal::{SesSignature, asn1};

fuzz_target!(|data: &[u8]| {
    let Ok(signature) = SesSignature::from_der(data) else {
        return;
    };
    assert_eq!(signature.to_der(), data);
    assert_eq!(asn1::encode(signature.raw()).ok().as_deref(), Some(data));
    let _ = (
        signature.signature_der(),
        signature.seal().verify_maker_signature(),
    );
    let _ = signature.verify();
});
