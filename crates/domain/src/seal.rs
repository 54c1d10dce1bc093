//! The seal registry: which electronic seals exist in a jurisdiction, whose they are, and
//! whether they may still sign.
//!
//! "一枚印章管审批": a bureau has exactly one active approval seal; the departments' former
//! approval seals are registered, then revoked and archived (封存) by a government order. A revoked
//! seal never signs again, yet what it signed before its revocation stays verifiable, so records
//! are never deleted. The cryptography lives in the `seal` crate; this module keeps the rules.

use serde::{Deserialize, Serialize};
use thiserror::Error;
use time::{Date, OffsetDateTime};

use crate::org::{DepartmentCode, DivisionCode};

/// What a seal is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SealKind {
    /// The bureau's one approval seal (行政审批专用章).
    BureauApproval,
    /// A department's former approval seal, kept for verification of what it signed.
    DepartmentApproval,
}

impl SealKind {
    pub fn name_zh(self) -> &'static str {
        match self {
            SealKind::BureauApproval => "行政审批专用章",
            SealKind::DepartmentApproval => "部门原审批专用章",
        }
    }
}

/// A registered seal (public facts only; the private key lives encrypted in the key store).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealRecord {
    /// GB/T 38540 esID, unique.
    pub es_id: String,
    pub jurisdiction: DivisionCode,
    pub department: DepartmentCode,
    pub kind: SealKind,
    /// The name as filed with the police (公安备案名称).
    pub name: String,
    /// Signer public key, PEM (SubjectPublicKeyInfo).
    pub public_key_pem: String,
    #[serde(with = "time::serde::rfc3339")]
    pub valid_from: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub valid_to: OffsetDateTime,
    /// The GB/T 38540 `SESeal`, DER, base64 (made and signed by the seal maker).
    pub ses_seal: String,
}

/// A seal's revocation: by which order, when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revocation {
    pub order_ref: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// 封存: the physical/electronic seal is archived, not destroyed.
    pub archived: bool,
}

/// A seal as the registry knows it now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisteredSeal {
    pub record: SealRecord,
    pub revocation: Option<Revocation>,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum SealUseError {
    #[error("seal {es_id} was revoked on {on} by {order_ref}; it can never sign again")]
    Revoked {
        es_id: String,
        on: String,
        order_ref: String,
    },
    #[error("seal {0} is outside its validity window")]
    Expired(String),
    #[error("seal {0} is not the bureau's approval seal")]
    NotApprovalSeal(String),
    #[error("the jurisdiction already has an active approval seal {0}")]
    SecondActiveSeal(String),
}

impl SealUseError {
    pub fn code(&self) -> &'static str {
        match self {
            SealUseError::Revoked { .. } => "seal_revoked",
            SealUseError::Expired(_) => "seal_expired",
            SealUseError::NotApprovalSeal(_) => "seal_not_for_approvals",
            SealUseError::SecondActiveSeal(_) => "second_active_seal",
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            SealUseError::Revoked {
                es_id,
                on,
                order_ref,
            } => {
                format!("印章 {es_id} 已于 {on} 依 {order_ref} 撤销封存，不得再用于签章")
            }
            SealUseError::Expired(id) => format!("印章 {id} 不在有效期内"),
            SealUseError::NotApprovalSeal(id) => format!("印章 {id} 不是本局行政审批专用章"),
            SealUseError::SecondActiveSeal(id) => format!("本辖区已有在用的审批专用章 {id}"),
        }
    }
}

impl RegisteredSeal {
    pub fn is_active_at(&self, at: OffsetDateTime) -> bool {
        self.revocation.as_ref().is_none_or(|r| at < r.at)
            && at >= self.record.valid_from
            && at < self.record.valid_to
    }

