//! The job queue on SQS, with a dead-letter queue behind it.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::{Message, MessageSystemAttributeName};

use crate::ports::job_queue::{Delivery, JobQueue, QueueError};

pub struct SqsJobQueue {
    client: Client,
    queue_url: String,
    dead_letter_queue_url: String,
    /// The redrive policy's `maxReceiveCount`, as configured beside the queue.
    max_receives: u32,
}

impl SqsJobQueue {
    pub fn new(
        client: Client,
        queue_url: String,
        dead_letter_queue_url: String,
        max_receives: u32,
    ) -> Self {
        Self {
            client,
            queue_url,
            dead_letter_queue_url,
            max_receives,
        }
    }

    async fn receive_from(
        &self,
        queue_url: &str,
        max: usize,
        wait: Duration,
    ) -> Result<Vec<Delivery>, QueueError> {
        let output = self
            .client
            .receive_message()
            .queue_url(queue_url)
            .max_number_of_messages(max.clamp(1, 10) as i32)
            .wait_time_seconds(wait.as_secs().min(20) as i32)
            .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
            .send()
            .await
            .map_err(QueueError::backend)?;
        Ok(output
            .messages
            .unwrap_or_default()
            .into_iter()
            .filter_map(delivery)
            .collect())
    }
}

fn delivery(message: Message) -> Option<Delivery> {
    let receive_count = message
        .attributes()
        .and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount))
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    Some(Delivery {
        message_id: message.message_id?,
        receipt: message.receipt_handle?,
        body: message.body.unwrap_or_default(),
        receive_count,
    })
}

#[async_trait]
impl JobQueue for SqsJobQueue {
    fn max_receives(&self) -> u32 {
        self.max_receives
    }

    async fn send_raw(&self, body: String) -> Result<String, QueueError> {
        let output = self
            .client
            .send_message()
            .queue_url(&self.queue_url)
            .message_body(body)
            .send()
            .await
            .map_err(QueueError::backend)?;
        Ok(output.message_id.unwrap_or_default())
    }

    async fn receive(&self, max: usize, wait: Duration) -> Result<Vec<Delivery>, QueueError> {
        self.receive_from(&self.queue_url, max, wait).await
    }

    async fn delete(&self, receipt: &str) -> Result<(), QueueError> {
        self.client
            .delete_message()
            .queue_url(&self.queue_url)
            .receipt_handle(receipt)
            .send()
            .await
            .map_err(QueueError::backend)?;
        Ok(())
    }

    async fn receive_dead_letters(&self, max: usize) -> Result<Vec<Delivery>, QueueError> {
        self.receive_from(&self.dead_letter_queue_url, max, Duration::ZERO)
            .await
    }
}
