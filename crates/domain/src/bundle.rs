//! "One thing" bundles (一件事一次办, GB/T 45836—2025 集成办工作指南; issue #20 item 2): several
//! catalog items an enterprise needs for one undertaking ("open a restaurant"), applied for with
//! one combined form and one set of materials — a material two items ask for is given once — under
//! one promised limit for the whole.
//!
//! An application opens one ordinary case per item (each with its own clock, review and seal);
//! their receipts carry a [`BundleLink`], so the ledger shows which cases belong together.
//! Whether one refused item blocks the others is the bundle's to say ([`RefusalPolicy`]); by
//! default it does not.
//!
//! Pure: the bundles, the catalog and the cases' statuses are parameters. The demo's bundles are
//! data (`data/catalog/bundles.json`, [`demo_bundles`]).

mod link;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::case::CaseStatus;
use crate::catalog::{BasicCode, Item, MaterialSource, TimeLimit};

pub use link::{BundleCode, BundleCodeError, BundleLink};

/// Whether a refused item stops the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalPolicy {
    /// Each item is decided on its own merits (the default).
    #[default]
    Independent,
    /// A refusal (不予许可, 不予受理, 不受理) of any item blocks the grant of the others: the
    /// undertaking cannot go ahead without it (a private school's registration without its
    /// approval).
    BlocksOthers,
}

impl RefusalPolicy {
    #[must_use]
    pub const fn name_zh(self) -> &'static str {
        match self {
            Self::Independent => "各事项独立审批，一项不予许可不影响其他事项",
            Self::BlocksOthers => "任一事项不予许可（不予受理）的，其他事项不予准予",
        }
    }
}

/// A bundle as the catalog defines it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    pub code: BundleCode,
    /// 一件事名称, e.g. 我要开餐馆.
    pub name: String,
    /// What the undertaking is, for the guide.
    pub summary: String,
    /// The items, in the order the combined form lists them.
    pub items: Vec<BasicCode>,
    /// 承诺办结时限 of the whole, counted from receipt (working days).
    pub promised_working_days: u32,
    #[serde(default)]
    pub refusal: RefusalPolicy,
    /// The policy text the bundle rests on.
    pub basis: String,
}

/// What is wrong with a bundle against a catalog.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleProblem {
    #[error("{0}: a bundle needs at least two items")]
    TooFewItems(BundleCode),
    #[error("{0}: item {1} is listed twice")]
    DuplicateItem(BundleCode, BasicCode),
    #[error("{0}: item {1} is not in the catalog")]
    UnknownItem(BundleCode, BasicCode),
    #[error("{0}: blank name or summary")]
    Blank(BundleCode),
    #[error("{0}: the promised limit must be 1 to the longest item's statutory limit")]
    PromisedLimit(BundleCode),
    #[error("bundle {0} is defined twice")]
    DuplicateCode(BundleCode),
}

impl Bundle {
    /// The promised limit of the whole as a catalog limit.
    #[must_use]
    pub fn promised_limit(&self) -> TimeLimit {
        TimeLimit::working_days(self.promised_working_days)
    }

    /// The bundle's items found in `catalog`, in the bundle's order.
    ///
    /// # Errors
    /// [`BundleProblem::UnknownItem`] for the first item the catalog lacks.
    pub fn resolve<'a>(&self, catalog: &'a [Item]) -> Result<Vec<&'a Item>, BundleProblem> {
        self.items
            .iter()
            .map(|code| {
                catalog
                    .iter()
                    .find(|i| &i.basic_code == code)
                    .ok_or_else(|| BundleProblem::UnknownItem(self.code.clone(), code.clone()))
            })
            .collect()
    }

    /// Every problem of the bundle against `catalog` (none for a usable bundle).
    #[must_use]
    pub fn check(&self, catalog: &[Item]) -> Vec<BundleProblem> {
        let c = || self.code.clone();
        let mut out = Vec::new();
        if self.name.trim().is_empty() || self.summary.trim().is_empty() {
            out.push(BundleProblem::Blank(c()));
        }
        if self.items.len() < 2 {
            out.push(BundleProblem::TooFewItems(c()));
        }
        for (i, code) in self.items.iter().enumerate() {
            if self.items[..i].contains(code) {
                out.push(BundleProblem::DuplicateItem(c(), code.clone()));
            }
        }
        match self.resolve(catalog) {
            Err(e) => out.push(e),
            Ok(items) => {
                // Items run side by side from receipt: a promise longer than every item's
                // statutory limit would promise nothing.
                let fits = items
                    .iter()
                    .any(|i| self.promised_limit().fits_within(i.statutory_limit));
                if self.promised_working_days == 0 || !fits {
                    out.push(BundleProblem::PromisedLimit(c()));
                }
            }
        }
        out
    }
}

