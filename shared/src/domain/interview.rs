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
use super::focus::WeakFocus;
use super::job::WORK_LEASE_SECONDS;
use super::posting::TargetJob;
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
    /// For a personal question aimed at a job posting: the id of the requirement it probes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirement: Option<String>,
    /// For a follow-up: the id of the question it follows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follows: Option<String>,
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
            requirement: None,
            follows: None,
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
    /// The job posting it is aimed at, as it was at the start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<TargetJob>,
    /// Kept as a string set; absent until the first answer (DynamoDB has no empty sets).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub answered: BTreeSet<String>,
    /// Overall score, set by the worker once every answer is evaluated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    /// Follow-ups the interview may ask; 0 turns them off (and interviews from before
    /// follow-ups have none).
    #[serde(default)]
    pub follow_up_limit: u8,
    /// Follow-ups written so far, counted on the item so the limit holds under concurrent
    /// evaluations.
    #[serde(default, rename = "follow_ups")]
    pub follow_ups_written: i64,
    /// When the last answer was stored: the follow-ups still being written are waited for
    /// until [`FOLLOW_UP_WAIT_SECONDS`] after it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub last_answer_at: Option<time::OffsetDateTime>,
    /// The follow-ups written, each kept on the item beside the question it follows.
    #[serde(skip)]
    pub follow_ups: Vec<InterviewQuestion>,
    /// Answered questions whose evaluation has not settled yet, so may still bring a
    /// follow-up.
    #[serde(skip)]
    pub awaiting_evaluation: BTreeSet<String>,
    /// For practice on weak areas: the topics chosen, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus: Option<WeakFocus>,
}

/// What the next call to `next` shows.
#[derive(Clone, Debug, PartialEq)]
pub enum Next<'a> {
    Question(&'a InterviewQuestion),
    /// Only personal questions or follow-ups remain and they are still being written.
    Pending,
    Complete,
}

/// Follow-ups an interview asks unless its creator says otherwise, and the most it may ask.
pub const DEFAULT_FOLLOW_UPS: u8 = 3;
pub const MAX_FOLLOW_UPS: u8 = 5;
/// How long the end of an interview waits for follow-ups still being written, after the
/// last answer; past it the interview completes without them.
pub const FOLLOW_UP_WAIT_SECONDS: i64 = 60;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InterviewStatus {
    InProgress,
    Completed,
}

impl Interview {
    /// A question of the interview, planned or a follow-up.
    pub fn question(&self, id: &str) -> Option<&InterviewQuestion> {
        self.questions
            .iter()
            .chain(&self.follow_ups)
            .find(|q| q.id == id)
    }

    /// The follow-up of a question, once written.
    pub fn follow_up_of(&self, question_id: &str) -> Option<&InterviewQuestion> {
        self.follow_ups
            .iter()
            .find(|f| f.follows.as_deref() == Some(question_id))
    }

    fn position_of(&self, question_id: &str) -> Option<usize> {
        self.questions.iter().position(|q| q.id == question_id)
    }

    /// Whether a follow-up may be asked now: the question it follows is answered and another
    /// question after it too, so the follow-up never interrupts straight away.
    fn follow_up_is_due(&self, follow_up: &InterviewQuestion) -> bool {
        let Some(at) = follow_up
            .follows
            .as_deref()
            .and_then(|id| self.position_of(id))
        else {
            return false;
        };
        self.answered.contains(&self.questions[at].id)
            && self.questions[at + 1..]
                .iter()
                .any(|q| self.answered.contains(&q.id))
    }

    /// Whether follow-ups may still be written: the limit is not reached.
    pub fn may_follow_up(&self) -> bool {
        self.follows_up() && self.follow_ups_written < i64::from(self.follow_up_limit)
    }

    fn follows_up(&self) -> bool {
        self.follow_up_limit > 0
    }

    /// Whether the end still waits for follow-ups being written: some planned answer's
    /// evaluation may bring one, and the wait after the last answer has not run out.
    fn waits_for_follow_ups(&self, now: time::OffsetDateTime) -> bool {
        self.may_follow_up()
            && self
                .awaiting_evaluation
                .iter()
                .any(|id| self.position_of(id).is_some())
            && self
                .last_answer_at
                .is_some_and(|at| now < at + time::Duration::seconds(FOLLOW_UP_WAIT_SECONDS))
    }

