//! The job queue: slow work (CV extraction, LLM calls) handed to the worker, delivered at least
//! once, redelivered after the visibility timeout, dead-lettered after the maximum receives.

use std::time::Duration;

use async_trait::async_trait;

use crate::domain::job::Job;

/// A message as the consumer receives it.
#[derive(Clone, Debug, PartialEq)]
pub struct Delivery {
    pub message_id: String,
    /// Handle to delete this receipt of the message.
    pub receipt: String,
    pub body: String,
    /// How many times the message has been received, this time included.
    pub receive_count: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("the message could not be encoded")]
    Encode(#[from] serde_json::Error),
    #[error("the job queue failed")]
    Backend(#[source] anyhow::Error),
}

impl QueueError {
    pub fn backend(error: impl Into<anyhow::Error>) -> Self {
        Self::Backend(error.into())
    }
}

#[async_trait]
pub trait JobQueue: Send + Sync {
    /// Sends a raw message body and returns the message id.
    async fn send_raw(&self, body: String) -> Result<String, QueueError>;
    /// Receives up to `max` messages, waiting up to `wait` for the first.
    async fn receive(&self, max: usize, wait: Duration) -> Result<Vec<Delivery>, QueueError>;
    /// Acknowledges a message so it is not delivered again.
    async fn delete(&self, receipt: &str) -> Result<(), QueueError>;
    /// Receives up to `max` messages from the dead-letter queue (for operators and tests).
    async fn receive_dead_letters(&self, max: usize) -> Result<Vec<Delivery>, QueueError>;
    /// Receives after which this queue dead-letters a message: a job failing on that receive
    /// gets no other chance, so it must leave a visible failure.
    fn max_receives(&self) -> u32;

    /// Queues a job for the worker.
    async fn send(&self, job: &Job) -> Result<String, QueueError> {
        self.send_raw(serde_json::to_string(job)?).await
    }
}

/// Queue behaviour shared by the provisioning code, the template and the embedded queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueueSettings {
    pub visibility_timeout: Duration,
    /// Receives after which a message moves to the dead-letter queue.
    pub max_receives: u32,
}

impl QueueSettings {
    /// What production uses: six times the worker's 30 s timeout, four tries.
    pub const PRODUCTION: Self = Self {
        visibility_timeout: Duration::from_secs(180),
        max_receives: 4,
    };
}
