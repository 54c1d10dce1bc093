//! The organisation: jurisdictions (a city and its counties, each with its own bureau),
//! departments, hall windows and staff with their roles and postings.
//!
//! Staff names are personal data: they live in the database for the people who need them and
//! never enter the public ledger, logs or public pages; events name staff by `StaffId` only.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use time::Date;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum CodeError {
    #[error("staff id must be 2–32 characters A–Z, 0–9 or '-', got {0:?}")]
    Staff(String),
    #[error("unknown role {0:?}")]
    Role(String),
    #[error("unknown department kind {0:?}")]
    DepartmentKind(String),
}

macro_rules! string_newtype {
    ($name:ident, $check:expr, $err:path) => {
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(s: &str) -> Result<Self, CodeError> {
                let check: fn(&str) -> bool = $check;
                if check(s) {
                    Ok(Self(s.to_owned()))
                } else {
                    Err($err(s.to_owned()))
                }
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl TryFrom<String> for $name {
            type Error = CodeError;
            fn try_from(s: String) -> Result<Self, CodeError> {
                Self::parse(&s)
            }
        }
        impl From<$name> for String {
            fn from(c: $name) -> String {
                c.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl std::str::FromStr for $name {
            type Err = CodeError;
            fn from_str(s: &str) -> Result<Self, CodeError> {
                Self::parse(s)
            }
        }
    };
}

string_newtype!(
    StaffId,
    |s| (2..=32).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-'),
    CodeError::Staff
);

pub use crate::catalog::{DepartmentCode, DivisionCode};

/// Jurisdiction arithmetic on the catalog's division code.
impl DivisionCode {
    /// The prefecture-level division this code belongs to (`370124` → `370100`): the national
    /// code puts the county in the last two digits.
    pub fn city(&self) -> DivisionCode {
        let prefix = self.as_str().get(..4).unwrap_or("0000");
        DivisionCode::parse(&format!("{prefix}00")).unwrap_or_else(|_| self.clone())
    }

    pub fn is_city(&self) -> bool {
        self.level() == crate::catalog::DivisionLevel::Prefecture
    }

    /// True when `self` governs `other`: the same division, or the city of a county.
    pub fn governs(&self, other: &DivisionCode) -> bool {
        self == other || (self.is_city() && other.city() == *self)
    }
}

macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident, $err:path { $($var:ident = $code:literal, $zh:literal, $en:literal;)+ }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($var),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            pub fn code(self) -> &'static str { match self { $($name::$var => $code),+ } }
            pub fn name_zh(self) -> &'static str { match self { $($name::$var => $zh),+ } }
            pub fn name_en(self) -> &'static str { match self { $($name::$var => $en),+ } }
            pub fn parse(s: &str) -> Result<Self, CodeError> {
                match s { $($code => Ok($name::$var),)+ _ => Err($err(s.to_owned())) }
            }
        }
    };
}

code_enum!(
    /// What a member of staff may be asked to do. One person may hold several roles, but the
    /// workflow still forbids the same person accepting and approving one case.
    Role, CodeError::Role {
        Clerk = "clerk", "窗口人员", "Window clerk";
        Reviewer = "reviewer", "审查人员", "Reviewer";
        Approver = "approver", "审批负责人", "Approving official";
        BureauHead = "bureau_head", "局长", "Bureau head";
        DepartmentSupervisor = "department_supervisor", "监管部门人员", "Supervising department";
        Inspector = "inspector", "纪检监察", "Inspector";
        Administrator = "administrator", "系统管理员", "Administrator";
        Platform = "platform", "省政务服务平台", "Provincial service platform";
    }
);

code_enum!(
    /// Why a department appears in the system.
    DepartmentKind, CodeError::DepartmentKind {
        Bureau = "bureau", "行政审批服务局", "Approval bureau";
        Licensing = "licensing", "原许可部门（现行业监管）", "Former licensing department";
        Vertical = "vertical", "垂直管理部门", "Vertically managed department";
        Utility = "utility", "公用事业单位", "Utility";
        Intermediary = "intermediary", "中介服务机构", "Intermediary";
        Oversight = "oversight", "监督机关", "Oversight body";
    }
);

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jurisdiction {
    pub code: DivisionCode,
    pub name_zh: String,
    pub name_en: String,
    /// The bureau's unified social credit code (the first 18 characters of its implementation codes).
    pub bureau_uscc: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    pub jurisdiction: DivisionCode,
    pub code: DepartmentCode,
    pub name_zh: String,
    pub name_en: String,
    pub kind: DepartmentKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HallWindow {
    pub jurisdiction: DivisionCode,
    pub code: String,
    pub name_zh: String,
    pub department: DepartmentCode,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staff {
    pub id: StaffId,
    pub jurisdiction: DivisionCode,
    pub department: DepartmentCode,
    /// Personal data: never in the ledger's public entry, logs or public pages.
    pub name: String,
    pub roles: Vec<Role>,
}

/// A period of a staff member's service in one department (transfers keep the history).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Posting {
    pub department: DepartmentCode,
    pub since: Date,
    pub until: Option<Date>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn county_is_governed_by_its_city_only() {
        let city = DivisionCode::parse("370100").unwrap();
        let county = DivisionCode::parse("370124").unwrap();
        let other = DivisionCode::parse("370200").unwrap();
        assert!(city.governs(&county));
        assert!(city.governs(&city));
        assert!(!county.governs(&city));
        assert!(!other.governs(&county));
    }

    #[test]
    fn codes_reject_bad_input() {
        assert!(DivisionCode::parse("37010").is_err());
        assert!(DivisionCode::parse("37010a").is_err());
        assert!(DepartmentCode::parse("scjg").is_err());
        assert!(DepartmentCode::parse("S").is_err());
        assert!(StaffId::parse("S 1").is_err());
        assert!(Role::parse("root").is_err());
    }

    proptest! {
        #[test]
        fn county_codes_belong_to_their_city(p in 1u32..100, c in 1u32..100) {
            let s = format!("37{p:02}{c:02}");
            let c = DivisionCode::parse(&s).unwrap();
            prop_assert_eq!(c.as_str(), s.as_str());
            prop_assert!(c.city().is_city());
            prop_assert!(c.city().governs(&c));
            prop_assert!(!c.governs(&c.city()));
        }

        #[test]
        fn roles_round_trip_through_their_codes(i in 0usize..Role::ALL.len()) {
            let r = Role::ALL[i];
            prop_assert_eq!(Role::parse(r.code()).unwrap(), r);
        }
    }
}
