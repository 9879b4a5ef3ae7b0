//! The job queue in process memory, with SQS's delivery rules: a received message stays
//! invisible for the visibility timeout, comes back if not deleted, and moves to the
//! dead-letter list when a receive would exceed the maximum receives.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::ports::job_queue::{Delivery, JobQueue, QueueError, QueueSettings};

struct Message {
    id: String,
    body: String,
    receive_count: u32,
    visible_at: Instant,
    /// Receipt of the latest receive; an older receipt no longer deletes the message.
    receipt: Option<String>,
}

#[derive(Default)]
struct Queues {
    live: VecDeque<Message>,
    dead: VecDeque<Message>,
}

pub struct InProcessJobQueue {
    settings: QueueSettings,
    queues: Mutex<Queues>,
    arrived: Notify,
}

impl InProcessJobQueue {
    pub fn new(settings: QueueSettings) -> Self {
        Self {
            settings,
            queues: Mutex::default(),
            arrived: Notify::new(),
        }
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Queues>, QueueError> {
        self.queues
            .lock()
            .map_err(|_| QueueError::backend(anyhow::anyhow!("queue lock poisoned")))
    }

    fn take_visible(&self, max: usize) -> Result<Vec<Delivery>, QueueError> {
        let mut queues = self.lock()?;
        let now = Instant::now();
        let mut deliveries = Vec::new();
        let mut index = 0;
        while index < queues.live.len() && deliveries.len() < max {
            if queues.live[index].visible_at > now {
                index += 1;
                continue;
            }
            if queues.live[index].receive_count >= self.settings.max_receives {
                if let Some(mut poison) = queues.live.remove(index) {
                    poison.receipt = None;
                    queues.dead.push_back(poison);
                }
                continue;
            }
            let message = &mut queues.live[index];
            message.receive_count += 1;
            message.visible_at = now + self.settings.visibility_timeout;
            let receipt = uuid::Uuid::new_v4().to_string();
            message.receipt = Some(receipt.clone());
            deliveries.push(Delivery {
                message_id: message.id.clone(),
                receipt,
                body: message.body.clone(),
                receive_count: message.receive_count,
            });
            index += 1;
        }
        Ok(deliveries)
    }

    /// When the earliest invisible message becomes visible again, if any.
    fn next_visible_at(&self) -> Option<Instant> {
        let queues = self.queues.lock().ok()?;
        queues.live.iter().map(|m| m.visible_at).min()
    }
}

#[async_trait]
impl JobQueue for InProcessJobQueue {
    fn max_receives(&self) -> u32 {
        self.settings.max_receives
    }

    async fn send_raw(&self, body: String) -> Result<String, QueueError> {
        let id = uuid::Uuid::new_v4().to_string();
        self.lock()?.live.push_back(Message {
            id: id.clone(),
            body,
            receive_count: 0,
            visible_at: Instant::now(),
            receipt: None,
        });
        self.arrived.notify_waiters();
        self.arrived.notify_one();
        Ok(id)
    }

    async fn receive(&self, max: usize, wait: Duration) -> Result<Vec<Delivery>, QueueError> {
        let deadline = Instant::now() + wait;
        loop {
            let arrived = self.arrived.notified();
            let deliveries = self.take_visible(max.max(1))?;
            if !deliveries.is_empty() || Instant::now() >= deadline {
                return Ok(deliveries);
            }
            let wake = self
                .next_visible_at()
                .map_or(deadline, |at| at.clamp(Instant::now(), deadline));
            tokio::select! {
                () = arrived => {}
                () = tokio::time::sleep_until(wake.max(Instant::now() + Duration::from_millis(5))) => {}
            }
        }
    }

    async fn delete(&self, receipt: &str) -> Result<(), QueueError> {
        let mut queues = self.lock()?;
        queues
            .live
            .retain(|m| m.receipt.as_deref() != Some(receipt));
        Ok(())
    }

    async fn receive_dead_letters(&self, max: usize) -> Result<Vec<Delivery>, QueueError> {
        let mut queues = self.lock()?;
        let count = max.min(queues.dead.len());
        Ok(queues
            .dead
            .drain(..count)
            .map(|m| Delivery {
                receipt: m.id.clone(),
                message_id: m.id,
                body: m.body,
                receive_count: m.receive_count,
            })
            .collect())
    }
}
