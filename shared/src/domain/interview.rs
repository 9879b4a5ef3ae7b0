//! Interviews: their questions (copied from the bank, so later bank edits never change one),
//! how questions are chosen, which comes next, answers and their evaluation states, and what
//! can go wrong, in the interviews' own terms. Nothing here waits on the LLM: personal
//! questions are written by the worker, answers are evaluated by the worker.

use std::collections::{BTreeMap, BTreeSet};

use rand::Rng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::bank::Bank;
use super::evaluation::{Criterion, Evaluation, mean_score};
use super::field::{FieldError, HAS_TEXT, TextRule};
use super::job::WORK_LEASE_SECONDS;
use super::vocabulary::{Difficulty, Lang, Position, QuestionKind, names};

pub const MAX_ANSWER_CHARS: usize = 5_000;
/// How long a client waits before asking again for a personal question being written.
pub const PENDING_RETRY_SECONDS: u64 = 5;
/// How many times a candidate may have an answer whose evaluation failed evaluated again
/// (each costs a model call).
pub const MAX_EVALUATION_RETRIES: u32 = 2;

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

impl InterviewQuestion {
    fn placeholder(kind: QuestionKind) -> Self {
        Self {
            id: String::new(),
            kind,
            text: None,
            topic: None,
            competency: None,
            difficulty: None,
            bank_id: None,
            example_answer: None,
            key_points: Vec::new(),
            criteria: Vec::new(),
        }
    }

