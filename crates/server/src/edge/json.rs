//! JSON request bodies as every handler takes them: malformed JSON, a missing field, a value a
//! newtype refuses, a NUL character or a string over its documented bound are all the typed
//! 400 of `error.rs`, before a handler sees the body.

use axum::http::StatusCode;
use serde_json::Value;

use crate::error::{ApiError, nul_character};

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
        let method = req.method().as_str().to_owned();
        let route = req
            .extensions()
            .get::<axum::extract::MatchedPath>()
            .map(|m| m.as_str().to_owned());
        match axum::Json::<serde_json::Value>::from_request(req, state).await {
            Ok(axum::Json(v)) => {
                if has_nul(&v) {
                    return Err(nul_character());
                }
                crate::edge::limits::check_body(&method, route.as_deref(), &v)?;
                serde_path_to_error::deserialize(v)
                    .map(ApiJson)
                    .map_err(|e| invalid_field(&e))
            }
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::PayloadTooLarge)
            }
            Err(rejection) => {
                let why = rejection.body_text();
                Err(ApiError::bad_request(
                    "invalid_body",
                    "请求内容不是有效的JSON，或缺少 Content-Type: application/json",
                    format!("Invalid request body: {why}"),
                ))
            }
        }
    }
}

/// A body whose JSON is well formed but does not fit the request's shape: the field named by
/// its path, the reason in Chinese without serde's English (which stays in `message_en`).
fn invalid_field(e: &serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let inner = e.inner().to_string();
    let mut path = e.path().to_string();
    // A missing field is reported at its parent; name the field itself.
    if let Some(name) = inner
        .strip_prefix("missing field `")
        .and_then(|r| r.split('`').next())
    {
        path = if path == "." {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        };
    }
    let field = if path == "." { None } else { Some(path) };
    let why_zh = if inner.starts_with("missing field") {
        "缺少必填字段"
    } else if inner.starts_with("unknown variant") {
        "取值不在允许的范围内"
    } else if inner.starts_with("unknown field") {
        "含有未定义的字段"
    } else if inner.starts_with("invalid type") {
        "类型不符"
    } else {
        "取值无效"
    };
    let zh = match &field {
        Some(f) => format!("请求内容无效：字段“{f}”{why_zh}"),
        None => format!("请求内容无效：{why_zh}"),
    };
    ApiError::BadRequest {
        code: "invalid_body",
        zh,
        en: format!("Invalid request body: {e}"),
        details: field.map(|f| serde_json::json!({ "field": f })),
    }
}

/// Whether any string (or object key) in a JSON document holds U+0000. No text field of the
/// system may: PostgreSQL cannot store it in `text` or `jsonb`, and no legitimate input needs it.
pub fn has_nul(v: &Value) -> bool {
    match v {
        Value::String(s) => s.contains('\0'),
        Value::Array(a) => a.iter().any(has_nul),
        Value::Object(m) => m.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Shape {
        outer: Inner,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        count: u32,
        name: String,
    }

    fn refuse(v: Value) -> Value {
        let e = serde_path_to_error::deserialize::<_, Shape>(v).unwrap_err();
        invalid_field(&e).to_json()
    }

    #[test]
    fn shape_errors_name_the_field_and_speak_chinese_only() {
        let wrong = refuse(json!({"outer": {"count": "x", "name": "n"}}));
        assert_eq!(wrong["error"]["field"], "outer.count", "{wrong}");
        assert_eq!(
            wrong["error"]["message_zh"],
            "请求内容无效：字段“outer.count”类型不符"
        );
        let missing = refuse(json!({"outer": {"count": 1}}));
        assert_eq!(missing["error"]["field"], "outer.name", "{missing}");
        assert!(
            missing["error"]["message_zh"]
                .as_str()
                .unwrap()
                .contains("缺少必填字段")
        );
        assert!(
            missing["error"]["message_en"]
                .as_str()
                .unwrap()
                .contains("missing field")
        );
    }

    #[test]
    fn nul_is_found_in_nested_strings_and_keys_but_not_in_an_escaped_backslash() {
        assert!(has_nul(&json!({"a": ["x", {"b": "y\u{0}"}]})));
        assert!(has_nul(&json!({"k\u{0}": 1})));
        let v: Value = serde_json::from_str(r#"{"a": "\\u0000", "b": "%00"}"#).unwrap();
        assert!(!has_nul(&v), "a literal backslash-u0000 is text, not NUL");
    }
}
