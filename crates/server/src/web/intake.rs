//! The intake page (窗口收件): a plain HTML form that works without script.
//!
//! Why a server-rendered form rather than script posting JSON: a rejected application must come
//! back with everything the clerk typed still there and each problem written beside its field,
//! in the page's language; and a double click must not register two cases. So the form posts
//! to the server, which re-renders it on field errors (`services::cases::prepare`), and carries
//! a hidden one-time token that is the intake's idempotency key: the second click of a double
//! click answers the first one's receipt (`services::cases::register_once`).
//!
//! The files chosen on the form are posted with it (multipart) and kept in the material store
//! at intake, with the same checks as `POST /api/v1/cases/{n}/materials`
//! (`services::materials`): each is checked before the application is registered (a wrong
//! type or size comes back beside the field, and nothing is registered), registered by its
//! SHA-256, then stored under the new case, so the clerk does not upload it a second time.
//!
//! The item picker is a text box with a `<datalist>` of the bureau's licensing items (about
//! 200): the browser filters it as the clerk types a part of the name or code, and nothing is
//! chosen until the clerk chooses. What is typed is resolved here: `名称（编码）` as the list
//! offers it, a bare code, or a name or part of a name that only one item has; a part that
//! several items share comes back as a field error listing them.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use oneseal_domain::access::Action;
use oneseal_domain::case::{
    ApplicantInput, FieldError, IntakeField, IntakeInput, RepresentationInput,
};

use super::{Nav, WebError, render};
use crate::AppState;
use crate::edge::auth::{Auth, MaybeAuth, csrf_matches};
use crate::error::ApiError;
use crate::services::cases::{CaseServiceError, IntakeReceipt, register_once};
use crate::services::catalog::{ItemQuery, search_items};
use crate::services::idempotency::{IdempotencyError, IdempotencyKey};
use crate::services::materials::{MaterialLimits, check_file, store_material};

/// Longest text field the form may send (bytes): the longest input's `maxlength` is 200
/// characters; a token, a digest or a CSRF token is shorter.
const TEXT_FIELD_MAX: usize = 4 << 10;
/// Most text fields one form may send (its inputs, and hidden digests of files hashed by
/// earlier pages' script).
const TEXT_FIELDS_MAX: usize = 200;

/// `POST /cases/new` with a body limit of its own: the files chosen may together reach the
/// case's material limit, beyond the 8 MiB every other route has.
pub fn submit_routes(limits: MaterialLimits) -> Router<AppState> {
    let max = usize::try_from(limits.max_case)
        .unwrap_or(usize::MAX)
        .saturating_add(64 << 10);
    Router::new()
        .route(
            "/cases/new",
            axum::routing::post(case_new_submit).layer(DefaultBodyLimit::max(max)),
        )
        // The visitor's language, as every page has it (`web::routes`).
        .layer(axum::middleware::from_fn(super::i18n::scope))
}

/// Most candidates named when a typed item name fits several items.
const MAX_CANDIDATES: usize = 8;

/// One item of the picker.
pub struct ItemChoice {
    code: String,
    name: String,
}

impl ItemChoice {
    /// How the picker shows and sends it: `名称（编码）`.
    fn label(&self) -> String {
        format!("{}（{}）", self.name, self.code)
    }
}

/// What the form shows: the values as typed, and the errors beside their inputs.
#[derive(Default)]
pub struct IntakeForm {
    item: String,
    channel: String,
    applicant_type: String,
    applicant_name: String,
    applicant_code: String,
    applicant_phone: String,
    /// 住所 / 经营场所 (optional).
    applicant_address: String,
    /// The applicant signs the item's 告知承诺 (issue #19 item 5).
    commitment: bool,
    /// 本人办理 (empty), 委托代理 (`agent`) or 帮办代办 (`on_behalf`); issue #19 item 3.
    representation: String,
    agent_name: String,
    agent_id_number: String,
    /// How the applicant consented to 帮办代办.
    consent: String,
    /// The problems in form order.
    errors: Vec<FormError>,
    /// A problem with the submission as a whole (a reused token).
    notice: Option<String>,
}

/// One problem as the page shows it: beside its input, the reason alone (the label is right
/// above it); in the summary at the top, with the field's label.
pub struct FormError {
    input: &'static str,
    beside: String,
    summary: String,
}

impl IntakeForm {
    /// The message beside the input `name`, if it has one.
    pub fn error(&self, name: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.input == name)
            .map(|e| e.beside.as_str())
    }

    pub fn is_selected(&self, input: &str, value: &str) -> bool {
        match input {
            "channel" => self.channel == value,
            "representation" => self.representation == value,
            "consent" => self.consent == value,
            _ => self.applicant_type == value,
        }
    }
}

