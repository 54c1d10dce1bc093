//! Home, sign-in and sign-out pages. `/` is the staff's desk once signed in, else the public
//! portal (`web::guide`).

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Nav, WebError, render};
use crate::AppState;
use crate::edge::auth::{self, ClientAddr, Credentials, MaybeAuth, end_session, sign_in};
use crate::error::ApiError;
use crate::services::home::{self, WorkItem};

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

pub async fn home(
    State(state): State<AppState>,
    client: crate::edge::guesses::ClientAddr,
    MaybeAuth(auth): MaybeAuth,
) -> Result<Response, WebError> {
    // The public lands on the portal (issue #19); signed-in staff on their desk.
    let Some(auth) = auth else {
        return Ok(super::guide::portal_page(&state, client)
            .await?
            .into_response());
    };
    let today = oneseal_domain::case::legal_date(state.clock.now()).to_string();
    let p = auth.principal.clone();
    let figures = state
        .store
        .read(move |c| home::figures(c, &p, &today))
        .await
        .map_err(ApiError::from)?;
    let page = HomePage {
        nav: Nav::from_auth(Some(&auth)),
        jurisdiction: auth.principal.jurisdiction.to_string(),
        jurisdiction_name: figures.jurisdiction_name,
        department: auth.principal.department.to_string(),
        licensing: figures.licensing,
        related: figures.related,
        ledger_size: figures.ledger_size,
        work: figures.work,
    };
    Ok(render(&page)?.into_response())
}
