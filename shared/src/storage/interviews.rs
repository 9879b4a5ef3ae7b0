//! The interviews repository: interviews with their questions, their answers and
//! evaluations, the quota taken on the profile, and the bank questions each user has seen.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde_json::Value;

use super::layout::{
    ANSWER_PREFIX, INTERVIEW_PREFIX, JobRun, answer_key, answer_prefix, attr,
    interview_cv_text_key, interview_key, job_run_key, profile_key, question_state, retry_key,
    retry_prefix, seen_behavioral_key, seen_technical_key, user_partition,
};
use super::pending_work::{mark, unmark};
use super::{Transaction, TransactionFailure};
use crate::domain::QuestionKind;
use crate::domain::evaluation::Evaluation;
use crate::domain::interview::{
    Answer, EvaluationStatus, Interview, InterviewError, InterviewQuestion, PersonalStatus, Retry,
    Seen,
};
use crate::domain::job::{Job, WORK_LEASE_SECONDS};
use crate::ports::item_store::query_all;
use crate::ports::{Condition, Item, ItemKey, ItemStore, StoreError, Update, WriteOp};

#[derive(Clone)]
pub struct InterviewStore {
    store: Arc<dyn ItemStore>,
}

/// What an interview's personal questions are written from, copied when it starts: the CV
/// text, and the job posting's text when it is aimed at one.
#[derive(Clone, Debug, PartialEq)]
pub struct WritingMaterial {
    pub cv_text: String,
    pub job_text: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum NewInterviewWrite {
    Quota,
    Interview,
    CvText,
    Seen,
    PendingWork,
}

/// The job that writes an interview's personal questions.
pub fn personal_questions_job(user_id: &str, interview_id: &str) -> Job {
    Job::GeneratePersonalQuestions {
        user_id: user_id.to_owned(),
        interview_id: interview_id.to_owned(),
    }
}

/// The job that evaluates an answer.
pub fn evaluation_job(user_id: &str, answer: &Answer) -> Job {
    Job::EvaluateAnswer {
        user_id: user_id.to_owned(),
        interview_id: answer.interview_id.clone(),
        question_id: answer.question_id.clone(),
    }
}

/// The job that evaluates a question answered again.
pub fn retry_job(user_id: &str, retry: &Retry) -> Job {
    Job::EvaluateRetry {
        user_id: user_id.to_owned(),
        interview_id: retry.answer.interview_id.clone(),
        question_id: retry.answer.question_id.clone(),
        attempt: retry.attempt,
    }
}

/// Where a retry is stored.
fn stored_retry_key(user_id: &str, retry: &Retry) -> ItemKey {
    let answer = &retry.answer;
    retry_key(
        user_id,
        &answer.interview_id,
        &answer.question_id,
        retry.attempt,
    )
}

/// When work queued at `at` is due for the sweep.
fn due_after(at: time::OffsetDateTime) -> i64 {
    at.unix_timestamp() + WORK_LEASE_SECONDS
}

fn rfc3339(at: time::OffsetDateTime) -> Result<Value, StoreError> {
    at.format(&time::format_description::well_known::Rfc3339)
        .map(Value::from)
        .map_err(StoreError::backend)
}

/// An interview item with the state of each question beside the interview's fields.
fn with_question_states(mut item: Item, questions: &[InterviewQuestion]) -> Item {
    for question in questions {
        let state = match question.text {
            Some(_) => question_state::OPEN,
            None => question_state::WRITING,
        };
        item.attrs
            .insert(attr::question_state(&question.id), Value::from(state));
    }
    item
}

/// An interview from its item: the interview's fields, its follow-ups in the order of the
/// questions they follow, and the answers still awaiting evaluation.
fn decode_interview(item: Item) -> Result<Interview, StoreError> {
    let mut follow_ups = Vec::new();
    let mut awaiting = BTreeSet::new();
    for (name, value) in &item.attrs {
        if name.starts_with(attr::FOLLOW_UP_PREFIX) {
            follow_ups.push(
                serde_json::from_value::<InterviewQuestion>(value.clone())
                    .map_err(StoreError::backend)?,
            );
        } else if let Some(question_id) = name.strip_prefix(attr::AWAITING_PREFIX)
            && value.as_bool() == Some(true)
        {
            awaiting.insert(question_id.to_owned());
        }
    }
    let mut interview: Interview = item.decode()?;
    let position = |q: &InterviewQuestion| {
        let follows = q.follows.as_deref().unwrap_or_default();
        interview.questions.iter().position(|p| p.id == follows)
    };
    follow_ups.sort_by_key(|q| position(q));
    interview.follow_ups = follow_ups;
    interview.awaiting_evaluation = awaiting;
    Ok(interview)
}

/// A write whose condition failing means "someone else got there first", which the caller
/// treats as done.
fn unless_already_done(result: Result<Item, StoreError>) -> Result<(), StoreError> {
    match result {
        Ok(_) | Err(StoreError::ConditionFailed) => Ok(()),
        Err(other) => Err(other),
    }
}

impl InterviewStore {
    pub fn new(store: Arc<dyn ItemStore>) -> Self {
        Self { store }
    }

