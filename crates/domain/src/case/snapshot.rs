//! What a case keeps of the catalog item it was filed under: the item version pinned at
//! receipt, so that later catalog edits never move a case's deadlines or its legal settings.

use serde::{Deserialize, Serialize};

use crate::catalog::legal::{self, ClockStart, ExtensionAllowance, LegalSettings};
use crate::catalog::{BasicCode, Item, SpecialProcedure, SpecialProcedureKind, TimeLimit};

/// What the case keeps of the catalog item it was filed under (domain.md §11.3: a case pins
/// the item version), so that later catalog edits never move its deadlines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemSnapshot {
    /// 基本编码.
    pub basic_code: BasicCode,
    /// 事项名称 (public).
    pub name: String,
    /// Catalog version the case was filed under.
    pub version: u32,
    /// 法定办结时限.
    pub statutory_limit: TimeLimit,
    /// 承诺办结时限.
    pub promised_limit: TimeLimit,
    /// 特别程序 the item allows (Art. 45).
    pub special_procedures: Vec<SpecialProcedure>,
    /// 统一办理 / 联合办理 / 集中办理 (Art. 42(2)): extensions need the government head.
    pub joint_handling: bool,
    /// The item's legal settings on receipt (issue #21). Absent in cases received before the
    /// settings existed: those keep the rules they were handled under (20 + 10, or + 15 when
    /// joint; 5 working days' notice; from acceptance), so their ledgers replay unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal: Option<LegalSettings>,
    /// 容缺受理 (issue #19 item 6): the materials that may follow after acceptance, as the
    /// bureau listed them on receipt (`catalog::deferrable`); empty for items that allow none
    /// and in every case received before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deferrable: Vec<String>,
}

impl ItemSnapshot {
    /// The 许可范围 a grant prints when the approver states none: the item as applied for
    /// (the catalog holds no scope of its own).
    #[must_use]
    pub fn default_scope(&self) -> String {
        format!("{}（按申请事项准予）", self.name)
    }

    /// The snapshot of `item`; `joint_handling` when the case is handled jointly with other
    /// agencies (Art. 42(2)).
    #[must_use]
    pub fn from_item(item: &Item, joint_handling: bool) -> Self {
        Self {
            basic_code: item.basic_code.clone(),
            name: item.name.clone(),
            version: item.version,
            statutory_limit: item.statutory_limit,
            promised_limit: item.promised_limit,
            special_procedures: item.special_procedures.clone(),
            joint_handling,
            legal: Some(item.legal.clone()),
            deferrable: crate::catalog::deferrable::may_follow(item),
        }
    }

    /// The statutory limit the case runs under: Art. 42(2) gives joint, unified or centralised
    /// handling 45 working days, whatever the single item's limit (cases received before the
    /// settings existed keep the item's).
    #[must_use]
    pub fn statutory_limit(&self) -> TimeLimit {
        if self.joint_handling && self.legal.is_some() {
            TimeLimit::working_days(legal::JOINT_LIMIT_DAYS)
        } else {
            self.statutory_limit
        }
    }

    /// Working days an extension may add in total, with the provision that says so (Art. 42):
    /// 15 for joint handling (the government head), else the item's allowance (none where its
    /// own law fixes the limit).
    #[must_use]
    pub fn extension_allowance(&self) -> (ExtensionAllowance, String) {
        match (&self.legal, self.joint_handling) {
            (_, true) => (
                ExtensionAllowance::WorkingDays(legal::JOINT_EXTENSION_DAYS),
                "《行政许可法》第四十二条第二款".to_owned(),
            ),
            (Some(l), false) => (l.extension.value, l.extension.source.clone()),
            (None, false) => (
                ExtensionAllowance::WorkingDays(legal::GENERAL_EXTENSION_DAYS),
                legal::GENERAL_EXTENSION_SOURCE.to_owned(),
            ),
        }
    }

    /// The one-time notice window (Art. 32(4), shorter where the item's law says so).
    #[must_use]
    pub fn notice_window(&self) -> crate::calendar::TimeLimit {
        crate::calendar::TimeLimit::working_days(
            self.legal.as_ref().map_or(legal::GENERAL_NOTICE_DAYS, |l| {
                l.notice_window.value.working_days()
            }),
        )
    }

    /// Where the decision limit counts from.
    #[must_use]
    pub fn clock_start(&self) -> ClockStart {
        self.legal
            .as_ref()
            .map_or(ClockStart::Acceptance, |l| l.clock_start.value)
    }

    /// Days before expiry a renewal must be applied for, where the item's law sets a lead time
    /// (Art. 50's 30 otherwise): months count 30 days, working days 7/5.
    #[must_use]
    pub fn renewal_lead_days(&self) -> Option<u32> {
        let lead = self.legal.as_ref()?.renewal_lead.as_ref()?.value;
        Some(match lead.unit {
            crate::catalog::LimitUnit::Days => lead.value,
            crate::catalog::LimitUnit::Months => lead.value.saturating_mul(30),
            crate::catalog::LimitUnit::WorkingDays => lead.value.saturating_mul(7).div_ceil(5),
        })
    }

    /// The term of the licence the item grants, where its law sets one.
    #[must_use]
    pub fn licence_term(&self) -> Option<TimeLimit> {
        self.legal
            .as_ref()
            .and_then(|l| l.licence_term.as_ref())
            .map(|t| t.value)
    }

    /// The time to start the licensed work, where the item's law sets one (建筑法 Art. 9).
    #[must_use]
    pub fn start_deadline(&self) -> Option<TimeLimit> {
        self.legal
            .as_ref()
            .and_then(|l| l.start_deadline.as_ref())
            .map(|t| t.value)
    }

    /// The cap on the time `kind` may exclude (Art. 45), where the item's law sets one.
    #[must_use]
    pub fn excluded_cap(&self, kind: SpecialProcedureKind) -> Option<TimeLimit> {
        self.legal
            .as_ref()
            .and_then(|l| l.cap_of(kind))
            .map(legal::ExcludedCap::cap)
    }

    /// Whether the item lists `kind` among its special procedures.
    #[must_use]
    pub fn allows(&self, kind: SpecialProcedureKind) -> bool {
        self.special_procedures.iter().any(|p| p.kind == kind)
    }
}
