//! The public service guides (办事指南, Licensing Law Art. 30) and the public home: every item
//! of a jurisdiction's catalog as the public reads it, no sign-in. The same views answer
//! `GET /api/v1/public/items[/{code}]` and the pages `/guide`, `/guide/{code}` and `/`.
//!
//! What is shown is public by law (the catalog) or the bureau's own (hall, hours, hotline); no
//! staff member and no applicant appears. Popular items are summed from `case_tallies`, never
//! a fold of cases.

use oneseal_domain::catalog::Item;
use oneseal_domain::catalog::guide::{self, ServicePoint};
use oneseal_store::guide::{GuideFrom, hall_windows, items_page, most_received};
use oneseal_store::{Conn, StoreError};
use serde::{Deserialize, Serialize};

pub mod cached;

use crate::services::paging::{
    Direction, ListQueryError, PageCursor, PageLinks, PagingError, parse_cursor, parse_limit,
};

/// Longest search text: item names are far shorter.
pub const MAX_QUERY: usize = 100;
/// The jurisdiction a visitor who names none sees: the demo city.
pub const DEFAULT_JURISDICTION: &str = "370100";
/// How many popular items the home page lists.
const POPULAR: u32 = 6;

#[derive(Debug, thiserror::Error)]
pub enum GuideError {
    #[error(transparent)]
    Query(#[from] ListQueryError),
    #[error("no such item")]
    ItemNotFound,
    #[error("no such jurisdiction")]
    JurisdictionNotFound,
    /// The client asked for the public home too often this minute (`cached`).
    #[error("too many requests")]
    TooManyRequests,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// `?j=&q=&cursor=&limit=` of the guide index.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GuideQuery {
    #[serde(default)]
    pub j: Option<String>,
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub cursor: Option<String>,
    #[serde(default)]
    pub limit: Option<String>,
}

/// One item in a list: enough to choose it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemSummary {
    pub code: String,
    pub name: String,
    pub category: &'static str,
    pub category_zh: &'static str,
    pub department: String,
    /// `法定 20个工作日`.
    pub statutory_limit: String,
    /// `承诺 10个工作日`.
    pub promised_limit: String,
    pub commitment: bool,
    pub tolerates_missing: bool,
    /// Synthesized to reach the reform's scale in the demo, never a real item.
    pub generated: bool,
}

/// One page of the guide index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemsPage {
    pub jurisdiction: String,
    pub items: Vec<ItemSummary>,
    #[serde(flatten)]
    pub links: PageLinks,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BasisView {
    pub law: String,
    pub article: Option<String>,
    pub text: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MaterialView {
    pub name: String,
    pub originals: u32,
    pub copies: u32,
    pub required: bool,
    pub source_zh: &'static str,
    pub e_license_accepted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeeView {
    pub name: String,
    pub standard: String,
    pub basis: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SettingView {
    pub setting: String,
    pub source: String,
}

/// Where and when to apply in person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WhereView {
    /// 办理地点 as the catalog classifies it.
    pub place_zh: &'static str,
    pub hall: Option<ServicePoint>,
    /// The hall windows that take the item in (empty: at the department itself).
    pub windows: Vec<String>,
}

/// The whole guide of one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceGuide {
    #[serde(flatten)]
    pub summary: ItemSummary,
    pub jurisdiction: String,
    pub jurisdiction_name: String,
    pub implementation_code: String,
    pub item_type_zh: &'static str,
    pub service_objects_zh: Vec<&'static str>,
    pub handling_forms_zh: Vec<&'static str>,
    pub conditions: Vec<String>,
    pub legal_basis: Vec<BasisView>,
    pub materials: Vec<MaterialView>,
    /// Blank and sample forms on file; the catalog holds none yet.
    pub forms: Vec<String>,
    pub fees: Vec<FeeView>,
    pub limit_note: Option<String>,
    pub special_procedures: Vec<String>,
    pub procedure: Vec<String>,
    #[serde(rename = "where")]
    pub where_: WhereView,
    pub original_department: String,
    pub supervising_department: String,
    pub consultation_phone: String,
    pub legal_settings: Vec<SettingView>,
    pub version: u32,
    pub effective_date: String,
}

/// The public home's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Home {
    pub jurisdiction: String,
    pub jurisdiction_name: String,
    /// The items received most over the last 90 days, with their counts.
    pub popular: Vec<(ItemSummary, i64)>,
    pub hall: Option<ServicePoint>,
}

