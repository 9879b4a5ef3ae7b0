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
}
