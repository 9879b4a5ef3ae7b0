//! The interview report: every question with its answer, evaluation and example answer;
//! scores by kind and by topic or competency; strengths and what to improve; anything still
//! pending marked as such. Also rendered as Markdown.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;
use utoipa::ToSchema;

use super::evaluation::{Evaluation, mean_score};
use super::interview::{
    Answer, EvaluationStatus, Interview, InterviewQuestion, InterviewStatus, MAX_RETRIES, Retry,
};
use super::posting::{Requirement, TargetJob};
use super::text::truncate;
use super::vocabulary::{Lang, Position, QuestionKind, names};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Unanswered,
    /// Answered; the evaluation is queued or running.
    Pending,
    Evaluated,
    Failed,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportItem {
    pub question_id: String,
    /// For a follow-up: the question it follows (the item just above it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follows: Option<String>,
    pub kind: QuestionKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub competency: Option<String>,
    pub status: ItemStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluation: Option<Evaluation>,
    /// Why the evaluation failed: `model_unavailable`, `invalid_model_output`, `processing_error`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
    /// The evaluation failed and may be tried again: submitting the same answer again does.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub can_evaluate_again: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example_answer: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub key_points: Vec<String>,
    /// The question answered again, attempt by attempt, each against the first answer.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub retries: Vec<RetryItem>,
    /// How many more times the question may be answered again (0 until its first answer
    /// is evaluated).
    pub retries_left: u8,
}

/// A question answered again: its evaluation and how it compares with the first answer's.
#[derive(Debug, Serialize, ToSchema)]
pub struct RetryItem {
    pub attempt: u8,
    pub answer: String,
    pub status: ItemStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluation: Option<Evaluation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
    /// This attempt's score minus the first answer's, once both are evaluated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score_change: Option<i16>,
    /// Key points this attempt covers that the first answer missed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub key_points_gained: Vec<String>,
}

impl RetryItem {
    fn of(retry: Retry, first: Option<&Evaluation>) -> Self {
        let answer = retry.answer;
        let status = item_status(Some(&answer));
        let (score_change, key_points_gained) = match (&answer.evaluation, first) {
            (Some(now), Some(before)) => (
                Some(i16::from(now.score) - i16::from(before.score)),
                now.key_points_covered
                    .iter()
                    .filter(|point| !before.key_points_covered.contains(point))
                    .cloned()
                    .collect(),
            ),
            _ => (None, Vec::new()),
        };
        Self {
            attempt: retry.attempt,
            answer: answer.answer,
            status,
            evaluation: answer.evaluation,
            failure_reason: answer.failure_reason,
            score_change,
            key_points_gained,
        }
    }
}

/// Where an answer's evaluation stands, as the report says it.
fn item_status(answer: Option<&Answer>) -> ItemStatus {
    match answer.map(|a| (a.evaluation_status, a.evaluation.is_some())) {
        None => ItemStatus::Unanswered,
        Some((EvaluationStatus::Evaluated, true)) => ItemStatus::Evaluated,
        Some((EvaluationStatus::Failed, _)) => ItemStatus::Failed,
        Some(_) => ItemStatus::Pending,
    }
}

/// What the answers showed of one requirement of the job posting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Shown {
    /// Mean score 7 or more.
    Strong,
    /// Mean score from 4.5 to under 7.
    Partial,
    Weak,
    /// Asked about, not evaluated yet.
    Pending,
    /// No question of the interview bore on it.
    NotAsked,
}

names!(Shown { Strong = "strong", Partial = "partial", Weak = "weak", Pending = "pending", NotAsked = "not_asked" });

impl Shown {
    fn of(asked: bool, scores: &[f64]) -> Self {
        match (asked, scores) {
            (false, _) => Self::NotAsked,
            (true, []) => Self::Pending,
            (true, scores) => match mean_score(scores) {
                mean if mean >= 7.0 => Self::Strong,
                mean if mean >= 4.5 => Self::Partial,
                _ => Self::Weak,
            },
        }
    }
}

/// One requirement of the job posting: whether the CV shows it, the questions that bore on
/// it (personal questions about it, technical questions in its topics) and what their
/// answers showed.
#[derive(Debug, Serialize, ToSchema)]
pub struct FitItem {
    #[serde(flatten)]
    pub requirement: Requirement,
    pub in_cv: bool,
    pub question_ids: Vec<String>,
    /// Mean score of those answers evaluated so far.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    pub shown: Shown,
}

