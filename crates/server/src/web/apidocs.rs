//! `/api/docs`: the API reference as a page of this site, rendered on the server from the same
//! `/openapi.json` the API serves, so there is no renderer to vendor and nothing fetched from a CDN.
//! It is a web page, not an API route.

use askama::Template;
use axum::response::Html;
use serde_json::Value;

use super::{Nav, WebError, render};
use crate::error::ApiError;
use crate::openapi::OPENAPI;

pub struct Param {
    name: String,
    location: String,
    required: bool,
    schema: String,
    description: String,
}

pub struct Operation {
    method: String,
    path: String,
    anchor: String,
    summary: String,
    description: String,
    tags: String,
    public: bool,
    params: Vec<Param>,
    body: Option<String>,
    responses: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "apidocs.html")]
struct ApiDocsPage {
    nav: Nav,
    title: String,
    version: String,
    description: String,
    operations: Vec<Operation>,
    schemas: Vec<(String, String)>,
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// A schema as compact-but-readable JSON (`$ref`s are left as written: the shared schemas are
/// listed at the end of the page).
fn schema(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// The schema of the first content type, prefixed with the type when there are several.
fn content(v: &Value) -> Option<String> {
    let content = v.get("content")?.as_object()?;
    let parts: Vec<String> = content
        .iter()
        .map(|(ctype, c)| {
            format!(
                "{ctype}: {}",
                c.get("schema").map(schema).unwrap_or_default()
            )
        })
        .collect();
    Some(parts.join("\n"))
}

fn param(p: &Value) -> Param {
    Param {
        name: text(p, "name"),
        location: text(p, "in"),
        required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
        schema: p
            .get("schema")
            .map(|s| serde_json::to_string(s).unwrap_or_default())
            .unwrap_or_default(),
        description: text(p, "description"),
    }
}

fn operation(path: &str, method: &str, op: &Value, shared: &[Value]) -> Operation {
    let params = shared
        .iter()
        .chain(
            op.get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        )
        .map(param)
        .collect();
    let responses = op
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(code, r)| {
            let detail = match (r.get("$ref").and_then(Value::as_str), content(r)) {
                (Some(reference), _) => reference.to_owned(),
                (None, Some(c)) => format!("{}\n{c}", text(r, "description")),
                (None, None) => text(r, "description"),
            };
            (code.clone(), detail)
        })
        .collect();
    Operation {
        method: method.to_uppercase(),
        path: path.to_owned(),
        anchor: format!("{method}-{path}")
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect(),
        summary: text(op, "summary"),
        description: text(op, "description"),
        tags: op
            .get("tags")
            .and_then(Value::as_array)
            .map(|t| {
                t.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default(),
        public: op
            .get("security")
            .and_then(Value::as_array)
            .is_some_and(Vec::is_empty),
        params,
        body: op.get("requestBody").and_then(content),
        responses,
    }
}

/// Every operation of the document, in its order.
fn operations(doc: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let shared = item
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.push(operation(path, method, op, &shared));
            }
        }
    }
    out
}

pub async fn docs_page() -> Result<Html<String>, WebError> {
    let doc: Value = serde_json::from_str(OPENAPI)
        .map_err(|e| ApiError::Internal(format!("openapi.json: {e}")))?;
    let info = doc.get("info").cloned().unwrap_or_default();
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, s)| (name.clone(), schema(s)))
        .collect();
    render(&ApiDocsPage {
        nav: Nav::default(),
        title: text(&info, "title"),
        version: text(&info, "version"),
        description: text(&info, "description"),
        operations: operations(&doc),
        schemas,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_and_method_of_the_document_is_listed() {
        let doc: Value = serde_json::from_str(OPENAPI).unwrap();
        let ops = operations(&doc);
        let expected: usize = doc["paths"]
            .as_object()
            .unwrap()
            .values()
            .map(|item| METHODS.iter().filter(|m| item.get(**m).is_some()).count())
            .sum();
        assert_eq!(ops.len(), expected);
        assert!(
            ops.iter().all(|o| !o.summary.is_empty()),
            "every operation has a summary"
        );
        let health = ops.iter().find(|o| o.path == "/healthz").unwrap();
        assert!(health.public);
    }
}
