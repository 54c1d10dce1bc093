//! The public verification page (`/verify/<license id>`, the QR code's target): no sign-in, no
//! personal data; the bundle is checked server-side with the same verifier `oneseal cert verify` runs.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use oneseal_seal::Seal;
use oneseal_seal::bundle::verify_bundle;
use oneseal_store::params;
use qrcode::QrCode;
use qrcode::render::svg;

use super::{Nav, WebError, render};
use crate::AppState;
use crate::api::verify::{bundle_for, trust_file};
use crate::error::ApiError;

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
    let st = state.clone();
    let lic = license.clone();
    let page = state
        .store
        .read(move |c| {
            let row = c
                .query_one(
                    "SELECT e.case_number, e.log, e.idx, d.document, d.es_id FROM document_entries e JOIN sealed_documents d \
                     ON d.case_number = e.case_number AND d.document_kind = e.document_kind WHERE e.license_id = ?",
                    params![lic.as_str()],
                )?
                .ok_or(ApiError::NotFound("license"))?;
            let (case, log, index, es_id) = (row.text(0)?, row.text(1)?, row.u64(2)?, row.text(4)?);
            let doc: serde_json::Value = STANDARD
                .decode(row.text(3)?)
                .ok()
                .and_then(|d| serde_json::from_slice(&d).ok())
                .unwrap_or_default();
            let seal = crate::services::sealing::registry(c, &log)?.into_iter().find(|s| s.record.es_id == es_id);
            let seal_svg = seal
                .as_ref()
                .and_then(|s| STANDARD.decode(&s.record.ses_seal).ok())
                .and_then(|d| Seal::from_der(&d).ok())
                .and_then(|s| String::from_utf8(s.picture().data.as_bytes().to_vec()).ok())
                .unwrap_or_default();
            let status = oneseal_store::projection::load_licence_events(c, &lic)
                .ok()
                .and_then(|ev| oneseal_domain::licence::Licence::apply(&ev).ok())
                .map(|l| l.status);
            let (valid, verdict) = match bundle_for(c, &case, st.logs.publish()) {
                Ok(bundle) => match verify_bundle(&bundle, &trust_file(&st, c, &log)?) {
                    Ok(v) => (true, v.summary_zh()),
                    Err(e) => (false, e.reason_zh()),
                },
                Err(ApiError::Conflict { .. }) => (false, "签章记录尚未纳入已发布的检查点，请稍后刷新".to_owned()),
                Err(e) => return Err(e),
            };
            let licence_ok = status.is_none_or(|s| s == oneseal_domain::licence::LicenceStatus::Valid);
            let verdict = match status {
                Some(s) if !licence_ok => format!("证照状态：{}。{verdict}", s.name_zh()),
                _ => verdict,
            };
            Ok::<_, ApiError>((doc, seal, seal_svg, valid && licence_ok, verdict, log, index, es_id))
        })
        .await?;
    let (doc, seal, seal_svg, valid, verdict, log, index, es_id) = page;
    // The bureau's public URL, never the request's `Host:`: a printed code must lead to us.
    let qr_svg = QrCode::new(format!("{}/verify/{license}", state.net.base_url()))
        .map(|q| q.render::<svg::Color>().min_dimensions(140, 140).build())
        .unwrap_or_default();
    render(&VerifyPage {
        nav: Nav::default(),
        license_id: license,
        valid,
        verdict,
        item: doc["item"]["name"].as_str().unwrap_or_default().to_owned(),
        holder: doc["applicant"].as_str().unwrap_or_default().to_owned(),
        decision: format!(
            "{} {}",
            doc["type"].as_str().unwrap_or_default(),
            doc["decided_at"].as_str().unwrap_or_default()
        ),
        seal_name: seal.map(|s| s.record.name).unwrap_or_default(),
        es_id,
        log,
        index,
        seal_svg,
        qr_svg,
    })
}
