//! The applicant's side over HTTP (issue #19 items 3–4): sign-in with a one-time code, the
//! demo's outbox, online applications (drafts, files, submission, "my applications",
//! supplements, withdrawal, documents) and the clerk's receipt of them. Applicant routes take
//! [`ApplicantAuth`] (the applicant cookie), never staff's `Auth`.

use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use oneseal_domain::access::Action;
use oneseal_domain::org::DivisionCode;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::api::cases::IntakeBody;
use crate::edge::applicant::{
    ApplicantAuth, applicant_cookie, applicant_cookie_name, clear_applicant_cookie,
};
use crate::edge::auth::{Auth, ClientAddr, cookie_value};
use crate::edge::json::ApiJson;
use crate::error::ApiError;
use crate::services::applicant_identity::{
    self as identity, IdentityError, Issue, MAX_PER_ADDRESS_HOUR,
};
use crate::services::materials::MaterialError;
use crate::services::online::{self, Desk, Sent};
use crate::services::printing::{Copy, print};

/// The jurisdiction an application names none of goes to: the demo city (as the guides).
const DEFAULT_JURISDICTION: &str = "370100";

#[derive(Debug, Deserialize)]
pub struct OtpBody {
    pub phone: String,
}

/// `POST /api/v1/applicant/otp`: sends a one-time code to a mobile number.
pub async fn send_code(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    ApiJson(body): ApiJson<OtpBody>,
) -> Result<Json<Value>, ApiError> {
    let phone = identity::parse_mobile(&body.phone)?;
    let now = state.clock.now().unix_timestamp();
    state
        .code_requests
        .admit(client, now, MAX_PER_ADDRESS_HOUR)
        .map_err(|retry_after| IdentityError::TooManyCodes { retry_after })?;
    let secrets = state.case_secrets()?;
    let expires_in = identity::issue_code(
        Issue {
            store: &state.store,
            secrets: &secrets,
            sender: state.code_sender.as_ref(),
            now,
        },
        &phone,
    )
    .await?;
    Ok(Json(json!({
        "sent_to": phone.masked(),
        "expires_in": expires_in,
        "resend_after": identity::RESEND_SECONDS,
    })))
}

#[derive(Debug, Deserialize)]
pub struct SignInBody {
    pub phone: String,
    pub code: String,
}

/// `POST /api/v1/applicant/session`: signs in with the code; sets the applicant cookie and
/// answers the CSRF token, as staff sign-in does.
pub async fn sign_in(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<SignInBody>,
) -> Result<Response, ApiError> {
    let phone = identity::parse_mobile(&body.phone)?;
    let secrets = state.case_secrets()?;
    let now = state.clock.now().unix_timestamp();
    let s = identity::sign_in(&state.store, &secrets, &phone, body.code.trim(), now).await?;
    Ok((
        [(header::SET_COOKIE, applicant_cookie(&state.net, &s.token))],
        Json(json!({ "csrf": s.csrf, "label": s.label })),
    )
        .into_response())
}

/// `DELETE /api/v1/applicant/session`.
pub async fn sign_out(
    State(state): State<AppState>,
    _who: ApplicantAuth,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(token) = cookie_value(&headers, applicant_cookie_name(&state.net)) {
        state
            .store
            .write(move |tx| identity::end_session(tx.conn(), &token))
            .await?;
    }
    Ok((
        [(header::SET_COOKIE, clear_applicant_cookie(&state.net))],
        Json(json!({ "signed_out": true })),
    )
        .into_response())
}

/// `GET /api/v1/applicant/me`.
pub async fn me(ApplicantAuth(a): ApplicantAuth) -> Json<Value> {
    Json(json!({ "label": a.label, "csrf": a.csrf }))
}

#[derive(Debug, Deserialize)]
pub struct OutboxQuery {
    #[serde(default)]
    pub phone: Option<String>,
}

/// `GET /api/v1/demo/outbox`: the codes the demo "sent" (404 unless serving `--demo`).
pub async fn demo_outbox(
    State(state): State<AppState>,
    Query(q): Query<OutboxQuery>,
) -> Result<Json<Value>, ApiError> {
    let outbox = state
        .demo_outbox
        .clone()
        .ok_or(ApiError::NotFound("outbox"))?;
    let to = q.phone.as_deref().map(identity::parse_mobile).transpose()?;
    Ok(Json(json!({ "messages": outbox.messages(to.as_ref()) })))
}