/// How the interview bears on the job posting it was aimed at.
#[derive(Debug, Serialize, ToSchema)]
pub struct Fit {
    pub job_id: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    pub requirements: Vec<FitItem>,
}

impl Fit {
    fn of(job: &TargetJob, questions: &[InterviewQuestion], items: &[ReportItem]) -> Self {
        let requirements = job
            .requirements
            .iter()
            .map(|target| {
                let requirement = &target.requirement;
                let bears_on = |q: &&InterviewQuestion| {
                    q.requirement.as_deref() == Some(requirement.id.as_str())
                        || q.topic
                            .as_ref()
                            .is_some_and(|t| requirement.topics.contains(t))
                };
                let question_ids: Vec<String> = questions
                    .iter()
                    .filter(bears_on)
                    .map(|q| q.id.clone())
                    .collect();
                let scores: Vec<f64> = items
                    .iter()
                    .filter(|item| question_ids.contains(&item.question_id))
                    .filter_map(|item| item.evaluation.as_ref())
                    .map(|evaluation| f64::from(evaluation.score))
                    .collect();
                FitItem {
                    requirement: requirement.clone(),
                    in_cv: target.in_cv,
                    shown: Shown::of(!question_ids.is_empty(), &scores),
                    score: (!scores.is_empty()).then(|| mean_score(&scores)),
                    question_ids,
                }
            })
            .collect();
        Self {
            job_id: job.job_id.clone(),
            title: job.title.clone(),
            company: job.company.clone(),
            requirements,
        }
    }
}

/// Mean score (1-10) of a group and how many answers it averages.
#[derive(Debug, Serialize, ToSchema, PartialEq)]
pub struct GroupScore {
    pub score: f64,
    pub answers: usize,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "interview_id": "0196f1c4c2d38f4a9e5c7d8f9a0b1c2d", "status": "completed", "position": "be", "lang": "en",
    "score": 7.0, "complete": true,
    "scores_by_kind": {"technical": {"score": 7.0, "answers": 1}},
    "scores_by_topic": {"databases": {"score": 7.0, "answers": 1}},
    "scores_by_competency": {},
    "strengths": ["databases: How does a B-tree index speed up a range query?"],
    "improvements": [],
    "items": [{
        "question_id": "q1", "kind": "technical", "question": "How does a B-tree index speed up a range query?",
        "topic": "databases", "status": "evaluated", "answer": "The tree keeps keys sorted ...",
        "evaluation": {"grader": "offline", "score": 7, "dimensions": [{"name": "accuracy", "score": 8, "max": 10}],
            "key_points_covered": ["sorted keys"], "key_points_missed": ["leaf links"], "evidence": ["The tree keeps keys sorted"],
            "feedback": "You covered 1 of 2 key points. Missing: leaf links."},
        "example_answer": "A B-tree keeps keys sorted ...", "key_points": ["sorted keys", "leaf links"]
    }]
}))]
pub struct Report {
    pub interview_id: String,
    pub status: InterviewStatus,
    pub position: Position,
    pub lang: Lang,
    /// Mean of every evaluated answer, once there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Whether every answer is evaluated (or failed): the report is final.
    pub complete: bool,
    pub scores_by_kind: BTreeMap<String, GroupScore>,
    pub scores_by_topic: BTreeMap<String, GroupScore>,
    pub scores_by_competency: BTreeMap<String, GroupScore>,
    pub strengths: Vec<String>,
    pub improvements: Vec<String>,
    pub items: Vec<ReportItem>,
    /// For an interview aimed at a job posting: each requirement and what the answers
    /// showed of it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fit: Option<Fit>,
}

/// Scores mean and count of a group.
fn group(scores: &[f64]) -> GroupScore {
    GroupScore {
        score: mean_score(scores),
        answers: scores.len(),
    }
}

fn groups(by: &BTreeMap<String, Vec<f64>>) -> BTreeMap<String, GroupScore> {
    by.iter().map(|(k, v)| (k.clone(), group(v))).collect()
}

