//! The LLM port: writing personal questions from a CV, evaluating answers and writing a
//! follow-up to a weak one. Two adapters
//! (`crate::llm`): the offline model (deterministic, the default) and a chain of
//! OpenAI-compatible providers; both return results checked by the domain's validation.

use async_trait::async_trait;

pub use crate::domain::evaluation::LlmError;
use crate::domain::evaluation::{
    Evaluation, EvaluationRequest, PersonalQuestion, PersonalQuestionsRequest,
};
use crate::domain::follow_up::{FollowUp, FollowUpRequest};

#[async_trait]
pub trait Llm: Send + Sync {
    async fn personal_questions(
        &self,
        request: &PersonalQuestionsRequest,
    ) -> Result<Vec<PersonalQuestion>, LlmError>;
    async fn evaluate(&self, request: &EvaluationRequest) -> Result<Evaluation, LlmError>;
    async fn follow_up(&self, request: &FollowUpRequest) -> Result<FollowUp, LlmError>;
}
