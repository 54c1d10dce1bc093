//! Request guards that hold for every route, before any handler runs.
//!
//! - Cross-origin protection: a browser's state-changing request from another site (a form
//!   posted from an attacker's page, which SameSite=Lax does not stop for top-level navigations
//!   of every kind and which a sign-in form never had a session to protect) is refused with the
//!   typed `csrf` error. The rule is the one of Go's `net/http.CrossOriginProtection`:
//!   `Sec-Fetch-Site` decides when the browser sent it; otherwise an `Origin` must be the
//!   bureau's public URL (`serve --public-url`; without one, the `Host:` the browser sent to);
//!   a request with neither (a non-browser client, an API token) passes. The per-session CSRF
//!   token of `auth` still applies on top.
//! - HTTPS: with an `https` public URL every answer carries `Strict-Transport-Security`.
//! - NUL characters: a path or query that decodes to U+0000 is refused (`nul_character`), as
//!   JSON bodies are in `edge::json::ApiJson`; PostgreSQL cannot store it and nothing needs it.
//! - Overlong paths and queries: a path segment or query over its bound (`limits`) is the typed
//!   400 `too_long`, whatever route it was meant for.
//! - Oversized bodies: whichever layer notices (the body limit, an extractor), the answer is
//!   the typed 413 `body_too_large`.
//! - Every other 4xx that is neither JSON nor a page (axum's own rejections: an unparsable path
//!   or query parameter, an unknown route, a wrong method or content type) gets the typed error
//!   body too, so a client can always read `error.code`.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::error::{ApiError, nul_character};

/// True when the request is a browser's cross-origin state change. `public_origin` is the
/// configured public URL's origin (compared whole: scheme, host and port).
pub fn cross_origin(method: &Method, headers: &HeaderMap, public_origin: Option<&str>) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    if let Some(public) = public_origin {
        return !origin
            .to_str()
            .is_ok_and(|o| o.eq_ignore_ascii_case(public));
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .map(|(_, rest)| rest);
    match (origin_host, host) {
        (Some(o), Some(h)) => !o.eq_ignore_ascii_case(h),
        _ => true,
    }
}

/// True when the path or the query holds a percent-encoded NUL.
pub fn has_encoded_nul(uri: &axum::http::Uri) -> bool {
    let s = uri.path_and_query().map_or("", |pq| pq.as_str());
    s.as_bytes()
        .windows(3)
        .any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0')
}

/// HSTS for a year once the bureau is served over HTTPS.
const HSTS: &str = "max-age=31536000";

/// The guards of this module, as one middleware.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let public = state.net.public_url.as_ref().map(|u| u.origin());
    let mut resp = guarded(req, next, public).await;
    if state.net.https() {
        resp.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    resp
}

async fn guarded(req: Request, next: Next, public_origin: Option<&str>) -> Response {
    if cross_origin(req.method(), req.headers(), public_origin) {
        return ApiError::Csrf.into_response();
    }
    if has_encoded_nul(req.uri()) {
        return nul_character().into_response();
    }
    if let Err(e) = crate::edge::limits::check_uri(req.uri()) {
        return e.into_response();
    }
    let resp = next.run(req).await;
    let status = resp.status();
    // A typed 413 (a material over its own limit) keeps its code and figures.
    if status == StatusCode::PAYLOAD_TOO_LARGE && !typed(resp.headers()) {
        return ApiError::PayloadTooLarge.into_response();
    }
    if status.is_client_error() && !typed(resp.headers()) {
        let (mut parts, body) = resp.into_parts();
        let text = axum::body::to_bytes(body, 4096)
            .await
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        let typed = rejection(status, &text);
        // Keep what the answer says beside its body (`Allow` on a 405).
        parts.headers.remove(header::CONTENT_TYPE);
        parts.headers.remove(header::CONTENT_LENGTH);
        let (new_parts, body) = typed.into_parts();
        parts.headers.extend(new_parts.headers);
        return Response::from_parts(parts, body);
    }
    resp
}

/// Whether an answer already has a body a client can read: our JSON errors or an HTML page.
fn typed(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/json") || c.starts_with("text/html"))
}

