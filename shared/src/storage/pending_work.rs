//! Pending-work markers: one item per piece of queued work (a CV to extract, personal
//! questions to write, an answer to evaluate), written in the same transaction as the work
//! itself and removed once its result is recorded. The sweep reads them to find work whose
//! job was lost; reading a few small partitions is all it costs, however many users there
//! are, since a marker lives only as long as its work is unfinished.

use std::sync::Arc;

use serde_json::json;

use super::layout::{
    PENDING_SHARDS, attr, pending_partition, pending_user_prefix, pending_work_key,
};
use crate::domain::job::Job;
use crate::ports::item_store::query_all;
use crate::ports::{Condition, Item, ItemStore, StoreError, Update, WriteOp};

/// A marker as the sweep reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingJob {
    pub job: Job,
    /// Unix seconds after which, still without a result, its job is sent again.
    pub due_at: i64,
    /// How many times the sweep has sent its job again.
    pub sends: u32,
}

/// The write that marks new work, for the transaction that creates it.
pub fn mark(job: &Job, due_at: i64) -> Result<WriteOp, StoreError> {
    let attrs = json!({
        attr::JOB: serde_json::to_value(job).map_err(StoreError::backend)?,
        attr::DUE_AT: due_at,
        attr::SENDS: 0,
    });
    Ok(WriteOp::Put {
        item: Item::of(pending_work_key(job), &attrs)?,
        condition: None,
    })
}

/// The write that removes a marker, for a transaction that undoes its work.
pub fn unmark(job: &Job) -> WriteOp {
    WriteOp::Delete {
        key: pending_work_key(job),
        condition: None,
    }
}

#[derive(Clone)]
pub struct PendingWork {
    store: Arc<dyn ItemStore>,
}

impl PendingWork {
    pub fn new(store: Arc<dyn ItemStore>) -> Self {
        Self { store }
    }

    /// Every marker of one shard; a marker that does not decode is skipped with a warning
    /// rather than stopping the sweep.
    pub async fn shard(&self, shard: u32) -> Result<Vec<PendingJob>, StoreError> {
        let items = query_all(self.store.as_ref(), &pending_partition(shard), "").await?;
        Ok(items.into_iter().filter_map(decode).collect())
    }

    /// The shards markers are spread over.
    pub fn shards() -> std::ops::Range<u32> {
        0..PENDING_SHARDS
    }

    /// Records that the work's job was sent again and when it is next due. A marker removed
    /// meanwhile (the work finished) is not written again.
    pub async fn resent(&self, pending: &PendingJob, due_at: i64) -> Result<(), StoreError> {
        self.reschedule(
            &pending.job,
            vec![
                Update::set(attr::DUE_AT, due_at),
                Update::set(attr::SENDS, pending.sends + 1),
            ],
        )
        .await
    }

    /// Makes work whose job may not be in the queue (it could not be sent, the write that
    /// made it may or may not have happened, the queue gave up on it) due at `now`, so the
    /// next sweep sends it. Best effort: otherwise it is due when its lease runs out. Work
    /// that does not exist is not marked.
    pub async fn due_now(&self, job: &Job, now: i64) {
        let result = self
            .reschedule(job, vec![Update::set(attr::DUE_AT, now)])
            .await;
        if let Err(error) = result {
            tracing::warn!(
                ?error,
                ?job,
                "work could not be made due; it is due after its lease"
            );
        }
    }

    async fn reschedule(&self, job: &Job, updates: Vec<Update>) -> Result<(), StoreError> {
        let result = self
            .store
            .update(&pending_work_key(job), updates, Some(Condition::Present))
            .await;
        match result {
            Ok(_) | Err(StoreError::ConditionFailed) => Ok(()),
            Err(other) => Err(other),
        }
    }

    /// Removes the marker of finished (or vanished) work.
    pub async fn remove(&self, job: &Job) -> Result<(), StoreError> {
        self.store.delete(&pending_work_key(job), None).await
    }

    /// Removes every marker of a user (account deletion).
    pub async fn remove_all_of(&self, user_id: &str) -> Result<(), StoreError> {
        let (partition, prefix) = pending_user_prefix(user_id);
        for item in query_all(self.store.as_ref(), &partition, &prefix).await? {
            self.store.delete(&item.key, None).await?;
        }
        Ok(())
    }
}

fn decode(item: Item) -> Option<PendingJob> {
    let due_at = item.int_attr(attr::DUE_AT);
    let sends = item.int_attr(attr::SENDS);
    let job = item
        .attrs
        .get(attr::JOB)
        .cloned()
        .and_then(|job| serde_json::from_value(job).ok());
    match (job, due_at, sends) {
        (Some(job), Some(due_at), Some(sends)) => Some(PendingJob {
            job,
            due_at,
            sends: u32::try_from(sends).unwrap_or(u32::MAX),
        }),
        _ => {
            tracing::warn!(key = ?item.key, "a pending-work marker does not decode; skipped");
            None
        }
    }
}
