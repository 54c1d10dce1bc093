use super::*;
use crate::asn1::RawSesSignature;
use crate::key::sm3_digest;
use crate::testing::{Fixture, fixture, key, seal_info, signed, t};
use der::asn1::ObjectIdentifier;
use proptest::prelude::*;

/// Re-signs a modified `TBS_Sign` so only the property under test is wrong.
fn resign(mut raw: RawSesSignature, signer: &SealPrivateKey) -> Vec<u8> {
    let tbs = asn1::encode(&raw.to_sign).unwrap();
    raw.signature = bits(signer.sign(&tbs).unwrap().to_der()).unwrap();
    raw.cert = octets(signer.public_key().to_spki_der()).unwrap();
    asn1::encode(&raw).unwrap()
}

/// Re-signs a modified `eSealInfo` with the maker's key.
fn remake_seal(mut raw: RawSeSeal, maker: &SealPrivateKey) -> RawSeSeal {
    let info = asn1::encode(&raw.e_seal_info).unwrap();
    raw.signed_value = bits(maker.sign(&info).unwrap().to_der()).unwrap();
    raw
}

fn seal_der_with(f: &Fixture, edit: impl FnOnce(&mut RawSeSeal)) -> Vec<u8> {
    let mut raw = f.seal.raw().clone();
    edit(&mut raw);
    asn1::encode(&remake_seal(raw, &f.maker)).unwrap()
}

#[test]
fn made_seal_round_trips_through_der_and_keeps_its_fields() {
    let f = fixture();
    let parsed = Seal::from_der(f.seal.to_der()).unwrap();
    assert_eq!(parsed.raw(), f.seal.raw());
    assert_eq!(parsed.to_der(), f.seal.to_der());
    assert_eq!(parsed.es_id(), "37010000000001");
    assert_eq!(parsed.name(), "济南市行政审批服务局行政审批专用章");
    assert_eq!(parsed.vendor_id(), "oneseal");
    assert_eq!(parsed.seal_type(), 1);
    assert_eq!(parsed.create_date(), t(2025, 12, 20));
    assert_eq!(parsed.validity(), (t(2026, 1, 1), t(2028, 12, 31)));
    assert_eq!(parsed.maker_public_key(), &f.maker.public_key());
    assert_eq!(parsed.signer_public_keys(), &[f.signer.public_key()]);
    assert_eq!(parsed.picture().picture_type.as_str(), "SVG");
    assert_eq!(parsed.picture().width, 42);
    assert_eq!(parsed.raw().e_seal_info.header.version, 4);
    assert_eq!(parsed.raw().sign_alg_id, OID_SM2_WITH_SM3);
}

#[test]
fn maker_signature_verifies_and_covers_the_seal_info() {
    let f = fixture();
    assert_eq!(f.seal.verify_maker_signature(), Ok(()));
    let sig = Sm2Signature::from_der(&f.seal.maker_signature_der()).unwrap();
    f.maker
        .public_key()
        .verify(&f.seal.seal_info_der().unwrap(), &sig)
        .unwrap();

    let mut raw = f.seal.raw().clone();
    raw.e_seal_info.property.name = "伪造的印章".into();
    let forged = Seal::from_raw(raw).unwrap();
    assert_eq!(
        forged.verify_maker_signature(),
        Err(SesError::MakerSignatureInvalid)
    );
}

#[test]
fn seal_with_extensions_and_several_signers_verifies() {
    let maker = key("maker");
    let (s1, s2) = (key("s1"), key("s2"));
    let mut info = seal_info(&s1);
    info.signers.push(s2.public_key());
    info.extensions = vec![asn1::ExtData {
        extn_id: ObjectIdentifier::new_unwrap("1.2.156.112.1"),
        critical: false,
        extn_value: OctetString::new(b"jurisdiction=370100".to_vec()).unwrap(),
    }];
    let seal = Seal::make(&info, &maker).unwrap();
    let seal = Seal::from_der(seal.to_der()).unwrap();
    assert_eq!(seal.verify_maker_signature(), Ok(()));
    let sig = sign_document(&seal, &s2, &[1; 32], "doc", t(2027, 1, 1)).unwrap();
    let v = verify_signature(sig.to_der()).unwrap();
    assert_eq!(v.signer_public_key, s2.public_key());
}

