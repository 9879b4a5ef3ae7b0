//! CVs: uploaded as a PDF (directly or through a presigned PUT) or as plain text; a PDF's
//! text is extracted by the worker. Items live in the user's partition (`CV#{id}` for the
//! record, `CVTEXT#{id}` for the text), the file under the user's object prefix.

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts::{profile_key, user_blob_prefix, user_partition};
use crate::error::ApiError;
use crate::jobs::Job;
use crate::ports::item_store::query_every_page;
use crate::ports::{
    Condition, Item, ItemKey, PresignedPut, Query, StoreError, Update, WriteOp, is_well_formed_id,
};
use crate::services::Services;

/// Largest PDF accepted.
pub const MAX_PDF_BYTES: u64 = 5 * 1024 * 1024;
/// Longest plain-text CV accepted, in characters.
pub const MAX_TEXT_CHARS: usize = 50_000;
/// Most CVs one user may hold.
pub const MAX_CVS_PER_USER: i64 = 20;
/// Longest CV text kept for the LLM, in characters.
pub const MAX_EXTRACTED_CHARS: usize = 20_000;
/// How long a presigned upload URL works.
pub const UPLOAD_URL_SECONDS: u64 = 15 * 60;
const MAX_TITLE_CHARS: usize = 200;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CvStatus {
    /// Waiting for the client's presigned upload.
    Uploading,
    /// Text extraction queued or running.
    Processing,
    Ready,
    Failed,
}

/// Why a CV failed, in terms a person can act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FailureReason {
    /// The file is not a PDF.
    NotAPdf,
    /// Over 5 MiB or too many pages.
    TooLarge,
    /// Password-protected; export it without a password.
    Encrypted,
    /// No extractable text (a scanned image); upload a text PDF or paste the text.
    NoText,
    /// Damaged or not readable as a PDF.
    Malformed,
    /// Took too long to read.
    Timeout,
    /// Our side failed repeatedly; uploading again may help.
    ProcessingError,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CvSource {
    Pdf,
    Text,
}

/// A CV's metadata as stored and shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CvRecord {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub source: CvSource,
    pub status: CvStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<FailureReason>,
    pub size_bytes: u64,
    /// Characters of extracted text, once ready.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_chars: Option<usize>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: time::OffsetDateTime,
}

pub fn cv_key(user_id: &str, cv_id: &str) -> ItemKey {
    ItemKey::new(user_partition(user_id), format!("CV#{cv_id}"))
}

fn text_key(user_id: &str, cv_id: &str) -> ItemKey {
    ItemKey::new(user_partition(user_id), format!("CVTEXT#{cv_id}"))
}

/// Where a CV's file lives.
pub fn blob_key(user_id: &str, cv_id: &str) -> String {
    format!("{}cvs/{cv_id}.pdf", user_blob_prefix(user_id))
}

/// Whether the bytes begin like a PDF. The type is decided by content alone.
pub fn looks_like_pdf(bytes: &[u8]) -> bool {
    bytes.starts_with(b"%PDF-")
}

/// Parses an optional title: trimmed, 1-200 characters, or absent.
pub fn parse_title(raw: Option<&str>) -> Result<Option<String>, ApiError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(title)
            if title.chars().count() > MAX_TITLE_CHARS || title.chars().any(char::is_control) =>
        {
            Err(ApiError::invalid(
                "title",
                "must be at most 200 characters, without control characters",
            ))
        }
        Some(title) => Ok(Some(title.to_owned())),
    }
}

/// Plain-text CVs keep their words; runs of blank space collapse.
pub fn normalize_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_lines = 0;
    for line in text.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            blank_lines += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_lines > 0 { "\n\n" } else { "\n" });
        }
        blank_lines = 0;
        out.push_str(&line);
    }
    out
}

/// Cuts text to the LLM cap on a character boundary.
pub fn cap_for_llm(text: String) -> String {
    match text.char_indices().nth(MAX_EXTRACTED_CHARS) {
        Some((cut, _)) => text[..cut].to_owned(),
        None => text,
    }
}

/// The profile update that takes one CV slot, refused past the limit.
fn take_slot(user_id: &str) -> WriteOp {
    WriteOp::Update {
        key: profile_key(user_id),
        updates: vec![Update::Add("cvs_count".into(), 1)],
        condition: Some(Condition::LessThan("cvs_count".into(), MAX_CVS_PER_USER)),
    }
}

