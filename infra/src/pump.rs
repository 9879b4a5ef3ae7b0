//! The local event source mapping (`cyi-local pump`): what Lambda's SQS trigger does, in front
//! of the worker function served by `cargo lambda watch`. Batches from the job queue (the
//! SQLite queue the functions share, or an SQS endpoint) go to the function's invoke endpoint
//! as SQS events; the messages its answer does not list in `batchItemFailures` are deleted
//! (`cyi_shared::event_source::drain`). Another trigger, such as a schedule, would be one more
//! task beside this one in `cyi-local pump`.

use std::time::Duration;

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use cyi_shared::config::JobQueueLocation;
use cyi_shared::event_source;
use cyi_shared::lambda::sqs;
use cyi_shared::ports::JobQueue;

/// A function behind a Lambda Invoke API (`cargo lambda watch` serves one).
pub struct Invoker {
    client: reqwest::Client,
    /// `POST` here invokes the function.
    invocations: String,
}

#[derive(Debug, thiserror::Error)]
pub enum InvokeError {
    #[error("the invoke endpoint cannot be reached: {0}")]
    Unreachable(#[source] reqwest::Error),
    #[error("the invocation failed: {0}")]
    Transport(#[source] reqwest::Error),
    #[error("the function failed ({status}): {detail}")]
    Function { status: u16, detail: String },
    #[error("the function's answer is not a batch response: {0}")]
    Answer(#[source] serde_json::Error),
}

impl Invoker {
    /// The function `function` at `endpoint` (such as `http://127.0.0.1:9000`); an
    /// invocation may take `timeout`.
    pub fn new(endpoint: &str, function: &str, timeout: Duration) -> anyhow::Result<Self> {
        let endpoint = endpoint.trim_end_matches('/');
        Ok(Self {
            client: reqwest::Client::builder().timeout(timeout).build()?,
            invocations: format!("{endpoint}/2015-03-31/functions/{function}/invocations"),
        })
    }

    /// Invokes the function with the event and reads its partial batch response. A failed
    /// function is what Lambda's Invoke API reports either way: an error status (as
    /// `cargo lambda watch` answers) or `X-Amz-Function-Error`.
    pub async fn invoke(&self, event: &SqsEvent) -> Result<SqsBatchResponse, InvokeError> {
        let response = self
            .client
            .post(&self.invocations)
            .json(event)
            .send()
            .await
            .map_err(|e| {
                if e.is_connect() {
                    InvokeError::Unreachable(e)
                } else {
                    InvokeError::Transport(e)
                }
            })?;
        let status = response.status();
        let function_error = response.headers().contains_key("x-amz-function-error");
        let body = response.bytes().await.map_err(InvokeError::Transport)?;
        if !status.is_success() || function_error {
            return Err(InvokeError::Function {
                status: status.as_u16(),
                detail: String::from_utf8_lossy(&body).chars().take(500).collect(),
            });
        }
        serde_json::from_slice(&body).map_err(InvokeError::Answer)
    }

    /// Waits until the endpoint answers HTTP. The probe is a `GET` of the invocations path,
    /// which the Invoke API refuses by itself, so it starts no function.
    pub async fn wait_until_reachable(&self) {
        let mut logged = false;
        while self.client.get(&self.invocations).send().await.is_err() {
            if !logged {
                tracing::info!(endpoint = %self.invocations, "waiting for the invoke endpoint");
                logged = true;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}

/// Feeds the function from the queue until the task is dropped.
pub async fn run(queue: &dyn JobQueue, invoker: &Invoker, queue_arn: &str) {
    invoker.wait_until_reachable().await;
    tracing::info!(function = %invoker.invocations, "feeding the worker function");
    event_source::drain(queue, |batch| async move {
        let event = sqs::event(&batch, queue_arn);
        match invoker.invoke(&event).await {
            Ok(response) => Ok(sqs::failed_message_ids(response)),
            Err(error) => {
                // Receiving while nobody can run the jobs would spend their receives.
                if matches!(error, InvokeError::Unreachable(_)) {
                    invoker.wait_until_reachable().await;
                }
                Err(error)
            }
        }
    })
    .await;
}

/// The ARN the events name as their source: an SQS queue's own (account and name from its
/// URL, `…/ACCOUNT/NAME`), or a local one for the SQLite queue.
pub fn queue_arn(location: &JobQueueLocation, region: &str) -> String {
    match location {
        JobQueueLocation::Sqs(queue) => {
            let mut segments = queue.queue_url.trim_end_matches('/').rsplit('/');
            let name = segments.next().unwrap_or("jobs");
            let account = segments.next().unwrap_or("000000000000");
            format!("arn:aws:sqs:{region}:{account}:{name}")
        }
        JobQueueLocation::Embedded { .. } => {
            format!("arn:aws:sqs:{region}:000000000000:cyi-local-jobs")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_sqs_queue_is_named_by_its_url() {
        let location = JobQueueLocation::Sqs(cyi_shared::config::SqsQueue {
            queue_url: "http://127.0.0.1:5000/123456789012/cyi-jobs".into(),
            dead_letter_queue_url: "http://127.0.0.1:5000/123456789012/cyi-jobs-dlq".into(),
            max_receives: 4,
        });
        assert_eq!(
            queue_arn(&location, "eu-west-1"),
            "arn:aws:sqs:eu-west-1:123456789012:cyi-jobs"
        );
    }
}
