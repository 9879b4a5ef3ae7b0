//! Run records of jobs: a delivery claims the job (in progress, with a lease), then marks it
//! completed (remembered for a week), so redeliveries never call the model twice, and a
//! delivery that dies holding the claim is taken over once its lease runs out.

use std::sync::Arc;

use serde_json::json;

use super::layout::{JobRun, attr, job_run_key};
use crate::ports::{Condition, Item, ItemStore, StoreError, Update};

/// How long a run may hold its claim before another delivery may take over.
pub const LEASE_SECONDS: i64 = 15 * 60;
/// How long a completed run is remembered.
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
            json!({ attr::STATE: IN_PROGRESS })
                .as_object()
                .cloned()
                .unwrap_or_default(),
        )
        .expiring_at(now + LEASE_SECONDS);
        match self.store.put(record, Some(Condition::Absent)).await {
            Ok(()) => Ok(Claim::Claimed),
            Err(StoreError::ConditionFailed) => {
                let existing = self.store.get(&key).await?;
                Ok(
                    match existing.as_ref().and_then(|i| i.str_attr(attr::STATE)) {
                        Some(COMPLETED) => Claim::AlreadyDone,
                        _ => Claim::Busy,
                    },
                )
            }
            Err(other) => Err(other),
        }
    }

    pub async fn complete(
        &self,
        user_id: &str,
        run: JobRun<'_>,
        now: i64,
    ) -> Result<(), StoreError> {
        self.store
            .update(
                &job_run_key(user_id, &run),
                vec![
                    Update::set(attr::STATE, COMPLETED),
                    Update::ExpireAt(now + DONE_SECONDS),
                ],
                None,
            )
            .await?;
        Ok(())
    }

    /// Lets a later delivery retry at once instead of waiting out the lease. Best effort:
    /// if it fails, the lease still runs out.
    pub async fn release(&self, user_id: &str, run: JobRun<'_>) {
        let in_progress = Condition::equals(attr::STATE, IN_PROGRESS);
        if let Err(error) = self
            .store
            .delete(&job_run_key(user_id, &run), Some(in_progress))
            .await
        {
            tracing::warn!(?error, "releasing a job run failed; its lease will expire");
        }
    }
}
