//! Why a bundle or a trust file was refused, in English (`Display`) and Chinese
//! ([`BundleError::reason_zh`]).
//!
//! Why this module exists: `oneseal cert verify` is read by window staff and applicants as
//! well as by auditors, so every refusal needs a reason a person can act on in both
//! languages, and the mapping from the lower crates' errors (DER, SM2, receipts) to those
//! reasons must live in one place.

use oneseal_ledger::VerifyError;
use oneseal_ledger::checkpoint::CheckpointError;
use oneseal_ledger::note::{NoteError, VkeyError};
use oneseal_ledger::policy::PolicyError;
use oneseal_ledger::receipt::ReceiptError;

use crate::ses::SesError;
use crate::time::SealTime;

/// A trust file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustError {
    /// The JSON does not parse as a trust file.
    #[error("trust file is not valid JSON of the expected shape: {detail}")]
    Malformed {
        /// The parser's message.
        detail: String,
    },
    /// `format` is not `oneseal-trust/1`.
    #[error("unsupported trust file format {found:?} (expected \"oneseal-trust/1\")")]
    UnsupportedFormat {
        /// The format found.
        found: String,
    },
    /// A seal has an empty `es_id` or `name`.
    #[error("a seal entry has an empty {field}")]
    EmptyField {
        /// Which field.
        field: &'static str,
    },
    /// Two seal entries share an `es_id`.
    #[error("seal {es_id} is listed twice")]
    DuplicateSeal {
        /// The duplicated esID.
        es_id: String,
    },
    /// The public key is not an SM2 `PUBLIC KEY` PEM.
    #[error("seal {es_id}: public_key_pem is not an SM2 public key")]
    BadPublicKey {
        /// The seal.
        es_id: String,
    },
    /// `valid_start` is after `valid_end`.
    #[error("seal {es_id}: valid_start is after valid_end")]
    BadValidity {
        /// The seal.
        es_id: String,
    },
    /// A revoked seal lacks `revoked_at` or `revocation_order`.
    #[error("seal {es_id} is revoked but revoked_at or revocation_order is missing")]
    RevocationIncomplete {
        /// The seal.
        es_id: String,
    },
    /// A seal that is not revoked carries revocation fields.
    #[error("seal {es_id} is not revoked but carries revoked_at or revocation_order")]
    RevocationUnexpected {
        /// The seal.
        es_id: String,
    },
    /// A vkey does not parse or has the wrong type for its role.
    #[error("{role} key {vkey:?}: {source}")]
    BadVkey {
        /// `"log"` or `"witness"`.
        role: &'static str,
        /// The key text.
        vkey: String,
        /// What is wrong with it.
        source: VkeyError,
    },
    /// The same witness key is listed twice.
    #[error("witness key {vkey:?} is listed twice")]
    DuplicateWitness {
        /// The key text.
        vkey: String,
    },
    /// No log key this verifier can check (Ed25519, type 0x01).
    #[error("no Ed25519 log key (type 0x01) in the trust file")]
    NoLogKey,
    /// The witness quorum is 0 or larger than the number of witnesses.
    #[error("witness quorum {quorum} must be between 1 and the {witnesses} listed witnesses")]
    BadQuorum {
        /// The quorum.
        quorum: usize,
        /// Witnesses listed.
        witnesses: usize,
    },
    /// The tlog-policy text does not parse.
    #[error("tlog-policy: {0}")]
    Policy(PolicyError),
    /// The tlog-policy says `quorum none`: bundles require a witnessed checkpoint.
    #[error("tlog-policy has `quorum none`; sealed bundles require witness cosignatures")]
    PolicyWithoutQuorum,
}

