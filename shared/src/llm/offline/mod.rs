//! The offline model: deterministic, needs no key, and says what it is (`grader: offline`).
//! Questions are grounded in the skills, employers and achievements found in the CV
//! (`questions`); scores come from how much of the example answer's key points (or the
//! rubric, or the criteria) the answer covers, with the missed points listed (`grader`),
//! comparing texts on stems and synonyms in English and Korean (`terms`, `synonyms`).
//! Instructions inside an answer are just words to it, so they earn nothing.

mod follow_ups;
mod grader;
mod questions;
mod synonyms;
mod terms;

use async_trait::async_trait;

use crate::domain::evaluation::{
    Evaluation, EvaluationRequest, LlmError, PersonalQuestion, PersonalQuestionsRequest,
};
use crate::domain::follow_up::{FollowUp, FollowUpRequest};
use crate::ports::Llm;
pub use questions::{CvFacts, cv_facts};

pub const GRADER: &str = "offline";

#[derive(Clone, Copy, Debug, Default)]
pub struct OfflineLlm;

#[async_trait]
impl Llm for OfflineLlm {
    async fn personal_questions(
        &self,
        request: &PersonalQuestionsRequest,
    ) -> Result<Vec<PersonalQuestion>, LlmError> {
        Ok(questions::write(request))
    }

    async fn evaluate(&self, request: &EvaluationRequest) -> Result<Evaluation, LlmError> {
        Ok(grader::grade(request))
    }

    async fn follow_up(&self, request: &FollowUpRequest) -> Result<FollowUp, LlmError> {
        Ok(follow_ups::write(request))
    }
}