/// The jurisdiction named (checked against the registered ones) or the default, with its name.
pub(crate) fn jurisdiction(
    conn: &mut dyn Conn,
    named: Option<&str>,
) -> Result<(String, String), GuideError> {
    let code = named
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(DEFAULT_JURISDICTION);
    if code.len() > 12 || code.chars().any(|c| !c.is_ascii_digit()) {
        return Err(ListQueryError::BadFilter("j").into());
    }
    crate::services::org::jurisdictions(conn)?
        .into_iter()
        .find(|j| j.code == code)
        .map(|j| (j.code, j.name_zh))
        .ok_or(GuideError::JurisdictionNotFound)
}

pub(crate) fn summary(
    item: &Item,
    names: &std::collections::HashMap<String, String>,
) -> ItemSummary {
    let facts = guide::guide_facts(item);
    let dept = item.original_department.as_str();
    ItemSummary {
        code: item.basic_code.as_str().to_owned(),
        name: item.name.clone(),
        category: item.category.code(),
        category_zh: item.category.name_zh(),
        department: names.get(dept).cloned().unwrap_or_else(|| dept.to_owned()),
        statutory_limit: format!("法定 {}", item.statutory_limit.to_zh()),
        promised_limit: format!("承诺 {}", item.promised_limit.to_zh()),
        commitment: facts.commitment,
        tolerates_missing: facts.tolerates_missing,
        generated: item.generated,
    }
}

/// A page key: the catalog's order is (generated, code), written `0…` / `1…`.
fn key(item: &Item) -> String {
    format!("{}{}", u8::from(item.generated), item.basic_code.as_str())
}

fn parse_key(k: &str) -> Result<(bool, &str), GuideError> {
    let bad = || GuideError::Query(PagingError::BadCursor.into());
    let (g, code) = (k.get(..1).ok_or_else(bad)?, k.get(1..).ok_or_else(bad)?);
    if code.is_empty() || code.len() > 20 || !code.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    match g {
        "0" => Ok((false, code)),
        "1" => Ok((true, code)),
        _ => Err(bad()),
    }
}

/// One page of the guide index.
///
/// # Errors
/// [`GuideError::Query`] for a bad cursor, limit, jurisdiction or search text.
pub fn page(conn: &mut dyn Conn, q: &GuideQuery) -> Result<ItemsPage, GuideError> {
    let limit = parse_limit(q.limit.as_deref()).map_err(ListQueryError::from)?;
    let cursor = parse_cursor(q.cursor.as_deref()).map_err(ListQueryError::from)?;
    let text = q.q.as_deref().map(str::trim).filter(|t| !t.is_empty());
    if text.is_some_and(|t| t.chars().count() > MAX_QUERY || t.chars().any(char::is_control)) {
        return Err(ListQueryError::BadFilter("q").into());
    }
    let (j, _) = jurisdiction(conn, q.j.as_deref())?;
    let from = match &cursor {
        None => GuideFrom::Start,
        Some(PageCursor {
            direction: Direction::After,
            key,
        }) => {
            let (g, c) = parse_key(key)?;
            GuideFrom::After(g, c)
        }
        Some(PageCursor {
            direction: Direction::Before,
            key,
        }) => {
            let (g, c) = parse_key(key)?;
            GuideFrom::Before(g, c)
        }
    };
    let mut items = items_page(conn, &j, text, from, limit + 1)?;
    let more = items.len() > limit as usize;
    if more {
        if matches!(from, GuideFrom::Before(..)) {
            items.remove(0);
        } else {
            items.truncate(limit as usize);
        }
    }
    let (more_before, more_after) = match from {
        GuideFrom::Start => (false, more),
        GuideFrom::After(..) => (true, more),
        GuideFrom::Before(..) => (more, true),
    };
    let first = items.first().map(key);
    let last = items.last().map(key);
    let names = crate::services::org::department_names(conn, &division(&j)?)?;
    Ok(ItemsPage {
        items: items.iter().map(|i| summary(i, &names)).collect(),
        links: PageLinks::new(first.as_deref(), last.as_deref(), more_before, more_after),
        jurisdiction: j,
    })
}

fn division(j: &str) -> Result<oneseal_domain::org::DivisionCode, GuideError> {
    oneseal_domain::org::DivisionCode::parse(j).map_err(|_| GuideError::JurisdictionNotFound)
}

/// The 告知承诺书 an applicant signs for item `code` of `j` (or the default jurisdiction), when
/// the item's catalog entry puts it under the regime (`LegalSettings::commitment`): the item's
/// public wording, the same text the receipt records when `"commitment": true` is sent.
///
/// # Errors
/// [`GuideError::ItemNotFound`] when the jurisdiction has no current item of that code.
pub fn commitment_text(
    conn: &mut dyn Conn,
    j: Option<&str>,
    code: &str,
) -> Result<Option<String>, GuideError> {
    let (j, _) = jurisdiction(conn, j)?;
    if code.len() > 20 || !code.chars().all(|c| c.is_ascii_digit()) {
        return Err(GuideError::ItemNotFound);
    }
    let (item, _) = oneseal_store::catalog::current_with_versions(conn, &j, code)?
        .ok_or(GuideError::ItemNotFound)?;
    Ok(item
        .legal
        .commitment
        .as_ref()
        .map(|c| oneseal_domain::commitment::text_zh(&item.name, c.value, &c.source)))
}