    async fn seen_ids(&self, key: &ItemKey) -> Result<BTreeSet<String>, StoreError> {
        Ok(self
            .store
            .get(key)
            .await?
            .and_then(|item| item.attrs.get(attr::IDS).cloned())
            .and_then(|ids| serde_json::from_value(ids).ok())
            .unwrap_or_default())
    }

    /// The bank questions of the position (and the behavioral ones) the user was given.
    pub async fn seen(
        &self,
        user_id: &str,
        position: crate::domain::Position,
    ) -> Result<Seen, StoreError> {
        Ok(Seen {
            technical: self
                .seen_ids(&seen_technical_key(user_id, position))
                .await?,
            behavioral: self.seen_ids(&seen_behavioral_key(user_id)).await?,
        })
    }

    /// Writes a new interview while taking a unit of the quota, with the CV text its personal
    /// questions are to be written from (if it has any), remembering the bank questions it
    /// asks and marking its personal questions as pending work, all in one transaction, so
    /// under any concurrency exactly the allowed number succeed.
    pub async fn create(
        &self,
        user_id: &str,
        interview: &Interview,
        material: Option<&WritingMaterial>,
        quota: i64,
    ) -> Result<(), InterviewError> {
        let mut transaction = Transaction::new();
        transaction.push(
            NewInterviewWrite::Quota,
            WriteOp::Update {
                key: profile_key(user_id),
                updates: vec![Update::Add(attr::INTERVIEWS_USED.into(), 1)],
                condition: Some(Condition::LessThan(attr::INTERVIEWS_USED.into(), quota)),
            },
        );
        transaction.push(
            NewInterviewWrite::Interview,
            WriteOp::Put {
                item: with_question_states(
                    Item::of(interview_key(user_id, &interview.id), interview)?,
                    &interview.questions,
                ),
                condition: Some(Condition::Absent),
            },
        );
        if let Some(material) = material {
            transaction.push(
                NewInterviewWrite::CvText,
                WriteOp::Put {
                    item: Item::of(
                        interview_cv_text_key(user_id, &interview.id),
                        &serde_json::json!({
                            attr::TEXT: material.cv_text,
                            attr::JOB_TEXT: material.job_text,
                        }),
                    )?,
                    condition: None,
                },
            );
        }
        for (key, kind) in [
            (
                seen_technical_key(user_id, interview.position),
                QuestionKind::Technical,
            ),
            (seen_behavioral_key(user_id), QuestionKind::Behavioral),
        ] {
            let ids = interview.bank_ids(kind);
            if !ids.is_empty() {
                transaction.push(
                    NewInterviewWrite::Seen,
                    WriteOp::Update {
                        key,
                        updates: vec![Update::AddToSet(attr::IDS.into(), ids)],
                        condition: None,
                    },
                );
            }
        }
        if interview.personal_status == PersonalStatus::Pending {
            transaction.push(
                NewInterviewWrite::PendingWork,
                mark(
                    &personal_questions_job(user_id, &interview.id),
                    due_after(interview.created_at),
                )?,
            );
        }
        match transaction.commit(self.store.as_ref()).await {
            Err(TransactionFailure::Conditions(failed))
                if failed.contains(&NewInterviewWrite::Quota) =>
            {
                Err(InterviewError::QuotaExhausted { quota })
            }
            other => Ok(other?),
        }
    }

