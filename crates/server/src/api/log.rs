//! The public, read-only face of the logs (no sign-in): C2SP tlog-tiles endpoints under
//! `/log/<division code>/`, the vkeys and policy, and JSON helpers for proofs, entries and
//! tlog-proof receipts under `/api/v1/log/<division code>/`. Public entries carry no personal data.
//!
//! Everything served stops at the published checkpoint ([`Publish`]): an entry, proof or receipt
//! past it is something the log has not yet committed to before its witnesses, so it is a 409
//! (`not_yet_checkpointed`, `not_yet_cosigned`) while on its way, and 404 or 400 past the head.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use oneseal_ledger::hash::hash_to_base64;
use oneseal_ledger::tile::{Tile, TileKind, encode_bundle, encode_tile};
use oneseal_store::{Conn, StoreError, log};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::{ApiError, beyond_error};
use crate::services::ledger::Publish;
use crate::services::ledger::latest;
use crate::services::ledger::receipts::{Beyond, covered, published, receipt_text};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

fn text(body: String, cache: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, cache),
        ],
        body,
    )
        .into_response()
}

fn known_log(state: &AppState, j: &str) -> Result<(), ApiError> {
    if state.logs.keys.contains_key(j) {
        Ok(())
    } else {
        Err(ApiError::NotFound("log"))
    }
}

pub async fn list_logs(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let names: Vec<String> = state.logs.keys.keys().cloned().collect();
    let publish = state.logs.publish();
    let sizes = state
        .store
        .read(move |c| {
            names
                .into_iter()
                .map(|j| Ok((j.clone(), published(c, &j, publish)?.map(|p| p.0))))
                .collect::<Result<Vec<_>, StoreError>>()
        })
        .await?;
    let logs: Vec<Value> = sizes
        .into_iter()
        .filter_map(|(j, size)| {
            let keys = state.logs.keys.get(&j)?;
            Some(json!({ "jurisdiction": j, "origin": keys.origin, "prefix": format!("/log/{j}"), "checkpoint_size": size }))
        })
        .collect();
    Ok(Json(json!({ "logs": logs })))
}

pub async fn get_checkpoint(
    State(state): State<AppState>,
    Path(j): Path<String>,
) -> Result<Response, ApiError> {
    known_log(&state, &j)?;
    let publish = state.logs.publish();
    let p = state
        .store
        .read(move |c| {
            let p = published(c, &j, publish)?;
            if p.is_none() && publish == Publish::Cosigned && latest(c, &j)?.is_some() {
                return Err(beyond_error(
                    Beyond::NotCosigned,
                    ApiError::NotFound("checkpoint"),
                ));
            }
            Ok::<_, ApiError>(p)
        })
        .await?;
    let (_, note) = p.ok_or(ApiError::NotFound("checkpoint"))?;
    Ok(text(note, "public, max-age=1"))
}

pub async fn get_vkeys(
    State(state): State<AppState>,
    Path(j): Path<String>,
) -> Result<Response, ApiError> {
    known_log(&state, &j)?;
    let keys = state.logs.keys.get(&j).ok_or(ApiError::NotFound("log"))?;
    let mut lines = keys
        .vkeys()
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    lines.extend(state.logs.witnesses.iter().map(|w| w.vkey.clone()));
    Ok(text(lines.join("\n") + "\n", "public, max-age=60"))
}

/// The log's URL in the policy is the bureau's public URL, never the request's `Host:` (the
/// answer is cacheable: a forged `Host:` would poison it for everyone behind the cache).
pub async fn get_policy(
    State(state): State<AppState>,
    Path(j): Path<String>,
) -> Result<Response, ApiError> {
    let policy = state
        .logs
        .policy(&j, state.net.base_url())
        .ok_or(ApiError::NotFound("log"))?;
    Ok(text(policy, "public, max-age=60"))
}

