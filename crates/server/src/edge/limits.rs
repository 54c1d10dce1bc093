//! Bounds on every string a client sends, enforced from the maxima `/openapi.json` documents.
//!
//! A string without a bound reaches places with one: a public ledger entry holds at most 65,535
//! bytes (tile entry bundles prefix each entry with a u16), and a 25,000-character law or a
//! 70,000-character id once made the write fail as a 500. So, before any handler runs:
//!
//! - every string of a JSON body (values and keys) is checked against the `maxLength` of its
//!   property in the operation's request schema, or [`DEFAULT_MAX_CHARS`] where the schema sets
//!   none or does not describe it; too long is the typed 400 `too_long` naming the field and
//!   the limit;
//! - a property documented with `"format": "name"` must show something: a name made only of
//!   whitespace, control, invisible or bidirectional-control characters is the typed 400
//!   `invisible_name`;
//! - every path segment is bounded by [`MAX_PATH_SEGMENT`] bytes (every id the system issues is
//!   far shorter) and the query by [`MAX_QUERY`].
//!
//! The document is the single source: a bound added there is enforced here, and a client reads
//! the same numbers the server applies.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::openapi::OPENAPI;

/// The bound of a string whose schema sets none (a free-text field of a few paragraphs).
pub const DEFAULT_MAX_CHARS: usize = 2000;
/// The longest path segment: ids, codes and numbers are all far shorter.
pub const MAX_PATH_SEGMENT: usize = 200;
/// The longest query string.
pub const MAX_QUERY: usize = 2048;

/// Request body schemas by (lower-case method, route template), read once from the document.
static SCHEMAS: LazyLock<HashMap<(String, String), Value>> = LazyLock::new(|| {
    let mut out = HashMap::new();
    let Ok(doc) = serde_json::from_str::<Value>(OPENAPI) else {
        return out;
    };
    let Some(paths) = doc["paths"].as_object() else {
        return out;
    };
    for (path, ops) in paths {
        let Some(ops) = ops.as_object() else { continue };
        for (method, op) in ops {
            let schema = &op["requestBody"]["content"]["application/json"]["schema"];
            if !schema.is_null() {
                out.insert((method.to_ascii_lowercase(), path.clone()), schema.clone());
            }
        }
    }
    out
});

/// The typed refusal of a string over its bound.
pub fn too_long(field: &str, max: usize) -> ApiError {
    ApiError::BadRequest {
        code: "too_long",
        zh: format!(
            "“{}”过长（上限 {max} 个字符）",
            field.strip_prefix("body.").unwrap_or(field)
        ),
        en: format!("{field} is too long (at most {max} characters)"),
        details: Some(json!({ "field": field, "max_chars": max })),
    }
}

/// Whether a character shows nothing: whitespace, controls, format characters (zero-width
/// spaces and joiners, the bidirectional controls, the BOM, soft hyphen), fillers and variation
/// selectors.
fn invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
            | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFB}' | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}')
}

/// A name shows at least one visible character.
pub fn visible_name(s: &str) -> bool {
    s.chars().any(|c| !invisible(c))
}

/// Checks a JSON body against the bounds of `method` `route`'s documented request schema.
pub fn check_body(method: &str, route: Option<&str>, body: &Value) -> Result<(), ApiError> {
    let schema = route
        .and_then(|r| SCHEMAS.get(&(method.to_ascii_lowercase(), r.to_owned())))
        .unwrap_or(&Value::Null);
    walk(body, Some(schema), "body")
}

