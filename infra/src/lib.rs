//! Hosting outside Lambda: every function's routes in one server with the embedded adapters
//! and the worker in process; and the local event source that feeds the worker function under
//! `cargo lambda watch` (`pump`).

pub mod cost;
pub mod counting;
pub mod legacy;
pub mod pump;

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

/// Resolves when the process is asked to stop: Ctrl-C, or SIGTERM where there is one.
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// How often the local host sweeps queued work for jobs that were lost.
pub const SWEEP_INTERVAL: std::time::Duration = std::time::Duration::from_secs(60);

/// The local host's sweep: at once, as a host that has just started (its in-memory queue
/// lost every job, and no run it held survives), then every `interval` (see
/// `cyi_shared::sweep`).
pub async fn sweep_periodically(services: Services, interval: std::time::Duration) {
    let sweep = services.sweep();
    sweep.recover_after_restart().await;
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        sweep.run().await;
    }
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
        description = "Mock interviews for software developers: CVs, questions, answers, evaluations.\n\n\
Authentication: create an account with `POST /auth/signup`, then `POST /auth/login` (JSON \
`{username, password}` or the OAuth2 password form) answers an `access_token`. Send it as \
`Authorization: Bearer <token>` on every other call. A missing, expired or revoked token is a \
401 problem with `WWW-Authenticate: Bearer`; log-out and a password change revoke every token \
issued before them.\n\nErrors are RFC 9457 `application/problem+json` documents (`Problem`) \
with a stable `code`. Slow work (CV text, personal questions, evaluations) runs in the \
background: poll, honouring `Retry-After`."
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

/// The statuses every operation of a kind can answer, documented in one place so no
/// operation forgets one: 401 where a token is needed, 400/413/415/422 where a JSON body is
/// read, 422 where query parameters are checked, 404 where a path names a resource; headers
/// on 401 and 429; stable operation ids; and the links a client (or a fuzzer) follows from
/// a created resource to the operations on it.
struct StandardResponses;

mod standard {
    use utoipa::openapi::path::{Operation, ParameterIn};
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    use utoipa::openapi::{Content, Ref, RefOr, Response};
    use utoipa::openapi::{header::Header, link::LinkBuilder};

    pub const PROBLEM: &str = "application/problem+json";

    fn header(description: &str, of: Type) -> Header {
        let mut header = Header::new(ObjectBuilder::new().schema_type(of));
        header.description = Some(description.to_owned());
        header
    }

    pub fn problem(description: &str) -> Response {
        let mut response = Response::new(description);
        response.content.insert(
            PROBLEM.to_owned(),
            Content::new(Some(Ref::from_schema_name("Problem"))),
        );
        response
    }

    /// Adds a problem response for the status unless the operation describes it already.
    pub fn ensure(operation: &mut Operation, status: &str, description: &str) {
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::T(problem(description)));
    }

    pub fn add_headers(operation: &mut Operation, path: &str) {
        for (status, response) in operation.responses.responses.iter_mut() {
            let RefOr::T(response) = response else {
                continue;
            };
            match status.as_str() {
                "401" => {
                    response.headers.insert(
                        "WWW-Authenticate".into(),
                        header("`Bearer`: send a valid bearer token.", Type::String),
                    );
                }
                "429" => {
                    response.headers.insert(
                        "Retry-After".into(),
                        header(
                            "Seconds until trying again can succeed; absent when waiting does not help (a used-up quota).",
                            Type::Integer,
                        ),
                    );
                }
                "200" if path.ends_with("/next") => {
                    response.headers.insert(
                        "Retry-After".into(),
                        header(
                            "With `pending`: seconds to wait before asking again.",
                            Type::Integer,
                        ),
                    );
                }
                _ => {}
            }
        }
    }

    pub fn needs(operation: &Operation) -> (bool, bool, bool) {
        let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
        let json_body = operation
            .request_body
            .as_ref()
            .is_some_and(|b| b.content.contains_key("application/json"));
        let query = operation
            .parameters
            .iter()
            .flatten()
            .any(|p| p.parameter_in == ParameterIn::Query);
        (secured, json_body, query)
    }

    /// The operation id of a method and path: `get_cvs_id` for `GET /cvs/{id}`.
    pub fn operation_id(method: &str, path: &str) -> String {
        let words: Vec<&str> = path
            .split('/')
            .map(|segment| segment.trim_matches(['{', '}']))
            .filter(|segment| !segment.is_empty())
            .map(|segment| {
                if segment == "openapi.json" {
                    "openapi"
                } else {
                    segment
                }
            })
            .collect();
        format!("{method}_{}", words.join("_"))
    }

    /// Links from a created resource to the operations on it.
    pub fn link(
        operation: &mut Operation,
        status: &str,
        name: &str,
        target: &str,
        parameters: &[(&str, &str)],
    ) {
        let Some(RefOr::T(response)) = operation.responses.responses.get_mut(status) else {
            return;
        };
        let mut link = LinkBuilder::new().operation_id(target);
        for (parameter, expression) in parameters {
            link = link.parameter(*parameter, *expression);
        }
        response
            .links
            .insert(name.to_owned(), RefOr::T(link.build()));
    }
}