/// Checks a list of bundles against `catalog`: every bundle's problems, and codes defined twice.
#[must_use]
pub fn check_all(bundles: &[Bundle], catalog: &[Item]) -> Vec<BundleProblem> {
    let mut out = Vec::new();
    for (i, b) in bundles.iter().enumerate() {
        if bundles[..i].iter().any(|o| o.code == b.code) {
            out.push(BundleProblem::DuplicateCode(b.code.clone()));
        }
        out.extend(b.check(catalog));
    }
    out
}

/// The demo's bundles as shipped (`data/catalog/bundles.json`).
///
/// # Errors
/// The file's parse error (a test keeps it parsing and valid against the demo catalog).
pub fn demo_bundles() -> Result<Vec<Bundle>, serde_json::Error> {
    serde_json::from_str(include_str!("../data/catalog/bundles.json"))
}

/// One material of the combined form: given once, used by every item that lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CombinedMaterial {
    pub name: String,
    /// Required by at least one item.
    pub required: bool,
    /// The most originals and copies any item asks for.
    pub originals: u32,
    pub copies: u32,
    /// Issued by a department (may be fetched by data sharing rather than submitted).
    pub from_department: bool,
    /// The items that use it, in the bundle's order.
    pub items: Vec<BasicCode>,
}

impl CombinedMaterial {
    /// Whether more than one item uses it (共享材料).
    #[must_use]
    pub fn shared(&self) -> bool {
        self.items.len() > 1
    }
}

/// The combined materials list of `items`: each name once, in order of first appearance.
#[must_use]
pub fn combined_materials(items: &[&Item]) -> Vec<CombinedMaterial> {
    let mut out: Vec<CombinedMaterial> = Vec::new();
    for item in items {
        for m in &item.materials {
            let name = m.name.trim();
            if let Some(c) = out.iter_mut().find(|c| c.name == name) {
                c.required |= m.required;
                c.originals = c.originals.max(m.originals);
                c.copies = c.copies.max(m.copies);
                if !c.items.contains(&item.basic_code) {
                    c.items.push(item.basic_code.clone());
                }
            } else {
                out.push(CombinedMaterial {
                    name: name.to_owned(),
                    required: m.required,
                    originals: m.originals,
                    copies: m.copies,
                    from_department: m.source == MaterialSource::Department,
                    items: vec![item.basic_code.clone()],
                });
            }
        }
    }
    out
}

/// Splits the materials given once (`names`, in the form's order) among the items: for each
/// item, the indexes of the given materials its own list names.
///
/// # Errors
/// The indexes of the given materials no item of the bundle lists.
pub fn distribute(items: &[&Item], names: &[&str]) -> Result<Vec<Vec<usize>>, Vec<usize>> {
    let unlisted: Vec<usize> = names
        .iter()
        .enumerate()
        .filter(|(_, n)| {
            !items
                .iter()
                .any(|i| i.materials.iter().any(|m| m.name.trim() == n.trim()))
        })
        .map(|(k, _)| k)
        .collect();
    if !unlisted.is_empty() {
        return Err(unlisted);
    }
    Ok(items
        .iter()
        .map(|i| {
            names
                .iter()
                .enumerate()
                .filter(|(_, n)| i.materials.iter().any(|m| m.name.trim() == n.trim()))
                .map(|(k, _)| k)
                .collect()
        })
        .collect())
}

/// Where one case of a bundle stands, as the bundle counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberOutcome {
    /// Not decided yet.
    Open,
    /// 准予 (or 容缺通过).
    Granted,
    /// 不予许可, 不予受理 or 不受理.
    Refused,
    /// Withdrawn by the applicant, or a grant later recalled or revoked.
    Ended,
}