#[test]
fn signed_document_verifies_and_reports_what_was_signed() {
    let f = fixture();
    let sig = signed(&f);
    let v = verify_signature(sig.to_der()).unwrap();
    assert_eq!(v.es_id, "37010000000001");
    assert_eq!(v.seal_name, "济南市行政审批服务局行政审批专用章");
    assert_eq!(v.valid_start, t(2026, 1, 1));
    assert_eq!(v.valid_end, t(2028, 12, 31));
    assert_eq!(
        v.signing_time,
        SealTime::from_utc(2026, 9, 15, 8, 30, 0).unwrap()
    );
    assert_eq!(v.data_hash, sm3_digest(b"decision 2026-0001"));
    assert_eq!(v.property_info, "JN-2026-0001");
    assert_eq!(v.signer_public_key, f.signer.public_key());
    assert_eq!(v.maker_public_key, f.maker.public_key());
    assert!(v.covers_document(b"decision 2026-0001"));
    assert!(!v.covers_document(b"decision 2026-0002"));
}

#[test]
fn tbs_bytes_are_what_the_signer_signed() {
    let f = fixture();
    let sig = signed(&f);
    let value = Sm2Signature::from_der(&sig.signature_der()).unwrap();
    f.signer.public_key().verify(sig.tbs_der(), &value).unwrap();
    // The TBS DER is embedded verbatim in the SES_Signature DER.
    assert!(
        sig.to_der()
            .windows(sig.tbs_der().len())
            .any(|w| w == sig.tbs_der())
    );
    assert_eq!(sig.tbs_der().first(), Some(&0x30));
}

#[test]
fn signature_round_trips_through_der() {
    let f = fixture();
    let sig = signed(&f);
    let parsed = SesSignature::from_der(sig.to_der()).unwrap();
    assert_eq!(parsed.raw(), sig.raw());
    assert_eq!(parsed.tbs_der(), sig.tbs_der());
    assert_eq!(parsed.seal().to_der(), f.seal.to_der());
    assert_eq!(parsed.property_info(), "JN-2026-0001");
    assert_eq!(parsed.data_hash(), &sm3_digest(b"decision 2026-0001"));
    // `sign_document` assembles its result without re-parsing; it must equal the parse.
    assert_eq!(parsed.to_der(), sig.to_der());
    assert_eq!(parsed.seal().to_der(), sig.seal().to_der());
    assert_eq!(parsed.seal().raw(), sig.seal().raw());
    assert_eq!(parsed.signer_public_key(), sig.signer_public_key());
    assert_eq!(parsed.signature_der(), sig.signature_der());
    assert_eq!(parsed.data_hash(), sig.data_hash());
    assert_eq!(parsed.signing_time(), sig.signing_time());
    assert_eq!(parsed.verify(), sig.verify());
}

#[test]
fn sign_document_refuses_times_outside_the_validity_window() {
    let f = fixture();
    let h = [7u8; 32];
    assert_eq!(
        sign_document(&f.seal, &f.signer, &h, "d", t(2025, 12, 31)).unwrap_err(),
        SesError::SignedBeforeValidity {
            signing_time: t(2025, 12, 31),
            valid_start: t(2026, 1, 1)
        }
    );
    assert_eq!(
        sign_document(&f.seal, &f.signer, &h, "d", t(2029, 1, 1)).unwrap_err(),
        SesError::SignedAfterValidity {
            signing_time: t(2029, 1, 1),
            valid_end: t(2028, 12, 31)
        }
    );
    // Both ends are inclusive.
    assert!(sign_document(&f.seal, &f.signer, &h, "d", t(2026, 1, 1)).is_ok());
    assert!(sign_document(&f.seal, &f.signer, &h, "d", t(2028, 12, 31)).is_ok());
}

#[test]
fn verify_reports_a_signing_time_outside_the_window() {
    let f = fixture();
    let mut raw = signed(&f).raw().clone();
    raw.to_sign.time_info = t(2030, 6, 1).to_generalized().unwrap();
    let der = resign(raw.clone(), &f.signer);
    assert_eq!(
        verify_signature(&der).unwrap_err(),
        SesError::SignedAfterValidity {
            signing_time: t(2030, 6, 1),
            valid_end: t(2028, 12, 31)
        }
    );
    raw.to_sign.time_info = t(2020, 6, 1).to_generalized().unwrap();
    let der = resign(raw, &f.signer);
    assert!(matches!(
        verify_signature(&der).unwrap_err(),
        SesError::SignedBeforeValidity { .. }
    ));
}

