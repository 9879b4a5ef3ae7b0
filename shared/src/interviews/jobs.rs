//! The interview jobs the worker runs: writing an interview's personal questions and
//! evaluating an answer. Each is idempotent under redelivery: the interview's state says
//! whether the work is done, and a run record keeps two deliveries from calling the model at
//! once. On the last delivery the queue makes, a failure leaves a visible `failed` state (and
//! the message goes on to the dead-letter queue, where operators see it); work whose job was
//! lost is given up the same way by the sweep.

use std::sync::Arc;

use crate::domain::evaluation::{
    Evaluation, EvaluationRequest, JobBrief, PersonalQuestionsRequest,
};
use crate::domain::follow_up::{FollowUpRequest, follow_up_question, missed_by};
use crate::domain::interview::{Interview, PersonalStatus};
use crate::domain::job::{JobError, WorkState};
use crate::ports::{Clock, Llm};
use crate::storage::bank::BankCatalog;
use crate::storage::cvs::CvStore;
use crate::storage::interviews::{InterviewStore, WritingMaterial};
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

    /// Where the evaluation of a question answered again stands, for the sweep.
    pub async fn retry_state(
        &self,
        user_id: &str,
        interview_id: &str,
        question_id: &str,
        attempt: u8,
    ) -> Result<WorkState, JobError> {
        let retry = self
            .interviews
            .retry(user_id, interview_id, question_id, attempt)
            .await?;
        Ok(match retry {
            None => WorkState::Gone,
            Some(r) if r.answer.evaluation_status.is_settled() => WorkState::Finished,
            Some(_) => WorkState::Unfinished,
        })
    }

    /// Records that a question answered again will not be evaluated (its job was lost too
    /// often); the candidate may answer again while attempts remain.
    pub async fn give_up_retry(
        &self,
        user_id: &str,
        interview_id: &str,
        question_id: &str,
        attempt: u8,
    ) -> Result<(), JobError> {
        if let Some(retry) = self
            .interviews
            .retry(user_id, interview_id, question_id, attempt)
            .await?
        {
            self.interviews
                .record_retry_evaluation(user_id, &retry, Err(JobError::PROCESSING_ERROR))
                .await?;
        }
        Ok(())
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
                self.follow_up(user_id, &interview, question_id, answer, &evaluation)
                    .await?;
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
                self.settle(user_id, &interview, question_id).await?;
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
