//! The job queue in a SQLite file that several processes share (the functions under
//! `cargo lambda watch` send, `cyi-local pump` receives), with SQS's delivery rules: a batch
//! of at most ten per receive, a received message invisible for the visibility timeout and
//! back if not deleted, its receive count kept, and a move to the dead-letter queue when a
//! receive would exceed the maximum receives.
//!
//! Its own file beside the items, so that polling for jobs never waits on an item write. A
//! receive in the process that sent is woken at once; other processes' messages are found
//! by polling.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use rusqlite::{Connection, TransactionBehavior, params};
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::ports::job_queue::{Delivery, JobQueue, QueueError, QueueSettings};

/// How often a waiting receive looks for messages other processes sent.
const POLL_INTERVAL: Duration = Duration::from_millis(100);
/// SQS's limits: ten messages per receive, a long poll of at most 20 s.
const MAX_BATCH: usize = 10;
const MAX_WAIT: Duration = Duration::from_secs(20);

pub struct SqliteJobQueue {
    settings: QueueSettings,
    connection: Arc<Mutex<Connection>>,
    arrived: Notify,
}

/// Which of the two queues in the file a message is in.
#[derive(Clone, Copy)]
enum Queue {
    Live = 0,
    Dead = 1,
}

impl SqliteJobQueue {
    /// Opens (creating when missing) the queue in the file; `settings` are this process's
    /// view of the queue's attributes, so every process sharing the file needs the same.
    pub fn open(path: &Path, settings: QueueSettings) -> Result<Self, QueueError> {
        let connection = Connection::open(path).map_err(QueueError::backend)?;
        connection
            .busy_timeout(Duration::from_secs(10))
            .map_err(QueueError::backend)?;
        connection
            .execute_batch(
                "PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = NORMAL;
                 CREATE TABLE IF NOT EXISTS messages (
                     seq INTEGER PRIMARY KEY AUTOINCREMENT,
                     id TEXT NOT NULL UNIQUE,
                     body TEXT NOT NULL,
                     queue INTEGER NOT NULL,
                     receive_count INTEGER NOT NULL,
                     visible_at_ms INTEGER NOT NULL,
                     receipt TEXT
                 );
                 CREATE INDEX IF NOT EXISTS messages_by_visibility
                     ON messages (queue, visible_at_ms);
                 CREATE INDEX IF NOT EXISTS messages_by_receipt ON messages (receipt);",
            )
            .map_err(QueueError::backend)?;
        Ok(Self {
            settings,
            connection: Arc::new(Mutex::new(connection)),
            arrived: Notify::new(),
        })
    }

    /// Runs blocking SQLite work off the async threads.
    async fn with_connection<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Connection, i64) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, QueueError> {
        let connection = Arc::clone(&self.connection);
        tokio::task::spawn_blocking(move || {
            let mut connection = connection
                .lock()
                .map_err(|_| QueueError::backend(anyhow::anyhow!("queue lock poisoned")))?;
            work(&mut connection, now_ms()).map_err(QueueError::backend)
        })
        .await
        .map_err(QueueError::backend)?
    }

    /// Takes up to `max` visible messages of `queue` in one transaction, hiding each for the
    /// visibility timeout; in the live queue, a message already received the maximum number
    /// of times moves to the dead-letter queue instead.
    async fn take_visible(&self, queue: Queue, max: usize) -> Result<Vec<Delivery>, QueueError> {
        let settings = self.settings;
        self.with_connection(move |connection, now| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let hidden_until = now + settings.visibility_timeout.as_millis() as i64;
            let mut deliveries = Vec::new();
            // Passes go on past the messages already handled: those a pass dead-letters leave
            // room in the batch, and one handled stays out of it even with no visibility timeout.
            let mut after = 0;
            while deliveries.len() < max {
                let candidates = visible(&tx, queue, now, after, max - deliveries.len())?;
                if candidates.is_empty() {
                    break;
                }
                for (seq, message_id, body, receive_count) in candidates {
                    after = seq;
                    if matches!(queue, Queue::Live) && receive_count >= settings.max_receives {
                        tx.execute(
                            "UPDATE messages SET queue = ?2, visible_at_ms = ?3, receipt = NULL
                             WHERE seq = ?1",
                            params![seq, Queue::Dead as i64, now],
                        )?;
                        continue;
                    }
                    // A dead letter's count stays the tries it had.
                    let receive_count = match queue {
                        Queue::Live => receive_count + 1,
                        Queue::Dead => receive_count,
                    };
                    let receipt = uuid::Uuid::new_v4().to_string();
                    tx.execute(
                        "UPDATE messages SET receive_count = ?2, visible_at_ms = ?3, receipt = ?4
                         WHERE seq = ?1",
                        params![seq, receive_count, hidden_until, receipt],
                    )?;
                    deliveries.push(Delivery {
                        message_id,
                        receipt,
                        body,
                        receive_count,
                    });
                }
            }
            tx.commit()?;
            Ok(deliveries)
        })
        .await
    }
}

/// The oldest visible messages of a queue sent after `after`: sequence, id, body, receives so
/// far.
fn visible(
    connection: &Connection,
    queue: Queue,
    now: i64,
    after: i64,
    limit: usize,
) -> rusqlite::Result<Vec<(i64, String, String, u32)>> {
    let mut statement = connection.prepare_cached(
        "SELECT seq, id, body, receive_count FROM messages
         WHERE queue = ?1 AND visible_at_ms <= ?2 AND seq > ?3 ORDER BY seq LIMIT ?4",
    )?;
    statement
        .query_map(params![queue as i64, now, after, limit as i64], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })?
        .collect()
}