impl TrustError {
    /// The reason in Chinese.
    pub fn reason_zh(&self) -> String {
        match self {
            Self::Malformed { .. } => "信任文件不是有效的 JSON 或结构不符".into(),
            Self::UnsupportedFormat { found } => {
                format!("不支持的信任文件格式 {found:?}（应为 oneseal-trust/1）")
            }
            Self::EmptyField { field } => format!("信任文件中某枚印章的 {field} 为空"),
            Self::DuplicateSeal { es_id } => format!("印章 {es_id} 在信任文件中重复登记"),
            Self::BadPublicKey { es_id } => format!("印章 {es_id} 的公钥不是有效的 SM2 公钥"),
            Self::BadValidity { es_id } => format!("印章 {es_id} 的有效期起始晚于截止"),
            Self::RevocationIncomplete { es_id } => {
                format!("印章 {es_id} 已撤销，但缺少撤销时间或撤销决定文号")
            }
            Self::RevocationUnexpected { es_id } => {
                format!("印章 {es_id} 未撤销，却带有撤销时间或撤销决定文号")
            }
            Self::BadVkey { role, vkey, .. } => {
                let who = if *role == "log" {
                    "账本"
                } else {
                    "见证人"
                };
                format!("{who}公钥 {vkey:?} 无效或类型不符")
            }
            Self::DuplicateWitness { vkey } => format!("见证人公钥 {vkey:?} 重复"),
            Self::NoLogKey => "信任文件中没有可用的账本公钥（Ed25519）".into(),
            Self::BadQuorum { quorum, witnesses } => {
                format!("见证人法定数 {quorum} 无效（应在 1 至 {witnesses} 之间）")
            }
            Self::Policy(_) => "信任策略（tlog-policy）无法解析".into(),
            Self::PolicyWithoutQuorum => {
                "信任策略未要求见证人联署（quorum none），不可用于验证".into()
            }
        }
    }
}

/// Why a sealed bundle is not valid. Checks run in the order of the variants below
/// (see the module documentation of [`crate::bundle`]).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    /// The bundle JSON does not parse (bad JSON, bad base64, unknown fields).
    #[error("not a sealed bundle: {detail}")]
    Malformed {
        /// The parser's message.
        detail: String,
    },
    /// `format` is not `oneseal-bundle/1`.
    #[error("unsupported bundle format {found:?} (expected \"oneseal-bundle/1\")")]
    UnsupportedFormat {
        /// The format found.
        found: String,
    },
    /// The trust file cannot be used.
    #[error("trust file: {0}")]
    Trust(#[from] TrustError),
    /// The `SES_Signature` is malformed or does not verify (SM2, maker, seal validity).
    #[error("electronic seal signature: {0}")]
    Signature(SesError),
    /// SM3 of the document differs from the signed `dataHash`.
    #[error("the document's SM3 {actual} differs from the signed dataHash {signed}")]
    DocumentHashMismatch {
        /// Hex `dataHash` from the signature.
        signed: String,
        /// Hex SM3 of the bundle's document.
        actual: String,
    },
    /// The document is not JSON.
    #[error("the document is not UTF-8 JSON")]
    DocumentNotJson,
    /// The seal's esID is not in the trust file.
    #[error("seal {es_id} is not in the trust file")]
    UnknownSeal {
        /// The signature's esID.
        es_id: String,
    },
    /// The signer key differs from the key registered for the seal.
    #[error("the signer key is not the key registered for seal {es_id}")]
    SignerNotRegistered {
        /// The seal.
        es_id: String,
    },
    /// The seal's name differs from the registered name.
    #[error("seal name {in_signature:?} differs from the registered name {registered:?}")]
    SealNameMismatch {
        /// Name in the seal.
        in_signature: String,
        /// Name in the trust file.
        registered: String,
    },
    /// The signing time lies outside the registered validity window.
    #[error(
        "signed at {signing_time}, outside the registered validity {valid_start} .. {valid_end}"
    )]
    OutsideRegisteredValidity {
        /// `TBS_Sign.timeInfo`.
        signing_time: SealTime,
        /// Registered start.
        valid_start: SealTime,
        /// Registered end.
        valid_end: SealTime,
    },
    /// The seal was revoked at or before the signing time.
    #[error(
        "signed at {signing_time}, not before the seal's revocation at {revoked_at} (order {order})"
    )]
    SignedAfterRevocation {
        /// `TBS_Sign.timeInfo`.
        signing_time: SealTime,
        /// When the seal was revoked.
        revoked_at: SealTime,
        /// The revoking order.
        order: String,
    },
    /// The ledger entry is not JSON with the sealing event's fields.
    #[error("ledger entry is not a sealing event: {detail}")]
    EntryMalformed {
        /// What is missing or wrong.
        detail: String,
    },
    /// The ledger entry is another kind of event.
    #[error("ledger entry is a {found:?} event, expected \"seal.document_sealed\"")]
    EntryWrongKind {
        /// The `kind` found.
        found: String,
    },
    /// The ledger entry records another document.
    #[error("ledger entry records document SM3 {entry}, the bundle's document has {document}")]
    EntryDocumentMismatch {
        /// `public.document_sm3`.
        entry: String,
        /// Hex SM3 of the bundle's document.
        document: String,
    },
    /// The ledger entry records another seal.
    #[error("ledger entry records seal {entry}, the signature uses seal {signature}")]
    EntrySealMismatch {
        /// `public.es_id`.
        entry: String,
        /// esID of the signature's seal.
        signature: String,
    },
    /// The ledger entry records another signature.
    #[error("ledger entry records signature SM3 {entry}, the bundle's signature has {signature}")]
    EntrySignatureMismatch {
        /// `public.signature_sm3`.
        entry: String,
        /// Hex SM3 of the bundle's `SES_Signature` DER.
        signature: String,
    },
    /// The receipt carries tlog-proof `extra` data, which nothing authenticates.
    #[error("the receipt carries unauthenticated extra data, which bundles do not allow")]
    ReceiptExtraData,
    /// The receipt does not parse or does not verify.
    #[error("ledger receipt: {0}")]
    Receipt(ReceiptError),
}

