//! Interviews: creation under the quota, question selection, the next question and answers.
//! Nothing here waits on the LLM: personal questions are written by the worker, answers are
//! evaluated by the worker.
//!
//! Item layout, in the user's partition:
//! - `INTERVIEW#{id}`: the interview, its questions (copied from the bank, so later bank
//!   edits never change an interview) and the set of answered question ids.
//! - `ANSWER#{interview}#{question}`: an answer and its evaluation.
//! - `SEEN#technical#{position}`, `SEEN#behavioral`: bank questions the user was given.

use std::collections::{BTreeMap, BTreeSet};

use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::accounts::{profile_key, user_partition};
use crate::bank::{Bank, Difficulty, Lang, Position};
use crate::cvs::{self, CvStatus};
use crate::error::{ApiError, FieldError};
use crate::jobs::Job;
use crate::ports::item_store::query_every_page;
use crate::ports::{
    Condition, Item, ItemKey, Query, StoreError, Update, WriteOp, is_well_formed_id,
};
use crate::services::Services;

pub const MAX_ANSWER_CHARS: usize = 5_000;
/// How long a client waits before asking again for a personal question being written.
pub const PENDING_RETRY_SECONDS: u64 = 5;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum QuestionKind {
    Technical,
    Behavioral,
    Personal,
}

/// One of a personal question's three criteria.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Criterion {
    pub keyword: String,
    pub description: String,
}

/// A question of an interview, with what grading it needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InterviewQuestion {
    /// `q1`, `q2`, ... in the order they are asked.
    pub id: String,
    pub kind: QuestionKind,
    /// Absent while a personal question is being written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub difficulty: Option<Difficulty>,
    /// The bank question it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example_answer: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_points: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub criteria: Vec<Criterion>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PersonalStatus {
    /// None were asked for.
    None,
    /// Being written by the worker.
    Pending,
    Ready,
    /// Could not be written; the interview goes on without them.
    Failed,
}

/// An interview as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Interview {
    pub id: String,
    pub cv_id: String,
    pub position: Position,
    pub lang: Lang,
    pub questions: Vec<InterviewQuestion>,
    pub personal_status: PersonalStatus,
    /// Kept as a string set; absent until the first answer (DynamoDB has no empty sets).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub answered: BTreeSet<String>,
    /// Overall score, set by the worker once every answer is evaluated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
}

/// What the next call to `next` shows.
#[derive(Clone, Debug, PartialEq)]
pub enum Next<'a> {
    Question(&'a InterviewQuestion),
    /// Only personal questions remain and they are still being written.
    Pending,
    Complete,
}

