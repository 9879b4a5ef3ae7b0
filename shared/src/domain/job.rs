//! The messages the worker consumes. Each variant is one kind of slow work; a body that does
//! not parse as a `Job` is a poison message and ends in the dead-letter queue. Jobs carry ids,
//! never user content.

use serde::{Deserialize, Serialize};

/// One unit of work for the worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Job {
    /// Extract the text of an uploaded PDF CV.
    ExtractCv { user_id: String, cv_id: String },
    /// Write the personal questions of an interview from its CV.
    GeneratePersonalQuestions {
        user_id: String,
        interview_id: String,
    },
    /// Evaluate one answer.
    EvaluateAnswer {
        user_id: String,
        interview_id: String,
        question_id: String,
    },
    /// Evaluate a question answered again.
    EvaluateRetry {
        user_id: String,
        interview_id: String,
        question_id: String,
        attempt: u8,
    },
}

/// Why a job failed; the message is retried until the queue dead-letters it.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The body is not a job this worker knows: retrying will not help, the queue's maximum
    /// receives moves it to the dead-letter queue.
    #[error("the message is not a job: {0}")]
    Unreadable(String),
    /// Another delivery of the same job holds it; this one comes back later.
    #[error("another delivery holds the job")]
    Busy,
    /// The model failed or answered invalidly.
    #[error(transparent)]
    Llm(#[from] crate::domain::evaluation::LlmError),
    /// The job cannot be done (its data is inconsistent); retrying will not help.
    #[error("the job cannot be done: {0}")]
    Invalid(String),
    /// A dependency failed (store, blob store, queue); a later delivery may succeed.
    #[error("a dependency failed")]
    Unexpected(#[source] anyhow::Error),
}

impl JobError {
    /// Whether a later delivery may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Unreadable(_) | Self::Invalid(_) => false,
            Self::Llm(error) => error.is_retryable(),
            Self::Unexpected(_) | Self::Busy => true,
        }
    }

    /// The reason shown to the user when this failure is final.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Llm(crate::domain::evaluation::LlmError::Invalid(_)) => "invalid_model_output",
            Self::Llm(_) => "model_unavailable",
            _ => "processing_error",
        }
    }
}
