//! Sealed bundles checked offline by a relying party (`oneseal cert verify`, `oneseal cert
//! export`, the public `/verify` upload): `TrustFile::from_json`, `SealedBundle::from_json`,
//! `verify_bundle` and `export_bundle`.
//!
//! Input: the trust file's JSON, a NUL byte, then the bundle's JSON (JSON never contains a raw
//! NUL). Without a NUL the whole input is tried as each. Besides "no panic": an accepted trust
//! file or bundle re-encodes to JSON that parses back equal, and a bundle that verifies is one
//! whose verdict agrees with its parts and the trust file (document hash, registered seal,
//! revocation only before the signing time).
#![no_main]

use libfuzzer_sys::fuzz_target;
use oneseal_seal::bundle::{SealStatus, SealedBundle, TrustFile, export_bundle, verify_bundle};
use oneseal_seal::sm3_digest;

fuzz_target!(|data: &[u8]| {
    let (trust_bytes, bundle_bytes) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, data),
    };
    let trust = TrustFile::from_json(trust_bytes);
    if let Ok(trust) = &trust {
        let json = trust.to_json();
        assert!(json.is_ok(), "an accepted trust file does not encode");
        let again = json.map(|j| TrustFile::from_json(j.as_bytes()));
        assert_eq!(again.ok().and_then(Result::ok).as_ref(), Some(trust));
    }
    let Ok(bundle) = SealedBundle::from_json(bundle_bytes) else {
        return;
    };
    let json = bundle.to_json();
    assert!(json.is_ok(), "an accepted bundle does not encode");
    let again = json.map(|j| SealedBundle::from_json(j.as_bytes()));
    assert_eq!(again.ok().and_then(Result::ok).as_ref(), Some(&bundle));

    let exported = export_bundle(&bundle);
    let Ok(trust) = trust else {
        return;
    };
    let Ok(verdict) = verify_bundle(&bundle, &trust) else {
        return;
    };
    assert!(exported.is_ok(), "a verified bundle does not export");
    assert_eq!(verdict.document_sm3, sm3_digest(&bundle.document));
    assert!(!verdict.cosigners.is_empty());
    let seal = trust.seals.iter().find(|s| s.es_id == verdict.es_id);
    assert!(seal.is_some(), "verified against an unregistered seal");
    if let Some(seal) = seal {
        assert_eq!(seal.name, verdict.seal_name);
        assert_eq!(seal.status, verdict.seal_status);
        assert!(seal.valid_start <= verdict.signing_time);
        assert!(verdict.signing_time <= seal.valid_end);
        assert_eq!(
            verdict.revocation.is_some(),
            seal.status == SealStatus::Revoked
        );
        if let Some(revocation) = &verdict.revocation {
            assert!(verdict.signing_time < revocation.revoked_at);
        }
    }
});
