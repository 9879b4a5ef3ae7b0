//! Job postings: the openings a candidate prepares for, pasted as text (the service never
//! fetches a URL), read for their requirements when saved, listed and deleted like CVs.

use std::sync::Arc;

use crate::domain::posting::{NewPosting, PostingError, PostingRecord, extract_requirements};
use crate::ports::{Clock, IdGenerator, is_well_formed_id};
use crate::storage::postings::PostingStore;

/// The posting use cases, with only what they use.
#[derive(Clone)]
pub struct Postings {
    pub(crate) repo: PostingStore,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) ids: Arc<dyn IdGenerator>,
}

impl Postings {
    pub fn new(repo: PostingStore, clock: Arc<dyn Clock>, ids: Arc<dyn IdGenerator>) -> Self {
        Self { repo, clock, ids }
    }

    /// Saves a posting with the requirements read from its text.
    pub async fn create(
        &self,
        user_id: &str,
        posting: NewPosting,
    ) -> Result<PostingRecord, PostingError> {
        let record = PostingRecord {
            id: self.ids.new_id(),
            title: posting.title,
            company: posting.company,
            text_chars: posting.text.chars().count(),
            requirements: extract_requirements(&posting.text),
            created_at: self.clock.now(),
        };
        self.repo.insert(user_id, &record, &posting.text).await?;
        Ok(record)
    }

    /// The user's postings, newest first.
    pub async fn list(&self, user_id: &str) -> Result<Vec<PostingRecord>, PostingError> {
        Ok(self.repo.list(user_id).await?)
    }

    /// The user's posting; another user's is not found.
    pub async fn get(
        &self,
        user_id: &str,
        posting_id: &str,
    ) -> Result<PostingRecord, PostingError> {
        if !is_well_formed_id(posting_id) {
            return Err(PostingError::NotFound);
        }
        self.repo
            .get(user_id, posting_id)
            .await?
            .ok_or(PostingError::NotFound)
    }

    pub async fn text(&self, user_id: &str, posting_id: &str) -> Result<String, PostingError> {
        Ok(self
            .repo
            .text(user_id, posting_id)
            .await?
            .unwrap_or_default())
    }

    /// Deletes a posting. Interviews aimed at it keep what they copied when they started.
    pub async fn delete(&self, user_id: &str, posting_id: &str) -> Result<(), PostingError> {
        if !is_well_formed_id(posting_id) || !self.repo.delete(user_id, posting_id).await? {
            return Err(PostingError::NotFound);
        }
        Ok(())
    }
}
