//! CVs: uploaded as a file, a PDF or a Word .docx (directly or through a presigned PUT), or
//! as plain text; a file's text is extracted by the worker, which records the outcome here.

use std::sync::Arc;

use bytes::Bytes;

use crate::domain::cv::{
    CvError, CvRecord, CvSource, CvStatus, FailureReason, MAX_DIRECT_UPLOAD_BYTES,
    UPLOAD_URL_SECONDS, check_upload, detect_file, parse_text, parse_upload_size,
};
use crate::ports::{BlobStore, Clock, IdGenerator, JobQueue, PresignedPut, is_well_formed_id};
use crate::storage::cvs::{CvStore, extraction_job};
use crate::storage::layout::cv_blob_key;
use crate::storage::pending_work::PendingWork;

/// The CV use cases, with only what they use.
#[derive(Clone)]
pub struct Cvs {
    pub(crate) repo: CvStore,
    pub(crate) pending: PendingWork,
    pub(crate) blobs: Arc<dyn BlobStore>,
    pub(crate) queue: Arc<dyn JobQueue>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) ids: Arc<dyn IdGenerator>,
}

/// What a file upload accepts, for the 415 that refuses anything else.
pub const UNSUPPORTED_FILE: &str = "send a PDF (starting with %PDF-), a Word .docx (a ZIP holding \
     word/document.xml; legacy .doc is not accepted), or JSON {\"text\": ...}";

/// A presigned upload: the record waits in `uploading` until `complete_upload`.
pub struct StartedUpload {
    pub record: CvRecord,
    pub upload: PresignedPut,
}

impl Cvs {
    pub fn new(
        repo: CvStore,
        pending: PendingWork,
        blobs: Arc<dyn BlobStore>,
        queue: Arc<dyn JobQueue>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
    ) -> Self {
        Self {
            repo,
            pending,
            blobs,
            queue,
            clock,
            ids,
        }
    }

    fn new_record(
        &self,
        title: Option<String>,
        source: CvSource,
        status: CvStatus,
        size_bytes: u64,
    ) -> CvRecord {
        let now = self.clock.now();
        CvRecord {
            id: self.ids.new_id(),
            title,
            source,
            status,
            failure_reason: None,
            size_bytes,
            text_chars: None,
            created_at: now,
            updated_at: now,
        }
    }

    /// A plain-text CV: ready at once.
    pub async fn create_from_text(
        &self,
        user_id: &str,
        title: Option<String>,
        text: &str,
    ) -> Result<CvRecord, CvError> {
        let text = parse_text(text)?;
        let mut record = self.new_record(title, CvSource::Text, CvStatus::Ready, text.len() as u64);
        record.text_chars = Some(text.chars().count());
        self.insert(user_id, &record, Some(&text)).await?;
        Ok(record)
    }

    /// A file (PDF or .docx, decided by its content) sent in the request: stored, then
    /// extraction queued. A request that fails half-way leaves nothing behind: no record, no
    /// slot taken, no file.
    pub async fn create_from_file(
        &self,
        user_id: &str,
        title: Option<String>,
        body: Bytes,
    ) -> Result<CvRecord, CvError> {
        if body.len() as u64 > MAX_DIRECT_UPLOAD_BYTES {
            return Err(CvError::TooLargeForDirectUpload);
        }
        let (kind, content_type) = detect_file(&body)
            .and_then(|kind| Some((kind, kind.content_type()?)))
            .ok_or(CvError::UnsupportedType(UNSUPPORTED_FILE))?;
        let record = self.new_record(title, kind, CvStatus::Processing, body.len() as u64);
        let key = cv_blob_key(user_id, &record.id);
        let stored = async {
            self.blobs.put(&key, body, content_type).await?;
            self.insert(user_id, &record, None).await?;
            self.send_extraction(user_id, &record.id).await
        };
        if let Err(error) = stored.await {
            self.discard_upload(user_id, &record.id, &error).await;
            return Err(error);
        }
        Ok(record)
    }

