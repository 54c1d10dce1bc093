use super::*;
use crate::testing::{fixture, signed};

fn ia5(s: &str) -> Ia5String {
    Ia5String::new(s).unwrap()
}

fn header() -> SesHeader {
    SesHeader {
        id: ia5("ES"),
        version: 4,
        vid: ia5("ab"),
    }
}

#[test]
fn header_encodes_to_hand_computed_der() {
    // SEQUENCE(11) { IA5String "ES", INTEGER 4, IA5String "ab" }
    let expected = [
        0x30, 0x0b, 0x16, 0x02, b'E', b'S', 0x02, 0x01, 0x04, 0x16, 0x02, b'a', b'b',
    ];
    assert_eq!(encode(&header()).unwrap(), expected);
    assert_eq!(decode_strict::<SesHeader>(&expected).unwrap(), header());
}

#[test]
fn oids_encode_to_the_registered_bytes() {
    // 1.2.156.10197.1.501 = 2A 81 1C CF 55 01 83 75
    assert_eq!(
        encode(&OID_SM2_WITH_SM3).unwrap(),
        [0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x83, 0x75]
    );
    assert_eq!(OID_SM2.to_string(), "1.2.156.10197.1.301");
    assert_eq!(OID_SM3.to_string(), "1.2.156.10197.1.401");
}

#[test]
fn trailing_bytes_are_rejected() {
    let mut der = encode(&header()).unwrap();
    der.push(0);
    assert_eq!(
        decode_strict::<SesHeader>(&der),
        Err(Asn1Error::TrailingData)
    );
}

#[test]
fn long_form_length_is_rejected_as_non_der() {
    // Same header with the outer length written as 81 0b (allowed in BER, not in DER).
    let der = [
        0x30, 0x81, 0x0b, 0x16, 0x02, b'E', b'S', 0x02, 0x01, 0x04, 0x16, 0x02, b'a', b'b',
    ];
    assert!(decode_strict::<SesHeader>(&der).is_err());
}

#[test]
fn explicit_default_false_is_rejected_as_non_canonical() {
    // ExtData { extnID 1.2.3, critical FALSE (must be omitted in DER), extnValue '' }
    let der = [
        0x30, 0x09, 0x06, 0x02, 0x2a, 0x03, 0x01, 0x01, 0x00, 0x04, 0x00,
    ];
    let err = decode_strict::<ExtData>(&der);
    assert!(matches!(
        err,
        Err(Asn1Error::NonCanonical) | Err(Asn1Error::Malformed(_))
    ));
}

#[test]
fn ext_data_with_critical_true_round_trips() {
    let ext = ExtData {
        extn_id: ObjectIdentifier::new_unwrap("1.2.3"),
        critical: true,
        extn_value: OctetString::new(vec![1, 2]).unwrap(),
    };
    let der = encode(&ext).unwrap();
    assert_eq!(decode_strict::<ExtData>(&der).unwrap(), ext);
    let plain = ExtData {
        critical: false,
        ..ext
    };
    let der = encode(&plain).unwrap();
    // DEFAULT FALSE is omitted: SEQUENCE { OID 1.2.3, OCTET STRING 01 02 }
    assert_eq!(
        der,
        [0x30, 0x08, 0x06, 0x02, 0x2a, 0x03, 0x04, 0x02, 0x01, 0x02]
    );
    assert_eq!(decode_strict::<ExtData>(&der).unwrap(), plain);
}

#[test]
fn wrong_tag_is_malformed() {
    let mut der = encode(&header()).unwrap();
    der[0] = 0x31; // SET instead of SEQUENCE
    assert!(matches!(
        decode_strict::<SesHeader>(&der),
        Err(Asn1Error::Malformed(_))
    ));
}

#[test]
fn seal_and_every_inner_structure_round_trip() {
    let f = fixture();
    let raw = f.seal.raw().clone();
    let der = encode(&raw).unwrap();
    assert_eq!(decode_strict::<RawSeSeal>(&der).unwrap(), raw);
    let info = &raw.e_seal_info;
    let d = encode(info).unwrap();
    assert_eq!(&decode_strict::<SesSealInfo>(&d).unwrap(), info);
    let d = encode(&info.property).unwrap();
    assert_eq!(
        decode_strict::<SesEsPropertyInfo>(&d).unwrap(),
        info.property
    );
    let d = encode(&info.picture).unwrap();
    assert_eq!(decode_strict::<SesEsPictureInfo>(&d).unwrap(), info.picture);
    let d = encode(&info.header).unwrap();
    assert_eq!(decode_strict::<SesHeader>(&d).unwrap(), info.header);
}

#[test]
fn signature_and_tbs_round_trip_with_optional_fields() {
    let f = fixture();
    let mut raw = signed(&f).raw().clone();
    let der = encode(&raw).unwrap();
    assert_eq!(decode_strict::<RawSesSignature>(&der).unwrap(), raw);

    raw.to_sign.ext_datas = Some(vec![ExtData {
        extn_id: ObjectIdentifier::new_unwrap("1.2.156.1"),
        critical: false,
        extn_value: OctetString::new(b"x".to_vec()).unwrap(),
    }]);
    raw.time_stamp = Some(BitString::from_bytes(&[9, 9]).unwrap());
    let der = encode(&raw).unwrap();
    let back = decode_strict::<RawSesSignature>(&der).unwrap();
    assert_eq!(back, raw);
    let tbs = encode(&raw.to_sign).unwrap();
    assert_eq!(decode_strict::<TbsSign>(&tbs).unwrap(), raw.to_sign);
    // [0] EXPLICIT tags are constructed context-specific 0: 0xA0.
    assert!(tbs.contains(&0xa0));
}

#[test]
fn seal_info_ext_datas_round_trip() {
    let f = fixture();
    let mut info = f.seal.raw().e_seal_info.clone();
    info.ext_datas = Some(vec![ExtData {
        extn_id: ObjectIdentifier::new_unwrap("1.2.156.2"),
        critical: true,
        extn_value: OctetString::new(b"y".to_vec()).unwrap(),
    }]);
    let der = encode(&info).unwrap();
    assert_eq!(decode_strict::<SesSealInfo>(&der).unwrap(), info);
}

#[test]
fn truncated_input_is_malformed_at_every_length() {
    let f = fixture();
    let der = signed(&f).to_der().to_vec();
    for len in 0..der.len() {
        assert!(
            decode_strict::<RawSesSignature>(&der[..len]).is_err(),
            "prefix of length {len} parsed"
        );
    }
}