    /// What the question is about: its topic, its competency, or its kind.
    pub fn label(&self) -> &str {
        self.topic
            .as_deref()
            .or(self.competency.as_deref())
            .unwrap_or(self.kind.as_str())
    }
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

names!(PersonalStatus { None = "none", Pending = "pending", Ready = "ready", Failed = "failed" });

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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InterviewStatus {
    InProgress,
    Completed,
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

    /// Where the personal questions go: the indexes of the personal slots.
    pub fn personal_slots(&self) -> Vec<usize> {
        self.questions
            .iter()
            .enumerate()
            .filter(|(_, q)| q.kind == QuestionKind::Personal)
            .map(|(i, _)| i)
            .collect()
    }

    /// The bank ids of the questions of one kind, for remembering what the user has seen.
    pub fn bank_ids(&self, kind: QuestionKind) -> Vec<String> {
        self.questions
            .iter()
            .filter(|q| q.kind == kind)
            .filter_map(|q| q.bank_id.clone())
            .collect()
    }

    /// The overall score once the interview is over and every answer is settled: the mean of
    /// the evaluated answers. `None` while anything is still open or nothing was evaluated.
    pub fn final_score(&self, answers: &BTreeMap<String, Answer>) -> Option<f64> {
        if self.status() != InterviewStatus::Completed
            || !answers.values().all(|a| a.evaluation_status.is_settled())
        {
            return None;
        }
        let scores: Vec<f64> = answers
            .values()
            .filter_map(|a| a.evaluation.as_ref())
            .map(|e| f64::from(e.score))
            .collect();
        (!scores.is_empty()).then(|| mean_score(&scores))
    }
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

/// Which bank questions the user was already given, by pool.
#[derive(Clone, Debug, Default)]
pub struct Seen {
    pub technical: BTreeSet<String>,
    pub behavioral: BTreeSet<String>,
}

/// Picks `count` questions, unseen first, spread across groups (topics or competencies).
fn pick<'a, T>(
    candidates: &[&'a T],
    count: usize,
    seen: &BTreeSet<String>,
    id: impl Fn(&T) -> &str,
    group: impl Fn(&T) -> &str,
    rng: &mut impl Rng,
) -> Vec<&'a T> {
    let (mut fresh, mut stale): (Vec<&T>, Vec<&T>) = candidates
        .iter()
        .copied()
        .partition(|q| !seen.contains(id(q)));
    fresh.shuffle(rng);
    stale.shuffle(rng);
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

/// The questions of a new interview: technical, then behavioral (each of a different
/// competency), then placeholders for the personal ones, numbered `q1`, `q2`, ...
pub fn select_questions(
    bank: &Bank,
    request: &NewInterview,
    seen: &Seen,
    rng: &mut impl Rng,
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
        &seen.technical,
        |q| &q.id,
        |q| &q.topic,
        rng,
    );
    let behavioral: Vec<_> = bank.behavioral.iter().collect();
    let behavioral = pick(
        &behavioral,
        request.behavioral,
        &seen.behavioral,
        |q| &q.id,
        |q| &q.competency,
        rng,
    );
    let mut questions = Vec::new();
    for q in technical {
        let text = q.text(lang);
        questions.push(InterviewQuestion {
            text: Some(text.text.clone()),
            topic: Some(q.topic.clone()),
            difficulty: Some(q.difficulty),
            bank_id: Some(q.id.clone()),
            example_answer: Some(text.example_answer.clone()),
            key_points: text.key_points.clone(),
            ..InterviewQuestion::placeholder(QuestionKind::Technical)
        });
    }
    for q in behavioral {
        questions.push(InterviewQuestion {
            text: Some(q.text(lang).to_owned()),
            competency: Some(q.competency.clone()),
            bank_id: Some(q.id.clone()),
            ..InterviewQuestion::placeholder(QuestionKind::Behavioral)
        });
    }
    for _ in 0..request.personal {
        questions.push(InterviewQuestion::placeholder(QuestionKind::Personal));
    }
    for (index, question) in questions.iter_mut().enumerate() {
        question.id = format!("q{}", index + 1);
    }
    questions
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

names!(EvaluationStatus { Queued = "queued", Unqueued = "unqueued", Evaluated = "evaluated", Failed = "failed" });

impl EvaluationStatus {
    /// Whether the evaluation has its final outcome.
    pub fn is_settled(self) -> bool {
        matches!(self, Self::Evaluated | Self::Failed)
    }
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
    /// When its evaluation job was last sent; the submission time when absent.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub queued_at: Option<time::OffsetDateTime>,
    /// The evaluation, once done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluation: Option<Evaluation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
    /// How many times the candidate had it evaluated again after a failure.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub retries: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// What submitting the same answer again does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Requeue {
    /// Nothing: its job is queued, or its evaluation is final.
    No,
    /// Send its job (again): it never reached the queue, or it has been queued past the
    /// lease without a result, so the job was lost.
    Send,
    /// Its evaluation failed and may be tried again.
    Retry,
}

impl Answer {
    /// What the same answer submitted again at `now` does.
    pub fn requeue(&self, now: time::OffsetDateTime) -> Requeue {
        match self.evaluation_status {
            EvaluationStatus::Unqueued => Requeue::Send,
            EvaluationStatus::Queued => {
                let queued_at = self.queued_at.unwrap_or(self.submitted_at);
                if (now - queued_at).whole_seconds() > WORK_LEASE_SECONDS {
                    Requeue::Send
                } else {
                    Requeue::No
                }
            }
            EvaluationStatus::Failed if self.can_retry() => Requeue::Retry,
            EvaluationStatus::Failed | EvaluationStatus::Evaluated => Requeue::No,
        }
    }

    /// Whether its evaluation failed and the candidate may have it tried again.
    pub fn can_retry(&self) -> bool {
        self.evaluation_status == EvaluationStatus::Failed && self.retries < MAX_EVALUATION_RETRIES
    }
}

/// An answer: 1-5,000 characters, not only space.
pub static ANSWER: TextRule = TextRule {
    min_chars: 1,
    max_chars: Some(MAX_ANSWER_CHARS),
    pattern: Some(&HAS_TEXT),
};

/// Parses an answer's text, kept trimmed.
pub fn parse_answer(raw: Option<&str>) -> Result<String, FieldError> {
    let Some(raw) = raw else {
        return Err(FieldError::new("answer", "is required"));
    };
    if !ANSWER.accepts(raw) {
        return Err(FieldError::new(
            "answer",
            format!("must be 1 to {MAX_ANSWER_CHARS} characters, not only space"),
        ));
    }
    Ok(raw.trim().to_owned())
}

/// What can go wrong with an interview, in its own terms.
#[derive(Debug, thiserror::Error)]
pub enum InterviewError {
    #[error("the request has invalid fields")]
    Invalid(Vec<FieldError>),
    #[error("not found")]
    NotFound,
    #[error("No CV of yours has that id.")]
    CvNotFound,
    #[error("{0}")]
    CvNotReady(String),
    #[error("This account has used all of its {quota} interviews.")]
    QuotaExhausted { quota: i64 },
    #[error("This question is still being written.")]
    QuestionNotReady,
    #[error("This question already has a different answer.")]
    AlreadyAnswered,
    #[error("unexpected error")]
    Unexpected(#[source] anyhow::Error),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::vocabulary::tests::names_match_serde;

    fn interview(personal: PersonalStatus) -> Interview {
        let q = |id: &str, kind, text: Option<&str>| InterviewQuestion {
            id: id.into(),
            text: text.map(str::to_owned),
            ..InterviewQuestion::placeholder(kind)
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
        assert_eq!(pending.personal_slots(), [1]);
    }

    fn answer(status: EvaluationStatus, submitted: i64) -> Answer {
        Answer {
            interview_id: "i".into(),
            question_id: "q1".into(),
            answer: "a".into(),
            evaluation_status: status,
            submitted_at: time::OffsetDateTime::from_unix_timestamp(submitted).unwrap(),
            queued_at: None,
            evaluation: None,
            failure_reason: None,
            retries: 0,
        }
    }

    #[test]
    fn a_queued_answer_is_queued_again_only_past_its_lease() {
        let now = time::OffsetDateTime::from_unix_timestamp(100_000).unwrap();
        let requeue = |a: &Answer| a.requeue(now);
        assert_eq!(
            requeue(&answer(EvaluationStatus::Unqueued, 99_999)),
            Requeue::Send
        );
        assert_eq!(
            requeue(&answer(EvaluationStatus::Queued, 99_500)),
            Requeue::No
        );
        let lost = answer(EvaluationStatus::Queued, 100_000 - WORK_LEASE_SECONDS - 1);
        assert_eq!(requeue(&lost), Requeue::Send);
        let mut requeued = lost.clone();
        requeued.queued_at = Some(now);
        assert_eq!(requeue(&requeued), Requeue::No);
        assert_eq!(
            requeue(&answer(EvaluationStatus::Evaluated, 0)),
            Requeue::No
        );
    }

    #[test]
    fn a_failed_evaluation_may_be_tried_again_a_bounded_number_of_times() {
        let now = time::OffsetDateTime::from_unix_timestamp(100_000).unwrap();
        let mut failed = answer(EvaluationStatus::Failed, 0);
        for retries in 0..MAX_EVALUATION_RETRIES {
            failed.retries = retries;
            assert_eq!(failed.requeue(now), Requeue::Retry);
            assert!(failed.can_retry());
        }
        failed.retries = MAX_EVALUATION_RETRIES;
        assert_eq!(failed.requeue(now), Requeue::No);
        assert!(!failed.can_retry());
    }

    #[test]
    fn answers_are_trimmed_and_bounded() {
        assert_eq!(parse_answer(Some("  yes ")).unwrap(), "yes");
        assert!(parse_answer(Some("   ")).is_err());
        assert!(parse_answer(None).is_err());
        assert!(parse_answer(Some(&"가".repeat(MAX_ANSWER_CHARS + 1))).is_err());
    }

    #[test]
    fn names_are_the_serde_names() {
        names_match_serde(&PersonalStatus::ALL, PersonalStatus::as_str);
        names_match_serde(&EvaluationStatus::ALL, EvaluationStatus::as_str);
    }
}
