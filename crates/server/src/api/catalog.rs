//! The catalog: browse, search, read one item, import and export (CSV / XLSX).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use oneseal_domain::access::{Action, Target};
use oneseal_domain::catalog::interchange;
use oneseal_domain::catalog::{ImportError, Item};
use oneseal_domain::event::Actor;
use oneseal_domain::org::DivisionCode;
use oneseal_store::{Conn, StoreError, Value, params};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::AppState;
use crate::api::org::target_jurisdiction;
use crate::edge::auth::Auth;
use crate::error::ApiError;
use crate::services::commands::{Meta, PublishReport, publish_items};

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

/// A LIKE pattern matching `text` literally anywhere: `%`, `_` and the escape character
/// itself are searched for, not interpreted.
fn contains_pattern(text: &str) -> String {
    let mut p = String::with_capacity(text.len() + 2);
    p.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// Searches the current versions of a jurisdiction's items.
pub fn search_items(
    conn: &mut dyn Conn,
    j: &DivisionCode,
    q: &ItemQuery,
) -> Result<ItemPage, StoreError> {
    let mut filter = String::from(" FROM items WHERE jurisdiction = ? AND current = 1");
    let mut args: Vec<Value> = vec![j.as_str().into()];
    if let Some(text) = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        filter.push_str(" AND (name LIKE ? ESCAPE '\\' OR basic_code LIKE ? ESCAPE '\\')");
        args.push(contains_pattern(text).into());
        args.push(contains_pattern(text).into());
    }
    for (col, val) in [
        ("category", &q.category),
        ("area", &q.area),
        ("handling_place", &q.place),
    ] {
        if let Some(v) = val.as_deref().filter(|s| !s.is_empty()) {
            filter.push_str(&format!(" AND {col} = ?"));
            args.push(v.into());
        }
    }
    if let Some(d) = q.department.as_deref().filter(|s| !s.is_empty()) {
        filter.push_str(" AND (original_department = ? OR supervising_department = ?)");
        args.push(d.into());
        args.push(d.into());
    }
    let total = conn
        .query_one(&format!("SELECT COUNT(*){filter}"), &args)?
        .map(|r| r.u64(0))
        .transpose()?
        .unwrap_or(0);
    let per_page = q.per_page.unwrap_or(50).clamp(1, 500);
    let page = q.page.unwrap_or(1).max(1);
    args.push(Value::from(per_page));
    args.push(Value::from(u64::from(page - 1) * u64::from(per_page)));
    let items = conn
        .query(
            &format!("SELECT body{filter} ORDER BY generated, basic_code LIMIT ? OFFSET ?"),
            &args,
        )?
        .into_iter()
        .map(|r| parse_item(&r.text(0)?))
        .collect::<Result<_, _>>()?;
    Ok(ItemPage {
        total,
        page,
        per_page,
        items,
    })
}

fn parse_item(body: &str) -> Result<Item, StoreError> {
    serde_json::from_str(body).map_err(|e| StoreError::Corrupt(format!("stored item: {e}")))
}

/// The current version of one item, with its version history numbers.
pub fn find_item(
    conn: &mut dyn Conn,
    j: &DivisionCode,
    code: &str,
) -> Result<Option<(Item, Vec<u32>)>, StoreError> {
    let rows = conn.query(
        "SELECT version, current, body FROM items WHERE jurisdiction = ? AND basic_code = ? ORDER BY version",
        params![j.as_str(), code],
    )?;
    let mut current = None;
    let mut versions = Vec::new();
    for r in rows {
        versions.push(u32::try_from(r.int(0)?).unwrap_or(0));
        if r.int(1)? == 1 {
            current = Some(parse_item(&r.text(2)?)?);
        }
    }
    Ok(current.map(|c| (c, versions)))
}

/// All current items of a jurisdiction, for export.
pub fn all_items(conn: &mut dyn Conn, j: &DivisionCode) -> Result<Vec<Item>, StoreError> {
    conn.query(
        "SELECT body FROM items WHERE jurisdiction = ? AND current = 1 ORDER BY basic_code",
        params![j.as_str()],
    )?
    .into_iter()
    .map(|r| parse_item(&r.text(0)?))
    .collect()
}

pub async fn list_items(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ItemQuery>,
) -> Result<Json<ItemPage>, ApiError> {
    let j = target_jurisdiction(&auth, q.jurisdiction.as_deref())?;
    auth.require(Action::ViewCatalog, &Target::jurisdiction(&j))?;
    Ok(Json(
        state
            .store
            .read(move |c| search_items(c, &j, &q).map_err(ApiError::from))
            .await?,
    ))
}

