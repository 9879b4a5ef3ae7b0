//! The CVs repository: records and texts in the user's partition, and the per-user CV slots
//! counted on the profile.

use std::sync::Arc;

use serde_json::{Value, json};

use super::insert_in_slot;
use super::layout::{CV_PREFIX, attr, cv_key, cv_text_key, profile_key};
use super::pending_work::{mark, unmark};
use crate::domain::cv::{CvError, CvRecord, CvSource, CvStatus, FailureReason, MAX_CVS_PER_USER};
use crate::domain::job::{Job, WORK_LEASE_SECONDS};
use crate::ports::{Condition, Item, ItemStore, StoreError, Update, WriteOp};

#[derive(Clone)]
pub struct CvStore {
    store: Arc<dyn ItemStore>,
}

/// The job that extracts a CV's text.
pub fn extraction_job(user_id: &str, cv_id: &str) -> Job {
    Job::ExtractCv {
        user_id: user_id.to_owned(),
        cv_id: cv_id.to_owned(),
    }
}

/// When extraction started at `now` is due for the sweep.
fn extraction_due(now: time::OffsetDateTime) -> i64 {
    now.unix_timestamp() + WORK_LEASE_SECONDS
}

/// The time as CV records keep it.
fn timestamp(now: time::OffsetDateTime) -> Result<String, StoreError> {
    now.format(&time::format_description::well_known::Rfc3339)
        .map_err(StoreError::backend)
}

fn status(status: CvStatus) -> Value {
    Value::from(status.as_str())
}

/// The updates that move a record to a status, or to `failed` with a reason.
fn outcome_updates(
    to: Result<CvStatus, FailureReason>,
    now: time::OffsetDateTime,
) -> Result<Vec<Update>, StoreError> {
    let mut updates = vec![Update::set(attr::UPDATED_AT, timestamp(now)?)];
    match to {
        Ok(to) => updates.push(Update::Set(attr::STATUS.into(), status(to))),
        Err(reason) => {
            updates.push(Update::Set(attr::STATUS.into(), status(CvStatus::Failed)));
            updates.push(Update::set(attr::FAILURE_REASON, reason.as_str()));
        }
    }
    Ok(updates)
}

fn text_item(user_id: &str, cv_id: &str, text: &str) -> Result<Item, StoreError> {
    Item::of(cv_text_key(user_id, cv_id), &json!({ attr::TEXT: text }))
}

impl CvStore {
    pub fn new(store: Arc<dyn ItemStore>) -> Self {
        Self { store }
    }

    /// Writes a new CV record (and its text, if any) while taking one of the user's slots; a
    /// record that arrives `processing` is marked as pending work in the same write.
    pub async fn insert(
        &self,
        user_id: &str,
        record: &CvRecord,
        text: Option<&str>,
    ) -> Result<(), CvError> {
        let text = match text {
            Some(text) => Some(text_item(user_id, &record.id, text)?),
            None => None,
        };
        // A CV whose text is still to be extracted is pending work for the sweep.
        let pending = match record.status {
            CvStatus::Processing => Some(mark(
                &extraction_job(user_id, &record.id),
                extraction_due(record.updated_at),
            )?),
            _ => None,
        };
        let slot = (attr::CVS_COUNT, MAX_CVS_PER_USER);
        let item = Item::of(cv_key(user_id, &record.id), record)?;
        match insert_in_slot(self.store.as_ref(), user_id, slot, item, text, pending).await? {
            true => Ok(()),
            false => Err(CvError::LimitReached),
        }
    }

    pub async fn get(&self, user_id: &str, cv_id: &str) -> Result<Option<CvRecord>, StoreError> {
        match self.store.get(&cv_key(user_id, cv_id)).await? {
            Some(item) => Ok(Some(item.decode()?)),
            None => Ok(None),
        }
    }

