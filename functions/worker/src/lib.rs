//! The worker: one job per message, each in its own span. The same code serves SQS batches in
//! Lambda and the in-process queue on the local host.

pub mod cv_text;
pub mod jobs;

use std::sync::Arc;
use std::time::Duration;

use cyi_shared::cvs::{self, CvStatus, FailureReason};
use cyi_shared::jobs::Job;
use cyi_shared::ports::{Delivery, JobQueue, QueueSettings};
use cyi_shared::{ApiError, Services};
use tracing::Instrument;

/// Why a job failed; the message is retried until the queue dead-letters it.
#[derive(Debug)]
pub enum JobFailure {
    /// The body is not a job this worker knows: retrying will not help, the queue's
    /// maximum receives moves it to the dead-letter queue.
    Unreadable(serde_json::Error),
    /// A dependency failed (store, blob store); a later delivery may succeed.
    Dependency(ApiError),
    /// Another delivery of the same job holds it; this one comes back later.
    Busy,
    /// The model failed or answered invalidly.
    Llm(cyi_shared::llm::LlmError),
    /// The job cannot be done (its data is inconsistent); retrying will not help.
    Invalid(String),
}

impl JobFailure {
    /// Whether a later delivery may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Unreadable(_) | Self::Invalid(_) => false,
            Self::Llm(error) => error.is_retryable(),
            Self::Dependency(_) | Self::Busy => true,
        }
    }

    /// The reason shown to the user when this failure is final.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Llm(cyi_shared::llm::LlmError::Invalid(_)) => "invalid_model_output",
            Self::Llm(_) => "model_unavailable",
            _ => "processing_error",
        }
    }
}

impl From<ApiError> for JobFailure {
    fn from(error: ApiError) -> Self {
        Self::Dependency(error)
    }
}

/// Whether this is the last delivery the queue will make: a failure now must leave a
/// visible `failed` state rather than a job that silently dies in the dead-letter queue.
fn is_last_attempt(receive_count: u32) -> bool {
    receive_count >= QueueSettings::PRODUCTION.max_receives
}

/// Runs one job. Every job is idempotent: a redelivered job finds its work done and stops.
pub async fn run_job(services: &Services, job: Job, receive_count: u32) -> Result<(), JobFailure> {
    match job {
        Job::ExtractCv { user_id, cv_id } => {
            let result = extract_cv(services, &user_id, &cv_id).await;
            if result.is_err() && is_last_attempt(receive_count) {
                cvs::finish(
                    services,
                    &user_id,
                    &cv_id,
                    Err(FailureReason::ProcessingError),
                )
                .await?;
            }
            result
        }
        Job::GeneratePersonalQuestions {
            user_id,
            interview_id,
        } => {
            jobs::generate_personal_questions(
                services,
                &user_id,
                &interview_id,
                is_last_attempt(receive_count),
            )
            .await
        }
        Job::EvaluateAnswer {
            user_id,
            interview_id,
            question_id,
        } => {
            jobs::evaluate_answer(
                services,
                &user_id,
                &interview_id,
                &question_id,
                is_last_attempt(receive_count),
            )
            .await
        }
    }
}

async fn extract_cv(services: &Services, user_id: &str, cv_id: &str) -> Result<(), JobFailure> {
    let record = match cvs::get(services, user_id, cv_id).await {
        Ok(record) => record,
        // Deleted since it was queued: nothing to do.
        Err(ApiError::NotFound) => return Ok(()),
        Err(other) => return Err(other.into()),
    };
    if record.status != CvStatus::Processing {
        return Ok(());
    }
    let outcome = match services.blobs.get(&cvs::blob_key(user_id, cv_id)).await {
        Ok(Some(bytes)) => cv_text::extract(bytes, cv_text::Limits::PRODUCTION).await,
        Ok(None) => Err(FailureReason::Malformed),
        Err(error) => return Err(ApiError::from(error).into()),
    };
    match &outcome {
        // The reason and sizes only: never the text.
        Ok(text) => tracing::info!(cv_id, chars = text.chars().count(), "CV text extracted"),
        Err(reason) => tracing::warn!(cv_id, ?reason, "CV extraction failed"),
    }
    cvs::finish(services, user_id, cv_id, outcome).await?;
    Ok(())
}

async fn process_one(services: &Services, delivery: &Delivery) -> Result<(), JobFailure> {
    let job: Job = serde_json::from_str(&delivery.body).map_err(JobFailure::Unreadable)?;
    run_job(services, job, delivery.receive_count).await
}

/// Processes a batch concurrently and returns the ids of the messages that failed, so only
/// those are delivered again.
pub async fn process_batch(services: Services, deliveries: Vec<Delivery>) -> Vec<String> {
    let mut running = tokio::task::JoinSet::new();
    let mut message_of_task = std::collections::HashMap::new();
    for delivery in deliveries {
        let message_id = delivery.message_id.clone();
        let services = services.clone();
        let span = tracing::info_span!(
            "job",
            message_id = %delivery.message_id,
            receive_count = delivery.receive_count,
        );
        let task = running.spawn(
            async move {
                let result = process_one(&services, &delivery).await;
                if let Err(failure) = &result {
                    // The failure, never the body: bodies can carry user data.
                    tracing::error!(?failure, "job failed");
                }
                (delivery.message_id, result.is_ok())
            }
            .instrument(span),
        );
        message_of_task.insert(task.id(), message_id);
    }
    let mut failed = Vec::new();
    while let Some(outcome) = running.join_next().await {
        match outcome {
            Ok((_, true)) => {}
            Ok((id, false)) => failed.push(id),
            // A panicking job fails alone; its message is retried like any failure.
            Err(error) => {
                tracing::error!(%error, "job panicked");
                failed.extend(message_of_task.remove(&error.id()));
            }
        }
    }
    failed
}

/// Drains a queue into the worker until the task is dropped: the local host's stand-in for
/// the SQS event source. Messages that succeed are deleted; the rest come back after the
/// visibility timeout and are dead-lettered after the maximum receives.
pub async fn consume(services: Services, queue: Arc<dyn JobQueue>) {
    loop {
        let deliveries = match queue.receive(10, Duration::from_secs(20)).await {
            Ok(deliveries) => deliveries,
            Err(error) => {
                tracing::error!(?error, "receiving jobs failed");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        if deliveries.is_empty() {
            continue;
        }
        let receipts: Vec<(String, String)> = deliveries
            .iter()
            .map(|d| (d.message_id.clone(), d.receipt.clone()))
            .collect();
        let failed = process_batch(services.clone(), deliveries).await;
        for (id, receipt) in receipts {
            if failed.contains(&id) {
                continue;
            }
            if let Err(error) = queue.delete(&receipt).await {
                tracing::error!(?error, message_id = %id, "acknowledging a job failed");
            }
        }
    }
}
