//! Sealing a document (`TBS_Sign` → `SES_Signature`) and verifying the result.

use der::asn1::{BitString, Ia5String};

use super::{
    Seal, SesError, bits, check_algorithm, check_text_ia5, ia5, octets, public_key_from,
    signature_from,
};
use crate::asn1::{self, OID_SM2_WITH_SM3, RawSesSignature, SES_VERSION, TbsSign};
use crate::key::{SealPrivateKey, SealPublicKey, Sm2Signature, sm3_digest};
use crate::time::SealTime;

/// Length of an SM3 digest, the only `dataHash` this crate produces or accepts.
const DATA_HASH_LEN: usize = 32;

/// A well-formed GB/T 38540 v4 sealed-document signature (`SES_Signature`).
///
/// Parsing ([`SesSignature::from_der`]) checks format only; [`SesSignature::verify`] checks
/// the cryptography and the validity window.
#[derive(Clone, Debug)]
pub struct SesSignature {
    raw: RawSesSignature,
    der: Vec<u8>,
    tbs_der: Vec<u8>,
    seal: Seal,
    signer: SealPublicKey,
    signature: Sm2Signature,
    data_hash: [u8; DATA_HASH_LEN],
}

/// What a successful [`verify_signature`] establishes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedSignature {
    /// The seal's `esID`.
    pub es_id: String,
    /// The seal's `name`.
    pub seal_name: String,
    /// The seal's `validStart`.
    pub valid_start: SealTime,
    /// The seal's `validEnd`.
    pub valid_end: SealTime,
    /// `TBS_Sign.timeInfo`.
    pub signing_time: SealTime,
    /// `TBS_Sign.dataHash`: SM3 of the signed document.
    pub data_hash: [u8; DATA_HASH_LEN],
    /// `TBS_Sign.propertyInfo`: document identifier.
    pub property_info: String,
    /// The signer's key (from `SES_Signature.cert`).
    pub signer_public_key: SealPublicKey,
    /// The seal maker's key (from `SESeal.cert`); compare it with the seal registry.
    pub maker_public_key: SealPublicKey,
}

impl VerifiedSignature {
    /// Whether `document` is the one that was signed (its SM3 equals `data_hash`).
    pub fn covers_document(&self, document: &[u8]) -> bool {
        sm3_digest(document) == self.data_hash
    }
}

/// Seals a document: signs `TBS_Sign{4, seal, time, data_hash, property_info}` with the
/// signer's key.
///
/// `data_hash` is the SM3 digest of the document ([`crate::sm3_digest`]); `property_info`
/// identifies the document (ASCII, non-empty); `time` is the signing time chosen by the
/// caller. Refuses a signer the seal does not list and a time outside the seal's validity
/// window. The seal's own maker signature is not re-checked here: verify it once when the
/// seal is loaded ([`Seal::verify_maker_signature`]); [`Seal::make`] output is correct by
/// construction.
pub fn sign_document(
    seal: &Seal,
    signer_key: &SealPrivateKey,
    data_hash: &[u8; DATA_HASH_LEN],
    property_info: &str,
    time: SealTime,
) -> Result<SesSignature, SesError> {
    let signer = signer_key.public_key();
    if !seal.authorises(&signer) {
        return Err(SesError::SignerNotInSeal);
    }
    seal.check_valid_at(time)?;
    let to_sign = TbsSign {
        version: SES_VERSION,
        eseal: seal.raw().clone(),
        time_info: time.to_generalized()?,
        data_hash: bits(data_hash.to_vec())?,
        property_info: ia5(property_info, "TBS_Sign.propertyInfo")?,
        ext_datas: None,
    };
    let tbs_der = asn1::encode(&to_sign)?;
    let signature = signer_key.sign(&tbs_der)?;
    let raw = RawSesSignature {
        to_sign,
        cert: octets(signer.to_spki_der())?,
        signature_alg_id: OID_SM2_WITH_SM3,
        signature: bits(signature.to_der())?,
        time_stamp: None,
    };
    let der = asn1::encode(&raw)?;
    // Every part is valid by construction (a checked seal, constants, a canonical key and
    // signature), so the result is assembled directly rather than re-parsed: re-encoding the
    // seal and `TBS_Sign` cost several percent of a sealing. The test
    // `signature_round_trips_through_der` keeps this equal to what `SesSignature::from_der` gives.
    Ok(SesSignature {
        raw,
        der,
        tbs_der,
        seal: seal.clone(),
        signer,
        signature,
        data_hash: *data_hash,
    })
}

/// Parses and fully verifies a DER `SES_Signature`.
///
/// Checks, in order: format (strict DER, versions, algorithms, key and hash encodings), the
/// signer's signature over the `TBS_Sign` DER, that the signer is in the seal's `certList`,
/// the seal maker's signature over `eSealInfo`, and that the signing time lies in the seal's
/// validity window. The caller still compares `data_hash` with the document
/// ([`VerifiedSignature::covers_document`]) and the maker key with its seal registry.
pub fn verify_signature(der: &[u8]) -> Result<VerifiedSignature, SesError> {
    SesSignature::from_der(der)?.verify()
}