impl BundleError {
    /// The reason in Chinese, for staff and applicants.
    pub fn reason_zh(&self) -> String {
        match self {
            Self::Malformed { .. } => "不是有效的签章文件包（JSON 或 base64 格式错误）".into(),
            Self::UnsupportedFormat { found } => {
                format!("不支持的签章文件包格式 {found:?}（应为 oneseal-bundle/1）")
            }
            Self::Trust(e) => format!("信任文件无效：{}", e.reason_zh()),
            Self::Signature(e) => ses_reason_zh(e),
            Self::DocumentHashMismatch { .. } => {
                "文件内容与签章不符（SM3 杂凑值不一致），文件可能被篡改".into()
            }
            Self::DocumentNotJson => "文件不是 UTF-8 编码的 JSON".into(),
            Self::UnknownSeal { es_id } => format!("印章 {es_id} 不在信任文件登记的印章中"),
            Self::SignerNotRegistered { es_id } => {
                format!("签章公钥不是印章 {es_id} 登记的公钥")
            }
            Self::SealNameMismatch {
                in_signature,
                registered,
            } => format!("印章名称“{in_signature}”与登记名称“{registered}”不一致"),
            Self::OutsideRegisteredValidity {
                signing_time,
                valid_start,
                valid_end,
            } => format!(
                "签章时间 {signing_time} 不在印章登记的有效期 {valid_start} 至 {valid_end} 内"
            ),
            Self::SignedAfterRevocation {
                signing_time,
                revoked_at,
                order,
            } => format!(
                "签章时间 {signing_time} 不早于印章撤销时间 {revoked_at}（撤销决定：{order}），签章无效"
            ),
            Self::EntryMalformed { .. } => "账本登记记录不是有效的用印事件".into(),
            Self::EntryWrongKind { found } => {
                format!("账本登记记录是 {found:?} 事件，而非用印事件 seal.document_sealed")
            }
            Self::EntryDocumentMismatch { .. } => "账本登记记录所载文件杂凑值与本文件不符".into(),
            Self::EntrySealMismatch { entry, signature } => {
                format!("账本登记记录所载印章 {entry} 与签章所用印章 {signature} 不符")
            }
            Self::EntrySignatureMismatch { .. } => "账本登记记录所载签章杂凑值与本签章不符".into(),
            Self::ReceiptExtraData => "存证回执带有未经认证的附加数据，不予接受".into(),
            Self::Receipt(e) => receipt_reason_zh(e),
        }
    }
}

