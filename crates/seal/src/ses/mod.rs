//! Electronic seals (`SESeal`) and sealed-document signatures (`SES_Signature`) with the
//! semantics GB/T 38540-2020 gives them.
//!
//! Why this module exists: [`crate::asn1`] only knows bytes and structure. This module
//! decides what a *valid* seal and signature are — version 4, header `"ES"`, SM2-with-SM3
//! everywhere, keys in canonical SubjectPublicKeyInfo form, SM3 data hashes, signers listed
//! in the seal, signing times inside the seal's validity window — and it is the only place
//! that makes or checks seal signatures, so the workflow above cannot bypass these rules.
//!
//! Trust model: a [`Seal`] parsed with [`Seal::from_der`] is well-formed but not yet
//! authenticated; call [`Seal::verify_maker_signature`] once when loading it.
//! [`verify_signature`] checks everything a signature carries: the signer's signature over
//! the `TBS_Sign` DER, the signer's membership in the seal, the seal maker's signature and
//! the validity window. Whether the maker key itself is trusted (the seal registry) is the
//! caller's decision: compare [`VerifiedSignature::maker_public_key`] with the registry.

mod signature;

pub use signature::{SesSignature, VerifiedSignature, sign_document, verify_signature};

use der::asn1::{BitString, Ia5String, OctetString};

use crate::asn1::{
    self, Asn1Error, CERT_LIST_TYPE_CERTS, ExtData, HEADER_ID, OID_SM2_WITH_SM3, RawSeSeal,
    SES_VERSION, SesEsPictureInfo, SesEsPropertyInfo, SesHeader, SesSealInfo,
};
use crate::key::{KeyError, SealPrivateKey, SealPublicKey, Sm2Signature};
use crate::time::{SealTime, TimeError};

/// Picture formats GB/T 38540 allows for `SES_ESPictrueInfo.type`.
pub const PICTURE_TYPES: [&str; 5] = ["GIF", "BMP", "JPG", "PNG", "SVG"];