/// Milliseconds since the Unix epoch: a clock every process on the machine shares.
fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

#[async_trait]
impl JobQueue for SqliteJobQueue {
    fn max_receives(&self) -> u32 {
        self.settings.max_receives
    }

    async fn send_raw(&self, body: String) -> Result<String, QueueError> {
        let id = uuid::Uuid::new_v4().to_string();
        let message_id = id.clone();
        self.with_connection(move |connection, now| {
            connection.execute(
                "INSERT INTO messages (id, body, queue, receive_count, visible_at_ms)
                 VALUES (?1, ?2, ?3, 0, ?4)",
                params![message_id, body, Queue::Live as i64, now],
            )
        })
        .await?;
        self.arrived.notify_one();
        Ok(id)
    }

    async fn receive(&self, max: usize, wait: Duration) -> Result<Vec<Delivery>, QueueError> {
        let deadline = Instant::now() + wait.min(MAX_WAIT);
        loop {
            let deliveries = self
                .take_visible(Queue::Live, max.clamp(1, MAX_BATCH))
                .await?;
            let now = Instant::now();
            if !deliveries.is_empty() || now >= deadline {
                return Ok(deliveries);
            }
            tokio::select! {
                () = self.arrived.notified() => {}
                () = tokio::time::sleep(POLL_INTERVAL.min(deadline - now)) => {}
            }
        }
    }

    async fn delete(&self, receipt: &str) -> Result<(), QueueError> {
        let receipt = receipt.to_owned();
        self.with_connection(move |connection, _| {
            connection.execute(
                "DELETE FROM messages WHERE receipt = ?1 AND queue = ?2",
                params![receipt, Queue::Live as i64],
            )
        })
        .await?;
        Ok(())
    }

    /// As SQS's dead-letter queue: what is received stays there, hidden for the visibility
    /// timeout. Its receive count is the tries the message had before it moved.
    async fn receive_dead_letters(&self, max: usize) -> Result<Vec<Delivery>, QueueError> {
        self.take_visible(Queue::Dead, max.clamp(1, MAX_BATCH))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SETTINGS: QueueSettings = QueueSettings {
        visibility_timeout: Duration::from_millis(300),
        max_receives: 2,
    };

    /// Two handles on one file stand for two processes: what one sends, the other receives.
    #[tokio::test]
    async fn a_message_sent_by_one_process_is_received_by_another() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("jobs.sqlite3");
        let sender = SqliteJobQueue::open(&path, SETTINGS).unwrap();
        let receiver = SqliteJobQueue::open(&path, SETTINGS).unwrap();
        let waiting = tokio::spawn(async move {
            let received = receiver.receive(10, Duration::from_secs(5)).await.unwrap();
            (receiver, received)
        });
        tokio::time::sleep(Duration::from_millis(150)).await;
        let id = sender.send_raw("job".into()).await.unwrap();
        let (receiver, received) = waiting.await.unwrap();
        assert_eq!(received.len(), 1);
        assert_eq!(received[0].message_id, id);
        receiver.delete(&received[0].receipt).await.unwrap();
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert!(sender.receive(10, Duration::ZERO).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn with_no_visibility_timeout_a_batch_holds_each_message_once() {
        let dir = tempfile::tempdir().unwrap();
        let settings = QueueSettings {
            visibility_timeout: Duration::ZERO,
            max_receives: 5,
        };
        let queue = SqliteJobQueue::open(&dir.path().join("jobs.sqlite3"), settings).unwrap();
        queue.send_raw("a".into()).await.unwrap();
        queue.send_raw("b".into()).await.unwrap();
        let batch = queue.receive(10, Duration::ZERO).await.unwrap();
        let bodies: Vec<&str> = batch.iter().map(|d| d.body.as_str()).collect();
        assert_eq!(bodies, ["a", "b"]);
        assert!(batch.iter().all(|d| d.receive_count == 1));
    }

    #[tokio::test]
    async fn a_stale_receipt_deletes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let queue = SqliteJobQueue::open(&dir.path().join("jobs.sqlite3"), SETTINGS).unwrap();
        queue.send_raw("job".into()).await.unwrap();
        let first = queue.receive(1, Duration::ZERO).await.unwrap();
        tokio::time::sleep(Duration::from_millis(400)).await;
        let second = queue.receive(1, Duration::ZERO).await.unwrap();
        queue.delete(&first[0].receipt).await.unwrap();
        tokio::time::sleep(Duration::from_millis(400)).await;
        let dead = queue.receive(1, Duration::ZERO).await.unwrap();
        assert!(dead.is_empty(), "third receive is past the maximum");
        let letters = queue.receive_dead_letters(10).await.unwrap();
        assert_eq!(
            letters.len(),
            1,
            "the stale receipt left the message in place"
        );
        assert_eq!(letters[0].message_id, second[0].message_id);
        assert_eq!(letters[0].receive_count, 2);
        assert!(
            queue.receive_dead_letters(10).await.unwrap().is_empty(),
            "a received dead letter is hidden for the visibility timeout"
        );
    }
}
