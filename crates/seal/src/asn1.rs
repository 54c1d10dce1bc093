//! GB/T 38540-2020 (version 4) ASN.1 structures, DER encoding and strict decoding.
//!
//! Why this module exists: the seal record (`SESeal`) and the sealed-document signature
//! (`SES_Signature`) must be byte-exact DER that other GB/T 38540 verifiers can read. These
//! types mirror the standard field by field (names follow the standard; its spelling
//! `SES_ESPictrueInfo` is written `SesEsPictureInfo` here). They carry no policy: semantic
//! checks (versions, algorithm OIDs, key encodings, validity windows) live in [`crate::ses`].
//!
//! Decoding is strict: [`decode_strict`] rejects trailing bytes and any input that does not
//! re-encode to exactly the same bytes, so a value that parses is canonical DER and the
//! bytes a signature covers are unambiguous.
//!
//! # Deviation from the standard: public keys where certificates go
//!
//! The standard puts X.509 certificates in `SESeal.cert` (the seal maker's), in
//! `SES_ESPropertyInfo.certList` (the signers allowed to use the seal, `certListType` 1)
//! and in `SES_Signature.cert` (the signer's). oneseal has no X.509 CA, so each of these
//! OCTET STRINGs carries the DER `SubjectPublicKeyInfo` of the SM2 key instead (id-ecPublicKey,
//! curve 1.2.156.10197.1.301). The structure is unchanged, so standard parsers read our
//! records; a verifier that insists on certificates will reject them at the certificate
//! step, which is the honest outcome. Certificate hashes (`certListType` 2) are not used.

use der::asn1::{BitString, GeneralizedTime, Ia5String, ObjectIdentifier, OctetString};
use der::{Decode, Encode, ErrorKind, Sequence};

/// SM2-with-SM3 signature algorithm, `1.2.156.10197.1.501`.
pub const OID_SM2_WITH_SM3: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.156.10197.1.501");
/// SM2 curve / key algorithm, `1.2.156.10197.1.301`.
pub const OID_SM2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.156.10197.1.301");
/// SM3 hash algorithm, `1.2.156.10197.1.401`.
pub const OID_SM3: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.156.10197.1.401");

/// `SES_Header.ID`: always `"ES"`.
pub const HEADER_ID: &str = "ES";
/// The GB/T 38540-2020 structure version this crate writes and accepts.
pub const SES_VERSION: u32 = 4;
/// `certListType` for a list of certificates (here: SubjectPublicKeyInfo, see module doc).
pub const CERT_LIST_TYPE_CERTS: u32 = 1;

/// Why bytes are not acceptable DER for a structure.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Asn1Error {
    /// The value is followed by extra bytes.
    #[error("trailing bytes after the DER value")]
    TrailingData,
    /// The bytes parse but are not the unique DER encoding of the value.
    #[error("not canonical DER (re-encoding differs)")]
    NonCanonical,
    /// The bytes are not a valid encoding of the expected structure.
    #[error("malformed DER: {0}")]
    Malformed(der::Error),
    /// A value could not be encoded (e.g. a length overflow).
    #[error("cannot encode DER: {0}")]
    Encode(der::Error),
}

/// `SES_Header ::= SEQUENCE { ID IA5String, version INTEGER, Vid IA5String }`.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct SesHeader {
    /// Always `"ES"`.
    pub id: Ia5String,
    /// Structure version, 4 for GB/T 38540-2020.
    pub version: u32,
    /// Vendor identifier.
    pub vid: Ia5String,
}

/// `SES_ESPropertyInfo` (v4): seal type, name, signer list and validity.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct SesEsPropertyInfo {
    /// `type INTEGER`: business-defined seal type.
    pub seal_type: u32,
    /// `name UTF8String`: must match the police-filed seal name.
    pub name: String,
    /// `certListType INTEGER`: 1 = certificates (here: SPKI DER), 2 = certificate hashes.
    pub cert_list_type: u32,
    /// `certList SEQUENCE OF OCTET STRING`: the signers allowed to use the seal.
    pub cert_list: Vec<OctetString>,
    /// `createDate GeneralizedTime`.
    pub create_date: GeneralizedTime,
    /// `validStart GeneralizedTime`.
    pub valid_start: GeneralizedTime,
    /// `validEnd GeneralizedTime`.
    pub valid_end: GeneralizedTime,
}

