//! "One thing" bundles on the web (issue #20 item 2): the public guide of a bundle
//! (`/guide/bundles/{code}`), the staff's list with the statistics per bundle (`/bundles`), the
//! combined form at the window (`/bundles/{code}/apply`, one file per material of the combined
//! list, a shared one once) and an application's page with its cases and overall status
//! (`/bundles/applications/{number}`). The views are `services::bundles`'s, as the API's are.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use oneseal_domain::access::Action;
use oneseal_domain::case::{ApplicantInput, CaseNumber, IntakeInput, legal_date};

use super::guide::Where;
use super::{Nav, WebError, render};
use crate::AppState;
use crate::edge::auth::{Auth, MaybeAuth, csrf_matches};
use crate::error::ApiError;
use crate::services::bundles::{
    self, ApplicationView, BundleError, BundleGuide, BundleReceipt, BundleStats, BundleSummary,
    application,
};
use crate::services::cases::CaseServiceError;
use crate::services::idempotency::IdempotencyKey;
use crate::services::materials::{MaterialLimits, check_file, store_material};

#[derive(Template)]
#[template(path = "bundle_guide.html")]
struct GuidePage {
    nav: Nav,
    g: BundleGuide,
}

/// `/guide/bundles/{code}`: one bundle's guide, no sign-in.
pub async fn bundle_guide_page(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(w): Query<Where>,
) -> Result<Html<String>, WebError> {
    let g = state
        .store
        .read(move |c| bundles::guide(c, w.j.as_deref(), &code))
        .await
        .map_err(ApiError::from)?;
    render(&GuidePage {
        nav: Nav::default(),
        g,
    })
}

#[derive(Template)]
#[template(path = "bundles.html")]
struct BundlesPage {
    nav: Nav,
    bundles: Vec<BundleSummary>,
    can_apply: bool,
    recent: Vec<ApplicationView>,
    stats: Vec<BundleStats>,
}

/// How many applications the staff list shows.
const RECENT: u32 = 20;

/// `/bundles`: the bundles (with the combined form for the clerk), the newest applications and
/// the statistics per bundle.
pub async fn bundles_page(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Html<String>, WebError> {
    auth.require_here(Action::ViewCases)?;
    let j = auth.principal.jurisdiction.as_str().to_owned();
    let calendar = state.calendar.current();
    let today = legal_date(state.clock.now());
    let (list, recent, stats) = state
        .store
        .read(move |c| {
            let list = bundles::public_list(c, Some(&j))?;
            let recent = bundles::recent(c, &j, RECENT, &calendar, today)?;
            let stats = bundles::stats(c, &j)?;
            Ok::<_, BundleError>((list, recent, stats))
        })
        .await
        .map_err(ApiError::from)?;
    render(&BundlesPage {
        can_apply: auth.require_here(Action::IntakeCase).is_ok(),
        nav: Nav::from_auth(Some(&auth)),
        bundles: list.bundles,
        recent,
        stats,
    })
}

#[derive(Template)]
#[template(path = "bundle_application.html")]
struct ApplicationPage {
    nav: Nav,
    a: ApplicationView,
}

/// `/bundles/applications/{number}`: an application (by its number or a case's).
pub async fn application_page(
    State(state): State<AppState>,
    auth: Auth,
    Path(number): Path<String>,
) -> Result<Html<String>, WebError> {
    let number =
        CaseNumber::parse(&number).map_err(|_| ApiError::NotFound("bundle application"))?;
    auth.require(
        Action::ViewCases,
        &oneseal_domain::access::Target::jurisdiction(number.division()),
    )?;
    let calendar = state.calendar.current();
    let today = legal_date(state.clock.now());
    let a = state
        .store
        .read(move |c| application::find_application(c, number.as_str(), &calendar, today))
        .await
        .map_err(ApiError::from)?;
    render(&ApplicationPage {
        nav: Nav::from_auth(Some(&auth)),
        a,
    })
}

/// What the combined form shows again after a refusal.
#[derive(Default)]
pub struct ApplyForm {
    applicant_type: String,
    applicant_name: String,
    applicant_code: String,
    applicant_phone: String,
    /// The items whose 告知承诺 the applicant signed (ticked boxes, by basic code).
    commitments: Vec<String>,
    errors: Vec<String>,
}

impl ApplyForm {
    /// Whether the box of item `code`'s commitment was ticked.
    pub fn ticked(&self, code: &str) -> bool {
        self.commitments.iter().any(|c| c == code)
    }
}

#[derive(Template)]
#[template(path = "bundle_apply.html")]
struct ApplyPage {
    nav: Nav,
    g: BundleGuide,
    form: ApplyForm,
    token: String,
}

#[derive(Template)]
#[template(path = "bundle_receipt.html")]
struct ReceiptPage {
    nav: Nav,
    r: BundleReceipt,
    query_code: String,
    stored: usize,
}

fn new_token() -> Result<String, ApiError> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(format!("bundle-{}", hex::encode(b)))
}