/// `GET /log/<j>/tile/<L>/<N>[.p/<W>]` and `/log/<j>/tile/entries/<N>[.p/<W>]`: served only
/// when the latest published checkpoint covers them; a missing tile is a 404, never a 200.
pub async fn get_tile(
    State(state): State<AppState>,
    Path((j, rest)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    known_log(&state, &j)?;
    let tile = Tile::parse_path(&format!("tile/{rest}")).map_err(|e| {
        ApiError::bad_request(
            "bad_tile_path",
            format!("瓦片路径无效：{e}"),
            format!("Bad tile path: {e}"),
        )
    })?;
    let publish = state.logs.publish();
    let body = state
        .store
        .read(move |c| {
            let Some((size, _)) = published(c, &j, publish)? else {
                return Ok::<_, StoreError>(None);
            };
            if !tile.available_at(size) {
                return Ok(None);
            }
            Ok(Some(match tile.kind {
                TileKind::Entries => {
                    let from = tile.index * 256;
                    let entries = log::entries(c, &j, from, from + u64::from(tile.width))?;
                    let bytes: Vec<Vec<u8>> = entries.into_iter().map(|(_, e)| e).collect();
                    encode_bundle(&bytes).map_err(|e| StoreError::Corrupt(e.to_string()))?
                }
                TileKind::Hashes { .. } => encode_tile(&log::read_nodes(c, &j, &tile.node_ids())?),
            }))
        })
        .await
        .map_err(ApiError::from)?;
    let body = body.ok_or(ApiError::NotFound("tile"))?;
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/octet-stream"),
            (header::CACHE_CONTROL, IMMUTABLE),
        ],
        body,
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
pub struct InclusionQuery {
    pub index: u64,
    pub size: Option<u64>,
}

fn out_of_range(zh: &str, en: &str) -> ApiError {
    ApiError::bad_request("out_of_range", zh.to_owned(), en.to_owned())
}

/// The size a proof is asked against: the one named or the published checkpoint's. Only sizes
/// the published checkpoint covers are served: a tree past it is one the witnesses have not
/// vouched for (409 while it is on its way, 400 past the head).
fn proof_size(
    c: &mut dyn Conn,
    j: &str,
    named: Option<u64>,
    publish: Publish,
) -> Result<u64, ApiError> {
    let published = published(c, j, publish)?.map_or(0, |p| p.0);
    let size = named.unwrap_or(published);
    if size <= published {
        return Ok(size);
    }
    Err(beyond_error(
        Beyond::of(c, j, size - 1)?,
        out_of_range("树大小超出日志当前大小", "Tree size exceeds the log's size"),
    ))
}

pub async fn inclusion_proof(
    State(state): State<AppState>,
    Path(j): Path<String>,
    Query(q): Query<InclusionQuery>,
) -> Result<Json<Value>, ApiError> {
    known_log(&state, &j)?;
    let publish = state.logs.publish();
    state
        .store
        .read(move |c| {
            let size = proof_size(c, &j, q.size, publish)?;
            if q.index >= size {
                return Err(out_of_range(
                    "条目序号必须小于树大小",
                    "index must be below the tree size",
                ));
            }
            let proof = log::inclusion_proof(c, &j, q.index, size)?;
            let root = log::root_at(c, &j, size)?;
            let leaf = log::entry(c, &j, q.index)?.map(|e| oneseal_ledger::leaf_hash(&e));
            Ok(Json(json!({
                "index": q.index,
                "size": size,
                "leaf_hash": leaf.map(|h| hash_to_base64(&h)),
                "root": hash_to_base64(&root),
                "proof": proof.iter().map(hash_to_base64).collect::<Vec<_>>(),
            })))
        })
        .await
}

#[derive(Debug, Deserialize)]
pub struct ConsistencyQuery {
    pub from: u64,
    pub to: Option<u64>,
}

pub async fn consistency_proof(
    State(state): State<AppState>,
    Path(j): Path<String>,
    Query(q): Query<ConsistencyQuery>,
) -> Result<Json<Value>, ApiError> {
    known_log(&state, &j)?;
    let publish = state.logs.publish();
    state
        .store
        .read(move |c| {
            let to = proof_size(c, &j, q.to, publish)?;
            if q.from > to {
                return Err(out_of_range(
                    "旧树大小不能大于新树大小",
                    "from must not exceed to",
                ));
            }
            let proof = log::consistency_proof(c, &j, q.from, to)?;
            Ok(Json(json!({
                "from": q.from,
                "to": to,
                "from_root": hash_to_base64(&log::root_at(c, &j, q.from)?),
                "to_root": hash_to_base64(&log::root_at(c, &j, to)?),
                "proof": proof.iter().map(hash_to_base64).collect::<Vec<_>>(),
            })))
        })
        .await
}

pub async fn get_entry(
    State(state): State<AppState>,
    Path((j, index)): Path<(String, u64)>,
) -> Result<Response, ApiError> {
    known_log(&state, &j)?;
    let publish = state.logs.publish();
    let e = state
        .store
        .read(move |c| {
            covered(c, &j, index, publish).map_err(ApiError::from)?;
            log::entry(c, &j, index).map_err(ApiError::from)
        })
        .await?;
    let e = e.ok_or(ApiError::NotFound("entry"))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], e).into_response())
}

/// A tlog-proof receipt for one entry against the latest published (cosigned) checkpoint.
pub async fn get_receipt(
    State(state): State<AppState>,
    Path((j, index)): Path<(String, u64)>,
) -> Result<Response, ApiError> {
    known_log(&state, &j)?;
    let publish = state.logs.publish();
    let receipt = state
        .store
        .read(move |c| receipt_text(c, &j, index, publish).map_err(ApiError::from))
        .await?;
    Ok(text(receipt, "public, max-age=1"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_is_the_given_answer_and_the_rest_are_conflicts_worth_retrying() {
        let missing = || ApiError::NotFound("entry");
        assert_eq!(
            beyond_error(Beyond::Missing, missing()).status(),
            StatusCode::NOT_FOUND
        );
        for b in [Beyond::NotCheckpointed, Beyond::NotCosigned] {
            assert_eq!(beyond_error(b, missing()).status(), StatusCode::CONFLICT);
        }
    }
}