/// The typed error body of a framework rejection, with its text as the explanation.
pub fn rejection(status: StatusCode, text: &str) -> Response {
    let code = match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => "invalid_body",
        _ => "bad_request",
    };
    let text = text.trim();
    let (zh, en) = match (status, text.is_empty()) {
        (StatusCode::NOT_FOUND, true) => ("未找到".to_owned(), "Not found".to_owned()),
        (StatusCode::METHOD_NOT_ALLOWED, true) => (
            "不支持该请求方法".to_owned(),
            "Method not allowed".to_owned(),
        ),
        (_, true) => ("请求无效".to_owned(), "Bad request".to_owned()),
        (_, false) => (format!("请求无效：{text}"), text.to_owned()),
    };
    (
        status,
        axum::Json(serde_json::json!({
            "error": { "code": code, "message_zh": zh, "message_en": en }
        })),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn a_form_posted_from_another_site_is_cross_origin() {
        let post = Method::POST;
        assert!(cross_origin(
            &post,
            &headers(&[("sec-fetch-site", "cross-site"), ("host", "a.example")]),
            None
        ));
        assert!(cross_origin(
            &post,
            &headers(&[("sec-fetch-site", "same-site")]),
            None
        ));
        assert!(cross_origin(
            &post,
            &headers(&[("origin", "https://evil.example"), ("host", "a.example")]),
            None
        ));
        assert!(cross_origin(
            &post,
            &headers(&[("origin", "null"), ("host", "a.example")]),
            None
        ));
    }

    #[test]
    fn same_origin_reads_and_non_browser_clients_pass() {
        let post = Method::POST;
        assert!(!cross_origin(
            &post,
            &headers(&[("sec-fetch-site", "same-origin")]),
            None
        ));
        assert!(!cross_origin(
            &post,
            &headers(&[("sec-fetch-site", "none")]),
            None
        ));
        assert!(!cross_origin(
            &post,
            &headers(&[
                ("origin", "http://a.example:8080"),
                ("host", "a.example:8080")
            ]),
            None
        ));
        assert!(!cross_origin(
            &post,
            &headers(&[("host", "a.example")]),
            None
        ));
        assert!(!cross_origin(
            &Method::GET,
            &headers(&[("sec-fetch-site", "cross-site")]),
            None
        ));
    }

    #[test]
    fn with_a_public_url_the_origin_must_be_it_whatever_the_host_says() {
        let post = Method::POST;
        let public = Some("https://approval.example.gov.cn");
        // An attacker's page on a host that resolves here, with a Host: to match.
        assert!(cross_origin(
            &post,
            &headers(&[("origin", "http://evil.example"), ("host", "evil.example")]),
            public
        ));
        // The right host over plain HTTP is another origin.
        assert!(cross_origin(
            &post,
            &headers(&[
                ("origin", "http://approval.example.gov.cn"),
                ("host", "approval.example.gov.cn")
            ]),
            public
        ));
        assert!(!cross_origin(
            &post,
            &headers(&[
                ("origin", "https://approval.example.gov.cn"),
                ("host", "10.0.0.5:8080")
            ]),
            public
        ));
    }

    #[tokio::test]
    async fn a_framework_rejection_becomes_a_typed_error() {
        let r = rejection(StatusCode::BAD_REQUEST, "Cannot parse `x` to a `u64`");
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let body = axum::body::to_bytes(r.into_body(), 4096).await.unwrap();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["error"]["code"], "bad_request");
        assert!(v["error"]["message_en"].as_str().unwrap().contains("u64"));
        let r = rejection(StatusCode::NOT_FOUND, "");
        let body = axum::body::to_bytes(r.into_body(), 4096).await.unwrap();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["error"]["code"], "not_found");
    }

    #[test]
    fn encoded_nul_is_found_in_path_and_query() {
        assert!(has_encoded_nul(&"/api/v1/cases/%00".parse().unwrap()));
        assert!(has_encoded_nul(&"/x?q=a%00b".parse().unwrap()));
        assert!(!has_encoded_nul(&"/x?q=%2500".parse().unwrap()));
        assert!(!has_encoded_nul(&"/x?q=100%25".parse().unwrap()));
    }
}