impl utoipa::Modify for StandardResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [
                ("get", &mut item.get),
                ("put", &mut item.put),
                ("post", &mut item.post),
                ("delete", &mut item.delete),
                ("patch", &mut item.patch),
            ];
            for (method, operation) in operations {
                let Some(operation) = operation else { continue };
                operation.operation_id = Some(standard::operation_id(method, path));
                let (secured, json_body, query) = standard::needs(operation);
                if secured {
                    standard::ensure(operation, "401", "No valid bearer token");
                }
                if json_body {
                    standard::ensure(operation, "400", "The body is not well-formed JSON");
                    standard::ensure(operation, "413", "The body is too large");
                    standard::ensure(operation, "415", "The body is not `application/json`");
                    standard::ensure(operation, "422", "Invalid fields, each named in `errors`");
                }
                if query {
                    standard::ensure(
                        operation,
                        "400",
                        "The query string is malformed (a repeated parameter)",
                    );
                    standard::ensure(
                        operation,
                        "422",
                        "Invalid query parameters, each named in `errors`",
                    );
                }
                if path.contains('{') {
                    standard::ensure(operation, "404", "No such resource of yours");
                }
                standard::add_headers(operation, path);
            }
        }
        let id = [("id", "$response.body#/id")];
        for (path, statuses, links) in [
            (
                "/cvs",
                &["201", "202"][..],
                &[("GetCv", "get_cvs_id"), ("DeleteCv", "delete_cvs_id")][..],
            ),
            (
                "/cvs/uploads",
                &["201"][..],
                &[
                    ("CompleteUpload", "post_cvs_id_complete"),
                    ("GetCv", "get_cvs_id"),
                ][..],
            ),
            (
                "/interviews",
                &["201"][..],
                &[
                    ("GetInterview", "get_interviews_id"),
                    ("NextQuestion", "get_interviews_id_next"),
                    ("Report", "get_interviews_id_report"),
                ][..],
            ),
        ] {
            let Some(operation) = openapi
                .paths
                .paths
                .get_mut(path)
                .and_then(|p| p.post.as_mut())
            else {
                continue;
            };
            for status in statuses {
                for (name, target) in links {
                    standard::link(operation, status, name, target, &id);
                }
            }
            if path == "/interviews" {
                standard::link(
                    operation,
                    "201",
                    "AnswerFirstQuestion",
                    "put_interviews_id_answers_question_id",
                    &[
                        ("id", "$response.body#/id"),
                        ("question_id", "$response.body#/next/id"),
                    ],
                );
            }
        }
    }
}

/// The OpenAPI document of the whole API, assembled from every function's description.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let mut document = ServiceDoc::openapi();
    document.merge(cyi_auth::ApiDoc::openapi());
    document.merge(cyi_upload::ApiDoc::openapi());
    document.merge(cyi_upload::jobs::ApiDoc::openapi());
    document.merge(cyi_questions::ApiDoc::openapi());
    document.merge(cyi_evaluation::ApiDoc::openapi());
    // The standard responses go on every function's operations, after the merge.
    utoipa::Modify::modify(&StandardResponses, &mut document);
    document
}

/// The document as committed in `openapi.json` (pretty JSON with a final newline).
pub fn openapi_json() -> String {
    let mut json = serde_json::to_value(openapi_document())
        .map(|mut document| {
            link_field_names(&mut document);
            document
        })
        .and_then(|document| serde_json::to_string_pretty(&document))
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    json.push('\n');
    json
}

/// utoipa writes a link's fields in snake case; OpenAPI spells them in camel case.
fn link_field_names(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::Object(links)) = map.get_mut("links") {
                for link in links.values_mut() {
                    if let serde_json::Value::Object(link) = link {
                        for (from, to) in [
                            ("operation_id", "operationId"),
                            ("operation_ref", "operationRef"),
                            ("request_body", "requestBody"),
                        ] {
                            if let Some(field) = link.remove(from) {
                                link.insert(to.to_owned(), field);
                            }
                        }
                    }
                }
            }
            map.values_mut().for_each(link_field_names);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(link_field_names),
        _ => {}
    }
}
