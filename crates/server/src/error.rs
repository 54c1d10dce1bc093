//! The HTTP error policy.
//!
//! - The user's fault (bad input, no access, unknown thing, conflict) → 4xx with a stable
//!   machine-readable `code` and a message in Chinese and English. Nothing was changed.
//! - Our fault (storage, bugs) → 500 with code `internal`; the cause goes to the log (never
//!   personal data), the client learns only that it failed.
//!
//! Every handler returns `Result<_, ApiError>`; the status mapping lives here and nowhere else:
//! this file holds the error and its response, `error/services.rs` the one `From` per service's
//! error enum.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use oneseal_domain::access::Denied;
use oneseal_store::StoreError;
use serde::Serialize;
use serde_json::{Value, json};

mod commitment;
mod coordination;
mod intake;
mod licences;
mod projects;
mod services;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{code}: {en}")]
    BadRequest {
        code: &'static str,
        zh: String,
        en: String,
        details: Option<Value>,
    },
    /// Fields of a form or body that do not check out, each named (never empty).
    #[error("invalid fields: {}", .0.len())]
    Fields(Vec<oneseal_domain::case::FieldError>),
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
    #[error("request body too large")]
    PayloadTooLarge,
    /// A refusal with a status of its own (413 for a material over its limit, 415 for a file
    /// of a type the bureau does not accept), its code and messages.
    #[error("{code}: {en}")]
    Refused {
        status: StatusCode,
        code: &'static str,
        zh: String,
        en: String,
        details: Option<Value>,
    },
    #[error("internal: {0}")]
    Internal(String),
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            // Every input string is bounded before it gets here (`limits`); should one bound be
            // missing, the caller still gets a typed refusal and nothing is written.
            StoreError::EntryTooLarge(n) => ApiError::BadRequest {
                code: "too_long",
                zh: format!("请求内容过长：公开账本条目将达 {n} 字节（上限 65535）"),
                en: format!(
                    "Input too long: the public ledger entry would be {n} bytes (limit 65535)"
                ),
                details: Some(json!({ "field": "ledger_entry", "max_bytes": 65535 })),
            },
            e => ApiError::Internal(e.to_string()),
        }
    }
}

#[derive(Serialize)]
struct Body<'a> {
    code: &'a str,
    message_zh: &'a str,
    message_en: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
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
            ApiError::BadRequest { .. } | ApiError::Fields(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthenticated => StatusCode::UNAUTHORIZED,
            ApiError::Csrf | ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Refused { status, .. } => *status,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// (code, Chinese message, English message).
    pub fn parts(&self) -> (&str, String, String) {
        match self {
            ApiError::BadRequest { code, zh, en, .. }
            | ApiError::Conflict { code, zh, en }
            | ApiError::Refused { code, zh, en, .. } => (code, zh.clone(), en.clone()),
            ApiError::Fields(errors) => match errors.first() {
                Some(e) => (e.code, e.labelled_zh(), e.message_en.clone()),
                None => (
                    "invalid_body",
                    "请求内容无效".into(),
                    "Invalid request body".into(),
                ),
            },
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
            ApiError::PayloadTooLarge => (
                "body_too_large",
                format!(
                    "请求内容过大（上限 {} MiB）",
                    crate::edge::MAX_BODY_BYTES >> 20
                ),
                format!(
                    "Request body too large (limit {} MiB)",
                    crate::edge::MAX_BODY_BYTES >> 20
                ),
            ),
            ApiError::Internal(_) => (
                "internal",
                "服务器内部错误，操作未完成".into(),
                "Internal error; nothing was changed".into(),
            ),
        }
    }

    /// `{"error": {"code", "message_zh", "message_en", "field"?, "details"?}}`: `field` is the
    /// JSON path of the field at fault, when one is; for field errors `details.errors` lists
    /// every field's problem, the first of which is the top-level one.
    pub fn to_json(&self) -> Value {
        let (code, zh, en) = self.parts();
        let (field, details) = match self {
            ApiError::BadRequest { details, .. } => {
                let f = details.as_ref().and_then(|d| d["field"].as_str());
                (
                    f.map(|f| f.strip_prefix("body.").unwrap_or(f).to_owned()),
                    details.clone(),
                )
            }
            ApiError::Fields(errors) => {
                let all = errors.iter().map(|e| {
                    json!({ "field": e.field.path(), "code": e.code,
                    "message_zh": e.labelled_zh(), "message_en": e.message_en })
                });
                let details = json!({ "errors": all.collect::<Vec<_>>() });
                (errors.first().map(|e| e.field.path()), Some(details))
            }
            ApiError::Refused { details, .. } => (None, details.clone()),
            _ => (None, None),
        };
        let (field, details) = (field.as_deref(), details.as_ref());
        json!({ "error": Body { code, message_zh: &zh, message_en: &en, field, details } })
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

/// The typed refusal of text holding U+0000 (in a body, a path or a query).
pub fn nul_character() -> ApiError {
    ApiError::bad_request(
        "nul_character",
        "请求中含有空字符（U+0000），已拒绝",
        "The request contains a NUL character (U+0000)",
    )
}

// ---- the log's receipts ----

/// An entry past the published checkpoint: missing is `missing` (404, or 400 for a tree size);
/// the rest are 409s worth retrying shortly.
pub fn beyond_error(b: crate::services::ledger::receipts::Beyond, missing: ApiError) -> ApiError {
    use crate::services::ledger::receipts::Beyond;
    match b {
        Beyond::Missing => missing,
        Beyond::NotCheckpointed => ApiError::conflict(
            "not_yet_checkpointed",
            "该条目尚未纳入已签名的检查点，请稍后再试",
            "The entry is not yet covered by a signed checkpoint; retry shortly",
        ),
        Beyond::NotCosigned => ApiError::conflict(
            "not_yet_cosigned",
            "已签名，尚待见证联署，请稍后再试",
            "Signed but not yet cosigned by the witnesses; retry shortly",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_large_is_413_with_a_typed_body() {
        let e = ApiError::PayloadTooLarge;
        assert_eq!(e.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(e.to_json()["error"]["code"], "body_too_large");
    }
}