    /// May this seal sign a decision at `at`? Only the bureau's approval seal, valid and not revoked.
    pub fn check_can_sign(&self, at: OffsetDateTime) -> Result<(), SealUseError> {
        if let Some(r) = &self.revocation
            && at >= r.at
        {
            return Err(SealUseError::Revoked {
                es_id: self.record.es_id.clone(),
                on: r.at.date().to_string(),
                order_ref: r.order_ref.clone(),
            });
        }
        if at < self.record.valid_from || at >= self.record.valid_to {
            return Err(SealUseError::Expired(self.record.es_id.clone()));
        }
        if self.record.kind != SealKind::BureauApproval {
            return Err(SealUseError::NotApprovalSeal(self.record.es_id.clone()));
        }
        Ok(())
    }
}

/// Registering a new approval seal while another is active is refused: rotate by revoking first.
pub fn check_one_active(
    existing: &[RegisteredSeal],
    new: &SealRecord,
    at: OffsetDateTime,
) -> Result<(), SealUseError> {
    if new.kind != SealKind::BureauApproval {
        return Ok(());
    }
    match existing.iter().find(|s| {
        s.record.kind == SealKind::BureauApproval
            && s.record.jurisdiction == new.jurisdiction
            && s.is_active_at(at)
    }) {
        Some(s) => Err(SealUseError::SecondActiveSeal(s.record.es_id.clone())),
        None => Ok(()),
    }
}

/// The date a revocation takes effect, for display.
pub fn revocation_day(r: &Revocation) -> Date {
    r.at.date()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn record(kind: SealKind) -> SealRecord {
        SealRecord {
            es_id: "3701000000001".into(),
            jurisdiction: DivisionCode::parse("370100").unwrap(),
            department: DepartmentCode::parse("SPJ").unwrap(),
            kind,
            name: "济南市行政审批服务局行政审批专用章".into(),
            public_key_pem: String::new(),
            valid_from: datetime!(2018-12-20 00:00 UTC),
            valid_to: datetime!(2028-12-20 00:00 UTC),
            ses_seal: String::new(),
        }
    }

    #[test]
    fn a_revoked_seal_never_signs_again_but_could_before() {
        let s = RegisteredSeal {
            record: record(SealKind::BureauApproval),
            revocation: Some(Revocation {
                order_ref: "济政字〔2026〕1号".into(),
                at: datetime!(2026-01-01 00:00 UTC),
                archived: true,
            }),
        };
        assert!(s.check_can_sign(datetime!(2025-06-01 00:00 UTC)).is_ok());
        let e = s
            .check_can_sign(datetime!(2026-01-01 00:00 UTC))
            .unwrap_err();
        assert_eq!(e.code(), "seal_revoked");
        assert!(e.message_zh().contains("撤销"));
    }

    #[test]
    fn department_seals_and_expired_seals_cannot_sign_decisions() {
        let dept = RegisteredSeal {
            record: record(SealKind::DepartmentApproval),
            revocation: None,
        };
        assert_eq!(
            dept.check_can_sign(datetime!(2020-01-01 00:00 UTC))
                .unwrap_err()
                .code(),
            "seal_not_for_approvals"
        );
        let bureau = RegisteredSeal {
            record: record(SealKind::BureauApproval),
            revocation: None,
        };
        assert_eq!(
            bureau
                .check_can_sign(datetime!(2030-01-01 00:00 UTC))
                .unwrap_err()
                .code(),
            "seal_expired"
        );
    }

    #[test]
    fn only_one_active_approval_seal_per_jurisdiction() {
        let active = RegisteredSeal {
            record: record(SealKind::BureauApproval),
            revocation: None,
        };
        let mut new = record(SealKind::BureauApproval);
        new.es_id = "3701000000002".into();
        let at = datetime!(2026-06-01 00:00 UTC);
        assert!(check_one_active(std::slice::from_ref(&active), &new, at).is_err());
        let revoked = RegisteredSeal {
            revocation: Some(Revocation {
                order_ref: "x".into(),
                at: datetime!(2026-05-01 00:00 UTC),
                archived: true,
            }),
            ..active
        };
        assert!(check_one_active(&[revoked], &new, at).is_ok());
    }
}
