//! The applicant's pages (issue #19 items 3–4): `/my` signs in with a one-time code, lists "my
//! applications" (status, deadlines, the open notice's items, documents) and, with
//! `?item=<code>`, shows the application form built from the item's materials checklist. The
//! page renders the applicant's own data only, from the applicant cookie (never staff's); its
//! buttons call the JSON API through `static/my.js`.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Html;
use serde::Deserialize;

use super::{Nav, WebError, render};
use crate::AppState;
use crate::edge::applicant::applicant_of;
use crate::error::ApiError;
use crate::services::guide::{self, ServiceGuide};
use crate::services::online::{self, MyApplication};

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
}

fn row(a: MyApplication) -> Row {
    let p = a.progress.unwrap_or_default();
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
    Row {
        withdrawable: matches!(a.status.as_str(), "draft" | "submitted"),
        item: text(&p["item_name"]).chars().take(200).collect::<String>(),
        case_status: text(&p["status_name"]),
        promised_due: text(&p["promised_due"]),
        statutory_due: text(&p["statutory_due"]),
        case_number: a.case_number.unwrap_or_default(),
        notice: a
            .notice
            .into_iter()
            .map(|n| (n.material, n.detail))
            .collect(),
        supplement_sent: a.supplement_sent,
        deferred: p["deferral"]["outstanding"]
            .as_array()
            .map(|l| l.iter().map(text).collect())
            .unwrap_or_default(),
        deferral_zh: text(&p["deferral"]["summary_zh"]),
        documents: a
            .documents
            .iter()
            .map(|d| (text(&d["title"]), text(&d["url"])))
            .collect(),
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
    /// The item applied for (`?item=`), with its guide.
    item: Option<ServiceGuide>,
}

#[derive(Debug, Deserialize)]
pub struct MyQuery {
    #[serde(default)]
    item: Option<String>,
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
    let item = match q.item.filter(|c| !c.trim().is_empty() && c.len() <= 64) {
        Some(code) => Some(
            state
                .store
                .read(move |c| guide::item_guide(c, q.j.as_deref(), &code))
                .await
                .map_err(ApiError::from)?,
        ),
        None => None,
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
    render(&MyPage {
        nav: Nav::default(),
        signed_in: applicant.map(|a| (a.label, a.csrf)),
        rows,
        item,
    })
}