fn ses_reason_zh(e: &SesError) -> String {
    match e {
        SesError::Asn1(_) => "签章数据不是规范的 DER 编码（GB/T 38540）".into(),
        SesError::WrongHeaderId { .. } => "印章头标识不是 \"ES\"".into(),
        SesError::UnsupportedVersion { found } => {
            format!("不支持的签章结构版本 {found}（仅支持第 4 版）")
        }
        SesError::VersionMismatch { .. } => "签章信息的版本与印章版本不一致".into(),
        SesError::UnsupportedAlgorithm { field, oid } => {
            format!("{field} 使用了不支持的签名算法 {oid}（应为 SM2-with-SM3）")
        }
        SesError::UnsupportedCertListType { found } => format!("不支持的证书列表类型 {found}"),
        SesError::EmptyCertList => "印章未列出任何签章人".into(),
        SesError::InvalidPublicKey { field } => format!("{field} 不是有效的 SM2 公钥"),
        SesError::InvalidSignatureValue { field } => format!("{field} 不是有效的 SM2 签名值"),
        SesError::InvalidDataHash { bits } => {
            format!("原文杂凑值应为 256 位，实为 {bits} 位")
        }
        SesError::UnsupportedPictureType { found } => format!("不支持的印章图像类型 {found}"),
        SesError::InvalidText { field } => format!("{field} 为空或编码无效"),
        SesError::InvalidValidityWindow { .. } => "印章有效期无效：起始晚于截止".into(),
        SesError::UnsupportedTimeStamp => "签章带有时间戳，本工具无法验证".into(),
        SesError::MakerSignatureInvalid => "制章人对印章的签名无效，印章数据被篡改".into(),
        SesError::DocumentSignatureInvalid => "签章人的签名值验证失败，签章数据被篡改".into(),
        SesError::SignerNotInSeal => "签章人不在印章授权的签章人列表中".into(),
        SesError::SignedBeforeValidity {
            signing_time,
            valid_start,
        } => format!("签章时间 {signing_time} 早于印章有效期起始 {valid_start}"),
        SesError::SignedAfterValidity {
            signing_time,
            valid_end,
        } => format!("签章时间 {signing_time} 晚于印章有效期截止 {valid_end}"),
        SesError::Key(_) => "签章密钥或签名值处理失败".into(),
        SesError::Time(_) => "签章时间无法编码".into(),
    }
}

fn note_reason_zh(e: &NoteError) -> String {
    match e {
        NoteError::InvalidSignature { name, .. } => format!("检查点上 {name} 的签名无效"),
        NoteError::NoKnownSignature => "检查点上没有任何可信密钥的签名".into(),
        _ => "检查点签名格式错误".into(),
    }
}

fn receipt_reason_zh(e: &ReceiptError) -> String {
    match e {
        ReceiptError::Malformed(_) => "存证回执格式错误".into(),
        ReceiptError::Note(n) => note_reason_zh(n),
        ReceiptError::Checkpoint(CheckpointError::Note(n)) => note_reason_zh(n),
        ReceiptError::Checkpoint(_) => "存证回执中的检查点格式错误".into(),
        ReceiptError::Policy(PolicyError::QuorumNotMet) => {
            "见证人联署未达到信任策略要求的数量".into()
        }
        ReceiptError::Policy(PolicyError::NoLogSignature) | ReceiptError::NoLogSignature => {
            "检查点未经可信账本密钥签名".into()
        }
        ReceiptError::Policy(PolicyError::Note(n)) => note_reason_zh(n),
        ReceiptError::Policy(_) => "存证回执不满足信任策略".into(),
        ReceiptError::NotEnoughCosignatures { need, got } => {
            format!("见证人联署不足：需要 {need} 个，有效 {got} 个")
        }
        ReceiptError::Inclusion(VerifyError::WrongProofLength { .. })
        | ReceiptError::Inclusion(VerifyError::IndexOutOfRange { .. }) => {
            "包含证明的长度或序号与检查点不符".into()
        }
        ReceiptError::Inclusion(_) => "包含证明无效：登记记录不在检查点所示的账本中".into(),
    }
}