impl MemberOutcome {
    #[must_use]
    pub const fn of(status: CaseStatus) -> Self {
        match status {
            CaseStatus::Approved | CaseStatus::ApprovedWithDeferredMaterials => Self::Granted,
            CaseStatus::Refused | CaseStatus::AcceptanceRefused | CaseStatus::NotAccepted => {
                Self::Refused
            }
            CaseStatus::Withdrawn | CaseStatus::Recalled | CaseStatus::Revoked => Self::Ended,
            CaseStatus::Received
            | CaseStatus::Accepted
            | CaseStatus::SupplementStarted
            | CaseStatus::SupplementEnded
            | CaseStatus::HandlingStarted
            | CaseStatus::SpecialProcedureStarted
            | CaseStatus::SpecialProcedureEnded => Self::Open,
        }
    }
}

/// The status of a whole application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BundleStatus {
    /// Some item is still open.
    InProgress,
    /// Every item granted (全部办结).
    Completed,
    /// Every item closed, some granted and some not (部分办结).
    PartlyGranted,
    /// Every item closed, none granted.
    NotGranted,
    /// A refused item blocks the others (the bundle says so).
    Blocked,
}

impl BundleStatus {
    #[must_use]
    pub const fn name_zh(self) -> &'static str {
        match self {
            Self::InProgress => "办理中",
            Self::Completed => "全部办结（准予）",
            Self::PartlyGranted => "部分准予",
            Self::NotGranted => "均未准予",
            Self::Blocked => "一项不予许可，整件不予办理",
        }
    }

    /// Whether every case of the application is closed or blocked.
    #[must_use]
    pub const fn is_final(self) -> bool {
        !matches!(self, Self::InProgress)
    }
}

/// The status of an application whose cases stand at `statuses`.
#[must_use]
pub fn overall(policy: RefusalPolicy, statuses: &[CaseStatus]) -> BundleStatus {
    let outcomes: Vec<MemberOutcome> = statuses.iter().map(|s| MemberOutcome::of(*s)).collect();
    let any = |o: MemberOutcome| outcomes.contains(&o);
    if policy == RefusalPolicy::BlocksOthers && any(MemberOutcome::Refused) {
        BundleStatus::Blocked
    } else if any(MemberOutcome::Open) || outcomes.is_empty() {
        BundleStatus::InProgress
    } else if outcomes.iter().all(|o| *o == MemberOutcome::Granted) {
        BundleStatus::Completed
    } else if any(MemberOutcome::Granted) {
        BundleStatus::PartlyGranted
    } else {
        BundleStatus::NotGranted
    }
}

/// A grant refused because another item of the same application was refused and the bundle
/// blocks on a refusal.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "bundle {code}: item(s) {refused:?} of application {application} were refused, which blocks this grant"
)]
pub struct BundleBlocked {
    pub code: BundleCode,
    pub application: String,
    /// The refused cases.
    pub refused: Vec<String>,
}

impl BundleBlocked {
    #[must_use]
    pub fn message_zh(&self) -> String {
        format!(
            "本件属于“一件事”申请{}，同一申请中的办件{}已不予许可或不予受理，按该一件事的规定其他事项不得准予",
            self.application,
            self.refused.join("、")
        )
    }
}

/// Whether a case linked by `link` may be granted while its siblings stand at `siblings`
/// (case number, status).
///
/// # Errors
/// [`BundleBlocked`] when the bundle blocks on a refusal and a sibling was refused.
pub fn check_grant(
    link: &BundleLink,
    siblings: &[(String, CaseStatus)],
) -> Result<(), BundleBlocked> {
    if !link.blocks {
        return Ok(());
    }
    let refused: Vec<String> = siblings
        .iter()
        .filter(|(_, s)| MemberOutcome::of(*s) == MemberOutcome::Refused)
        .map(|(n, _)| n.clone())
        .collect();
    if refused.is_empty() {
        Ok(())
    } else {
        Err(BundleBlocked {
            code: link.code.clone(),
            application: link.application.clone(),
            refused,
        })
    }
}

/// Writes `link` into the receipt among `events` (what `Case::receive` returned for one item of
/// a bundle application), as `Case::receive_linked` does for a licence.
pub fn link_receipt(events: &mut [crate::case::CaseEvent], link: &BundleLink) {
    for e in events {
        if let crate::case::CaseEvent::Received(r) = e {
            r.bundle = Some(link.clone());
        }
    }
}
