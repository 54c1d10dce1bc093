//! The frame every page shares: the navigation a visitor's roles open, the error page, and
//! rendering. Apart from `web.rs` (the routes) so that the pages can use it without importing
//! the module that imports them.

use askama::Template;
use axum::response::{Html, IntoResponse, Redirect, Response};
use oneseal_domain::org::Role;

use crate::edge::auth::Auth;
use crate::error::ApiError;
use crate::web::i18n;

/// What the page frame needs to know about the visitor.
#[derive(Debug, Clone)]
pub struct Nav {
    pub signed_in: bool,
    pub display_name: String,
    pub roles: String,
    pub csrf: Option<String>,
    pub can_import: bool,
    pub can_see_cases: bool,
    /// Where the linkage (审管互动) link goes: the department inbox or the bureau's view.
    pub linkage_link: Option<&'static str>,
    /// Inspectors and the bureau head see the alert queue (监督预警).
    pub can_see_alerts: bool,
    /// Leaders see the dashboard (领导驾驶舱).
    pub can_see_dashboard: bool,
    /// The administrator and the bureau head see the working-day calendar (工作日历).
    pub can_see_calendar: bool,
    /// Language, text size and this page's address, from the request (see `i18n`).
    pub prefs: i18n::Prefs,
    /// A signed-in applicant's unread messages (`/my`): the header links their inbox.
    pub applicant_unread: Option<u64>,
}

impl Default for Nav {
    fn default() -> Self {
        Nav {
            signed_in: false,
            display_name: String::new(),
            roles: String::new(),
            csrf: None,
            can_import: false,
            can_see_cases: false,
            linkage_link: None,
            can_see_alerts: false,
            can_see_dashboard: false,
            can_see_calendar: false,
            prefs: i18n::current(),
            applicant_unread: None,
        }
    }
}

impl Nav {
    /// The signed-in applicant's unread messages (0 when none or no applicant).
    #[must_use]
    pub fn unread(&self) -> u64 {
        self.applicant_unread.unwrap_or(0)
    }

    pub fn from_auth(auth: Option<&Auth>) -> Self {
        let Some(a) = auth else {
            return Nav::default();
        };
        Nav {
            signed_in: true,
            display_name: a.display_name.clone(),
            roles: a
                .principal
                .roles
                .iter()
                .map(|r| r.name_zh())
                .collect::<Vec<_>>()
                .join("、"),
            csrf: a.csrf.clone(),
            can_import: a.principal.roles.contains(&Role::Administrator),
            can_see_cases: a.principal.roles.iter().any(|r| {
                oneseal_domain::access::Action::ViewCases
                    .roles()
                    .contains(r)
            }),
            linkage_link: if a.principal.roles.contains(&Role::DepartmentSupervisor) {
                Some("/dept")
            } else if a.principal.roles.iter().any(|r| {
                matches!(
                    r,
                    Role::BureauHead | Role::Inspector | Role::Administrator | Role::Approver
                )
            }) {
                Some("/linkage")
            } else {
                None
            },
            can_see_alerts: a.principal.roles.iter().any(|r| {
                oneseal_domain::access::Action::ViewAlerts
                    .roles()
                    .contains(r)
            }),
            can_see_dashboard: a.principal.roles.iter().any(|r| {
                oneseal_domain::access::Action::ViewDashboard
                    .roles()
                    .contains(r)
            }),
            can_see_calendar: a
                .principal
                .roles
                .iter()
                .any(|r| matches!(r, Role::Administrator | Role::BureauHead)),
            prefs: i18n::current(),
            applicant_unread: None,
        }
    }

    /// A template phrase in the visitor's language (`{{ nav.t("工作台") }}`).
    pub fn t<'a>(&self, zh: &'a str) -> &'a str {
        self.prefs.lang.t(zh)
    }

    pub fn lang_tag(&self) -> &'static str {
        self.prefs.lang.tag()
    }

    pub fn english(&self) -> bool {
        self.prefs.lang == i18n::Lang::En
    }
}

/// A page-handler error: sign-in problems redirect, the rest render an error page.
#[derive(Debug)]
pub struct WebError(pub ApiError);

impl From<ApiError> for WebError {
    fn from(e: ApiError) -> Self {
        WebError(e)
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        WebError(ApiError::Internal(format!("template: {e}")))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    nav: Nav,
    status: u16,
    /// The machine-readable code, as the JSON API's `error.code`.
    code: String,
    message_zh: String,
    message_en: String,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if matches!(self.0, ApiError::Unauthenticated) {
            return Redirect::to("/login").into_response();
        }
        if let ApiError::Internal(cause) = &self.0 {
            tracing::error!(%cause, "page failed");
        }
        let status = self.0.status();
        let (code, message_zh, message_en) = self.0.parts();
        let page = ErrorPage {
            nav: Nav::default(),
            status: status.as_u16(),
            code: code.to_owned(),
            message_zh,
            message_en: message_en.clone(),
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, message_en).into_response(),
        }
    }
}

pub fn render<T: Template>(t: &T) -> Result<Html<String>, WebError> {
    Ok(Html(t.render()?))
}