    /// What to ask next. A follow-up that is due comes first; then the planned questions in
    /// order, personal ones last so they have time to be written (skipped if writing them
    /// failed); then follow-ups written for the last questions; then, for a bounded time, a
    /// wait for follow-ups still being written.
    pub fn next(&self, now: time::OffsetDateTime) -> Next<'_> {
        let unanswered = |q: &&InterviewQuestion| !self.answered.contains(&q.id);
        if let Some(due) = self
            .follow_ups
            .iter()
            .filter(unanswered)
            .find(|f| self.follow_up_is_due(f))
        {
            return Next::Question(due);
        }
        for question in self.questions.iter().filter(unanswered) {
            if question.text.is_some() {
                return Next::Question(question);
            }
            if self.personal_status == PersonalStatus::Pending {
                return Next::Pending;
            }
        }
        if let Some(last) = self.follow_ups.iter().find(unanswered) {
            return Next::Question(last);
        }
        if self.waits_for_follow_ups(now) {
            return Next::Pending;
        }
        Next::Complete
    }

    pub fn status(&self, now: time::OffsetDateTime) -> InterviewStatus {
        match self.next(now) {
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
    pub fn final_score(
        &self,
        answers: &BTreeMap<String, Answer>,
        now: time::OffsetDateTime,
    ) -> Option<f64> {
        if self.status(now) != InterviewStatus::Completed
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
    /// The job posting the interview is aimed at.
    pub job_id: Option<String>,
    /// Follow-ups it may ask (0 for none).
    pub follow_ups: u8,
    /// Practice on the candidate's weakest topics.
    pub focus_weak: bool,
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

/// How many technical questions an interview aimed at a job takes from the topics it names:
/// two thirds, rounded up.
pub fn job_leaning(technical: usize) -> usize {
    technical.saturating_mul(2).div_ceil(3)
}

/// The questions of a new interview: technical, then behavioral (each of a different
/// competency), then placeholders for the personal ones, numbered `q1`, `q2`, ...
/// Technical questions lean to `focus_topics` (the topics a job posting names, or the weak
/// ones practised): up to `leaning` of them come from those topics, the rest from the usual
/// spread.
pub fn select_questions(
    bank: &Bank,
    request: &NewInterview,
    seen: &Seen,
    (focus_topics, leaning): (&BTreeSet<String>, usize),
    rng: &mut impl Rng,
) -> Vec<InterviewQuestion> {
    let lang = request.lang;
    let (focused, others): (Vec<_>, Vec<_>) = bank
        .technical
        .iter()
        .filter(|q| q.position == request.position)
        .partition(|q| focus_topics.contains(&q.topic));
    let mut technical = pick(
        &focused,
        leaning,
        &seen.technical,
        |q| &q.id,
        |q| &q.topic,
        rng,
    );
    let rest: Vec<_> = others
        .into_iter()
        .chain(
            focused
                .iter()
                .copied()
                .filter(|q| !technical.iter().any(|t| t.id == q.id)),
        )
        .collect();
    technical.extend(pick(
        &rest,
        request.technical - technical.len(),
        &seen.technical,
        |q| &q.id,
        |q| &q.topic,
        rng,
    ));
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

/// How many times a question may be answered again after its first evaluation.
pub const MAX_RETRIES: u8 = 2;

/// A question answered again after its first evaluation: attempt 1 or 2, evaluated like the
/// first answer and shown beside it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Retry {
    pub attempt: u8,
    #[serde(flatten)]
    pub answer: Answer,
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
            EvaluationStatus::Failed if self.can_evaluate_again() => Requeue::Retry,
            EvaluationStatus::Failed | EvaluationStatus::Evaluated => Requeue::No,
        }
    }

    /// Whether its evaluation failed and the candidate may have it tried again.
    pub fn can_evaluate_again(&self) -> bool {
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
    #[error("No job posting of yours has that id.")]
    JobNotFound,
    #[error("{0}")]
    CvNotReady(String),
    #[error("This account has used all of its {quota} interviews.")]
    QuotaExhausted { quota: i64 },
    #[error("This question is still being written.")]
    QuestionNotReady,
    #[error("This question already has a different answer.")]
    AlreadyAnswered,
    #[error("The first answer to this question is not evaluated yet; try again once it is.")]
    NotEvaluatedYet,
    #[error("This question has been answered again {MAX_RETRIES} times already.")]
    RetryLimitReached,
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
            job: None,
            answered: BTreeSet::new(),
            score: None,
            created_at: time::OffsetDateTime::UNIX_EPOCH,
            follow_up_limit: 0,
            follow_ups_written: 0,
            last_answer_at: None,
            follow_ups: Vec::new(),
            awaiting_evaluation: BTreeSet::new(),
            focus: None,
        }
    }

    fn at(seconds: i64) -> time::OffsetDateTime {
        time::OffsetDateTime::from_unix_timestamp(seconds).unwrap()
    }

    #[test]
    fn next_waits_for_personal_questions_and_skips_failed_ones() {
        let now = at(0);
        let mut pending = interview(PersonalStatus::Pending);
        assert!(matches!(pending.next(now), Next::Question(q) if q.id == "q1"));
        pending.answered.insert("q1".into());
        assert_eq!(pending.next(now), Next::Pending);
        let mut failed = pending.clone();
        failed.personal_status = PersonalStatus::Failed;
        assert_eq!(failed.next(now), Next::Complete);
        assert_eq!(failed.status(now), InterviewStatus::Completed);
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
            assert!(failed.can_evaluate_again());
        }
        failed.retries = MAX_EVALUATION_RETRIES;
        assert_eq!(failed.requeue(now), Requeue::No);
        assert!(!failed.can_evaluate_again());
    }

    #[test]
    fn answers_are_trimmed_and_bounded() {
        assert_eq!(parse_answer(Some("  yes ")).unwrap(), "yes");
        assert!(parse_answer(Some("   ")).is_err());
        assert!(parse_answer(None).is_err());
        assert!(parse_answer(Some(&"가".repeat(MAX_ANSWER_CHARS + 1))).is_err());
    }

    /// Three technical questions, follow-ups on.
    fn with_follow_ups() -> Interview {
        let mut interview = interview(PersonalStatus::None);
        interview.questions = ["q1", "q2", "q3"]
            .map(|id| InterviewQuestion {
                id: id.into(),
                text: Some("t".into()),
                ..InterviewQuestion::placeholder(QuestionKind::Technical)
            })
            .to_vec();
        interview.follow_up_limit = DEFAULT_FOLLOW_UPS;
        interview
    }

    fn follow_up(of: &str) -> InterviewQuestion {
        InterviewQuestion {
            id: format!("{of}f"),
            text: Some("f".into()),
            follows: Some(of.into()),
            ..InterviewQuestion::placeholder(QuestionKind::Technical)
        }
    }

    fn next_id(interview: &Interview, now: time::OffsetDateTime) -> Option<&str> {
        match interview.next(now) {
            Next::Question(q) => Some(q.id.as_str()),
            _ => None,
        }
    }

    #[test]
    fn a_follow_up_comes_after_one_other_question() {
        let now = at(1_000);
        let mut interview = with_follow_ups();
        interview.answered.insert("q1".into());
        interview.follow_ups.push(follow_up("q1"));
        interview.follow_ups_written = 1;
        // Not straight after its question: q2 first, then the follow-up, then q3.
        assert_eq!(next_id(&interview, now), Some("q2"));
        interview.answered.insert("q2".into());
        assert_eq!(next_id(&interview, now), Some("q1f"));
        interview.answered.insert("q1f".into());
        assert_eq!(next_id(&interview, now), Some("q3"));
        // The last question's follow-up is asked once nothing else is left.
        interview.answered.insert("q3".into());
        interview.follow_ups.push(follow_up("q3"));
        assert_eq!(next_id(&interview, now), Some("q3f"));
    }

    #[test]
    fn the_end_waits_for_follow_ups_only_for_a_bounded_time() {
        let mut interview = with_follow_ups();
        interview
            .answered
            .extend(["q1".into(), "q2".into(), "q3".into()]);
        interview.awaiting_evaluation.insert("q3".into());
        interview.last_answer_at = Some(at(1_000));
        assert_eq!(
            interview.next(at(1_000 + FOLLOW_UP_WAIT_SECONDS - 1)),
            Next::Pending
        );
        assert_eq!(
            interview.next(at(1_000 + FOLLOW_UP_WAIT_SECONDS)),
            Next::Complete
        );
        // With the limit reached, or follow-ups off, nothing is waited for.
        let mut full = interview.clone();
        full.follow_ups_written = i64::from(DEFAULT_FOLLOW_UPS);
        assert_eq!(full.next(at(1_001)), Next::Complete);
        let mut off = interview.clone();
        off.follow_up_limit = 0;
        assert_eq!(off.next(at(1_001)), Next::Complete);
    }

    #[test]
    fn names_are_the_serde_names() {
        names_match_serde(&PersonalStatus::ALL, PersonalStatus::as_str);
        names_match_serde(&EvaluationStatus::ALL, EvaluationStatus::as_str);
    }
}