    /// The extracted (or given) text of a CV.
    pub async fn text(&self, user_id: &str, cv_id: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .store
            .get(&cv_text_key(user_id, cv_id))
            .await?
            .and_then(|item| item.str_attr(attr::TEXT).map(str::to_owned)))
    }

    /// The user's CVs, newest first.
    pub async fn list(&self, user_id: &str) -> Result<Vec<CvRecord>, StoreError> {
        super::newest_first(self.store.as_ref(), user_id, CV_PREFIX).await
    }

    /// Moves a CV out of `from`, to a status or to `failed` with a reason. `None` when the
    /// CV was no longer in `from` (someone else moved it first).
    pub async fn transition(
        &self,
        user_id: &str,
        cv_id: &str,
        from: CvStatus,
        to: Result<CvStatus, FailureReason>,
        now: time::OffsetDateTime,
    ) -> Result<Option<CvRecord>, StoreError> {
        let result = self
            .store
            .update(
                &cv_key(user_id, cv_id),
                outcome_updates(to, now)?,
                Some(Condition::Equals(attr::STATUS.into(), status(from))),
            )
            .await;
        match result {
            Ok(item) => Ok(Some(item.decode()?)),
            Err(StoreError::ConditionFailed) => Ok(None),
            Err(other) => Err(other),
        }
    }

    /// Moves an uploaded CV from `uploading` to `processing`, marked as pending work in the
    /// same write. `false` when it was no longer uploading (someone else moved it first).
    pub async fn begin_extraction(
        &self,
        user_id: &str,
        cv_id: &str,
        now: time::OffsetDateTime,
    ) -> Result<bool, StoreError> {
        self.move_and_mark(
            user_id,
            cv_id,
            (CvStatus::Uploading, CvStatus::Processing),
            now,
            mark(&extraction_job(user_id, cv_id), extraction_due(now))?,
        )
        .await
    }

    /// Undoes `begin_extraction` when the job could not be queued, so completing the upload
    /// again retries; `false` when it was no longer processing.
    pub async fn undo_extraction(
        &self,
        user_id: &str,
        cv_id: &str,
        now: time::OffsetDateTime,
    ) -> Result<bool, StoreError> {
        self.move_and_mark(
            user_id,
            cv_id,
            (CvStatus::Processing, CvStatus::Uploading),
            now,
            unmark(&extraction_job(user_id, cv_id)),
        )
        .await
    }

    async fn move_and_mark(
        &self,
        user_id: &str,
        cv_id: &str,
        (from, to): (CvStatus, CvStatus),
        now: time::OffsetDateTime,
        marker: WriteOp,
    ) -> Result<bool, StoreError> {
        let result = self
            .store
            .transact(vec![
                WriteOp::Update {
                    key: cv_key(user_id, cv_id),
                    updates: outcome_updates(Ok(to), now)?,
                    condition: Some(Condition::Equals(attr::STATUS.into(), status(from))),
                },
                marker,
            ])
            .await;
        match result {
            Ok(()) => Ok(true),
            Err(StoreError::TransactionCancelled { .. }) => Ok(false),
            Err(other) => Err(other),
        }
    }

    /// Records the outcome of extraction on a `processing` CV: its text and `ready`, or
    /// `failed` with a reason. A CV no longer processing (deleted, or finished by an earlier
    /// delivery of the same job) is left as it is.
    pub async fn finish_extraction(
        &self,
        user_id: &str,
        cv_id: &str,
        outcome: Result<String, FailureReason>,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let processing = Some(Condition::Equals(
            attr::STATUS.into(),
            status(CvStatus::Processing),
        ));
        let key = cv_key(user_id, cv_id);
        let ops = match outcome {
            Ok(text) => {
                let mut updates = outcome_updates(Ok(CvStatus::Ready), now)?;
                updates.push(Update::set(attr::TEXT_CHARS, text.chars().count()));
                vec![
                    WriteOp::Update {
                        key,
                        updates,
                        condition: processing,
                    },
                    WriteOp::Put {
                        item: text_item(user_id, cv_id, &text)?,
                        condition: None,
                    },
                ]
            }
            Err(reason) => vec![WriteOp::Update {
                key,
                updates: outcome_updates(Err(reason), now)?,
                condition: processing,
            }],
        };
        match self.store.transact(ops).await {
            Ok(()) | Err(StoreError::TransactionCancelled { .. }) => Ok(()),
            Err(other) => Err(other),
        }
    }

    /// Replaces the text of a `ready` CV. `false` when the CV is gone or no longer ready.
    pub async fn replace_text(
        &self,
        user_id: &str,
        record: &CvRecord,
        text: &str,
    ) -> Result<bool, StoreError> {
        let mut updates = vec![
            Update::set(attr::UPDATED_AT, timestamp(record.updated_at)?),
            Update::set(attr::TEXT_CHARS, text.chars().count()),
        ];
        if record.source == CvSource::Text {
            updates.push(Update::set(attr::SIZE_BYTES, text.len()));
        }
        let result = self
            .store
            .transact(vec![
                WriteOp::Update {
                    key: cv_key(user_id, &record.id),
                    updates,
                    condition: Some(Condition::Equals(
                        attr::STATUS.into(),
                        status(CvStatus::Ready),
                    )),
                },
                WriteOp::Put {
                    item: text_item(user_id, &record.id, text)?,
                    condition: None,
                },
            ])
            .await;
        match result {
            Ok(()) => Ok(true),
            Err(StoreError::TransactionCancelled { .. }) => Ok(false),
            Err(other) => Err(other),
        }
    }

    /// Deletes a CV's items and frees its slot; `false` when it was already gone.
    pub async fn delete(&self, user_id: &str, cv_id: &str) -> Result<bool, StoreError> {
        self.delete_if(user_id, cv_id, Condition::Present).await
    }

    /// Deletes a CV still waiting for its upload, and frees its slot; `false` when it was
    /// completed or deleted meanwhile.
    pub async fn delete_upload(&self, user_id: &str, cv_id: &str) -> Result<bool, StoreError> {
        let uploading = Condition::Equals(attr::STATUS.into(), status(CvStatus::Uploading));
        self.delete_if(user_id, cv_id, uploading).await
    }

    /// Deletes a CV whose extraction could not be queued, and frees its slot: the request
    /// that made it fails, and leaves nothing behind. `false` when it was no longer
    /// processing (or never written).
    pub async fn delete_unqueued(&self, user_id: &str, cv_id: &str) -> Result<bool, StoreError> {
        let processing = Condition::Equals(attr::STATUS.into(), status(CvStatus::Processing));
        self.delete_if(user_id, cv_id, processing).await
    }

    async fn delete_if(
        &self,
        user_id: &str,
        cv_id: &str,
        condition: Condition,
    ) -> Result<bool, StoreError> {
        let result = self
            .store
            .transact(vec![
                WriteOp::Delete {
                    key: cv_key(user_id, cv_id),
                    condition: Some(condition),
                },
                WriteOp::Delete {
                    key: cv_text_key(user_id, cv_id),
                    condition: None,
                },
                WriteOp::Update {
                    key: profile_key(user_id),
                    updates: vec![Update::Add(attr::CVS_COUNT.into(), -1)],
                    condition: Some(Condition::Present),
                },
                unmark(&extraction_job(user_id, cv_id)),
            ])
            .await;
        match result {
            Ok(()) => Ok(true),
            // Deleted concurrently: the other request freed the slot.
            Err(StoreError::TransactionCancelled { .. }) => Ok(false),
            Err(other) => Err(other),
        }
    }
}
