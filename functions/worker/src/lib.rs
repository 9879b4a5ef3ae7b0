//! The worker: one job per message, each in its own span. The same code serves SQS batches in
//! Lambda and the in-process queue on the local host.

use std::sync::Arc;
use std::time::Duration;

use cyi_shared::Services;
use cyi_shared::jobs::Job;
use cyi_shared::ports::{Delivery, JobQueue};
use tracing::Instrument;

/// Why a job failed; the message is retried until the queue dead-letters it.
#[derive(Debug)]
pub enum JobFailure {
    /// The body is not a job this worker knows: retrying will not help, the queue's
    /// maximum receives moves it to the dead-letter queue.
    Unreadable(serde_json::Error),
}

/// Runs one job.
pub async fn run_job(_services: &Services, job: Job) -> Result<(), JobFailure> {
    match job {}
}

async fn process_one(services: &Services, delivery: &Delivery) -> Result<(), JobFailure> {
    let job: Job = serde_json::from_str(&delivery.body).map_err(JobFailure::Unreadable)?;
    run_job(services, job).await
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
