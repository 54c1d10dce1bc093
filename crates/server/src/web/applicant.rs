//! The applicant's pages (issue #19 items 3–4): `/my` signs in with a one-time code, lists "my
//! applications" (status, deadlines, the open notice's items, documents) and, with
//! `?item=<code>`, shows the application form built from the item's materials checklist. The
//! page renders the applicant's own data only, from the applicant cookie (never staff's); its
//! buttons call the JSON API through `static/my.js`. Signed in, it also shows the inbox (the
//! unread count in the header) and the rating form of each closed case not yet rated.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Html;
use serde::Deserialize;

use super::{Nav, WebError, render};
use crate::AppState;
use crate::edge::applicant::applicant_of;
use crate::error::ApiError;
use crate::services::bundles::{self, BundleGuide};
use crate::services::guide::{self, ServiceGuide};
use crate::services::inbox;
use crate::services::online::{self, MyApplication};
use oneseal_domain::rating::RatingLevel;

/// One application as the page lists it.
pub struct Row {
    pub id: String,
    pub status: String,
    pub status_zh: &'static str,
    pub item: String,
    pub case_number: String,
    pub case_status: String,
    pub promised_due: String,
    pub statutory_due: String,
    pub notice: Vec<(String, String)>,
    pub supplement_sent: bool,
    /// 容缺受理: the materials still owed, and the state in words.
    pub deferred: Vec<String>,
    pub deferral_zh: String,
    pub documents: Vec<(String, String)>,
    pub withdrawable: bool,
    /// Closed and not yet rated: the rating form shows.
    pub rateable: bool,
    pub rated: bool,
    /// 告知承诺: the commitment signed and its verification, in plain words.
    pub commitment_zh: String,
    /// A "one thing" application: the whole's status and each of its cases.
    pub bundle_zh: String,
    pub cases: Vec<CaseRow>,
}

/// One case of a "one thing" application as the page lists it.
pub struct CaseRow {
    pub case_number: String,
    /// This case's open notice, 容缺 materials owed (and the state in words), whether files
    /// sent for it await the window, and its commitment in words.
    pub notice: Vec<(String, String)>,
    pub deferred: Vec<String>,
    pub deferral_zh: String,
    pub supplement_sent: bool,
    pub commitment_zh: String,
    pub item: String,
    pub status_zh: &'static str,
    pub documents: Vec<(String, String)>,
    pub rateable: bool,
    pub rated: bool,
}

fn links(documents: &[serde_json::Value]) -> Vec<(String, String)> {
    documents
        .iter()
        .map(|d| (text(&d["title"]), text(&d["url"])))
        .collect()
}

fn text(v: &serde_json::Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// The materials a 容缺 state (`progress.deferral`) still owes.
fn owed(deferral: &serde_json::Value) -> Vec<String> {
    deferral["outstanding"]
        .as_array()
        .map(|l| l.iter().map(text).collect())
        .unwrap_or_default()
}

fn notice_lines(notice: Vec<oneseal_domain::case::NoticeItem>) -> Vec<(String, String)> {
    notice.into_iter().map(|n| (n.material, n.detail)).collect()
}

fn case_row(c: online::MyCase) -> CaseRow {
    let deferral = c.deferral.unwrap_or_default();
    CaseRow {
        documents: links(&c.documents),
        notice: notice_lines(c.notice),
        deferred: owed(&deferral),
        deferral_zh: text(&deferral["summary_zh"]),
        supplement_sent: c.supplement_sent,
        commitment_zh: c.commitment.map(|c| c.summary_zh).unwrap_or_default(),
        case_number: c.case_number,
        item: c.item_name,
        status_zh: c.status_zh,
        rateable: c.rateable,
        rated: c.rated,
    }
}

fn row(a: MyApplication) -> Row {
    let p = a.progress.unwrap_or_default();
    let whole = a.bundle.is_some();
    Row {
        withdrawable: matches!(a.status.as_str(), "draft" | "submitted"),
        rateable: a.rateable && !whole,
        rated: a.rated && !whole,
        item: text(&p["item_name"]).chars().take(200).collect::<String>(),
        case_status: text(&p["status_name"]),
        promised_due: text(&p["promised_due"]),
        statutory_due: text(&p["statutory_due"]),
        case_number: a.case_number.unwrap_or_default(),
        // A "one thing" application shows each case's notice, 容缺 list and commitment under
        // that case, answered for that case.
        notice: if whole {
            Vec::new()
        } else {
            notice_lines(a.notice)
        },
        supplement_sent: a.supplement_sent,
        deferred: if whole {
            Vec::new()
        } else {
            owed(&p["deferral"])
        },
        deferral_zh: if whole {
            String::new()
        } else {
            text(&p["deferral"]["summary_zh"])
        },
        // A "one thing" application lists its documents and ratings per case.
        documents: if a.bundle.is_some() {
            Vec::new()
        } else {
            links(&a.documents)
        },
        commitment_zh: a
            .commitment
            .filter(|_| !whole)
            .map(|c| c.summary_zh)
            .unwrap_or_default(),
        bundle_zh: a
            .bundle
            .as_ref()
            .map(|b| format!("{}：{}", b.name, b.status_zh))
            .unwrap_or_default(),
        cases: a
            .bundle
            .map(|b| b.cases.into_iter().map(case_row).collect())
            .unwrap_or_default(),
        id: a.id,
        status_zh: a.status_zh,
        status: if a.item_code.is_empty() {
            a.status
        } else {
            format!("{} · {}", a.status, a.item_code)
        },
    }
}

#[derive(Template)]
#[template(path = "my.html")]
struct MyPage {
    nav: Nav,
    /// The signed-in applicant's masked number and CSRF token.
    signed_in: Option<(String, String)>,
    rows: Vec<Row>,
    /// The form of the item (`?item=`) or "one thing" bundle (`?bundle=`) applied for.
    form: Option<ApplyForm>,
    /// The signed-in applicant's messages (`services::inbox`).
    messages: Vec<Message>,
    /// The rating levels (code, name), best first.
    levels: Vec<(&'static str, &'static str)>,
    /// Whether the unified identity service (OpenID Connect) is offered.
    oidc: bool,
}

/// A message's time as the page shows it (Beijing time).
fn when(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .map(|t| t.to_offset(oneseal_domain::case::CHINA_STANDARD_TIME))
        .ok()
        .and_then(|t| {
            t.format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute]"
            ))
            .ok()
        })
        .unwrap_or_default()
}