fn walk(v: &Value, schema: Option<&Value>, at: &str) -> Result<(), ApiError> {
    match v {
        Value::String(s) => {
            let max = schema
                .and_then(|s| s["maxLength"].as_u64())
                .and_then(|m| usize::try_from(m).ok())
                .unwrap_or(DEFAULT_MAX_CHARS);
            if s.chars().count() > max {
                return Err(too_long(at, max));
            }
            if schema.is_some_and(|s| s["format"] == "name") && !visible_name(s) {
                return Err(ApiError::BadRequest {
                    code: "invisible_name",
                    zh: format!("“{at}”须含有可见字符"),
                    en: format!("{at} must contain a visible character"),
                    details: Some(json!({ "field": at })),
                });
            }
            Ok(())
        }
        Value::Array(items) => {
            let item = schema.map(|s| &s["items"]).filter(|s| !s.is_null());
            for (i, x) in items.iter().enumerate() {
                walk(x, item, &format!("{at}[{i}]"))?;
            }
            Ok(())
        }
        Value::Object(map) => {
            for (k, x) in map {
                let field = format!("{at}.{k}");
                if k.chars().count() > DEFAULT_MAX_CHARS {
                    return Err(too_long(at, DEFAULT_MAX_CHARS));
                }
                walk(x, schema.and_then(|s| property(s, k)), &field)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The schema of property `k`: listed directly, in one of the alternatives (`oneOf`, `anyOf`,
/// `allOf`), or as `additionalProperties`.
fn property<'a>(schema: &'a Value, k: &str) -> Option<&'a Value> {
    if let Some(p) = schema["properties"].get(k) {
        return Some(p);
    }
    for alt in ["oneOf", "anyOf", "allOf"] {
        if let Some(found) = schema[alt]
            .as_array()
            .into_iter()
            .flatten()
            .find_map(|s| property(s, k))
        {
            return Some(found);
        }
    }
    schema.get("additionalProperties").filter(|a| a.is_object())
}

/// Checks the path's segments and the query against their bounds (before routing: an id in a
/// path is bounded by its format whatever route it is for).
pub fn check_uri(uri: &axum::http::Uri) -> Result<(), ApiError> {
    if uri
        .path()
        .split('/')
        .any(|seg| seg.len() > MAX_PATH_SEGMENT)
    {
        return Err(too_long("path", MAX_PATH_SEGMENT));
    }
    if uri.query().is_some_and(|q| q.len() > MAX_QUERY) {
        return Err(too_long("query", MAX_QUERY));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_only_invisible_or_bidi_characters_are_not_visible() {
        for s in [
            "",
            "   ",
            "\u{200B}\u{200D}",
            "\u{202E}\u{2066}\u{2069}",
            "\u{3000}\u{FEFF}",
            "\u{3164}",
        ] {
            assert!(!visible_name(s), "{s:?}");
        }
        for s in ["张三", " 李 ", "\u{202E}王五", "A"] {
            assert!(visible_name(s), "{s:?}");
        }
    }

    #[test]
    fn every_documented_json_body_is_found_and_bounds_apply_by_property() {
        assert!(SCHEMAS.len() >= 15, "{}", SCHEMAS.len());
        let route = Some("/api/v1/linkage/feedback");
        let ok =
            json!({"external_ref": "R-1", "body": {"type": "policy_change", "law": "《某法》"}});
        assert!(check_body("POST", route, &ok).is_ok());
        let long = json!({"external_ref": "R-1", "body": {"type": "policy_change", "law": "法".repeat(25_000)}});
        let e = check_body("POST", route, &long).unwrap_err();
        assert_eq!(e.parts().0, "too_long");
        assert!(
            e.to_json()["error"]["details"]["field"] == "body.body.law",
            "{}",
            e.to_json()
        );
        // Undocumented routes and properties still have the default bound.
        let stray = json!({"x": "y".repeat(DEFAULT_MAX_CHARS + 1)});
        assert!(check_body("POST", None, &stray).is_err());
        assert!(check_body("POST", None, &json!({"x": "y"})).is_ok());
    }

    fn unbounded(s: &Value, at: &str, out: &mut Vec<String>) {
        if s["type"] == "string" && s["enum"].is_null() && s["maxLength"].is_null() {
            out.push(at.to_owned());
        }
        for (k, p) in s["properties"].as_object().into_iter().flatten() {
            unbounded(p, &format!("{at}.{k}"), out);
        }
        for alt in ["oneOf", "anyOf", "allOf"] {
            for x in s[alt].as_array().into_iter().flatten() {
                unbounded(x, at, out);
            }
        }
        unbounded_in(&s["items"], &format!("{at}[]"), out);
        unbounded_in(&s["additionalProperties"], &format!("{at}.*"), out);
    }

    fn unbounded_in(s: &Value, at: &str, out: &mut Vec<String>) {
        if s.is_object() {
            unbounded(s, at, out);
        }
    }

    #[test]
    fn every_documented_request_string_has_a_maximum() {
        let mut out = Vec::new();
        for ((method, path), schema) in SCHEMAS.iter() {
            // The token and webhook routes are documented by their own change.
            if path.contains("/tokens") || path.contains("webhook") {
                continue;
            }
            unbounded(schema, &format!("{method} {path} body"), &mut out);
        }
        let doc: Value = serde_json::from_str(OPENAPI).unwrap();
        for (path, ops) in doc["paths"].as_object().unwrap() {
            if path.contains("/tokens") || path.contains("webhook") {
                continue;
            }
            for (method, op) in ops.as_object().unwrap() {
                for p in op["parameters"].as_array().into_iter().flatten() {
                    let at = format!("{method} {path} {}", p["name"]);
                    unbounded(&p["schema"], &at, &mut out);
                }
            }
        }
        assert!(
            out.is_empty(),
            "strings without a documented maximum: {out:#?}"
        );
    }

    #[test]
    fn path_segments_and_queries_are_bounded() {
        let long: axum::http::Uri = format!("/api/v1/linkage/pushes/{}/claim", "P".repeat(60_000))
            .parse()
            .unwrap();
        assert_eq!(check_uri(&long).unwrap_err().parts().0, "too_long");
        let fine: axum::http::Uri = "/api/v1/linkage/pushes/PUSH-370100-2026-000001/claim"
            .parse()
            .unwrap();
        assert!(check_uri(&fine).is_ok());
    }
}
