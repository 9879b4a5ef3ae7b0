//! The worker: one job per message, each in its own span. The same code serves SQS batches in
//! Lambda and the in-process queue on the local host.

pub mod cv_text;
pub mod docx_text;
pub mod limits;

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use cyi_shared::domain::cv::{CvError, CvStatus, FailureReason};
use cyi_shared::domain::job::{Job, JobError};
use cyi_shared::ports::{Delivery, JobQueue};
use cyi_shared::{Services, event_source};
use tracing::Instrument;

/// Runs one job, received for the `receive_count`th time. Every job is idempotent: a
/// redelivered job finds its work done (or its data deleted) and stops quietly. On the last
/// receive the queue in use makes, a failure must leave a visible `failed` state rather than
/// a job that silently dies in the dead-letter queue. A job that ends well clears its work's
/// pending marker, so the sweep has nothing to send again; one that fails its last receive
/// makes its work due, so the next sweep sends it again (or clears it, if it failed visibly).
pub async fn run_job(services: &Services, job: Job, receive_count: u32) -> Result<(), JobError> {
    let last_attempt = receive_count >= services.queue.max_receives();
    let result = run(services, &job, last_attempt).await;
    match &result {
        Ok(()) => services.sweep().work_finished(&job).await,
        // The queue gives up on it now: whatever it left, the sweep looks at it next.
        Err(_) if last_attempt => services.sweep().queue_gave_up(&job).await,
        Err(_) => {}
    }
    result
}

async fn run(services: &Services, job: &Job, last_attempt: bool) -> Result<(), JobError> {
    match job {
        Job::ExtractCv { user_id, cv_id } => {
            let result = extract_cv(services, user_id, cv_id).await;
            if result.is_err() && last_attempt {
                services
                    .cvs()
                    .finish_extraction(user_id, cv_id, Err(FailureReason::ProcessingError))
                    .await
                    .map_err(unexpected)?;
            }
            result
        }
        Job::GeneratePersonalQuestions {
            user_id,
            interview_id,
        } => {
            services
                .interview_jobs()
                .write_personal_questions(user_id, interview_id, last_attempt)
                .await
        }
        Job::EvaluateAnswer {
            user_id,
            interview_id,
            question_id,
        } => {
            services
                .interview_jobs()
                .evaluate_answer(user_id, interview_id, question_id, last_attempt)
                .await
        }
        Job::EvaluateRetry {
            user_id,
            interview_id,
            question_id,
            attempt,
        } => {
            services
                .interview_jobs()
                .evaluate_retry(user_id, interview_id, question_id, *attempt, last_attempt)
                .await
        }
    }
}

fn unexpected(error: CvError) -> JobError {
    JobError::Unexpected(error.into())
}

async fn extract_cv(services: &Services, user_id: &str, cv_id: &str) -> Result<(), JobError> {
    let cvs = services.cvs();
    let record = match cvs.get(user_id, cv_id).await {
        Ok(record) => record,
        // Deleted since it was queued: nothing to do.
        Err(CvError::NotFound) => {
            tracing::debug!(cv_id, "the CV is gone; job dropped");
            return Ok(());
        }
        Err(other) => return Err(unexpected(other)),
    };
    if record.status != CvStatus::Processing {
        return Ok(());
    }
    let outcome = match cvs.file(user_id, cv_id).await.map_err(unexpected)? {
        Some(bytes) => cv_text::extract(bytes, cv_text::Limits::PRODUCTION).await,
        None => Err(FailureReason::Malformed),
    };
    match &outcome {
        // The reason and sizes only: never the text.
        Ok(text) => tracing::info!(cv_id, chars = text.chars().count(), "CV text extracted"),
        Err(reason) => tracing::warn!(cv_id, ?reason, "CV extraction failed"),
    }
    cvs.finish_extraction(user_id, cv_id, outcome)
        .await
        .map_err(unexpected)
}

async fn process_one(services: &Services, delivery: &Delivery) -> Result<(), JobError> {
    let job: Job =
        serde_json::from_str(&delivery.body).map_err(|e| JobError::Unreadable(e.to_string()))?;
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

/// Drains a queue into the worker in this process until the task is dropped: the local host's
/// stand-in for the SQS event source, with its rules (`event_source::drain`).
pub async fn consume(services: Services, queue: Arc<dyn JobQueue>) {
    event_source::drain(queue.as_ref(), |batch| {
        let services = services.clone();
        async move { Ok::<_, Infallible>(process_batch(services, batch).await) }
    })
    .await;
}

/// Receives one batch (waiting up to `wait` for it), runs it, and deletes the messages that
/// succeeded; the rest come back after the visibility timeout and are dead-lettered after the
/// maximum receives. Returns how many messages the batch held.
pub async fn consume_batch(
    services: &Services,
    queue: &dyn JobQueue,
    wait: Duration,
) -> Result<usize, cyi_shared::ports::QueueError> {
    let deliveries = queue.receive(10, wait).await?;
    let received = deliveries.len();
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
    Ok(received)
}