    /// Removes what a direct upload that failed may have left: the record and its slot (a
    /// write whose answer was lost may still have happened) and the file. Best effort: a
    /// record left behind is still extracted by the sweep, a file is removed with the account.
    async fn discard_upload(&self, user_id: &str, cv_id: &str, error: &CvError) {
        if !matches!(error, CvError::LimitReached)
            && let Err(undo) = self.repo.delete_unqueued(user_id, cv_id).await
        {
            tracing::error!(error = ?undo, cv_id, "a failed upload's record could not be removed; the sweep extracts it");
        }
        if let Err(undo) = self.blobs.delete(&cv_blob_key(user_id, cv_id)).await {
            tracing::error!(error = ?undo, cv_id, "a failed upload's file could not be removed");
        }
    }

    async fn send_extraction(&self, user_id: &str, cv_id: &str) -> Result<(), CvError> {
        self.queue.send(&extraction_job(user_id, cv_id)).await?;
        Ok(())
    }

    /// Starts a presigned upload of a file of the given kind (PDF or .docx) of exactly
    /// `content_length` bytes.
    pub async fn start_upload(
        &self,
        user_id: &str,
        title: Option<String>,
        kind: CvSource,
        content_length: u64,
    ) -> Result<StartedUpload, CvError> {
        let content_length = parse_upload_size(content_length)?;
        let Some(content_type) = kind.content_type() else {
            return Err(CvError::UnsupportedType(UNSUPPORTED_FILE));
        };
        let record = self.new_record(title, kind, CvStatus::Uploading, content_length);
        self.insert(user_id, &record, None).await?;
        let upload = self
            .blobs
            .presign_put(
                &cv_blob_key(user_id, &record.id),
                content_type,
                content_length,
                std::time::Duration::from_secs(UPLOAD_URL_SECONDS),
            )
            .await?;
        Ok(StartedUpload { record, upload })
    }

    /// Checks the uploaded object and queues extraction. Completing twice is harmless; a
    /// file that is too large or not of the announced kind fails the CV with that reason. If
    /// the job cannot be queued the CV goes back to `uploading`, so completing again retries.
    pub async fn complete_upload(&self, user_id: &str, cv_id: &str) -> Result<CvRecord, CvError> {
        let mut record = self.get(user_id, cv_id).await?;
        if record.status != CvStatus::Uploading {
            return Ok(record);
        }
        let Some(body) = self.blobs.get(&cv_blob_key(user_id, cv_id)).await? else {
            return Err(CvError::UploadMissing);
        };
        let now = self.clock.now();
        if let Err(reason) = check_upload(&body, record.source) {
            let failed = self
                .repo
                .transition(user_id, cv_id, CvStatus::Uploading, Err(reason), now)
                .await?;
            return match failed {
                Some(record) => Ok(record),
                None => self.get(user_id, cv_id).await,
            };
        }
        match self.repo.begin_extraction(user_id, cv_id, now).await {
            Ok(true) => {}
            // Someone else moved it first (a second completion): report it as it is.
            Ok(false) => return self.get(user_id, cv_id).await,
            Err(error) => {
                // A write whose answer was lost may still have happened: then its work is due
                // at once, so the next sweep sends its job.
                let job = extraction_job(user_id, cv_id);
                self.pending.due_now(&job, self.clock.unix_now()).await;
                return Err(error.into());
            }
        }
        if let Err(error) = self.send_extraction(user_id, cv_id).await {
            if let Err(undo) = self.repo.undo_extraction(user_id, cv_id, now).await {
                tracing::error!(error = ?undo, cv_id, "an upload whose job was refused stays processing; the sweep sends it");
            }
            return Err(error);
        }
        record.status = CvStatus::Processing;
        record.updated_at = now;
        Ok(record)
    }

    /// Records the outcome of extraction on a `processing` CV.
    pub async fn finish_extraction(
        &self,
        user_id: &str,
        cv_id: &str,
        outcome: Result<String, FailureReason>,
    ) -> Result<(), CvError> {
        Ok(self
            .repo
            .finish_extraction(user_id, cv_id, outcome, self.clock.now())
            .await?)
    }

