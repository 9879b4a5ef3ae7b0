//! The candidates' page: `web/index.html` at `/` and `web/assets/` under `/assets/`, on the
//! same origin as the API. Files are read from disk in debug builds (edit and reload) and
//! embedded in release builds, so a Lambda carries the page with it.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "../../web/"]
#[include = "index.html"]
#[include = "assets/**/*"]
struct Page;

/// What the browser may load: our own files only, no inline script, never framed; and it may
/// send requests to our own origin and to where presigned uploads go (`upload_origins`).
pub fn content_security_policy(upload_origins: &[String]) -> String {
    let connect = std::iter::once("'self'")
        .chain(upload_origins.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
         font-src 'self'; connect-src {connect}; media-src 'self' blob:; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The origins of a bucket's presigned URLs, as the SDK writes them (virtual-hosted style).
pub fn bucket_origins(bucket: &str, region: &str) -> Vec<String> {
    vec![
        format!("https://{bucket}.s3.{region}.amazonaws.com"),
        format!("https://{bucket}.s3.amazonaws.com"),
    ]
}

/// The page's routes when uploads go to this origin (the local host).
pub fn router() -> Router {
    router_with_uploads_to(&[])
}

/// The page's routes; unknown paths fall through to the API's 404 problem.
pub fn router_with_uploads_to(upload_origins: &[String]) -> Router {
    let policy = HeaderValue::from_str(&content_security_policy(upload_origins))
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"));
    Router::new()
        .route("/", get(index))
        .route("/index.html", get(index))
        .route("/assets/{*path}", get(asset))
        .with_state(policy)
}

async fn index(State(policy): State<HeaderValue>, headers: HeaderMap) -> Response {
    file("index.html", &headers, policy)
}

async fn asset(
    State(policy): State<HeaderValue>,
    axum::extract::Path(path): axum::extract::Path<String>,
    headers: HeaderMap,
) -> Response {
    file(&format!("assets/{path}"), &headers, policy)
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, extension)| extension) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// One file with its validator: every response says `no-cache`, so a deploy is seen at the
/// next load, and the ETag makes that check a 304 when nothing changed.
fn file(path: &str, headers: &HeaderMap, policy: HeaderValue) -> Response {
    let Some(found) = Page::get(path) else {
        return (StatusCode::NOT_FOUND, "")
            .into_response()
            .with_security_headers(policy);
    };
    let etag = format!("\"{}\"", hex(&found.metadata.sha256_hash()[..16]));
    let unchanged = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag));
    let mut response = if unchanged {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(header::CONTENT_TYPE, content_type(path))],
            found.data.into_owned(),
        )
            .into_response()
    };
    let response_headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        response_headers.insert(header::ETAG, value);
    }
    response_headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response.with_security_headers(policy)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

trait SecurityHeaders {
    fn with_security_headers(self, policy: HeaderValue) -> Self;
}

impl SecurityHeaders for Response {
    fn with_security_headers(mut self, policy: HeaderValue) -> Self {
        let headers = self.headers_mut();
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_lets_the_page_upload_to_the_bucket_and_nowhere_else() {
        let local = content_security_policy(&[]);
        assert!(local.contains("connect-src 'self';"), "{local}");
        let deployed = content_security_policy(&bucket_origins("cvs-bucket", "eu-west-1"));
        assert!(
            deployed.contains(
                "connect-src 'self' https://cvs-bucket.s3.eu-west-1.amazonaws.com https://cvs-bucket.s3.amazonaws.com;"
            ),
            "{deployed}"
        );
        assert!(
            deployed.contains("script-src 'self';") && deployed.contains("frame-ancestors 'none'")
        );
        assert!(HeaderValue::from_str(&deployed).is_ok());
    }
}