pub async fn get_item(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(q): Query<ItemQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let j = target_jurisdiction(&auth, q.jurisdiction.as_deref())?;
    auth.require(Action::ViewCatalog, &Target::jurisdiction(&j))?;
    let found = state
        .store
        .read(move |c| find_item(c, &j, &code).map_err(ApiError::from))
        .await?;
    let (item, versions) = found.ok_or(ApiError::NotFound("item"))?;
    Ok(Json(json!({ "item": item, "versions": versions })))
}

/// The two interchange formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Xlsx,
}

#[derive(Debug, Deserialize)]
pub struct ImportQuery {
    pub jurisdiction: Option<String>,
    pub format: Option<Format>,
}

fn sniff_format(q: Option<Format>, headers: &HeaderMap, body: &[u8]) -> Format {
    if let Some(f) = q {
        return f;
    }
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // XLSX files are ZIP archives.
    if ct.contains("spreadsheetml") || body.starts_with(b"PK\x03\x04") {
        Format::Xlsx
    } else {
        Format::Csv
    }
}

/// Imports parsed at once. Each parse is bounded by the domain's limits (`interchange::limits`:
/// by their sum, roughly 200 MB for a file at every limit at once, an estimate, not measured;
/// the hostile files of issue #22 now peak at about 20 MB), so this bounds the memory all
/// uploads together may take; more wait their turn.
static PARSE_SLOTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Parses an uploaded item list off the async workers (a big file takes seconds of CPU, which
/// would otherwise stall every other request on that worker), one of [`PARSE_SLOTS`] at a time.
async fn parse_upload(format: Format, body: Bytes) -> Result<Vec<Item>, ApiError> {
    let _slot = PARSE_SLOTS
        .acquire()
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let parsed = tokio::task::spawn_blocking(move || match format {
        Format::Csv => interchange::import_csv(&body),
        Format::Xlsx => interchange::import_xlsx(&body),
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    parsed.map_err(import_error)
}

/// The typed 400 of a refused import. The domain keeps only the first
/// `interchange::limits::MAX_ERRORS` row errors, so the answer stays small however many
/// rows are wrong; `total` says how many there were.
fn import_error(e: ImportError) -> ApiError {
    match e {
        ImportError::Unreadable { format, reason } => ApiError::bad_request(
            "unreadable_file",
            format!("无法按 {format} 格式读取文件：{reason}"),
            format!("The file could not be read as {format}: {reason}"),
        ),
        ImportError::Rows { errors, total } => {
            let shown = errors.len();
            let (zh_more, en_more) = if shown < total {
                (
                    format!("（仅列出前 {shown} 处）"),
                    format!(" (the first {shown} are listed)"),
                )
            } else {
                (String::new(), String::new())
            };
            ApiError::BadRequest {
                code: "import_rejected",
                zh: format!("导入被拒绝：{total} 处错误，未写入任何数据{zh_more}"),
                en: format!("Import rejected: {total} error(s); nothing was written{en_more}"),
                details: Some(json!({ "errors": errors, "total": total })),
            }
        }
    }
}

/// Validates every row first; publishes nothing unless all rows are good.
pub async fn import(
    state: &AppState,
    auth: &Auth,
    j: DivisionCode,
    format: Format,
    body: Bytes,
) -> Result<PublishReport, ApiError> {
    auth.require(Action::EditCatalog, &Target::jurisdiction(&j))?;
    let items = parse_upload(format, body).await?;
    let meta = Meta {
        time: state.clock.now(),
        jurisdiction: j,
        actor: Actor::Staff(auth.staff_id().cloned().ok_or(ApiError::Unauthenticated)?),
    };
    state
        .store
        .write(move |tx| publish_items(tx, &meta, items))
        .await
        .map_err(ApiError::from)
}

pub async fn import_items(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ImportQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<PublishReport>, ApiError> {
    let j = target_jurisdiction(&auth, q.jurisdiction.as_deref())?;
    let format = sniff_format(q.format, &headers, &body);
    Ok(Json(import(&state, &auth, j, format, body).await?))
}

#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    pub jurisdiction: Option<String>,
    pub format: Option<Format>,
}

pub async fn export_items(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    let j = target_jurisdiction(&auth, q.jurisdiction.as_deref())?;
    auth.require(Action::ViewCatalog, &Target::jurisdiction(&j))?;
    let code = j.as_str().to_owned();
    let items = state
        .store
        .read(move |c| all_items(c, &j).map_err(ApiError::from))
        .await?;
    let format = q.format.unwrap_or(Format::Csv);
    let (bytes, ctype, ext) = match format {
        Format::Csv => (
            interchange::export_csv(&items).map_err(|e| ApiError::Internal(e.to_string()))?,
            "text/csv; charset=utf-8",
            "csv",
        ),
        Format::Xlsx => (
            interchange::export_xlsx(&items, state.clock.now())
                .map_err(|e| ApiError::Internal(e.to_string()))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
    };
    Ok((
        [
            (header::CONTENT_TYPE, ctype.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"catalog-{code}.{ext}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