    /// Undoes a creation: the interview goes, its quota unit comes back. Cancelled (nothing
    /// changes) when the interview is not there, so undoing a creation that did not happen
    /// gives nothing back.
    pub async fn remove_and_give_back(
        &self,
        user_id: &str,
        interview_id: &str,
    ) -> Result<(), StoreError> {
        self.store
            .transact(vec![
                WriteOp::Delete {
                    key: interview_key(user_id, interview_id),
                    condition: Some(Condition::Present),
                },
                WriteOp::Update {
                    key: profile_key(user_id),
                    updates: vec![Update::Add(attr::INTERVIEWS_USED.into(), -1)],
                    condition: Some(Condition::Present),
                },
                WriteOp::Delete {
                    key: interview_cv_text_key(user_id, interview_id),
                    condition: None,
                },
                unmark(&personal_questions_job(user_id, interview_id)),
            ])
            .await
    }

    /// What the interview's personal questions are written from, as it was at the start;
    /// `None` once they are settled (or for an interview created before copies were kept).
    pub async fn writing_material(
        &self,
        user_id: &str,
        interview_id: &str,
    ) -> Result<Option<WritingMaterial>, StoreError> {
        Ok(self
            .store
            .get(&interview_cv_text_key(user_id, interview_id))
            .await?
            .and_then(|item| {
                Some(WritingMaterial {
                    cv_text: item.str_attr(attr::TEXT)?.to_owned(),
                    job_text: item.str_attr(attr::JOB_TEXT).map(str::to_owned),
                })
            }))
    }

    /// Drops the interview's copy of the CV text once its personal questions are settled.
    pub async fn forget_cv_text(
        &self,
        user_id: &str,
        interview_id: &str,
    ) -> Result<(), StoreError> {
        self.store
            .delete(&interview_cv_text_key(user_id, interview_id), None)
            .await
    }

    pub async fn get(
        &self,
        user_id: &str,
        interview_id: &str,
    ) -> Result<Option<Interview>, StoreError> {
        match self
            .store
            .get(&interview_key(user_id, interview_id))
            .await?
        {
            Some(item) => Ok(Some(decode_interview(item)?)),
            None => Ok(None),
        }
    }

    /// The user's interviews, newest first.
    pub async fn list(&self, user_id: &str) -> Result<Vec<Interview>, StoreError> {
        super::newest_first_items(self.store.as_ref(), user_id, INTERVIEW_PREFIX)
            .await?
            .into_iter()
            .map(decode_interview)
            .collect()
    }

    /// Adds the follow-up of an answered question, unless the interview's limit is reached
    /// or the question's evaluation has settled (an earlier delivery wrote it, or decided
    /// against one); either way the question no longer awaits. `false` when not added.
    pub async fn add_follow_up(
        &self,
        user_id: &str,
        interview_id: &str,
        follow_up: &InterviewQuestion,
        limit: u8,
    ) -> Result<bool, StoreError> {
        let follows = follow_up.follows.as_deref().unwrap_or_default();
        let awaiting = attr::awaiting_evaluation(follows);
        let result = self
            .store
            .update(
                &interview_key(user_id, interview_id),
                vec![
                    Update::Set(
                        attr::follow_up(follows),
                        serde_json::to_value(follow_up).map_err(StoreError::backend)?,
                    ),
                    Update::set(&attr::question_state(&follow_up.id), question_state::OPEN),
                    Update::Add(attr::FOLLOW_UPS.into(), 1),
                    Update::set(&awaiting, false),
                ],
                Some(Condition::All(vec![
                    Condition::LessThan(attr::FOLLOW_UPS.into(), i64::from(limit)),
                    Condition::equals(&awaiting, true),
                ])),
            )
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(StoreError::ConditionFailed) => Ok(false),
            Err(other) => Err(other),
        }
    }