/// An application's body: the staff intake body, plus where it goes and whether it is a draft.
fn sent(body: Value) -> Result<(Sent, bool), ApiError> {
    let jurisdiction = body["jurisdiction"]
        .as_str()
        .unwrap_or(DEFAULT_JURISDICTION)
        .to_owned();
    let jurisdiction = DivisionCode::parse(&jurisdiction).map_err(|_| ApiError::BadRequest {
        code: "bad_jurisdiction",
        zh: "办理地（jurisdiction）应为行政区划代码".into(),
        en: "jurisdiction must be a division code".into(),
        details: Some(json!({ "field": "jurisdiction" })),
    })?;
    let draft = body["draft"].as_bool().unwrap_or(false);
    // A "one thing" application names its bundle instead of an item (issue #20 item 2).
    let bundle = match &body["bundle"] {
        Value::Null => None,
        Value::String(code) if !code.trim().is_empty() && code.len() <= 64 => {
            Some(code.trim().to_owned())
        }
        _ => {
            return Err(ApiError::BadRequest {
                code: "bad_bundle",
                zh: "“一件事”代码（bundle）应为 1–64 个字符".into(),
                en: "bundle must be a bundle's code (1–64 characters)".into(),
                details: Some(json!({ "field": "bundle" })),
            });
        }
    };
    let intake: IntakeBody = serde_json::from_value(body.clone())
        .map_err(|e| ApiError::bad_request("invalid_body", "申请内容格式无效", e.to_string()))?;
    let mut kept = body;
    if let Some(m) = kept.as_object_mut() {
        m.remove("draft");
        m.insert("jurisdiction".into(), jurisdiction.as_str().into());
    }
    Ok((
        Sent {
            jurisdiction,
            body: kept,
            input: intake.into_input(),
            bundle,
        },
        !draft,
    ))
}

fn answer(row: &oneseal_store::online_applications::OnlineRow) -> Json<Value> {
    Json(json!({
        "id": row.id,
        "status": row.status,
        "submitted_at": row.submitted_at,
        "case_number": row.case_number,
    }))
}

/// `POST /api/v1/applicant/applications`: a new application, submitted (`channel: online`,
/// received when submitted) unless `"draft": true`.
pub async fn create_application(
    State(state): State<AppState>,
    ApplicantAuth(a): ApplicantAuth,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, ApiError> {
    let (sent, submit) = sent(body)?;
    let row = online::save(
        &state.store,
        a.subject,
        None,
        sent,
        submit,
        state.clock.now(),
    )
    .await?;
    Ok(answer(&row))
}

/// `PUT /api/v1/applicant/applications/{id}`: saves or submits the applicant's own draft.
pub async fn update_application(
    State(state): State<AppState>,
    ApplicantAuth(a): ApplicantAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, ApiError> {
    let (sent, submit) = sent(body)?;
    let row = online::save(
        &state.store,
        a.subject,
        Some(id),
        sent,
        submit,
        state.clock.now(),
    )
    .await?;
    Ok(answer(&row))
}

/// `GET /api/v1/applicant/applications`: my applications.
pub async fn list_applications(
    State(state): State<AppState>,
    ApplicantAuth(a): ApplicantAuth,
) -> Result<Json<Value>, ApiError> {
    let mine = online::mine(
        &state.store,
        a.subject,
        state.calendar.current(),
        state.clock.now(),
    )
    .await?;
    Ok(Json(json!({ "applications": mine })))
}

/// `POST /api/v1/applicant/applications/{id}/withdraw`.
pub async fn withdraw_application(
    State(state): State<AppState>,
    ApplicantAuth(a): ApplicantAuth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let row = online::withdraw(&state.store, a.subject, id, state.clock.now()).await?;
    Ok(answer(&row))
}

#[derive(Debug, Deserialize)]
pub struct MaterialItem {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub sha256: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct SupplementBody {
    pub materials: Vec<MaterialItem>,
    /// A "one thing" application's case whose notice or 容缺 list the files answer (its first
    /// case when absent).
    #[serde(default)]
    pub case_number: Option<String>,
}

/// `POST /api/v1/applicant/applications/{id}/supplement`: files answering a one-time notice
/// or bringing 容缺 materials, for the application's case (`case_number`: a "one thing"
/// application's case).
pub async fn send_supplement(
    State(state): State<AppState>,
    ApplicantAuth(a): ApplicantAuth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SupplementBody>,
) -> Result<Json<Value>, ApiError> {
    let materials = body
        .materials
        .into_iter()
        .map(|m| (m.name.unwrap_or_default(), m.sha256.unwrap_or_default()))
        .collect();
    let row = online::send_supplement(
        &state.store,
        a.subject,
        id,
        body.case_number.clone(),
        materials,
        state.clock.now(),
    )
    .await?;
    Ok(Json(json!({
        "id": row.id,
        "case_number": body.case_number.filter(|c| !c.trim().is_empty()).or(row.case_number),
        "supplement_sent": row.supplement.is_some(),
    })))
}

#[derive(Debug, Deserialize)]
pub struct DocumentQuery {
    /// Another case of a "one thing" application (its first case when absent).
    #[serde(default)]
    pub case: Option<String>,
}

/// `GET /api/v1/applicant/applications/{id}/documents/{kind}[?case=]`: a document of the
/// applicant's own case as PDF.
pub async fn get_document(
    State(state): State<AppState>,
    ApplicantAuth(a): ApplicantAuth,
    Path((id, kind)): Path<(String, String)>,
    Query(q): Query<DocumentQuery>,
) -> Result<Response, ApiError> {
    let number = online::own_case(&state.store, a.subject, id, q.case).await?;
    let base = state.net.base_url().to_owned();
    let printed = state
        .store
        .read(move |c| print(c, &number, &kind, &base, &Copy::Staff))
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{}.pdf\"", printed.kind),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        printed.pdf,
    )
        .into_response())
}

