//! The Lambda entry points: configuration and adapters built once at init (a bad variable
//! stops the init with its name), then every event served with them.

pub mod sqs;

use std::future::Future;

use aws_lambda_events::event::sqs::SqsEvent;
use axum::Router;
use lambda_runtime::{LambdaEvent, service_fn};

use crate::config::Config;
use crate::ports::Delivery;
use crate::{Services, http, telemetry};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Runs an HTTP function: its routes behind API Gateway, with the shared layers.
pub async fn serve_http(routes: impl FnOnce(Services) -> Router) -> Result<(), BoxError> {
    telemetry::init();
    let config = Config::from_env()?;
    let (services, _) = Services::from_config(&config).await?;
    let app = http::finish(routes(services), &config.cors_allowed_origins);
    lambda_http::run(app).await
}

/// Runs an HTTP function that needs no configuration and no adapters (the page's files):
/// its routes behind API Gateway, with the shared layers.
pub async fn serve_routes(routes: Router) -> Result<(), BoxError> {
    telemetry::init();
    lambda_http::run(http::finish(routes, &[])).await
}

/// Runs the queue consumer: each SQS batch goes to `process`, which returns the ids of the
/// messages that failed; only those are retried (`ReportBatchItemFailures`).
pub async fn serve_queue<F, Fut>(process: F) -> Result<(), BoxError>
where
    F: Fn(Services, Vec<Delivery>) -> Fut,
    Fut: Future<Output = Vec<String>>,
{
    telemetry::init();
    let config = Config::from_env()?;
    let (services, _) = Services::from_config(&config).await?;
    let process = &process;
    let services = &services;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| async move {
        let failed = process(services.clone(), sqs::deliveries(event.payload)).await;
        Ok::<_, BoxError>(sqs::batch_response(failed))
    }))
    .await
}

/// Runs a scheduled function: each event (a schedule's, whose content does not matter) runs
/// `task` once, and what it reports is the response, so an invocation's result shows in the
/// console and the logs.
pub async fn serve_schedule<F, Fut, R>(task: F) -> Result<(), BoxError>
where
    F: Fn(Services) -> Fut,
    Fut: Future<Output = R>,
    R: serde::Serialize,
{
    telemetry::init();
    let config = Config::from_env()?;
    let (services, _) = Services::from_config(&config).await?;
    let task = &task;
    let services = &services;
    lambda_runtime::run(service_fn(
        move |_: LambdaEvent<serde_json::Value>| async move {
            Ok::<_, BoxError>(task(services.clone()).await)
        },
    ))
    .await
}