async fn guide_here(state: &AppState, auth: &Auth, code: String) -> Result<BundleGuide, ApiError> {
    let j = auth.principal.jurisdiction.as_str().to_owned();
    Ok(state
        .store
        .read(move |c| bundles::guide(c, Some(&j), &code))
        .await?)
}

/// `GET /bundles/{code}/apply`: the combined form (window clerk).
pub async fn apply_page(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
) -> Result<Html<String>, WebError> {
    auth.require_here(Action::IntakeCase)?;
    let g = guide_here(&state, &auth, code).await?;
    render(&ApplyPage {
        nav: Nav::from_auth(Some(&auth)),
        g,
        form: ApplyForm::default(),
        token: new_token()?,
    })
}

/// Text fields and the files of the combined form (`file-{k}` for material k).
struct Posted {
    pairs: Vec<(String, String)>,
    files: Vec<(usize, String, Vec<u8>)>,
}

/// Most text fields the form sends.
const FIELDS_MAX: usize = 100;

async fn read(mut multipart: Multipart) -> Result<Posted, ApiError> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        ApiError::bad_request("bad_form", "表单内容过长或无效", e.body_text())
    };
    let mut posted = Posted {
        pairs: Vec::new(),
        files: Vec::new(),
    };
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        if let Some(k) = name
            .strip_prefix("file-")
            .and_then(|k| k.parse::<usize>().ok())
        {
            let file_name = field.file_name().unwrap_or_default().to_owned();
            let bytes = field.bytes().await.map_err(bad)?.to_vec();
            if !(file_name.is_empty() && bytes.is_empty()) {
                posted.files.push((k, file_name, bytes));
            }
            continue;
        }
        if posted.pairs.len() >= FIELDS_MAX {
            return Err(ApiError::bad_request(
                "bad_form",
                "表单字段过多",
                "Too many fields",
            ));
        }
        let text = field.text().await.map_err(bad)?;
        posted.pairs.push((name, text));
    }
    Ok(posted)
}

fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// `POST /bundles/{code}/apply`: registers the application (one case per item) and keeps each
/// file under every case whose item lists it, or shows the form again with its problems.
pub async fn apply_submit(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    Path(code): Path<String>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    // A plain form cannot send the X-CSRF-Token header: the token comes as a field instead.
    let auth = auth.ok_or(ApiError::Unauthenticated)?;
    let Posted { pairs, files } = read(multipart).await?;
    if !csrf_matches(Some(field(&pairs, "csrf").as_bytes()), auth.csrf.as_deref()) {
        return Err(ApiError::Csrf.into());
    }
    auth.require_here(Action::IntakeCase)?;
    let nav = Nav::from_auth(Some(&auth));
    let g = guide_here(&state, &auth, code.clone()).await?;
    let limits = state
        .materials
        .as_ref()
        .map_or_else(MaterialLimits::default, |m| m.limits);
    let mut form = ApplyForm {
        applicant_type: field(&pairs, "applicant_type").to_owned(),
        applicant_name: field(&pairs, "applicant_name").to_owned(),
        applicant_code: field(&pairs, "applicant_code").to_owned(),
        applicant_phone: field(&pairs, "applicant_phone").to_owned(),
        // One box per item under 告知承诺制, each signing that item's own text.
        commitments: pairs
            .iter()
            .filter(|(k, _)| k == "commitment")
            .map(|(_, v)| v.clone())
            .collect(),
        errors: Vec::new(),
    };
    let token = field(&pairs, "token").to_owned();
    let key = IdempotencyKey::parse(&token).map_err(ApiError::from)?;
    // Each file stands for the combined list's material k, named as the list names it.
    let mut given = Vec::new();
    let mut kept = Vec::new();
    for (k, file_name, bytes) in files {
        let Some(m) = g.materials.get(k) else {
            continue;
        };
        match check_file(limits, &file_name, &bytes) {
            Ok((_, digest)) => {
                given.push((m.name.clone(), digest));
                kept.push((m.name.clone(), bytes));
            }
            Err(e) => {
                let (_, zh, en) = ApiError::from(e).parts();
                form.errors.push(format!(
                    "{}：{}",
                    m.name,
                    if nav.english() { en } else { zh }
                ));
            }
        }
    }
    if !form.errors.is_empty() {
        let page = ApplyPage {
            nav,
            g,
            form,
            token,
        };
        return Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response());
    }
    let input = IntakeInput {
        item_code: String::new(),
        channel: "window".into(),
        applicant: ApplicantInput {
            kind: form.applicant_type.clone(),
            name: form.applicant_name.clone(),
            id_number: form.applicant_code.clone(),
            uscc: form.applicant_code.clone(),
            phone: form.applicant_phone.clone(),
            // The combined form asks no address yet (the API's body may carry one).
            address: String::new(),
        },
        materials: given,
        commitment: false,
        // 告知承诺 (issue #19 item 5): signed item by item, each on its own case.
        commitments: form.commitments.clone(),
        // The combined form asks for no agent yet (the API's body may carry one).
        representation: oneseal_domain::case::RepresentationInput::default(),
    };
    let who = auth.acting(&state, auth.principal.jurisdiction.clone())?;
    match bundles::register_once(&state.store, who, code, input, Some(key)).await {
        Ok(r) => {
            let stored = keep_files(&state, &auth, &r, &g, kept).await?;
            let query_code = r.query_code.grouped();
            Ok(render(&ReceiptPage {
                nav,
                r,
                query_code,
                stored,
            })?
            .into_response())
        }
        Err(BundleError::Case(CaseServiceError::Invalid(errors))) => {
            form.errors = errors
                .iter()
                .map(|e| {
                    if nav.english() {
                        e.message_en.clone()
                    } else {
                        e.labelled_zh()
                    }
                })
                .collect();
            let page = ApplyPage {
                nav,
                g,
                form,
                token,
            };
            Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response())
        }
        Err(e) => Err(ApiError::from(e).into()),
    }
}

/// Stores each file under every case whose item lists its material. A file the store cannot
/// keep leaves the case with its digest (to upload on the case page).
async fn keep_files(
    state: &AppState,
    auth: &Auth,
    r: &BundleReceipt,
    g: &BundleGuide,
    kept: Vec<(String, Vec<u8>)>,
) -> Result<usize, ApiError> {
    let Some(materials) = state.materials.clone() else {
        return Ok(0);
    };
    let mut stored = 0;
    for (name, bytes) in kept {
        let users = g
            .materials
            .iter()
            .find(|m| m.name == name)
            .map(|m| m.items.clone())
            .unwrap_or_default();
        for case in r.cases.iter().filter(|c| users.contains(&c.item_name)) {
            let who = auth.acting(state, case.case_number.division().clone())?;
            match store_material(
                &state.store,
                &materials,
                who,
                case.case_number.clone(),
                &name,
                bytes.clone(),
            )
            .await
            {
                Ok(_) => stored += 1,
                Err(e) => tracing::warn!(error = %e, "a bundle material was not stored"),
            }
        }
    }
    Ok(stored)
}
