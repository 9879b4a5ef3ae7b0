//! Interviews: creation under the quota, the next question, answers and reports; and the
//! jobs the worker runs for them (`jobs`). Nothing here waits on the LLM.

pub mod jobs;

use std::sync::Arc;

use crate::domain::cv::CvError;
use crate::domain::interview::{
    Answer, EvaluationStatus, Interview, InterviewError, MAX_RETRIES, NewInterview, PersonalStatus,
    Requeue, Retry, job_leaning, select_questions,
};
use crate::domain::job::Job;
use crate::domain::posting::{PostingRecord, TargetJob};
use crate::domain::progress::{Progress, progress, weakest_topics};
use crate::domain::report::Report;
use crate::ports::{Clock, IdGenerator, JobQueue, StoreError, is_well_formed_id};
use crate::storage::bank::BankCatalog;
use crate::storage::cvs::CvStore;
use crate::storage::interviews::{
    InterviewStore, WritingMaterial, evaluation_job, personal_questions_job,
};
use crate::storage::pending_work::PendingWork;
use crate::storage::postings::PostingStore;

/// The interview use cases, with only what they use.
#[derive(Clone)]
pub struct Interviews {
    pub(crate) repo: InterviewStore,
    pub(crate) cvs: CvStore,
    pub(crate) postings: PostingStore,
    pub(crate) bank: BankCatalog,
    pub(crate) pending: PendingWork,
    pub(crate) queue: Arc<dyn JobQueue>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) ids: Arc<dyn IdGenerator>,
    /// Interviews each account may create.
    pub(crate) quota: i64,
}

impl Interviews {
    /// Starts an interview: takes a unit of the quota atomically with writing the interview,
    /// and queues the writing of its personal questions. A creation that fails leaves no
    /// interview and gives its unit back. Aimed at a job posting, it notes which requirements
    /// the CV shows and leans its technical questions to the posting's topics.
    pub async fn create(
        &self,
        user_id: &str,
        request: NewInterview,
    ) -> Result<Interview, InterviewError> {
        let cv = match is_well_formed_id(&request.cv_id) {
            true => self.cvs.get(user_id, &request.cv_id).await?,
            false => None,
        }
        .ok_or(InterviewError::CvNotFound)?;
        if let Some(reason) = cv.not_ready_reason() {
            return Err(InterviewError::CvNotReady(reason));
        }
        let posting = match &request.job_id {
            Some(job_id) => Some(self.posting(user_id, job_id).await?),
            None => None,
        };
        let personal_pending = request.personal > 0;
        let cv_text = match personal_pending || posting.is_some() {
            true => self.cvs.text(user_id, &request.cv_id).await?,
            false => None,
        }
        .unwrap_or_default();
        let job = posting
            .as_ref()
            .map(|(posting, _)| TargetJob::new(posting, &cv_text, self.clock.now().year()));
        let focus = match request.focus_weak {
            true => Some(weakest_topics(
                &self.progress(user_id).await?,
                request.position,
            )),
            false => None,
        };
        // Practice on weak areas takes every technical question from them; a job, two thirds.
        let (focus_topics, leaning) = match (&focus, &job) {
            (Some(focus), _) => (
                focus.topics.iter().map(|t| t.topic.clone()).collect(),
                request.technical,
            ),
            (None, Some(job)) => (
                job.topics_for(request.position),
                job_leaning(request.technical),
            ),
            (None, None) => (Default::default(), 0),
        };
        let bank = self.bank.get().await?;
        let seen = self.repo.seen(user_id, request.position).await?;
        let questions = select_questions(
            &bank,
            &request,
            &seen,
            (&focus_topics, leaning),
            &mut rand::rng(),
        );
        let interview = Interview {
            id: self.ids.new_id(),
            cv_id: request.cv_id.clone(),
            position: request.position,
            lang: request.lang,
            personal_status: if personal_pending {
                PersonalStatus::Pending
            } else {
                PersonalStatus::None
            },
            job,
            questions,
            answered: Default::default(),
            score: None,
            created_at: self.clock.now(),
            follow_up_limit: request.follow_ups,
            follow_ups_written: 0,
            last_answer_at: None,
            follow_ups: Vec::new(),
            awaiting_evaluation: Default::default(),
            focus,
        };
        // The personal questions are written from the CV and the posting as they are now: a
        // correction of the CV or a deleted posting afterwards does not reach this interview.
        let material = personal_pending.then(|| WritingMaterial {
            cv_text,
            job_text: posting.map(|(_, text)| text),
        });
        let created = self
            .repo
            .create(user_id, &interview, material.as_ref(), self.quota)
            .await;
        if let Err(error) = created {
            // A write whose answer was lost may still have happened.
            if matches!(error, InterviewError::Unexpected(_)) {
                self.undo_create(user_id, &interview.id).await;
            }
            return Err(error);
        }
        if interview.personal_status == PersonalStatus::Pending {
            let job = personal_questions_job(user_id, &interview.id);
            if let Err(error) = self.queue.send(&job).await {
                self.undo_create(user_id, &interview.id).await;
                return Err(error.into());
            }
        }
        Ok(interview)
    }

