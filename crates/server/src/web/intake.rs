//! The intake page (窗口收件): a plain HTML form that works without script.
//!
//! Why a server-rendered form rather than script posting JSON: a rejected application must come
//! back with everything the clerk typed still there and each problem written beside its field,
//! in the page's language; and a double click must not register two cases. So the form posts
//! to the server, which re-renders it on field errors (`services::cases::prepare`), and carries
//! a hidden one-time token that is the intake's idempotency key: the second click of a double
//! click answers the first one's receipt (`services::cases::register_once`).
//!
//! The item picker is a text box with a `<datalist>` of the bureau's licensing items (about
//! 200): the browser filters it as the clerk types a part of the name or code, and nothing is
//! chosen until the clerk chooses. What is typed is resolved here: `名称（编码）` as the list
//! offers it, a bare code, or a name or part of a name that only one item has; a part that
//! several items share comes back as a field error listing them.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use oneseal_domain::access::Action;
use oneseal_domain::case::{ApplicantInput, FieldError, IntakeField, IntakeInput};

use super::{Nav, WebError, render};
use crate::AppState;
use crate::edge::auth::{Auth, MaybeAuth, csrf_matches};
use crate::error::ApiError;
use crate::services::cases::{CaseServiceError, IntakeReceipt, register_once};
use crate::services::catalog::{ItemQuery, search_items};
use crate::services::idempotency::{IdempotencyError, IdempotencyKey};

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
        IntakeField::MaterialName(_) | IntakeField::MaterialDigest(_) => "materials",
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

/// `POST /cases/new`: registers the application, or shows the form again with its errors.
pub async fn case_new_submit(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let auth = auth.ok_or(ApiError::Unauthenticated)?;
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
        ..IntakeForm::default()
    };
    let token = field(&pairs, "token").to_owned();
    let key = IdempotencyKey::parse(&token).map_err(ApiError::from)?;
    let picked = resolve_item(&form.item, &items);
    let (item_code, several) = match picked {
        Picked::Code(c) => (c, None),
        Picked::Several(labels) => (String::new(), Some(labels)),
    };
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
        },
        materials: names
            .zip(digests)
            .map(|((_, n), (_, d))| (n.clone(), d.clone()))
            .collect(),
    };
    let who = auth.acting(&state, auth.principal.jurisdiction.clone())?;
    // The hall's form registers what arrives at the window: received now (Art. 33's submission
    // time comes from the platform, through the API).
    match register_once(&state.store, who, input, false, Some(key), None).await {
        Ok(receipt) => Ok(receipt_page(nav, &receipt)?.into_response()),
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

fn receipt_page(nav: Nav, r: &IntakeReceipt) -> Result<Html<String>, WebError> {
    render(&ReceiptPage {
        nav,
        case_number: r.case_number.to_string(),
        query_code: r.query_code.grouped(),
        replayed: r.replayed,
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
            IntakeField::MaterialName(0),
        ] {
            assert!(!input_of(f).is_empty());
        }
    }
}
