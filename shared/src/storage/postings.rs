//! The job postings repository: records and texts in the user's partition, and the per-user
//! posting slots counted on the profile.

use std::sync::Arc;

use serde_json::json;

use super::insert_in_slot;
use super::layout::{POSTING_PREFIX, attr, posting_key, posting_text_key, profile_key};
use crate::domain::posting::{MAX_POSTINGS_PER_USER, PostingError, PostingRecord};
use crate::ports::{Condition, Item, ItemStore, StoreError, Update, WriteOp};

#[derive(Clone)]
pub struct PostingStore {
    store: Arc<dyn ItemStore>,
}

impl PostingStore {
    pub fn new(store: Arc<dyn ItemStore>) -> Self {
        Self { store }
    }

    /// Writes a new posting and its text while taking one of the user's slots.
    pub async fn insert(
        &self,
        user_id: &str,
        record: &PostingRecord,
        text: &str,
    ) -> Result<(), PostingError> {
        match self.try_insert(user_id, record, text).await {
            Err(PostingError::LimitReached) if self.starts_counting(user_id).await? => {
                self.try_insert(user_id, record, text).await
            }
            other => other,
        }
    }

    /// A profile from before postings has no count, and a bound cannot hold on a missing
    /// number: adding 0 creates it at 0 (and changes nothing on a profile that has it).
    /// `true` when the profile lacked it.
    async fn starts_counting(&self, user_id: &str) -> Result<bool, StoreError> {
        let Some(profile) = self.store.get(&profile_key(user_id)).await? else {
            return Ok(false);
        };
        if profile.attrs.get(attr::POSTINGS_COUNT).is_some() {
            return Ok(false);
        }
        self.store
            .update(
                &profile_key(user_id),
                vec![Update::Add(attr::POSTINGS_COUNT.into(), 0)],
                Some(Condition::Present),
            )
            .await?;
        Ok(true)
    }

    async fn try_insert(
        &self,
        user_id: &str,
        record: &PostingRecord,
        text: &str,
    ) -> Result<(), PostingError> {
        let slot = (attr::POSTINGS_COUNT, MAX_POSTINGS_PER_USER);
        let text = Item::of(
            posting_text_key(user_id, &record.id),
            &json!({ attr::TEXT: text }),
        )?;
        let record = Item::of(posting_key(user_id, &record.id), record)?;
        match insert_in_slot(self.store.as_ref(), user_id, slot, record, Some(text), None).await? {
            true => Ok(()),
            false => Err(PostingError::LimitReached),
        }
    }

    pub async fn get(
        &self,
        user_id: &str,
        posting_id: &str,
    ) -> Result<Option<PostingRecord>, StoreError> {
        match self.store.get(&posting_key(user_id, posting_id)).await? {
            Some(item) => Ok(Some(item.decode()?)),
            None => Ok(None),
        }
    }

    pub async fn text(
        &self,
        user_id: &str,
        posting_id: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(self
            .store
            .get(&posting_text_key(user_id, posting_id))
            .await?
            .and_then(|item| item.str_attr(attr::TEXT).map(str::to_owned)))
    }

    /// The user's postings, newest first.
    pub async fn list(&self, user_id: &str) -> Result<Vec<PostingRecord>, StoreError> {
        super::newest_first(self.store.as_ref(), user_id, POSTING_PREFIX).await
    }

    /// Deletes a posting's items and frees its slot; `false` when it was already gone.
    pub async fn delete(&self, user_id: &str, posting_id: &str) -> Result<bool, StoreError> {
        let result = self
            .store
            .transact(vec![
                WriteOp::Delete {
                    key: posting_key(user_id, posting_id),
                    condition: Some(Condition::Present),
                },
                WriteOp::Delete {
                    key: posting_text_key(user_id, posting_id),
                    condition: None,
                },
                WriteOp::Update {
                    key: profile_key(user_id),
                    updates: vec![Update::Add(attr::POSTINGS_COUNT.into(), -1)],
                    condition: Some(Condition::Present),
                },
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