#[cfg(test)]
mod selection_tests {
    use super::*;

    #[test]
    fn technical_questions_lean_to_the_focus_topics() {
        let full = Bank::read_dir(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../bank"
        )))
        .unwrap();
        let mut bank = Bank {
            competencies: full.competencies.clone(),
            ..Bank::default()
        };
        for topic in ["databases", "networking"] {
            bank.technical.extend(
                full.technical
                    .iter()
                    .filter(|q| q.position == Position::Be && q.topic == topic)
                    .take(2)
                    .cloned(),
            );
        }
        let request = NewInterview {
            cv_id: "c".into(),
            position: Position::Be,
            lang: Lang::En,
            technical: 2,
            behavioral: 0,
            personal: 0,
            job_id: None,
            follow_ups: 0,
            focus_weak: true,
        };
        let seen = Seen {
            technical: bank.technical.iter().map(|q| q.id.clone()).collect(),
            behavioral: BTreeSet::new(),
        };
        let focus: BTreeSet<String> = ["databases".to_owned()].into();
        for _ in 0..20 {
            let questions = select_questions(&bank, &request, &seen, (&focus, 2), &mut rand::rng());
            let topics: Vec<&str> = questions
                .iter()
                .filter_map(|q| q.topic.as_deref())
                .collect();
            assert_eq!(topics, ["databases", "databases"]);
        }
    }
}
