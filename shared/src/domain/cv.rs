//! CVs: their states and failure reasons, the limits they live under, and the rules for
//! their text. A file's text (PDF or Word .docx) is extracted by the worker; a text CV is
//! ready at once.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::field::{FieldError, HAS_TEXT, PRINTABLE, TextRule};
use super::vocabulary::names;

/// Largest file (PDF or .docx) accepted, through the presigned upload.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;
/// Largest file accepted as the body of `POST /cvs`. API Gateway hands Lambda an event of at
/// most 6 MB, and a binary body travels in it base64-encoded, 4/3 its size: 4 MiB becomes
/// 5.6 MB, with room left for the headers. Larger files go through the presigned upload.
pub const MAX_DIRECT_UPLOAD_BYTES: u64 = 4 * 1024 * 1024;
/// Longest plain-text CV accepted, in characters.
pub const MAX_TEXT_CHARS: usize = 50_000;
/// Most CVs one user may hold.
pub const MAX_CVS_PER_USER: i64 = 20;
/// Longest CV text kept for the LLM, in characters.
pub const MAX_EXTRACTED_CHARS: usize = 20_000;
/// How long a presigned upload URL works.
pub const UPLOAD_URL_SECONDS: u64 = 15 * 60;
/// How long after its URL expires an upload that was never completed keeps its slot: time
/// for a completion already under way, then the slot and the file are reclaimed.
pub const ABANDONED_UPLOAD_GRACE_SECONDS: u64 = 5 * 60;

/// A CV's title: at most 200 characters without control characters (empty means none).
pub static TITLE: TextRule = TextRule {
    min_chars: 0,
    max_chars: Some(200),
    pattern: Some(&PRINTABLE),
};

/// A text CV: at most 50,000 characters, not only space.
pub static TEXT: TextRule = TextRule {
    min_chars: 1,
    max_chars: Some(MAX_TEXT_CHARS),
    pattern: Some(&HAS_TEXT),
};

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

names!(CvStatus { Uploading = "uploading", Processing = "processing", Ready = "ready", Failed = "failed" });

/// Why a CV failed, in terms a person can act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FailureReason {
    /// The file is neither a PDF nor a Word .docx.
    NotAPdf,
    /// Over 10 MiB, too many pages, or (a .docx) too much once unpacked.
    TooLarge,
    /// Password-protected; export it without a password.
    Encrypted,
    /// No extractable text (a scanned image); upload a text PDF or paste the text.
    NoText,
    /// Damaged or not readable as a PDF or .docx.
    Malformed,
    /// Took too long to read.
    Timeout,
    /// Our side failed repeatedly; uploading again may help.
    ProcessingError,
}

names!(FailureReason {
    NotAPdf = "not_a_pdf",
    TooLarge = "too_large",
    Encrypted = "encrypted",
    NoText = "no_text",
    Malformed = "malformed",
    Timeout = "timeout",
    ProcessingError = "processing_error",
});

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CvSource {
    Pdf,
    /// A Word document (Office Open XML, `.docx`).
    Docx,
    Text,
}

/// The media type of a Word .docx.
pub const DOCX_CONTENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

impl CvSource {
    /// The media type a file of this kind is stored and uploaded with; `None` for text.
    pub fn content_type(self) -> Option<&'static str> {
        match self {
            Self::Pdf => Some("application/pdf"),
            Self::Docx => Some(DOCX_CONTENT_TYPE),
            Self::Text => None,
        }
    }

    /// The file kind a media type names, spelled exactly as `content_type` gives it.
    pub fn from_content_type(content_type: &str) -> Option<Self> {
        [Self::Pdf, Self::Docx]
            .into_iter()
            .find(|kind| kind.content_type() == Some(content_type))
    }
}

/// What a CV file is, decided by its content alone: a PDF, a .docx, or neither.
pub fn detect_file(bytes: &[u8]) -> Option<CvSource> {
    if looks_like_pdf(bytes) {
        Some(CvSource::Pdf)
    } else if looks_like_docx(bytes) {
        Some(CvSource::Docx)
    } else {
        None
    }
}

/// Whether the bytes are a ZIP archive whose central directory lists `word/document.xml`:
/// a Word document. Only the directory is read (nothing is inflated), within bounds.
pub fn looks_like_docx(bytes: &[u8]) -> bool {
    zip_entry_names(bytes).is_some_and(|names| names.iter().any(|n| *n == b"word/document.xml"))
}