#[derive(Template)]
#[template(path = "case_new.html")]
struct CaseNewPage {
    nav: Nav,
    items: Vec<ItemChoice>,
    form: IntakeForm,
    /// The one-time token (idempotency key) of this filling of the form.
    token: String,
}

#[derive(Template)]
#[template(path = "case_receipt.html")]
struct ReceiptPage {
    nav: Nav,
    case_number: String,
    query_code: String,
    replayed: bool,
    /// How many chosen files were kept in the material store.
    stored: usize,
    /// The names of chosen files the store could not keep (to upload on the case page).
    unstored: Vec<String>,
}

/// A file chosen on the form, as posted.
struct Chosen {
    name: String,
    bytes: Vec<u8>,
    /// Posted in the `authorisation` input: the agent's 授权委托书, not an item material.
    authorisation: bool,
}

/// What the form posted: its text fields in order, its files, and a problem with the files
/// found while reading (too large, unreadable), to show beside the files' input.
struct Posted {
    pairs: Vec<(String, String)>,
    files: Vec<Chosen>,
    problem: Option<ApiError>,
}

/// Reads the multipart form: text fields (bounded), and the files of the `files` input, each at
/// most the per-file limit and all together at most the case's. An empty file input (no file
/// chosen) sends one nameless empty part, which is skipped.
async fn read_form(mut multipart: Multipart, limits: MaterialLimits) -> Result<Posted, ApiError> {
    use crate::services::materials::MaterialError;
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            // The body passed the route's limit: the files together exceed the case's.
            ApiError::from(MaterialError::CaseFull {
                max: limits.max_case,
                used: 0,
            })
        } else {
            ApiError::from(MaterialError::BadUpload(e.body_text()))
        }
    };
    let mut posted = Posted {
        pairs: Vec::new(),
        files: Vec::new(),
        problem: None,
    };
    let mut total = 0u64;
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "files" || name == "authorisation" {
            let authorisation = name == "authorisation";
            let file_name = if authorisation {
                oneseal_domain::case::AUTHORISATION_MATERIAL.to_owned()
            } else {
                field.file_name().unwrap_or_default().to_owned()
            };
            let given = !field.file_name().unwrap_or_default().is_empty();
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                total += chunk.len() as u64;
                if (bytes.len() + chunk.len()) as u64 > limits.max_file {
                    posted.problem = Some(
                        MaterialError::FileTooLarge {
                            max: limits.max_file,
                        }
                        .into(),
                    );
                    return Ok(posted);
                }
                if total > limits.max_case {
                    posted.problem = Some(
                        MaterialError::CaseFull {
                            max: limits.max_case,
                            used: 0,
                        }
                        .into(),
                    );
                    return Ok(posted);
                }
                bytes.extend_from_slice(&chunk);
            }
            if given || !bytes.is_empty() {
                posted.files.push(Chosen {
                    name: file_name,
                    bytes,
                    authorisation,
                });
            }
            continue;
        }
        if posted.pairs.len() >= TEXT_FIELDS_MAX {
            return Err(MaterialError::BadUpload("too many fields".into()).into());
        }
        let mut text = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(bad)? {
            text.extend_from_slice(&chunk);
            if text.len() > TEXT_FIELD_MAX {
                return Err(MaterialError::BadUpload(format!("field {name} too long")).into());
            }
        }
        let text = String::from_utf8(text)
            .map_err(|_| MaterialError::BadUpload(format!("field {name} is not UTF-8")))?;
        posted.pairs.push((name, text));
    }
    Ok(posted)
}

/// A file's problem as the form shows it beside the files' input: which file, and why.
fn file_error(nav: &Nav, file: Option<&str>, e: &ApiError) -> FormError {
    let (_, zh, en) = e.parts();
    let reason = if nav.english() { en } else { zh };
    let beside = match file {
        Some(f) => format!("{f}：{reason}"),
        None => reason,
    };
    FormError {
        input: "materials",
        summary: format!("{}{beside}", nav.t("申请材料：")),
        beside,
    }
}

