//! The interview jobs the worker runs: writing an interview's personal questions and
//! evaluating an answer. Each is idempotent under redelivery: the interview's state says
//! whether the work is done, and a run record keeps two deliveries from calling the model at
//! once. On the last delivery the queue makes, a failure leaves a visible `failed` state (and
//! the message goes on to the dead-letter queue, where operators see it); work whose job was
//! lost is given up the same way by the sweep.

use std::sync::Arc;

use crate::domain::evaluation::{EvaluationRequest, PersonalQuestionsRequest};
use crate::domain::interview::{Interview, PersonalStatus};
use crate::domain::job::{JobError, WorkState};
use crate::ports::{Clock, Llm};
use crate::storage::bank::BankCatalog;
use crate::storage::cvs::CvStore;
use crate::storage::interviews::InterviewStore;
use crate::storage::job_runs::{Claim, JobRuns};
use crate::storage::layout::JobRun;

/// What a claimed run recorded.
enum Settled {
    /// The result.
    Done,
    /// A visible failure, for this reason.
    Failed(JobError),
}

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
        // Deleted since it was queued: nothing to do.
        let Some(interview) = self.interviews.get(user_id, interview_id).await? else {
            tracing::debug!(interview_id, "the interview is gone; job dropped");
            return Ok(());
        };
        // Already settled; an earlier delivery may have died before dropping the CV copy.
        if interview.personal_status != PersonalStatus::Pending {
            return Ok(self
                .interviews
                .forget_cv_text(user_id, interview_id)
                .await?);
        }
        let run = JobRun::PersonalQuestions { interview_id };
        if !self.claim(user_id, run).await? {
            return Ok(());
        }
        let outcome = match self.write_questions(user_id, interview).await {
            Ok(()) => self
                .interviews
                .forget_cv_text(user_id, interview_id)
                .await
                .map(|()| Settled::Done)
                .map_err(JobError::from),
            Err(failure) if last_attempt || !failure.is_retryable() => {
                tracing::warn!(
                    interview_id,
                    ?failure,
                    "personal questions could not be written"
                );
                self.give_up_personal_questions(user_id, interview_id)
                    .await
                    .map(|()| Settled::Failed(failure))
            }
            Err(failure) => Err(failure),
        };
        self.finish_run(user_id, run, outcome).await
    }

    /// Ends a claimed run: completed once its outcome is recorded (and a recorded failure a
    /// later try might have cured goes on to the dead-letter queue); released when nothing
    /// was recorded, so the next delivery tries again at once rather than after the lease.
    async fn finish_run(
        &self,
        user_id: &str,
        run: JobRun<'_>,
        outcome: Result<Settled, JobError>,
    ) -> Result<(), JobError> {
        match outcome {
            Ok(settled) => {
                self.complete(user_id, run).await?;
                match settled {
                    Settled::Done => Ok(()),
                    Settled::Failed(failure) => Self::dead_letter_if_retryable(failure),
                }
            }
            Err(failure) => {
                self.runs.release(user_id, run).await;
                Err(failure)
            }
        }
    }

    /// After the last try has left its visible failure: a failure a later try might have
    /// cured goes on to the dead-letter queue, where operators see it (and replaying it is
    /// harmless: its work is settled); one no try can cure (the model's invalid reply) ends
    /// here.
    fn dead_letter_if_retryable(failure: JobError) -> Result<(), JobError> {
        match failure.is_retryable() {
            true => Err(failure),
            false => Ok(()),
        }
    }

    /// Records that an interview's personal questions will not be written: the interview
    /// goes on without them.
    pub async fn give_up_personal_questions(
        &self,
        user_id: &str,
        interview_id: &str,
    ) -> Result<(), JobError> {
        self.interviews
            .personal_questions_failed(user_id, interview_id)
            .await?;
        Ok(self
            .interviews
            .forget_cv_text(user_id, interview_id)
            .await?)
    }

    /// Where the writing of an interview's personal questions stands.
    pub async fn personal_questions_state(
        &self,
        user_id: &str,
        interview_id: &str,
    ) -> Result<WorkState, JobError> {
        Ok(match self.interviews.get(user_id, interview_id).await? {
            None => WorkState::Gone,
            Some(i) if i.personal_status == PersonalStatus::Pending => WorkState::Unfinished,
            Some(_) => WorkState::Finished,
        })
    }

    /// Where the evaluation of an answer stands.
    pub async fn evaluation_state(
        &self,
        user_id: &str,
        interview_id: &str,
        question_id: &str,
    ) -> Result<WorkState, JobError> {
        let answer = self
            .interviews
            .answer(user_id, interview_id, question_id)
            .await?;
        Ok(match answer {
            None => WorkState::Gone,
            Some(a) if a.evaluation_status.is_settled() => WorkState::Finished,
            Some(_) => WorkState::Unfinished,
        })
    }

    /// Lets go of a run whose holder is known to be dead (a host restarted: nothing it ran
    /// survives it), so the job runs again at once rather than after the lease.
    pub async fn release_run(&self, user_id: &str, run: JobRun<'_>) {
        self.runs.release(user_id, run).await;
    }

    async fn write_questions(
        &self,
        user_id: &str,
        mut interview: Interview,
    ) -> Result<(), JobError> {
        // The interview's own copy; an interview created before copies were kept reads the CV.
        let cv_text = match self.interviews.cv_text(user_id, &interview.id).await? {
            Some(text) => text,
            None => self
                .cvs
                .text(user_id, &interview.cv_id)
                .await?
                .unwrap_or_default(),
        };
        let slots = interview.personal_slots();
        let request = PersonalQuestionsRequest {
            cv_text,
            position: interview.position,
            lang: interview.lang,
            count: slots.len(),
        };
        let written = self.llm.personal_questions(&request).await?;
        let filled: Vec<usize> = slots.iter().copied().take(written.len()).collect();
        for (&slot, question) in filled.iter().zip(written) {
            interview.questions[slot].text = Some(question.text);
            interview.questions[slot].criteria = question.criteria;
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
            tracing::debug!(interview_id, question_id, "the answer is gone; job dropped");
            return Ok(());
        };
        if answer.evaluation_status.is_settled() {
            // An earlier delivery may have died before recording the interview's score.
            return self.record_score_when_done(user_id, interview_id).await;
        }
        let run = JobRun::Evaluation {
            interview_id,
            question_id,
        };
        if !self.claim(user_id, run).await? {
            return Ok(());
        }
        let outcome = self
            .evaluate_claimed(
                user_id,
                interview_id,
                question_id,
                &answer.answer,
                last_attempt,
            )
            .await;
        self.finish_run(user_id, run, outcome).await
    }

    async fn evaluate_claimed(
        &self,
        user_id: &str,
        interview_id: &str,
        question_id: &str,
        answer: &str,
        last_attempt: bool,
    ) -> Result<Settled, JobError> {
        let Some(interview) = self.interviews.get(user_id, interview_id).await? else {
            return Ok(Settled::Done);
        };
        let settled = match self.evaluate(&interview, question_id, answer).await {
            Ok(evaluation) => {
                self.interviews
                    .record_evaluation(user_id, interview_id, question_id, Ok(&evaluation))
                    .await?;
                Settled::Done
            }
            Err(failure) if last_attempt || !failure.is_retryable() => {
                tracing::warn!(
                    interview_id,
                    question_id,
                    ?failure,
                    "an answer could not be evaluated"
                );
                self.interviews
                    .record_evaluation(user_id, interview_id, question_id, Err(failure.reason()))
                    .await?;
                Settled::Failed(failure)
            }
            Err(failure) => return Err(failure),
        };
        self.record_score_when_done(user_id, interview_id).await?;
        Ok(settled)
    }

    /// Records that an answer will not be evaluated (its job was lost too often), with the
    /// reason shown to the user, who may have it tried again.
    pub async fn give_up_evaluation(
        &self,
        user_id: &str,
        interview_id: &str,
        question_id: &str,
    ) -> Result<(), JobError> {
        self.interviews
            .give_up_evaluation(
                user_id,
                interview_id,
                question_id,
                JobError::PROCESSING_ERROR,
            )
            .await?;
        self.record_score_when_done(user_id, interview_id).await
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
        let request = EvaluationRequest {
            lang: interview.lang,
            kind: question.kind,
            question: question.text.clone().unwrap_or_default(),
            answer: answer.to_owned(),
            example_answer: question.example_answer.clone(),
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
        if let Some(score) = interview.final_score(&answers) {
            self.interviews
                .set_score(user_id, interview_id, score)
                .await?;
        }
        Ok(())
    }
}
