//! "One thing" bundles (一件事一次办, GB/T 45836—2025; issue #20 item 2) as the bureau serves
//! them: the public list and guides, one application at the desk that opens one linked case per
//! item ([`intake`]), an application's page with its overall status ([`application`]), the
//! rule that a blocking bundle's refused item stops the others' grants, and the statistics per
//! bundle.
//!
//! The bundles are the catalog's (`domain::bundle::demo_bundles`, shipped with the catalog); a
//! bundle is offered in a jurisdiction only when every one of its items is in that
//! jurisdiction's current catalog. No personal data is read or shown here beyond what a case's
//! own pages show.

pub mod application;
mod catalog;
pub mod intake;
pub mod rule;

use oneseal_domain::bundle::{Bundle, RefusalPolicy, combined_materials};
use oneseal_domain::catalog::Item;
use oneseal_store::Conn;
use serde::Serialize;

use crate::services::guide::{GuideError, ItemSummary};

pub use application::{ApplicationView, MemberView, public_application};
pub use catalog::{BundleError, all, find, items_in};
pub use intake::{BundleReceipt, register_once};

/// One bundle in the public list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleSummary {
    pub code: String,
    pub name: String,
    pub summary: String,
    pub items: Vec<ItemSummary>,
    /// `承诺 10个工作日` for the whole.
    pub promised_limit: String,
    pub promised_working_days: u32,
    pub refusal: RefusalPolicy,
    pub refusal_zh: &'static str,
}

/// The public list of `j` (or the default jurisdiction).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleList {
    pub jurisdiction: String,
    pub bundles: Vec<BundleSummary>,
}

fn summary_of(
    conn: &mut dyn Conn,
    j: &str,
    b: &Bundle,
) -> Result<Option<BundleSummary>, BundleError> {
    let items = match items_in(conn, j, b) {
        Ok(items) => items,
        Err(BundleError::Unavailable(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    let division = oneseal_domain::org::DivisionCode::parse(j)
        .map_err(|_| GuideError::JurisdictionNotFound)?;
    let names = crate::services::org::department_names(conn, &division)?;
    Ok(Some(BundleSummary {
        code: b.code.as_str().to_owned(),
        name: b.name.clone(),
        summary: b.summary.clone(),
        items: items
            .iter()
            .map(|i| crate::services::guide::summary(i, &names))
            .collect(),
        promised_limit: format!("承诺 {}", b.promised_limit().to_zh()),
        promised_working_days: b.promised_working_days,
        refusal: b.refusal,
        refusal_zh: b.refusal.name_zh(),
    }))
}

/// The bundles offered in `j` (or the default jurisdiction): those whose items are all in its
/// catalog.
///
/// # Errors
/// A bad or unknown jurisdiction; the store's failure.
pub fn public_list(conn: &mut dyn Conn, j: Option<&str>) -> Result<BundleList, BundleError> {
    let (j, _) = crate::services::guide::jurisdiction(conn, j)?;
    let mut bundles = Vec::new();
    for b in all() {
        if let Some(s) = summary_of(conn, &j, b)? {
            bundles.push(s);
        }
    }
    Ok(BundleList {
        jurisdiction: j,
        bundles,
    })
}

/// One material of the combined form as the guide shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CombinedMaterialView {
    pub name: String,
    pub required: bool,
    pub originals: u32,
    pub copies: u32,
    pub from_department: bool,
    /// Used by more than one item: given once.
    pub shared: bool,
    /// The names of the items that use it.
    pub items: Vec<String>,
}

/// A bundle's guide: its items, the combined materials, the promise and the refusal rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleGuide {
    #[serde(flatten)]
    pub summary: BundleSummary,
    pub jurisdiction: String,
    pub jurisdiction_name: String,
    pub materials: Vec<CombinedMaterialView>,
    /// How many materials the items list in all, and how many the combined form asks for.
    pub materials_separately: usize,
    pub basis: String,
    /// The items under 告知承诺制 with the text an applicant may sign for each (issue #19 item
    /// 5): one signature per item, recorded on that item's case.
    pub commitments: Vec<ItemCommitment>,
}

/// One item's 告知承诺书 as a bundle's form offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemCommitment {
    pub item_code: String,
    pub item_name: String,
    /// `domain::commitment::text_zh`: the text the receipt records when signed.
    pub text: String,
}