/// The input a field's problem is shown beside.
fn input_of(field: IntakeField) -> &'static str {
    match field {
        IntakeField::Item => "item",
        IntakeField::Channel => "channel",
        IntakeField::ApplicantType => "applicant_type",
        IntakeField::ApplicantName => "applicant_name",
        IntakeField::IdNumber | IntakeField::Uscc => "applicant_code",
        IntakeField::Phone | IntakeField::ContactPhone => "applicant_phone",
        IntakeField::Address => "applicant_address",
        IntakeField::MaterialName(_) | IntakeField::MaterialDigest(_) => "materials",
        IntakeField::RepresentationKind => "representation",
        IntakeField::AgentName => "agent_name",
        IntakeField::AgentIdNumber => "agent_id_number",
        IntakeField::Authorisation => "authorisation",
        IntakeField::Consent => "consent",
        IntakeField::Commitment(_) => "commitment",
    }
}

fn form_error(nav: &Nav, e: &FieldError) -> FormError {
    let (beside, summary) = if nav.english() {
        (e.message_en.clone(), e.message_en.clone())
    } else {
        (e.message_zh.clone(), e.labelled_zh())
    };
    FormError {
        input: input_of(e.field),
        beside,
        summary,
    }
}

/// A fresh one-time token: 128 random bits.
fn new_token() -> Result<String, ApiError> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(format!("form-{}", hex::encode(b)))
}

async fn licensing_items(state: &AppState, auth: &Auth) -> Result<Vec<ItemChoice>, ApiError> {
    let j = auth.principal.jurisdiction.clone();
    let page = state
        .store
        .read(move |c| {
            let q = ItemQuery {
                category: Some("licensing".into()),
                per_page: Some(500),
                ..ItemQuery::default()
            };
            search_items(c, &j, &q).map_err(ApiError::from)
        })
        .await?;
    Ok(page
        .items
        .iter()
        .map(|i| ItemChoice {
            code: i.basic_code.as_str().to_owned(),
            name: i.name.clone(),
        })
        .collect())
}

