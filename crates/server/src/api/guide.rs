//! `GET /api/v1/public/items[/{code}]`: the catalog's items as service guides (办事指南), no
//! sign-in (Licensing Law Art. 30). The views are `services::guide`'s, shared with the pages.

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;

use crate::AppState;
use crate::error::ApiError;
use crate::services::guide::{self, GuideQuery, ItemsPage, ServiceGuide};

/// The public items, paged like the other public lists (`?j=&q=&cursor=&limit=`).
pub async fn list_public_items(
    State(state): State<AppState>,
    Query(q): Query<GuideQuery>,
) -> Result<Json<ItemsPage>, ApiError> {
    Ok(Json(state.store.read(move |c| guide::page(c, &q)).await?))
}

#[derive(Debug, Default, Deserialize)]
pub struct Where {
    #[serde(default)]
    j: Option<String>,
}

/// One item's service guide.
pub async fn get_public_item(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(w): Query<Where>,
) -> Result<Json<ServiceGuide>, ApiError> {
    Ok(Json(
        state
            .store
            .read(move |c| guide::item_guide(c, w.j.as_deref(), &code))
            .await?,
    ))
}
