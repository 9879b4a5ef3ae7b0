//! The event source mapping: what Lambda does between SQS and the worker, for the hosts that
//! play Lambda's part (the local host's worker in process; `cyi-local pump` in front of the
//! worker function under `cargo lambda watch`). A batch is received and handed to the batch
//! handler; the messages it does not report as failed are deleted; the others come back after
//! the visibility timeout, and the queue dead-letters them after its maximum receives.

use std::fmt::Display;
use std::future::Future;
use std::time::Duration;

use crate::ports::{Delivery, JobQueue};

/// Messages per batch: the template's `BatchSize`, and SQS's most per receive.
pub const BATCH_SIZE: usize = 10;
/// How long one receive waits for a first message: SQS's longest poll.
const LONG_POLL: Duration = Duration::from_secs(20);

/// Drains the queue into `handle` until the task is dropped. The handler answers the ids of
/// the messages that failed (`batchItemFailures`), or an error when the batch as a whole
/// failed (the invocation itself), after which every message of it is retried.
pub async fn drain<H, Fut, E>(queue: &dyn JobQueue, mut handle: H)
where
    H: FnMut(Vec<Delivery>) -> Fut,
    Fut: Future<Output = Result<Vec<String>, E>>,
    E: Display,
{
    loop {
        let batch = match queue.receive(BATCH_SIZE, LONG_POLL).await {
            Ok(batch) => batch,
            Err(error) => {
                tracing::error!(?error, "receiving jobs failed");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        if batch.is_empty() {
            continue;
        }
        let receipts: Vec<(String, String)> = batch
            .iter()
            .map(|d| (d.message_id.clone(), d.receipt.clone()))
            .collect();
        let failed = match handle(batch).await {
            Ok(failed) => failed,
            Err(error) => {
                tracing::error!(%error, "the batch failed as a whole; every message is retried");
                continue;
            }
        };
        // As Lambda reads a partial batch response: an id that is not in the batch makes
        // the whole response untrustworthy, so nothing is deleted.
        if let Some(unknown) = failed
            .iter()
            .find(|id| !receipts.iter().any(|(message_id, _)| message_id == *id))
        {
            tracing::error!(%unknown, "batchItemFailures names a message not in the batch; every message is retried");
            continue;
        }
        for (message_id, receipt) in receipts {
            if failed.contains(&message_id) {
                continue;
            }
            if let Err(error) = queue.delete(&receipt).await {
                tracing::error!(?error, %message_id, "acknowledging a job failed");
            }
        }
    }
}