/// The guide of item `code` in jurisdiction `j` (or the default one).
///
/// # Errors
/// [`GuideError::ItemNotFound`] when the jurisdiction has no current item of that code.
pub fn item_guide(
    conn: &mut dyn Conn,
    j: Option<&str>,
    code: &str,
) -> Result<ServiceGuide, GuideError> {
    let (j, jurisdiction_name) = jurisdiction(conn, j)?;
    if code.len() > 20 || !code.chars().all(|c| c.is_ascii_digit()) {
        return Err(GuideError::ItemNotFound);
    }
    let (item, _) = oneseal_store::catalog::current_with_versions(conn, &j, code)?
        .ok_or(GuideError::ItemNotFound)?;
    let names = crate::services::org::department_names(conn, &division(&j)?)?;
    let windows = hall_windows(conn, &j)?;
    let facts = guide::guide_facts(&item);
    let name = |d: &str| names.get(d).cloned().unwrap_or_else(|| d.to_owned());
    Ok(ServiceGuide {
        summary: summary(&item, &names),
        jurisdiction_name,
        implementation_code: item.implementation_code.as_str().to_owned(),
        item_type_zh: item.item_type.name_zh(),
        service_objects_zh: item.service_objects.iter().map(|s| s.name_zh()).collect(),
        handling_forms_zh: item.handling_forms.iter().map(|s| s.name_zh()).collect(),
        conditions: facts.conditions,
        legal_basis: item
            .legal_basis
            .iter()
            .map(|b| BasisView {
                law: b.law.clone(),
                article: b.article.clone(),
                text: b.text.clone(),
            })
            .collect(),
        materials: item
            .materials
            .iter()
            .map(|m| MaterialView {
                name: m.name.clone(),
                originals: m.originals,
                copies: m.copies,
                required: m.required,
                source_zh: m.source.name_zh(),
                e_license_accepted: m.e_license_accepted,
            })
            .collect(),
        forms: Vec::new(),
        fees: item
            .fees
            .iter()
            .map(|f| FeeView {
                name: f.name.clone(),
                standard: f.standard.clone(),
                basis: f.basis.clone(),
            })
            .collect(),
        limit_note: item.limit_note.clone(),
        special_procedures: item
            .special_procedures
            .iter()
            .map(|s| format!("{}：最长{}", s.kind.name_zh(), s.limit.to_zh()))
            .collect(),
        procedure: facts.procedure,
        where_: WhereView {
            place_zh: item.handling_place.name_zh(),
            hall: guide::service_point(&j),
            windows: guide::intake_windows(&item, &windows),
        },
        original_department: name(item.original_department.as_str()),
        supervising_department: name(item.supervising_department.as_str()),
        consultation_phone: guide::HOTLINE.to_owned(),
        legal_settings: item
            .legal
            .lines_zh()
            .into_iter()
            .map(|(setting, source)| SettingView { setting, source })
            .collect(),
        version: item.version,
        effective_date: item.effective_date.to_string(),
        jurisdiction: j,
    })
}

/// The public home of jurisdiction `j` (or the default) on `today`.
///
/// # Errors
/// [`GuideError::JurisdictionNotFound`] for an unknown jurisdiction.
pub fn home(conn: &mut dyn Conn, j: Option<&str>, today: time::Date) -> Result<Home, GuideError> {
    let (j, jurisdiction_name) = jurisdiction(conn, j)?;
    let since = today.saturating_sub(time::Duration::days(90)).to_string();
    let names = crate::services::org::department_names(conn, &division(&j)?)?;
    let mut popular = Vec::new();
    for (code, n) in most_received(conn, &j, &since, POPULAR)? {
        if let Some((item, _)) = oneseal_store::catalog::current_with_versions(conn, &j, &code)? {
            popular.push((summary(&item, &names), n));
        }
    }
    Ok(Home {
        hall: guide::service_point(&j),
        jurisdiction: j,
        jurisdiction_name,
        popular,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_keys_read_back() {
        assert_eq!(parse_key("0990100001000").unwrap(), (false, "990100001000"));
        assert_eq!(parse_key("1990200000001").unwrap(), (true, "990200000001"));
        for bad in ["", "0", "2990100001000", "0abc", "0990100001000'"] {
            assert!(parse_key(bad).is_err(), "{bad}");
        }
    }
}
