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
                serde_json::from_value(v).map(ApiJson).map_err(|e| {
                    ApiError::bad_request(
                        "invalid_body",
                        format!("请求内容无效：{e}"),
                        format!("Invalid request body: {e}"),
                    )
                })
            }
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::PayloadTooLarge)
            }
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

    #[test]
    fn nul_is_found_in_nested_strings_and_keys_but_not_in_an_escaped_backslash() {
        assert!(has_nul(&json!({"a": ["x", {"b": "y\u{0}"}]})));
        assert!(has_nul(&json!({"k\u{0}": 1})));
        let v: Value = serde_json::from_str(r#"{"a": "\\u0000", "b": "%00"}"#).unwrap();
        assert!(!has_nul(&v), "a literal backslash-u0000 is text, not NUL");
    }
}