    /// The user's CV; another user's is not found.
    pub async fn get(&self, user_id: &str, cv_id: &str) -> Result<CvRecord, CvError> {
        if !is_well_formed_id(cv_id) {
            return Err(CvError::NotFound);
        }
        self.repo
            .get(user_id, cv_id)
            .await?
            .ok_or(CvError::NotFound)
    }

    /// Corrects the text of the user's ready CV (of any source), under the rules of a text
    /// CV. Interviews already created keep the text they were created with.
    pub async fn replace_text(
        &self,
        user_id: &str,
        cv_id: &str,
        text: &str,
    ) -> Result<CvRecord, CvError> {
        let mut record = self.get(user_id, cv_id).await?;
        let text = parse_text(text)?;
        if let Some(reason) = record.not_ready_reason() {
            return Err(CvError::NotReady(reason));
        }
        record.updated_at = self.clock.now();
        record.text_chars = Some(text.chars().count());
        if record.source == CvSource::Text {
            record.size_bytes = text.len() as u64;
        }
        if self.repo.replace_text(user_id, &record, &text).await? {
            return Ok(record);
        }
        // Deleted, or no longer ready, since it was read.
        let now = self.get(user_id, cv_id).await?;
        Err(CvError::NotReady(
            now.not_ready_reason()
                .unwrap_or_else(|| "The CV changed; try again.".into()),
        ))
    }

    /// The extracted (or given) text of a CV.
    pub async fn text(&self, user_id: &str, cv_id: &str) -> Result<Option<String>, CvError> {
        Ok(self.repo.text(user_id, cv_id).await?)
    }

    /// The user's CVs, newest first.
    pub async fn list(&self, user_id: &str) -> Result<Vec<CvRecord>, CvError> {
        Ok(self.listing(user_id).await?.0)
    }

    /// The user's CVs but abandoned uploads, newest first, which are reclaimed on the way;
    /// and how many were.
    async fn listing(&self, user_id: &str) -> Result<(Vec<CvRecord>, usize), CvError> {
        let now = self.clock.now();
        let (abandoned, kept): (Vec<CvRecord>, Vec<CvRecord>) = self
            .repo
            .list(user_id)
            .await?
            .into_iter()
            .partition(|cv| cv.is_abandoned_upload(now));
        let reclaimed = self.reclaim(user_id, &abandoned).await?;
        Ok((kept, reclaimed))
    }

    /// Writes a new CV, taking a slot; at the limit, the slots of uploads nobody completed
    /// are reclaimed first (they expire on their own only when someone needs the room).
    async fn insert(
        &self,
        user_id: &str,
        record: &CvRecord,
        text: Option<&str>,
    ) -> Result<(), CvError> {
        match self.repo.insert(user_id, record, text).await {
            Err(CvError::LimitReached) => {
                if self.listing(user_id).await?.1 == 0 {
                    return Err(CvError::LimitReached);
                }
                self.repo.insert(user_id, record, text).await
            }
            other => other,
        }
    }

    /// Removes abandoned uploads: the file, if one arrived, then the items and the slot.
    async fn reclaim(&self, user_id: &str, abandoned: &[CvRecord]) -> Result<usize, CvError> {
        let mut reclaimed = 0;
        for cv in abandoned {
            self.blobs.delete(&cv_blob_key(user_id, &cv.id)).await?;
            if self.repo.delete_upload(user_id, &cv.id).await? {
                reclaimed += 1;
            }
        }
        Ok(reclaimed)
    }

    /// Deletes a CV: its file, its items, and its slot.
    pub async fn delete(&self, user_id: &str, cv_id: &str) -> Result<(), CvError> {
        self.get(user_id, cv_id).await?;
        self.blobs.delete(&cv_blob_key(user_id, cv_id)).await?;
        if self.repo.delete(user_id, cv_id).await? {
            Ok(())
        } else {
            Err(CvError::NotFound)
        }
    }

    /// The stored file of a CV, for extraction.
    pub async fn file(&self, user_id: &str, cv_id: &str) -> Result<Option<Bytes>, CvError> {
        Ok(self.blobs.get(&cv_blob_key(user_id, cv_id)).await?)
    }
}
