//! Catalog pages: browse and search, item detail, import.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use oneseal_domain::access::{Action, Target};
use oneseal_domain::catalog::{Area, HandlingPlace, Item, ItemCategory, pair_zh};

use super::{Nav, WebError, render};
use crate::AppState;
use crate::edge::auth::Auth;
use crate::error::ApiError;
use crate::services::catalog::{ItemDetail, ItemQuery, item_detail, search_items};
use crate::services::org::{department_names, jurisdictions, target_jurisdiction};

/// One `<option>` of a filter, with its selection decided here rather than in the template.
pub struct Opt {
    value: String,
    label: String,
    selected: bool,
}

fn options<'a>(all: impl Iterator<Item = (&'a str, &'a str)>, chosen: &str) -> Vec<Opt> {
    all.map(|(value, label)| Opt {
        selected: value == chosen,
        value: value.to_owned(),
        label: label.to_owned(),
    })
    .collect()
}

pub struct Row {
    code: String,
    name: String,
    category: &'static str,
    area: &'static str,
    original_department: String,
    supervising_department: String,
    place: &'static str,
    limits: String,
    generated: bool,
}

#[derive(Template)]
#[template(path = "catalog.html")]
struct CatalogPage {
    nav: Nav,
    jurisdiction: String,
    q: String,
    jurisdiction_options: Vec<Opt>,
    categories: Vec<Opt>,
    areas: Vec<Opt>,
    places: Vec<Opt>,
    total: u64,
    page: u32,
    pages: u32,
    prev_url: String,
    next_url: String,
    rows: Vec<Row>,
}

fn page_url(j: &str, q: &ItemQuery, page: u32) -> String {
    let enc = |s: &Option<String>| urlencode(s.as_deref().unwrap_or(""));
    format!(
        "/catalog?jurisdiction={j}&q={}&category={}&area={}&place={}&page={page}",
        enc(&q.q),
        enc(&q.category),
        enc(&q.area),
        enc(&q.place)
    )
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub async fn catalog_page(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ItemQuery>,
) -> Result<Html<String>, WebError> {
    let j =
        target_jurisdiction(&auth.principal, q.jurisdiction.as_deref()).map_err(ApiError::from)?;
    auth.require(Action::ViewCatalog, &Target::jurisdiction(&j))?;
    let (jq, query) = (
        j.clone(),
        ItemQuery {
            per_page: Some(50),
            ..q
        },
    );
    let (list, page, names) = state
        .store
        .read(move |c| {
            let page = search_items(c, &jq, &query)?;
            Ok::<_, ApiError>((jurisdictions(c)?, (page, query), department_names(c, &jq)?))
        })
        .await?;
    let (page, query) = page;
    let name = |code: &str| names.get(code).cloned().unwrap_or_else(|| code.to_owned());
    let rows = page
        .items
        .iter()
        .map(|i| Row {
            code: i.basic_code.as_str().to_owned(),
            name: i.name.clone(),
            category: i.category.name_zh(),
            area: i.area.name_zh(),
            original_department: name(i.original_department.as_str()),
            supervising_department: name(i.supervising_department.as_str()),
            place: i.handling_place.name_zh(),
            limits: pair_zh(i.statutory_limit, i.promised_limit),
            generated: i.generated,
        })
        .collect();
    let pages =
        u32::try_from(page.total.div_ceil(u64::from(page.per_page)).max(1)).unwrap_or(u32::MAX);
    let js = j.to_string();
    render(&CatalogPage {
        nav: Nav::from_auth(Some(&auth)),
        jurisdiction_options: options(
            list.iter().map(|j| (j.code.as_str(), j.name_zh.as_str())),
            j.as_str(),
        ),
        prev_url: page_url(&js, &query, page.page.saturating_sub(1)),
        next_url: page_url(&js, &query, page.page + 1),
        jurisdiction: js,
        q: query.q.clone().unwrap_or_default(),
        categories: options(
            ItemCategory::ALL.iter().map(|c| (c.code(), c.name_zh())),
            query.category.as_deref().unwrap_or(""),
        ),
        areas: options(
            Area::ALL.iter().map(|c| (c.code(), c.name_zh())),
            query.area.as_deref().unwrap_or(""),
        ),
        places: options(
            HandlingPlace::ALL.iter().map(|c| (c.code(), c.name_zh())),
            query.place.as_deref().unwrap_or(""),
        ),
        total: page.total,
        page: page.page,
        pages,
        rows,
    })
}

#[derive(Template)]
#[template(path = "item.html")]
struct ItemPage {
    nav: Nav,
    jurisdiction: String,
    item: Item,
    versions: String,
    effective: String,
    original_department: String,
    supervising_department: String,
    related: Vec<(String, String)>,
}

pub async fn item_page(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(q): Query<ItemQuery>,
) -> Result<Html<String>, WebError> {
    let j =
        target_jurisdiction(&auth.principal, q.jurisdiction.as_deref()).map_err(ApiError::from)?;
    auth.require(Action::ViewCatalog, &Target::jurisdiction(&j))?;
    let jq = j.clone();
    let ItemDetail {
        item,
        versions,
        department_names: names,
        related,
    } = state
        .store
        .read(move |c| item_detail(c, &jq, &code))
        .await
        .map_err(ApiError::from)?;
    let name = |code: &str| names.get(code).cloned().unwrap_or_else(|| code.to_owned());
    render(&ItemPage {
        nav: Nav::from_auth(Some(&auth)),
        jurisdiction: j.to_string(),
        original_department: name(item.original_department.as_str()),
        supervising_department: name(item.supervising_department.as_str()),
        versions: versions
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join("、"),
        effective: item.effective_date.to_string(),
        related,
        item,
    })
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    nav: Nav,
    jurisdiction: String,
}

pub async fn import_page(auth: Auth, Query(q): Query<ItemQuery>) -> Result<Html<String>, WebError> {
    let j =
        target_jurisdiction(&auth.principal, q.jurisdiction.as_deref()).map_err(ApiError::from)?;
    auth.require(Action::EditCatalog, &Target::jurisdiction(&j))?;
    render(&ImportPage {
        nav: Nav::from_auth(Some(&auth)),
        jurisdiction: j.to_string(),
    })
}