/// The upload route with the material store's body limit (merged outside the 8 MiB one).
pub fn upload_routes(max_request: usize) -> Router<AppState> {
    Router::new().route(
        "/api/v1/applicant/files",
        post(upload_file).layer(DefaultBodyLimit::max(max_request)),
    )
}

/// `POST /api/v1/applicant/files` (multipart `file` and `name`): a file into the material
/// store, the applicant's to name in an application or a supplement.
pub async fn upload_file(
    State(state): State<AppState>,
    ApplicantAuth(a): ApplicantAuth,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Json<Value>, ApiError> {
    let materials = state
        .materials
        .clone()
        .ok_or(MaterialError::NotConfigured)?;
    let max = materials.limits.max_file;
    let too_large = |e: &axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            MaterialError::FileTooLarge { max }
        } else {
            MaterialError::BadUpload(e.body_text())
        }
    };
    let mut multipart = multipart.map_err(|e| MaterialError::BadUpload(e.body_text()))?;
    let (mut name, mut file) = (None::<String>, None::<Vec<u8>>);
    while let Some(mut field) = multipart.next_field().await.map_err(|e| too_large(&e))? {
        match field.name() {
            Some("name") if name.is_none() => {
                let mut text = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|e| too_large(&e))? {
                    text.extend_from_slice(&chunk);
                    if text.len() > 4 * oneseal_domain::material::MATERIAL_NAME_MAX {
                        return Err(MaterialError::BadName.into());
                    }
                }
                name = Some(String::from_utf8(text).map_err(|_| MaterialError::BadName)?);
            }
            Some("file") if file.is_none() => {
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|e| too_large(&e))? {
                    if (bytes.len() + chunk.len()) as u64 > max {
                        return Err(MaterialError::FileTooLarge { max }.into());
                    }
                    bytes.extend_from_slice(&chunk);
                }
                file = Some(bytes);
            }
            other => {
                return Err(MaterialError::BadUpload(format!(
                    "unexpected field {:?} (one file and one name per request)",
                    other.unwrap_or_default()
                ))
                .into());
            }
        }
    }
    let file = file.ok_or(MaterialError::MissingFile)?;
    let name = name.ok_or(MaterialError::BadName)?;
    let f = online::upload(
        &state.store,
        &materials,
        a.subject,
        &name,
        file,
        state.clock.now(),
    )
    .await?;
    Ok(Json(json!({
        "sha256": f.sha256,
        "name": f.name,
        "media_type": f.media_type,
        "size": f.size,
    })))
}

/// `GET /api/v1/online-applications`: what waits for the clerk's receipt in their
/// jurisdiction (submissions to register, supplements to record).
pub async fn list_waiting(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::IntakeCase)?;
    let waiting = online::waiting(&state.store, auth.principal.jurisdiction.clone()).await?;
    Ok(Json(json!({ "applications": waiting })))
}

/// `POST /api/v1/online-applications/{id}/receive`: the clerk receives a submission (a case
/// received at its submission time, Art. 33) or a supplement sent online.
pub async fn receive_application(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::IntakeCase)?;
    let who = auth.acting(&state, auth.principal.jurisdiction.clone())?;
    let desk = Desk {
        store: &state.store,
        materials: state.materials.as_deref(),
        seals: &state.seal_keys,
    };
    let received = online::receive(desk, who, id, |body| {
        serde_json::from_value::<IntakeBody>(body.clone())
            .unwrap_or_default()
            .into_input()
    })
    .await?;
    Ok(Json(
        serde_json::to_value(received).map_err(|e| ApiError::Internal(e.to_string()))?,
    ))
}