    /// Records that an answered question's evaluation has settled without a follow-up.
    pub async fn settle(
        &self,
        user_id: &str,
        interview_id: &str,
        question_id: &str,
    ) -> Result<(), StoreError> {
        unless_already_done(
            self.store
                .update(
                    &interview_key(user_id, interview_id),
                    vec![Update::set(&attr::awaiting_evaluation(question_id), false)],
                    Some(Condition::Present),
                )
                .await,
        )
    }

    /// Fills the personal slots with the questions written for them and marks them ready
    /// and open, unless an earlier delivery already did.
    pub async fn record_personal_questions(
        &self,
        user_id: &str,
        interview_id: &str,
        questions: &[InterviewQuestion],
        written: &[usize],
    ) -> Result<(), StoreError> {
        let mut updates = vec![
            Update::Set(
                attr::QUESTIONS.into(),
                serde_json::to_value(questions).map_err(StoreError::backend)?,
            ),
            Update::set(attr::PERSONAL_STATUS, PersonalStatus::Ready.as_str()),
        ];
        updates.extend(written.iter().filter_map(|&slot| {
            let question = questions.get(slot)?;
            Some(Update::set(
                &attr::question_state(&question.id),
                question_state::OPEN,
            ))
        }));
        self.set_personal(user_id, interview_id, updates).await
    }

    /// Marks the personal questions as failed: the interview goes on without them.
    pub async fn personal_questions_failed(
        &self,
        user_id: &str,
        interview_id: &str,
    ) -> Result<(), StoreError> {
        self.set_personal(
            user_id,
            interview_id,
            vec![Update::set(
                attr::PERSONAL_STATUS,
                PersonalStatus::Failed.as_str(),
            )],
        )
        .await
    }

    async fn set_personal(
        &self,
        user_id: &str,
        interview_id: &str,
        updates: Vec<Update>,
    ) -> Result<(), StoreError> {
        let pending = Condition::equals(attr::PERSONAL_STATUS, PersonalStatus::Pending.as_str());
        unless_already_done(
            self.store
                .update(
                    &interview_key(user_id, interview_id),
                    updates,
                    Some(pending),
                )
                .await,
        )
    }

    /// Records the interview's overall score.
    pub async fn set_score(
        &self,
        user_id: &str,
        interview_id: &str,
        score: f64,
    ) -> Result<(), StoreError> {
        self.store
            .update(
                &interview_key(user_id, interview_id),
                vec![Update::set(attr::SCORE, score)],
                Some(Condition::Present),
            )
            .await?;
        Ok(())
    }

    pub async fn answer(
        &self,
        user_id: &str,
        interview_id: &str,
        question_id: &str,
    ) -> Result<Option<Answer>, StoreError> {
        match self
            .store
            .get(&answer_key(user_id, interview_id, question_id))
            .await?
        {
            Some(item) => Ok(Some(item.decode()?)),
            None => Ok(None),
        }
    }

    /// Every answer of an interview, by question id.
    pub async fn answers(
        &self,
        user_id: &str,
        interview_id: &str,
    ) -> Result<BTreeMap<String, Answer>, StoreError> {
        let items = query_all(
            self.store.as_ref(),
            &user_partition(user_id),
            &answer_prefix(interview_id),
        )
        .await?;
        let mut answers = BTreeMap::new();
        for item in items {
            let answer: Answer = item.decode()?;
            answers.insert(answer.question_id.clone(), answer);
        }
        Ok(answers)
    }

    /// Every first answer of every interview of the user, for progress across them.
    pub async fn every_answer(&self, user_id: &str) -> Result<Vec<Answer>, StoreError> {
        query_all(self.store.as_ref(), &user_partition(user_id), ANSWER_PREFIX)
            .await?
            .into_iter()
            .map(Item::decode)
            .collect()
    }