/// The guide of bundle `code` in `j` (or the default jurisdiction).
///
/// # Errors
/// [`BundleError::UnknownBundle`] for an unknown code or one not offered in `j`.
pub fn guide(conn: &mut dyn Conn, j: Option<&str>, code: &str) -> Result<BundleGuide, BundleError> {
    let (j, jurisdiction_name) = crate::services::guide::jurisdiction(conn, j)?;
    let b = find(code)?;
    let summary = summary_of(conn, &j, b)?.ok_or(BundleError::UnknownBundle)?;
    let items = items_in(conn, &j, b)?;
    let refs: Vec<&Item> = items.iter().collect();
    let name_of = |code: &oneseal_domain::catalog::BasicCode| {
        items
            .iter()
            .find(|i| &i.basic_code == code)
            .map_or_else(|| code.as_str().to_owned(), |i| i.name.clone())
    };
    let materials = combined_materials(&refs)
        .into_iter()
        .map(|m| CombinedMaterialView {
            shared: m.shared(),
            items: m.items.iter().map(name_of).collect(),
            name: m.name,
            required: m.required,
            originals: m.originals,
            copies: m.copies,
            from_department: m.from_department,
        })
        .collect();
    let commitments = items
        .iter()
        .filter_map(|i| {
            let c = i.legal.commitment.as_ref()?;
            Some(ItemCommitment {
                item_code: i.basic_code.as_str().to_owned(),
                item_name: i.name.clone(),
                text: oneseal_domain::commitment::text_zh(&i.name, c.value, &c.source),
            })
        })
        .collect();
    Ok(BundleGuide {
        commitments,
        summary,
        jurisdiction: j,
        jurisdiction_name,
        materials,
        materials_separately: items.iter().map(|i| i.materials.len()).sum(),
        basis: b.basis.clone(),
    })
}

/// The figures of one bundle in one jurisdiction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleStats {
    pub code: String,
    pub name: String,
    pub applications: u64,
    pub cases: u64,
    /// Applications by overall status.
    pub in_progress: u64,
    pub completed: u64,
    pub partly_granted: u64,
    pub not_granted: u64,
    pub blocked: u64,
    /// Cases granted and refused.
    pub granted_cases: u64,
    pub refused_cases: u64,
}

/// The statistics per bundle of `j`: every catalog bundle, applied for or not.
///
/// Counted from the bundle cases and their statuses as they stand (one indexed range of
/// `bundle_cases` joined with `cases`).
///
/// # Errors
/// The store's failure; a stored status that is no BLZT code.
pub fn stats(conn: &mut dyn Conn, j: &str) -> Result<Vec<BundleStats>, BundleError> {
    use oneseal_domain::bundle::{BundleStatus, MemberOutcome, overall};
    use oneseal_domain::case::CaseStatus;
    let rows = oneseal_store::bundles::all_in(conn, j)?;
    let mut out: Vec<BundleStats> = all()
        .iter()
        .map(|b| BundleStats {
            code: b.code.as_str().to_owned(),
            name: b.name.clone(),
            applications: 0,
            cases: 0,
            in_progress: 0,
            completed: 0,
            partly_granted: 0,
            not_granted: 0,
            blocked: 0,
            granted_cases: 0,
            refused_cases: 0,
        })
        .collect();
    for group in rows.chunk_by(|a, b| a.application == b.application) {
        let Some(first) = group.first() else { continue };
        let statuses: Vec<CaseStatus> = group
            .iter()
            .filter_map(|r| u8::try_from(r.status).ok().and_then(CaseStatus::from_code))
            .collect();
        let policy = if first.blocks {
            RefusalPolicy::BlocksOthers
        } else {
            RefusalPolicy::Independent
        };
        let Some(s) = out.iter_mut().find(|s| s.code == first.bundle_code) else {
            continue;
        };
        s.applications += 1;
        s.cases += group.len() as u64;
        for st in &statuses {
            match MemberOutcome::of(*st) {
                MemberOutcome::Granted => s.granted_cases += 1,
                MemberOutcome::Refused => s.refused_cases += 1,
                MemberOutcome::Open | MemberOutcome::Ended => {}
            }
        }
        match overall(policy, &statuses) {
            BundleStatus::InProgress => s.in_progress += 1,
            BundleStatus::Completed => s.completed += 1,
            BundleStatus::PartlyGranted => s.partly_granted += 1,
            BundleStatus::NotGranted => s.not_granted += 1,
            BundleStatus::Blocked => s.blocked += 1,
        }
    }
    Ok(out)
}

/// `j`'s newest `limit` applications with their overall status, for the staff list.
///
/// # Errors
/// The store's failure.
pub fn recent(
    conn: &mut dyn Conn,
    j: &str,
    limit: u32,
    calendar: &oneseal_domain::calendar::Calendar,
    today: time::Date,
) -> Result<Vec<ApplicationView>, BundleError> {
    let rows = oneseal_store::bundles::recent(conn, j, limit)?;
    rows.chunk_by(|a, b| a.application == b.application)
        .map(|group| application::view(group, calendar, today))
        .collect()
}
