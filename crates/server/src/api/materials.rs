//! A case's material files over HTTP: `POST /api/v1/cases/{n}/materials` (multipart `file` and
//! `name`, by a clerk of the case's jurisdiction) and `GET /api/v1/cases/{n}/materials/{sha256}`
//! (whoever may view the case).
//!
//! The upload route has a body limit of its own, the per-file limit and a little framing
//! (`MaterialLimits::max_request`), instead of the 8 MiB every other route has: a body that
//! announces more is refused before a byte is read, and one that streams more is cut off when
//! it passes the limit, so no oversized file is ever held whole.

use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use oneseal_domain::access::{Action, Target};
use oneseal_domain::case::CaseNumber;
use oneseal_domain::material::MediaType;
use serde_json::json;

use crate::AppState;
use crate::edge::auth::Auth;
use crate::error::ApiError;
use crate::services::materials::{MaterialError, Materials, fetch, store_material};

/// The upload route with its own body limit (merged outside the 8 MiB limit of the others).
pub fn upload_routes(max_request: usize) -> Router<AppState> {
    Router::new().route(
        "/api/v1/cases/{number}/materials",
        post(upload_material).layer(DefaultBodyLimit::max(max_request)),
    )
}

fn parse_number(s: &str) -> Result<CaseNumber, ApiError> {
    CaseNumber::parse(s).map_err(|e| {
        ApiError::bad_request(
            "bad_case_number",
            format!("办件编号无效：{}", e.reason_zh()),
            e.to_string(),
        )
    })
}

pub(crate) fn configured(state: &AppState) -> Result<std::sync::Arc<Materials>, MaterialError> {
    state.materials.clone().ok_or(MaterialError::NotConfigured)
}

/// A multipart error: a body cut off at the limit is the file's size, anything else a bad upload.
fn multipart_error(e: &axum::extract::multipart::MultipartError, max: u64) -> MaterialError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        MaterialError::FileTooLarge { max }
    } else {
        MaterialError::BadUpload(e.body_text())
    }
}

/// Longest `name` field read (in bytes; the name itself is checked in characters).
const NAME_FIELD_MAX: usize = 4 * oneseal_domain::material::MATERIAL_NAME_MAX;

/// One upload's `name` (if sent) and `file`, read within the per-file limit: a body that
/// announces more than any upload may be is refused unread, one that streams more is cut off.
/// Shared with a department's own files to a consultation (`api::consultation_files`).
pub(crate) async fn read_upload(
    materials: &Materials,
    headers: &HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(Option<String>, Vec<u8>), MaterialError> {
    let max = materials.limits.max_file;
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if announced.is_some_and(|n| n > materials.limits.max_request()) {
        return Err(MaterialError::FileTooLarge { max });
    }
    let mut multipart = multipart.map_err(|e| MaterialError::BadUpload(e.body_text()))?;
    let (mut name, mut file) = (None::<String>, None::<Vec<u8>>);
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| multipart_error(&e, max))?
    {
        match field.name() {
            Some("name") if name.is_none() => {
                let mut text = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|e| multipart_error(&e, max))? {
                    text.extend_from_slice(&chunk);
                    if text.len() > NAME_FIELD_MAX {
                        return Err(MaterialError::BadName);
                    }
                }
                name = Some(String::from_utf8(text).map_err(|_| MaterialError::BadName)?);
            }
            Some("file") if file.is_none() => {
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|e| multipart_error(&e, max))? {
                    if (bytes.len() + chunk.len()) as u64 > max {
                        return Err(MaterialError::FileTooLarge { max });
                    }
                    bytes.extend_from_slice(&chunk);
                }
                file = Some(bytes);
            }
            other => {
                return Err(MaterialError::BadUpload(format!(
                    "unexpected field {:?} (one file and one name per request)",
                    other.unwrap_or_default()
                )));
            }
        }
    }
    Ok((name, file.ok_or(MaterialError::MissingFile)?))
}

pub async fn upload_material(
    State(state): State<AppState>,
    auth: Auth,
    Path(number): Path<String>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, ApiError> {
    let number = parse_number(&number)?;
    auth.require(Action::IntakeCase, &Target::jurisdiction(number.division()))?;
    let materials = configured(&state)?;
    let (name, file) = read_upload(&materials, &headers, multipart).await?;
    let name = name.ok_or(MaterialError::BadName)?;
    let who = auth.acting(&state, number.division().clone())?;
    let stored = store_material(&state.store, &materials, who, number.clone(), &name, file).await?;
    let href = format!(
        "/api/v1/cases/{number}/materials/{}",
        stored.material.sha256
    );
    let mut body = serde_json::to_value(&stored).map_err(|e| ApiError::Internal(e.to_string()))?;
    body["material"]["href"] = json!(href);
    Ok(axum::Json(body).into_response())
}

/// The policy a served file runs under: nothing of it may run script or load anything; an
/// image may be shown by the page it sits in; a PDF opens in the browser's own viewer.
const FILE_CSP: &str = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; \
                        object-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'";

/// `attachment` or `inline`, with an ASCII name and the material's name in UTF-8 (RFC 6266).
fn disposition(media: MediaType, number: &CaseNumber, sha: &str, name: &str) -> String {
    let kind = if media.previews_inline() {
        "inline"
    } else {
        "attachment"
    };
    let ascii = format!("{number}-{}.{}", &sha[..12], media.extension());
    let utf8: String = format!("{name}.{}", media.extension())
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{utf8}")
}

pub async fn download_material(
    State(state): State<AppState>,
    auth: Auth,
    Path((number, sha256)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let number = parse_number(&number)?;
    auth.require(Action::ViewCases, &Target::jurisdiction(number.division()))?;
    let materials = configured(&state)?;
    let (row, media, bytes) = fetch(&state.store, &materials, &number, &sha256).await?;
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    let value = |s: &str| HeaderValue::from_str(s).map_err(|e| ApiError::Internal(e.to_string()));
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(media.mime()));
    h.insert(
        header::CONTENT_DISPOSITION,
        value(&disposition(media, &number, &row.sha256, &row.name))?,
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(FILE_CSP),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    h.insert(
        header::HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("same-origin"),
    );
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_encoded_for_the_header() {
        let n = CaseNumber::parse("37010020261102000007").unwrap();
        let d = disposition(MediaType::Ofd, &n, &"ab".repeat(32), "营业执照 \"副本\"");
        assert!(d.starts_with("attachment; filename=\"37010020261102000007-abababababab.ofd\""));
        assert!(d.contains("filename*=UTF-8''%E8%90%A5"));
        assert!(!d[d.find('*').unwrap_or(0)..].contains('"'));
        assert!(disposition(MediaType::Pdf, &n, &"ab".repeat(32), "x").starts_with("inline"));
    }
}