pub async fn case_new_page(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Html<String>, WebError> {
    auth.require_here(Action::IntakeCase)?;
    let items = licensing_items(&state, &auth).await?;
    render(&CaseNewPage {
        nav: Nav::from_auth(Some(&auth)),
        items,
        form: IntakeForm {
            channel: "window".into(),
            ..IntakeForm::default()
        },
        token: new_token()?,
    })
}

/// What the picker's text names: the item's code, or the problem with it.
enum Picked {
    Code(String),
    /// Several items fit; their labels.
    Several(Vec<String>),
}

fn resolve_item(typed: &str, items: &[ItemChoice]) -> Picked {
    let t = typed.trim();
    if let Some(code) = t
        .strip_suffix('）')
        .and_then(|r| r.rsplit_once('（'))
        .or_else(|| t.strip_suffix(')').and_then(|r| r.rsplit_once('(')))
        .map(|(_, code)| code.trim())
    {
        return Picked::Code(code.to_owned());
    }
    if t.is_empty() || t.chars().all(|c| c.is_ascii_digit()) {
        return Picked::Code(t.to_owned());
    }
    if let Some(exact) = items.iter().find(|i| i.name == t) {
        return Picked::Code(exact.code.clone());
    }
    let fits: Vec<&ItemChoice> = items.iter().filter(|i| i.name.contains(t)).collect();
    match fits.as_slice() {
        [one] => Picked::Code(one.code.clone()),
        [] => Picked::Code(t.to_owned()),
        many => Picked::Several(
            many.iter()
                .take(MAX_CANDIDATES)
                .map(|i| i.label())
                .collect(),
        ),
    }
}

fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// `POST /cases/new`: registers the application and keeps its files, or shows the form again
/// with its errors.
pub async fn case_new_submit(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    request: axum::extract::Request,
) -> Result<Response, WebError> {
    use axum::extract::FromRequest;
    let auth = auth.ok_or(ApiError::Unauthenticated)?;
    let limits = state
        .materials
        .as_ref()
        .map_or_else(MaterialLimits::default, |m| m.limits);
    let multipart_body = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    // The page posts multipart (with its files); a client of the form without files may post
    // it url-encoded, as the form did before files were kept.
    let Posted {
        pairs,
        files,
        problem,
    } = if multipart_body {
        let multipart = Multipart::from_request(request, &state)
            .await
            .map_err(|e| {
                ApiError::from(crate::services::materials::MaterialError::BadUpload(
                    e.body_text(),
                ))
            })?;
        read_form(multipart, limits).await?
    } else {
        // Without files, the limit every other route has.
        let (parts, body) = request.into_parts();
        let bytes = axum::body::to_bytes(body, crate::edge::MAX_BODY_BYTES)
            .await
            .map_err(|_| {
                ApiError::bad_request(
                    "bad_form",
                    "表单内容过长或无效",
                    "The form is too long or unreadable",
                )
            })?;
        let request = axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes));
        let axum::Form(pairs) = axum::Form::<Vec<(String, String)>>::from_request(request, &state)
            .await
            .map_err(|e| ApiError::bad_request("bad_form", "表单内容无效", e.body_text()))?;
        Posted {
            pairs,
            files: Vec::new(),
            problem: None,
        }
    };
    // A plain form cannot send the X-CSRF-Token header: the token comes as a field instead.
    if !csrf_matches(Some(field(&pairs, "csrf").as_bytes()), auth.csrf.as_deref()) {
        return Err(ApiError::Csrf.into());
    }
    auth.require_here(Action::IntakeCase)?;
    let nav = Nav::from_auth(Some(&auth));
    let items = licensing_items(&state, &auth).await?;
    let mut form = IntakeForm {
        item: field(&pairs, "item").to_owned(),
        channel: field(&pairs, "channel").to_owned(),
        applicant_type: field(&pairs, "applicant_type").to_owned(),
        applicant_name: field(&pairs, "applicant_name").to_owned(),
        applicant_code: field(&pairs, "applicant_code").to_owned(),
        applicant_phone: field(&pairs, "applicant_phone").to_owned(),
        applicant_address: field(&pairs, "applicant_address").to_owned(),
        commitment: field(&pairs, "commitment") == "yes",
        representation: field(&pairs, "representation").to_owned(),
        agent_name: field(&pairs, "agent_name").to_owned(),
        agent_id_number: field(&pairs, "agent_id_number").to_owned(),
        consent: field(&pairs, "consent").to_owned(),
        ..IntakeForm::default()
    };
    let token = field(&pairs, "token").to_owned();
    let key = IdempotencyKey::parse(&token).map_err(ApiError::from)?;
    let picked = resolve_item(&form.item, &items);
    let (item_code, several) = match picked {
        Picked::Code(c) => (c, None),
        Picked::Several(labels) => (String::new(), Some(labels)),
    };
    // Every chosen file is checked before anything is registered.
    let mut chosen = Vec::with_capacity(files.len());
    if let Some(e) = &problem {
        form.errors.push(file_error(&nav, None, e));
    }
    let mut authorisation = field(&pairs, "authorisation_sha256").to_owned();
    for f in &files {
        match check_file(limits, &f.name, &f.bytes) {
            Ok((_, sha)) if f.authorisation => authorisation = sha,
            Ok(checked) => chosen.push(checked),
            Err(e) => form.errors.push(file_error(&nav, Some(&f.name), &e.into())),
        }
    }
    if !form.errors.is_empty() {
        let page = CaseNewPage {
            nav,
            items,
            form,
            token,
        };
        return Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response());
    }
    // Digests of files hashed in the browser by an older page, then the files posted.
    let names = pairs.iter().filter(|(k, _)| k == "material_name");
    let digests = pairs.iter().filter(|(k, _)| k == "material_sha256");
    let input = IntakeInput {
        item_code,
        channel: form.channel.clone(),
        applicant: ApplicantInput {
            kind: form.applicant_type.clone(),
            name: form.applicant_name.clone(),
            id_number: form.applicant_code.clone(),
            uscc: form.applicant_code.clone(),
            phone: form.applicant_phone.clone(),
            address: form.applicant_address.clone(),
        },
        materials: names
            .zip(digests)
            .map(|((_, n), (_, d))| (n.clone(), d.clone()))
            .chain(chosen.iter().cloned())
            .collect(),
        // The applicant's signed 告知承诺, ticked on the form (issue #19 item 5).
        commitment: form.commitment,
        commitments: Vec::new(),
        representation: RepresentationInput {
            kind: form.representation.clone(),
            agent_name: form.agent_name.clone(),
            agent_id_number: form.agent_id_number.clone(),
            authorisation_sha256: authorisation,
            consent: form.consent.clone(),
        },
    };
    let who = auth.acting(&state, auth.principal.jurisdiction.clone())?;
    // The hall's form registers what arrives at the window: received now (Art. 33's submission
    // time comes from the platform, through the API).
    match register_once(&state.store, who, input, false, Some(key), None).await {
        Ok(receipt) => {
            let (stored, unstored) = keep_files(&state, &auth, &receipt, files).await?;
            Ok(receipt_page(nav, &receipt, stored, unstored)?.into_response())
        }
        Err(CaseServiceError::Invalid(errors)) => {
            for e in &errors {
                let mut shown = form_error(&nav, e);
                if let (Some(labels), IntakeField::Item) = (&several, e.field) {
                    shown.beside = several_text(&nav, labels);
                    shown.summary = format!("{}{}", nav.t("申请事项："), shown.beside);
                }
                form.errors.push(shown);
            }
            let page = CaseNewPage {
                nav,
                items,
                form,
                token,
            };
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
        Err(CaseServiceError::Idempotency(IdempotencyError::Reused)) => {
            // The token was spent on another application (the clerk went back and changed it):
            // say so, and hand out a fresh token so that a deliberate new one can be sent.
            form.notice = Some(nav.t(REUSED).to_owned());
            let page = CaseNewPage {
                nav,
                items,
                form,
                token: new_token()?,
            };
            Ok((StatusCode::CONFLICT, render(&page)?).into_response())
        }
        Err(e) => Err(ApiError::from(e).into()),
    }
}