impl Report {
    /// The report of an interview from its answers, by question id.
    pub fn of(
        interview: &Interview,
        mut answers: BTreeMap<String, Answer>,
        retries: Vec<Retry>,
        now: time::OffsetDateTime,
    ) -> Self {
        let mut retries_of: BTreeMap<String, Vec<Retry>> = BTreeMap::new();
        for retry in retries {
            retries_of
                .entry(retry.answer.question_id.clone())
                .or_default()
                .push(retry);
        }
        let mut items = Vec::new();
        let mut by_kind: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        let mut by_topic: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        let mut by_competency: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        let mut strengths = Vec::new();
        let mut improvements = Vec::new();
        // Each follow-up right under the question it follows.
        let asked = interview.questions.iter().flat_map(|question| {
            std::iter::once(question).chain(interview.follow_up_of(&question.id))
        });
        for question in asked {
            let answer = answers.remove(&question.id);
            let evaluation = answer.as_ref().and_then(|a| a.evaluation.clone());
            let status = item_status(answer.as_ref());
            let mut retries = retries_of.remove(&question.id).unwrap_or_default();
            retries.sort_by_key(|r| r.attempt);
            let retries: Vec<RetryItem> = retries
                .into_iter()
                .map(|retry| RetryItem::of(retry, evaluation.as_ref()))
                .collect();
            if let Some(evaluation) = &evaluation {
                let score = f64::from(evaluation.score);
                by_kind
                    .entry(question.kind.as_str().into())
                    .or_default()
                    .push(score);
                if let Some(topic) = &question.topic {
                    by_topic.entry(topic.clone()).or_default().push(score);
                }
                if let Some(competency) = &question.competency {
                    by_competency
                        .entry(competency.clone())
                        .or_default()
                        .push(score);
                }
                let label = question.label();
                let text = question.text.as_deref().unwrap_or_default();
                if evaluation.score >= 7 {
                    strengths.push(format!("{label}: {}", truncate(text, 120)));
                }
                if evaluation.score <= 6 {
                    improvements.push(format!("{label}: {}", evaluation.feedback));
                }
            }
            items.push(ReportItem {
                question_id: question.id.clone(),
                follows: question.follows.clone(),
                kind: question.kind,
                question: question.text.clone(),
                topic: question.topic.clone(),
                competency: question.competency.clone(),
                status,
                answer: answer.as_ref().map(|a| a.answer.clone()),
                evaluation,
                can_evaluate_again: answer.as_ref().is_some_and(Answer::can_evaluate_again),
                failure_reason: answer.and_then(|a| a.failure_reason),
                example_answer: question.example_answer.clone(),
                key_points: question.key_points.clone(),
                retries_left: match status {
                    ItemStatus::Evaluated => MAX_RETRIES.saturating_sub(retries.len() as u8),
                    _ => 0,
                },
                retries,
            });
        }
        let all: Vec<f64> = by_kind.values().flatten().copied().collect();
        let complete = interview.status(now) == InterviewStatus::Completed
            && items.iter().all(|i| i.status != ItemStatus::Pending);
        let fit = interview
            .job
            .as_ref()
            .map(|job| Fit::of(job, &interview.questions, &items));
        Self {
            fit,
            interview_id: interview.id.clone(),
            status: interview.status(now),
            position: interview.position,
            lang: interview.lang,
            score: (!all.is_empty()).then(|| mean_score(&all)),
            complete,
            scores_by_kind: groups(&by_kind),
            scores_by_topic: groups(&by_topic),
            scores_by_competency: groups(&by_competency),
            strengths,
            improvements,
            items,
        }
    }
}

