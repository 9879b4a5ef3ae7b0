//! HTTP helpers every function shares: the request id, the JSON extractor whose rejections
//! are problems, the fallbacks for unknown routes and methods, CORS, and the routes every
//! function answers (`/health`, `/openapi.json`).

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tracing::Instrument;

pub mod current_user;
pub mod problem;
pub mod schema;

pub use current_user::CurrentUser;
pub use problem::{ApiError, PROBLEM_CONTENT_TYPE, Problem};

pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being served, if any.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// The id API Gateway gave the request, else a well-formed `x-request-id` from the caller,
/// else a new one.
fn request_id_of(request: &Request) -> String {
    #[cfg(feature = "lambda")]
    if let Some(lambda_http::request::RequestContext::ApiGatewayV2(context)) =
        request
            .extensions()
            .get::<lambda_http::request::RequestContext>()
        && let Some(id) = &context.request_id
    {
        return id.clone();
    }
    request
        .headers()
        .get(&REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|id| {
            !id.is_empty()
                && id.len() <= 128
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

async fn with_request_id(request: Request, next: Next) -> Response {
    let id = request_id_of(&request);
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %request.method(),
        path = %request.uri().path(),
    );
    let started = std::time::Instant::now();
    let mut response = REQUEST_ID
        .scope(id.clone(), next.run(request))
        .instrument(span.clone())
        .await;
    span.in_scope(|| {
        tracing::info!(
            status = response.status().as_u16(),
            elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
            "request served"
        );
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}

async fn not_found() -> ApiError {
    ApiError::NotFound
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// Wraps a function's routes with what every HTTP function has: the common routes, problem
/// fallbacks, CORS for the configured origins and the request id.
pub fn finish(routes: Router, cors_allowed_origins: &[String]) -> Router {
    routes
        .merge(common_routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(cors(cors_allowed_origins))
        .layer(middleware::from_fn(with_request_id))
}

fn cors(origins: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
            Method::OPTIONS,
        ])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            REQUEST_ID_HEADER,
        ])
        .expose_headers([
            REQUEST_ID_HEADER,
            header::RETRY_AFTER,
            header::WWW_AUTHENTICATE,
            header::LOCATION,
        ])
        .max_age(std::time::Duration::from_secs(600))
}

/// The OpenAPI document of the whole API, generated from the code by `cyi-local --openapi`
/// and checked against it by a test, so every function can serve it without linking the
/// others.
pub const OPENAPI_DOCUMENT: &str = include_str!("../../../openapi.json");

fn common_routes() -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/openapi.json", get(openapi))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(example = json!({"status": "ok", "version": "0.1.0"}))]
pub struct Health {
    pub status: &'static str,
    pub version: &'static str,
}

/// Liveness: answers when the function can serve requests.
#[utoipa::path(get, path = "/health", tag = "service",
    responses((status = 200, description = "The service is up", body = Health)))]
pub async fn health() -> Json<Health> {
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// The OpenAPI 3.1 document of this API.
#[utoipa::path(get, path = "/openapi.json", tag = "service",
    responses((status = 200, description = "OpenAPI 3.1 document", content_type = "application/json")))]
pub async fn openapi() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        OPENAPI_DOCUMENT,
    )
}

/// A JSON body whose every rejection is a problem: wrong content type 415, malformed 400,
/// a field of the wrong shape 422 naming the field.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::UnsupportedMediaType(
                "send the body as application/json".into(),
            )),
            Err(JsonRejection::JsonDataError(e)) => Err(data_error(&e.body_text())),
            Err(JsonRejection::BytesRejection(e)) if e.status().as_u16() == 413 => {
                Err(ApiError::PayloadTooLarge(format!(
                    "the body is larger than {DEFAULT_BODY_LIMIT} bytes"
                )))
            }
            Err(e) => Err(ApiError::BadRequest(e.body_text())),
        }
    }
}

/// Query parameters whose every rejection is a problem: a malformed query string (a
/// repeated parameter, an unreadable escape) is a 400.
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| Self(value))
            .map_err(|rejection| ApiError::BadRequest(rejection.body_text()))
    }
}

/// A JSON number that is a whole number (`3`, or `3.0` as some clients write it).
pub fn as_whole_number(value: &serde_json::Value) -> Option<u64> {
    let number = value.as_number()?;
    number.as_u64().or_else(|| {
        number
            .as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= u64::MAX as f64)
            .map(|f| f as u64)
    })
}

/// Axum's default body limit, which JSON routes keep.
pub const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// Turns serde's "field: message" into a field error.
fn data_error(text: &str) -> ApiError {
    let text = text
        .strip_prefix("Failed to deserialize the JSON body into the target type: ")
        .unwrap_or(text);
    match text.split_once(": ") {
        Some((field, message)) if !field.contains(' ') => ApiError::invalid(field, message),
        _ => match text.split_once('`') {
            Some((_, rest)) if text.starts_with("missing field") => {
                let field = rest.split('`').next().unwrap_or_default();
                ApiError::invalid(field, "is required")
            }
            _ => ApiError::invalid("body", text),
        },
    }
}
