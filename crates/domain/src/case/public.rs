//! The view of a case on the public progress page (DESIGN.md §2 principle 4: openness without
//! exposure).
//!
//! Built only from facts that are public anyway: the case number, the item, the status, the
//! dates of the steps and the deadlines with their explanation. A natural person appears as
//! 个人申请人; no name, ID number, phone, staff member, opinion or reason text is included.

use serde::Serialize;
use time::Date;

use crate::calendar::{Calendar, iso_date};
use crate::catalog::BasicCode;

use super::clock::Card;
use super::error::CaseError;
use super::ids::CaseNumber;
use super::state::Case;
use super::status::CaseStatus;

/// One step as the public sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicStep {
    /// Date.
    #[serde(with = "iso_date")]
    pub on: Date,
    /// The status the step set, when it changed the status.
    pub status: Option<CaseStatus>,
    /// What happened, in Chinese.
    pub label_zh: String,
}

/// The public progress of one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicProgress {
    /// 办件编号.
    pub case_number: CaseNumber,
    /// 基本编码 of the item.
    pub item_code: BasicCode,
    /// 事项名称.
    pub item_name: String,
    /// Organisation name, or 个人申请人.
    pub applicant: String,
    /// Current status.
    pub status: CaseStatus,
    /// Its Chinese name.
    pub status_name: &'static str,
    /// Steps with their dates (internal hand-overs and returns left out).
    pub steps: Vec<PublicStep>,
    /// 承诺办结期限 (the bureau's public promise), once the case is accepted.
    #[serde(with = "iso_date::option")]
    pub promised_due: Option<Date>,
    /// 法定办结期限, extensions included.
    #[serde(with = "iso_date::option")]
    pub statutory_due: Option<Date>,
    /// 送达期限, once decided.
    #[serde(with = "iso_date::option")]
    pub delivery_due: Option<Date>,
    /// The dates above run through a year whose holiday notice is not loaded yet: 暂定, they may
    /// move when it is.
    pub provisional: bool,
    /// Yellow or red card.
    pub card: Card,
    /// How the deadlines were reached, in Chinese.
    pub explanation_zh: String,
    /// 容缺受理: what follows, by when, and whether the licence waits for it (catalog names
    /// and a date only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deferral: Option<PublicDeferral>,
}

/// 容缺受理 as the public sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicDeferral {
    /// The materials still owed (names from the item's list).
    pub outstanding: Vec<String>,
    /// The materials received since acceptance.
    pub received: Vec<String>,
    /// The date the applicant committed to.
    #[serde(with = "iso_date")]
    pub due: Date,
    /// The agreed date has passed with materials still owed.
    pub overdue: bool,
    /// A grant was decided and its licence waits for the materials.
    pub licence_held: bool,
    /// In Chinese, for the pages.
    pub summary_zh: String,
}

impl Case {
    /// The public view of the deferral, if one was agreed.
    #[must_use]
    pub fn public_deferral(&self, today: Date) -> Option<PublicDeferral> {
        let d = self.deferral()?;
        let outstanding: Vec<String> = d.outstanding().iter().map(|s| (*s).to_owned()).collect();
        let held = self.licence_held();
        let summary_zh = match (outstanding.is_empty(), held, d.overdue(today)) {
            (true, ..) => "容缺受理的材料已全部补齐".to_owned(),
            (false, true, _) => format!(
                "已作出准予许可决定；尚缺{}项容缺材料，补齐并经窗口核验后发放证照（约定{}前补交）",
                outstanding.len(),
                d.due
            ),
            (false, false, true) => format!(
                "容缺受理约定的补交日期{}已过，尚缺{}项材料，请尽快补交",
                d.due,
                outstanding.len()
            ),
            (false, false, false) => format!(
                "容缺受理：请于{}前补交{}项材料；材料补齐前不发放证照",
                d.due,
                outstanding.len()
            ),
        };
        Some(PublicDeferral {
            received: d.received.iter().map(|(n, _)| n.clone()).collect(),
            due: d.due,
            overdue: d.overdue(today),
            licence_held: held,
            outstanding,
            summary_zh,
        })
    }
}

/// Timeline kinds that are internal workflow, not progress the applicant needs to see.
const INTERNAL_KINDS: [&str; 2] = ["transferred", "returned"];

impl Case {
    /// The public progress view on `today`.
    ///
    /// # Errors
    /// [`CaseError::Calendar`] when a needed calendar year is not loaded.
    pub fn public_progress(
        &self,
        calendar: &Calendar,
        today: Date,
    ) -> Result<PublicProgress, CaseError> {
        // A deadline reaching a year the calendar cannot count (beyond the statutory table)
        // leaves the dates unknown, not the whole page: the applicant still sees the steps, and
        // why the dates are missing.
        let (clock, missing) = match self.clock(calendar, today) {
            Ok(c) => (Some(c), None),
            Err(e @ CaseError::Calendar(_)) => (None, Some(e.message_zh())),
            Err(e) => return Err(e),
        };
        let decision = clock.as_ref().and_then(|c| c.decision.as_ref());
        let received = self.received();
        Ok(PublicProgress {
            case_number: received.case_number.clone(),
            item_code: received.item.basic_code.clone(),
            item_name: received.item.name.clone(),
            applicant: received.applicant.public_label(),
            status: self.status(),
            status_name: self.status().name_zh(),
            steps: self
                .timeline()
                .iter()
                .filter(|t| !INTERNAL_KINDS.contains(&t.kind))
                .map(|t| PublicStep {
                    on: t.on,
                    status: t.status,
                    label_zh: t.label_zh.clone(),
                })
                .collect(),
            promised_due: decision.map(|d| d.promised.due),
            statutory_due: decision.map(|d| d.statutory.due),
            delivery_due: clock
                .as_ref()
                .and_then(|c| c.delivery.as_ref())
                .map(|d| d.due.due),
            provisional: clock.as_ref().is_some_and(|c| c.provisional),
            card: clock.as_ref().map_or(Card::None, |c| c.card),
            explanation_zh: match (&clock, missing) {
                (Some(c), _) => c.to_chinese(),
                (None, m) => m.unwrap_or_default(),
            },
            deferral: self.public_deferral(today),
        })
    }
}