/// The report as Markdown, headings in the interview's language.
pub fn markdown(report: &Report) -> String {
    let ko = report.lang == Lang::Ko;
    let t = |en: &'static str, kr: &'static str| if ko { kr } else { en };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {} ({})\n",
        t("Interview report", "면접 리포트"),
        report.position.as_str()
    );
    match report.score {
        Some(score) => {
            let _ = writeln!(
                out,
                "**{}: {score:.1} / 10**{}\n",
                t("Overall score", "종합 점수"),
                if report.complete {
                    ""
                } else {
                    t(" (evaluations still pending)", " (평가 진행 중)")
                }
            );
        }
        None => {
            let _ = writeln!(
                out,
                "_{}_\n",
                t(
                    "No answer has been evaluated yet.",
                    "아직 평가된 답변이 없습니다."
                )
            );
        }
    }
    for (title, groups) in [
        (t("Scores by kind", "유형별 점수"), &report.scores_by_kind),
        (t("Scores by topic", "주제별 점수"), &report.scores_by_topic),
        (
            t("Scores by competency", "역량별 점수"),
            &report.scores_by_competency,
        ),
    ] {
        if groups.is_empty() {
            continue;
        }
        let _ = writeln!(out, "## {title}\n");
        for (name, group) in groups {
            let _ = writeln!(
                out,
                "- {name}: {:.1} ({} {})",
                group.score,
                group.answers,
                t("answers", "개 답변")
            );
        }
        out.push('\n');
    }
    for (title, lines) in [
        (t("Strengths", "강점"), &report.strengths),
        (t("What to improve", "개선할 점"), &report.improvements),
    ] {
        if lines.is_empty() {
            continue;
        }
        let _ = writeln!(out, "## {title}\n");
        for line in lines {
            let _ = writeln!(out, "- {line}");
        }
        out.push('\n');
    }
    if let Some(fit) = &report.fit {
        let _ = writeln!(
            out,
            "## {}: {}\n",
            t("Fit with the job", "직무 적합도"),
            fit.title
        );
        for item in &fit.requirements {
            let shown = match item.shown {
                Shown::Strong => t("shown well", "잘 드러남"),
                Shown::Partial => t("partly shown", "일부 드러남"),
                Shown::Weak => t("not shown yet", "아직 부족함"),
                Shown::Pending => t("evaluation pending", "평가 대기 중"),
                Shown::NotAsked => t("not asked", "질문 없음"),
            };
            let in_cv = if item.in_cv {
                t("in your CV", "이력서에 있음")
            } else {
                t("not in your CV", "이력서에 없음")
            };
            let score = item.score.map(|s| format!(", {s:.1}")).unwrap_or_default();
            let _ = writeln!(
                out,
                "- {} ({in_cv}): {shown}{score}",
                item.requirement.name_in(report.lang)
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "## {}\n", t("Questions", "질문"));
    for item in &report.items {
        let _ = writeln!(
            out,
            "### {}. {}\n",
            item.question_id,
            item.question
                .as_deref()
                .unwrap_or(t("(being written)", "(작성 중)"))
        );
        let status = match item.status {
            ItemStatus::Unanswered => t("not answered", "답변 없음"),
            ItemStatus::Pending => t("evaluation pending", "평가 대기 중"),
            ItemStatus::Evaluated => t("evaluated", "평가 완료"),
            ItemStatus::Failed => t("evaluation failed", "평가 실패"),
        };
        let _ = writeln!(out, "_{status}_\n");
        if let Some(answer) = &item.answer {
            let _ = writeln!(out, "**{}**\n\n{answer}\n", t("Your answer", "내 답변"));
        }
        if let Some(evaluation) = &item.evaluation {
            let _ = writeln!(
                out,
                "**{}: {} / 10** ({})\n\n{}\n",
                t("Score", "점수"),
                evaluation.score,
                evaluation.grader,
                evaluation.feedback
            );
            if !evaluation.key_points_missed.is_empty() {
                let _ = writeln!(out, "{}:", t("Missed key points", "놓친 핵심 포인트"));
                for point in &evaluation.key_points_missed {
                    let _ = writeln!(out, "- {point}");
                }
                out.push('\n');
            }
        }
        for retry in &item.retries {
            let _ = writeln!(
                out,
                "**{} {}**\n\n{}\n",
                t("Answered again, attempt", "다시 답변, 시도"),
                retry.attempt,
                retry.answer
            );
            if let Some(evaluation) = &retry.evaluation {
                let change = retry
                    .score_change
                    .map(|change| format!(" ({change:+})"))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "**{}: {} / 10**{change}\n\n{}\n",
                    t("Score", "점수"),
                    evaluation.score,
                    evaluation.feedback
                );
            }
        }
        if let Some(example) = &item.example_answer {
            let _ = writeln!(
                out,
                "**{}**\n\n{example}\n",
                t("Example answer", "모범 답안")
            );
        }
    }
    out
}