impl Interview {
    pub fn question(&self, id: &str) -> Option<&InterviewQuestion> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// The first unanswered question that can be asked. Personal questions come last, so
    /// they have time to be written; if writing them failed, they are skipped.
    pub fn next(&self) -> Next<'_> {
        for question in &self.questions {
            if self.answered.contains(&question.id) {
                continue;
            }
            if question.text.is_some() {
                return Next::Question(question);
            }
            if self.personal_status == PersonalStatus::Pending {
                return Next::Pending;
            }
        }
        Next::Complete
    }

    pub fn status(&self) -> InterviewStatus {
        match self.next() {
            Next::Complete => InterviewStatus::Completed,
            _ => InterviewStatus::InProgress,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InterviewStatus {
    InProgress,
    Completed,
}

pub fn interview_key(user_id: &str, interview_id: &str) -> ItemKey {
    ItemKey::new(user_partition(user_id), format!("INTERVIEW#{interview_id}"))
}

pub fn answer_key(user_id: &str, interview_id: &str, question_id: &str) -> ItemKey {
    ItemKey::new(
        user_partition(user_id),
        format!("ANSWER#{interview_id}#{question_id}"),
    )
}

fn seen_key(user_id: &str, pool: &str) -> ItemKey {
    ItemKey::new(user_partition(user_id), format!("SEEN#{pool}"))
}

/// A request to start an interview, parsed.
#[derive(Clone, Debug)]
pub struct NewInterview {
    pub cv_id: String,
    pub position: Position,
    pub lang: Lang,
    pub technical: usize,
    pub behavioral: usize,
    pub personal: usize,
}

/// The raw request; every field is checked and every problem reported at once.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct NewInterviewRequest {
    #[schema(required)]
    pub cv_id: Option<Value>,
    /// `ai`, `be`, `fe` or `mobile`.
    #[schema(required)]
    pub position: Option<Value>,
    /// `en` or `ko`.
    #[schema(required)]
    pub lang: Option<Value>,
    /// 1-10, default 3.
    pub technical: Option<Value>,
    /// 0-5, default 2.
    pub behavioral: Option<Value>,
    /// 0-5, default 5.
    pub personal: Option<Value>,
}

impl NewInterviewRequest {
    pub fn parse(self) -> Result<NewInterview, ApiError> {
        let mut errors = Vec::new();
        let text = |field: &str, value: Option<Value>, errors: &mut Vec<FieldError>| match value {
            Some(Value::String(s)) => Some(s),
            None | Some(Value::Null) => {
                errors.push(FieldError::new(field, "is required"));
                None
            }
            Some(_) => {
                errors.push(FieldError::new(field, "must be a string"));
                None
            }
        };
        let count = |field: &str,
                     value: Option<Value>,
                     range: std::ops::RangeInclusive<u64>,
                     default: u64,
                     errors: &mut Vec<FieldError>| {
            match value {
                None | Some(Value::Null) => Some(default as usize),
                Some(Value::Number(n)) if n.as_u64().is_some_and(|n| range.contains(&n)) => {
                    n.as_u64().map(|n| n as usize)
                }
                Some(_) => {
                    errors.push(FieldError::new(
                        field,
                        format!(
                            "must be a whole number from {} to {}",
                            range.start(),
                            range.end()
                        ),
                    ));
                    None
                }
            }
        };
        let cv_id = text("cv_id", self.cv_id, &mut errors);
        let position = text("position", self.position, &mut errors).and_then(|p| {
            Position::parse(&p).or_else(|| {
                errors.push(FieldError::new(
                    "position",
                    "must be one of ai, be, fe, mobile",
                ));
                None
            })
        });
        let lang = text("lang", self.lang, &mut errors).and_then(|l| {
            Lang::parse(&l).or_else(|| {
                errors.push(FieldError::new("lang", "must be en or ko"));
                None
            })
        });
        let technical = count("technical", self.technical, 1..=10, 3, &mut errors);
        let behavioral = count("behavioral", self.behavioral, 0..=5, 2, &mut errors);
        let personal = count("personal", self.personal, 0..=5, 5, &mut errors);
        match (cv_id, position, lang, technical, behavioral, personal) {
            (
                Some(cv_id),
                Some(position),
                Some(lang),
                Some(technical),
                Some(behavioral),
                Some(personal),
            ) if errors.is_empty() => Ok(NewInterview {
                cv_id,
                position,
                lang,
                technical,
                behavioral,
                personal,
            }),
            _ => Err(ApiError::Validation(errors)),
        }
    }
}

/// Picks `count` questions, unseen first, spread across topics (or competencies).
fn pick<'a, T>(
    candidates: &[&'a T],
    count: usize,
    seen: &BTreeSet<String>,
    id: impl Fn(&T) -> &str,
    group: impl Fn(&T) -> &str,
) -> Vec<&'a T> {
    let mut rng = rand::rng();
    let mut fresh: Vec<&T> = candidates
        .iter()
        .copied()
        .filter(|q| !seen.contains(id(q)))
        .collect();
    let mut stale: Vec<&T> = candidates
        .iter()
        .copied()
        .filter(|q| seen.contains(id(q)))
        .collect();
    fresh.shuffle(&mut rng);
    stale.shuffle(&mut rng);
    let mut chosen: Vec<&T> = Vec::with_capacity(count);
    let mut groups_used: BTreeSet<String> = BTreeSet::new();
    // Unseen first, one per group while groups remain; then any unseen; then seen ones.
    for pass in 0..3 {
        let pool = if pass < 2 { &fresh } else { &stale };
        for q in pool {
            if chosen.len() == count {
                return chosen;
            }
            if chosen.iter().any(|c| id(c) == id(q)) {
                continue;
            }
            if pass == 0 && !groups_used.insert(group(q).to_owned()) {
                continue;
            }
            chosen.push(q);
        }
    }
    chosen
}

