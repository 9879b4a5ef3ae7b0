//! The local host as a client meets it: real HTTP on a free loopback port.

use crate::common::{Api, embedded};
use reqwest::Method;
use serde_json::Value;

fn problem_content_type(response: &reqwest::Response) -> &str {
    response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn health_answers_json() {
    let api = Api::start(embedded().await, &[]).await;
    let response = api.health().await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-request-id"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn unknown_route_is_a_404_problem_with_the_request_id() {
    let api = Api::start(embedded().await, &[]).await;
    let response = api
        .request(Method::GET, "/no/such/route")
        .header("x-request-id", "trace-me-123")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(problem_content_type(&response), "application/problem+json");
    assert_eq!(response.headers()["x-request-id"], "trace-me-123");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["type"], "/problems/not_found");
    assert_eq!(body["status"], 404);
    assert_eq!(body["request_id"], "trace-me-123");
}

#[tokio::test]
async fn a_malformed_request_id_is_replaced() {
    let api = Api::start(embedded().await, &[]).await;
    let response = api
        .request(Method::GET, "/health")
        .header("x-request-id", "bad id with spaces")
        .send()
        .await
        .unwrap();
    let id = response.headers()["x-request-id"].to_str().unwrap();
    assert_ne!(id, "bad id with spaces");
    assert!(!id.is_empty());
}

#[tokio::test]
async fn wrong_method_is_a_405_problem() {
    let api = Api::start(embedded().await, &[]).await;
    let response = api.request(Method::DELETE, "/health").send().await.unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(problem_content_type(&response), "application/problem+json");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "method_not_allowed");
}

#[tokio::test]
async fn served_openapi_document_is_the_one_generated_from_the_code() {
    let api = Api::start(embedded().await, &[]).await;
    let served: Value = api.openapi().await.json().await.unwrap();
    let generated: Value = serde_json::from_str(&cyi_infra::openapi_json()).unwrap();
    assert_eq!(
        served, generated,
        "openapi.json is stale: regenerate it with `cargo run --bin cyi-local -- --openapi > openapi.json`"
    );
    assert_eq!(served["openapi"], "3.1.0");
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let api = Api::start(embedded().await, &["http://localhost:5173"]).await;
    let preflight = |origin: &'static str| {
        api.request(Method::OPTIONS, "/health")
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "authorization")
            .send()
    };
    let allowed = preflight("http://localhost:5173").await.unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "http://localhost:5173"
    );
    let refused = preflight("https://evil.example").await.unwrap();
    assert!(
        !refused
            .headers()
            .contains_key("access-control-allow-origin")
    );
}