/// The names in a ZIP archive's central directory, or `None` when it is not a readable ZIP.
fn zip_entry_names(bytes: &[u8]) -> Option<Vec<&[u8]>> {
    const EOCD: &[u8] = b"PK\x05\x06";
    const ENTRY: &[u8] = b"PK\x01\x02";
    if !bytes.starts_with(b"PK\x03\x04") {
        return None;
    }
    let u16_at = |at: usize| -> Option<usize> {
        Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?) as usize)
    };
    let u32_at = |at: usize| -> Option<usize> {
        Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?) as usize)
    };
    // The end record is in the last 22 bytes plus at most a 65,535-byte comment.
    let tail = bytes.len().saturating_sub(22 + 65_535);
    let end = bytes[tail..].windows(4).rposition(|w| w == EOCD)? + tail;
    let (count, mut at) = (u16_at(end + 10)?, u32_at(end + 16)?);
    let mut names = Vec::with_capacity(count.min(1024));
    for _ in 0..count {
        if bytes.get(at..at + 4)? != ENTRY {
            return None;
        }
        let (name_len, extra_len, comment_len) =
            (u16_at(at + 28)?, u16_at(at + 30)?, u16_at(at + 32)?);
        names.push(bytes.get(at + 46..at + 46 + name_len)?);
        at += 46 + name_len + extra_len + comment_len;
    }
    Some(names)
}

/// A CV's metadata as stored and shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "0196f1c3b1c27e3f8d4b6c7e8f9a0b1c", "title": "Back-end CV", "source": "pdf", "status": "processing", "size_bytes": 48213, "created_at": "2026-11-29T09:31:00Z", "updated_at": "2026-11-29T09:31:00Z"}))]
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

impl CvRecord {
    /// Why the CV cannot be used for an interview yet, in words; `None` when it is ready.
    /// Whether this is a presigned upload nobody completed, past its URL's lifetime and the
    /// grace after it: its slot and file may be reclaimed.
    pub fn is_abandoned_upload(&self, now: time::OffsetDateTime) -> bool {
        let deadline = (UPLOAD_URL_SECONDS + ABANDONED_UPLOAD_GRACE_SECONDS) as i64;
        self.status == CvStatus::Uploading && (now - self.created_at).whole_seconds() > deadline
    }

    pub fn not_ready_reason(&self) -> Option<String> {
        match (self.status, self.failure_reason) {
            (CvStatus::Ready, _) => None,
            (_, Some(reason)) => Some(format!("The CV failed ({reason}); upload it again.")),
            (status, None) => Some(format!(
                "The CV is still {status}; try again when it is ready."
            )),
        }
    }
}

/// What can go wrong with a CV, in its own terms.
#[derive(Debug, thiserror::Error)]
pub enum CvError {
    #[error("the request has invalid fields")]
    Invalid(Vec<FieldError>),
    #[error("not found")]
    NotFound,
    #[error("You already have {MAX_CVS_PER_USER} CVs; delete one to add another.")]
    LimitReached,
    #[error("the file is larger than {limit_bytes} bytes")]
    FileTooLarge { limit_bytes: u64 },
    #[error(
        "The file is larger than 4 MiB ({MAX_DIRECT_UPLOAD_BYTES} bytes), the most a request \
         body can carry; send files up to 10 MiB through POST /cvs/uploads."
    )]
    TooLargeForDirectUpload,
    #[error("{0}")]
    UnsupportedType(&'static str),
    #[error("No file was uploaded to the URL yet.")]
    UploadMissing,
    /// Only a ready CV's text can be corrected.
    #[error("{0}")]
    NotReady(String),
    #[error("unexpected error")]
    Unexpected(#[source] anyhow::Error),
}

impl CvError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }
}

/// Whether the bytes begin like a PDF. The type is decided by content alone.
pub fn looks_like_pdf(bytes: &[u8]) -> bool {
    bytes.starts_with(b"%PDF-")
}

/// Parses an optional title, kept trimmed; a blank one is no title.
pub fn parse_title(raw: Option<&str>) -> Result<Option<String>, FieldError> {
    match raw {
        Some(title) if !TITLE.accepts(title) => Err(FieldError::new(
            "title",
            "must be at most 200 characters, without control characters",
        )),
        Some(title) if !title.trim().is_empty() => Ok(Some(title.trim().to_owned())),
        _ => Ok(None),
    }
}

/// A text CV's text, ready to keep: within the limit, normalised, capped for the LLM.
pub fn parse_text(raw: &str) -> Result<String, CvError> {
    if raw.chars().count() > MAX_TEXT_CHARS {
        return Err(CvError::invalid(
            "text",
            format!("must be at most {MAX_TEXT_CHARS} characters"),
        ));
    }
    if !TEXT.accepts(raw) {
        return Err(CvError::invalid("text", "must hold the CV's text"));
    }
    Ok(cap_for_llm(normalize_text(raw)))
}

/// The size a presigned upload declares: 1 byte to the largest PDF accepted.
pub fn parse_upload_size(bytes: u64) -> Result<u64, CvError> {
    if (1..=MAX_FILE_BYTES).contains(&bytes) {
        Ok(bytes)
    } else {
        Err(CvError::invalid(
            "content_length",
            format!("must be 1 to {MAX_FILE_BYTES} bytes (10 MiB)"),
        ))
    }
}