/// The questions of a new interview: technical, then behavioral, then personal placeholders.
fn select(
    bank: &Bank,
    request: &NewInterview,
    seen_technical: &BTreeSet<String>,
    seen_behavioral: &BTreeSet<String>,
) -> Vec<InterviewQuestion> {
    let lang = request.lang;
    let technical: Vec<_> = bank
        .technical
        .iter()
        .filter(|q| q.position == request.position)
        .collect();
    let technical = pick(
        &technical,
        request.technical,
        seen_technical,
        |q| &q.id,
        |q| &q.topic,
    );
    // Behavioral questions each cover a different competency.
    let behavioral: Vec<_> = bank.behavioral.iter().collect();
    let behavioral = pick(
        &behavioral,
        request.behavioral,
        seen_behavioral,
        |q| &q.id,
        |q| &q.competency,
    );
    let mut questions = Vec::new();
    for q in technical {
        let text = q.text(lang);
        questions.push(InterviewQuestion {
            id: String::new(),
            kind: QuestionKind::Technical,
            text: Some(text.text.clone()),
            topic: Some(q.topic.clone()),
            competency: None,
            difficulty: Some(q.difficulty),
            bank_id: Some(q.id.clone()),
            example_answer: Some(text.example_answer.clone()),
            key_points: text.key_points.clone(),
            criteria: Vec::new(),
        });
    }
    for q in behavioral {
        questions.push(InterviewQuestion {
            id: String::new(),
            kind: QuestionKind::Behavioral,
            text: Some(q.text(lang).to_owned()),
            topic: None,
            competency: Some(q.competency.clone()),
            difficulty: None,
            bank_id: Some(q.id.clone()),
            example_answer: None,
            key_points: Vec::new(),
            criteria: Vec::new(),
        });
    }
    for _ in 0..request.personal {
        questions.push(InterviewQuestion {
            id: String::new(),
            kind: QuestionKind::Personal,
            text: None,
            topic: None,
            competency: None,
            difficulty: None,
            bank_id: None,
            example_answer: None,
            key_points: Vec::new(),
            criteria: Vec::new(),
        });
    }
    for (index, question) in questions.iter_mut().enumerate() {
        question.id = format!("q{}", index + 1);
    }
    questions
}

async fn seen(
    services: &Services,
    user_id: &str,
    pool: &str,
) -> Result<BTreeSet<String>, ApiError> {
    Ok(services
        .store
        .get(&seen_key(user_id, pool))
        .await?
        .and_then(|item| item.attrs.get("ids").cloned())
        .and_then(|ids| serde_json::from_value(ids).ok())
        .unwrap_or_default())
}

fn quota_exhausted(quota: i64) -> ApiError {
    ApiError::TooManyRequests {
        code: "quota_exhausted",
        detail: format!("This account has used all of its {quota} interviews."),
        retry_after_seconds: None,
    }
}

