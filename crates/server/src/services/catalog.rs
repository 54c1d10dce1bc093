//! The catalog of items: search, one item with its versions and related items, and the two
//! interchange formats (CSV / XLSX) in and out.
//!
//! Publishing parsed items is `commands::publish_items` (every item version is a ledger event);
//! here an upload is parsed and checked first, so nothing is published unless every row is good.

use std::collections::HashMap;

use oneseal_domain::catalog::interchange::{self, RowError};
use oneseal_domain::catalog::{ImportError, Item};
use oneseal_domain::org::DivisionCode;
use oneseal_store::catalog::{self, ItemFilter};
use oneseal_store::{Conn, StoreError};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// The bytes are not a file of the format at all.
    #[error("the file could not be read as {format}: {reason}")]
    Unreadable {
        format: &'static str,
        reason: String,
    },
    /// Some rows are wrong; nothing was imported. `errors` holds the first ones, `total` counts all.
    #[error("{total} problem(s) in the item list; nothing was imported")]
    Rejected { errors: Vec<RowError>, total: usize },
    #[error("no such item")]
    ItemNotFound,
    /// Writing an export failed, or the parse task died: our fault.
    #[error("{0}")]
    Internal(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<ImportError> for CatalogError {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::Unreadable { format, reason } => {
                CatalogError::Unreadable { format, reason }
            }
            ImportError::Rows { errors, total } => CatalogError::Rejected { errors, total },
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ItemQuery {
    pub jurisdiction: Option<String>,
    pub q: Option<String>,
    pub category: Option<String>,
    pub area: Option<String>,
    pub place: Option<String>,
    pub department: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

#[derive(Debug, Serialize)]
pub struct ItemPage {
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub items: Vec<Item>,
}

/// Searches the current versions of a jurisdiction's items, 50 a page unless asked (1 to 500).
pub fn search_items(
    conn: &mut dyn Conn,
    j: &DivisionCode,
    q: &ItemQuery,
) -> Result<ItemPage, StoreError> {
    let per_page = q.per_page.unwrap_or(50).clamp(1, 500);
    let page = q.page.unwrap_or(1).max(1);
    let filter = ItemFilter {
        text: q.q.as_deref(),
        category: q.category.as_deref(),
        area: q.area.as_deref(),
        place: q.place.as_deref(),
        department: q.department.as_deref(),
    };
    let offset = u64::from(page - 1) * u64::from(per_page);
    let found = catalog::search(conn, j.as_str(), &filter, per_page, offset)?;
    Ok(ItemPage {
        total: found.total,
        page,
        per_page,
        items: found.items,
    })
}

/// The current version of one item, with its version history numbers.
pub fn find_item(
    conn: &mut dyn Conn,
    j: &DivisionCode,
    code: &str,
) -> Result<Option<(Item, Vec<u32>)>, StoreError> {
    catalog::current_with_versions(conn, j.as_str(), code)
}

/// All current items of a jurisdiction, for export.
pub fn all_items(conn: &mut dyn Conn, j: &DivisionCode) -> Result<Vec<Item>, StoreError> {
    catalog::all_current(conn, j.as_str())
}

/// How many current items of a jurisdiction are in a category (`licensing`, `related`).
pub fn count_items(
    conn: &mut dyn Conn,
    j: &DivisionCode,
    category: &str,
) -> Result<i64, StoreError> {
    catalog::count_current(conn, j.as_str(), category)
}

/// One item for its page: the item, its version numbers, the department names of its
/// jurisdiction, and each related item's code with its name (empty when unknown).
pub struct ItemDetail {
    pub item: Item,
    pub versions: Vec<u32>,
    pub department_names: HashMap<String, String>,
    pub related: Vec<(String, String)>,
}

pub fn item_detail(
    conn: &mut dyn Conn,
    j: &DivisionCode,
    code: &str,
) -> Result<ItemDetail, CatalogError> {
    let (item, versions) = find_item(conn, j, code)?.ok_or(CatalogError::ItemNotFound)?;
    let department_names = crate::services::org::department_names(conn, j)?;
    let mut related = Vec::new();
    for r in &item.related_items {
        let name = find_item(conn, j, r.as_str())?.map(|(i, _)| i.name.clone());
        related.push((r.as_str().to_owned(), name.unwrap_or_default()));
    }
    Ok(ItemDetail {
        item,
        versions,
        department_names,
        related,
    })
}

/// The two interchange formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Xlsx,
}

/// Imports parsed at once. Each parse is bounded by the domain's limits (`interchange::limits`:
/// by their sum, roughly 200 MB for a file at every limit at once, an estimate, not measured;
/// the hostile files of issue #22 now peak at about 20 MB), so this bounds the memory all
/// uploads together may take; more wait their turn.
static PARSE_SLOTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Parses an uploaded item list off the async workers (a big file takes seconds of CPU, which
/// would otherwise stall every other request on that worker), one of [`PARSE_SLOTS`] at a time.
/// The domain keeps only the first `interchange::limits::MAX_ERRORS` row errors, so a refusal
/// stays small however many rows are wrong.
pub async fn parse_upload<B>(format: Format, body: B) -> Result<Vec<Item>, CatalogError>
where
    B: AsRef<[u8]> + Send + 'static,
{
    let _slot = PARSE_SLOTS
        .acquire()
        .await
        .map_err(|e| CatalogError::Internal(e.to_string()))?;
    let parsed = tokio::task::spawn_blocking(move || match format {
        Format::Csv => interchange::import_csv(body.as_ref()),
        Format::Xlsx => interchange::import_xlsx(body.as_ref()),
    })
    .await
    .map_err(|e| CatalogError::Internal(e.to_string()))?;
    Ok(parsed?)
}

/// An export file: its bytes, content type and file extension.
pub struct Export {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub extension: &'static str,
}

/// Writes `items` in `format`; an XLSX records `now` as its creation time.
pub fn export(items: &[Item], format: Format, now: OffsetDateTime) -> Result<Export, CatalogError> {
    let internal = |e: interchange::ExportError| CatalogError::Internal(e.to_string());
    Ok(match format {
        Format::Csv => Export {
            bytes: interchange::export_csv(items).map_err(internal)?,
            content_type: "text/csv; charset=utf-8",
            extension: "csv",
        },
        Format::Xlsx => Export {
            bytes: interchange::export_xlsx(items, now).map_err(internal)?,
            content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            extension: "xlsx",
        },
    })
}

/// What an import would do to one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// No version in force: the item is new.
    Added,
    /// A new version, with the columns that differ.
    Changed,
    /// A new version that sets a cancellation date the version in force does not have.
    Retired,
    /// Identical to the version in force: nothing is published.
    Unchanged,
}

/// One item of a dry run: its code and name, what would happen, and the differing columns.
#[derive(Debug, Serialize)]
pub struct PreviewItem {
    pub basic_code: String,
    pub name: String,
    pub change: Change,
    pub fields: Vec<interchange::FieldChange>,
}

/// What an import would change, written nowhere (`?dry_run=true`, and the import page before
/// its confirmation). `items` lists every item of the file except the unchanged ones, in file
/// order; items in force that the file does not name stay as they are (`not_in_file`).
#[derive(Debug, Serialize)]
pub struct ImportPreview {
    pub dry_run: bool,
    pub added: u32,
    pub changed: u32,
    pub retired: u32,
    pub unchanged: u32,
    pub not_in_file: u32,
    pub items: Vec<PreviewItem>,
}

/// Sets every parsed item beside the version in force in jurisdiction `j`, as
/// `commands::publish_items` would (the same "identical" test: every column but the version).
pub fn preview(
    conn: &mut dyn Conn,
    j: &DivisionCode,
    items: &[Item],
) -> Result<ImportPreview, StoreError> {
    let mut current: HashMap<String, Item> = catalog::all_current(conn, j.as_str())?
        .into_iter()
        .map(|i| (i.basic_code.as_str().to_owned(), i))
        .collect();
    let mut out = ImportPreview {
        dry_run: true,
        added: 0,
        changed: 0,
        retired: 0,
        unchanged: 0,
        not_in_file: 0,
        items: Vec::new(),
    };
    for item in items {
        let (change, fields) = match current.remove(item.basic_code.as_str()) {
            None => (Change::Added, Vec::new()),
            Some(old) => {
                let fields = interchange::compare(&old, item);
                if fields.is_empty() {
                    (Change::Unchanged, fields)
                } else if old.cancel_date.is_none() && item.cancel_date.is_some() {
                    (Change::Retired, fields)
                } else {
                    (Change::Changed, fields)
                }
            }
        };
        let counter = match change {
            Change::Added => &mut out.added,
            Change::Changed => &mut out.changed,
            Change::Retired => &mut out.retired,
            Change::Unchanged => &mut out.unchanged,
        };
        *counter += 1;
        if change != Change::Unchanged {
            out.items.push(PreviewItem {
                basic_code: item.basic_code.as_str().to_owned(),
                name: item.name.clone(),
                change,
                fields,
            });
        }
    }
    out.not_in_file = u32::try_from(current.len()).unwrap_or(u32::MAX);
    Ok(out)
}

/// The import template (Chinese headers, one sample row: the first shipped real item that names
/// no related item, so the row imports on its own), with `now` as its creation time.
pub fn template(now: OffsetDateTime) -> Result<Export, CatalogError> {
    let internal = |e: String| CatalogError::Internal(e);
    let sample = oneseal_domain::catalog::real_items()
        .map_err(|e| internal(e.to_string()))?
        .into_iter()
        .find(|i| i.related_items.is_empty())
        .ok_or_else(|| internal("no shipped item to show".to_owned()))?;
    Ok(Export {
        bytes: interchange::template_xlsx(&sample, now).map_err(|e| internal(e.to_string()))?,
        content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        extension: "xlsx",
    })
}