    /// Stores a first answer, marks its question answered and its evaluation as pending
    /// work, in one transaction whose condition is that the question is open (it exists, is
    /// written and has no answer);
    /// `false` when it is not, and nothing is written. An interview stored before questions
    /// had states is answered under the condition that it exists (`legacy`), once the caller
    /// has read that the question is open.
    pub async fn insert_answer(
        &self,
        user_id: &str,
        answer: &Answer,
        legacy: bool,
    ) -> Result<bool, StoreError> {
        let state = attr::question_state(&answer.question_id);
        let open = match legacy {
            false => Condition::equals(&state, question_state::OPEN),
            true => Condition::Present,
        };
        let result = self
            .store
            .transact(vec![
                WriteOp::Put {
                    item: Item::of(
                        answer_key(user_id, &answer.interview_id, &answer.question_id),
                        answer,
                    )?,
                    condition: Some(Condition::Absent),
                },
                WriteOp::Update {
                    key: interview_key(user_id, &answer.interview_id),
                    updates: vec![
                        Update::AddToSet(attr::ANSWERED.into(), vec![answer.question_id.clone()]),
                        Update::set(&state, question_state::ANSWERED),
                        Update::set(&attr::awaiting_evaluation(&answer.question_id), true),
                        Update::Set(attr::LAST_ANSWER_AT.into(), rfc3339(answer.submitted_at)?),
                    ],
                    condition: Some(open),
                },
                mark(
                    &evaluation_job(user_id, answer),
                    due_after(answer.submitted_at),
                )?,
            ])
            .await;
        match result {
            Ok(()) => Ok(true),
            Err(StoreError::TransactionCancelled { .. }) => Ok(false),
            Err(other) => Err(other),
        }
    }

    /// Moves an answer's evaluation from one open status to the other (`queued` after its
    /// job was sent, with the time; `unqueued` when the queue refused it). Losing the race to
    /// a result or to another submission is fine: the other writer's state stands.
    pub async fn set_queue_status(
        &self,
        user_id: &str,
        answer: &Answer,
        from: EvaluationStatus,
        to: EvaluationStatus,
        queued_at: Option<time::OffsetDateTime>,
    ) -> Result<(), StoreError> {
        let mut updates = vec![Update::set(attr::EVALUATION_STATUS, to.as_str())];
        if let Some(at) = queued_at {
            updates.push(Update::Set(attr::QUEUED_AT.into(), rfc3339(at)?));
        }
        unless_already_done(
            self.store
                .update(
                    &answer_key(user_id, &answer.interview_id, &answer.question_id),
                    updates,
                    Some(Condition::equals(attr::EVALUATION_STATUS, from.as_str())),
                )
                .await,
        )
    }

    /// Queues a failed evaluation again at the candidate's request: `queued` with one more
    /// retry counted, its run record cleared so the job runs, marked as pending work; all
    /// under the condition that it is still failed. `false` when it is not (a concurrent
    /// retry won).
    pub async fn retry_evaluation(
        &self,
        user_id: &str,
        answer: &Answer,
        now: time::OffsetDateTime,
    ) -> Result<bool, StoreError> {
        // Every retry moves it out of `failed`, so of two concurrent retries one wins.
        let failed = Condition::equals(attr::EVALUATION_STATUS, EvaluationStatus::Failed.as_str());
        let run = JobRun::Evaluation {
            interview_id: &answer.interview_id,
            question_id: &answer.question_id,
        };
        let result = self
            .store
            .transact(vec![
                WriteOp::Update {
                    key: answer_key(user_id, &answer.interview_id, &answer.question_id),
                    updates: vec![
                        Update::set(attr::EVALUATION_STATUS, EvaluationStatus::Queued.as_str()),
                        Update::Set(attr::QUEUED_AT.into(), rfc3339(now)?),
                        Update::Add(attr::RETRIES.into(), 1),
                        Update::Remove(attr::FAILURE_REASON.into()),
                    ],
                    condition: Some(failed),
                },
                WriteOp::Delete {
                    key: job_run_key(user_id, &run),
                    condition: None,
                },
                mark(&evaluation_job(user_id, answer), due_after(now))?,
            ])
            .await;
        match result {
            Ok(()) => Ok(true),
            Err(StoreError::TransactionCancelled { .. }) => Ok(false),
            Err(other) => Err(other),
        }
    }