/// Why a seal or signature was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SesError {
    /// The bytes are not canonical DER of the expected structure.
    #[error("format: {0}")]
    Asn1(#[from] Asn1Error),
    /// `SES_Header.ID` is not `"ES"`.
    #[error("seal header ID is {found:?}, expected \"ES\"")]
    WrongHeaderId {
        /// The ID found.
        found: String,
    },
    /// A version other than 4 (GB/T 38540-2020).
    #[error("unsupported structure version {found} (only 4 is supported)")]
    UnsupportedVersion {
        /// The version found.
        found: u32,
    },
    /// `TBS_Sign.version` differs from the seal's header version.
    #[error("TBS_Sign version {tbs} differs from the seal version {seal}")]
    VersionMismatch {
        /// `TBS_Sign.version`.
        tbs: u32,
        /// `SES_Header.version`.
        seal: u32,
    },
    /// A signature algorithm other than SM2-with-SM3 (1.2.156.10197.1.501).
    #[error("{field}: unsupported signature algorithm {oid}")]
    UnsupportedAlgorithm {
        /// Which field.
        field: &'static str,
        /// The OID found, dotted.
        oid: String,
    },
    /// `certListType` other than 1 (certificates; here public keys).
    #[error("unsupported certListType {found} (only 1 is supported)")]
    UnsupportedCertListType {
        /// The type found.
        found: u32,
    },
    /// The seal lists no signer.
    #[error("the seal's certList is empty")]
    EmptyCertList,
    /// A certificate field does not hold a canonical SM2 SubjectPublicKeyInfo.
    #[error("{field}: not a canonical SM2 SubjectPublicKeyInfo")]
    InvalidPublicKey {
        /// Which field.
        field: &'static str,
    },
    /// A signature BIT STRING does not hold a DER SM2 signature.
    #[error("{field}: not a DER SM2 signature")]
    InvalidSignatureValue {
        /// Which field.
        field: &'static str,
    },
    /// `dataHash` is not a 256-bit SM3 value.
    #[error("dataHash must be 256 bits, found {bits}")]
    InvalidDataHash {
        /// Bits found.
        bits: usize,
    },
    /// A picture type outside GIF/BMP/JPG/PNG/SVG.
    #[error("unsupported picture type {found:?}")]
    UnsupportedPictureType {
        /// The type found.
        found: String,
    },
    /// A text field is empty or not representable (IA5 fields must be ASCII).
    #[error("{field}: empty or not a valid IA5String/UTF8String")]
    InvalidText {
        /// Which field.
        field: &'static str,
    },
    /// `validStart` is after `validEnd`.
    #[error("validity window is empty: starts {valid_start}, ends {valid_end}")]
    InvalidValidityWindow {
        /// `validStart`.
        valid_start: SealTime,
        /// `validEnd`.
        valid_end: SealTime,
    },
    /// The signature carries a time stamp, which this crate cannot verify (fails closed).
    #[error("time stamps are not supported")]
    UnsupportedTimeStamp,
    /// The seal maker's signature over `eSealInfo` does not verify.
    #[error("the seal maker's signature is invalid")]
    MakerSignatureInvalid,
    /// The signer's signature over `TBS_Sign` does not verify.
    #[error("the document signature is invalid")]
    DocumentSignatureInvalid,
    /// The signer's key is not in the seal's `certList`.
    #[error("the signer is not authorised by the seal's certList")]
    SignerNotInSeal,
    /// Signed before the seal became valid.
    #[error("signed at {signing_time}, before the seal's validity starts at {valid_start}")]
    SignedBeforeValidity {
        /// `TBS_Sign.timeInfo`.
        signing_time: SealTime,
        /// `validStart`.
        valid_start: SealTime,
    },
    /// Signed after the seal expired.
    #[error("signed at {signing_time}, after the seal's validity ended at {valid_end}")]
    SignedAfterValidity {
        /// `TBS_Sign.timeInfo`.
        signing_time: SealTime,
        /// `validEnd`.
        valid_end: SealTime,
    },
    /// A key operation failed.
    #[error("key: {0}")]
    Key(#[from] KeyError),
    /// A time cannot be encoded.
    #[error("time: {0}")]
    Time(#[from] TimeError),
}

/// The image carried in the seal (`SES_ESPictrueInfo`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealPicture {
    /// One of [`PICTURE_TYPES`], e.g. `"SVG"`.
    pub format: String,
    /// The image bytes (for SVG: the UTF-8 document from [`crate::picture`]).
    pub data: Vec<u8>,
    /// Display width in mm (42 for the standard round seal).
    pub width_mm: u32,
    /// Display height in mm.
    pub height_mm: u32,
}

/// Everything needed to make a seal; see [`Seal::make`].
#[derive(Clone, Debug)]
pub struct SealInfo {
    /// `esID`: unique seal identifier (ASCII).
    pub es_id: String,
    /// `Vid`: vendor identifier (ASCII).
    pub vendor_id: String,
    /// `type`: business-defined seal type code.
    pub seal_type: u32,
    /// `name`: the police-filed seal name, e.g. "济南市行政审批服务局行政审批专用章".
    pub name: String,
    /// Keys allowed to sign with this seal (`certList`); at least one.
    pub signers: Vec<SealPublicKey>,
    /// `createDate`.
    pub create_date: SealTime,
    /// `validStart`.
    pub valid_start: SealTime,
    /// `validEnd`.
    pub valid_end: SealTime,
    /// The seal image.
    pub picture: SealPicture,
    /// `extDatas`; empty means absent.
    pub extensions: Vec<ExtData>,
}

/// A well-formed GB/T 38540 v4 electronic seal (`SESeal`).
#[derive(Clone, Debug)]
pub struct Seal {
    raw: RawSeSeal,
    der: Vec<u8>,
    maker: SealPublicKey,
    signers: Vec<SealPublicKey>,
    maker_signature: Sm2Signature,
}

impl Seal {
    /// Builds `SES_SealInfo` from `info` and signs its DER with the seal maker's key.
    pub fn make(info: &SealInfo, maker_key: &SealPrivateKey) -> Result<Self, SesError> {
        let seal_info = build_seal_info(info)?;
        let signed = asn1::encode(&seal_info)?;
        let signature = maker_key.sign(&signed)?;
        let raw = RawSeSeal {
            e_seal_info: seal_info,
            cert: octets(maker_key.public_key().to_spki_der())?,
            sign_alg_id: OID_SM2_WITH_SM3,
            signed_value: bits(signature.to_der())?,
        };
        Self::from_raw(raw)
    }

    /// Parses a DER `SESeal` strictly (structure and semantics, not the signature).
    pub fn from_der(der: &[u8]) -> Result<Self, SesError> {
        let raw: RawSeSeal = asn1::decode_strict(der)?;
        Self::checked(raw, der.to_vec())
    }

    /// Validates a decoded `SESeal` and encodes it.
    pub fn from_raw(raw: RawSeSeal) -> Result<Self, SesError> {
        let der = asn1::encode(&raw)?;
        Self::checked(raw, der)
    }

    fn checked(raw: RawSeSeal, der: Vec<u8>) -> Result<Self, SesError> {
        let info = &raw.e_seal_info;
        check_header(&info.header)?;
        check_text_ia5(&info.es_id, "esID")?;
        check_property(&info.property)?;
        check_picture(&info.picture)?;
        check_algorithm(&raw.sign_alg_id, "SESeal.signAlgID")?;
        let maker = public_key_from(&raw.cert, "SESeal.cert")?;
        let signers = info
            .property
            .cert_list
            .iter()
            .map(|c| public_key_from(c, "SES_ESPropertyInfo.certList"))
            .collect::<Result<Vec<_>, _>>()?;
        let maker_signature = signature_from(&raw.signed_value, "SESeal.signedValue")?;
        Ok(Self {
            raw,
            der,
            maker,
            signers,
            maker_signature,
        })
    }

    /// Checks the maker's signature over the DER of `eSealInfo`.
    pub fn verify_maker_signature(&self) -> Result<(), SesError> {
        let signed = self.seal_info_der()?;
        self.maker
            .verify(&signed, &self.maker_signature)
            .map_err(|_| SesError::MakerSignatureInvalid)
    }

    /// The exact bytes the seal maker signed: DER of `SES_SealInfo`.
    pub fn seal_info_der(&self) -> Result<Vec<u8>, SesError> {
        Ok(asn1::encode(&self.raw.e_seal_info)?)
    }

    /// The maker's DER SM2 signature over [`Seal::seal_info_der`].
    pub fn maker_signature_der(&self) -> Vec<u8> {
        self.maker_signature.to_der()
    }

    /// Whether `time` lies in `[validStart, validEnd]`, as a typed error if not.
    pub fn check_valid_at(&self, time: SealTime) -> Result<(), SesError> {
        let (valid_start, valid_end) = self.validity();
        if time < valid_start {
            return Err(SesError::SignedBeforeValidity {
                signing_time: time,
                valid_start,
            });
        }
        if time > valid_end {
            return Err(SesError::SignedAfterValidity {
                signing_time: time,
                valid_end,
            });
        }
        Ok(())
    }

    /// Whether `key` is one of the seal's authorised signers.
    pub fn authorises(&self, key: &SealPublicKey) -> bool {
        self.signers.iter().any(|k| k == key)
    }

    /// The canonical DER of the whole `SESeal`.
    pub fn to_der(&self) -> &[u8] {
        &self.der
    }

    /// The decoded structure.
    pub fn raw(&self) -> &RawSeSeal {
        &self.raw
    }

    /// `esID`.
    pub fn es_id(&self) -> &str {
        self.raw.e_seal_info.es_id.as_str()
    }

    /// `Vid`.
    pub fn vendor_id(&self) -> &str {
        self.raw.e_seal_info.header.vid.as_str()
    }

    /// `name`.
    pub fn name(&self) -> &str {
        &self.raw.e_seal_info.property.name
    }

    /// `type`.
    pub fn seal_type(&self) -> u32 {
        self.raw.e_seal_info.property.seal_type
    }

    /// `createDate`.
    pub fn create_date(&self) -> SealTime {
        SealTime::from_generalized(&self.raw.e_seal_info.property.create_date)
    }

    /// `(validStart, validEnd)`, both inclusive.
    pub fn validity(&self) -> (SealTime, SealTime) {
        let p = &self.raw.e_seal_info.property;
        (
            SealTime::from_generalized(&p.valid_start),
            SealTime::from_generalized(&p.valid_end),
        )
    }

    /// The seal maker's public key (from `SESeal.cert`).
    pub fn maker_public_key(&self) -> &SealPublicKey {
        &self.maker
    }

    /// The authorised signers (from `certList`).
    pub fn signer_public_keys(&self) -> &[SealPublicKey] {
        &self.signers
    }

    /// The seal image.
    pub fn picture(&self) -> &SesEsPictureInfo {
        &self.raw.e_seal_info.picture
    }
}

fn build_seal_info(info: &SealInfo) -> Result<SesSealInfo, SesError> {
    if info.valid_start > info.valid_end {
        return Err(SesError::InvalidValidityWindow {
            valid_start: info.valid_start,
            valid_end: info.valid_end,
        });
    }
    let cert_list = info
        .signers
        .iter()
        .map(|k| octets(k.to_spki_der()))
        .collect::<Result<Vec<_>, _>>()?;
    let p = &info.picture;
    Ok(SesSealInfo {
        header: SesHeader {
            id: ia5(HEADER_ID, "SES_Header.ID")?,
            version: SES_VERSION,
            vid: ia5(&info.vendor_id, "SES_Header.Vid")?,
        },
        es_id: ia5(&info.es_id, "esID")?,
        property: SesEsPropertyInfo {
            seal_type: info.seal_type,
            name: info.name.clone(),
            cert_list_type: CERT_LIST_TYPE_CERTS,
            cert_list,
            create_date: info.create_date.to_generalized()?,
            valid_start: info.valid_start.to_generalized()?,
            valid_end: info.valid_end.to_generalized()?,
        },
        picture: SesEsPictureInfo {
            picture_type: ia5(&p.format, "SES_ESPictrueInfo.type")?,
            data: octets(p.data.clone())?,
            width: p.width_mm,
            height: p.height_mm,
        },
        ext_datas: (!info.extensions.is_empty()).then(|| info.extensions.clone()),
    })
}

fn check_header(header: &SesHeader) -> Result<(), SesError> {
    if header.id.as_str() != HEADER_ID {
        return Err(SesError::WrongHeaderId {
            found: header.id.as_str().to_owned(),
        });
    }
    if header.version != SES_VERSION {
        return Err(SesError::UnsupportedVersion {
            found: header.version,
        });
    }
    Ok(())
}

fn check_property(p: &SesEsPropertyInfo) -> Result<(), SesError> {
    if p.name.is_empty() {
        return Err(SesError::InvalidText { field: "name" });
    }
    if p.cert_list_type != CERT_LIST_TYPE_CERTS {
        return Err(SesError::UnsupportedCertListType {
            found: p.cert_list_type,
        });
    }
    if p.cert_list.is_empty() {
        return Err(SesError::EmptyCertList);
    }
    let valid_start = SealTime::from_generalized(&p.valid_start);
    let valid_end = SealTime::from_generalized(&p.valid_end);
    if valid_start > valid_end {
        return Err(SesError::InvalidValidityWindow {
            valid_start,
            valid_end,
        });
    }
    Ok(())
}

fn check_picture(p: &SesEsPictureInfo) -> Result<(), SesError> {
    let format = p.picture_type.as_str();
    if !PICTURE_TYPES.contains(&format) {
        return Err(SesError::UnsupportedPictureType {
            found: format.to_owned(),
        });
    }
    Ok(())
}

pub(crate) fn check_text_ia5(text: &Ia5String, field: &'static str) -> Result<(), SesError> {
    if text.as_str().is_empty() {
        return Err(SesError::InvalidText { field });
    }
    Ok(())
}

pub(crate) fn check_algorithm(
    oid: &der::asn1::ObjectIdentifier,
    field: &'static str,
) -> Result<(), SesError> {
    if *oid != OID_SM2_WITH_SM3 {
        return Err(SesError::UnsupportedAlgorithm {
            field,
            oid: oid.to_string(),
        });
    }
    Ok(())
}

/// Parses an SPKI from a certificate slot and insists on the canonical (uncompressed) form,
/// so that key comparison by bytes and by value agree.
pub(crate) fn public_key_from(
    cert: &OctetString,
    field: &'static str,
) -> Result<SealPublicKey, SesError> {
    let bytes = cert.as_bytes();
    let key =
        SealPublicKey::from_spki_der(bytes).map_err(|_| SesError::InvalidPublicKey { field })?;
    if key.to_spki_der() != bytes {
        return Err(SesError::InvalidPublicKey { field });
    }
    Ok(key)
}

/// Reads a DER SM2 signature from a BIT STRING; no unused bits, canonical DER.
pub(crate) fn signature_from(
    value: &BitString,
    field: &'static str,
) -> Result<Sm2Signature, SesError> {
    let bytes = value
        .as_bytes()
        .ok_or(SesError::InvalidSignatureValue { field })?;
    let sig =
        Sm2Signature::from_der(bytes).map_err(|_| SesError::InvalidSignatureValue { field })?;
    if sig.to_der() != bytes {
        return Err(SesError::InvalidSignatureValue { field });
    }
    Ok(sig)
}

pub(crate) fn ia5(text: &str, field: &'static str) -> Result<Ia5String, SesError> {
    if text.is_empty() {
        return Err(SesError::InvalidText { field });
    }
    Ia5String::new(text).map_err(|_| SesError::InvalidText { field })
}

pub(crate) fn octets(bytes: Vec<u8>) -> Result<OctetString, SesError> {
    OctetString::new(bytes).map_err(|e| SesError::Asn1(Asn1Error::Encode(e)))
}

pub(crate) fn bits(bytes: Vec<u8>) -> Result<BitString, SesError> {
    BitString::from_bytes(&bytes).map_err(|e| SesError::Asn1(Asn1Error::Encode(e)))
}

#[cfg(test)]
mod tests;