fn limit_reached() -> ApiError {
    ApiError::Conflict {
        code: "cv_limit_reached",
        detail: format!("You already have {MAX_CVS_PER_USER} CVs; delete one to add another."),
    }
}

/// Writes a new CV record (and its text, if any) while taking a slot.
async fn insert(
    services: &Services,
    user_id: &str,
    record: &CvRecord,
    text: Option<&str>,
) -> Result<(), ApiError> {
    let mut ops = vec![
        take_slot(user_id),
        WriteOp::Put {
            item: Item::of(cv_key(user_id, &record.id), record)?,
            condition: Some(Condition::Absent),
        },
    ];
    if let Some(text) = text {
        ops.push(WriteOp::Put {
            item: Item::of(
                text_key(user_id, &record.id),
                &serde_json::json!({ "text": text }),
            )?,
            condition: None,
        });
    }
    match services.store.transact(ops).await {
        Ok(()) => Ok(()),
        Err(StoreError::TransactionCancelled { failed }) if failed.contains(&0) => {
            Err(limit_reached())
        }
        Err(other) => Err(other.into()),
    }
}

fn new_record(
    services: &Services,
    title: Option<String>,
    source: CvSource,
    status: CvStatus,
    size_bytes: u64,
) -> CvRecord {
    let now = services.clock.now();
    CvRecord {
        id: services.ids.new_id(),
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
    services: &Services,
    user_id: &str,
    title: Option<String>,
    text: &str,
) -> Result<CvRecord, ApiError> {
    let chars = text.chars().count();
    if chars > MAX_TEXT_CHARS {
        return Err(ApiError::PayloadTooLarge {
            limit_bytes: MAX_TEXT_CHARS as u64,
        });
    }
    let text = cap_for_llm(normalize_text(text));
    if text.is_empty() {
        return Err(ApiError::invalid("text", "must hold the CV's text"));
    }
    let mut record = new_record(
        services,
        title,
        CvSource::Text,
        CvStatus::Ready,
        text.len() as u64,
    );
    record.text_chars = Some(text.chars().count());
    insert(services, user_id, &record, Some(&text)).await?;
    Ok(record)
}

/// A PDF sent in the request: stored, then extraction queued.
pub async fn create_from_pdf(
    services: &Services,
    user_id: &str,
    title: Option<String>,
    body: Bytes,
) -> Result<CvRecord, ApiError> {
    if body.len() as u64 > MAX_PDF_BYTES {
        return Err(ApiError::PayloadTooLarge {
            limit_bytes: MAX_PDF_BYTES,
        });
    }
    if !looks_like_pdf(&body) {
        return Err(ApiError::UnsupportedMediaType(
            "send a PDF (the file must start with %PDF-) or JSON {\"text\": ...}".into(),
        ));
    }
    let record = new_record(
        services,
        title,
        CvSource::Pdf,
        CvStatus::Processing,
        body.len() as u64,
    );
    let key = blob_key(user_id, &record.id);
    services.blobs.put(&key, body, "application/pdf").await?;
    if let Err(error) = insert(services, user_id, &record, None).await {
        // Nothing half-made stays behind.
        services.blobs.delete(&key).await?;
        return Err(error);
    }
    queue_extraction(services, user_id, &record).await?;
    Ok(record)
}

async fn queue_extraction(
    services: &Services,
    user_id: &str,
    record: &CvRecord,
) -> Result<(), ApiError> {
    let job = Job::ExtractCv {
        user_id: user_id.to_owned(),
        cv_id: record.id.clone(),
    };
    if let Err(error) = services.queue.send(&job).await {
        // The user sees a failed CV instead of one processing forever.
        finish(
            services,
            user_id,
            &record.id,
            Err(FailureReason::ProcessingError),
        )
        .await?;
        return Err(error.into());
    }
    Ok(())
}

/// A presigned upload: the record waits in `uploading` until `complete_upload`.
pub struct StartedUpload {
    pub record: CvRecord,
    pub upload: PresignedPut,
}

pub async fn start_upload(
    services: &Services,
    user_id: &str,
    title: Option<String>,
    content_length: u64,
) -> Result<StartedUpload, ApiError> {
    if content_length == 0 {
        return Err(ApiError::invalid(
            "content_length",
            "must be at least 1 byte",
        ));
    }
    if content_length > MAX_PDF_BYTES {
        return Err(ApiError::PayloadTooLarge {
            limit_bytes: MAX_PDF_BYTES,
        });
    }
    let record = new_record(
        services,
        title,
        CvSource::Pdf,
        CvStatus::Uploading,
        content_length,
    );
    insert(services, user_id, &record, None).await?;
    let upload = services
        .blobs
        .presign_put(
            &blob_key(user_id, &record.id),
            "application/pdf",
            content_length,
            std::time::Duration::from_secs(UPLOAD_URL_SECONDS),
        )
        .await?;
    Ok(StartedUpload { record, upload })
}

/// Checks the uploaded object and queues extraction. Completing twice is harmless.
pub async fn complete_upload(
    services: &Services,
    user_id: &str,
    cv_id: &str,
) -> Result<CvRecord, ApiError> {
    let record = get(services, user_id, cv_id).await?;
    if record.status != CvStatus::Uploading {
        return Ok(record);
    }
    let Some(body) = services.blobs.get(&blob_key(user_id, cv_id)).await? else {
        return Err(ApiError::Conflict {
            code: "upload_missing",
            detail: "No file was uploaded to the URL yet.".into(),
        });
    };
    let verdict = if body.len() as u64 > MAX_PDF_BYTES {
        Err(FailureReason::TooLarge)
    } else if !looks_like_pdf(&body) {
        Err(FailureReason::NotAPdf)
    } else {
        Ok(())
    };
    if let Err(reason) = verdict {
        let record = transition(services, user_id, cv_id, CvStatus::Uploading, Err(reason)).await?;
        return Ok(record);
    }
    let record = transition(
        services,
        user_id,
        cv_id,
        CvStatus::Uploading,
        Ok(CvStatus::Processing),
    )
    .await?;
    queue_extraction(services, user_id, &record).await?;
    Ok(record)
}

/// Now, as `CvRecord` stores its times.
fn timestamp(services: &Services) -> Result<String, ApiError> {
    let format = time::format_description::well_known::Rfc3339;
    services
        .clock
        .now()
        .format(&format)
        .map_err(ApiError::unexpected)
}

/// Moves a CV out of `from`, to a status or to `failed` with a reason.
async fn transition(
    services: &Services,
    user_id: &str,
    cv_id: &str,
    from: CvStatus,
    to: Result<CvStatus, FailureReason>,
) -> Result<CvRecord, ApiError> {
    let mut updates = vec![Update::set("updated_at", timestamp(services)?)];
    match to {
        Ok(status) => updates.push(Update::Set(
            "status".into(),
            serde_json::to_value(status).map_err(ApiError::unexpected)?,
        )),
        Err(reason) => {
            updates.push(Update::Set(
                "status".into(),
                serde_json::to_value(CvStatus::Failed).map_err(ApiError::unexpected)?,
            ));
            updates.push(Update::Set(
                "failure_reason".into(),
                serde_json::to_value(reason).map_err(ApiError::unexpected)?,
            ));
        }
    }
    let from = serde_json::to_value(from).map_err(ApiError::unexpected)?;
    match services
        .store
        .update(
            &cv_key(user_id, cv_id),
            updates,
            Some(Condition::Equals("status".into(), from)),
        )
        .await
    {
        Ok(item) => Ok(item.decode()?),
        // Someone else moved it first (a redelivered job, a second completion): report as is.
        Err(StoreError::ConditionFailed) => get(services, user_id, cv_id).await,
        Err(other) => Err(other.into()),
    }
}

/// Records the outcome of extraction on a `processing` CV; a CV no longer processing (deleted,
/// or finished by an earlier delivery of the same job) is left as it is.
pub async fn finish(
    services: &Services,
    user_id: &str,
    cv_id: &str,
    outcome: Result<String, FailureReason>,
) -> Result<(), ApiError> {
    let processing = Condition::equals("status", "processing");
    let updated_at = timestamp(services)?;
    let ops = match outcome {
        Ok(text) => vec![
            WriteOp::Update {
                key: cv_key(user_id, cv_id),
                updates: vec![
                    Update::set("status", "ready"),
                    Update::set("text_chars", text.chars().count()),
                    Update::set("updated_at", updated_at),
                ],
                condition: Some(processing),
            },
            WriteOp::Put {
                item: Item::of(
                    text_key(user_id, cv_id),
                    &serde_json::json!({ "text": text }),
                )?,
                condition: None,
            },
        ],
        Err(reason) => vec![WriteOp::Update {
            key: cv_key(user_id, cv_id),
            updates: vec![
                Update::set("status", "failed"),
                Update::Set(
                    "failure_reason".into(),
                    serde_json::to_value(reason).map_err(ApiError::unexpected)?,
                ),
                Update::set("updated_at", updated_at),
            ],
            condition: Some(processing),
        }],
    };
    match services.store.transact(ops).await {
        Ok(()) | Err(StoreError::TransactionCancelled { .. }) => Ok(()),
        Err(other) => Err(other.into()),
    }
}

/// The user's CV; another user's is not found.
pub async fn get(services: &Services, user_id: &str, cv_id: &str) -> Result<CvRecord, ApiError> {
    if !is_well_formed_id(cv_id) {
        return Err(ApiError::NotFound);
    }
    match services.store.get(&cv_key(user_id, cv_id)).await? {
        Some(item) => Ok(item.decode()?),
        None => Err(ApiError::NotFound),
    }
}

/// The extracted (or given) text of a ready CV.
pub async fn text(
    services: &Services,
    user_id: &str,
    cv_id: &str,
) -> Result<Option<String>, ApiError> {
    Ok(services
        .store
        .get(&text_key(user_id, cv_id))
        .await?
        .and_then(|item| item.str_attr("text").map(str::to_owned)))
}

/// The user's CVs, newest first.
pub async fn list(services: &Services, user_id: &str) -> Result<Vec<CvRecord>, ApiError> {
    let query = Query {
        descending: true,
        ..Query::prefix(user_partition(user_id), "CV#")
    };
    let items = query_every_page(services.store.as_ref(), query).await?;
    Ok(items
        .into_iter()
        .map(Item::decode)
        .collect::<Result<_, _>>()?)
}

/// Deletes a CV: its file, its items, and its slot.
pub async fn delete(services: &Services, user_id: &str, cv_id: &str) -> Result<(), ApiError> {
    get(services, user_id, cv_id).await?;
    services.blobs.delete(&blob_key(user_id, cv_id)).await?;
    let result = services
        .store
        .transact(vec![
            WriteOp::Delete {
                key: cv_key(user_id, cv_id),
                condition: Some(Condition::Present),
            },
            WriteOp::Delete {
                key: text_key(user_id, cv_id),
                condition: None,
            },
            WriteOp::Update {
                key: profile_key(user_id),
                updates: vec![Update::Add("cvs_count".into(), -1)],
                condition: Some(Condition::Present),
            },
        ])
        .await;
    match result {
        Ok(()) => Ok(()),
        // Deleted concurrently: the other request freed the slot.
        Err(StoreError::TransactionCancelled { .. }) => Err(ApiError::NotFound),
        Err(other) => Err(other.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_normalized_and_capped() {
        assert_eq!(
            normalize_text("  Ada   Lovelace \n\n\n\t Engineer\nRust  "),
            "Ada Lovelace\n\nEngineer\nRust"
        );
        let long = "가".repeat(MAX_EXTRACTED_CHARS + 10);
        assert_eq!(cap_for_llm(long).chars().count(), MAX_EXTRACTED_CHARS);
    }

    #[test]
    fn pdfs_are_recognised_by_their_first_bytes() {
        assert!(looks_like_pdf(b"%PDF-1.7\n"));
        assert!(!looks_like_pdf(b"\x89PNG\r\n"));
        assert!(!looks_like_pdf(b""));
    }

    #[test]
    fn titles_are_optional_and_bounded() {
        assert_eq!(parse_title(Some("  ")).unwrap(), None);
        assert_eq!(
            parse_title(Some(" Backend CV ")).unwrap().as_deref(),
            Some("Backend CV")
        );
        assert!(parse_title(Some(&"x".repeat(201))).is_err());
    }
}