/// The verdict on an uploaded file before extraction: its size, and its content must be the
/// kind it was announced as.
pub fn check_upload(body: &[u8], announced: CvSource) -> Result<(), FailureReason> {
    if body.len() as u64 > MAX_FILE_BYTES {
        Err(FailureReason::TooLarge)
    } else if detect_file(body) != Some(announced) {
        Err(FailureReason::NotAPdf)
    } else {
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::vocabulary::tests::names_match_serde;

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
    fn a_text_cv_over_the_limit_is_measured_in_characters() {
        let CvError::Invalid(errors) = parse_text(&"가".repeat(MAX_TEXT_CHARS + 1)).unwrap_err()
        else {
            panic!("a field error")
        };
        assert_eq!(errors[0].field, "text");
        assert!(errors[0].message.contains("50000 characters"), "{errors:?}");
        assert!(parse_text(&"가".repeat(MAX_TEXT_CHARS)).is_ok());
        assert!(matches!(parse_text(" \n "), Err(CvError::Invalid(_))));
    }

    #[test]
    fn pdfs_are_recognised_by_their_first_bytes() {
        assert!(looks_like_pdf(b"%PDF-1.7\n"));
        assert!(!looks_like_pdf(b"\x89PNG\r\n"));
        assert!(!looks_like_pdf(b""));
        assert_eq!(
            check_upload(b"\x89PNG", CvSource::Pdf),
            Err(FailureReason::NotAPdf)
        );
        assert_eq!(check_upload(b"%PDF-1.4", CvSource::Pdf), Ok(()));
        assert_eq!(
            check_upload(b"%PDF-1.4", CvSource::Docx),
            Err(FailureReason::NotAPdf)
        );
    }

    /// A stored (uncompressed) ZIP with the given entry names, as a minimal writer makes it.
    fn zip_with(names: &[&str]) -> Vec<u8> {
        let (mut out, mut directory) = (Vec::new(), Vec::new());
        for name in names {
            let offset = out.len() as u32;
            out.extend_from_slice(b"PK\x03\x04");
            out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend_from_slice(&[0; 12]);
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(name.as_bytes());
            directory.extend_from_slice(b"PK\x01\x02");
            directory.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            directory.extend_from_slice(&[0; 12]);
            directory.extend_from_slice(&(name.len() as u16).to_le_bytes());
            directory.extend_from_slice(&[0; 12]);
            directory.extend_from_slice(&offset.to_le_bytes());
            directory.extend_from_slice(name.as_bytes());
        }
        let start = out.len() as u32;
        out.extend_from_slice(&directory);
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        out.extend_from_slice(&(names.len() as u16).to_le_bytes());
        out.extend_from_slice(&(names.len() as u16).to_le_bytes());
        out.extend_from_slice(&(directory.len() as u32).to_le_bytes());
        out.extend_from_slice(&start.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    #[test]
    fn files_are_recognised_by_their_content() {
        let docx = zip_with(&["[Content_Types].xml", "word/document.xml"]);
        assert_eq!(detect_file(&docx), Some(CvSource::Docx));
        assert_eq!(detect_file(b"%PDF-1.7\n"), Some(CvSource::Pdf));
        // An archive without a Word body (a spreadsheet, say), legacy .doc, a cut archive.
        assert_eq!(detect_file(&zip_with(&["xl/workbook.xml"])), None);
        assert_eq!(detect_file(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), None);
        assert_eq!(detect_file(&docx[..docx.len() - 30]), None);
        assert_eq!(check_upload(&docx, CvSource::Docx), Ok(()));
    }

    #[test]
    fn presigned_uploads_take_up_to_10_mib() {
        assert_eq!(parse_upload_size(MAX_FILE_BYTES).unwrap(), 10 * 1024 * 1024);
        assert!(parse_upload_size(MAX_FILE_BYTES + 1).is_err());
        assert!(parse_upload_size(0).is_err());
        let mut big = b"%PDF-1.7".to_vec();
        big.resize(MAX_FILE_BYTES as usize, b' ');
        assert_eq!(check_upload(&big, CvSource::Pdf), Ok(()));
        big.push(b' ');
        assert_eq!(
            check_upload(&big, CvSource::Pdf),
            Err(FailureReason::TooLarge)
        );
    }

    #[test]
    fn content_types_name_file_kinds() {
        assert_eq!(
            CvSource::from_content_type("application/pdf"),
            Some(CvSource::Pdf)
        );
        assert_eq!(CvSource::from_content_type("application/pdf; x=1"), None);
        assert_eq!(
            CvSource::from_content_type(DOCX_CONTENT_TYPE),
            Some(CvSource::Docx)
        );
        assert_eq!(CvSource::from_content_type("application/msword"), None);
        assert_eq!(CvSource::Text.content_type(), None);
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

    #[test]
    fn names_are_the_serde_names() {
        names_match_serde(&CvStatus::ALL, CvStatus::as_str);
        names_match_serde(&FailureReason::ALL, FailureReason::as_str);
    }
}
