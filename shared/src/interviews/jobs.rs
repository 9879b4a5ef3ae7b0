//! The interview jobs the worker runs: writing an interview's personal questions and
//! evaluating an answer. Each is idempotent under redelivery: the interview's state says
//! whether the work is done, and a run record keeps two deliveries from calling the model at
//! once. On the last delivery the queue makes, a failure leaves a visible `failed` state.

use std::sync::Arc;

use crate::domain::evaluation::{
    Evaluation, EvaluationRequest, JobBrief, PersonalQuestionsRequest,
};
use crate::domain::follow_up::{FollowUpRequest, follow_up_question, missed_by};
use crate::domain::interview::{Interview, PersonalStatus};
use crate::domain::job::JobError;
use crate::ports::{Clock, Llm};
use crate::storage::bank::BankCatalog;
use crate::storage::cvs::CvStore;
use crate::storage::interviews::{InterviewStore, WritingMaterial};
use crate::storage::job_runs::{Claim, JobRuns};
use crate::storage::layout::JobRun;

/// The jobs' use cases, with only what they use.
#[derive(Clone)]
pub struct InterviewJobs {
    pub(crate) interviews: InterviewStore,
    pub(crate) cvs: CvStore,
    pub(crate) runs: JobRuns,
    pub(crate) bank: BankCatalog,
    pub(crate) llm: Arc<dyn Llm>,
    pub(crate) clock: Arc<dyn Clock>,
}