/// `SES_ESPictrueInfo ::= SEQUENCE { type IA5String, data OCTET STRING, width INTEGER,
/// height INTEGER }`, width and height in millimetres.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct SesEsPictureInfo {
    /// Image format: GIF, BMP, JPG, PNG or SVG.
    pub picture_type: Ia5String,
    /// The image bytes.
    pub data: OctetString,
    /// Display width in mm.
    pub width: u32,
    /// Display height in mm.
    pub height: u32,
}

/// `ExtData ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }`.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct ExtData {
    /// Extension identifier.
    pub extn_id: ObjectIdentifier,
    /// Whether a verifier that does not understand the extension must reject.
    #[asn1(default = "default_false")]
    pub critical: bool,
    /// Extension value.
    pub extn_value: OctetString,
}

fn default_false() -> bool {
    false
}

/// `SES_SealInfo ::= SEQUENCE { header, esID IA5String, property, picture, extDatas OPTIONAL }`.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct SesSealInfo {
    /// Header.
    pub header: SesHeader,
    /// Unique seal identifier.
    pub es_id: Ia5String,
    /// Properties.
    pub property: SesEsPropertyInfo,
    /// Seal image.
    pub picture: SesEsPictureInfo,
    /// Custom data.
    #[asn1(optional = "true")]
    pub ext_datas: Option<Vec<ExtData>>,
}

/// `SESeal ::= SEQUENCE { eSealInfo, cert OCTET STRING, signAlgID OID, signedValue BIT STRING }`;
/// `signedValue` is the maker's signature over the DER of `eSealInfo`.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct RawSeSeal {
    /// The signed seal information.
    pub e_seal_info: SesSealInfo,
    /// Seal maker's certificate (here: SPKI DER).
    pub cert: OctetString,
    /// Signature algorithm of the maker's signature.
    pub sign_alg_id: ObjectIdentifier,
    /// DER SM2 signature over `eSealInfo`.
    pub signed_value: BitString,
}

/// `TBS_Sign` (v4): what the signer signs.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct TbsSign {
    /// Equals the seal's header version (4).
    pub version: u32,
    /// The complete seal used.
    pub eseal: RawSeSeal,
    /// Signing time.
    pub time_info: GeneralizedTime,
    /// Hash of the signed document (SM3, 32 bytes).
    pub data_hash: BitString,
    /// Document identifier / protected range.
    pub property_info: Ia5String,
    /// `[0] EXPLICIT ExtensionDatas OPTIONAL`.
    #[asn1(context_specific = "0", optional = "true", tag_mode = "EXPLICIT")]
    pub ext_datas: Option<Vec<ExtData>>,
}

/// `SES_Signature` (v4): the sealed-document signature record.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct RawSesSignature {
    /// The signed content.
    pub to_sign: TbsSign,
    /// Signer's certificate (here: SPKI DER).
    pub cert: OctetString,
    /// Signature algorithm (SM2-with-SM3).
    pub signature_alg_id: ObjectIdentifier,
    /// DER SM2 signature over the DER of `toSign`.
    pub signature: BitString,
    /// `[0] EXPLICIT BIT STRING OPTIONAL`: time stamp over the signature value.
    #[asn1(context_specific = "0", optional = "true", tag_mode = "EXPLICIT")]
    pub time_stamp: Option<BitString>,
}

/// Decodes `bytes` as exactly one canonical DER value of type `T`.
pub fn decode_strict<T>(bytes: &[u8]) -> Result<T, Asn1Error>
where
    T: for<'a> Decode<'a, Error = der::Error> + Encode,
{
    let value = T::from_der(bytes).map_err(|e| match e.kind() {
        ErrorKind::TrailingData { .. } => Asn1Error::TrailingData,
        _ => Asn1Error::Malformed(e),
    })?;
    let again = encode(&value)?;
    if again != bytes {
        return Err(Asn1Error::NonCanonical);
    }
    Ok(value)
}

/// Encodes `value` as DER.
pub fn encode<T: Encode>(value: &T) -> Result<Vec<u8>, Asn1Error> {
    value.to_der().map_err(Asn1Error::Encode)
}

#[cfg(test)]
mod tests;
