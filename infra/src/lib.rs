//! Hosting outside Lambda: every function's routes in one server with the embedded adapters
//! and the worker in process.

pub mod counting;
pub mod legacy;

use std::sync::Arc;

use axum::Router;
use cyi_shared::Services;
use cyi_shared::adapters::embedded::directory::upload_router;
use cyi_shared::services::EmbeddedParts;
use utoipa::OpenApi;

/// `bank/` at the workspace root.
pub fn default_bank_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../bank")
}

/// Counts of the bank per position, difficulty and language, as printed by `cyi-bank`.
pub fn bank_summary(bank: &cyi_shared::domain::bank::Bank) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let counts = cyi_shared::domain::bank::technical_counts(bank);
    for position in cyi_shared::domain::Position::ALL {
        let per: Vec<String> = counts
            .iter()
            .filter(|((p, _), _)| *p == position)
            .map(|((_, d), n)| format!("{d:?} {n}").to_lowercase())
            .collect();
        let total: usize = counts
            .iter()
            .filter(|((p, _), _)| *p == position)
            .map(|(_, n)| n)
            .sum();
        let _ = writeln!(
            out,
            "technical {:<6} {total:>4} ({}), each in en and ko",
            position.as_str(),
            per.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "behavioral        {:>4} across {} competencies, each in en and ko",
        bank.behavioral.len(),
        bank.competencies.len()
    );
    out
}

/// Every function's routes, without the shared layers.
pub fn routes(services: Services) -> Router {
    Router::new()
        .merge(cyi_auth::router(services.clone()))
        .merge(cyi_upload::router(services.clone()))
        .merge(cyi_questions::router(services.clone()))
        .merge(cyi_evaluation::router(services))
        .merge(cyi_web::router())
}

/// Every HTTP route of the service, with the shared layers, as the local host serves it (and
/// the tests and the bench start it): with the embedded family, its upload route too.
pub fn app(
    services: Services,
    parts: Option<&EmbeddedParts>,
    cors_allowed_origins: &[String],
) -> Router {
    let mut routes = routes(services);
    if let Some(parts) = parts {
        routes = routes.merge(upload_router(Arc::clone(&parts.blobs)));
    }
    cyi_shared::http::finish(routes, cors_allowed_origins)
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Chat Your Interview API",
        description = "Mock interviews for software developers: CVs, questions, answers, evaluations."
    ),
    paths(cyi_shared::http::health, cyi_shared::http::openapi),
    components(schemas(cyi_shared::http::Problem, cyi_shared::domain::FieldError)),
    modifiers(&BearerTokens)
)]
struct ServiceDoc;

/// Bearer tokens from `POST /auth/login`, described as the OAuth2 password flow so OpenAPI
/// tools can log in by themselves.
struct BearerTokens;

impl utoipa::Modify for BearerTokens {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Flow, OAuth2, Password, Scopes, SecurityScheme};
        let flow = Flow::Password(Password::new("/auth/login", Scopes::new()));
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("bearer", SecurityScheme::OAuth2(OAuth2::new([flow])));
    }
}

/// The OpenAPI document of the whole API, assembled from every function's description.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let mut document = ServiceDoc::openapi();
    document.merge(cyi_auth::ApiDoc::openapi());
    document.merge(cyi_upload::ApiDoc::openapi());
    document.merge(cyi_questions::ApiDoc::openapi());
    document.merge(cyi_evaluation::ApiDoc::openapi());
    document
}

/// The document as committed in `openapi.json` (pretty JSON with a final newline).
pub fn openapi_json() -> String {
    let mut json = openapi_document()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    json.push('\n');
    json
}