/// The application form: one item's, or one "one thing" bundle's (shared materials once).
pub struct ApplyForm {
    pub title: String,
    /// `data-item` or `data-bundle` and the code.
    pub attr: &'static str,
    pub code: String,
    pub jurisdiction: String,
    /// Each material (name, required).
    pub materials: Vec<(String, bool)>,
    /// 告知承诺: the text the applicant may sign instead of some proofs (items under the regime).
    pub commitment: Option<String>,
    /// A bundle's items under the regime (code, name, text): each signed on its own case.
    pub commitments: Vec<(String, String, String)>,
}

impl ApplyForm {
    fn of_item(g: ServiceGuide, commitment: Option<String>) -> Self {
        ApplyForm {
            commitment,
            commitments: Vec::new(),
            title: g.summary.name,
            attr: "data-item",
            code: g.summary.code,
            jurisdiction: g.jurisdiction,
            materials: g
                .materials
                .into_iter()
                .map(|m| (m.name, m.required))
                .collect(),
        }
    }

    fn of_bundle(g: BundleGuide) -> Self {
        ApplyForm {
            commitment: None,
            commitments: g
                .commitments
                .into_iter()
                .map(|c| (c.item_code, c.item_name, c.text))
                .collect(),
            title: g.summary.name,
            attr: "data-bundle",
            code: g.summary.code,
            jurisdiction: g.jurisdiction,
            materials: g
                .materials
                .into_iter()
                .map(|m| (m.name, m.required))
                .collect(),
        }
    }
}

/// One message as the page lists it.
pub struct Message {
    pub id: String,
    pub text: String,
    pub when: String,
    pub unread: bool,
}

#[derive(Debug, Deserialize)]
pub struct MyQuery {
    #[serde(default)]
    item: Option<String>,
    #[serde(default)]
    bundle: Option<String>,
    #[serde(default)]
    j: Option<String>,
}

/// `GET /my`.
pub async fn my_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<MyQuery>,
) -> Result<Html<String>, WebError> {
    let applicant = applicant_of(&state, &headers).await?;
    let wanted = |c: &Option<String>| c.clone().filter(|c| !c.trim().is_empty() && c.len() <= 64);
    let form = match (wanted(&q.item), wanted(&q.bundle)) {
        (Some(code), _) => {
            let (g, commitment) = state
                .store
                .read(move |c| {
                    let g = guide::item_guide(c, q.j.as_deref(), &code)?;
                    let text = guide::commitment_text(c, Some(&g.jurisdiction), &code)?;
                    Ok::<_, guide::GuideError>((g, text))
                })
                .await
                .map_err(ApiError::from)?;
            Some(ApplyForm::of_item(g, commitment))
        }
        (None, Some(code)) => Some(ApplyForm::of_bundle(
            state
                .store
                .read(move |c| bundles::guide(c, q.j.as_deref(), &code))
                .await
                .map_err(ApiError::from)?,
        )),
        (None, None) => None,
    };
    let rows = match &applicant {
        Some(a) => online::mine(
            &state.store,
            a.subject.clone(),
            state.calendar.current(),
            state.clock.now(),
        )
        .await
        .map_err(ApiError::from)?
        .into_iter()
        .map(row)
        .collect(),
        None => Vec::new(),
    };
    let (unread, messages) = match &applicant {
        Some(a) => {
            let inbox = inbox::inbox(&state.store, a.subject.clone())
                .await
                .map_err(ApiError::from)?;
            let list = inbox
                .messages
                .into_iter()
                .map(|m| Message {
                    when: when(m.created_at),
                    unread: m.read_at.is_none(),
                    id: m.id,
                    text: m.text,
                })
                .collect();
            (Some(inbox.unread), list)
        }
        None => (None, Vec::new()),
    };
    render(&MyPage {
        nav: Nav {
            applicant_unread: unread,
            ..Nav::default()
        },
        signed_in: applicant.map(|a| (a.label, a.csrf)),
        rows,
        form,
        messages,
        levels: RatingLevel::ALL
            .iter()
            .map(|l| (l.code(), l.name_zh()))
            .collect(),
        oidc: state.oidc.is_some(),
    })
}
