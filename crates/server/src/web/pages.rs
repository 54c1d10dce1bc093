//! Home, sign-in and sign-out pages.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use oneseal_store::log::read_head;
use oneseal_store::params;
use serde::Deserialize;

use super::{Nav, WebError, render};
use crate::AppState;
use crate::api::session::{ClientAddr, Credentials, end_session, sign_in};
use crate::edge::auth::{self, MaybeAuth};
use crate::error::ApiError;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    nav: Nav,
    error: Option<String>,
    staff_id: String,
}

pub async fn login_form() -> Result<Html<String>, WebError> {
    render(&LoginPage {
        nav: Nav::default(),
        error: None,
        staff_id: String::new(),
    })
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    staff_id: String,
    password: String,
}

pub async fn login_submit(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    Form(f): Form<LoginForm>,
) -> Result<Response, WebError> {
    let staff_id = f.staff_id.clone();
    match sign_in(
        &state,
        Credentials {
            staff_id: f.staff_id,
            password: f.password,
        },
        client,
    )
    .await
    {
        Ok(s) => Ok((
            [(
                header::SET_COOKIE,
                auth::session_cookie(&state.net, &s.token),
            )],
            Redirect::to("/"),
        )
            .into_response()),
        Err(e @ (ApiError::BadRequest { .. } | ApiError::TooManyRequests)) => {
            let (_, zh, en) = e.parts();
            let page = LoginPage {
                nav: Nav::default(),
                error: Some(format!("{zh} / {en}")),
                staff_id,
            };
            Ok((e.status(), render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn logout(
    State(state): State<AppState>,
    _auth: auth::Auth,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    end_session(&state, &headers).await?;
    Ok((
        [
            (header::SET_COOKIE, auth::clear_session_cookie(&state.net)),
            (
                header::HeaderName::from_static("hx-redirect"),
                "/login".to_owned(),
            ),
        ],
        "",
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    nav: Nav,
    jurisdiction: String,
    jurisdiction_name: String,
    department: String,
    licensing: i64,
    related: i64,
    ledger_size: u64,
    /// The signed-in person's work: (what, count, of which late, where).
    work: Vec<WorkItem>,
}

/// One line of the home page's "my work" card.
pub struct WorkItem {
    pub what: &'static str,
    pub count: i64,
    pub late: i64,
    pub link: &'static str,
}

/// What waits for this person's roles, counted as the queues count it.
fn my_work(
    c: &mut dyn oneseal_store::Conn,
    auth: &crate::edge::auth::Auth,
    today: &str,
) -> Result<Vec<WorkItem>, ApiError> {
    use oneseal_domain::org::Role;
    let p = &auth.principal;
    let j = p.jurisdiction.as_str();
    let mut count = |sql: &str, args: &[oneseal_store::Value]| -> Result<i64, ApiError> {
        Ok(c.query_one(sql, args)?
            .map(|r| r.int(0))
            .transpose()?
            .unwrap_or(0))
    };
    let mut work = Vec::new();
    let has = |r: Role| p.roles.contains(&r);
    if has(Role::Clerk) || has(Role::Reviewer) || has(Role::Approver) || has(Role::BureauHead) {
        work.push(WorkItem {
            what: "在办件（按法定剩余工作日排序）",
            count: count("SELECT COUNT(*) FROM cases WHERE jurisdiction = ? AND closed = 0", params![j])?,
            late: count(
                "SELECT COUNT(*) FROM alerts WHERE jurisdiction = ? AND status = 'open' AND rule_id = 'red_card'",
                params![j],
            )?,
            link: "/cases",
        });
    }
    if has(Role::DepartmentSupervisor) {
        let d = p.department.as_str();
        work.push(WorkItem {
            what: "待认领推送",
            count: count(
                "SELECT COUNT(*) FROM pushes WHERE jurisdiction = ? AND department = ? AND status = 'awaiting_claim'",
                params![j, d],
            )?,
            late: count(
                "SELECT COUNT(*) FROM pushes WHERE jurisdiction = ? AND department = ? AND status = 'awaiting_claim' AND claim_due < ?",
                params![j, d, today],
            )?,
            link: "/dept",
        });
    }
    if has(Role::Inspector) || has(Role::BureauHead) {
        work.push(WorkItem {
            what: "待处理预警",
            count: count(
                "SELECT COUNT(*) FROM alerts WHERE jurisdiction = ? AND status = 'open'",
                params![j],
            )?,
            late: 0,
            link: "/alerts",
        });
    }
    if has(Role::BureauHead) {
        work.push(WorkItem {
            what: "差评待整改",
            count: count(
                "SELECT COUNT(*) FROM ratings WHERE jurisdiction = ? AND rectification_status = 'open'",
                params![j],
            )?,
            late: count(
                "SELECT COUNT(*) FROM ratings WHERE jurisdiction = ? AND rectification_status = 'open' AND rectification_due < ?",
                params![j, today],
            )?,
            link: "/ratings",
        });
    }
    if has(Role::Administrator) {
        work.push(WorkItem {
            what: "未配置监管部门的推送",
            count: count(
                "SELECT COUNT(*) FROM pushes WHERE jurisdiction = ? AND status = 'unmapped'",
                params![j],
            )?,
            late: 0,
            link: "/linkage",
        });
    }
    Ok(work)
}

pub async fn home(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
) -> Result<Response, WebError> {
    let Some(auth) = auth else {
        return Ok(Redirect::to("/login").into_response());
    };
    let j = auth.principal.jurisdiction.clone();
    let today = oneseal_domain::case::legal_date(state.clock.now()).to_string();
    let a = auth.clone();
    let (name, licensing, related, size, work) = state
        .store
        .read(move |c| {
            let name = c
                .query_one("SELECT name_zh FROM jurisdictions WHERE code = ?", params![j.as_str()])?
                .map(|r| r.text(0))
                .transpose()?
                .unwrap_or_default();
            let mut count = |cat: &str| -> Result<i64, ApiError> {
                Ok(c.query_one(
                    "SELECT COUNT(*) FROM items WHERE jurisdiction = ? AND current = 1 AND category = ?",
                    params![j.as_str(), cat],
                )?
                .map(|r| r.int(0))
                .transpose()?
                .unwrap_or(0))
            };
            let (l, r) = (count("licensing")?, count("related")?);
            let (size, _) = read_head(c, j.as_str())?;
            let work = my_work(c, &a, &today)?;
            Ok::<_, ApiError>((name, l, r, size, work))
        })
        .await?;
    let page = HomePage {
        nav: Nav::from_auth(Some(&auth)),
        jurisdiction: auth.principal.jurisdiction.to_string(),
        jurisdiction_name: name,
        department: auth.principal.department.to_string(),
        licensing,
        related,
        ledger_size: size,
        work,
    };
    Ok(render(&page)?.into_response())
}