impl InterviewJobs {
    pub fn new(
        interviews: InterviewStore,
        cvs: CvStore,
        runs: JobRuns,
        bank: BankCatalog,
        llm: Arc<dyn Llm>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            interviews,
            cvs,
            runs,
            bank,
            llm,
            clock,
        }
    }

    /// Claims a run; `false` when an earlier delivery finished it.
    async fn claim(&self, user_id: &str, run: JobRun<'_>) -> Result<bool, JobError> {
        match self.runs.claim(user_id, run, self.clock.unix_now()).await? {
            Claim::Claimed => Ok(true),
            Claim::AlreadyDone => Ok(false),
            Claim::Busy => Err(JobError::Busy),
        }
    }

    async fn complete(&self, user_id: &str, run: JobRun<'_>) -> Result<(), JobError> {
        Ok(self
            .runs
            .complete(user_id, run, self.clock.unix_now())
            .await?)
    }

    /// Writes the personal questions of an interview.
    pub async fn write_personal_questions(
        &self,
        user_id: &str,
        interview_id: &str,
        last_attempt: bool,
    ) -> Result<(), JobError> {
        // Deleted since it was queued, or already written: nothing to do.
        let Some(interview) = self.interviews.get(user_id, interview_id).await? else {
            return Ok(());
        };
        if interview.personal_status != PersonalStatus::Pending {
            return Ok(());
        }
        let run = JobRun::PersonalQuestions { interview_id };
        if !self.claim(user_id, run).await? {
            return Ok(());
        }
        match self.write_questions(user_id, interview).await {
            Ok(()) => {
                self.interviews
                    .forget_cv_text(user_id, interview_id)
                    .await?;
                self.complete(user_id, run).await
            }
            Err(failure) if last_attempt || !failure.is_retryable() => {
                tracing::warn!(
                    interview_id,
                    ?failure,
                    "personal questions could not be written"
                );
                self.interviews
                    .personal_questions_failed(user_id, interview_id)
                    .await?;
                self.interviews
                    .forget_cv_text(user_id, interview_id)
                    .await?;
                self.complete(user_id, run).await
            }
            Err(failure) => {
                self.runs.release(user_id, run).await;
                Err(failure)
            }
        }
    }

    async fn write_questions(
        &self,
        user_id: &str,
        mut interview: Interview,
    ) -> Result<(), JobError> {
        // The interview's own copy; an interview created before copies were kept reads the CV.
        let material = match self
            .interviews
            .writing_material(user_id, &interview.id)
            .await?
        {
            Some(material) => material,
            None => WritingMaterial {
                cv_text: self
                    .cvs
                    .text(user_id, &interview.cv_id)
                    .await?
                    .unwrap_or_default(),
                job_text: None,
            },
        };
        let job = interview.job.clone().map(|target| JobBrief {
            target,
            text: material.job_text.unwrap_or_default(),
        });
        let cv_text = material.cv_text;
        let slots = interview.personal_slots();
        let request = PersonalQuestionsRequest {
            cv_text,
            position: interview.position,
            lang: interview.lang,
            count: slots.len(),
            job,
        };
        let written = self.llm.personal_questions(&request).await?;
        let filled: Vec<usize> = slots.iter().copied().take(written.len()).collect();
        for (&slot, question) in filled.iter().zip(written) {
            interview.questions[slot].text = Some(question.text);
            interview.questions[slot].criteria = question.criteria;
            interview.questions[slot].requirement = question.requirement;
        }
        Ok(self
            .interviews
            .record_personal_questions(user_id, &interview.id, &interview.questions, &filled)
            .await?)
    }

    /// Evaluates one answer, and once the interview is over and every answer settled,
    /// records its overall score.
    pub async fn evaluate_answer(
        &self,
        user_id: &str,
        interview_id: &str,
        question_id: &str,
        last_attempt: bool,
    ) -> Result<(), JobError> {
        let Some(answer) = self
            .interviews
            .answer(user_id, interview_id, question_id)
            .await?
        else {
            return Ok(());
        };
        if answer.evaluation_status.is_settled() {
            return Ok(());
        }
        let run = JobRun::Evaluation {
            interview_id,
            question_id,
        };
        if !self.claim(user_id, run).await? {
            return Ok(());
        }
        let Some(interview) = self.interviews.get(user_id, interview_id).await? else {
            return Ok(());
        };
        let evaluation = self.evaluate(&interview, question_id, &answer.answer).await;
        let outcome = match &evaluation {
            Ok(evaluation) => {
                self.follow_up(user_id, &interview, question_id, &answer.answer, evaluation)
                    .await?;
                Ok(evaluation)
            }
            Err(failure) if last_attempt || !failure.is_retryable() => {
                tracing::warn!(
                    interview_id,
                    question_id,
                    ?failure,
                    "an answer could not be evaluated"
                );
                Err(failure.reason())
            }
            Err(_) => {
                self.runs.release(user_id, run).await;
                return evaluation.map(|_| ());
            }
        };
        self.interviews
            .record_evaluation(user_id, interview_id, question_id, outcome)
            .await?;
        if outcome.is_err() {
            self.settle(user_id, &interview, question_id).await?;
        }
        self.complete(user_id, run).await?;
        self.record_score_when_done(user_id, interview_id).await
    }

    /// Evaluates a question answered again, like its first answer (no follow-up, no change
    /// to the interview's score).
    pub async fn evaluate_retry(
        &self,
        user_id: &str,
        interview_id: &str,
        question_id: &str,
        attempt: u8,
        last_attempt: bool,
    ) -> Result<(), JobError> {
        let Some(retry) = self
            .interviews
            .retry(user_id, interview_id, question_id, attempt)
            .await?
        else {
            return Ok(());
        };
        if retry.answer.evaluation_status.is_settled() {
            return Ok(());
        }
        let run = JobRun::Retry {
            interview_id,
            question_id,
            attempt,
        };
        if !self.claim(user_id, run).await? {
            return Ok(());
        }
        let Some(interview) = self.interviews.get(user_id, interview_id).await? else {
            return Ok(());
        };
        let evaluation = self
            .evaluate(&interview, question_id, &retry.answer.answer)
            .await;
        let outcome = match &evaluation {
            Ok(evaluation) => Ok(evaluation),
            Err(failure) if last_attempt || !failure.is_retryable() => Err(failure.reason()),
            Err(_) => {
                self.runs.release(user_id, run).await;
                return evaluation.map(|_| ());
            }
        };
        self.interviews
            .record_retry_evaluation(user_id, &retry, outcome)
            .await?;
        self.complete(user_id, run).await
    }

    /// Writes the follow-up of a weak answer that missed something, when the interview
    /// still takes one and the question has none; otherwise settles the question. A model
    /// that cannot write one costs the candidate only the follow-up.
    async fn follow_up(
        &self,
        user_id: &str,
        interview: &Interview,
        question_id: &str,
        answer: &str,
        evaluation: &Evaluation,
    ) -> Result<(), JobError> {
        let wanted = interview
            .question(question_id)
            .filter(|question| question.follows.is_none())
            .filter(|_| interview.may_follow_up() && interview.follow_up_of(question_id).is_none())
            .and_then(|question| {
                missed_by(question.kind, evaluation, interview.lang)
                    .map(|missed| (question, missed))
            });
        let Some((question, missed)) = wanted else {
            return self.settle(user_id, interview, question_id).await;
        };
        let request = FollowUpRequest {
            lang: interview.lang,
            kind: question.kind,
            question: question.text.clone().unwrap_or_default(),
            answer: answer.to_owned(),
            missed: missed.clone(),
        };
        let added = match self.llm.follow_up(&request).await {
            Ok(written) => {
                let follow_up = follow_up_question(question, written, &missed);
                self.interviews
                    .add_follow_up(
                        user_id,
                        &interview.id,
                        &follow_up,
                        interview.follow_up_limit,
                    )
                    .await?
            }
            Err(error) => {
                tracing::warn!(interview_id = %interview.id, question_id, ?error, "a follow-up could not be written");
                false
            }
        };
        // Adding it settled the question; otherwise (no follow-up, or the limit was reached
        // meanwhile) settle it here.
        match added {
            true => Ok(()),
            false => self.settle(user_id, interview, question_id).await,
        }
    }

    /// Records that a question's evaluation settled, where that matters: only while the
    /// interview may still follow up is an unsettled answer waited for (and the interview
    /// item, which every settling rewrites, is the largest item there is).
    async fn settle(
        &self,
        user_id: &str,
        interview: &Interview,
        question_id: &str,
    ) -> Result<(), JobError> {
        if interview.may_follow_up() {
            self.interviews
                .settle(user_id, &interview.id, question_id)
                .await?;
        }
        Ok(())
    }

    async fn evaluate(
        &self,
        interview: &Interview,
        question_id: &str,
        answer: &str,
    ) -> Result<crate::domain::evaluation::Evaluation, JobError> {
        let Some(question) = interview.question(question_id) else {
            return Err(JobError::Invalid(
                "the answer's question is not in the interview".into(),
            ));
        };
        let competency = match &question.competency {
            Some(id) => {
                let bank = self.bank.get().await?;
                bank.competencies
                    .iter()
                    .find(|c| &c.id == id)
                    .map(|c| c.text(interview.lang).clone())
            }
            None => None,
        };
        // A follow-up is graded against the example answer of the question it follows.
        let example_answer = question
            .follows
            .as_deref()
            .and_then(|original| interview.question(original))
            .unwrap_or(question)
            .example_answer
            .clone();
        let request = EvaluationRequest {
            lang: interview.lang,
            kind: question.kind,
            question: question.text.clone().unwrap_or_default(),
            answer: answer.to_owned(),
            example_answer,
            key_points: question.key_points.clone(),
            competency,
            criteria: question.criteria.clone(),
        };
        Ok(self.llm.evaluate(&request).await?)
    }

    async fn record_score_when_done(
        &self,
        user_id: &str,
        interview_id: &str,
    ) -> Result<(), JobError> {
        let Some(interview) = self.interviews.get(user_id, interview_id).await? else {
            return Ok(());
        };
        let answers = self.interviews.answers(user_id, interview_id).await?;
        if let Some(score) = interview.final_score(&answers, self.clock.now()) {
            self.interviews
                .set_score(user_id, interview_id, score)
                .await?;
        }
        Ok(())
    }
}
