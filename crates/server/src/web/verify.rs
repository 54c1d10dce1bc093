//! The public verification page (`/verify/<license id>`, the QR code's target): no sign-in, no
//! personal data; the bundle is checked server-side with the same verifier `oneseal cert verify` runs.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use qrcode::QrCode;
use qrcode::render::svg;

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
    decision: String,
    seal_name: String,
    es_id: String,
    log: String,
    index: u64,
    seal_svg: String,
    qr_svg: String,
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
        decision: format!(
            "{} {}",
            doc["type"].as_str().unwrap_or_default(),
            doc["decided_at"].as_str().unwrap_or_default()
        ),
        seal_name: check.seal.map(|s| s.record.name).unwrap_or_default(),
        es_id: check.es_id,
        log: check.log,
        index: check.index,
        seal_svg: check.seal_svg,
        qr_svg,
    })
}