const REUSED: &str =
    "这张收件单已经登记过另一份申请，本次未登记。如确为新的申请，请核对后再次提交。";

fn several_text(nav: &Nav, labels: &[String]) -> String {
    let list = labels.join("；");
    if nav.english() {
        format!("Several items fit; choose one: {list}")
    } else {
        format!("有多个事项符合，请从中选择一个：{list}")
    }
}

/// Stores the registered application's files in the material store (a replayed double click
/// stores them again, which the store answers as duplicates). A file the store cannot keep
/// leaves the case registered with its digest: the receipt names it, to upload on the case
/// page. Without a store (`serve` without one), the files were registered by digest only.
async fn keep_files(
    state: &AppState,
    auth: &Auth,
    receipt: &IntakeReceipt,
    files: Vec<Chosen>,
) -> Result<(usize, Vec<String>), ApiError> {
    let Some(materials) = state.materials.clone() else {
        return Ok((0, files.into_iter().map(|f| f.name).collect()));
    };
    let (mut stored, mut unstored) = (0, Vec::new());
    for f in files {
        let who = auth.acting(state, receipt.case_number.division().clone())?;
        let number = receipt.case_number.clone();
        match store_material(&state.store, &materials, who, number, &f.name, f.bytes).await {
            Ok(_) => stored += 1,
            Err(e) => {
                tracing::warn!(error = %e, "a material chosen at intake was not stored");
                unstored.push(f.name);
            }
        }
    }
    Ok((stored, unstored))
}

fn receipt_page(
    nav: Nav,
    r: &IntakeReceipt,
    stored: usize,
    unstored: Vec<String>,
) -> Result<Html<String>, WebError> {
    render(&ReceiptPage {
        nav,
        case_number: r.case_number.to_string(),
        query_code: r.query_code.grouped(),
        replayed: r.replayed,
        stored,
        unstored,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items() -> Vec<ItemChoice> {
        [
            ("000104002000", "食品经营许可"),
            ("000104003000", "食品生产许可"),
            ("000105001000", "药品零售企业许可"),
        ]
        .into_iter()
        .map(|(c, n)| ItemChoice {
            code: c.into(),
            name: n.into(),
        })
        .collect()
    }

    fn code(typed: &str) -> String {
        match resolve_item(typed, &items()) {
            Picked::Code(c) => c,
            Picked::Several(l) => panic!("{typed}: several {l:?}"),
        }
    }

    #[test]
    fn the_picker_resolves_labels_codes_and_unique_names() {
        assert_eq!(code("食品经营许可（000104002000）"), "000104002000");
        assert_eq!(code("食品经营许可(000104002000)"), "000104002000");
        assert_eq!(code(" 000105001000 "), "000105001000");
        assert_eq!(code("食品生产许可"), "000104003000");
        assert_eq!(code("药品"), "000105001000");
        assert_eq!(code(""), "");
        assert_eq!(
            code("烟花爆竹"),
            "烟花爆竹",
            "an unknown name is the service's to refuse"
        );
        match resolve_item("食品", &items()) {
            Picked::Several(l) => assert_eq!(
                l,
                [
                    "食品经营许可（000104002000）",
                    "食品生产许可（000104003000）"
                ]
            ),
            Picked::Code(c) => panic!("one code {c}"),
        }
    }

    #[test]
    fn every_field_has_an_input_on_the_form() {
        for f in [
            IntakeField::Item,
            IntakeField::Channel,
            IntakeField::ApplicantType,
            IntakeField::ApplicantName,
            IntakeField::IdNumber,
            IntakeField::Uscc,
            IntakeField::Phone,
            IntakeField::ContactPhone,
            IntakeField::Address,
            IntakeField::MaterialName(0),
        ] {
            assert!(!input_of(f).is_empty());
        }
    }
}