/// Starts an interview: takes a unit of the quota atomically with writing the interview, and
/// queues the writing of its personal questions. A creation that fails gives its unit back.
pub async fn create(
    services: &Services,
    user_id: &str,
    request: NewInterview,
) -> Result<Interview, ApiError> {
    let cv = match cvs::get(services, user_id, &request.cv_id).await {
        Ok(cv) => cv,
        Err(ApiError::NotFound) => {
            return Err(ApiError::Conflict {
                code: "cv_not_found",
                detail: "No CV of yours has that id.".into(),
            });
        }
        Err(other) => return Err(other),
    };
    if cv.status != CvStatus::Ready {
        let detail = match cv.failure_reason {
            Some(reason) => format!(
                "The CV failed ({}); upload it again.",
                serde_json::to_value(reason)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            ),
            None => format!(
                "The CV is still {}; try again when it is ready.",
                serde_json::to_value(cv.status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            ),
        };
        return Err(ApiError::Conflict {
            code: "cv_not_ready",
            detail,
        });
    }
    let quota = services.limits.interview_quota;
    let bank = services.bank.get(services.store.as_ref()).await?;
    let technical_pool = format!("technical#{}", request.position.as_str());
    let seen_technical = seen(services, user_id, &technical_pool).await?;
    let seen_behavioral = seen(services, user_id, "behavioral").await?;
    let questions = select(&bank, &request, &seen_technical, &seen_behavioral);
    let interview = Interview {
        id: services.ids.new_id(),
        cv_id: request.cv_id.clone(),
        position: request.position,
        lang: request.lang,
        personal_status: if request.personal > 0 {
            PersonalStatus::Pending
        } else {
            PersonalStatus::None
        },
        questions,
        answered: BTreeSet::new(),
        score: None,
        created_at: services.clock.now(),
    };
    let mut ops = vec![
        WriteOp::Update {
            key: profile_key(user_id),
            updates: vec![Update::Add("interviews_used".into(), 1)],
            condition: Some(Condition::LessThan("interviews_used".into(), quota)),
        },
        WriteOp::Put {
            item: Item::of(interview_key(user_id, &interview.id), &interview)?,
            condition: Some(Condition::Absent),
        },
    ];
    for (pool, kind) in [
        (technical_pool, QuestionKind::Technical),
        ("behavioral".to_owned(), QuestionKind::Behavioral),
    ] {
        let ids: Vec<String> = interview
            .questions
            .iter()
            .filter(|q| q.kind == kind)
            .filter_map(|q| q.bank_id.clone())
            .collect();
        if !ids.is_empty() {
            ops.push(WriteOp::Update {
                key: seen_key(user_id, &pool),
                updates: vec![Update::AddToSet("ids".into(), ids)],
                condition: None,
            });
        }
    }
    match services.store.transact(ops).await {
        Ok(()) => {}
        Err(StoreError::TransactionCancelled { failed }) if failed.contains(&0) => {
            return Err(quota_exhausted(quota));
        }
        Err(other) => return Err(other.into()),
    }
    if interview.personal_status == PersonalStatus::Pending {
        let job = Job::GeneratePersonalQuestions {
            user_id: user_id.to_owned(),
            interview_id: interview.id.clone(),
        };
        if let Err(error) = services.queue.send(&job).await {
            give_back(services, user_id, &interview.id).await?;
            return Err(error.into());
        }
    }
    Ok(interview)
}

/// Undoes a creation whose follow-up failed: the interview goes, its quota unit comes back.
async fn give_back(services: &Services, user_id: &str, interview_id: &str) -> Result<(), ApiError> {
    services
        .store
        .transact(vec![
            WriteOp::Delete {
                key: interview_key(user_id, interview_id),
                condition: Some(Condition::Present),
            },
            WriteOp::Update {
                key: profile_key(user_id),
                updates: vec![Update::Add("interviews_used".into(), -1)],
                condition: Some(Condition::Present),
            },
        ])
        .await?;
    Ok(())
}

/// The user's interview; another user's is not found.
pub async fn get(
    services: &Services,
    user_id: &str,
    interview_id: &str,
) -> Result<Interview, ApiError> {
    if !is_well_formed_id(interview_id) {
        return Err(ApiError::NotFound);
    }
    match services
        .store
        .get(&interview_key(user_id, interview_id))
        .await?
    {
        Some(item) => Ok(item.decode()?),
        None => Err(ApiError::NotFound),
    }
}

/// The user's interviews, newest first.
pub async fn list(services: &Services, user_id: &str) -> Result<Vec<Interview>, ApiError> {
    let query = Query {
        descending: true,
        ..Query::prefix(user_partition(user_id), "INTERVIEW#")
    };
    let items = query_every_page(services.store.as_ref(), query).await?;
    Ok(items
        .into_iter()
        .map(Item::decode)
        .collect::<Result<_, _>>()?)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EvaluationStatus {
    /// Queued for the worker.
    Queued,
    /// Stored, but the queue refused the job: submitting the same answer again queues it.
    Unqueued,
    Evaluated,
    Failed,
}

/// An answer as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Answer {
    pub interview_id: String,
    pub question_id: String,
    pub answer: String,
    pub evaluation_status: EvaluationStatus,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub submitted_at: time::OffsetDateTime,
    /// The evaluation, once done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluation: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
}

/// Parses an answer's text: 1-5,000 characters after trimming.
pub fn parse_answer(raw: Option<&str>) -> Result<String, ApiError> {
    let Some(raw) = raw else {
        return Err(ApiError::invalid("answer", "is required"));
    };
    let answer = raw.trim();
    let chars = answer.chars().count();
    if chars == 0 || chars > MAX_ANSWER_CHARS {
        return Err(ApiError::invalid(
            "answer",
            format!("must be 1 to {MAX_ANSWER_CHARS} characters"),
        ));
    }
    Ok(answer.to_owned())
}

async fn stored_answer(
    services: &Services,
    user_id: &str,
    interview_id: &str,
    question_id: &str,
) -> Result<Option<Answer>, ApiError> {
    match services
        .store
        .get(&answer_key(user_id, interview_id, question_id))
        .await?
    {
        Some(item) => Ok(Some(item.decode()?)),
        None => Ok(None),
    }
}

/// Stores an answer and queues its evaluation. The same answer again returns the stored one
/// and queues nothing; a different answer to an answered question is a conflict.
pub async fn submit_answer(
    services: &Services,
    user_id: &str,
    interview_id: &str,
    question_id: &str,
    answer: String,
) -> Result<Answer, ApiError> {
    let interview = get(services, user_id, interview_id).await?;
    let Some(question) = interview.question(question_id) else {
        return Err(ApiError::NotFound);
    };
    if question.text.is_none() {
        return Err(ApiError::Conflict {
            code: "question_not_ready",
            detail: "This question is still being written.".into(),
        });
    }
    if interview.answered.contains(question_id) {
        return resubmission(services, user_id, interview_id, question_id, &answer).await;
    }
    let stored = Answer {
        interview_id: interview_id.to_owned(),
        question_id: question_id.to_owned(),
        answer,
        evaluation_status: EvaluationStatus::Queued,
        submitted_at: services.clock.now(),
        evaluation: None,
        failure_reason: None,
    };
    let result = services
        .store
        .transact(vec![
            WriteOp::Put {
                item: Item::of(answer_key(user_id, interview_id, question_id), &stored)?,
                condition: Some(Condition::Absent),
            },
            WriteOp::Update {
                key: interview_key(user_id, interview_id),
                updates: vec![Update::AddToSet(
                    "answered".into(),
                    vec![question_id.to_owned()],
                )],
                condition: Some(Condition::Present),
            },
        ])
        .await;
    match result {
        Ok(()) => {}
        // A concurrent submission won: answer as the resubmission it now is.
        Err(StoreError::TransactionCancelled { .. }) => {
            return resubmission(services, user_id, interview_id, question_id, &stored.answer)
                .await;
        }
        Err(other) => return Err(other.into()),
    }
    queue_evaluation(services, user_id, stored).await
}

async fn resubmission(
    services: &Services,
    user_id: &str,
    interview_id: &str,
    question_id: &str,
    answer: &str,
) -> Result<Answer, ApiError> {
    let Some(existing) = stored_answer(services, user_id, interview_id, question_id).await? else {
        return Err(ApiError::unexpected(anyhow::anyhow!(
            "answered question without an answer"
        )));
    };
    if existing.answer != answer {
        return Err(ApiError::Conflict {
            code: "already_answered",
            detail: "This question already has a different answer.".into(),
        });
    }
    if existing.evaluation_status == EvaluationStatus::Unqueued {
        return queue_evaluation(services, user_id, existing).await;
    }
    Ok(existing)
}

/// Queues the evaluation of a stored answer; if the queue refuses, the answer is marked so the
/// same submission again retries, and the client is told to retry.
async fn queue_evaluation(
    services: &Services,
    user_id: &str,
    mut answer: Answer,
) -> Result<Answer, ApiError> {
    let job = Job::EvaluateAnswer {
        user_id: user_id.to_owned(),
        interview_id: answer.interview_id.clone(),
        question_id: answer.question_id.clone(),
    };
    let key = answer_key(user_id, &answer.interview_id, &answer.question_id);
    match services.queue.send(&job).await {
        Ok(_) => {
            if answer.evaluation_status == EvaluationStatus::Unqueued {
                services
                    .store
                    .update(
                        &key,
                        vec![Update::set("evaluation_status", "queued")],
                        Some(Condition::equals("evaluation_status", "unqueued")),
                    )
                    .await
                    .or_else(|e| match e {
                        StoreError::ConditionFailed => {
                            Ok(Item::new(key.clone(), Default::default()))
                        }
                        other => Err(other),
                    })?;
                answer.evaluation_status = EvaluationStatus::Queued;
            }
            Ok(answer)
        }
        Err(error) => {
            services
                .store
                .update(
                    &key,
                    vec![Update::set("evaluation_status", "unqueued")],
                    Some(Condition::equals("evaluation_status", "queued")),
                )
                .await
                .ok();
            Err(error.into())
        }
    }
}

/// Every answer of an interview, by question id.
pub async fn answers(
    services: &Services,
    user_id: &str,
    interview_id: &str,
) -> Result<BTreeMap<String, Answer>, ApiError> {
    let items = crate::ports::item_store::query_all(
        services.store.as_ref(),
        &user_partition(user_id),
        &format!("ANSWER#{interview_id}#"),
    )
    .await?;
    let mut answers = BTreeMap::new();
    for item in items {
        let answer: Answer = item.decode()?;
        answers.insert(answer.question_id.clone(), answer);
    }
    Ok(answers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interview(personal: PersonalStatus) -> Interview {
        let q = |id: &str, kind, text: Option<&str>| InterviewQuestion {
            id: id.into(),
            kind,
            text: text.map(str::to_owned),
            topic: None,
            competency: None,
            difficulty: None,
            bank_id: None,
            example_answer: None,
            key_points: vec![],
            criteria: vec![],
        };
        Interview {
            id: "i".into(),
            cv_id: "c".into(),
            position: Position::Be,
            lang: Lang::En,
            questions: vec![
                q("q1", QuestionKind::Technical, Some("t")),
                q("q2", QuestionKind::Personal, None),
            ],
            personal_status: personal,
            answered: BTreeSet::new(),
            score: None,
            created_at: time::OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn next_waits_for_personal_questions_and_skips_failed_ones() {
        let mut pending = interview(PersonalStatus::Pending);
        assert!(matches!(pending.next(), Next::Question(q) if q.id == "q1"));
        pending.answered.insert("q1".into());
        assert_eq!(pending.next(), Next::Pending);
        let mut failed = pending.clone();
        failed.personal_status = PersonalStatus::Failed;
        assert_eq!(failed.next(), Next::Complete);
        assert_eq!(failed.status(), InterviewStatus::Completed);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let request = NewInterviewRequest {
            cv_id: None,
            position: Some("devops".into()),
            lang: Some(Value::from(3)),
            technical: Some(Value::from(11)),
            behavioral: Some(Value::from(-1)),
            personal: Some(Value::from(2.5)),
        };
        let Err(ApiError::Validation(errors)) = request.parse() else {
            panic!("expected 422")
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "cv_id",
                "position",
                "lang",
                "technical",
                "behavioral",
                "personal"
            ]
        );
    }
}
