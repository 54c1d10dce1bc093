//! The HTTP error policy.
//!
//! - The user's fault (bad input, no access, unknown thing, conflict) → 4xx with a stable
//!   machine-readable `code` and a message in Chinese and English. Nothing was changed.
//! - Our fault (storage, bugs) → 500 with code `internal`; the cause goes to the log (never
//!   personal data), the client learns only that it failed.
//!
//! Every handler returns `Result<_, ApiError>`; the status mapping lives here and nowhere else.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use oneseal_domain::access::Denied;
use oneseal_store::StoreError;
use serde::Serialize;
use serde_json::{Value, json};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{code}: {en}")]
    BadRequest {
        code: &'static str,
        zh: String,
        en: String,
        details: Option<Value>,
    },
    #[error("not signed in")]
    Unauthenticated,
    #[error("missing or wrong CSRF token")]
    Csrf,
    #[error("forbidden: {0}")]
    Forbidden(#[from] Denied),
    #[error("not found: {0}")]
    NotFound(&'static str),
    #[error("{code}: {en}")]
    Conflict {
        code: &'static str,
        zh: String,
        en: String,
    },
    #[error("too many attempts")]
    TooManyRequests,
    #[error("internal: {0}")]
    Internal(String),
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::Internal(e.to_string())
    }
}

#[derive(Serialize)]
struct Body<'a> {
    code: &'a str,
    message_zh: &'a str,
    message_en: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<&'a Value>,
}

impl ApiError {
    pub fn bad_request(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        ApiError::BadRequest {
            code,
            zh: zh.into(),
            en: en.into(),
            details: None,
        }
    }

    pub fn conflict(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        ApiError::Conflict {
            code,
            zh: zh.into(),
            en: en.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthenticated => StatusCode::UNAUTHORIZED,
            ApiError::Csrf | ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// (code, Chinese message, English message).
    pub fn parts(&self) -> (&str, String, String) {
        match self {
            ApiError::BadRequest { code, zh, en, .. } | ApiError::Conflict { code, zh, en } => {
                (code, zh.clone(), en.clone())
            }
            ApiError::Unauthenticated => (
                "unauthenticated",
                "请先登录".into(),
                "Please sign in first".into(),
            ),
            ApiError::Csrf => (
                "csrf",
                "请求缺少有效的防伪令牌，请刷新页面后重试".into(),
                "Missing or invalid CSRF token; reload the page and retry".into(),
            ),
            ApiError::Forbidden(d) => (d.code(), denied_zh(d).into(), format!("Forbidden: {d}")),
            ApiError::NotFound(what) => (
                "not_found",
                format!("未找到：{what}"),
                format!("Not found: {what}"),
            ),
            ApiError::TooManyRequests => (
                "too_many_attempts",
                "尝试次数过多，请稍后再试".into(),
                "Too many attempts; try again later".into(),
            ),
            ApiError::Internal(_) => (
                "internal",
                "服务器内部错误，操作未完成".into(),
                "Internal error; nothing was changed".into(),
            ),
        }
    }

    pub fn to_json(&self) -> Value {
        let (code, zh, en) = self.parts();
        let details = match self {
            ApiError::BadRequest { details, .. } => details.as_ref(),
            _ => None,
        };
        json!({ "error": Body { code, message_zh: &zh, message_en: &en, details } })
    }
}

fn denied_zh(d: &Denied) -> &'static str {
    match d {
        Denied::Role(_) => "您的角色无权执行此操作",
        Denied::Scope(_) => "令牌的授权范围不包含此操作",
        Denied::Jurisdiction => "超出您所属辖区的权限范围",
        Denied::Department => "不能办理其他部门的事务",
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(cause) = &self {
            tracing::error!(%cause, "request failed");
        }
        (self.status(), axum::Json(self.to_json())).into_response()
    }
}

/// JSON request bodies whose rejection (malformed JSON, a missing or invalid field, a value a
/// newtype refuses) is our typed 400, like every other bad input.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => {
                let why = rejection.body_text();
                Err(ApiError::bad_request(
                    "invalid_body",
                    format!("请求内容无效：{why}"),
                    format!("Invalid request body: {why}"),
                ))
            }
        }
    }
}