#[test]
fn unlisted_signer_is_refused_when_signing_and_when_verifying() {
    let f = fixture();
    let stranger = key("stranger");
    assert_eq!(
        sign_document(&f.seal, &stranger, &[0; 32], "d", t(2027, 1, 1)).unwrap_err(),
        SesError::SignerNotInSeal
    );
    let der = resign(signed(&f).raw().clone(), &stranger);
    assert_eq!(
        verify_signature(&der).unwrap_err(),
        SesError::SignerNotInSeal
    );
}

#[test]
fn seal_altered_inside_a_signature_fails_the_maker_check() {
    let f = fixture();
    let mut raw = signed(&f).raw().clone();
    raw.to_sign.eseal.e_seal_info.property.valid_end = t(2099, 1, 1).to_generalized().unwrap();
    let der = resign(raw, &f.signer);
    assert_eq!(
        verify_signature(&der).unwrap_err(),
        SesError::MakerSignatureInvalid
    );
}

#[test]
fn altered_signed_content_fails_the_document_signature() {
    let f = fixture();
    let mut raw = signed(&f).raw().clone();
    raw.to_sign.property_info = Ia5String::new("JN-2026-0002").unwrap();
    let der = asn1::encode(&raw).unwrap();
    assert_eq!(
        verify_signature(&der).unwrap_err(),
        SesError::DocumentSignatureInvalid
    );
}

#[test]
fn wrong_algorithm_oids_are_rejected() {
    let f = fixture();
    let sm3 = asn1::OID_SM3;
    let mut raw = signed(&f).raw().clone();
    raw.signature_alg_id = sm3;
    assert!(matches!(
        verify_signature(&asn1::encode(&raw).unwrap()).unwrap_err(),
        SesError::UnsupportedAlgorithm {
            field: "SES_Signature.signatureAlgID",
            ..
        }
    ));
    let seal = seal_der_with(&f, |s| s.sign_alg_id = sm3);
    assert!(matches!(
        Seal::from_der(&seal).unwrap_err(),
        SesError::UnsupportedAlgorithm {
            field: "SESeal.signAlgID",
            ..
        }
    ));
}

#[test]
fn wrong_versions_are_rejected() {
    let f = fixture();
    let seal = seal_der_with(&f, |s| s.e_seal_info.header.version = 5);
    assert_eq!(
        Seal::from_der(&seal).unwrap_err(),
        SesError::UnsupportedVersion { found: 5 }
    );
    let mut raw = signed(&f).raw().clone();
    raw.to_sign.version = 1;
    let der = resign(raw, &f.signer);
    assert_eq!(
        verify_signature(&der).unwrap_err(),
        SesError::UnsupportedVersion { found: 1 }
    );
}

#[test]
fn wrong_header_id_is_rejected() {
    let f = fixture();
    let seal = seal_der_with(&f, |s| {
        s.e_seal_info.header.id = Ia5String::new("EX").unwrap()
    });
    assert_eq!(
        Seal::from_der(&seal).unwrap_err(),
        SesError::WrongHeaderId { found: "EX".into() }
    );
}

#[test]
fn cert_list_must_be_a_non_empty_list_of_keys() {
    let f = fixture();
    let seal = seal_der_with(&f, |s| s.e_seal_info.property.cert_list_type = 2);
    assert_eq!(
        Seal::from_der(&seal).unwrap_err(),
        SesError::UnsupportedCertListType { found: 2 }
    );
    let seal = seal_der_with(&f, |s| s.e_seal_info.property.cert_list.clear());
    assert_eq!(Seal::from_der(&seal).unwrap_err(), SesError::EmptyCertList);
    let seal = seal_der_with(&f, |s| {
        s.e_seal_info.property.cert_list = vec![OctetString::new(vec![0x30, 0x00]).unwrap()]
    });
    assert_eq!(
        Seal::from_der(&seal).unwrap_err(),
        SesError::InvalidPublicKey {
            field: "SES_ESPropertyInfo.certList"
        }
    );
}

#[test]
fn maker_cert_and_signature_value_must_be_well_formed() {
    let f = fixture();
    let mut raw = f.seal.raw().clone();
    raw.cert = OctetString::new(f.maker.public_key().to_sec1_bytes()).unwrap();
    assert_eq!(
        Seal::from_raw(raw).unwrap_err(),
        SesError::InvalidPublicKey {
            field: "SESeal.cert"
        }
    );
    let mut raw = f.seal.raw().clone();
    raw.signed_value = BitString::new(1, f.seal.maker_signature_der()).unwrap();
    assert_eq!(
        Seal::from_raw(raw).unwrap_err(),
        SesError::InvalidSignatureValue {
            field: "SESeal.signedValue"
        }
    );
}

