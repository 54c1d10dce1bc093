//! The public verification page (`/verify/<license id>`, the QR code's target): no sign-in, no
//! personal data; the bundle is checked server-side with the same verifier `oneseal cert verify` runs.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use qrcode::QrCode;
use qrcode::render::svg;
use serde::Deserialize;

use super::{Nav, WebError, render};
use crate::AppState;
use crate::error::ApiError;
use crate::services::verification::check_licence;

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    nav: Nav,
    license_id: String,
    valid: bool,
    verdict: String,
    item: String,
    holder: String,
    /// 许可范围 as the decision sealed it (absent in decisions sealed before issue #18 item 4).
    scope: Option<String>,
    /// An organisation's address as sealed; a natural person's is never in the sealed bytes.
    address: Option<String>,
    decision: String,
    seal_name: String,
    es_id: String,
    log: String,
    index: u64,
    seal_svg: String,
    qr_svg: String,
    /// 有效 / 已注销 …: the licence's state, shown before any hash.
    status: String,
    validity: String,
}

pub async fn verify_page(
    State(state): State<AppState>,
    Path(license): Path<String>,
) -> Result<Html<String>, WebError> {
    let (logs, now, lic) = (state.logs.clone(), state.clock.now(), license.clone());
    let check = state
        .store
        .read(move |c| check_licence(c, &logs, now, &lic))
        .await
        .map_err(ApiError::from)?;
    let doc = &check.document;
    // The bureau's public URL, never the request's `Host:`: a printed code must lead to us.
    let qr_svg = QrCode::new(format!("{}/verify/{license}", state.net.base_url()))
        .map(|q| q.render::<svg::Color>().min_dimensions(140, 140).build())
        .unwrap_or_default();
    render(&VerifyPage {
        nav: Nav::default(),
        license_id: license,
        valid: check.valid,
        verdict: check.verdict,
        item: doc["item"]["name"].as_str().unwrap_or_default().to_owned(),
        holder: doc["applicant"].as_str().unwrap_or_default().to_owned(),
        scope: doc["scope"].as_str().map(str::to_owned),
        address: doc["address"].as_str().map(str::to_owned),
        decision: format!(
            "{} {}",
            doc["type"].as_str().unwrap_or_default(),
            doc["decided_at"].as_str().unwrap_or_default()
        ),
        status: check.status_zh.unwrap_or("—").to_owned(),
        validity: match (&check.valid_from, &check.valid_until) {
            (Some(f), Some(u)) => format!("{f} 至 {u}"),
            (None, Some(u)) => format!("至 {u}"),
            _ => "—".to_owned(),
        },
        seal_name: check.seal.map(|s| s.record.name).unwrap_or_default(),
        es_id: check.es_id,
        log: check.log,
        index: check.index,
        seal_svg: check.seal_svg,
        qr_svg,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct Lookup {
    #[serde(default)]
    id: Option<String>,
}

/// `GET /verify?id=`: the home page's form; goes to the licence's own page (the QR code's
/// address), or back to the form when nothing was typed.
pub async fn verify_lookup(Query(l): Query<Lookup>) -> Response {
    let id: String =
        l.id.unwrap_or_default()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
    if id.is_empty() {
        return Redirect::to("/#verify").into_response();
    }
    Redirect::to(&format!("/verify/{}", super::i18n::encode(&id))).into_response()
}
