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

impl Job {
    /// The user whose work it is.
    pub fn user_id(&self) -> &str {
        match self {
            Self::ExtractCv { user_id, .. }
            | Self::GeneratePersonalQuestions { user_id, .. }
            | Self::EvaluateAnswer { user_id, .. }
            | Self::EvaluateRetry { user_id, .. } => user_id,
        }
    }
}

/// How long queued work may go without a result before the sweep sends its job again: past
/// every redelivery the queue makes (4 receives, 180 s apart) with room to spare, so the
/// sweep only steps in once the queue has given up or the job never reached it.
pub const WORK_LEASE_SECONDS: i64 = 15 * 60;

/// How many times the sweep sends a piece of work's job again before giving the work up as
/// `failed`: with the lease, work reaches a final state within about an hour whatever fails.
pub const MAX_SWEEP_SENDS: u32 = 3;

/// Where a piece of queued work stands, as the sweep sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkState {
    /// Deleted since its job was queued (the CV, the interview or the account).
    Gone,
    /// Done or visibly failed: its job has nothing left to do.
    Finished,
    /// Still waiting for its result.
    Unfinished,
}

/// What the sweep does with a piece of work that still has no result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SweepAction {
    /// Its lease has not run out: its job may still be in the queue or running.
    Wait,
    /// Send its job again.
    Resend,
    /// It was sent again as often as it may be: record it as failed.
    GiveUp,
}

/// The sweep's rule for work due at `due_at` whose job was sent again `sends` times.
pub fn sweep_action(due_at: i64, sends: u32, now: i64) -> SweepAction {
    if due_at > now {
        SweepAction::Wait
    } else if sends >= MAX_SWEEP_SENDS {
        SweepAction::GiveUp
    } else {
        SweepAction::Resend
    }
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

    /// The reason shown to the user for a failure on our side (a dependency, a lost job).
    pub const PROCESSING_ERROR: &'static str = "processing_error";

    /// The reason shown to the user when this failure is final.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Llm(crate::domain::evaluation::LlmError::Invalid(_)) => "invalid_model_output",
            Self::Llm(_) => "model_unavailable",
            _ => Self::PROCESSING_ERROR,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sweep_waits_out_the_lease_then_resends_a_bounded_number_of_times() {
        assert_eq!(sweep_action(100, 0, 99), SweepAction::Wait);
        assert_eq!(sweep_action(100, 0, 100), SweepAction::Resend);
        assert_eq!(
            sweep_action(100, MAX_SWEEP_SENDS - 1, 200),
            SweepAction::Resend
        );
        assert_eq!(sweep_action(100, MAX_SWEEP_SENDS, 200), SweepAction::GiveUp);
        assert_eq!(sweep_action(300, MAX_SWEEP_SENDS, 200), SweepAction::Wait);
    }
}
