//! Run records of jobs: a delivery claims the job (in progress, with a lease), then marks it
//! completed (remembered for a week), so redeliveries never call the model twice, and a
//! delivery that dies holding the claim is taken over once its lease runs out. The lease is
//! an attribute judged by the service's clock, not the item's expiry, so it means the same
//! on every adapter whenever their deleters run.

use std::sync::Arc;

use serde_json::{Value, json};

use super::layout::{JobRun, attr, job_run_key};
use crate::ports::{Condition, Item, ItemStore, StoreError, Update};

/// How long a run may hold its claim before another delivery may take it over: longer than
/// a job runs (the worker's timeout is 30 s, a provider chain's latency budget 40 s), and
/// shorter than the queue's visibility timeout (180 s), so the redelivery that follows a
/// worker that died takes over rather than waiting again.
pub const LEASE_SECONDS: i64 = 120;
/// How long a run record is kept: a completed one keeps redeliveries from calling the model
/// again for this long.
pub const DONE_SECONDS: i64 = 7 * 24 * 3600;

const IN_PROGRESS: &str = "in_progress";
const COMPLETED: &str = "completed";

/// What claiming a run found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// This delivery holds the run now.
    Claimed,
    /// An earlier delivery finished it.
    AlreadyDone,
    /// Another delivery holds it; this one should come back later.
    Busy,
}

#[derive(Clone)]
pub struct JobRuns {
    store: Arc<dyn ItemStore>,
}

impl JobRuns {
    pub fn new(store: Arc<dyn ItemStore>) -> Self {
        Self { store }
    }

    pub async fn claim(
        &self,
        user_id: &str,
        run: JobRun<'_>,
        now: i64,
    ) -> Result<Claim, StoreError> {
        let key = job_run_key(user_id, &run);
        let record = Item::new(
            key.clone(),
            json!({ attr::STATE: IN_PROGRESS, attr::LEASE_UNTIL: now + LEASE_SECONDS })
                .as_object()
                .cloned()
                .unwrap_or_default(),
        )
        .expiring_at(now + DONE_SECONDS);
        match self
            .store
            .put(record.clone(), Some(Condition::Absent))
            .await
        {
            Ok(()) => return Ok(Claim::Claimed),
            Err(StoreError::ConditionFailed) => {}
            Err(other) => return Err(other),
        }
        let existing = self.store.get(&key).await?;
        let Some(existing) = existing else {
            // Released or expired between the two calls: the next delivery claims it.
            return Ok(Claim::Busy);
        };
        if existing.str_attr(attr::STATE) == Some(COMPLETED) {
            return Ok(Claim::AlreadyDone);
        }
        // A claim whose holder outlived its lease has died: take it over, unless another
        // delivery takes it first.
        match existing.int_attr(attr::LEASE_UNTIL) {
            Some(lease_until) if lease_until <= now => {
                let unchanged = Condition::equals(attr::LEASE_UNTIL, Value::from(lease_until));
                match self.store.put(record, Some(unchanged)).await {
                    Ok(()) => Ok(Claim::Claimed),
                    Err(StoreError::ConditionFailed) => Ok(Claim::Busy),
                    Err(other) => Err(other),
                }
            }
            _ => Ok(Claim::Busy),
        }
    }

    /// Marks the run completed. A record that is gone (the account was deleted meanwhile) is
    /// not written again.
    pub async fn complete(
        &self,
        user_id: &str,
        run: JobRun<'_>,
        now: i64,
    ) -> Result<(), StoreError> {
        let result = self
            .store
            .update(
                &job_run_key(user_id, &run),
                vec![
                    Update::set(attr::STATE, COMPLETED),
                    Update::Remove(attr::LEASE_UNTIL.into()),
                    Update::ExpireAt(now + DONE_SECONDS),
                ],
                Some(Condition::Present),
            )
            .await;
        match result {
            Ok(_) | Err(StoreError::ConditionFailed) => Ok(()),
            Err(other) => Err(other),
        }
    }

    /// Lets a later delivery retry at once instead of waiting out the lease. Best effort:
    /// if it fails, the lease still runs out.
    pub async fn release(&self, user_id: &str, run: JobRun<'_>) {
        let in_progress = Condition::equals(attr::STATE, IN_PROGRESS);
        match self
            .store
            .delete(&job_run_key(user_id, &run), Some(in_progress))
            .await
        {
            // Completed meanwhile, or gone: nothing to release.
            Ok(()) | Err(StoreError::ConditionFailed) => {}
            Err(error) => {
                tracing::warn!(?error, "releasing a job run failed; its lease will expire")
            }
        }
    }
}