impl SesSignature {
    /// Parses a DER `SES_Signature` strictly (format only, no signature checks).
    pub fn from_der(der: &[u8]) -> Result<Self, SesError> {
        let raw: RawSesSignature = asn1::decode_strict(der)?;
        Self::checked(raw, der.to_vec())
    }

    fn checked(raw: RawSesSignature, der: Vec<u8>) -> Result<Self, SesError> {
        let seal = Seal::from_raw(raw.to_sign.eseal.clone())?;
        let tbs = &raw.to_sign;
        let seal_version = seal.raw().e_seal_info.header.version;
        if tbs.version != SES_VERSION {
            return Err(SesError::UnsupportedVersion { found: tbs.version });
        }
        if tbs.version != seal_version {
            return Err(SesError::VersionMismatch {
                tbs: tbs.version,
                seal: seal_version,
            });
        }
        let data_hash = data_hash_from(&tbs.data_hash)?;
        check_property_info(&tbs.property_info)?;
        check_algorithm(&raw.signature_alg_id, "SES_Signature.signatureAlgID")?;
        let signer = public_key_from(&raw.cert, "SES_Signature.cert")?;
        let signature = signature_from(&raw.signature, "SES_Signature.signature")?;
        if raw.time_stamp.is_some() {
            return Err(SesError::UnsupportedTimeStamp);
        }
        let tbs_der = asn1::encode(tbs)?;
        Ok(Self {
            raw,
            der,
            tbs_der,
            seal,
            signer,
            signature,
            data_hash,
        })
    }

    /// Verifies the signer's signature, the signer's membership in the seal, the seal
    /// maker's signature and the validity window (see [`verify_signature`]).
    pub fn verify(&self) -> Result<VerifiedSignature, SesError> {
        self.signer
            .verify(&self.tbs_der, &self.signature)
            .map_err(|_| SesError::DocumentSignatureInvalid)?;
        if !self.seal.authorises(&self.signer) {
            return Err(SesError::SignerNotInSeal);
        }
        self.seal.verify_maker_signature()?;
        let signing_time = self.signing_time();
        self.seal.check_valid_at(signing_time)?;
        let (valid_start, valid_end) = self.seal.validity();
        Ok(VerifiedSignature {
            es_id: self.seal.es_id().to_owned(),
            seal_name: self.seal.name().to_owned(),
            valid_start,
            valid_end,
            signing_time,
            data_hash: self.data_hash,
            property_info: self.property_info().to_owned(),
            signer_public_key: self.signer.clone(),
            maker_public_key: self.seal.maker_public_key().clone(),
        })
    }

    /// The canonical DER of the whole `SES_Signature`.
    pub fn to_der(&self) -> &[u8] {
        &self.der
    }

    /// The exact bytes the signer signed: DER of `TBS_Sign`. With
    /// [`SesSignature::signature_der`] and the signer's PEM key,
    /// `openssl dgst -sm3 -verify pk.pem -sigopt distid:1234567812345678 -signature sig.der tbs.der`
    /// verifies.
    pub fn tbs_der(&self) -> &[u8] {
        &self.tbs_der
    }

    /// The signer's DER SM2 signature over [`SesSignature::tbs_der`].
    pub fn signature_der(&self) -> Vec<u8> {
        self.signature.to_der()
    }

    /// The decoded structure.
    pub fn raw(&self) -> &RawSesSignature {
        &self.raw
    }

    /// The seal the document was signed with.
    pub fn seal(&self) -> &Seal {
        &self.seal
    }

    /// The signer's key (from `SES_Signature.cert`).
    pub fn signer_public_key(&self) -> &SealPublicKey {
        &self.signer
    }

    /// `TBS_Sign.timeInfo`.
    pub fn signing_time(&self) -> SealTime {
        SealTime::from_generalized(&self.raw.to_sign.time_info)
    }

    /// `TBS_Sign.dataHash`.
    pub fn data_hash(&self) -> &[u8; DATA_HASH_LEN] {
        &self.data_hash
    }

    /// `TBS_Sign.propertyInfo`.
    pub fn property_info(&self) -> &str {
        self.raw.to_sign.property_info.as_str()
    }
}

fn data_hash_from(value: &BitString) -> Result<[u8; DATA_HASH_LEN], SesError> {
    let invalid = || SesError::InvalidDataHash {
        bits: value.bit_len(),
    };
    let bytes = value.as_bytes().ok_or_else(invalid)?;
    <[u8; DATA_HASH_LEN]>::try_from(bytes).map_err(|_| invalid())
}

fn check_property_info(text: &Ia5String) -> Result<(), SesError> {
    check_text_ia5(text, "TBS_Sign.propertyInfo")
}
