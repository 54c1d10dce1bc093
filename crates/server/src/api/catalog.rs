//! The catalog over HTTP: browse, search, read one item, import and export (CSV / XLSX).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use oneseal_domain::access::{Action, Target};
use oneseal_domain::event::Actor;
use serde::Deserialize;
use serde_json::json;

use crate::AppState;
use crate::edge::auth::Auth;
use crate::error::ApiError;
use crate::services::catalog::{
    self, CatalogError, Format, ItemPage, ItemQuery, find_item, search_items,
};
use crate::services::commands::{Meta, PublishReport, publish_items};
use crate::services::org::target_jurisdiction;

pub async fn list_items(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ItemQuery>,
) -> Result<Json<ItemPage>, ApiError> {
    let j = target_jurisdiction(&auth.principal, q.jurisdiction.as_deref())?;
    auth.require(Action::ViewCatalog, &Target::jurisdiction(&j))?;
    Ok(Json(
        state.store.read(move |c| search_items(c, &j, &q)).await?,
    ))
}

pub async fn get_item(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(q): Query<ItemQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let j = target_jurisdiction(&auth.principal, q.jurisdiction.as_deref())?;
    auth.require(Action::ViewCatalog, &Target::jurisdiction(&j))?;
    let found = state.store.read(move |c| find_item(c, &j, &code)).await?;
    let (item, versions) = found.ok_or(CatalogError::ItemNotFound)?;
    Ok(Json(json!({ "item": item, "versions": versions })))
}

#[derive(Debug, Deserialize)]
pub struct ImportQuery {
    pub jurisdiction: Option<String>,
    pub format: Option<Format>,
    /// `true`: parse and compare with the items in force, write nothing.
    pub dry_run: Option<bool>,
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

/// Validates every row first; publishes nothing unless all rows are good. With `dry_run=true`
/// answers what would change (added, changed, retired, unchanged, field by field) and writes
/// nothing.
pub async fn import_items(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<ImportQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let j = target_jurisdiction(&auth.principal, q.jurisdiction.as_deref())?;
    let format = sniff_format(q.format, &headers, &body);
    auth.require(Action::EditCatalog, &Target::jurisdiction(&j))?;
    let items = catalog::parse_upload(format, body).await?;
    if q.dry_run == Some(true) {
        let preview = state
            .store
            .read(move |c| catalog::preview(c, &j, &items))
            .await?;
        return Ok(Json(preview).into_response());
    }
    let meta = Meta {
        time: state.clock.now(),
        jurisdiction: j,
        actor: Actor::Staff(auth.staff_id().cloned().ok_or(ApiError::Unauthenticated)?),
    };
    let report: PublishReport = state
        .store
        .write(move |tx| publish_items(tx, &meta, items))
        .await?;
    Ok(Json(report).into_response())
}

/// The import template: Chinese headers and one sample row (XLSX), with a sheet of hints.
pub async fn import_template(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Response, ApiError> {
    auth.require_here(Action::ViewCatalog)?;
    let file = catalog::template(state.clock.now())?;
    Ok((
        [
            (header::CONTENT_TYPE, file.content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"catalog-template.xlsx\"".to_owned(),
            ),
        ],
        file.bytes,
    )
        .into_response())
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
    let j = target_jurisdiction(&auth.principal, q.jurisdiction.as_deref())?;
    auth.require(Action::ViewCatalog, &Target::jurisdiction(&j))?;
    let code = j.as_str().to_owned();
    let items = state.store.read(move |c| catalog::all_items(c, &j)).await?;
    let file = catalog::export(&items, q.format.unwrap_or(Format::Csv), state.clock.now())?;
    Ok((
        [
            (header::CONTENT_TYPE, file.content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"catalog-{code}.{}\"", file.extension),
            ),
        ],
        file.bytes,
    )
        .into_response())
}