    /// The user's job posting and its text, for an interview aimed at it.
    async fn posting(
        &self,
        user_id: &str,
        job_id: &str,
    ) -> Result<(PostingRecord, String), InterviewError> {
        let record = match is_well_formed_id(job_id) {
            true => self.postings.get(user_id, job_id).await?,
            false => None,
        }
        .ok_or(InterviewError::JobNotFound)?;
        let text = self
            .postings
            .text(user_id, job_id)
            .await?
            .unwrap_or_default();
        Ok((record, text))
    }

    /// Removes an interview whose creation failed and gives its unit back; nothing when it
    /// was never written. Should that fail too, the interview stays, usable, and its personal
    /// questions are due at once, so the next sweep sends their job.
    async fn undo_create(&self, user_id: &str, interview_id: &str) {
        match self.repo.remove_and_give_back(user_id, interview_id).await {
            Ok(()) | Err(StoreError::TransactionCancelled { .. }) => {}
            Err(error) => {
                tracing::error!(
                    ?error,
                    interview_id,
                    "a failed creation could not be undone; the interview stays"
                );
                self.due_now(&personal_questions_job(user_id, interview_id))
                    .await;
            }
        }
    }

    /// Makes work whose job may not have reached the queue due for the next sweep.
    async fn due_now(&self, job: &Job) {
        self.pending.due_now(job, self.clock.unix_now()).await;
    }

    /// The user's interview; another user's is not found.
    pub async fn get(
        &self,
        user_id: &str,
        interview_id: &str,
    ) -> Result<Interview, InterviewError> {
        if !is_well_formed_id(interview_id) {
            return Err(InterviewError::NotFound);
        }
        self.repo
            .get(user_id, interview_id)
            .await?
            .ok_or(InterviewError::NotFound)
    }

    /// The user's interviews, newest first.
    pub async fn list(&self, user_id: &str) -> Result<Vec<Interview>, InterviewError> {
        Ok(self.repo.list(user_id).await?)
    }

    /// The interview's report, with whatever is evaluated so far.
    pub async fn report(
        &self,
        user_id: &str,
        interview_id: &str,
    ) -> Result<Report, InterviewError> {
        let interview = self.get(user_id, interview_id).await?;
        let answers = self.repo.answers(user_id, interview_id).await?;
        let retries = self.repo.retries(user_id, interview_id).await?;
        Ok(Report::of(&interview, answers, retries, self.clock.now()))
    }

    /// Answers a question again once its first answer is evaluated (at most
    /// [`MAX_RETRIES`] times) and queues the evaluation. A retry whose job the queue refuses
    /// is removed, so sending it again works.
    pub async fn retry(
        &self,
        user_id: &str,
        interview_id: &str,
        question_id: &str,
        answer: String,
    ) -> Result<Retry, InterviewError> {
        if !is_well_formed_id(interview_id) {
            return Err(InterviewError::NotFound);
        }
        let Some(first) = self.repo.answer(user_id, interview_id, question_id).await? else {
            let interview = self.get(user_id, interview_id).await?;
            return match interview.question(question_id) {
                Some(_) => Err(InterviewError::NotEvaluatedYet),
                None => Err(InterviewError::NotFound),
            };
        };
        if first.evaluation_status != EvaluationStatus::Evaluated {
            return Err(InterviewError::NotEvaluatedYet);
        }
        for attempt in 1..=MAX_RETRIES {
            let retry = Retry {
                attempt,
                answer: Answer {
                    answer: answer.clone(),
                    evaluation_status: EvaluationStatus::Queued,
                    submitted_at: self.clock.now(),
                    queued_at: None,
                    evaluation: None,
                    failure_reason: None,
                    ..first.clone()
                },
            };
            if !self.repo.insert_retry(user_id, &retry).await? {
                continue;
            }
            let job = Job::EvaluateRetry {
                user_id: user_id.to_owned(),
                interview_id: interview_id.to_owned(),
                question_id: question_id.to_owned(),
                attempt,
            };
            if let Err(error) = self.queue.send(&job).await {
                self.repo.delete_retry(user_id, &retry).await?;
                return Err(error.into());
            }
            return Ok(retry);
        }
        Err(InterviewError::RetryLimitReached)
    }

    /// Progress across the user's latest interviews, weakest areas first.
    pub async fn progress(&self, user_id: &str) -> Result<Progress, InterviewError> {
        let interviews = self.repo.list(user_id).await?;
        let answers = self.repo.every_answer(user_id).await?;
        Ok(progress(&interviews, &answers))
    }

    /// The time by this service's clock: what an interview's `next` and status are read at.
    pub fn now(&self) -> time::OffsetDateTime {
        self.clock.now()
    }