    /// Records an evaluation as failed with the reason shown to the user, unless it has a
    /// result already (a late one arrived): only a `queued` or `unqueued` one is given up.
    pub async fn give_up_evaluation(
        &self,
        user_id: &str,
        interview_id: &str,
        question_id: &str,
        reason: &str,
    ) -> Result<(), StoreError> {
        let key = answer_key(user_id, interview_id, question_id);
        for open in [EvaluationStatus::Queued, EvaluationStatus::Unqueued] {
            let result = self
                .store
                .update(
                    &key,
                    vec![
                        Update::set(attr::EVALUATION_STATUS, EvaluationStatus::Failed.as_str()),
                        Update::set(attr::FAILURE_REASON, reason),
                    ],
                    Some(Condition::equals(attr::EVALUATION_STATUS, open.as_str())),
                )
                .await;
            match result {
                Ok(_) => return Ok(()),
                Err(StoreError::ConditionFailed) => continue,
                Err(other) => return Err(other),
            }
        }
        Ok(())
    }

    /// Records the outcome of an answer's evaluation: the evaluation, or `failed` with the
    /// reason shown to the user.
    pub async fn record_evaluation(
        &self,
        user_id: &str,
        interview_id: &str,
        question_id: &str,
        outcome: Result<&Evaluation, &str>,
    ) -> Result<(), StoreError> {
        self.record_outcome(&answer_key(user_id, interview_id, question_id), outcome)
            .await
    }

    /// Stores a retry with its evaluation's pending-work marker, unless that attempt exists;
    /// `false` when it does.
    pub async fn insert_retry(&self, user_id: &str, retry: &Retry) -> Result<bool, StoreError> {
        let key = stored_retry_key(user_id, retry);
        let result = self
            .store
            .transact(vec![
                WriteOp::Put {
                    item: Item::of(key, retry)?,
                    condition: Some(Condition::Absent),
                },
                mark(
                    &retry_job(user_id, retry),
                    due_after(retry.answer.submitted_at),
                )?,
            ])
            .await;
        match result {
            Ok(()) => Ok(true),
            Err(StoreError::TransactionCancelled { .. }) => Ok(false),
            Err(other) => Err(other),
        }
    }

    /// Removes a retry whose job could not be queued, and its marker, so it can be sent again.
    pub async fn delete_retry(&self, user_id: &str, retry: &Retry) -> Result<(), StoreError> {
        let key = stored_retry_key(user_id, retry);
        self.store
            .transact(vec![
                WriteOp::Delete {
                    key,
                    condition: None,
                },
                unmark(&retry_job(user_id, retry)),
            ])
            .await
    }

    pub async fn retry(
        &self,
        user_id: &str,
        interview_id: &str,
        question_id: &str,
        attempt: u8,
    ) -> Result<Option<Retry>, StoreError> {
        match self
            .store
            .get(&retry_key(user_id, interview_id, question_id, attempt))
            .await?
        {
            Some(item) => Ok(Some(item.decode()?)),
            None => Ok(None),
        }
    }

    /// Every retry of an interview, in question and attempt order.
    pub async fn retries(
        &self,
        user_id: &str,
        interview_id: &str,
    ) -> Result<Vec<Retry>, StoreError> {
        query_all(
            self.store.as_ref(),
            &user_partition(user_id),
            &retry_prefix(interview_id),
        )
        .await?
        .into_iter()
        .map(Item::decode)
        .collect()
    }

    /// Records the outcome of a retry's evaluation.
    pub async fn record_retry_evaluation(
        &self,
        user_id: &str,
        retry: &Retry,
        outcome: Result<&Evaluation, &str>,
    ) -> Result<(), StoreError> {
        self.record_outcome(&stored_retry_key(user_id, retry), outcome)
            .await
    }

    async fn record_outcome(
        &self,
        key: &ItemKey,
        outcome: Result<&Evaluation, &str>,
    ) -> Result<(), StoreError> {
        let updates = match outcome {
            Ok(evaluation) => vec![
                Update::Set(
                    attr::EVALUATION.into(),
                    serde_json::to_value(evaluation).map_err(StoreError::backend)?,
                ),
                Update::set(
                    attr::EVALUATION_STATUS,
                    EvaluationStatus::Evaluated.as_str(),
                ),
            ],
            Err(reason) => vec![
                Update::set(attr::EVALUATION_STATUS, EvaluationStatus::Failed.as_str()),
                Update::set(attr::FAILURE_REASON, reason),
            ],
        };
        unless_already_done(
            self.store
                .update(key, updates, Some(Condition::Present))
                .await,
        )
    }
}