#[test]
fn data_hash_must_be_256_bits() {
    let f = fixture();
    let mut raw = signed(&f).raw().clone();
    raw.to_sign.data_hash = BitString::from_bytes(&[1; 20]).unwrap();
    let der = resign(raw, &f.signer);
    assert_eq!(
        verify_signature(&der).unwrap_err(),
        SesError::InvalidDataHash { bits: 160 }
    );
}

#[test]
fn time_stamps_are_refused_because_they_cannot_be_checked() {
    let f = fixture();
    let mut raw = signed(&f).raw().clone();
    raw.time_stamp = Some(BitString::from_bytes(&[1, 2, 3]).unwrap());
    let der = asn1::encode(&raw).unwrap();
    assert_eq!(
        verify_signature(&der).unwrap_err(),
        SesError::UnsupportedTimeStamp
    );
}

#[test]
fn trailing_bytes_after_a_signature_are_rejected() {
    let f = fixture();
    let mut der = signed(&f).to_der().to_vec();
    der.push(0);
    assert_eq!(
        verify_signature(&der).unwrap_err(),
        SesError::Asn1(Asn1Error::TrailingData)
    );
}

#[test]
fn making_a_seal_checks_its_inputs() {
    let maker = key("maker");
    let signer = key("signer");
    let mut info = seal_info(&signer);
    info.valid_end = t(2025, 1, 1);
    assert!(matches!(
        Seal::make(&info, &maker).unwrap_err(),
        SesError::InvalidValidityWindow { .. }
    ));
    let mut info = seal_info(&signer);
    info.es_id = "印章1".into();
    assert_eq!(
        Seal::make(&info, &maker).unwrap_err(),
        SesError::InvalidText { field: "esID" }
    );
    let mut info = seal_info(&signer);
    info.picture.format = "TIFF".into();
    assert_eq!(
        Seal::make(&info, &maker).unwrap_err(),
        SesError::UnsupportedPictureType {
            found: "TIFF".into()
        }
    );
    let mut info = seal_info(&signer);
    info.signers.clear();
    assert_eq!(
        Seal::make(&info, &maker).unwrap_err(),
        SesError::EmptyCertList
    );
    let f = fixture();
    assert_eq!(
        sign_document(&f.seal, &f.signer, &[0; 32], "", t(2027, 1, 1)).unwrap_err(),
        SesError::InvalidText {
            field: "TBS_Sign.propertyInfo"
        }
    );
}

#[test]
fn one_flipped_byte_anywhere_makes_verification_fail() {
    let f = fixture();
    let der = signed(&f).to_der().to_vec();
    assert!(verify_signature(&der).is_ok());
    for i in 0..der.len() {
        for mask in [0x01u8, 0x80] {
            let mut bad = der.clone();
            bad[i] ^= mask;
            assert!(
                verify_signature(&bad).is_err(),
                "flipping byte {i} with {mask:#04x} still verified"
            );
        }
    }
}

fn sample_der() -> Vec<u8> {
    signed(&fixture()).to_der().to_vec()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic_any_parser(
        bytes in proptest::collection::vec(any::<u8>(), 0..600)
    ) {
        let _ = verify_signature(&bytes);
        let _ = Seal::from_der(&bytes);
        let _ = SesSignature::from_der(&bytes);
    }

    #[test]
    fn arbitrary_bytes_inside_a_sequence_never_panic(
        body in proptest::collection::vec(any::<u8>(), 0..120)
    ) {
        let mut bytes = vec![0x30, u8::try_from(body.len()).unwrap()];
        bytes.extend_from_slice(&body);
        prop_assert!(verify_signature(&bytes).is_err());
        prop_assert!(Seal::from_der(&bytes).is_err());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn mutated_signatures_never_panic_and_never_verify(
        pos in any::<prop::sample::Index>(),
        value in any::<u8>(),
        cut in any::<prop::sample::Index>(),
        mode in 0u8..3,
    ) {
        let der = sample_der();
        let mut bad = der.clone();
        match mode {
            0 => bad[pos.index(der.len())] = value,
            1 => bad.truncate(cut.index(der.len())),
            _ => bad.insert(pos.index(der.len()), value),
        }
        let result = verify_signature(&bad);
        if bad != der {
            prop_assert!(result.is_err());
        }
    }
}