    /// Stores an answer and queues its evaluation: one conditional write (the question is
    /// open: it exists, is written and has no answer) and the job, so a first answer costs
    /// the token check and that write. Only when the write is refused is the interview read,
    /// to say why. The same answer again returns the stored one and queues nothing, unless
    /// its job never reached the queue or was lost, or its evaluation failed (then it is
    /// tried again, a bounded number of times); a different answer to an answered question
    /// is a conflict.
    pub async fn submit_answer(
        &self,
        user_id: &str,
        interview_id: &str,
        question_id: &str,
        answer: String,
    ) -> Result<Answer, InterviewError> {
        if !is_well_formed_id(interview_id) {
            return Err(InterviewError::NotFound);
        }
        let stored = Answer {
            interview_id: interview_id.to_owned(),
            question_id: question_id.to_owned(),
            answer,
            evaluation_status: EvaluationStatus::Queued,
            submitted_at: self.clock.now(),
            queued_at: None,
            evaluation: None,
            failure_reason: None,
            retries: 0,
        };
        match self.repo.insert_answer(user_id, &stored, false).await {
            Ok(true) => return self.queue_evaluation(user_id, stored, true).await,
            Ok(false) => {}
            Err(error) => {
                // A write whose answer was lost may still have happened: then its job goes
                // with the next sweep, and the same answer again is its receipt.
                self.due_now(&evaluation_job(user_id, &stored)).await;
                return Err(error.into());
            }
        }
        let interview = self.get(user_id, interview_id).await?;
        let Some(question) = interview.question(question_id) else {
            return Err(InterviewError::NotFound);
        };
        if question.text.is_none() {
            return Err(InterviewError::QuestionNotReady);
        }
        // Written and unanswered, yet not open: an interview from before questions had
        // states. It takes the answer under the condition it exists.
        if !interview.answered.contains(question_id)
            && self.repo.insert_answer(user_id, &stored, true).await?
        {
            return self.queue_evaluation(user_id, stored, true).await;
        }
        // A concurrent submission won, or this is the same answer again.
        self.resubmission(user_id, interview_id, question_id, &stored.answer)
            .await
    }

    async fn resubmission(
        &self,
        user_id: &str,
        interview_id: &str,
        question_id: &str,
        answer: &str,
    ) -> Result<Answer, InterviewError> {
        let Some(existing) = self.repo.answer(user_id, interview_id, question_id).await? else {
            return Err(InterviewError::Unexpected(anyhow::anyhow!(
                "answered question without an answer"
            )));
        };
        if existing.answer != answer {
            return Err(InterviewError::AlreadyAnswered);
        }
        let now = self.clock.now();
        match existing.requeue(now) {
            Requeue::No => Ok(existing),
            Requeue::Send => self.queue_evaluation(user_id, existing, false).await,
            Requeue::Retry => {
                if !self.repo.retry_evaluation(user_id, &existing, now).await? {
                    // A concurrent retry won: report the answer as it is now.
                    let now = self.repo.answer(user_id, interview_id, question_id).await?;
                    return now.ok_or(InterviewError::NotFound);
                }
                let retried = Answer {
                    evaluation_status: EvaluationStatus::Queued,
                    queued_at: Some(now),
                    failure_reason: None,
                    retries: existing.retries + 1,
                    ..existing
                };
                self.queue_evaluation(user_id, retried, true).await
            }
        }
    }

    /// Sends the evaluation job of a stored answer. A first submission (or a retry) is stored
    /// `queued` already; a later one records that it is queued (again) and when. If the queue
    /// refuses, the answer is marked `unqueued` so the same submission again retries, and its
    /// work is due at once so the next sweep sends it should nobody submit again; should the
    /// mark fail too, the answer stays `queued` and the sweep sends it all the same.
    async fn queue_evaluation(
        &self,
        user_id: &str,
        mut answer: Answer,
        stored_queued: bool,
    ) -> Result<Answer, InterviewError> {
        let job = evaluation_job(user_id, &answer);
        match self.queue.send(&job).await {
            Ok(_) if stored_queued => Ok(answer),
            Ok(_) => {
                let now = self.clock.now();
                self.repo
                    .set_queue_status(
                        user_id,
                        &answer,
                        answer.evaluation_status,
                        EvaluationStatus::Queued,
                        Some(now),
                    )
                    .await?;
                answer.evaluation_status = EvaluationStatus::Queued;
                answer.queued_at = Some(now);
                Ok(answer)
            }
            Err(error) => {
                if let Err(mark) = self
                    .repo
                    .set_queue_status(
                        user_id,
                        &answer,
                        answer.evaluation_status,
                        EvaluationStatus::Unqueued,
                        None,
                    )
                    .await
                {
                    tracing::error!(
                        error = ?mark,
                        "an answer whose job was refused could not be marked unqueued; the sweep sends it"
                    );
                }
                self.due_now(&job).await;
                Err(error.into())
            }
        }
    }
}

impl From<CvError> for InterviewError {
    fn from(error: CvError) -> Self {
        match error {
            CvError::NotFound => Self::CvNotFound,
            other => Self::Unexpected(other.into()),
        }
    }
}
